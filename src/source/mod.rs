//! Source files and origins: where each resource came from, and (lazily) where that is in the text.
//!
//! Ingest records a JSON pointer per resource; byte ranges are only computed when a diagnostic needs
//! one, by parsing the file once more with `jsonc-parser` (which keeps ranges on every node). In a
//! large file only the containers on the way to the value are read: big ones are split into their
//! members' ranges with serde_json's raw values (a fast pass that builds nothing), and only the
//! small container at the end is outlined.

mod hcl;
mod shallow_quoted;
mod spans;

/// A pointer segment below a `.tf` block for values read from a plan: the plan orders nested
/// blocks (sets) its own way, so below it only top-level attributes are placed exactly.
pub const PLAN_VALUES: &str = "@plan";
pub mod yaml;

use spans::*;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A loaded input file. `name` is the path as the user gave it (or `<stdin>`).
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub path: Option<PathBuf>,
    /// The text as read (an `Arc<str>` would copy it once more).
    pub text: Arc<String>,
    /// YAML (a CloudFormation template), not JSON: pointers resolve through a YAML outline.
    pub yaml: bool,
    /// Terraform sources (HCL): pointers resolve through the file's blocks and attributes.
    pub hcl: bool,
    spans: OnceLock<Option<SpanTree>>,
    hcl_spans: OnceLock<Option<HashMap<String, Range<usize>>>>,
    /// For large JSON files: containers on the way to located values, by their start offset.
    containers: Mutex<HashMap<usize, Arc<Container>>>,
    lines: OnceLock<Arc<LineIndex>>,
    shown: OnceLock<Arc<LineIndex>>,
}

/// Lines and columns of a text. Per [`CHAR_CHUNK`] bytes it keeps what placing an offset needs,
/// so that costs a chunk, not the file or the line: a `terraform show -json` plan is one line, and a
/// dump is millions of lines, whose starts alone would take 8 bytes each.
#[derive(Debug)]
pub struct LineIndex {
    pub text: Arc<String>,
    chunks: Vec<Chunk>,
}

/// What is known at the start of a chunk of the text.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    /// Characters before the chunk.
    chars: usize,
    /// Newlines before the chunk.
    newlines: usize,
    /// Start of the line the chunk starts in.
    line_start: usize,
    /// End (the newline, or the end of the text) of the line the chunk's last byte is on.
    line_end: usize,
}

const CHAR_CHUNK: usize = 4096;

