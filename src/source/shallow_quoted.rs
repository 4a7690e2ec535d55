//! Quoted scalars continued on lines indented no deeper than their key. YAML 1.2 forbids them,
//! but CloudFormation (like PyYAML) reads them, and real templates have them. vpclint reads them
//! by indenting such lines (the leading white space of a continuation line is not part of a
//! quoted scalar's value, so this changes no value) and mapping byte ranges back to the text.
//!
//! One pass over the text finds the continuation lines; the parse that follows is checked: every
//! space added must fall inside a quoted scalar of the result, or the pass guessed wrong and the
//! parser's own complaints guide a few more tries. The work is a bounded number of parses,
//! whatever the number of such scalars.

/// Spaces added at a time.
pub(super) const PAD: usize = 2;

/// Where spaces were inserted, in the padded text's coordinates (`PAD` each, ascending once
/// sorted).
pub(super) struct Padded {
    pub text: String,
    pub inserted: Vec<usize>,
}

impl Padded {
    /// The text unchanged.
    pub fn of(text: &str) -> Padded {
        Padded { text: text.to_string(), inserted: Vec::new() }
    }

    /// An offset of the padded text as an offset of the original.
    pub fn back(&self, at: usize, original_len: usize) -> usize {
        let before = self.inserted.partition_point(|&p| p < at);
        at.saturating_sub(before * PAD).min(original_len)
    }

    /// Indent the first line after `offset` (where the parser complained) by `PAD`; false when
    /// there is no such line or it is already deeply indented (the guess does not help).
    pub fn indent_line_after(&mut self, offset: usize) -> bool {
        let Some(nl) = self.text.get(offset..).and_then(|t| t.find('\n')).map(|i| offset + i + 1) else {
            return false;
        };
        let line_end = self.text[nl..].find('\n').map_or(self.text.len(), |i| nl + i);
        if self.text[nl..line_end].starts_with(&" ".repeat(64)) {
            return false;
        }
        for p in self.inserted.iter_mut().filter(|p| **p >= nl) {
            *p += PAD;
        }
        self.inserted.push(nl);
        self.inserted.sort_unstable();
        self.text.insert_str(nl, &" ".repeat(PAD));
        true
    }

    /// Whether every insertion lies strictly inside one of `quoted` (byte ranges of the quoted
    /// scalars of the parse, in padded coordinates).
    pub fn inside(&self, quoted: &mut [std::ops::Range<usize>]) -> bool {
        quoted.sort_unstable_by_key(|r| r.start);
        self.inserted.iter().all(|&p| {
            let i = quoted.partition_point(|r| r.start < p);
            i > 0 && quoted[i - 1].end > p
        })
    }
}

enum State {
    Plain,
    /// Inside a quoted scalar opened on an earlier line: lines must be indented at least
    /// `min_indent`.
    Quoted {
        quote: u8,
        min_indent: usize,
    },
    /// Inside a block scalar (`|`, `>`): lines indented deeper than `parent` are its text.
    Block {
        parent: usize,
    },
}

/// The text with every continuation line of a multi-line quoted scalar indented past the
/// column of its key, in one pass.
pub(super) fn indent_continuations(text: &str) -> Padded {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut inserted = Vec::new();
    let mut state = State::Plain;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = line[indent..].trim().is_empty();
        if let State::Block { parent } = state {
            if blank || indent > parent {
                out.push_str(line);
                continue;
            }
            state = State::Plain;
        }
        let from = match state {
            State::Quoted { quote, min_indent } => {
                if !blank && indent < min_indent {
                    for _ in 0..(min_indent - indent).div_ceil(PAD) {
                        inserted.push(out.len());
                        out.push_str(&" ".repeat(PAD));
                    }
                }
                closing_quote(bytes, indent, quote).map(|end| end + 1)
            }
            _ => Some(indent),
        };
        out.push_str(line);
        if let Some(from) = from {
            state = scan_plain(bytes, from, indent);
        }
    }
    Padded { text: out, inserted }
}

/// The end of a quoted scalar opened with `quote`, from `from` on: the index of its closing
/// quote (`''` is an escaped `'`; `\"` an escaped `"`).
fn closing_quote(bytes: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Scan the rest of a line outside any scalar: what state the next line starts in.
fn scan_plain(bytes: &[u8], from: usize, line_indent: usize) -> State {
    let mut i = from;
    // The column of the key: past any `- ` of sequence entries.
    while i < bytes.len() && bytes[i] == b'-' && matches!(bytes.get(i + 1), Some(b' ') | None) {
        i += 1;
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let key_col = i;
    let mut at_value_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'#' if i == from || matches!(bytes[i - 1], b' ' | b'\t') => return State::Plain,
            b'\'' | b'"' if at_value_start => match closing_quote(bytes, i + 1, b) {
                Some(end) => {
                    i = end;
                    at_value_start = false;
                }
                None => return State::Quoted { quote: b, min_indent: key_col + 1 },
            },
            b'|' | b'>' if at_value_start && is_block_indicator(&bytes[i + 1..]) => {
                return State::Block { parent: line_indent };
            }
            b':' if matches!(bytes.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None) => at_value_start = true,
            b',' | b'[' | b'{' => at_value_start = true,
            b'-' if at_value_start && matches!(bytes.get(i + 1), Some(b' ')) => {}
            _ => at_value_start = false,
        }
        i += 1;
    }
    State::Plain
}

/// What may follow `|` or `>` on a block scalar's header: chomping and indentation indicators,
/// then a comment or nothing.
fn is_block_indicator(rest: &[u8]) -> bool {
    let n = rest.iter().take_while(|b| matches!(b, b'-' | b'+' | b'1'..=b'9')).count();
    let after = &rest[n..];
    let tail = after.trim_ascii_start();
    tail.is_empty() || (tail.starts_with(b"#") && after.first().is_some_and(u8::is_ascii_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_only_the_lines_inside_quoted_scalars() {
        let text = "A:\n  B: 'one\n  two'\n  C: |\n    it's\n  D: \"x\n y\"\n";
        let padded = indent_continuations(text);
        assert_eq!(padded.text, "A:\n  B: 'one\n    two'\n  C: |\n    it's\n  D: \"x\n   y\"\n");
        assert_eq!(padded.inserted.len(), 2);
    }

    #[test]
    fn block_indicators() {
        assert!(is_block_indicator(b"\n"));
        assert!(is_block_indicator(b"-\n"));
        assert!(is_block_indicator(b"2+ # text\n"));
        assert!(!is_block_indicator(b"x\n"));
        assert!(!is_block_indicator(b"#x\n"));
    }
}
