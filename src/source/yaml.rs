//! CloudFormation YAML: a tree with byte ranges and tags, built from `saphyr-parser` events.
//!
//! The parser reports positions in characters; everything here is in bytes, as miette and the
//! JSON side use. Short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub …`) become their long
//! forms (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`), so one evaluator serves JSON and YAML.

use super::shallow_quoted::{self, Padded};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use std::ops::Range;

/// Deeper nesting than this is rejected (no template needs it; it guards the recursion below).
const MAX_DEPTH: usize = 256;

/// A YAML node with its byte range and tag.
#[derive(Clone, Debug)]
pub struct YNode {
    pub range: Range<usize>,
    /// `!Ref` → `Some(("!", "Ref"))`; core-schema tags keep their handle (`!!`).
    pub tag: Option<(String, String)>,
    pub value: YValue,
}

#[derive(Clone, Debug)]
pub enum YValue {
    Scalar { text: String, plain: bool },
    Seq(Vec<YNode>),
    Map(Vec<(YNode, YNode)>),
}

/// A syntax error: where, and what.
#[derive(Clone, Debug)]
pub struct YamlError {
    pub offset: usize,
    pub message: String,
}

/// Character index → byte offset, for text that is not all ASCII.
struct Offsets<'t> {
    text: &'t str,
    table: Option<Vec<usize>>,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Self {
        let table = (!text.is_ascii())
            .then(|| text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect());
        Offsets { text, table }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.text.len()),
            Some(t) => t.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }
    fn range(&self, span: &Span) -> Range<usize> {
        self.byte(span.start.index())..self.byte(span.end.index())
    }
}

enum Frame {
    Seq { start: usize, tag: Option<(String, String)>, items: Vec<YNode> },
    Map { start: usize, tag: Option<(String, String)>, entries: Vec<(YNode, YNode)>, key: Option<YNode> },
}

/// The scanner's complaint about a quoted scalar continued on a line indented no deeper than its
/// key, which YAML 1.2 forbids but CloudFormation (like PyYAML) accepts.
const SHALLOW_QUOTED: &str = "invalid indentation in quoted scalar";

/// Parses tried after the padded one, guided by the parser's complaints.
const MAX_RETRIES: usize = 16;

/// Parse every document of a YAML stream. Quoted scalars continued on shallow lines are read as
/// CloudFormation reads them (see `shallow_quoted`).
pub fn parse(text: &str) -> Result<Vec<YNode>, YamlError> {
    parse_counting(text, &mut 0)
}

/// `parse`, counting the parses it takes (bounded, whatever the input).
fn parse_counting(text: &str, parses: &mut usize) -> Result<Vec<YNode>, YamlError> {
    *parses += 1;
    let first = match parse_strict(text) {
        Ok(docs) => return Ok(docs),
        Err(e) if e.message.ends_with(SHALLOW_QUOTED) => e,
        Err(e) => return Err(e),
    };
    // The one-pass guess first, then the original text guided only by the parser.
    for mut padded in [shallow_quoted::indent_continuations(text), Padded::of(text)] {
        for _ in 0..MAX_RETRIES {
            *parses += 1;
            match parse_strict(&padded.text) {
                Ok(mut docs) => {
                    let mut quoted = Vec::new();
                    docs.iter().for_each(|d| d.quoted_ranges(&mut quoted));
                    if !padded.inside(&mut quoted) {
                        break;
                    }
                    docs.iter_mut().for_each(|d| d.remap(&|at| padded.back(at, text.len())));
                    return Ok(docs);
                }
                Err(e) if e.message.ends_with(SHALLOW_QUOTED) && padded.indent_line_after(e.offset) => {}
                Err(_) => break,
            }
        }
    }
    Err(first)
}

fn parse_strict(text: &str) -> Result<Vec<YNode>, YamlError> {
    let offsets = Offsets::new(text);
    let mut tree = Tree { docs: Vec::new(), stack: Vec::new() };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            offset: offsets.byte(e.marker().index()),
            message: format!("invalid YAML: {}", e.info()),
        })?;
        if let Some(node) = tree.complete(event, offsets.range(&span))? {
            tree.attach(node);
        }
    }
    Ok(tree.docs)
}

