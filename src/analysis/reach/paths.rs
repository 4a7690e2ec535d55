//! The paths of a flow, by where its ends are: in one VPC, in two peered VPCs, to the internet
//! (through an internet gateway, an egress-only one, or a NAT gateway) and from it. Every check
//! on a path whose place is certain is made even after a blocker, so all blockers are named.

use super::checks::{self, Outcome, Routed};
use super::{Answer, Code, End, Hop, Query};
use crate::model::net::{self, AddrRange, Family, PortRange};
use crate::model::*;
use crate::topology::Topology;
use ipnet::IpNet;

/// An end inside a VPC, borrowed from [`End::Inside`].
#[derive(Clone, Copy)]
struct Place<'e> {
    label: &'e str,
    resource: &'e str,
    subnet: Id<Subnets>,
    vpc: Id<Vpcs>,
    addrs: AddrRange,
    groups: Option<&'e [Id<SecurityGroups>]>,
    public: Option<bool>,
}

impl<'e> Place<'e> {
    fn of(end: &'e End) -> Option<Place<'e>> {
        match end {
            End::Inside { label, resource, subnet, vpc, addrs, groups, public } => Some(Place {
                label,
                resource,
                subnet: *subnet,
                vpc: *vpc,
                addrs: *addrs,
                groups: groups.as_deref(),
                public: *public,
            }),
            End::Internet(_) => None,
        }
    }

    fn net(&self) -> IpNet {
        self.addrs.to_cidrs().first().copied().unwrap_or_else(|| self.addrs.family.any())
    }

    /// A subnet or a bare address: nothing says whether it has a public address.
    fn is_bare(&self) -> bool {
        self.groups.is_none() && self.public.is_none()
    }
}

pub struct Walk<'t, 'd, 'e> {
    t: &'t Topology<'d>,
    q: &'t Query,
    from: &'e End,
    to: &'e End,
    forward: Vec<Hop>,
    back: Vec<Hop>,
    blockers: Vec<super::Blocker>,
    unknown: Vec<String>,
    notes: Vec<String>,
    sources: Vec<AddrRange>,
}

