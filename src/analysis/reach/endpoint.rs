//! The two ends of a reachability question, resolved from what the user wrote: an instance, a
//! network interface or a subnet (by id or `Name` tag), an IP address or CIDR block, or
//! `internet`.

use crate::model::net::{AddrRange, Family};
use crate::model::*;
use crate::topology::Topology;
use ipnet::IpNet;

/// One end of a flow.
#[derive(Clone, Debug)]
pub enum End {
    /// Addresses inside a subnet, with the security groups of what holds them (`None`: a subnet
    /// or an address no interface is known to hold, so no group is evaluated).
    Inside {
        /// What the user named, as findings name it (id, with the `Name` tag).
        label: String,
        /// The resource's id (a subnet's for an address no interface holds).
        resource: String,
        subnet: Id<Subnets>,
        vpc: Id<Vpcs>,
        addrs: AddrRange,
        groups: Option<Vec<Id<SecurityGroups>>>,
        /// A public IPv4 address: `Some(true)` shown, `Some(false)` none, `None` not decided
        /// (a subnet, which is not an address, or an instance whose address apply decides).
        public: Option<bool>,
    },
    /// The internet: every address of a family outside AWS's private networks.
    Internet(Family),
}

impl End {
    pub fn family(&self) -> Family {
        match self {
            End::Inside { addrs, .. } => addrs.family,
            End::Internet(f) => *f,
        }
    }

    pub fn label(&self) -> String {
        match self {
            End::Inside { label, .. } => label.clone(),
            End::Internet(_) => "the internet".into(),
        }
    }
}

fn named(meta: &Meta, selector: &str) -> bool {
    meta.id == selector || meta.name.as_deref() == Some(selector)
}

/// Resolve a selector; `family` is the family of the other end when it decides the internet's.
pub fn resolve(t: &Topology<'_>, selector: &str, family: Option<Family>) -> Result<End, String> {
    if selector.eq_ignore_ascii_case("internet") {
        return Ok(End::Internet(family.unwrap_or(Family::V4)));
    }
    let mut found = resolve_all(t, selector);
    if found.is_empty()
        && let Some(net) =
            net::parse_cidr(selector).or_else(|| selector.parse::<std::net::IpAddr>().ok().map(IpNet::from))
    {
        return by_address(t, selector, &net);
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("`{selector}` names no instance, network interface or subnet, and is no address")),
        n => Err(format!("`{selector}` names {n} resources: use an id")),
    }
}

/// Every instance, network interface and subnet whose id or `Name` tag is `selector`.
pub fn resolve_all(t: &Topology<'_>, selector: &str) -> Vec<End> {
    let d = t.design;
    let mut found: Vec<End> = Vec::new();
    for (_, i) in d.each::<Instances>().filter(|(_, i)| named(&i.meta, selector) && !i.state.is_gone()) {
        found.extend(instance(t, i));
    }
    for (_, n) in d.each::<NetworkInterfaces>().filter(|(_, n)| named(&n.meta, selector)) {
        found.extend(interface(t, n));
    }
    for (s, subnet) in d.each::<Subnets>().filter(|(_, s)| named(&s.meta, selector)) {
        found.extend(subnet_end(t, s, subnet));
    }
    found
}

fn host(ip: &str) -> Option<AddrRange> {
    ip.parse::<std::net::IpAddr>().ok().map(|a| AddrRange::of(&IpNet::from(a)))
}

fn inside(t: &Topology<'_>, subnet: Option<&Ref<Subnets>>) -> Option<(Id<Subnets>, Id<Vpcs>)> {
    let s = subnet?.idx?;
    Some((s, t.vpc_of(s)?))
}

