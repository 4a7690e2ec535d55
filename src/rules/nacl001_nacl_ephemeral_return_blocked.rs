//! NACL001: network ACLs are stateless, so every connection they admit needs its replies allowed
//! on the ephemeral ports in the other direction.

use super::{Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::{Verdict, allows_everything, decided_by, evaluate};
use crate::model::NetworkAcl;
use crate::model::net::{AddrRange, Family, PortRange, Protocol, display_ranges, normalize, normalize_ports};
use crate::topology::Topology;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NACL001",
        name: "nacl-ephemeral-return-blocked",
        severity: Severity::Error,
        summary: "A network ACL admits connections but denies their return traffic on ephemeral ports",
        doc: include_str!("../../rules/NACL001.md"),
    },
    check,
    options: super::no_options,
};

/// A range that serves replies rather than services: it starts at or above 1024 and runs to 65535.
fn is_return_range(p: PortRange) -> bool {
    p.from >= 1024 && p.to == 65535
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    for nacl in &t.design.network_acls {
        if nacl.subnets.is_empty() || nacl.has_unknown_entries || allows_everything(nacl) {
            continue;
        }
        // (direction of the opening traffic, protocol, addresses it reaches) → entries that admit it
        let mut groups: BTreeMap<(bool, Protocol, Vec<AddrRange>), Vec<usize>> = BTreeMap::new();
        for (i, e) in nacl.entries.iter().enumerate() {
            if !e.allow || !(e.protocol == Protocol::All || e.protocol.has_ports()) {
                continue;
            }
            if e.protocol != Protocol::All && e.ports.is_some_and(is_return_range) {
                continue;
            }
            let protocol = if e.protocol == Protocol::All { Protocol::TCP } else { e.protocol };
            let admitted = normalize(decided_by(nacl, i, protocol).iter().map(|v| v.addrs).collect());
            if admitted.is_empty() {
                continue; // fully shadowed by lower-numbered entries
            }
            groups.entry((e.egress, protocol, admitted)).or_default().push(i);
        }
        let no_ipv6 = subnets_without_ipv6(t, nacl);
        for ((egress, protocol, admitted), entries) in groups {
            // IPv6 traffic cannot reach subnets without IPv6 blocks yet: a latent problem.
            let latent = no_ipv6 && admitted.iter().all(|a| a.family == Family::V6);
            report(sink, nacl, (egress, protocol), &admitted, &entries, latent);
        }
    }
}

/// Whether every subnet of the ACL is known and none has an IPv6 block.
fn subnets_without_ipv6(t: &Topology<'_>, nacl: &NetworkAcl) -> bool {
    nacl.subnets.iter().all(|(s, _)| s.idx.is_some_and(|i| t.design[i].ipv6_cidrs.is_empty()))
}

