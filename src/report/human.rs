//! Human output: rustc-style diagnostics rendered by miette.

use super::{Outcome, locate, locate_error};
use crate::diagnostic::printable_line;
use crate::rules::{Finding, Severity};
use crate::source::{FileId, LineIndex, Sources};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, NamedSource,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

pub use crate::terminal::Style;

/// One diagnostic as miette sees it: one source file, its labels, and related diagnostics for
/// labels that live in other files.
#[derive(Debug)]
struct Rendered {
    code: Option<String>,
    message: String,
    severity: miette::Severity,
    source: Option<NamedSource<Excerpt>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<Rendered>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)) as Box<dyn Iterator<Item = &dyn Diagnostic>>
        })
    }
}

/// A file's text for miette, with its line index: spans are read in time proportional to what is
/// shown, not to the file (a dump can hold thousands of findings). `terraform show -json` writes one
/// line of many kilobytes: on such long lines only a window around the span is shown, with the true
/// line and column.
#[derive(Debug)]
struct Excerpt {
    lines: Arc<LineIndex>,
}

impl Excerpt {
    fn new(text: String) -> Excerpt {
        Excerpt { lines: Arc::new(LineIndex::new(Arc::new(text))) }
    }
    /// Start of the line `back` lines before the one starting at `line_start`.
    fn back(&self, mut line_start: usize, back: usize) -> (usize, usize) {
        let mut moved = 0;
        while moved < back && line_start > 0 {
            line_start = self.lines.line_start_at(line_start - 1);
            moved += 1;
        }
        (line_start, moved)
    }
    /// End of the line `ahead` lines after the one ending at `line_end`.
    fn ahead(&self, mut line_end: usize, ahead: usize) -> (usize, usize) {
        let mut moved = 0;
        while moved < ahead && line_end < self.lines.text.len() {
            line_end = self.lines.line_end_at(line_end + 1);
            moved += 1;
        }
        (line_end, moved)
    }
}

/// Lines longer than this are shown as a window around the span.
const LONG_LINE: usize = 240;
/// Bytes of context on each side of the span in a window.
const WINDOW: usize = 60;

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.lines.text;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let last = end.saturating_sub(1).max(start);
        let first_line = self.lines.line_index(start);
        let spanned = self.lines.line_index(last) - first_line + 1;
        let line_start = self.lines.line_start_at(start);
        let long = self.lines.line_end_at(start) - line_start > LONG_LINE;
        let wide = context_lines_before + context_lines_after > 0;
        let (mut from, mut to, line, count) = if long {
            // A window on the one long line.
            let line_end = self.lines.line_end_at(last);
            let from = if wide { start.saturating_sub(WINDOW).max(line_start) } else { start };
            let to = if wide { (end + WINDOW).min(line_end) } else { end };
            (from, to, first_line, 1)
        } else if wide {
            let (from, before) = self.back(line_start, context_lines_before);
            let (to, after) = self.ahead(self.lines.line_end_at(last), context_lines_after);
            (from, to, first_line - before, before + spanned + after)
        } else {
            (start, end, first_line, spanned)
        };
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        while to < text.len() && !text.is_char_boundary(to) {
            to += 1;
        }
        let shown_line_start = self.lines.line_start_at(from);
        let column = text[shown_line_start..from].chars().count();
        Ok(Box::new(MietteSpanContents::new(&text.as_bytes()[from..to], (from, to - from).into(), line, column, count)))
    }
}

fn on_long_line(sources: &Sources, file: FileId, offset: usize) -> bool {
    let lines = sources.get(file).lines();
    lines.line_end_at(offset) - lines.line_start_at(offset) > LONG_LINE
}

fn named_source(sources: &Sources, id: FileId) -> NamedSource<Excerpt> {
    let f = sources.get(id);
    NamedSource::new(printable_line(&f.name), Excerpt { lines: f.shown_lines() }).with_language("json")
}

