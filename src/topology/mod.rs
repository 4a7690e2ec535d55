//! The topology: the facts about a design that more than one consumer needs (effective route
//! table and network ACL of each subnet, main tables, what uses each security group, which VPCs
//! a transit gateway table routes), computed once, by typed id.

mod facts;

pub use facts::{GroupUser, TableKey};

use crate::analysis::routing;
use crate::model::net::{AddrRange, Family};
use crate::model::*;

/// Which route table a subnet uses, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectiveTable {
    pub table: Id<RouteTables>,
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

/// A resource a reference names: loaded (by id), or known only by the id the reference writes,
/// seen from an account and region. Two templates may both call their VPC `Vpc`: loaded
/// resources are told apart by id, never by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Named<'d, A> {
    Loaded(Id<A>),
    Elsewhere(Option<&'d str>, Option<&'d str>, &'d str),
}

impl<'d, A> Named<'d, A> {
    /// What `r` names, seen from `account` and `region`.
    pub fn of(r: &'d Ref<A>, account: Option<&'d str>, region: Option<&'d str>) -> Named<'d, A> {
        match r.idx {
            Some(i) => Named::Loaded(i),
            None => Named::Elsewhere(account, region, &r.id),
        }
    }
}

pub struct Topology<'d> {
    pub design: &'d Design,
    subnet_vpcs: PerId<Subnets, Option<Id<Vpcs>>>,
    subnet_tables: PerId<Subnets, Option<EffectiveTable>>,
    subnet_nacls: PerId<Subnets, Option<Id<NetworkAcls>>>,
    main_tables: PerId<Vpcs, Option<Id<RouteTables>>>,
    /// Route table → subnets that use it (explicitly or as the main table).
    table_users: PerId<RouteTables, Vec<Id<Subnets>>>,
    vpc_tables: PerId<Vpcs, Vec<Id<RouteTables>>>,
    vpc_subnets: PerId<Vpcs, Vec<Id<Subnets>>>,
    vpc_peerings: PerId<Vpcs, Vec<Id<PeeringConnections>>>,
    vpc_gateways: PerId<Vpcs, Vec<Id<InternetGateways>>>,
    /// Active VPC blocks by (family, start), each with the highest end of the blocks up to it:
    /// the VPCs that own part of a range are found by binary search.
    vpc_blocks: Vec<(AddrRange, Id<Vpcs>, u128)>,
    facts: facts::Facts<'d>,
}

