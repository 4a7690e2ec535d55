//! Nothing is silently dropped, and output is deterministic: over every fixture and every AWS dump,
//! Terraform plan and CloudFormation template of the shared corpus.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use vpclint::ingest::Loaded;

/// Keys whose array items are resources vpclint models.
const RESOURCE_KEYS: &[&str] = &[
    "Vpcs",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "Addresses",
    "VpcPeeringConnections",
    "SecurityGroups",
    "NetworkAcls",
    "LoadBalancers",
    "LoadBalancerDescriptions",
    "TargetGroups",
    "Listeners",
    "NetworkInterfaces",
    "Reservations",
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
    "VpcEndpoints",
    "ManagedPrefixLists",
    "PrefixLists",
];
const METADATA_KEYS: &[&str] = &["ResponseMetadata", "NextToken", "Marker", "NextMarker", "IsTruncated"];

#[derive(Default, Debug, PartialEq)]
struct Count {
    resources: usize,
    links: usize,
    unmodelled: usize,
}

/// What an AWS CLI document holds, counted independently of the loader.
fn count(v: &Value, c: &mut Count) {
    let Some(mut root) = v.as_object() else { return };
    if root.contains_key("status_code")
        && let Some(d) = root.get("data").and_then(Value::as_object)
    {
        root = d;
    }
    if root.contains_key("planned_values") || root.contains_key("resource_changes") {
        return; // Terraform: accounted for by every_plan_and_template_resource_is_modelled_or_counted
    }
    if is_template(root) {
        return; // CloudFormation: accounted for by every_plan_and_template_resource_is_modelled_or_counted
    }
    for (k, v) in root {
        let items = v.as_array();
        let n = items.map_or(1, Vec::len);
        match k.as_str() {
            k if METADATA_KEYS.contains(&k) => {}
            "Reservations" => {
                c.resources +=
                    items.into_iter().flatten().map(|r| r["Instances"].as_array().map_or(0, Vec::len)).sum::<usize>()
            }
            "LoadBalancerDescriptions" => {
                c.resources += n;
                c.resources += items
                    .into_iter()
                    .flatten()
                    .map(|lb| {
                        lb["ListenerDescriptions"]
                            .as_array()
                            .map_or(0, |l| l.iter().filter(|d| d.get("Listener").is_some()).count())
                    })
                    .sum::<usize>();
            }
            k if RESOURCE_KEYS.contains(&k) => c.resources += n,
            "TargetHealthByGroup" => {
                c.links += items
                    .into_iter()
                    .flatten()
                    .map(|g| g["TargetHealthDescriptions"].as_array().map_or(0, Vec::len))
                    .sum::<usize>()
            }
            // `describe-tags`: each description (elbv2, elb) or tag (ec2) joins its resource.
            "TagDescriptions" | "Tags" => c.links += n,
            "TransitGatewayRouteTablePropagations" | "Associations" => {
                for e in items.into_iter().flatten() {
                    if e.get("TransitGatewayRouteTableId").is_some() && e.get("TransitGatewayAttachmentId").is_some() {
                        c.links += 1;
                    } else {
                        c.unmodelled += 1;
                    }
                }
            }
            _ => c.unmodelled += n,
        }
    }
}

fn is_template(root: &serde_json::Map<String, Value>) -> bool {
    root.contains_key("AWSTemplateFormatVersion") || root.get("Resources").is_some_and(Value::is_object)
}

/// A directory whose dump is checked together with a template: the design holds both, so the
/// dump's objects cannot be counted against it alone.
fn holds_template(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().filter_map(Result::ok).any(|e| {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" | "template" => true,
            "json" => std::fs::read(&p)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|v| v.as_object().is_some_and(is_template)),
            _ => false,
        }
    })
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("json")) {
            out.push(p);
        }
    }
}

