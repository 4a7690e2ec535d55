//! SUP001: a suppression that silences nothing. Reported by the suppression pass
//! (`crate::suppress`), which is the only place that knows what was silenced; the rule itself has
//! nothing to check on the topology.

use super::{Rule, RuleMeta, Severity, Sink};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SUP001",
        name: "unused-suppression",
        severity: Severity::Warning,
        summary: "A suppression (vpclint.toml or the vpclint:ignore tag) matches no finding",
        doc: include_str!("../../rules/SUP001.md"),
    },
    check,
    options: super::no_options,
};

fn check(_: &Topology<'_>, _: &mut Sink<'_>) {}
