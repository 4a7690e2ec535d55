//! NACL001: network ACLs are stateless, so every connection they admit needs its replies allowed
//! on the ephemeral ports in the other direction.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::{Verdict, allows_everything, decided_by, evaluate};
use crate::model::NetworkAcl;
use crate::model::net::{AddrRange, Family, PortRange, Protocol, display_ranges, normalize, normalize_ports};
use crate::topology::Topology;
use std::collections::{BTreeMap, BTreeSet};

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
            report(sink, nacl, &Opening { egress, protocol, admitted: &admitted, entries: &entries }, latent);
        }
    }
}

/// Whether every subnet of the ACL is known and none has an IPv6 block.
fn subnets_without_ipv6(t: &Topology<'_>, nacl: &NetworkAcl) -> bool {
    nacl.subnets.iter().all(|(s, _)| s.idx.is_some_and(|i| t.design[i].ipv6_cidrs.is_empty()))
}

/// Traffic that allow entries of the ACL admit in one direction.
struct Opening<'a> {
    egress: bool,
    protocol: Protocol,
    /// The addresses it reaches.
    admitted: &'a [AddrRange],
    /// The entries that admit it, in rule order.
    entries: &'a [usize],
}

/// How the finding speaks of the opening traffic and of its replies.
struct Wording {
    /// "inbound" or "outbound".
    open: &'static str,
    reply: &'static str,
    /// "to" or "from" the addresses the traffic reaches.
    open_peer: &'static str,
    reply_peer: &'static str,
}

fn wording(egress: bool) -> Wording {
    if egress {
        Wording { open: "outbound", reply: "inbound", open_peer: "to", reply_peer: "from" }
    } else {
        Wording { open: "inbound", reply: "outbound", open_peer: "from", reply_peer: "to" }
    }
}

fn report(sink: &mut Sink<'_>, nacl: &NetworkAcl, opening: &Opening<'_>, latent: bool) {
    let verdicts: Vec<Verdict> = opening
        .admitted
        .iter()
        .flat_map(|a| evaluate(nacl, !opening.egress, opening.protocol, *a, PortRange::EPHEMERAL))
        .collect();
    let (allowed, denied): (Vec<&Verdict>, Vec<&Verdict>) = verdicts.iter().partition(|v| v.allowed);
    if denied.is_empty() {
        return;
    }
    let f = finding(sink, nacl, opening, &allowed, &denied, latent);
    sink.emit(f);
}

/// The finding for `opening`, whose replies are `denied` in part or all (and `allowed` in the rest).
fn finding(
    sink: &Sink<'_>,
    nacl: &NetworkAcl,
    opening: &Opening<'_>,
    allowed: &[&Verdict],
    denied: &[&Verdict],
    latent: bool,
) -> Finding {
    let severity = if !allowed.is_empty() || latent { Severity::Warning } else { Severity::Error };
    let w = wording(opening.egress);
    let admitted = display_ranges(opening.admitted);
    let services = services(nacl, opening.entries);
    let mut message = format!(
        "network ACL {} allows {} {} {} {admitted}, but NACLs are stateless and the {} {} replies on ephemeral ports \
         are denied: {}",
        nacl.meta.label(),
        w.open,
        services.join(", "),
        w.open_peer,
        w.reply,
        opening.protocol,
        denied_text(nacl, opening, &w, allowed, denied)
    );
    if latent {
        message.push_str(" (latent: none of its subnets has an IPv6 block yet)");
    }
    let first = &nacl.entries[opening.entries[0]];
    let mut f = sink.finding(
        severity,
        &nacl.meta,
        first.origin.clone(),
        format!("allows {} {} {} {admitted}", w.open, services[0], w.open_peer),
        message,
    );
    for (k, &i) in opening.entries.iter().enumerate().skip(1) {
        f = f.label(nacl.entries[i].origin.clone(), format!("also allows {} {}", w.open, services[k]));
    }
    let denying = denying_entries(denied);
    for (&i, ports) in &denying {
        let ports: Vec<String> = normalize_ports(ports.clone()).iter().map(|p| p.to_string()).collect();
        f = f.label(
            nacl.entries[i].origin.clone(),
            format!("denies the {} replies on ports {}", w.reply, ports.join(", ")),
        );
    }
    let used_by = nacl.subnets.len();
    f = f.label(
        nacl.meta.id_origin(),
        format!("associated with {used_by} subnet{}", if used_by == 1 { "" } else { "s" }),
    );
    f.help(help(nacl, opening, &w, &denying, denied))
}

