//! Resolving what an attribute of a plan resource names: the plan's `configuration` references
//! (through variables, module inputs and outputs, `count.index` and `each.key`), or the exact
//! references evaluated from sources beside the plan.

use super::plan::*;
use serde_json::Value;
use std::collections::HashMap;

const MAIN_TABLE_KIND: &str = crate::ingest::normalise::defaults::MAIN_TABLE;

/// What AWS creates with a VPC that the VPC's attribute `attr` names (`main_route_table_id`: its
/// main route table), when a reference to it is wanted as one of `want`.
fn implicit_of_vpc(attr: &str, want: &[&str]) -> Option<&'static str> {
    use crate::ingest::normalise::defaults::{DEFAULT_NACL, DEFAULT_SECURITY_GROUP, MAIN_TABLE};
    let (what, rtype) = match attr.split(['.', '[']).next().unwrap_or(attr) {
        "main_route_table_id" | "default_route_table_id" => (MAIN_TABLE, "aws_route_table"),
        "default_network_acl_id" => (DEFAULT_NACL, "aws_network_acl"),
        "default_security_group_id" => (DEFAULT_SECURITY_GROUP, "aws_security_group"),
        _ => return None,
    };
    want.contains(&rtype).then_some(what)
}

impl<'a> Plan<'a> {
    /// Resolve `refs` (seen from module instance `module`) to resources of one of `want` types.
    pub(super) fn resolve(
        &self,
        module: &[(String, Option<String>)],
        refs: &[String],
        want: &[&str],
        index: Option<&Value>,
        depth: usize,
    ) -> Resolved {
        if depth > 16 {
            return Resolved::Unknown;
        }
        let indexed = is_indexed(refs);
        let wanted = |rtype: &str| want.is_empty() || want.contains(&rtype);
        // An index computed from a variable or local as well as `count.index` / `each`
        // (`element(aws_route_table.private[*].id, var.single_nat ? 0 : count.index)`): the
        // configuration keeps only the references, so which instance it picks is not known.
        let names_resource =
            refs.iter().any(|r| matches!(parse_reference(r), Reference::Resource { rtype, .. } if wanted(rtype)));
        if indexed && names_resource && refs.iter().any(|r| r.starts_with("var.") || r.starts_with("local.")) {
            return Resolved::Unknown;
        }
        for r in refs {
            if let Some(absolute) = r.strip_prefix(ABSOLUTE) {
                match self.resolve_absolute(absolute, want) {
                    Some(found) => return found,
                    None => continue,
                }
            }
            let found = match parse_reference(r) {
                Reference::Resource { rtype: vpc_type @ ("aws_vpc" | "aws_default_vpc"), name, key, attr }
                    if implicit_of_vpc(attr, want).is_some() =>
                {
                    let what = implicit_of_vpc(attr, want).unwrap_or_default();
                    let vpc = self.resolve_resource(module, vpc_type, name, key, indexed.then_some(index));
                    vpc.map(|v| self.implicit_resource(v, what))
                }
                Reference::Resource { rtype, name, key, .. } if wanted(rtype) => {
                    self.resolve_resource(module, rtype, name, key, indexed.then_some(index))
                }
                Reference::Data { rtype, name, key } if wanted(rtype) => {
                    let mut addr = format!("{}data.{rtype}.{name}", module_prefix(module));
                    if let Some(k) = key {
                        addr.push_str(&format!("[{k}]"));
                    }
                    Some(self.data_ids.get(&addr).map_or(Resolved::Unknown, |id| Resolved::External(id.clone())))
                }
                Reference::Var(var) => Some(self.resolve_variable(module, var, want, index, depth)),
                Reference::Module { name, key, output: Some(output) } => {
                    Some(self.resolve_module_output(module, (name, key), output, want, (indexed, index), depth))
                }
                _ => None,
            };
            if let Some(found) = found {
                return found;
            }
        }
        Resolved::Unknown
    }

    /// A reference evaluated from sources, `address\0attr`: the resource itself when it is of a
    /// wanted type (or what AWS creates with a VPC, for its `main_route_table_id` and the like);
    /// `None` when it is of another type.
    fn resolve_absolute(&self, absolute: &str, want: &[&str]) -> Option<Resolved> {
        let (address, attr) = absolute.split_once(ABSOLUTE).unwrap_or((absolute, ""));
        let Some(&i) = self.by_address.get(address) else {
            // A resource whose instances are not decided, or not in the configuration at all.
            return Some(Resolved::Unknown);
        };
        let rtype = self.resources.get(i)?.rtype.as_str();
        if let (true, Some(what)) = (matches!(rtype, "aws_vpc" | "aws_default_vpc"), implicit_of_vpc(attr, want)) {
            return Some(self.implicit_resource(Resolved::Addresses(vec![address.to_string()]), what));
        }
        (want.is_empty() || want.contains(&rtype)).then(|| Resolved::Addresses(vec![address.to_string()]))
    }

