//! Every resource instance of a module tree, evaluated into what the plan reader reads: known
//! values, which of them apply decides, and the resource attributes each attribute names.

use super::config::{Mode, ResourceBlock};
use super::state::{Evaluator, META_ARGUMENTS, Scope};
use super::value::{Symbol, Value};
use crate::source::FileId;
use hcl_edit::structure::Body;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One resource instance, as evaluated from sources.
#[derive(Debug)]
pub struct Evaluated {
    pub address: String,
    /// Module instance path, keys as the plan reader takes them (`"a"`, `0`: no brackets).
    pub module: Vec<(String, Option<String>)>,
    pub rtype: String,
    pub name: String,
    pub index: Option<Json>,
    /// Shared by the instances of a block whose body reads neither `count` nor `each`: a
    /// thousand instances naming ten thousand others hold one copy, not a thousand.
    pub values: Arc<Json>,
    pub unknown: Arc<Json>,
    /// For each attribute, the resource attributes its value names (sorted).
    pub symbols: Arc<BTreeMap<String, Vec<Symbol>>>,
    pub file: FileId,
    pub pointer: String,
}

/// An instance's evaluated body: its values, which of them apply decides, and what they name.
type Instance = (Arc<Json>, Arc<Json>, Arc<BTreeMap<String, Vec<Symbol>>>);

/// What evaluating a module tree found.
#[derive(Debug, Default)]
pub struct Tree {
    pub resources: Vec<Evaluated>,
    pub data_sources: BTreeMap<String, usize>,
    /// Resources and module calls whose instances are not decided (`count` / `for_each` known
    /// only after apply).
    pub undecided: BTreeMap<String, usize>,
}

impl<'c> Evaluator<'c> {
    /// Evaluate every resource of every module instance, from the root down.
    pub fn evaluate_all(&mut self) -> Tree {
        let mut tree = Tree::default();
        let mut next = 0;
        while next < self.instances.len() {
            let inst = next;
            next += 1;
            let config = self.instances[inst].config;
            for call in &config.calls {
                let available =
                    self.call_dirs.get(&(config.dir.clone(), call.name.clone())).is_some_and(Option::is_some);
                if self.module_children(inst, &call.name).is_none() && available {
                    *tree.undecided.entry(format!("module {}", call.name)).or_default() += 1;
                }
            }
            for block in &config.resources {
                self.evaluate_block(inst, block, &mut tree);
            }
        }
        tree.resources.sort_by(|a, b| a.address.cmp(&b.address));
        tree
    }

    fn evaluate_block(&mut self, inst: usize, block: &'c ResourceBlock, tree: &mut Tree) {
        if block.mode == Mode::Data {
            *tree.data_sources.entry(block.rtype.clone()).or_default() += 1;
            return;
        }
        let Some(instances) = self.resource_instances(inst, block) else {
            *tree.undecided.entry(block.rtype.clone()).or_default() += 1;
            return;
        };
        let prefix = self.instances[inst].prefix();
        let module: Vec<(String, Option<String>)> = self.instances[inst]
            .path
            .iter()
            .map(|(n, k)| (n.clone(), k.as_ref().map(|k| k.trim_start_matches('[').trim_end_matches(']').to_string())))
            .collect();
        let mut shared: Option<Instance> = None;
        for (key, bound) in instances.iter().cloned() {
            let (values, unknown, symbols) = match &shared {
                Some(same) => same.clone(),
                None => {
                    let scope = Scope::module(inst, bound);
                    let value = self.body_value(&block.body, &scope);
                    let (values, unknown) = to_json(&value);
                    let mut symbols = BTreeMap::new();
                    symbol_paths(&value, "", &mut symbols);
                    let evaluated = (Arc::new(values), Arc::new(unknown), Arc::new(symbols));
                    if !scope.was_read() {
                        shared = Some(evaluated.clone());
                    }
                    evaluated
                }
            };
            let index = key.as_deref().map(|k| {
                let inner = k.trim_start_matches('[').trim_end_matches(']');
                serde_json::from_str(inner).unwrap_or(Json::Null)
            });
            tree.resources.push(Evaluated {
                address: format!("{prefix}{}.{}{}", block.rtype, block.name, key.as_deref().unwrap_or("")),
                module: module.clone(),
                rtype: block.rtype.clone(),
                name: block.name.clone(),
                index,
                values,
                unknown,
                symbols,
                file: block.file,
                pointer: block.pointer(),
            });
        }
    }

