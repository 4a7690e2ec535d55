//! Security groups and network ACLs of a template, with their rules and associations.

use super::*;

impl Builder<'_, '_> {
    /// Security groups and network ACLs, with their rules and associations; `Err` for a type of another family.
    pub(super) fn build_security(&mut self, r: &Res<'_>) -> Result<Option<ResourceKind>, ()> {
        Ok(match r.rtype {
            "AWS::EC2::SecurityGroup" => self.security_group(r),
            "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                let egress = r.rtype.ends_with("Egress");
                let rule = sg_rule_from(&r.props, egress, self.origin(r).at("Properties"));
                self.pending.push(Edit::SgRule { group: r.link("GroupId").known(), egress, rule });
                None
            }
            "AWS::EC2::NetworkAcl" => {
                let entries = NaclEntry::implicit_denies(&self.origin(r));
                let nacl = NetworkAcl {
                    vpc: r.link("VpcId").to_ref(),
                    is_default: false,
                    subnets: Vec::new(),
                    entries,
                    has_unknown_entries: false,
                    meta: self.meta(r),
                };
                self.push(ResourceKind::NetworkAcl, nacl, |d| &mut d.network_acls)
            }
            "AWS::EC2::NetworkAclEntry" => {
                let origin = self.prop_origin(r, "RuleNumber");
                let entry = match nacl_entry_from(r, origin) {
                    Ok(e) => e,
                    Err(msg) => {
                        let pointer = self.origin(r).pointer;
                        self.error(pointer, format!("{}: {msg}", r.logical));
                        return Ok(None);
                    }
                };
                self.pending.push(Edit::NaclEntry { nacl: r.link("NetworkAclId").known(), entry });
                None
            }
            "AWS::EC2::SubnetNetworkAclAssociation" => {
                let origin = self.prop_origin(r, "SubnetId");
                self.pending.push(Edit::NaclAssociation {
                    nacl: r.link("NetworkAclId").known(),
                    subnet: r.link("SubnetId").known(),
                    origin,
                });
                None
            }
            _ => return Err(()),
        })
    }

    pub(super) fn security_group(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let base = self.origin(r).at("Properties");
        // A list, or an entry of one, the template does not decide (or that cannot be read) makes
        // what the group admits partly unknown.
        let mut unknown = [false, false];
        let mut rules = |prop: &str, egress: bool| -> Vec<SgRule> {
            let unknown = &mut unknown[usize::from(egress)];
            match r.get(prop) {
                None | Some(Val::NoValue) | Some(Val::Null) => Vec::new(),
                Some(Val::List(items)) => {
                    let read: Vec<SgRule> = items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, rule)| sg_rule_from(rule, egress, base.at(prop).at(i)))
                        .collect();
                    *unknown |= read.len() < items.len();
                    read
                }
                Some(_) => {
                    *unknown = true;
                    Vec::new()
                }
            }
        };
        let ingress = rules("SecurityGroupIngress", false);
        let mut egress = rules("SecurityGroupEgress", true);
        // AWS gives a new group an allow-all egress rule unless the group lists its own.
        if r.get("SecurityGroupEgress").is_none() {
            egress.push(SgRule {
                protocol: Protocol::All,
                ports: None,
                cidrs: vec![Family::V4.any()],
                prefix_lists: Vec::new(),
                groups: Vec::new(),
                origin: self.origin(r),
            });
        }
        let sg = SecurityGroup {
            vpc: r.link("VpcId").to_ref(),
            group_name: r.get("GroupName").and_then(Val::display),
            ingress,
            egress,
            has_unknown_ingress: unknown[0],
            has_unknown_egress: unknown[1],
            meta: self.meta(r),
        };
        self.push(ResourceKind::SecurityGroup, sg, |d| &mut d.security_groups)
    }
}

