//! Load balancers, listeners, target groups, interfaces, instances, transit gateways, endpoints
//! and prefix lists in AWS CLI output.

use super::*;

pub(super) fn read_scheme(item: &Item<'_>) -> Res<Scheme> {
    match item.str("Scheme")? {
        Some("internet-facing") => Ok(Scheme::InternetFacing),
        Some("internal") | None => Ok(Scheme::Internal),
        Some(other) => Err(FieldError {
            pointer: item.at("Scheme"),
            message: format!("`Scheme` must be \"internet-facing\" or \"internal\", found \"{other}\""),
        }),
    }
}

pub(super) fn read_elbv2(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let arn = item.req_str("LoadBalancerArn")?;
    let (account, region) = arn_scope(arn);
    let kind = match item.str("Type")? {
        Some("application") | None => LbKind::Application,
        Some("network") => LbKind::Network,
        Some("gateway") => LbKind::Gateway,
        Some(other) => {
            return Err(FieldError {
                pointer: item.at("Type"),
                message: format!("`Type` must be application, network or gateway, found \"{other}\""),
            });
        }
    };
    let mut subnets = Vec::new();
    let mut zones = Vec::new();
    for z in item.objs("AvailabilityZones")? {
        zones.extend(z.owned("ZoneName")?);
        if let Some(s) = z.str("SubnetId")? {
            subnets.push((Ref::new(s), c.origin(&z.at("SubnetId"))));
        }
    }
    let mut meta = c.meta(&item, "LoadBalancerArn", account, region)?;
    if meta.name.is_none() {
        meta.name = item.owned("LoadBalancerName")?;
    }
    let lb = LoadBalancer {
        kind,
        scheme: read_scheme(&item)?,
        vpc: item.str("VpcId")?.map(Ref::new),
        subnets,
        ip_address_type: item.owned("IpAddressType")?,
        security_groups: item.strs("SecurityGroups")?.into_iter().map(Ref::new).collect(),
        zones,
        meta,
    };
    c.keep(Drafted::LoadBalancer(lb));
    Ok(())
}

pub(super) fn read_classic_elb(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let base = item.at("Subnets");
    let subnets = item
        .strs("Subnets")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| (Ref::new(s), c.origin(&format!("{base}/{i}"))))
        .collect();
    let zones = item.strs("AvailabilityZones")?;
    let region = zones.first().and_then(|z| region_of_zone(z));
    let lb = LoadBalancer {
        kind: LbKind::Classic,
        scheme: read_scheme(&item)?,
        vpc: item.str("VPCId")?.map(Ref::new),
        subnets,
        ip_address_type: None,
        security_groups: item.strs("SecurityGroups")?.into_iter().map(Ref::new).collect(),
        zones,
        meta: c.meta(&item, "LoadBalancerName", None, region)?,
    };
    // A classic load balancer lists its listeners inline.
    let mut listeners = Vec::new();
    for (i, d) in item.objs("ListenerDescriptions")?.iter().enumerate() {
        if let Some(l) = d.obj("Listener")? {
            let mut meta = lb.meta.clone();
            meta.id = format!("{}:{}", lb.meta.id, l.port("LoadBalancerPort")?.unwrap_or_default());
            meta.origin = c.origin(&d.ptr);
            meta.id_key = "";
            let _ = i;
            listeners.push(Listener {
                load_balancer: Some(Ref::new(lb.meta.id.clone())),
                protocol: l.owned("Protocol")?,
                port: l.port("LoadBalancerPort")?,
                meta,
            });
        }
    }
    c.keep(Drafted::ClassicLoadBalancer(lb, listeners));
    Ok(())
}

pub(super) fn read_target_group(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let arn = item.req_str("TargetGroupArn")?;
    let (account, region) = arn_scope(arn);
    let tg = TargetGroup {
        vpc: item.str("VpcId")?.map(Ref::new),
        protocol: item.owned("Protocol")?,
        port: item.port("Port")?,
        load_balancers: item.strs("LoadBalancerArns")?.into_iter().map(Ref::new).collect(),
        target_type: item.owned("TargetType")?,
        targets: Vec::new(),
        meta: c.meta(&item, "TargetGroupArn", account, region)?,
    };
    c.keep(Drafted::TargetGroup(tg));
    Ok(())
}