fn to_rendered(sources: &Sources, finding: &Finding) -> Rendered {
    let primary_file = finding.primary.origin.file;
    let mut labels = Vec::new();
    let mut related: Vec<Rendered> = Vec::new();
    let primary = locate(sources, &finding.primary);
    if let Some(span) = primary.span.clone() {
        let text = printable_line(&finding.primary.text).into_owned();
        labels.push(LabeledSpan::new_primary_with_span(Some(text), SourceSpan::from(span)));
    }
    for label in &finding.related {
        let loc = locate(sources, label);
        let Some(span) = loc.span else { continue };
        // On a long (minified) line, a label far from the primary span gets its own snippet.
        let far = primary.span.as_ref().is_some_and(|p| {
            p.start.abs_diff(span.start) > 2 * WINDOW && on_long_line(sources, primary_file, span.start)
        });
        let labeled =
            LabeledSpan::new_with_span(Some(printable_line(&label.text).into_owned()), SourceSpan::from(span));
        if label.origin.file == primary_file && !far {
            labels.push(labeled);
        } else if let Some(r) =
            related.iter_mut().find(|r| !far && r.source.as_ref().is_some_and(|s| s.name() == loc.file))
        {
            r.labels.push(labeled);
        } else {
            related.push(Rendered {
                code: None,
                message: format!("related: {}", printable_line(&label.text)),
                severity: miette::Severity::Advice,
                source: Some(named_source(sources, label.origin.file)),
                labels: vec![labeled],
                help: None,
                related: Vec::new(),
            });
        }
    }
    Rendered {
        code: Some(format!("{}({})", finding.rule.id, finding.rule.name)),
        message: printable_line(&match &finding.module {
            Some(m) => format!("{} [{} in {m}]", finding.message, finding.resource),
            None => format!("{} [{}]", finding.message, finding.resource),
        })
        .into_owned(),
        severity: match finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        source: Some(named_source(sources, primary_file)),
        labels,
        help: finding.help.as_deref().map(|h| printable_line(h).into_owned()),
        related,
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1)
        // Ids, ARNs, CIDRs and paths are read and copied from the report: a line breaks only at a
        // space (not after a `-` or a `/`), and a token wider than the line overflows it.
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// `diag`'s texts spelled as `style` can show them (miette's ASCII theme draws the rest).
fn shown_as(style: Style, mut diag: Rendered) -> Rendered {
    if style.unicode {
        return diag;
    }
    diag.message = style.text(&diag.message).into_owned();
    diag.help = diag.help.map(|h| style.text(&h).into_owned());
    for label in &mut diag.labels {
        let text = label.label().map(|l| style.text(l).into_owned());
        label.set_label(text);
    }
    diag.related = diag.related.into_iter().map(|r| shown_as(style, r)).collect();
    diag
}

fn render(style: Style, diag: Rendered) -> String {
    let diag = shown_as(style, diag);
    let mut out = String::new();
    if handler(style).render_report(&mut out, &diag).is_err() {
        out = format!("{diag}\n");
    }
    out
}

/// The findings, then a summary line (nothing at all when there are none).
pub fn render_findings(outcome: &Outcome<'_>, style: Style) -> String {
    let sources = &outcome.design.sources;
    let mut out = String::new();
    for f in &outcome.findings {
        out.push_str(&render(style, to_rendered(sources, f)));
        out.push('\n');
    }
    if !outcome.findings.is_empty() {
        out.push_str(&summary_line(outcome));
    }
    out
}

/// `Found 2 errors, 1 note and 3 warnings in 4 files (20 resources).`, with its line feed.
pub(super) fn summary_line(outcome: &Outcome<'_>) -> String {
    let (e, w, i) = (outcome.count(Severity::Error), outcome.count(Severity::Warning), outcome.count(Severity::Info));
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    let info = if i > 0 { format!(", {}", plural(i, "note")) } else { String::new() };
    format!(
        "Found {}{info} and {} in {} ({}).\n",
        plural(e, "error"),
        plural(w, "warning"),
        plural(outcome.design.stats.files_loaded, "file"),
        plural(outcome.design.resource_count(), "resource")
    )
}

/// A single error message, with a snippet when a source and span are given.
pub fn render_message(style: Style, message: &str, source: Option<(String, String, std::ops::Range<usize>)>) -> String {
    let (source, labels) = match source {
        Some((name, text, span)) => (
            Some(NamedSource::new(name, Excerpt::new(text)).with_language("toml")),
            vec![LabeledSpan::new_primary_with_span(Some("here".into()), SourceSpan::from(span))],
        ),
        None => (None, Vec::new()),
    };
    let diag = Rendered {
        code: Some("config".into()),
        message: message.to_string(),
        severity: miette::Severity::Error,
        source,
        labels,
        help: None,
        related: Vec::new(),
    };
    render(style, diag)
}

/// `--statistics`: findings per rule.
pub fn render_statistics(outcome: &Outcome<'_>) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), (usize, usize, usize)> = std::collections::BTreeMap::new();
    for f in &outcome.findings {
        let e = counts.entry((f.rule.id, f.rule.name)).or_default();
        match f.severity {
            Severity::Error => e.0 += 1,
            Severity::Warning => e.1 += 1,
            Severity::Info => e.2 += 1,
        }
    }
    let mut out = String::new();
    for ((id, name), (e, w, i)) in counts {
        out.push_str(&format!("{:>5}  {id:<8} {name:<38} ({e} error(s), {w} warning(s), {i} note(s))\n", e + w + i));
    }
    out
}

/// Input errors, for standard error.
pub fn render_errors(outcome: &Outcome<'_>, style: Style) -> String {
    let sources = &outcome.design.sources;
    let mut out = String::new();
    for err in &outcome.errors {
        let loc = locate_error(sources, err);
        let (source, labels) = match (err.file, loc.span) {
            (Some(id), Some(span)) => (
                Some(named_source(sources, id)),
                vec![LabeledSpan::new_primary_with_span(Some("here".into()), SourceSpan::from(span))],
            ),
            _ => (None, Vec::new()),
        };
        let message = match (loc.line, loc.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}: {}", loc.file, err.message),
            _ => format!("{}: {}", loc.file, err.message),
        };
        let diag = Rendered {
            code: Some("input".into()),
            message: printable_line(&message).into_owned(),
            severity: miette::Severity::Error,
            source,
            labels,
            help: err.help.as_deref().map(|h| printable_line(h).into_owned()),
            related: Vec::new(),
        };
        out.push_str(&render(style, diag));
        out.push('\n');
    }
    out
}

