//! CloudFormation templates (JSON or YAML, hand-written or synthesised by the AWS CDK).
//!
//! Resources are named by logical id and scoped to their template (two stacks may both have a
//! `Vpc`). Properties are evaluated with their intrinsic functions ([`intrinsics`]); what the
//! template cannot decide is Unknown and rules do not judge it. AWS creates some resources with
//! every VPC — the main route table and the default network ACL (allow all) — and vpclint adds
//! them, so a subnet without associations behaves exactly as it will once deployed.

pub mod intrinsics;
pub mod yaml;

use super::{ErrorLocation, InputError, LoadState, Loaded};
use crate::ingest::normalise::defaults::{self, Created, NewAttachment, NewTransitGateway};
use crate::model::DeclaredSuppression;
use crate::model::net::{Family, PortRange, Protocol, parse_cidr};
use crate::model::*;
use crate::source::{FileId, Origin};
use intrinsics::{Template, Val};
use ipnet::IpNet;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Whether a parsed document is a CloudFormation template: it says so, or its `Resources` map
/// holds entries typed `AWS::…` (or `Custom::…`, `Alexa::…`).
pub fn detect(root: &serde_json_borrow::Value<'_>) -> bool {
    let Some(root) = root.as_object() else { return false };
    root.contains_key("AWSTemplateFormatVersion")
        || root
            .get("Resources")
            .and_then(|r| r.as_object())
            .is_some_and(|r| r.values().any(|v| v.get("Type").as_str().is_some_and(|t| t.contains("::"))))
}

/// A link to another resource, as a property gives it.
#[derive(Clone, Debug, PartialEq)]
enum Link {
    /// A logical id of this template, or a physical id from outside it.
    Known(String),
    Unknown,
    Absent,
}

