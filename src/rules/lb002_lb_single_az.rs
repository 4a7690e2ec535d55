//! LB002: load balancers need more than one availability zone (an ALB needs at least two).

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::{LbKind, LoadBalancer};
use crate::topology::Topology;
use std::collections::BTreeSet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LB002",
        name: "lb-single-az",
        severity: Severity::Error,
        summary: "A load balancer's subnets are in fewer availability zones than it needs",
        doc: include_str!("../../rules/LB002.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for lb in &d.load_balancers {
        let from_subnets: BTreeSet<&str> =
            lb.subnets.iter().filter_map(|(s, _)| s.idx).filter_map(|s| d[s].availability_zone.as_deref()).collect();
        // Prefer what the subnets say: a listed zone without its subnet proves nothing.
        let zones: BTreeSet<&str> =
            if !from_subnets.is_empty() { from_subnets } else { lb.zones.iter().map(String::as_str).collect() };
        if zones.is_empty() || lb.subnets.iter().any(|(s, _)| s.idx.is_none()) && zones.len() < 2 {
            continue; // unknown
        }
        let severity = match (lb.kind, zones.len()) {
            (LbKind::Application, n) if n < 2 => Severity::Error,
            (LbKind::Network | LbKind::Classic, 1) => Severity::Warning,
            _ => continue,
        };
        let zones: Vec<&str> = zones.into_iter().collect();
        let f = finding(sink, lb, severity, &zones);
        sink.emit(f);
    }
}

/// The finding for a load balancer only in `zones`, too few for it.
fn finding(sink: &Sink<'_>, lb: &LoadBalancer, severity: Severity, zones: &[&str]) -> Finding {
    let why = if lb.kind == LbKind::Application {
        "an application load balancer must have subnets in at least two availability zones"
    } else {
        "if that zone fails, the load balancer fails with it"
    };
    sink.finding(
        severity,
        &lb.meta,
        lb.meta.id_origin(),
        format!("only {}", zones.join(", ")),
        format!("{} {} is only in {}: {why}", lb.kind.name(), lb.meta.label(), zones.join(", ")),
    )
    .help("add a subnet in another availability zone (one per zone)")
}
