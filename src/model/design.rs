//! One load's design: the arenas of resources, and what the load did not turn into resources.

use super::resources::*;
use super::{Meta, ResourceKind};
use crate::source::{Origin, Sources};
use std::collections::BTreeMap;

/// A kind an account dump lists completely, and the account and region it covers.
pub type Listed = (ResourceKind, Option<String>, Option<String>);

/// What a load did not turn into resources: reported by `--stats`, never silently dropped.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub files_loaded: usize,
    /// Files seen in directories but not read, with the reason.
    pub files_skipped: Vec<(String, String)>,
    /// Entries of walked directories that ignore files kept out (an ignored directory counts once).
    pub ignored: usize,
    /// Entries of walked directories that exclude globs kept out (a directory counts once).
    pub excluded: usize,
    /// Top-level keys vpclint does not model, with how many items they held.
    pub unmodelled_keys: BTreeMap<String, usize>,
    /// Keys that carry no resources (`ResponseMetadata`, `NextToken`, …).
    pub metadata_keys: BTreeMap<String, usize>,
    /// Resources seen twice (same kind, account, region and id); the first one is kept.
    pub duplicates: BTreeMap<ResourceKind, usize>,
    /// Where each duplicate was seen: kind, id, the kept definition and the ignored one.
    pub duplicate_origins: Vec<(ResourceKind, String, Origin, Origin)>,
    /// References to resources of a kind the input lists, that name none of them (kind of the
    /// referring resource, kind referred to) → count.
    pub unresolved: BTreeMap<(ResourceKind, ResourceKind), usize>,
    /// Resources that could not be read (each with an error).
    pub rejected: BTreeMap<ResourceKind, usize>,
    /// Resources that could not be read, of no kind vpclint can tell (a template resource without
    /// `Type`, or that is not a mapping, or whose `Properties` are not one), each with an error.
    pub rejected_untyped: usize,
    /// Terraform resources a plan destroys: not part of the design it produces.
    pub destroyed: usize,
    /// Terraform resources that change another resource (routes, associations, rules, CIDR
    /// associations, attachments) and are merged into it, by type.
    pub merged: BTreeMap<String, usize>,
    /// Resources vpclint adds because AWS creates them implicitly (a new VPC's main route table).
    pub synthesized: usize,
    /// Terraform data sources read (their values are used where the plan records them).
    pub data_sources: BTreeMap<String, usize>,
    /// CloudFormation resources not created because their `Condition` is false, by type.
    pub condition_false: BTreeMap<String, usize>,
}

impl Stats {
    /// Add the statistics of another part of the same load.
    pub fn absorb(&mut self, other: Stats) {
        fn sum<K: Ord>(into: &mut BTreeMap<K, usize>, from: BTreeMap<K, usize>) {
            for (k, n) in from {
                *into.entry(k).or_default() += n;
            }
        }
        let Stats {
            files_loaded,
            files_skipped,
            ignored,
            excluded,
            unmodelled_keys,
            metadata_keys,
            duplicates,
            duplicate_origins,
            unresolved,
            rejected,
            rejected_untyped,
            destroyed,
            merged,
            synthesized,
            data_sources,
            condition_false,
        } = other;
        self.files_loaded += files_loaded;
        self.files_skipped.extend(files_skipped);
        self.ignored += ignored;
        self.excluded += excluded;
        sum(&mut self.unmodelled_keys, unmodelled_keys);
        sum(&mut self.metadata_keys, metadata_keys);
        sum(&mut self.duplicates, duplicates);
        self.duplicate_origins.extend(duplicate_origins);
        sum(&mut self.unresolved, unresolved);
        sum(&mut self.rejected, rejected);
        self.rejected_untyped += rejected_untyped;
        self.destroyed += destroyed;
        sum(&mut self.merged, merged);
        self.synthesized += synthesized;
        sum(&mut self.data_sources, data_sources);
        sum(&mut self.condition_false, condition_false);
    }
}