/// `--stats`: what was loaded per resource type, and everything that was not.
pub fn render_stats(outcome: &Outcome<'_>) -> String {
    let d = outcome.design;
    let s = &d.stats;
    let mut out = format!("Loaded {} file(s):\n", s.files_loaded);
    for (kind, n) in d.counts() {
        if n > 0 || d.has(kind) {
            out.push_str(&format!("  {:<32} {n:>8}\n", kind.name()));
        }
    }
    out.push_str(&format!("  {:<32} {:>8}\n", "total", d.resource_count()));
    let section = |out: &mut String, title: &str, rows: Vec<(String, usize)>| {
        if !rows.is_empty() {
            out.push_str(&format!("{title}:\n"));
            for (k, n) in rows {
                out.push_str(&format!("  {k:<32} {n:>8}\n"));
            }
        }
    };
    section(
        &mut out,
        "Not modelled (top-level key: items)",
        s.unmodelled_keys.iter().map(|(k, n)| (k.clone(), *n)).collect(),
    );
    section(&mut out, "Response metadata (key: files)", s.metadata_keys.iter().map(|(k, n)| (k.clone(), *n)).collect());
    section(&mut out, "Merged into another resource", s.merged.iter().map(|(k, n)| (k.clone(), *n)).collect());
    section(&mut out, "Terraform data sources", s.data_sources.iter().map(|(k, n)| (k.clone(), *n)).collect());
    if s.destroyed > 0 {
        out.push_str(&format!("Destroyed by the plan (not checked): {}\n", s.destroyed));
    }
    if s.synthesized > 0 {
        out.push_str(&format!(
            "Implicit resources of new VPCs (main route tables, default network ACLs): {}\n",
            s.synthesized
        ));
    }
    section(
        &mut out,
        "Not created (CloudFormation condition false)",
        s.condition_false.iter().map(|(k, n)| (k.clone(), *n)).collect(),
    );
    section(&mut out, "Duplicates ignored", s.duplicates.iter().map(|(k, n)| (k.name().to_string(), *n)).collect());
    if !s.duplicate_origins.is_empty() {
        out.push_str("Duplicates (the first definition is used):\n");
        for (kind, id, first, dup) in &s.duplicate_origins {
            let at = |o: &crate::source::Origin| {
                let l = super::locate_origin(&d.sources, o, "");
                match l.line {
                    Some(line) => format!("{}:{line}", l.file),
                    None => l.file,
                }
            };
            out.push_str(&format!("  {} {id}: {} and {}\n", kind.name(), at(first), at(dup)));
        }
    }
    section(
        &mut out,
        "Unresolved references (to resources the input lists but not these)",
        s.unresolved.iter().map(|((from, to), n)| (format!("{} -> {}", from.name(), to.name()), *n)).collect(),
    );
    let mut rejected: Vec<(String, usize)> = s.rejected.iter().map(|(k, n)| (k.name().to_string(), *n)).collect();
    if s.rejected_untyped > 0 {
        rejected.push(("template resource of no readable type".to_string(), s.rejected_untyped));
    }
    section(&mut out, "Rejected (see errors)", rejected);
    if s.ignored + s.excluded > 0 {
        out.push_str(&format!(
            "Not walked (a directory counts once): {} kept out by ignore files, {} by exclude globs\n",
            s.ignored, s.excluded
        ));
    }
    if !s.files_skipped.is_empty() {
        out.push_str("Skipped files:\n");
        for (f, why) in &s.files_skipped {
            out.push_str(&format!("  {}: {why}\n", printable_line(f)));
        }
    }
    out
}
