//! Terraform load balancing, compute, transit gateway and endpoint resources.

use super::*;

impl Builder<'_, '_, '_> {
    /// Read a resource of these families; `None` when its type is not one of them, else the kind
    /// it adds (`Some(None)`: a duplicate).
    pub(super) fn compute_resource(&mut self, r: &Res<'_>) -> Option<Option<ResourceKind>> {
        Some(match r.rtype.as_str() {
            "aws_eip" => self.eip(r),
            "aws_lb_listener" | "aws_alb_listener" => self.listener(r),
            "aws_lb_target_group" | "aws_alb_target_group" => self.target_group(r),
            "aws_instance" => self.instance(r),
            "aws_network_interface" => self.network_interface(r),
            "aws_ec2_transit_gateway" => self.transit_gateway(r),
            "aws_ec2_transit_gateway_vpc_attachment" => self.tgw_vpc_attachment(r),
            "aws_ec2_transit_gateway_route_table" => self.tgw_route_table(r),
            "aws_vpc_endpoint" => self.endpoint(r),
            _ => return None,
        })
    }

    fn eip(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let eip = ElasticIp {
            public_ip: Self::str(r, "public_ip").map(str::to_string),
            network_interface: Self::str(r, "network_interface").map(str::to_string),
            instance: Self::str(r, "instance").map(str::to_string),
            association_id: Self::str(r, "association_id").map(str::to_string).or_else(|| {
                let assigned = ["instance", "network_interface"].iter().any(|a| plan.writes(r, a));
                (assigned || plan.is_referenced(r)).then(|| "(referenced in the configuration)".to_string())
            }),
            meta: self.meta(r),
        };
        self.push(ResourceKind::ElasticIp, eip, |d| &mut d.elastic_ips)
    }

    fn listener(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let l = Listener {
            load_balancer: Self::link_ref(&plan.link(r, "load_balancer_arn", &["aws_lb", "aws_alb"])),
            protocol: Self::str(r, "protocol").map(str::to_string),
            port: r.values.get("port").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok()),
            meta: self.meta(r),
        };
        self.push(ResourceKind::Listener, l, |d| &mut d.listeners)
    }

    fn target_group(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let tg = TargetGroup {
            vpc: Self::link_ref(&plan.link(r, "vpc_id", VPC)),
            protocol: Self::str(r, "protocol").map(str::to_string),
            port: r.values.get("port").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok()),
            load_balancers: Vec::new(),
            target_type: Self::str(r, "target_type").map(str::to_string),
            targets: Vec::new(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::TargetGroup, tg, |d| &mut d.target_groups)
    }

    fn instance(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let subnet = plan.link(r, "subnet_id", SUBNET);
        // Not set: the subnet's `map_public_ip_on_launch` decides (read once every subnet is).
        // (The provider computes it when the configuration leaves it out.)
        let written_unknown =
            Self::is_unknown(r, "associate_public_ip_address") && plan.writes(r, "associate_public_ip_address");
        let by_subnet = r.values.get("associate_public_ip_address").is_none_or(Value::is_null)
            && !written_unknown
            && Self::str(r, "public_ip").is_none();
        let inst = Instance {
            vpc: None,
            subnet: Self::link_ref(&subnet),
            private_ip: Self::str(r, "private_ip").map(str::to_string),
            // `associate_public_ip_address` makes one; its value is only known after apply.
            public_ip: Self::str(r, "public_ip").map(str::to_string).or_else(|| {
                (r.values.get("associate_public_ip_address") == Some(&Value::Bool(true)))
                    .then(|| "(assigned at launch)".to_string())
            }),
            public_ip_unknown: written_unknown,
            security_groups: plan.link(r, "vpc_security_group_ids", &["aws_security_group"]).refs(),
            state: InstanceState::Planned,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::Instance, inst, |d| &mut d.instances);
        if let (Some(i), true) = (self.last_pushed, by_subnet) {
            self.launch_by_subnet.push((i, subnet));
        }
        kind
    }

    fn network_interface(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let eni = NetworkInterface {
            vpc: None,
            subnet: Self::link_ref(&plan.link(r, "subnet_id", SUBNET)),
            private_ips: Vec::new(),
            public_ip: None,
            security_groups: plan.link(r, "security_groups", &["aws_security_group"]).refs(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::NetworkInterface, eni, |d| &mut d.network_interfaces)
    }

    fn transit_gateway(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let tgw = TransitGateway { state: TransitState::Planned, meta: self.meta(r) };
        self.push(ResourceKind::TransitGateway, tgw, |d| &mut d.transit_gateways)
    }

    fn tgw_vpc_attachment(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let att = TransitGatewayAttachment {
            transit_gateway: Self::link_ref(&plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"])),
            resource_type: Some("vpc".into()),
            resource_id: None,
            vpc: Self::link_ref(&plan.link(r, "vpc_id", VPC)),
            subnets: plan.link(r, "subnet_ids", SUBNET).refs(),
            state: TransitState::Planned,
            association: None,
            meta: self.meta(r),
        };
        self.push(ResourceKind::TransitGatewayVpcAttachment, att, |d| &mut d.transit_gateway_vpc_attachments)
    }

    fn tgw_route_table(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let rt = TransitGatewayRouteTable {
            transit_gateway: Self::link_ref(&plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"])),
            associations: Vec::new(),
            propagations: Vec::new(),
            routes: Vec::new(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::TransitGatewayRouteTable, rt, |d| &mut d.transit_gateway_route_tables)
    }

    fn endpoint(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let ep = VpcEndpoint {
            vpc: Self::link_ref(&plan.link(r, "vpc_id", VPC)),
            endpoint_type: Self::str(r, "vpc_endpoint_type").map(str::to_string),
            service_name: Self::str(r, "service_name").map(str::to_string),
            subnets: plan.link(r, "subnet_ids", SUBNET).refs(),
            route_tables: plan.link(r, "route_table_ids", &["aws_route_table"]).refs(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::VpcEndpoint, ep, |d| &mut d.vpc_endpoints)
    }
}