fn tag_of(t: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<(String, String)> {
    t.map(|t| (t.handle.clone(), t.suffix.clone()))
}

/// The tree under construction: finished documents and the collections still open. (Anchors
/// are allowed but not kept: an alias is an error, so nothing is ever copied.)
struct Tree {
    docs: Vec<YNode>,
    stack: Vec<Frame>,
}

impl Tree {
    /// The node an event completes, if it completes one.
    fn complete(&mut self, event: Event<'_>, range: Range<usize>) -> Result<Option<YNode>, YamlError> {
        Ok(match event {
            Event::Scalar(text, style, _anchor, tag) => Some(YNode {
                range,
                tag: tag_of(tag),
                value: YValue::Scalar { text: text.into_owned(), plain: style == ScalarStyle::Plain },
            }),
            // CloudFormation accepts no aliases ("AWS CloudFormation doesn't support … aliases",
            // Template formats), and expanding them is what makes a small file enormous.
            Event::Alias(_) => {
                return Err(YamlError {
                    offset: range.start,
                    message: "YAML aliases (`*name`) are not supported: CloudFormation does not accept them".into(),
                });
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) if self.stack.len() >= MAX_DEPTH => {
                let _ = (anchor, tag);
                return Err(YamlError {
                    offset: range.start,
                    message: format!("nesting deeper than {MAX_DEPTH} levels"),
                });
            }
            Event::SequenceStart(_, tag) => {
                self.stack.push(Frame::Seq { start: range.start, tag: tag_of(tag), items: Vec::new() });
                None
            }
            Event::MappingStart(_, tag) => {
                self.stack.push(Frame::Map { start: range.start, tag: tag_of(tag), entries: Vec::new(), key: None });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(range),
            Event::DocumentEnd => None,
            _ => None,
        })
    }

    /// The innermost open collection, now complete.
    fn close(&mut self, range: Range<usize>) -> Option<YNode> {
        Some(match self.stack.pop()? {
            Frame::Seq { start, tag, items, .. } => {
                let end = items.last().map_or(range.end, |n| n.range.end.max(start));
                YNode { range: start..end.max(start), tag, value: YValue::Seq(items) }
            }
            Frame::Map { start, tag, entries, .. } => {
                let end = entries.last().map_or(range.end, |(_, v)| v.range.end.max(start));
                YNode { range: start..end.max(start), tag, value: YValue::Map(entries) }
            }
        })
    }

    /// A complete node goes into the open collection (as a key, or as the value of the key
    /// before it), or is a document.
    fn attach(&mut self, node: YNode) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
            None => self.docs.push(node),
        }
    }
}

/// The short-form tags CloudFormation accepts: its intrinsic and condition functions, the
/// `Rules` functions, and those of the `AWS::LanguageExtensions` transform (Intrinsic function
/// reference; Rules functions).
const SHORT_FORMS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Condition",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "GetStackOutput",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Ref",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
];

/// The intrinsic function a short-form tag stands for.
fn function_of(suffix: &str) -> String {
    match suffix {
        "Ref" | "Condition" => suffix.to_string(),
        _ => format!("Fn::{suffix}"),
    }
}

impl YNode {
    /// The node as JSON, short-form tags expanded to their long forms.
    pub fn to_json(&self) -> Value {
        let value = match &self.value {
            YValue::Scalar { text, plain } => {
                let core_str =
                    matches!(&self.tag, Some((h, s)) if (h == "!!" && s == "str") || s == "tag:yaml.org,2002:str");
                if *plain && !core_str && self.tag.as_ref().is_none_or(|(h, _)| h != "!") {
                    plain_scalar(text)
                } else {
                    Value::String(text.clone())
                }
            }
            YValue::Seq(items) => Value::Array(items.iter().map(YNode::to_json).collect()),
            YValue::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k.key_text(), v.to_json());
                }
                Value::Object(map)
            }
        };
        match &self.tag {
            Some((handle, suffix)) if handle == "!" => {
                let name = function_of(suffix);
                // `!GetAtt Resource.Attribute` is a string in short form, a list in long form.
                let arg = match (suffix.as_str(), value) {
                    ("GetAtt", Value::String(s)) => match s.split_once('.') {
                        Some((a, b)) => Value::Array(vec![Value::String(a.into()), Value::String(b.into())]),
                        None => Value::String(s),
                    },
                    (_, v) => v,
                };
                let mut map = Map::new();
                map.insert(name, arg);
                Value::Object(map)
            }
            _ => value,
        }
    }

    /// The first tag CloudFormation would not accept (`!FooBar`, or a handle of the file's own),
    /// with its offset. YAML's own tags (`!!str`) are accepted.
    pub fn unknown_tag(&self) -> Option<(usize, String)> {
        let mut todo = vec![self];
        while let Some(node) = todo.pop() {
            if let Some((handle, suffix)) = &node.tag {
                let core = handle == "!!"
                    || handle.starts_with("tag:yaml.org,2002:")
                    || suffix.starts_with("tag:yaml.org,2002:");
                let function = handle == "!" && SHORT_FORMS.contains(&suffix.as_str());
                if !(core || function) {
                    return Some((node.range.start, format!("{handle}{suffix}")));
                }
            }
            match &node.value {
                YValue::Scalar { .. } => {}
                YValue::Seq(items) => todo.extend(items.iter().rev()),
                YValue::Map(entries) => todo.extend(entries.iter().rev().flat_map(|(k, v)| [v, k])),
            }
        }
        None
    }

    /// The byte ranges of the quoted scalars under this node.
    fn quoted_ranges(&self, out: &mut Vec<Range<usize>>) {
        match &self.value {
            YValue::Scalar { plain: false, .. } => out.push(self.range.clone()),
            YValue::Scalar { .. } => {}
            YValue::Seq(items) => items.iter().for_each(|n| n.quoted_ranges(out)),
            YValue::Map(entries) => entries.iter().for_each(|(k, v)| {
                k.quoted_ranges(out);
                v.quoted_ranges(out);
            }),
        }
    }

    /// Ranges moved by `back` (from padded text to the original).
    fn remap(&mut self, back: &dyn Fn(usize) -> usize) {
        self.range = back(self.range.start)..back(self.range.end);
        match &mut self.value {
            YValue::Scalar { .. } => {}
            YValue::Seq(items) => items.iter_mut().for_each(|n| n.remap(back)),
            YValue::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.remap(back);
                v.remap(back);
            }),
        }
    }

    /// A mapping key as text (keys are scalars in every template; others are shown as JSON).
    pub fn key_text(&self) -> String {
        match &self.value {
            YValue::Scalar { text, .. } => text.clone(),
            _ => self.to_json().to_string(),
        }
    }
}

