//! SUB002: two subnets of one VPC with overlapping CIDR blocks (found by a sweep, not all pairs).

use super::{Rule, RuleMeta, Severity, Sink};
use crate::graph::Topology;
use crate::model::net::{AddrRange, overlapping_pairs};
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SUB002",
        name: "subnet-cidr-overlap",
        severity: Severity::Error,
        summary: "Two subnets of one VPC have overlapping CIDR blocks",
        doc: include_str!("../../rules/SUB002.md"),
    },
    check,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    let mut by_vpc: BTreeMap<usize, Vec<(AddrRange, usize)>> = BTreeMap::new();
    for (si, s) in d.subnets.iter().enumerate() {
        let Some(v) = s.vpc.as_ref().and_then(|r| r.idx) else { continue };
        for net in s.cidr.iter().chain(s.ipv6_cidrs.iter()) {
            by_vpc.entry(v).or_default().push((AddrRange::of(net), si));
        }
    }
    for items in by_vpc.values() {
        for (i, j) in overlapping_pairs(items) {
            let (a, b) = (&d.subnets[items[i].1], &d.subnets[items[j].1]);
            let (first, second) = if a.meta.id <= b.meta.id { (a, b) } else { (b, a) };
            let overlap = items[i].0.intersect(&items[j].0).map(|r| r.to_string()).unwrap_or_default();
            let f = sink
                .finding(
                    Severity::Error,
                    &second.meta,
                    second.meta.id_origin(),
                    format!("overlaps {}", first.meta.id),
                    format!(
                        "subnets {} ({}) and {} ({}) of the same VPC overlap on {overlap}",
                        first.meta.label(),
                        first.cidr.map(|c| c.to_string()).unwrap_or_default(),
                        second.meta.label(),
                        second.cidr.map(|c| c.to_string()).unwrap_or_default()
                    ),
                )
                .label(first.meta.id_origin(), "overlapping subnet")
                .help("AWS rejects overlapping subnets in one VPC: give each subnet its own range");
            sink.emit(f);
        }
    }
}
