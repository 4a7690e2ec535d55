//! PEER003: a peering route whose replies have no way back (the peer's tables do not route the
//! source range through the same connection).

use super::{Rule, RuleMeta, Severity, Sink};
use crate::analysis::routing;
use crate::model::net::AddrRange;
use crate::model::{Destination, Id, PeeringState, RouteTables, Subnets, TargetId, TargetKind};
use crate::topology::Topology;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "PEER003",
        name: "peering-route-missing-return",
        severity: Severity::Warning,
        summary: "A peering route has no return route in the peer VPC's tables",
        doc: include_str!("../../rules/PEER003.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for (ti, table) in d.each::<RouteTables>() {
        let Some(vpc_a) = table.vpc.as_ref().and_then(|r| r.idx) else { continue };
        // What sends through this table: the subnets that use it.
        let sources: Vec<(Id<Subnets>, ipnet::IpNet)> =
            t.subnets_using_table(ti).iter().filter_map(|&s| d[s].cidr.map(|c| (s, c))).collect();
        if sources.is_empty() {
            continue;
        }
        for route in &table.routes {
            if route.target.kind != TargetKind::PeeringConnection || !routing::is_active(route) {
                continue;
            }
            let (Some(pi), Destination::Cidr(dest)) =
                (route.target.idx.and_then(TargetId::peering_connection), &route.destination)
            else {
                continue;
            };
            let pcx = &d[pi];
            if pcx.status != PeeringState::Active {
                continue;
            }
            let Some(vpc_b) = pcx.sides().iter().filter_map(|s| s.vpc.idx).find(|&v| v != vpc_a) else { continue };
            let dest_range = AddrRange::of(dest);
            // Each of B's tables that serves a subnet the route reaches, and the sources it cannot answer.
            let mut missing: BTreeMap<Id<RouteTables>, (Vec<String>, Vec<String>)> = BTreeMap::new();
            for &sb in t.subnets_of(vpc_b) {
                let Some(cidr) = d[sb].cidr else { continue };
                if AddrRange::of(&cidr).intersect(&dest_range).is_none() {
                    continue;
                }
                let Some(eff) = t.effective_route_table(sb) else { continue };
                let back = &d[eff.table];
                if back.has_unknown_routes {
                    continue;
                }
                for (_, src) in &sources {
                    let ok = routing::lookup(back, src).is_some_and(|r| {
                        r.target.kind == TargetKind::PeeringConnection
                            && r.target.idx == Some(TargetId::PeeringConnection(pi))
                            && routing::is_active(r)
                    });
                    if !ok {
                        let e = missing.entry(eff.table).or_default();
                        e.0.push(d[sb].meta.id.clone());
                        e.1.push(src.to_string());
                    }
                }
            }
            for (back_table, (mut subnets, mut srcs)) in missing {
                subnets.sort();
                subnets.dedup();
                srcs.sort();
                srcs.dedup();
                let back = &d[back_table];
                let f = sink
                    .finding(
                        Severity::Warning,
                        &table.meta,
                        route.origin.clone(),
                        format!("{dest} via {}: no return in {}", pcx.meta.id, back.meta.id),
                        format!(
                            "route table {} sends {dest} to {} through {}, but {}'s route table {} (used by {}) has no route \
                             back to {} through that connection: replies are dropped",
                            table.meta.label(),
                            d[vpc_b].meta.label(),
                            pcx.meta.id,
                            d[vpc_b].meta.id,
                            back.meta.label(),
                            subnets.join(", "),
                            srcs.join(", ")
                        ),
                    )
                    .label(back.meta.id_origin(), "peer route table without the return route")
                    .help(if back.main && back.meta.provenance != crate::model::Provenance::Dump {
                        // A template cannot add routes to the main table AWS creates with its VPC.
                        format!(
                            "give the peer's subnets a route table of their own with a route for {} via {}",
                            srcs.join(", "),
                            pcx.meta.id
                        )
                    } else {
                        format!("add a route for {} via {} to {}", srcs.join(", "), pcx.meta.id, back.meta.id)
                    })
                    .on(route.defined_by.clone().unwrap_or_else(|| table.meta.id.clone()));
                sink.emit(f);
            }
        }
    }
}