    /// What AWS creates with the VPC a resolution names (`what`: its main route table, default
    /// network ACL or default security group): the resource of the plan that manages it
    /// (`aws_default_route_table`, …), else the one AWS creates, by its implicit id.
    fn implicit_resource(&self, vpc: Resolved, what: &str) -> Resolved {
        use crate::ingest::normalise::defaults::{DEFAULT_NACL, DEFAULT_SECURITY_GROUP, implicit_id};
        let Resolved::Addresses(vpcs) = vpc else { return Resolved::Unknown };
        let [vpc] = vpcs.as_slice() else { return Resolved::Unknown };
        let managed = self.managed_defaults.get_or_init(|| {
            let mut out = HashMap::new();
            for r in &self.resources {
                let (kind, attr) = match r.rtype.as_str() {
                    "aws_default_route_table" => (MAIN_TABLE_KIND, "default_route_table_id"),
                    "aws_default_network_acl" => (DEFAULT_NACL, "default_network_acl_id"),
                    "aws_default_security_group" => (DEFAULT_SECURITY_GROUP, "vpc_id"),
                    _ => continue,
                };
                if let Some(v) = self.link(r, attr, &["aws_vpc", "aws_default_vpc"]).first() {
                    out.entry((v, kind)).or_insert_with(|| r.address.clone());
                }
            }
            out
        });
        let address = managed.get(&(vpc.clone(), what)).cloned().unwrap_or_else(|| implicit_id(vpc, what));
        Resolved::Addresses(vec![address])
    }

    /// A reference to `rtype.name` (with its instance `key`, if written) in `module`. `index` is
    /// `Some` when the expression selects an instance by `count.index` or `each.key`. `None`: no
    /// such resource in the plan, so the next reference may name it.
    fn resolve_resource(
        &self,
        module: &[(String, Option<String>)],
        rtype: &str,
        name: &str,
        key: Option<&str>,
        index: Option<Option<&Value>>,
    ) -> Option<Resolved> {
        let base = format!("{}{rtype}.{name}", module_prefix(module));
        let all = self.instances.get(&base)?;
        if let Some(k) = key {
            let addr = format!("{base}[{k}]");
            return self.by_address.contains_key(&addr).then(|| Resolved::Addresses(vec![addr]));
        }
        if all.len() == 1 && all[0] == base {
            return Some(Resolved::Addresses(vec![base]));
        }
        let Some(index) = index else { return Some(Resolved::Addresses(all.clone())) };
        Some(match index {
            Some(i) => {
                let addr = format!("{base}[{}]", key_text(i));
                if self.by_address.contains_key(&addr) {
                    Resolved::Addresses(vec![addr])
                } else if let Some(n) = i.as_u64() {
                    // A list built from a for_each map is ordered by key.
                    all.get(n as usize).map_or(Resolved::Unknown, |a| Resolved::Addresses(vec![a.clone()]))
                } else {
                    Resolved::Unknown
                }
            }
            None => Resolved::Unknown,
        })
    }

    /// `var.name` in `module`: the root module's variable value, or the expression the calling
    /// module passes, resolved in the caller.
    fn resolve_variable(
        &self,
        module: &[(String, Option<String>)],
        var: &str,
        want: &[&str],
        index: Option<&Value>,
        depth: usize,
    ) -> Resolved {
        let Some((last, parent)) = module.split_last() else {
            let value = self.root_variables.and_then(|v| v.get(var)).and_then(|v| v.get("value"));
            return match value {
                Some(Value::String(s)) if !s.is_empty() => Resolved::External(s.clone()),
                _ => Resolved::Unknown,
            };
        };
        let Some(call) = self.config_module(parent).and_then(|m| m.get("module_calls")).and_then(|c| c.get(&last.0))
        else {
            return Resolved::Unknown;
        };
        let Some(expr) = call.get("expressions").and_then(|e| e.get(var)) else { return Resolved::Unknown };
        if let Some(Value::String(s)) = expr.get("constant_value") {
            return Resolved::External(s.clone());
        }
        let module_index: Option<Value> = last.1.as_ref().and_then(|k| serde_json::from_str(k).ok());
        let idx = module_index.as_ref().or(index);
        self.resolve(parent, &collect_references(expr), want, idx, depth + 1)
    }