/// Everything one load produced.
#[derive(Debug, Default)]
pub struct Design {
    pub sources: Sources,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub egress_only_internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub elastic_ips: Vec<ElasticIp>,
    pub peering_connections: Vec<PeeringConnection>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub load_balancers: Vec<LoadBalancer>,
    pub listeners: Vec<Listener>,
    pub target_groups: Vec<TargetGroup>,
    pub network_interfaces: Vec<NetworkInterface>,
    pub instances: Vec<Instance>,
    pub transit_gateways: Vec<TransitGateway>,
    pub transit_gateway_attachments: Vec<TransitGatewayAttachment>,
    pub transit_gateway_vpc_attachments: Vec<TransitGatewayAttachment>,
    pub transit_gateway_route_tables: Vec<TransitGatewayRouteTable>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub managed_prefix_lists: Vec<ManagedPrefixList>,
    /// Kinds that at least one input models (an empty listing counts).
    pub kinds_present: std::collections::BTreeSet<ResourceKind>,
    /// Kinds of which an account dump listed every resource (even an empty list), with the account
    /// and region the dump's path names (`None`: not named, so any): absence of a resource of such a
    /// kind there is a fact. A plan or template holds only its own resources, so absence from it
    /// proves nothing.
    pub kinds_listed: std::collections::BTreeSet<Listed>,
    /// Resources a template declares but does not create, because their condition is false:
    /// (template, logical id) → the condition. A reference to one names nothing.
    pub not_created: BTreeMap<(crate::source::FileId, String), String>,
    pub stats: Stats,
}

impl Design {
    /// How many resources of each kind were loaded.
    pub fn counts(&self) -> Vec<(ResourceKind, usize)> {
        use ResourceKind::*;
        vec![
            (Vpc, self.vpcs.len()),
            (Subnet, self.subnets.len()),
            (RouteTable, self.route_tables.len()),
            (InternetGateway, self.internet_gateways.len()),
            (EgressOnlyInternetGateway, self.egress_only_internet_gateways.len()),
            (NatGateway, self.nat_gateways.len()),
            (ElasticIp, self.elastic_ips.len()),
            (PeeringConnection, self.peering_connections.len()),
            (SecurityGroup, self.security_groups.len()),
            (NetworkAcl, self.network_acls.len()),
            (LoadBalancer, self.load_balancers.len()),
            (Listener, self.listeners.len()),
            (TargetGroup, self.target_groups.len()),
            (NetworkInterface, self.network_interfaces.len()),
            (Instance, self.instances.len()),
            (TransitGateway, self.transit_gateways.len()),
            (TransitGatewayAttachment, self.transit_gateway_attachments.len()),
            (TransitGatewayVpcAttachment, self.transit_gateway_vpc_attachments.len()),
            (TransitGatewayRouteTable, self.transit_gateway_route_tables.len()),
            (VpcEndpoint, self.vpc_endpoints.len()),
            (ManagedPrefixList, self.managed_prefix_lists.len()),
        ]
    }

    pub fn resource_count(&self) -> usize {
        self.counts().iter().map(|(_, n)| n).sum()
    }

