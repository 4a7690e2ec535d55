//! `--format junit`: one test suite per rule, one failing test case per rule × resource, and one
//! passing case for a rule with no findings.

use super::{Outcome, locate};
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

pub fn render(outcome: &Outcome<'_>, rules: &[&'static crate::rules::Rule]) -> String {
    let sources = &outcome.design.sources;
    // rule → resource → findings
    let mut by_rule: BTreeMap<&str, BTreeMap<&str, Vec<&crate::rules::Finding>>> = BTreeMap::new();
    for f in &outcome.findings {
        by_rule.entry(f.rule.id).or_default().entry(f.resource.as_str()).or_default().push(f);
    }
    let total: usize = rules.iter().map(|r| by_rule.get(r.meta.id).map_or(1, BTreeMap::len)).sum();
    let failures: usize = by_rule.values().map(BTreeMap::len).sum();
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
        let fails = cases.map_or(0, BTreeMap::len);
        out.push_str(&format!("  <testsuite name=\"{id} {name}\" tests=\"{n}\" failures=\"{fails}\">\n"));
        match cases {
            None => out.push_str(&format!("    <testcase classname=\"{id}\" name=\"no findings\"/>\n")),
            Some(cases) => {
                for (resource, findings) in cases {
                    out.push_str(&format!("    <testcase classname=\"{id}\" name=\"{}\">\n", xml(resource)));
                    for f in findings {
                        let l = locate(sources, &f.primary);
                        let at = match (l.line, l.column) {
                            (Some(line), Some(col)) => format!("{}:{line}:{col}", l.file),
                            _ => l.file.clone(),
                        };
                        out.push_str(&format!(
                            "      <failure type=\"{}\" message=\"{}\">{at}: {}</failure>\n",
                            f.severity,
                            xml(&f.message),
                            xml(f.help.as_deref().unwrap_or(""))
                        ));
                    }
                    out.push_str("    </testcase>\n");
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
