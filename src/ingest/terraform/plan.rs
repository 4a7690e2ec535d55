//! A Terraform plan or state as read: its resources, and the references of its configuration,
//! through which links that are "known after apply" are recovered.

use crate::model::Ref;
use crate::source::FileId;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// One managed resource as the plan or state describes it after the change.
pub(super) struct Res<'a> {
    pub(super) address: String,
    /// Module instance path, e.g. `[("vpc", None), ("subnets", Some("\"a\""))]`.
    pub(super) module: Vec<(String, Option<String>)>,
    pub(super) rtype: String,
    pub(super) name: String,
    pub(super) index: Option<&'a Value>,
    pub(super) values: &'a Value,
    pub(super) unknown: Option<&'a Value>,
    /// The file and the pointer to the resource there (a plan's resource object, or a `.tf`
    /// block), and the key below it that holds `values` (empty for a `.tf` block).
    pub(super) file: FileId,
    pub(super) pointer: String,
    pub(super) values_key: &'static str,
    /// Read from sources: for each attribute, the resource attributes its value names, exactly
    /// (the plan's `configuration` references are not needed).
    /// Shared by the instances of a block whose body is evaluated once (see `Plan::link`).
    pub(super) symbols: Option<&'a std::sync::Arc<std::collections::BTreeMap<String, Vec<super::hcl::value::Symbol>>>>,
}

/// A resolved reference: resources of the plan (by address), an id outside it, or unknown.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Resolved {
    Addresses(Vec<String>),
    External(String),
    Unknown,
}

pub(super) struct Plan<'a> {
    pub(super) file: FileId,
    /// A plan or state (`Plan`), or a configuration evaluated from sources (`Source`).
    pub(super) provenance: crate::model::Provenance,
    pub(super) resources: Vec<Res<'a>>,
    pub(super) by_address: HashMap<String, usize>,
    /// `module path + type.name` (no instance key) → addresses of its instances, sorted.
    pub(super) instances: HashMap<String, Vec<String>>,
    /// Known AWS id → address, for values that name another resource of the plan by id.
    pub(super) by_aws_id: HashMap<String, String>,
    /// Config module path (names only, joined by '.') → module config object.
    pub(super) modules: HashMap<String, &'a Value>,
    /// (config module path, `type.name`) → the resource's configuration.
    pub(super) config_resources: HashMap<(String, String), &'a Value>,
    /// (config module path, `type.name`) of every resource another resource or an output of its
    /// module refers to; built on first use.
    pub(super) referenced: std::cell::OnceCell<HashSet<(String, String)>>,
    /// Addresses whose attributes an attribute evaluated from sources names; built on first use.
    pub(super) named_by_sources: std::cell::OnceCell<HashSet<String>>,
    /// (VPC address, what AWS creates with it) → the plan resource that manages it; built on first use.
    pub(super) managed_defaults: std::cell::OnceCell<HashMap<(String, &'static str), String>>,
    /// Links of attributes the instances of one block share (evaluated once from sources), by
    /// the shared values and references: a thousand NACLs naming ten thousand subnets resolve
    /// them once.
    pub(super) shared_links: std::cell::RefCell<HashMap<SharedLink, Link>>,
    /// Data source address → recorded id.
    pub(super) data_ids: HashMap<String, String>,
    pub(super) root_variables: Option<&'a Map<String, Value>>,
    pub(super) region: Option<String>,
}

pub(super) fn module_prefix(module: &[(String, Option<String>)]) -> String {
    module
        .iter()
        .map(|(n, k)| format!("module.{n}{}.", k.as_deref().map(|k| format!("[{k}]")).unwrap_or_default()))
        .collect()
}

pub(super) fn config_path(module: &[(String, Option<String>)]) -> String {
    module.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(".")
}

