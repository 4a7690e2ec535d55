//! Intrinsic functions, evaluated as far as the template and the given parameters decide them.
//!
//! What cannot be decided before deployment (an `Fn::ImportValue`, a parameter with no default
//! and no `--parameter`, a condition on one) is [`Val::Unknown`], never absent. Pseudo parameters
//! (`AWS::Region`, `AWS::AccountId`, …) are symbolic unless given with `--parameter`; strings
//! built from them are [`Val::Symbolic`]: fine for names, never parsed as CIDRs.

mod values;

pub use values::*;

use crate::ingest::normalise::defaults::{DEFAULT_NACL, DEFAULT_SECURITY_GROUP, implicit_id};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// How deep intrinsics and conditions may nest before evaluation gives up (cycles, fuzzed input).
const MAX_DEPTH: usize = 64;

/// A template's parameters, mappings, conditions and resources, for evaluation.
pub struct Template<'a> {
    parameters: HashMap<String, Val>,
    mappings: Option<&'a Map<String, Value>>,
    conditions: Option<&'a Map<String, Value>>,
    resources: Option<&'a Map<String, Value>>,
    condition_cache: RefCell<HashMap<String, Option<bool>>>,
    /// Resource attributes evaluated once each (a chain of `Fn::GetAtt`s that each name the next
    /// several times is linear, not exponential), and the ones being evaluated (a cycle).
    attribute_cache: RefCell<HashMap<(String, String), Val>>,
    attribute_busy: RefCell<std::collections::HashSet<(String, String)>>,
    /// Resources whose attributes refer to themselves: CloudFormation rejects such templates.
    pub cycles: RefCell<std::collections::BTreeSet<String>>,
    /// Names a `Ref` or `Fn::GetAtt` gave that are no parameter, resource or pseudo parameter,
    /// since last taken (CloudFormation rejects the template).
    pub missing: RefCell<std::collections::BTreeSet<String>>,
    /// The template names a `Transform`: a macro defines names the template does not show.
    pub transformed: bool,
    /// `--parameter` values the template's parameter declarations refuse (`AllowedValues`).
    pub rejected_parameters: Vec<(String, String)>,
}

/// Why CloudFormation would refuse the value given for a parameter: not among its
/// `AllowedValues` (each element of a list parameter).
fn refused_value(name: &str, given: &Value, decl: &Value, is_list: bool) -> Option<String> {
    let allowed = decl.get("AllowedValues").and_then(Value::as_array)?;
    let given = given.as_str()?;
    let allowed: Vec<String> = allowed.iter().filter_map(|a| literal(a).display()).collect();
    let mut values = if is_list { given.split(',').map(str::trim).collect() } else { vec![given] };
    values.retain(|v| !allowed.iter().any(|a| a == v));
    let refused = values.first()?;
    Some(format!(
        "`--parameter {name}` value {} is not one of the parameter's AllowedValues ({})",
        crate::diagnostic::quoted_value(refused),
        allowed.join(", ")
    ))
}

/// Pseudo parameters: symbolic unless the user gives a value.
const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::Region",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::NotificationARNs",
];

