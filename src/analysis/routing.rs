//! Route table semantics: longest-prefix match over a table's routes.
//!
//! AWS: "we use the most specific route in your route table that matches the traffic to determine
//! how to route the traffic (longest prefix match)". Which table applies to a subnet (explicit
//! association, else the VPC's main table) is answered by [`crate::topology::Topology`].

use crate::model::net::{AddrRange, Family};
use crate::model::{Destination, Route, RouteState, RouteTable, TargetKind};
use ipnet::IpNet;

/// The most specific CIDR route of `table` whose destination contains all of `prefix`.
/// Prefix-list routes are not considered (their entries are not part of a describe dump).
pub fn lookup<'t>(table: &'t RouteTable, prefix: &IpNet) -> Option<&'t Route> {
    let want = AddrRange::of(prefix);
    table
        .routes
        .iter()
        .filter_map(|r| match &r.destination {
            Destination::Cidr(net) if AddrRange::of(net).contains(&want) => Some((net.prefix_len(), r)),
            _ => None,
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, r)| r)
}

/// The route a table uses for the whole internet of a family (0.0.0.0/0 or ::/0), if any.
pub fn default_route(table: &RouteTable, family: Family) -> Option<&Route> {
    lookup(table, &family.any())
}

/// Whether a route carries traffic: active, not a blackhole.
pub fn is_active(route: &Route) -> bool {
    route.state == RouteState::Active
}

/// A one-line description of where a route sends traffic, for diagnostics.
pub fn describe_target(route: &Route) -> String {
    let state = match &route.state {
        RouteState::Active => String::new(),
        RouteState::Blackhole => " (blackhole)".into(),
        RouteState::Other(s) => format!(" ({s})"),
    };
    match route.target.kind {
        TargetKind::Local => format!("local{state}"),
        kind => format!("{} {}{state}", kind.name(), route.target.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Meta, RouteTarget};
    use crate::source::{FileId, Origin};

    fn route(dest: &str, kind: TargetKind, id: &str) -> Route {
        Route {
            destination: Destination::Cidr(dest.parse().unwrap()),
            target: RouteTarget { kind, id: id.into(), idx: None },
            state: RouteState::Active,
            origin: Origin::new(FileId(0), ""),
            defined_by: None,
        }
    }

    #[test]
    fn longest_prefix_wins() {
        let table = RouteTable {
            meta: Meta::bare("rtb-1", Origin::new(FileId(0), ""), ""),
            vpc: None,
            main: true,
            subnets: vec![],
            has_unknown_routes: false,
            routes: vec![
                route("0.0.0.0/0", TargetKind::InternetGateway, "igw-1"),
                route("10.0.0.0/16", TargetKind::Local, "local"),
                route("10.0.4.0/24", TargetKind::PeeringConnection, "pcx-1"),
            ],
        };
        assert_eq!(lookup(&table, &"10.0.4.7/32".parse().unwrap()).unwrap().target.id, "pcx-1");
        assert_eq!(lookup(&table, &"10.0.5.7/32".parse().unwrap()).unwrap().target.id, "local");
        assert_eq!(lookup(&table, &"10.0.0.0/8".parse().unwrap()).unwrap().target.id, "igw-1");
        assert_eq!(default_route(&table, Family::V4).unwrap().target.id, "igw-1");
        assert!(default_route(&table, Family::V6).is_none());
    }
}