/// Parse a module address like `module.a["x"].module.b[0]` into names and instance keys.
pub(super) fn parse_module_address(addr: &str) -> Vec<(String, Option<String>)> {
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
pub(super) fn key_text(index: &Value) -> String {
    match index {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// A reference string split into its parts.
pub(super) enum Reference<'r> {
    /// `type.name[key].attr` (`attr` empty when the reference names the resource itself).
    Resource {
        rtype: &'r str,
        name: &'r str,
        key: Option<&'r str>,
        attr: &'r str,
    },
    Data {
        rtype: &'r str,
        name: &'r str,
        key: Option<&'r str>,
    },
    Module {
        name: &'r str,
        key: Option<&'r str>,
        output: Option<&'r str>,
    },
    Var(&'r str),
    Other,
}

/// Marks a reference evaluated from sources: an absolute address and an attribute.
pub(super) const ABSOLUTE: &str = "\u{0}";

/// `name` or `name[key]` at the start of `s`, and what follows.
pub(super) fn name_and_key(s: &str) -> (&str, Option<&str>, &str) {
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

pub(super) fn parse_reference(r: &str) -> Reference<'_> {
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
            let (name, key, attr) = name_and_key(rest);
            Reference::Resource { rtype, name, key, attr }
        }
        _ => Reference::Other,
    }
}

impl<'a> Plan<'a> {
    /// An empty plan of `document` (a plan or state file, or the root module of sources).
    pub(super) fn empty(document: FileId, provenance: crate::model::Provenance) -> Plan<'a> {
        Plan {
            file: document,
            provenance,
            resources: Vec::new(),
            by_address: HashMap::new(),
            instances: HashMap::new(),
            by_aws_id: HashMap::new(),
            modules: HashMap::new(),
            config_resources: HashMap::new(),
            referenced: std::cell::OnceCell::new(),
            managed_defaults: std::cell::OnceCell::new(),
            named_by_sources: std::cell::OnceCell::new(),
            shared_links: Default::default(),
            data_ids: HashMap::new(),
            root_variables: None,
            region: None,
        }
    }

    pub(super) fn config_module(&self, module: &[(String, Option<String>)]) -> Option<&'a Value> {
        self.modules.get(&config_path(module)).copied()
    }

    /// The `source` of the module a resource is in (`./modules/network`, a registry address).
    pub(super) fn module_source(&self, module: &[(String, Option<String>)]) -> Option<String> {
        let (last, parent) = module.split_last()?;
        let call = self.config_module(parent)?.get("module_calls")?.get(&last.0)?;
        call.get("source").and_then(Value::as_str).map(|s| format!("module.{} ({s})", last.0))
    }

    /// Whether anything in the resource's module (another resource, or an output) refers to it: an
    /// Elastic IP a configuration refers to is in use there, wherever its association is recorded.
    pub(super) fn is_referenced(&self, res: &Res<'a>) -> bool {
        if res.symbols.is_some() {
            let named = self.named_by_sources.get_or_init(|| {
                let symbols = self.resources.iter().filter_map(|r| r.symbols);
                symbols
                    .flat_map(|s| s.values().flatten())
                    .filter(|s| !s.attr.is_empty())
                    .map(|s| s.address.clone())
                    .collect()
            });
            return named.contains(&res.address);
        }
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
                // What a module call passes on (`subnet_mapping = [for eip in aws_eip.this : …]`).
                for call in m.get("module_calls").and_then(Value::as_object).into_iter().flat_map(|c| c.values()) {
                    if let Some(e) = call.get("expressions") {
                        add(path, e, None);
                    }
                }
            }
            out
        });
        referenced.contains(&(config_path(&res.module), format!("{}.{}", res.rtype, res.name)))
    }

    pub(super) fn config_resource(&self, res: &Res<'a>) -> Option<&'a Value> {
        let wanted = format!("{}.{}", res.rtype, res.name);
        self.config_resources.get(&(config_path(&res.module), wanted)).copied()
    }

    /// Whether the configuration writes `attr` at all. A block attribute that is unknown but not
    /// written (`route`, `ingress`, `egress`) is only computed from standalone resources.
    pub(super) fn writes(&self, res: &Res<'a>, attr: &str) -> bool {
        if let Some(symbols) = res.symbols {
            // Every attribute the sources write has an entry.
            return symbols.contains_key(attr);
        }
        match self.config_resource(res) {
            Some(c) => c.get("expressions").and_then(|e| e.get(attr)).is_some(),
            None => true,
        }
    }

    /// `each.value.x` where `for_each` is a resource's instances (`for_each = aws_subnet.public`):
    /// the instance of that resource with this instance's key, `aws_subnet.public["a"].x`.
    fn each_value_as_instance(&self, res: &Res<'a>, refs: Vec<String>) -> Vec<String> {
        if !refs.iter().any(|r| r == "each.value" || r.starts_with("each.value.")) {
            return refs;
        }
        let (Some(index), Some(config)) = (res.index, self.config_resource(res)) else { return refs };
        let Some(for_each) = config.get("for_each_expression") else { return refs };
        let collection: Vec<String> = collect_references(for_each)
            .into_iter()
            .filter(|r| matches!(parse_reference(r), Reference::Resource { key: None, attr: "", .. }))
            .collect();
        let [collection] = collection.as_slice() else { return refs };
        let instance = format!("{collection}[{}]", key_text(index));
        refs.into_iter()
            .map(|r| match r.strip_prefix("each.value") {
                Some(rest) => format!("{instance}{rest}"),
                None => r,
            })
            .collect()
    }

    /// Whether every resource the sources name is one they decided to exist (not one whose
    /// `count` only the plan knows).
    pub(super) fn sources_decide(&self, symbols: &[super::hcl::value::Symbol]) -> bool {
        symbols.iter().all(|s| self.by_address.contains_key(&s.address))
    }

    /// The `references` of a resource attribute's expression, if the configuration has them.
    pub(super) fn references(&self, res: &Res<'a>, attr: &str) -> Option<Vec<String>> {
        if let Some(symbols) = res.symbols.and_then(|s| s.get(attr)) {
            // Exact, unless the sources could not decide a resource they name (its `count` is
            // known only to the plan): then the plan's own references say more.
            if self.sources_decide(symbols) || self.config_resource(res).is_none() {
                return Some(symbols.iter().map(|s| format!("{ABSOLUTE}{}{ABSOLUTE}{}", s.address, s.attr)).collect());
            }
        }
        let expr = self.config_resource(res)?.get("expressions")?.get(attr)?;
        Some(self.each_value_as_instance(res, collect_references(expr)))
    }
}