/// What each entry of the opening admits, with its rule number.
fn services(nacl: &NetworkAcl, entries: &[usize]) -> Vec<String> {
    entries
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
        .collect()
}

/// The entry that decides a part of the traffic, as the finding names it.
fn deciding(nacl: &NetworkAcl, entry: Option<usize>) -> String {
    match entry {
        Some(i) if nacl.entries[i].number >= 32767 => format!("the default deny (rule {})", nacl.entries[i].number),
        Some(i) => format!("rule {}", nacl.entries[i].number),
        None => "the implicit deny".to_string(),
    }
}

/// Parts of the traffic, grouped by the deciding entry (in rule-number order) and port range.
fn by_entry_and_ports(nacl: &NetworkAcl, vs: &[&Verdict]) -> BTreeMap<(u32, Option<usize>, PortRange), Vec<AddrRange>> {
    let mut g: BTreeMap<(u32, Option<usize>, PortRange), Vec<AddrRange>> = BTreeMap::new();
    for v in vs {
        let number = v.entry.map_or(u32::MAX, |i| nacl.entries[i].number);
        g.entry((number, v.entry, v.ports)).or_default().push(v.addrs);
    }
    g
}

fn cidr_count(vs: &[&Verdict]) -> usize {
    vs.iter().map(|v| v.addrs.to_cidrs().len()).sum::<usize>()
}

/// Which replies are denied, and by what.
fn denied_text(
    nacl: &NetworkAcl,
    opening: &Opening<'_>,
    w: &Wording,
    allowed: &[&Verdict],
    denied: &[&Verdict],
) -> String {
    let to_from = w.reply_peer;
    if !allowed.is_empty() && cidr_count(denied) > 6 && cidr_count(allowed) < cidr_count(denied) {
        // Mostly denied: say what is let through instead of listing every denied block.
        let causes: BTreeSet<String> = denied.iter().map(|v| deciding(nacl, v.entry)).collect();
        let exceptions: Vec<String> = by_entry_and_ports(nacl, allowed)
            .iter()
            .map(|((_, e, ports), addrs)| {
                format!("{} {to_from} {} ({})", ports.describe(), display_ranges(addrs), deciding(nacl, *e))
            })
            .collect();
        format!(
            "ports {} {to_from} {} by {}, except {}",
            PortRange::EPHEMERAL,
            display_ranges(opening.admitted),
            causes.into_iter().collect::<Vec<_>>().join(" and "),
            exceptions.join(", ")
        )
    } else {
        by_entry_and_ports(nacl, denied)
            .iter()
            .map(|((_, e, ports), addrs)| {
                format!("{} {to_from} {} by {}", ports.describe(), display_ranges(addrs), deciding(nacl, *e))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The ports each explicit entry denies, for its label.
fn denying_entries(denied: &[&Verdict]) -> BTreeMap<usize, Vec<PortRange>> {
    let mut denying: BTreeMap<usize, Vec<PortRange>> = BTreeMap::new();
    for v in denied {
        if let Some(i) = v.entry {
            denying.entry(i).or_default().push(v.ports);
        }
    }
    denying
}

fn help(
    nacl: &NetworkAcl,
    opening: &Opening<'_>,
    w: &Wording,
    denying: &BTreeMap<usize, Vec<PortRange>>,
    denied: &[&Verdict],
) -> String {
    let explicit: Vec<String> = denying
        .keys()
        .filter(|&&i| nacl.entries[i].number < 32767)
        .map(|&i| nacl.entries[i].number.to_string())
        .collect();
    let denied_ports = normalize_ports(denied.iter().map(|v| v.ports).collect());
    if !explicit.is_empty() {
        format!(
            "rule {} denies replies that an allow would otherwise let through: narrow or renumber it if those \
             addresses should reach this service",
            explicit.join(", ")
        )
    } else if denied_ports != [PortRange::EPHEMERAL] {
        let ranges: Vec<String> = denied_ports.iter().map(|p| p.to_string()).collect();
        format!(
            "allow the whole ephemeral range 1024-65535 (now {} is denied): load balancers and NAT gateways use \
             ports from 1024 up, not only the Linux range 32768-60999",
            ranges.join(", ")
        )
    } else {
        format!(
            "add an {} rule allowing {} 1024-65535 {} {} with a lower rule number than any deny that matches it",
            w.reply,
            opening.protocol,
            w.reply_peer,
            display_ranges(opening.admitted)
        )
    }
}
