//! `format` and `formatlist` (cty's printf-like verbs, printed as Go prints them) and
//! `jsonencode`.

use super::{
    MAX_EXACT_INTEGER, MAX_STRING_BYTES, check_elements, check_string_len, parse_number, string_arg, unknown_result,
};
use crate::ingest::terraform::hcl::value::{Evaluated, Value, number_text};

/// `jsonencode(value)`: needs every part known. Strings are escaped as Go's encoder does (`<`,
/// `>`, `&`, U+2028 and U+2029 as `\u` escapes), objects have their keys in order.
pub(super) fn jsonencode(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("jsonencode expects 1 argument".to_string()) };
    if value.has_unknown() {
        return unknown_result(args);
    }
    let mut json = String::new();
    write_json(value, &mut json)?;
    Ok(Value::String(json))
}

fn write_json(value: &Value, out: &mut String) -> Result<(), String> {
    check_string_len(out.len())?;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&number_text(*n)),
        Value::Number(_) => return Err("cannot encode an infinite number as JSON".to_string()),
        Value::String(text) => write_json_string(text, out),
        Value::List(items) => {
            out.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (position, (key, item)) in entries.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) => return Err("value is not yet known".to_string()),
    }
    Ok(())
}

fn write_json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `format(spec, values...)`: unknown unless every value is wholly known (a collection can
/// only be printed as JSON). `None` for verb features vpclint does not reproduce (`*` widths,
/// `%g` with a precision, integers beyond exact `f64`).
pub(super) fn format(args: &[Value]) -> Option<Evaluated> {
    let Some((spec, values)) = args.split_first() else {
        return Some(Err("format expects a format string".to_string()));
    };
    let spec = match string_arg(spec) {
        Ok(spec) => spec,
        Err(message) => return Some(Err(message)),
    };
    if values.iter().any(Value::has_unknown) {
        return Some(unknown_result(args));
    }
    Some(render(&spec, values)?.map(Value::String))
}

/// `formatlist(spec, values...)`: list arguments are iterated together (they must have the same
/// length), other arguments repeat. An iteration with an unknown value gives an unknown element.
pub(super) fn formatlist(args: &[Value]) -> Option<Evaluated> {
    let Some((spec, values)) = args.split_first() else {
        return Some(Err("formatlist expects a format string".to_string()));
    };
    let spec = match string_arg(spec) {
        Ok(spec) => spec,
        Err(message) => return Some(Err(message)),
    };
    if values.is_empty() {
        return Some(render(&spec, values)?.map(|text| Value::List(vec![Value::String(text)])));
    }
    let iterations = match iteration_count(values) {
        Ok(iterations) => iterations,
        Err(message) => return Some(Err(message)),
    };
    let mut results = Vec::with_capacity(iterations);
    let mut total_len = 0usize;
    for iteration in 0..iterations {
        let row: Vec<Value> = values
            .iter()
            .map(|value| match value {
                Value::List(items) => items.get(iteration).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect();
        if row.iter().any(Value::has_unknown) {
            results.push(Value::unknown_from(&row));
            continue;
        }
        match render(&spec, &row)? {
            Ok(text) => {
                total_len += text.len();
                if let Err(message) = check_string_len(total_len) {
                    return Some(Err(message));
                }
                results.push(Value::String(text));
            }
            Err(message) => return Some(Err(format!("error on format iteration {iteration}: {message}"))),
        }
    }
    Some(Ok(Value::List(results)))
}

/// The common length of the list arguments (1 when there are none).
fn iteration_count(values: &[Value]) -> Result<usize, String> {
    let mut first: Option<(usize, usize)> = None;
    for (position, value) in values.iter().enumerate() {
        let Value::List(items) = value else { continue };
        match first {
            None => first = Some((position, items.len())),
            Some((first_position, expected)) if expected != items.len() => {
                return Err(format!(
                    "argument {} has length {}, which is inconsistent with argument {} of length {expected}",
                    position + 1,
                    items.len(),
                    first_position + 1
                ));
            }
            Some(_) => {}
        }
    }
    let iterations = first.map_or(1, |(_, length)| length);
    check_elements(iterations)?;
    Ok(iterations)
}

/// One `%` sequence of a format string: `%[flags][[argument]][width][.precision]verb`.
#[derive(Default)]
struct Verb {
    sharp: bool,
    zero: bool,
    minus: bool,
    plus: bool,
    space: bool,
    /// 1-based.
    argument: usize,
    width: Option<usize>,
    precision: Option<usize>,
    mode: char,
    raw: String,
    offset: usize,
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn render(spec: &str, values: &[Value]) -> Option<Result<String, String>> {
    let mut out = String::new();
    let mut next_argument = 1;
    let mut highest_used = 0;
    let mut chars = spec.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.next_if(|&(_, c)| c == '%').is_some() {
            out.push('%');
            continue;
        }
        let verb = match parse_verb(spec, offset, &mut chars, next_argument)? {
            Ok(verb) => verb,
            Err(message) => return Some(Err(message)),
        };
        let Some(value) = verb.argument.checked_sub(1).and_then(|position| values.get(position)) else {
            return Some(Err(format!(
                "not enough arguments for {:?} at {}: need index {} but have {} total",
                verb.raw,
                verb.offset,
                verb.argument,
                values.len()
            )));
        };
        if let Err(message) = append_verb(&verb, value, &mut out)?.and_then(|()| check_string_len(out.len())) {
            return Some(Err(message));
        }
        highest_used = highest_used.max(verb.argument);
        next_argument = verb.argument + 1;
    }
    if highest_used < values.len() {
        return Some(Err(if highest_used == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest_used} used by format string")
        }));
    }
    Some(Ok(out))
}

/// Reads the sequence after the `%` at `offset`; `None` for a `*` width or precision.
fn parse_verb(spec: &str, offset: usize, chars: &mut Chars<'_>, next_argument: usize) -> Option<Result<Verb, String>> {
    let mut verb = Verb { argument: next_argument, offset, ..Verb::default() };
    while let Some((_, flag)) = chars.next_if(|&(_, c)| matches!(c, '0' | '#' | '-' | '+' | ' ')) {
        match flag {
            '0' => verb.zero = true,
            '#' => verb.sharp = true,
            '-' => verb.minus = true,
            '+' => verb.plus = true,
            _ => verb.space = true,
        }
    }
    if chars.next_if(|&(_, c)| c == '[').is_some() {
        match read_count(chars, false) {
            Some(argument) if chars.next_if(|&(_, c)| c == ']').is_some() => verb.argument = argument,
            _ => return Some(Err(unrecognized(spec, chars))),
        }
    }
    if chars.next_if(|&(_, c)| c == '*').is_some() {
        return None;
    }
    verb.width = read_count(chars, false);
    if chars.next_if(|&(_, c)| c == '.').is_some() {
        if chars.next_if(|&(_, c)| c == '*').is_some() {
            return None;
        }
        verb.precision = Some(read_count(chars, true).unwrap_or(0));
    }
    match chars.next() {
        Some((end, mode)) if mode.is_ascii_alphabetic() => {
            verb.mode = mode;
            verb.raw = spec.get(offset..end + 1).unwrap_or_default().to_string();
            let too_wide = verb.width.max(verb.precision).is_some_and(|size| size > MAX_STRING_BYTES);
            Some(if too_wide {
                Err(format!("result too large: {:?} asks for too many characters", verb.raw))
            } else {
                Ok(verb)
            })
        }
        Some((position, c)) => Some(Err(format!("unrecognized format character {c:?} at offset {position}"))),
        None => Some(Err(format!("invalid format string starting at offset {}", spec.len()))),
    }
}

/// A decimal count; without `leading_zero`, it must start with 1–9 (a `0` there is a flag).
fn read_count(chars: &mut Chars<'_>, leading_zero: bool) -> Option<usize> {
    let first = chars.next_if(|&(_, c)| if leading_zero { c.is_ascii_digit() } else { matches!(c, '1'..='9') })?;
    let mut count = first.1.to_digit(10).map_or(0, |d| d as usize);
    while let Some((_, digit)) = chars.next_if(|&(_, c)| c.is_ascii_digit()) {
        count = count.saturating_mul(10).saturating_add(digit.to_digit(10).map_or(0, |d| d as usize));
    }
    Some(count)
}

fn unrecognized(spec: &str, chars: &mut Chars<'_>) -> String {
    match chars.next() {
        Some((position, c)) => format!("unrecognized format character {c:?} at offset {position}"),
        None => format!("invalid format string starting at offset {}", spec.len()),
    }
}

fn unsupported(verb: &Verb, reason: &str) -> String {
    format!("unsupported value for {:?} at {}: {reason}", verb.raw, verb.offset)
}

fn append_verb(verb: &Verb, value: &Value, out: &mut String) -> Option<Result<(), String>> {
    if verb.mode != 'v' && matches!(value, Value::Null) {
        return Some(Err(unsupported(verb, "null value cannot be formatted")));
    }
    let text = match verb.mode {
        'v' => as_is(verb, value).map(|text| pad_text(verb, text)),
        't' => match value.as_bool() {
            Some(b) => Ok(b.to_string()),
            None => Err(unsupported(verb, "bool required")),
        },
        'b' | 'd' | 'o' | 'x' | 'X' => match verb_number(verb, value) {
            Ok(n) => format_integer(verb, n)?,
            Err(message) => Err(message),
        },
        'e' | 'E' | 'f' | 'g' | 'G' => match verb_number(verb, value) {
            Ok(n) => Ok(format_float(verb, n)?),
            Err(message) => Err(message),
        },
        's' | 'q' => verb_string(verb, value),
        other => Err(format!("unsupported format verb {other:?} in {:?} at offset {}", verb.raw, verb.offset)),
    };
    Some(text.map(|text| out.push_str(&text)))
}

/// `%v`: strings as they are, numbers as Go's `%g` prints them, anything else as JSON (`%#v`
/// always JSON).
fn as_is(verb: &Verb, value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) if !verb.sharp => Ok(text.clone()),
        Value::Number(n) if !verb.sharp && n.is_finite() => Ok(shortest_g(*n)),
        other => {
            let mut json = String::new();
            write_json(other, &mut json).map_err(|message| unsupported(verb, &message))?;
            Ok(json)
        }
    }
}