    /// A block body's attributes and nested blocks (`dynamic` ones expanded) as an object.
    pub fn body_value(&mut self, body: &Body, scope: &Scope<'_>) -> Value {
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        for attr in body.attributes() {
            let key = attr.key.as_str();
            if META_ARGUMENTS.contains(&key) {
                continue;
            }
            let v = self.eval(&attr.value, scope);
            map.insert(key.to_string(), v);
        }
        for block in body.blocks() {
            let ident = block.ident.as_str();
            if META_ARGUMENTS.contains(&ident) {
                continue;
            }
            if ident == "dynamic" {
                let Some(name) = block.labels.first().map(|l| l.as_str().to_string()) else { continue };
                let items = self.dynamic_blocks(&name, &block.body, scope);
                match (map.get_mut(&name), items) {
                    (Some(Value::List(list)), Value::List(more)) => list.extend(more),
                    (_, items) => {
                        map.insert(name, items);
                    }
                }
                continue;
            }
            let v = self.body_value(&block.body, scope);
            match map.entry(ident.to_string()).or_insert_with(|| Value::List(Vec::new())) {
                Value::List(list) => list.push(v),
                other => *other = Value::unknown_from([&*other, &v]),
            }
        }
        Value::Object(map)
    }

    /// `dynamic "name" { for_each = …, iterator = …, content { … } }`: one block per element.
    fn dynamic_blocks(&mut self, name: &str, body: &Body, scope: &Scope<'_>) -> Value {
        let Some(for_each) = body.get_attribute("for_each") else { return Value::unknown() };
        let iterator = match body.get_attribute("iterator").map(|a| &a.value) {
            Some(hcl_edit::expr::Expression::Variable(v)) => v.as_str().to_string(),
            _ => name.to_string(),
        };
        let Some(content) = body.blocks().find(|b| b.ident.as_str() == "content") else { return Value::unknown() };
        let items: Vec<(Value, Value)> = match self.eval(&for_each.value, scope) {
            Value::List(items) => items.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect(),
            Value::Object(map) => map.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            other => return Value::unknown_from([&other]),
        };
        let mut out = Vec::new();
        for (k, v) in items {
            let it = Value::Object([("key".to_string(), k), ("value".to_string(), v)].into());
            let inner = scope.with(vec![(iterator.clone(), it)]);
            out.push(self.body_value(&content.body, &inner));
        }
        Value::List(out)
    }
}

/// The symbols of every attribute at every depth, by path (`route_table_id`, `route/0/gateway_id`).
fn symbol_paths(value: &Value, path: &str, out: &mut BTreeMap<String, Vec<Symbol>>) {
    let child = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}/{k}") };
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter().filter(|(k, _)| k.as_str() != super::state::INSTANCE) {
                symbol_paths(v, &child(k), out);
            }
        }
        // Nested blocks are lists of objects; a list of ids needs no entry per element.
        Value::List(items) => {
            for (i, v) in items.iter().enumerate().filter(|(_, v)| matches!(v, Value::Object(_))) {
                symbol_paths(v, &child(&i.to_string()), out);
            }
        }
        _ => {}
    }
    if !path.is_empty() {
        let mut s = Vec::new();
        value.collect_symbols(&mut s);
        s.sort();
        s.dedup();
        out.insert(path.to_string(), s);
    }
}

/// A value as a plan shows it: the known parts (unknown ones null), and the same shape with
/// `true` where apply decides.
pub fn to_json(value: &Value) -> (Json, Json) {
    match value {
        Value::Null => (Json::Null, Json::Bool(false)),
        Value::Bool(b) => (Json::Bool(*b), Json::Bool(false)),
        Value::Number(n) => {
            let j = if n.fract() == 0.0 && n.abs() < 9.0e15 {
                Json::from(*n as i64)
            } else {
                serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number)
            };
            (j, Json::Bool(false))
        }
        Value::String(s) => (Json::String(s.clone()), Json::Bool(false)),
        Value::Unknown(_) => (Json::Null, Json::Bool(true)),
        Value::List(items) => {
            let (v, u): (Vec<Json>, Vec<Json>) = items.iter().map(to_json).unzip();
            (Json::Array(v), Json::Array(u))
        }
        Value::Object(map) => {
            let mut v = serde_json::Map::new();
            let mut u = serde_json::Map::new();
            for (k, x) in map.iter().filter(|(k, _)| k.as_str() != super::state::INSTANCE) {
                let (a, b) = to_json(x);
                v.insert(k.clone(), a);
                u.insert(k.clone(), b);
            }
            (Json::Object(v), Json::Object(u))
        }
    }
}
