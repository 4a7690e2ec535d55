//! Values of a root module's variables: `terraform.tfvars`, `*.auto.tfvars` (in name order), then
//! `--var-file` files and `--var` options, later ones winning, as Terraform applies them.

use super::SourceOptions;
use super::config::ModuleConfig;
use super::state::{CallDirs, Evaluator, Scope};
use super::value::Value;
use crate::diagnostic::{ErrorLocation, InputError};
use crate::ingest::Loaded;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn root_inputs(root: &Path, options: &SourceOptions, loaded: &mut Loaded) -> BTreeMap<String, Value> {
    let mut files: Vec<PathBuf> = Vec::new();
    let default = root.join("terraform.tfvars");
    if default.is_file() {
        files.push(default);
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".auto.tfvars")))
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    files.extend(options.var_files.iter().cloned());
    let mut inputs = BTreeMap::new();
    for path in files {
        read_file(&path, &mut inputs, loaded);
    }
    for (name, value) in &options.vars {
        // `-var` values are HCL expressions when they parse as one (lists, maps, numbers), else strings.
        let v = match hcl_edit::parser::parse_expr(value) {
            Ok(expr) if !matches!(expr, hcl_edit::expr::Expression::Variable(_)) => constant(&expr),
            _ => Value::String(value.clone()),
        };
        inputs.insert(name.clone(), v);
    }
    inputs
}

fn read_file(path: &Path, inputs: &mut BTreeMap<String, Value>, loaded: &mut Loaded) {
    let name = path.display().to_string();
    let error = |message: String| InputError {
        file: None,
        path: name.clone(),
        location: ErrorLocation::None,
        message,
        help: None,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return loaded.errors.push(error(format!("cannot read variables file: {e}"))),
    };
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) => {
            for attr in body.attributes() {
                inputs.insert(attr.key.as_str().to_string(), constant(&attr.value));
            }
        }
        Err(e) => loaded.errors.push(error(format!("not valid HCL at line {}: {}", e.location().line(), e.message()))),
    }
}

/// A constant expression's value (a variables file names no resources).
fn constant(expr: &hcl_edit::expr::Expression) -> Value {
    let configs = BTreeMap::new();
    let dirs = CallDirs::new();
    let empty = ModuleConfig::default();
    let mut e = Evaluator::new(&configs, &dirs, &empty, BTreeMap::new());
    e.eval(expr, &Scope::module(0, Vec::new()))
}

/// A JSON value (a plan's variable value) as a Terraform value.
pub fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(Value::unknown, Value::Number),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
    }
}