fn verb_number(verb: &Verb, value: &Value) -> Result<f64, String> {
    match value {
        Value::Number(n) if n.is_finite() => Ok(*n),
        Value::String(text) => parse_number(text).ok_or_else(|| unsupported(verb, "a number is required")),
        _ => Err(unsupported(verb, "number required")),
    }
}

fn verb_string(verb: &Verb, value: &Value) -> Result<String, String> {
    let text = value.to_text().ok_or_else(|| unsupported(verb, "string required"))?;
    let text = match verb.precision {
        Some(precision) if precision > 0 => text.chars().take(precision).collect(),
        _ => text,
    };
    if verb.mode == 'q' {
        let mut quoted = String::new();
        write_json_string(&text, &mut quoted);
        return Ok(pad_text(verb, quoted));
    }
    Ok(pad_text(verb, text))
}

/// cty's width padding for `%v`, `%s` and `%q`: in characters, with zeros under the `0` flag.
fn pad_text(verb: &Verb, text: String) -> String {
    let len = text.chars().count();
    let Some(padding) = verb.width.map(|width| width.saturating_sub(len)).filter(|&padding| padding > 0) else {
        return text;
    };
    let pad = if verb.zero { "0" } else { " " }.repeat(padding);
    if verb.minus { text + &pad } else { pad + &text }
}

