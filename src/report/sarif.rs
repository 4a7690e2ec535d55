//! `--format sarif`: SARIF 2.1.0 for code scanning, one run, a rule entry per registered rule.

use super::{Located, Outcome, locate, locate_error};
use crate::diagnostic::InputError;
use crate::rules::{Finding, REGISTRY, RuleMeta, Severity};
use crate::source::Sources;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative URI reference: forward slashes, unsafe characters escaped.
fn uri(file: &str) -> String {
    let path = file.strip_prefix("./").unwrap_or(file).replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(l: &Located) -> Value {
    let mut loc = json!({ "artifactLocation": { "uri": uri(&l.file) } });
    if let (Some(sl), Some(sc), Some(el), Some(ec)) = (l.line, l.column, l.end_line, l.end_column) {
        loc["region"] = json!({ "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec.max(sc) });
    }
    loc
}

pub fn render(outcome: &Outcome<'_>) -> String {
    let sources = &outcome.design.sources;
    let rules: Vec<Value> = REGISTRY.iter().map(|r| rule_descriptor(&r.meta)).collect();
    let results: Vec<Value> = outcome.findings.iter().map(|f| result(sources, f)).collect();
    // Input errors: the run still reports every good file's findings, so it is not a failure of
    // the tool, but each bad input is a notification with its location.
    let notifications: Vec<Value> = outcome.errors.iter().map(|e| notification(sources, e)).collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vpclint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": outcome.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn rule_descriptor(m: &RuleMeta) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": m.summary },
        "help": { "text": m.doc, "markdown": m.doc },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": { "tags": ["network", "aws"] },
    })
}

fn result(sources: &Sources, f: &Finding) -> Value {
    let primary = locate(sources, &f.primary);
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let loc = locate(sources, l);
            let mut v = json!({ "id": i + 1, "physicalLocation": physical(&loc) });
            v["message"] = json!({ "text": l.text });
            v
        })
        .collect();
    let mut text = f.message.clone();
    if let Some(h) = &f.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    json!({
        "ruleId": f.rule.id,
        "ruleIndex": REGISTRY.iter().position(|r| r.meta.id == f.rule.id).unwrap_or(0),
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": physical(&primary),
            "logicalLocations": [{ "name": f.resource, "kind": "resource" }],
        }],
        "relatedLocations": related,
        "partialFingerprints": { "vpclint/v1": f.fingerprint() },
    })
}

fn notification(sources: &Sources, e: &InputError) -> Value {
    let l = locate_error(sources, e);
    json!({
        "level": "error",
        "message": { "text": e.message },
        "locations": [{ "physicalLocation": physical(&l) }],
        "descriptor": { "id": "input" },
    })
}
