//! Typed indices into the design's arenas: an id of one arena cannot index another, so a route
//! target, an association or a group reference always lands on the kind of resource it names.

use super::ResourceKind;
use super::design::Design;
use super::resources::*;
use std::marker::PhantomData;

/// The index of a resource in the arena `A` of a [`Design`].
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id<A> {
    index: u32,
    arena: PhantomData<A>,
}

// Derived `Clone`/`Copy` would require the (uninhabited) marker to be `Copy`: spelled out instead.
impl<A> Clone for Id<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A> Copy for Id<A> {}

impl<A> Id<A> {
    /// The id of the `index`th resource of the arena. Arenas hold fewer than 2³² resources: the
    /// loader refuses inputs long before that (a resource takes dozens of bytes of input).
    pub fn new(index: usize) -> Id<A> {
        Id { index: u32::try_from(index).unwrap_or(u32::MAX), arena: PhantomData }
    }

    /// The position in the arena.
    pub fn index(self) -> usize {
        self.index as usize
    }
}

/// A reference to another resource by the id the input writes, resolved to a typed index once
/// every input is read. `idx: None` is a reference that names nothing in the load: absent from
/// the input, which rules tell apart from "known to be missing".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref<A> {
    pub id: String,
    pub idx: Option<Id<A>>,
}

impl<A> Ref<A> {
    pub fn new(id: impl Into<String>) -> Ref<A> {
        Ref { id: id.into(), idx: None }
    }

    /// The resolved indices of `refs`, or `None` when any of them names nothing loaded.
    pub fn all_resolved(refs: &[Ref<A>]) -> Option<Vec<Id<A>>> {
        refs.iter().map(|r| r.idx).collect()
    }