/// A number as Go's shortest `%g` prints it (`big.Float.Text('g', -1)`): exponent form when the
/// exponent is below -4 or at least 6, so a million is `1e+06`.
fn shortest_g(n: f64) -> String {
    if n == 0.0 {
        return "0".to_string();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let scientific = format!("{:e}", n.abs());
    let Some((mantissa, exponent)) = scientific.split_once('e') else { return format!("{n}") };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        return format!("{sign}{}", n.abs());
    }
    format!("{sign}{mantissa}e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs())
}

/// `%b %d %o %x %X` as Go formats a big integer: sign, `#` prefix, precision as minimum digits,
/// width padded with spaces (or zeros under `0` without a precision). `None` beyond exact `f64`.
fn format_integer(verb: &Verb, n: f64) -> Option<Result<String, String>> {
    if n.fract() != 0.0 {
        return Some(Err(unsupported(verb, "an integer is required")));
    }
    if n.abs() > MAX_EXACT_INTEGER {
        return None;
    }
    let magnitude = n.abs() as u64;
    let (digits, prefix) = match verb.mode {
        'b' => (format!("{magnitude:b}"), "0b"),
        'o' => (format!("{magnitude:o}"), "0"),
        'x' => (format!("{magnitude:x}"), "0x"),
        'X' => (format!("{magnitude:X}"), "0X"),
        _ => (magnitude.to_string(), ""),
    };
    let prefix = if verb.sharp { prefix } else { "" };
    let sign = sign_of(verb, n < 0.0);
    if verb.precision == Some(0) && magnitude == 0 {
        return Some(Ok(String::new()));
    }
    let mut zeros = verb.precision.map_or(0, |precision| precision.saturating_sub(digits.len()));
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(padding) = verb.width.map(|width| width.saturating_sub(length)).filter(|&padding| padding > 0) {
        if verb.minus {
            right = padding;
        } else if verb.zero && verb.precision.is_none() {
            zeros = padding;
        } else {
            left = padding;
        }
    }
    Some(Ok(format!("{}{sign}{prefix}{}{digits}{}", " ".repeat(left), "0".repeat(zeros), " ".repeat(right))))
}

fn sign_of(verb: &Verb, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    }
}