/// Every directory holding JSON directly, among the fixtures (not the bad inputs) and corpus dumps.
fn dump_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    json_files(&root().join("fixtures"), &mut files);
    for f in files {
        let d = f.parent().unwrap().to_path_buf();
        if !d.starts_with(root().join("fixtures/bad")) && !d.starts_with(root().join("fixtures/bad-input")) {
            dirs.push(d);
        }
    }
    let corpus = root().join("../shared/corpus");
    if let Ok(p) = std::fs::read_to_string(corpus.join("PROVENANCE.md")) {
        let section = p.split("## AWS describe-* dumps").nth(1).unwrap_or("");
        let section = section.split("\n## ").next().unwrap_or(section);
        dirs.extend(
            section
                .lines()
                .filter_map(|l| l.strip_prefix("| `"))
                .filter_map(|l| l.split('`').next())
                .map(|r| corpus.join(r)),
        );
    } else {
        eprintln!("corpus absent: checking fixtures only");
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

#[test]
fn every_input_object_is_modelled_or_counted() {
    for dir in dump_dirs() {
        if holds_template(&dir) {
            continue;
        }
        let loaded = load(&[&dir]);
        if !loaded.errors.is_empty() {
            continue; // bad input is tested elsewhere; counts need a clean load
        }
        let mut files = Vec::new();
        json_files(&dir, &mut files);
        let mut want = Count::default();
        for f in &files {
            if let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(f).unwrap()) {
                count(&v, &mut want);
            }
        }
        let s = &loaded.design.stats;
        let terraform: usize = s.merged.iter().filter(|(k, _)| k.starts_with("aws_")).map(|(_, n)| n).sum();
        if terraform > 0
            || loaded.design.stats.synthesized > 0
            || s.unmodelled_keys.keys().any(|k| k.starts_with("terraform "))
        {
            continue; // a directory with a plan: plans are accounted for file by file below
        }
        let got = Count {
            resources: loaded.design.resource_count()
                + s.duplicates.values().sum::<usize>()
                + s.rejected.values().sum::<usize>()
                + s.rejected_untyped,
            links: s.merged.values().sum(),
            unmodelled: s.unmodelled_keys.values().sum(),
        };
        assert_eq!(got, want, "{}: {s:?}", dir.display());
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_path_order() {
    let dirs = dump_dirs();
    let run = |args: Vec<&str>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vpclint")).args(args).current_dir(root()).output().unwrap()
    };
    // All fixture and corpus dumps in one load, forwards and backwards, in two formats.
    let forwards: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    let backwards: Vec<String> = forwards.iter().rev().cloned().collect();
    for format in ["json", "sarif"] {
        let mut a = vec!["check", "--format", format, "--fail-on", "never"];
        a.extend(forwards.iter().map(String::as_str));
        let mut b = vec!["check", "--format", format, "--fail-on", "never"];
        b.extend(backwards.iter().map(String::as_str));
        let (first, second, reversed) = (run(a.clone()), run(a), run(b));
        assert!(!first.stdout.is_empty());
        assert_eq!(first.stdout, second.stdout, "{format}: two runs differ");
        assert_eq!(first.stdout, reversed.stdout, "{format}: path order changes the output");
    }
}

// Terraform plans and CloudFormation templates, file by file: every resource the input holds is
// modelled (less what vpclint adds itself), merged into another, destroyed by the plan, not created
// (a false condition), not modelled, a duplicate or rejected.

/// Inputs on which the invariant does not hold yet, with what is lost and where: each is still
/// checked, and must still fail (an entry that balances has to go).
const KNOWN_GAPS: &[(&str, &str)] = &[];

/// Documents written here because no fixture or corpus file has what they test.
const INLINE_INPUTS: &[(&str, &str)] = &[
    (
        "inline:planned-values-only",
        // A resource and a data source in `planned_values` that no change lists.
        r#"{"format_version": "1.2", "resource_changes": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}}}],
          "planned_values": {"root_module": {"resources": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "values": {"cidr_block": "10.0.0.0/16"}},
            {"address": "aws_subnet.b", "mode": "managed", "type": "aws_subnet", "name": "b",
             "values": {"cidr_block": "10.0.1.0/24"}},
            {"address": "data.aws_vpc.c", "mode": "data", "type": "aws_vpc", "name": "c",
             "values": {"id": "vpc-1"}}]}}}"#,
    ),
    (
        "inline:change-without-address",
        r#"{"format_version": "1.2", "resource_changes": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}}},
            {"mode": "managed", "type": "aws_subnet", "name": "b",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.1.0/24"}}}]}"#,
    ),
    (
        "inline:template-unreadable-resources",
        // Resources the reader reports errors on: one without `Type`, one that is not a mapping,
        // one whose `Properties` are not a mapping.
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "NoType": {"Properties": {"CidrBlock": "10.1.0.0/16"}},
            "NotAMapping": "AWS::EC2::VPC",
            "BadProperties": {"Type": "AWS::EC2::Subnet", "Properties": ["10.0.1.0/24"]}}}"#,
    ),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Terraform,
    CloudFormation,
}

