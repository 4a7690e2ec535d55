//! Terraform sources: a directory of `.tf` files is a root module. Its files (and those of the
//! local modules it calls, and of registry or git modules `terraform init` downloaded) are parsed
//! with hcl-edit, evaluated (variables, locals, `count`, `for_each`, conditionals, `for`
//! expressions, splats, `dynamic` blocks, functions), and every resource instance is handed to the
//! same model-building as a plan's, with the exact resources each attribute names.

pub mod config;
pub mod emit;
mod eval;
pub mod functions;
mod json_syntax;
mod state;
pub mod tfvars;
pub mod value;

use super::plan::{Plan, Res};
use crate::diagnostic::{ErrorLocation, InputError};
use crate::ingest::{LoadState, Loaded};
use crate::source::{FileId, SourceFile};
use config::ModuleConfig;
use state::{CallDirs, Evaluator};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

/// Modules nested deeper than this are not read (a module that calls itself).
const MAX_MODULE_DEPTH: usize = 16;

/// What loading a root module read: every module configuration by directory, where each call's
/// source is, and the files read.
#[derive(Default)]
pub struct Tree {
    pub configs: BTreeMap<PathBuf, ModuleConfig>,
    pub call_dirs: CallDirs,
    /// The first file of the root module: the document whose names the resources use.
    pub document: Option<FileId>,
}

/// Options for evaluating a root module.
#[derive(Clone, Debug, Default)]
pub struct SourceOptions {
    /// `--var NAME=VALUE`.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`.
    pub var_files: Vec<PathBuf>,
    /// `--terraform-dir DIR`: the root module of the plans read, when it is not their directory.
    pub dir: Option<PathBuf>,
}

/// The `.tf` and `.tf.json` files of a directory, sorted: regular files, and links to files of
/// the same directory tree only (a link to a secret elsewhere is not read, so never printed).
pub fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let inside = |p: &Path| {
        let linked = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        !linked || std::fs::canonicalize(p).is_ok_and(|t| std::fs::canonicalize(dir).is_ok_and(|d| t.starts_with(d)))
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file() && is_tf(p) && inside(p)).collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Whether a file is Terraform configuration: `.tf`, or `.tf.json` in the JSON syntax.
pub fn is_tf(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Parse a configuration file's text, native or JSON syntax.
fn parse_file(path: &Path, text: &str) -> Result<hcl_edit::structure::Body, (usize, String)> {
    if !path.to_string_lossy().ends_with(".tf.json") {
        return parse(text).map_err(|e| (e.location().offset(), format!("not valid HCL: {}", e.message())));
    }
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| (0, format!("not valid JSON: {e}")))?;
    let native = json_syntax::to_native(&json).ok_or((0, "a `.tf.json` file holds an object".to_string()))?;
    parse(&native).map_err(|e| (0, format!("not valid Terraform JSON syntax: {}", e.message())))
}

/// Read a root module and every module it calls.
pub fn read_tree(root: &Path, loaded: &mut Loaded) -> Tree {
    let mut tree = Tree::default();
    let downloaded = downloaded_modules(root);
    let mut queue: VecDeque<(PathBuf, String, usize)> = VecDeque::from([(root.to_path_buf(), String::new(), 0)]);
    while let Some((dir, key, depth)) = queue.pop_front() {
        if tree.configs.contains_key(&dir) || depth > MAX_MODULE_DEPTH {
            continue;
        }
        let config = read_module(&dir, loaded, &mut tree.document);
        for call in &config.calls {
            let call_key = if key.is_empty() { call.name.clone() } else { format!("{key}.{}", call.name) };
            let source = call.source.as_deref().unwrap_or_default();
            let local = source.starts_with("./") || source.starts_with("../");
            let child = if local {
                std::fs::canonicalize(dir.join(source)).ok()
            } else {
                downloaded.get(&call_key).and_then(|d| std::fs::canonicalize(root.join(d)).ok())
            };
            if let Some(c) = &child {
                queue.push_back((c.clone(), call_key, depth + 1));
            }
            tree.call_dirs.insert((dir.clone(), call.name.clone()), child);
        }
        tree.configs.insert(dir, config);
    }
    tree
}

/// The local module directories a root module calls, at any depth, read without loading them
/// (for a root whose plan is read instead: its modules are not roots of their own).
pub fn local_module_dirs(root: &Path) -> Vec<PathBuf> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut queue = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = queue.pop() {
        if depth > MAX_MODULE_DEPTH {
            continue;
        }
        for path in tf_files(&dir) {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let Ok(body) = parse_file(&path, &text) else { continue };
            let mut config = ModuleConfig::default();
            config.add_file(FileId(0), body);
            for call in &config.calls {
                let source = call.source.as_deref().unwrap_or_default();
                if (source.starts_with("./") || source.starts_with("../"))
                    && let Ok(child) = std::fs::canonicalize(dir.join(source))
                    && !seen.contains(&child)
                {
                    seen.push(child.clone());
                    queue.push((child, depth + 1));
                }
            }
        }
    }
    seen
}

