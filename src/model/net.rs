//! Address ranges, port ranges and protocols: the small value types the analysis works in.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }
    /// The default route of this family.
    pub fn any(self) -> IpNet {
        match self {
            Family::V4 => IpNet::V4(Ipv4Net::default()),
            Family::V6 => IpNet::V6(Ipv6Net::default()),
        }
    }
}

/// An inclusive range of addresses of one family, as integers (IPv4 in the low 32 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddrRange {
    pub family: Family,
    pub start: u128,
    pub end: u128,
}

impl AddrRange {
    pub fn of(net: &IpNet) -> AddrRange {
        match net {
            IpNet::V4(n) => AddrRange {
                family: Family::V4,
                start: u32::from(n.network()) as u128,
                end: u32::from(n.broadcast()) as u128,
            },
            IpNet::V6(n) => {
                AddrRange { family: Family::V6, start: u128::from(n.network()), end: u128::from(n.broadcast()) }
            }
        }
    }

    pub fn intersect(&self, other: &AddrRange) -> Option<AddrRange> {
        if self.family != other.family {
            return None;
        }
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start <= end).then_some(AddrRange { family: self.family, start, end })
    }

    pub fn contains(&self, other: &AddrRange) -> bool {
        self.family == other.family && self.start <= other.start && other.end <= self.end
    }

    /// `self` minus `other`: zero, one or two ranges.
    pub fn subtract(&self, other: &AddrRange) -> Vec<AddrRange> {
        let Some(cut) = self.intersect(other) else { return vec![*self] };
        let mut out = Vec::with_capacity(2);
        if cut.start > self.start {
            out.push(AddrRange { end: cut.start - 1, ..*self });
        }
        if cut.end < self.end {
            out.push(AddrRange { start: cut.end + 1, ..*self });
        }
        out
    }

    /// The smallest list of CIDR blocks that covers exactly this range.
    pub fn to_cidrs(&self) -> Vec<IpNet> {
        match self.family {
            Family::V4 => {
                let (a, b) = (Ipv4Addr::from(self.start as u32), Ipv4Addr::from(self.end as u32));
                ipnet::Ipv4Subnets::new(a, b, 0).map(IpNet::V4).collect()
            }
            Family::V6 => {
                let (a, b) = (Ipv6Addr::from(self.start), Ipv6Addr::from(self.end));
                ipnet::Ipv6Subnets::new(a, b, 0).map(IpNet::V6).collect()
            }
        }
    }

    pub fn first_addr(&self) -> IpAddr {
        match self.family {
            Family::V4 => IpAddr::V4(Ipv4Addr::from(self.start as u32)),
            Family::V6 => IpAddr::V6(Ipv6Addr::from(self.start)),
        }
    }
}

impl fmt::Display for AddrRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cidrs = self.to_cidrs();
        let parts: Vec<String> = cidrs.iter().map(|c| c.to_string()).collect();
        f.write_str(&parts.join(", "))
    }
}

/// Merge overlapping or adjacent ranges; the result is sorted.
pub fn normalize(mut ranges: Vec<AddrRange>) -> Vec<AddrRange> {
    ranges.sort();
    let mut out: Vec<AddrRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if last.family == r.family && r.start <= last.end.saturating_add(1) => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

/// The parts of `target` not covered by any of `cover` (which need not be normalised).
pub fn uncovered(target: &AddrRange, cover: &[AddrRange]) -> Vec<AddrRange> {
    let mut rest = vec![*target];
    for c in normalize(cover.to_vec()) {
        rest = rest.iter().flat_map(|r| r.subtract(&c)).collect();
        if rest.is_empty() {
            break;
        }
    }
    rest
}

/// Render a set of ranges as a comma-separated list of CIDR blocks.
pub fn display_ranges(ranges: &[AddrRange]) -> String {
    let parts: Vec<String> = normalize(ranges.to_vec()).iter().map(|r| r.to_string()).collect();
    parts.join(", ")
}

/// An inclusive range of ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
    /// The return-traffic range that covers ELB, NAT gateways and common operating systems.
    pub const EPHEMERAL: PortRange = PortRange { from: 1024, to: 65535 };

    pub fn new(from: u16, to: u16) -> PortRange {
        PortRange { from: from.min(to), to: from.max(to) }
    }
    pub fn intersect(&self, other: &PortRange) -> Option<PortRange> {
        let from = self.from.max(other.from);
        let to = self.to.min(other.to);
        (from <= to).then_some(PortRange { from, to })
    }
    pub fn subtract(&self, other: &PortRange) -> Vec<PortRange> {
        let Some(cut) = self.intersect(other) else { return vec![*self] };
        let mut out = Vec::with_capacity(2);
        if cut.from > self.from {
            out.push(PortRange { from: self.from, to: cut.from - 1 });
        }
        if cut.to < self.to {
            out.push(PortRange { from: cut.to + 1, to: self.to });
        }
        out
    }
    /// `port 443` or `ports 1024-65535`.
    pub fn describe(&self) -> String {
        if self.from == self.to { format!("port {}", self.from) } else { format!("ports {}-{}", self.from, self.to) }
    }
    pub fn len(&self) -> u32 {
        u32::from(self.to) - u32::from(self.from) + 1
    }
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to { write!(f, "{}", self.from) } else { write!(f, "{}-{}", self.from, self.to) }
    }
}

