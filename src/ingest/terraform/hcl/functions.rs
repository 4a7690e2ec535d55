//! Terraform's built-in functions, as far as vpclint evaluates them from sources.
//!
//! Each function follows Terraform 1.x (its own functions and the cty standard library it uses):
//! the same results, the same errors, and the same handling of unknown values. A result is known
//! whenever Terraform knows it at plan time; when an argument that decides the result is unknown,
//! the result is unknown and derives from every symbol of the arguments.
//!
//! `Value::Unknown` carries no type, so it stands for Terraform's unknown value of unknown type:
//! where Terraform would need to know whether an unknown is a list (to flatten it, to iterate it in
//! `formatlist`), the result is unknown rather than a guess.
//!
//! Characters are Unicode scalar values; Terraform counts grapheme clusters, which differs only
//! for combining sequences (`length`, `substr`, format widths).

mod collections;
mod convert;
mod format;
mod net;
mod numbers;
mod text;

use super::value::{Evaluated, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The most elements a function may generate.
const MAX_ELEMENTS: usize = 1024 * 1024;
/// The longest string (in bytes) a function may build.
const MAX_STRING_BYTES: usize = 4 * 1024 * 1024;
/// Numbers up to this magnitude are whole numbers exactly as written in the source; beyond it,
/// `f64` may have rounded the literal, so index and address arithmetic would be a guess.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Call Terraform function `name` with evaluated arguments. `None`: vpclint does not implement it
/// (or this use of it), and the caller treats the result as unknown.
pub fn call(name: &str, args: Vec<Value>) -> Option<Evaluated> {
    let spec = SPECS.iter().find(|spec| spec.name == name)?;
    if let Err(message) = spec.check_count(args.len()) {
        return Some(Err(message));
    }
    if spec.unknowns == Unknowns::MakeResultUnknown && args.iter().any(Value::is_unknown) {
        return Some(Ok(Value::unknown_from(&args)));
    }
    match spec.run {
        Run::Total(function) => Some(function(&args)),
        Run::Partial(function) => function(&args),
    }
}

/// What an unknown argument (itself unknown, not merely containing unknowns) does to a call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unknowns {
    /// The result is unknown: Terraform's default for parameters that do not accept unknowns.
    MakeResultUnknown,
    /// The function looks at unknown arguments itself (an unused `lookup` default, a `coalesce`
    /// argument after the first non-empty one).
    Inspected,
}

#[derive(Clone, Copy)]
enum Run {
    Total(fn(&[Value]) -> Evaluated),
    /// May decline a call vpclint cannot evaluate exactly (a regular expression, a netnum beyond
    /// exact arithmetic).
    Partial(fn(&[Value]) -> Option<Evaluated>),
}

struct Spec {
    name: &'static str,
    min: usize,
    /// `None`: any number of arguments.
    max: Option<usize>,
    unknowns: Unknowns,
    run: Run,
}

impl Spec {
    fn check_count(&self, count: usize) -> Result<(), String> {
        let expected = match self.max {
            Some(max) if max == self.min => format!("{max}"),
            Some(max) => format!("{} to {max}", self.min),
            None => format!("at least {}", self.min),
        };
        if count < self.min || self.max.is_some_and(|max| count > max) {
            return Err(format!("function {} expects {expected} arguments, got {count}", self.name));
        }
        Ok(())
    }
}

const fn spec(name: &'static str, min: usize, max: Option<usize>, run: Run) -> Spec {
    Spec { name, min, max, unknowns: Unknowns::MakeResultUnknown, run }
}

const fn inspecting(name: &'static str, min: usize, max: Option<usize>, run: Run) -> Spec {
    Spec { name, min, max, unknowns: Unknowns::Inspected, run }
}

use Run::{Partial, Total};

