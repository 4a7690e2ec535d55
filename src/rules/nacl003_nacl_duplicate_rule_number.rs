//! NACL003: rule numbers are unique per direction; templates accept duplicates, AWS does not.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::{NaclEntry, NetworkAcl};
use crate::topology::Topology;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NACL003",
        name: "nacl-duplicate-rule-number",
        severity: Severity::Error,
        summary: "Two entries of a network ACL share a rule number and direction",
        doc: include_str!("../../rules/NACL003.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    for nacl in &t.design.network_acls {
        let mut seen: BTreeMap<(bool, u32), usize> = BTreeMap::new();
        for (i, e) in nacl.entries.iter().enumerate() {
            let Some(&first) = seen.get(&(e.egress, e.number)) else {
                seen.insert((e.egress, e.number), i);
                continue;
            };
            let f = finding(sink, nacl, &nacl.entries[first], e);
            sink.emit(f);
        }
    }
}

/// The finding for entry `second`, numbered and directed like `first`.
fn finding(sink: &Sink<'_>, nacl: &NetworkAcl, first: &NaclEntry, second: &NaclEntry) -> Finding {
    let dir = if second.egress { "outbound" } else { "inbound" };
    sink.finding(
        Severity::Error,
        &nacl.meta,
        second.origin.clone(),
        format!("second {dir} rule {}", second.number),
        format!(
            "network ACL {} has two {dir} entries numbered {}: AWS rejects the second, so the ACL that deploys is \
             not the one written",
            nacl.meta.label(),
            second.number
        ),
    )
    .label(first.origin.clone(), format!("first {dir} rule {}", second.number))
    .help("give every entry of a direction its own rule number")
}
