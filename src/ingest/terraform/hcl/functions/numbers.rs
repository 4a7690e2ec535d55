//! Numeric functions.

use super::number_arg;
use crate::ingest::terraform::hcl::value::{Evaluated, Value};

/// Terraform's own cap on `range`, which reports the 1025th number as an error.
const MAX_RANGE: usize = 1024;
/// `f64` sums of at most `MAX_RANGE` steps stay exact for multiples of 2⁻¹⁰ up to 2⁴⁰, so such a
/// range is the sequence Terraform's arbitrary-precision numbers produce.
const EXACT_RANGE_MAGNITUDE: f64 = 1_099_511_627_776.0;
const EXACT_RANGE_UNIT: f64 = 1024.0;

fn unary(args: &[Value], operation: fn(f64) -> f64) -> Evaluated {
    let [value] = args else { return Err("expects 1 argument".to_string()) };
    Ok(Value::Number(operation(number_arg(value)?)))
}

pub(super) fn abs(args: &[Value]) -> Evaluated {
    unary(args, f64::abs)
}

pub(super) fn ceil(args: &[Value]) -> Evaluated {
    unary(args, f64::ceil)
}

pub(super) fn floor(args: &[Value]) -> Evaluated {
    unary(args, f64::floor)
}

/// `log(number, base)`. Base 2 through `log2`, exact for powers of two (which subnet-bit
/// arithmetic such as `ceil(log(n, 2))` depends on).
pub(super) fn log(args: &[Value]) -> Evaluated {
    let [x, base] = args else { return Err("expects 2 arguments".to_string()) };
    let (x, base) = (number_arg(x)?, number_arg(base)?);
    let value = if base == 2.0 { x.log2() } else { x.ln() / base.ln() };
    if value.is_finite() { Ok(Value::Number(value)) } else { Err("the result is not a finite number".to_string()) }
}

/// `pow(base, exponent)`.
pub(super) fn pow(args: &[Value]) -> Evaluated {
    let [base, exponent] = args else { return Err("expects 2 arguments".to_string()) };
    let value = number_arg(base)?.powf(number_arg(exponent)?);
    if value.is_finite() { Ok(Value::Number(value)) } else { Err("the result is not a finite number".to_string()) }
}

/// `signum(n)`: -1, 0 or 1 (not f64::signum, which gives 1 for 0).
pub(super) fn signum(args: &[Value]) -> Evaluated {
    unary(args, |n| {
        if n > 0.0 {
            1.0
        } else if n < 0.0 {
            -1.0
        } else {
            0.0
        }
    })
}

fn fold(args: &[Value], pick: fn(f64, f64) -> f64) -> Evaluated {
    let mut numbers = args.iter().map(number_arg);
    let first = numbers.next().ok_or_else(|| "must pass at least one number".to_string())??;
    numbers.try_fold(first, |best, next| Ok(pick(best, next?))).map(Value::Number)
}

pub(super) fn min(args: &[Value]) -> Evaluated {
    fold(args, f64::min)
}

