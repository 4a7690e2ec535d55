//! The common model every input format is normalised into: plain structs in arenas.

mod design;
mod ids;
pub mod net;
mod resources;
mod states;

pub use design::*;
pub use ids::*;
pub use resources::*;
pub use states::*;

use crate::source::Origin;

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
    /// Terraform sources (`.tf`): what a configuration will create, evaluated without a plan.
    Source,
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
