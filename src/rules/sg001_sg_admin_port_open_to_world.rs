//! SG001: administration and database ports open to the whole internet, judged in context: is
//! anything using the group actually reachable from the internet?

use super::{Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::evaluate;
use crate::analysis::sg::rule_matches;
use crate::graph::Topology;
use crate::model::ResourceKind;
use crate::model::net::{AddrRange, PortRange, Protocol};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SG001",
        name: "sg-admin-port-open-to-world",
        severity: Severity::Error,
        summary: "A security group opens an administration or database port to the internet",
        doc: include_str!("../../rules/SG001.md"),
    },
    check,
    options: validate_options,
};

/// Ports checked unless `[rules.SG001] ports = [...]` says otherwise.
pub const DEFAULT_PORTS: &[(u16, &str)] = &[
    (22, "SSH"),
    (23, "Telnet"),
    (3389, "RDP"),
    (5985, "WinRM"),
    (5986, "WinRM"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (27017, "MongoDB"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
    (11211, "Memcached"),
    (2375, "Docker"),
    (2376, "Docker"),
    (5601, "Kibana"),
];

/// `[rules.SG001]`: `ports = [22, 3389]` replaces the list of administration and database ports.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    ports: Option<Vec<u16>>,
}

fn validate_options(table: &toml::Table) -> Result<(), String> {
    super::parse_options::<Options>(table).map(|_| ())
}

/// Something that uses a group: its kind, id, subnet, and whether it has a public IP (`None`:
/// the input does not tell).
type User<'d> = (&'static str, &'d str, Option<usize>, Option<bool>);

/// How far the internet reaches something in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Exposure {
    Unreachable,
    Unknown,
    Exposed,
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    let options: Options = sink.options();
    let ports: Vec<(u16, String)> = match options.ports {
        Some(list) => list
            .into_iter()
            .map(|p| (p, DEFAULT_PORTS.iter().find(|(q, _)| *q == p).map_or(String::new(), |(_, n)| n.to_string())))
            .collect(),
        None => DEFAULT_PORTS.iter().map(|(p, n)| (*p, n.to_string())).collect(),
    };
    let mut users: HashMap<usize, Vec<User<'_>>> = HashMap::new();
    for i in &d.instances {
        if matches!(i.state.as_deref(), Some("terminated" | "shutting-down")) {
            continue;
        }
        for g in i.security_groups.iter().filter_map(|g| g.idx) {
            users.entry(g).or_default().push((
                "instance",
                &i.meta.id,
                i.subnet.as_ref().and_then(|s| s.idx),
                if i.public_ip.is_some() { Some(true) } else { (!i.public_ip_unknown).then_some(false) },
            ));
        }
    }
    for e in &d.network_interfaces {
        for g in e.security_groups.iter().filter_map(|g| g.idx) {
            users.entry(g).or_default().push((
                "network interface",
                &e.meta.id,
                e.subnet.as_ref().and_then(|s| s.idx),
                Some(e.public_ip.is_some()),
            ));
        }
    }
    let attachments_known = d.has(ResourceKind::Instance) || d.has(ResourceKind::NetworkInterface);
    // A load balancer forwards only its listeners' ports, whatever its groups admit.
    let mut lb_users: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, lb) in d.load_balancers.iter().enumerate() {
        for g in lb.security_groups.iter().filter_map(|g| g.idx) {
            lb_users.entry(g).or_default().push(i);
        }
    }
    let mut listening: HashMap<usize, Vec<u16>> = HashMap::new();
    for l in &d.listeners {
        if let (Some(lb), Some(port)) = (l.load_balancer.as_ref().and_then(|r| r.idx), l.port) {
            listening.entry(lb).or_default().push(port);
        }
    }
    for (gi, sg) in d.security_groups.iter().enumerate() {
        let lbs = lb_users.get(&gi).map(Vec::as_slice).unwrap_or_default();
        // One finding per group, over every rule that opens a listed port to the world.
        if let Some(Opening { rules, open, world, sources }) = opening(sg, &ports) {
            let rule = rules[0];
            // The most exposed of the resources using the group.
            let known = attachments_known || !lbs.is_empty();
            let mut worst = if known { Exposure::Unreachable } else { Exposure::Unknown };
            let mut why = if known {
                "nothing in the input that uses it is reachable from the internet".to_string()
            } else {
                "the input does not show what uses the group".to_string()
            };
            for &lb in lbs {
                let l = &d.load_balancers[lb];
                let ports = listening.get(&lb).map(Vec::as_slice).unwrap_or_default();
                match open.iter().find(|(p, _)| ports.contains(p)) {
                    Some((p, _)) if l.scheme == crate::model::Scheme::InternetFacing => {
                        worst = Exposure::Exposed;
                        why = format!("internet-facing {} {} listens on port {p}", l.kind.name(), l.meta.label());
                    }
                    _ if worst == Exposure::Unreachable && why.starts_with("nothing") => {
                        why = format!(
                            "nothing in the input that uses it is reachable from the internet on these ports ({} {} \
                             forwards only its listeners' ports)",
                            l.kind.name(),
                            l.meta.label()
                        );
                    }
                    _ => {}
                }
            }
            for &(kind, id, subnet, public_ip) in users.get(&gi).into_iter().flatten() {
                let exposure = exposure(t, subnet, public_ip, &world, open[0].0);
                if exposure > worst
                    || (exposure == worst && exposure != Exposure::Unreachable && why.starts_with("nothing"))
                {
                    worst = exposure;
                    why = match exposure {
                        Exposure::Exposed => {
                            format!("{kind} {id} has a public IP in a public subnet whose network ACL lets it in")
                        }
                        Exposure::Unknown if public_ip.is_none() => format!(
                            "{kind} {id} uses it, and whether it gets a public address (and the routes and network ACLs \
                             on its way) is not in the input"
                        ),
                        Exposure::Unknown => format!(
                            "{kind} {id} uses it, and whether the internet reaches it depends on routes or network ACLs not in the input"
                        ),
                        Exposure::Unreachable => why,
                    };
                }
            }
            let severity = match worst {
                Exposure::Exposed => Severity::Error,
                Exposure::Unknown => Severity::Warning,
                Exposure::Unreachable => Severity::Info,
            };
            let names: Vec<String> =
                open.iter().map(|(p, n)| if n.is_empty() { p.to_string() } else { format!("{p} ({n})") }).collect();
            let mut f = sink
                .finding(
                    severity,
                    &sg.meta,
                    rule.origin.clone(),
                    format!("{} open to {}", names.join(", "), sources.join(", ")),
                    format!(
                        "security group {} admits {} from {}: {why}",
                        sg.meta.label(),
                        names.join(", "),
                        sources.join(" and ")
                    ),
                )
                .help("admit these ports only from known addresses (a VPN, a bastion's security group) or use Session Manager instead of open SSH/RDP");
            for r in &rules[1..] {
                f = f.label(r.origin.clone(), "also opens them to the world");
            }
            sink.emit(f);
        }
    }
}

