//! LB001: an internet-facing load balancer must sit in public subnets.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::routing;
use crate::model::net::Family;
use crate::model::{Id, LoadBalancer, ResourceKind, RouteTable, RouteTables, Scheme, Subnet, TargetKind, Vpcs};
use crate::source::Origin;
use crate::topology::{DefaultRoute, Topology};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LB001",
        name: "internet-facing-lb-in-private-subnet",
        severity: Severity::Error,
        summary: "An internet-facing load balancer is placed in a subnet without a route to an internet gateway",
        doc: include_str!("../../rules/LB001.md"),
    },
    check,
    options: super::no_options,
};

fn families(ip_address_type: Option<&str>) -> &'static [Family] {
    match ip_address_type {
        Some("dualstack") => &[Family::V4, Family::V6],
        Some("dualstack-without-public-ipv4") => &[Family::V6],
        _ => &[Family::V4],
    }
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    if !d.has(ResourceKind::RouteTable) {
        return; // which table a subnet uses is unknown, not absent
    }
    for lb in &d.load_balancers {
        if lb.scheme != Scheme::InternetFacing {
            continue;
        }
        let lb_vpc = lb.vpc.as_ref().and_then(|r| r.idx);
        for (subnet_ref, at) in &lb.subnets {
            let Some(si) = subnet_ref.idx else { continue };
            let subnet = &d[si];
            let vpc = lb_vpc.or_else(|| subnet.vpc.as_ref().and_then(|r| r.idx));
            let Some(eff) = t.effective_route_table(si) else { continue };
            let Some(not_public) = not_public(t, lb, eff.table, vpc) else { continue };
            let f = finding(sink, lb, at, subnet, &d[eff.table], eff.explicit, &not_public);
            sink.emit(f);
        }
    }
}

/// Why a route table does not make its subnets public for a load balancer's address families.
struct NotPublic {
    problems: Vec<String>,
    /// Where the first default route that does not reach the internet is written.
    route: Option<Origin>,
}

/// What keeps `table` from making a subnet public for `lb`; `None` when nothing does, as far as
/// the load shows.
fn not_public(t: &Topology<'_>, lb: &LoadBalancer, table: Id<RouteTables>, vpc: Option<Id<Vpcs>>) -> Option<NotPublic> {
    let mut problems = Vec::new();
    let mut route_origin = None;
    for &family in families(lb.ip_address_type.as_deref()) {
        let any = family.any();
        match t.default_route(table, vpc, family) {
            DefaultRoute::Internet(_) | DefaultRoute::Unknown => {}
            DefaultRoute::Missing => problems.push(format!("has no route for {any}")),
            DefaultRoute::Elsewhere(route) => {
                let why = if !routing::is_active(route) {
                    String::new()
                } else if route.target.kind == TargetKind::InternetGateway {
                    " (not attached to the load balancer's VPC)".to_string()
                } else {
                    String::new()
                };
                problems.push(format!("sends {any} to {}{why}", routing::describe_target(route)));
                route_origin.get_or_insert(route.origin.clone());
            }
        }
    }
    (!problems.is_empty()).then_some(NotPublic { problems, route: route_origin })
}

/// The finding for internet-facing `lb` placed at `at` in `subnet`, which `table` (its own when
/// `explicit`, else the VPC's main table) does not make public.
fn finding(
    sink: &Sink<'_>,
    lb: &LoadBalancer,
    at: &Origin,
    subnet: &Subnet,
    table: &RouteTable,
    explicit: bool,
    not_public: &NotPublic,
) -> Finding {
    let how = if explicit { "its route table" } else { "the VPC's main route table" };
    let mut f = sink
        .finding(
            Severity::Error,
            &lb.meta,
            at.clone(),
            format!("{} is not a public subnet", subnet.meta.id),
            format!(
                "internet-facing {} {} is placed in subnet {}, which is not public: {how} {} {}",
                lb.kind.name(),
                lb.meta.label(),
                subnet.meta.label(),
                table.meta.id,
                not_public.problems.join(" and ")
            ),
        )
        .label(table.meta.id_origin(), format!("route table used by {}", subnet.meta.id));
    if let Some(o) = &not_public.route {
        f = f.label(o.clone(), "default route");
    }
    f.help(
        "place internet-facing load balancers in public subnets (a default route to an internet gateway \
         attached to the VPC), or make the load balancer internal",
    )
}
