//! The topology: a petgraph graph over the design's resources, with the per-subnet facts every
//! rule needs (effective route table, network ACL) computed once.

use crate::analysis::routing;
use crate::model::net::{AddrRange, Family};
use crate::model::{Design, ResourceKind, Route, TargetKind};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// A resource in the graph: its kind and its index in the design's arena of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub kind: ResourceKind,
    pub index: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge {
    /// VPC → subnet.
    Contains,
    /// Route table or network ACL → subnet.
    AssociatedWith,
    /// Route table → target (gateway, peering, …), index of the route in the table.
    RoutesTo { route: usize },
    /// Gateway → VPC.
    AttachedTo,
    /// Peering connection → each of its VPCs.
    Peers,
    /// NAT gateway, load balancer, interface or instance → subnet.
    PlacedIn,
    /// NAT gateway → Elastic IP.
    UsesAddress,
}

/// Which route table a subnet uses, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectiveTable {
    pub table: usize,
    /// False when the subnet has no explicit association and falls back to the main table.
    pub explicit: bool,
}

/// Where a subnet's default route goes, for one address family.
#[derive(Clone, Debug)]
pub enum DefaultRoute<'d> {
    /// Active, to an internet gateway attached to the subnet's VPC: the subnet is public.
    Internet(&'d Route),
    /// Some other route (NAT gateway, blackhole, detached gateway, …).
    Elsewhere(&'d Route),
    /// No route covers the whole internet.
    Missing,
    /// Not known before apply (a plan whose routes reference resources still to be created).
    Unknown,
}

pub struct Topology<'d> {
    pub design: &'d Design,
    pub graph: DiGraph<Node, Edge>,
    /// Where each kind's nodes start: resources are added kind by kind, in arena order, so a
    /// node is found by arithmetic instead of through a map of a million entries.
    first_node: Vec<(ResourceKind, usize, usize)>,
    subnet_tables: Vec<Option<EffectiveTable>>,
    subnet_nacls: Vec<Option<usize>>,
    main_tables: Vec<Option<usize>>,
    /// Route table → subnets that use it (explicitly or as the main table).
    table_users: Vec<Vec<usize>>,
    /// VPC → its route tables.
    vpc_tables: Vec<Vec<usize>>,
    /// Active VPC blocks by (family, start), each with the highest end of the blocks up to it:
    /// the VPCs that own part of a range are found by binary search.
    vpc_blocks: Vec<(AddrRange, usize, u128)>,
}

