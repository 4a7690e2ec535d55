//! What an intrinsic evaluates to, and the arithmetic of `Fn::Cidr` and `Fn::GetAZs`.

use ipnet::IpNet;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// Text that holds symbolic parts (`${AWS::StackName}-vpc`): shown, never interpreted.
    Symbolic(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
    /// A resource of this template, by logical id (a `Ref`, or a `Fn::GetAtt` of its id).
    Resource(String),
    /// The availability zones of a region (`Fn::GetAZs`): distinct symbolic names per index.
    Zones(String),
    /// `AWS::NoValue`: the property is removed.
    NoValue,
    Unknown,
}

impl Val {
    /// Known text: a string or a number.
    pub fn as_str(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(number_text(*n)),
            _ => None,
        }
    }
    /// Text for display: known text, symbolic text, or a resource's logical id.
    pub fn display(&self) -> Option<String> {
        match self {
            Val::Symbolic(s) | Val::Resource(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            other => other.as_str(),
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Val::Num(n) if n.fract() == 0.0 => Some(*n as i64),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(m) => m.get(key),
            _ => None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }
}

pub(super) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// Concatenate text pieces: known if all are known, symbolic if some are symbolic.
pub(super) fn concat(parts: impl Iterator<Item = Option<Val>>) -> Val {
    let mut out = String::new();
    let mut symbolic = false;
    for p in parts {
        // No template value needs more: a longer one is built to exhaust the machine.
        if out.len() > MAX_STRING {
            return Val::Unknown;
        }
        match p {
            Some(Val::Str(s)) => out.push_str(&s),
            Some(Val::Num(n)) => out.push_str(&number_text(n)),
            Some(Val::Symbolic(s)) => {
                symbolic = true;
                out.push_str(&s);
            }
            Some(Val::Resource(r)) => {
                symbolic = true;
                out.push_str(&format!("${{{r}}}"));
            }
            _ => return Val::Unknown,
        }
    }
    if symbolic { Val::Symbolic(out) } else { Val::Str(out) }
}

/// The longest string `Fn::Join` and `Fn::Sub` build (a template body is at most 1 MB).
const MAX_STRING: usize = 1 << 20;

/// The name vpclint gives the `index`-th zone of `Fn::GetAZs`: the same for the same index,
/// distinct for distinct ones, and visibly not a real zone name.
pub fn zone_name(region: &str, index: usize) -> String {
    if region.is_empty() { format!("Fn::GetAZs[{index}]") } else { format!("Fn::GetAZs({region})[{index}]") }
}

/// A JSON literal as a value.
pub(super) fn literal(v: &Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(Val::Unknown, Val::Num),
        Value::String(s) => Val::Str(s.clone()),
        Value::Array(a) => Val::List(a.iter().map(literal).collect()),
        Value::Object(m) => Val::Map(m.iter().map(|(k, v)| (k.clone(), literal(v))).collect()),
    }
}

/// `Fn::Cidr`: `count` consecutive blocks of `host_bits` host bits each, from the start of
/// `block` (IPv4 or IPv6). `None` when CloudFormation would reject the arguments.
pub fn cidr(block: &str, count: i64, host_bits: i64) -> Option<Vec<IpNet>> {
    let net: IpNet = block.trim().parse().ok()?;
    let max = i64::from(net.max_prefix_len());
    if !(1..=256).contains(&count) || host_bits < 1 || host_bits > max {
        return None;
    }
    let prefix = u8::try_from(max - host_bits).ok()?;
    if prefix < net.prefix_len() {
        return None;
    }
    let mut out = Vec::new();
    match net.trunc() {
        IpNet::V4(n) => {
            let mut subnets = n.subnets(prefix).ok()?;
            for _ in 0..count {
                out.push(IpNet::V4(subnets.next()?));
            }
        }
        IpNet::V6(n) => {
            let mut subnets = n.subnets(prefix).ok()?;
            for _ in 0..count {
                out.push(IpNet::V6(subnets.next()?));
            }
        }
    }
    Some(out)
}
