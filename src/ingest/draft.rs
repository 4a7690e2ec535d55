//! What a reader hands the normaliser: resources as read, each tagged with its kind, and links
//! between inputs that name each other by AWS id (resolved once every input is read).

use super::LoadState;
use crate::model::*;

macro_rules! drafted {
    ($($variant:ident($item:ty) => $field:ident,)*) => {
        /// A resource as a reader read it, before it joins the design (or is counted as a
        /// duplicate of one read earlier).
        pub(crate) enum Drafted {
            $($variant($item),)*
            /// A classic load balancer with the listeners it declares inline: they join the design
            /// only with it.
            ClassicLoadBalancer(LoadBalancer, Vec<Listener>),
        }

        impl Drafted {
            /// Add the resource to the design unless it was seen already.
            pub(crate) fn add_to(self, state: &mut LoadState, design: &mut Design) {
                match self {
                    $(Drafted::$variant(item) => {
                        state.push_first(design, ResourceKind::$variant, item, |d| &mut d.$field);
                    })*
                    Drafted::ClassicLoadBalancer(lb, listeners) => {
                        if state.push_first(design, ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers).is_some() {
                            design.listeners.extend(listeners);
                        } else if !listeners.is_empty() {
                            // The load balancer was loaded already, with its listeners: these repeat them.
                            *design.stats.duplicates.entry(ResourceKind::Listener).or_default() += listeners.len();
                        }
                    }
                }
            }
        }
    };
}

drafted! {
    Vpc(Vpc) => vpcs,
    Subnet(Subnet) => subnets,
    RouteTable(RouteTable) => route_tables,
    InternetGateway(InternetGateway) => internet_gateways,
    EgressOnlyInternetGateway(InternetGateway) => egress_only_internet_gateways,
    NatGateway(NatGateway) => nat_gateways,
    ElasticIp(ElasticIp) => elastic_ips,
    PeeringConnection(PeeringConnection) => peering_connections,
    SecurityGroup(SecurityGroup) => security_groups,
    NetworkAcl(NetworkAcl) => network_acls,
    LoadBalancer(LoadBalancer) => load_balancers,
    Listener(Listener) => listeners,
    TargetGroup(TargetGroup) => target_groups,
    NetworkInterface(NetworkInterface) => network_interfaces,
    Instance(Instance) => instances,
    TransitGateway(TransitGateway) => transit_gateways,
    TransitGatewayAttachment(TransitGatewayAttachment) => transit_gateway_attachments,
    TransitGatewayVpcAttachment(TransitGatewayAttachment) => transit_gateway_vpc_attachments,
    TransitGatewayRouteTable(TransitGatewayRouteTable) => transit_gateway_route_tables,
    VpcEndpoint(VpcEndpoint) => vpc_endpoints,
    ManagedPrefixList(ManagedPrefixList) => managed_prefix_lists,
}

/// A link an input states between resources it names by AWS id, which may be defined by another
/// input: joined once every input is read.
#[derive(Debug)]
pub(crate) enum LinkById {
    /// A transit gateway route table association or propagation (from its own listing, or from
    /// IaC naming a table it does not define).
    TgwTable { table: String, attachment: String, propagation: bool },
    /// A target registered with a target group (`describe-target-health`).
    TargetRegistration { group: String, target: Target },
    /// Tags listed apart from their resource (`describe-tags`), with the account and region the
    /// listing's path names.
    Tags { id: String, scope: (Option<String>, Option<String>), tags: Vec<(String, String)> },
}