impl Link {
    fn of(v: Option<&Val>) -> Link {
        match v {
            None | Some(Val::Null) | Some(Val::NoValue) => Link::Absent,
            Some(Val::Resource(r)) => Link::Known(r.clone()),
            Some(v) => v.as_str().filter(|s| !s.is_empty()).map_or(Link::Unknown, Link::Known),
        }
    }
    fn known(&self) -> Option<String> {
        match self {
            Link::Known(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn to_ref(&self) -> Option<Ref> {
        self.known().map(Ref::new)
    }
}

/// Every id a list property names (`SubnetIds`, `SecurityGroups`), and whether some are unknown.
fn links(v: Option<&Val>) -> (Vec<String>, bool) {
    match v {
        None | Some(Val::Null) | Some(Val::NoValue) => (Vec::new(), false),
        Some(Val::List(items)) => {
            let mut out = Vec::new();
            let mut unknown = false;
            for i in items {
                match Link::of(Some(i)) {
                    Link::Known(s) => out.push(s),
                    Link::Unknown => unknown = true,
                    Link::Absent => {}
                }
            }
            (out, unknown)
        }
        Some(_) => (Vec::new(), true),
    }
}

fn port(v: Option<&Val>) -> Option<u16> {
    v.and_then(Val::as_i64).and_then(|p| u16::try_from(p).ok())
}

/// Resources that change another resource rather than being one.
const MERGED: &[&str] = &[
    "AWS::EC2::VPCCidrBlock",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::EIPAssociation",
    "AWS::EC2::TransitGatewayRouteTableAssociation",
    "AWS::EC2::TransitGatewayRouteTablePropagation",
    "AWS::EC2::TransitGatewayRoute",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
];

enum Pending {
    Route {
        table: Link,
        route: Option<Route>,
    },
    TableAssociation {
        table: Link,
        subnet: Link,
        origin: Origin,
    },
    NaclEntry {
        nacl: Link,
        entry: Option<NaclEntry>,
    },
    NaclAssociation {
        nacl: Link,
        subnet: Link,
        origin: Origin,
    },
    VpcCidr {
        vpc: Link,
        cidr: Option<VpcCidr>,
        /// The family of a block the template does not decide.
        undecided: Option<Family>,
    },
    GatewayAttachment {
        igw: Link,
        vpc: Link,
    },
    SgRule {
        group: Link,
        egress: bool,
        rule: Option<SgRule>,
    },
    EipAssociation {
        eip: Link,
        instance: Option<String>,
        eni: Option<String>,
    },
    /// Target groups a listener (or listener rule) forwards to.
    Forward {
        listener_or_lb: Link,
        groups: Vec<String>,
    },
    TgwRoute {
        table: Link,
        cidr: Option<IpNet>,
        attachment: Option<String>,
    },
    /// A transit gateway route table association or propagation.
    TgwTableLink {
        table: Link,
        attachment: Link,
        propagation: bool,
    },
}

/// Whether a transit gateway associates new attachments with its default route table, and
/// propagates their routes into it (`None`: the template does not decide).
#[derive(Clone, Copy)]
struct TgwDefaults {
    association: Option<bool>,
    propagation: Option<bool>,
}

/// One resource of the template, with its evaluated properties.
struct Res<'a> {
    logical: &'a str,
    rtype: &'a str,
    props: Val,
    pointer: String,
}

impl Res<'_> {
    fn get(&self, prop: &str) -> Option<&Val> {
        self.props.get(prop).filter(|v| !matches!(v, Val::NoValue))
    }
    fn str(&self, prop: &str) -> Option<String> {
        self.get(prop).and_then(Val::as_str).filter(|s| !s.is_empty())
    }
    fn link(&self, prop: &str) -> Link {
        Link::of(self.get(prop))
    }
}

struct Builder<'t, 's> {
    file: FileId,
    template: &'t Template<'t>,
    state: &'s mut LoadState,
    loaded: &'s mut Loaded,
    region: Option<String>,
    account: Option<String>,
    pending: Vec<Pending>,
    /// Logical id → arena index, for resources of this template.
    vpcs: HashMap<String, usize>,
    tables: HashMap<String, usize>,
    nacls: HashMap<String, usize>,
    sgs: HashMap<String, usize>,
    eips: HashMap<String, usize>,
    igws: HashMap<String, usize>,
    target_groups: HashMap<String, usize>,
    tgw_tables: HashMap<String, usize>,
    /// Transit gateways of this template, by logical id.
    tgws: BTreeMap<String, TgwDefaults>,
    /// VPC attachments of this template: logical id and transit gateway.
    tgw_attachments: Vec<(String, Link)>,
    instances: HashMap<String, usize>,
    subnets: Vec<usize>,
    /// Listener logical id → its load balancer.
    listener_lbs: HashMap<String, String>,
    /// Subnets of this template, and whether they give instances a public address at launch
    /// (`None`: the template does not decide).
    launch_public_ip: HashMap<String, Option<bool>>,
    /// Every logical id some other resource's properties refer to.
    referenced: HashSet<String>,
    last_pushed: Option<usize>,
    /// Logical id → resource type, for every resource of the template.
    types: HashMap<String, String>,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Read one template into the design. `parameters` are `--parameter Key=Value` pairs.
pub(crate) fn load_document(
    file: FileId,
    root: &Map<String, Value>,
    parameters: &[(String, String)],
    state: &mut LoadState,
    loaded: &mut Loaded,
) {
    let template = Template::new(root, parameters);
    let region = template.parameter("AWS::Region").and_then(Val::as_str);
    let account = template.parameter("AWS::AccountId").and_then(Val::as_str);
    let resources = match root.get("Resources") {
        Some(Value::Object(r)) => r,
        None => return,
        Some(_) => {
            let path = loaded.design.sources.get(file).name.clone();
            loaded.errors.push(InputError {
                file: Some(file),
                path,
                location: ErrorLocation::Pointer("/Resources".into()),
                message: "`Resources` must be a mapping of logical ids to resources".into(),
                help: None,
            });
            return;
        }
    };
    let mut b = Builder {
        file,
        template: &template,
        state,
        loaded,
        region,
        account,
        pending: Vec::new(),
        vpcs: HashMap::new(),
        tables: HashMap::new(),
        nacls: HashMap::new(),
        sgs: HashMap::new(),
        eips: HashMap::new(),
        igws: HashMap::new(),
        target_groups: HashMap::new(),
        tgw_tables: HashMap::new(),
        tgws: BTreeMap::new(),
        tgw_attachments: Vec::new(),
        instances: HashMap::new(),
        subnets: Vec::new(),
        listener_lbs: HashMap::new(),
        launch_public_ip: HashMap::new(),
        referenced: HashSet::new(),
        last_pushed: None,
        types: resources.iter().filter_map(|(k, v)| Some((k.clone(), v.get("Type")?.as_str()?.to_string()))).collect(),
    };
    // In the order the template writes them (a parsed object is sorted by key), so that "first"
    // and "second" in diagnostics follow the file. Templates are small: the outline is cheap.
    let source = b.loaded.design.sources.get(file);
    let mut ordered: Vec<(usize, &String, &Value)> = resources
        .iter()
        .map(|(k, v)| {
            let at = source.span_of(&format!("/Resources/{}", escape(k))).map_or(usize::MAX, |r| r.start);
            (at, k, v)
        })
        .collect();
    ordered.sort_by_key(|&(at, k, _)| (at, k));
    for (_, logical, body) in ordered {
        b.resource(logical, body);
    }
    b.finish();
}

/// Types whose properties associate an Elastic IP (by `AllocationId`).
const ASSOCIATES_ADDRESSES: &[&str] = &[
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIPAssociation",
    "AWS::EC2::Instance",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::GlobalAccelerator::EndpointGroup",
];

/// Every logical id a raw value names through `Ref`, `Fn::GetAtt` or `Fn::Sub`, in every branch.
fn named_resources(v: &Value, out: &mut HashSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, arg) in m {
                match (k.as_str(), arg) {
                    ("Ref", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        out.insert(s.split('.').next().unwrap_or_default().to_string());
                    }
                    ("Fn::GetAtt", Value::Array(a)) => {
                        out.extend(a.first().and_then(Value::as_str).map(str::to_string));
                    }
                    ("Fn::Sub", _) => {
                        let text = arg.as_str().or_else(|| arg.get(0).and_then(Value::as_str)).unwrap_or_default();
                        for part in text.split("${").skip(1) {
                            let name = part.split('}').next().unwrap_or_default();
                            out.insert(name.split('.').next().unwrap_or_default().to_string());
                        }
                        named_resources(arg, out);
                    }
                    _ => named_resources(arg, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| named_resources(i, out)),
        _ => {}
    }
}

impl Builder<'_, '_> {
    fn error(&mut self, pointer: String, message: String) {
        let path = self.loaded.design.sources.get(self.file).name.clone();
        self.loaded.errors.push(InputError {
            file: Some(self.file),
            path,
            location: ErrorLocation::Pointer(pointer),
            message,
            help: None,
        });
    }

