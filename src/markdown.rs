//! Rule documentation rendered for a terminal (`vpclint explain`): headings, wrapped paragraphs,
//! lists, code and tables, with ANSI styles when colour is on and ASCII when the locale is not
//! UTF-8. Parsing is pulldown-cmark's (CommonMark, as rustdoc and mdBook use it); terminal
//! Markdown renderers read a subset of Markdown (no nested lists) and bring a terminal library
//! with them, while this is a small mapping from its events to text.

use crate::terminal::Style;
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const BOLD: &str = "\x1b[1m";
const ITALIC: &str = "\x1b[3m";
const UNDERLINE: &str = "\x1b[4m";
const CODE: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Render Markdown for a terminal.
pub fn render(markdown: &str, look: Style) -> String {
    let mut r = Renderer::new(look);
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        r.event(event);
    }
    r.flush_line();
    let mut out = r.out.trim_end().to_string();
    out.push('\n');
    out
}

/// An unbreakable piece of a line: its text (with any ANSI codes) and its visible width.
struct Word {
    text: String,
    width: usize,
}

struct List {
    next: Option<u64>,
    /// The indent before each open item, restored when it ends.
    outer_indents: Vec<String>,
}

#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    cell: Option<String>,
}

struct Renderer {
    look: Style,
    out: String,
    /// The line being filled, the word being built, and the indent of the lines to come.
    line: Vec<Word>,
    word: Word,
    indent: String,
    /// The prefix of the next line only (a list bullet), replacing as much of the indent.
    marker: Option<String>,
    styles: Vec<&'static str>,
    lists: Vec<List>,
    code_block: Option<String>,
    table: Option<Table>,
    link: Vec<String>,
}

impl Renderer {
    fn new(look: Style) -> Renderer {
        Renderer {
            look,
            out: String::new(),
            line: Vec::new(),
            word: Word { text: String::new(), width: 0 },
            indent: String::new(),
            marker: None,
            styles: Vec::new(),
            lists: Vec::new(),
            code_block: None,
            table: None,
            link: Vec::new(),
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.code(&code),
            Event::SoftBreak => self.end_word(),
            Event::HardBreak => self.flush_line(),
            Event::Rule => {
                self.flush_line();
                let rule = if self.look.unicode { "─" } else { "-" };
                self.out.push_str(&rule.repeat(self.look.width.min(80)));
                self.out.push_str("\n\n");
            }
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_line();
                self.blank_line();
                self.push_style(if level == HeadingLevel::H1 { UNDERLINE } else { BOLD });
                if level == HeadingLevel::H1 {
                    self.push_style(BOLD);
                }
            }
            Tag::List(start) => {
                self.flush_line();
                if self.lists.is_empty() {
                    self.blank_line();
                }
                self.lists.push(List { next: start, outer_indents: Vec::new() });
            }
            Tag::Item => {
                self.flush_line();
                let indent = self.indent.clone();
                let bullet = match self.lists.last_mut() {
                    Some(list) => {
                        list.outer_indents.push(indent.clone());
                        match list.next.as_mut() {
                            Some(n) => {
                                *n += 1;
                                format!("{}. ", *n - 1)
                            }
                            None => (if self.look.unicode { "• " } else { "- " }).to_string(),
                        }
                    }
                    None => String::new(),
                };
                self.marker = Some(format!("{indent}{bullet}"));
                self.indent.push_str(&" ".repeat(bullet.chars().count()));
            }
            Tag::BlockQuote(_) => {
                self.flush_line();
                self.indent.push_str(if self.look.unicode { "│ " } else { "| " });
            }
            Tag::CodeBlock(_) => {
                self.flush_line();
                self.blank_line();
                self.code_block = Some(String::new());
            }
            Tag::Table(alignments) => {
                self.flush_line();
                self.blank_line();
                self.table = Some(Table { alignments, ..Table::default() });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = &mut self.table {
                    t.cell = Some(String::new());
                }
            }
            Tag::Emphasis => self.push_style(ITALIC),
            Tag::Strong => self.push_style(BOLD),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => self.link.push(dest_url.to_string()),
            // In a list, only a second paragraph of an item is set apart.
            Tag::Paragraph if self.lists.is_empty() || self.marker.is_none() => {
                self.flush_line();
                self.blank_line();
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                self.styles.clear();
                self.flush_line();
                if !self.look.color {
                    let width = self.out.trim_end_matches('\n').rsplit('\n').next().map_or(0, |l| l.chars().count());
                    let under = match (level, self.look.unicode) {
                        (HeadingLevel::H1, false) => "=",
                        (HeadingLevel::H1, true) => "═",
                        (_, false) => "-",
                        (_, true) => "─",
                    };
                    self.out.push_str(&under.repeat(width));
                    self.out.push('\n');
                }
                self.out.push('\n');
            }
            TagEnd::Paragraph => self.flush_line(),
            TagEnd::List(_) => {
                self.flush_line();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.out.push('\n');
                }
            }
            TagEnd::Item => {
                self.flush_line();
                if let Some(outer) = self.lists.last_mut().and_then(|l| l.outer_indents.pop()) {
                    self.indent = outer;
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush_line();
                let keep = self.indent.chars().count().saturating_sub(2);
                self.indent = self.indent.chars().take(keep).collect();
            }
            TagEnd::CodeBlock => self.code_block_end(),
            TagEnd::Table => self.table_end(),
            TagEnd::TableCell => {
                if let Some(t) = &mut self.table
                    && let (Some(cell), Some(row)) = (t.cell.take(), t.rows.last_mut())
                {
                    row.push(cell.trim().to_string());
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                if let Some(url) = self.link.pop()
                    && !url.is_empty()
                    && !url.starts_with('#')
                {
                    self.end_word();
                    self.text(&format!("({url})"));
                }
            }
            _ => {}
        }
    }