pub(super) fn read_listener(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let arn = item.req_str("ListenerArn")?;
    let (account, region) = arn_scope(arn);
    let l = Listener {
        load_balancer: item.str("LoadBalancerArn")?.map(Ref::new),
        protocol: item.owned("Protocol")?,
        port: item.port("Port")?,
        meta: c.meta(&item, "ListenerArn", account, region)?,
    };
    c.keep(Drafted::Listener(l));
    Ok(())
}

pub(super) fn read_eni(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let mut private_ips = Vec::new();
    for p in item.objs("PrivateIpAddresses")? {
        private_ips.extend(p.owned("PrivateIpAddress")?);
    }
    if private_ips.is_empty() {
        private_ips.extend(item.owned("PrivateIpAddress")?);
    }
    let mut security_groups = Vec::new();
    for g in item.objs("Groups")? {
        security_groups.extend(g.owned("GroupId")?);
    }
    let mut tags = item.tags()?;
    // ENIs carry their tags in `TagSet`.
    for t in item.objs("TagSet")? {
        if let Some(k) = t.str("Key")? {
            tags.push((k.to_string(), t.str("Value")?.unwrap_or_default().to_string()));
        }
    }
    let mut meta =
        c.meta(&item, "NetworkInterfaceId", item.owned("OwnerId")?, zone_region(&item, "AvailabilityZone")?)?;
    meta.name = tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.clone());
    meta.tags = tags;
    let public_ip = match item.obj("Association")? {
        Some(a) => a.owned("PublicIp")?,
        None => None,
    };
    let eni = NetworkInterface {
        vpc: item.str("VpcId")?.map(Ref::new),
        subnet: item.str("SubnetId")?.map(Ref::new),
        private_ips,
        public_ip,
        security_groups: security_groups.into_iter().map(Ref::new).collect(),
        meta,
    };
    c.keep(Drafted::NetworkInterface(eni));
    Ok(())
}

pub(super) fn read_reservations(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>]) {
    c.listing.kinds_present.insert(ResourceKind::Instance);
    c.listing.kinds_listed.insert((ResourceKind::Instance, c.scope.account.clone(), c.scope.region.clone()));
    for (i, v) in items.iter().enumerate() {
        let ptr = format!("{pointer}/{i}");
        let Some(obj) = v.as_object() else {
            *c.listing.stats.rejected.entry(ResourceKind::Instance).or_default() += 1;
            c.error(&ptr, format!("expected a reservation object, found {}", kind_of(v)));
            continue;
        };
        let reservation = Item { obj, ptr };
        let owner = reservation.owned("OwnerId").ok().flatten();
        let instances = match reservation.objs("Instances") {
            Ok(list) => list,
            Err(e) => {
                *c.listing.stats.rejected.entry(ResourceKind::Instance).or_default() += 1;
                c.error(&e.pointer, e.message);
                continue;
            }
        };
        for inst in instances {
            if let Err(e) = read_instance(c, inst, owner.clone()) {
                *c.listing.stats.rejected.entry(ResourceKind::Instance).or_default() += 1;
                c.error(&e.pointer, e.message);
            }
        }
    }
}

pub(super) fn read_instance(c: &mut Ctx<'_>, item: Item<'_>, owner: Option<String>) -> Res<()> {
    let region = match item.obj("Placement")? {
        Some(p) => zone_region(&p, "AvailabilityZone")?,
        None => None,
    };
    let mut security_groups = Vec::new();
    for g in item.objs("SecurityGroups")? {
        security_groups.extend(g.owned("GroupId")?);
    }
    let state = match item.obj("State")? {
        Some(s) => InstanceState::parse(s.str("Name")?.unwrap_or_default()),
        None => InstanceState::Planned,
    };
    let inst = Instance {
        vpc: item.str("VpcId")?.map(Ref::new),
        subnet: item.str("SubnetId")?.map(Ref::new),
        private_ip: item.owned("PrivateIpAddress")?,
        public_ip: item.owned("PublicIpAddress")?,
        public_ip_unknown: false,
        security_groups: security_groups.into_iter().map(Ref::new).collect(),
        state,
        meta: c.meta(&item, "InstanceId", owner, region)?,
    };
    c.keep(Drafted::Instance(inst));
    Ok(())
}

