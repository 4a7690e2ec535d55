//! LB005: an internal load balancer in public subnets (usually a placement mistake).

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::{Id, LbKind, LoadBalancer, Scheme, Subnet, Subnets};
use crate::source::Origin;
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LB005",
        name: "internal-lb-in-public-subnet",
        severity: Severity::Info,
        summary: "An internal load balancer is placed in public subnets",
        doc: include_str!("../../rules/LB005.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for lb in &d.load_balancers {
        if lb.scheme != Scheme::Internal || lb.kind == LbKind::Gateway {
            continue;
        }
        let public: Vec<(Id<Subnets>, &Origin)> = lb
            .subnets
            .iter()
            .filter_map(|(s, o)| s.idx.map(|i| (i, o)))
            .filter(|(i, _)| t.is_public(*i) == Some(true))
            .collect();
        let Some(&(first, at)) = public.first() else { continue };
        let public: Vec<&Subnet> = public.iter().map(|(i, _)| &d[*i]).collect();
        let f = finding(sink, lb, &d[first], at, &public);
        sink.emit(f);
    }
}

/// The finding for internal `lb` in `public` subnets, the first of which is placed at `at`.
fn finding(sink: &Sink<'_>, lb: &LoadBalancer, first: &Subnet, at: &Origin, public: &[&Subnet]) -> Finding {
    let names: Vec<String> = public.iter().map(|s| s.meta.label()).collect();
    sink.finding(
        Severity::Info,
        &lb.meta,
        at.clone(),
        format!("{} is public", first.meta.id),
        format!(
            "internal {} {} is placed in public subnet{} {}: internal load balancers usually belong in private subnets",
            lb.kind.name(),
            lb.meta.label(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
    )
    .help("move it to private subnets, or if it is meant for internet clients, make it internet-facing")
}
