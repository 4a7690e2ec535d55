//! Turning findings and input errors into output: human (miette), concise, json, SARIF, GitHub
//! annotations, JUnit.

pub mod concise;
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