pub(super) fn read_tgw(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let (account, region) = item.str("TransitGatewayArn")?.map(arn_scope).unwrap_or_default();
    let tgw = TransitGateway {
        state: TransitState::parse(item.str("State")?.unwrap_or_default()),
        meta: c.meta(&item, "TransitGatewayId", item.owned("OwnerId")?.or(account), region)?,
    };
    c.keep(Drafted::TransitGateway(tgw));
    Ok(())
}

pub(super) fn read_tgw_attachment(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let resource_type = item.owned("ResourceType")?;
    let resource_id = item.owned("ResourceId")?;
    let vpc = (resource_type.as_deref() == Some("vpc")).then(|| resource_id.clone()).flatten().map(Ref::new);
    let association = match item.obj("Association")? {
        Some(a) if a.str("State")? != Some("disassociated") => a.owned("TransitGatewayRouteTableId")?.map(Ref::new),
        _ => None,
    };
    let att = TransitGatewayAttachment {
        transit_gateway: item.str("TransitGatewayId")?.map(Ref::new),
        resource_type,
        resource_id,
        vpc,
        subnets: Vec::new(),
        state: TransitState::parse(item.str("State")?.unwrap_or_default()),
        association,
        meta: c.meta(&item, "TransitGatewayAttachmentId", item.owned("ResourceOwnerId")?, None)?,
    };
    c.keep(Drafted::TransitGatewayAttachment(att));
    Ok(())
}

pub(super) fn read_tgw_vpc_attachment(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let vpc_id = item.owned("VpcId")?;
    let att = TransitGatewayAttachment {
        transit_gateway: item.str("TransitGatewayId")?.map(Ref::new),
        resource_type: Some("vpc".into()),
        vpc: vpc_id.clone().map(Ref::new),
        resource_id: vpc_id,
        subnets: item.strs("SubnetIds")?.into_iter().map(Ref::new).collect(),
        state: TransitState::parse(item.str("State")?.unwrap_or_default()),
        association: None,
        meta: c.meta(&item, "TransitGatewayAttachmentId", item.owned("VpcOwnerId")?, None)?,
    };
    c.keep(Drafted::TransitGatewayVpcAttachment(att));
    Ok(())
}

pub(super) fn read_tgw_route_table(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let rt = TransitGatewayRouteTable {
        transit_gateway: item.str("TransitGatewayId")?.map(Ref::new),
        associations: Vec::new(),
        propagations: Vec::new(),
        routes: Vec::new(),
        meta: c.meta(&item, "TransitGatewayRouteTableId", None, None)?,
    };
    c.keep(Drafted::TransitGatewayRouteTable(rt));
    Ok(())
}

pub(super) fn read_endpoint(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let ep = VpcEndpoint {
        vpc: item.str("VpcId")?.map(Ref::new),
        endpoint_type: item.owned("VpcEndpointType")?,
        service_name: item.owned("ServiceName")?,
        subnets: item.strs("SubnetIds")?.into_iter().map(Ref::new).collect(),
        route_tables: item.strs("RouteTableIds")?.into_iter().map(Ref::new).collect(),
        meta: c.meta(&item, "VpcEndpointId", item.owned("OwnerId")?, None)?,
    };
    c.keep(Drafted::VpcEndpoint(ep));
    Ok(())
}

