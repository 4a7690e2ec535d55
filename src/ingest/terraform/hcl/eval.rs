//! Evaluating Terraform expressions: literals, templates, operators, conditionals, `for`
//! expressions, splats, function calls and references. What the configuration does not decide
//! is `Unknown`, deriving from the resource attributes it names; nothing is guessed.

use super::functions;
use super::state::{Evaluator, Scope};
use super::value::{Symbol, Value};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};
use std::collections::BTreeMap;

/// Expressions nested deeper than this are not evaluated (hostile input): Unknown.
const MAX_DEPTH: usize = 200;

/// Parts a value built by a function, a `for` expression or a template may have: a configuration
/// that doubles a list sixty times does not get to exhaust the machine.
const MAX_VALUE_PARTS: usize = 1 << 18;

/// `v`, unless it is too large to keep: then an error.
fn bounded(v: Value) -> Value {
    if v.exceeds(MAX_VALUE_PARTS) { Value::error() } else { v }
}

impl Evaluator<'_> {
    /// The value of `expr` in `scope`.
    pub fn eval(&mut self, expr: &Expression, scope: &Scope<'_>) -> Value {
        if !self.step() || scope.depth > MAX_DEPTH {
            return Value::unknown();
        }
        let scope = &scope.deeper();
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or_else(Value::unknown, Value::Number),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(items) => Value::List(items.iter().map(|e| self.eval(e, scope)).collect()),
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => Value::String(ident.as_str().to_string()),
                        ObjectKey::Expression(e) => self.eval(e, scope),
                    };
                    let value = self.eval(value.expr(), scope);
                    match key.to_text() {
                        Some(k) => {
                            map.insert(k, value);
                        }
                        None => return Value::unknown_from([&key, &value]),
                    }
                }
                Value::Object(map)
            }
            Expression::StringTemplate(t) => bounded(self.template(t, scope)),
            Expression::HeredocTemplate(h) => bounded(self.template(&h.template, scope)),
            Expression::Parenthesis(p) => self.eval(p.inner(), scope),
            Expression::Variable(v) => self.variable(v.as_str(), scope),
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope);
                match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr, scope),
                    Some(false) => self.eval(&c.false_expr, scope),
                    None => {
                        let (a, b) = (self.eval(&c.true_expr, scope), self.eval(&c.false_expr, scope));
                        Value::unknown_from([&cond, &a, &b])
                    }
                }
            }
            Expression::FuncCall(call) => self.call(call, scope),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, scope),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, scope);
                unary(*op.operator.value(), v)
            }
            Expression::BinaryOp(op) => self.binary(op, scope),
            Expression::ForExpr(f) => bounded(self.for_expr(f, scope)),
        }
    }

    fn template(&mut self, template: &Template, scope: &Scope<'_>) -> Value {
        // `"${x}"` is `x` itself, whatever its type (HCL: a lone interpolation is not converted).
        if let Some(Element::Interpolation(i)) = template.as_single_element() {
            return self.eval(&i.expr, scope);
        }
        let mut out = String::new();
        let mut unknown: Vec<Value> = Vec::new();
        for element in template.iter() {
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, scope);
                    match v.to_text() {
                        Some(s) => out.push_str(&s),
                        None => unknown.push(v),
                    }
                }
                // `%{if}` / `%{for}` directives: rare in network code, not evaluated.
                Element::Directive(_) => unknown.push(Value::unknown()),
            }
        }
        if unknown.is_empty() { Value::String(out) } else { Value::unknown_from(unknown.iter()) }
    }

    fn call(&mut self, call: &hcl_edit::expr::FuncCall, scope: &Scope<'_>) -> Value {
        let name = call.name.name.as_str();
        match name {
            // Lazily: the first argument that evaluates (vpclint's evaluation errors are Unknown
            // deriving from nothing), as Terraform's `try` returns the first that succeeds.
            "try" => {
                let mut last = Value::error();
                for arg in call.args.iter() {
                    last = self.eval(arg, scope);
                    if !last.is_error() {
                        return last;
                    }
                }
                last
            }
            "can" => match call.args.iter().next().map(|a| self.eval(a, scope)) {
                Some(v) if v.is_error() => Value::Bool(false),
                Some(v) if v.has_unknown() => Value::unknown_from([&v]),
                Some(_) => Value::Bool(true),
                None => Value::error(),
            },
            _ => {
                let mut args: Vec<Value> = call.args.iter().map(|a| self.eval(a, scope)).collect();
                if call.args.expand_final()
                    && let Some(Value::List(last)) = args.pop()
                {
                    args.extend(last);
                }
                if args.iter().any(|a| a.exceeds(MAX_VALUE_PARTS)) {
                    return Value::error();
                }
                match functions::call(name, args.clone()) {
                    Some(Ok(v)) => bounded(v),
                    // Terraform would reject the call; vpclint does not judge what it cannot read.
                    Some(Err(_)) => Value::error(),
                    None => Value::unknown_from(args.iter()),
                }
            }
        }
    }

    fn binary(&mut self, op: &hcl_edit::expr::BinaryOp, scope: &Scope<'_>) -> Value {
        use BinaryOperator as B;
        let lhs = self.eval(&op.lhs_expr, scope);
        let operator = *op.operator.value();
        // `false && x` and `true || x` are decided whatever `x` is.
        match (operator, lhs.as_bool()) {
            (B::And, Some(false)) => return Value::Bool(false),
            (B::Or, Some(true)) => return Value::Bool(true),
            _ => {}
        }
        let rhs = self.eval(&op.rhs_expr, scope);
        binary(operator, lhs, rhs)
    }

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, scope: &Scope<'_>) -> Value {
        let collection = self.eval(&f.intro.collection_expr, scope);
        let items: Vec<(Value, Value)> = match collection {
            Value::List(items) => items.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect(),
            Value::Object(map) => map.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            other => return Value::unknown_from([&other]),
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut object: BTreeMap<String, Value> = BTreeMap::new();
        let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let mut bound = vec![(value_var.clone(), v)];
            if let Some(name) = &key_var {
                bound.push((name.clone(), k));
            }
            let inner = scope.with(bound);
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &inner).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Value::unknown_from([&collection_symbols(&inner)]),
                }
            }
            let value = self.eval(&f.value_expr, &inner);
            match &f.key_expr {
                None => list.push(value),
                Some(key_expr) => {
                    let key = self.eval(key_expr, &inner);
                    let Some(key) = key.to_text() else { return Value::unknown_from([&key]) };
                    if f.grouping {
                        grouped.entry(key).or_default().push(value);
                    } else {
                        object.insert(key, value);
                    }
                }
            }
        }
        match (&f.key_expr, f.grouping) {
            (None, _) => Value::List(list),
            (Some(_), false) => Value::Object(object),
            (Some(_), true) => Value::Object(grouped.into_iter().map(|(k, v)| (k, Value::List(v))).collect()),
        }
    }

    /// A traversal: a root (a variable, `var.x`, `local.x`, `module.m`, `data.t.n`, a resource
    /// `type.name`) followed by attribute and index steps and splats.
    pub fn traversal(
        &mut self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: &Scope<'_>,
    ) -> Value {
        let (value, used) = match root {
            Expression::Variable(v) => self.named_root(v.as_str(), ops, scope),
            other => (self.eval(other, scope), 0),
        };
        self.apply_steps(value, &ops[used.min(ops.len())..], scope)
    }

    /// Apply traversal steps to a value.
    pub fn apply_steps(
        &mut self,
        mut value: Value,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        scope: &Scope<'_>,
    ) -> Value {
        let mut i = 0;
        while i < ops.len() {
            match ops[i].value() {
                TraversalOperator::GetAttr(name) => value = self.get_attr(value, name.as_str()),
                TraversalOperator::Index(e) => {
                    let index = self.eval(e, scope);
                    value = index_value(value, &index);
                }
                TraversalOperator::LegacyIndex(n) => value = index_value(value, &Value::Number(*n.value() as f64)),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(ops[i].value(), TraversalOperator::FullSplat(_));
                    // An attribute splat applies the attribute steps after it; a full splat all of them.
                    let end = if full {
                        ops.len()
                    } else {
                        i + 1
                            + ops[i + 1..]
                                .iter()
                                .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                                .count()
                    };
                    let elements = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        Value::Unknown(from) => return Value::Unknown(from),
                        other => vec![other],
                    };
                    let rest = &ops[i + 1..end];
                    value = Value::List(elements.into_iter().map(|e| self.apply_steps(e, rest, scope)).collect());
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        value
    }

    /// `value.name`: an object's member; a resource instance's attribute (from its configuration,
    /// else what apply decides); a deeper attribute of an unknown reference.
    pub fn get_attr(&mut self, value: Value, name: &str) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(address)) = map.get(super::state::INSTANCE) {
                    return self.instance_attr(&address.clone(), name);
                }
                // Terraform: "Unsupported attribute".
                map.get(name).cloned().unwrap_or_else(Value::error)
            }
            Value::Unknown(from) if from.len() == 1 => {
                let s = &from[0];
                let attr = if s.attr.is_empty() { name.to_string() } else { format!("{}.{name}", s.attr) };
                Value::Unknown(vec![Symbol { address: s.address.clone(), attr }])
            }
            Value::Unknown(from) => Value::Unknown(from),
            // Terraform: "Unsupported attribute" (of a string, a number, null).
            _ => Value::error(),
        }
    }
}

