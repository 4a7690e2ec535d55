//! Baselines: adopt vpclint on an existing account by recording today's findings, then report only
//! new ones. Findings are identified by [`Finding::fingerprint`], not by position.

use crate::rules::Finding;
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub const VERSION: u64 = 1;

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub resource: String,
    pub message: String,
}

pub fn render(findings: &[Finding]) -> String {
    let mut entries: Vec<Entry> = findings
        .iter()
        .map(|f| Entry {
            fingerprint: f.fingerprint(),
            rule: f.rule.id.to_string(),
            resource: f.resource.clone(),
            message: f.message.clone(),
        })
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let list: Vec<Value> = entries
        .iter()
        .map(|e| json!({"fingerprint": e.fingerprint, "rule": e.rule, "resource": e.resource, "message": e.message}))
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({"version": VERSION, "tool": "vpclint", "findings": list}))
        .unwrap_or_default();
    s.push('\n');
    s
}

pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    if v.get("version").and_then(Value::as_u64) != Some(VERSION) {
        return Err(format!("not a vpclint baseline of version {VERSION}"));
    }
    let list = v.get("findings").and_then(Value::as_array).ok_or("`findings` must be an array")?;
    list.iter()
        .map(|e| {
            let s =
                |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string).ok_or(format!("entry without `{k}`"));
            Ok(Entry {
                fingerprint: s("fingerprint")?,
                rule: s("rule")?,
                resource: s("resource")?,
                message: s("message")?,
            })
        })
        .collect()
}

/// Split findings into new ones (kept) and known ones (dropped); return the baseline entries that
/// no longer occur (fixed).
pub fn apply(findings: Vec<Finding>, baseline: &[Entry]) -> (Vec<Finding>, usize, Vec<Entry>) {
    let known: BTreeSet<&str> = baseline.iter().map(|e| e.fingerprint.as_str()).collect();
    let seen: BTreeSet<String> = findings.iter().map(Finding::fingerprint).collect();
    let before = findings.len();
    let kept: Vec<Finding> = findings.into_iter().filter(|f| !known.contains(f.fingerprint().as_str())).collect();
    let dropped = before - kept.len();
    let mut fixed: Vec<Entry> = baseline.iter().filter(|e| !seen.contains(&e.fingerprint)).cloned().collect();
    fixed.sort();
    (kept, dropped, fixed)
}
