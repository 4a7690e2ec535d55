//! SG002: a security group rule that references a group the input does not contain, although it
//! covers that account and region.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::{GroupRef, Provenance, SecurityGroup, SgRule};
use crate::topology::Topology;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SG002",
        name: "sg-references-missing-group",
        severity: Severity::Error,
        summary: "A security group rule references a group that does not exist",
        doc: include_str!("../../rules/SG002.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    // Terraform plans name groups by address or by ids of groups outside the plan: only dumps tell.
    let from_dump = |g: &&SecurityGroup| g.meta.provenance == Provenance::Dump;
    let covered: BTreeSet<(Option<&str>, Option<&str>)> = d
        .security_groups
        .iter()
        .filter(from_dump)
        .map(|g| (g.meta.account.as_deref(), g.meta.region.as_deref()))
        .collect();
    // A template references its own groups by logical id, and the account's by id: those are
    // judged when a dump of the account is loaded with it.
    // A template that does not name its account or region (`--parameter AWS::AccountId=…`) is
    // taken to deploy where a loaded dump was taken.
    let template = |g: &&SecurityGroup| {
        let (account, region) = (g.meta.account.as_deref(), g.meta.region.as_deref());
        g.meta.provenance == Provenance::Template
            && covered
                .iter()
                .any(|(a, r)| account.is_none_or(|x| Some(x) == *a) && region.is_none_or(|x| Some(x) == *r))
    };
    for sg in d.security_groups.iter().filter(|g| from_dump(g) || template(g)) {
        let scope = (sg.meta.account.as_deref(), sg.meta.region.as_deref());
        if !covered.contains(&scope) && sg.meta.provenance == Provenance::Dump {
            continue;
        }
        for (dir, rules) in [("inbound", &sg.ingress), ("outbound", &sg.egress)] {
            for rule in rules.iter() {
                for g in &rule.groups {
                    let other_account = g.account.as_deref().is_some_and(|a| Some(a) != sg.meta.account.as_deref());
                    if other_account || g.idx.is_some() {
                        continue;
                    }
                    let f = finding(sink, sg, dir, rule, g);
                    sink.emit(f);
                }
            }
        }
    }
}

/// The finding for `sg`'s `dir` rule, which references the missing group `g`.
fn finding(sink: &Sink<'_>, sg: &SecurityGroup, dir: &str, rule: &SgRule, g: &GroupRef) -> Finding {
    let why = if sg.meta.provenance == Provenance::Template {
        "which neither the template nor the account dump loaded with it has: the stack cannot create the rule (a \
         deleted group, or a mistyped id)"
    } else {
        "which is not in this account and region: the rule admits nothing (a stale reference to a deleted group)"
    };
    sink.finding(
        Severity::Error,
        &sg.meta,
        rule.origin.clone(),
        format!("references {}", g.id),
        format!("security group {} has an {dir} rule that references {}, {why}", sg.meta.label(), g.id),
    )
    .help("point the rule at the group that replaced it, or remove it")
}
