//! SUB002: two subnets of one VPC with overlapping CIDR blocks (found by a sweep, not all pairs).

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::net::{AddrRange, overlapping_pairs};
use crate::model::{Id, Subnet, Subnets, Vpcs};
use crate::topology::{Named, Topology};
use ipnet::IpNet;
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
    options: super::no_options,
};

/// A block of a subnet: its range, the subnet, the block.
type Block = (AddrRange, (Id<Subnets>, IpNet));

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    // By the VPC a subnet is in: loaded, or known only by the id the subnet names (a template or
    // plan that adds subnets to an existing VPC).
    let mut by_vpc: BTreeMap<Named<'_, Vpcs>, Vec<Block>> = BTreeMap::new();
    for (si, s) in d.each::<Subnets>() {
        let Some(vpc) = &s.vpc else { continue };
        let key = Named::of(vpc, s.meta.account.as_deref(), s.meta.region.as_deref());
        let items = by_vpc.entry(key).or_default();
        items.extend(s.cidr.iter().chain(s.ipv6_cidrs.iter()).map(|net| (AddrRange::of(net), (si, *net))));
    }
    for items in by_vpc.values() {
        // Tag by subnet alone: two blocks of one subnet never overlap.
        let tagged: Vec<(AddrRange, Id<Subnets>)> = items.iter().map(|(r, (si, _))| (*r, *si)).collect();
        for (i, j) in overlapping_pairs(&tagged) {
            let ((sa, na), (sb, nb)) = (items[i].1, items[j].1);
            let (a, b) = (&d[sa], &d[sb]);
            // Reported on the subnet with the narrower (else the later) block, which does not
            // depend on how the input names or orders subnets.
            let rank = |n: &IpNet, id: &str| (n.prefix_len(), n.network(), id.to_string());
            let (first, second) =
                if rank(&na, &a.meta.id) <= rank(&nb, &b.meta.id) { ((a, na), (b, nb)) } else { ((b, nb), (a, na)) };
            let overlap = items[i].0.intersect(&items[j].0).map(|r| r.to_string()).unwrap_or_default();
            let f = finding(sink, first, second, &overlap);
            sink.emit(f);
        }
    }
}

/// The finding for two subnets, each with the block that overlaps the other's on `overlap`; on
/// the `second`.
fn finding(
    sink: &Sink<'_>,
    (first, first_net): (&Subnet, IpNet),
    (second, second_net): (&Subnet, IpNet),
    overlap: &str,
) -> Finding {
    sink.finding(
        Severity::Error,
        &second.meta,
        second.meta.id_origin(),
        format!("overlaps {}", first.meta.id),
        format!(
            "subnets {} with {first_net} and {} with {second_net} of the same VPC overlap on {overlap}",
            first.meta.label(),
            second.meta.label(),
        ),
    )
    .label(first.meta.id_origin(), "overlapping subnet")
    .help("AWS rejects overlapping subnets in one VPC: give each subnet its own range")
}