/// Merge overlapping or adjacent port ranges; the result is sorted.
pub fn normalize_ports(mut ranges: Vec<PortRange>) -> Vec<PortRange> {
    ranges.sort();
    let mut out: Vec<PortRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if u32::from(r.from) <= u32::from(last.to) + 1 => last.to = last.to.max(r.to),
            _ => out.push(r),
        }
    }
    out
}

/// An IP protocol as AWS writes it in NACL entries and security group rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    All,
    Number(u8),
}

impl Protocol {
    pub const TCP: Protocol = Protocol::Number(6);
    pub const UDP: Protocol = Protocol::Number(17);

    /// Parse `-1`, `all`, a protocol number or a name (`tcp`, `udp`, `icmp`, `icmpv6`).
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => Some(Protocol::All),
            "tcp" => Some(Protocol::TCP),
            "udp" => Some(Protocol::UDP),
            "icmp" => Some(Protocol::Number(1)),
            "icmpv6" | "icmp6" => Some(Protocol::Number(58)),
            n => n.parse::<u8>().ok().map(Protocol::Number),
        }
    }
    pub fn matches(&self, traffic: Protocol) -> bool {
        *self == Protocol::All || *self == traffic
    }
    /// Whether this protocol has ports (TCP and UDP).
    pub fn has_ports(&self) -> bool {
        matches!(self, Protocol::Number(6) | Protocol::Number(17))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all traffic"),
            Protocol::Number(6) => f.write_str("TCP"),
            Protocol::Number(17) => f.write_str("UDP"),
            Protocol::Number(1) => f.write_str("ICMP"),
            Protocol::Number(58) => f.write_str("ICMPv6"),
            Protocol::Number(n) => write!(f, "protocol {n}"),
        }
    }
}

/// Parse a CIDR block as AWS prints it. A bare address is taken as a host route. Host bits are
/// cleared (`10.0.0.1/16` is `10.0.0.0/16`), as AWS normalises such blocks in rules it accepts.
pub fn parse_cidr(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if let Ok(n) = s.parse::<IpNet>() {
        return Some(n.trunc());
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> AddrRange {
        AddrRange::of(&s.parse().unwrap())
    }

    #[test]
    fn subtracts_and_renders_as_cidrs() {
        let rest = r("10.0.0.0/16").subtract(&r("10.0.5.0/24"));
        assert_eq!(
            display_ranges(&rest),
            "10.0.0.0/22, 10.0.4.0/24, 10.0.6.0/23, 10.0.8.0/21, 10.0.16.0/20, 10.0.32.0/19, 10.0.64.0/18, 10.0.128.0/17"
        );
        assert!(uncovered(&r("10.2.0.0/16"), &[r("10.2.128.0/17"), r("10.2.0.0/17")]).is_empty());
        assert_eq!(uncovered(&r("10.0.0.0/16"), &[r("10.0.128.0/17")]), vec![r("10.0.0.0/17")]);
        assert!(r("::/0").intersect(&r("0.0.0.0/0")).is_none());
    }

    #[test]
    fn port_ranges() {
        assert_eq!(PortRange::EPHEMERAL.subtract(&PortRange::new(32768, 65535)), vec![PortRange::new(1024, 32767)]);
        assert_eq!(normalize_ports(vec![PortRange::new(5, 9), PortRange::new(1, 4)]), vec![PortRange::new(1, 9)]);
        assert_eq!(Protocol::parse("-1"), Some(Protocol::All));
        assert_eq!(Protocol::parse("6"), Some(Protocol::TCP));
        assert_eq!(parse_cidr("10.0.0.1"), Some("10.0.0.1/32".parse().unwrap()));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
    }
}

/// Every pair `(i, j)`, `i < j`, of overlapping ranges whose tags differ, by a sort-and-sweep:
/// O(n log n + k) for k reported pairs, never all-pairs.
pub fn overlapping_pairs<T: PartialEq>(items: &[(AddrRange, T)]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (items[i].0.family, items[i].0.start, std::cmp::Reverse(items[i].0.end), i));
    let mut active: Vec<usize> = Vec::new();
    let mut pairs = Vec::new();
    for &i in &order {
        let r = items[i].0;
        active.retain(|&a| items[a].0.family == r.family && items[a].0.end >= r.start);
        for &a in &active {
            if items[a].1 != items[i].1 {
                pairs.push((a.min(i), a.max(i)));
            }
        }
        active.push(i);
    }
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    #[test]
    fn finds_only_overlaps_between_different_tags() {
        let r = |s: &str| AddrRange::of(&s.parse().unwrap());
        let items = vec![
            (r("10.0.0.0/16"), 'a'),
            (r("10.1.0.0/16"), 'a'),
            (r("10.0.128.0/17"), 'b'),
            (r("10.2.0.0/16"), 'b'),
            (r("10.0.0.0/8"), 'a'),
            (r("fd00::/8"), 'c'),
            (r("fd00:1::/32"), 'b'),
        ];
        assert_eq!(overlapping_pairs(&items), vec![(0, 2), (2, 4), (3, 4), (5, 6)]);
    }
}
