//! PEER001: peered VPCs must not overlap; neither should two VPCs peered with the same hub.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::net::{AddrRange, overlapping_pairs};
use crate::model::{Id, PeerSide, PeeringConnection, PeeringConnections, Vpcs};
use crate::source::Origin;
use crate::topology::{Named, Topology};
use ipnet::IpNet;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "PEER001",
        name: "peering-cidr-overlap",
        severity: Severity::Error,
        summary: "Peered VPCs (or two VPCs peered with the same hub) have overlapping CIDR blocks",
        doc: include_str!("../../rules/PEER001.md"),
    },
    check,
    options: super::no_options,
};

/// A CIDR block of one side of a peering, and where it is written.
#[derive(Clone)]
struct Block {
    net: IpNet,
    origin: Origin,
}

/// The blocks of a side: the VPC's own (primary and associated secondaries) when it is in the
/// load, else those recorded in the peering connection. `None` when nothing is known.
fn side_blocks(t: &Topology<'_>, side: &PeerSide) -> Option<Vec<Block>> {
    if let Some(v) = side.vpc.idx {
        let blocks: Vec<Block> =
            t.design[v].active_cidrs().map(|c| Block { net: c.net, origin: c.origin.clone() }).collect();
        return (!blocks.is_empty()).then_some(blocks);
    }
    let blocks: Vec<Block> =
        side.cidrs.iter().map(|(net, origin)| Block { net: *net, origin: origin.clone() }).collect();
    (!blocks.is_empty()).then_some(blocks)
}

/// A stable identity for a side's VPC, whether or not the VPC itself is loaded.
fn vpc_key(side: &PeerSide) -> Named<'_, Vpcs> {
    Named::of(&side.vpc, side.owner.as_deref(), side.region.as_deref())
}

/// The VPC's id and name when it is loaded, else the id the peering connection names.
fn vpc_label(t: &Topology<'_>, side: &PeerSide) -> String {
    side.vpc.idx.map_or_else(|| side.vpc.id.clone(), |v| t.design[v].meta.label())
}

fn overlap_of(a: &IpNet, b: &IpNet) -> Option<String> {
    AddrRange::of(a).intersect(&AddrRange::of(b)).map(|r| r.to_string())
}

/// A VPC's side of a peering connection, and its spokes: (peering connection, spoke side).
type Hub<'d> = (&'d PeerSide, Vec<(Id<PeeringConnections>, &'d PeerSide)>);

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let mut hubs: BTreeMap<Named<'_, Vpcs>, Hub<'_>> = BTreeMap::new();
    for (pi, pcx) in t.design.each::<PeeringConnections>() {
        if pcx.is_defunct() {
            continue;
        }
        check_pair(t, sink, pcx);
        let [a, b] = pcx.sides();
        if vpc_key(a) != vpc_key(b) {
            hubs.entry(vpc_key(a)).or_insert_with(|| (a, Vec::new())).1.push((pi, b));
            hubs.entry(vpc_key(b)).or_insert_with(|| (b, Vec::new())).1.push((pi, a));
        }
    }
    for (hub, spokes) in hubs.values() {
        check_spokes(t, sink, &vpc_label(t, hub), spokes);
    }
}

fn check_pair(t: &Topology<'_>, sink: &mut Sink<'_>, pcx: &PeeringConnection) {
    let (Some(req), Some(acc)) = (side_blocks(t, &pcx.requester), side_blocks(t, &pcx.accepter)) else { return };
    let items: Vec<(AddrRange, u8)> =
        req.iter().map(|b| (AddrRange::of(&b.net), 0)).chain(acc.iter().map(|b| (AddrRange::of(&b.net), 1))).collect();
    for (i, j) in overlapping_pairs(&items) {
        let f = pair_finding(sink, pcx, &req[i], &acc[j - req.len()]);
        sink.emit(f);
    }
}

