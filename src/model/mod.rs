//! The common model every input format is normalised into: plain structs in arenas.

pub mod net;

use crate::source::{Origin, Sources};
use ipnet::IpNet;
use net::{PortRange, Protocol};
use std::collections::BTreeMap;

/// What every resource carries: its id, where it lives and where it was defined.
#[derive(Clone, Debug)]
pub struct Meta {
    /// Where the resource is defined, when that is a Terraform module (its source), so a
    /// diagnostic can say which module to change.
    pub module_source: Option<String>,
    /// AWS id (`vpc-…`), ARN for load balancers, or the name of a classic ELB.
    pub id: String,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The `Name` tag, if any.
    pub name: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The resource's definition (a JSON object).
    pub origin: Origin,
    /// The property below `origin` that holds the id: what a diagnostic underlines.
    pub id_key: &'static str,
    /// The document that defines the resource, when its id is a name unique only within it (a
    /// CloudFormation logical id, a Terraform address): references from that document resolve
    /// there first, and resources of two documents never merge by name.
    pub document: Option<crate::source::FileId>,
    /// What kind of input the resource comes from: what its absence or its unknowns mean.
    pub provenance: Provenance,
}

/// What kind of input a resource comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Provenance {
    /// An account dump (`describe-*` output): what exists.
    #[default]
    Dump,
    /// A Terraform plan or state: what a configuration will create.
    Plan,
    /// A CloudFormation template: what a stack will create.
    Template,
}

impl Meta {
    /// A resource known only by id: no account, region or tags.
    pub fn bare(id: impl Into<String>, origin: Origin, id_key: &'static str) -> Meta {
        Meta {
            id: id.into(),
            account: None,
            region: None,
            name: None,
            tags: Vec::new(),
            origin,
            id_key,
            module_source: None,
            document: None,
            provenance: Provenance::Dump,
        }
    }

    /// Where the resource's id is written: the span diagnostics point at.
    pub fn id_origin(&self) -> Origin {
        if self.id_key.is_empty() { self.origin.clone() } else { self.origin.at(self.id_key) }
    }

    /// `id (Name)` for messages.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => format!("{} ({n})", self.id),
            _ => self.id.clone(),
        }
    }
}

/// A reference to another resource by id, resolved to an arena index once ingest is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub id: String,
    pub idx: Option<usize>,
}

impl Ref {
    pub fn new(id: impl Into<String>) -> Ref {
        Ref { id: id.into(), idx: None }
    }

    /// The resolved indices of `refs`, or `None` when any of them names nothing loaded.
    pub fn all_resolved(refs: &[Ref]) -> Option<Vec<usize>> {
        refs.iter().map(|r| r.idx).collect()
    }

    /// `a, b, c` for messages.
    pub fn join_ids(refs: &[Ref]) -> String {
        refs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    ElasticIp,
    PeeringConnection,
    SecurityGroup,
    NetworkAcl,
    LoadBalancer,
    Listener,
    TargetGroup,
    NetworkInterface,
    Instance,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayVpcAttachment,
    TransitGatewayRouteTable,
    VpcEndpoint,
    ManagedPrefixList,
}

impl ResourceKind {
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Vpc => "VPC",
            ResourceKind::Subnet => "subnet",
            ResourceKind::RouteTable => "route table",
            ResourceKind::InternetGateway => "internet gateway",
            ResourceKind::EgressOnlyInternetGateway => "egress-only internet gateway",
            ResourceKind::NatGateway => "NAT gateway",
            ResourceKind::ElasticIp => "Elastic IP",
            ResourceKind::PeeringConnection => "VPC peering connection",
            ResourceKind::SecurityGroup => "security group",
            ResourceKind::NetworkAcl => "network ACL",
            ResourceKind::LoadBalancer => "load balancer",
            ResourceKind::Listener => "listener",
            ResourceKind::TargetGroup => "target group",
            ResourceKind::NetworkInterface => "network interface",
            ResourceKind::Instance => "instance",
            ResourceKind::TransitGateway => "transit gateway",
            ResourceKind::TransitGatewayAttachment => "transit gateway attachment",
            ResourceKind::TransitGatewayVpcAttachment => "transit gateway VPC attachment",
            ResourceKind::TransitGatewayRouteTable => "transit gateway route table",
            ResourceKind::VpcEndpoint => "VPC endpoint",
            ResourceKind::ManagedPrefixList => "managed prefix list",
        }
    }
}

