//! Terraform `terraform show -json` output: plans (format 0.1–1.2) and state.
//!
//! A plan's `planned_values` omit every attribute that is "known after apply", which would cut the
//! links between resources created together (a route's `nat_gateway_id`, a NAT gateway's
//! `allocation_id`, a load balancer's `subnets`). Those links are recovered from the `references`
//! of the `configuration` expressions, through module inputs and outputs and `count.index` /
//! `each.key`. What cannot be determined stays Unknown, which rules treat as "do not judge".

use super::{ErrorLocation, HasMeta, InputError, LoadState, Loaded};
use crate::ingest::normalise::DocumentStart;
use crate::ingest::normalise::defaults::{self, Created, NewAttachment, NewTransitGateway};
use crate::ingest::normalise::edit::{self, Edit};
use crate::model::net::{Family, PortRange, Protocol, parse_cidr};
use crate::model::*;
use crate::source::{FileId, Origin};
use ipnet::IpNet;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

mod compute;
mod document;
mod finish;
pub(crate) mod hcl;
mod network;
mod plan;
mod resolve;
mod security;

pub(crate) use document::load_document;
use plan::*;

/// Whether a parsed document is Terraform JSON output.
pub fn detect(root: &serde_json_borrow::Value<'_>) -> bool {
    let Some(root) = root.as_object() else { return false };
    root.contains_key("planned_values")
        || root.contains_key("resource_changes")
        || (root.contains_key("format_version")
            && root.get("values").and_then(|v| v.as_object()).is_some_and(|v| v.contains_key("root_module")))
}

struct Builder<'p, 'a, 's> {
    /// Where the plan's resources start in the design's arenas.
    start: DocumentStart,
    plan: &'p Plan<'a>,
    state: &'s mut LoadState,
    loaded: &'s mut Loaded,
    /// Address → arena index, for resources this document created.
    tables: HashMap<String, usize>,
    nacls: HashMap<String, usize>,
    vpcs: HashMap<String, usize>,
    sgs: HashMap<String, usize>,
    pending: Vec<Edit>,
    /// Arena index of the resource the last `push` added (`None` for a duplicate).
    last_pushed: Option<usize>,
    /// Tables and NACLs whose inline routes/rules are unknown although the configuration writes
    /// none: either they come only from standalone resources, or from `dynamic` blocks (which the
    /// plan's configuration does not show). Unknown unless standalone resources supply them.
    maybe_dynamic_tables: Vec<usize>,
    maybe_dynamic_nacls: Vec<usize>,
    /// Groups whose ingress (`false`) or egress (`true`) rules are all unknown and not written
    /// inline: `dynamic` blocks, unless standalone rules feed the group.
    maybe_dynamic_groups: Vec<(usize, bool)>,
    /// Instances whose public address their subnet's `map_public_ip_on_launch` decides.
    launch_by_subnet: Vec<(usize, Link)>,
    /// Subnet → the network ACL whose `subnet_ids` names it last, and where: AWS keeps one
    /// association per subnet, so a thousand ACLs naming ten thousand subnets stay linear.
    nacl_subnets: std::collections::BTreeMap<String, (usize, Origin)>,
}

const VPC: &[&str] = &["aws_vpc", "aws_default_vpc"];
/// Types that modify another resource rather than being one.
const MERGED: &[&str] = &[
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_ipv6_cidr_block_association",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway_attachment",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_eip_association",
    "aws_vpc_peering_connection_accepter",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];
const TGW_ATTACHMENT: &[&str] =
    &["aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_peering_attachment"];

