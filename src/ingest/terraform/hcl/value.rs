//! Values of Terraform expressions as vpclint evaluates them from sources: what the configuration
//! decides, and `Unknown` for what only apply decides, carrying the resource attributes it derives
//! from (so `aws_subnet.a.id` is not a value but still names `aws_subnet.a`).

use std::collections::BTreeMap;

/// A resource instance attribute an unknown value derives from: `aws_subnet.pub["a"]` and `id`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol {
    /// The instance's full address, module path included (`module.vpc.aws_subnet.this[0]`).
    pub address: String,
    /// The attribute path below it (`id`, `arn`, `main_route_table_id`); empty for the resource.
    pub attr: String,
}

/// A value of the Terraform language.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets (a set is kept sorted and without repeats).
    List(Vec<Value>),
    /// Objects and maps, by key (Terraform iterates maps in key order).
    Object(BTreeMap<String, Value>),
    /// Known only after apply, or not decidable from the configuration. `from` lists the resource
    /// attributes it derives from, sorted; empty when it derives from none (a data source, a
    /// variable without a value).
    Unknown(Vec<Symbol>),
}

impl Value {
    /// An unknown value deriving from nothing vpclint can name.
    pub fn unknown() -> Value {
        Value::Unknown(Vec::new())
    }

    /// What an expression Terraform would reject evaluates to (a missing attribute, an index out
    /// of range, a function given the wrong arguments): unknown to everything but `can` and `try`,
    /// which see that it failed.
    pub fn error() -> Value {
        Value::Unknown(vec![Symbol { address: ERROR.to_string(), attr: String::new() }])
    }

    /// Whether evaluating the value failed somewhere.
    pub fn is_error(&self) -> bool {
        let mut s = Vec::new();
        self.collect_symbols(&mut s);
        s.iter().any(|s| s.address == ERROR)
    }

    /// The reference `address.attr`, whose value apply decides.
    pub fn reference(address: impl Into<String>, attr: impl Into<String>) -> Value {
        Value::Unknown(vec![Symbol { address: address.into(), attr: attr.into() }])
    }

    /// An unknown value deriving from everything `values` derive from.
    pub fn unknown_from<'v>(values: impl IntoIterator<Item = &'v Value>) -> Value {
        let mut from = Vec::new();
        for v in values {
            v.collect_symbols(&mut from);
        }
        from.sort();
        from.dedup();
        Value::Unknown(from)
    }

    /// Every symbol this value (or any part of it) derives from.
    pub fn collect_symbols(&self, out: &mut Vec<Symbol>) {
        match self {
            Value::Unknown(from) => out.extend(from.iter().cloned()),
            Value::List(items) => items.iter().for_each(|v| v.collect_symbols(out)),
            Value::Object(map) => map.values().for_each(|v| v.collect_symbols(out)),
            _ => {}
        }
    }

    /// Whether the value has more than `limit` parts (elements, members, bytes of text), counted
    /// no further than the limit.
    pub fn exceeds(&self, limit: usize) -> bool {
        fn count(v: &Value, budget: &mut usize) -> bool {
            let own = match v {
                Value::String(s) => s.len() / 64 + 1,
                _ => 1,
            };
            if *budget < own {
                return true;
            }
            *budget -= own;
            match v {
                Value::List(items) => items.iter().any(|i| count(i, budget)),
                Value::Object(map) => map.values().any(|i| count(i, budget)),
                _ => false,
            }
        }
        let mut budget = limit;
        count(self, &mut budget)
    }

    /// Whether the value itself (not a part of it) is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// Whether the value or any part of it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::List(items) => items.iter().any(Value::has_unknown),
            Value::Object(map) => map.values().any(Value::has_unknown),
            _ => false,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// A number, or a string Terraform converts to one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A whole number that fits an index (no fraction, not negative).
    pub fn as_index(&self) -> Option<usize> {
        let n = self.as_number()?;
        (n.fract() == 0.0 && (0.0..9.0e15).contains(&n)).then_some(n as usize)
    }

    /// The string Terraform makes of a primitive (`tostring`, and template interpolation);
    /// `None` for collections, null and unknown values.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(number_text(*n)),
            _ => None,
        }
    }

    /// The value's type as Terraform names it, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown(_) => "unknown",
        }
    }
}

/// The address of the symbol an error carries (no resource has it).
const ERROR: &str = "\u{0}error";

/// A number as Terraform prints it: integers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1.0e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// What a function call evaluates to; `Err` for a call Terraform would reject (wrong arguments),
/// which the caller reports and treats as unknown.
pub type Evaluated = Result<Value, String>;