/// Attributes that hold a list of resources (`subnets = [a.id, b.id]`).
pub(super) const LIST_ATTRIBUTES: &[&str] =
    &["subnets", "subnet_ids", "security_groups", "vpc_security_group_ids", "route_table_ids"];

/// The references that are not a prefix of an indexed one: Terraform lists `a.b["k"].id`,
/// `a.b["k"]` and `a.b`, and the last names every instance.
pub(super) fn most_specific(refs: &[String]) -> Vec<&String> {
    let indexes_it = |r: &str, o: &str| o.strip_prefix(r).is_some_and(|rest| rest.starts_with('['));
    if refs.len() <= 16 {
        return refs.iter().filter(|r| !refs.iter().any(|o| indexes_it(r, o))).collect();
    }
    // A splat evaluated from sources lists every instance: comparing each pair was quadratic.
    // In sorted order, the references that index `r` start at the first one not below `r[`.
    let mut sorted: Vec<&str> = refs.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    refs.iter()
        .filter(|r| {
            let probe = format!("{r}[");
            let at = sorted.partition_point(|s| *s < probe.as_str());
            !sorted.get(at).is_some_and(|s| s.starts_with(&probe))
        })
        .collect()
}

pub(super) fn is_indexed(refs: &[String]) -> bool {
    refs.iter().any(|r| r == "count.index" || r.starts_with("each."))
}

/// An attribute's link, identified by the addresses of the values and references it is resolved
/// from (shared by the instances of a block), of the attribute and of the wanted types.
pub(super) type SharedLink = (usize, usize, usize, String, String);

/// What an attribute that names other resources says.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Link {
    Known(Vec<String>),
    Unknown,
    Absent,
}

impl Link {
    /// The named resources; none when unknown or absent.
    pub(super) fn ids(self) -> Vec<String> {
        match self {
            Link::Known(v) => v,
            _ => Vec::new(),
        }
    }
    pub(super) fn refs<A>(self) -> Vec<Ref<A>> {
        self.ids().into_iter().map(Ref::new).collect()
    }
    pub(super) fn first(&self) -> Option<String> {
        match self {
            Link::Known(v) => v.first().cloned(),
            _ => None,
        }
    }
}

/// Every string of every `references` list below an expression (blocks nest them).
pub(super) fn collect_references(expr: &Value) -> Vec<String> {
    let mut out = Vec::new();
    pub(super) fn walk(v: &Value, out: &mut Vec<String>) {
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
/// A resource of a module's values: its pointer, its full address (Terraform 0.12 writes a prior
/// state's module resources without their module's) and its object.
pub(super) type Walked<'a> = (String, Option<String>, &'a Value);

pub(super) fn walk_values<'a>(module: &'a Value, pointer: String, out: &mut Vec<Walked<'a>>) {
    let prefix = module.get("address").and_then(Value::as_str).map(|m| format!("{m}."));
    if let Some(Value::Array(rs)) = module.get("resources") {
        for (i, r) in rs.iter().enumerate() {
            let address = r.get("address").and_then(Value::as_str).map(|a| match &prefix {
                Some(p) if !a.starts_with(p.as_str()) => format!("{p}{a}"),
                _ => a.to_string(),
            });
            out.push((format!("{pointer}/resources/{i}"), address, r));
        }
    }
    if let Some(Value::Array(cs)) = module.get("child_modules") {
        for (i, c) in cs.iter().enumerate() {
            walk_values(c, format!("{pointer}/child_modules/{i}"), out);
        }
    }
}

pub(super) fn walk_config<'a>(module: &'a Value, path: String, out: &mut HashMap<String, &'a Value>) {
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

#[cfg(test)]
mod tests {
    use super::most_specific;

    #[test]
    fn most_specific_drops_the_references_an_indexed_one_refines_however_many() {
        for n in [3, 40, 2000] {
            let mut refs = vec!["aws_subnet.s".to_string(), "aws_vpc.main.id".to_string()];
            refs.extend((0..n).map(|i| format!("aws_subnet.s[{i}].id")));
            refs.extend((0..n).map(|i| format!("aws_subnet.s[{i}]")));
            refs.push("aws_subnet.s.id".to_string());
            let kept: Vec<&String> = most_specific(&refs);
            // `aws_subnet.s` goes (`aws_subnet.s[0]` refines it); `aws_subnet.s[0]` stays, as
            // `.id` is not an index.
            assert_eq!(kept.len(), 2 * n + 2, "{n}");
            assert_eq!(kept[0], "aws_vpc.main.id");
            assert_eq!(kept[1], "aws_subnet.s[0].id");
            assert_eq!(kept.last().map(|s| s.as_str()), Some("aws_subnet.s.id"));
        }
    }
}