/// Characters that start in `bytes` (UTF-8: every byte that is not a continuation byte).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    pub fn new(name: String, path: Option<PathBuf>, text: String) -> Self {
        SourceFile {
            name,
            path,
            text: Arc::new(text),
            yaml: false,
            hcl: false,
            spans: OnceLock::new(),
            hcl_spans: OnceLock::new(),
            containers: Mutex::new(HashMap::new()),
            lines: OnceLock::new(),
            shown: OnceLock::new(),
        }
    }

    /// Byte range of the value at `pointer` (RFC 6901). For a member of an object whose value is
    /// a scalar, the range covers `"key": value`; for containers it covers the key (or the
    /// opening bracket of an array element) so that a diagnostic underlines one line, not fifty.
    pub fn span_of(&self, pointer: &str) -> Option<Range<usize>> {
        // `@start-end`: a byte range, for sources that are not JSON (the configuration file).
        if let Some(range) = pointer.strip_prefix('@') {
            let (a, b) = range.split_once('-')?;
            let (a, b) = (a.parse::<usize>().ok()?, b.parse::<usize>().ok()?);
            return (a <= b && b <= self.text.len()).then_some(a..b);
        }
        if self.hcl {
            let outline = self.hcl_spans.get_or_init(|| hcl::outline(&self.text)).as_ref()?;
            return hcl::resolve(outline, pointer);
        }
        if !self.yaml && self.text.len() > OUTLINE_LIMIT {
            return self.span_in_large(pointer, OUTLINE_LIMIT);
        }
        let tree = self
            .spans
            .get_or_init(|| if self.yaml { SpanTree::parse_yaml(&self.text) } else { SpanTree::parse(&self.text) })
            .as_ref()?;
        tree.resolve(pointer)
    }

    /// [`Self::span_of`] in a large JSON file: containers over `limit` bytes are split into their
    /// members, the first one under it is outlined, and the rest of the pointer resolved there.
    fn span_in_large(&self, pointer: &str, limit: usize) -> Option<Range<usize>> {
        let text = &*self.text;
        let leading = text.len() - text.trim_start().len();
        let trailing = text.trim_end().len();
        let mut value = leading..trailing;
        // Range of the member (key: value) that led to `value`, if it was reached through a key.
        let mut member: Option<Range<usize>> = None;
        let mut rest = pointer;
        while !rest.is_empty() {
            let container = self.container(value.clone(), limit)?;
            let Container::Split(children) = &*container else {
                let Container::Outline(tree) = &*container else { return None };
                let found = tree.resolve(rest)?;
                return Some(found.start + value.start..found.end + value.start);
            };
            let after = rest.strip_prefix('/')?;
            let (raw, next) = after.split_once('/').map_or((after, ""), |(seg, _)| (seg, &after[seg.len()..]));
            let seg = raw.replace("~1", "/").replace("~0", "~");
            match children {
                Children::Object(members) => {
                    let (_, key, child) = members.iter().find(|(k, _, _)| *k == seg)?;
                    member = Some(key.start..child.end);
                    value = child.clone();
                }
                Children::Array(elements) => {
                    value = elements.get(seg.parse::<usize>().ok()?)?.clone();
                    member = None;
                }
            }
            rest = next;
        }
        let is_container = matches!(text.as_bytes().get(value.start), Some(b'{' | b'['));
        Some(match (is_container, member) {
            (false, Some(m)) => m,
            (false, None) => value,
            (true, Some(m)) => m.start..value.start.max(m.start + 1).min(m.end),
            (true, None) => value.start..value.start + 1,
        })
    }

    /// The container at `range`: split into members when over `limit` bytes, else outlined.
    fn container(&self, range: Range<usize>, limit: usize) -> Option<Arc<Container>> {
        let mut memo = self.containers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = memo.get(&range.start) {
            return Some(found.clone());
        }
        let slice = self.text.get(range.clone())?;
        let container = if slice.len() > limit {
            let mut de = serde_json::Deserializer::from_str(slice);
            let children = <Children as serde::Deserialize>::deserialize(&mut de).ok()?;
            // Addresses in memory, made offsets into the text.
            let origin = self.text.as_ptr() as usize;
            let offsets = |r: &Range<usize>| r.start - origin..r.end - origin;
            Container::Split(match children {
                Children::Object(members) => Children::Object(
                    members.into_iter().map(|(k, key, value)| (k, offsets(&key), offsets(&value))).collect(),
                ),
                Children::Array(elements) => Children::Array(elements.iter().map(offsets).collect()),
            })
        } else {
            Container::Outline(SpanTree::parse(slice)?)
        };
        let container = Arc::new(container);
        memo.insert(range.start, container.clone());
        Some(container)
    }

    /// The file's line index (computed once).
    pub fn lines(&self) -> Arc<LineIndex> {
        self.lines.get_or_init(|| Arc::new(LineIndex::new(self.text.clone()))).clone()
    }

    /// The text as it may be shown: control and bidi characters replaced, byte for byte (the
    /// same text when it holds none).
    pub fn shown_lines(&self) -> Arc<LineIndex> {
        self.shown
            .get_or_init(|| match crate::diagnostic::printable_same_length(&self.text) {
                std::borrow::Cow::Borrowed(_) => self.lines(),
                std::borrow::Cow::Owned(clean) => Arc::new(LineIndex::new(Arc::new(clean))),
            })
            .clone()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(offset)
    }

    /// Byte offset of a 1-based line and 1-based byte column (as serde_json reports them),
    /// moved back to a character boundary.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut offset = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let mut at = offset + column.saturating_sub(1).min(l.len());
                while !self.text.is_char_boundary(at) {
                    at -= 1;
                }
                return at;
            }
            offset += l.len();
        }
        self.text.len()
    }
}

