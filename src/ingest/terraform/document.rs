//! One Terraform JSON document (plan or state) read into a [`Plan`]: its resources with where
//! each is written, its configuration, and the ids data sources recorded.

use super::*;

/// Read one Terraform JSON document (plan or state) into the design.
pub(crate) fn load_document(file: FileId, root: &Map<String, Value>, state: &mut LoadState, loaded: &mut Loaded) {
    // Sources beside the plan give each attribute's exact references and the `.tf` lines.
    let dir = state.terraform_dir.clone().or_else(|| {
        loaded.design.sources.get(file).path.as_ref().and_then(|p| p.parent()).map(std::path::Path::to_path_buf)
    });
    let beside = dir
        .and_then(|d| super::hcl::evaluate_beside_plan(&d, root.get("variables").and_then(Value::as_object), loaded));
    let mut plan = plan_of(file, root);
    let planned = planned_values(root);
    let prior = prior_values(root);
    plan.data_ids = recorded_data_ids(&prior, &planned);
    let mut reader = Reading { plan: &mut plan, loaded, seen_data: HashSet::new() };
    reader.changes(root, &planned);
    reader.planned_only(&planned);
    reader.prior_data(&prior);
    if let Some(evaluated) = &beside {
        attach_sources(&mut plan, evaluated);
    }
    index_resources(&mut plan);
    build(&plan, state, loaded);
}

/// Each plan resource with its evaluated sources: where its block is, and what each attribute
/// names (the plan keeps its values, which apply-time reads may know better).
fn attach_sources<'a>(plan: &mut Plan<'a>, evaluated: &'a [super::hcl::emit::Evaluated]) {
    let by_address: HashMap<&str, &super::hcl::emit::Evaluated> =
        evaluated.iter().map(|e| (e.address.as_str(), e)).collect();
    for r in &mut plan.resources {
        if let Some(e) = by_address.get(r.address.as_str()) {
            r.symbols = Some(&e.symbols);
            r.file = e.file;
            r.pointer = e.pointer.clone();
            r.values_key = crate::source::PLAN_VALUES;
        }
    }
}

/// Model every resource of a plan (read from JSON or evaluated from sources).
pub(super) fn build(plan: &Plan<'_>, state: &mut LoadState, loaded: &mut Loaded) {
    let mut b = Builder {
        start: DocumentStart::of(&loaded.design),
        plan,
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
        maybe_dynamic_groups: Vec::new(),
        launch_by_subnet: Vec::new(),
        nacl_subnets: std::collections::BTreeMap::new(),
    };
    for i in 0..plan.resources.len() {
        b.resource(i);
    }
    b.finish();
}

/// The document's configuration: modules, resource expressions, variables and region.
fn plan_of<'a>(file: FileId, root: &'a Map<String, Value>) -> Plan<'a> {
    let mut plan = Plan {
        root_variables: root.get("variables").and_then(Value::as_object),
        region: root
            .get("configuration")
            .and_then(|c| c.pointer("/provider_config/aws/expressions/region/constant_value"))
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Plan::empty(file, Provenance::Plan)
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
    plan
}

/// Where each resource is written, with its pointer: `planned_values` (a plan) or `values` (state).
fn planned_values(root: &Map<String, Value>) -> Vec<Walked<'_>> {
    let mut planned: Vec<Walked<'_>> = Vec::new();
    if let Some(m) = root.get("planned_values").and_then(|p| p.get("root_module")) {
        walk_values(m, "/planned_values/root_module".into(), &mut planned);
    } else if let Some(m) = root.get("values").and_then(|p| p.get("root_module")) {
        walk_values(m, "/values/root_module".into(), &mut planned);
    }
    planned
}

/// What the prior state recorded (data sources read while planning).
fn prior_values(root: &Map<String, Value>) -> Vec<Walked<'_>> {
    let mut prior: Vec<Walked<'_>> = Vec::new();
    if let Some(m) = root.get("prior_state").and_then(|p| p.get("values")).and_then(|v| v.get("root_module")) {
        walk_values(m, "/prior_state/values/root_module".into(), &mut prior);
    }
    prior
}

/// Data sources recorded in the prior state or planned values give ids to references.
fn recorded_data_ids(prior: &[Walked<'_>], planned: &[Walked<'_>]) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    for (_, address, r) in prior.iter().chain(planned.iter()) {
        if r.get("mode").and_then(Value::as_str) == Some("data")
            && let (Some(a), Some(id)) = (address, r.pointer("/values/id").and_then(Value::as_str))
        {
            ids.insert(a.clone(), id.to_string());
        }
    }
    ids
}

/// The address Terraform gives a resource instance: `module.m.type.name[index]`.
fn compose_address(module_address: &str, rtype: &str, name: &str, index: Option<&Value>) -> String {
    let key = match index {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{}]", Value::String(s.clone())),
        _ => String::new(),
    };
    let prefix = if module_address.is_empty() { String::new() } else { format!("{module_address}.") };
    format!("{prefix}{rtype}.{name}{key}")
}

/// Resources read from one document, each counted once.
struct Reading<'p, 'a, 'l> {
    plan: &'p mut Plan<'a>,
    loaded: &'l mut Loaded,
    seen_data: HashSet<String>,
}

