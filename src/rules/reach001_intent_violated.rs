//! REACH001: a network intent of vpclint.toml does not hold — a denied flow gets through, or an
//! allowed one is blocked.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::reach::intent::{self, Expect, Intent, Judged};
use crate::analysis::reach::{Answer, End};
use crate::model::Meta;
use crate::source::Origin;
use crate::topology::Topology;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "REACH001",
        name: "intent-violated",
        severity: Severity::Error,
        summary: "A flow an intent denies gets through, or one it allows is blocked",
        doc: include_str!("../../rules/REACH001.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let intents = sink.intents();
    if intents.intents.is_empty() {
        return;
    }
    let metas = Metas::of(t);
    for (i, judged) in intents.of(t) {
        for judged in judged {
            if let Judged::Violated { from, to, ports, answer } = judged {
                let ports = intent::describe_ports(ports);
                if let Some(f) = finding(sink, &metas, i, (from, to), &ports, answer) {
                    sink.emit(f);
                }
            }
        }
    }
}

/// Resources by id, to place labels on the hops of a path.
pub(super) struct Metas<'d>(HashMap<&'d str, &'d Meta>);

impl<'d> Metas<'d> {
    pub(super) fn of(t: &Topology<'d>) -> Metas<'d> {
        let mut by_id = HashMap::new();
        for m in t.design.metas() {
            by_id.entry(m.id.as_str()).or_insert(m);
        }
        Metas(by_id)
    }

    pub(super) fn get(&self, id: &str) -> Option<&'d Meta> {
        self.0.get(id).copied()
    }

    /// The resource a pair is judged on: the destination, or the source when the destination is
    /// the internet.
    pub(super) fn subject(&self, (from, to): (&End, &End)) -> Option<&'d Meta> {
        match (to, from) {
            (End::Inside { resource, .. }, _) | (End::Internet(_), End::Inside { resource, .. }) => self.get(resource),
            _ => None,
        }
    }
}

fn finding(
    sink: &Sink<'_>,
    metas: &Metas<'_>,
    i: &Intent,
    ends: (&End, &End),
    ports: &str,
    answer: &Answer,
) -> Option<Finding> {
    let subject = metas.subject(ends)?;
    let (from, to) = (ends.0.label(), ends.1.label());
    let (message, label) = match i.expect {
        Expect::Deny => (
            format!("intent `{}` is violated: {from} reaches {to} on {ports}", i.name),
            format!("reachable from {from} on {ports}"),
        ),
        Expect::Allow => (
            format!("intent `{}` does not hold: {from} cannot reach {to} on {ports}", i.name),
            format!("not reachable from {from} on {ports}"),
        ),
    };
    let mut f = sink.finding(Severity::Error, subject, subject.origin.clone(), label, message);
    f.primary.text = format!("{} ({})", f.primary.text, i.name);
    // The hops of the path that gets through, or the blockers of the one that must.
    let parts: Vec<(&str, String)> = match i.expect {
        Expect::Deny => {
            let hops = answer.forward.iter().chain(&answer.back);
            hops.map(|h| (h.resource.as_str(), format!("{}: {}", h.kind, h.detail))).collect()
        }
        Expect::Allow => {
            let blockers = answer.blocked_by.iter();
            blockers.map(|b| (b.resource.as_str(), format!("{}: {}", b.code.as_str(), b.reason))).collect()
        }
    };
    // A hop on several security groups names them all.
    let related = parts.iter().flat_map(|(ids, text)| ids.split(", ").map(move |id| (id, text)));
    let related: Vec<(Origin, String)> =
        related.filter_map(|(id, text)| Some((metas.get(id)?.origin.clone(), text.clone()))).collect();
    if let Some(at) = sink.in_config(&i.span) {
        f = f.label(at, format!("the intent `{}`", i.name));
    }
    let mut seen = std::collections::HashSet::new();
    for (origin, text) in related {
        if origin != f.primary.origin && seen.insert((origin.clone(), text.clone())) {
            f = f.label(origin, text);
        }
    }
    let help = match i.expect {
        Expect::Deny => {
            "close the path at one of the hops shown, or change the intent if this flow is wanted".to_string()
        }
        Expect::Allow => {
            let mut fixes: Vec<&str> = answer.blocked_by.iter().map(|b| b.code.fix()).collect();
            fixes.dedup();
            fixes.join("; ")
        }
    };
    Some(f.help(help))
}
