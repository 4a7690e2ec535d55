//! NAT002: a public NAT gateway reaches the internet only from a public subnet.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::routing;
use crate::model::net::Family;
use crate::model::{Connectivity, NatGateway, Route, RouteTable, Subnet};
use crate::topology::{DefaultRoute, Topology};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NAT002",
        name: "nat-gateway-in-private-subnet",
        severity: Severity::Error,
        summary: "A public NAT gateway is in a subnet without a route to an internet gateway",
        doc: include_str!("../../rules/NAT002.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for nat in &d.nat_gateways {
        if nat.connectivity != Connectivity::Public || matches!(nat.state.as_str(), "deleted" | "deleting" | "failed") {
            continue;
        }
        let Some(si) = nat.subnet.as_ref().and_then(|s| s.idx) else { continue };
        let Some(eff) = t.effective_route_table(si) else { continue };
        let subnet = &d[si];
        let vpc = subnet.vpc.as_ref().and_then(|r| r.idx);
        let (why, route) = match t.default_route(eff.table, vpc, Family::V4) {
            DefaultRoute::Internet(_) | DefaultRoute::Unknown => continue,
            DefaultRoute::Missing => ("has no route for 0.0.0.0/0".to_string(), None),
            DefaultRoute::Elsewhere(r) => (format!("sends 0.0.0.0/0 to {}", routing::describe_target(r)), Some(r)),
        };
        let f = finding(sink, nat, subnet, &d[eff.table], eff.explicit, &why, route);
        sink.emit(f);
    }
}

/// The finding for public `nat` in `subnet`, which `table` (its own when `explicit`, else the
/// VPC's main table) does not make public: it has no default route, or `route` goes elsewhere.
fn finding(
    sink: &Sink<'_>,
    nat: &NatGateway,
    subnet: &Subnet,
    table: &RouteTable,
    explicit: bool,
    why: &str,
    route: Option<&Route>,
) -> Finding {
    let how = if explicit { "its route table" } else { "the VPC's main route table" };
    let mut f = sink
        .finding(
            Severity::Error,
            &nat.meta,
            nat.meta.id_origin(),
            "public NAT gateway",
            format!(
                "public NAT gateway {} is in subnet {}, which is not public: {how} {} {why}; the gateway cannot reach the internet",
                nat.meta.label(),
                subnet.meta.label(),
                table.meta.id
            ),
        )
        .label(table.meta.id_origin(), format!("route table used by {}", subnet.meta.id));
    if let Some(r) = route {
        f = f.label(r.origin.clone(), "default route");
    }
    f.help("create public NAT gateways in a public subnet (default route to an attached internet gateway), or make it private")
}
