//! The resources of the model: plain structs, linked by [`Ref`]s resolved at load.

use super::ids::*;
use super::net::{self, PortRange, Protocol};
use super::states::*;
use super::{Meta, ResourceKind};
use crate::source::Origin;
use ipnet::IpNet;

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
    /// The input creates the VPC (a template, sources, a plan that does not find it in state):
    /// nothing that lives inside it exists yet.
    pub created: bool,
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
    pub vpc: Option<Ref<Vpcs>>,
    pub availability_zone: Option<String>,
    pub cidr: Option<IpNet>,
    pub ipv6_cidrs: Vec<IpNet>,
    /// An association names a route table the input does not decide (a conditional, a value
    /// known only after apply): which table the subnet uses is unknown, not the main one.
    pub route_table_undecided: bool,
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
    pub idx: Option<TargetId>,
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
    pub vpc: Option<Ref<Vpcs>>,
    /// The VPC's main table: used by every subnet without an explicit association.
    pub main: bool,
    pub subnets: Vec<(Ref<Subnets>, Origin)>,
    pub routes: Vec<Route>,
    /// Some routes are not known before apply (a plan): the table's behaviour is partly unknown.
    pub has_unknown_routes: bool,
}

#[derive(Clone, Debug)]
pub struct GatewayAttachment {
    pub vpc: Ref<Vpcs>,
    pub state: AttachmentState,
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
    pub vpc: Option<Ref<Vpcs>>,
    pub subnet: Option<Ref<Subnets>>,
    pub state: NatState,
    /// `ConnectivityType`; AWS defaults to public when absent.
    pub connectivity: Connectivity,
    /// Elastic IP allocations (`NatGatewayAddresses[].AllocationId`).
    pub allocations: Vec<Ref<ElasticIps>>,
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
    pub vpc: Ref<Vpcs>,
    pub owner: Option<String>,
    pub region: Option<String>,
    /// CIDRs recorded in the peering connection itself: used when the VPC is not in the load.
    pub cidrs: Vec<(IpNet, Origin)>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct PeeringConnection {
    pub meta: Meta,
    pub status: PeeringState,
    pub requester: PeerSide,
    pub accepter: PeerSide,
}

impl PeeringConnection {
    /// Deleted, rejected, failed or expired connections carry no traffic and hold no CIDR claims.
    pub fn is_defunct(&self) -> bool {
        self.status.is_defunct()
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
    pub idx: Option<Id<SecurityGroups>>,
}

#[derive(Clone, Debug)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub vpc: Option<Ref<Vpcs>>,
    pub group_name: Option<String>,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
    /// Some ingress (egress) rules are not known before apply, or could not be read: what the
    /// group admits is partly unknown, so no rule judges what it refuses.
    pub has_unknown_ingress: bool,
    pub has_unknown_egress: bool,
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
    /// A rule number as AWS accepts it, 1–32766, for every format; an account dump also lists
    /// the implicit deny rules (`*`) as 32767 (IPv4) and 32768 (IPv6).
    pub fn rule_number(number: i64, key: &str, listed_by_aws: bool) -> Result<u32, String> {
        let highest = if listed_by_aws { 32768 } else { 32766 };
        match u32::try_from(number) {
            Ok(n) if (1..=highest).contains(&i64::from(n)) => Ok(n),
            _ => Err(format!("`{key}` {number} is not a network ACL rule number (AWS accepts 1-32766)")),
        }
    }

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
    pub vpc: Option<Ref<Vpcs>>,
    pub is_default: bool,
    pub subnets: Vec<(Ref<Subnets>, Origin)>,
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
    pub vpc: Option<Ref<Vpcs>>,
    pub subnets: Vec<(Ref<Subnets>, Origin)>,
    pub ip_address_type: Option<String>,
    pub security_groups: Vec<Ref<SecurityGroups>>,
    /// Availability zones as the input names them (else derived from the subnets).
    pub zones: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Listener {
    pub meta: Meta,
    pub load_balancer: Option<Ref<LoadBalancers>>,
    pub protocol: Option<String>,
    pub port: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct TargetGroup {
    pub meta: Meta,
    pub vpc: Option<Ref<Vpcs>>,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub load_balancers: Vec<Ref<LoadBalancers>>,
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
    pub vpc: Option<Ref<Vpcs>>,
    pub subnet: Option<Ref<Subnets>>,
    pub private_ips: Vec<String>,
    pub public_ip: Option<String>,
    pub security_groups: Vec<Ref<SecurityGroups>>,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub meta: Meta,
    pub vpc: Option<Ref<Vpcs>>,
    pub subnet: Option<Ref<Subnets>>,
    pub private_ip: Option<String>,
    /// A public IPv4 address (auto-assigned or an Elastic IP), where the input shows it.
    pub public_ip: Option<String>,
    /// Whether the instance may get a public address the input does not show (a template's
    /// instance in the default VPC, or in a subnet defined elsewhere).
    pub public_ip_unknown: bool,
    pub security_groups: Vec<Ref<SecurityGroups>>,
    pub state: InstanceState,
}

#[derive(Clone, Debug)]
pub struct TransitGateway {
    pub meta: Meta,
    pub state: TransitState,
}

#[derive(Clone, Debug)]
pub struct TransitGatewayAttachment {
    pub meta: Meta,
    pub transit_gateway: Option<Ref<TransitGateways>>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub vpc: Option<Ref<Vpcs>>,
    pub subnets: Vec<Ref<Subnets>>,
    pub state: TransitState,
    /// The route table the attachment is associated with.
    pub association: Option<Ref<TransitGatewayRouteTables>>,
}

#[derive(Clone, Debug)]
pub struct TransitGatewayRouteTable {
    pub meta: Meta,
    pub transit_gateway: Option<Ref<TransitGateways>>,
    /// Attachments associated with the table (their traffic is routed by it).
    pub associations: Vec<AttachmentRef>,
    /// Attachments whose routes propagate into the table.
    pub propagations: Vec<AttachmentRef>,
    /// Static routes: destination and target attachment (`None` for a blackhole).
    pub routes: Vec<(IpNet, Option<AttachmentRef>)>,
}

#[derive(Clone, Debug)]
pub struct VpcEndpoint {
    pub meta: Meta,
    pub vpc: Option<Ref<Vpcs>>,
    pub endpoint_type: Option<String>,
    pub service_name: Option<String>,
    pub subnets: Vec<Ref<Subnets>>,
    pub route_tables: Vec<Ref<RouteTables>>,
}

#[derive(Clone, Debug)]
pub struct ManagedPrefixList {
    pub meta: Meta,
    pub name: Option<String>,
    pub family: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::NaclEntry;

    #[test]
    fn rule_numbers_are_bounded_as_aws_accepts_them_in_every_format() {
        assert_eq!(NaclEntry::rule_number(1, "RuleNumber", false), Ok(1));
        assert_eq!(NaclEntry::rule_number(32766, "rule_no", false), Ok(32766));
        let refused = NaclEntry::rule_number(32767, "rule_no", false).unwrap_err();
        assert_eq!(refused, "`rule_no` 32767 is not a network ACL rule number (AWS accepts 1-32766)");
        // A dump lists the implicit deny rules as 32767 and 32768.
        assert_eq!(NaclEntry::rule_number(32768, "RuleNumber", true), Ok(32768));
        assert!(NaclEntry::rule_number(0, "RuleNumber", true).is_err());
        assert!(NaclEntry::rule_number(-1, "RuleNumber", true).is_err());
        assert!(NaclEntry::rule_number(i64::MAX, "RuleNumber", true).is_err());
    }
}