impl<'a> Reading<'_, 'a, '_> {
    fn count_data(&mut self, rtype: &str, address: &str) {
        if self.seen_data.insert(address.to_string()) {
            *self.loaded.design.stats.data_sources.entry(rtype.to_string()).or_default() += 1;
        }
    }

    /// `resource_changes`: what the plan does to each resource. A change without an `address`
    /// gets the one Terraform would write, from its module, type, name and index.
    fn changes(&mut self, root: &'a Map<String, Value>, planned: &[Walked<'a>]) {
        let Some(changes) = root.get("resource_changes").and_then(Value::as_array) else { return };
        let planned_by_address: HashMap<&str, (&str, &Value)> =
            planned.iter().filter_map(|(p, a, r)| Some((a.as_deref()?, (p.as_str(), *r)))).collect();
        for (i, rc) in changes.iter().enumerate() {
            let rtype = rc.get("type").and_then(Value::as_str).unwrap_or_default();
            let name = rc.get("name").and_then(Value::as_str).unwrap_or_default();
            let module_address = rc.get("module_address").and_then(Value::as_str).unwrap_or("");
            let address = match rc.get("address").and_then(Value::as_str) {
                Some(a) => a.to_string(),
                None if !rtype.is_empty() && !name.is_empty() => {
                    compose_address(module_address, rtype, name, rc.get("index"))
                }
                None => {
                    self.reject(
                        format!("/resource_changes/{i}"),
                        "a resource change without `address`, `type` or `name`",
                    );
                    continue;
                }
            };
            if rc.get("mode").and_then(Value::as_str) == Some("data") {
                self.count_data(rtype, &address);
                continue;
            }
            let change = rc.get("change");
            let actions: Vec<&str> = change
                .and_then(|c| c.get("actions"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if actions == ["delete"] {
                self.loaded.design.stats.destroyed += 1;
                self.plan.by_address.insert(address, usize::MAX);
                continue;
            }
            let (pointer, values, values_key) = match planned_by_address.get(address.as_str()) {
                Some((p, r)) => (p.to_string(), r.get("values").unwrap_or(&Value::Null), "values"),
                None => (
                    format!("/resource_changes/{i}"),
                    change.and_then(|c| c.get("after")).unwrap_or(&Value::Null),
                    "change/after",
                ),
            };
            self.push(Res {
                module: parse_module_address(module_address),
                rtype: rtype.to_string(),
                name: name.to_string(),
                index: rc.get("index"),
                values,
                unknown: change.and_then(|c| c.get("after_unknown")),
                file: self.plan.file,
                pointer,
                values_key,
                address,
                symbols: None,
            });
        }
    }

    /// Resources only in `planned_values` (or `values`, for state): every one the changes did not
    /// already name.
    fn planned_only(&mut self, planned: &[Walked<'a>]) {
        for (pointer, address, r) in planned {
            let Some(address) = address.as_deref() else {
                self.reject(pointer.clone(), "a resource without `address`");
                continue;
            };
            let rtype = r.get("type").and_then(Value::as_str).unwrap_or_default();
            if r.get("mode").and_then(Value::as_str) == Some("data") {
                self.count_data(rtype, address);
                continue;
            }
            if self.plan.by_address.contains_key(address) {
                continue;
            }
            let module_address =
                address.rfind(&format!("{rtype}.")).map(|i| address[..i].trim_end_matches('.')).unwrap_or("");
            self.push(Res {
                address: address.to_string(),
                module: parse_module_address(module_address),
                rtype: rtype.to_string(),
                name: r.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                index: r.get("index"),
                values: r.get("values").unwrap_or(&Value::Null),
                unknown: None,
                file: self.plan.file,
                pointer: pointer.clone(),
                values_key: "values",
                symbols: None,
            });
        }
        // Destroyed resources were marked so that they are not read again: they are not part of
        // the design the plan produces.
        self.plan.by_address.retain(|_, i| *i != usize::MAX);
    }

    /// Data sources read while planning, recorded only in the prior state.
    fn prior_data(&mut self, prior: &[Walked<'a>]) {
        for (_, address, r) in prior {
            if let (Some(address), Some("data")) = (address, r.get("mode").and_then(Value::as_str)) {
                let rtype = r.get("type").and_then(Value::as_str).unwrap_or_default();
                self.count_data(rtype, address);
            }
        }
    }

    fn push(&mut self, r: Res<'a>) {
        self.plan.by_address.insert(r.address.clone(), self.plan.resources.len());
        self.plan.resources.push(r);
    }

    fn reject(&mut self, pointer: String, message: &str) {
        let file = self.plan.file;
        let path = self.loaded.design.sources.get(file).name.clone();
        self.loaded.errors.push(InputError {
            file: Some(file),
            path,
            location: ErrorLocation::Pointer(pointer),
            message: message.to_string(),
            help: None,
        });
    }
}

/// Each resource by address, instances by their resource, and by AWS id where the plan knows it.
pub(super) fn index_resources(plan: &mut Plan<'_>) {
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
}
