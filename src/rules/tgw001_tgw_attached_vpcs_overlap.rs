//! TGW001: VPCs routed by one transit gateway route table must not overlap.

use super::{Rule, RuleMeta, Severity, Sink};
use crate::graph::Topology;
use crate::model::net::{AddrRange, overlapping_pairs};
use std::collections::{BTreeMap, BTreeSet};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "TGW001",
        name: "tgw-attached-vpcs-overlap",
        severity: Severity::Error,
        summary: "VPCs associated with or propagating into one transit gateway route table overlap",
        doc: include_str!("../../rules/TGW001.md"),
    },
    check,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    // attachment id → VPC index
    let mut vpc_of: BTreeMap<&str, usize> = BTreeMap::new();
    for a in d.transit_gateway_attachments.iter().chain(d.transit_gateway_vpc_attachments.iter()) {
        if let Some(v) = a.vpc.as_ref().and_then(|r| r.idx) {
            vpc_of.insert(a.meta.id.as_str(), v);
        }
    }
    // route table id → attachments that associate with or propagate into it
    let mut members: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for rt in &d.transit_gateway_route_tables {
        let set = members.entry(rt.meta.id.as_str()).or_default();
        set.extend(rt.associations.iter().chain(rt.propagations.iter()).map(|r| r.id.as_str()));
    }
    for a in d.transit_gateway_attachments.iter().chain(d.transit_gateway_vpc_attachments.iter()) {
        if let Some(rt) = &a.association {
            members.entry(rt.as_str()).or_default().insert(a.meta.id.as_str());
        }
    }
    for (rt_id, attachments) in members {
        let vpcs: BTreeSet<usize> = attachments.iter().filter_map(|a| vpc_of.get(a).copied()).collect();
        let blocks: Vec<(AddrRange, usize, &crate::model::VpcCidr)> =
            vpcs.iter().flat_map(|&v| d.vpcs[v].active_cidrs().map(move |c| (AddrRange::of(&c.net), v, c))).collect();
        let items: Vec<(AddrRange, usize)> = blocks.iter().map(|(r, v, _)| (*r, *v)).collect();
        let mut reported = BTreeSet::new();
        for (i, j) in overlapping_pairs(&items) {
            let (a, b) = (&blocks[i], &blocks[j]);
            if !reported.insert((a.1.min(b.1), a.1.max(b.1))) {
                continue;
            }
            let (va, vb) = (&d.vpcs[a.1], &d.vpcs[b.1]);
            let overlap = a.0.intersect(&b.0).map(|r| r.to_string()).unwrap_or_default();
            let table = d.transit_gateway_route_tables.iter().find(|r| r.meta.id == rt_id);
            let mut f = sink
                .finding(
                    Severity::Error,
                    &vb.meta,
                    b.2.origin.clone(),
                    format!("{} overlaps {}", b.2.net, va.meta.id),
                    format!(
                        "VPCs {} ({}) and {} ({}) are both routed by transit gateway route table {rt_id} and overlap on \
                         {overlap}: the table can send that range to only one of them",
                        va.meta.label(),
                        a.2.net,
                        vb.meta.label(),
                        b.2.net
                    ),
                )
                .label(a.2.origin.clone(), format!("{} block {}", va.meta.id, a.2.net));
            if let Some(rt) = table {
                f = f.label(rt.meta.id_origin(), "transit gateway route table");
            }
            let f = f
                .help("re-address one VPC, or associate and propagate the overlapping VPCs into separate route tables");
            sink.emit(f);
        }
    }
}