fn report(
    sink: &mut Sink<'_>,
    nacl: &NetworkAcl,
    (egress, protocol): (bool, Protocol),
    admitted: &[AddrRange],
    entries: &[usize],
    latent: bool,
) {
    let verdicts: Vec<Verdict> =
        admitted.iter().flat_map(|a| evaluate(nacl, !egress, protocol, *a, PortRange::EPHEMERAL)).collect();
    let denied: Vec<&Verdict> = verdicts.iter().filter(|v| !v.allowed).collect();
    if denied.is_empty() {
        return;
    }
    let severity = if verdicts.iter().any(|v| v.allowed) || latent { Severity::Warning } else { Severity::Error };

    let (to_from, reply_dir, open_dir) =
        if egress { ("from", "inbound", "outbound") } else { ("to", "outbound", "inbound") };
    let by = |entry: Option<usize>| match entry {
        Some(i) if nacl.entries[i].number >= 32767 => format!("the default deny (rule {})", nacl.entries[i].number),
        Some(i) => format!("rule {}", nacl.entries[i].number),
        None => "the implicit deny".to_string(),
    };
    // Parts of the traffic, grouped by the deciding entry and port range.
    let group = |vs: &[&Verdict]| {
        let mut g: BTreeMap<(u32, Option<usize>, PortRange), Vec<AddrRange>> = BTreeMap::new();
        for v in vs {
            let number = v.entry.map_or(u32::MAX, |i| nacl.entries[i].number);
            g.entry((number, v.entry, v.ports)).or_default().push(v.addrs);
        }
        g
    };
    let cidr_count = |vs: &[&Verdict]| vs.iter().map(|v| v.addrs.to_cidrs().len()).sum::<usize>();
    let allowed: Vec<&Verdict> = verdicts.iter().filter(|v| v.allowed).collect();
    let denied_text = if !allowed.is_empty() && cidr_count(&denied) > 6 && cidr_count(&allowed) < cidr_count(&denied) {
        // Mostly denied: say what is let through instead of listing every denied block.
        let causes: std::collections::BTreeSet<String> = denied.iter().map(|v| by(v.entry)).collect();
        let exceptions: Vec<String> = group(&allowed)
            .iter()
            .map(|((_, e, ports), addrs)| {
                format!("{} {to_from} {} ({})", ports.describe(), display_ranges(addrs), by(*e))
            })
            .collect();
        format!(
            "ports {} {to_from} {} by {}, except {}",
            PortRange::EPHEMERAL,
            display_ranges(admitted),
            causes.into_iter().collect::<Vec<_>>().join(" and "),
            exceptions.join(", ")
        )
    } else {
        group(&denied)
            .iter()
            .map(|((_, e, ports), addrs)| {
                format!("{} {to_from} {} by {}", ports.describe(), display_ranges(addrs), by(*e))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    // Ports each explicit entry denies, for its label.
    let mut denying: BTreeMap<usize, Vec<PortRange>> = BTreeMap::new();
    for v in &denied {
        if let Some(i) = v.entry {
            denying.entry(i).or_default().push(v.ports);
        }
    }
    let denied_ports = normalize_ports(denied.iter().map(|v| v.ports).collect());
    let first = &nacl.entries[entries[0]];
    let services: Vec<String> = entries
        .iter()
        .map(|&i| {
            let e = &nacl.entries[i];
            let what = match (e.protocol, e.ports) {
                (Protocol::All, _) => "all traffic".to_string(),
                (p, None) => format!("{p} on all ports"),
                (p, Some(r)) if r.from == r.to => format!("{p} port {r}"),
                (p, Some(r)) => format!("{p} ports {r}"),
            };
            format!("{what} (rule {})", e.number)
        })
        .collect();
    let peer_dir = if egress { "to" } else { "from" };
    let used_by = nacl.subnets.len();
    let mut message = format!(
        "network ACL {} allows {open_dir} {} {peer_dir} {}, but NACLs are stateless and the {reply_dir} {protocol} \
         replies on ephemeral ports are denied: {}",
        nacl.meta.label(),
        services.join(", "),
        display_ranges(admitted),
        denied_text
    );
    if latent {
        message.push_str(" (latent: none of its subnets has an IPv6 block yet)");
    }
    let mut f = sink.finding(
        severity,
        &nacl.meta,
        first.origin.clone(),
        format!("allows {open_dir} {} {peer_dir} {}", services[0], display_ranges(admitted)),
        message,
    );
    for (k, &i) in entries.iter().enumerate().skip(1) {
        f = f.label(nacl.entries[i].origin.clone(), format!("also allows {open_dir} {}", services[k]));
    }
    for (&i, ports) in &denying {
        let ports: Vec<String> = normalize_ports(ports.clone()).iter().map(|p| p.to_string()).collect();
        f = f.label(
            nacl.entries[i].origin.clone(),
            format!("denies the {reply_dir} replies on ports {}", ports.join(", ")),
        );
    }
    f = f.label(
        nacl.meta.id_origin(),
        format!("associated with {used_by} subnet{}", if used_by == 1 { "" } else { "s" }),
    );
    let ranges: Vec<String> = denied_ports.iter().map(|p| p.to_string()).collect();
    let explicit: Vec<String> = denying
        .keys()
        .filter(|&&i| nacl.entries[i].number < 32767)
        .map(|&i| nacl.entries[i].number.to_string())
        .collect();
    let help = if !explicit.is_empty() {
        format!(
            "rule {} denies replies that an allow would otherwise let through: narrow or renumber it if those \
             addresses should reach this service",
            explicit.join(", ")
        )
    } else if denied_ports != [PortRange::EPHEMERAL] {
        format!(
            "allow the whole ephemeral range 1024-65535 (now {} is denied): load balancers and NAT gateways use \
             ports from 1024 up, not only the Linux range 32768-60999",
            ranges.join(", ")
        )
    } else {
        format!(
            "add an {reply_dir} rule allowing {protocol} 1024-65535 {to_from} {} with a lower rule number than any \
             deny that matches it",
            display_ranges(admitted)
        )
    };
    sink.emit(f.help(help));
}
