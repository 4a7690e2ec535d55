//! `--format concise`: one line per finding and per input error, in the `file:line:col: ` form
//! editors and terminals recognise, then the human format's summary line.
//!
//! ```text
//! fixtures/x/describe-subnets.json:93:13: warning[NAT003]: subnet subnet-0993… sends 0.0.0.0/0 … [subnet-0993…]
//! fixtures/x/broken.json:4:1: error: expected `,` or `}`
//! Found 2 errors and 1 warning in 4 files (20 resources).
//! ```
//!
//! Lines are never wrapped, so that one line is one finding for `grep` and error parsers.

use super::{Located, Outcome, locate, locate_error};
use crate::diagnostic::printable_line;
use crate::rules::Severity;
use crate::terminal::Style;

/// `file:line:col`, or the file alone when the place is not known.
fn place(l: &Located) -> String {
    let file = printable_line(&l.file);
    match (l.line, l.column) {
        (Some(line), Some(col)) => format!("{file}:{line}:{col}"),
        _ => file.into_owned(),
    }
}

/// `text` in the colour of `severity` when the style has colours (bold red, yellow, cyan).
fn painted(style: Style, severity: Option<Severity>, text: &str) -> String {
    if !style.color {
        return text.to_string();
    }
    let code = match severity {
        Some(Severity::Error) | None => "1;31",
        Some(Severity::Warning) => "1;33",
        Some(Severity::Info) => "1;36",
    };
    format!("\u{1b}[{code}m{text}\u{1b}[0m")
}

/// The findings, the input errors, then (with `summary`, and when there are findings) the
/// summary line.
pub fn render(outcome: &Outcome<'_>, style: Style, summary: bool) -> String {
    let sources = &outcome.design.sources;
    let mut out = String::new();
    for f in &outcome.findings {
        let l = locate(sources, &f.primary);
        let subject = match &f.module {
            Some(m) => format!("{} in {m}", f.resource),
            None => f.resource.clone(),
        };
        let message = format!("{} [{subject}]", f.message);
        let tag = painted(style, Some(f.severity), &format!("{}[{}]:", f.severity, f.rule.id));
        out.push_str(&format!("{}: {tag} {}\n", place(&l), style.text(&printable_line(&message))));
    }
    for e in &outcome.errors {
        let l = locate_error(sources, e);
        let tag = painted(style, None, "error:");
        out.push_str(&format!("{}: {tag} {}\n", place(&l), style.text(&printable_line(&e.message))));
    }
    if summary && !outcome.findings.is_empty() {
        out.push_str(&super::human::summary_line(outcome));
    }
    out
}