/// An inline or standalone security group rule.
pub(super) fn sg_rule_from(v: &Val, egress: bool, origin: Origin) -> Option<SgRule> {
    let protocol = match v.get("IpProtocol") {
        Some(p) => Protocol::parse(&p.as_str()?)?,
        None => return None,
    };
    let ports = if protocol.has_ports() {
        match (port(v.get("FromPort")), port(v.get("ToPort"))) {
            (Some(a), Some(b)) => Some(PortRange::new(a, b)),
            _ => None,
        }
    } else {
        None
    };
    let (cidr_keys, group_key, list_key) = if egress {
        (["CidrIp", "CidrIpv6"], "DestinationSecurityGroupId", "DestinationPrefixListId")
    } else {
        (["CidrIp", "CidrIpv6"], "SourceSecurityGroupId", "SourcePrefixListId")
    };
    // Underline the rule's source (or destination): that is what rules judge.
    let source = cidr_keys
        .into_iter()
        .chain([group_key, list_key, "SourceSecurityGroupName"])
        .find(|k| v.get(k).is_some_and(|x| !matches!(x, Val::NoValue | Val::Null)));
    let origin = source.map_or_else(|| origin.clone(), |k| origin.at(k));
    let mut rule = SgRule { protocol, ports, cidrs: Vec::new(), prefix_lists: Vec::new(), groups: Vec::new(), origin };
    for k in cidr_keys {
        match v.get(k) {
            None | Some(Val::NoValue) | Some(Val::Null) => {}
            Some(c) => match c.as_str().and_then(|s| parse_cidr(&s)) {
                Some(n) => rule.cidrs.push(n),
                None => rule.prefix_lists.push(UNDECIDED_SOURCE.into()),
            },
        }
    }
    match Link::of(v.get(group_key)) {
        Link::Known(id) => rule.groups.push(GroupRef {
            id,
            account: v.get("SourceSecurityGroupOwnerId").and_then(Val::as_str),
            idx: None,
        }),
        Link::Unknown => rule.prefix_lists.push(UNDECIDED_SOURCE.into()),
        Link::Absent => {}
    }
    if !egress && v.get("SourceSecurityGroupName").is_some() && rule.groups.is_empty() {
        rule.prefix_lists.push(UNDECIDED_SOURCE.into());
    }
    match Link::of(v.get(list_key)) {
        Link::Known(id) => rule.prefix_lists.push(id),
        Link::Unknown => rule.prefix_lists.push(UNDECIDED_SOURCE.into()),
        Link::Absent => {}
    }
    Some(rule)
}

/// An `AWS::EC2::NetworkAclEntry`: `Ok(None)` when the template does not decide it.
pub(super) fn nacl_entry_from(r: &Res<'_>, origin: Origin) -> Result<Option<NaclEntry>, String> {
    let undecided = |k: &str| r.get(k).is_some_and(|v| v.as_str().is_none() && v.as_bool().is_none());
    if ["RuleNumber", "Protocol", "RuleAction", "CidrBlock", "Ipv6CidrBlock", "Egress"].iter().any(|k| undecided(k)) {
        return Ok(None);
    }
    let number = r.get("RuleNumber").and_then(Val::as_i64).ok_or("missing `RuleNumber`")?;
    let number = NaclEntry::rule_number(number, "RuleNumber", false)?;
    let proto = r.str("Protocol").ok_or("missing `Protocol`")?;
    let protocol = Protocol::parse(&proto)
        .ok_or_else(|| format!("`Protocol` is not a protocol: {}", crate::diagnostic::quoted_value(&proto)))?;
    let allow = match r.str("RuleAction").map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("allow") => true,
        Some("deny") => false,
        other => return Err(format!("`RuleAction` must be allow or deny, found {other:?}")),
    };
    let cidr_text = r
        .str("CidrBlock")
        .or_else(|| r.str("Ipv6CidrBlock"))
        .ok_or("neither `CidrBlock` nor `Ipv6CidrBlock` is set")?;
    let cidr = parse_cidr(&cidr_text).ok_or_else(|| format!("not a valid CIDR block: \"{cidr_text}\""))?;
    let ports = if protocol.has_ports() {
        let range = r.get("PortRange");
        match (port(range.and_then(|p| p.get("From"))), port(range.and_then(|p| p.get("To")))) {
            (Some(a), Some(b)) => Some(PortRange::new(a, b)),
            _ => None,
        }
    } else {
        None
    };
    let egress = r.get("Egress").and_then(Val::as_bool).unwrap_or(false);
    Ok(Some(NaclEntry { number, egress, protocol, allow, cidr, ports, origin }))
}
