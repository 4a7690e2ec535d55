//! String functions.

use super::{check_elements, check_string_len, integer_arg, list_arg, string_arg, unknown_result};
use crate::ingest::terraform::hcl::value::{Evaluated, Value};

fn string_result(args: &[Value], operation: impl FnOnce(&str) -> String) -> Evaluated {
    let [value] = args else { return Err("expects 1 argument".to_string()) };
    Ok(Value::String(operation(&string_arg(value)?)))
}

fn two_strings(args: &[Value], operation: impl FnOnce(&str, &str) -> String) -> Evaluated {
    let [first, second] = args else { return Err("expects 2 arguments".to_string()) };
    Ok(Value::String(operation(&string_arg(first)?, &string_arg(second)?)))
}

/// Go maps case one character at a time and keeps a character whose mapping would take
/// several (`ß` stays `ß` in `upper`).
fn map_case<I: ExactSizeIterator<Item = char>>(text: &str, mapping: fn(char) -> I) -> String {
    text.chars()
        .map(|c| {
            let mut mapped = mapping(c);
            match (mapped.len(), mapped.next()) {
                (1, Some(single)) => single,
                _ => c,
            }
        })
        .collect()
}

pub(super) fn lower(args: &[Value]) -> Evaluated {
    string_result(args, |text| map_case(text, char::to_lowercase))
}

pub(super) fn upper(args: &[Value]) -> Evaluated {
    string_result(args, |text| map_case(text, char::to_uppercase))
}

/// `title`: Go's `strings.Title`, which capitalises every letter that follows a separator.
pub(super) fn title(args: &[Value]) -> Evaluated {
    fn is_separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        // Beyond ASCII, letters and digits are not separators and only spaces are.
        c.is_whitespace()
    }
    string_result(args, |text| {
        let mut previous = ' ';
        let mut titled = String::with_capacity(text.len());
        for c in text.chars() {
            if is_separator(previous) {
                titled.push_str(&map_case(&c.to_string(), char::to_uppercase));
            } else {
                titled.push(c);
            }
            previous = c;
        }
        titled
    })
}

pub(super) fn trimspace(args: &[Value]) -> Evaluated {
    string_result(args, |text| text.trim().to_string())
}

/// `trim(str, cutset)`: removes every leading and trailing character found in `cutset`.
pub(super) fn trim(args: &[Value]) -> Evaluated {
    two_strings(args, |text, cutset| text.trim_matches(|c| cutset.contains(c)).to_string())
}

pub(super) fn trimprefix(args: &[Value]) -> Evaluated {
    two_strings(args, |text, prefix| text.strip_prefix(prefix).unwrap_or(text).to_string())
}

pub(super) fn trimsuffix(args: &[Value]) -> Evaluated {
    two_strings(args, |text, suffix| text.strip_suffix(suffix).unwrap_or(text).to_string())
}

/// `substr(str, offset, length)`: a negative offset counts from the end; a negative length takes
/// the rest of the string.
pub(super) fn substr(args: &[Value]) -> Evaluated {
    let [text, offset, length] = args else { return Err("substr expects 3 arguments".to_string()) };
    let text = string_arg(text)?;
    let mut offset = integer_arg(offset)?;
    let length = integer_arg(length)?;
    let total = text.chars().count() as i64;
    if offset < 0 {
        offset = (offset + total).max(0);
    } else if length == 0 || offset >= total {
        return Ok(Value::String(String::new()));
    }
    let rest = text.chars().skip(usize::try_from(offset).unwrap_or(0));
    let taken: String = match usize::try_from(length) {
        Ok(length) => rest.take(length).collect(),
        Err(_) => rest.collect(),
    };
    Ok(Value::String(taken))
}

/// `split(separator, str)`, like Go's `strings.Split`: an empty separator splits into
/// characters.
pub(super) fn split(args: &[Value]) -> Evaluated {
    let [separator, text] = args else { return Err("split expects 2 arguments".to_string()) };
    let separator = string_arg(separator)?;
    let text = string_arg(text)?;
    let parts: Vec<Value> = if separator.is_empty() {
        check_elements(text.chars().count())?;
        text.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        check_elements(text.matches(separator.as_str()).count() + 1)?;
        text.split(separator.as_str()).map(|part| Value::String(part.to_string())).collect()
    };
    Ok(Value::List(parts))
}

