//! TGW001: VPCs routed by one transit gateway route table must not overlap.

use super::{Rule, RuleMeta, Severity, Sink};
use crate::graph::Topology;
use crate::model::net::{AddrRange, overlapping_pairs};
use crate::source::FileId;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// A transit gateway route table: loaded, or known only by the id an attachment names.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum TableKey<'d> {
    Loaded(usize),
    Elsewhere(&'d str),
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    let attachments = || d.transit_gateway_attachments.iter().chain(d.transit_gateway_vpc_attachments.iter());
    // A template's logical ids mean something only inside it: look there first, then among the
    // physical ids every input shares.
    let mut vpc_of: HashMap<(Option<FileId>, &str), usize> = HashMap::new();
    for a in attachments() {
        if let Some(v) = a.vpc.as_ref().and_then(|r| r.idx) {
            vpc_of.insert((a.meta.document, a.meta.id.as_str()), v);
        }
    }
    let mut table_of: HashMap<(Option<FileId>, &str), usize> = HashMap::new();
    for (i, rt) in d.transit_gateway_route_tables.iter().enumerate() {
        table_of.entry((rt.meta.document, rt.meta.id.as_str())).or_insert(i);
    }
    let scoped = |map: &HashMap<(Option<FileId>, &str), usize>, doc: Option<FileId>, id: &str| {
        map.get(&(doc, id)).or_else(|| map.get(&(None, id))).copied()
    };
    // route table → VPCs attached to it by association or propagation
    let mut members: BTreeMap<TableKey<'_>, BTreeSet<usize>> = BTreeMap::new();
    for (i, rt) in d.transit_gateway_route_tables.iter().enumerate() {
        let set = members.entry(TableKey::Loaded(i)).or_default();
        set.extend(
            rt.associations
                .iter()
                .chain(rt.propagations.iter())
                .filter_map(|r| scoped(&vpc_of, rt.meta.document, &r.id)),
        );
    }
    for a in attachments() {
        let (Some(rt), Some(v)) = (&a.association, scoped(&vpc_of, a.meta.document, &a.meta.id)) else { continue };
        let key = scoped(&table_of, a.meta.document, rt).map_or(TableKey::Elsewhere(rt), TableKey::Loaded);
        members.entry(key).or_default().insert(v);
    }
    for (key, vpcs) in members {
        let (rt_id, table) = match key {
            TableKey::Loaded(i) => {
                (d.transit_gateway_route_tables[i].meta.label(), Some(&d.transit_gateway_route_tables[i]))
            }
            TableKey::Elsewhere(id) => (id.to_string(), None),
        };
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
            let mut f = sink
                .finding(
                    Severity::Error,
                    &vb.meta,
                    b.2.origin.clone(),
                    format!("{} overlaps {}", b.2.net, va.meta.id),
                    format!(
                        "VPCs {} with {} and {} with {} are both routed by transit gateway route table {rt_id} and overlap on \
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
