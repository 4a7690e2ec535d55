//! The decisions of one hop: a network ACL, a set of security groups, a route lookup. Each
//! narrows the remote addresses still admitted and says why it passed, blocked or cannot tell.

use super::{Blocker, Code, Hop, Verdict};
use crate::analysis::{nacl, routing, sg};
use crate::model::net::{self, AddrRange, PortRange, Protocol};
use crate::model::*;
use crate::topology::Topology;

/// What a hop produced: its line on the path, a blocker, an unknown.
pub struct Outcome {
    pub hop: Hop,
    pub blocker: Option<Blocker>,
    pub unknown: Option<String>,
}

pub fn unknown(resource: String, kind: &'static str, why: String) -> Outcome {
    Outcome {
        hop: Hop { resource, kind, verdict: Verdict::Unknown, detail: why.clone() },
        blocker: None,
        unknown: Some(why),
    }
}

pub fn passed(resource: String, kind: &'static str, detail: String) -> Outcome {
    Outcome { hop: Hop { resource, kind, verdict: Verdict::Pass, detail }, blocker: None, unknown: None }
}

pub fn blocked(
    resource: String,
    kind: &'static str,
    code: Code,
    entry: Option<String>,
    reason: String,
    on_return: bool,
) -> Outcome {
    Outcome {
        hop: Hop { resource: resource.clone(), kind, verdict: Verdict::Block, detail: reason.clone() },
        blocker: Some(Blocker { resource, kind, code, entry, reason, on_return }),
        unknown: None,
    }
}

/// Addresses for a message: "the internet" when they are all of it.
fn show(ranges: &[AddrRange]) -> String {
    let ranges = net::normalize(ranges.to_vec());
    match ranges.first().map(|r| r.family) {
        Some(f) if ranges == super::endpoint::internet(f) => "the internet".into(),
        _ => net::display_ranges(&ranges),
    }
}

/// The network ACL of `subnet`, one direction (`egress`), for traffic of `protocol` on `ports`
/// to or from `remote` (narrowed to what it allows, unless it allows nothing).
pub fn nacl(
    t: &Topology<'_>,
    subnet: Id<Subnets>,
    egress: bool,
    (protocol, ports): (Protocol, PortRange),
    remote: &mut Vec<AddrRange>,
    on_return: bool,
) -> Outcome {
    let way = if egress { "outbound" } else { "inbound" };
    let Some(acl) = t.network_acl(subnet) else {
        let s = t.design[subnet].meta.label();
        return unknown(s.clone(), "subnet", format!("the network ACL of subnet {s} is not in the input"));
    };
    let a = &t.design[acl];
    if a.has_unknown_entries {
        return unknown(
            a.meta.id.clone(),
            "network ACL",
            format!("some {way} entries of {} are known only after apply", a.meta.label()),
        );
    }
    let mut allowed = Vec::new();
    let mut denied: Vec<(AddrRange, String)> = Vec::new();
    for range in remote.iter() {
        for v in nacl::evaluate(a, egress, protocol, *range, ports) {
            let rule = v.entry.map_or("*".to_string(), |i| a.entries[i].number.to_string());
            if v.allowed {
                allowed.push((v.addrs, rule));
            } else {
                denied.push((v.addrs, rule));
            }
        }
    }
    let allowed_addrs = net::normalize(allowed.iter().map(|(r, _)| *r).collect());
    // Replies use one port of 1024-65535 the client chose: an address some of whose reply ports
    // pass gets through for some clients, so it is admitted, with a note.
    let fully_denied: Vec<AddrRange> =
        net::normalize(denied.iter().flat_map(|(r, _)| net::uncovered(r, &allowed_addrs)).collect());
    let rules: Vec<String> = {
        let mut r: Vec<String> = allowed.iter().map(|(_, n)| n.clone()).collect();
        r.sort();
        r.dedup();
        r
    };
    let what = if ports == PortRange::EPHEMERAL {
        "replies on ports 1024-65535".to_string()
    } else {
        describe(protocol, ports)
    };
    if allowed_addrs.is_empty() {
        let rule = denied.first().map_or("*".into(), |(_, n)| n.clone());
        let reason = format!(
            "{} {way} rule {rule} denies {what} {} {}",
            a.meta.label(),
            if egress { "to" } else { "from" },
            show(remote)
        );
        return blocked(
            a.meta.id.clone(),
            "network ACL",
            if egress { Code::NaclDeniesOutbound } else { Code::NaclDeniesInbound },
            Some(rule),
            reason,
            on_return,
        );
    }
    let mut detail = format!("{way} rule {} allows {what}", rules.join(", "));
    if !fully_denied.is_empty() {
        detail.push_str(&format!(" (not {} {})", if egress { "to" } else { "from" }, show(&fully_denied)));
    }
    let partial_ports = denied.iter().any(|(r, _)| allowed_addrs.iter().any(|a| a.intersect(r).is_some()));
    if partial_ports && ports == PortRange::EPHEMERAL {
        detail.push_str("; some reply ports are denied, so clients that pick them fail");
    }
    *remote = allowed_addrs;
    passed(a.meta.id.clone(), "network ACL", detail)
}

fn describe(protocol: Protocol, ports: PortRange) -> String {
    if protocol.has_ports() { format!("{protocol} {}", ports.describe()) } else { format!("{protocol}") }
}

