//! PEER002: a peering route may only lead into the peer VPC's own CIDR blocks.

use super::{Finding, Rule, RuleMeta, Severity, Sink, route_resource};
use crate::analysis::routing;
use crate::model::net::{AddrRange, Family, display_ranges, uncovered};
use crate::model::{Destination, Id, PeerSide, PeeringConnection, Ref, Route, RouteTable, TargetId, TargetKind, Vpcs};
use crate::topology::Topology;
use ipnet::IpNet;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "PEER002",
        name: "peering-not-transitive",
        severity: Severity::Error,
        summary: "A route sends traffic through a peering connection to addresses outside the peer VPC",
        doc: include_str!("../../rules/PEER002.md"),
    },
    check,
    options: super::no_options,
};

/// A route through a peering connection to a CIDR block.
struct PeeringRoute<'d> {
    table: &'d RouteTable,
    route: &'d Route,
    pcx: &'d PeeringConnection,
    dest: &'d IpNet,
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    for table in &t.design.route_tables {
        for route in &table.routes {
            if route.target.kind != TargetKind::PeeringConnection {
                continue;
            }
            let Destination::Cidr(dest) = &route.destination else { continue };
            let Some(pi) = route.target.idx.and_then(TargetId::peering_connection) else { continue };
            let r = PeeringRoute { table, route, pcx: &t.design[pi], dest };
            let Some(table_vpc) = &table.vpc else { continue };
            let Some(peer) = across_from(r.pcx, table_vpc) else {
                let f = not_involved_finding(sink, &r, table_vpc);
                sink.emit(f);
                continue;
            };
            let Some(overreach) = overreach(t, table, peer, dest) else { continue };
            let f = beyond_peer_finding(sink, &r, peer, &overreach);
            sink.emit(f);
        }
    }
}

/// The side of `pcx` across from `vpc`; `None` when the connection does not involve `vpc`.
fn across_from<'d>(pcx: &'d PeeringConnection, vpc: &Ref<Vpcs>) -> Option<&'d PeerSide> {
    // The same VPC when both are resolved; else the same id.
    let involves = |side: &PeerSide| match (side.vpc.idx, vpc.idx) {
        (Some(a), Some(b)) => a == b,
        _ => side.vpc.id == vpc.id,
    };
    if involves(&pcx.requester) {
        Some(&pcx.accepter)
    } else if involves(&pcx.accepter) {
        Some(&pcx.requester)
    } else {
        None
    }
}

/// The finding for a route through a peering connection that joins two other VPCs.
fn not_involved_finding(sink: &Sink<'_>, r: &PeeringRoute<'_>, table_vpc: &Ref<Vpcs>) -> Finding {
    let PeeringRoute { table, route, pcx, dest } = *r;
    sink.finding(
        Severity::Error,
        &table.meta,
        route.origin.clone(),
        format!("{dest} via {}", pcx.meta.id),
        format!(
            "{} of {} routes {dest} through peering connection {}, which joins {} and {}, not this VPC",
            route_owner(route, table),
            table_vpc.id,
            pcx.meta.id,
            pcx.requester.vpc.id,
            pcx.accepter.vpc.id
        ),
    )
    .label(pcx.meta.id_origin(), "the peering connection is defined here")
    .help(
        "a VPC can only route through peering connections it is part of: create a peering connection between these VPCs",
    )
    .on(route_resource(table, route))
}

/// The part of a peering route's destination outside the peer VPC.
struct Overreach {
    /// The peer VPC's blocks.
    peer_ranges: Vec<AddrRange>,
    outside: Vec<AddrRange>,
    /// What the addresses outside are, as far as the load shows.
    notes: Vec<String>,
}

/// Where `dest` reaches beyond the blocks of `peer`; `None` when it does not, or when they are
/// not known.
fn overreach(t: &Topology<'_>, table: &RouteTable, peer: &PeerSide, dest: &IpNet) -> Option<Overreach> {
    if peer.vpc.idx.is_some_and(|v| !t.design[v].knows_blocks(Family::of(dest))) {
        return None; // the peer has a block decided at deployment
    }
    let peer_ranges: Vec<AddrRange> = match peer.vpc.idx {
        Some(v) => t.design[v].active_cidrs().map(|c| AddrRange::of(&c.net)).collect(),
        None => peer.cidrs.iter().map(|(n, _)| AddrRange::of(n)).collect(),
    };
    if peer_ranges.is_empty() {
        return None; // the peer's addresses are unknown
    }
    let outside = uncovered(&AddrRange::of(dest), &peer_ranges);
    if outside.is_empty() {
        return None;
    }
    let notes = explain_destination(t, table, peer, &outside);
    Some(Overreach { peer_ranges, outside, notes })
}