impl LineIndex {
    pub fn new(text: Arc<String>) -> LineIndex {
        let chunks = {
            let bytes = text.as_bytes();
            let mut out: Vec<Chunk> = Vec::with_capacity(bytes.len() / CHAR_CHUNK + 1);
            let (mut chars, mut newlines, mut line_start) = (0, 0, 0);
            for (i, chunk) in bytes.chunks(CHAR_CHUNK).enumerate() {
                out.push(Chunk { chars, newlines, line_start, line_end: 0 });
                chars += chars_in(chunk);
                newlines += chunk.iter().filter(|&&b| b == b'\n').count();
                if let Some(last) = chunk.iter().rposition(|&b| b == b'\n') {
                    line_start = i * CHAR_CHUNK + last + 1;
                }
            }
            // Line ends, from the back: where the line holding each chunk's last byte ends.
            let mut line_end = bytes.len();
            for (i, c) in out.iter_mut().enumerate().rev() {
                let from = i * CHAR_CHUNK;
                let to = (from + CHAR_CHUNK).min(bytes.len());
                c.line_end = line_end;
                if let Some(first) = bytes[from..to].iter().position(|&b| b == b'\n') {
                    line_end = from + first;
                }
            }
            out
        };
        LineIndex { text, chunks }
    }

    /// The chunk holding `offset` (the last one for the end of the text).
    fn chunk_of(&self, offset: usize) -> (usize, Chunk) {
        let i = (offset / CHAR_CHUNK).min(self.chunks.len().saturating_sub(1));
        let none = Chunk { chars: 0, newlines: 0, line_start: 0, line_end: 0 };
        (i * CHAR_CHUNK, self.chunks.get(i).copied().unwrap_or(none))
    }

    /// 0-based line of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (from, chunk) = self.chunk_of(offset);
        chunk.newlines + self.text.as_bytes()[from..offset].iter().filter(|&&b| b == b'\n').count()
    }

    /// Start of the line holding byte `offset`.
    pub fn line_start_at(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (from, chunk) = self.chunk_of(offset);
        match self.text.as_bytes()[from..offset].iter().rposition(|&b| b == b'\n') {
            Some(i) => from + i + 1,
            None => chunk.line_start,
        }
    }

    /// End of the line holding byte `offset`: its newline, or the end of the text.
    pub fn line_end_at(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (from, chunk) = self.chunk_of(offset);
        let to = (from + CHAR_CHUNK).min(self.text.len());
        match self.text.as_bytes()[offset..to].iter().position(|&b| b == b'\n') {
            Some(i) => offset + i,
            None => chunk.line_end.max(offset),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let end = offset.min(self.text.len());
        let start = self.line_start_at(end);
        let bytes = self.text.as_bytes();
        let col = if end - start <= CHAR_CHUNK {
            chars_in(&bytes[start..end])
        } else {
            self.chars_before(end) - self.chars_before(start)
        };
        (self.line_index(end) + 1, col + 1)
    }

    /// Characters before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let (from, chunk) = self.chunk_of(offset);
        chunk.chars + chars_in(&self.text.as_bytes()[from..offset])
    }
}

