//! PEER003: a peering route whose replies have no way back (the peer's tables do not route the
//! source range through the same connection).

use super::{Finding, Rule, RuleMeta, Severity, Sink, route_resource};
use crate::analysis::routing;
use crate::model::net::AddrRange;
use crate::model::{
    Destination, Id, PeeringConnection, PeeringConnections, PeeringState, Provenance, Route, RouteTable, RouteTables,
    TargetId, TargetKind, Vpc, Vpcs,
};
use crate::topology::Topology;
use ipnet::IpNet;
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
        let sources: Vec<IpNet> = t.subnets_using_table(ti).iter().filter_map(|&s| d[s].cidr).collect();
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
            for (back, missing) in missing_returns(t, pi, vpc_b, dest, &sources) {
                let f = finding(sink, table, route, pcx, &d[vpc_b], &d[back], &missing);
                sink.emit(f);
            }
        }
    }
}

/// Subnets of the peer VPC whose route table cannot answer some sources, and those sources.
#[derive(Default)]
struct Missing {
    subnets: Vec<String>,
    sources: Vec<String>,
}

/// Each of `vpc_b`'s tables that serves a subnet `dest` reaches, and the `sources` it has no
/// route back to through peering connection `pi`.
fn missing_returns(
    t: &Topology<'_>,
    pi: Id<PeeringConnections>,
    vpc_b: Id<Vpcs>,
    dest: &IpNet,
    sources: &[IpNet],
) -> BTreeMap<Id<RouteTables>, Missing> {
    let d = t.design;
    let dest_range = AddrRange::of(dest);
    let mut missing: BTreeMap<Id<RouteTables>, Missing> = BTreeMap::new();
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
        for src in sources {
            let ok = routing::lookup(back, src).is_some_and(|r| {
                r.target.kind == TargetKind::PeeringConnection
                    && r.target.idx == Some(TargetId::PeeringConnection(pi))
                    && routing::is_active(r)
            });
            if !ok {
                let e = missing.entry(eff.table).or_default();
                e.subnets.push(d[sb].meta.id.clone());
                e.sources.push(src.to_string());
            }
        }
    }
    for m in missing.values_mut() {
        m.subnets.sort();
        m.subnets.dedup();
        m.sources.sort();
        m.sources.dedup();
    }
    missing
}

/// The finding for a peering route to `vpc_b` whose replies `back` cannot route.
fn finding(
    sink: &Sink<'_>,
    table: &RouteTable,
    route: &Route,
    pcx: &PeeringConnection,
    vpc_b: &Vpc,
    back: &RouteTable,
    missing: &Missing,
) -> Finding {
    let (subnets, srcs) = (missing.subnets.join(", "), missing.sources.join(", "));
    let help = if back.main && back.meta.provenance != Provenance::Dump {
        // A template cannot add routes to the main table AWS creates with its VPC.
        format!("give the peer's subnets a route table of their own with a route for {srcs} via {}", pcx.meta.id)
    } else {
        format!("add a route for {srcs} via {} to {}", pcx.meta.id, back.meta.id)
    };
    sink.finding(
        Severity::Warning,
        &table.meta,
        route.origin.clone(),
        format!("{} via {}: no return in {}", route.destination, pcx.meta.id, back.meta.id),
        format!(
            "route table {} sends {} to {} through {}, but {}'s route table {} (used by {subnets}) has no route \
             back to {srcs} through that connection: replies are dropped",
            table.meta.label(),
            route.destination,
            vpc_b.meta.label(),
            pcx.meta.id,
            vpc_b.meta.id,
            back.meta.label(),
        ),
    )
    .label(back.meta.id_origin(), "peer route table without the return route")
    .help(help)
    .on(route_resource(table, route))
}
