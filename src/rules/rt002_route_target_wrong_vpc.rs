//! RT002: a route to a gateway of another VPC (which AWS would refuse, or which cannot work).
//! Peering connections that do not involve the VPC are PEER002's.

use super::{Finding, Rule, RuleMeta, Severity, Sink, route_resource};
use crate::model::{Id, Route, RouteTable, TargetId, Vpc, Vpcs};
use crate::source::Origin;
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "RT002",
        name: "route-target-wrong-vpc",
        severity: Severity::Error,
        summary: "A route points at an internet or NAT gateway that belongs to another VPC",
        doc: include_str!("../../rules/RT002.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for table in &d.route_tables {
        let Some(vpc) = table.vpc.as_ref().and_then(|r| r.idx) else { continue };
        for route in &table.routes {
            let Some(target) = route.target.idx else { continue };
            let Some((owner, what)) = gateway_elsewhere(t, target, vpc) else { continue };
            let f = finding(sink, table, &d[vpc], route, owner, &what);
            sink.emit(f);
        }
    }
}

/// Where `target` is defined and what it belongs to, when it is an internet or NAT gateway of
/// another VPC than `vpc`.
fn gateway_elsewhere(t: &Topology<'_>, target: TargetId, vpc: Id<Vpcs>) -> Option<(Origin, String)> {
    let d = t.design;
    match target {
        TargetId::InternetGateway(i) => {
            let igw = &d[i];
            if igw.attachments.is_empty() || t.igw_attached_to(i, vpc) {
                return None;
            }
            let to: Vec<&str> = igw.attachments.iter().map(|a| a.vpc.id.as_str()).collect();
            Some((
                igw.meta.id_origin(),
                format!("internet gateway {} is attached to {}", igw.meta.label(), to.join(", ")),
            ))
        }
        TargetId::NatGateway(i) => {
            let nat = &d[i];
            let nat_vpc = nat
                .vpc
                .as_ref()
                .and_then(|r| r.idx)
                .or_else(|| nat.subnet.as_ref().and_then(|s| s.idx).and_then(|s| d[s].vpc.as_ref()?.idx));
            match nat_vpc {
                Some(v) if v != vpc => Some((
                    nat.meta.id_origin(),
                    format!("NAT gateway {} is in {}", nat.meta.label(), d[v].meta.label()),
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The finding for a route in `table` of `vpc` to a gateway of another VPC, defined at `owner`.
fn finding(sink: &Sink<'_>, table: &RouteTable, vpc: &Vpc, route: &Route, owner: Origin, what: &str) -> Finding {
    sink.finding(
        Severity::Error,
        &table.meta,
        route.origin.clone(),
        format!("{} → {}", route.destination, route.target.id),
        format!(
            "route table {} of {} sends {} to a gateway of another VPC: {what}",
            table.meta.label(),
            vpc.meta.label(),
            route.destination
        ),
    )
    .label(owner, "defined here")
    .help("a route can only use gateways of its own VPC: use this VPC's gateway, or peer or attach the VPCs")
    .on(route_resource(table, route))
}