    /// `a, b, c` for messages.
    pub fn join_ids(refs: &[Ref<A>]) -> String {
        refs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// One of the design's arenas, named by a marker type.
pub trait Arena: Sized {
    type Item;
    const KIND: ResourceKind;
    fn items(design: &Design) -> &[Self::Item];
}

macro_rules! arenas {
    ($($(#[$doc:meta])* $marker:ident => $field:ident: $item:ty, $kind:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
            pub enum $marker {}

            impl Arena for $marker {
                type Item = $item;
                const KIND: ResourceKind = ResourceKind::$kind;
                fn items(design: &Design) -> &[$item] {
                    &design.$field
                }
            }

            impl std::ops::Index<Id<$marker>> for Design {
                type Output = $item;
                fn index(&self, id: Id<$marker>) -> &$item {
                    &self.$field[id.index()]
                }
            }
        )*
    };
}

arenas! {
    /// The arena of VPCs.
    Vpcs => vpcs: Vpc, Vpc;
    Subnets => subnets: Subnet, Subnet;
    RouteTables => route_tables: RouteTable, RouteTable;
    InternetGateways => internet_gateways: InternetGateway, InternetGateway;
    EgressOnlyInternetGateways => egress_only_internet_gateways: InternetGateway, EgressOnlyInternetGateway;
    NatGateways => nat_gateways: NatGateway, NatGateway;
    ElasticIps => elastic_ips: ElasticIp, ElasticIp;
    PeeringConnections => peering_connections: PeeringConnection, PeeringConnection;
    SecurityGroups => security_groups: SecurityGroup, SecurityGroup;
    NetworkAcls => network_acls: NetworkAcl, NetworkAcl;
    LoadBalancers => load_balancers: LoadBalancer, LoadBalancer;
    Listeners => listeners: Listener, Listener;
    TargetGroups => target_groups: TargetGroup, TargetGroup;
    NetworkInterfaces => network_interfaces: NetworkInterface, NetworkInterface;
    Instances => instances: Instance, Instance;
    TransitGateways => transit_gateways: TransitGateway, TransitGateway;
    TransitGatewayAttachments => transit_gateway_attachments: TransitGatewayAttachment, TransitGatewayAttachment;
    TransitGatewayVpcAttachments => transit_gateway_vpc_attachments: TransitGatewayAttachment, TransitGatewayVpcAttachment;
    TransitGatewayRouteTables => transit_gateway_route_tables: TransitGatewayRouteTable, TransitGatewayRouteTable;
    VpcEndpoints => vpc_endpoints: VpcEndpoint, VpcEndpoint;
    ManagedPrefixLists => managed_prefix_lists: ManagedPrefixList, ManagedPrefixList;
}

impl Design {
    /// Every resource of arena `A` with its id, in arena order.
    pub fn each<'d, A: Arena>(&'d self) -> impl Iterator<Item = (Id<A>, &'d A::Item)> + 'd
    where
        A::Item: 'd,
    {
        A::items(self).iter().enumerate().map(|(i, item)| (Id::new(i), item))
    }
}

/// What a route sends traffic to, once resolved: an id in the arena of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetId {
    InternetGateway(Id<InternetGateways>),
    EgressOnlyInternetGateway(Id<EgressOnlyInternetGateways>),
    NatGateway(Id<NatGateways>),
    PeeringConnection(Id<PeeringConnections>),
    TransitGateway(Id<TransitGateways>),
    NetworkInterface(Id<NetworkInterfaces>),
    Instance(Id<Instances>),
    VpcEndpoint(Id<VpcEndpoints>),
}

impl TargetId {
    pub fn internet_gateway(self) -> Option<Id<InternetGateways>> {
        if let TargetId::InternetGateway(i) = self { Some(i) } else { None }
    }
    pub fn nat_gateway(self) -> Option<Id<NatGateways>> {
        if let TargetId::NatGateway(i) = self { Some(i) } else { None }
    }
    pub fn peering_connection(self) -> Option<Id<PeeringConnections>> {
        if let TargetId::PeeringConnection(i) = self { Some(i) } else { None }
    }
}

/// A transit gateway attachment, as listed by `describe-transit-gateway-attachments` or by
/// `describe-transit-gateway-vpc-attachments` (and the IaC resources of each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttachmentId {
    Any(Id<TransitGatewayAttachments>),
    Vpc(Id<TransitGatewayVpcAttachments>),
}

impl Design {
    /// The attachment an [`AttachmentId`] names.
    pub fn attachment(&self, id: AttachmentId) -> &TransitGatewayAttachment {
        match id {
            AttachmentId::Any(i) => &self[i],
            AttachmentId::Vpc(i) => &self[i],
        }
    }
}

/// A reference to a transit gateway attachment, resolved in either of its arenas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRef {
    pub id: String,
    pub idx: Option<AttachmentId>,
}

impl AttachmentRef {
    pub fn new(id: impl Into<String>) -> AttachmentRef {
        AttachmentRef { id: id.into(), idx: None }
    }
}

/// A value per resource of arena `A`, indexed by its typed id.
#[derive(Clone, Debug)]
pub struct PerId<A, T> {
    items: Vec<T>,
    arena: PhantomData<A>,
}

impl<A, T: Clone> PerId<A, T> {
    /// `value` for each of the `len` resources of the arena.
    pub fn filled(len: usize, value: T) -> PerId<A, T> {
        PerId { items: vec![value; len], arena: PhantomData }
    }
}

impl<A, T> PerId<A, T> {
    pub fn get(&self, id: Id<A>) -> Option<&T> {
        self.items.get(id.index())
    }

    /// Every resource's value with its id, in arena order.
    pub fn iter(&self) -> impl Iterator<Item = (Id<A>, &T)> {
        self.items.iter().enumerate().map(|(i, v)| (Id::new(i), v))
    }
}

impl<A, T> std::ops::Index<Id<A>> for PerId<A, T> {
    type Output = T;
    fn index(&self, id: Id<A>) -> &T {
        &self.items[id.index()]
    }
}

impl<A, T> std::ops::IndexMut<Id<A>> for PerId<A, T> {
    fn index_mut(&mut self, id: Id<A>) -> &mut T {
        &mut self.items[id.index()]
    }
}
