//! Terraform `terraform show -json` output: plans (format 0.1–1.2) and state.
//!
//! A plan's `planned_values` omit every attribute that is "known after apply", which would cut the
//! links between resources created together (a route's `nat_gateway_id`, a NAT gateway's
//! `allocation_id`, a load balancer's `subnets`). Those links are recovered from the `references`
//! of the `configuration` expressions, through module inputs and outputs and `count.index` /
//! `each.key`. What cannot be determined stays Unknown, which rules treat as "do not judge".

use super::{ErrorLocation, HasMeta, InputError, LoadState, Loaded};
use crate::ingest::normalise::defaults::{self, Created, NewAttachment, NewTransitGateway};
use crate::model::net::{Family, PortRange, Protocol, parse_cidr};
use crate::model::*;
use crate::source::{FileId, Origin};
use ipnet::IpNet;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Whether a parsed document is Terraform JSON output.
pub fn detect(root: &serde_json_borrow::Value<'_>) -> bool {
    let Some(root) = root.as_object() else { return false };
    root.contains_key("planned_values")
        || root.contains_key("resource_changes")
        || (root.contains_key("format_version")
            && root.get("values").and_then(|v| v.as_object()).is_some_and(|v| v.contains_key("root_module")))
}

/// One managed resource as the plan or state describes it after the change.
struct Res<'a> {
    address: String,
    /// Module instance path, e.g. `[("vpc", None), ("subnets", Some("\"a\""))]`.
    module: Vec<(String, Option<String>)>,
    rtype: String,
    name: String,
    index: Option<&'a Value>,
    values: &'a Value,
    unknown: Option<&'a Value>,
    /// Pointer to the resource object, and the key below it that holds `values`.
    pointer: String,
    values_key: &'static str,
}

/// A resolved reference: resources of the plan (by address), an id outside it, or unknown.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    Addresses(Vec<String>),
    External(String),
    Unknown,
}

struct Plan<'a> {
    file: FileId,
    resources: Vec<Res<'a>>,
    by_address: HashMap<String, usize>,
    /// `module path + type.name` (no instance key) → addresses of its instances, sorted.
    instances: HashMap<String, Vec<String>>,
    /// Known AWS id → address, for values that name another resource of the plan by id.
    by_aws_id: HashMap<String, String>,
    /// Config module path (names only, joined by '.') → module config object.
    modules: HashMap<String, &'a Value>,
    /// (config module path, `type.name`) → the resource's configuration.
    config_resources: HashMap<(String, String), &'a Value>,
    /// (config module path, `type.name`) of every resource another resource or an output of its
    /// module refers to; built on first use.
    referenced: std::cell::OnceCell<HashSet<(String, String)>>,
    /// Data source address → recorded id.
    data_ids: HashMap<String, String>,
    root_variables: Option<&'a Map<String, Value>>,
    region: Option<String>,
}

fn module_prefix(module: &[(String, Option<String>)]) -> String {
    module
        .iter()
        .map(|(n, k)| format!("module.{n}{}.", k.as_deref().map(|k| format!("[{k}]")).unwrap_or_default()))
        .collect()
}

fn config_path(module: &[(String, Option<String>)]) -> String {
    module.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(".")
}

/// Parse a module address like `module.a["x"].module.b[0]` into names and instance keys.
fn parse_module_address(addr: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = addr;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find(['.', '[']).unwrap_or(r.len());
        let name = r[..end].to_string();
        let mut after = &r[end..];
        let mut key = None;
        if after.starts_with('[')
            && let Some(close) = after.find(']')
        {
            key = Some(after[1..close].to_string());
            after = &after[close + 1..];
        }
        out.push((name, key));
        rest = after.strip_prefix('.').unwrap_or("");
    }
    out
}