    /// `module.name[key].output`: the output's expression, resolved in the child module.
    fn resolve_module_output(
        &self,
        module: &[(String, Option<String>)],
        (name, key): (&str, Option<&str>),
        output: &str,
        want: &[&str],
        (indexed, index): (bool, Option<&Value>),
        depth: usize,
    ) -> Resolved {
        let mut child = module.to_vec();
        child.push((name.to_string(), key.map(str::to_string)));
        let Some(out) = self.config_module(&child).and_then(|m| m.get("outputs")).and_then(|o| o.get(output)) else {
            return Resolved::Unknown;
        };
        let Some(expr) = out.get("expression") else { return Resolved::Unknown };
        let mut inner = collect_references(expr);
        if indexed {
            inner.push("count.index".into());
        }
        // A module with count/for_each whose instance the reference does not name is Unknown
        // (the resolution says so already).
        self.resolve(&child, &inner, want, index, depth + 1)
    }

    /// An attribute naming other resources: known ids (mapped to plan addresses where they
    /// match), references resolved through the configuration, or unknown.
    pub(super) fn link(&self, res: &Res<'a>, attr: &str, want: &[&str]) -> Link {
        // A body evaluated once for many instances (its values from sources, not a plan's) links
        // the same for each of them; anything else is resolved where it is.
        let shared = res.symbols.filter(|s| std::sync::Arc::strong_count(s) > 1 && res.values_key.is_empty());
        let Some(symbols) = shared.and_then(|s| s.get(attr)) else { return self.link_once(res, attr, want) };
        let unknown = res.unknown.map_or(0, |u| u as *const Value as usize);
        let key = (
            symbols as *const _ as usize,
            res.values as *const Value as usize,
            unknown,
            attr.to_string(),
            want.join(" "),
        );
        if let Some(link) = self.shared_links.borrow().get(&key) {
            return link.clone();
        }
        let link = self.link_once(res, attr, want);
        // Only references the sources decide are resolved without the instance (its index
        // and configuration), the same for every instance that shares them.
        if self.sources_decide(symbols) {
            self.shared_links.borrow_mut().insert(key, link.clone());
        }
        link
    }

    fn link_once(&self, res: &Res<'a>, attr: &str, want: &[&str]) -> Link {
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
            Resolved::Addresses(a) => Link::Known(a),
            Resolved::External(id) => Link::Known(vec![external(id)]),
            Resolved::Unknown => Link::Unknown,
        }
    }

    /// [`Plan::resolve`], when the references name one resource of the wanted types: an expression
    /// naming two (`var.x ? a.id : b.id`, or the merged references of a table's inline routes)
    /// does not say which one applies.
    pub(super) fn resolve_unique(
        &self,
        module: &[(String, Option<String>)],
        refs: &[String],
        want: &[&str],
        index: Option<&Value>,
    ) -> Resolved {
        if !is_indexed(refs) {
            let mut named: Vec<String> = Vec::new();
            for r in most_specific(refs) {
                if let Resolved::Addresses(a) = self.resolve(module, std::slice::from_ref(r), want, index, 0) {
                    named.extend(a);
                }
            }
            named.sort();
            named.dedup();
            if named.len() > 1 {
                return Resolved::Unknown;
            }
        }
        self.resolve(module, refs, want, index, 0)
    }

    /// Every resource a list expression names, in order; `None` when one of its references to the
    /// wanted types cannot be resolved.
    pub(super) fn resolve_each(
        &self,
        module: &[(String, Option<String>)],
        refs: &[String],
        want: &[&str],
        index: Option<&Value>,
    ) -> Option<Vec<String>> {
        if is_indexed(refs) {
            return match self.resolve(module, refs, want, index, 0) {
                Resolved::Addresses(a) => Some(a),
                Resolved::External(id) => Some(vec![id]),
                Resolved::Unknown => None,
            };
        }
        let mut out: Vec<String> = Vec::new();
        // Addresses already in `out`: a splat names thousands, and looking each up in `out` was
        // quadratic.
        let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        for r in most_specific(refs) {
            let wanted = match parse_reference(r) {
                Reference::Resource { rtype, .. } | Reference::Data { rtype, .. } => want.contains(&rtype),
                Reference::Var(_) => true,
                // `module.m` is listed beside `module.m.output`; only the output names anything.
                Reference::Module { output, .. } => output.is_some(),
                Reference::Other => false,
            };
            match self.resolve(module, std::slice::from_ref(r), want, index, 0) {
                Resolved::Addresses(a) => {
                    for x in a {
                        if seen.insert(x.clone()) {
                            out.push(x);
                        }
                    }
                }
                Resolved::External(id) => {
                    if seen.insert(id.clone()) {
                        out.push(id);
                    }
                }
                Resolved::Unknown if wanted => return None,
                Resolved::Unknown => {}
            }
        }
        Some(out)
    }
}
