//! RT001: a route that drops traffic: in state `blackhole`, or to a target that is gone.

use super::{Finding, Rule, RuleMeta, Severity, Sink, route_resource};
use crate::analysis::routing;
use crate::model::{Provenance, Route, RouteState, RouteTable, RouteTables, TargetId, TargetKind};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "RT001",
        name: "route-blackhole",
        severity: Severity::Error,
        summary: "A route's target is a blackhole, missing, or deleted",
        doc: include_str!("../../rules/RT001.md"),
    },
    check,
    options: super::no_options,
};

/// Why a route's target cannot carry traffic, if it cannot.
fn broken(t: &Topology<'_>, table: &RouteTable, route: &Route) -> Option<String> {
    let d = t.design;
    if route.state == RouteState::Blackhole {
        return Some(format!("is in state blackhole (its {} {} is gone)", route.target.kind.name(), route.target.id));
    }
    let kind = route.target.kind.resource_kind()?;
    let Some(i) = route.target.idx else {
        if let Some(doc) = table.meta.document
            && let Some(condition) = d.not_created.get(&(doc, route.target.id.clone()))
        {
            return Some(format!(
                "goes to {} {}, which the template does not create (its condition {condition} is false)",
                route.target.kind.name(),
                route.target.id
            ));
        }
        if let Some(why) = not_yet_existing(t, table, route) {
            return Some(why);
        }
        // A dump's route that AWS records as active has a target, whatever the listings lack.
        if table.meta.provenance == Provenance::Dump && route.state == RouteState::Active {
            return None;
        }
        // Absent from an account dump that lists this kind of resource where the table is: it does
        // not exist.
        return d
            .lists_all(kind, table.meta.account.as_deref(), table.meta.region.as_deref())
            .then(|| format!("goes to {} {}, which does not exist", route.target.kind.name(), route.target.id));
    };
    let gone = match i {
        TargetId::NatGateway(n) => d[n].state.is_gone().then(|| d[n].state.as_str()),
        TargetId::Instance(n) => d[n].state.is_gone().then(|| d[n].state.as_str()),
        TargetId::TransitGateway(n) => d[n].state.is_gone().then(|| d[n].state.as_str()),
        _ => None,
    };
    gone.map(|s| format!("goes to {} {}, which is {s}", route.target.kind.name(), route.target.id))
}

/// A route to an AWS id (not a resource of the input) of something that lives inside a VPC,
/// from a table of a VPC the input itself creates: nothing can be inside that VPC yet.
fn not_yet_existing(t: &Topology<'_>, table: &RouteTable, route: &Route) -> Option<String> {
    const INSIDE_A_VPC: &[(TargetKind, &str)] = &[
        (TargetKind::NatGateway, "nat-"),
        (TargetKind::NetworkInterface, "eni-"),
        (TargetKind::Instance, "i-"),
        (TargetKind::VpcEndpoint, "vpce-"),
        (TargetKind::PeeringConnection, "pcx-"),
        (TargetKind::EgressOnlyInternetGateway, "eigw-"),
    ];
    let prefix = INSIDE_A_VPC.iter().find(|(k, _)| *k == route.target.kind)?.1;
    let literal = route
        .target
        .id
        .strip_prefix(prefix)
        .is_some_and(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()));
    let vpc = &t.design[table.vpc.as_ref()?.idx?];
    let what = match vpc.meta.provenance {
        Provenance::Plan => "the plan",
        Provenance::Source => "the configuration",
        Provenance::Template => "the template",
        Provenance::Dump => return None,
    };
    (literal && vpc.created).then(|| {
        format!(
            "goes to {} {}, which cannot exist: {what} creates {}, so nothing is inside it yet",
            route.target.kind.name(),
            route.target.id,
            vpc.meta.label()
        )
    })
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    for (ti, table) in t.design.each::<RouteTables>() {
        for route in &table.routes {
            if route.target.kind == TargetKind::Local {
                continue;
            }
            let Some(why) = broken(t, table, route) else { continue };
            let subnets: Vec<String> = t.subnets_using_table(ti).iter().map(|&s| t.design[s].meta.label()).collect();
            let f = finding(sink, table, route, &why, &subnets);
            sink.emit(f);
        }
    }
}

/// The finding for a route that drops traffic because of `why`, in a table used by `subnets`.
fn finding(sink: &Sink<'_>, table: &RouteTable, route: &Route, why: &str, subnets: &[String]) -> Finding {
    let users = match subnets.len() {
        0 => "no subnet uses the table".to_string(),
        _ => format!("traffic from {} to {} is dropped", subnets.join(", "), route.destination),
    };
    sink.finding(
        Severity::Error,
        &table.meta,
        route.origin.clone(),
        format!("{} → {}", route.destination, routing::describe_target(route)),
        format!("route table {}: the route to {} {why}; {users}", table.meta.label(), route.destination),
    )
    .label(table.meta.id_origin(), "route table")
    .help("point the route at a target that exists (e.g. the replacement NAT gateway), or delete it")
    .on(route_resource(table, route))
}
