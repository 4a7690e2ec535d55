//! Type conversions (`tostring`, `tolist`, `toset` …) and the set functions. Sets are lists kept
//! sorted and without repeats; building one needs every element known, since an unknown element
//! might equal another.

use super::{equal, list_arg, parse_number, set_order, unify, unify_groups, unknown_result};
use crate::ingest::terraform::hcl::value::{Evaluated, Value};

pub(super) fn tostring(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("tostring expects 1 argument".to_string()) };
    match value {
        Value::Null => Ok(Value::Null),
        other => {
            other.to_text().map(Value::String).ok_or_else(|| format!("cannot convert {} to string", other.type_name()))
        }
    }
}

pub(super) fn tonumber(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("tonumber expects 1 argument".to_string()) };
    match value {
        Value::Null => Ok(Value::Null),
        Value::Number(_) => Ok(value.clone()),
        Value::String(text) => parse_number(text).map(Value::Number).ok_or_else(|| {
            format!("cannot convert {text:?} to number; given string must be a decimal representation of a number")
        }),
        other => Err(format!("cannot convert {} to number", other.type_name())),
    }
}

pub(super) fn tobool(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("tobool expects 1 argument".to_string()) };
    match value {
        Value::Null => Ok(Value::Null),
        Value::Bool(_) => Ok(value.clone()),
        Value::String(text) => match text.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("cannot convert {text:?} to bool; only the strings \"true\" or \"false\" are allowed")),
        },
        other => Err(format!("cannot convert {} to bool", other.type_name())),
    }
}

/// `tolist(value)`: the elements converted to one type (`["a", 1]` becomes `["a", "1"]`).
pub(super) fn tolist(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("tolist expects 1 argument".to_string()) };
    match value {
        Value::Null => Ok(Value::Null),
        Value::List(items) => {
            unify(items).map(Value::List).map_err(|_| "cannot convert tuple to list of any single type".to_string())
        }
        other => Err(format!("cannot convert {} to list", other.type_name())),
    }
}

/// `tomap(value)`: an object's attribute values converted to one type.
pub(super) fn tomap(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("tomap expects 1 argument".to_string()) };
    match value {
        Value::Null => Ok(Value::Null),
        Value::Object(entries) => {
            let values: Vec<Value> = entries.values().cloned().collect();
            let unified = unify(&values).map_err(|_| "cannot convert object to map of any single type".to_string())?;
            Ok(Value::Object(entries.keys().cloned().zip(unified).collect()))
        }
        other => Err(format!("cannot convert {} to map", other.type_name())),
    }
}

/// `toset(value)`: sorted and without repeats.
pub(super) fn toset(args: &[Value]) -> Evaluated {
    let [value] = args else { return Err("toset expects 1 argument".to_string()) };
    match value {
        Value::Null => Ok(Value::Null),
        Value::List(items) if items.iter().any(Value::has_unknown) => unknown_result(args),
        Value::List(items) => {
            let items = unify(items).map_err(|_| "cannot convert tuple to set of any single type".to_string())?;
            Ok(Value::List(into_set(items)))
        }
        other => Err(format!("cannot convert {} to set", other.type_name())),
    }
}

fn into_set(mut items: Vec<Value>) -> Vec<Value> {
    items.sort_by(set_order);
    items.dedup_by(|a, b| equal(a, b) == Some(true));
    items
}

/// The arguments of a set function as sets of one element type; `None` when an element is
/// unknown.
fn set_args(args: &[Value]) -> Result<Option<Vec<Vec<Value>>>, String> {
    let mut groups = Vec::with_capacity(args.len());
    for arg in args {
        let items = list_arg(arg)?;
        if items.iter().any(Value::has_unknown) {
            return Ok(None);
        }
        groups.push(items);
    }
    let unified = unify_groups(&groups).map_err(|_| "given sets must all have compatible element types".to_string())?;
    Ok(Some(unified.into_iter().map(into_set).collect()))
}

fn in_set(set: &[Value], item: &Value) -> bool {
    set.binary_search_by(|probe| set_order(probe, item)).is_ok()
}

pub(super) fn setunion(args: &[Value]) -> Evaluated {
    let Some(sets) = set_args(args)? else { return unknown_result(args) };
    Ok(Value::List(into_set(sets.into_iter().flatten().collect())))
}