    fn origin(&self, r: &Res<'_>) -> Origin {
        Origin::new(self.file, r.pointer.clone())
    }

    /// Where a property is written; the resource when it is not.
    fn prop_origin(&self, r: &Res<'_>, prop: &str) -> Origin {
        if r.get(prop).is_some() { self.origin(r).at("Properties").at(prop) } else { self.origin(r) }
    }

    fn meta(&self, r: &Res<'_>) -> Meta {
        let tags: Vec<(String, String)> = match r.get("Tags") {
            Some(Val::List(items)) => items
                .iter()
                .filter_map(|t| {
                    Some((t.get("Key")?.display()?, t.get("Value").and_then(Val::display).unwrap_or_default()))
                })
                .collect(),
            _ => Vec::new(),
        };
        let name = tags.iter().find(|(k, _)| k == "Name").map(|(_, v)| v.clone());
        Meta {
            id: r.logical.to_string(),
            account: self.account.clone(),
            region: self.region.clone(),
            name,
            tags,
            origin: self.origin(r),
            id_key: "",
            module_source: None,
            document: Some(self.file),
            provenance: crate::model::Provenance::Template,
        }
    }

    /// A CIDR property: `Ok(None)` when absent or not decided by the template; an error when it
    /// is written and malformed.
    fn cidr(&mut self, r: &Res<'_>, prop: &str) -> Result<Option<IpNet>, ()> {
        match r.get(prop) {
            Some(Val::Str(s)) => match parse_cidr(s) {
                Some(n) => Ok(Some(n)),
                None => {
                    let pointer = self.prop_origin(r, prop).pointer;
                    self.error(pointer, format!("{}: `{prop}` is not a valid CIDR block: \"{s}\"", r.logical));
                    Err(())
                }
            },
            _ => Ok(None),
        }
    }

    fn push<T: super::HasMeta>(
        &mut self,
        kind: ResourceKind,
        item: T,
        arena: fn(&mut Design) -> &mut Vec<T>,
    ) -> Option<ResourceKind> {
        self.last_pushed = self.state.push_first(&mut self.loaded.design, kind, item, arena);
        Some(kind)
    }

    fn remember(map: &mut HashMap<String, usize>, logical: &str, index: Option<usize>) {
        if let Some(i) = index {
            map.insert(logical.to_string(), i);
        }
    }

    fn resource(&mut self, logical: &str, body: &Value) {
        let pointer = format!("/Resources/{}", escape(logical));
        let Some(obj) = body.as_object() else {
            self.error(pointer, format!("{logical}: a resource must be a mapping with a `Type`"));
            return;
        };
        let Some(rtype) = obj.get("Type").and_then(Value::as_str) else {
            self.error(pointer, format!("{logical}: the resource has no `Type`"));
            return;
        };
        if self.template.resource_condition(body) == Some(false) {
            *self.loaded.design.stats.condition_false.entry(rtype.to_string()).or_default() += 1;
            let condition = obj.get("Condition").and_then(Value::as_str).unwrap_or_default();
            self.loaded.design.not_created.insert((self.file, logical.to_string()), condition.to_string());
            return;
        }
        let props = match obj.get("Properties") {
            None | Some(Value::Null) => Val::Map(BTreeMap::new()),
            Some(p @ Value::Object(_)) => self.template.eval(p, 0),
            Some(p) => match self.template.eval(p, 0) {
                // `Properties: !If [Cond, {...}, {...}]`
                v @ Val::Map(_) => v,
                Val::Unknown => Val::Map(BTreeMap::new()),
                _ => {
                    self.error(format!("{pointer}/Properties"), format!("{logical}: `Properties` must be a mapping"));
                    return;
                }
            },
        };
        let r = Res { logical, rtype, props, pointer };
        // Resources that take an Elastic IP by allocation: what they name is in use, whichever
        // branch of an undecided `Fn::If` it is in (a DNS record that mentions it is not).
        if ASSOCIATES_ADDRESSES.contains(&rtype) {
            let mut refs = HashSet::new();
            if let Some(p) = obj.get("Properties") {
                named_resources(p, &mut refs);
            }
            refs.remove(logical);
            self.referenced.extend(refs);
        }
        self.metadata(&r, obj.get("Metadata"));
        let kind = self.build(&r);
        if let Some(k) = kind {
            self.loaded.design.kinds_present.insert(k);
        } else if MERGED.contains(&rtype) {
            *self.loaded.design.stats.merged.entry(rtype.to_string()).or_default() += 1;
        }
    }

    /// What AWS created with this template's resources, under the names the template's
    /// intrinsics give it (`!GetAtt Vpc.DefaultNetworkAcl`), so its edits find it.
    fn remember_implicit(&mut self) {
        let d = &self.loaded.design;
        let mine = |m: &Meta| m.document == Some(self.file);
        for (i, n) in d.network_acls.iter().enumerate().filter(|(_, n)| n.is_default && mine(&n.meta)) {
            self.nacls.entry(n.meta.id.clone()).or_insert(i);
        }
        for (i, g) in d.security_groups.iter().enumerate().filter(|(_, g)| mine(&g.meta)) {
            self.sgs.entry(g.meta.id.clone()).or_insert(i);
        }
        for (i, t) in d.route_tables.iter().enumerate().filter(|(_, t)| t.main && mine(&t.meta)) {
            self.tables.entry(t.meta.id.clone()).or_insert(i);
        }
        for (i, t) in d.transit_gateway_route_tables.iter().enumerate().filter(|(_, t)| mine(&t.meta)) {
            self.tgw_tables.entry(t.meta.id.clone()).or_insert(i);
        }
    }