    fn push_style(&mut self, style: &'static str) {
        if self.look.color {
            self.styles.push(style);
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(block) = &mut self.code_block {
            block.push_str(text);
            return;
        }
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.push_str(text);
            return;
        }
        for (i, piece) in text.split(' ').enumerate() {
            if i > 0 {
                self.end_word();
            }
            if !piece.is_empty() {
                let styles: String = self.styles.concat();
                self.add_to_word(piece, &styles);
            }
        }
    }

    /// Inline code: one unbreakable word, coloured, or between backticks without colour.
    fn code(&mut self, code: &str) {
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.push('`');
            cell.push_str(code);
            cell.push('`');
            return;
        }
        if self.look.color {
            let styles = format!("{}{CODE}", self.styles.concat());
            self.add_to_word(code, &styles);
        } else {
            self.add_to_word(&format!("`{code}`"), "");
        }
    }

    fn add_to_word(&mut self, piece: &str, styles: &str) {
        if styles.is_empty() {
            self.word.text.push_str(piece);
        } else {
            self.word.text.push_str(styles);
            self.word.text.push_str(piece);
            self.word.text.push_str(RESET);
        }
        self.word.width += piece.chars().count();
    }

    /// The word is whole: put it on the line, or on a new line when it does not fit.
    fn end_word(&mut self) {
        if self.word.width == 0 {
            return;
        }
        let word = std::mem::replace(&mut self.word, Word { text: String::new(), width: 0 });
        let used: usize = self.line.iter().map(|w| w.width + 1).sum::<usize>();
        if !self.line.is_empty() && self.indent.chars().count() + used + word.width > self.look.width {
            self.flush_line();
        }
        self.line.push(word);
    }

    /// Write the line being filled, with its indent (or the list marker in front of it).
    fn flush_line(&mut self) {
        self.end_word();
        if self.line.is_empty() {
            return;
        }
        let prefix = self.marker.take().unwrap_or_else(|| self.indent.clone());
        self.out.push_str(&prefix);
        let words: Vec<&str> = self.line.iter().map(|w| w.text.as_str()).collect();
        self.out.push_str(&words.join(" "));
        self.out.push('\n');
        self.line.clear();
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// A code block, indented and never wrapped.
    fn code_block_end(&mut self) {
        let block = self.code_block.take().unwrap_or_default();
        for line in block.trim_end_matches('\n').split('\n') {
            self.out.push_str(&self.indent);
            self.out.push_str("    ");
            if self.look.color {
                self.out.push_str(CODE);
                self.out.push_str(line);
                self.out.push_str(RESET);
            } else {
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        self.out.push('\n');
    }

    /// A table, its columns as wide as their widest cell, never wrapped.
    fn table_end(&mut self) {
        let Some(table) = self.table.take() else { return };
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| table.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let (bar, rule) = if self.look.unicode { (" │ ", "─") } else { (" | ", "-") };
        for (i, row) in table.rows.iter().enumerate() {
            let cells: Vec<String> = (0..columns)
                .map(|c| {
                    let text = row.get(c).map_or("", String::as_str);
                    let pad = widths[c].saturating_sub(text.chars().count());
                    match table.alignments.get(c) {
                        Some(Alignment::Right) => format!("{}{text}", " ".repeat(pad)),
                        _ => format!("{text}{}", " ".repeat(pad)),
                    }
                })
                .collect();
            let line = cells.join(bar);
            self.out.push_str(&self.indent);
            if i == 0 && self.look.color {
                self.out.push_str(&format!("{BOLD}{}{RESET}", line.trim_end()));
            } else {
                self.out.push_str(line.trim_end());
            }
            self.out.push('\n');
            if i == 0 {
                let rules: Vec<String> = widths.iter().map(|w| rule.repeat(*w)).collect();
                self.out.push_str(&self.indent);
                self.out.push_str(&rules.join(if self.look.unicode { "─┼─" } else { "-+-" }));
                self.out.push('\n');
            }
        }
        self.out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style { color: false, unicode: true, width: 40 };

    #[test]
    fn paragraphs_wrap_at_spaces_and_keep_code_whole() {
        let out = render("Replies go to `1024-65535` of the client, whichever range its kernel picks today.", PLAIN);
        for line in out.lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
        assert!(out.contains("`1024-65535`"), "{out}");
    }

    #[test]
    fn headings_lists_and_tables() {
        let md = "# SG001 name\n\nText.\n\n## Why\n\n- one\n  - nested `x`\n- two\n\n| a | bb |\n|---|----|\n| ccc | d |\n\n- first\n\n  second paragraph\n";
        let out = render(md, PLAIN);
        assert!(out.starts_with("SG001 name\n══════════\n"), "{out}");
        assert!(out.contains("• one\n  • nested `x`\n• two\n"), "{out}");
        assert!(out.contains("a   │ bb\n────┼───\nccc │ d\n"), "{out}");
        assert!(out.contains("Text.\n\nWhy\n───\n"), "{out}");
        assert!(out.contains("• first\n\n  second paragraph\n"), "{out}");
        let ascii = render(md, Style { unicode: false, ..PLAIN });
        assert!(ascii.is_ascii(), "{ascii}");
        assert!(ascii.contains("- one\n  - nested `x`"), "{ascii}");
        let ordered = render("9. nine\n10. ten\n    - inner\n11. eleven\n\nAfter.\n", PLAIN);
        assert!(ordered.contains("9. nine\n10. ten\n    • inner\n11. eleven\n\nAfter."), "{ordered}");
    }

    #[test]
    fn colour_styles_code_and_headings() {
        let out = render("# Title\n\nUse `vpclint`.\n", Style { color: true, ..PLAIN });
        assert!(out.contains("\x1b[4m\x1b[1mTitle\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[36mvpclint\x1b[0m"), "{out:?}");
    }

    #[test]
    fn code_blocks_are_indented_not_wrapped() {
        let long = "x".repeat(60);
        let out = render(&format!("Before.\n\n```json\n{{\"a\": \"{long}\"}}\n```\n"), PLAIN);
        assert!(out.contains(&format!("    {{\"a\": \"{long}\"}}\n")), "{out}");
    }
}