/// The security groups of an end: what they admit from (`ingress`) or to `remote`, on
/// `protocol`/`port`; `remote_groups` are the other end's groups (group references).
pub fn groups(
    t: &Topology<'_>,
    groups: Option<&[Id<SecurityGroups>]>,
    ingress: bool,
    (protocol, port): (Protocol, Option<u16>),
    remote: &mut Vec<AddrRange>,
    remote_groups: Option<&[Id<SecurityGroups>]>,
) -> Outcome {
    let way = if ingress { "inbound" } else { "outbound" };
    let Some(groups) = groups else {
        return passed(
            String::new(),
            "security groups",
            "no security group is evaluated: a subnet or an address is not an interface".into(),
        );
    };
    let d = t.design;
    let ids = groups.iter().map(|&g| d[g].meta.id.clone()).collect::<Vec<_>>().join(", ");
    if groups.iter().any(|&g| if ingress { d[g].has_unknown_ingress } else { d[g].has_unknown_egress }) {
        return unknown(
            ids,
            "security groups",
            format!(
                "some {way} rules of {} are known only after apply",
                groups.iter().map(|&g| d[g].meta.label()).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    let mut ranges = Vec::new();
    let mut by_group = false;
    let mut prefix_lists = Vec::new();
    for &g in groups {
        let rules = if ingress { &d[g].ingress } else { &d[g].egress };
        for rule in rules.iter().filter(|r| sg::rule_matches(r, protocol, port)) {
            ranges.extend(rule.cidrs.iter().map(AddrRange::of));
            prefix_lists.extend(rule.prefix_lists.iter().cloned());
            by_group |=
                rule.groups.iter().any(|r| r.idx.is_some_and(|i| remote_groups.is_some_and(|o| o.contains(&i))));
        }
    }
    let ports = port.map_or(PortRange::ALL, |p| PortRange::new(p, p));
    let what = describe(protocol, ports);
    if by_group {
        return passed(ids, "security groups", format!("{way} rule admits {what} from the other end's security group"));
    }
    let admitted: Vec<AddrRange> =
        net::normalize(remote.iter().flat_map(|r| ranges.iter().filter_map(|x| x.intersect(r))).collect());
    if admitted.is_empty() {
        if !prefix_lists.is_empty() {
            return unknown(
                ids,
                "security groups",
                format!(
                    "{way} rules admit {what} from prefix lists ({}) whose entries are not in the input",
                    prefix_lists.join(", ")
                ),
            );
        }
        let (code, dir) =
            if ingress { (Code::SecurityGroupIngress, "from") } else { (Code::SecurityGroupEgress, "to") };
        let reason = format!("no {way} rule of {ids} admits {what} {dir} {}", show(remote));
        return blocked(ids, "security groups", code, None, reason, false);
    }
    let mut detail = format!("{way} rules admit {what} {} {}", if ingress { "from" } else { "to" }, show(&admitted));
    if admitted != net::normalize(remote.clone()) {
        detail.push_str(" only");
    }
    *remote = admitted;
    passed(ids, "security groups", detail)
}

/// The route `subnet`'s table uses for `destination`.
pub enum Routed<'d> {
    Route(Id<RouteTables>, &'d Route),
    Decided(Outcome),
}

pub fn route<'d>(
    t: &Topology<'d>,
    subnet: Id<Subnets>,
    destination: &ipnet::IpNet,
    what: &str,
    on_return: bool,
) -> Routed<'d> {
    let d = t.design;
    let s = &d[subnet];
    let Some(eff) = t.effective_route_table(subnet).filter(|_| !s.route_table_undecided) else {
        return Routed::Decided(unknown(
            s.meta.id.clone(),
            "subnet",
            format!("which route table subnet {} uses is not decided by the input", s.meta.label()),
        ));
    };
    let table = &d[eff.table];
    let Some(route) = routing::lookup(table, destination) else {
        if table.has_unknown_routes {
            return Routed::Decided(unknown(
                table.meta.id.clone(),
                "route table",
                format!("some routes of {} are known only after apply", table.meta.label()),
            ));
        }
        let reason = format!("route table {} has no route for {what} ({destination})", table.meta.label());
        return Routed::Decided(blocked(table.meta.id.clone(), "route table", Code::NoRoute, None, reason, on_return));
    };
    if table.has_unknown_routes && route.target.kind != TargetKind::Local {
        return Routed::Decided(unknown(
            table.meta.id.clone(),
            "route table",
            format!("some routes of {} are known only after apply: one may be more specific", table.meta.label()),
        ));
    }
    if !routing::is_active(route) {
        let reason = format!("route table {} sends {what} to {}", table.meta.label(), routing::describe_target(route));
        return Routed::Decided(blocked(
            table.meta.id.clone(),
            "route table",
            Code::BlackholeRoute,
            Some(route.destination.to_string()),
            reason,
            on_return,
        ));
    }
    Routed::Route(eff.table, route)
}

/// The line a route adds to a path.
pub fn route_hop(t: &Topology<'_>, table: Id<RouteTables>, route: &Route) -> Outcome {
    let tb = &t.design[table];
    passed(
        tb.meta.id.clone(),
        "route table",
        format!("route {} → {} (longest prefix match)", route.destination, routing::describe_target(route)),
    )
}