impl<'d> Topology<'d> {
    pub fn build(design: &'d Design) -> Topology<'d> {
        let mut t = Topology {
            design,
            graph: DiGraph::new(),
            first_node: Vec::new(),
            subnet_tables: vec![None; design.subnets.len()],
            subnet_nacls: vec![None; design.subnets.len()],
            main_tables: vec![None; design.vpcs.len()],
            table_users: vec![Vec::new(); design.route_tables.len()],
            vpc_tables: vec![Vec::new(); design.vpcs.len()],
            vpc_blocks: Vec::new(),
        };
        for (kind, count) in design.counts() {
            t.first_node.push((kind, t.graph.node_count(), count));
            for index in 0..count {
                t.graph.add_node(Node { kind, index });
            }
        }
        for (vi, vpc) in design.vpcs.iter().enumerate() {
            t.vpc_blocks.extend(vpc.active_cidrs().map(|c| (AddrRange::of(&c.net), vi, 0)));
        }
        t.vpc_blocks.sort_unstable_by_key(|&(r, vi, _)| (r.family, r.start, r.end, vi));
        let mut reach: Option<(Family, u128)> = None;
        for (r, _, highest) in &mut t.vpc_blocks {
            let top = match reach {
                Some((family, end)) if family == r.family => end.max(r.end),
                _ => r.end,
            };
            reach = Some((r.family, top));
            *highest = top;
        }
        use ResourceKind as K;
        for (i, s) in design.subnets.iter().enumerate() {
            if let Some(v) = s.vpc.as_ref().and_then(|r| r.idx) {
                t.link((K::Vpc, v), (K::Subnet, i), Edge::Contains);
            }
        }
        for (i, rt) in design.route_tables.iter().enumerate() {
            let vpc = rt.vpc.as_ref().and_then(|r| r.idx);
            if let Some(v) = vpc {
                t.vpc_tables[v].push(i);
            }
            if let (true, Some(v)) = (rt.main, vpc) {
                // Several main tables for one VPC cannot happen in AWS; keep the first deterministically.
                t.main_tables[v].get_or_insert(i);
            }
            for (s, _) in &rt.subnets {
                if let Some(si) = s.idx {
                    t.subnet_tables[si].get_or_insert(EffectiveTable { table: i, explicit: true });
                    t.link((K::RouteTable, i), (K::Subnet, si), Edge::AssociatedWith);
                }
            }
            for (ri, route) in rt.routes.iter().enumerate() {
                if let (Some(kind), Some(target)) = (route.target.kind.resource_kind(), route.target.idx) {
                    t.link((K::RouteTable, i), (kind, target), Edge::RoutesTo { route: ri });
                }
            }
        }
        for (si, s) in design.subnets.iter().enumerate() {
            if t.subnet_tables[si].is_none()
                && let Some(main) = s.vpc.as_ref().and_then(|r| r.idx).and_then(|v| t.main_tables[v])
            {
                t.subnet_tables[si] = Some(EffectiveTable { table: main, explicit: false });
            }
        }
        for (si, eff) in t.subnet_tables.iter().enumerate() {
            if let Some(eff) = eff {
                t.table_users[eff.table].push(si);
            }
        }
        for (i, n) in design.network_acls.iter().enumerate() {
            for (s, _) in &n.subnets {
                if let Some(si) = s.idx {
                    t.subnet_nacls[si].get_or_insert(i);
                    t.link((K::NetworkAcl, i), (K::Subnet, si), Edge::AssociatedWith);
                }
            }
        }
        for (i, g) in design.internet_gateways.iter().enumerate() {
            for a in &g.attachments {
                if let Some(v) = a.vpc.idx {
                    t.link((K::InternetGateway, i), (K::Vpc, v), Edge::AttachedTo);
                }
            }
        }
        for (i, g) in design.egress_only_internet_gateways.iter().enumerate() {
            for a in &g.attachments {
                if let Some(v) = a.vpc.idx {
                    t.link((K::EgressOnlyInternetGateway, i), (K::Vpc, v), Edge::AttachedTo);
                }
            }
        }
        for (i, p) in design.peering_connections.iter().enumerate() {
            for side in p.sides() {
                if let Some(v) = side.vpc.idx {
                    t.link((K::PeeringConnection, i), (K::Vpc, v), Edge::Peers);
                }
            }
        }
        for (i, n) in design.nat_gateways.iter().enumerate() {
            if let Some(s) = n.subnet.as_ref().and_then(|r| r.idx) {
                t.link((K::NatGateway, i), (K::Subnet, s), Edge::PlacedIn);
            }
            for e in n.allocations.iter().filter_map(|r| r.idx) {
                t.link((K::NatGateway, i), (K::ElasticIp, e), Edge::UsesAddress);
            }
        }
        for (i, lb) in design.load_balancers.iter().enumerate() {
            for (s, _) in &lb.subnets {
                if let Some(si) = s.idx {
                    t.link((K::LoadBalancer, i), (K::Subnet, si), Edge::PlacedIn);
                }
            }
        }
        for (i, e) in design.network_interfaces.iter().enumerate() {
            if let Some(s) = e.subnet.as_ref().and_then(|r| r.idx) {
                t.link((K::NetworkInterface, i), (K::Subnet, s), Edge::PlacedIn);
            }
        }
        for (i, e) in design.instances.iter().enumerate() {
            if let Some(s) = e.subnet.as_ref().and_then(|r| r.idx) {
                t.link((K::Instance, i), (K::Subnet, s), Edge::PlacedIn);
            }
        }
        t
    }

    fn node(&self, node: Node) -> Option<NodeIndex> {
        let &(_, first, count) = self.first_node.iter().find(|(kind, _, _)| *kind == node.kind)?;
        (node.index < count).then(|| NodeIndex::new(first + node.index))
    }

    fn link(&mut self, from: (ResourceKind, usize), to: (ResourceKind, usize), edge: Edge) {
        let a = self.node(Node { kind: from.0, index: from.1 });
        let b = self.node(Node { kind: to.0, index: to.1 });
        if let (Some(a), Some(b)) = (a, b) {
            self.graph.add_edge(a, b, edge);
        }
    }

    fn neighbours(&self, from: Node, edge: impl Fn(&Edge) -> bool, kind: ResourceKind) -> Vec<usize> {
        let Some(ix) = self.node(from) else { return Vec::new() };
        let mut out: Vec<usize> = self
            .graph
            .edges_directed(ix, petgraph::Direction::Outgoing)
            .chain(self.graph.edges_directed(ix, petgraph::Direction::Incoming))
            .filter(|e| edge(e.weight()))
            .filter_map(|e| {
                let other = if e.source() == ix { e.target() } else { e.source() };
                let n = self.graph[other];
                (n.kind == kind).then_some(n.index)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The route table a subnet uses: its explicit association, else its VPC's main table.
    /// `None` when neither is in the design (unknown, not "no table").
    pub fn effective_route_table(&self, subnet: usize) -> Option<EffectiveTable> {
        self.subnet_tables.get(subnet).copied().flatten()
    }

    /// The network ACL associated with a subnet, if the design shows it.
    pub fn network_acl(&self, subnet: usize) -> Option<usize> {
        self.subnet_nacls.get(subnet).copied().flatten()
    }

    /// Subnets that use a route table (explicitly or as the main table).
    pub fn subnets_using_table(&self, table: usize) -> Vec<usize> {
        self.table_users.get(table).cloned().unwrap_or_default()
    }

    /// Whether internet gateway `igw` is attached (state available/attached) to `vpc`.
    pub fn igw_attached_to(&self, igw: usize, vpc: usize) -> bool {
        self.design.internet_gateways[igw]
            .attachments
            .iter()
            .any(|a| a.vpc.idx == Some(vpc) && matches!(a.state.as_str(), "available" | "attached" | ""))
    }

    /// Where the default route of `table` goes for `family`, judged for a subnet in `vpc`.
    pub fn default_route(&self, table: usize, vpc: Option<usize>, family: Family) -> DefaultRoute<'d> {
        let design: &'d Design = self.design;
        let table = &design.route_tables[table];
        let Some(route) = routing::default_route(table, family) else {
            return if table.has_unknown_routes { DefaultRoute::Unknown } else { DefaultRoute::Missing };
        };
        if route.target.kind == TargetKind::Unknown {
            return DefaultRoute::Unknown;
        }
        let to_attached_igw = route.target.kind == TargetKind::InternetGateway
            && routing::is_active(route)
            && match (route.target.idx, vpc) {
                (Some(igw), Some(v)) => self.igw_attached_to(igw, v),
                // The gateway is not in the dump: trust an active route (AWS would have refused a
                // route to a gateway that is not attached to the table's VPC).
                (None, _) => !design.has(ResourceKind::InternetGateway),
                (Some(_), None) => true,
            };
        if to_attached_igw { DefaultRoute::Internet(route) } else { DefaultRoute::Elsewhere(route) }
    }

    /// Whether a subnet is public for IPv4: `Some(true)` when its effective route table sends
    /// 0.0.0.0/0 to an internet gateway attached to its VPC, `None` when the input cannot tell.
    pub fn is_public(&self, subnet: usize) -> Option<bool> {
        let eff = self.effective_route_table(subnet)?;
        let vpc = self.design.subnets[subnet].vpc.as_ref().and_then(|r| r.idx);
        match self.default_route(eff.table, vpc, Family::V4) {
            DefaultRoute::Internet(_) => Some(true),
            DefaultRoute::Unknown => None,
            DefaultRoute::Missing | DefaultRoute::Elsewhere(_) => Some(false),
        }
    }

    /// Route tables of a VPC.
    pub fn tables_of(&self, vpc: usize) -> &[usize] {
        self.vpc_tables.get(vpc).map_or(&[], Vec::as_slice)
    }

    /// VPCs with an active block that shares addresses with `range`, in index order.
    pub fn vpcs_overlapping(&self, range: &AddrRange) -> Vec<usize> {
        let blocks = &self.vpc_blocks;
        // Blocks of the family that start at or before the range's end; going back from the last
        // of them, stop where no block so far reaches the range's start.
        let end = blocks.partition_point(|(r, _, _)| (r.family, r.start) <= (range.family, range.end));
        let mut out: Vec<usize> = Vec::new();
        for &(r, vi, highest) in blocks[..end].iter().rev() {
            if r.family != range.family || highest < range.start {
                break;
            }
            if r.end >= range.start {
                out.push(vi);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Subnets of a VPC.
    pub fn subnets_of(&self, vpc: usize) -> Vec<usize> {
        self.neighbours(Node { kind: ResourceKind::Vpc, index: vpc }, |e| *e == Edge::Contains, ResourceKind::Subnet)
    }

    /// VPCs peered with `vpc`, with the peering connection index, skipping defunct connections.
    pub fn peers(&self, vpc: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for p in self.neighbours(
            Node { kind: ResourceKind::Vpc, index: vpc },
            |e| *e == Edge::Peers,
            ResourceKind::PeeringConnection,
        ) {
            let pcx = &self.design.peering_connections[p];
            if pcx.is_defunct() {
                continue;
            }
            for side in pcx.sides() {
                if let Some(other) = side.vpc.idx.filter(|&o| o != vpc) {
                    out.push((p, other));
                }
            }
        }
        out
    }

    /// Internet gateways attached to a VPC.
    pub fn attached_internet_gateways(&self, vpc: usize) -> Vec<usize> {
        self.neighbours(
            Node { kind: ResourceKind::Vpc, index: vpc },
            |e| *e == Edge::AttachedTo,
            ResourceKind::InternetGateway,
        )
        .into_iter()
        .filter(|&g| self.igw_attached_to(g, vpc))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_vpcs_that_own_part_of_a_range() {
        let vpc = |id: &str, blocks: &[&str]| {
            let set: Vec<String> = blocks
                .iter()
                .map(|b| format!(r#"{{"CidrBlock": "{b}", "CidrBlockState": {{"State": "associated"}}}}"#))
                .collect();
            format!(
                r#"{{"VpcId": "{id}", "CidrBlock": "{}", "CidrBlockAssociationSet": [{}]}}"#,
                blocks[0],
                set.join(",")
            )
        };
        let vpcs = [
            vpc("vpc-a", &["10.0.0.0/8"]),
            vpc("vpc-b", &["10.1.0.0/16", "192.168.0.0/24"]),
            vpc("vpc-c", &["10.2.0.0/16"]),
            vpc("vpc-d", &["172.16.0.0/12"]),
            vpc("vpc-e", &["10.1.128.0/17"]),
        ];
        let text = format!(r#"{{"Vpcs": [{}]}}"#, vpcs.join(","));
        let loaded = crate::ingest::load_bytes("vpcs.json", text.as_bytes());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let t = Topology::build(&loaded.design);
        let ids = |cidr: &str| -> Vec<&str> {
            t.vpcs_overlapping(&AddrRange::of(&cidr.parse().unwrap()))
                .into_iter()
                .map(|v| loaded.design.vpcs[v].meta.id.as_str())
                .collect()
        };
        assert_eq!(ids("10.1.200.0/24"), ["vpc-a", "vpc-b", "vpc-e"]);
        assert_eq!(ids("10.2.0.0/15"), ["vpc-a", "vpc-c"]);
        assert_eq!(ids("11.0.0.0/8"), Vec::<&str>::new());
        assert_eq!(ids("0.0.0.0/0"), ["vpc-a", "vpc-b", "vpc-c", "vpc-d", "vpc-e"]);
        assert_eq!(ids("192.168.0.128/25"), ["vpc-b"]);
        assert_eq!(ids("::/0"), Vec::<&str>::new());
        assert_eq!(t.tables_of(0), &[] as &[usize]);
    }
}
