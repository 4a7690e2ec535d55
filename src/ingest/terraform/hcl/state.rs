//! The evaluator's state: module instances with their inputs, locals and outputs; resources and
//! their instances (`count`, `for_each`), evaluated lazily, each value once, cycles Unknown.

use super::config::{Mode, ModuleCall, ModuleConfig, ResourceBlock};
use super::value::Value;
use hcl_edit::expr::Expression;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

/// The member of a resource instance object that holds its address: attribute access on such an
/// object evaluates the instance's configuration, or stands for what apply decides.
pub const INSTANCE: &str = "\u{0}instance";

/// Evaluation steps one module tree may take: work stays bounded whatever the input.
const MAX_STEPS: usize = 2_000_000;

/// Instances a `count` or `for_each` may make.
pub const MAX_INSTANCES: usize = 10_000;

/// How a resource or module is instantiated: its instance keys as Terraform writes them in
/// addresses (`None` for a single instance, `[0]`, `["a"]`), each with `count` / `each` values.
pub type Instances = Vec<(Option<String>, Vec<(String, Value)>)>;

/// Values bound around an expression: `count`, `each`, `for` variables, iterators.
pub type Bound = Vec<(String, Value)>;

/// Module instances of a call: instance key and index.
pub type Children = Vec<(Option<String>, usize)>;

/// Where names are looked up: a module instance, and the values bound around the expression
/// (`count`, `each`, `for` variables, a `dynamic` block's iterator).
#[derive(Clone)]
pub struct Scope<'b> {
    pub inst: usize,
    bound: Vec<(String, Value)>,
    parent: Option<&'b Scope<'b>>,
    pub depth: usize,
    /// Whether a name bound here was read (`count`, `each` in a resource's own scope): a body
    /// that reads none evaluates the same for every instance.
    read: std::cell::Cell<bool>,
}

impl<'b> Scope<'b> {
    pub fn module(inst: usize, bound: Vec<(String, Value)>) -> Scope<'static> {
        Scope { inst, bound, parent: None, depth: 0, read: Default::default() }
    }
    /// This scope with more names bound.
    pub fn with(&'b self, bound: Vec<(String, Value)>) -> Scope<'b> {
        Scope { inst: self.inst, bound, parent: Some(self), depth: self.depth + 1, read: Default::default() }
    }
    pub fn deeper(&'b self) -> Scope<'b> {
        Scope {
            inst: self.inst,
            bound: Vec::new(),
            parent: Some(self),
            depth: self.depth + 1,
            read: Default::default(),
        }
    }
    pub fn lookup(&self, name: &str) -> Option<&Value> {
        match self.bound.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => {
                self.read.set(true);
                Some(v)
            }
            None => self.parent?.lookup(name),
        }
    }
    pub fn bindings(&self) -> impl Iterator<Item = &(String, Value)> {
        let mut all: Vec<&(String, Value)> = Vec::new();
        let mut s = Some(self);
        while let Some(scope) = s {
            if !scope.bound.is_empty() {
                scope.read.set(true);
            }
            all.extend(scope.bound.iter());
            s = scope.parent;
        }
        all.into_iter()
    }
    /// Whether any name bound in this scope itself was read.
    pub fn was_read(&self) -> bool {
        self.read.get()
    }
}

/// A module instance.
pub struct ModuleInstance<'c> {
    /// Call names and instance keys from the root (`[("vpc", None), ("subnets", Some("[\"a\"]"))]`).
    pub path: Vec<(String, Option<String>)>,
    pub config: &'c ModuleConfig,
    /// The instance that calls this one, the call, and the call's `count` / `each` values.
    pub caller: Option<(usize, &'c ModuleCall, Bound)>,
}

impl ModuleInstance<'_> {
    /// `module.a["x"].module.b.` (empty for the root).
    pub fn prefix(&self) -> String {
        self.path.iter().map(|(n, k)| format!("module.{n}{}.", k.as_deref().unwrap_or(""))).collect()
    }
}