/// `.terraform/modules/modules.json` (written by `terraform init`): module key → directory.
fn downloaded_modules(root: &Path) -> HashMap<String, String> {
    let path = root.join(".terraform").join("modules").join("modules.json");
    let Ok(text) = std::fs::read_to_string(path) else { return HashMap::new() };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { return HashMap::new() };
    let modules = json.get("Modules").and_then(|m| m.as_array()).cloned().unwrap_or_default();
    modules
        .iter()
        .filter_map(|m| Some((m.get("Key")?.as_str()?.to_string(), m.get("Dir")?.as_str()?.to_string())))
        .collect()
}

/// Parse every `.tf` file of a module directory into its configuration.
fn read_module(dir: &Path, loaded: &mut Loaded, document: &mut Option<FileId>) -> ModuleConfig {
    let mut config = ModuleConfig { dir: dir.to_path_buf(), ..ModuleConfig::default() };
    for path in tf_files(dir) {
        let name = display_name(&path);
        let too_large = std::fs::metadata(&path).is_ok_and(|m| m.len() > crate::ingest::MAX_SOURCE_FILE_SIZE);
        if too_large {
            loaded.errors.push(whole_file(&name, "file too large for a Terraform configuration file".into()));
            continue;
        }
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                loaded.errors.push(whole_file(&name, "not UTF-8 text".into()));
                continue;
            }
            Err(e) => {
                loaded.errors.push(whole_file(&name, format!("cannot read: {e}")));
                continue;
            }
        };
        let mut file = SourceFile::new(name.clone(), Some(path.clone()), text);
        // `.tf.json` blocks are placed by JSON pointer, like any JSON file.
        file.hcl = !path.to_string_lossy().ends_with(".tf.json");
        let parsed = parse_file(&path, &file.text);
        let id = loaded.design.sources.add(file);
        loaded.design.stats.files_loaded += 1;
        document.get_or_insert(id);
        match parsed {
            Ok(body) => config.add_file(id, body),
            Err((offset, message)) => loaded.errors.push(InputError {
                file: Some(id),
                path: name,
                location: ErrorLocation::Offset(offset),
                message,
                help: None,
            }),
        }
    }
    config
}

/// Parse a `.tf` file. Where hcl-edit's parser is stricter than Terraform, the text is adjusted
/// without moving a byte (so every range stays right) and parsed again:
/// - a conditional broken across lines after `?` or `:` inside a `for` expression: those line
///   breaks are read as spaces;
/// - a key written twice in one object constructor, which Terraform accepts (the later wins): the
///   earlier one is renamed.
pub fn parse(text: &str) -> Result<hcl_edit::structure::Body, hcl_edit::parser::Error> {
    let first = hcl_edit::parser::parse_body(text);
    let Err(error) = &first else { return first };
    let mut adjusted = join_continued_conditionals(text);
    let mut last = error.clone();
    for _ in 0..32 {
        match hcl_edit::parser::parse_body(&adjusted) {
            Ok(body) => return Ok(body),
            Err(e) if e.message().contains("redefined object key") => {
                let Some(fixed) = rename_earlier_key(&adjusted, e.location().offset()) else { return Err(e) };
                adjusted = fixed;
                last = e;
            }
            Err(e) => return Err(if last.message() == error.message() { error.clone() } else { e }),
        }
    }
    Err(last)
}

/// Line breaks after a trailing `?` or `:` (or before a leading one) as spaces.
fn join_continued_conditionals(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let body = line.trim_end();
        let next_starts =
            lines.peek().map(|n| n.trim_start()).is_some_and(|n| n.starts_with('?') || n.starts_with(':'));
        let continues = body.ends_with('?') || body.ends_with(':') || next_starts;
        match line.strip_suffix('\n') {
            Some(content) if continues && !body.trim_start().starts_with('#') => {
                joined.push_str(content);
                joined.push(' ');
            }
            _ => joined.push_str(line),
        }
    }
    joined
}

/// The key at `offset` is written a second time: rename its previous occurrence (the nearest
/// earlier line that assigns it) to `_` and the key's other characters, so the later one wins.
fn rename_earlier_key(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..)?;
    let key: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
    if key.is_empty() {
        return None;
    }
    let before = text.get(..offset)?;
    let mut at = None;
    for (start, line) in line_starts(before).into_iter().rev() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.strip_prefix(key.as_str()).is_some_and(|r| r.trim_start().starts_with('=')) {
            at = Some(start + indent);
            break;
        }
    }
    let at = at?;
    let mut out = String::with_capacity(text.len());
    out.push_str(text.get(..at)?);
    out.push('_');
    out.push_str(text.get(at + key.chars().next()?.len_utf8()..)?);
    Some(out)
}