/// `describe-target-health`, one listing per target group (as `TargetHealthByGroup`).
pub(super) fn read_target_health(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>]) {
    for (i, v) in items.iter().enumerate() {
        let ptr = format!("{pointer}/{i}");
        let Some(obj) = v.as_object() else { continue };
        let item = Item { obj, ptr };
        let result: Res<()> = (|| {
            let group = item.req_str("TargetGroupArn")?.to_string();
            for d in item.objs("TargetHealthDescriptions")? {
                if let Some(t) = d.obj("Target")? {
                    let target = Target { id: t.req_str("Id")?.to_string(), port: t.port("Port")? };
                    c.listing.links.push(LinkById::TargetRegistration { group: group.clone(), target });
                    *c.listing.stats.merged.entry("TargetHealthByGroup targets".into()).or_default() += 1;
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            c.error(&e.pointer, e.message);
        }
    }
}

/// Transit gateway route table associations or propagations listed on their own; entries that
/// do not name their route table cannot be placed and are counted as not modelled.
pub(super) fn read_tgw_links(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>], propagation: bool) {
    for (i, v) in items.iter().enumerate() {
        let Some(obj) = v.as_object() else { continue };
        let item = Item { obj, ptr: format!("{pointer}/{i}") };
        let (Ok(Some(table)), Ok(Some(attachment))) =
            (item.owned("TransitGatewayRouteTableId"), item.owned("TransitGatewayAttachmentId"))
        else {
            let key = if propagation { "TransitGatewayRouteTablePropagations" } else { "Associations" };
            *c.listing.stats.unmodelled_keys.entry(format!("{key} (no route table id)")).or_default() += 1;
            continue;
        };
        *c.listing.stats.merged.entry("transit gateway route table links".into()).or_default() += 1;
        let state = item.owned("State").ok().flatten();
        if matches!(state.as_deref(), Some("disassociated" | "disabled" | "disabling" | "disassociating")) {
            continue;
        }
        c.listing.links.push(LinkById::TgwTable { table, attachment, propagation });
    }
}

pub(super) fn read_prefix_list(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let pl = ManagedPrefixList {
        name: item.owned("PrefixListName")?,
        family: item.owned("AddressFamily")?,
        meta: c.meta(&item, "PrefixListId", item.owned("OwnerId")?, None)?,
    };
    c.keep(Drafted::ManagedPrefixList(pl));
    Ok(())
}

/// `elbv2 describe-tags` / `elb describe-tags`: the tags of load balancers and target groups, which
/// their own listings do not carry, by ARN (or classic load balancer name).
pub(super) fn read_tag_descriptions(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>]) {
    for (i, v) in items.iter().enumerate() {
        let Some(obj) = v.as_object() else { continue };
        let item = Item { obj, ptr: format!("{pointer}/{i}") };
        let result: Res<()> = (|| {
            let id = match item.str("ResourceArn")? {
                Some(arn) => arn.to_string(),
                None => item.req_str("LoadBalancerName")?.to_string(),
            };
            let tags = item.tags()?;
            *c.listing.stats.merged.entry("TagDescriptions".into()).or_default() += 1;
            c.listing.links.push(LinkById::Tags { id, scope: c.scope_of(), tags });
            Ok(())
        })();
        if let Err(e) = result {
            c.error(&e.pointer, e.message);
        }
    }
}

/// `ec2 describe-tags`: one tag per item, by resource id.
pub(super) fn read_ec2_tags(c: &mut Ctx<'_>, pointer: &str, items: &[Value<'_>]) {
    for (i, v) in items.iter().enumerate() {
        let Some(obj) = v.as_object() else { continue };
        let item = Item { obj, ptr: format!("{pointer}/{i}") };
        let result: Res<()> = (|| {
            let id = item.req_str("ResourceId")?.to_string();
            let key = item.req_str("Key")?.to_string();
            let value = item.str("Value")?.unwrap_or_default().to_string();
            *c.listing.stats.merged.entry("Tags".into()).or_default() += 1;
            c.listing.links.push(LinkById::Tags { id, scope: c.scope_of(), tags: vec![(key, value)] });
            Ok(())
        })();
        if let Err(e) = result {
            c.error(&e.pointer, e.message);
        }
    }
}