/// `replace(str, substr, replacement)` for a plain substring; `None` for the `/regex/` form.
pub(super) fn replace(args: &[Value]) -> Option<Evaluated> {
    let [text, search, replacement] = args else { return Some(Err("replace expects 3 arguments".to_string())) };
    let strings = string_arg(text).and_then(|t| Ok((t, string_arg(search)?, string_arg(replacement)?)));
    let (text, search, replacement) = match strings {
        Ok(strings) => strings,
        Err(message) => return Some(Err(message)),
    };
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        return None;
    }
    // An empty search string matches between every character and at both ends.
    let matches = if search.is_empty() { text.chars().count() + 1 } else { text.matches(search.as_str()).count() };
    let longest = text.len().saturating_add(matches.saturating_mul(replacement.len()));
    if let Err(message) = check_string_len(longest) {
        return Some(Err(message));
    }
    Some(Ok(Value::String(text.replace(search.as_str(), &replacement))))
}

/// `join(separator, lists...)`: needs every element known.
pub(super) fn join(args: &[Value]) -> Evaluated {
    let Some((separator, lists)) = args.split_first() else { return Err("join expects a separator".to_string()) };
    let separator = string_arg(separator)?;
    let mut parts = Vec::new();
    for (list_position, list) in lists.iter().enumerate() {
        let items = list_arg(list)?;
        if items.iter().any(Value::has_unknown) {
            return unknown_result(args);
        }
        for (position, item) in items.iter().enumerate() {
            if matches!(item, Value::Null) {
                let which = if lists.len() > 1 { format!(" of list {}", list_position + 1) } else { String::new() };
                return Err(format!("element {position}{which} is null; cannot concatenate null values"));
            }
            parts.push(string_arg(item)?);
        }
    }
    let joined_len = parts.iter().map(String::len).sum::<usize>() + separator.len() * parts.len().saturating_sub(1);
    check_string_len(joined_len)?;
    Ok(Value::String(parts.join(&separator)))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, id_of, n, numbers, ok, s, strings, symbols};
    use super::*;

    #[test]
    fn join_split_replace() {
        assert_eq!(ok("join", vec![s(", "), strings(&["foo", "bar", "baz"])]), s("foo, bar, baz"));
        assert_eq!(ok("join", vec![s(", "), strings(&["foo"]), numbers(&[1.0])]), s("foo, 1"));
        assert_eq!(ok("join", vec![s(","), Value::List(vec![s("a"), id_of("b")])]), symbols(&["b"]));
        assert!(err("join", vec![s(","), Value::List(vec![Value::Null])]).contains("element 0 is null"));
        assert_eq!(ok("split", vec![s(","), s("foo,bar,baz")]), strings(&["foo", "bar", "baz"]));
        assert_eq!(ok("split", vec![s(","), s("foo")]), strings(&["foo"]));
        assert_eq!(ok("split", vec![s(","), s("")]), strings(&[""]));
        assert_eq!(ok("split", vec![s(""), s("ab")]), strings(&["a", "b"]));
        assert_eq!(ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), s("1 - 2 - 3"));
        assert_eq!(ok("replace", vec![s("ab"), s(""), s("-")]), s("-a-b-"));
        assert_eq!(super::super::call("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]), None);
        assert_eq!(ok("replace", vec![s("a/b"), s("/"), s("-")]), s("a-b"));
    }

    #[test]
    fn case_and_trimming() {
        assert_eq!(ok("lower", vec![s("HELLO")]), s("hello"));
        assert_eq!(ok("upper", vec![s("hello")]), s("HELLO"));
        assert_eq!(ok("upper", vec![s("straße")]), s("STRAßE"));
        assert_eq!(ok("lower", vec![s("АЛЛО!")]), s("алло!"));
        assert_eq!(ok("title", vec![s("hello world")]), s("Hello World"));
        assert_eq!(ok("title", vec![s("hello-world_foo.bar")]), s("Hello-World_foo.Bar"));
        assert_eq!(ok("trimspace", vec![s("  hello\n\n")]), s("hello"));
        assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trim", vec![s("foobar"), s("far")]), s("oob"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("cat")]), s("helloworld"));
        assert_eq!(ok("trimsuffix", vec![s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("upper", vec![id_of("name")]), symbols(&["name"]));
    }

    #[test]
    fn substr_offsets() {
        assert_eq!(ok("substr", vec![s("hello world"), n(1.0), n(4.0)]), s("ello"));
        assert_eq!(ok("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), s("🤔"));
        assert_eq!(ok("substr", vec![s("hello world"), n(-5.0), n(3.0)]), s("wor"));
        assert_eq!(ok("substr", vec![s("hello world"), n(6.0), n(10.0)]), s("world"));
        assert_eq!(ok("substr", vec![s("hello world"), n(6.0), n(-1.0)]), s("world"));
        assert_eq!(ok("substr", vec![s("hello"), n(9.0), n(2.0)]), s(""));
        assert_eq!(ok("substr", vec![s("hello"), n(1.0), n(0.0)]), s(""));
        assert_eq!(ok("substr", vec![s("hello"), n(-9.0), n(2.0)]), s("he"));
    }
}
