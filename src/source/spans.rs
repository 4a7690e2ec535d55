//! Outlines of a document's structure: byte ranges by JSON pointer, for placing diagnostics.

use std::ops::Range;

/// A container of a large file, as far as locating values needs it.
#[derive(Debug)]
pub(super) enum Container {
    Split(Children),
    Outline(SpanTree),
}

/// Members of a container and their ranges: for objects, the key (with quotes) and the value; for
/// arrays, each element. Read from borrowed slices, the ranges are first memory addresses.
#[derive(Debug)]
pub(super) enum Children {
    Object(Vec<(String, Range<usize>, Range<usize>)>),
    Array(Vec<Range<usize>>),
}

impl<'de> serde::Deserialize<'de> for Children {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        use serde_json::value::RawValue;
        struct ChildrenVisitor;
        /// A key, borrowed from the text when it has no escapes (so its position is known).
        struct Key<'a>(std::borrow::Cow<'a, str>);
        impl<'de> serde::Deserialize<'de> for Key<'de> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct KeyVisitor;
                impl<'de> Visitor<'de> for KeyVisitor {
                    type Value = Key<'de>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a key")
                    }
                    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                        Ok(Key(v.into()))
                    }
                    fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
                        Ok(Key(v.to_string().into()))
                    }
                }
                deserializer.deserialize_str(KeyVisitor)
            }
        }
        impl<'de> Visitor<'de> for ChildrenVisitor {
            type Value = Children;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object or an array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Children, A::Error> {
                let mut members = Vec::new();
                while let Some(Key(key)) = map.next_key()? {
                    let value: &RawValue = map.next_value()?;
                    let v = value.get();
                    let v_start = v.as_ptr() as usize;
                    let key_range = match &key {
                        std::borrow::Cow::Borrowed(k) => k.as_ptr() as usize - 1..k.as_ptr() as usize + k.len() + 1,
                        // An escaped key: its place is not known, so the value's start stands in.
                        std::borrow::Cow::Owned(_) => v_start..v_start,
                    };
                    members.push((key.into_owned(), key_range, v_start..v_start + v.len()));
                }
                Ok(Children::Object(members))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Children, A::Error> {
                let mut elements = Vec::new();
                while let Some(value) = seq.next_element::<&RawValue>()? {
                    let v = value.get();
                    elements.push(v.as_ptr() as usize..v.as_ptr() as usize + v.len());
                }
                Ok(Children::Array(elements))
            }
        }
        deserializer.deserialize_any(ChildrenVisitor)
    }
}

/// An owned outline of a JSON document: just the ranges, for pointer lookups.
#[derive(Debug)]
pub(super) enum SpanTree {
    Object { range: Range<usize>, members: Vec<(String, Range<usize>, SpanTree)> },
    Array { range: Range<usize>, elements: Vec<SpanTree> },
    Scalar { range: Range<usize> },
}

impl SpanTree {
    pub(super) fn parse(text: &str) -> Option<SpanTree> {
        let options = jsonc_parser::ParseOptions::default();
        let parsed = jsonc_parser::parse_to_ast(text, &jsonc_parser::CollectOptions::default(), &options).ok()?;
        parsed.value.as_ref().map(SpanTree::from_ast)
    }

    pub(super) fn parse_yaml(text: &str) -> Option<SpanTree> {
        let docs = crate::source::yaml::parse(text).ok()?;
        docs.first().map(SpanTree::from_yaml)
    }

    /// A member's range is `key: value` for scalars, and the key alone for containers (whose
    /// values start on the next line in block style).
    pub(super) fn from_yaml(node: &crate::source::yaml::YNode) -> SpanTree {
        use crate::source::yaml::YValue;
        let range = node.range.clone();
        match &node.value {
            YValue::Map(entries) => SpanTree::Object {
                range,
                members: entries
                    .iter()
                    .map(|(k, v)| {
                        let end = match v.value {
                            YValue::Scalar { .. } => v.range.end,
                            _ => k.range.end,
                        };
                        (k.key_text(), k.range.start..end.max(k.range.end), SpanTree::from_yaml(v))
                    })
                    .collect(),
            },
            YValue::Seq(items) => SpanTree::Array { range, elements: items.iter().map(SpanTree::from_yaml).collect() },
            YValue::Scalar { .. } => SpanTree::Scalar { range },
        }
    }

    pub(super) fn from_ast(value: &jsonc_parser::ast::Value<'_>) -> SpanTree {
        use jsonc_parser::ast::Value;
        use jsonc_parser::common::Ranged;
        let r = value.range();
        let range = r.start..r.end;
        match value {
            Value::Object(obj) => SpanTree::Object {
                range,
                members: obj
                    .properties
                    .iter()
                    .map(|p| {
                        let pr = p.range();
                        (p.name.as_str().to_string(), pr.start..pr.end, SpanTree::from_ast(&p.value))
                    })
                    .collect(),
            },
            Value::Array(arr) => {
                SpanTree::Array { range, elements: arr.elements.iter().map(SpanTree::from_ast).collect() }
            }
            _ => SpanTree::Scalar { range },
        }
    }

    pub(super) fn range(&self) -> Range<usize> {
        match self {
            SpanTree::Object { range, .. } | SpanTree::Array { range, .. } | SpanTree::Scalar { range } => {
                range.clone()
            }
        }
    }

    pub(super) fn resolve(&self, pointer: &str) -> Option<Range<usize>> {
        if pointer.is_empty() {
            let r = self.range();
            return Some(r.start..(r.start + 1).min(r.end));
        }
        let mut node = self;
        // Range of the member (key: value) that led to `node`, if it was reached through a key.
        let mut member: Option<Range<usize>> = None;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            match node {
                SpanTree::Object { members, .. } => {
                    let (_, mrange, child) = members.iter().find(|(k, _, _)| *k == seg)?;
                    member = Some(mrange.clone());
                    node = child;
                }
                SpanTree::Array { elements, .. } => {
                    node = elements.get(seg.parse::<usize>().ok()?)?;
                    member = None;
                }
                SpanTree::Scalar { .. } => return None,
            }
        }
        Some(match (node, member) {
            (SpanTree::Scalar { .. }, Some(m)) => m,
            (SpanTree::Scalar { range }, None) => range.clone(),
            // A container: underline its key, or its opening bracket.
            (_, Some(m)) => {
                let value_start = node.range().start;
                m.start..value_start.max(m.start + 1).min(m.end)
            }
            (_, None) => {
                let r = node.range();
                r.start..r.start + 1
            }
        })
    }
}
