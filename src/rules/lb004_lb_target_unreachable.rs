//! LB004: a target the load balancer cannot reach: its security groups do not admit the load
//! balancer on the target port, or its subnet's network ACL blocks the way there or back.

use super::{Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::evaluate;
use crate::analysis::sg::{ingress_sources, same_group};
use crate::model::net::{AddrRange, PortRange, Protocol};
use crate::model::{Id, LbKind, Ref, Subnets};
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
            let lb_subnets: Vec<Id<Subnets>> = lb.subnets.iter().filter_map(|(s, _)| s.idx).collect();
            let lb_ranges: Vec<AddrRange> =
                lb_subnets.iter().filter_map(|&s| d[s].cidr.as_ref().map(AddrRange::of)).collect();
            let lb_groups = Ref::all_resolved(&lb.security_groups);
            for target in &tg.targets {
                let Some(inst) = t.instance(&target.id).map(|i| &d[i]) else { continue };
                let Some(port) = target.port.or(tg.port) else { continue };
                let mut problems: Vec<String> = Vec::new();
                // Security groups of the target.
                let groups = Ref::all_resolved(&inst.security_groups);
                if let Some(groups) = groups.filter(|g| !g.is_empty()) {
                    let admitted = ingress_sources(d, &groups, Protocol::TCP, Some(port));
                    let by_group = lb.security_groups.iter().any(|g| admitted.groups.iter().any(|a| same_group(a, g)));
                    let by_range = !lb_ranges.is_empty()
                        && lb_ranges.iter().all(|r| admitted.ranges.iter().any(|a| a.contains(r)));
                    let unknown = !admitted.prefix_lists.is_empty() || lb_groups.is_none() || lb_ranges.is_empty();
                    if !by_group && !by_range && !unknown {
                        let source = if lb.security_groups.is_empty() {
                            "the load balancer's subnets".to_string()
                        } else {
                            format!("the load balancer's security group ({})", Ref::join_ids(&lb.security_groups))
                        };
                        problems.push(format!(
                            "its security groups ({}) do not admit TCP {port} from {source}",
                            Ref::join_ids(&inst.security_groups)
                        ));
                    }
                }
                // The network ACL of the target's subnet, unless it is one of the load balancer's.
                if let Some(si) = inst.subnet.as_ref().and_then(|s| s.idx).filter(|s| !lb_subnets.contains(s))
                    && let Some(ni) = t.network_acl(si)
                {
                    let nacl = &d[ni];
                    if !nacl.has_unknown_entries {
                        for r in &lb_ranges {
                            let port_range = PortRange::new(port, port);
                            let inbound = evaluate(nacl, false, Protocol::TCP, *r, port_range);
                            if let Some(v) = inbound.iter().find(|v| !v.allowed) {
                                problems.push(format!(
                                    "network ACL {} denies TCP {port} from {} ({})",
                                    nacl.meta.id,
                                    v.addrs,
                                    v.entry.map_or("the implicit deny".to_string(), |e| format!(
                                        "rule {}",
                                        nacl.entries[e].number
                                    ))
                                ));
                                break;
                            }
                            let back = evaluate(nacl, true, Protocol::TCP, *r, PortRange::EPHEMERAL);
                            if let Some(v) = back.iter().find(|v| !v.allowed) {
                                problems.push(format!(
                                    "network ACL {} denies the replies to {} on ports {} ({})",
                                    nacl.meta.id,
                                    v.addrs,
                                    v.ports,
                                    v.entry.map_or("the implicit deny".to_string(), |e| format!(
                                        "rule {}",
                                        nacl.entries[e].number
                                    ))
                                ));
                                break;
                            }
                        }
                    }
                }
                if problems.is_empty() {
                    continue;
                }
                let f = sink
                    .finding(
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
                    .on(format!("{}:{port}", inst.meta.id));
                sink.emit(f);
            }
        }
    }
}