    /// `Metadata: {vpclint: {ignore: [{rule: LB001, reason: "…"}]}}`.
    fn metadata(&mut self, r: &Res<'_>, metadata: Option<&Value>) {
        let Some(v) = metadata.and_then(|m| m.get("vpclint")) else { return };
        let base = format!("{}/Metadata/vpclint", r.pointer);
        let Some(list) = v.get("ignore").and_then(Value::as_array) else {
            self.error(
                base,
                format!("{}: `Metadata.vpclint` needs `ignore: [{{rule: ID, reason: \"…\"}}]`", r.logical),
            );
            return;
        };
        for (i, entry) in list.iter().enumerate() {
            let at = format!("{base}/ignore/{i}");
            let rule = entry.get("rule").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
            let reason = entry.get("reason").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
            match (rule, reason) {
                (Some(rule), Some(reason)) => self.loaded.design.declared_suppressions.push(DeclaredSuppression {
                    resource: r.logical.to_string(),
                    file: self.file,
                    rule: rule.trim().to_string(),
                    reason: reason.to_string(),
                    origin: Origin::new(self.file, format!("{at}/rule")),
                }),
                (None, _) => self.error(at, format!("{}: a vpclint ignore entry needs a `rule`", r.logical)),
                (Some(rule), None) => self.error(
                    at,
                    format!(
                        "{}: the vpclint ignore of {rule} needs a `reason` (why the finding does not apply)",
                        r.logical
                    ),
                ),
            }
        }
    }

