//! LB003: a listener port that the load balancer's own security groups admit from none of its
//! clients.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::sg::ingress_sources;
use crate::model::net::{AddrRange, Family, Protocol};
use crate::model::{Design, Id, Listener, LoadBalancer, Ref, Scheme, SecurityGroups};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LB003",
        name: "lb-listener-blocked-by-sg",
        severity: Severity::Error,
        summary: "A load balancer listener's port is not admitted by the load balancer's security groups",
        doc: include_str!("../../rules/LB003.md"),
    },
    check,
    options: super::no_options,
};

/// Who connects to the load balancer: the internet, or the VPC and its peers. `None`: unknown.
fn clients(t: &Topology<'_>, lb: &LoadBalancer) -> Option<(Vec<AddrRange>, String)> {
    if lb.scheme == Scheme::Unknown {
        return None;
    }
    if lb.scheme == Scheme::InternetFacing {
        let mut r = vec![AddrRange::of(&Family::V4.any())];
        if lb.ip_address_type.as_deref().is_some_and(|t| t.starts_with("dualstack")) {
            r.push(AddrRange::of(&Family::V6.any()));
        }
        return Some((r, "the internet".into()));
    }
    let d = t.design;
    let vpc = lb
        .vpc
        .as_ref()
        .and_then(|r| r.idx)
        .or_else(|| lb.subnets.iter().find_map(|(s, _)| s.idx).and_then(|s| d[s].vpc.as_ref()?.idx))?;
    let mut ranges: Vec<AddrRange> = d[vpc].active_cidrs().map(|c| AddrRange::of(&c.net)).collect();
    for (_, peer) in t.peers(vpc) {
        ranges.extend(d[peer].active_cidrs().map(|c| AddrRange::of(&c.net)));
    }
    (!ranges.is_empty()).then(|| (ranges, format!("{} and its peers", d[vpc].meta.id)))
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for listener in &d.listeners {
        let Some(li) = listener.load_balancer.as_ref().and_then(|r| r.idx) else { continue };
        let lb = &d[li];
        let (Some(port), false) = (listener.port, lb.security_groups.is_empty()) else { continue };
        // Every group must be known, or what they admit is unknown.
        let groups = Ref::all_resolved(&lb.security_groups);
        let Some(groups) = groups else { continue };
        let protocol = match listener.protocol.as_deref().map(str::to_ascii_uppercase).as_deref() {
            Some("UDP") => Protocol::UDP,
            _ => Protocol::TCP,
        };
        let Some((clients, who)) = clients(t, lb) else { continue };
        let admitted = ingress_sources(d, &groups, protocol, Some(port));
        let reaches = admitted.ranges.iter().any(|a| clients.iter().any(|c| c.intersect(a).is_some()));
        // Group references, prefix lists and rules the input does not decide may stand for
        // clients: do not judge them.
        if reaches || !admitted.groups.is_empty() || !admitted.prefix_lists.is_empty() || admitted.unknown {
            continue;
        }
        let f = finding(sink, d, listener, lb, &groups, (protocol, port), &who);
        sink.emit(f);
    }
}

/// The finding for a listener of `lb` on `protocol` and `port`, which its security `groups`
/// admit from none of its clients (`who`).
fn finding(
    sink: &Sink<'_>,
    d: &Design,
    listener: &Listener,
    lb: &LoadBalancer,
    groups: &[Id<SecurityGroups>],
    (protocol, port): (Protocol, u16),
    who: &str,
) -> Finding {
    let mut f = sink
        .finding(
            Severity::Error,
            &lb.meta,
            listener.meta.origin.at_first(&d.sources, &["Port", "Properties/Port", "port", "LoadBalancerPort"]),
            format!("{protocol} {port}"),
            format!(
                "{} {} listens on {protocol} port {port}, but its security groups ({}) admit that port from none of \
                 its clients ({who}): security groups drop what they do not admit, so clients time out",
                lb.kind.name(),
                lb.meta.label(),
                Ref::join_ids(&lb.security_groups)
            ),
        )
        .on(listener.meta.id.clone());
    for &g in groups {
        f = f.label(d[g].meta.id_origin(), "load balancer security group");
    }
    f.help(format!(
        "add an inbound rule for {protocol} {port} from {who} to one of the load balancer's security groups"
    ))
}
