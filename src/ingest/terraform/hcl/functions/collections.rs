//! Functions on lists, tuples, maps and objects. A known collection keeps its unknown elements in
//! place: `element`, `slice`, `concat`, `lookup`, `merge`, `values` … return them as they are, with
//! their symbols.

use super::{NULL_ARGUMENT, equal, integer_arg, list_arg, map_arg, set_order, string_arg, unify, unknown_result};
use crate::ingest::terraform::hcl::value::{Evaluated, Value};
use std::collections::BTreeMap;

/// `element(list, index)`: the index wraps around the list's length.
pub(super) fn element(args: &[Value]) -> Evaluated {
    let [list, index] = args else { return Err("element expects 2 arguments".to_string()) };
    let index = integer_arg(index)?;
    if index < 0 {
        return Err("cannot use element function with a negative index".to_string());
    }
    let items = list_arg(list)?;
    if items.is_empty() {
        return Err("cannot use element function with an empty list".to_string());
    }
    let position = index.unsigned_abs() % items.len() as u64;
    usize::try_from(position).ok().and_then(|at| items.get(at)).cloned().ok_or_else(|| "invalid index".to_string())
}

pub(super) fn concat(args: &[Value]) -> Evaluated {
    let mut joined = Vec::new();
    for arg in args {
        match arg {
            Value::List(items) => joined.extend(items.iter().cloned()),
            Value::Null => return Err(NULL_ARGUMENT.to_string()),
            other => return Err(format!("all arguments must be lists or tuples; got {}", other.type_name())),
        }
    }
    Ok(Value::List(joined))
}

/// `flatten(list)`. An unknown element may itself be a list (vpclint's unknowns have no type),
/// so it makes the result unknown, as an unknown list or an element of unknown type does in
/// Terraform.
pub(super) fn flatten(args: &[Value]) -> Evaluated {
    let [list] = args else { return Err("flatten expects 1 argument".to_string()) };
    let items = list_arg(list).map_err(|_| "can only flatten lists, sets and tuples".to_string())?;
    let mut flat = Vec::new();
    if !flatten_into(items, &mut flat) {
        return unknown_result(args);
    }
    Ok(Value::List(flat))
}

/// False when an unknown element leaves the result's shape undecided.
fn flatten_into(items: &[Value], flat: &mut Vec<Value>) -> bool {
    for item in items {
        match item {
            Value::List(inner) => {
                if !flatten_into(inner, flat) {
                    return false;
                }
            }
            Value::Unknown(_) => return false,
            other => flat.push(other.clone()),
        }
    }
    true
}

/// `lookup(map, key[, default])`. Only the map and the key need to be known: a found entry is
/// returned even when unknown, and an unused default may be unknown.
pub(super) fn lookup(args: &[Value]) -> Evaluated {
    let (map, key, default) = match args {
        [map, key] => (map, key, None),
        [map, key, default] => (map, key, Some(default)),
        _ => return Err("lookup() takes two or three arguments".to_string()),
    };
    if map.is_unknown() || key.is_unknown() {
        return unknown_result(args);
    }
    let entries = map_arg(map).map_err(|_| "lookup() requires a map as the first argument".to_string())?;
    let key = string_arg(key)?;
    match (entries.get(&key), default) {
        (Some(found), _) => Ok(found.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("lookup failed to find key {key:?}")),
    }
}

