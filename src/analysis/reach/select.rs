//! Selectors: sets of ends named the way a team thinks of them, for intents. `internet`; an id
//! or `Name` tag; `tag:KEY=VALUE` (`VALUE` a glob; `tag:KEY` for any value); `subnet:GLOB`,
//! `sg:GLOB` and `vpc:GLOB` on ids or names (a security group also by its group name); an IP
//! address or CIDR block. A subnet stands for the instances and network interfaces in it, or for
//! its own addresses when it holds none.

use super::End;
use super::endpoint;
use crate::model::net::Family;
use crate::model::*;
use crate::topology::Topology;
use glob::Pattern;
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub enum Selector {
    Internet,
    Named(String),
    Tag(String, Option<Pattern>),
    Subnet(Pattern),
    Group(Pattern),
    Vpc(Pattern),
    Address(String),
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        let glob = |g: &str| Pattern::new(g).map_err(|e| format!("`{g}` is not a valid pattern: {e}"));
        let text = text.trim();
        if text.is_empty() {
            return Err("an empty selector selects nothing".into());
        }
        if text.eq_ignore_ascii_case("internet") {
            return Ok(Selector::Internet);
        }
        let Some((kind, rest)) = text.split_once(':').filter(|(k, _)| k.chars().all(|c| c.is_ascii_alphabetic()))
        else {
            if net::parse_cidr(text).is_some() || text.parse::<std::net::IpAddr>().is_ok() {
                return Ok(Selector::Address(text.to_string()));
            }
            return Ok(Selector::Named(text.to_string()));
        };
        match kind.to_ascii_lowercase().as_str() {
            "tag" => match rest.split_once('=') {
                Some((k, v)) => Ok(Selector::Tag(k.to_string(), Some(glob(v)?))),
                None => Ok(Selector::Tag(rest.to_string(), None)),
            },
            "subnet" => Ok(Selector::Subnet(glob(rest)?)),
            "sg" => Ok(Selector::Group(glob(rest)?)),
            "vpc" => Ok(Selector::Vpc(glob(rest)?)),
            "cidr" | "ip" if net::parse_cidr(rest).is_some() => Ok(Selector::Address(rest.to_string())),
            "cidr" | "ip" => Err(format!("`{rest}` is not an IP address or CIDR block")),
            other => {
                Err(format!("`{other}:` is not a selector (internet, tag:, subnet:, sg:, vpc:, cidr:, an id or Name)"))
            }
        }
    }

    /// The ends the selector names in the design, in a stable order; `family` is the other
    /// end's, for the internet. A selector of addresses that no subnet holds and the internet
    /// does not route names nothing.
    pub fn ends(&self, t: &Topology<'_>, family: Family) -> Vec<End> {
        let d = t.design;
        let live = |i: &&Instance| !i.state.is_gone();
        match self {
            Selector::Internet => vec![End::Internet(family)],
            Selector::Address(a) => endpoint::resolve(t, a, Some(family)).into_iter().collect(),
            Selector::Named(n) => endpoint::resolve_all(t, n),
            Selector::Tag(key, value) => {
                let tagged =
                    |m: &Meta| m.tags.iter().any(|(k, v)| k == key && value.as_ref().is_none_or(|p| p.matches(v)));
                let instances = d.each::<Instances>().map(|(_, i)| i).filter(live).filter(|i| tagged(&i.meta));
                let mut out: Vec<End> = instances.filter_map(|i| endpoint::instance(t, i)).collect();
                let interfaces = d.each::<NetworkInterfaces>().filter(|(_, n)| tagged(&n.meta));
                out.extend(interfaces.filter_map(|(_, n)| endpoint::interface(t, n)));
                out.extend(members_or_subnets(t, d.each::<Subnets>().filter(|(_, s)| tagged(&s.meta)).map(|(s, _)| s)));
                out
            }
            Selector::Subnet(p) => {
                members_or_subnets(t, d.each::<Subnets>().filter(|(_, s)| matches(p, &s.meta, None)).map(|(s, _)| s))
            }
            Selector::Vpc(p) => {
                let vpcs = d.each::<Vpcs>().filter(|(_, v)| matches(p, &v.meta, None));
                members_or_subnets(t, vpcs.flat_map(|(v, _)| t.subnets_of(v).iter().copied()))
            }
            Selector::Group(p) => {
                let groups: BTreeSet<Id<SecurityGroups>> = d
                    .each::<SecurityGroups>()
                    .filter(|(_, g)| matches(p, &g.meta, g.group_name.as_deref()))
                    .map(|(g, _)| g)
                    .collect();
                let member =
                    |refs: &[Ref<SecurityGroups>]| refs.iter().any(|r| r.idx.is_some_and(|g| groups.contains(&g)));
                let instances =
                    d.each::<Instances>().map(|(_, i)| i).filter(live).filter(|i| member(&i.security_groups));
                let interfaces = d.each::<NetworkInterfaces>().map(|(_, n)| n).filter(|n| member(&n.security_groups));
                without_duplicates(t, instances.collect(), interfaces.collect())
            }
        }
    }
}

fn matches(p: &Pattern, meta: &Meta, other_name: Option<&str>) -> bool {
    p.matches(&meta.id)
        || meta.name.as_deref().is_some_and(|n| p.matches(n))
        || other_name.is_some_and(|n| p.matches(n))
}

/// The instances and network interfaces in `subnets`, and each subnet that holds none as
/// itself, in one pass over the design's instances and interfaces.
fn members_or_subnets(t: &Topology<'_>, subnets: impl Iterator<Item = Id<Subnets>>) -> Vec<End> {
    let d = t.design;
    let subnets: BTreeSet<Id<Subnets>> = subnets.collect();
    if subnets.is_empty() {
        return Vec::new();
    }
    let inside = |r: &Option<Ref<Subnets>>| r.as_ref().and_then(|r| r.idx).filter(|s| subnets.contains(s));
    let instances: Vec<&Instance> =
        d.each::<Instances>().map(|(_, i)| i).filter(|i| !i.state.is_gone() && inside(&i.subnet).is_some()).collect();
    let interfaces: Vec<&NetworkInterface> =
        d.each::<NetworkInterfaces>().map(|(_, n)| n).filter(|n| inside(&n.subnet).is_some()).collect();
    let held: BTreeSet<Id<Subnets>> = (instances.iter().filter_map(|i| inside(&i.subnet)))
        .chain(interfaces.iter().filter_map(|n| inside(&n.subnet)))
        .collect();
    let mut out = without_duplicates(t, instances, interfaces);
    let empty = subnets.iter().filter(|s| !held.contains(s));
    out.extend(empty.filter_map(|&s| endpoint::subnet_end(t, s, &d[s])));
    out
}

/// Instances, and the interfaces that are not an instance's own (a dump lists an instance's
/// primary interface beside it, with the instance's private address).
fn without_duplicates(t: &Topology<'_>, instances: Vec<&Instance>, interfaces: Vec<&NetworkInterface>) -> Vec<End> {
    let held: BTreeSet<&str> = instances.iter().filter_map(|i| i.private_ip.as_deref()).collect();
    let mut out: Vec<End> = instances.into_iter().filter_map(|i| endpoint::instance(t, i)).collect();
    let own = |n: &NetworkInterface| n.private_ips.first().is_some_and(|ip| held.contains(ip.as_str()));
    out.extend(interfaces.into_iter().filter(|n| !own(n)).filter_map(|n| endpoint::interface(t, n)));
    out
}
