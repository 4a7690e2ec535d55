//! NACL002: an entry that can never match, because lower-numbered entries of the same direction
//! already decide all of its traffic.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::{evaluate, ordered_entries};
use crate::model::NetworkAcl;
use crate::model::net::{AddrRange, PortRange, Protocol};
use crate::topology::Topology;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NACL002",
        name: "nacl-entry-shadowed",
        severity: Severity::Warning,
        summary: "A network ACL entry can never match: lower-numbered entries decide all its traffic",
        doc: include_str!("../../rules/NACL002.md"),
    },
    check,
    options: super::no_options,
};

/// Protocols to test an entry with: its own, or for "all" a representative of every kind.
fn protocols(p: Protocol) -> Vec<Protocol> {
    match p {
        Protocol::All => {
            vec![Protocol::TCP, Protocol::UDP, Protocol::Number(1), Protocol::Number(58), Protocol::Number(50)]
        }
        p => vec![p],
    }
}

/// The entries that decide entry `i`'s traffic, or `None` if some of it reaches entry `i`.
fn shadowers(nacl: &NetworkAcl, i: usize) -> Option<BTreeSet<usize>> {
    let e = &nacl.entries[i];
    let ports = if e.protocol.has_ports() { e.ports.unwrap_or(PortRange::ALL) } else { PortRange::ALL };
    let mut by = BTreeSet::new();
    for p in protocols(e.protocol) {
        for v in evaluate(nacl, e.egress, p, AddrRange::of(&e.cidr), ports) {
            match v.entry {
                Some(j) if j != i => {
                    by.insert(j);
                }
                _ => return None,
            }
        }
    }
    Some(by)
}

fn describe(nacl: &NetworkAcl, i: usize) -> String {
    let e = &nacl.entries[i];
    let action = if e.allow { "allow" } else { "deny" };
    let ports = match (e.protocol.has_ports(), e.ports) {
        (true, Some(p)) => format!(" {}", p.describe()),
        _ => String::new(),
    };
    format!("rule {} ({action} {}{ports} {} {})", e.number, e.protocol, if e.egress { "to" } else { "from" }, e.cidr)
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    for nacl in &t.design.network_acls {
        for dir in [false, true] {
            for i in ordered_entries(nacl, dir) {
                // The final catch-all entries are the implicit deny, listed.
                if nacl.entries[i].number >= 32767 {
                    continue;
                }
                let Some(by) = shadowers(nacl, i) else { continue };
                let f = finding(sink, nacl, i, &by);
                sink.emit(f);
            }
        }
    }
}

/// The finding for entry `i`, whose traffic the entries `by` all decide first.
fn finding(sink: &Sink<'_>, nacl: &NetworkAcl, i: usize, by: &BTreeSet<usize>) -> Finding {
    let e = &nacl.entries[i];
    let same = by.iter().all(|&j| nacl.entries[j].allow == e.allow);
    let names: Vec<String> = by.iter().map(|&j| describe(nacl, j)).collect();
    let (severity, what) = if same {
        (Severity::Info, "is redundant: everything it matches is already decided the same way by".to_string())
    } else {
        let verb = if e.allow { "never allows anything" } else { "never denies anything" };
        (Severity::Warning, format!("{verb}: everything it matches is decided first by"))
    };
    let mut f = sink.finding(
        severity,
        &nacl.meta,
        e.origin.clone(),
        if same { "redundant".to_string() } else { "never takes effect".to_string() },
        format!("network ACL {}: {} {what} {}", nacl.meta.label(), describe(nacl, i), names.join(", ")),
    );
    for &j in by {
        f = f.label(nacl.entries[j].origin.clone(), format!("rule {} decides first", nacl.entries[j].number));
    }
    let help = if same {
        "remove the redundant entry"
    } else {
        "renumber the entry below the ones that shadow it, or narrow them, so that the intended rule applies"
    };
    f.help(help)
}
