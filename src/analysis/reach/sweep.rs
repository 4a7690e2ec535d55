//! Every destination port at once. The ports of a protocol fall into classes that every security
//! group rule and network ACL entry on the way decides alike (the classes are cut at each rule's
//! and entry's port bounds), so one question per class answers all 65,536 ports exactly.

use super::{Answer, End, Query};
use crate::model::net::{Family, PortRange, Protocol};
use crate::model::*;
use crate::topology::Topology;
use std::collections::BTreeSet;

/// The answer for one protocol on one class of destination ports.
#[derive(Clone, Debug)]
pub struct PortAnswer {
    pub protocol: Protocol,
    /// All ports for a protocol without ports.
    pub ports: PortRange,
    pub answer: Answer,
}

/// The protocols a question about "all traffic" is asked for: TCP, UDP and the family's ICMP.
/// A rule for another protocol number only ever admits what a rule for all traffic admits too.
pub fn protocols_of(protocol: Protocol, family: Family) -> Vec<Protocol> {
    match protocol {
        Protocol::All => {
            let icmp = if family == Family::V6 { Protocol::Number(58) } else { Protocol::Number(1) };
            vec![Protocol::TCP, Protocol::UDP, icmp]
        }
        p => vec![p],
    }
}

/// Ask the flow from `from` to `to` for every port `within` of each of `protocols`: one answer
/// per class of ports decided alike, in port order.
pub fn sweep(
    t: &Topology<'_>,
    from: &End,
    to: &End,
    protocols: &[Protocol],
    within: PortRange,
) -> Result<Vec<PortAnswer>, String> {
    let mut out = Vec::new();
    for &protocol in protocols {
        let classes = if protocol.has_ports() {
            classes(t, from, to, protocol).iter().filter_map(|c| c.intersect(&within)).collect()
        } else {
            vec![PortRange::ALL]
        };
        for ports in classes {
            let port = protocol.has_ports().then_some(ports.from);
            let q = Query { from: from.label(), to: to.label(), protocol, port };
            out.push(PortAnswer { protocol, ports, answer: super::reach_between(t, &q, from, to)? });
        }
    }
    Ok(out)
}

/// The classes of destination ports of `protocol` that the groups of both ends and the network
/// ACLs the flow can cross decide alike.
pub fn classes(t: &Topology<'_>, from: &End, to: &End, protocol: Protocol) -> Vec<PortRange> {
    let d = t.design;
    let mut cuts: BTreeSet<u32> = BTreeSet::from([0, 65536]);
    let mut cut = |r: PortRange| {
        cuts.insert(u32::from(r.from));
        cuts.insert(u32::from(r.to) + 1);
    };
    for end in [from, to] {
        let End::Inside { groups: Some(groups), .. } = end else { continue };
        for &g in groups {
            let rules = d[g].ingress.iter().chain(&d[g].egress);
            rules.filter(|r| r.protocol == protocol).filter_map(|r| r.ports).for_each(&mut cut);
        }
    }
    for acl in crossed_acls(t, from, to) {
        let entries = d[acl].entries.iter().filter(|e| e.protocol == protocol);
        entries.filter_map(|e| e.ports).for_each(&mut cut);
    }
    let cuts: Vec<u32> = cuts.into_iter().collect();
    // Both bounds are in 0..=65536, so each class's ends fit a port.
    cuts.windows(2)
        .filter_map(|w| Some(PortRange::new(u16::try_from(w[0]).ok()?, u16::try_from(w[1] - 1).ok()?)))
        .collect()
}

/// The network ACLs a flow between the ends can cross: those of the ends' subnets and of the
/// subnets of NAT gateways their route tables lead to.
fn crossed_acls(t: &Topology<'_>, from: &End, to: &End) -> BTreeSet<Id<NetworkAcls>> {
    let d = t.design;
    let mut subnets = BTreeSet::new();
    for end in [from, to] {
        let End::Inside { subnet, .. } = end else { continue };
        subnets.insert(*subnet);
        let Some(eff) = t.effective_route_table(*subnet) else { continue };
        for route in &d[eff.table].routes {
            if let Some(TargetId::NatGateway(n)) = route.target.idx
                && let Some(s) = d[n].subnet.as_ref().and_then(|s| s.idx)
            {
                subnets.insert(s);
            }
        }
    }
    subnets.into_iter().filter_map(|s| t.network_acl(s)).collect()
}