/// What a plan or template holds, counted from its text alone.
#[derive(Debug, Default)]
struct Inventory {
    /// Every managed resource (Terraform) or resource (CloudFormation), as (address or logical id,
    /// type), one per entry of the input.
    resources: Vec<(String, String)>,
    /// Terraform data sources: address → type.
    data_sources: BTreeMap<String, String>,
}

/// Every resource of a Terraform plan: each managed entry of `resource_changes` (an entry without
/// `address` included), and each managed resource of `planned_values` (a state's `values`),
/// modules included, whose address no change has. A resource without `mode` is managed, as the
/// reader takes it. Data sources apart, once per address, wherever the plan records one: changes
/// (read during apply), planned values and the prior state (read during planning).
fn plan_inventory(doc: &Value) -> Inventory {
    let mut inv = Inventory::default();
    let type_of = |r: &Value| r["type"].as_str().unwrap_or("(no type)").to_string();
    let mut changed: HashSet<&str> = HashSet::new();
    for (i, c) in doc["resource_changes"].as_array().into_iter().flatten().enumerate() {
        let id = c["address"]
            .as_str()
            .map(str::to_string)
            .or_else(|| composed_address(c))
            .unwrap_or_else(|| format!("/resource_changes/{i} (no address)"));
        if c["mode"] == "data" {
            inv.data_sources.insert(id, type_of(c));
            continue;
        }
        changed.extend(c["address"].as_str());
        inv.resources.push((id, type_of(c)));
    }
    /// Every resource of a module and its children, with its full address (Terraform 0.12 writes
    /// a prior state's module resources without their module's).
    fn walk<'v>(module: &'v Value, out: &mut Vec<(String, &'v Value)>) {
        let prefix = module["address"].as_str().map(|m| format!("{m}."));
        for r in module["resources"].as_array().into_iter().flatten() {
            let address = r["address"].as_str().unwrap_or("(no address)");
            let address = match &prefix {
                Some(p) if !address.starts_with(p.as_str()) => format!("{p}{address}"),
                _ => address.to_string(),
            };
            out.push((address, r));
        }
        for child in module["child_modules"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let values = if doc.get("planned_values").is_some() { &doc["planned_values"] } else { &doc["values"] };
    let mut planned = Vec::new();
    walk(&values["root_module"], &mut planned);
    for (address, r) in planned {
        if r["mode"] == "data" {
            inv.data_sources.entry(address).or_insert_with(|| type_of(r));
        } else if !changed.contains(address.as_str()) {
            inv.resources.push((address, type_of(r)));
        }
    }
    let mut prior = Vec::new();
    walk(&doc["prior_state"]["values"]["root_module"], &mut prior);
    for (address, r) in prior {
        if r["mode"] == "data" {
            inv.data_sources.entry(address).or_insert_with(|| type_of(r));
        }
    }
    inv
}

/// The address Terraform writes for a change that omits it: `module.m.type.name[index]`.
fn composed_address(change: &Value) -> Option<String> {
    let (rtype, name) = (change["type"].as_str()?, change["name"].as_str()?);
    let module = change["module_address"].as_str().map_or(String::new(), |m| format!("{m}."));
    let index = match &change["index"] {
        Value::Null => String::new(),
        i => format!("[{i}]"),
    };
    Some(format!("{module}{rtype}.{name}{index}"))
}

/// The entries of a JSON template's `Resources`.
fn json_template_inventory(doc: &Value) -> Inventory {
    let resources = doc["Resources"].as_object().into_iter().flatten();
    let resources = resources.map(|(k, v)| (k.clone(), v["Type"].as_str().unwrap_or("(no Type)").to_string()));
    Inventory { resources: resources.collect(), ..Inventory::default() }
}

/// The entries of a YAML template's `Resources`, each written key counted (a key written twice
/// counts twice); `None` when the text is not one YAML document holding a template.
fn yaml_template_inventory(text: &str) -> Option<Inventory> {
    use vpclint::source::yaml::{self, YValue};
    let docs = yaml::parse(text).ok()?;
    let [doc] = docs.as_slice() else { return None };
    let YValue::Map(top) = &doc.value else { return None };
    let resources = top.iter().find(|(k, _)| k.key_text() == "Resources").map(|(_, v)| &v.value);
    let versioned = top.iter().any(|(k, _)| k.key_text() == "AWSTemplateFormatVersion");
    let entries = match resources {
        Some(YValue::Map(entries)) => entries.as_slice(),
        _ if versioned => &[],
        _ => return None,
    };
    let resources = entries.iter().map(|(k, v)| {
        let body = v.to_json();
        (k.key_text(), body["Type"].as_str().unwrap_or("(no Type)").to_string())
    });
    Some(Inventory { resources: resources.collect(), ..Inventory::default() })
}

/// The format of a file and what it holds, if it is a plan (or state) or a template.
fn inventory_of(text: &str, yaml: bool) -> Option<(Format, Inventory)> {
    if yaml {
        return yaml_template_inventory(text).map(|inv| (Format::CloudFormation, inv));
    }
    let doc: Value = serde_json::from_str(text).ok()?;
    let root = doc.as_object()?;
    let state =
        root.contains_key("format_version") && root.get("values").is_some_and(|v| v.get("root_module").is_some());
    if root.contains_key("planned_values") || root.contains_key("resource_changes") || state {
        Some((Format::Terraform, plan_inventory(&doc)))
    } else if is_template(root) {
        Some((Format::CloudFormation, json_template_inventory(&doc)))
    } else {
        None
    }
}

/// Every file that could be a plan or template under `dir`, hidden ones left out, as the loader does.
fn input_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable directory").filter_map(Result::ok) {
        let p = e.path();
        if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        if p.is_dir() {
            input_files(&p, out);
        } else if ["json", "yaml", "yml", "template"]
            .iter()
            .any(|x| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(x)))
        {
            out.push(p);
        }
    }
}

