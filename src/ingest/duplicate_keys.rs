//! JSON objects that name a key twice: a JSON parser keeps one of the values and drops the other
//! without a word (`{"Vpcs": [A], "Vpcs": [B]}` would load only B), so such a file is an input
//! error that names the key and points at its second occurrence.

use serde_json_borrow::Value;

/// A key written twice in one object: the object's JSON pointer and the key.
pub struct DuplicateKey {
    pub object: String,
    pub key: String,
}

/// The first object (depth first, in file order) that names a key twice.
pub fn find(root: &Value<'_>) -> Option<DuplicateKey> {
    // Most files have none: look without building pointers, and only then find where it is.
    if !has_duplicate(root) {
        return None;
    }
    // An explicit stack: nesting depth is the input's to choose.
    let mut stack: Vec<(&Value<'_>, String)> = vec![(root, String::new())];
    while let Some((value, pointer)) = stack.pop() {
        match value {
            Value::Object(o) => {
                if let Some(key) = first_repeated(o) {
                    return Some(DuplicateKey { object: pointer, key: key.to_string() });
                }
                let children: Vec<_> = o.iter().map(|(k, v)| (v, format!("{pointer}/{}", escape(k)))).collect();
                stack.extend(children.into_iter().rev());
            }
            Value::Array(a) => {
                stack.extend(a.iter().enumerate().rev().map(|(i, v)| (v, format!("{pointer}/{i}"))));
            }
            _ => {}
        }
    }
    None
}

fn has_duplicate(root: &Value<'_>) -> bool {
    let mut stack: Vec<&Value<'_>> = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(o) => {
                if first_repeated(o).is_some() {
                    return true;
                }
                stack.extend(o.iter().map(|(_, v)| v));
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    false
}

fn first_repeated<'k>(o: &'k serde_json_borrow::ObjectAsVec<'_>) -> Option<&'k str> {
    if o.len() < 16 {
        // Small objects (nearly all): compare in place, without allocating.
        return o.iter().enumerate().find(|(i, (k, _))| o.iter().take(*i).any(|(p, _)| p == *k)).map(|(_, (k, _))| k);
    }
    let mut seen = rustc_hash::FxHashSet::default();
    o.iter().map(|(k, _)| k).find(|k| !seen.insert(*k))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The byte offset of the second `"key":` directly inside the object that starts at `start`.
pub fn second_occurrence(text: &str, start: usize, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i, mut seen) = (0usize, start, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let from = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let token = text.get(from + 1..i.min(bytes.len()))?;
                let after = text.get(i + 1..)?.trim_start();
                if depth == 1 && after.starts_with(':') && unescaped_equals(token, key) {
                    seen += 1;
                    if seen == 2 {
                        return Some(from);
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn unescaped_equals(token: &str, key: &str) -> bool {
    if !token.contains('\\') {
        return token == key;
    }
    serde_json::from_str::<String>(&format!("\"{token}\"")).is_ok_and(|s| s == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_repeated_key_and_its_second_place() {
        let text = r#"{"Vpcs": [{"VpcId": "a"}], "Other": {"Vpcs": 1}, "Vpcs": [{"VpcId": "b"}]}"#;
        let root: Value<'_> = serde_json::from_str(text).unwrap();
        let dup = find(&root).expect("duplicate");
        assert_eq!((dup.object.as_str(), dup.key.as_str()), ("", "Vpcs"));
        assert_eq!(second_occurrence(text, 0, "Vpcs"), text.rfind("\"Vpcs\""));
    }

    #[test]
    fn nested_duplicates_are_found_with_their_pointer() {
        let text = r#"{"Vpcs": [{"VpcId": "a", "Tags": [], "VpcId": "b"}]}"#;
        let root: Value<'_> = serde_json::from_str(text).unwrap();
        let dup = find(&root).expect("duplicate");
        assert_eq!((dup.object.as_str(), dup.key.as_str()), ("/Vpcs/0", "VpcId"));
        let start = text.find("{\"VpcId").unwrap();
        assert_eq!(second_occurrence(text, start, "VpcId"), text.rfind("\"VpcId\""));
    }

    #[test]
    fn distinct_keys_are_fine() {
        let root: Value<'_> = serde_json::from_str(r#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#).unwrap();
        assert!(find(&root).is_none());
    }
}
