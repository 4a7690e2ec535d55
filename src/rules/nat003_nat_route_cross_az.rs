//! NAT003: a subnet's default route to a NAT gateway in another availability zone.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::routing;
use crate::model::net::Family;
use crate::model::{NatGateway, Route, RouteTable, Subnet, Subnets, TargetId, TargetKind};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NAT003",
        name: "nat-route-cross-az",
        severity: Severity::Warning,
        summary: "A subnet sends its default route to a NAT gateway in another availability zone",
        doc: include_str!("../../rules/NAT003.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for (si, subnet) in d.each::<Subnets>() {
        let Some(az) = subnet.availability_zone.as_deref() else { continue };
        let Some(eff) = t.effective_route_table(si) else { continue };
        let table = &d[eff.table];
        let Some(route) = routing::default_route(table, Family::V4) else { continue };
        if route.target.kind != TargetKind::NatGateway || !routing::is_active(route) {
            continue;
        }
        let Some(ni) = route.target.idx.and_then(TargetId::nat_gateway) else { continue };
        let nat = &d[ni];
        let Some(nat_az) = nat.subnet.as_ref().and_then(|s| s.idx).and_then(|s| d[s].availability_zone.as_deref())
        else {
            continue;
        };
        if nat_az == az {
            continue;
        }
        let f = finding(sink, (subnet, az), table, route, (nat, nat_az));
        sink.emit(f);
    }
}

/// The finding for `subnet` in `az`, whose default `route` in `table` goes to `nat` in `nat_az`.
fn finding(
    sink: &Sink<'_>,
    (subnet, az): (&Subnet, &str),
    table: &RouteTable,
    route: &Route,
    (nat, nat_az): (&NatGateway, &str),
) -> Finding {
    sink.finding(
        Severity::Warning,
        &subnet.meta,
        subnet.meta.id_origin(),
        format!("in {az}"),
        format!(
            "subnet {} in {az} sends 0.0.0.0/0 to NAT gateway {} in {nat_az} (route table {}): if {nat_az} fails, \
             {az} loses internet access, and the cross-AZ traffic is billed",
            subnet.meta.label(),
            nat.meta.label(),
            table.meta.id
        ),
    )
    .label(route.origin.clone(), format!("default route to the NAT gateway in {nat_az}"))
    .label(nat.meta.id_origin(), format!("NAT gateway in {nat_az}"))
    .help(format!("create a NAT gateway in {az} and give {az}'s subnets a route table that uses it"))
}