/// The JSON text of an instance key as it appears in addresses: `0` or `"a"`.
fn key_text(index: &Value) -> String {
    match index {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// A reference string split into its parts.
enum Reference<'r> {
    Resource { rtype: &'r str, name: &'r str, key: Option<&'r str> },
    Data { rtype: &'r str, name: &'r str, key: Option<&'r str> },
    Module { name: &'r str, key: Option<&'r str>, output: Option<&'r str> },
    Var(&'r str),
    Other,
}

/// `name` or `name[key]` at the start of `s`, and what follows.
fn name_and_key(s: &str) -> (&str, Option<&str>, &str) {
    let end = s.find(['.', '[']).unwrap_or(s.len());
    let (name, mut rest) = (&s[..end], &s[end..]);
    let mut key = None;
    if rest.starts_with('[')
        && let Some(close) = rest.find(']')
    {
        key = Some(&rest[1..close]);
        rest = &rest[close + 1..];
    }
    (name, key.filter(|k| *k != "*"), rest.strip_prefix('.').unwrap_or(rest))
}

fn parse_reference(r: &str) -> Reference<'_> {
    if let Some(v) = r.strip_prefix("var.") {
        return Reference::Var(v.split(['.', '[']).next().unwrap_or(v));
    }
    if let Some(m) = r.strip_prefix("module.") {
        let (name, key, rest) = name_and_key(m);
        let output = (!rest.is_empty()).then(|| rest.split(['.', '[']).next().unwrap_or(rest));
        return Reference::Module { name, key, output };
    }
    if let Some(d) = r.strip_prefix("data.") {
        let Some((rtype, rest)) = d.split_once('.') else { return Reference::Other };
        let (name, key, _) = name_and_key(rest);
        return Reference::Data { rtype, name, key };
    }
    if ["count.", "each.", "local.", "path.", "self.", "terraform."].iter().any(|p| r.starts_with(p)) {
        return Reference::Other;
    }
    match r.split_once('.') {
        Some((rtype, rest)) if rtype.contains('_') => {
            let (name, key, _) = name_and_key(rest);
            Reference::Resource { rtype, name, key }
        }
        _ => Reference::Other,
    }
}

impl<'a> Plan<'a> {
    fn config_module(&self, module: &[(String, Option<String>)]) -> Option<&'a Value> {
        self.modules.get(&config_path(module)).copied()
    }

    /// The `source` of the module a resource is in (`./modules/network`, a registry address).
    fn module_source(&self, module: &[(String, Option<String>)]) -> Option<String> {
        let (last, parent) = module.split_last()?;
        let call = self.config_module(parent)?.get("module_calls")?.get(&last.0)?;
        call.get("source").and_then(Value::as_str).map(|s| format!("module.{} ({s})", last.0))
    }

    /// Whether anything in the resource's module (another resource, or an output) refers to it: an
    /// Elastic IP a configuration refers to is in use there, wherever its association is recorded.
    fn is_referenced(&self, res: &Res<'a>) -> bool {
        let referenced = self.referenced.get_or_init(|| {
            let mut out = HashSet::new();
            let mut add = |path: &str, expr: &Value, except: Option<&str>| {
                for r in collect_references(expr) {
                    if let Reference::Resource { rtype, name, .. } = parse_reference(&r) {
                        let name = format!("{rtype}.{name}");
                        if except != Some(name.as_str()) {
                            out.insert((path.to_string(), name));
                        }
                    }
                }
            };
            for ((path, name), c) in &self.config_resources {
                if let Some(e) = c.get("expressions") {
                    add(path, e, Some(name));
                }
            }
            for (path, m) in &self.modules {
                if let Some(o) = m.get("outputs") {
                    add(path, o, None);
                }
            }
            out
        });
        referenced.contains(&(config_path(&res.module), format!("{}.{}", res.rtype, res.name)))
    }

    fn config_resource(&self, res: &Res<'a>) -> Option<&'a Value> {
        let wanted = format!("{}.{}", res.rtype, res.name);
        self.config_resources.get(&(config_path(&res.module), wanted)).copied()
    }

    /// Whether the configuration writes `attr` at all. A block attribute that is unknown but not
    /// written (`route`, `ingress`, `egress`) is only computed from standalone resources.
    fn writes(&self, res: &Res<'a>, attr: &str) -> bool {
        match self.config_resource(res) {
            Some(c) => c.get("expressions").and_then(|e| e.get(attr)).is_some(),
            None => true,
        }
    }

    /// The `references` of a resource attribute's expression, if the configuration has them.
    fn references(&self, res: &Res<'a>, attr: &str) -> Option<Vec<String>> {
        let expr = self.config_resource(res)?.get("expressions")?.get(attr)?;
        Some(collect_references(expr))
    }

    /// Resolve `refs` (seen from module instance `module`) to resources of one of `want` types.
    fn resolve(
        &self,
        module: &[(String, Option<String>)],
        refs: &[String],
        want: &[&str],
        index: Option<&Value>,
        depth: usize,
    ) -> Target {
        if depth > 16 {
            return Target::Unknown;
        }
        let indexed = is_indexed(refs);
        for r in refs {
            match parse_reference(r) {
                Reference::Resource { rtype, name, key } => {
                    if !want.is_empty() && !want.contains(&rtype) {
                        continue;
                    }
                    let base = format!("{}{rtype}.{name}", module_prefix(module));
                    let Some(all) = self.instances.get(&base) else { continue };
                    if let Some(k) = key {
                        let addr = format!("{base}[{k}]");
                        if self.by_address.contains_key(&addr) {
                            return Target::Addresses(vec![addr]);
                        }
                        continue;
                    }
                    if all.len() == 1 && all[0] == base {
                        return Target::Addresses(vec![base]);
                    }
                    if indexed {
                        return match index {
                            Some(i) => {
                                let addr = format!("{base}[{}]", key_text(i));
                                if self.by_address.contains_key(&addr) {
                                    Target::Addresses(vec![addr])
                                } else if let Some(n) = i.as_u64() {
                                    // A list built from a for_each map is ordered by key.
                                    all.get(n as usize).map_or(Target::Unknown, |a| Target::Addresses(vec![a.clone()]))
                                } else {
                                    Target::Unknown
                                }
                            }
                            None => Target::Unknown,
                        };
                    }
                    return Target::Addresses(all.clone());
                }
                Reference::Data { rtype, name, key } => {
                    if !want.is_empty() && !want.contains(&rtype) {
                        continue;
                    }
                    let mut addr = format!("{}data.{rtype}.{name}", module_prefix(module));
                    if let Some(k) = key {
                        addr.push_str(&format!("[{k}]"));
                    }
                    return self.data_ids.get(&addr).map_or(Target::Unknown, |id| Target::External(id.clone()));
                }
                Reference::Var(var) => {
                    let Some((last, parent)) = module.split_last() else {
                        let value = self.root_variables.and_then(|v| v.get(var)).and_then(|v| v.get("value"));
                        return match value {
                            Some(Value::String(s)) if !s.is_empty() => Target::External(s.clone()),
                            _ => Target::Unknown,
                        };
                    };
                    let Some(call) =
                        self.config_module(parent).and_then(|m| m.get("module_calls")).and_then(|c| c.get(&last.0))
                    else {
                        return Target::Unknown;
                    };
                    let Some(expr) = call.get("expressions").and_then(|e| e.get(var)) else { return Target::Unknown };
                    if let Some(Value::String(s)) = expr.get("constant_value") {
                        return Target::External(s.clone());
                    }
                    let module_index: Option<Value> = last.1.as_ref().and_then(|k| serde_json::from_str(k).ok());
                    let idx = module_index.as_ref().or(index);
                    return self.resolve(parent, &collect_references(expr), want, idx, depth + 1);
                }
                Reference::Module { name, key, output } => {
                    let Some(output) = output else { continue };
                    let mut child = module.to_vec();
                    child.push((name.to_string(), key.map(str::to_string)));
                    let Some(out) =
                        self.config_module(&child).and_then(|m| m.get("outputs")).and_then(|o| o.get(output))
                    else {
                        return Target::Unknown;
                    };
                    let Some(expr) = out.get("expression") else { return Target::Unknown };
                    let mut inner = collect_references(expr);
                    if indexed {
                        inner.push("count.index".into());
                    }
                    let t = self.resolve(&child, &inner, want, index, depth + 1);
                    // A module with count/for_each whose instance the reference does not name.
                    if t == Target::Unknown && key.is_none() {
                        return Target::Unknown;
                    }
                    return t;
                }
                Reference::Other => {}
            }
        }
        Target::Unknown
    }

    /// An attribute naming other resources: known ids (mapped to plan addresses where they
    /// match), references resolved through the configuration, or unknown.
    fn link(&self, res: &Res<'a>, attr: &str, want: &[&str]) -> Link {
        let unknown = res.unknown.and_then(|u| u.get(attr));
        let is_unknown = match unknown {
            Some(Value::Bool(true)) => true,
            Some(Value::Array(a)) => a.iter().any(|x| x == &Value::Bool(true)),
            _ => false,
        };
        let known: Vec<String> = match res.values.get(attr) {
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            Some(Value::Array(a)) => {
                a.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string).collect()
            }
            _ => Vec::new(),
        };
        if !is_unknown {
            if known.is_empty() {
                return Link::Absent;
            }
            return Link::Known(known.into_iter().map(|id| self.by_aws_id.get(&id).cloned().unwrap_or(id)).collect());
        }
        let Some(refs) = self.references(res, attr) else { return Link::Unknown };
        let external = |id: String| self.by_aws_id.get(&id).cloned().unwrap_or(id);
        if LIST_ATTRIBUTES.contains(&attr) {
            // `[a.id, b.id]`: every element, the literal ones as the plan shows them.
            return match self.resolve_each(&res.module, &refs, want, res.index) {
                Some(mut all) => {
                    all.extend(known.into_iter().map(external));
                    all.dedup();
                    Link::Known(all)
                }
                None => Link::Unknown,
            };
        }
        match self.resolve_unique(&res.module, &refs, want, res.index) {
            Target::Addresses(a) => Link::Known(a),
            Target::External(id) => Link::Known(vec![external(id)]),
            Target::Unknown => Link::Unknown,
        }
    }

    /// [`Plan::resolve`], when the references name one resource of the wanted types: an expression
    /// naming two (`var.x ? a.id : b.id`, or the merged references of a table's inline routes)
    /// does not say which one applies.
    fn resolve_unique(
        &self,
        module: &[(String, Option<String>)],
        refs: &[String],
        want: &[&str],
        index: Option<&Value>,
    ) -> Target {
        if !is_indexed(refs) {
            let mut named: Vec<String> = Vec::new();
            for r in most_specific(refs) {
                if let Target::Addresses(a) = self.resolve(module, std::slice::from_ref(r), want, index, 0) {
                    named.extend(a);
                }
            }
            named.sort();
            named.dedup();
            if named.len() > 1 {
                return Target::Unknown;
            }
        }
        self.resolve(module, refs, want, index, 0)
    }

    /// Every resource a list expression names, in order; `None` when one of its references to the
    /// wanted types cannot be resolved.
    fn resolve_each(
        &self,
        module: &[(String, Option<String>)],
        refs: &[String],
        want: &[&str],
        index: Option<&Value>,
    ) -> Option<Vec<String>> {
        if is_indexed(refs) {
            return match self.resolve(module, refs, want, index, 0) {
                Target::Addresses(a) => Some(a),
                Target::External(id) => Some(vec![id]),
                Target::Unknown => None,
            };
        }
        let mut out: Vec<String> = Vec::new();
        for r in most_specific(refs) {
            let wanted = match parse_reference(r) {
                Reference::Resource { rtype, .. } | Reference::Data { rtype, .. } => want.contains(&rtype),
                Reference::Var(_) => true,
                // `module.m` is listed beside `module.m.output`; only the output names anything.
                Reference::Module { output, .. } => output.is_some(),
                Reference::Other => false,
            };
            match self.resolve(module, std::slice::from_ref(r), want, index, 0) {
                Target::Addresses(a) => out.extend(a.into_iter().filter(|x| !out.contains(x)).collect::<Vec<_>>()),
                Target::External(id) if !out.contains(&id) => out.push(id),
                Target::External(_) => {}
                Target::Unknown if wanted => return None,
                Target::Unknown => {}
            }
        }
        Some(out)
    }
}

/// Attributes that hold a list of resources (`subnets = [a.id, b.id]`).
const LIST_ATTRIBUTES: &[&str] =
    &["subnets", "subnet_ids", "security_groups", "vpc_security_group_ids", "route_table_ids"];

/// The references that are not a prefix of an indexed one: Terraform lists `a.b["k"].id`,
/// `a.b["k"]` and `a.b`, and the last names every instance.
fn most_specific(refs: &[String]) -> impl Iterator<Item = &String> {
    refs.iter().filter(|r| !refs.iter().any(|o| o.strip_prefix(r.as_str()).is_some_and(|rest| rest.starts_with('['))))
}

fn is_indexed(refs: &[String]) -> bool {
    refs.iter().any(|r| r == "count.index" || r.starts_with("each."))
}

/// What an attribute that names other resources says.
#[derive(Clone, Debug, PartialEq)]
enum Link {
    Known(Vec<String>),
    Unknown,
    Absent,
}

impl Link {
    /// The named resources; none when unknown or absent.
    fn ids(self) -> Vec<String> {
        match self {
            Link::Known(v) => v,
            _ => Vec::new(),
        }
    }
    fn refs(self) -> Vec<Ref> {
        self.ids().into_iter().map(Ref::new).collect()
    }
    fn first(&self) -> Option<String> {
        match self {
            Link::Known(v) => v.first().cloned(),
            _ => None,
        }
    }
}

/// Every string of every `references` list below an expression (blocks nest them).
fn collect_references(expr: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(refs)) = m.get("references") {
                    out.extend(refs.iter().filter_map(Value::as_str).map(str::to_string));
                }
                for (k, x) in m {
                    if k != "references" && k != "constant_value" {
                        walk(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(expr, &mut out);
    out
}

/// Walk a `root_module` / `child_modules` tree of `planned_values` or state `values`.
fn walk_values<'a>(module: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    if let Some(Value::Array(rs)) = module.get("resources") {
        for (i, r) in rs.iter().enumerate() {
            out.push((format!("{pointer}/resources/{i}"), r));
        }
    }
    if let Some(Value::Array(cs)) = module.get("child_modules") {
        for (i, c) in cs.iter().enumerate() {
            walk_values(c, format!("{pointer}/child_modules/{i}"), out);
        }
    }
}

fn walk_config<'a>(module: &'a Value, path: String, out: &mut HashMap<String, &'a Value>) {
    out.insert(path.clone(), module);
    if let Some(Value::Object(calls)) = module.get("module_calls") {
        for (name, call) in calls {
            if let Some(m) = call.get("module") {
                let p = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                walk_config(m, p, out);
            }
        }
    }
}

/// Read one Terraform JSON document (plan or state) into the design.
pub(crate) fn load_document(file: FileId, root: &Map<String, Value>, state: &mut LoadState, loaded: &mut Loaded) {
    let mut plan = Plan {
        file,
        resources: Vec::new(),
        by_address: HashMap::new(),
        instances: HashMap::new(),
        by_aws_id: HashMap::new(),
        modules: HashMap::new(),
        config_resources: HashMap::new(),
        referenced: std::cell::OnceCell::new(),
        data_ids: HashMap::new(),
        root_variables: root.get("variables").and_then(Value::as_object),
        region: root
            .get("configuration")
            .and_then(|c| c.pointer("/provider_config/aws/expressions/region/constant_value"))
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    if let Some(cfg) = root.get("configuration").and_then(|c| c.get("root_module")) {
        walk_config(cfg, String::new(), &mut plan.modules);
        for (path, module) in &plan.modules {
            for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
                if let Some(address) = r.get("address").and_then(Value::as_str) {
                    plan.config_resources.entry((path.clone(), address.to_string())).or_insert(r);
                }
            }
        }
    }

    // Where each resource is written: planned_values (plan) or values (state).
    let mut planned: Vec<(String, &Value)> = Vec::new();
    if let Some(m) = root.get("planned_values").and_then(|p| p.get("root_module")) {
        walk_values(m, "/planned_values/root_module".into(), &mut planned);
    } else if let Some(m) = root.get("values").and_then(|p| p.get("root_module")) {
        walk_values(m, "/values/root_module".into(), &mut planned);
    }
    let planned_by_address: HashMap<&str, (String, &Value)> = planned
        .iter()
        .filter_map(|(p, r)| r.get("address").and_then(Value::as_str).map(|a| (a, (p.clone(), *r))))
        .collect();
    // Data sources recorded in the prior state or planned values give ids to references.
    let mut prior: Vec<(String, &Value)> = Vec::new();
    if let Some(m) = root.get("prior_state").and_then(|p| p.get("values")).and_then(|v| v.get("root_module")) {
        walk_values(m, "/prior_state/values/root_module".into(), &mut prior);
    }
    for (_, r) in prior.iter().chain(planned.iter()) {
        if r.get("mode").and_then(Value::as_str) == Some("data")
            && let (Some(a), Some(id)) =
                (r.get("address").and_then(Value::as_str), r.pointer("/values/id").and_then(Value::as_str))
        {
            plan.data_ids.insert(a.to_string(), id.to_string());
        }
    }

    let mut seen_data: HashMap<String, ()> = HashMap::new();
    let mut count_data = |loaded: &mut Loaded, rtype: &str, address: &str| {
        if seen_data.insert(address.to_string(), ()).is_none() {
            *loaded.design.stats.data_sources.entry(rtype.to_string()).or_default() += 1;
        }
    };

    match root.get("resource_changes").and_then(Value::as_array) {
        Some(changes) => {
            for (i, rc) in changes.iter().enumerate() {
                let Some(address) = rc.get("address").and_then(Value::as_str) else { continue };
                let rtype = rc.get("type").and_then(Value::as_str).unwrap_or_default();
                if rc.get("mode").and_then(Value::as_str) == Some("data") {
                    count_data(loaded, rtype, address);
                    continue;
                }
                let change = rc.get("change");
                let actions: Vec<&str> = change
                    .and_then(|c| c.get("actions"))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if actions == ["delete"] {
                    loaded.design.stats.destroyed += 1;
                    continue;
                }
                let unknown = change.and_then(|c| c.get("after_unknown"));
                let (pointer, values, values_key) = match planned_by_address.get(address) {
                    Some((p, r)) => (p.clone(), r.get("values").unwrap_or(&Value::Null), "values"),
                    None => (
                        format!("/resource_changes/{i}"),
                        change.and_then(|c| c.get("after")).unwrap_or(&Value::Null),
                        "change/after",
                    ),
                };
                plan.resources.push(Res {
                    address: address.to_string(),
                    module: parse_module_address(rc.get("module_address").and_then(Value::as_str).unwrap_or("")),
                    rtype: rtype.to_string(),
                    name: rc.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                    index: rc.get("index"),
                    values,
                    unknown,
                    pointer,
                    values_key,
                });
            }
        }
        None => {
            for (pointer, r) in &planned {
                let Some(address) = r.get("address").and_then(Value::as_str) else { continue };
                let rtype = r.get("type").and_then(Value::as_str).unwrap_or_default();
                if r.get("mode").and_then(Value::as_str) == Some("data") {
                    count_data(loaded, rtype, address);
                    continue;
                }
                let module_address =
                    address.rfind(&format!("{rtype}.")).map(|i| address[..i].trim_end_matches('.')).unwrap_or("");
                plan.resources.push(Res {
                    address: address.to_string(),
                    module: parse_module_address(module_address),
                    rtype: rtype.to_string(),
                    name: r.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                    index: r.get("index"),
                    values: r.get("values").unwrap_or(&Value::Null),
                    unknown: None,
                    pointer: pointer.clone(),
                    values_key: "values",
                });
            }
        }
    }
    for (i, r) in plan.resources.iter().enumerate() {
        plan.by_address.insert(r.address.clone(), i);
        let base = format!("{}{}.{}", module_prefix(&r.module), r.rtype, r.name);
        plan.instances.entry(base).or_default().push(r.address.clone());
        if let Some(id) = r.values.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            plan.by_aws_id.insert(id.to_string(), r.address.clone());
        }
    }
    for v in plan.instances.values_mut() {
        v.sort();
    }

    let mut b = Builder {
        plan: &plan,
        state,
        loaded,
        tables: HashMap::new(),
        nacls: HashMap::new(),
        vpcs: HashMap::new(),
        sgs: HashMap::new(),
        pending: Vec::new(),
        last_pushed: None,
        maybe_dynamic_tables: Vec::new(),
        maybe_dynamic_nacls: Vec::new(),
    };
    for i in 0..plan.resources.len() {
        b.resource(i);
    }
    b.finish();
}

/// Standalone resources that change another one (routes, associations, rules): applied at the end.
enum Pending {
    Route { table: Link, route: Route, unknown: bool },
    TableAssociation { table: Link, subnet: Link, origin: Origin },
    MainAssociation { table: Link, vpc: Link },
    DefaultTable { vpc: Link },
    NaclEntry { nacl: Link, entry: Option<NaclEntry> },
    NaclAssociation { nacl: Link, subnet: Link, origin: Origin },
    VpcCidr { vpc: Link, cidr: Option<VpcCidr>, undecided: Option<Family> },
    IgwAttachment { igw: Link, vpc: Link },
    SgRule { group: Link, egress: bool, rule: SgRule },
    EipAssociation { eip: Link, instance: Option<String>, eni: Option<String> },
    TargetAttachment { group: Link, target: Option<String>, port: Option<u16> },
    TgwLink { table: Link, attachment: Option<String>, propagation: bool },
    TgwRoute { table: Link, cidr: Option<IpNet>, attachment: Option<String> },
}

struct Builder<'p, 'a, 's> {
    plan: &'p Plan<'a>,
    state: &'s mut LoadState,
    loaded: &'s mut Loaded,
    /// Address → arena index, for resources this document created.
    tables: HashMap<String, usize>,
    nacls: HashMap<String, usize>,
    vpcs: HashMap<String, usize>,
    sgs: HashMap<String, usize>,
    pending: Vec<Pending>,
    /// Arena index of the resource the last `push` added (`None` for a duplicate).
    last_pushed: Option<usize>,
    /// Tables and NACLs whose inline routes/rules are unknown although the configuration writes
    /// none: either they come only from standalone resources, or from `dynamic` blocks (which the
    /// plan's configuration does not show). Unknown unless standalone resources supply them.
    maybe_dynamic_tables: Vec<usize>,
    maybe_dynamic_nacls: Vec<usize>,
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
        Origin::new(self.plan.file, r.pointer.clone())
    }
    /// Where an attribute is written; the resource's address when the plan does not show it
    /// (a value known only after apply).
    fn attr_origin(&self, r: &Res<'_>, attr: &str) -> Origin {
        if r.values.get(attr).is_none_or(Value::is_null) {
            return self.origin(r).at("address");
        }
        let mut o = self.origin(r);
        for seg in r.values_key.split('/') {
            o = o.at(seg);
        }
        o.at(attr)
    }
    fn meta(&self, r: &Res<'_>) -> Meta {
        let tags: Vec<(String, String)> = r
            .values
            .get("tags")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
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
            provenance: crate::model::Provenance::Plan,
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
    fn link_ref(link: &Link) -> Option<Ref> {
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
            "aws_route_table_association" => {
                let table = plan.link(r, "route_table_id", &["aws_route_table", "aws_default_route_table"]);
                let subnet = plan.link(r, "subnet_id", SUBNET);
                let origin = self.attr_origin(r, "subnet_id");
                self.pending.push(Pending::TableAssociation { table, subnet, origin });
                None
            }
            "aws_main_route_table_association" => {
                let table = plan.link(r, "route_table_id", &["aws_route_table"]);
                let vpc = plan.link(r, "vpc_id", VPC);
                self.pending.push(Pending::MainAssociation { table, vpc });
                None
            }
            "aws_internet_gateway" | "aws_egress_only_internet_gateway" => self.igw(r),
            "aws_internet_gateway_attachment" => {
                let igw = plan.link(r, "internet_gateway_id", &["aws_internet_gateway"]);
                let vpc = plan.link(r, "vpc_id", VPC);
                self.pending.push(Pending::IgwAttachment { igw, vpc });
                None
            }
            "aws_nat_gateway" => self.nat(r),
            "aws_eip" => {
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
            "aws_vpc_peering_connection" => self.peering(r),
            "aws_security_group" | "aws_default_security_group" => self.security_group(r),
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => self.sg_rule(r),
            "aws_network_acl" | "aws_default_network_acl" => self.nacl(r),
            "aws_network_acl_rule" => self.nacl_rule(r),
            "aws_network_acl_association" => {
                let nacl = plan.link(r, "network_acl_id", &["aws_network_acl"]);
                let subnet = plan.link(r, "subnet_id", SUBNET);
                let origin = self.attr_origin(r, "subnet_id");
                self.pending.push(Pending::NaclAssociation { nacl, subnet, origin });
                None
            }
            "aws_lb" | "aws_alb" | "aws_elb" => self.load_balancer(r),
            "aws_lb_listener" | "aws_alb_listener" => {
                let l = Listener {
                    load_balancer: Self::link_ref(&plan.link(r, "load_balancer_arn", &["aws_lb", "aws_alb"])),
                    protocol: Self::str(r, "protocol").map(str::to_string),
                    port: r.values.get("port").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok()),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::Listener, l, |d| &mut d.listeners)
            }
            "aws_lb_target_group" | "aws_alb_target_group" => {
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
            "aws_instance" => {
                let inst = Instance {
                    vpc: None,
                    subnet: Self::link_ref(&plan.link(r, "subnet_id", SUBNET)),
                    private_ip: Self::str(r, "private_ip").map(str::to_string),
                    // `associate_public_ip_address` makes one; its value is only known after apply.
                    public_ip: Self::str(r, "public_ip").map(str::to_string).or_else(|| {
                        (r.values.get("associate_public_ip_address") == Some(&Value::Bool(true)))
                            .then(|| "(assigned at launch)".to_string())
                    }),
                    public_ip_unknown: false,
                    security_groups: plan.link(r, "vpc_security_group_ids", &["aws_security_group"]).refs(),
                    state: None,
                    meta: self.meta(r),
                };
                self.push(ResourceKind::Instance, inst, |d| &mut d.instances)
            }
            "aws_network_interface" => {
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
            "aws_ec2_transit_gateway" => {
                let tgw = TransitGateway { state: None, meta: self.meta(r) };
                self.push(ResourceKind::TransitGateway, tgw, |d| &mut d.transit_gateways)
            }
            "aws_ec2_transit_gateway_vpc_attachment" => {
                let att = TransitGatewayAttachment {
                    transit_gateway: Self::link_ref(&plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"])),
                    resource_type: Some("vpc".into()),
                    resource_id: None,
                    vpc: Self::link_ref(&plan.link(r, "vpc_id", VPC)),
                    subnets: plan.link(r, "subnet_ids", SUBNET).refs(),
                    state: None,
                    association: None,
                    meta: self.meta(r),
                };
                self.push(ResourceKind::TransitGatewayVpcAttachment, att, |d| &mut d.transit_gateway_vpc_attachments)
            }
            "aws_ec2_transit_gateway_route_table" => {
                let rt = TransitGatewayRouteTable {
                    transit_gateway: Self::link_ref(&plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"])),
                    associations: Vec::new(),
                    propagations: Vec::new(),
                    routes: Vec::new(),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::TransitGatewayRouteTable, rt, |d| &mut d.transit_gateway_route_tables)
            }
            "aws_vpc_endpoint" => {
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
            "aws_eip_association" => {
                let eip = plan.link(r, "allocation_id", &["aws_eip"]);
                let instance = plan.link(r, "instance_id", &["aws_instance"]).first();
                let eni = plan.link(r, "network_interface_id", &["aws_network_interface"]).first();
                self.pending.push(Pending::EipAssociation { eip, instance, eni });
                None
            }
            "aws_vpc_peering_connection_accepter" => None,
            "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => {
                let group = plan.link(r, "target_group_arn", &["aws_lb_target_group", "aws_alb_target_group"]);
                let target = plan.link(r, "target_id", &["aws_instance", "aws_lambda_function"]).first();
                let port = r.values.get("port").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok());
                self.pending.push(Pending::TargetAttachment { group, target, port });
                None
            }
            "aws_ec2_transit_gateway_route_table_association" | "aws_ec2_transit_gateway_route_table_propagation" => {
                let table = plan.link(r, "transit_gateway_route_table_id", &["aws_ec2_transit_gateway_route_table"]);
                let attachment = plan.link(r, "transit_gateway_attachment_id", TGW_ATTACHMENT).first();
                let propagation = r.rtype.ends_with("propagation");
                self.pending.push(Pending::TgwLink { table, attachment, propagation });
                None
            }
            "aws_ec2_transit_gateway_route" => {
                let table = plan.link(r, "transit_gateway_route_table_id", &["aws_ec2_transit_gateway_route_table"]);
                let attachment = plan.link(r, "transit_gateway_attachment_id", TGW_ATTACHMENT).first();
                let cidr = Self::str(r, "destination_cidr_block").and_then(parse_cidr);
                let blackhole = r.values.get("blackhole").and_then(Value::as_bool).unwrap_or(false);
                self.pending.push(Pending::TgwRoute { table, cidr, attachment: attachment.filter(|_| !blackhole) });
                None
            }
            other => {
                *self.loaded.design.stats.unmodelled_keys.entry(format!("terraform {other}")).or_default() += 1;
                None
            }
        };
        if let Some(k) = kind {
            self.loaded.design.kinds_present.insert(k);
        } else if MERGED.contains(&r.rtype.as_str()) {
            *self.loaded.design.stats.merged.entry(r.rtype.clone()).or_default() += 1;
        }
    }

    /// Add a resource unless it was seen already; returns its kind (for `kinds_present`).
    fn push<T>(&mut self, kind: ResourceKind, item: T, arena: fn(&mut Design) -> &mut Vec<T>) -> Option<ResourceKind>
    where
        T: HasMeta,
    {
        self.last_pushed = self.state.push_first(&mut self.loaded.design, kind, item, arena);
        Some(kind)
    }

    fn vpc(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let mut cidrs = Vec::new();
        match self.cidr(r, r.values, "cidr_block") {
            Ok(Some(net)) => cidrs.push(VpcCidr { net, associated: true, origin: self.attr_origin(r, "cidr_block") }),
            Ok(None) => {}
            Err(()) => {
                self.reject(ResourceKind::Vpc);
                return None;
            }
        }
        if let Ok(Some(net)) = self.cidr(r, r.values, "ipv6_cidr_block") {
            cidrs.push(VpcCidr { net, associated: true, origin: self.attr_origin(r, "ipv6_cidr_block") });
        }
        let undecided_blocks = [("cidr_block", Family::V4), ("ipv6_cidr_block", Family::V6)]
            .into_iter()
            .filter(|(attr, _)| Self::is_unknown(r, attr))
            .map(|(_, family)| family)
            .collect();
        let vpc = Vpc { cidrs, is_default: r.rtype == "aws_default_vpc", meta: self.meta(r), undecided_blocks };
        let kind = self.push(ResourceKind::Vpc, vpc, |d| &mut d.vpcs);
        if let Some(i) = self.last_pushed {
            self.vpcs.insert(r.address.clone(), i);
        }
        kind
    }

    fn vpc_cidr(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let attr = if r.rtype.contains("ipv6") { "ipv6_cidr_block" } else { "cidr_block" };
        let vpc = self.plan.link(r, "vpc_id", VPC);
        let cidr = match self.cidr(r, r.values, attr) {
            Ok(c) => c.map(|net| VpcCidr { net, associated: true, origin: self.attr_origin(r, attr) }),
            Err(()) => return None,
        };
        let family = if r.rtype.contains("ipv6") { Family::V6 } else { Family::V4 };
        let undecided = Self::is_unknown(r, attr).then_some(family);
        self.pending.push(Pending::VpcCidr { vpc, cidr, undecided });
        None
    }

    fn subnet(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let Ok(cidr) = self.cidr(r, r.values, "cidr_block") else {
            self.reject(ResourceKind::Subnet);
            return None;
        };
        let ipv6 = self.cidr(r, r.values, "ipv6_cidr_block").ok().flatten();
        let subnet = Subnet {
            vpc: Self::link_ref(&self.plan.link(r, "vpc_id", VPC)),
            availability_zone: Self::str(r, "availability_zone").map(str::to_string),
            cidr,
            ipv6_cidrs: ipv6.into_iter().collect(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::Subnet, subnet, |d| &mut d.subnets)
    }

    /// Where a route goes: the first target attribute that is set (or unknown), resolved.
    /// `refs(attr)` gives the configuration references for a target attribute.
    fn route_target(
        &self,
        r: &Res<'_>,
        values: &Value,
        unknown: Option<&Value>,
        refs: &dyn Fn(&str) -> Option<Vec<String>>,
    ) -> RouteTarget {
        const TARGETS: &[(&str, TargetKind, &[&str])] = &[
            ("nat_gateway_id", TargetKind::NatGateway, &["aws_nat_gateway"]),
            ("vpc_peering_connection_id", TargetKind::PeeringConnection, &["aws_vpc_peering_connection"]),
            ("transit_gateway_id", TargetKind::TransitGateway, &["aws_ec2_transit_gateway"]),
            ("egress_only_gateway_id", TargetKind::EgressOnlyInternetGateway, &["aws_egress_only_internet_gateway"]),
            ("network_interface_id", TargetKind::NetworkInterface, &["aws_network_interface"]),
            ("vpc_endpoint_id", TargetKind::VpcEndpoint, &["aws_vpc_endpoint"]),
            ("instance_id", TargetKind::Instance, &["aws_instance"]),
            ("carrier_gateway_id", TargetKind::CarrierGateway, &[]),
            ("local_gateway_id", TargetKind::LocalGateway, &[]),
            ("core_network_arn", TargetKind::CoreNetwork, &[]),
            (
                "gateway_id",
                TargetKind::InternetGateway,
                &["aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint"],
            ),
        ];
        for (attr, kind, want) in TARGETS {
            let is_unknown = unknown.and_then(|u| u.get(*attr)) == Some(&Value::Bool(true));
            let known = values.get(*attr).and_then(Value::as_str).filter(|s| !s.is_empty());
            if let Some(id) = known {
                let kind = if *attr == "gateway_id" { gateway_kind(id) } else { *kind };
                let id = self.plan.by_aws_id.get(id).cloned().unwrap_or_else(|| id.to_string());
                return RouteTarget { kind, id, idx: None };
            }
            // Computed attributes the configuration does not write (an old provider's `instance_id`
            // on every route) are unknown but not the target.
            if let (true, Some(refs)) = (is_unknown, refs(attr)) {
                let resolved = Some(self.plan.resolve_unique(&r.module, &refs, want, r.index));
                return match resolved {
                    Some(Target::Addresses(a)) if a.len() == 1 => {
                        let kind = match self.plan.by_address.get(&a[0]).map(|&i| self.plan.resources[i].rtype.as_str())
                        {
                            Some("aws_vpn_gateway") => TargetKind::VirtualPrivateGateway,
                            Some("aws_vpc_endpoint") => TargetKind::VpcEndpoint,
                            _ => *kind,
                        };
                        RouteTarget { kind, id: a[0].clone(), idx: None }
                    }
                    Some(Target::External(id)) => RouteTarget { kind: *kind, id, idx: None },
                    _ => RouteTarget { kind: TargetKind::Unknown, id: String::new(), idx: None },
                };
            }
        }
        RouteTarget { kind: TargetKind::Unknown, id: String::new(), idx: None }
    }

    /// A route from a block or a standalone `aws_route`; `None` for its destination when unknown.
    fn build_route(
        &self,
        r: &Res<'_>,
        values: &Value,
        unknown: Option<&Value>,
        refs: &dyn Fn(&str) -> Option<Vec<String>>,
        origin: Origin,
    ) -> Option<Route> {
        let dest = ["cidr_block", "destination_cidr_block", "ipv6_cidr_block", "destination_ipv6_cidr_block"]
            .iter()
            .find_map(|k| values.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(|s| (*k, s)));
        let (key, destination) = match dest {
            Some((k, s)) => (k, Destination::Cidr(parse_cidr(s)?)),
            None => {
                let k = ["destination_prefix_list_id"]
                    .into_iter()
                    .find(|k| values.get(*k).and_then(Value::as_str).is_some_and(|s| !s.is_empty()))?;
                (k, Destination::PrefixList(values.get(k).and_then(Value::as_str).unwrap_or_default().to_string()))
            }
        };
        let target = self.route_target(r, values, unknown, refs);
        Some(Route { destination, target, state: RouteState::Active, origin: origin.at(key), defined_by: None })
    }

    fn route_table(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let refs = plan.references(r, "route");
        let mut routes = Vec::new();
        let mut has_unknown = Self::is_unknown(r, "route") && plan.writes(r, "route");
        if let Some(Value::Array(blocks)) = r.values.get("route") {
            let unknown_blocks = r.unknown.and_then(|u| u.get("route")).and_then(Value::as_array);
            for (i, block) in blocks.iter().enumerate() {
                let unknown = unknown_blocks.and_then(|u| u.get(i));
                let block_refs = |_: &str| refs.clone();
                match self.build_route(r, block, unknown, &block_refs, self.attr_origin(r, "route").at(i)) {
                    Some(route) => {
                        has_unknown |= route.target.kind == TargetKind::Unknown;
                        routes.push(route);
                    }
                    None => has_unknown = true,
                }
            }
        }
        let main = r.rtype == "aws_default_route_table";
        let vpc = if main { plan.link(r, "default_route_table_id", VPC) } else { plan.link(r, "vpc_id", VPC) };
        let table = RouteTable {
            vpc: Self::link_ref(&vpc),
            main,
            subnets: Vec::new(),
            routes,
            has_unknown_routes: has_unknown,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::RouteTable, table, |d| &mut d.route_tables);
        if let Some(i) = self.last_pushed {
            self.tables.insert(r.address.clone(), i);
            if Self::is_unknown(r, "route") && !plan.writes(r, "route") {
                self.maybe_dynamic_tables.push(i);
            }
            if main {
                self.pending.push(Pending::DefaultTable { vpc });
            }
        }
        kind
    }

    fn route(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let table = self.plan.link(r, "route_table_id", &["aws_route_table", "aws_default_route_table"]);
        // A standalone route has one expression per target attribute.
        let refs = |attr: &str| self.plan.references(r, attr);
        let route = self.build_route(r, r.values, r.unknown, &refs, self.origin(r).at("values")).map(|mut route| {
            route.defined_by = Some(r.address.clone());
            route
        });
        let unknown = route.as_ref().is_none_or(|x| x.target.kind == TargetKind::Unknown);
        if let Some(route) = route {
            self.pending.push(Pending::Route { table, route, unknown });
        } else {
            self.pending.push(Pending::Route {
                table,
                route: Route {
                    destination: Destination::PrefixList(String::new()),
                    target: RouteTarget { kind: TargetKind::Unknown, id: String::new(), idx: None },
                    state: RouteState::Other("unknown".into()),
                    origin: self.origin(r),
                    defined_by: Some(r.address.clone()),
                },
                unknown: true,
            });
        }
        None
    }

    fn igw(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let vpc = self.plan.link(r, "vpc_id", VPC);
        let attachments =
            Self::link_ref(&vpc).map(|vpc| GatewayAttachment { vpc, state: "available".into() }).into_iter().collect();
        let igw = InternetGateway { attachments, meta: self.meta(r) };
        if r.rtype == "aws_egress_only_internet_gateway" {
            self.push(ResourceKind::EgressOnlyInternetGateway, igw, |d| &mut d.egress_only_internet_gateways)
        } else {
            self.push(ResourceKind::InternetGateway, igw, |d| &mut d.internet_gateways)
        }
    }

    fn nat(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let connectivity = match Self::str(r, "connectivity_type") {
            Some("private") => Connectivity::Private,
            _ => Connectivity::Public,
        };
        let allocation = self.plan.link(r, "allocation_id", &["aws_eip"]);
        let nat = NatGateway {
            vpc: None,
            subnet: Self::link_ref(&self.plan.link(r, "subnet_id", SUBNET)),
            state: "available".into(),
            connectivity,
            allocations: match &allocation {
                Link::Known(v) => v.iter().map(Ref::new).collect(),
                _ => Vec::new(),
            },
            allocation_unknown: allocation == Link::Unknown,
            meta: self.meta(r),
        };
        self.push(ResourceKind::NatGateway, nat, |d| &mut d.nat_gateways)
    }

    fn peering(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let side = |attr: &str, owner: Option<&str>, region: Option<String>| PeerSide {
            vpc: Ref::new(
                plan.link(r, attr, VPC).first().unwrap_or_else(|| format!("{} ({attr}, known after apply)", r.address)),
            ),
            owner: owner.map(str::to_string),
            region,
            cidrs: Vec::new(),
            origin: self.attr_origin(r, attr),
        };
        let region = plan.region.clone();
        let peer_region = Self::str(r, "peer_region").map(str::to_string).or_else(|| region.clone());
        let requester = side("vpc_id", None, region);
        let accepter = side("peer_vpc_id", Self::str(r, "peer_owner_id"), peer_region);
        let status = Self::str(r, "accept_status").unwrap_or("active").to_string();
        let pcx = PeeringConnection { status, requester, accepter, meta: self.meta(r) };
        self.push(ResourceKind::PeeringConnection, pcx, |d| &mut d.peering_connections)
    }

    fn sg_rules(&self, r: &Res<'_>, block: &str) -> Vec<SgRule> {
        let mut out = Vec::new();
        let Some(Value::Array(rules)) = r.values.get(block) else { return out };
        for (i, rule) in rules.iter().enumerate() {
            if let Some(rule) = sg_rule_from(rule, self.attr_origin(r, block).at(i)) {
                out.push(rule);
            }
        }
        out
    }

    fn security_group(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let sg = SecurityGroup {
            vpc: Self::link_ref(&self.plan.link(r, "vpc_id", VPC)),
            group_name: Self::str(r, "name").map(str::to_string),
            ingress: self.sg_rules(r, "ingress"),
            egress: self.sg_rules(r, "egress"),
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::SecurityGroup, sg, |d| &mut d.security_groups);
        if let Some(i) = self.last_pushed {
            self.sgs.insert(r.address.clone(), i);
        }
        kind
    }

    fn sg_rule(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
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
        if let Some(rule) = sg_rule_from(&values, self.origin(r).at("values")) {
            self.pending.push(Pending::SgRule { group, egress, rule });
        }
        None
    }

    fn nacl_entries(&mut self, r: &Res<'_>, block: &str, egress: bool) -> Vec<NaclEntry> {
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

    fn nacl(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let plan = self.plan;
        let mut entries = self.nacl_entries(r, "ingress", false);
        entries.extend(self.nacl_entries(r, "egress", true));
        let is_default = r.rtype == "aws_default_network_acl";
        if !is_default {
            entries.extend(NaclEntry::implicit_denies(&self.origin(r).at("address")));
        }
        let subnets = match plan.link(r, "subnet_ids", SUBNET) {
            Link::Known(v) => v.into_iter().map(|s| (Ref::new(s), self.attr_origin(r, "subnet_ids"))).collect(),
            _ => Vec::new(),
        };
        let has_unknown = ["ingress", "egress"].iter().any(|b| Self::is_unknown(r, b) && plan.writes(r, b));
        let nacl = NetworkAcl {
            vpc: Self::link_ref(&plan.link(r, if is_default { "default_network_acl_id" } else { "vpc_id" }, VPC)),
            is_default,
            subnets,
            entries,
            has_unknown_entries: has_unknown,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::NetworkAcl, nacl, |d| &mut d.network_acls);
        if let Some(i) = self.last_pushed {
            self.nacls.insert(r.address.clone(), i);
            if ["ingress", "egress"].iter().any(|b| Self::is_unknown(r, b) && !plan.writes(r, b)) {
                self.maybe_dynamic_nacls.push(i);
            }
        }
        kind
    }

    fn nacl_rule(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let nacl = self.plan.link(r, "network_acl_id", &["aws_network_acl", "aws_default_network_acl"]);
        let egress = r.values.get("egress").and_then(Value::as_bool).unwrap_or(false);
        let entry = match nacl_entry_from(
            r.values,
            egress,
            "rule_number",
            "rule_action",
            self.origin(r).at("values").at("rule_number"),
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
        self.pending.push(Pending::NaclEntry { nacl, entry });
        None
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
        let mut subnets: Vec<(Ref, Origin)> = match plan.link(r, "subnets", SUBNET) {
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
                        if let Some(Target::Addresses(a)) =
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

    fn find(map: &HashMap<String, usize>, link: &Link) -> Option<usize> {
        link.first().and_then(|a| map.get(&a).copied())
    }

    fn finish(mut self) {
        let pending = std::mem::take(&mut self.pending);
        let mut main_vpcs: Vec<String> = Vec::new();
        let (mut fed_tables, mut fed_nacls) = (HashSet::new(), HashSet::new());
        let (mut tgw_associated, mut nacl_associated) = (HashSet::new(), HashSet::new());
        let index = |metas: &mut dyn Iterator<Item = &Meta>| -> HashMap<String, usize> {
            metas.enumerate().map(|(i, m)| (m.id.clone(), i)).collect()
        };
        let d = &self.loaded.design;
        let eips = index(&mut d.elastic_ips.iter().map(|x| &x.meta));
        let groups = index(&mut d.target_groups.iter().map(|x| &x.meta));
        let tgw_tables = index(&mut d.transit_gateway_route_tables.iter().map(|x| &x.meta));
        let igws = index(&mut d.internet_gateways.iter().map(|x| &x.meta));
        for p in pending {
            let d = &mut self.loaded.design;
            match p {
                // A route to a table that is not in the plan (an existing one) has nothing to join.
                Pending::Route { table, route, unknown } => {
                    if let Some(t) = Self::find(&self.tables, &table) {
                        fed_tables.insert(t);
                        d.route_tables[t].has_unknown_routes |= unknown;
                        if !matches!(route.state, RouteState::Other(_)) {
                            d.route_tables[t].routes.push(route);
                        }
                    }
                }
                Pending::TableAssociation { table, subnet, origin } => {
                    if let (Some(t), Some(s)) = (Self::find(&self.tables, &table), subnet.first()) {
                        d.route_tables[t].subnets.push((Ref::new(s), origin));
                    }
                }
                Pending::MainAssociation { table, vpc } => {
                    if let (Some(t), Some(v)) = (Self::find(&self.tables, &table), vpc.first()) {
                        d.route_tables[t].main = true;
                        d.route_tables[t].vpc = Some(Ref::new(v.clone()));
                        main_vpcs.push(v);
                    }
                }
                Pending::DefaultTable { vpc } => {
                    if let Some(v) = vpc.first() {
                        main_vpcs.push(v);
                    }
                }
                Pending::NaclEntry { nacl, entry } => {
                    if let Some(n) = Self::find(&self.nacls, &nacl) {
                        fed_nacls.insert(n);
                        match entry {
                            Some(e) => d.network_acls[n].entries.push(e),
                            None => d.network_acls[n].has_unknown_entries = true,
                        }
                    }
                }
                Pending::NaclAssociation { nacl, subnet, origin } => {
                    nacl_associated.extend(subnet.first());
                    if let (Some(n), Some(s)) = (Self::find(&self.nacls, &nacl), subnet.first()) {
                        d.network_acls[n].subnets.push((Ref::new(s), origin));
                    }
                }
                Pending::VpcCidr { vpc, cidr, undecided } => {
                    if let Some(v) = Self::find(&self.vpcs, &vpc) {
                        d.vpcs[v].cidrs.extend(cidr);
                        d.vpcs[v].undecided_blocks.extend(undecided);
                    }
                }
                Pending::IgwAttachment { igw, vpc } => {
                    if let (Some(g), Some(v)) = (igw.first(), vpc.first())
                        && let Some(&i) = igws.get(&g)
                    {
                        d.internet_gateways[i]
                            .attachments
                            .push(GatewayAttachment { vpc: Ref::new(v), state: "available".into() });
                    }
                }
                Pending::EipAssociation { eip, instance, eni } => {
                    if let Some(&e) = eip.first().and_then(|a| eips.get(&a)) {
                        d.elastic_ips[e].instance = instance.or(d.elastic_ips[e].instance.take());
                        d.elastic_ips[e].network_interface = eni.or(d.elastic_ips[e].network_interface.take());
                    }
                }
                Pending::TargetAttachment { group, target, port } => {
                    if let (Some(g), Some(t)) = (group.first(), target)
                        && let Some(&i) = groups.get(&g)
                    {
                        d.target_groups[i].targets.push(crate::model::Target { id: t, port });
                    }
                }
                Pending::TgwLink { table, attachment, propagation } => {
                    if !propagation {
                        tgw_associated.extend(attachment.clone());
                    }
                    if let (Some(t), Some(a)) = (table.first(), attachment)
                        && let Some(&i) = tgw_tables.get(&t)
                    {
                        let list = if propagation {
                            &mut d.transit_gateway_route_tables[i].propagations
                        } else {
                            &mut d.transit_gateway_route_tables[i].associations
                        };
                        list.push(Ref::new(a));
                    }
                }
                Pending::TgwRoute { table, cidr, attachment } => {
                    if let (Some(t), Some(c)) = (table.first(), cidr)
                        && let Some(&i) = tgw_tables.get(&t)
                    {
                        d.transit_gateway_route_tables[i].routes.push((c, attachment.map(Ref::new)));
                    }
                }
                Pending::SgRule { group, egress, rule } => {
                    if let Some(g) = Self::find(&self.sgs, &group) {
                        let sg = &mut d.security_groups[g];
                        if egress { sg.egress.push(rule) } else { sg.ingress.push(rule) }
                    }
                }
            }
        }
        for &t in &self.maybe_dynamic_tables {
            if !fed_tables.contains(&t) {
                self.loaded.design.route_tables[t].has_unknown_routes = true;
            }
        }
        for &n in &self.maybe_dynamic_nacls {
            if !fed_nacls.contains(&n) {
                self.loaded.design.network_acls[n].has_unknown_entries = true;
            }
        }
        let created = self.created(main_vpcs, tgw_associated, nacl_associated);
        defaults::create(self.state, self.loaded, self.plan.file, &created);
        defaults::link(self.loaded, self.plan.file, &created);
    }

    /// What the plan creates that AWS adds to, for the shared defaults.
    fn created(
        &self,
        main_vpcs: Vec<String>,
        tgw_associated: HashSet<String>,
        nacl_associated: HashSet<String>,
    ) -> Created {
        let plan = self.plan;
        let exists = |r: &Res<'_>| r.values.get("id").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        let mut created = Created {
            managed_main_table: main_vpcs.into_iter().collect(),
            tgw_associated,
            nacl_associated,
            ..Created::default()
        };
        for r in &plan.resources {
            match r.rtype.as_str() {
                // An existing VPC's implicit resources are not in the plan.
                "aws_vpc" if self.vpcs.contains_key(&r.address) && !exists(r) => created.vpcs.push(r.address.clone()),
                "aws_default_network_acl" => {
                    created.managed_default_nacl.extend(plan.link(r, "default_network_acl_id", VPC).first());
                    created.nacl_associated.extend(plan.link(r, "subnet_ids", SUBNET).ids());
                }
                "aws_network_acl" => created.nacl_associated.extend(plan.link(r, "subnet_ids", SUBNET).ids()),
                "aws_default_security_group" => {
                    created.managed_default_group.extend(plan.link(r, "vpc_id", VPC).first())
                }
                "aws_ec2_transit_gateway" if !exists(r) => {
                    let setting = |attr: &str| match r.values.get(attr).and_then(Value::as_str) {
                        Some(v) => Some(v.eq_ignore_ascii_case("enable")),
                        None => (!Self::is_unknown(r, attr)).then_some(true),
                    };
                    created.transit_gateways.push(NewTransitGateway {
                        id: r.address.clone(),
                        associate: setting("default_route_table_association"),
                        propagate: setting("default_route_table_propagation"),
                    });
                }
                "aws_ec2_transit_gateway_vpc_attachment" => {
                    let Some(tgw) = plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"]).first() else {
                        continue;
                    };
                    // Both default to true; an unknown one is not assumed.
                    let joins = |attr: &str| match r.values.get(attr).and_then(Value::as_bool) {
                        Some(b) => b,
                        None => !Self::is_unknown(r, attr),
                    };
                    created.attachments.push(NewAttachment {
                        id: r.address.clone(),
                        transit_gateway: tgw,
                        associate: joins("transit_gateway_default_route_table_association"),
                        propagate: joins("transit_gateway_default_route_table_propagation"),
                    });
                }
                _ => {}
            }
        }
        created
    }
}

/// The kind of a route's `gateway_id` by its id prefix.
fn gateway_kind(id: &str) -> TargetKind {
    match id {
        "local" => TargetKind::Local,
        _ if id.starts_with("vgw-") => TargetKind::VirtualPrivateGateway,
        _ if id.starts_with("vpce-") => TargetKind::VpcEndpoint,
        _ if id.starts_with("aws_vpn_gateway.") || id.contains(".aws_vpn_gateway.") => {
            TargetKind::VirtualPrivateGateway
        }
        _ => TargetKind::InternetGateway,
    }
}

fn port_of(v: &Value, key: &str) -> Option<u16> {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_i64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
}

fn sg_rule_from(v: &Value, origin: Origin) -> Option<SgRule> {
    let protocol = Protocol::parse(v.get("protocol").and_then(Value::as_str)?)?;
    let ports = if protocol.has_ports() {
        match (port_of(v, "from_port"), port_of(v, "to_port")) {
            (Some(a), Some(b)) => Some(PortRange::new(a, b)),
            _ => None,
        }
    } else {
        None
    };
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

fn nacl_entry_from(
    v: &Value,
    egress: bool,
    number_key: &str,
    action_key: &str,
    origin: Origin,
) -> Result<NaclEntry, String> {
    let number = v.get(number_key).and_then(Value::as_i64).ok_or_else(|| format!("missing `{number_key}`"))?;
    if !(1..=32768).contains(&number) {
        return Err(format!("`{number_key}` {number} is outside 1-32766"));
    }
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
    let ports = if protocol.has_ports() {
        match (port_of(v, "from_port"), port_of(v, "to_port")) {
            (Some(a), Some(b)) => Some(PortRange::new(a, b)),
            _ => None,
        }
    } else {
        None
    };
    Ok(NaclEntry { number: number as u32, egress, protocol, allow, cidr, ports, origin })
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
            Reference::Resource { rtype: "aws_eip", name: "nat", key: Some("0") }
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