#[derive(Clone, Debug)]
pub struct VpcCidr {
    pub net: IpNet,
    /// False for blocks that are disassociated, disassociating or failed: they hold no addresses.
    pub associated: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Vpc {
    pub meta: Meta,
    pub cidrs: Vec<VpcCidr>,
    pub is_default: bool,
    /// Families with a block the input does not decide (a template's imported value, an
    /// Amazon-provided IPv6 block): the VPC's addresses of that family are not all known.
    pub undecided_blocks: Vec<net::Family>,
}

impl Vpc {
    /// Blocks that hold addresses: the primary and every associated secondary, IPv4 and IPv6.
    pub fn active_cidrs(&self) -> impl Iterator<Item = &VpcCidr> {
        self.cidrs.iter().filter(|c| c.associated)
    }

    /// Whether every block of `family` is known, so an address outside them is outside the VPC.
    pub fn knows_blocks(&self, family: net::Family) -> bool {
        !self.undecided_blocks.contains(&family)
    }
}

#[derive(Clone, Debug)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub availability_zone: Option<String>,
    pub cidr: Option<IpNet>,
    pub ipv6_cidrs: Vec<IpNet>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Cidr(IpNet),
    PrefixList(String),
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Cidr(n) => write!(f, "{n}"),
            Destination::PrefixList(p) => write!(f, "{p}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    VirtualPrivateGateway,
    NatGateway,
    PeeringConnection,
    TransitGateway,
    NetworkInterface,
    Instance,
    VpcEndpoint,
    CarrierGateway,
    LocalGateway,
    CoreNetwork,
    Unknown,
}

impl TargetKind {
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Local => "the local VPC",
            TargetKind::InternetGateway => "internet gateway",
            TargetKind::EgressOnlyInternetGateway => "egress-only internet gateway",
            TargetKind::VirtualPrivateGateway => "virtual private gateway",
            TargetKind::NatGateway => "NAT gateway",
            TargetKind::PeeringConnection => "VPC peering connection",
            TargetKind::TransitGateway => "transit gateway",
            TargetKind::NetworkInterface => "network interface",
            TargetKind::Instance => "instance",
            TargetKind::VpcEndpoint => "VPC endpoint",
            TargetKind::CarrierGateway => "carrier gateway",
            TargetKind::LocalGateway => "local gateway",
            TargetKind::CoreNetwork => "core network",
            TargetKind::Unknown => "unknown target",
        }
    }
}

