//! Security group semantics: stateful allow-lists. A set of groups admits traffic when any rule of
//! any group admits it; sources are CIDR blocks, prefix lists or other groups.

use crate::model::net::{AddrRange, Protocol};
use crate::model::{Design, GroupRef, Id, Ref, SecurityGroups, SgRule};

/// The sources a set of groups admits for one protocol and port.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Address ranges admitted.
    pub ranges: Vec<AddrRange>,
    /// Security groups whose members are admitted.
    pub groups: Vec<GroupRef>,
    /// Prefix lists admitted (their entries are not part of a describe dump).
    pub prefix_lists: Vec<String>,
    /// Some group has rules the input does not decide: it may admit more than `ranges` say.
    pub unknown: bool,
}

/// Whether a rule admits `protocol` on `port`.
pub fn rule_matches(rule: &SgRule, protocol: Protocol, port: Option<u16>) -> bool {
    if !rule.protocol.matches(protocol) {
        return false;
    }
    match (rule.protocol, rule.ports, port) {
        (Protocol::All, _, _) | (_, None, _) | (_, _, None) => true,
        (_, Some(r), Some(p)) => r.from <= p && p <= r.to,
    }
}

/// What the ingress rules of `groups` admit for `protocol` on `port`.
pub fn ingress_sources(
    design: &Design,
    groups: &[Id<SecurityGroups>],
    protocol: Protocol,
    port: Option<u16>,
) -> Sources {
    let mut out = Sources::default();
    for &g in groups {
        out.unknown |= design[g].has_unknown_ingress;
        for rule in design[g].ingress.iter().filter(|r| rule_matches(r, protocol, port)) {
            out.ranges.extend(rule.cidrs.iter().map(AddrRange::of));
            out.groups.extend(rule.groups.iter().cloned());
            out.prefix_lists.extend(rule.prefix_lists.iter().cloned());
        }
    }
    out
}

/// Whether a rule's group reference names `group`: the same resolved group, or the same id when
/// either names nothing loaded.
pub fn same_group(reference: &GroupRef, group: &Ref<SecurityGroups>) -> bool {
    match (reference.idx, group.idx) {
        (Some(a), Some(b)) => a == b,
        _ => reference.id == group.id,
    }
}