impl<'t, 'd, 'e> Walk<'t, 'd, 'e> {
    pub fn new(t: &'t Topology<'d>, q: &'t Query, from: &'e End, to: &'e End) -> Walk<'t, 'd, 'e> {
        Walk {
            t,
            q,
            from,
            to,
            forward: Vec::new(),
            back: Vec::new(),
            blockers: Vec::new(),
            unknown: Vec::new(),
            notes: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn push(&mut self, o: Outcome, on_return: bool) {
        // An end without interfaces has no security groups: said once, not as a hop.
        if o.hop.kind == "security groups" && o.hop.resource.is_empty() {
            let note = "no security group is evaluated for a subnet or a bare address (only interfaces have them)";
            if !self.notes.iter().any(|n| n == note) {
                self.notes.push(note.to_string());
            }
            return;
        }
        if on_return {
            self.back.push(o.hop)
        } else {
            self.forward.push(o.hop)
        }
        self.blockers.extend(o.blocker);
        self.unknown.extend(o.unknown);
    }

    fn forward_ports(&self) -> (net::Protocol, PortRange) {
        (self.q.protocol, self.q.port.map_or(PortRange::ALL, |p| PortRange::new(p, p)))
    }

    fn reply_ports(&self) -> (net::Protocol, PortRange) {
        (self.q.protocol, if self.q.protocol.has_ports() { PortRange::EPHEMERAL } else { PortRange::ALL })
    }

    pub fn run(&mut self) -> Result<(), String> {
        match (Place::of(self.from), Place::of(self.to)) {
            (Some(a), Some(b)) if a.addrs.family != b.addrs.family => {
                Err(format!("{} and {} are addresses of different families", a.label, b.label))
            }
            (Some(a), Some(b)) if a.vpc == b.vpc => {
                self.within_vpc(a, b);
                Ok(())
            }
            (Some(a), Some(b)) => {
                self.across_vpcs(a, b);
                Ok(())
            }
            (Some(a), None) => {
                self.out_to_internet(a);
                Ok(())
            }
            (None, Some(b)) => {
                self.in_from_internet(b);
                Ok(())
            }
            (None, None) => Err("both ends are the internet: nothing in the input carries that traffic".into()),
        }
    }

    /// The source's egress, and the destination's ingress, security groups.
    fn groups(&mut self, a: Place<'_>, b: Place<'_>, dst: &mut Vec<AddrRange>, src: &mut Vec<AddrRange>) {
        let pp = (self.q.protocol, self.q.port);
        let out = checks::groups(self.t, a.groups, false, pp, dst, b.groups);
        self.push(out, false);
        let inn = checks::groups(self.t, b.groups, true, pp, src, a.groups);
        self.push(inn, false);
    }

    fn within_vpc(&mut self, a: Place<'_>, b: Place<'_>) {
        let (mut src, mut dst) = (vec![a.addrs], vec![b.addrs]);
        let crossing = a.subnet != b.subnet;
        if crossing {
            let o = checks::nacl(self.t, a.subnet, true, self.forward_ports(), &mut dst, false);
            self.push(o, false);
            self.local_route(a.subnet, &b.net(), b.label, false);
            let o = checks::nacl(self.t, b.subnet, false, self.forward_ports(), &mut src, false);
            self.push(o, false);
        }
        self.groups(a, b, &mut dst, &mut src);
        if crossing {
            let o = checks::nacl(self.t, b.subnet, true, self.reply_ports(), &mut src, true);
            self.push(o, true);
            self.local_route(b.subnet, &a.net(), a.label, true);
            let o = checks::nacl(self.t, a.subnet, false, self.reply_ports(), &mut dst, true);
            self.push(o, true);
        }
        self.sources = src;
    }

    /// Inside one VPC, the local route carries traffic unless a more specific route sends it
    /// elsewhere (a middlebox, whose own rules vpclint does not evaluate).
    fn local_route(&mut self, subnet: Id<Subnets>, to: &IpNet, label: &str, on_return: bool) {
        match checks::route(self.t, subnet, to, label, on_return) {
            Routed::Decided(o) => self.push(o, on_return),
            Routed::Route(table, route) if route.target.kind == TargetKind::Local => {
                let o = checks::route_hop(self.t, table, route);
                self.push(o, on_return);
            }
            Routed::Route(table, route) => {
                let why = format!(
                    "{} sends {to} through {} {}: what it forwards is not evaluated",
                    self.t.design[table].meta.label(),
                    route.target.kind.name(),
                    route.target.id
                );
                let o = checks::unknown(self.t.design[table].meta.id.clone(), "route table", why);
                self.push(o, on_return);
            }
        }
    }

    fn across_vpcs(&mut self, a: Place<'_>, b: Place<'_>) {
        let (mut src, mut dst) = (vec![a.addrs], vec![b.addrs]);
        let o = checks::nacl(self.t, a.subnet, true, self.forward_ports(), &mut dst, false);
        self.push(o, false);
        self.peering_route(a, b, false);
        let o = checks::nacl(self.t, b.subnet, false, self.forward_ports(), &mut src, false);
        self.push(o, false);
        self.groups(a, b, &mut dst, &mut src);
        let o = checks::nacl(self.t, b.subnet, true, self.reply_ports(), &mut src, true);
        self.push(o, true);
        self.peering_route(b, a, true);
        let o = checks::nacl(self.t, a.subnet, false, self.reply_ports(), &mut dst, true);
        self.push(o, true);
        self.sources = src;
    }

    /// From `a`'s subnet to `b` in another VPC: a peering connection that joins the two VPCs.
    fn peering_route(&mut self, a: Place<'_>, b: Place<'_>, on_return: bool) {
        let d = self.t.design;
        let (table, route) = match checks::route(self.t, a.subnet, &b.net(), b.label, on_return) {
            Routed::Decided(o) => return self.push(o, on_return),
            Routed::Route(table, route) => (table, route),
        };
        let tb = &d[table];
        let hop = checks::route_hop(self.t, table, route);
        let blocked = |code, reason: String| {
            checks::blocked(
                tb.meta.id.clone(),
                "route table",
                code,
                Some(route.destination.to_string()),
                reason,
                on_return,
            )
        };
        let o = match (route.target.kind, route.target.idx) {
            (TargetKind::PeeringConnection, Some(TargetId::PeeringConnection(p))) => {
                let pcx = &d[p];
                let other = pcx.sides().iter().filter_map(|s| s.vpc.idx).find(|&v| v != a.vpc);
                if !pcx.status.carries_traffic() {
                    checks::blocked(
                        pcx.meta.id.clone(),
                        "peering connection",
                        Code::PeeringNotActive,
                        None,
                        format!("peering connection {} is {}", pcx.meta.label(), pcx.status),
                        on_return,
                    )
                } else if other == Some(b.vpc) {
                    self.push(hop, on_return);
                    checks::passed(
                        pcx.meta.id.clone(),
                        "peering connection",
                        format!("peering connection {} joins the two VPCs", pcx.meta.label()),
                    )
                } else {
                    let beyond = other.map_or("a VPC not in the input".to_string(), |v| d[v].meta.label());
                    blocked(
                        Code::PeeringNotTransitive,
                        format!(
                            "{} sends {} through peering connection {} to {beyond}, but {} is in {}: peering is not transitive",
                            tb.meta.label(),
                            b.label,
                            pcx.meta.label(),
                            b.label,
                            d[b.vpc].meta.label()
                        ),
                    )
                }
            }
            (TargetKind::Local, _) => blocked(
                Code::NoRoute,
                format!(
                    "{} keeps {} in its own VPC (the local route): no route leads to {}",
                    tb.meta.label(),
                    b.net(),
                    d[b.vpc].meta.label()
                ),
            ),
            (kind, _) => {
                let why = format!(
                    "{} sends {} through {} {}: reach does not follow that yet",
                    tb.meta.label(),
                    b.net(),
                    kind.name(),
                    route.target.id
                );
                checks::unknown(tb.meta.id.to_string(), "route table", why)
            }
        };
        self.push(o, on_return);
    }

    fn out_to_internet(&mut self, a: Place<'_>) {
        let family = a.addrs.family;
        let mut dst = super::endpoint::internet(family);
        let mut src = vec![a.addrs];
        let out = checks::groups(self.t, a.groups, false, (self.q.protocol, self.q.port), &mut dst, None);
        self.push(out, false);
        let o = checks::nacl(self.t, a.subnet, true, self.forward_ports(), &mut dst, false);
        self.push(o, false);
        match checks::route(self.t, a.subnet, &family.any(), "the internet", false) {
            Routed::Decided(o) => self.push(o, false),
            Routed::Route(table, route) => self.internet_exit(a, table, route, &mut src),
        }
        let o = checks::nacl(self.t, a.subnet, false, self.reply_ports(), &mut dst, true);
        self.push(o, true);
    }

    fn internet_exit(&mut self, a: Place<'_>, table: Id<RouteTables>, route: &Route, src: &mut Vec<AddrRange>) {
        let d = self.t.design;
        let hop = checks::route_hop(self.t, table, route);
        let tb = d[table].meta.id.clone();
        match (route.target.kind, route.target.idx) {
            (TargetKind::InternetGateway, Some(TargetId::InternetGateway(igw))) => {
                self.push(hop, false);
                self.gateway(igw, a.vpc, false);
                self.public_address(a, false);
            }
            (TargetKind::EgressOnlyInternetGateway, _) if a.addrs.family == Family::V6 => self.push(hop, false),
            (TargetKind::NatGateway, Some(TargetId::NatGateway(n))) => {
                self.push(hop, false);
                self.through_nat(a, n, src);
            }
            (kind, _) => {
                let why = format!(
                    "{} sends the internet through {} {}: reach does not follow that yet",
                    d[table].meta.label(),
                    kind.name(),
                    route.target.id
                );
                self.push(checks::unknown(tb.to_string(), "route table", why), false);
            }
        }
    }

    /// An internet gateway carries traffic for the VPCs it is attached to.
    fn gateway(&mut self, igw: Id<InternetGateways>, vpc: Id<Vpcs>, on_return: bool) {
        let g = &self.t.design[igw];
        let o = if self.t.igw_attached_to(igw, vpc) {
            checks::passed(
                g.meta.id.clone(),
                "internet gateway",
                format!("internet gateway {} is attached to the VPC", g.meta.label()),
            )
        } else {
            checks::blocked(
                g.meta.id.clone(),
                "internet gateway",
                Code::GatewayNotAttached,
                None,
                format!("internet gateway {} is not attached to {}", g.meta.label(), self.t.design[vpc].meta.label()),
                on_return,
            )
        };
        self.push(o, on_return);
    }

    /// Through an internet gateway, IPv4 needs a public address (IPv6 addresses are global).
    fn public_address(&mut self, p: Place<'_>, on_return: bool) {
        if p.addrs.family == Family::V6 {
            return;
        }
        match p.public {
            Some(true) => {}
            Some(false) => {
                let o = checks::blocked(
                    p.resource.to_string(),
                    "endpoint",
                    Code::NoPublicAddress,
                    None,
                    format!("{} has no public IPv4 address: the internet gateway has nothing to translate", p.label),
                    on_return,
                );
                self.push(o, on_return);
            }
            None if p.is_bare() => {
                self.notes.push(format!("{} is taken to have a public address (a subnet has none of its own)", p.label))
            }
            None => {
                let why = format!("whether {} has a public IPv4 address is not decided by the input", p.label);
                self.push(checks::unknown(p.resource.to_string(), "endpoint", why), on_return);
            }
        }
    }

    fn through_nat(&mut self, a: Place<'_>, n: Id<NatGateways>, src: &mut Vec<AddrRange>) {
        let d = self.t.design;
        let nat = &d[n];
        let unusable = |why: String| {
            checks::blocked(nat.meta.id.clone(), "NAT gateway", Code::NatGatewayUnusable, None, why, false)
        };
        if nat.state.is_gone() {
            return self.push(unusable(format!("NAT gateway {} is {}", nat.meta.label(), nat.state)), false);
        }
        if nat.connectivity == Connectivity::Private {
            return self.push(
                unusable(format!("NAT gateway {} is private: it does not reach the internet", nat.meta.label())),
                false,
            );
        }
        if nat.allocations.is_empty() && !nat.allocation_unknown {
            return self.push(unusable(format!("NAT gateway {} has no Elastic IP", nat.meta.label())), false);
        }
        let Some(ns) = nat.subnet.as_ref().and_then(|s| s.idx) else {
            let why = format!("the subnet of NAT gateway {} is not in the input", nat.meta.label());
            return self.push(checks::unknown(nat.meta.id.to_string(), "NAT gateway", why), false);
        };
        self.push(
            checks::passed(
                nat.meta.id.clone(),
                "NAT gateway",
                format!("NAT gateway {} translates the source to its address", nat.meta.label()),
            ),
            false,
        );
        let mut internet = super::endpoint::internet(Family::V4);
        if ns != a.subnet {
            let o = checks::nacl(self.t, ns, false, self.forward_ports(), src, false);
            self.push(o, false);
        }
        let o = checks::nacl(self.t, ns, true, self.forward_ports(), &mut internet, false);
        self.push(o, false);
        let label = nat.meta.label();
        self.via_attached_gateway((ns, a.vpc, Family::V4), false, |target| {
            format!("the subnet of NAT gateway {label} sends the internet to {target}, not to an internet gateway")
        });
        let o = checks::nacl(self.t, ns, false, self.reply_ports(), &mut internet, true);
        self.push(o, true);
        if ns != a.subnet {
            let mut back = vec![a.addrs];
            let o = checks::nacl(self.t, ns, true, self.reply_ports(), &mut back, true);
            self.push(o, true);
        }
    }

    /// `subnet`'s route to the internet must lead to an internet gateway attached to `vpc`; when
    /// it leads elsewhere, `elsewhere` words the blocker from the route's target.
    fn via_attached_gateway(
        &mut self,
        (subnet, vpc, family): (Id<Subnets>, Id<Vpcs>, Family),
        on_return: bool,
        elsewhere: impl FnOnce(String) -> String,
    ) {
        match checks::route(self.t, subnet, &family.any(), "the internet", on_return) {
            Routed::Decided(o) => self.push(o, on_return),
            Routed::Route(table, route) => match (route.target.kind, route.target.idx) {
                (TargetKind::InternetGateway, Some(TargetId::InternetGateway(igw))) => {
                    let hop = checks::route_hop(self.t, table, route);
                    self.push(hop, on_return);
                    self.gateway(igw, vpc, on_return);
                }
                _ => {
                    let reason = elsewhere(crate::analysis::routing::describe_target(route));
                    let o = checks::blocked(
                        self.t.design[table].meta.id.clone(),
                        "route table",
                        Code::NoRoute,
                        Some(route.destination.to_string()),
                        reason,
                        on_return,
                    );
                    self.push(o, on_return);
                }
            },
        }
    }

    fn in_from_internet(&mut self, b: Place<'_>) {
        let family = b.addrs.family;
        let mut src = super::endpoint::internet(family);
        let gateways = self.t.attached_internet_gateways(b.vpc);
        if gateways.is_empty() {
            let vpc = &self.t.design[b.vpc];
            let o = checks::blocked(
                vpc.meta.id.clone(),
                "VPC",
                Code::NoInternetGateway,
                None,
                format!("{} has no internet gateway attached", vpc.meta.label()),
                false,
            );
            self.push(o, false);
        } else {
            let first = gateways[0];
            self.gateway(first, b.vpc, false);
        }
        self.public_address(b, false);
        let o = checks::nacl(self.t, b.subnet, false, self.forward_ports(), &mut src, false);
        self.push(o, false);
        let inn = checks::groups(self.t, b.groups, true, (self.q.protocol, self.q.port), &mut src, None);
        self.push(inn, false);
        // Replies leave by the destination subnet's own route to the internet.
        self.via_attached_gateway((b.subnet, b.vpc, family), true, |target| {
            format!("replies to the internet leave through {target}, not the internet gateway they came in by")
        });
        let o = checks::nacl(self.t, b.subnet, true, self.reply_ports(), &mut src, true);
        self.push(o, true);
        self.sources = src;
    }

    pub fn answer(self) -> Answer {
        let reachable = if !self.blockers.is_empty() {
            Some(false)
        } else if !self.unknown.is_empty() {
            None
        } else {
            Some(true)
        };
        let admitted_sources = match self.from {
            End::Internet(f) if self.sources != super::endpoint::internet(*f) && !self.sources.is_empty() => {
                Some(net::display_ranges(&self.sources))
            }
            _ => None,
        };
        Answer {
            from: self.from.label(),
            to: self.to.label(),
            reachable,
            forward: self.forward,
            back: self.back,
            blocked_by: self.blockers,
            unknown: self.unknown,
            assumptions: self.notes,
            admitted_sources,
            sources: self.sources,
        }
    }
}