/// All files of one load, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Entries that stand for files that could not be read, so that every file of a load has
    /// the id it was given before reading.
    unread: usize,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }
    /// Take the next id for a file that could not be read.
    pub fn add_unread(&mut self, name: String) -> FileId {
        self.unread += 1;
        self.add(SourceFile::new(name, None, String::new()))
    }
    /// The id the next file added will have.
    pub fn next_id(&self) -> FileId {
        FileId(self.files.len() as u32)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    /// Files read.
    pub fn len(&self) -> usize {
        self.files.len() - self.unread
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a resource (or one of its properties) was defined: a file and a JSON pointer into it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: FileId,
    pub pointer: String,
}

impl Origin {
    pub fn new(file: FileId, pointer: impl Into<String>) -> Self {
        Origin { file, pointer: pointer.into() }
    }
    /// The origin of a property or element below this one.
    pub fn at(&self, segment: impl std::fmt::Display) -> Origin {
        let seg = segment.to_string().replace('~', "~0").replace('/', "~1");
        Origin { file: self.file, pointer: format!("{}/{}", self.pointer, seg) }
    }
    /// The first of `candidates` (tried in order; `/` separates nested keys) that exists in the
    /// file, else this origin.
    pub fn at_first(&self, sources: &Sources, candidates: &[&str]) -> Origin {
        let file = sources.get(self.file);
        candidates
            .iter()
            .map(|c| c.split('/').fold(self.clone(), |o, seg| o.at(seg)))
            .find(|o| file.span_of(&o.pointer).is_some())
            .unwrap_or_else(|| self.clone())
    }
}

/// Files (and containers) up to this size are outlined whole; larger ones are split level by level.
const OUTLINE_LIMIT: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_long_lines_count_characters() {
        // One line of 30,000 bytes with multi-byte characters throughout, as a plan's values can be.
        let text: String = (0..3000).map(|i| if i % 7 == 0 { "\"é€😀\"," } else { "\"abcd\"," }).collect();
        let f = SourceFile::new("t.json".into(), None, format!("[\n{text}\n]"));
        for offset in (2..text.len()).filter(|&o| text.is_char_boundary(o - 2)).step_by(997) {
            let naive = f.text[2..offset].chars().count() + 1;
            assert_eq!(f.line_col(offset), (2, naive), "offset {offset}");
        }
    }

    #[test]
    fn resolves_pointers_to_byte_ranges() {
        let text =
            "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\", \"Tags\": [{\"Key\": \"é\", \"Value\": \"x\"}]}\n  ]\n}";
        let f = SourceFile::new("t.json".into(), None, text.into());
        let r = f.span_of("/Vpcs/0/VpcId").unwrap();
        assert_eq!(&text[r.clone()], "\"VpcId\": \"vpc-1\"");
        assert_eq!(f.line_col(r.start), (3, 6));
        let r = f.span_of("/Vpcs/0/Tags/0/Value").unwrap();
        assert_eq!(&text[r], "\"Value\": \"x\"");
        assert!(f.span_of("/Vpcs/1").is_none());
        assert!(f.span_of("/Nope").is_none());
    }

    /// Every pointer of `value`, escaped per RFC 6901.
    fn pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    #[test]
    fn large_files_locate_values_as_an_outline_does() {
        let items: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    "{{\"Id\": \"x-{i}\", \"a/b\": {i}, \"t~x\": [true, null, {{\"é\": \"v\"}}], \"Nested\": {{\"Deep\": [[{i}], {{}}]}}, \"Empty\": []}}"
                )
            })
            .collect();
        let text =
            format!(" {{\"data\": {{\"Items\": [\n{}\n], \"Count\": 40}}, \"Next\": null}}\n", items.join(",\n"));
        let f = SourceFile::new("t.json".into(), None, text.clone());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut all = Vec::new();
        pointers(&value, String::new(), &mut all);
        all.extend(["/data/Items/40".into(), "/Nope".into(), "/data/Items/x".into(), "/Next/0".into()]);
        for limit in [0, 64, 600] {
            let large = SourceFile::new("t.json".into(), None, text.clone());
            for p in &all {
                assert_eq!(large.span_in_large(p, limit), f.span_of(p), "{p} (limit {limit})");
            }
        }
        // A key with a JSON escape: found, underlined at its value.
        let f = SourceFile::new("t.json".into(), None, r#"{"a\"b": {"c": 1}}"#.into());
        assert_eq!(f.span_in_large("/a\"b/c", 0).map(|r| &f.text[r]), Some(r#""c": 1"#));
    }

    #[test]
    fn line_index_agrees_with_counting_across_chunks() {
        // Short lines, a line spanning several chunks, multi-byte characters, blank lines, and a
        // trailing newline.
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&"é".repeat(i % 9));
            text.push_str(&format!("line {i}\n"));
            if i == 150 {
                text.push_str(&"x€".repeat(6000));
            }
            if i % 50 == 0 {
                text.push('\n');
            }
        }
        let index = LineIndex::new(Arc::new(text.clone()));
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)).step_by(7) {
            let before = &text[..offset];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
            assert_eq!(index.line_index(offset), before.matches('\n').count(), "line of {offset}");
            assert_eq!(index.line_start_at(offset), start, "start of {offset}");
            assert_eq!(index.line_end_at(offset), end, "end of {offset}");
            let col = text[start..offset].chars().count() + 1;
            assert_eq!(index.line_col(offset), (before.matches('\n').count() + 1, col), "{offset}");
        }
        let empty = LineIndex::new(Arc::new(String::new()));
        assert_eq!((empty.line_col(0), empty.line_start_at(0), empty.line_end_at(0)), ((1, 1), 0, 0));
    }

    #[test]
    fn converts_line_col_to_offsets() {
        let f = SourceFile::new("t".into(), None, "ab\ncé\nd".into());
        // serde_json counts bytes: "é" is two of them.
        assert_eq!(f.offset_of(2, 4), 6);
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.offset_of(2, 3), 4);
    }
}