/// `merge(maps...)`: later arguments win; null arguments are skipped.
pub(super) fn merge(args: &[Value]) -> Evaluated {
    let mut merged = BTreeMap::new();
    let mut all_null = !args.is_empty();
    for arg in args {
        match arg {
            Value::Null => {}
            Value::Object(entries) => {
                all_null = false;
                merged.extend(entries.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            other => return Err(format!("arguments must be maps or objects, got {:?}", other.type_name())),
        }
    }
    Ok(if all_null { Value::Null } else { Value::Object(merged) })
}

/// `zipmap(keys, values)`: every key must be known (a map cannot have unknown keys); values may
/// be unknown.
pub(super) fn zipmap(args: &[Value]) -> Evaluated {
    let [keys, values] = args else { return Err("zipmap expects 2 arguments".to_string()) };
    let keys = list_arg(keys)?;
    let values = list_arg(values)?;
    if keys.iter().any(Value::has_unknown) {
        return unknown_result(args);
    }
    if keys.len() != values.len() {
        return Err(format!("number of keys ({}) does not match number of values ({})", keys.len(), values.len()));
    }
    let mut map = BTreeMap::new();
    for (position, (key, value)) in keys.iter().zip(values).enumerate() {
        if matches!(key, Value::Null) {
            return Err(format!("keys list has null value at index {position}"));
        }
        map.insert(string_arg(key)?, value.clone());
    }
    Ok(Value::Object(map))
}

/// `keys(map)`, in lexicographic order.
pub(super) fn keys(args: &[Value]) -> Evaluated {
    let [map] = args else { return Err("keys expects 1 argument".to_string()) };
    let entries = map_arg(map)
        .map_err(|e| if matches!(map, Value::Null) { e } else { "must have map or object type".to_string() })?;
    Ok(Value::List(entries.keys().map(|key| Value::String(key.clone())).collect()))
}

/// `values(map)`, in the order of their keys.
pub(super) fn values(args: &[Value]) -> Evaluated {
    let [map] = args else { return Err("values expects 1 argument".to_string()) };
    let entries = map_arg(map).map_err(|e| {
        if matches!(map, Value::Null) { e } else { "values() requires a map as the first argument".to_string() }
    })?;
    Ok(Value::List(entries.values().cloned().collect()))
}

/// `length(value)`: elements of a collection, attributes of an object, characters of a string.
pub(super) fn length(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("length expects 1 argument".to_string()) };
    let count = match value {
        Value::List(items) => items.len(),
        Value::Object(entries) => entries.len(),
        Value::String(text) => text.chars().count(),
        Value::Null => return Err(NULL_ARGUMENT.to_string()),
        _ => return Err("argument must be a string, a collection type, or a structural type".to_string()),
    };
    Ok(Value::Number(count as f64))
}

/// `slice(list, start, end)`: `start` inclusive, `end` exclusive.
pub(super) fn slice(args: &[Value]) -> Evaluated {
    let [list, start, end] = args else { return Err("slice expects 3 arguments".to_string()) };
    let items = list_arg(list)?;
    let start = integer_arg(start).map_err(|e| format!("invalid start index: {e}"))?;
    let end = integer_arg(end).map_err(|e| format!("invalid end index: {e}"))?;
    let length = items.len() as i64;
    if start < 0 {
        return Err("start index must not be less than zero".to_string());
    }
    if start > length {
        return Err("start index must not be greater than the length of the list".to_string());
    }
    if end < 0 {
        return Err("end index must not be less than zero".to_string());
    }
    if end > length {
        return Err("end index must not be greater than the length of the list".to_string());
    }
    if start > end {
        return Err("start index must not be greater than end index".to_string());
    }
    let range = usize::try_from(start).unwrap_or(0)..usize::try_from(end).unwrap_or(0);
    Ok(Value::List(items.get(range).map(<[Value]>::to_vec).unwrap_or_default()))
}

/// `coalesce(values...)`: the first argument that is neither null nor an empty string. An
/// unknown argument reached before it makes the result unknown.
pub(super) fn coalesce(args: &[Value]) -> Evaluated {
    // Terraform converts the arguments to one type first, so a number among strings is
    // returned as a string.
    let unified = unify(args).map_err(|_| "all arguments must have the same type".to_string())?;
    for value in &unified {
        match value {
            Value::Unknown(_) => return unknown_result(args),
            Value::Null => {}
            Value::String(text) if text.is_empty() => {}
            found => return Ok(found.clone()),
        }
    }
    Err("no non-null, non-empty-string arguments".to_string())
}

/// `coalescelist(lists...)`: the first non-empty list.
pub(super) fn coalescelist(args: &[Value]) -> Evaluated {
    if args.iter().any(|arg| !matches!(arg, Value::List(_) | Value::Null | Value::Unknown(_))) {
        return Err("coalescelist arguments must be lists or tuples".to_string());
    }
    for arg in args {
        match arg {
            Value::Unknown(_) => return unknown_result(args),
            Value::List(items) if !items.is_empty() => return Ok(arg.clone()),
            _ => {}
        }
    }
    Err("no non-null arguments".to_string())
}

/// `compact(list)`: drops nulls and empty strings, so an unknown element (which may be either)
/// makes the whole result unknown.
pub(super) fn compact(args: &[Value]) -> Evaluated {
    let [list] = args else { return Err("compact expects 1 argument".to_string()) };
    let items = list_arg(list)?;
    if items.iter().any(Value::has_unknown) {
        return unknown_result(args);
    }
    let mut kept = Vec::new();
    for item in items {
        if matches!(item, Value::Null) {
            continue;
        }
        let text = string_arg(item)?;
        if !text.is_empty() {
            kept.push(Value::String(text));
        }
    }
    Ok(Value::List(kept))
}

/// `distinct(list)`: the first occurrence of each element, in order. Needs every element known.
pub(super) fn distinct(args: &[Value]) -> Evaluated {
    let [list] = args else { return Err("distinct expects 1 argument".to_string()) };
    let items = list_arg(list)?;
    if items.iter().any(Value::has_unknown) {
        return unknown_result(args);
    }
    let items = unify(items)?;
    // Sorting positions keeps this O(n log n) on large lists; equal elements end up adjacent.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items.get(a).zip(items.get(b)).map_or(std::cmp::Ordering::Equal, |(x, y)| set_order(x, y)));
    let mut keep = vec![false; items.len()];
    let mut previous: Option<&Value> = None;
    for &position in &order {
        let Some(item) = items.get(position) else { continue };
        if previous.is_none_or(|prev| equal(prev, item) != Some(true)) {
            if let Some(flag) = keep.get_mut(position) {
                *flag = true;
            }
            previous = Some(item);
        }
    }
    Ok(Value::List(items.into_iter().zip(keep).filter_map(|(item, kept)| kept.then_some(item)).collect()))
}

/// `contains(list, value)`: unknown when no element matches but an unknown one might.
pub(super) fn contains(args: &[Value]) -> Evaluated {
    let [list, value] = args else { return Err("contains expects 2 arguments".to_string()) };
    let items = list_arg(list)
        .map_err(|e| if matches!(list, Value::Null) { "cannot search a nil list or set".to_string() } else { e })?;
    let mut undecided = false;
    for item in items {
        match equal(value, item) {
            Some(true) => return Ok(Value::Bool(true)),
            Some(false) => {}
            None => undecided = true,
        }
    }
    if undecided { unknown_result(args) } else { Ok(Value::Bool(false)) }
}

/// `index(list, value)`: the position of the first element equal to `value`.
pub(super) fn index(args: &[Value]) -> Evaluated {
    let [list, value] = args else { return Err("index expects 2 arguments".to_string()) };
    let items = list_arg(list).map_err(|_| "argument must be a list or tuple".to_string())?;
    if items.is_empty() {
        return Err("cannot search an empty list".to_string());
    }
    for (position, item) in items.iter().enumerate() {
        match equal(item, value) {
            Some(true) => return Ok(Value::Number(position as f64)),
            Some(false) => {}
            None => return unknown_result(args),
        }
    }
    Err("item not found".to_string())
}

pub(super) fn reverse(args: &[Value]) -> Evaluated {
    let [list] = args else { return Err("reverse expects 1 argument".to_string()) };
    let items = list_arg(list).map_err(|e| {
        if matches!(list, Value::Null) {
            e
        } else {
            format!("can only reverse list or tuple values, not {}", list.type_name())
        }
    })?;
    Ok(Value::List(items.iter().rev().cloned().collect()))
}

/// `sort(list)`: strings in lexicographic order (numbers are sorted as their strings).
pub(super) fn sort(args: &[Value]) -> Evaluated {
    let [list] = args else { return Err("sort expects 1 argument".to_string()) };
    let items = list_arg(list)?;
    if items.iter().any(Value::has_unknown) {
        return unknown_result(args);
    }
    let mut texts = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        if matches!(item, Value::Null) {
            return Err(format!("given list element {position} is null; a null string cannot be sorted"));
        }
        texts.push(string_arg(item)?);
    }
    texts.sort();
    Ok(Value::List(texts.into_iter().map(Value::String).collect()))
}

