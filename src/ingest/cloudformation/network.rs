//! VPCs, subnets, routes, gateways, peerings, endpoints and transit gateways of a template.

use super::*;

impl Builder<'_, '_> {
    /// VPCs, subnets, routes, gateways, peerings, endpoints and transit gateways; `Err` for a type of another family.
    pub(super) fn build_network(&mut self, r: &Res<'_>) -> Result<Option<ResourceKind>, ()> {
        Ok(match r.rtype {
            "AWS::EC2::VPC" => self.vpc(r),
            "AWS::EC2::VPCCidrBlock" => self.vpc_cidr_block(r),
            "AWS::EC2::Subnet" => self.subnet(r),
            "AWS::EC2::RouteTable" => self.route_table(r),
            "AWS::EC2::Route" => self.route_edit(r),
            "AWS::EC2::SubnetRouteTableAssociation" => self.subnet_route_table_association(r),
            "AWS::EC2::InternetGateway" => self.internet_gateway(r),
            "AWS::EC2::VPCGatewayAttachment" => self.vpc_gateway_attachment(r),
            "AWS::EC2::EgressOnlyInternetGateway" => self.egress_only_internet_gateway(r),
            "AWS::EC2::NatGateway" => self.nat_gateway(r),
            "AWS::EC2::EIP" => self.eip(r),
            "AWS::EC2::EIPAssociation" => self.eip_association(r),
            "AWS::EC2::VPCPeeringConnection" => self.vpc_peering_connection(r),
            "AWS::EC2::TransitGateway" => self.transit_gateway(r),
            "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
                self.transit_gateway_attachment(r)
            }
            "AWS::EC2::TransitGatewayRouteTable" => self.transit_gateway_route_table(r),
            "AWS::EC2::TransitGatewayRouteTableAssociation" | "AWS::EC2::TransitGatewayRouteTablePropagation" => {
                self.transit_gateway_table_link(r)
            }
            "AWS::EC2::TransitGatewayRoute" => self.transit_gateway_route(r),
            "AWS::EC2::VPCEndpoint" => self.vpc_endpoint(r),
            _ => return Err(()),
        })
    }

    pub(super) fn vpc(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let mut cidrs = Vec::new();
        match self.cidr(r, "CidrBlock") {
            Ok(Some(net)) => cidrs.push(VpcCidr { net, associated: true, origin: self.prop_origin(r, "CidrBlock") }),
            Ok(None) => {}
            Err(()) => {
                *self.loaded.design.stats.rejected.entry(ResourceKind::Vpc).or_default() += 1;
                return None;
            }
        }
        // A block from an IPAM pool or an imported value is decided at deployment.
        let undecided_blocks = if cidrs.is_empty() { vec![Family::V4] } else { Vec::new() };
        let vpc = Vpc { cidrs, is_default: false, created: true, meta: self.meta(r), undecided_blocks };
        let kind = self.push(ResourceKind::Vpc, vpc, |d| &mut d.vpcs);
        Self::remember(&mut self.vpcs, r.logical, self.last_pushed);
        kind
    }

    pub(super) fn subnet(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let Ok(cidr) = self.cidr(r, "CidrBlock") else {
            *self.loaded.design.stats.rejected.entry(ResourceKind::Subnet).or_default() += 1;
            return None;
        };
        let ipv6 = self.cidr(r, "Ipv6CidrBlock").ok().flatten();
        let launch_public_ip = match r.get("MapPublicIpOnLaunch") {
            None => Some(false),
            Some(v) => v.as_bool(),
        };
        self.launch_public_ip.insert(r.logical.to_string(), launch_public_ip);
        let subnet = Subnet {
            route_table_undecided: false,
            vpc: r.link("VpcId").to_ref(),
            availability_zone: r.get("AvailabilityZone").and_then(Val::display).filter(|s| !s.is_empty()),
            cidr,
            ipv6_cidrs: ipv6.into_iter().collect(),
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::Subnet, subnet, |d| &mut d.subnets);
        self.subnets.extend(self.last_pushed);
        kind
    }

    /// A route; `None` when its destination is not decided by the template.
    pub(super) fn route(&mut self, r: &Res<'_>) -> Option<Route> {
        let (key, destination) = ["DestinationCidrBlock", "DestinationIpv6CidrBlock"]
            .iter()
            .find_map(|k| r.str(k).map(|s| (*k, s)))
            .map(|(k, s)| (k, parse_cidr(&s).map(Destination::Cidr)))
            .or_else(|| {
                r.str("DestinationPrefixListId").map(|p| ("DestinationPrefixListId", Some(Destination::PrefixList(p))))
            })?;
        let Some(destination) = destination else {
            let pointer = self.prop_origin(r, key).pointer;
            self.error(pointer, format!("{}: `{key}` is not a valid CIDR block", r.logical));
            return None;
        };
        const TARGETS: &[(&str, TargetKind)] = &[
            ("GatewayId", TargetKind::InternetGateway),
            ("NatGatewayId", TargetKind::NatGateway),
            ("VpcPeeringConnectionId", TargetKind::PeeringConnection),
            ("TransitGatewayId", TargetKind::TransitGateway),
            ("EgressOnlyInternetGatewayId", TargetKind::EgressOnlyInternetGateway),
            ("NetworkInterfaceId", TargetKind::NetworkInterface),
            ("InstanceId", TargetKind::Instance),
            ("VpcEndpointId", TargetKind::VpcEndpoint),
            ("CarrierGatewayId", TargetKind::CarrierGateway),
            ("LocalGatewayId", TargetKind::LocalGateway),
            ("CoreNetworkArn", TargetKind::CoreNetwork),
        ];
        let mut target = RouteTarget { kind: TargetKind::Unknown, id: String::new(), idx: None };
        for (prop, kind) in TARGETS {
            match r.link(prop) {
                Link::Absent => continue,
                Link::Unknown => break,
                Link::Known(id) => {
                    let kind = if *prop == "GatewayId" { self.gateway_kind(&id) } else { *kind };
                    target = RouteTarget { kind, id, idx: None };
                    break;
                }
            }
        }
        Some(Route {
            destination,
            target,
            state: RouteState::Active,
            origin: self.origin(r).at("Properties").at(key),
            defined_by: Some(r.logical.to_string()),
        })
    }

    /// What a route's `GatewayId` names: an internet gateway, a virtual private gateway, or (an
    /// id from outside the template) whatever its prefix says.
    pub(super) fn gateway_kind(&self, id: &str) -> TargetKind {
        match self.template_type(id) {
            Some("AWS::EC2::InternetGateway") => TargetKind::InternetGateway,
            Some("AWS::EC2::VPNGateway") => TargetKind::VirtualPrivateGateway,
            Some("AWS::EC2::VPCEndpoint") => TargetKind::VpcEndpoint,
            Some(_) => TargetKind::Unknown,
            None if id == "local" => TargetKind::Local,
            None if id.starts_with("vgw-") => TargetKind::VirtualPrivateGateway,
            None if id.starts_with("vpce-") => TargetKind::VpcEndpoint,
            None => TargetKind::InternetGateway,
        }
    }

    fn vpc_cidr_block(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let vpc = r.link("VpcId");
        let (cidr, prop) = match self.cidr(r, "CidrBlock") {
            Ok(Some(c)) => (Some(c), "CidrBlock"),
            Ok(None) => (self.cidr(r, "Ipv6CidrBlock").ok().flatten(), "Ipv6CidrBlock"),
            Err(()) => return None,
        };
        let origin = self.prop_origin(r, prop);
        let undecided = match (&cidr, r.get("CidrBlock"), r.get("Ipv6CidrBlock")) {
            (Some(_), _, _) => None,
            (None, Some(_), _) => Some(Family::V4),
            (None, None, Some(_)) => Some(Family::V6),
            // An Amazon-provided or IPAM-allocated block.
            (None, None, None) if r.get("Ipv4IpamPoolId").is_some() => Some(Family::V4),
            (None, None, None) => Some(Family::V6),
        };
        let cidr = cidr.map(|net| VpcCidr { net, associated: true, origin });
        self.pending.push(Edit::VpcCidr { vpc: vpc.known(), cidr, undecided });
        None
    }

    fn route_table(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let table = RouteTable {
            vpc: r.link("VpcId").to_ref(),
            main: false,
            subnets: Vec::new(),
            routes: Vec::new(),
            has_unknown_routes: false,
            meta: self.meta(r),
        };
        self.push(ResourceKind::RouteTable, table, |d| &mut d.route_tables)
    }

    fn route_edit(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let route = self.route(r);
        self.pending.push(Edit::Route { table: r.link("RouteTableId").known(), route, unknown: false });
        None
    }

    fn subnet_route_table_association(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let origin = self.prop_origin(r, "SubnetId");
        self.pending.push(Edit::TableAssociation {
            table: r.link("RouteTableId").known(),
            subnet: r.link("SubnetId").known(),
            origin,
        });
        None
    }

    fn internet_gateway(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let igw = InternetGateway { attachments: Vec::new(), meta: self.meta(r) };
        self.push(ResourceKind::InternetGateway, igw, |d| &mut d.internet_gateways)
    }

    fn vpc_gateway_attachment(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        // A virtual private gateway attachment (`VpnGatewayId`) is not an internet path.
        if r.get("InternetGatewayId").is_some() {
            self.pending.push(Edit::GatewayAttachment {
                igw: r.link("InternetGatewayId").known(),
                vpc: r.link("VpcId").known(),
            });
        }
        None
    }

    fn egress_only_internet_gateway(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let attachments = r
            .link("VpcId")
            .to_ref()
            .map(|vpc| GatewayAttachment { vpc, state: AttachmentState::Planned })
            .into_iter()
            .collect();
        let igw = InternetGateway { attachments, meta: self.meta(r) };
        self.push(ResourceKind::EgressOnlyInternetGateway, igw, |d| &mut d.egress_only_internet_gateways)
    }

    fn nat_gateway(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let connectivity = match (r.get("ConnectivityType"), r.str("ConnectivityType").as_deref()) {
            (_, Some("private")) => Connectivity::Private,
            (None, _) | (_, Some("public")) => Connectivity::Public,
            _ => Connectivity::Unknown,
        };
        let mut allocation_unknown = false;
        let mut allocations = Vec::new();
        for link in std::iter::once(r.link("AllocationId")) {
            match link {
                Link::Known(a) => allocations.push(Ref::new(a)),
                Link::Unknown => allocation_unknown = true,
                Link::Absent => {}
            }
        }
        let nat = NatGateway {
            vpc: None,
            subnet: r.link("SubnetId").to_ref(),
            state: NatState::Planned,
            connectivity,
            allocations,
            allocation_unknown,
            meta: self.meta(r),
        };
        self.push(ResourceKind::NatGateway, nat, |d| &mut d.nat_gateways)
    }

    fn eip(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let eip = ElasticIp {
            public_ip: None,
            network_interface: None,
            instance: r.link("InstanceId").known(),
            association_id: None,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::ElasticIp, eip, |d| &mut d.elastic_ips);
        Self::remember(&mut self.eips, r.logical, self.last_pushed);
        kind
    }

    fn eip_association(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let eip = match r.link("AllocationId") {
            Link::Absent => r.link("EIP"),
            l => l,
        };
        self.pending.push(Edit::EipAssociation {
            eip: eip.known(),
            instance: r.link("InstanceId").known(),
            eni: r.link("NetworkInterfaceId").known(),
        });
        None
    }

    fn vpc_peering_connection(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let side = |prop: &str, owner: Option<String>, region: Option<String>| PeerSide {
            vpc: Ref::new(
                r.link(prop).known().unwrap_or_else(|| format!("{} ({prop}, not known before deployment)", r.logical)),
            ),
            owner,
            region,
            cidrs: Vec::new(),
            origin: self.prop_origin(r, prop),
        };
        let peer_region = r.str("PeerRegion").or_else(|| self.region.clone());
        let pcx = PeeringConnection {
            status: PeeringState::Active,
            requester: side("VpcId", self.account.clone(), self.region.clone()),
            accepter: side("PeerVpcId", r.str("PeerOwnerId").or_else(|| self.account.clone()), peer_region),
            meta: self.meta(r),
        };
        self.push(ResourceKind::PeeringConnection, pcx, |d| &mut d.peering_connections)
    }

    fn transit_gateway(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        // Both default to `enable`.
        let enabled = |prop: &str| match r.get(prop) {
            None => Some(true),
            Some(v) => v.as_str().map(|s| s.eq_ignore_ascii_case("enable")),
        };
        let defaults = TgwDefaults {
            association: enabled("DefaultRouteTableAssociation"),
            propagation: enabled("DefaultRouteTablePropagation"),
        };
        self.tgws.insert(r.logical.to_string(), defaults);
        let tgw = TransitGateway { state: TransitState::Planned, meta: self.meta(r) };
        self.push(ResourceKind::TransitGateway, tgw, |d| &mut d.transit_gateways)
    }

    fn transit_gateway_attachment(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let att = TransitGatewayAttachment {
            transit_gateway: r.link("TransitGatewayId").to_ref(),
            resource_type: Some("vpc".into()),
            resource_id: None,
            vpc: r.link("VpcId").to_ref(),
            subnets: links(r.get("SubnetIds")).0.into_iter().map(Ref::new).collect(),
            state: TransitState::Planned,
            association: None,
            meta: self.meta(r),
        };
        self.tgw_attachments.push((r.logical.to_string(), r.link("TransitGatewayId")));
        self.push(ResourceKind::TransitGatewayVpcAttachment, att, |d| &mut d.transit_gateway_vpc_attachments)
    }

    fn transit_gateway_route_table(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let rt = TransitGatewayRouteTable {
            transit_gateway: r.link("TransitGatewayId").to_ref(),
            associations: Vec::new(),
            propagations: Vec::new(),
            routes: Vec::new(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::TransitGatewayRouteTable, rt, |d| &mut d.transit_gateway_route_tables)
    }

    fn transit_gateway_table_link(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        self.pending.push(Edit::TgwTableLink {
            table: r.link("TransitGatewayRouteTableId").known(),
            attachment: r.link("TransitGatewayAttachmentId").known(),
            propagation: r.rtype.ends_with("Propagation"),
        });
        None
    }

    fn transit_gateway_route(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let blackhole = r.get("Blackhole").and_then(Val::as_bool).unwrap_or(false);
        let cidr = r.str("DestinationCidrBlock").and_then(|c| parse_cidr(&c));
        let attachment = r.link("TransitGatewayAttachmentId").known().filter(|_| !blackhole);
        self.pending.push(Edit::TgwRoute { table: r.link("TransitGatewayRouteTableId").known(), cidr, attachment });
        None
    }

    fn vpc_endpoint(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let ep = VpcEndpoint {
            vpc: r.link("VpcId").to_ref(),
            endpoint_type: r.str("VpcEndpointType").or_else(|| Some("Gateway".into())),
            service_name: r.get("ServiceName").and_then(Val::display),
            subnets: links(r.get("SubnetIds")).0.into_iter().map(Ref::new).collect(),
            route_tables: links(r.get("RouteTableIds")).0.into_iter().map(Ref::new).collect(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::VpcEndpoint, ep, |d| &mut d.vpc_endpoints)
    }
}