/// A plain scalar under the YAML 1.2 core schema, except that numbers with leading zeros stay
/// strings (account ids such as `012345678901` must not lose their zero).
fn plain_scalar(text: &str) -> Value {
    match text {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    if !leading_zero && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
    } else if !leading_zero
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_short_forms_and_keeps_byte_ranges() {
        let text = "Name: é\nV: !GetAtt Vpc.CidrBlock\nS: !Sub '${A}-x'\nL: !Select [0, !GetAZs '']\nN: 012\nP: 80\n";
        let docs = parse(text).unwrap();
        let json = docs[0].to_json();
        assert_eq!(json["V"], serde_json::json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]}));
        assert_eq!(json["S"], serde_json::json!({"Fn::Sub": "${A}-x"}));
        assert_eq!(json["L"], serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
        assert_eq!(json["N"], serde_json::json!("012"));
        assert_eq!(json["P"], serde_json::json!(80));
        let YValue::Map(entries) = &docs[0].value else { panic!() };
        // "é" is two bytes: the second key starts at byte 10, not character 9.
        assert_eq!(&text[entries[1].0.range.clone()], "V");
        assert_eq!(&text[entries[1].1.range.clone()], "!GetAtt Vpc.CidrBlock");
    }

    #[test]
    fn quoted_scalars_continued_at_the_key_indentation_parse_as_cloudformation_reads_them() {
        let text = "A:\n  B: !Sub \"one\n  two\"\n  C: x\n";
        let docs = parse(text).unwrap();
        let json = docs[0].to_json();
        assert_eq!(json["A"]["B"], serde_json::json!({"Fn::Sub": "one two"}));
        let YValue::Map(outer) = &docs[0].value else { panic!() };
        let YValue::Map(inner) = &outer[0].1.value else { panic!() };
        assert_eq!(&text[inner[1].0.range.clone()], "C");
    }

    #[test]
    fn many_shallow_quoted_scalars_take_a_bounded_number_of_parses() {
        let mut text = String::from("Resources:\n");
        for i in 0..1000 {
            text.push_str(&format!(
                "  R{i}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: '10.0.0.0/16'\n      Script: |\n        echo 'it's\n      Tags:\n        - Key: Note\n          Value: 'first line\n        second {i}'\n"
            ));
        }
        let mut parses = 0;
        let docs = parse_counting(&text, &mut parses).expect("read as CloudFormation reads it");
        assert!(parses <= 3, "{parses} parses");
        let json = docs[0].to_json();
        assert_eq!(json["Resources"]["R999"]["Properties"]["Tags"][0]["Value"], "first line second 999");
        assert_eq!(json["Resources"]["R7"]["Properties"]["Script"], "echo 'it's\n");
        // Ranges point into the original text.
        let YValue::Map(top) = &docs[0].value else { panic!() };
        let YValue::Map(resources) = &top[0].1.value else { panic!() };
        assert_eq!(&text[resources[999].0.range.clone()], "R999");
    }

    #[test]
    fn a_wrong_guess_falls_back_to_the_parser_s_complaints() {
        // A quote inside a plain scalar's continuation looks like an opening to the one-pass
        // guess, which then indents `C:` into it; the check against the parse catches that.
        let text = "A:\n  B: !Sub \"one\n  two\"\n  P: plain\n    'x\n  C: y\n";
        let docs = parse(text).expect("read as CloudFormation reads it");
        let json = docs[0].to_json();
        assert_eq!(json["A"]["C"], "y", "{json}");
        assert_eq!(json["A"]["P"], "plain 'x", "{json}");
        assert_eq!(json["A"]["B"], serde_json::json!({"Fn::Sub": "one two"}));
    }

    #[test]
    fn reports_errors_with_byte_offsets() {
        let err = parse("a: é\nb: [1, 2\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.offset > 4);
    }
}