/// `one(list)`: null for an empty list, the element of a one-element list.
pub(super) fn one(args: &[Value]) -> Evaluated {
    let [list] = args else { return Err("one expects 1 argument".to_string()) };
    let wrong = || "must be a list, set, or tuple value with either zero or one elements".to_string();
    match list_arg(list).map_err(|_| wrong())? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, id_of, n, numbers, object, ok, s, strings, symbols};
    use super::*;

    #[test]
    fn element_wraps_around() {
        assert_eq!(ok("element", vec![strings(&["a", "b", "c"]), n(1.0)]), s("b"));
        assert_eq!(ok("element", vec![strings(&["a", "b", "c"]), n(3.0)]), s("a"));
        assert_eq!(ok("element", vec![strings(&["a", "b", "c"]), s("5")]), s("c"));
        assert_eq!(err("element", vec![strings(&[]), n(0.0)]), "cannot use element function with an empty list");
        assert_eq!(err("element", vec![strings(&["a"]), n(-1.0)]), "cannot use element function with a negative index");
        assert!(err("element", vec![strings(&["a"]), n(0.5)]).contains("whole number"));
        assert!(err("element", vec![s("a"), n(0.0)]).contains("list is required"));
    }

    #[test]
    fn element_of_a_known_list_returns_the_unknown_element_itself() {
        let tables = Value::List(vec![s("rtb-main"), id_of("a"), id_of("b")]);
        assert_eq!(ok("element", vec![tables.clone(), n(1.0)]), id_of("a"));
        assert_eq!(ok("element", vec![tables.clone(), n(5.0)]), id_of("b"));
        assert_eq!(ok("element", vec![tables, id_of("index")]), symbols(&["a", "b", "index"]));
        assert_eq!(ok("element", vec![id_of("list"), n(0.0)]), symbols(&["list"]));
    }

    #[test]
    fn concat_and_flatten() {
        assert_eq!(ok("concat", vec![strings(&["a", ""]), strings(&["b", "c"])]), strings(&["a", "", "b", "c"]));
        assert_eq!(
            ok("concat", vec![Value::List(vec![id_of("a")]), strings(&["b"])]),
            Value::List(vec![id_of("a"), s("b")])
        );
        assert_eq!(ok("concat", vec![strings(&["a"]), id_of("list")]), symbols(&["list"]));
        assert!(err("concat", vec![strings(&["a"]), s("b")]).contains("must be lists"));
        let nested = Value::List(vec![strings(&["a", "b"]), strings(&[]), strings(&["c"])]);
        assert_eq!(ok("flatten", vec![nested]), strings(&["a", "b", "c"]));
        let deeper = Value::List(vec![Value::List(vec![strings(&["a", "b"]), strings(&[])]), strings(&["c"])]);
        assert_eq!(ok("flatten", vec![deeper]), strings(&["a", "b", "c"]));
        let with_unknown = Value::List(vec![strings(&["a"]), Value::List(vec![id_of("b")])]);
        assert_eq!(ok("flatten", vec![with_unknown]), symbols(&["b"]));
    }

    #[test]
    fn lookup_keeps_unknown_leaves() {
        let map = object(&[("a", s("ay")), ("b", id_of("b"))]);
        assert_eq!(ok("lookup", vec![map.clone(), s("a")]), s("ay"));
        assert_eq!(ok("lookup", vec![map.clone(), s("b")]), id_of("b"));
        assert_eq!(ok("lookup", vec![map.clone(), s("c"), s("what?")]), s("what?"));
        assert_eq!(ok("lookup", vec![map.clone(), s("a"), id_of("default")]), s("ay"));
        assert_eq!(err("lookup", vec![map.clone(), s("c")]), "lookup failed to find key \"c\"");
        assert_eq!(ok("lookup", vec![map, id_of("key"), s("x")]), symbols(&["b", "key"]));
        assert!(err("lookup", vec![strings(&["a"]), s("a")]).contains("requires a map"));
    }

    #[test]
    fn merge_later_arguments_win() {
        let merged =
            ok("merge", vec![object(&[("a", s("b")), ("c", s("d"))]), object(&[("e", s("f")), ("c", id_of("z"))])]);
        assert_eq!(merged, object(&[("a", s("b")), ("c", id_of("z")), ("e", s("f"))]));
        assert_eq!(ok("merge", vec![Value::Null, object(&[("a", n(1.0))])]), object(&[("a", n(1.0))]));
        assert_eq!(ok("merge", vec![Value::Null]), Value::Null);
        assert_eq!(ok("merge", vec![]), object(&[]));
        assert_eq!(ok("merge", vec![object(&[]), id_of("m")]), symbols(&["m"]));
        assert!(err("merge", vec![strings(&["a"])]).contains("must be maps or objects"));
    }

    #[test]
    fn zipmap_keys_and_values() {
        assert_eq!(
            ok("zipmap", vec![strings(&["a", "b"]), Value::List(vec![n(1.0), id_of("b")])]),
            object(&[("a", n(1.0)), ("b", id_of("b"))])
        );
        assert_eq!(ok("zipmap", vec![Value::List(vec![id_of("k")]), numbers(&[1.0])]), symbols(&["k"]));
        assert!(err("zipmap", vec![strings(&["a"]), numbers(&[])]).contains("does not match"));
    }

    #[test]
    fn keys_values_and_length() {
        let map = object(&[("b", id_of("b")), ("a", n(1.0)), ("c", n(3.0))]);
        assert_eq!(ok("keys", vec![map.clone()]), strings(&["a", "b", "c"]));
        assert_eq!(ok("values", vec![map.clone()]), Value::List(vec![n(1.0), id_of("b"), n(3.0)]));
        assert_eq!(ok("length", vec![map]), n(3.0));
        assert_eq!(ok("length", vec![Value::List(vec![id_of("a"), id_of("b")])]), n(2.0));
        assert_eq!(ok("length", vec![s("héllo")]), n(5.0));
        assert_eq!(ok("length", vec![id_of("l")]), symbols(&["l"]));
        assert!(err("length", vec![n(1.0)]).contains("collection type"));
        assert_eq!(ok("keys", vec![id_of("m")]), symbols(&["m"]));
    }

    #[test]
    fn slice_bounds() {
        assert_eq!(ok("slice", vec![strings(&["a", "b", "c", "d"]), n(1.0), n(3.0)]), strings(&["b", "c"]));
        assert_eq!(ok("slice", vec![strings(&["a"]), n(1.0), n(1.0)]), strings(&[]));
        assert_eq!(
            ok("slice", vec![Value::List(vec![s("a"), id_of("b")]), n(1.0), n(2.0)]),
            Value::List(vec![id_of("b")])
        );
        assert!(err("slice", vec![strings(&["a"]), n(0.0), n(2.0)]).contains("greater than the length"));
        assert!(err("slice", vec![strings(&["a", "b"]), n(2.0), n(1.0)]).contains("greater than end index"));
        assert!(err("slice", vec![strings(&["a"]), n(-1.0), n(1.0)]).contains("less than zero"));
    }

    #[test]
    fn coalesce_and_coalescelist() {
        assert_eq!(ok("coalesce", vec![s("a"), s("b")]), s("a"));
        assert_eq!(ok("coalesce", vec![s(""), s("b")]), s("b"));
        assert_eq!(ok("coalesce", vec![n(1.0), n(2.0)]), n(1.0));
        assert_eq!(ok("coalesce", vec![Value::Null, s(""), n(3.0)]), s("3"));
        assert_eq!(ok("coalesce", vec![s("a"), id_of("b")]), s("a"));
        assert_eq!(ok("coalesce", vec![s(""), id_of("b"), s("c")]), symbols(&["b"]));
        assert!(err("coalesce", vec![s(""), Value::Null]).contains("no non-null"));
        assert!(err("coalesce", vec![n(1.0), Value::Bool(true)]).contains("same type"));
        let ab = strings(&["a", "b"]);
        assert_eq!(ok("coalescelist", vec![ab.clone(), strings(&["c", "d"])]), ab);
        assert_eq!(ok("coalescelist", vec![strings(&[]), strings(&["c", "d"])]), strings(&["c", "d"]));
        assert_eq!(ok("coalescelist", vec![strings(&[]), id_of("l")]), symbols(&["l"]));
        assert_eq!(ok("coalescelist", vec![strings(&["a"]), id_of("l")]), strings(&["a"]));
        assert!(err("coalescelist", vec![strings(&[]), s("x")]).contains("must be lists"));
    }

    #[test]
    fn compact_needs_every_element() {
        assert_eq!(
            ok("compact", vec![Value::List(vec![s("a"), s(""), s("b"), Value::Null, s("c")])]),
            strings(&["a", "b", "c"])
        );
        assert_eq!(ok("compact", vec![Value::List(vec![s("a"), id_of("b")])]), symbols(&["b"]));
        assert_eq!(ok("compact", vec![numbers(&[1.0])]), strings(&["1"]));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        assert_eq!(ok("distinct", vec![strings(&["a", "b", "a", "c", "d", "b"])]), strings(&["a", "b", "c", "d"]));
        assert_eq!(ok("distinct", vec![Value::List(vec![n(2.0), s("2"), n(1.0)])]), strings(&["2", "1"]));
        assert_eq!(ok("distinct", vec![Value::List(vec![s("a"), id_of("b")])]), symbols(&["b"]));
    }

    #[test]
    fn contains_and_index() {
        assert_eq!(ok("contains", vec![strings(&["a", "b", "c"]), s("a")]), Value::Bool(true));
        assert_eq!(ok("contains", vec![strings(&["a", "b", "c"]), s("d")]), Value::Bool(false));
        assert_eq!(ok("contains", vec![numbers(&[1.0]), s("1")]), Value::Bool(false));
        assert_eq!(ok("contains", vec![Value::List(vec![s("a"), id_of("b")]), s("a")]), Value::Bool(true));
        assert_eq!(ok("contains", vec![Value::List(vec![s("a"), id_of("b")]), s("c")]), symbols(&["b"]));
        assert_eq!(ok("index", vec![strings(&["a", "b", "c"]), s("b")]), n(1.0));
        assert_eq!(err("index", vec![strings(&["a"]), s("z")]), "item not found");
        assert_eq!(err("index", vec![strings(&[]), s("z")]), "cannot search an empty list");
        assert_eq!(ok("index", vec![Value::List(vec![id_of("a"), s("b")]), s("b")]), symbols(&["a"]));
        assert_eq!(ok("index", vec![Value::List(vec![s("b"), id_of("a")]), s("b")]), n(0.0));
    }

    #[test]
    fn reverse_sort_and_one() {
        assert_eq!(
            ok("reverse", vec![Value::List(vec![n(1.0), id_of("b"), n(3.0)])]),
            Value::List(vec![n(3.0), id_of("b"), n(1.0)])
        );
        assert_eq!(ok("sort", vec![strings(&["e", "d", "a", "x"])]), strings(&["a", "d", "e", "x"]));
        assert_eq!(ok("sort", vec![numbers(&[3.0, 10.0, 1.0])]), strings(&["1", "10", "3"]));
        assert_eq!(ok("sort", vec![Value::List(vec![s("b"), id_of("a")])]), symbols(&["a"]));
        assert!(err("sort", vec![Value::List(vec![s("b"), Value::Null])]).contains("null"));
        assert_eq!(ok("one", vec![strings(&[])]), Value::Null);
        assert_eq!(ok("one", vec![Value::List(vec![id_of("a")])]), id_of("a"));
        assert!(err("one", vec![strings(&["a", "b"])]).contains("either zero or one"));
    }
}