pub(super) fn instance(t: &Topology<'_>, i: &Instance) -> Option<End> {
    let (subnet, vpc) = inside(t, i.subnet.as_ref())?;
    let addrs = i.private_ip.as_deref().and_then(host).or_else(|| t.design[subnet].cidr.as_ref().map(AddrRange::of))?;
    let public = if i.public_ip.is_some() {
        Some(true)
    } else if i.public_ip_unknown {
        None
    } else {
        Some(false)
    };
    Some(End::Inside {
        label: i.meta.label(),
        resource: i.meta.id.clone(),
        subnet,
        vpc,
        addrs,
        groups: Ref::all_resolved(&i.security_groups),
        public,
    })
}

pub(super) fn interface(t: &Topology<'_>, n: &NetworkInterface) -> Option<End> {
    let (subnet, vpc) = inside(t, n.subnet.as_ref())?;
    let addrs = n.private_ips.first().and_then(|ip| host(ip))?;
    Some(End::Inside {
        label: n.meta.label(),
        resource: n.meta.id.clone(),
        subnet,
        vpc,
        addrs,
        groups: Ref::all_resolved(&n.security_groups),
        public: Some(n.public_ip.is_some()),
    })
}

pub(super) fn subnet_end(t: &Topology<'_>, s: Id<Subnets>, subnet: &Subnet) -> Option<End> {
    let vpc = t.vpc_of(s)?;
    Some(End::Inside {
        label: subnet.meta.label(),
        resource: subnet.meta.id.clone(),
        subnet: s,
        vpc,
        addrs: AddrRange::of(subnet.cidr.as_ref()?),
        groups: None,
        public: None,
    })
}

/// An address: what holds it (an interface or instance with that private or public address),
/// else the subnet it falls in, else the internet when it is a public address.
fn by_address(t: &Topology<'_>, selector: &str, net: &IpNet) -> Result<End, String> {
    let d = t.design;
    let addr = net.addr().to_string();
    if net.prefix_len() == net.max_prefix_len() {
        if let Some((_, i)) = d.each::<Instances>().find(|(_, i)| {
            !i.state.is_gone() && (i.private_ip.as_deref() == Some(&addr) || i.public_ip.as_deref() == Some(&addr))
        }) && let Some(end) = instance(t, i)
        {
            return Ok(end);
        }
        if let Some((_, n)) = d.each::<NetworkInterfaces>().find(|(_, n)| n.private_ips.contains(&addr))
            && let Some(end) = interface(t, n)
        {
            return Ok(end);
        }
    }
    let range = AddrRange::of(net);
    for (s, subnet) in d.each::<Subnets>() {
        let holds = subnet.cidr.iter().chain(&subnet.ipv6_cidrs).any(|c| AddrRange::of(c).contains(&range));
        if holds && let Some(vpc) = t.vpc_of(s) {
            return Ok(End::Inside {
                label: format!("{selector} (in {})", subnet.meta.label()),
                resource: subnet.meta.id.clone(),
                subnet: s,
                vpc,
                addrs: range,
                groups: None,
                public: None,
            });
        }
    }
    if is_private(net) {
        return Err(format!("`{selector}` is in no subnet of the input, and is not an internet address"));
    }
    Ok(End::Internet(Family::of(net)))
}

/// Addresses the internet does not route (see [`internet`]).
fn is_private(net: &IpNet) -> bool {
    let range = AddrRange::of(net);
    !internet(range.family).iter().any(|r| r.contains(&range))
}

/// The internet's addresses of a family: all of them but the ranges it does not route (RFC 1918,
/// shared 100.64.0.0/10, loopback and link-local; IPv6 unique-local, link-local, loopback), so a
/// rule admitting 10.0.0.0/8 admits nothing from the internet.
pub fn internet(family: Family) -> Vec<AddrRange> {
    let private: &[&str] = match family {
        Family::V4 => {
            &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"]
        }
        Family::V6 => &["fc00::/7", "fe80::/10", "::1/128"],
    };
    let private: Vec<AddrRange> =
        private.iter().filter_map(|c| c.parse::<IpNet>().ok()).map(|n| AddrRange::of(&n)).collect();
    net::uncovered(&AddrRange::of(&family.any()), &net::normalize(private))
}