/// How the loader accounted for a document's resources.
#[derive(Debug, Default)]
struct Ledger {
    modelled: usize,
    /// Added by vpclint: what AWS creates with a VPC or transit gateway.
    synthesized: usize,
    /// Listeners of a classic load balancer, modelled apart from the one resource that lists them.
    classic_listeners: usize,
    merged: usize,
    destroyed: usize,
    condition_false: usize,
    unmodelled: usize,
    duplicates: usize,
    rejected: usize,
}

impl Ledger {
    fn of(loaded: &Loaded) -> Ledger {
        let d = &loaded.design;
        let s = &d.stats;
        Ledger {
            modelled: d.resource_count(),
            synthesized: s.synthesized,
            classic_listeners: d.listeners.iter().filter(|l| is_classic_listener(&l.meta)).count(),
            merged: s.merged.values().sum(),
            destroyed: s.destroyed,
            condition_false: s.condition_false.values().sum(),
            unmodelled: s.unmodelled_keys.values().sum(),
            duplicates: s.duplicates.values().sum(),
            rejected: s.rejected.values().sum::<usize>() + s.rejected_untyped,
        }
    }

    fn total(&self) -> usize {
        let Ledger {
            modelled,
            synthesized,
            classic_listeners,
            merged,
            destroyed,
            condition_false,
            unmodelled,
            duplicates,
            rejected,
        } = *self;
        (modelled + merged + destroyed + condition_false + unmodelled + duplicates + rejected)
            .checked_sub(synthesized + classic_listeners)
            .expect("vpclint adds no more resources than it models")
    }
}

/// A listener read from a classic load balancer's `Listeners` property.
fn is_classic_listener(meta: &vpclint::model::Meta) -> bool {
    meta.origin.pointer.contains("/Properties/Listeners/")
}

/// What vpclint adds along with a VPC or transit gateway, by its id.
fn is_synthesized(id: &str) -> bool {
    use vpclint::ingest::normalise::defaults::*;
    [MAIN_TABLE, DEFAULT_NACL, DEFAULT_SECURITY_GROUP, DEFAULT_TGW_TABLE]
        .iter()
        .any(|w| id.ends_with(&format!(" ({w})")))
}

