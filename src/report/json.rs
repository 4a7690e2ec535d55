//! `--format json`: a stable, documented schema (see README, "JSON output").

use super::{Located, Outcome, locate, locate_error};
use crate::rules::Severity;
use serde_json::{Value, json};

/// Bumped on any incompatible change to the schema.
pub const SCHEMA_VERSION: u32 = 1;

fn location(l: &Located) -> Value {
    json!({
        "file": l.file,
        "line": l.line,
        "column": l.column,
        "end_line": l.end_line,
        "end_column": l.end_column,
    })
}

pub fn render(outcome: &Outcome<'_>) -> String {
    let sources = &outcome.design.sources;
    let findings: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| {
            let primary = locate(sources, &f.primary);
            let mut v = location(&primary);
            let related: Vec<Value> = f
                .related
                .iter()
                .map(|l| {
                    let loc = locate(sources, l);
                    let mut r = location(&loc);
                    r["message"] = json!(loc.text);
                    r
                })
                .collect();
            let obj = v.as_object_mut().map(std::mem::take).unwrap_or_default();
            let mut out = serde_json::Map::new();
            out.insert("rule".into(), json!(f.rule.id));
            out.insert("name".into(), json!(f.rule.name));
            out.insert("severity".into(), json!(f.severity.as_str()));
            out.insert("message".into(), json!(f.message));
            out.insert("resource".into(), json!(f.resource));
            out.extend(obj);
            out.insert("label".into(), json!(f.primary.text));
            out.insert("help".into(), json!(f.help));
            out.insert("module".into(), json!(f.module));
            out.insert("related".into(), Value::Array(related));
            Value::Object(out)
        })
        .collect();
    let errors: Vec<Value> = outcome
        .errors
        .iter()
        .map(|e| {
            let mut v = location(&locate_error(sources, e));
            v["message"] = json!(e.message);
            v
        })
        .collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "vpclint", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "errors": outcome.count(Severity::Error),
            "warnings": outcome.count(Severity::Warning),
            "infos": outcome.count(Severity::Info),
            "input_errors": outcome.errors.len(),
            "files": sources.len(),
            "resources": outcome.design.resource_count(),
        },
        "findings": findings,
        "input_errors": errors,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
