//! Security groups and their rules, network ACLs and their entries.

use super::*;

impl Builder<'_, '_, '_> {
    /// The rules of an inline block, and whether some are not known before apply or cannot be
    /// read. A block wholly unknown and not written inline is judged once the plan's standalone
    /// rules are known (see `maybe_dynamic_groups`).
    pub(super) fn sg_rules(&self, r: &Res<'_>, block: &str) -> (Vec<SgRule>, bool) {
        let whole = Self::is_unknown(r, block);
        let unknown = Self::has_unknown_part(r, block) && (!whole || self.plan.writes(r, block));
        let Some(Value::Array(rules)) = r.values.get(block) else { return (Vec::new(), unknown) };
        let mut out = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if let Some(rule) = sg_rule_from(rule, self.attr_origin(r, block).at(i)) {
                out.push(rule);
            }
        }
        let unread = out.len() < rules.len();
        (out, unknown || unread)
    }

    pub(super) fn security_group(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let (ingress, ingress_unknown) = self.sg_rules(r, "ingress");
        let (egress, egress_unknown) = self.sg_rules(r, "egress");
        let sg = SecurityGroup {
            vpc: Self::link_ref(&self.plan.link(r, "vpc_id", VPC)),
            group_name: Self::str(r, "name").map(str::to_string),
            ingress,
            egress,
            has_unknown_ingress: ingress_unknown,
            has_unknown_egress: egress_unknown,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::SecurityGroup, sg, |d| &mut d.security_groups);
        if let Some(i) = self.last_pushed {
            self.sgs.insert(r.address.clone(), i);
            for (block, egress) in [("ingress", false), ("egress", true)] {
                if Self::is_unknown(r, block) && !self.plan.writes(r, block) && r.symbols.is_none() {
                    self.maybe_dynamic_groups.push((i, egress));
                }
            }
        }
        kind
    }

    pub(super) fn sg_rule(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let group = self.plan.link(r, "security_group_id", &["aws_security_group", "aws_default_security_group"]);
        let egress = match r.rtype.as_str() {
            "aws_vpc_security_group_egress_rule" => true,
            "aws_vpc_security_group_ingress_rule" => false,
            _ => Self::str(r, "type") == Some("egress"),
        };
        let mut values = r.values.clone();
        // The newer rule resources name their fields differently.
        if let Some(m) = values.as_object_mut() {
            for (from, to) in
                [("ip_protocol", "protocol"), ("cidr_ipv4", "cidr_blocks"), ("cidr_ipv6", "ipv6_cidr_blocks")]
            {
                if let Some(v) = m.get(from).cloned() {
                    let v = if to.ends_with('s') && v.is_string() { Value::Array(vec![v]) } else { v };
                    m.insert(to.to_string(), v);
                }
            }
        }
        // A rule that cannot be read, or whose protocol, ports or sources are known only after
        // apply, still changes the group: to something not known.
        const DECIDING: &[&str] = &[
            "protocol",
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_ids",
            "prefix_list_id",
            "source_security_group_id",
            "referenced_security_group_id",
            "self",
        ];
        // (The provider computes the attributes the configuration leaves out.)
        let undecided = DECIDING.iter().any(|a| Self::has_unknown_part(r, a) && self.plan.writes(r, a));
        let rule = sg_rule_from(&values, self.values_origin(r)).filter(|_| !undecided);
        self.pending.push(Edit::SgRule { group: group.first(), egress, rule });
        None
    }

    pub(super) fn nacl_entries(&mut self, r: &Res<'_>, block: &str, egress: bool) -> Vec<NaclEntry> {
        let mut out = Vec::new();
        let Some(Value::Array(rules)) = r.values.get(block) else { return out };
        for (i, rule) in rules.iter().enumerate() {
            let origin = self.attr_origin(r, block).at(i).at("rule_no");
            match nacl_entry_from(rule, egress, "rule_no", "action", origin) {
                Ok(e) => out.push(e),
                Err(msg) => self.error(r, &format!("{block}/{i}"), msg),
            }
        }
        out
    }

    pub(super) fn nacl(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let mut entries = self.nacl_entries(r, "ingress", false);
        entries.extend(self.nacl_entries(r, "egress", true));
        let is_default = r.rtype == "aws_default_network_acl";
        if !is_default {
            entries.extend(NaclEntry::implicit_denies(&self.origin(r).at("address")));
        }
        // A subnet has one network ACL: a later ACL naming it takes it (see `finish`).
        let claimed = match plan.link(r, "subnet_ids", SUBNET) {
            Link::Known(v) => v,
            _ => Vec::new(),
        };
        let has_unknown = ["ingress", "egress"].iter().any(|b| Self::is_unknown(r, b) && plan.writes(r, b));
        let nacl = NetworkAcl {
            vpc: Self::link_ref(&plan.link(r, if is_default { "default_network_acl_id" } else { "vpc_id" }, VPC)),
            is_default,
            subnets: Vec::new(),
            entries,
            has_unknown_entries: has_unknown,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::NetworkAcl, nacl, |d| &mut d.network_acls);
        if let Some(i) = self.last_pushed {
            self.nacls.insert(r.address.clone(), i);
            let origin = self.attr_origin(r, "subnet_ids");
            for s in claimed {
                self.nacl_subnets.insert(s, (i, origin.clone()));
            }
            if r.symbols.is_none() && ["ingress", "egress"].iter().any(|b| Self::is_unknown(r, b) && !plan.writes(r, b))
            {
                self.maybe_dynamic_nacls.push(i);
            }
        }
        kind
    }

    pub(super) fn nacl_rule(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let nacl = self.plan.link(r, "network_acl_id", &["aws_network_acl", "aws_default_network_acl"]);
        let egress = r.values.get("egress").and_then(Value::as_bool).unwrap_or(false);
        let entry = match nacl_entry_from(
            r.values,
            egress,
            "rule_number",
            "rule_action",
            self.values_origin(r).at("rule_number"),
        ) {
            Ok(e) => Some(e),
            Err(msg) => {
                let unknown =
                    ["cidr_block", "ipv6_cidr_block", "rule_number", "protocol"].iter().any(|a| Self::is_unknown(r, a));
                if !unknown {
                    self.error(r, "rule_number", msg);
                }
                None
            }
        };
        self.pending.push(Edit::NaclEntry { nacl: nacl.first(), entry });
        None
    }
}

