//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use super::{Outcome, locate};
use crate::rules::Severity;

/// Escape a workflow command's message (input text cannot carry a control character into it).
fn data(s: &str) -> String {
    let escaped = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    crate::diagnostic::printable(&escaped).into_owned()
}

/// Escape a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(outcome: &Outcome<'_>) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let l = locate(&outcome.design.sources, &f.primary);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", property(l.file.strip_prefix("./").unwrap_or(&l.file)))];
        if let (Some(line), Some(col)) = (l.line, l.column) {
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
        }
        if let (Some(el), Some(ec)) = (l.end_line, l.end_column) {
            props.push(format!("endLine={el}"));
            props.push(format!("endColumn={ec}"));
        }
        props.push(format!("title={}", property(&format!("{} {}", f.rule.id, f.rule.name))));
        let mut message = format!("{} [{}]", f.message, f.resource);
        if let Some(h) = &f.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!("::{command} {}::{}\n", props.join(","), data(&message)));
    }
    for e in &outcome.errors {
        let l = super::locate_error(&outcome.design.sources, e);
        let mut props = vec![format!("file={}", property(&l.file))];
        if let (Some(line), Some(col)) = (l.line, l.column) {
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
        }
        props.push("title=vpclint input error".into());
        out.push_str(&format!("::error {}::{}\n", props.join(","), data(&e.message)));
    }
    out
}