/// Where a module call's source is, once resolved (`None`: not available, e.g. registry modules
/// before `terraform init`).
pub type CallDirs = HashMap<(PathBuf, String), Option<PathBuf>>;

pub struct Evaluator<'c> {
    pub configs: &'c BTreeMap<PathBuf, ModuleConfig>,
    pub call_dirs: &'c CallDirs,
    pub root_inputs: BTreeMap<String, Value>,
    pub instances: Vec<ModuleInstance<'c>>,
    children: HashMap<(usize, String), Option<Children>>,
    /// Values evaluated once (variables, locals, outputs, instance attributes), shared: a large
    /// local indexed by every instance is not copied for each.
    memo: HashMap<String, Rc<Value>>,
    busy: HashSet<String>,
    expansions: HashMap<(usize, Mode, String, String), Option<Rc<Instances>>>,
    /// Resource instance address → (module instance, block, `count`/`each` values).
    pub by_address: HashMap<String, (usize, &'c ResourceBlock, Bound)>,
    steps: usize,
    /// Module calls whose source is not available, by source.
    pub missing_modules: BTreeMap<String, usize>,
}

impl<'c> Evaluator<'c> {
    pub fn new(
        configs: &'c BTreeMap<PathBuf, ModuleConfig>,
        call_dirs: &'c CallDirs,
        root: &'c ModuleConfig,
        root_inputs: BTreeMap<String, Value>,
    ) -> Evaluator<'c> {
        Evaluator {
            configs,
            call_dirs,
            root_inputs,
            instances: vec![ModuleInstance { path: Vec::new(), config: root, caller: None }],
            children: HashMap::new(),
            memo: HashMap::new(),
            busy: HashSet::new(),
            expansions: HashMap::new(),
            by_address: HashMap::new(),
            steps: 0,
            missing_modules: BTreeMap::new(),
        }
    }

    /// Count one evaluation step; `false` once the budget is spent.
    pub fn step(&mut self) -> bool {
        self.steps += 1;
        self.steps <= MAX_STEPS
    }

    /// Evaluate once per key, in a cycle Unknown.
    fn memoised(&mut self, key: String, f: impl FnOnce(&mut Self) -> Value) -> Value {
        (*self.memoised_shared(key, f)).clone()
    }

    fn memoised_shared(&mut self, key: String, f: impl FnOnce(&mut Self) -> Value) -> Rc<Value> {
        if let Some(v) = self.memo.get(&key) {
            return Rc::clone(v);
        }
        if !self.busy.insert(key.clone()) {
            return Rc::new(Value::unknown());
        }
        let v = Rc::new(f(self));
        self.busy.remove(&key);
        self.memo.insert(key, Rc::clone(&v));
        v
    }

    /// A bare name: a bound value (`count`, `each`, a `for` variable), else Unknown.
    pub fn variable(&mut self, name: &str, scope: &Scope<'_>) -> Value {
        scope.lookup(name).cloned().unwrap_or_else(Value::unknown)
    }

    /// The root of a traversal and how many steps it used.
    pub fn named_root(
        &mut self,
        name: &str,
        ops: &[hcl_edit::Decorated<hcl_edit::expr::TraversalOperator>],
        scope: &Scope<'_>,
    ) -> (Value, usize) {
        use hcl_edit::expr::TraversalOperator as Op;
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(Op::GetAttr(a)) => Some(a.as_str().to_string()),
            _ => None,
        };
        if let Some(bound) = scope.lookup(name) {
            return (bound.clone(), 0);
        }
        match name {
            "var" | "local" => {
                let Some(n) = attr(0) else { return (Value::unknown(), 1) };
                let shared =
                    if name == "var" { self.input_shared(scope.inst, &n) } else { self.local_shared(scope.inst, &n) };
                self.walk_shared(&shared, &ops[1..], scope)
            }
            "module" => (attr(0).map_or_else(Value::unknown, |m| self.module_value(scope.inst, &m)), 1),
            // Data sources are read at plan time: what they return is not in the configuration.
            "data" => (Value::unknown(), 2),
            "path" => {
                let dir = self.instances[scope.inst].config.dir.display().to_string();
                (Value::String(dir), 1)
            }
            "terraform" => (Value::String("default".into()), 1),
            rtype => match (attr(0), ops.get(1).map(|o| o.value())) {
                // `type.name[key]`: that instance alone, not every instance built to pick one.
                (Some(rname), Some(Op::Index(e))) => match self.instance_by_key(scope, rtype, &rname, e) {
                    Some(instance) => (instance, 2),
                    None => (self.resource_value(scope.inst, rtype, &rname), 1),
                },
                (Some(rname), _) => (self.resource_value(scope.inst, rtype, &rname), 1),
                (None, _) => (Value::unknown(), 0),
            },
        }
    }

    /// The members and elements `ops` select in a shared value, without copying the rest; the
    /// value reached and how many steps it took (counting the root's).
    fn walk_shared(
        &mut self,
        shared: &Rc<Value>,
        ops: &[hcl_edit::Decorated<hcl_edit::expr::TraversalOperator>],
        scope: &Scope<'_>,
    ) -> (Value, usize) {
        use hcl_edit::expr::TraversalOperator as Op;
        let mut at: &Value = shared;
        let mut used = 1;
        for op in ops {
            let next = match (op.value(), at) {
                (Op::GetAttr(a), Value::Object(map)) if !map.contains_key(INSTANCE) => map.get(a.as_str()),
                (Op::Index(e), Value::List(_) | Value::Object(_)) => {
                    let index = self.eval(e, scope);
                    match (at, &index) {
                        (Value::List(items), i) => i.as_index().and_then(|i| items.get(i)),
                        (Value::Object(map), k) if !map.contains_key(INSTANCE) => k.to_text().and_then(|k| map.get(&k)),
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some(next) = next else { break };
            at = next;
            used += 1;
        }
        (at.clone(), used)
    }

    fn input_shared(&mut self, inst: usize, name: &str) -> Rc<Value> {
        let key = format!("var\u{0}{inst}\u{0}{name}");
        let name = name.to_string();
        self.memoised_shared(key, move |e| e.input_value(inst, &name))
    }

    fn local_shared(&mut self, inst: usize, name: &str) -> Rc<Value> {
        let key = format!("local\u{0}{inst}\u{0}{name}");
        let Some(expr) = self.instances[inst].config.locals.get(name) else { return Rc::new(Value::unknown()) };
        self.memoised_shared(key, move |e| e.eval(expr, &Scope::module(inst, Vec::new())))
    }

    /// `var.name` in a module instance: the caller's argument (or, for the root, `-var` and tfvars
    /// values), else the variable's default, else Unknown.
    fn input_value(&mut self, inst: usize, name: &str) -> Value {
        let value = self.given_or_default(inst, name);
        match self.instances[inst].config.variables.get(name).and_then(|v| v.type_constraint.as_ref()) {
            Some(constraint) => self.conform(value, constraint),
            None => value,
        }
    }

    /// A variable's value as given (by the caller, `-var`, tfvars), else its default.
    fn given_or_default(&mut self, inst: usize, name: &str) -> Value {
        let e = self;
        {
            let instance = &e.instances[inst];
            let config = instance.config;
            match &instance.caller {
                None => {
                    if let Some(v) = e.root_inputs.get(name) {
                        return v.clone();
                    }
                }
                Some((parent, call, bound)) => {
                    if let Some(attr) = call.body.get_attribute(name) {
                        let scope = Scope::module(*parent, bound.clone());
                        return e.eval(&attr.value, &scope);
                    }
                }
            }
            match config.variables.get(name).and_then(|v| v.default.as_ref()) {
                Some(default) => e.eval(default, &Scope::module(inst, Vec::new())),
                None => Value::unknown(),
            }
        }
    }

    /// A value converted to a type constraint as Terraform does for variables: an object type's
    /// attributes the value lacks are null, or the default of `optional(type, default)`.
    /// Collections of objects are converted element by element; other types leave the value.
    fn conform(&mut self, value: Value, constraint: &Expression) -> Value {
        let Expression::FuncCall(call) = constraint else { return value };
        let args: Vec<&Expression> = call.args.iter().collect();
        match (call.name.name.as_str(), value, args.first()) {
            ("object", Value::Object(mut map), Some(Expression::Object(attrs))) => {
                for (key, attr_type) in attrs.iter() {
                    let key = match key {
                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(e) => match e {
                            Expression::String(s) => s.value().to_string(),
                            _ => continue,
                        },
                    };
                    let (inner, default) = match attr_type.expr() {
                        Expression::FuncCall(f) if f.name.name.as_str() == "optional" => {
                            let mut a = f.args.iter();
                            (a.next(), a.next())
                        }
                        other => (Some(other), None),
                    };
                    let present = map.remove(&key).filter(|v| *v != Value::Null);
                    let given = match (present, default) {
                        (Some(v), _) => v,
                        (None, Some(d)) => self.eval(d, &Scope::module(0, Vec::new())),
                        (None, None) => Value::Null,
                    };
                    let converted = match inner {
                        Some(t) if given != Value::Null => self.conform(given, t),
                        _ => given,
                    };
                    map.insert(key, converted);
                }
                Value::Object(map)
            }
            ("map", Value::Object(map), Some(t)) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, self.conform(v, t))).collect())
            }
            ("list" | "set", Value::List(items), Some(t)) => {
                Value::List(items.into_iter().map(|v| self.conform(v, t)).collect())
            }
            (_, value, _) => value,
        }
    }

    /// `module.name`: the outputs of the call's instance, or a list / map of them.
    fn module_value(&mut self, inst: usize, call: &str) -> Value {
        let Some(children) = self.module_children(inst, call) else { return Value::unknown() };
        let counted = self.instances[inst].config.calls.iter().find(|c| c.name == call).map(|c| instantiation(&c.body));
        let mut items: Vec<(Option<String>, Value)> = Vec::new();
        for (key, child) in children {
            let outputs: Vec<String> = self.instances[child].config.outputs.keys().cloned().collect();
            let object: BTreeMap<String, Value> =
                outputs.into_iter().map(|o| (o.clone(), self.output(child, &o))).collect();
            items.push((key, Value::Object(object)));
        }
        match counted {
            Some(Some(Expansion::Count(_))) => Value::List(items.into_iter().map(|(_, v)| v).collect()),
            Some(Some(Expansion::ForEach(_))) => {
                Value::Object(items.into_iter().filter_map(|(k, v)| Some((raw_key(k.as_deref()?)?, v))).collect())
            }
            _ => items.into_iter().next().map_or_else(Value::unknown, |(_, v)| v),
        }
    }

    pub fn output(&mut self, inst: usize, name: &str) -> Value {
        let key = format!("output\u{0}{inst}\u{0}{name}");
        let Some(expr) = self.instances[inst].config.outputs.get(name) else { return Value::unknown() };
        self.memoised(key, move |e| e.eval(expr, &Scope::module(inst, Vec::new())))
    }

    /// The instances of module call `call` in `inst`, created on first use; `None` when the
    /// module's source is not available or its instances are not decided.
    pub fn module_children(&mut self, inst: usize, call: &str) -> Option<Children> {
        let memo_key = (inst, call.to_string());
        if let Some(known) = self.children.get(&memo_key) {
            return known.clone();
        }
        self.children.insert(memo_key.clone(), None);
        let config = self.instances[inst].config;
        let c = config.calls.iter().find(|c| c.name == call)?;
        let dir = self.call_dirs.get(&(config.dir.clone(), call.to_string())).cloned().flatten();
        let Some(child_config) = dir.and_then(|d| self.configs.get(&d)) else {
            *self.missing_modules.entry(c.source.clone().unwrap_or_default()).or_default() += 1;
            return None;
        };
        let instances = self.instances_of(&c.body, inst)?;
        let mut out = Vec::new();
        for (key, bound) in instances {
            let mut path = self.instances[inst].path.clone();
            path.push((call.to_string(), key.clone()));
            self.instances.push(ModuleInstance { path, config: child_config, caller: Some((inst, c, bound)) });
            out.push((key, self.instances.len() - 1));
        }
        self.children.insert(memo_key, Some(out.clone()));
        Some(out)
    }

    /// A block's instances from its `count` or `for_each`; `None` when they are not decided.
    pub fn instances_of(&mut self, body: &hcl_edit::structure::Body, inst: usize) -> Option<Instances> {
        let scope = Scope::module(inst, Vec::new());
        match instantiation(body) {
            None => Some(vec![(None, Vec::new())]),
            Some(Expansion::Count(e)) => {
                let n = self.eval(e, &scope).as_index()?.min(MAX_INSTANCES);
                let count =
                    |i: usize| ("count".to_string(), Value::Object([("index".into(), Value::Number(i as f64))].into()));
                Some((0..n).map(|i| (Some(format!("[{i}]")), vec![count(i)])).collect())
            }
            Some(Expansion::ForEach(e)) => {
                let pairs: Vec<(String, Value)> = match self.eval(e, &scope) {
                    Value::Object(map) if !map.values().any(|v| matches!(v, Value::Unknown(f) if f.is_empty())) => {
                        map.into_iter().collect()
                    }
                    Value::List(items) if items.iter().all(|v| v.to_text().is_some()) => {
                        let mut keys: Vec<String> = items.iter().filter_map(Value::to_text).collect();
                        keys.sort();
                        keys.dedup();
                        keys.into_iter().map(|k| (k.clone(), Value::String(k))).collect()
                    }
                    _ => return None,
                };
                let each = |k: String, v: Value| {
                    ("each".to_string(), Value::Object([("key".into(), Value::String(k)), ("value".into(), v)].into()))
                };
                Some(
                    pairs
                        .into_iter()
                        .take(MAX_INSTANCES)
                        .map(|(k, v)| (Some(format!("[{}]", key_text(Some(&k)))), vec![each(k, v)]))
                        .collect(),
                )
            }
        }
    }

    /// The instances of a resource block in a module instance (memoised).
    pub fn resource_instances(&mut self, inst: usize, block: &'c ResourceBlock) -> Option<Rc<Instances>> {
        let key = (inst, block.mode, block.rtype.clone(), block.name.clone());
        if let Some(known) = self.expansions.get(&key) {
            return known.clone();
        }
        self.expansions.insert(key.clone(), None);
        let instances = self.instances_of(&block.body, inst).map(Rc::new);
        let prefix = self.instances[inst].prefix();
        for (k, bound) in instances.iter().flat_map(|i| i.iter()) {
            let address = format!("{prefix}{}.{}{}", block.rtype, block.name, k.as_deref().unwrap_or(""));
            self.by_address.insert(address, (inst, block, bound.clone()));
        }
        self.expansions.insert(key, instances.clone());
        instances
    }

    /// The instance object of `type.name[key]`, when the key is decided and names an instance.
    fn instance_by_key(&mut self, scope: &Scope<'_>, rtype: &str, name: &str, key: &Expression) -> Option<Value> {
        let inst = scope.inst;
        let config = self.instances[inst].config;
        let block = config.resources.iter().find(|b| b.mode == Mode::Managed && b.rtype == rtype && b.name == name)?;
        instantiation(&block.body)?;
        self.resource_instances(inst, block)?;
        let key = self.eval(key, scope);
        let text = match &key {
            Value::Number(_) => format!("[{}]", key.to_text()?),
            Value::String(s) => format!("[{}]", key_text(Some(s))),
            _ => return None,
        };
        let address = format!("{}{rtype}.{name}{text}", self.instances[inst].prefix());
        self.by_address
            .contains_key(&address)
            .then(|| Value::Object([(INSTANCE.to_string(), Value::String(address))].into()))
    }

    /// `type.name` in a module instance: an instance object, or a list / map of them.
    fn resource_value(&mut self, inst: usize, rtype: &str, name: &str) -> Value {
        let config = self.instances[inst].config;
        let Some(block) =
            config.resources.iter().find(|b| b.mode == Mode::Managed && b.rtype == rtype && b.name == name)
        else {
            return Value::unknown();
        };
        let prefix = self.instances[inst].prefix();
        let Some(instances) = self.resource_instances(inst, block) else {
            return Value::reference(format!("{prefix}{rtype}.{name}"), "");
        };
        let object = |k: &Option<String>| {
            let address = format!("{prefix}{rtype}.{name}{}", k.as_deref().unwrap_or(""));
            Value::Object([(INSTANCE.to_string(), Value::String(address))].into())
        };
        match instantiation(&block.body) {
            None => instances.first().map_or_else(Value::unknown, |(k, _)| object(k)),
            Some(Expansion::Count(_)) => Value::List(instances.iter().map(|(k, _)| object(k)).collect()),
            Some(Expansion::ForEach(_)) => Value::Object(
                instances
                    .iter()
                    .filter_map(|(k, bound)| {
                        let each = bound.iter().find(|(n, _)| n == "each")?;
                        let Value::Object(m) = &each.1 else { return None };
                        Some((m.get("key")?.to_text()?, object(k)))
                    })
                    .collect(),
            ),
        }
    }

    /// An attribute of a resource instance: its configuration's value where it writes one
    /// (`cidr_block`), else what apply decides (`id`, `arn`, `main_route_table_id`).
    pub fn instance_attr(&mut self, address: &str, attr: &str) -> Value {
        let Some((inst, block, bound)) = self.by_address.get(address).cloned() else {
            return Value::reference(address, attr);
        };
        let key = format!("attr\u{0}{address}\u{0}{attr}");
        let address = address.to_string();
        let attr = attr.to_string();
        self.memoised(key, move |e| match block.body.get_attribute(&attr) {
            Some(a) if !META_ARGUMENTS.contains(&attr.as_str()) => e.eval(&a.value, &Scope::module(inst, bound)),
            _ => Value::reference(address, attr),
        })
    }
}

/// Arguments of a resource block that are Terraform's, not the provider's.
pub const META_ARGUMENTS: &[&str] =
    &["count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"];

pub enum Expansion<'e> {
    Count(&'e Expression),
    ForEach(&'e Expression),
}

/// A block's `count` or `for_each`, if it has one.
pub fn instantiation(body: &hcl_edit::structure::Body) -> Option<Expansion<'_>> {
    if let Some(c) = body.get_attribute("count") {
        return Some(Expansion::Count(&c.value));
    }
    body.get_attribute("for_each").map(|f| Expansion::ForEach(&f.value))
}

/// The key of `["a"]` (or of `[0]`): what `each.key` was.
pub fn raw_key(bracketed: &str) -> Option<String> {
    let inner = bracketed.strip_prefix('[')?.strip_suffix(']')?;
    match serde_json::from_str::<serde_json::Value>(inner).ok()? {
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// An instance key as Terraform writes it inside brackets: a JSON string.
pub fn key_text(key: Option<&str>) -> String {
    match key {
        Some(k) => serde_json::Value::String(k.to_string()).to_string(),
        None => String::new(),
    }
}