impl Builder<'_, '_, '_> {
    fn origin(&self, r: &Res<'_>) -> Origin {
        Origin::new(r.file, r.pointer.clone())
    }
    /// Where an attribute is written; the resource's address when the plan does not show it
    /// (a value known only after apply).
    /// Where the resource's values are: its plan `values` (or `change/after`), or its `.tf` block.
    fn values_origin(&self, r: &Res<'_>) -> Origin {
        r.values_key.split('/').filter(|s| !s.is_empty()).fold(self.origin(r), |o, seg| o.at(seg))
    }
    fn attr_origin(&self, r: &Res<'_>, attr: &str) -> Origin {
        if r.values.get(attr).is_none_or(Value::is_null) {
            return self.origin(r).at("address");
        }
        let mut o = self.origin(r);
        for seg in r.values_key.split('/').filter(|s| !s.is_empty()) {
            o = o.at(seg);
        }
        o.at(attr)
    }
    fn meta(&self, r: &Res<'_>) -> Meta {
        let tags: Vec<(String, String)> = r
            .values
            .get("tags")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), tag_value(v))).collect())
            .unwrap_or_default();
        let name = tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.clone());
        Meta {
            id: r.address.clone(),
            account: None,
            region: self.plan.region.clone(),
            name,
            tags,
            origin: self.origin(r),
            id_key: "address",
            module_source: self.plan.module_source(&r.module),
            document: Some(self.plan.file),
            provenance: self.plan.provenance,
        }
    }
    fn error(&mut self, r: &Res<'_>, attr: &str, message: String) {
        let path = self.loaded.design.sources.get(self.plan.file).name.clone();
        let pointer = self.attr_origin(r, attr).pointer;
        self.loaded.errors.push(InputError {
            file: Some(self.plan.file),
            path,
            location: ErrorLocation::Pointer(pointer),
            message: format!("{}: {message}", r.address),
            help: None,
        });
    }
    fn is_unknown(r: &Res<'_>, attr: &str) -> bool {
        r.unknown.and_then(|u| u.get(attr)) == Some(&Value::Bool(true))
    }
    /// Whether any part of an attribute (an element of a list, a field of a block) is known only
    /// after apply.
    fn has_unknown_part(r: &Res<'_>, attr: &str) -> bool {
        fn any(v: &Value) -> bool {
            match v {
                Value::Bool(b) => *b,
                Value::Array(a) => a.iter().any(any),
                Value::Object(o) => o.values().any(any),
                _ => false,
            }
        }
        r.unknown.and_then(|u| u.get(attr)).is_some_and(any)
    }
    fn str<'v>(r: &Res<'v>, attr: &str) -> Option<&'v str> {
        r.values.get(attr).and_then(Value::as_str).filter(|s| !s.is_empty())
    }
    /// A CIDR attribute: `Ok(None)` when absent or unknown; an error when malformed.
    fn cidr(&mut self, r: &Res<'_>, v: &Value, attr: &str) -> Result<Option<IpNet>, ()> {
        match v.get(attr).and_then(Value::as_str).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => match parse_cidr(s) {
                Some(n) => Ok(Some(n)),
                None => {
                    self.error(r, attr, format!("`{attr}` is not a valid CIDR block: \"{s}\""));
                    Err(())
                }
            },
        }
    }
    fn reject(&mut self, kind: ResourceKind) {
        *self.loaded.design.stats.rejected.entry(kind).or_default() += 1;
    }
    fn link_ref<A>(link: &Link) -> Option<Ref<A>> {
        link.first().map(Ref::new)
    }

    fn resource(&mut self, i: usize) {
        let plan = self.plan;
        let r = &plan.resources[i];
        let kind = match r.rtype.as_str() {
            "aws_vpc" | "aws_default_vpc" => self.vpc(r),
            "aws_vpc_ipv4_cidr_block_association" | "aws_vpc_ipv6_cidr_block_association" => self.vpc_cidr(r),
            "aws_subnet" | "aws_default_subnet" => self.subnet(r),
            "aws_route_table" | "aws_default_route_table" => self.route_table(r),
            "aws_route" => self.route(r),
            "aws_internet_gateway" | "aws_egress_only_internet_gateway" => self.igw(r),
            "aws_nat_gateway" => self.nat(r),
            "aws_vpc_peering_connection" => self.peering(r),
            "aws_security_group" | "aws_default_security_group" => self.security_group(r),
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => self.sg_rule(r),
            "aws_network_acl" | "aws_default_network_acl" => self.nacl(r),
            "aws_network_acl_rule" => self.nacl_rule(r),
            "aws_lb" | "aws_alb" | "aws_elb" => self.load_balancer(r),
            "aws_vpc_peering_connection_accepter" => None,
            other => {
                if let Some(edit) = self.edit_of(r) {
                    self.pending.push(edit);
                    None
                } else if let Some(kind) = self.compute_resource(r) {
                    kind
                } else {
                    *self.loaded.design.stats.unmodelled_keys.entry(format!("terraform {other}")).or_default() += 1;
                    None
                }
            }
        };
        if let Some(k) = kind {
            self.loaded.design.kinds_present.insert(k);
        } else if MERGED.contains(&r.rtype.as_str()) {
            *self.loaded.design.stats.merged.entry(r.rtype.clone()).or_default() += 1;
        }
    }

    /// The change a resource makes to others, for the types that only change others
    /// (associations, attachments, registrations, transit gateway links and routes).
    fn edit_of(&self, r: &Res<'_>) -> Option<Edit> {
        let plan = self.plan;
        Some(match r.rtype.as_str() {
            "aws_route_table_association" => {
                let table = plan.link(r, "route_table_id", &["aws_route_table", "aws_default_route_table"]);
                let subnet = plan.link(r, "subnet_id", SUBNET);
                let origin = self.attr_origin(r, "subnet_id");
                Edit::TableAssociation { table: table.first(), subnet: subnet.first(), origin }
            }
            "aws_main_route_table_association" => {
                let table = plan.link(r, "route_table_id", &["aws_route_table"]);
                let vpc = plan.link(r, "vpc_id", VPC);
                Edit::MainAssociation { table: table.first(), vpc: vpc.first() }
            }
            "aws_internet_gateway_attachment" => {
                let igw = plan.link(r, "internet_gateway_id", &["aws_internet_gateway"]);
                let vpc = plan.link(r, "vpc_id", VPC);
                Edit::GatewayAttachment { igw: igw.first(), vpc: vpc.first() }
            }
            "aws_network_acl_association" => {
                let nacl = plan.link(r, "network_acl_id", &["aws_network_acl"]);
                let subnet = plan.link(r, "subnet_id", SUBNET);
                let origin = self.attr_origin(r, "subnet_id");
                Edit::NaclAssociation { nacl: nacl.first(), subnet: subnet.first(), origin }
            }
            "aws_eip_association" => {
                let eip = plan.link(r, "allocation_id", &["aws_eip"]);
                let instance = plan.link(r, "instance_id", &["aws_instance"]).first();
                let eni = plan.link(r, "network_interface_id", &["aws_network_interface"]).first();
                Edit::EipAssociation { eip: eip.first(), instance, eni }
            }
            "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => {
                let group = plan.link(r, "target_group_arn", &["aws_lb_target_group", "aws_alb_target_group"]);
                let target = plan.link(r, "target_id", &["aws_instance", "aws_lambda_function"]).first();
                let port = r.values.get("port").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok());
                Edit::TargetRegistration { group: group.first(), target, port }
            }
            "aws_ec2_transit_gateway_route_table_association" | "aws_ec2_transit_gateway_route_table_propagation" => {
                let table = plan.link(r, "transit_gateway_route_table_id", &["aws_ec2_transit_gateway_route_table"]);
                let attachment = plan.link(r, "transit_gateway_attachment_id", TGW_ATTACHMENT).first();
                let propagation = r.rtype.ends_with("propagation");
                Edit::TgwTableLink { table: table.first(), attachment, propagation }
            }
            "aws_ec2_transit_gateway_route" => {
                let table = plan.link(r, "transit_gateway_route_table_id", &["aws_ec2_transit_gateway_route_table"]);
                let attachment = plan.link(r, "transit_gateway_attachment_id", TGW_ATTACHMENT).first();
                let cidr = Self::str(r, "destination_cidr_block").and_then(parse_cidr);
                let blackhole = r.values.get("blackhole").and_then(Value::as_bool).unwrap_or(false);
                Edit::TgwRoute { table: table.first(), cidr, attachment: attachment.filter(|_| !blackhole) }
            }
            _ => return None,
        })
    }

    /// Add a resource unless it was seen already; returns its kind (for `kinds_present`).
    fn push<T>(&mut self, kind: ResourceKind, item: T, arena: fn(&mut Design) -> &mut Vec<T>) -> Option<ResourceKind>
    where
        T: HasMeta,
    {
        self.last_pushed = self.state.push_first(&mut self.loaded.design, kind, item, arena);
        Some(kind)
    }

    fn load_balancer(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let kind = match (r.rtype.as_str(), Self::str(r, "load_balancer_type")) {
            ("aws_elb", _) => LbKind::Classic,
            (_, Some("network")) => LbKind::Network,
            (_, Some("gateway")) => LbKind::Gateway,
            _ => LbKind::Application,
        };
        let scheme = match r.values.get("internal") {
            Some(Value::Bool(true)) => Scheme::Internal,
            Some(Value::Bool(false)) => Scheme::InternetFacing,
            // `internal` defaults to false; a gateway load balancer has no scheme.
            _ if kind == LbKind::Gateway => Scheme::Internal,
            // Written but known only after apply: do not judge it as internet-facing.
            _ if Self::is_unknown(r, "internal") && plan.writes(r, "internal") => Scheme::Internal,
            _ => Scheme::InternetFacing,
        };
        let mut subnets: Vec<(Ref<Subnets>, Origin)> = match plan.link(r, "subnets", SUBNET) {
            Link::Known(v) => v.into_iter().map(|s| (Ref::new(s), self.attr_origin(r, "subnets"))).collect(),
            _ => Vec::new(),
        };
        if let Some(Value::Array(maps)) = r.values.get("subnet_mapping") {
            let refs = plan.references(r, "subnet_mapping");
            for (i, m) in maps.iter().enumerate() {
                let origin = self.attr_origin(r, "subnet_mapping").at(i);
                match m.get("subnet_id").and_then(Value::as_str).filter(|s| !s.is_empty()) {
                    Some(id) => subnets
                        .push((Ref::new(plan.by_aws_id.get(id).cloned().unwrap_or_else(|| id.to_string())), origin)),
                    None => {
                        if let Some(Resolved::Addresses(a)) =
                            refs.as_ref().map(|refs| plan.resolve(&r.module, refs, SUBNET, r.index, 0))
                            && a.len() == maps.len()
                        {
                            subnets.push((Ref::new(a[i].clone()), origin));
                        }
                    }
                }
            }
        }
        let lb = LoadBalancer {
            kind,
            scheme,
            vpc: None,
            subnets,
            ip_address_type: Self::str(r, "ip_address_type").map(str::to_string),
            zones: Vec::new(),
            security_groups: plan.link(r, "security_groups", &["aws_security_group"]).refs(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers)
    }
}

/// A tag's value as Terraform stores it: `tags` is a map of strings, so a number or a bool
/// written in sources (`n = count.index`) is converted; anything else is not decided here.
fn tag_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_addresses_and_references() {
        assert_eq!(
            parse_module_address("module.a[\"x\"].module.b[0]"),
            vec![("a".to_string(), Some("\"x\"".to_string())), ("b".to_string(), Some("0".to_string()))]
        );
        assert!(matches!(
            parse_reference("aws_eip.nat[0].id"),
            Reference::Resource { rtype: "aws_eip", name: "nat", key: Some("0"), attr: "id" }
        ));
        assert!(matches!(parse_reference("aws_subnet.private[*].id"), Reference::Resource { key: None, .. }));
        assert!(matches!(
            parse_reference("module.net.subnet_ids"),
            Reference::Module { name: "net", key: None, output: Some("subnet_ids") }
        ));
        assert!(matches!(parse_reference("var.vpc_id"), Reference::Var("vpc_id")));
        assert!(matches!(parse_reference("count.index"), Reference::Other));
        assert!(matches!(
            parse_reference("data.aws_vpc.main.id"),
            Reference::Data { rtype: "aws_vpc", name: "main", key: None }
        ));
    }
}
