//! Input errors: the leaf type readers produce and reports render, so reports need nothing from
//! the readers.

use crate::source::FileId;

/// Where in a file an input error is.
#[derive(Clone, Debug)]
pub enum ErrorLocation {
    /// The whole file (e.g. it could not be read).
    None,
    /// A byte offset (from the JSON parser).
    Offset(usize),
    /// A JSON pointer to the offending value.
    Pointer(String),
}

/// A problem with the input: reported with its location, and makes the run exit with 2.
#[derive(Clone, Debug)]
pub struct InputError {
    /// The file, when it could be read; otherwise `path` names it.
    pub file: Option<FileId>,
    pub path: String,
    pub location: ErrorLocation,
    pub message: String,
    pub help: Option<String>,
}

/// A rule silenced on a resource by the input that defines it (a template's
/// `Metadata: {vpclint: {ignore: [{rule, reason}]}}`): applied with the other suppressions.
#[derive(Clone, Debug)]
pub struct DeclaredSuppression {
    /// The resource, as the document names it.
    pub resource: String,
    pub file: FileId,
    pub rule: String,
    pub reason: String,
    pub origin: crate::source::Origin,
}

/// Whether a character must not reach a terminal or a CI log raw: C0 controls (but line feeds and
/// tabs), DEL, C1 controls, and the bidirectional overrides and isolates that reorder what is shown.
pub fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unprintable character written as an escape (`\u{1b}`): input text (ids, tag
/// values, file names) cannot move the cursor, recolour, forge a CI log command or reorder a line.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unprintable(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `printable`, for text shown on one line (messages, labels, file names): a line feed from input
/// is escaped too, so an id cannot start a line of its own (a forged CI log command, a fake
/// finding).
pub fn printable_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\n') {
        return printable(s);
    }
    std::borrow::Cow::Owned(printable(s).replace('\n', "\\n"))
}

/// `s` with every unprintable character replaced by `?` repeated to its UTF-8 length: the same
/// byte offsets, so spans into a file's text still fit its shown copy.
pub fn printable_same_length(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars().map(|c| if is_unprintable(c) { "?".repeat(c.len_utf8()) } else { c.to_string() }).collect(),
    )
}

/// A value quoted in a message, cut to a readable length (a value built to be huge does not make
/// a huge report).
pub fn quoted_value(s: &str) -> String {
    const MAX: usize = 120;
    if s.chars().count() <= MAX {
        return format!("\"{s}\"");
    }
    let head: String = s.chars().take(MAX).collect();
    format!("\"{head}…\" ({} characters)", s.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_cut_and_unprintables_escaped() {
        assert_eq!(quoted_value("10.0.0.0/33"), "\"10.0.0.0/33\"");
        let long = "1".repeat(1000);
        let q = quoted_value(&long);
        assert!(q.len() < 160 && q.ends_with("(1000 characters)"), "{q}");
        assert_eq!(printable("a\u{1b}[31mb\u{202e}"), "a\\u{1b}[31mb\\u{202e}");
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(printable_same_length("x\u{85}y").len(), "x\u{85}y".len());
    }
}