pub(super) fn port_of(v: &Value, key: &str) -> Option<u16> {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_i64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
}

/// `from_port`..`to_port` of a protocol that has ports (else all ports).
fn ports_of(v: &Value, protocol: Protocol) -> Option<PortRange> {
    if !protocol.has_ports() {
        return None;
    }
    match (port_of(v, "from_port"), port_of(v, "to_port")) {
        (Some(a), Some(b)) => Some(PortRange::new(a, b)),
        _ => None,
    }
}

pub(super) fn sg_rule_from(v: &Value, origin: Origin) -> Option<SgRule> {
    let protocol = Protocol::parse(v.get("protocol").and_then(Value::as_str)?)?;
    let ports = ports_of(v, protocol);
    let strings = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let cidrs =
        strings("cidr_blocks").iter().chain(strings("ipv6_cidr_blocks").iter()).filter_map(|c| parse_cidr(c)).collect();
    Some(SgRule {
        protocol,
        ports,
        cidrs,
        prefix_lists: strings("prefix_list_ids"),
        groups: strings("security_groups").into_iter().map(|id| GroupRef { id, account: None, idx: None }).collect(),
        origin,
    })
}

pub(super) fn nacl_entry_from(
    v: &Value,
    egress: bool,
    number_key: &str,
    action_key: &str,
    origin: Origin,
) -> Result<NaclEntry, String> {
    let number = v.get(number_key).and_then(Value::as_i64).ok_or_else(|| format!("missing `{number_key}`"))?;
    let number = NaclEntry::rule_number(number, number_key, false)?;
    let proto = match v.get("protocol") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("missing `protocol`".into()),
    };
    let protocol = Protocol::parse(&proto).ok_or_else(|| format!("`protocol` is not a protocol: \"{proto}\""))?;
    let allow = match v.get(action_key).and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
        Some("allow") => true,
        Some("deny") => false,
        other => return Err(format!("`{action_key}` must be allow or deny, found {other:?}")),
    };
    let cidr_text = ["cidr_block", "ipv6_cidr_block"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
        .ok_or("neither `cidr_block` nor `ipv6_cidr_block` is set")?;
    let cidr = parse_cidr(cidr_text).ok_or_else(|| format!("not a valid CIDR block: \"{cidr_text}\""))?;
    let ports = ports_of(v, protocol);
    Ok(NaclEntry { number, egress, protocol, allow, cidr, ports, origin })
}