/// `%e %E %f %g %G` as Go formats a big float (default precision 6). `None` for `%g` with a
/// precision, which counts significant digits.
fn format_float(verb: &Verb, n: f64) -> Option<String> {
    let precision = verb.precision.unwrap_or(6);
    let magnitude = n.abs();
    let body = match verb.mode {
        'f' => format!("{magnitude:.precision$}"),
        'e' | 'E' => {
            let scientific = format!("{magnitude:.precision$e}");
            let (mantissa, exponent) = scientific.split_once('e')?;
            let exponent: i32 = exponent.parse().ok()?;
            format!("{mantissa}e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs())
        }
        _ if verb.precision.is_some() => return None,
        _ => shortest_g(magnitude),
    };
    let body = if verb.mode.is_ascii_uppercase() { body.to_ascii_uppercase() } else { body };
    let sign = sign_of(verb, n < 0.0);
    let padding = verb.width.map_or(0, |width| width.saturating_sub(sign.len() + body.len()));
    // Go lets `-` override `0`.
    Some(if verb.zero && !verb.minus {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, id_of, n, object, ok, s, strings, symbols};
    use super::*;

    fn formatted(spec: &str, values: Vec<Value>) -> Value {
        let mut args = vec![s(spec)];
        args.extend(values);
        ok("format", args)
    }

    fn format_error(spec: &str, values: Vec<Value>) -> String {
        let mut args = vec![s(spec)];
        args.extend(values);
        err("format", args)
    }

    #[test]
    fn format_documentation_examples() {
        assert_eq!(formatted("Hello, %s!", vec![s("Ander")]), s("Hello, Ander!"));
        assert_eq!(formatted("There are %d lights", vec![n(4.0)]), s("There are 4 lights"));
        assert_eq!(formatted("%#v", vec![s("hello")]), s("\"hello\""));
        assert_eq!(formatted("%#v", vec![Value::Bool(true)]), s("true"));
        assert_eq!(formatted("%#v", vec![n(1.0)]), s("1"));
        assert_eq!(formatted("%#v", vec![object(&[("a", n(1.0))])]), s("{\"a\":1}"));
        assert_eq!(formatted("%#v", vec![Value::Null]), s("null"));
    }

    #[test]
    fn format_cty_test_cases() {
        assert_eq!(formatted("100%% successful", vec![]), s("100% successful"));
        assert_eq!(formatted("string %[2]v", vec![Value::Bool(true), s("hello")]), s("string hello"));
        assert_eq!(formatted("number %v", vec![n(2.0)]), s("number 2"));
        assert_eq!(formatted("tuple %v", vec![Value::List(vec![])]), s("tuple []"));
        assert_eq!(formatted("%%%v", vec![Value::Bool(false)]), s("%false"));
        assert_eq!(formatted("%v", vec![Value::Null]), s("null"));
        assert_eq!(
            formatted("Hello, %q... if that _is_ your real name!", vec![s("Ermintrude")]),
            s("Hello, \"Ermintrude\"... if that _is_ your real name!")
        );
        assert_eq!(formatted("This statement is %q", vec![Value::Bool(false)]), s("This statement is \"false\""));
        assert_eq!(formatted("%10s", vec![s("hello")]), s("     hello"));
        assert_eq!(formatted("%-10s", vec![s("hello")]), s("hello     "));
        assert_eq!(formatted("%.2s", vec![s("hello")]), s("he"));
        assert_eq!(formatted("%6.2q", vec![s("hello")]), s("  \"he\""));
        assert_eq!(formatted("%.5s", vec![s("日本語日本語")]), s("日本語日本"));
        assert_eq!(formatted("%q", vec![s("Hello\nWorld")]), s("\"Hello\\nWorld\""));
        assert_eq!(formatted("This statement is %t", vec![s("false")]), s("This statement is false"));
        assert_eq!(formatted("%+d green bottles", vec![n(10.0)]), s("+10 green bottles"));
        assert_eq!(formatted("% d", vec![n(10.0)]), s(" 10"));
        assert_eq!(formatted("%5d|%-5d|%05d", vec![n(10.0), n(10.0), n(-42.0)]), s("   10|10   |-0042"));
        assert_eq!(
            formatted("%b %o %x %X %#x", vec![n(5.0), n(9.0), n(254.0), n(254.0), n(254.0)]),
            s("101 11 fe FE 0xfe")
        );
        assert_eq!(formatted("%f things", vec![n(10.0)]), s("10.000000 things"));
        assert_eq!(formatted("%+f %.1f", vec![n(10.0), s("1.06")]), s("+10.000000 1.1"));
        assert_eq!(formatted("%e %E", vec![n(1000.0), n(1000.0)]), s("1.000000e+03 1.000000E+03"));
        assert_eq!(formatted("%g %G", vec![n(1000.0), s("0.00000000000000000000001")]), s("1000 1E-23"));
        assert_eq!(formatted("%d", vec![s("12")]), s("12"));
    }

    #[test]
    fn format_prints_numbers_like_go() {
        assert_eq!(formatted("%v", vec![n(123456.0)]), s("123456"));
        assert_eq!(formatted("%v", vec![n(1000000.0)]), s("1e+06"));
        assert_eq!(formatted("%v", vec![n(12345678.0)]), s("1.2345678e+07"));
        assert_eq!(formatted("%v %v", vec![n(0.0001), n(-0.00001)]), s("0.0001 -1e-05"));
        assert_eq!(formatted("%s", vec![n(1000000.0)]), s("1000000"));
    }

    #[test]
    fn format_errors() {
        assert_eq!(
            format_error("%s", vec![Value::Null]),
            "unsupported value for \"%s\" at 0: null value cannot be formatted"
        );
        assert_eq!(format_error("%d", vec![Value::Bool(true)]), "unsupported value for \"%d\" at 0: number required");
        assert_eq!(format_error("%d", vec![n(1.5)]), "unsupported value for \"%d\" at 0: an integer is required");
        assert_eq!(
            format_error("%s is not in the args list", vec![]),
            "not enough arguments for \"%s\" at 0: need index 1 but have 0 total"
        );
        assert_eq!(
            format_error("%[3]s", vec![Value::Bool(true), Value::Bool(true)]),
            "not enough arguments for \"%[3]s\" at 0: need index 3 but have 2 total"
        );
        assert_eq!(format_error("%[0]s", vec![Value::Bool(true)]), "unrecognized format character '0' at offset 2");
        assert_eq!(
            format_error("%v %v %v", vec![Value::Bool(true), Value::Bool(true)]),
            "not enough arguments for \"%v\" at 6: need index 3 but have 2 total"
        );
        assert_eq!(format_error("%z", vec![n(1.0)]), "unsupported format verb 'z' in \"%z\" at offset 0");
        assert_eq!(format_error("%012z", vec![n(1.0)]), "unsupported format verb 'z' in \"%012z\" at offset 0");
        assert_eq!(format_error("%☠", vec![n(1.0)]), "unrecognized format character '☠' at offset 1");
        assert_eq!(format_error("50%", vec![]), "invalid format string starting at offset 3");
        assert_eq!(
            format_error("no format verbs at all", vec![n(10.0)]),
            "too many arguments; no verbs in format string"
        );
        assert_eq!(
            format_error("only one verb %d", vec![n(10.0), n(11.0)]),
            "too many arguments; only 1 used by format string"
        );
        assert!(format_error("%s", vec![object(&[])]).contains("string required"));
        assert!(format_error("%999999999s", vec![s("x")]).contains("too large"));
    }

    #[test]
    fn format_unknowns_and_unsupported_forms() {
        assert_eq!(ok("format", vec![s("Hello, %s!"), id_of("name")]), symbols(&["name"]));
        assert_eq!(ok("format", vec![s("%v"), Value::List(vec![id_of("a")])]), symbols(&["a"]));
        assert_eq!(super::super::call("format", vec![s("%*d"), n(3.0), n(1.0)]), None);
        assert_eq!(super::super::call("format", vec![s("%.3g"), n(3.0)]), None);
    }

    #[test]
    fn formatlist_iterates_lists_together() {
        assert_eq!(
            ok("formatlist", vec![s("Hello, %s!"), strings(&["Valentina", "Ander", "Olivia", "Sam"])]),
            strings(&["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"])
        );
        assert_eq!(
            ok("formatlist", vec![s("%s, %s!"), s("Salutations"), strings(&["Valentina", "Ander"])]),
            strings(&["Salutations, Valentina!", "Salutations, Ander!"])
        );
        assert_eq!(ok("formatlist", vec![s("hello")]), strings(&["hello"]));
        assert_eq!(ok("formatlist", vec![s("%v"), Value::List(vec![])]), strings(&[]));
        assert_eq!(
            ok("formatlist", vec![s("%s-%s"), Value::List(vec![s("a"), id_of("b")]), s("x")]),
            Value::List(vec![s("a-x"), symbols(&["b"])])
        );
        assert_eq!(ok("formatlist", vec![s("%s"), id_of("names")]), symbols(&["names"]));
        assert_eq!(
            err("formatlist", vec![s("%s %s"), strings(&["a", "b"]), strings(&["c"])]),
            "argument 2 has length 1, which is inconsistent with argument 1 of length 2"
        );
        assert!(
            err("formatlist", vec![s("%s"), Value::List(vec![object(&[])])])
                .starts_with("error on format iteration 0:")
        );
    }

    #[test]
    fn jsonencode_like_go() {
        assert_eq!(ok("jsonencode", vec![object(&[("hello", s("world"))])]), s("{\"hello\":\"world\"}"));
        assert_eq!(
            ok("jsonencode", vec![Value::List(vec![n(1.5), Value::Bool(false), Value::Null, s("<a&b>\u{2028}\u{1}")])]),
            s("[1.5,false,null,\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\"]")
        );
        assert_eq!(ok("jsonencode", vec![object(&[("a", id_of("x"))])]), symbols(&["x"]));
    }
}