impl TargetKind {
    /// The kind of resource a target of this kind is, when vpclint models it.
    pub fn resource_kind(self) -> Option<ResourceKind> {
        Some(match self {
            TargetKind::InternetGateway => ResourceKind::InternetGateway,
            TargetKind::EgressOnlyInternetGateway => ResourceKind::EgressOnlyInternetGateway,
            TargetKind::NatGateway => ResourceKind::NatGateway,
            TargetKind::PeeringConnection => ResourceKind::PeeringConnection,
            TargetKind::TransitGateway => ResourceKind::TransitGateway,
            TargetKind::NetworkInterface => ResourceKind::NetworkInterface,
            TargetKind::Instance => ResourceKind::Instance,
            TargetKind::VpcEndpoint => ResourceKind::VpcEndpoint,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct RouteTarget {
    pub kind: TargetKind,
    pub id: String,
    /// Index of the target in the arena of `kind.resource_kind()`, once resolved.
    pub idx: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteState {
    Active,
    Blackhole,
    Other(String),
}

#[derive(Clone, Debug)]
pub struct Route {
    pub destination: Destination,
    pub target: RouteTarget,
    pub state: RouteState,
    pub origin: Origin,
    /// The resource that defines the route when it is not the table itself (Terraform `aws_route`).
    pub defined_by: Option<String>,
}

impl Route {
    /// The route AWS puts in every table of a VPC for each of its blocks.
    pub fn local(net: IpNet, origin: Origin) -> Route {
        Route {
            destination: Destination::Cidr(net),
            target: RouteTarget { kind: TargetKind::Local, id: "local".into(), idx: None },
            state: RouteState::Active,
            origin,
            defined_by: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct RouteTable {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    /// The VPC's main table: used by every subnet without an explicit association.
    pub main: bool,
    pub subnets: Vec<(Ref, Origin)>,
    pub routes: Vec<Route>,
    /// Some routes are not known before apply (a plan): the table's behaviour is partly unknown.
    pub has_unknown_routes: bool,
}

#[derive(Clone, Debug)]
pub struct GatewayAttachment {
    pub vpc: Ref,
    pub state: String,
}

#[derive(Clone, Debug)]
pub struct InternetGateway {
    pub meta: Meta,
    pub attachments: Vec<GatewayAttachment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connectivity {
    Public,
    Private,
    /// Not decided by the input (a template parameter with no value): rules do not judge it.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct NatGateway {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub subnet: Option<Ref>,
    pub state: String,
    /// `ConnectivityType`; AWS defaults to public when absent.
    pub connectivity: Connectivity,
    /// Elastic IP allocations (`NatGatewayAddresses[].AllocationId`).
    pub allocations: Vec<Ref>,
    /// The allocation is set but not known before apply (a plan): not the same as absent.
    pub allocation_unknown: bool,
}

#[derive(Clone, Debug)]
pub struct ElasticIp {
    pub meta: Meta,
    pub public_ip: Option<String>,
    pub network_interface: Option<String>,
    pub instance: Option<String>,
    pub association_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct PeerSide {
    pub vpc: Ref,
    pub owner: Option<String>,
    pub region: Option<String>,
    /// CIDRs recorded in the peering connection itself: used when the VPC is not in the load.
    pub cidrs: Vec<(IpNet, Origin)>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct PeeringConnection {
    pub meta: Meta,
    pub status: String,
    pub requester: PeerSide,
    pub accepter: PeerSide,
}

impl PeeringConnection {
    /// Deleted, rejected, failed or expired connections carry no traffic and hold no CIDR claims.
    pub fn is_defunct(&self) -> bool {
        matches!(self.status.as_str(), "deleted" | "rejected" | "failed" | "expired")
    }
    pub fn sides(&self) -> [&PeerSide; 2] {
        [&self.requester, &self.accepter]
    }
}

#[derive(Clone, Debug)]
pub struct SgRule {
    pub protocol: Protocol,
    pub ports: Option<PortRange>,
    pub cidrs: Vec<IpNet>,
    pub prefix_lists: Vec<String>,
    /// Referenced security groups (`UserIdGroupPairs`), with the owning account when given.
    pub groups: Vec<GroupRef>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRef {
    pub id: String,
    pub account: Option<String>,
    /// The group in the design's arena, once resolved (in the referring group's document first).
    pub idx: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub group_name: Option<String>,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

#[derive(Clone, Debug)]
pub struct NaclEntry {
    pub number: u32,
    pub egress: bool,
    pub protocol: Protocol,
    pub allow: bool,
    pub cidr: IpNet,
    /// Only meaningful for TCP and UDP; `None` means all ports.
    pub ports: Option<PortRange>,
    pub origin: Origin,
}

impl NaclEntry {
    /// An entry for all traffic of one family, in one direction.
    pub fn all_traffic(number: u32, egress: bool, allow: bool, family: net::Family, origin: Origin) -> NaclEntry {
        NaclEntry { number, egress, protocol: Protocol::All, allow, cidr: family.any(), ports: None, origin }
    }

    /// The final deny of every network ACL (`*`), IPv4 and IPv6, both directions: listed by AWS
    /// or not, it applies.
    pub fn implicit_denies(origin: &Origin) -> Vec<NaclEntry> {
        let mut out = Vec::with_capacity(4);
        for egress in [false, true] {
            out.push(NaclEntry::all_traffic(32767, egress, false, net::Family::V4, origin.clone()));
            out.push(NaclEntry::all_traffic(32768, egress, false, net::Family::V6, origin.clone()));
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct NetworkAcl {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub is_default: bool,
    pub subnets: Vec<(Ref, Origin)>,
    pub entries: Vec<NaclEntry>,
    /// Some entries are not known before apply: evaluation would be guesswork.
    pub has_unknown_entries: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbKind {
    Application,
    Network,
    Gateway,
    Classic,
}

impl LbKind {
    pub fn name(self) -> &'static str {
        match self {
            LbKind::Application => "application load balancer",
            LbKind::Network => "network load balancer",
            LbKind::Gateway => "gateway load balancer",
            LbKind::Classic => "classic load balancer",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    InternetFacing,
    Internal,
    /// Not decided by the input (a template parameter with no value): rules do not judge it.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct LoadBalancer {
    pub meta: Meta,
    pub kind: LbKind,
    pub scheme: Scheme,
    pub vpc: Option<Ref>,
    pub subnets: Vec<(Ref, Origin)>,
    pub ip_address_type: Option<String>,
    pub security_groups: Vec<Ref>,
    /// Availability zones as the input names them (else derived from the subnets).
    pub zones: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Listener {
    pub meta: Meta,
    pub load_balancer: Option<Ref>,
    pub protocol: Option<String>,
    pub port: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct TargetGroup {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub load_balancers: Vec<Ref>,
    /// `instance`, `ip`, `lambda` or `alb`.
    pub target_type: Option<String>,
    /// Registered targets, where the input lists them.
    pub targets: Vec<Target>,
}

/// A registered target: an instance id, an IP address or a Lambda ARN, with its port.
#[derive(Clone, Debug)]
pub struct Target {
    pub id: String,
    pub port: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct NetworkInterface {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub subnet: Option<Ref>,
    pub private_ips: Vec<String>,
    pub public_ip: Option<String>,
    pub security_groups: Vec<Ref>,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub subnet: Option<Ref>,
    pub private_ip: Option<String>,
    /// A public IPv4 address (auto-assigned or an Elastic IP), where the input shows it.
    pub public_ip: Option<String>,
    /// Whether the instance may get a public address the input does not show (a template's
    /// instance in the default VPC, or in a subnet defined elsewhere).
    pub public_ip_unknown: bool,
    pub security_groups: Vec<Ref>,
    pub state: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TransitGateway {
    pub meta: Meta,
    pub state: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TransitGatewayAttachment {
    pub meta: Meta,
    pub transit_gateway: Option<Ref>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub vpc: Option<Ref>,
    pub subnets: Vec<Ref>,
    pub state: Option<String>,
    /// The route table the attachment is associated with.
    pub association: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TransitGatewayRouteTable {
    pub meta: Meta,
    pub transit_gateway: Option<Ref>,
    /// Attachments associated with the table (their traffic is routed by it).
    pub associations: Vec<Ref>,
    /// Attachments whose routes propagate into the table.
    pub propagations: Vec<Ref>,
    /// Static routes: destination and target attachment (`None` for a blackhole).
    pub routes: Vec<(IpNet, Option<Ref>)>,
}

#[derive(Clone, Debug)]
pub struct VpcEndpoint {
    pub meta: Meta,
    pub vpc: Option<Ref>,
    pub endpoint_type: Option<String>,
    pub service_name: Option<String>,
    pub subnets: Vec<Ref>,
    pub route_tables: Vec<Ref>,
}

#[derive(Clone, Debug)]
pub struct ManagedPrefixList {
    pub meta: Meta,
    pub name: Option<String>,
    pub family: Option<String>,
}

/// A rule silenced on a resource by the input that defines it (a template's
/// `Metadata: {vpclint: {ignore: [{rule, reason}]}}`): applied with the other suppressions.
#[derive(Clone, Debug)]
pub struct DeclaredSuppression {
    pub resource: String,
    pub file: crate::source::FileId,
    pub rule: String,
    pub reason: String,
    pub origin: Origin,
}

/// A kind an account dump lists completely, and the account and region it covers.
pub type Listed = (ResourceKind, Option<String>, Option<String>);

/// What a load did not turn into resources: reported by `--stats`, never silently dropped.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub files_loaded: usize,
    /// Files seen in directories but not read, with the reason.
    pub files_skipped: Vec<(String, String)>,
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
            unmodelled_keys,
            metadata_keys,
            duplicates,
            duplicate_origins,
            unresolved,
            rejected,
            destroyed,
            merged,
            synthesized,
            data_sources,
            condition_false,
        } = other;
        self.files_loaded += files_loaded;
        self.files_skipped.extend(files_skipped);
        sum(&mut self.unmodelled_keys, unmodelled_keys);
        sum(&mut self.metadata_keys, metadata_keys);
        sum(&mut self.duplicates, duplicates);
        self.duplicate_origins.extend(duplicate_origins);
        sum(&mut self.unresolved, unresolved);
        sum(&mut self.rejected, rejected);
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
    /// Transit gateway route table associations and propagations read from their own listings
    /// (table id, attachment id, is a propagation), merged into the tables once ingest is done.
    pub tgw_table_links: Vec<(String, String, bool)>,
    /// Targets read from `describe-target-health` listings (target group ARN, target).
    pub target_registrations: Vec<(String, Target)>,
    /// Rules the input itself silences on its resources (CloudFormation `Metadata`).
    pub declared_suppressions: Vec<DeclaredSuppression>,
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
