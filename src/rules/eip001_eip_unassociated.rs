//! EIP001: an Elastic IP associated with nothing is billed while idle.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::{ElasticIp, ElasticIps, Id};
use crate::topology::Topology;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "EIP001",
        name: "eip-unassociated",
        severity: Severity::Info,
        summary: "An Elastic IP address is associated with nothing",
        doc: include_str!("../../rules/EIP001.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    // NAT gateways hold their addresses without an association visible on the address (plans).
    let used: BTreeSet<Id<ElasticIps>> =
        d.nat_gateways.iter().flat_map(|n| n.allocations.iter().filter_map(|r| r.idx)).collect();
    for (i, eip) in d.each::<ElasticIps>() {
        if eip.association_id.is_some()
            || eip.instance.is_some()
            || eip.network_interface.is_some()
            || used.contains(&i)
        {
            continue;
        }
        let f = finding(sink, eip);
        sink.emit(f);
    }
}

/// The finding for an Elastic IP associated with nothing.
fn finding(sink: &Sink<'_>, eip: &ElasticIp) -> Finding {
    sink.finding(
        Severity::Info,
        &eip.meta,
        eip.meta.id_origin(),
        "not associated",
        format!(
            "Elastic IP {}{} is not associated with any instance or network interface: idle addresses are billed",
            eip.meta.label(),
            eip.public_ip.as_deref().map(|ip| format!(", address {ip},")).unwrap_or_default()
        ),
    )
    .help("associate it with what it was allocated for, or release it")
}
