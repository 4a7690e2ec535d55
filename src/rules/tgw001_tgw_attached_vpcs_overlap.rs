//! TGW001: VPCs routed by one transit gateway route table must not overlap.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::net::{AddrRange, overlapping_pairs};
use crate::model::{Id, TransitGatewayRouteTable, Vpc, VpcCidr, Vpcs};
use crate::topology::{TableKey, Topology};
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "TGW001",
        name: "tgw-attached-vpcs-overlap",
        severity: Severity::Error,
        summary: "VPCs associated with or propagating into one transit gateway route table overlap",
        doc: include_str!("../../rules/TGW001.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for (key, vpcs) in t.transit_tables() {
        let (rt_id, table) = match *key {
            TableKey::Loaded(i) => (d[i].meta.label(), Some(&d[i])),
            TableKey::Elsewhere(_, id) => (id.to_string(), None),
        };
        let blocks: Vec<(AddrRange, Id<Vpcs>, &VpcCidr)> =
            vpcs.iter().flat_map(|&v| d[v].active_cidrs().map(move |c| (AddrRange::of(&c.net), v, c))).collect();
        let items: Vec<(AddrRange, Id<Vpcs>)> = blocks.iter().map(|(r, v, _)| (*r, *v)).collect();
        let mut reported = BTreeSet::new();
        for (i, j) in overlapping_pairs(&items) {
            let (a, b) = (&blocks[i], &blocks[j]);
            if !reported.insert((a.1.min(b.1), a.1.max(b.1))) {
                continue;
            }
            let overlap = a.0.intersect(&b.0).map(|r| r.to_string()).unwrap_or_default();
            let f = finding(sink, (&rt_id, table), (&d[a.1], a.2), (&d[b.1], b.2), &overlap);
            sink.emit(f);
        }
    }
}

/// The finding for two VPCs routed by one transit gateway route table (`rt_id`, and the table
/// itself when it is loaded), whose blocks overlap on `overlap`; on the second VPC's block.
fn finding(
    sink: &Sink<'_>,
    (rt_id, table): (&str, Option<&TransitGatewayRouteTable>),
    (va, a): (&Vpc, &VpcCidr),
    (vb, b): (&Vpc, &VpcCidr),
    overlap: &str,
) -> Finding {
    let mut f = sink
        .finding(
            Severity::Error,
            &vb.meta,
            b.origin.clone(),
            format!("{} overlaps {}", b.net, va.meta.id),
            format!(
                "VPCs {} with {} and {} with {} are both routed by transit gateway route table {rt_id} and overlap on \
                 {overlap}: the table can send that range to only one of them",
                va.meta.label(),
                a.net,
                vb.meta.label(),
                b.net
            ),
        )
        .label(a.origin.clone(), format!("{} block {}", va.meta.id, a.net));
    if let Some(rt) = table {
        f = f.label(rt.meta.id_origin(), "transit gateway route table");
    }
    f.help("re-address one VPC, or associate and propagate the overlapping VPCs into separate route tables")
}