/// Everything a scope's bindings derive from (for an undecided `for` condition).
fn collection_symbols(scope: &Scope<'_>) -> Value {
    Value::unknown_from(scope.bindings().map(|(_, v)| v))
}

/// `value[index]`.
pub fn index_value(value: Value, index: &Value) -> Value {
    match (value, index) {
        (Value::Unknown(from), _) => Value::Unknown(from),
        (v, Value::Unknown(_)) => Value::unknown_from([&v, index]),
        (Value::List(items), i) => i.as_index().and_then(|i| items.into_iter().nth(i)).unwrap_or_else(Value::error),
        (Value::Object(map), k) => k.to_text().and_then(|k| map.get(&k).cloned()).unwrap_or_else(Value::error),
        _ => Value::error(),
    }
}

fn unary(op: UnaryOperator, v: Value) -> Value {
    match (op, &v) {
        (_, Value::Unknown(_)) => v,
        (UnaryOperator::Not, _) => v.as_bool().map_or_else(Value::unknown, |b| Value::Bool(!b)),
        (UnaryOperator::Neg, _) => v.as_number().map_or_else(Value::unknown, |n| Value::Number(-n)),
    }
}

fn binary(op: BinaryOperator, lhs: Value, rhs: Value) -> Value {
    use BinaryOperator as B;
    if lhs.has_unknown() || rhs.has_unknown() {
        return Value::unknown_from([&lhs, &rhs]);
    }
    let numbers = || Some((lhs.as_number()?, rhs.as_number()?));
    let arithmetic = |f: fn(f64, f64) -> f64| numbers().map_or_else(Value::unknown, |(a, b)| Value::Number(f(a, b)));
    let compare = |f: fn(f64, f64) -> bool| numbers().map_or_else(Value::unknown, |(a, b)| Value::Bool(f(a, b)));
    match op {
        B::Eq => Value::Bool(equal(&lhs, &rhs)),
        B::NotEq => Value::Bool(!equal(&lhs, &rhs)),
        B::And | B::Or => match (lhs.as_bool(), rhs.as_bool()) {
            (Some(a), Some(b)) => Value::Bool(if op == B::And { a && b } else { a || b }),
            _ => Value::unknown(),
        },
        B::Plus => arithmetic(|a, b| a + b),
        B::Minus => arithmetic(|a, b| a - b),
        B::Mul => arithmetic(|a, b| a * b),
        // Division by zero is an error in Terraform: not a value.
        B::Div => match numbers() {
            Some((a, b)) if b != 0.0 => Value::Number(a / b),
            _ => Value::unknown(),
        },
        B::Mod => match numbers() {
            Some((a, b)) if b != 0.0 => Value::Number(a % b),
            _ => Value::unknown(),
        },
        B::Less => compare(|a, b| a < b),
        B::LessEq => compare(|a, b| a <= b),
        B::Greater => compare(|a, b| a > b),
        B::GreaterEq => compare(|a, b| a >= b),
    }
}

/// `==` as Terraform compares: numbers by value, a number and its string are not equal.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        _ => a == b,
    }
}