    /// Every resource's metadata, arena by arena.
    pub fn metas(&self) -> impl Iterator<Item = &Meta> {
        let d = self;
        d.vpcs
            .iter()
            .map(|x| &x.meta)
            .chain(d.subnets.iter().map(|x| &x.meta))
            .chain(d.route_tables.iter().map(|x| &x.meta))
            .chain(d.internet_gateways.iter().map(|x| &x.meta))
            .chain(d.egress_only_internet_gateways.iter().map(|x| &x.meta))
            .chain(d.nat_gateways.iter().map(|x| &x.meta))
            .chain(d.elastic_ips.iter().map(|x| &x.meta))
            .chain(d.peering_connections.iter().map(|x| &x.meta))
            .chain(d.security_groups.iter().map(|x| &x.meta))
            .chain(d.network_acls.iter().map(|x| &x.meta))
            .chain(d.load_balancers.iter().map(|x| &x.meta))
            .chain(d.listeners.iter().map(|x| &x.meta))
            .chain(d.target_groups.iter().map(|x| &x.meta))
            .chain(d.network_interfaces.iter().map(|x| &x.meta))
            .chain(d.instances.iter().map(|x| &x.meta))
            .chain(d.transit_gateways.iter().map(|x| &x.meta))
            .chain(d.transit_gateway_attachments.iter().map(|x| &x.meta))
            .chain(d.transit_gateway_vpc_attachments.iter().map(|x| &x.meta))
            .chain(d.transit_gateway_route_tables.iter().map(|x| &x.meta))
            .chain(d.vpc_endpoints.iter().map(|x| &x.meta))
            .chain(d.managed_prefix_lists.iter().map(|x| &x.meta))
    }

    /// Every resource's metadata, arena by arena, to change.
    pub fn metas_mut(&mut self) -> impl Iterator<Item = &mut Meta> {
        let d = self;
        d.vpcs
            .iter_mut()
            .map(|x| &mut x.meta)
            .chain(d.subnets.iter_mut().map(|x| &mut x.meta))
            .chain(d.route_tables.iter_mut().map(|x| &mut x.meta))
            .chain(d.internet_gateways.iter_mut().map(|x| &mut x.meta))
            .chain(d.egress_only_internet_gateways.iter_mut().map(|x| &mut x.meta))
            .chain(d.nat_gateways.iter_mut().map(|x| &mut x.meta))
            .chain(d.elastic_ips.iter_mut().map(|x| &mut x.meta))
            .chain(d.peering_connections.iter_mut().map(|x| &mut x.meta))
            .chain(d.security_groups.iter_mut().map(|x| &mut x.meta))
            .chain(d.network_acls.iter_mut().map(|x| &mut x.meta))
            .chain(d.load_balancers.iter_mut().map(|x| &mut x.meta))
            .chain(d.listeners.iter_mut().map(|x| &mut x.meta))
            .chain(d.target_groups.iter_mut().map(|x| &mut x.meta))
            .chain(d.network_interfaces.iter_mut().map(|x| &mut x.meta))
            .chain(d.instances.iter_mut().map(|x| &mut x.meta))
            .chain(d.transit_gateways.iter_mut().map(|x| &mut x.meta))
            .chain(d.transit_gateway_attachments.iter_mut().map(|x| &mut x.meta))
            .chain(d.transit_gateway_vpc_attachments.iter_mut().map(|x| &mut x.meta))
            .chain(d.transit_gateway_route_tables.iter_mut().map(|x| &mut x.meta))
            .chain(d.vpc_endpoints.iter_mut().map(|x| &mut x.meta))
            .chain(d.managed_prefix_lists.iter_mut().map(|x| &mut x.meta))
    }

    /// Whether the load models resources of `kind` at all.
    pub fn has(&self, kind: ResourceKind) -> bool {
        self.kinds_present.contains(&kind)
    }

    /// Whether an account dump listed every resource of `kind` in `account` and `region`, so one
    /// it lacks does not exist there.
    pub fn lists_all(&self, kind: ResourceKind, account: Option<&str>, region: Option<&str>) -> bool {
        let covers = |listed: &Option<String>, wanted: Option<&str>| {
            listed.is_none() || wanted.is_none() || listed.as_deref() == wanted
        };
        self.kinds_listed.iter().any(|(k, a, r)| *k == kind && covers(a, account) && covers(r, region))
    }

    /// Whether an account dump listed every resource of `kind` somewhere.
    pub fn lists_kind(&self, kind: ResourceKind) -> bool {
        self.kinds_listed.iter().any(|(k, _, _)| *k == kind)
    }
}