/// The finding for a route through a peering connection to addresses beyond the peer VPC.
fn beyond_peer_finding(sink: &Sink<'_>, r: &PeeringRoute<'_>, peer: &PeerSide, o: &Overreach) -> Finding {
    let PeeringRoute { table, route, pcx, dest } = *r;
    let is_default = dest.prefix_len() == 0;
    let what = if is_default {
        "edge-to-edge routing through a peer's gateways is not supported"
    } else {
        "VPC peering is not transitive and has no edge-to-edge routing"
    };
    let listed = o.outside.iter().map(|o| o.to_cidrs().len()).sum::<usize>() <= 4;
    let beyond = if listed {
        format!("{} lies outside", display_ranges(&o.outside))
    } else {
        format!("{dest} reaches far beyond")
    };
    let mut message = format!(
        "{} routes {dest} through peering connection {} to {}, but {beyond} that VPC's CIDR blocks ({}): {what}",
        route_owner(route, table),
        pcx.meta.id,
        peer.vpc.id,
        display_ranges(&o.peer_ranges),
    );
    if !o.notes.is_empty() {
        message.push_str(&format!("; {}", o.notes.join("; ")));
    }
    let help = if is_default {
        "route internet traffic through this VPC's own internet or NAT gateway, or centralise egress behind a \
         transit gateway"
    } else {
        "limit the route to the peer's own CIDR blocks, and peer directly with (or use a transit gateway to reach) \
         the VPC or network that owns the rest"
    };
    sink.finding(
        Severity::Error,
        &table.meta,
        route.origin.clone(),
        format!("{dest} via {} reaches beyond {}", pcx.meta.id, peer.vpc.id),
        message,
    )
    .label(pcx.meta.id_origin(), format!("peering connection to {}", peer.vpc.id))
    .help(help)
    .on(route_resource(table, route))
}

/// "route table X", or "route R in route table X" when a separate resource defines the route.
fn route_owner(route: &Route, table: &RouteTable) -> String {
    match &route.defined_by {
        Some(r) => format!("route {r} in route table {}", table.meta.label()),
        None => format!("route table {}", table.meta.label()),
    }
}

/// What the addresses outside the peer are, as far as the load shows: other VPCs that own them
/// (peered with the peer or not), and the gateways the peer VPC itself sends them to.
fn explain_destination(t: &Topology<'_>, table: &RouteTable, peer: &PeerSide, outside: &[AddrRange]) -> Vec<String> {
    let d = t.design;
    let own_vpc = table.vpc.as_ref().and_then(|r| r.idx);
    let mut notes = Vec::new();
    let peers_of_peer: BTreeSet<Id<Vpcs>> =
        peer.vpc.idx.map(|p| t.peers(p).into_iter().map(|(_, v)| v).collect()).unwrap_or_default();
    let owners: BTreeSet<Id<Vpcs>> = outside.iter().flat_map(|o| t.vpcs_overlapping(o)).collect();
    for vi in owners {
        if Some(vi) == own_vpc || Some(vi) == peer.vpc.idx {
            continue;
        }
        let vpc = &d[vi];
        let hit: Vec<AddrRange> = vpc
            .active_cidrs()
            .flat_map(|c| outside.iter().filter_map(move |o| o.intersect(&AddrRange::of(&c.net))))
            .collect();
        if hit.is_empty() {
            continue;
        }
        let relation = if peers_of_peer.contains(&vi) {
            format!(", which is peered with {} (transitive peering)", peer.vpc.id)
        } else {
            String::new()
        };
        notes.push(format!("{} belongs to VPC {}{relation}", display_ranges(&hit), vpc.meta.label()));
    }
    // Only when no VPC of the load owns the addresses: what the peer itself does with them.
    if let (true, Some(p)) = (notes.is_empty(), peer.vpc.idx) {
        let mut gateways: BTreeSet<String> = BTreeSet::new();
        for rt in t.tables_of(p).iter().map(|&i| &d[i]) {
            for o in outside {
                for cidr in o.to_cidrs() {
                    if let Some(r) = routing::lookup(rt, &cidr)
                        && r.target.kind != TargetKind::Local
                        && r.target.kind != TargetKind::PeeringConnection
                    {
                        gateways.insert(routing::describe_target(r));
                    }
                }
            }
        }
        if !gateways.is_empty() {
            let list: Vec<String> = gateways.into_iter().collect();
            notes.push(format!("{} sends it on to {}, which peered traffic cannot use", peer.vpc.id, list.join(", ")));
        } else {
            let igws = t.attached_internet_gateways(p);
            if !igws.is_empty() {
                let ids: Vec<&str> = igws.iter().map(|&g| d[g].meta.id.as_str()).collect();
                notes.push(format!(
                    "{} has internet gateway {}, which peered traffic cannot use",
                    peer.vpc.id,
                    ids.join(", ")
                ));
            }
        }
    }
    notes
}