/// Whether every resource of `inv` is accounted for in `loaded`, in total and type by type; else
/// by how much it is off, and for which types and resources.
fn balance(format: Format, inv: &Inventory, loaded: &Loaded) -> Result<(), String> {
    if loaded.recognised != 1 {
        let errors: Vec<&str> = loaded.errors.iter().map(|e| e.message.as_str()).collect();
        return Err(format!("not read as a {format:?} document ({} resources lost): {errors:?}", inv.resources.len()));
    }
    let s = &loaded.design.stats;
    let ledger = Ledger::of(loaded);
    let types = ByType::of(format, inv, loaded);
    let data = DataSources::of(inv, loaded);
    let totals = ledger.total() == inv.resources.len();
    // What the stats count without a type (a destroyed resource, a duplicate, a rejected one) is
    // what the types lack.
    let untyped =
        s.destroyed + s.duplicates.values().sum::<usize>() + s.rejected.values().sum::<usize>() + s.rejected_untyped;
    let typed = types.unexpected.is_empty()
        && types.rows.values().all(|(input, accounted, _)| accounted <= input)
        && types.rows.values().map(|(input, accounted, _)| input - accounted.min(input)).sum::<usize>() == untyped;
    if totals && typed && (format == Format::CloudFormation || data.want == data.got) {
        return Ok(());
    }
    let mut out = format!("{} resources, {} accounted for: {ledger:?}", inv.resources.len(), ledger.total());
    for (t, (input, accounted, missing)) in &types.rows {
        if input != accounted {
            out.push_str(&format!("\n  {t}: {input} in the input, {accounted} modelled or counted by type"));
            if accounted < input && !missing.is_empty() {
                let shown: Vec<&str> = missing.iter().take(12).map(String::as_str).collect();
                out.push_str(&format!("; not modelled: {}", shown.join(", ")));
            }
        }
    }
    if !types.unexpected.is_empty() {
        out.push_str(&format!("\n  modelled, not in the input: {}", types.unexpected.join(", ")));
    }
    out.push_str(&format!(
        "\n  counted without a type: destroyed {}, duplicates {:?}, rejected {:?}",
        s.destroyed, s.duplicates, s.rejected
    ));
    if format == Format::Terraform && data.want != data.got {
        out.push_str(&format!("\n  data sources: {:?} in the input, {:?} counted", data.want, data.got));
    }
    Err(out)
}

/// The accounting type by type, as far as the design and its stats tell types apart.
struct ByType {
    /// type → (resources of it in the input, modelled or counted as it, its input ids not modelled)
    rows: BTreeMap<String, (usize, usize, Vec<String>)>,
    /// Design resources that are no resource of the input, nor added by vpclint.
    unexpected: Vec<String>,
}

impl ByType {
    fn of(format: Format, inv: &Inventory, loaded: &Loaded) -> ByType {
        let d = &loaded.design;
        let s = &d.stats;
        let mut rows: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
        let mut type_of: HashMap<&str, &str> = HashMap::new();
        for (id, t) in &inv.resources {
            rows.entry(t.clone()).or_default().0 += 1;
            type_of.entry(id.as_str()).or_insert(t.as_str());
        }
        let mut modelled: HashSet<&str> = HashSet::new();
        let mut unexpected = Vec::new();
        for m in d.metas() {
            match type_of.get(m.id.as_str()) {
                Some(t) if modelled.insert(m.id.as_str()) => rows.entry(t.to_string()).or_default().1 += 1,
                Some(_) => unexpected.push(format!("{} (modelled twice)", m.id)),
                None if is_synthesized(&m.id) || is_classic_listener(m) => {}
                None => unexpected.push(m.id.clone()),
            }
        }
        let prefix = match format {
            Format::Terraform => "terraform ",
            Format::CloudFormation => "cloudformation ",
        };
        let counted = s.merged.iter().chain(&s.condition_false).map(|(k, n)| (k.as_str(), n));
        let counted = counted.chain(s.unmodelled_keys.iter().map(|(k, n)| (k.strip_prefix(prefix).unwrap_or(k), n)));
        for (t, n) in counted {
            rows.entry(t.to_string()).or_default().1 += n;
        }
        for (id, t) in &inv.resources {
            if !modelled.contains(id.as_str())
                && let Some(row) = rows.get_mut(t)
            {
                row.2.push(id.clone());
            }
        }
        ByType { rows, unexpected }
    }
}

/// Terraform data sources by type: in the input, and as the stats count them.
struct DataSources<'a> {
    want: BTreeMap<&'a str, usize>,
    got: BTreeMap<&'a str, usize>,
}

impl<'a> DataSources<'a> {
    fn of(inv: &'a Inventory, loaded: &'a Loaded) -> DataSources<'a> {
        let mut want: BTreeMap<&str, usize> = BTreeMap::new();
        for t in inv.data_sources.values() {
            *want.entry(t.as_str()).or_default() += 1;
        }
        let got = loaded.design.stats.data_sources.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        DataSources { want, got }
    }
}

