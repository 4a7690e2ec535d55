//! `--format junit`: one test suite per rule, one test case per rule × resource, and one passing
//! case for a rule with no findings. A case fails when it has a finding at or above the fail level;
//! findings below it are listed in the case's `<system-out>`.

use super::{Outcome, locate};
use crate::rules::{Finding, Severity};
use std::collections::BTreeMap;

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push_str("&#xFFFD;"),
            c => out.push(c),
        }
    }
    out
}

/// `file:line:col` of a finding, or its file.
fn place(sources: &crate::source::Sources, f: &Finding) -> String {
    let l = locate(sources, &f.primary);
    match (l.line, l.column) {
        (Some(line), Some(col)) => format!("{}:{line}:{col}", l.file),
        _ => l.file,
    }
}

/// One rule × resource: a `<failure>` per finding at or above the fail level, and the findings
/// below it in `<system-out>` (the case passes when there are only those).
fn testcase(
    out: &mut String,
    sources: &crate::source::Sources,
    id: &str,
    resource: &str,
    findings: &[&Finding],
    fails: &impl Fn(&Finding) -> bool,
) {
    out.push_str(&format!("    <testcase classname=\"{id}\" name=\"{}\">\n", xml(resource)));
    let (failing, passing): (Vec<&Finding>, Vec<&Finding>) = findings.iter().partition(|f| fails(f));
    for f in failing {
        out.push_str(&format!(
            "      <failure type=\"{}\" message=\"{}\">{}: {}</failure>\n",
            f.severity,
            xml(&f.message),
            xml(&place(sources, f)),
            xml(f.help.as_deref().unwrap_or(""))
        ));
    }
    if !passing.is_empty() {
        let notes: Vec<String> = passing
            .iter()
            .map(|f| match &f.help {
                Some(help) => format!("{}: {}: {}\nhelp: {help}", place(sources, f), f.severity, f.message),
                None => format!("{}: {}: {}", place(sources, f), f.severity, f.message),
            })
            .collect();
        out.push_str(&format!("      <system-out>{}</system-out>\n", xml(&notes.join("\n"))));
    }
    out.push_str("    </testcase>\n");
}

/// The report; `fail_at` is the fail level (`--fail-on`): only findings at or above it are
/// failures, so that the report is red exactly when the exit code says the run failed.
pub fn render(outcome: &Outcome<'_>, rules: &[&'static crate::rules::Rule], fail_at: Option<Severity>) -> String {
    let sources = &outcome.design.sources;
    let fails = |f: &Finding| fail_at.is_some_and(|level| f.severity >= level);
    // rule → resource → findings
    let mut by_rule: BTreeMap<&str, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    for f in &outcome.findings {
        by_rule.entry(f.rule.id).or_default().entry(f.resource.as_str()).or_default().push(f);
    }
    let failing_cases =
        |cases: &BTreeMap<&str, Vec<&Finding>>| cases.values().filter(|fs| fs.iter().any(|f| fails(f))).count();
    let total: usize = rules.iter().map(|r| by_rule.get(r.meta.id).map_or(1, BTreeMap::len)).sum();
    let failures: usize = by_rule.values().map(failing_cases).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"vpclint\" tests=\"{total}\" failures=\"{failures}\" errors=\"{}\">\n",
        outcome.errors.len()
    ));
    let mut ids: Vec<&str> = rules.iter().map(|r| r.meta.id).collect();
    ids.extend(by_rule.keys().filter(|k| !rules.iter().any(|r| r.meta.id == **k)));
    ids.sort();
    ids.dedup();
    for id in ids {
        let name = crate::rules::find(id).map_or("", |r| r.meta.name);
        let cases = by_rule.get(id);
        let n = cases.map_or(1, BTreeMap::len);
        let failed = cases.map_or(0, failing_cases);
        out.push_str(&format!("  <testsuite name=\"{id} {name}\" tests=\"{n}\" failures=\"{failed}\">\n"));
        match cases {
            None => out.push_str(&format!("    <testcase classname=\"{id}\" name=\"no findings\"/>\n")),
            Some(cases) => {
                for (resource, findings) in cases {
                    testcase(&mut out, sources, id, resource, findings, &fails);
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    if !outcome.errors.is_empty() {
        out.push_str(&format!("  <testsuite name=\"input\" tests=\"{0}\" errors=\"{0}\">\n", outcome.errors.len()));
        for e in &outcome.errors {
            let l = super::locate_error(sources, e);
            out.push_str(&format!(
                "    <testcase classname=\"input\" name=\"{}\">\n      <error message=\"{}\"/>\n    </testcase>\n",
                xml(&l.file),
                xml(&e.message)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