impl<'a> Template<'a> {
    /// `overrides` are `--parameter Key=Value` pairs; they win over `Default`s.
    pub fn new(root: &'a Map<String, Value>, overrides: &[(String, String)]) -> Template<'a> {
        let obj = |k: &str| root.get(k).and_then(Value::as_object);
        let mut t = Template {
            parameters: HashMap::new(),
            mappings: obj("Mappings"),
            conditions: obj("Conditions"),
            resources: obj("Resources"),
            condition_cache: RefCell::new(HashMap::new()),
            attribute_cache: RefCell::new(HashMap::new()),
            attribute_busy: RefCell::new(std::collections::HashSet::new()),
            cycles: RefCell::new(std::collections::BTreeSet::new()),
            missing: RefCell::new(std::collections::BTreeSet::new()),
            transformed: root.contains_key("Transform"),
            rejected_parameters: Vec::new(),
        };
        for p in PSEUDO {
            t.parameters.insert(p.to_string(), Val::Symbolic(format!("${{{p}}}")));
        }
        for (name, decl) in obj("Parameters").into_iter().flatten() {
            let is_list = decl
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|ty| ty.starts_with("List<") || ty == "CommaDelimitedList");
            let given = overrides.iter().find(|(k, _)| k == name).map(|(_, v)| Value::String(v.clone()));
            if let Some(message) = given.as_ref().and_then(|v| refused_value(name, v, decl, is_list)) {
                t.rejected_parameters.push((name.clone(), message));
            }
            // The default of an SSM parameter type names a parameter in Systems Manager; its
            // value is read at deployment.
            let from_ssm = decl
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|ty| ty.starts_with("AWS::SSM::Parameter::Value<"));
            let default = decl.get("Default").filter(|_| !from_ssm);
            let value = match given.as_ref().or(default) {
                None => Val::Unknown,
                Some(v) => {
                    let literal = literal(v);
                    match (&literal, is_list) {
                        (Val::Str(s), true) => Val::List(
                            s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Val::Str(s.into())).collect(),
                        ),
                        _ => literal,
                    }
                }
            };
            t.parameters.insert(name.clone(), value);
        }
        for (k, v) in overrides {
            if PSEUDO.contains(&k.as_str()) {
                t.parameters.insert(k.clone(), Val::Str(v.clone()));
            }
        }
        t
    }

    /// A parameter's (or pseudo parameter's) value, if the template declares it.
    pub fn parameter(&self, name: &str) -> Option<&Val> {
        self.parameters.get(name)
    }

    fn resource_type(&self, logical: &str) -> Option<&'a str> {
        self.resources?.get(logical)?.get("Type")?.as_str()
    }

    fn resource_property(&self, logical: &str, property: &str) -> Option<&'a Value> {
        self.resources?.get(logical)?.get("Properties")?.get(property)
    }

    /// Whether a resource's `Condition` holds: `None` when it depends on something unknown.
    pub fn resource_condition(&self, resource: &Value) -> Option<bool> {
        match resource.get("Condition") {
            None => Some(true),
            Some(Value::String(name)) => self.condition(name, 0),
            Some(_) => None,
        }
    }

    /// A named condition of the `Conditions` section.
    pub fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        if let Some(v) = self.condition_cache.borrow().get(name) {
            return *v;
        }
        if depth > MAX_DEPTH {
            return None;
        }
        let result = self.conditions.and_then(|c| c.get(name)).and_then(|c| self.eval(c, depth + 1).as_bool());
        self.condition_cache.borrow_mut().insert(name.to_string(), result);
        result
    }

    /// Evaluate a value with its intrinsics.
    pub fn eval(&self, v: &Value, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        match v {
            Value::Object(m) if m.len() == 1 => {
                let (k, arg) = m.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", v));
                if k == "Ref" || k == "Condition" || k.starts_with("Fn::") {
                    return self.function(k, arg, depth + 1);
                }
                self.eval_map(m, depth)
            }
            Value::Object(m) => self.eval_map(m, depth),
            Value::Array(items) => Val::List(
                items.iter().map(|i| self.eval(i, depth + 1)).filter(|x| !matches!(x, Val::NoValue)).collect(),
            ),
            other => literal(other),
        }
    }

    fn eval_map(&self, m: &Map<String, Value>, depth: usize) -> Val {
        Val::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), self.eval(v, depth + 1)))
                .filter(|(_, v)| !matches!(v, Val::NoValue))
                .collect(),
        )
    }

    fn list_args(arg: &Value, n: usize) -> Option<&[Value]> {
        arg.as_array().map(Vec::as_slice).filter(|a| a.len() >= n)
    }

    fn function(&self, name: &str, arg: &Value, depth: usize) -> Val {
        match name {
            "Ref" => match arg.as_str() {
                Some("AWS::NoValue") => Val::NoValue,
                Some(target) => self.reference(target),
                None => Val::Unknown,
            },
            "Fn::GetAtt" => self.get_att(arg, depth),
            "Fn::Sub" => self.sub(arg, depth),
            "Fn::Join" => self.join(arg, depth),
            "Fn::Split" => self.split(arg, depth),
            "Fn::Base64" => match self.eval(arg, depth) {
                v @ (Val::Str(_) | Val::Symbolic(_)) => v,
                _ => Val::Unknown,
            },
            "Fn::Select" => self.select(arg, depth),
            "Fn::FindInMap" => self.find_in_map(arg, depth),
            "Fn::Length" => match self.eval(arg, depth) {
                Val::List(items) => Val::Num(items.len() as f64),
                _ => Val::Unknown,
            },
            "Condition" => arg.as_str().and_then(|c| self.condition(c, depth)).map_or(Val::Unknown, Val::Bool),
            "Fn::If" => self.if_branch(arg, depth),
            "Fn::Equals" => self.equals(arg, depth),
            "Fn::Not" => {
                let v = arg.as_array().and_then(|a| a.first()).map(|c| self.eval(c, depth));
                v.and_then(|v| v.as_bool()).map_or(Val::Unknown, |b| Val::Bool(!b))
            }
            "Fn::And" => self.and_or(true, arg, depth),
            "Fn::Or" => self.and_or(false, arg, depth),
            "Fn::GetAZs" => self.get_azs(arg, depth),
            "Fn::Cidr" => self.cidr_blocks(arg, depth),
            // Fn::ImportValue, Fn::Transform, Fn::ToJsonString, Fn::GetStackOutput…: decided elsewhere.
            _ => Val::Unknown,
        }
    }

    fn get_att(&self, arg: &Value, depth: usize) -> Val {
        let parts: Option<(String, String)> = match arg {
            Value::String(s) => s.split_once('.').map(|(a, b)| (a.to_string(), b.to_string())),
            Value::Array(a) if a.len() == 2 => {
                match (self.eval(&a[0], depth).as_str(), self.eval(&a[1], depth).as_str()) {
                    (Some(r), Some(at)) => Some((r, at)),
                    _ => None,
                }
            }
            _ => None,
        };
        parts.map_or(Val::Unknown, |(r, at)| self.attribute(&r, &at, depth))
    }

    fn join(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 2) else { return Val::Unknown };
        let (Some(sep), Val::List(items)) = (self.eval(&a[0], depth).as_str(), self.eval(&a[1], depth)) else {
            return Val::Unknown;
        };
        let mut parts = Vec::with_capacity(items.len() * 2);
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                parts.push(Some(Val::Str(sep.clone())));
            }
            parts.push(Some(item));
        }
        concat(parts.into_iter())
    }

    fn split(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 2) else { return Val::Unknown };
        match (self.eval(&a[0], depth).as_str(), self.eval(&a[1], depth).as_str()) {
            (Some(sep), Some(s)) if !sep.is_empty() => {
                Val::List(s.split(sep.as_str()).map(|p| Val::Str(p.to_string())).collect())
            }
            _ => Val::Unknown,
        }
    }

    fn select(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 2) else { return Val::Unknown };
        let Some(index) = self.eval(&a[0], depth).as_i64().and_then(|i| usize::try_from(i).ok()) else {
            return Val::Unknown;
        };
        match self.eval(&a[1], depth) {
            Val::List(items) => items.get(index).cloned().unwrap_or(Val::Unknown),
            Val::Zones(region) => Val::Symbolic(zone_name(&region, index)),
            _ => Val::Unknown,
        }
    }

    fn find_in_map(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 3) else { return Val::Unknown };
        let keys: Vec<Option<String>> = a[..3].iter().map(|k| self.eval(k, depth).as_str()).collect();
        let found = match (&keys[0], &keys[1], &keys[2]) {
            (Some(m), Some(k1), Some(k2)) => self.mappings.and_then(|ms| ms.get(m)?.get(k1)?.get(k2)),
            _ => return Val::Unknown,
        };
        match found {
            Some(v) => self.eval(v, depth),
            // The language extension's `DefaultValue`.
            None => a.get(3).and_then(|d| d.get("DefaultValue")).map_or(Val::Unknown, |d| self.eval(d, depth)),
        }
    }

    fn if_branch(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 3) else { return Val::Unknown };
        match a[0].as_str().and_then(|c| self.condition(c, depth)) {
            Some(true) => self.eval(&a[1], depth),
            Some(false) => self.eval(&a[2], depth),
            None => {
                // Undecided, but both branches agree: the value is known anyway.
                let (x, y) = (self.eval(&a[1], depth), self.eval(&a[2], depth));
                if x == y { x } else { Val::Unknown }
            }
        }
    }

    fn equals(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 2) else { return Val::Unknown };
        let (x, y) = (self.eval(&a[0], depth), self.eval(&a[1], depth));
        match (
            x.as_str().or_else(|| x.as_bool().map(|b| b.to_string())),
            y.as_str().or_else(|| y.as_bool().map(|b| b.to_string())),
        ) {
            (Some(x), Some(y)) => Val::Bool(x == y),
            _ => Val::Unknown,
        }
    }

    /// `Fn::And` (`and`) or `Fn::Or`.
    fn and_or(&self, and: bool, arg: &Value, depth: usize) -> Val {
        let Some(items) = arg.as_array() else { return Val::Unknown };
        let values: Vec<Option<bool>> = items.iter().map(|c| self.eval(c, depth).as_bool()).collect();
        // A decisive operand decides, whatever the unknown ones are.
        if values.contains(&Some(!and)) {
            Val::Bool(!and)
        } else if values.iter().all(Option::is_some) {
            Val::Bool(and)
        } else {
            Val::Unknown
        }
    }

    fn get_azs(&self, arg: &Value, depth: usize) -> Val {
        match self.eval(arg, depth) {
            Val::Str(r) if !r.is_empty() => Val::Zones(r),
            Val::Str(_) | Val::Null => Val::Zones(String::new()),
            Val::Symbolic(_) => Val::Zones(String::new()),
            _ => Val::Unknown,
        }
    }

    /// `Fn::Cidr`, when its block, count and host bits are known.
    fn cidr_blocks(&self, arg: &Value, depth: usize) -> Val {
        let Some(a) = Self::list_args(arg, 3) else { return Val::Unknown };
        let block = self.eval(&a[0], depth).as_str();
        let count = self.eval(&a[1], depth).as_i64();
        let bits = self.eval(&a[2], depth).as_i64();
        match (block, count, bits) {
            (Some(b), Some(c), Some(h)) => cidr(&b, c, h)
                .map_or(Val::Unknown, |nets| Val::List(nets.into_iter().map(|n| Val::Str(n.to_string())).collect())),
            _ => Val::Unknown,
        }
    }

    fn reference(&self, target: &str) -> Val {
        if let Some(v) = self.parameters.get(target) {
            return v.clone();
        }
        if self.resource_type(target).is_some() {
            return Val::Resource(target.to_string());
        }
        if target != "AWS::NoValue" {
            self.missing.borrow_mut().insert(target.to_string());
        }
        Val::Unknown
    }

    /// A resource's property as another resource's `Fn::GetAtt` sees it: evaluated once, and
    /// Unknown (with the resource recorded as circular) when evaluating it needs itself.
    fn property_value(&self, logical: &str, prop: &str, depth: usize) -> Val {
        let key = (logical.to_string(), prop.to_string());
        if let Some(v) = self.attribute_cache.borrow().get(&key) {
            return v.clone();
        }
        if !self.attribute_busy.borrow_mut().insert(key.clone()) {
            self.cycles.borrow_mut().insert(logical.to_string());
            return Val::Unknown;
        }
        let v = self.resource_property(logical, prop).map_or(Val::Unknown, |v| self.eval(v, depth + 1));
        self.attribute_busy.borrow_mut().remove(&key);
        self.attribute_cache.borrow_mut().insert(key, v.clone());
        v
    }

    /// `Fn::GetAtt`: an attribute that is the resource's own identifier is the resource; a few
    /// attributes echo a property (`CidrBlock`); the rest are known only after deployment.
    fn attribute(&self, logical: &str, attr: &str, depth: usize) -> Val {
        let Some(rtype) = self.resource_type(logical) else {
            self.missing.borrow_mut().insert(logical.to_string());
            return Val::Unknown;
        };
        let echo = |prop: &str| self.property_value(logical, prop, depth);
        match (rtype, attr) {
            ("AWS::EC2::VPC", "CidrBlock") | ("AWS::EC2::Subnet", "CidrBlock") => echo("CidrBlock"),
            ("AWS::EC2::VPC", "VpcId") => Val::Resource(logical.to_string()),
            ("AWS::EC2::VPC", "DefaultNetworkAcl") => Val::Resource(implicit_id(logical, DEFAULT_NACL)),
            ("AWS::EC2::VPC", "DefaultSecurityGroup") => Val::Resource(implicit_id(logical, DEFAULT_SECURITY_GROUP)),
            ("AWS::EC2::Subnet", "AvailabilityZone") => echo("AvailabilityZone"),
            ("AWS::EC2::Subnet" | "AWS::EC2::SecurityGroup" | "AWS::EC2::RouteTable", "VpcId") => echo("VpcId"),
            (
                _,
                "GroupId"
                | "AllocationId"
                | "SubnetId"
                | "RouteTableId"
                | "NetworkAclId"
                | "Id"
                | "InternetGatewayId"
                | "NatGatewayId"
                | "LoadBalancerArn"
                | "TargetGroupArn"
                | "ListenerArn"
                | "TransitGatewayId"
                | "TransitGatewayAttachmentId"
                | "TransitGatewayRouteTableId"
                | "NetworkInterfaceId"
                | "InstanceId"
                | "VpcEndpointId"
                | "EgressOnlyInternetGatewayId"
                | "VpcPeeringConnectionId",
            ) => Val::Resource(logical.to_string()),
            _ => Val::Unknown,
        }
    }

    fn sub(&self, arg: &Value, depth: usize) -> Val {
        let (text, vars) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(a) if !a.is_empty() => match a[0].as_str() {
                Some(s) => (s, a.get(1).and_then(Value::as_object)),
                None => return Val::Unknown,
            },
            _ => return Val::Unknown,
        };
        let mut parts: Vec<Option<Val>> = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let (before, after) = rest.split_at(start);
            if !before.is_empty() {
                parts.push(Some(Val::Str(before.to_string())));
            }
            let Some(end) = after.find('}') else {
                parts.push(Some(Val::Str(after.to_string())));
                rest = "";
                break;
            };
            let name = &after[2..end];
            if let Some(lit) = name.strip_prefix('!') {
                parts.push(Some(Val::Str(format!("${{{lit}}}"))));
            } else {
                let name = name.trim();
                let value = match vars.and_then(|v| v.get(name)) {
                    Some(v) => self.eval(v, depth),
                    None => match name.split_once('.') {
                        Some((r, at)) if !self.parameters.contains_key(name) => self.attribute(r, at, depth),
                        _ => self.reference(name),
                    },
                };
                // In text, a resource stands for its physical id: symbolic.
                let value = match value {
                    Val::Resource(_) => Val::Symbolic(format!("${{{name}}}")),
                    Val::Unknown => Val::Unknown,
                    v => v,
                };
                parts.push(Some(value));
            }
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Some(Val::Str(rest.to_string())));
        }
        // `!Sub '${Vpc}'`: the whole string is one variable, so the value is that variable's.
        if let [Some(Val::Symbolic(s))] = parts.as_slice()
            && s == text
            && let Some(name) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}'))
            && !name.contains('.')
            && self.resource_type(name).is_some()
        {
            return Val::Resource(name.to_string());
        }
        concat(parts.into_iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(v: Value) -> Value {
        v
    }

    fn eval_in(t: &Value, expr: Value, params: &[(&str, &str)]) -> Val {
        let params: Vec<(String, String)> = params.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        Template::new(t.as_object().unwrap(), &params).eval(&expr, 0)
    }

    #[test]
    fn cidr_matches_the_documented_examples() {
        // "!Cidr [ 192.168.0.0/24, 6, 5 ]" creates 6 CIDRs with a subnet mask "/27".
        let v4: Vec<String> = cidr("192.168.0.0/24", 6, 5).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            v4,
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27"
            ]
        );
        // An IPv6 /56 split into /64s (64 host bits).
        let v6 = cidr("2001:db8:1234:1a00::/56", 2, 64).unwrap();
        assert_eq!(v6[0].to_string(), "2001:db8:1234:1a00::/64");
        assert_eq!(v6[1].to_string(), "2001:db8:1234:1a01::/64");
        // More blocks than fit, more host bits than the block has, or a count over 256: rejected.
        assert!(cidr("10.0.0.0/24", 3, 7).is_none());
        assert!(cidr("10.0.0.0/24", 1, 9).is_none());
        assert!(cidr("10.0.0.0/8", 257, 8).is_none());
        assert!(cidr("not-a-cidr", 1, 8).is_none());
    }

    #[test]
    fn cidr_of_a_vpc_attribute_through_select() {
        let t = template(
            json!({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}}),
        );
        let e = json!({"Fn::Select": [2, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 8]}]});
        assert_eq!(eval_in(&t, e, &[]), Val::Str("10.0.2.0/24".into()));
    }

    #[test]
    fn get_azs_gives_distinct_symbolic_zones() {
        let t = json!({"Resources": {}});
        let a = eval_in(&t, json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}), &[]);
        let b = eval_in(&t, json!({"Fn::Select": [1, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}), &[]);
        let a2 = eval_in(&t, json!({"Fn::Select": ["0", {"Fn::GetAZs": ""}]}), &[]);
        assert_ne!(a, b);
        assert_eq!(a, a2);
        assert!(a.as_str().is_none(), "a symbolic zone is not a known string: {a:?}");
    }

    #[test]
    fn sub_with_variables_parameters_and_pseudo_parameters() {
        let t = json!({
            "Parameters": {"Env": {"Type": "String", "Default": "prod"}, "Octet": {"Type": "Number"}},
            "Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}
        });
        assert_eq!(eval_in(&t, json!({"Fn::Sub": "${Env}-app"}), &[]), Val::Str("prod-app".into()));
        assert_eq!(
            eval_in(&t, json!({"Fn::Sub": ["10.${X}.0.0/16", {"X": {"Ref": "Octet"}}]}), &[("Octet", "7")]),
            Val::Str("10.7.0.0/16".into())
        );
        assert_eq!(eval_in(&t, json!({"Fn::Sub": "10.${Octet}.0.0/16"}), &[]), Val::Unknown);
        assert_eq!(
            eval_in(&t, json!({"Fn::Sub": "${AWS::StackName}-${Env}"}), &[]),
            Val::Symbolic("${AWS::StackName}-prod".into())
        );
        assert_eq!(eval_in(&t, json!({"Fn::Sub": "${!Literal}"}), &[]), Val::Str("${Literal}".into()));
        assert_eq!(eval_in(&t, json!({"Fn::Sub": "${Vpc}"}), &[]), Val::Resource("Vpc".into()));
        assert_eq!(
            eval_in(&t, json!({"Fn::Sub": "${AWS::Region}"}), &[("AWS::Region", "eu-west-1")]),
            Val::Str("eu-west-1".into())
        );
    }

    #[test]
    fn if_follows_conditions_decided_by_parameters() {
        let t = json!({
            "Parameters": {"Nat": {"Type": "String", "Default": "true"}, "Free": {"Type": "String"}},
            "Conditions": {
                "WithNat": {"Fn::Equals": [{"Ref": "Nat"}, "true"]},
                "Both": {"Fn::And": [{"Condition": "WithNat"}, {"Fn::Equals": [{"Ref": "Free"}, "x"]}]},
                "Either": {"Fn::Or": [{"Condition": "WithNat"}, {"Fn::Equals": [{"Ref": "Free"}, "x"]}]},
                "Loop": {"Fn::Not": [{"Condition": "Loop"}]}
            },
            "Resources": {}
        });
        let pick = |c: &str| json!({"Fn::If": [c, "a", "b"]});
        assert_eq!(eval_in(&t, pick("WithNat"), &[]), Val::Str("a".into()));
        assert_eq!(eval_in(&t, pick("WithNat"), &[("Nat", "false")]), Val::Str("b".into()));
        assert_eq!(eval_in(&t, pick("Both"), &[]), Val::Unknown);
        assert_eq!(eval_in(&t, pick("Both"), &[("Free", "x")]), Val::Str("a".into()));
        assert_eq!(eval_in(&t, pick("Either"), &[]), Val::Str("a".into()));
        assert_eq!(eval_in(&t, pick("Loop"), &[]), Val::Unknown);
        assert_eq!(eval_in(&t, json!({"Fn::If": ["Both", "same", "same"]}), &[]), Val::Str("same".into()));
        assert_eq!(eval_in(&t, json!({"Fn::If": ["WithNat", {"Ref": "AWS::NoValue"}, "b"]}), &[]), Val::NoValue);
    }

    #[test]
    fn join_split_select_and_find_in_map() {
        let t = json!({
            "Mappings": {"Net": {"prod": {"Vpc": "10.1.0.0/16"}}},
            "Parameters": {"Subnets": {"Type": "CommaDelimitedList", "Default": "a, b,c"}},
            "Resources": {}
        });
        assert_eq!(eval_in(&t, json!({"Fn::FindInMap": ["Net", "prod", "Vpc"]}), &[]), Val::Str("10.1.0.0/16".into()));
        assert_eq!(eval_in(&t, json!({"Fn::FindInMap": ["Net", "dev", "Vpc"]}), &[]), Val::Unknown);
        assert_eq!(eval_in(&t, json!({"Fn::Select": [1, {"Ref": "Subnets"}]}), &[]), Val::Str("b".into()));
        assert_eq!(
            eval_in(&t, json!({"Fn::Join": ["-", ["x", {"Fn::Select": [2, {"Fn::Split": [",", "p,q,r"]}]}]]}), &[]),
            Val::Str("x-r".into())
        );
        assert_eq!(eval_in(&t, json!({"Fn::ImportValue": "Shared-VpcId"}), &[]), Val::Unknown);
        assert_eq!(eval_in(&t, json!({"Ref": "Nope"}), &[]), Val::Unknown);
    }
}