impl<'d> Topology<'d> {
    pub fn build(design: &'d Design) -> Topology<'d> {
        let (vpcs, subnets, tables) = (design.vpcs.len(), design.subnets.len(), design.route_tables.len());
        let mut t = Topology {
            design,
            subnet_vpcs: PerId::filled(subnets, None),
            subnet_tables: PerId::filled(subnets, None),
            subnet_nacls: PerId::filled(subnets, None),
            main_tables: PerId::filled(vpcs, None),
            table_users: PerId::filled(tables, Vec::new()),
            vpc_tables: PerId::filled(vpcs, Vec::new()),
            vpc_subnets: PerId::filled(vpcs, Vec::new()),
            vpc_peerings: PerId::filled(vpcs, Vec::new()),
            vpc_gateways: PerId::filled(vpcs, Vec::new()),
            vpc_blocks: vpc_blocks(design),
            facts: facts::Facts::build(design),
        };
        for (si, s) in design.each::<Subnets>() {
            if let Some(v) = s.vpc.as_ref().and_then(|r| r.idx) {
                t.subnet_vpcs[si] = Some(v);
                t.vpc_subnets[v].push(si);
            }
        }
        t.place_route_tables();
        for (ni, n) in design.each::<NetworkAcls>() {
            for si in n.subnets.iter().filter_map(|(s, _)| s.idx) {
                t.subnet_nacls[si].get_or_insert(ni);
            }
        }
        for (gi, g) in design.each::<InternetGateways>() {
            for a in g.attachments.iter().filter(|a| a.state.is_attached()) {
                if let Some(v) = a.vpc.idx.filter(|v| !t.vpc_gateways[*v].contains(&gi)) {
                    t.vpc_gateways[v].push(gi);
                }
            }
        }
        for (pi, p) in design.each::<PeeringConnections>() {
            for v in p.sides().iter().filter_map(|s| s.vpc.idx) {
                if !t.vpc_peerings[v].contains(&pi) {
                    t.vpc_peerings[v].push(pi);
                }
            }
        }
        t
    }

    /// Each VPC's tables and main table; each subnet's effective table and each table's users.
    fn place_route_tables(&mut self) {
        let design = self.design;
        for (ti, rt) in design.each::<RouteTables>() {
            let vpc = rt.vpc.as_ref().and_then(|r| r.idx);
            if let Some(v) = vpc {
                self.vpc_tables[v].push(ti);
                if rt.main {
                    // Several main tables for one VPC cannot happen in AWS; keep the first deterministically.
                    self.main_tables[v].get_or_insert(ti);
                }
            }
            for si in rt.subnets.iter().filter_map(|(s, _)| s.idx) {
                self.subnet_tables[si].get_or_insert(EffectiveTable { table: ti, explicit: true });
            }
        }
        for (si, subnet) in design.each::<Subnets>() {
            if self.subnet_tables[si].is_none()
                && !subnet.route_table_undecided
                && let Some(main) = self.subnet_vpcs[si].and_then(|v| self.main_tables[v])
            {
                self.subnet_tables[si] = Some(EffectiveTable { table: main, explicit: false });
            }
            if let Some(eff) = self.subnet_tables[si] {
                self.table_users[eff.table].push(si);
            }
        }
    }

    /// The VPC a subnet is in, when the design holds it.
    pub fn vpc_of(&self, subnet: Id<Subnets>) -> Option<Id<Vpcs>> {
        self.subnet_vpcs.get(subnet).copied().flatten()
    }

    /// The route table a subnet uses: its explicit association, else its VPC's main table.
    /// `None` when neither is in the design (unknown, not "no table").
    pub fn effective_route_table(&self, subnet: Id<Subnets>) -> Option<EffectiveTable> {
        self.subnet_tables.get(subnet).copied().flatten()
    }

    /// The network ACL associated with a subnet, if the design shows it.
    pub fn network_acl(&self, subnet: Id<Subnets>) -> Option<Id<NetworkAcls>> {
        self.subnet_nacls.get(subnet).copied().flatten()
    }

    /// Subnets that use a route table (explicitly or as the main table).
    pub fn subnets_using_table(&self, table: Id<RouteTables>) -> &[Id<Subnets>] {
        self.table_users.get(table).map_or(&[], Vec::as_slice)
    }

    /// Whether internet gateway `igw` is attached to `vpc` (or will be, once the input is applied).
    pub fn igw_attached_to(&self, igw: Id<InternetGateways>, vpc: Id<Vpcs>) -> bool {
        self.vpc_gateways.get(vpc).is_some_and(|g| g.contains(&igw))
    }

    /// Where the default route of `table` goes for `family`, judged for a subnet in `vpc`.
    pub fn default_route(&self, table: Id<RouteTables>, vpc: Option<Id<Vpcs>>, family: Family) -> DefaultRoute<'d> {
        let design: &'d Design = self.design;
        let table = &design[table];
        let Some(route) = routing::default_route(table, family) else {
            return if table.has_unknown_routes { DefaultRoute::Unknown } else { DefaultRoute::Missing };
        };
        if route.target.kind == TargetKind::Unknown {
            return DefaultRoute::Unknown;
        }
        let to_attached_igw = route.target.kind == TargetKind::InternetGateway
            && routing::is_active(route)
            && match (route.target.idx, vpc) {
                (Some(TargetId::InternetGateway(igw)), Some(v)) => self.igw_attached_to(igw, v),
                // The gateway is not in the dump: trust an active route (AWS would have refused a
                // route to a gateway that is not attached to the table's VPC).
                (None, _) => !design.has(ResourceKind::InternetGateway),
                (_, None) => true,
                (Some(_), Some(_)) => false,
            };
        if to_attached_igw { DefaultRoute::Internet(route) } else { DefaultRoute::Elsewhere(route) }
    }

    /// Whether a subnet is public for IPv4: `Some(true)` when its effective route table sends
    /// 0.0.0.0/0 to an internet gateway attached to its VPC, `None` when the input cannot tell.
    pub fn is_public(&self, subnet: Id<Subnets>) -> Option<bool> {
        let eff = self.effective_route_table(subnet)?;
        match self.default_route(eff.table, self.vpc_of(subnet), Family::V4) {
            DefaultRoute::Internet(_) => Some(true),
            DefaultRoute::Unknown => None,
            DefaultRoute::Missing | DefaultRoute::Elsewhere(_) => Some(false),
        }
    }

    /// Route tables of a VPC.
    pub fn tables_of(&self, vpc: Id<Vpcs>) -> &[Id<RouteTables>] {
        self.vpc_tables.get(vpc).map_or(&[], Vec::as_slice)
    }