/// The rules of a group that open listed ports to the whole internet, merged.
struct Opening<'g, 'p> {
    rules: Vec<&'g crate::model::SgRule>,
    /// The listed ports they open, in list order.
    open: Vec<&'p (u16, String)>,
    world: Vec<AddrRange>,
    sources: Vec<String>,
}

fn opening<'g, 'p>(sg: &'g crate::model::SecurityGroup, ports: &'p [(u16, String)]) -> Option<Opening<'g, 'p>> {
    let mut o = Opening { rules: Vec::new(), open: Vec::new(), world: Vec::new(), sources: Vec::new() };
    for rule in &sg.ingress {
        let world: Vec<&ipnet::IpNet> = rule.cidrs.iter().filter(|c| c.prefix_len() == 0).collect();
        let opened: Vec<&(u16, String)> =
            ports.iter().filter(|(p, _)| rule_matches(rule, Protocol::TCP, Some(*p))).collect();
        if world.is_empty() || opened.is_empty() {
            continue;
        }
        o.rules.push(rule);
        for w in world {
            if !o.sources.contains(&w.to_string()) {
                o.sources.push(w.to_string());
                o.world.push(AddrRange::of(w));
            }
        }
        o.open.extend(opened);
    }
    o.open.sort_by_key(|p| ports.iter().position(|q| std::ptr::eq(q, *p)));
    o.open.dedup_by(|a, b| a.0 == b.0);
    (!o.rules.is_empty()).then_some(o)
}

/// Whether the internet reaches a resource in `subnet` on `port`.
fn exposure(
    t: &Topology<'_>,
    subnet: Option<usize>,
    public_ip: Option<bool>,
    world: &[AddrRange],
    port: u16,
) -> Exposure {
    if public_ip == Some(false) {
        return Exposure::Unreachable;
    }
    let Some(si) = subnet else { return Exposure::Unknown };
    match t.is_public(si) {
        Some(false) => return Exposure::Unreachable,
        None => return Exposure::Unknown,
        Some(true) if public_ip.is_none() => return Exposure::Unknown,
        Some(true) => {}
    }
    let Some(ni) = t.network_acl(si) else { return Exposure::Unknown };
    let nacl = &t.design.network_acls[ni];
    if nacl.has_unknown_entries {
        return Exposure::Unknown;
    }
    let admits = world
        .iter()
        .any(|w| evaluate(nacl, false, Protocol::TCP, *w, PortRange::new(port, port)).iter().any(|v| v.allowed));
    if admits { Exposure::Exposed } else { Exposure::Unreachable }
}