static SPECS: &[Spec] = &[
    // IP networks
    spec("cidrhost", 2, Some(2), Partial(net::cidrhost)),
    spec("cidrsubnet", 3, Some(3), Partial(net::cidrsubnet)),
    spec("cidrsubnets", 1, None, Partial(net::cidrsubnets)),
    // Collections
    inspecting("coalesce", 1, None, Total(collections::coalesce)),
    inspecting("coalescelist", 1, None, Total(collections::coalescelist)),
    spec("compact", 1, Some(1), Total(collections::compact)),
    spec("concat", 1, None, Total(collections::concat)),
    spec("contains", 2, Some(2), Total(collections::contains)),
    spec("distinct", 1, Some(1), Total(collections::distinct)),
    spec("element", 2, Some(2), Total(collections::element)),
    spec("flatten", 1, Some(1), Total(collections::flatten)),
    spec("index", 2, Some(2), Total(collections::index)),
    spec("keys", 1, Some(1), Total(collections::keys)),
    spec("length", 1, Some(1), Total(collections::length)),
    inspecting("lookup", 2, Some(3), Total(collections::lookup)),
    spec("merge", 0, None, Total(collections::merge)),
    spec("one", 1, Some(1), Total(collections::one)),
    spec("reverse", 1, Some(1), Total(collections::reverse)),
    spec("slice", 3, Some(3), Total(collections::slice)),
    spec("sort", 1, Some(1), Total(collections::sort)),
    spec("values", 1, Some(1), Total(collections::values)),
    spec("zipmap", 2, Some(2), Total(collections::zipmap)),
    // Sets and type conversions
    spec("setintersection", 1, None, Total(convert::setintersection)),
    spec("setsubtract", 2, Some(2), Total(convert::setsubtract)),
    spec("setunion", 1, None, Total(convert::setunion)),
    spec("tobool", 1, Some(1), Total(convert::tobool)),
    spec("tolist", 1, Some(1), Total(convert::tolist)),
    spec("tomap", 1, Some(1), Total(convert::tomap)),
    spec("tonumber", 1, Some(1), Total(convert::tonumber)),
    spec("toset", 1, Some(1), Total(convert::toset)),
    spec("tostring", 1, Some(1), Total(convert::tostring)),
    // Numbers
    spec("abs", 1, Some(1), Total(numbers::abs)),
    spec("ceil", 1, Some(1), Total(numbers::ceil)),
    spec("floor", 1, Some(1), Total(numbers::floor)),
    spec("signum", 1, Some(1), Total(numbers::signum)),
    spec("log", 2, Some(2), Total(numbers::log)),
    spec("pow", 2, Some(2), Total(numbers::pow)),
    spec("max", 1, None, Total(numbers::max)),
    spec("min", 1, None, Total(numbers::min)),
    spec("range", 1, Some(3), Partial(numbers::range)),
    // Strings
    spec("format", 1, None, Partial(format::format)),
    spec("formatlist", 1, None, Partial(format::formatlist)),
    spec("join", 2, None, Total(text::join)),
    spec("jsonencode", 1, Some(1), Total(format::jsonencode)),
    spec("lower", 1, Some(1), Total(text::lower)),
    spec("replace", 3, Some(3), Partial(text::replace)),
    spec("split", 2, Some(2), Total(text::split)),
    spec("substr", 3, Some(3), Total(text::substr)),
    spec("title", 1, Some(1), Total(text::title)),
    spec("trim", 2, Some(2), Total(text::trim)),
    spec("trimprefix", 2, Some(2), Total(text::trimprefix)),
    spec("trimspace", 1, Some(1), Total(text::trimspace)),
    spec("trimsuffix", 2, Some(2), Total(text::trimsuffix)),
    spec("upper", 1, Some(1), Total(text::upper)),
];

// Arguments, converted as Terraform converts them for each parameter type.

const NULL_ARGUMENT: &str = "argument must not be null";

/// The elements of a list, tuple or set argument.
fn list_arg(value: &Value) -> Result<&[Value], String> {
    match value {
        Value::List(items) => Ok(items),
        Value::Null => Err(NULL_ARGUMENT.to_string()),
        other => Err(format!("a list is required, got {}", other.type_name())),
    }
}

/// The entries of a map or object argument.
fn map_arg(value: &Value) -> Result<&BTreeMap<String, Value>, String> {
    match value {
        Value::Object(entries) => Ok(entries),
        Value::Null => Err(NULL_ARGUMENT.to_string()),
        other => Err(format!("a map or object is required, got {}", other.type_name())),
    }
}

/// A string argument; numbers and bools convert to strings as Terraform converts them.
fn string_arg(value: &Value) -> Result<String, String> {
    match value {
        Value::Null => Err(NULL_ARGUMENT.to_string()),
        other => other.to_text().ok_or_else(|| format!("a string is required, got {}", other.type_name())),
    }
}

/// A number argument; a string converts when it spells a number.
fn number_arg(value: &Value) -> Result<f64, String> {
    match value {
        Value::Null => Err(NULL_ARGUMENT.to_string()),
        Value::String(s) => parse_number(s).ok_or_else(|| format!("cannot convert {s:?} to number")),
        other => other
            .as_number()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("a number is required, got {}", other.type_name())),
    }
}

/// A decimal number as Terraform reads one from a string (no infinities, no NaN).
fn parse_number(text: &str) -> Option<f64> {
    let looks_decimal = text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !looks_decimal {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A whole-number argument, exact (so within ±2⁵³).
fn integer_arg(value: &Value) -> Result<i64, String> {
    let n = number_arg(value)?;
    if n.fract() != 0.0 {
        return Err(format!("value must be a whole number, got {n}"));
    }
    if n.abs() > MAX_EXACT_INTEGER {
        return Err(format!("{n} is too large for exact whole-number arithmetic"));
    }
    Ok(n as i64)
}

/// The result of a call whose deciding arguments are not all known.
fn unknown_result(args: &[Value]) -> Evaluated {
    Ok(Value::unknown_from(args))
}

fn check_elements(count: usize) -> Result<(), String> {
    if count > MAX_ELEMENTS {
        return Err(format!("result too large: {count} elements (at most {MAX_ELEMENTS})"));
    }
    Ok(())
}

fn check_string_len(len: usize) -> Result<(), String> {
    if len > MAX_STRING_BYTES {
        return Err(format!("result too large: a string of {len} bytes (at most {MAX_STRING_BYTES})"));
    }
    Ok(())
}

// Comparing values.

/// Terraform's `==`: `None` when an unknown decides it. Types are not converted (`1 != "1"`).
fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Null, Value::Null) => Some(true),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || !x.keys().eq(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        _ => Some(false),
    }
}

