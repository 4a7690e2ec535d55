//! Network ACL semantics: per direction, entries in ascending rule number, first match wins,
//! and whatever no entry matches is denied (the implicit `*` rule, listed or not).

use crate::model::net::{AddrRange, Family, PortRange, Protocol};
use crate::model::{NaclEntry, NetworkAcl};

/// What the NACL decides for one box of traffic (an address range × a port range).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The remote addresses: the source of inbound traffic, the destination of outbound traffic.
    pub addrs: AddrRange,
    /// Destination ports.
    pub ports: PortRange,
    pub allowed: bool,
    /// Index into `NetworkAcl::entries` of the deciding entry; `None` for the implicit deny.
    pub entry: Option<usize>,
}

/// Entry indices of one direction, in evaluation order, without entries AWS would reject.
pub fn ordered_entries(nacl: &NetworkAcl, egress: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..nacl.entries.len()).filter(|&i| nacl.entries[i].egress == egress).collect();
    idx.sort_by_key(|&i| (nacl.entries[i].number, i));
    // AWS rejects a second entry with a rule number the direction already has (NACL003): only
    // the first one deploys.
    idx.dedup_by_key(|i| nacl.entries[*i].number);
    idx
}

/// The ports an entry matches for traffic of `protocol` (all ports unless it is a TCP/UDP entry).
fn entry_ports(entry: &NaclEntry) -> PortRange {
    if entry.protocol.has_ports() { entry.ports.unwrap_or(PortRange::ALL) } else { PortRange::ALL }
}

/// Evaluate traffic of one `protocol` to/from `addrs` on destination `ports`, exactly: the box is
/// split wherever entries partially overlap it, and every part gets the verdict of the first entry
/// that matches it.
pub fn evaluate(
    nacl: &NetworkAcl,
    egress: bool,
    protocol: Protocol,
    addrs: AddrRange,
    ports: PortRange,
) -> Vec<Verdict> {
    let mut pending = vec![(addrs, ports)];
    let mut out = Vec::new();
    for i in ordered_entries(nacl, egress) {
        if pending.is_empty() {
            break;
        }
        let entry = &nacl.entries[i];
        if !entry.protocol.matches(protocol) {
            continue;
        }
        let (e_addrs, e_ports) = (AddrRange::of(&entry.cidr), entry_ports(entry));
        let mut rest = Vec::with_capacity(pending.len());
        for (a, p) in pending {
            match (a.intersect(&e_addrs), p.intersect(&e_ports)) {
                (Some(ia), Some(ip)) => {
                    out.push(Verdict { addrs: ia, ports: ip, allowed: entry.allow, entry: Some(i) });
                    rest.extend(a.subtract(&ia).into_iter().map(|x| (x, p)));
                    rest.extend(p.subtract(&ip).into_iter().map(|x| (ia, x)));
                }
                _ => rest.push((a, p)),
            }
        }
        pending = rest;
    }
    out.extend(pending.into_iter().map(|(addrs, ports)| Verdict { addrs, ports, allowed: false, entry: None }));
    out
}

/// The part of entry `index`'s own traffic that it actually decides for `protocol`: empty when
/// lower-numbered entries shadow it completely.
pub fn decided_by(nacl: &NetworkAcl, index: usize, protocol: Protocol) -> Vec<Verdict> {
    let entry = &nacl.entries[index];
    evaluate(nacl, entry.egress, protocol, AddrRange::of(&entry.cidr), entry_ports(entry))
        .into_iter()
        .filter(|v| v.entry == Some(index))
        .collect()
}

/// Whether the NACL lets all TCP and UDP through in both directions (the default NACL's rules).
pub fn allows_everything(nacl: &NetworkAcl) -> bool {
    [false, true].into_iter().all(|egress| {
        [
            (Family::V4, Protocol::TCP),
            (Family::V6, Protocol::TCP),
            (Family::V4, Protocol::UDP),
            (Family::V6, Protocol::UDP),
        ]
        .into_iter()
        .all(|(family, protocol)| {
            let v = evaluate(nacl, egress, protocol, AddrRange::of(&family.any()), PortRange::ALL);
            v.iter().all(|v| v.allowed)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;
    use crate::source::{FileId, Origin};

    fn entry(number: u32, egress: bool, allow: bool, proto: &str, cidr: &str, ports: Option<(u16, u16)>) -> NaclEntry {
        NaclEntry {
            number,
            egress,
            protocol: Protocol::parse(proto).unwrap(),
            allow,
            cidr: cidr.parse().unwrap(),
            ports: ports.map(|(a, b)| PortRange::new(a, b)),
            origin: Origin::new(FileId(0), ""),
        }
    }

    fn acl(entries: Vec<NaclEntry>) -> NetworkAcl {
        NetworkAcl {
            meta: Meta::bare("acl-1", Origin::new(FileId(0), ""), ""),
            vpc: None,
            is_default: false,
            subnets: vec![],
            entries,
            has_unknown_entries: false,
        }
    }

    fn r(s: &str) -> AddrRange {
        AddrRange::of(&s.parse().unwrap())
    }

    #[test]
    fn first_match_in_rule_number_order_with_splitting() {
        // Listed out of order on purpose: evaluation sorts by rule number.
        let n = acl(vec![
            entry(100, true, true, "6", "10.0.0.0/16", Some((1024, 65535))),
            entry(90, true, false, "6", "10.0.5.0/24", Some((1024, 65535))),
        ]);
        let v = evaluate(&n, true, Protocol::TCP, r("10.0.0.0/16"), PortRange::EPHEMERAL);
        let denied: Vec<_> = v.iter().filter(|v| !v.allowed).collect();
        assert_eq!(denied.len(), 1);
        assert_eq!(denied[0].addrs, r("10.0.5.0/24"));
        assert_eq!(denied[0].entry, Some(1));
        // Outside the allow: implicit deny.
        let v = evaluate(&n, true, Protocol::TCP, r("0.0.0.0/0"), PortRange::new(80, 80));
        assert!(v.iter().all(|v| !v.allowed && v.entry.is_none()));
        // UDP is not matched by TCP entries.
        let v = evaluate(&n, true, Protocol::UDP, r("10.0.0.0/16"), PortRange::EPHEMERAL);
        assert!(v.iter().all(|v| v.entry.is_none()));
    }

    #[test]
    fn shadowing_and_allow_all() {
        let n = acl(vec![
            entry(100, false, false, "6", "0.0.0.0/0", Some((22, 22))),
            entry(110, false, true, "6", "0.0.0.0/0", Some((22, 22))),
        ]);
        assert!(decided_by(&n, 1, Protocol::TCP).is_empty());
        assert!(!allows_everything(&n));
        let open = acl(vec![
            entry(100, false, true, "-1", "0.0.0.0/0", None),
            entry(101, false, true, "-1", "::/0", None),
            entry(100, true, true, "-1", "0.0.0.0/0", None),
            entry(101, true, true, "-1", "::/0", None),
        ]);
        assert!(allows_everything(&open));
    }
}
