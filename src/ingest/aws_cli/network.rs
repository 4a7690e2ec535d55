//! VPCs, subnets, route tables and routes, gateways, addresses and peerings in AWS CLI output.

use super::*;

pub(super) fn zone_region(item: &Item<'_>, key: &str) -> Res<Option<String>> {
    Ok(item.str(key)?.and_then(region_of_zone))
}

pub(super) fn read_vpc(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let meta = c.meta(&item, "VpcId", item.owned("OwnerId")?, None)?;
    let mut cidrs = Vec::new();
    for a in item.objs("CidrBlockAssociationSet")? {
        if let Some(net) = a.cidr("CidrBlock")? {
            cidrs.push(VpcCidr {
                net,
                associated: a.association_active("CidrBlockState")?,
                origin: c.origin(&a.at("CidrBlock")),
            });
        }
    }
    if let Some(primary) = item.cidr("CidrBlock")?
        && !cidrs.iter().any(|x| x.net == primary)
    {
        cidrs.insert(0, VpcCidr { net: primary, associated: true, origin: c.origin(&item.at("CidrBlock")) });
    }
    for a in item.objs("Ipv6CidrBlockAssociationSet")? {
        if let Some(net) = a.cidr("Ipv6CidrBlock")? {
            cidrs.push(VpcCidr {
                net,
                associated: a.association_active("Ipv6CidrBlockState")?,
                origin: c.origin(&a.at("Ipv6CidrBlock")),
            });
        }
    }
    let vpc = Vpc {
        is_default: item.bool("IsDefault")?.unwrap_or(false),
        created: false,
        cidrs,
        meta,
        undecided_blocks: Vec::new(),
    };
    c.keep(Drafted::Vpc(vpc));
    Ok(())
}

pub(super) fn read_subnet(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let meta = c.meta(&item, "SubnetId", item.owned("OwnerId")?, zone_region(&item, "AvailabilityZone")?)?;
    let mut ipv6_cidrs = Vec::new();
    for a in item.objs("Ipv6CidrBlockAssociationSet")? {
        if let Some(net) = a.cidr("Ipv6CidrBlock")?
            && a.association_active("Ipv6CidrBlockState")?
        {
            ipv6_cidrs.push(net);
        }
    }
    let subnet = Subnet {
        route_table_undecided: false,
        vpc: item.str("VpcId")?.map(Ref::new),
        availability_zone: item.owned("AvailabilityZone")?,
        cidr: item.cidr("CidrBlock")?,
        ipv6_cidrs,
        meta,
    };
    c.keep(Drafted::Subnet(subnet));
    Ok(())
}

pub(super) fn read_route(c: &Ctx<'_>, r: &Item<'_>) -> Res<Route> {
    let (destination, key) = if let Some(n) = r.cidr("DestinationCidrBlock")? {
        (Destination::Cidr(n), "DestinationCidrBlock")
    } else if let Some(n) = r.cidr("DestinationIpv6CidrBlock")? {
        (Destination::Cidr(n), "DestinationIpv6CidrBlock")
    } else if let Some(p) = r.str("DestinationPrefixListId")? {
        (Destination::PrefixList(p.to_string()), "DestinationPrefixListId")
    } else {
        return Err(FieldError { pointer: r.ptr.clone(), message: "route has no destination".into() });
    };
    let target = route_target(r)?;
    let state = match r.str("State")?.map(str::to_ascii_lowercase).as_deref() {
        None | Some("active") => RouteState::Active,
        Some("blackhole") => RouteState::Blackhole,
        Some(other) => RouteState::Other(other.to_string()),
    };
    Ok(Route { destination, target, state, origin: c.origin(&r.at(key)), defined_by: None })
}

pub(super) fn route_target(r: &Item<'_>) -> Res<RouteTarget> {
    let t = |kind, id: &str| RouteTarget { kind, id: id.to_string(), idx: None };
    // An instance route names both the instance and its interface: the instance is the target.
    let ordered: [(&str, TargetKind); 10] = [
        ("InstanceId", TargetKind::Instance),
        ("NatGatewayId", TargetKind::NatGateway),
        ("VpcPeeringConnectionId", TargetKind::PeeringConnection),
        ("TransitGatewayId", TargetKind::TransitGateway),
        ("EgressOnlyInternetGatewayId", TargetKind::EgressOnlyInternetGateway),
        ("NetworkInterfaceId", TargetKind::NetworkInterface),
        ("CarrierGatewayId", TargetKind::CarrierGateway),
        ("LocalGatewayId", TargetKind::LocalGateway),
        ("CoreNetworkArn", TargetKind::CoreNetwork),
        ("GatewayId", TargetKind::Unknown),
    ];
    for (key, kind) in ordered {
        if let Some(id) = r.str(key)? {
            if kind != TargetKind::Unknown {
                return Ok(t(kind, id));
            }
            let kind = match id {
                "local" => TargetKind::Local,
                _ if id.starts_with("igw-") => TargetKind::InternetGateway,
                _ if id.starts_with("vgw-") => TargetKind::VirtualPrivateGateway,
                _ if id.starts_with("vpce-") => TargetKind::VpcEndpoint,
                _ if id.starts_with("eigw-") => TargetKind::EgressOnlyInternetGateway,
                _ => TargetKind::Unknown,
            };
            return Ok(t(kind, id));
        }
    }
    Ok(t(TargetKind::Unknown, ""))
}