/// Like cty, the first undecidable pair makes the whole comparison undecidable.
fn all_equal<'v>(pairs: impl Iterator<Item = (&'v Value, &'v Value)>) -> Option<bool> {
    for (x, y) in pairs {
        if !equal(x, y)? {
            return Some(false);
        }
    }
    Some(true)
}

/// The order of set elements: numbers numerically, strings bytewise, false before true; values
/// of different kinds (which unification rules out within one set) by kind.
fn set_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::List(_) => 4,
            Value::Object(_) => 5,
            Value::Unknown(_) => 6,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or_else(|| x.total_cmp(y)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) => {
            x.iter().zip(y).map(|(p, q)| set_order(p, q)).find(|o| o.is_ne()).unwrap_or_else(|| x.len().cmp(&y.len()))
        }
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .zip(y)
            .map(|((kx, vx), (ky, vy))| kx.cmp(ky).then_with(|| set_order(vx, vy)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        (Value::Unknown(x), Value::Unknown(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Converts the elements of several sequences to one element type, as Terraform does to make a
/// list, set or map of them: numbers and bools become strings when strings are among them.
/// Unknowns and nulls convert to anything; collections are left as they are.
fn unify_groups(groups: &[&[Value]]) -> Result<Vec<Vec<Value>>, String> {
    let (mut strings, mut numbers, mut bools, mut collections) = (false, false, false, false);
    for value in groups.iter().flat_map(|group| group.iter()) {
        match value {
            Value::String(_) => strings = true,
            Value::Number(_) => numbers = true,
            Value::Bool(_) => bools = true,
            Value::List(_) | Value::Object(_) => collections = true,
            Value::Null | Value::Unknown(_) => {}
        }
    }
    let primitives = strings || numbers || bools;
    if (collections && primitives) || (!strings && numbers && bools) {
        return Err("elements must all have the same type".to_string());
    }
    let convert = |value: &Value| match value {
        Value::Number(_) | Value::Bool(_) if strings => value.to_text().map_or(Value::Null, Value::String),
        other => other.clone(),
    };
    Ok(groups.iter().map(|group| group.iter().map(convert).collect()).collect())
}

fn unify(items: &[Value]) -> Result<Vec<Value>, String> {
    unify_groups(&[items]).map(|mut groups| groups.pop().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    //! Helpers for the tests of every function module, which all go through `call`.
    use super::*;
    use crate::ingest::terraform::hcl::value::Symbol;

    pub(super) fn s(text: &str) -> Value {
        Value::String(text.to_string())
    }

    pub(super) fn n(number: f64) -> Value {
        Value::Number(number)
    }

    pub(super) fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|item| s(item)).collect())
    }

    pub(super) fn numbers(items: &[f64]) -> Value {
        Value::List(items.iter().map(|item| n(*item)).collect())
    }

    pub(super) fn object(entries: &[(&str, Value)]) -> Value {
        Value::Object(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    /// `aws_route_table.<name>.id`, known only after apply.
    pub(super) fn id_of(name: &str) -> Value {
        Value::reference(format!("aws_route_table.{name}"), "id")
    }

    pub(super) fn symbols(names: &[&str]) -> Value {
        let mut from: Vec<Symbol> = names
            .iter()
            .map(|name| Symbol { address: format!("aws_route_table.{name}"), attr: "id".to_string() })
            .collect();
        from.sort();
        Value::Unknown(from)
    }

    #[track_caller]
    pub(super) fn ok(name: &str, args: Vec<Value>) -> Value {
        match call(name, args) {
            Some(Ok(value)) => value,
            other => panic!("{name}: expected a value, got {other:?}"),
        }
    }

    #[track_caller]
    pub(super) fn err(name: &str, args: Vec<Value>) -> String {
        match call(name, args) {
            Some(Err(message)) => message,
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn unimplemented_functions_are_none() {
        assert_eq!(call("file", vec![s("x")]), None);
        assert_eq!(call("try", vec![s("x")]), None);
    }

    #[test]
    fn argument_counts_are_checked_before_unknowns() {
        assert!(err("element", vec![id_of("a")]).contains("expects 2 arguments, got 1"));
        assert!(err("lookup", vec![]).contains("expects 2 to 3 arguments"));
    }

    #[test]
    fn an_unknown_argument_makes_the_result_unknown_with_every_symbol() {
        let list = Value::List(vec![s("x"), id_of("b")]);
        assert_eq!(ok("element", vec![list, id_of("i")]), symbols(&["b", "i"]));
    }

    #[test]
    fn numeric_strings_convert() {
        assert_eq!(number_arg(&s("1.5")), Ok(1.5));
        assert!(number_arg(&s("inf")).is_err());
        assert!(number_arg(&s("0x10")).is_err());
        assert!(integer_arg(&n(1.5)).is_err());
    }
}