    fn build(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        match r.rtype {
            "AWS::EC2::VPC" => self.vpc(r),
            "AWS::EC2::VPCCidrBlock" => {
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
                self.pending.push(Pending::VpcCidr { vpc, cidr, undecided });
                None
            }
            "AWS::EC2::Subnet" => self.subnet(r),
            "AWS::EC2::RouteTable" => {
                let table = RouteTable {
                    vpc: r.link("VpcId").to_ref(),
                    main: false,
                    subnets: Vec::new(),
                    routes: Vec::new(),
                    has_unknown_routes: false,
                    meta: self.meta(r),
                };
                let kind = self.push(ResourceKind::RouteTable, table, |d| &mut d.route_tables);
                Self::remember(&mut self.tables, r.logical, self.last_pushed);
                kind
            }
            "AWS::EC2::Route" => {
                let route = self.route(r);
                self.pending.push(Pending::Route { table: r.link("RouteTableId"), route });
                None
            }
            "AWS::EC2::SubnetRouteTableAssociation" => {
                let origin = self.prop_origin(r, "SubnetId");
                self.pending.push(Pending::TableAssociation {
                    table: r.link("RouteTableId"),
                    subnet: r.link("SubnetId"),
                    origin,
                });
                None
            }
            "AWS::EC2::InternetGateway" => {
                let igw = InternetGateway { attachments: Vec::new(), meta: self.meta(r) };
                let kind = self.push(ResourceKind::InternetGateway, igw, |d| &mut d.internet_gateways);
                Self::remember(&mut self.igws, r.logical, self.last_pushed);
                kind
            }
            "AWS::EC2::VPCGatewayAttachment" => {
                // A virtual private gateway attachment (`VpnGatewayId`) is not an internet path.
                if r.get("InternetGatewayId").is_some() {
                    self.pending
                        .push(Pending::GatewayAttachment { igw: r.link("InternetGatewayId"), vpc: r.link("VpcId") });
                }
                None
            }
            "AWS::EC2::EgressOnlyInternetGateway" => {
                let attachments = r
                    .link("VpcId")
                    .to_ref()
                    .map(|vpc| GatewayAttachment { vpc, state: "attached".into() })
                    .into_iter()
                    .collect();
                let igw = InternetGateway { attachments, meta: self.meta(r) };
                self.push(ResourceKind::EgressOnlyInternetGateway, igw, |d| &mut d.egress_only_internet_gateways)
            }
            "AWS::EC2::NatGateway" => {
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
                    state: "available".into(),
                    connectivity,
                    allocations,
                    allocation_unknown,
                    meta: self.meta(r),
                };
                self.push(ResourceKind::NatGateway, nat, |d| &mut d.nat_gateways)
            }
            "AWS::EC2::EIP" => {
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
            "AWS::EC2::EIPAssociation" => {
                let eip = match r.link("AllocationId") {
                    Link::Absent => r.link("EIP"),
                    l => l,
                };
                self.pending.push(Pending::EipAssociation {
                    eip,
                    instance: r.link("InstanceId").known(),
                    eni: r.link("NetworkInterfaceId").known(),
                });
                None
            }
            "AWS::EC2::VPCPeeringConnection" => {
                let side = |prop: &str, owner: Option<String>, region: Option<String>| PeerSide {
                    vpc: Ref::new(
                        r.link(prop)
                            .known()
                            .unwrap_or_else(|| format!("{} ({prop}, not known before deployment)", r.logical)),
                    ),
                    owner,
                    region,
                    cidrs: Vec::new(),
                    origin: self.prop_origin(r, prop),
                };
                let peer_region = r.str("PeerRegion").or_else(|| self.region.clone());
                let pcx = PeeringConnection {
                    status: "active".into(),
                    requester: side("VpcId", self.account.clone(), self.region.clone()),
                    accepter: side("PeerVpcId", r.str("PeerOwnerId").or_else(|| self.account.clone()), peer_region),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::PeeringConnection, pcx, |d| &mut d.peering_connections)
            }
            "AWS::EC2::SecurityGroup" => self.security_group(r),
            "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                let egress = r.rtype.ends_with("Egress");
                let rule = sg_rule_from(&r.props, egress, self.origin(r).at("Properties"));
                self.pending.push(Pending::SgRule { group: r.link("GroupId"), egress, rule });
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
                let kind = self.push(ResourceKind::NetworkAcl, nacl, |d| &mut d.network_acls);
                Self::remember(&mut self.nacls, r.logical, self.last_pushed);
                kind
            }
            "AWS::EC2::NetworkAclEntry" => {
                let origin = self.prop_origin(r, "RuleNumber");
                let entry = match nacl_entry_from(r, origin) {
                    Ok(e) => e,
                    Err(msg) => {
                        let pointer = self.origin(r).pointer;
                        self.error(pointer, format!("{}: {msg}", r.logical));
                        return None;
                    }
                };
                self.pending.push(Pending::NaclEntry { nacl: r.link("NetworkAclId"), entry });
                None
            }
            "AWS::EC2::SubnetNetworkAclAssociation" => {
                let origin = self.prop_origin(r, "SubnetId");
                self.pending.push(Pending::NaclAssociation {
                    nacl: r.link("NetworkAclId"),
                    subnet: r.link("SubnetId"),
                    origin,
                });
                None
            }
            "AWS::EC2::TransitGateway" => {
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
                let tgw = TransitGateway { state: None, meta: self.meta(r) };
                self.push(ResourceKind::TransitGateway, tgw, |d| &mut d.transit_gateways)
            }
            "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
                let att = TransitGatewayAttachment {
                    transit_gateway: r.link("TransitGatewayId").to_ref(),
                    resource_type: Some("vpc".into()),
                    resource_id: None,
                    vpc: r.link("VpcId").to_ref(),
                    subnets: links(r.get("SubnetIds")).0.into_iter().map(Ref::new).collect(),
                    state: None,
                    association: None,
                    meta: self.meta(r),
                };
                self.tgw_attachments.push((r.logical.to_string(), r.link("TransitGatewayId")));
                self.push(ResourceKind::TransitGatewayVpcAttachment, att, |d| &mut d.transit_gateway_vpc_attachments)
            }
            "AWS::EC2::TransitGatewayRouteTable" => {
                let rt = TransitGatewayRouteTable {
                    transit_gateway: r.link("TransitGatewayId").to_ref(),
                    associations: Vec::new(),
                    propagations: Vec::new(),
                    routes: Vec::new(),
                    meta: self.meta(r),
                };
                let kind =
                    self.push(ResourceKind::TransitGatewayRouteTable, rt, |d| &mut d.transit_gateway_route_tables);
                Self::remember(&mut self.tgw_tables, r.logical, self.last_pushed);
                kind
            }
            "AWS::EC2::TransitGatewayRouteTableAssociation" | "AWS::EC2::TransitGatewayRouteTablePropagation" => {
                self.pending.push(Pending::TgwTableLink {
                    table: r.link("TransitGatewayRouteTableId"),
                    attachment: r.link("TransitGatewayAttachmentId"),
                    propagation: r.rtype.ends_with("Propagation"),
                });
                None
            }
            "AWS::EC2::TransitGatewayRoute" => {
                let blackhole = r.get("Blackhole").and_then(Val::as_bool).unwrap_or(false);
                let cidr = r.str("DestinationCidrBlock").and_then(|c| parse_cidr(&c));
                let attachment = r.link("TransitGatewayAttachmentId").known().filter(|_| !blackhole);
                self.pending.push(Pending::TgwRoute { table: r.link("TransitGatewayRouteTableId"), cidr, attachment });
                None
            }
            "AWS::EC2::VPCEndpoint" => {
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
            "AWS::EC2::Instance" => self.instance(r),
            "AWS::EC2::NetworkInterface" => {
                let eni = NetworkInterface {
                    vpc: None,
                    subnet: r.link("SubnetId").to_ref(),
                    private_ips: r.str("PrivateIpAddress").into_iter().collect(),
                    public_ip: None,
                    security_groups: links(r.get("GroupSet")).0.into_iter().map(Ref::new).collect(),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::NetworkInterface, eni, |d| &mut d.network_interfaces)
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => self.load_balancer(r),
            "AWS::ElasticLoadBalancing::LoadBalancer" => self.classic_load_balancer(r),
            "AWS::ElasticLoadBalancingV2::Listener" => {
                let lb = r.link("LoadBalancerArn");
                if let Some(l) = lb.known() {
                    self.listener_lbs.insert(r.logical.to_string(), l);
                }
                self.pending.push(Pending::Forward {
                    listener_or_lb: lb.clone(),
                    groups: forwarded_groups(r.get("DefaultActions")),
                });
                let l = Listener {
                    load_balancer: lb.to_ref(),
                    protocol: r.str("Protocol"),
                    port: port(r.get("Port")),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::Listener, l, |d| &mut d.listeners)
            }
            "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                let groups = forwarded_groups(r.get("Actions"));
                self.pending.push(Pending::Forward { listener_or_lb: r.link("ListenerArn"), groups });
                None
            }
            "AWS::ElasticLoadBalancingV2::TargetGroup" => {
                let targets = match r.get("Targets") {
                    Some(Val::List(items)) => items
                        .iter()
                        .filter_map(|t| {
                            Some(crate::model::Target { id: Link::of(t.get("Id")).known()?, port: port(t.get("Port")) })
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let tg = TargetGroup {
                    vpc: r.link("VpcId").to_ref(),
                    protocol: r.str("Protocol"),
                    port: port(r.get("Port")),
                    load_balancers: Vec::new(),
                    target_type: r.str("TargetType").or_else(|| Some("instance".into())),
                    targets,
                    meta: self.meta(r),
                };
                let kind = self.push(ResourceKind::TargetGroup, tg, |d| &mut d.target_groups);
                Self::remember(&mut self.target_groups, r.logical, self.last_pushed);
                kind
            }
            other => {
                *self.loaded.design.stats.unmodelled_keys.entry(format!("cloudformation {other}")).or_default() += 1;
                None
            }
        }
    }

    fn vpc(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
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
        let vpc = Vpc { cidrs, is_default: false, meta: self.meta(r), undecided_blocks };
        let kind = self.push(ResourceKind::Vpc, vpc, |d| &mut d.vpcs);
        Self::remember(&mut self.vpcs, r.logical, self.last_pushed);
        kind
    }

    fn subnet(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
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
    fn route(&mut self, r: &Res<'_>) -> Option<Route> {
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
    fn gateway_kind(&self, id: &str) -> TargetKind {
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

    fn template_type(&self, logical: &str) -> Option<&str> {
        self.types.get(logical).map(String::as_str)
    }
}

impl Builder<'_, '_> {
    fn security_group(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let base = self.origin(r).at("Properties");
        let rules = |prop: &str, egress: bool| -> Vec<SgRule> {
            match r.get(prop) {
                Some(Val::List(items)) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, rule)| sg_rule_from(rule, egress, base.at(prop).at(i)))
                    .collect(),
                _ => Vec::new(),
            }
        };
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
            ingress: rules("SecurityGroupIngress", false),
            egress,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::SecurityGroup, sg, |d| &mut d.security_groups);
        Self::remember(&mut self.sgs, r.logical, self.last_pushed);
        kind
    }

    fn instance(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let mut subnet = r.link("SubnetId");
        // `SecurityGroups` names groups of the default VPC (a template's groups by `Ref`).
        let mut groups = links(r.get("SecurityGroupIds")).0;
        groups.extend(links(r.get("SecurityGroups")).0);
        let mut public = None;
        // The primary interface may be declared inline instead.
        if let Some(Val::List(enis)) = r.get("NetworkInterfaces")
            && let Some(primary) =
                enis.iter().find(|e| e.get("DeviceIndex").and_then(Val::as_i64) == Some(0)).or(enis.first())
        {
            if subnet == Link::Absent {
                subnet = Link::of(primary.get("SubnetId"));
            }
            groups.extend(links(primary.get("GroupSet")).0);
            public = primary.get("AssociatePublicIpAddress").and_then(Val::as_bool);
        }
        let inst = Instance {
            vpc: None,
            subnet: subnet.to_ref(),
            private_ip: r.str("PrivateIpAddress"),
            public_ip: (public == Some(true)).then(|| "(assigned at launch)".to_string()),
            public_ip_unknown: false,
            security_groups: groups.into_iter().map(Ref::new).collect(),
            state: None,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::Instance, inst, |d| &mut d.instances);
        if let Some(i) = self.last_pushed
            && public.is_none()
        {
            // Decided by the subnet's `MapPublicIpOnLaunch` once every subnet is read.
            self.instances.insert(r.logical.to_string(), i);
        }
        kind
    }

    fn load_balancer(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let kind = match r.str("Type").as_deref() {
            Some("network") => LbKind::Network,
            Some("gateway") => LbKind::Gateway,
            _ => LbKind::Application,
        };
        let scheme = match (r.get("Scheme"), kind) {
            (_, LbKind::Gateway) => Scheme::Internal,
            (None, _) => Scheme::InternetFacing,
            (Some(v), _) => match v.as_str().as_deref() {
                Some("internal") => Scheme::Internal,
                Some("internet-facing") => Scheme::InternetFacing,
                _ => Scheme::Unknown,
            },
        };
        let mut subnets = self.subnet_list(r);
        if let Some(Val::List(maps)) = r.get("SubnetMappings") {
            let base = self.prop_origin(r, "SubnetMappings");
            for (i, m) in maps.iter().enumerate() {
                if let Some(s) = Link::of(m.get("SubnetId")).known() {
                    subnets.push((Ref::new(s), base.at(i)));
                }
            }
        }
        let lb = LoadBalancer {
            kind,
            scheme,
            vpc: None,
            subnets,
            ip_address_type: r.str("IpAddressType"),
            security_groups: links(r.get("SecurityGroups")).0.into_iter().map(Ref::new).collect(),
            zones: Vec::new(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers)
    }

    /// A load balancer's `Subnets`, each pointing at its own list entry. An entry the template
    /// does not decide stays in the list as an unresolvable subnet, so rules know the list is
    /// incomplete (one known zone does not make a single-zone load balancer).
    fn subnet_list(&self, r: &Res<'_>) -> Vec<(Ref, Origin)> {
        let base = self.prop_origin(r, "Subnets");
        match r.get("Subnets") {
            Some(Val::List(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match Link::of(Some(v)) {
                    Link::Known(s) => Some((Ref::new(s), base.at(i))),
                    Link::Unknown => Some((Ref::new(UNDECIDED_SUBNET), base.at(i))),
                    Link::Absent => None,
                })
                .collect(),
            Some(Val::Unknown) => vec![(Ref::new(UNDECIDED_SUBNET), base)],
            _ => Vec::new(),
        }
    }

    fn classic_load_balancer(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let scheme = match r.str("Scheme").as_deref() {
            None | Some("internet-facing") => Scheme::InternetFacing,
            _ => Scheme::Internal,
        };
        let zones = match r.get("AvailabilityZones") {
            Some(Val::List(items)) => items.iter().filter_map(Val::display).collect(),
            _ => Vec::new(),
        };
        let lb = LoadBalancer {
            kind: LbKind::Classic,
            scheme,
            vpc: None,
            subnets: self.subnet_list(r),
            ip_address_type: None,
            security_groups: links(r.get("SecurityGroups")).0.into_iter().map(Ref::new).collect(),
            zones,
            meta: self.meta(r),
        };
        let mut listeners = Vec::new();
        if let Some(Val::List(items)) = r.get("Listeners") {
            for (i, l) in items.iter().enumerate() {
                let mut meta = lb.meta.clone();
                let p = port(l.get("LoadBalancerPort"));
                meta.id = format!("{}:{}", lb.meta.id, p.unwrap_or_default());
                meta.origin = self.origin(r).at("Properties").at("Listeners").at(i);
                listeners.push(Listener {
                    load_balancer: Some(Ref::new(lb.meta.id.clone())),
                    protocol: l.get("Protocol").and_then(Val::as_str),
                    port: p,
                    meta,
                });
            }
        }
        let kind = self.push(ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers);
        if self.last_pushed.is_some() {
            if !listeners.is_empty() {
                self.loaded.design.kinds_present.insert(ResourceKind::Listener);
            }
            self.loaded.design.listeners.extend(listeners);
        }
        kind
    }

    fn finish(mut self) {
        let mut created = Created {
            vpcs: self.vpcs.keys().cloned().collect(),
            transit_gateways: self
                .tgws
                .iter()
                .map(|(id, t)| NewTransitGateway { id: id.clone(), associate: t.association, propagate: t.propagation })
                .collect(),
            ..Created::default()
        };
        defaults::create(self.state, self.loaded, self.file, &created);
        self.remember_implicit();

        let find = |map: &HashMap<String, usize>, link: &Link| link.known().and_then(|l| map.get(&l).copied());
        let mut explicit_nacl: HashSet<String> = HashSet::new();
        let mut explicit_tgw_association: HashSet<String> = HashSet::new();
        for p in std::mem::take(&mut self.pending) {
            let d = &mut self.loaded.design;
            match p {
                Pending::Route { table, route } => {
                    if let Some(t) = find(&self.tables, &table) {
                        match route {
                            Some(route) => {
                                d.route_tables[t].has_unknown_routes |= route.target.kind == TargetKind::Unknown;
                                d.route_tables[t].routes.push(route);
                            }
                            None => d.route_tables[t].has_unknown_routes = true,
                        }
                    }
                }
                Pending::TableAssociation { table, subnet, origin } => {
                    if let (Some(t), Some(s)) = (find(&self.tables, &table), subnet.known()) {
                        d.route_tables[t].subnets.push((Ref::new(s), origin));
                    }
                }
                Pending::NaclEntry { nacl, entry } => {
                    if let Some(n) = find(&self.nacls, &nacl) {
                        match entry {
                            Some(e) => d.network_acls[n].entries.push(e),
                            None => d.network_acls[n].has_unknown_entries = true,
                        }
                    }
                }
                Pending::NaclAssociation { nacl, subnet, origin } => {
                    if let Some(s) = subnet.known() {
                        explicit_nacl.insert(s.clone());
                        if let Some(n) = find(&self.nacls, &nacl) {
                            d.network_acls[n].subnets.push((Ref::new(s), origin));
                        }
                    }
                }
                Pending::VpcCidr { vpc, cidr, undecided } => {
                    if let Some(v) = find(&self.vpcs, &vpc) {
                        d.vpcs[v].cidrs.extend(cidr);
                        d.vpcs[v].undecided_blocks.extend(undecided);
                    }
                }
                Pending::GatewayAttachment { igw, vpc } => {
                    if let (Some(g), Some(v)) = (find(&self.igws, &igw), vpc.known()) {
                        d.internet_gateways[g]
                            .attachments
                            .push(GatewayAttachment { vpc: Ref::new(v), state: "available".into() });
                    }
                }
                Pending::SgRule { group, egress, rule } => {
                    if let (Some(g), Some(rule)) = (find(&self.sgs, &group), rule) {
                        let sg = &mut d.security_groups[g];
                        if egress { sg.egress.push(rule) } else { sg.ingress.push(rule) }
                    }
                }
                Pending::EipAssociation { eip, instance, eni } => {
                    if let Some(e) = find(&self.eips, &eip) {
                        let x = &mut d.elastic_ips[e];
                        x.instance = x.instance.take().or(instance);
                        x.network_interface = x.network_interface.take().or(eni);
                    }
                }
                Pending::Forward { listener_or_lb, groups } => {
                    let lb = listener_or_lb.known().map(|l| self.listener_lbs.get(&l).cloned().unwrap_or(l));
                    if let Some(lb) = lb {
                        for g in groups {
                            if let Some(&i) = self.target_groups.get(&g) {
                                let list = &mut d.target_groups[i].load_balancers;
                                if !list.iter().any(|r| r.id == lb) {
                                    list.push(Ref::new(lb.clone()));
                                }
                            }
                        }
                    }
                }
                Pending::TgwRoute { table, cidr, attachment } => {
                    if let (Some(t), Some(c)) = (find(&self.tgw_tables, &table), cidr) {
                        d.transit_gateway_route_tables[t].routes.push((c, attachment.map(Ref::new)));
                    }
                }
                Pending::TgwTableLink { table, attachment, propagation } => {
                    let Some(att) = attachment.known() else { continue };
                    if !propagation {
                        explicit_tgw_association.insert(att.clone());
                    }
                    match find(&self.tgw_tables, &table) {
                        Some(t) => {
                            let rt = &mut d.transit_gateway_route_tables[t];
                            let list = if propagation { &mut rt.propagations } else { &mut rt.associations };
                            list.push(Ref::new(att));
                        }
                        // A table outside the template has a physical id.
                        None => {
                            if let Some(table) = table.known() {
                                d.tgw_table_links.push((table, att, propagation));
                            }
                        }
                    }
                }
            }
        }
        created.nacl_associated = explicit_nacl;
        created.tgw_associated = explicit_tgw_association;
        created.attachments = std::mem::take(&mut self.tgw_attachments)
            .into_iter()
            .filter_map(|(id, tgw)| {
                Some(NewAttachment { id, transit_gateway: tgw.known()?, associate: true, propagate: true })
            })
            .collect();
        defaults::link(self.loaded, self.file, &created);
        let d = &mut self.loaded.design;
        // Elastic IPs a NAT gateway, a load balancer mapping or an instance takes by allocation
        // are in use even without an association.
        for (logical, &e) in &self.eips {
            if self.referenced.contains(logical) && d.elastic_ips[e].association_id.is_none() {
                d.elastic_ips[e].association_id = Some("(referenced in the template)".into());
            }
        }
        let mut eip_instances: HashSet<String> = HashSet::new();
        for &e in self.eips.values() {
            eip_instances.extend(d.elastic_ips[e].instance.clone());
        }
        for (logical, &i) in &self.instances {
            let inst = &mut d.instances[i];
            // Without a subnet of this template the instance lands in the default VPC's default
            // subnet, or in one defined elsewhere: whether it gets an address is not known here.
            let launch = inst.subnet.as_ref().and_then(|s| self.launch_public_ip.get(&s.id).copied()).flatten();
            if eip_instances.contains(logical) {
                inst.public_ip = Some("(Elastic IP)".into());
            } else if launch == Some(true) {
                inst.public_ip = Some("(assigned at launch)".into());
            } else if launch.is_none() {
                inst.public_ip_unknown = true;
            }
        }
    }
}

/// Target groups named by listener actions (`TargetGroupArn`, or `ForwardConfig.TargetGroups`).
fn forwarded_groups(actions: Option<&Val>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Val::List(actions)) = actions {
        for a in actions {
            out.extend(Link::of(a.get("TargetGroupArn")).known());
            if let Some(Val::List(groups)) = a.get("ForwardConfig").and_then(|f| f.get("TargetGroups")) {
                out.extend(groups.iter().filter_map(|g| Link::of(g.get("TargetGroupArn")).known()));
            }
        }
    }
    out
}

/// A subnet the template does not decide (a parameter with no value, an import).
const UNDECIDED_SUBNET: &str = "(subnet not known before deployment)";

/// A sentinel source for a rule whose source the template does not decide: an opaque set of
/// addresses, as a prefix list is, so rules neither count it as the internet nor as nothing.
const UNDECIDED_SOURCE: &str = "(source not known before deployment)";

/// An inline or standalone security group rule.
fn sg_rule_from(v: &Val, egress: bool, origin: Origin) -> Option<SgRule> {
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
fn nacl_entry_from(r: &Res<'_>, origin: Origin) -> Result<Option<NaclEntry>, String> {
    let undecided = |k: &str| r.get(k).is_some_and(|v| v.as_str().is_none() && v.as_bool().is_none());
    if ["RuleNumber", "Protocol", "RuleAction", "CidrBlock", "Ipv6CidrBlock", "Egress"].iter().any(|k| undecided(k)) {
        return Ok(None);
    }
    let number = r.get("RuleNumber").and_then(Val::as_i64).ok_or("missing `RuleNumber`")?;
    if !(1..=32766).contains(&number) {
        return Err(format!("`RuleNumber` {number} is outside 1-32766"));
    }
    let proto = r.str("Protocol").ok_or("missing `Protocol`")?;
    let protocol = Protocol::parse(&proto).ok_or_else(|| format!("`Protocol` is not a protocol: \"{proto}\""))?;
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
    Ok(Some(NaclEntry { number: number as u32, egress, protocol, allow, cidr, ports, origin }))
}
