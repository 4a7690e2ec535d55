//! PEER004: routes through a peering connection that is not active carry nothing.

use super::{Finding, Rule, RuleMeta, Severity, Sink, route_resource};
use crate::model::{PeeringConnection, PeeringState, Route, RouteState, RouteTable, TargetId, TargetKind};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "PEER004",
        name: "peering-not-active",
        severity: Severity::Error,
        summary: "A route goes through a peering connection that is not active",
        doc: include_str!("../../rules/PEER004.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for table in &d.route_tables {
        for route in &table.routes {
            // A blackhole route is RT001's.
            if route.target.kind != TargetKind::PeeringConnection || route.state == RouteState::Blackhole {
                continue;
            }
            let Some(pi) = route.target.idx.and_then(TargetId::peering_connection) else { continue };
            let pcx = &d[pi];
            if pcx.status.carries_traffic() {
                continue;
            }
            let f = finding(sink, table, route, pcx);
            sink.emit(f);
        }
    }
}

/// The finding for a route through a peering connection that carries no traffic.
fn finding(sink: &Sink<'_>, table: &RouteTable, route: &Route, pcx: &PeeringConnection) -> Finding {
    let advice = match pcx.status {
        PeeringState::PendingAcceptance => {
            "the owner of the accepter VPC must accept it (within 7 days, or it expires)"
        }
        PeeringState::Provisioning | PeeringState::InitiatingRequest => {
            "it is still being set up; check it becomes active"
        }
        _ => "create a new peering connection and point the route at it",
    };
    sink.finding(
        Severity::Error,
        &table.meta,
        route.origin.clone(),
        format!("{} via {} ({})", route.destination, pcx.meta.id, pcx.status),
        format!(
            "route table {} sends {} through peering connection {}, whose status is {}: no traffic flows",
            table.meta.label(),
            route.destination,
            pcx.meta.label(),
            pcx.status
        ),
    )
    .label(pcx.meta.id_origin(), format!("status {}", pcx.status))
    .help(advice)
    .on(route_resource(table, route))
}