#[test]
fn every_plan_and_template_resource_is_modelled_or_counted() {
    let mut files = Vec::new();
    input_files(&root().join("fixtures"), &mut files);
    let corpus = root().join("../shared/corpus");
    if corpus.is_dir() {
        input_files(&corpus, &mut files);
    } else {
        eprintln!("shared corpus absent ({}): checking fixtures and inline plans only", corpus.display());
    }
    files.sort();
    // (fixtures or corpus, format) → documents, resources
    let mut covered: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut open_gaps = 0;
    let mut check = |name: String, format: Format, inv: Inventory, loaded: Loaded, failures: &mut Vec<String>| {
        let place = if name.starts_with("fixtures/") {
            "fixtures"
        } else if name.starts_with("inline:") {
            "inline"
        } else {
            "corpus"
        };
        let kind = match format {
            Format::Terraform => "Terraform plans",
            Format::CloudFormation => "CloudFormation templates",
        };
        let c = covered.entry((place, kind)).or_default();
        c.0 += 1;
        c.1 += inv.resources.len();
        let result = balance(format, &inv, &loaded);
        match (KNOWN_GAPS.iter().find(|(gap, _)| *gap == name), result) {
            (None, Ok(())) => {}
            (None, Err(why)) => failures.push(format!("{name}: {why}")),
            (Some((_, reason)), Err(_)) => {
                eprintln!("skipping {name}, a known gap: {reason}");
                open_gaps += 1;
            }
            (Some(_), Ok(())) => failures.push(format!("{name}: balances now, remove it from KNOWN_GAPS")),
        }
    };
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue }; // not UTF-8: not a plan or template
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or_default().to_ascii_lowercase();
        let yaml = ext == "yaml" || ext == "yml" || (ext == "template" && !text.trim_start().starts_with(['{', '[']));
        let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
        let Some((format, inv)) = inventory_of(text, yaml) else {
            let parses = if yaml {
                vpclint::source::yaml::parse(text).is_ok()
            } else {
                serde_json::from_str::<Value>(text).is_ok()
            };
            if !parses
                && ["AWSTemplateFormatVersion", "resource_changes", "planned_values"].iter().any(|k| text.contains(k))
            {
                eprintln!("not checked, as it does not parse: {name}");
            }
            continue;
        };
        let loaded = load(&[path.as_path()]);
        // A bad-input fixture rejected whole, with its error: every resource rejected with it.
        if name.starts_with("fixtures/bad/") && loaded.recognised == 0 && !loaded.errors.is_empty() {
            eprintln!("rejected whole, as it should be: {name}");
            continue;
        }
        check(name, format, inv, loaded, &mut failures);
    }
    for (name, text) in INLINE_INPUTS {
        let (format, inv) = inventory_of(text, false).expect("an inline plan or template");
        check(
            name.to_string(),
            format,
            inv,
            vpclint::ingest::load_bytes("inline.json", text.as_bytes()),
            &mut failures,
        );
    }
    for ((place, kind), (documents, resources)) in &covered {
        eprintln!("{place}: {documents} {kind}, {resources} resources");
    }
    eprintln!("{open_gaps} known gap(s) skipped");
    assert!(covered.keys().any(|(_, k)| *k == "Terraform plans"), "no Terraform plan found");
    assert!(covered.keys().any(|(_, k)| *k == "CloudFormation templates"), "no CloudFormation template found");
    assert!(failures.is_empty(), "{} input(s) not accounted for:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_plan_and_template_counts_are_themselves_right() {
    // Two changes (one without an address, one the deposed object of the other), a data source read
    // at apply; in planned values the same data source, a resource no change lists, and a module's;
    // in the prior state, a data source read while planning, in a module (written as 0.12 does).
    let plan: Value = serde_json::from_str(
        r#"{"format_version": "1.2",
          "resource_changes": [
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "change": {"actions": ["create"]}},
            {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "deposed": "00ab",
             "change": {"actions": ["delete"]}},
            {"mode": "managed", "type": "aws_subnet", "change": {"actions": ["create"]}},
            {"address": "data.aws_vpc.d", "mode": "data", "type": "aws_vpc", "change": {"actions": ["read"]}}],
          "planned_values": {"root_module": {
            "resources": [
              {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc"},
              {"address": "aws_eip.e", "mode": "managed", "type": "aws_eip"},
              {"address": "data.aws_vpc.d", "mode": "data", "type": "aws_vpc"}],
            "child_modules": [{"resources": [
              {"address": "module.m.aws_security_group.s", "mode": "managed", "type": "aws_security_group"}]}]}},
          "prior_state": {"values": {"root_module": {"child_modules": [{"address": "module.m", "resources": [
              {"address": "data.aws_region.r", "mode": "data", "type": "aws_region"}]}]}}}}"#,
    )
    .expect("inline plan");
    let inv = plan_inventory(&plan);
    let ids: Vec<&str> = inv.resources.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "aws_vpc.a",
            "aws_vpc.a",
            "/resource_changes/2 (no address)",
            "aws_eip.e",
            "module.m.aws_security_group.s"
        ]
    );
    assert_eq!(inv.data_sources.keys().collect::<Vec<_>>(), vec!["data.aws_vpc.d", "module.m.data.aws_region.r"]);

    // A YAML template with short-form tags and a key written twice; the same in JSON, where the
    // parser keeps one.
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    \
                Properties:\n      CidrBlock: !Ref Cidr\n  # a comment\n  Igw: {Type: AWS::EC2::InternetGateway}\n  \
                Vpc:\n    Type: AWS::EC2::VPC\nOutputs:\n  Id:\n    Value: !Ref Vpc\n";
    let (format, inv) = inventory_of(yaml, true).expect("a template");
    assert_eq!(format, Format::CloudFormation);
    let types: Vec<&str> = inv.resources.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(types, vec!["AWS::EC2::VPC", "AWS::EC2::InternetGateway", "AWS::EC2::VPC"]);
    assert!(inventory_of("Resources: [a, b]\n", true).is_none(), "not a template");
    let (_, inv) = inventory_of(r#"{"Resources": {"A": {"Type": "AWS::EC2::VPC"}, "B": {}}}"#, false).expect("JSON");
    assert_eq!(inv.resources.len(), 2);

    // The balance holds for a plan whose every resource is read, and fails with one more resource,
    // with one less, or with a data source more.
    let text = r#"{"format_version": "1.2", "resource_changes": [
        {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
         "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}}},
        {"address": "aws_route.r", "mode": "managed", "type": "aws_route", "name": "r",
         "change": {"actions": ["create"], "after": {"destination_cidr_block": "0.0.0.0/0"}}},
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "change": {"actions": ["create"], "after": {}}},
        {"address": "aws_subnet.gone", "mode": "managed", "type": "aws_subnet", "name": "gone",
         "change": {"actions": ["delete"], "before": {"cidr_block": "10.0.9.0/24"}}}]}"#;
    let loaded = vpclint::ingest::load_bytes("plan.json", text.as_bytes());
    let (format, inv) = inventory_of(text, false).expect("a plan");
    assert_eq!(format, Format::Terraform);
    // The VPC, its main table, default network ACL and default group; the route, the bucket, the
    // subnet destroyed.
    assert_eq!(loaded.design.resource_count(), 4);
    balance(format, &inv, &loaded).expect("balanced");
    let mut more = Inventory { resources: inv.resources.clone(), data_sources: inv.data_sources.clone() };
    more.resources.push(("aws_subnet.s".into(), "aws_subnet".into()));
    let why = balance(format, &more, &loaded).expect_err("a resource more");
    assert!(
        why.contains(
            "aws_subnet: 2 in the input, 0 modelled or counted by type; not modelled: aws_subnet.gone, aws_subnet.s"
        ),
        "{why}"
    );
    let mut less = Inventory { resources: inv.resources.clone(), data_sources: inv.data_sources.clone() };
    less.resources.pop();
    assert!(balance(format, &less, &loaded).is_err(), "a resource less");
    // The same number of resources, one of another type: the totals agree, the types do not.
    let mut swapped = Inventory { resources: inv.resources.clone(), data_sources: inv.data_sources.clone() };
    swapped.resources[2].1 = "aws_instance".into();
    assert!(balance(format, &swapped, &loaded).is_err(), "a resource of another type");
    let mut data = Inventory { resources: inv.resources.clone(), data_sources: inv.data_sources.clone() };
    data.data_sources.insert("data.aws_vpc.x".into(), "aws_vpc".into());
    assert!(balance(format, &data, &loaded).is_err(), "a data source more");
}
