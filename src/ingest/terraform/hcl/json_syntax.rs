//! Terraform's JSON configuration syntax (`.tf.json`): the same blocks as `.tf`, written as JSON
//! objects, with expressions as `${…}` templates inside strings. It is transliterated to native
//! syntax and parsed like a `.tf` file; diagnostics point into the JSON by pointer (the blocks'
//! pointers, `/resource/TYPE/NAME/…`, are the JSON's own).

use serde_json::Value;
use std::fmt::Write as _;

/// The native-syntax text of a `.tf.json` document, or `None` when it is not an object.
pub fn to_native(root: &Value) -> Option<String> {
    let root = root.as_object()?;
    let mut out = String::new();
    for (kind, content) in root {
        match kind.as_str() {
            "resource" | "data" => {
                for (rtype, named) in content.as_object().into_iter().flatten() {
                    for (name, body) in named.as_object().into_iter().flatten() {
                        block(&mut out, &format!("{kind} {} {}", quoted(rtype), quoted(name)), body);
                    }
                }
            }
            "variable" | "output" | "module" => {
                for (name, body) in content.as_object().into_iter().flatten() {
                    block(&mut out, &format!("{kind} {}", quoted(name)), body);
                }
            }
            "locals" => block(&mut out, "locals", content),
            _ => {}
        }
    }
    Some(out)
}

/// `header { key = value … }`; a body written as a list of objects is one block each.
fn block(out: &mut String, header: &str, body: &Value) {
    let bodies: Vec<&Value> = match body {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for body in bodies {
        let _ = writeln!(out, "{header} {{");
        for (key, value) in body.as_object().into_iter().flatten() {
            let _ = writeln!(out, "  {} = {}", attribute_name(key), expression(value));
        }
        out.push_str("}\n");
    }
}

/// A key as an attribute name (JSON allows any string; HCL identifiers are letters, digits, `_`, `-`).
fn attribute_name(key: &str) -> String {
    let ok = key.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if ok { key.to_string() } else { format!("_{}", key.chars().filter(|c| c.is_alphanumeric()).collect::<String>()) }
}

fn expression(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => template(s),
        Value::Array(items) => format!("[{}]", items.iter().map(expression).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let members: Vec<String> = map.iter().map(|(k, v)| format!("{} = {}", quoted(k), expression(v))).collect();
            format!("{{ {} }}", members.join(", "))
        }
    }
}

/// A JSON string as a native template: literal text escaped, `${…}` and `%{…}` kept as written.
fn template(s: &str) -> String {
    let mut out = String::from("\"");
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '$' || c == '%') && chars.get(i + 1) == Some(&'{') {
            let end = interpolation_end(&chars, i + 2);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
        i += 1;
    }
    out.push('"');
    out
}

/// Where the interpolation opened before `start` closes (after its `}`), skipping nested braces
/// and quoted strings; the end of the text when it does not close.
fn interpolation_end(chars: &[char], start: usize) -> usize {
    let mut depth = 1;
    let mut i = start;
    let mut in_string = false;
    while i < chars.len() {
        match (in_string, chars[i]) {
            (true, '\\') => i += 1,
            (true, '"') => in_string = false,
            (false, '"') => in_string = true,
            (false, '{') => depth += 1,
            (false, '}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_templates_are_transliterated() {
        let json = serde_json::json!({
            "resource": {"aws_subnet": {"a": {
                "vpc_id": "${aws_vpc.main.id}",
                "cidr_block": "${cidrsubnet(var.cidr, 8, 1)}",
                "tags": {"Name": "say \"hi\" to ${lookup(var.names, \"a\")}"}
            }}},
            "locals": {"zones": ["us-east-1a", "us-east-1b"]}
        });
        let text = to_native(&json).expect("an object");
        assert!(text.contains("resource \"aws_subnet\" \"a\" {"), "{text}");
        assert!(text.contains("vpc_id = \"${aws_vpc.main.id}\""), "{text}");
        assert!(text.contains(r#""Name" = "say \"hi\" to ${lookup(var.names, "a")}""#), "{text}");
        assert!(hcl_edit::parser::parse_body(&text).is_ok(), "{text}");
    }
}
