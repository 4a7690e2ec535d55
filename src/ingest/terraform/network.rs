//! VPCs, their blocks and subnets, route tables and routes, gateways and peerings.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn vpc(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let mut cidrs = Vec::new();
        match self.cidr(r, r.values, "cidr_block") {
            Ok(Some(net)) => cidrs.push(VpcCidr { net, associated: true, origin: self.attr_origin(r, "cidr_block") }),
            Ok(None) => {}
            Err(()) => {
                self.reject(ResourceKind::Vpc);
                return None;
            }
        }
        if let Ok(Some(net)) = self.cidr(r, r.values, "ipv6_cidr_block") {
            cidrs.push(VpcCidr { net, associated: true, origin: self.attr_origin(r, "ipv6_cidr_block") });
        }
        let undecided_blocks = [("cidr_block", Family::V4), ("ipv6_cidr_block", Family::V6)]
            .into_iter()
            .filter(|(attr, _)| Self::is_unknown(r, attr))
            .map(|(_, family)| family)
            .collect();
        // In state already (a recorded id), or adopted (`aws_default_vpc`): it exists.
        let exists = Self::str(r, "id").is_some() || r.rtype == "aws_default_vpc";
        let vpc = Vpc {
            cidrs,
            is_default: r.rtype == "aws_default_vpc",
            created: !exists,
            meta: self.meta(r),
            undecided_blocks,
        };
        let kind = self.push(ResourceKind::Vpc, vpc, |d| &mut d.vpcs);
        if let Some(i) = self.last_pushed {
            self.vpcs.insert(r.address.clone(), i);
        }
        kind
    }

    pub(super) fn vpc_cidr(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let attr = if r.rtype.contains("ipv6") { "ipv6_cidr_block" } else { "cidr_block" };
        let vpc = self.plan.link(r, "vpc_id", VPC);
        let cidr = match self.cidr(r, r.values, attr) {
            Ok(c) => c.map(|net| VpcCidr { net, associated: true, origin: self.attr_origin(r, attr) }),
            Err(()) => return None,
        };
        let family = if r.rtype.contains("ipv6") { Family::V6 } else { Family::V4 };
        let undecided = Self::is_unknown(r, attr).then_some(family);
        self.pending.push(Edit::VpcCidr { vpc: vpc.first(), cidr, undecided });
        None
    }

    pub(super) fn subnet(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let Ok(cidr) = self.cidr(r, r.values, "cidr_block") else {
            self.reject(ResourceKind::Subnet);
            return None;
        };
        let ipv6 = self.cidr(r, r.values, "ipv6_cidr_block").ok().flatten();
        let subnet = Subnet {
            route_table_undecided: false,
            vpc: Self::link_ref(&self.plan.link(r, "vpc_id", VPC)),
            availability_zone: Self::str(r, "availability_zone").map(str::to_string),
            cidr,
            ipv6_cidrs: ipv6.into_iter().collect(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::Subnet, subnet, |d| &mut d.subnets)
    }

    /// Where a route goes: the first target attribute that is set (or unknown), resolved.
    /// `refs(attr)` gives the configuration references for a target attribute.
    pub(super) fn route_target(
        &self,
        r: &Res<'_>,
        values: &Value,
        unknown: Option<&Value>,
        refs: &dyn Fn(&str) -> Option<Vec<String>>,
    ) -> RouteTarget {
        const TARGETS: &[(&str, TargetKind, &[&str])] = &[
            ("nat_gateway_id", TargetKind::NatGateway, &["aws_nat_gateway"]),
            ("vpc_peering_connection_id", TargetKind::PeeringConnection, &["aws_vpc_peering_connection"]),
            ("transit_gateway_id", TargetKind::TransitGateway, &["aws_ec2_transit_gateway"]),
            ("egress_only_gateway_id", TargetKind::EgressOnlyInternetGateway, &["aws_egress_only_internet_gateway"]),
            ("network_interface_id", TargetKind::NetworkInterface, &["aws_network_interface"]),
            ("vpc_endpoint_id", TargetKind::VpcEndpoint, &["aws_vpc_endpoint"]),
            ("instance_id", TargetKind::Instance, &["aws_instance"]),
            ("carrier_gateway_id", TargetKind::CarrierGateway, &[]),
            ("local_gateway_id", TargetKind::LocalGateway, &[]),
            ("core_network_arn", TargetKind::CoreNetwork, &[]),
            (
                "gateway_id",
                TargetKind::InternetGateway,
                &["aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint"],
            ),
        ];
        for (attr, kind, want) in TARGETS {
            let is_unknown = unknown.and_then(|u| u.get(*attr)) == Some(&Value::Bool(true));
            let known = values.get(*attr).and_then(Value::as_str).filter(|s| !s.is_empty());
            if let Some(id) = known {
                let kind = if *attr == "gateway_id" { gateway_kind(id) } else { *kind };
                let id = self.plan.by_aws_id.get(id).cloned().unwrap_or_else(|| id.to_string());
                return RouteTarget { kind, id, idx: None };
            }
            // Computed attributes the configuration does not write (an old provider's `instance_id`
            // on every route) are unknown but not the target.
            if let (true, Some(refs)) = (is_unknown, refs(attr)) {
                let resolved = Some(self.plan.resolve_unique(&r.module, &refs, want, r.index));
                return match resolved {
                    Some(Resolved::Addresses(a)) if a.len() == 1 => {
                        let kind = match self.plan.by_address.get(&a[0]).map(|&i| self.plan.resources[i].rtype.as_str())
                        {
                            Some("aws_vpn_gateway") => TargetKind::VirtualPrivateGateway,
                            Some("aws_vpc_endpoint") => TargetKind::VpcEndpoint,
                            _ => *kind,
                        };
                        RouteTarget { kind, id: a[0].clone(), idx: None }
                    }
                    Some(Resolved::External(id)) => RouteTarget { kind: *kind, id, idx: None },
                    _ => RouteTarget { kind: TargetKind::Unknown, id: String::new(), idx: None },
                };
            }
        }
        RouteTarget { kind: TargetKind::Unknown, id: String::new(), idx: None }
    }

    /// A route from a block or a standalone `aws_route`; `None` for its destination when unknown.
    pub(super) fn build_route(
        &self,
        r: &Res<'_>,
        values: &Value,
        unknown: Option<&Value>,
        refs: &dyn Fn(&str) -> Option<Vec<String>>,
        origin: Origin,
    ) -> Option<Route> {
        let dest = ["cidr_block", "destination_cidr_block", "ipv6_cidr_block", "destination_ipv6_cidr_block"]
            .iter()
            .find_map(|k| values.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(|s| (*k, s)));
        let (key, destination) = match dest {
            Some((k, s)) => (k, Destination::Cidr(parse_cidr(s)?)),
            None => {
                let k = ["destination_prefix_list_id"]
                    .into_iter()
                    .find(|k| values.get(*k).and_then(Value::as_str).is_some_and(|s| !s.is_empty()))?;
                (k, Destination::PrefixList(values.get(k).and_then(Value::as_str).unwrap_or_default().to_string()))
            }
        };
        let target = self.route_target(r, values, unknown, refs);
        Some(Route { destination, target, state: RouteState::Active, origin: origin.at(key), defined_by: None })
    }

    pub(super) fn route_table(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let refs = plan.references(r, "route");
        let mut routes = Vec::new();
        let mut has_unknown = Self::is_unknown(r, "route") && plan.writes(r, "route");
        if let Some(Value::Array(blocks)) = r.values.get("route") {
            let unknown_blocks = r.unknown.and_then(|u| u.get("route")).and_then(Value::as_array);
            for (i, block) in blocks.iter().enumerate() {
                let unknown = unknown_blocks.and_then(|u| u.get(i));
                // From sources, each block's attributes name their own targets.
                let block_refs = |attr: &str| plan.references(r, &format!("route/{i}/{attr}")).or_else(|| refs.clone());
                match self.build_route(r, block, unknown, &block_refs, self.attr_origin(r, "route").at(i)) {
                    Some(route) => {
                        has_unknown |= route.target.kind == TargetKind::Unknown;
                        routes.push(route);
                    }
                    None => has_unknown = true,
                }
            }
        }
        let main = r.rtype == "aws_default_route_table";
        let vpc = if main { plan.link(r, "default_route_table_id", VPC) } else { plan.link(r, "vpc_id", VPC) };
        let table = RouteTable {
            vpc: Self::link_ref(&vpc),
            main,
            subnets: Vec::new(),
            routes,
            has_unknown_routes: has_unknown,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::RouteTable, table, |d| &mut d.route_tables);
        if let Some(i) = self.last_pushed {
            self.tables.insert(r.address.clone(), i);
            // Sources show every block, `dynamic` ones expanded: nothing is hidden from them.
            if Self::is_unknown(r, "route") && !plan.writes(r, "route") && r.symbols.is_none() {
                self.maybe_dynamic_tables.push(i);
            }
            if main {
                self.pending.push(Edit::ManagedMainTable { vpc: vpc.first() });
            }
        }
        kind
    }

    pub(super) fn route(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let table = self.plan.link(r, "route_table_id", &["aws_route_table", "aws_default_route_table"]);
        // A standalone route has one expression per target attribute.
        let refs = |attr: &str| self.plan.references(r, attr);
        let route = self.build_route(r, r.values, r.unknown, &refs, self.values_origin(r)).map(|mut route| {
            route.defined_by = Some(r.address.clone());
            route
        });
        let unknown = route.as_ref().is_none_or(|x| x.target.kind == TargetKind::Unknown);
        if let Some(route) = route {
            self.pending.push(Edit::Route { table: table.first(), route: Some(route), unknown });
        } else {
            self.pending.push(Edit::Route { table: table.first(), route: None, unknown: true });
        }
        None
    }

    pub(super) fn igw(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let vpc = self.plan.link(r, "vpc_id", VPC);
        let attachments = Self::link_ref(&vpc)
            .map(|vpc| GatewayAttachment { vpc, state: AttachmentState::Planned })
            .into_iter()
            .collect();
        let igw = InternetGateway { attachments, meta: self.meta(r) };
        if r.rtype == "aws_egress_only_internet_gateway" {
            self.push(ResourceKind::EgressOnlyInternetGateway, igw, |d| &mut d.egress_only_internet_gateways)
        } else {
            self.push(ResourceKind::InternetGateway, igw, |d| &mut d.internet_gateways)
        }
    }

    pub(super) fn nat(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let connectivity = match Self::str(r, "connectivity_type") {
            Some("private") => Connectivity::Private,
            _ => Connectivity::Public,
        };
        let allocation = self.plan.link(r, "allocation_id", &["aws_eip"]);
        let nat = NatGateway {
            vpc: None,
            subnet: Self::link_ref(&self.plan.link(r, "subnet_id", SUBNET)),
            state: NatState::Planned,
            connectivity,
            allocations: match &allocation {
                Link::Known(v) => v.iter().map(Ref::new).collect(),
                _ => Vec::new(),
            },
            allocation_unknown: allocation == Link::Unknown,
            meta: self.meta(r),
        };
        self.push(ResourceKind::NatGateway, nat, |d| &mut d.nat_gateways)
    }

    pub(super) fn peering(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let side = |attr: &str, owner: Option<&str>, region: Option<String>| PeerSide {
            vpc: Ref::new(
                plan.link(r, attr, VPC).first().unwrap_or_else(|| format!("{} ({attr}, known after apply)", r.address)),
            ),
            owner: owner.map(str::to_string),
            region,
            cidrs: Vec::new(),
            origin: self.attr_origin(r, attr),
        };
        let region = plan.region.clone();
        let peer_region = Self::str(r, "peer_region").map(str::to_string).or_else(|| region.clone());
        let requester = side("vpc_id", None, region);
        let accepter = side("peer_vpc_id", Self::str(r, "peer_owner_id"), peer_region);
        let status = PeeringState::parse(Self::str(r, "accept_status").unwrap_or("active"));
        let pcx = PeeringConnection { status, requester, accepter, meta: self.meta(r) };
        self.push(ResourceKind::PeeringConnection, pcx, |d| &mut d.peering_connections)
    }
}

/// The kind of a route's `gateway_id` by its id prefix.
pub(super) fn gateway_kind(id: &str) -> TargetKind {
    match id {
        "local" => TargetKind::Local,
        _ if id.starts_with("vgw-") => TargetKind::VirtualPrivateGateway,
        _ if id.starts_with("vpce-") => TargetKind::VpcEndpoint,
        _ if id.starts_with("aws_vpn_gateway.") || id.contains(".aws_vpn_gateway.") => {
            TargetKind::VirtualPrivateGateway
        }
        _ => TargetKind::InternetGateway,
    }
}
