//! CloudFormation templates (JSON or YAML, hand-written or synthesised by the AWS CDK).
//!
//! Resources are named by logical id and scoped to their template (two stacks may both have a
//! `Vpc`). Properties are evaluated with their intrinsic functions ([`intrinsics`]); what the
//! template cannot decide is Unknown and rules do not judge it. AWS creates some resources with
//! every VPC — the main route table and the default network ACL (allow all) — and vpclint adds
//! them, so a subnet without associations behaves exactly as it will once deployed.

mod compute;
mod finish;
pub mod intrinsics;
mod network;
mod security;

use super::{ErrorLocation, InputError, LoadState, Loaded};
use crate::ingest::normalise::DocumentStart;
use crate::ingest::normalise::defaults::{self, Created, NewAttachment, NewTransitGateway};
use crate::ingest::normalise::edit::{self, Edit};
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

/// [`detect`], for a document already read into a `serde_json::Value` (a YAML template).
pub fn detect_value(root: &Value) -> bool {
    let Some(root) = root.as_object() else { return false };
    root.contains_key("AWSTemplateFormatVersion")
        || root.get("Resources").and_then(Value::as_object).is_some_and(|r| {
            r.values().any(|v| v.get("Type").and_then(Value::as_str).is_some_and(|t| t.contains("::")))
        })
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
    fn to_ref<A>(&self) -> Option<Ref<A>> {
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
    /// Where the template's resources start in the design's arenas.
    start: DocumentStart,
    file: FileId,
    template: &'t Template<'t>,
    state: &'s mut LoadState,
    loaded: &'s mut Loaded,
    region: Option<String>,
    account: Option<String>,
    pending: Vec<Edit>,
    /// Logical id → arena index, for resources of this template.
    vpcs: HashMap<String, usize>,
    eips: HashMap<String, usize>,
    /// Transit gateways of this template, by logical id.
    tgws: BTreeMap<String, TgwDefaults>,
    /// VPC attachments of this template: logical id and transit gateway.
    tgw_attachments: Vec<(String, Link)>,
    instances: HashMap<String, usize>,
    subnets: Vec<usize>,
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
        start: DocumentStart::of(&loaded.design),
        file,
        template: &template,
        state,
        loaded,
        region,
        account,
        pending: Vec::new(),
        vpcs: HashMap::new(),
        eips: HashMap::new(),
        tgws: BTreeMap::new(),
        tgw_attachments: Vec::new(),
        instances: HashMap::new(),
        subnets: Vec::new(),
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
    for (name, message) in b.template.rejected_parameters.clone() {
        b.error(format!("/Parameters/{}", escape(&name)), message);
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
                    self.error(
                        pointer,
                        format!(
                            "{}: `{prop}` is not a valid CIDR block: {}",
                            r.logical,
                            crate::diagnostic::quoted_value(s)
                        ),
                    );
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

    /// Names a resource's properties give (`Ref`, `Fn::GetAtt`) that the template does not
    /// define: CloudFormation rejects the template. A template with a `Transform` is exempt (a
    /// macro, SAM among them, adds resources and parameters of its own).
    fn report_missing_names(&mut self, logical: &str, pointer: &str) {
        let missing = std::mem::take(&mut *self.template.missing.borrow_mut());
        if self.template.transformed {
            return;
        }
        for name in missing {
            let message = format!(
                "{logical}: `{name}` is not a parameter, resource or pseudo parameter of the template (CloudFormation rejects a reference to it)"
            );
            self.error(format!("{pointer}/Properties"), message);
        }
    }

    fn resource(&mut self, logical: &str, body: &Value) {
        let pointer = format!("/Resources/{}", escape(logical));
        self.template.missing.borrow_mut().clear();
        let Some(obj) = body.as_object() else {
            self.error(pointer, format!("{logical}: a resource must be a mapping with a `Type`"));
            self.loaded.design.stats.rejected_untyped += 1;
            return;
        };
        let Some(rtype) = obj.get("Type").and_then(Value::as_str) else {
            self.error(pointer, format!("{logical}: the resource has no `Type`"));
            self.loaded.design.stats.rejected_untyped += 1;
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
                    self.loaded.design.stats.rejected_untyped += 1;
                    return;
                }
            },
        };
        self.report_missing_names(logical, &pointer);
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
            let reason = entry.get("reason").and_then(Value::as_str).filter(|s| crate::config::has_visible_text(s));
            match (rule, reason) {
                (Some(rule), Some(reason)) => self.loaded.suppressions.push(crate::diagnostic::DeclaredSuppression {
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
        let built = self.build_network(r).or_else(|()| self.build_security(r)).or_else(|()| self.build_compute(r));
        built.unwrap_or_else(|()| {
            let other = r.rtype;
            *self.loaded.design.stats.unmodelled_keys.entry(format!("cloudformation {other}")).or_default() += 1;
            None
        })
    }

    fn template_type(&self, logical: &str) -> Option<&str> {
        self.types.get(logical).map(String::as_str)
    }
}

/// A subnet the template does not decide (a parameter with no value, an import).
const UNDECIDED_SUBNET: &str = "(subnet not known before deployment)";

/// A sentinel source for a rule whose source the template does not decide: an opaque set of
/// addresses, as a prefix list is, so rules neither count it as the internet nor as nothing.
const UNDECIDED_SOURCE: &str = "(source not known before deployment)";