pub(super) fn read_route_table(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let meta = c.meta(&item, "RouteTableId", item.owned("OwnerId")?, None)?;
    let mut main = false;
    let mut subnets = Vec::new();
    for a in item.objs("Associations")? {
        let state = match a.obj("AssociationState")? {
            Some(s) => s.owned("State")?,
            None => None,
        };
        if matches!(state.as_deref(), Some("disassociated" | "disassociating" | "failed")) {
            continue;
        }
        if a.bool("Main")?.unwrap_or(false) {
            main = true;
        }
        if let Some(s) = a.str("SubnetId")? {
            subnets.push((Ref::new(s), c.origin(&a.at("SubnetId"))));
        }
    }
    let routes = item.objs("Routes")?.iter().map(|r| read_route(c, r)).collect::<Res<Vec<_>>>()?;
    let table =
        RouteTable { vpc: item.str("VpcId")?.map(Ref::new), main, subnets, routes, has_unknown_routes: false, meta };
    c.keep(Drafted::RouteTable(table));
    Ok(())
}

pub(super) fn read_attachments(item: &Item<'_>) -> Res<Vec<GatewayAttachment>> {
    let mut out = Vec::new();
    for a in item.objs("Attachments")? {
        if let Some(vpc) = a.str("VpcId")? {
            out.push(GatewayAttachment {
                vpc: Ref::new(vpc),
                state: AttachmentState::parse(&a.owned("State")?.unwrap_or_default()),
            });
        }
    }
    Ok(out)
}

pub(super) fn read_igw(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let igw = InternetGateway {
        attachments: read_attachments(&item)?,
        meta: c.meta(&item, "InternetGatewayId", item.owned("OwnerId")?, None)?,
    };
    c.keep(Drafted::InternetGateway(igw));
    Ok(())
}

pub(super) fn read_eigw(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let igw = InternetGateway {
        attachments: read_attachments(&item)?,
        meta: c.meta(&item, "EgressOnlyInternetGatewayId", None, None)?,
    };
    c.keep(Drafted::EgressOnlyInternetGateway(igw));
    Ok(())
}

pub(super) fn read_nat(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let connectivity = match item.str("ConnectivityType")? {
        None | Some("public") => Connectivity::Public,
        Some("private") => Connectivity::Private,
        Some(other) => {
            return Err(FieldError {
                pointer: item.at("ConnectivityType"),
                message: format!("`ConnectivityType` must be \"public\" or \"private\", found \"{other}\""),
            });
        }
    };
    let mut allocations = Vec::new();
    for a in item.objs("NatGatewayAddresses")? {
        if let Some(alloc) = a.str("AllocationId")? {
            allocations.push(Ref::new(alloc));
        }
    }
    let nat = NatGateway {
        vpc: item.str("VpcId")?.map(Ref::new),
        subnet: item.str("SubnetId")?.map(Ref::new),
        state: NatState::parse(&item.owned("State")?.unwrap_or_default()),
        connectivity,
        allocations,
        allocation_unknown: false,
        meta: c.meta(&item, "NatGatewayId", None, None)?,
    };
    c.keep(Drafted::NatGateway(nat));
    Ok(())
}

pub(super) fn read_address(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let id_key = if item.str("AllocationId")?.is_some() { "AllocationId" } else { "PublicIp" };
    let eip = ElasticIp {
        public_ip: item.owned("PublicIp")?,
        network_interface: item.owned("NetworkInterfaceId")?,
        instance: item.owned("InstanceId")?,
        association_id: item.owned("AssociationId")?,
        meta: c.meta(&item, id_key, item.owned("NetworkInterfaceOwnerId")?, None)?,
    };
    c.keep(Drafted::ElasticIp(eip));
    Ok(())
}

pub(super) fn read_peer_side(c: &Ctx<'_>, item: &Item<'_>, key: &str) -> Res<PeerSide> {
    let Some(info) = item.obj(key)? else {
        return Err(FieldError { pointer: item.ptr.clone(), message: format!("missing required field `{key}`") });
    };
    let mut cidrs: Vec<(IpNet, Origin)> = Vec::new();
    let mut add = |net: IpNet, ptr: String| {
        if !cidrs.iter().any(|(n, _)| *n == net) {
            cidrs.push((net, c.origin(&ptr)));
        }
    };
    for b in info.objs("CidrBlockSet")? {
        if let Some(n) = b.cidr("CidrBlock")? {
            add(n, b.at("CidrBlock"));
        }
    }
    if let Some(n) = info.cidr("CidrBlock")? {
        add(n, info.at("CidrBlock"));
    }
    for b in info.objs("Ipv6CidrBlockSet")? {
        if let Some(n) = b.cidr("Ipv6CidrBlock")? {
            add(n, b.at("Ipv6CidrBlock"));
        }
    }
    Ok(PeerSide {
        vpc: Ref::new(info.req_str("VpcId")?),
        owner: info.owned("OwnerId")?,
        region: info.owned("Region")?,
        cidrs,
        origin: c.origin(&info.ptr),
    })
}

pub(super) fn read_peering(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let requester = read_peer_side(c, &item, "RequesterVpcInfo")?;
    let accepter = read_peer_side(c, &item, "AccepterVpcInfo")?;
    let status = match item.obj("Status")? {
        Some(s) => s.owned("Code")?.unwrap_or_default(),
        None => String::new(),
    };
    let mut meta = c.meta(&item, "VpcPeeringConnectionId", None, None)?;
    // Both accounts of a cross-account peering list it: identify it by its requester, not by the
    // dump it was found in, so that it is loaded once.
    meta.account = requester.owner.clone().or(meta.account);
    meta.region = requester.region.clone().or(meta.region);
    let pcx = PeeringConnection { meta, status: PeeringState::parse(&status), requester, accepter };
    c.keep(Drafted::PeeringConnection(pcx));
    Ok(())
}
