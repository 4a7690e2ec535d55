//! Security groups and network ACLs in AWS CLI output.

use super::*;

pub(super) fn read_sg_rules(c: &Ctx<'_>, item: &Item<'_>, key: &str) -> Res<Vec<SgRule>> {
    let mut rules = Vec::new();
    for p in item.objs(key)? {
        let proto_text = p.req_str("IpProtocol")?;
        let protocol = Protocol::parse(proto_text).ok_or_else(|| FieldError {
            pointer: p.at("IpProtocol"),
            message: format!("`IpProtocol` is not a protocol: \"{proto_text}\""),
        })?;
        let ports = if protocol.has_ports() {
            match (p.port("FromPort")?, p.port("ToPort")?) {
                (Some(a), Some(b)) if a > b => {
                    return Err(FieldError {
                        pointer: p.at("FromPort"),
                        message: format!("`FromPort` {a} is greater than `ToPort` {b}"),
                    });
                }
                (Some(a), Some(b)) => Some(PortRange::new(a, b)),
                _ => None,
            }
        } else {
            None
        };
        let mut cidrs = Vec::new();
        for r in p.objs("IpRanges")? {
            cidrs.extend(r.cidr("CidrIp")?);
        }
        for r in p.objs("Ipv6Ranges")? {
            cidrs.extend(r.cidr("CidrIpv6")?);
        }
        let mut prefix_lists = Vec::new();
        for r in p.objs("PrefixListIds")? {
            prefix_lists.extend(r.owned("PrefixListId")?);
        }
        let mut groups = Vec::new();
        for r in p.objs("UserIdGroupPairs")? {
            if let Some(id) = r.owned("GroupId")? {
                groups.push(GroupRef { id, account: r.owned("UserId")?, idx: None });
            }
        }
        // Underline the ports when the rule has them, else the protocol.
        let key = if p.obj.contains_key("FromPort") { "FromPort" } else { "IpProtocol" };
        rules.push(SgRule { protocol, ports, cidrs, prefix_lists, groups, origin: c.origin(&p.at(key)) });
    }
    Ok(rules)
}

pub(super) fn read_sg(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let sg = SecurityGroup {
        vpc: item.str("VpcId")?.map(Ref::new),
        group_name: item.owned("GroupName")?,
        ingress: read_sg_rules(c, &item, "IpPermissions")?,
        egress: read_sg_rules(c, &item, "IpPermissionsEgress")?,
        has_unknown_ingress: false,
        has_unknown_egress: false,
        meta: c.meta(&item, "GroupId", item.owned("OwnerId")?, None)?,
    };
    c.keep(Drafted::SecurityGroup(sg));
    Ok(())
}

pub(super) fn read_nacl_entry(c: &Ctx<'_>, e: &Item<'_>) -> Res<NaclEntry> {
    let number = e
        .int("RuleNumber")?
        .ok_or_else(|| FieldError { pointer: e.ptr.clone(), message: "missing required field `RuleNumber`".into() })?;
    let number = NaclEntry::rule_number(number, "RuleNumber", true)
        .map_err(|message| FieldError { pointer: e.at("RuleNumber"), message })?;
    let proto_text = e.req_str("Protocol")?;
    let protocol = Protocol::parse(proto_text).ok_or_else(|| FieldError {
        pointer: e.at("Protocol"),
        message: format!("`Protocol` is not a protocol: \"{proto_text}\""),
    })?;
    let allow = match e.req_str("RuleAction")?.to_ascii_lowercase().as_str() {
        "allow" => true,
        "deny" => false,
        other => {
            return Err(FieldError {
                pointer: e.at("RuleAction"),
                message: format!("`RuleAction` must be \"allow\" or \"deny\", found \"{other}\""),
            });
        }
    };
    let cidr = match (e.cidr("CidrBlock")?, e.cidr("Ipv6CidrBlock")?) {
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => {
            return Err(FieldError {
                pointer: e.ptr.clone(),
                message: "entry has neither `CidrBlock` nor `Ipv6CidrBlock`".into(),
            });
        }
    };
    let ports = match e.obj("PortRange")? {
        Some(p) if protocol.has_ports() => match (p.port("From")?, p.port("To")?) {
            (Some(a), Some(b)) if a > b => {
                return Err(FieldError {
                    pointer: p.at("From"),
                    message: format!("`From` {a} is greater than `To` {b}"),
                });
            }
            (Some(a), Some(b)) => Some(PortRange::new(a, b)),
            _ => None,
        },
        _ => None,
    };
    Ok(NaclEntry {
        number,
        egress: e.bool("Egress")?.unwrap_or(false),
        protocol,
        allow,
        cidr,
        ports,
        origin: c.origin(&e.at("RuleNumber")),
    })
}

pub(super) fn read_nacl(c: &mut Ctx<'_>, item: Item<'_>) -> Res<()> {
    let mut subnets = Vec::new();
    for a in item.objs("Associations")? {
        if let Some(s) = a.str("SubnetId")? {
            subnets.push((Ref::new(s), c.origin(&a.at("SubnetId"))));
        }
    }
    let entries = item.objs("Entries")?.iter().map(|e| read_nacl_entry(c, e)).collect::<Res<Vec<_>>>()?;
    let nacl = NetworkAcl {
        vpc: item.str("VpcId")?.map(Ref::new),
        is_default: item.bool("IsDefault")?.unwrap_or(false),
        subnets,
        entries,
        has_unknown_entries: false,
        meta: c.meta(&item, "NetworkAclId", item.owned("OwnerId")?, None)?,
    };
    c.keep(Drafted::NetworkAcl(nacl));
    Ok(())
}