    /// Subnets of a VPC, in arena order.
    pub fn subnets_of(&self, vpc: Id<Vpcs>) -> &[Id<Subnets>] {
        self.vpc_subnets.get(vpc).map_or(&[], Vec::as_slice)
    }

    /// VPCs with an active block that shares addresses with `range`, in id order.
    pub fn vpcs_overlapping(&self, range: &AddrRange) -> Vec<Id<Vpcs>> {
        let blocks = &self.vpc_blocks;
        // Blocks of the family that start at or before the range's end; going back from the last
        // of them, stop where no block so far reaches the range's start.
        let end = blocks.partition_point(|(r, _, _)| (r.family, r.start) <= (range.family, range.end));
        let mut out: Vec<Id<Vpcs>> = Vec::new();
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

    /// VPCs peered with `vpc`, with the peering connection, skipping defunct connections.
    pub fn peers(&self, vpc: Id<Vpcs>) -> Vec<(Id<PeeringConnections>, Id<Vpcs>)> {
        let mut out = Vec::new();
        for &p in self.vpc_peerings.get(vpc).map_or(&[][..], Vec::as_slice) {
            let pcx = &self.design[p];
            if pcx.is_defunct() {
                continue;
            }
            for other in pcx.sides().iter().filter_map(|s| s.vpc.idx).filter(|&o| o != vpc) {
                out.push((p, other));
            }
        }
        out
    }

    /// Internet gateways attached to a VPC.
    pub fn attached_internet_gateways(&self, vpc: Id<Vpcs>) -> &[Id<InternetGateways>] {
        self.vpc_gateways.get(vpc).map_or(&[], Vec::as_slice)
    }

    /// What uses a security group (instances that are not going away, network interfaces).
    pub fn group_users(&self, group: Id<SecurityGroups>) -> &[GroupUser<'d>] {
        self.facts.group_users.get(group).map_or(&[], Vec::as_slice)
    }

    /// Load balancers a security group is attached to.
    pub fn group_load_balancers(&self, group: Id<SecurityGroups>) -> &[Id<LoadBalancers>] {
        self.facts.group_load_balancers.get(group).map_or(&[], Vec::as_slice)
    }

    /// The ports a load balancer's listeners listen on.
    pub fn listener_ports(&self, lb: Id<LoadBalancers>) -> &[u16] {
        self.facts.listener_ports.get(lb).map_or(&[], Vec::as_slice)
    }

    /// The instance a target registration names by id.
    pub fn instance(&self, id: &str) -> Option<Id<Instances>> {
        self.facts.instances_by_id.get(id).copied()
    }

    /// Each transit gateway route table (loaded, or known only by the id an attachment names)
    /// with the VPCs attached to it by association or propagation, in key order.
    pub fn transit_tables(&self) -> &std::collections::BTreeMap<TableKey<'d>, std::collections::BTreeSet<Id<Vpcs>>> {
        &self.facts.transit_tables
    }
}

/// Active VPC blocks sorted by (family, start), each with the highest end up to it.
fn vpc_blocks(design: &Design) -> Vec<(AddrRange, Id<Vpcs>, u128)> {
    let mut blocks: Vec<(AddrRange, Id<Vpcs>, u128)> = Vec::new();
    for (vi, vpc) in design.each::<Vpcs>() {
        blocks.extend(vpc.active_cidrs().map(|c| (AddrRange::of(&c.net), vi, 0)));
    }
    blocks.sort_unstable_by_key(|&(r, vi, _)| (r.family, r.start, r.end, vi));
    let mut reach: Option<(Family, u128)> = None;
    for (r, _, highest) in &mut blocks {
        let top = match reach {
            Some((family, end)) if family == r.family => end.max(r.end),
            _ => r.end,
        };
        reach = Some((r.family, top));
        *highest = top;
    }
    blocks
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
                .map(|v| loaded.design[v].meta.id.as_str())
                .collect()
        };
        assert_eq!(ids("10.1.200.0/24"), ["vpc-a", "vpc-b", "vpc-e"]);
        assert_eq!(ids("10.2.0.0/15"), ["vpc-a", "vpc-c"]);
        assert_eq!(ids("11.0.0.0/8"), Vec::<&str>::new());
        assert_eq!(ids("0.0.0.0/0"), ["vpc-a", "vpc-b", "vpc-c", "vpc-d", "vpc-e"]);
        assert_eq!(ids("192.168.0.128/25"), ["vpc-b"]);
        assert_eq!(ids("::/0"), Vec::<&str>::new());
        assert_eq!(t.tables_of(Id::new(0)), &[] as &[Id<RouteTables>]);
    }
}
