//! LB004: a target the load balancer cannot reach: its security groups do not admit the load
//! balancer on the target port, or its subnet's network ACL blocks the way there or back.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::{Verdict, evaluate};
use crate::analysis::sg::{ingress_sources, same_group};
use crate::model::net::{AddrRange, PortRange, Protocol};
use crate::model::{Design, Id, Instance, LbKind, LoadBalancer, Ref, Subnets, TargetGroup};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LB004",
        name: "lb-target-unreachable",
        severity: Severity::Error,
        summary: "A load balancer target's security groups or network ACL block the load balancer",
        doc: include_str!("../../rules/LB004.md"),
    },
    check,
    options: super::no_options,
};

/// Where a load balancer's traffic to its targets comes from.
struct Sender<'d> {
    lb: &'d LoadBalancer,
    subnets: Vec<Id<Subnets>>,
    /// The CIDR blocks of its subnets.
    ranges: Vec<AddrRange>,
    /// Whether every security group of the load balancer is in the input.
    groups_known: bool,
}

/// What `lb`'s targets see of it.
fn sender<'d>(d: &'d Design, lb: &'d LoadBalancer) -> Sender<'d> {
    let subnets: Vec<Id<Subnets>> = lb.subnets.iter().filter_map(|(s, _)| s.idx).collect();
    let ranges: Vec<AddrRange> = subnets.iter().filter_map(|&s| d[s].cidr.as_ref().map(AddrRange::of)).collect();
    Sender { lb, subnets, ranges, groups_known: Ref::all_resolved(&lb.security_groups).is_some() }
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for tg in &d.target_groups {
        if tg.target_type.as_deref().is_some_and(|k| k != "instance") {
            continue; // IP, Lambda and ALB targets carry no groups in a dump
        }
        for lbr in &tg.load_balancers {
            let Some(li) = lbr.idx else { continue };
            let lb = &d[li];
            if lb.kind == LbKind::Gateway {
                continue;
            }
            let from = sender(d, lb);
            for target in &tg.targets {
                let Some(inst) = t.instance(&target.id).map(|i| &d[i]) else { continue };
                let Some(port) = target.port.or(tg.port) else { continue };
                let problems: Vec<String> = security_group_problem(d, &from, inst, port)
                    .into_iter()
                    .chain(network_acl_problem(t, &from, inst, port))
                    .collect();
                if problems.is_empty() {
                    continue;
                }
                let f = finding(sink, tg, lb, inst, port, &problems);
                sink.emit(f);
            }
        }
    }
}

/// How the target's security groups refuse the load balancer on `port`, when they and the
/// load balancer's side are known well enough to tell.
fn security_group_problem(d: &Design, from: &Sender<'_>, inst: &Instance, port: u16) -> Option<String> {
    let groups = Ref::all_resolved(&inst.security_groups).filter(|g| !g.is_empty())?;
    let lb = from.lb;
    let admitted = ingress_sources(d, &groups, Protocol::TCP, Some(port));
    let by_group = lb.security_groups.iter().any(|g| admitted.groups.iter().any(|a| same_group(a, g)));
    let by_range = !from.ranges.is_empty() && from.ranges.iter().all(|r| admitted.ranges.iter().any(|a| a.contains(r)));
    let unknown = !admitted.prefix_lists.is_empty() || admitted.unknown || !from.groups_known || from.ranges.is_empty();
    if by_group || by_range || unknown {
        return None;
    }
    let source = if lb.security_groups.is_empty() {
        "the load balancer's subnets".to_string()
    } else {
        format!("the load balancer's security group ({})", Ref::join_ids(&lb.security_groups))
    };
    Some(format!(
        "its security groups ({}) do not admit TCP {port} from {source}",
        Ref::join_ids(&inst.security_groups)
    ))
}

/// How the network ACL of the target's subnet blocks the load balancer on `port`, or the
/// replies; not judged when the target is in one of the load balancer's own subnets.
fn network_acl_problem(t: &Topology<'_>, from: &Sender<'_>, inst: &Instance, port: u16) -> Option<String> {
    let si = inst.subnet.as_ref().and_then(|s| s.idx).filter(|s| !from.subnets.contains(s))?;
    let nacl = &t.design[t.network_acl(si)?];
    if nacl.has_unknown_entries {
        return None;
    }
    let by =
        |v: &Verdict| v.entry.map_or("the implicit deny".to_string(), |e| format!("rule {}", nacl.entries[e].number));
    for r in &from.ranges {
        let inbound = evaluate(nacl, false, Protocol::TCP, *r, PortRange::new(port, port));
        if let Some(v) = inbound.iter().find(|v| !v.allowed) {
            return Some(format!("network ACL {} denies TCP {port} from {} ({})", nacl.meta.id, v.addrs, by(v)));
        }
        let back = evaluate(nacl, true, Protocol::TCP, *r, PortRange::EPHEMERAL);
        if let Some(v) = back.iter().find(|v| !v.allowed) {
            return Some(format!(
                "network ACL {} denies the replies to {} on ports {} ({})",
                nacl.meta.id,
                v.addrs,
                v.ports,
                by(v)
            ));
        }
    }
    None
}

/// The finding for target `inst` of `tg` on `port`, which `lb` cannot reach because of `problems`.
fn finding(
    sink: &Sink<'_>,
    tg: &TargetGroup,
    lb: &LoadBalancer,
    inst: &Instance,
    port: u16,
    problems: &[String],
) -> Finding {
    sink.finding(
        Severity::Error,
        &tg.meta,
        tg.meta.id_origin(),
        format!("target {}:{port}", inst.meta.id),
        format!(
            "{} {} cannot reach target {}:{port} of target group {}: {}",
            lb.kind.name(),
            lb.meta.label(),
            inst.meta.label(),
            tg.meta.label(),
            problems.join("; ")
        ),
    )
    .label(inst.meta.id_origin(), "target instance")
    .help("admit the load balancer (its security group, or its subnets for a network load balancer without one) on the target port, and let the replies back through the subnet's network ACL")
    .on(format!("{}:{port}", inst.meta.id))
}
