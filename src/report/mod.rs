//! Turning findings and input errors into output: human (miette), json.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::diagnostic::{ErrorLocation, InputError};
use crate::model::Design;
use crate::rules::{Finding, Label, Severity};
use crate::source::{Origin, Sources};
use std::ops::Range;

/// A label resolved to a place in a file.
#[derive(Clone, Debug)]
pub struct Located {
    pub file: String,
    pub span: Option<Range<usize>>,
    /// 1-based line and column of the span's start.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub text: String,
    pub origin: Option<Origin>,
}

impl Located {
    /// A file as a whole, with no position.
    fn unplaced(file: String) -> Located {
        Located {
            file,
            span: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            text: String::new(),
            origin: None,
        }
    }
}

pub fn locate_origin(sources: &Sources, origin: &Origin, text: &str) -> Located {
    let file = sources.get(origin.file);
    let span = file.span_of(&origin.pointer);
    let (line, column, end_line, end_column) = match &span {
        Some(s) => {
            let (l, c) = file.line_col(s.start);
            let (el, ec) = file.line_col(s.end);
            (Some(l), Some(c), Some(el), Some(ec))
        }
        None => (None, None, None, None),
    };
    Located {
        file: file.name.clone(),
        span,
        line,
        column,
        end_line,
        end_column,
        text: text.to_string(),
        origin: Some(origin.clone()),
    }
}

pub fn locate(sources: &Sources, label: &Label) -> Located {
    locate_origin(sources, &label.origin, &label.text)
}

/// Where an input error is.
pub fn locate_error(sources: &Sources, err: &InputError) -> Located {
    let Some(id) = err.file else { return Located::unplaced(err.path.clone()) };
    match &err.location {
        ErrorLocation::Pointer(p) => locate_origin(sources, &Origin::new(id, p.clone()), ""),
        ErrorLocation::Offset(o) => {
            let file = sources.get(id);
            let start = (*o).min(file.text.len());
            let end = file.text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
            let (l, c) = file.line_col(start);
            Located {
                file: file.name.clone(),
                span: Some(start..end),
                line: Some(l),
                column: Some(c),
                end_line: Some(l),
                end_column: Some(c + 1),
                text: String::new(),
                origin: None,
            }
        }
        ErrorLocation::None => Located::unplaced(sources.get(id).name.clone()),
    }
}

/// Findings in a stable order: file, position, rule, message.
pub fn sort_findings(sources: &Sources, findings: &mut [Finding]) {
    let starts = span_starts(sources, findings);
    let name = |f: &Finding| sources.get(f.primary.origin.file).name.as_str();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (&findings[a], &findings[b]);
        (name(fa), starts[a], fa.rule.id, &fa.message).cmp(&(name(fb), starts[b], fb.rule.id, &fb.message))
    });
    let sorted: Vec<Finding> = order.iter().map(|&i| findings[i].clone()).collect();
    findings.clone_from_slice(&sorted);
}

/// Where each finding's primary label starts (0 when it has no place). Placing the first finding
/// of a large file reads the file's structure; files are independent, so they are read on
/// several threads.
fn span_starts(sources: &Sources, findings: &[Finding]) -> Vec<usize> {
    let mut by_file: std::collections::BTreeMap<crate::source::FileId, Vec<usize>> = Default::default();
    for (i, f) in findings.iter().enumerate() {
        by_file.entry(f.primary.origin.file).or_default().push(i);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(by_file.len().max(1));
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for (n, group) in by_file.into_values().enumerate() {
        shares[n % threads].extend(group);
    }
    let mut starts = vec![0; findings.len()];
    let located: Vec<Vec<(usize, usize)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .iter()
                        .map(|&i| {
                            let origin = &findings[i].primary.origin;
                            (i, sources.get(origin.file).span_of(&origin.pointer).map_or(0, |s| s.start))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    for (i, start) in located.into_iter().flatten() {
        starts[i] = start;
    }
    starts
}

/// Input errors in a stable order: file, then position.
pub fn sort_errors(sources: &Sources, errors: &mut Vec<InputError>) {
    let mut keyed: Vec<(String, usize, String, InputError)> = errors
        .drain(..)
        .map(|e| {
            let loc = locate_error(sources, &e);
            (loc.file, loc.span.map_or(0, |s| s.start), e.message.clone(), e)
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    errors.extend(keyed.into_iter().map(|k| k.3));
}

/// Everything a run produced, ready to print.
pub struct Outcome<'d> {
    pub design: &'d Design,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
}

impl Outcome<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}