/// Each line of `text` with its byte offset.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line));
        start += line.len();
    }
    out
}

/// A path as diagnostics name it: relative to the working directory when below it.
fn display_name(path: &Path) -> String {
    let here = std::env::current_dir().ok().and_then(|d| std::fs::canonicalize(d).ok());
    match here.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}

fn whole_file(path: &str, message: String) -> InputError {
    InputError { file: None, path: path.to_string(), location: ErrorLocation::None, message, help: None }
}

/// The sources of a plan, when its directory holds them: every resource instance evaluated, with
/// the plan's own variable values (`variables`) as the root module's inputs.
pub fn evaluate_beside_plan(
    dir: &Path,
    plan_variables: Option<&serde_json::Map<String, serde_json::Value>>,
    loaded: &mut Loaded,
) -> Option<Vec<emit::Evaluated>> {
    if tf_files(dir).is_empty() {
        return None;
    }
    let root = std::fs::canonicalize(dir).ok()?;
    let tree = read_tree(&root, loaded);
    let root_config = tree.configs.get(&root)?;
    let inputs = plan_variables
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), tfvars::from_json(v.get("value")?))))
        .collect();
    let mut evaluator = Evaluator::new(&tree.configs, &tree.call_dirs, root_config, inputs);
    Some(evaluator.evaluate_all().resources)
}

/// Evaluate a root module read with [`read_tree`] and model its resources.
pub fn load_root(root: &Path, tree: &Tree, options: &SourceOptions, state: &mut LoadState, loaded: &mut Loaded) {
    let (Some(root_config), Some(document)) = (tree.configs.get(root), tree.document) else { return };
    loaded.recognised += 1;
    let inputs = tfvars::root_inputs(root, options, loaded);
    let mut evaluator = Evaluator::new(&tree.configs, &tree.call_dirs, root_config, inputs);
    let evaluated = evaluator.evaluate_all();
    let stats = &mut loaded.design.stats;
    for (rtype, n) in &evaluated.data_sources {
        *stats.data_sources.entry(rtype.clone()).or_default() += n;
    }
    for (what, n) in &evaluated.undecided {
        *stats.unmodelled_keys.entry(format!("terraform {what} (count or for_each not decided)")).or_default() += n;
    }
    for (source, n) in &evaluator.missing_modules {
        let key = format!("terraform module {source} (not downloaded: run terraform init)");
        *stats.unmodelled_keys.entry(key).or_default() += n;
    }
    let mut plan = Plan::empty(document, crate::model::Provenance::Source);
    plan.resources = evaluated
        .resources
        .iter()
        .map(|e| Res {
            address: e.address.clone(),
            module: e.module.clone(),
            rtype: e.rtype.clone(),
            name: e.name.clone(),
            index: e.index.as_ref(),
            values: &e.values,
            unknown: Some(&*e.unknown),
            file: e.file,
            pointer: e.pointer.clone(),
            values_key: "",
            symbols: Some(&e.symbols),
        })
        .collect();
    super::document::index_resources(&mut plan);
    let start = crate::ingest::normalise::DocumentStart::of(&loaded.design);
    super::document::build(&plan, state, loaded);
    mark_undecided(loaded, &start, &evaluated.undecided);
}

/// Resources that change others but whose instances the sources do not decide (`count` or
/// `for_each` known only after apply): what they would change is unknown. Which route table,
/// network ACL or group they change is not known either, so every one of the configuration's is.
fn mark_undecided(
    loaded: &mut Loaded,
    start: &crate::ingest::normalise::DocumentStart,
    undecided: &BTreeMap<String, usize>,
) {
    use crate::model::ResourceKind as K;
    let any = |types: &[&str]| types.iter().any(|t| undecided.contains_key(*t));
    let d = &mut loaded.design;
    if any(&["aws_route", "aws_route_table", "aws_default_route_table"]) {
        let from = start.of_kind(K::RouteTable).min(d.route_tables.len());
        d.route_tables[from..].iter_mut().for_each(|t| t.has_unknown_routes = true);
    }
    if any(&["aws_route_table_association", "aws_main_route_table_association"]) {
        let from = start.of_kind(K::Subnet).min(d.subnets.len());
        d.subnets[from..].iter_mut().for_each(|s| s.route_table_undecided = true);
    }
    if any(&["aws_network_acl_rule", "aws_network_acl_association", "aws_network_acl"]) {
        let from = start.of_kind(K::NetworkAcl).min(d.network_acls.len());
        d.network_acls[from..].iter_mut().for_each(|n| n.has_unknown_entries = true);
    }
    if any(&["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
        let from = start.of_kind(K::SecurityGroup).min(d.security_groups.len());
        for g in &mut d.security_groups[from..] {
            g.has_unknown_ingress = true;
            g.has_unknown_egress = true;
        }
    }
}