pub(super) fn setintersection(args: &[Value]) -> Evaluated {
    let Some(sets) = set_args(args)? else { return unknown_result(args) };
    let Some((first, others)) = sets.split_first() else { return Ok(Value::List(Vec::new())) };
    let common = first.iter().filter(|item| others.iter().all(|set| in_set(set, item))).cloned().collect();
    Ok(Value::List(common))
}

pub(super) fn setsubtract(args: &[Value]) -> Evaluated {
    let Some(sets) = set_args(args)? else { return unknown_result(args) };
    let [from, removed] = sets.as_slice() else { return Err("setsubtract expects 2 arguments".to_string()) };
    Ok(Value::List(from.iter().filter(|item| !in_set(removed, item)).cloned().collect()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, id_of, n, numbers, object, ok, s, strings, symbols};
    use super::*;

    #[test]
    fn primitive_conversions() {
        assert_eq!(ok("tostring", vec![n(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", vec![Value::Bool(true)]), s("true"));
        assert_eq!(ok("tostring", vec![Value::Null]), Value::Null);
        assert!(err("tostring", vec![strings(&[])]).contains("cannot convert"));
        assert_eq!(ok("tonumber", vec![s("1")]), n(1.0));
        assert_eq!(ok("tonumber", vec![s("-2.5e1")]), n(-25.0));
        assert!(err("tonumber", vec![s("no")]).contains("cannot convert"));
        assert!(err("tonumber", vec![Value::Bool(true)]).contains("cannot convert"));
        assert_eq!(ok("tobool", vec![s("true")]), Value::Bool(true));
        assert_eq!(ok("tobool", vec![Value::Bool(false)]), Value::Bool(false));
        assert!(err("tobool", vec![s("yes")]).contains("cannot convert"));
        assert!(err("tobool", vec![n(1.0)]).contains("cannot convert"));
        assert_eq!(ok("tostring", vec![id_of("a")]), symbols(&["a"]));
    }

    #[test]
    fn collection_conversions() {
        assert_eq!(
            ok("tolist", vec![Value::List(vec![s("a"), n(1.0), Value::Bool(true)])]),
            strings(&["a", "1", "true"])
        );
        assert_eq!(ok("tolist", vec![Value::List(vec![n(1.0), id_of("b")])]), Value::List(vec![n(1.0), id_of("b")]));
        assert!(err("tolist", vec![Value::List(vec![n(1.0), Value::Bool(true)])]).contains("single type"));
        assert_eq!(ok("tomap", vec![object(&[("a", n(1.0)), ("b", s("x"))])]), object(&[("a", s("1")), ("b", s("x"))]));
        assert!(err("tomap", vec![strings(&["a"])]).contains("cannot convert"));
        assert_eq!(ok("toset", vec![strings(&["c", "b", "b", "a"])]), strings(&["a", "b", "c"]));
        assert_eq!(ok("toset", vec![numbers(&[10.0, 9.0, 10.0])]), numbers(&[9.0, 10.0]));
        assert_eq!(ok("toset", vec![Value::List(vec![s("a"), n(1.0)])]), strings(&["1", "a"]));
        assert_eq!(ok("toset", vec![Value::List(vec![s("a"), id_of("b")])]), symbols(&["b"]));
    }

    #[test]
    fn set_functions() {
        assert_eq!(
            ok("setunion", vec![strings(&["a", "b"]), strings(&["b", "c"]), strings(&["d"])]),
            strings(&["a", "b", "c", "d"])
        );
        assert_eq!(
            ok("setintersection", vec![strings(&["a", "b"]), strings(&["b", "c"]), strings(&["b", "d"])]),
            strings(&["b"])
        );
        assert_eq!(ok("setsubtract", vec![strings(&["a", "b", "c"]), strings(&["a", "c"])]), strings(&["b"]));
        assert_eq!(ok("setunion", vec![strings(&["a"]), numbers(&[1.0])]), strings(&["1", "a"]));
        assert_eq!(ok("setunion", vec![strings(&["a"]), Value::List(vec![id_of("b")])]), symbols(&["b"]));
        assert_eq!(ok("setsubtract", vec![strings(&["a"]), id_of("s")]), symbols(&["s"]));
    }
}