pub(super) fn max(args: &[Value]) -> Evaluated {
    fold(args, f64::max)
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`; without a step, it is 1
/// or -1 towards the limit. `None` for numbers whose `f64` sums could drift from Terraform's
/// exact ones (fractions such as 0.1).
pub(super) fn range(args: &[Value]) -> Option<Evaluated> {
    let numbers: Result<Vec<f64>, String> = args.iter().map(number_arg).collect();
    let numbers = match numbers {
        Ok(numbers) => numbers,
        Err(message) => return Some(Err(message)),
    };
    let (start, limit, step) = match numbers.as_slice() {
        [limit] => (0.0, *limit, if *limit < 0.0 { -1.0 } else { 1.0 }),
        [start, limit] => (*start, *limit, if limit < start { -1.0 } else { 1.0 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => return Some(Err("must have one, two, or three arguments".to_string())),
    };
    let exact = |x: f64| x.abs() <= EXACT_RANGE_MAGNITUDE && (x * EXACT_RANGE_UNIT).fract() == 0.0;
    if !(exact(start) && exact(limit) && exact(step)) {
        return None;
    }
    Some(sequence(start, limit, step))
}

fn sequence(start: f64, limit: f64, step: f64) -> Evaluated {
    if step == 0.0 {
        return Err("step must not be zero".to_string());
    }
    let down = step < 0.0;
    if down && limit > start {
        return Err("end must be less than start when step is negative".to_string());
    }
    if !down && limit < start {
        return Err("end must be greater than start when step is positive".to_string());
    }
    let mut values = Vec::new();
    let mut number = start;
    while (down && number > limit) || (!down && number < limit) {
        if values.len() >= MAX_RANGE {
            return Err(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step"
                    .to_string(),
            );
        }
        values.push(Value::Number(number));
        number += step;
    }
    Ok(Value::List(values))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, id_of, n, numbers, ok, s, symbols};

    #[test]
    fn range_documentation_examples() {
        assert_eq!(ok("range", vec![n(3.0)]), numbers(&[0.0, 1.0, 2.0]));
        assert_eq!(ok("range", vec![n(1.0), n(4.0)]), numbers(&[1.0, 2.0, 3.0]));
        assert_eq!(ok("range", vec![n(1.0), n(8.0), n(2.0)]), numbers(&[1.0, 3.0, 5.0, 7.0]));
        assert_eq!(ok("range", vec![n(1.0), n(4.0), n(0.5)]), numbers(&[1.0, 1.5, 2.0, 2.5, 3.0, 3.5]));
        assert_eq!(ok("range", vec![n(4.0), n(1.0)]), numbers(&[4.0, 3.0, 2.0]));
        assert_eq!(ok("range", vec![n(10.0), n(5.0), n(-2.0)]), numbers(&[10.0, 8.0, 6.0]));
        assert_eq!(ok("range", vec![n(0.0), n(-4.0), n(-1.0)]), numbers(&[0.0, -1.0, -2.0, -3.0]));
        assert_eq!(ok("range", vec![n(-3.0)]), numbers(&[0.0, -1.0, -2.0]));
        assert_eq!(ok("range", vec![n(0.0)]), numbers(&[]));
    }

    #[test]
    fn range_limits() {
        assert_eq!(ok("range", vec![s("2")]), numbers(&[0.0, 1.0]));
        assert!(err("range", vec![n(0.0), n(4.0), n(-1.0)]).contains("end must be less than start"));
        assert!(err("range", vec![n(4.0), n(0.0), n(1.0)]).contains("end must be greater than start"));
        assert_eq!(err("range", vec![n(0.0), n(4.0), n(0.0)]), "step must not be zero");
        assert_eq!(ok("range", vec![n(1024.0)]).clone(), numbers(&(0..1024).map(f64::from).collect::<Vec<_>>()));
        assert!(err("range", vec![n(1025.0)]).starts_with("more than 1024 values"));
        assert!(err("range", vec![n(0.0), n(1.0e12), n(1.0)]).starts_with("more than 1024 values"));
        assert_eq!(super::super::call("range", vec![n(0.0), n(1.0), n(0.1)]), None);
        assert_eq!(ok("range", vec![id_of("n")]), symbols(&["n"]));
    }

    #[test]
    fn min_max_and_rounding() {
        assert_eq!(ok("min", vec![n(12.0), n(54.0), n(3.0)]), n(3.0));
        assert_eq!(ok("max", vec![n(12.0), n(54.0), n(3.0)]), n(54.0));
        assert_eq!(ok("max", vec![s("7"), n(5.0)]), n(7.0));
        assert!(err("min", vec![s("x")]).contains("cannot convert"));
        assert_eq!(ok("abs", vec![n(-12.4)]), n(12.4));
        assert_eq!(ok("ceil", vec![n(4.1)]), n(5.0));
        assert_eq!(ok("floor", vec![n(-4.9)]), n(-5.0));
        assert_eq!(ok("log", vec![n(16.0), n(2.0)]), n(4.0));
        assert_eq!(ok("log", vec![n(8.0), n(2.0)]), n(3.0));
        assert_eq!(ok("pow", vec![n(3.0), n(2.0)]), n(9.0));
        assert_eq!(ok("signum", vec![n(-13.0)]), n(-1.0));
        assert_eq!(ok("signum", vec![n(0.0)]), n(0.0));
        assert_eq!(ok("signum", vec![n(344.0)]), n(1.0));
    }
}