/// The finding for peering connection `pcx`, whose requester block `x` and accepter block `y`
/// overlap.
fn pair_finding(sink: &Sink<'_>, pcx: &PeeringConnection, x: &Block, y: &Block) -> Finding {
    let overlap = overlap_of(&x.net, &y.net).unwrap_or_default();
    sink.finding(
        Severity::Error,
        &pcx.meta,
        pcx.meta.id_origin(),
        format!("peers {} with {}", pcx.requester.vpc.id, pcx.accepter.vpc.id),
        format!(
            "peering connection {} joins VPCs with overlapping CIDR blocks: {} ({}) and {} ({}) share {}",
            pcx.meta.label(),
            x.net,
            pcx.requester.vpc.id,
            y.net,
            pcx.accepter.vpc.id,
            overlap
        ),
    )
    .label(x.origin.clone(), format!("requester block {}", x.net))
    .label(y.origin.clone(), format!("accepter block {}", y.net))
    .help(
        "AWS does not support peering VPCs with overlapping CIDR blocks (the request fails, and routes to the \
         overlap cannot work): re-address one VPC, or connect them through a transit gateway with NAT or \
         PrivateLink",
    )
}

fn check_spokes(t: &Topology<'_>, sink: &mut Sink<'_>, hub_id: &str, spokes: &[(Id<PeeringConnections>, &PeerSide)]) {
    if spokes.len() < 2 {
        return;
    }
    let blocks: Vec<Option<Vec<Block>>> = spokes.iter().map(|(_, side)| side_blocks(t, side)).collect();
    let mut items: Vec<(AddrRange, usize)> = Vec::new();
    let mut owner: Vec<(usize, usize)> = Vec::new(); // item → (spoke, block)
    for (s, bl) in blocks.iter().enumerate() {
        for (b, block) in bl.iter().flatten().enumerate() {
            items.push((AddrRange::of(&block.net), s));
            owner.push((s, b));
        }
    }
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for (i, j) in overlapping_pairs(&items) {
        let ((sa, ba), (sb, bb)) = (owner[i], owner[j]);
        let (sa, ba, sb, bb) = if sa < sb { (sa, ba, sb, bb) } else { (sb, bb, sa, ba) };
        let (pa, side_a) = spokes[sa];
        let (pb, side_b) = spokes[sb];
        if vpc_key(side_a) == vpc_key(side_b) || reported.contains(&(sa, sb)) {
            continue;
        }
        reported.push((sa, sb));
        let (Some(xa), Some(xb)) = (&blocks[sa], &blocks[sb]) else { continue };
        let a = Spoke { pcx: &t.design[pa], name: vpc_label(t, side_a), block: &xa[ba] };
        let b = Spoke { pcx: &t.design[pb], name: vpc_label(t, side_b), block: &xb[bb] };
        let f = spokes_finding(sink, hub_id, &a, &b);
        sink.emit(f);
    }
}

/// One of two VPCs peered with the same hub: its peering connection, its label and one of its
/// blocks.
struct Spoke<'a> {
    pcx: &'a PeeringConnection,
    name: String,
    block: &'a Block,
}

/// The finding for spokes `a` and `b` of hub `hub_id`, whose blocks overlap; on `b`'s peering.
fn spokes_finding(sink: &Sink<'_>, hub_id: &str, a: &Spoke<'_>, b: &Spoke<'_>) -> Finding {
    let (x, y) = (a.block, b.block);
    let overlap = overlap_of(&x.net, &y.net).unwrap_or_default();
    let (name_a, name_b) = (&a.name, &b.name);
    sink.finding(
        Severity::Warning,
        &b.pcx.meta,
        b.pcx.meta.id_origin(),
        format!("peers {hub_id} with {name_b}"),
        format!(
            "VPCs {} with {} and {} with {} both peer with {hub_id} and overlap on {overlap}: {hub_id} can reach \
             both only through disjoint, more specific routes",
            name_a, x.net, name_b, y.net
        ),
    )
    .label(a.pcx.meta.id_origin(), format!("peers {hub_id} with {name_a}"))
    .label(x.origin.clone(), format!("{name_a} block {}", x.net))
    .label(y.origin.clone(), format!("{name_b} block {}", y.net))
    .help(format!(
        "re-address one of the spokes, or route only non-overlapping, more specific prefixes from {hub_id} to each \
         of them"
    ))
}
