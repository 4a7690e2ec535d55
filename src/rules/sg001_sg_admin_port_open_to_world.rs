//! SG001: administration and database ports open to the whole internet, judged in context: is
//! anything using the group actually reachable from the internet?

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::analysis::nacl::evaluate;
use crate::analysis::sg::rule_matches;
use crate::model::net::{AddrRange, PortRange, Protocol};
use crate::model::{Id, ResourceKind, Scheme, SecurityGroup, SecurityGroups, Subnets};
use crate::topology::{GroupUser, Topology};

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

/// How far the internet reaches something in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Exposure {
    Unreachable,
    Unknown,
    Exposed,
}

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let options: Options = sink.options();
    let ports: Vec<(u16, String)> = match options.ports {
        Some(list) => list
            .into_iter()
            .map(|p| (p, DEFAULT_PORTS.iter().find(|(q, _)| *q == p).map_or(String::new(), |(_, n)| n.to_string())))
            .collect(),
        None => DEFAULT_PORTS.iter().map(|(p, n)| (*p, n.to_string())).collect(),
    };
    // One finding per group, over every rule that opens a listed port to the world.
    for (gi, sg) in t.design.each::<SecurityGroups>() {
        if let Some(opening) = opening(sg, &ports) {
            let (worst, why) = most_exposed(t, gi, &opening);
            let f = finding(sink, sg, &opening, worst, &why);
            sink.emit(f);
        }
    }
}

/// The most exposed of the resources using group `gi`, and why.
fn most_exposed(t: &Topology<'_>, gi: Id<SecurityGroups>, opening: &Opening<'_, '_>) -> (Exposure, String) {
    let d = t.design;
    let lbs = t.group_load_balancers(gi);
    let known = d.has(ResourceKind::Instance) || d.has(ResourceKind::NetworkInterface) || !lbs.is_empty();
    let mut worst = if known { Exposure::Unreachable } else { Exposure::Unknown };
    let mut why = if known {
        "nothing in the input that uses it is reachable from the internet".to_string()
    } else {
        "the input does not show what uses the group".to_string()
    };
    // A load balancer forwards only its listeners' ports, whatever its groups admit.
    for &lb in lbs {
        let l = &d[lb];
        match opening.open.iter().find(|(p, _)| t.listener_ports(lb).contains(p)) {
            Some((p, _)) if l.scheme == Scheme::InternetFacing => {
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
    for user in t.group_users(gi) {
        let exposure = exposure(t, user.subnet, user.public_ip, &opening.world, opening.open[0].0);
        if exposure > worst || (exposure == worst && exposure != Exposure::Unreachable && why.starts_with("nothing")) {
            worst = exposure;
            why = explain(user, exposure).unwrap_or(why);
        }
    }
    (worst, why)
}

/// Why `user` makes the group as exposed as `exposure` (`None`: it does not).
fn explain(user: &GroupUser<'_>, exposure: Exposure) -> Option<String> {
    let GroupUser { kind, id, public_ip, .. } = user;
    Some(match exposure {
        Exposure::Exposed => format!("{kind} {id} has a public IP in a public subnet whose network ACL lets it in"),
        Exposure::Unknown if public_ip.is_none() => format!(
            "{kind} {id} uses it, and whether it gets a public address (and the routes and network ACLs on its way) \
             is not in the input"
        ),
        Exposure::Unknown => format!(
            "{kind} {id} uses it, and whether the internet reaches it depends on routes or network ACLs not in the input"
        ),
        Exposure::Unreachable => return None,
    })
}

/// The finding for a group that opens `opening`'s ports to the world, as exposed as `worst`.
fn finding(sink: &Sink<'_>, sg: &SecurityGroup, opening: &Opening<'_, '_>, worst: Exposure, why: &str) -> Finding {
    let severity = match worst {
        Exposure::Exposed => Severity::Error,
        Exposure::Unknown => Severity::Warning,
        Exposure::Unreachable => Severity::Info,
    };
    let Opening { rules, open, sources, .. } = opening;
    let names: Vec<String> =
        open.iter().map(|(p, n)| if n.is_empty() { p.to_string() } else { format!("{p} ({n})") }).collect();
    let mut f = sink
        .finding(
            severity,
            &sg.meta,
            rules[0].origin.clone(),
            format!("{} open to {}", names.join(", "), sources.join(", ")),
            format!("security group {} admits {} from {}: {why}", sg.meta.label(), names.join(", "), sources.join(" and ")),
        )
        .help("admit these ports only from known addresses (a VPN, a bastion's security group) or use Session Manager instead of open SSH/RDP");
    for r in &rules[1..] {
        f = f.label(r.origin.clone(), "also opens them to the world");
    }
    f
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
    subnet: Option<Id<Subnets>>,
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
    let nacl = &t.design[ni];
    if nacl.has_unknown_entries {
        return Exposure::Unknown;
    }
    let admits = world
        .iter()
        .any(|w| evaluate(nacl, false, Protocol::TCP, *w, PortRange::new(port, port)).iter().any(|v| v.allowed));
    if admits { Exposure::Exposed } else { Exposure::Unreachable }
}
