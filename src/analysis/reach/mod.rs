//! Reachability: can traffic from one end reach the other on a protocol and port, and come
//! back — and if not, every reason why.
//!
//! A flow is walked hop by hop with AWS's semantics: security groups are stateful (the source's
//! egress and the destination's ingress, replies always allowed); network ACLs are stateless and
//! apply where traffic crosses a subnet's edge (both directions, the replies on the client's
//! ephemeral ports 1024-65535); routes by longest prefix in the subnet's table (main-table
//! fallback); an internet gateway translates an instance's public address; a NAT gateway
//! translates the source; peering is not transitive and has no edge-to-edge routing. The
//! addresses still admitted are narrowed at each hop, so an answer from the internet says from
//! where. What the input does not decide makes the answer unknown, with the reason.

mod checks;
pub mod endpoint;
pub mod intent;
mod paths;
pub mod select;
pub mod sweep;

use crate::model::net::Protocol;
use crate::topology::Topology;
pub use endpoint::End;

/// A question: from, to, protocol and destination port (`None` for protocols without ports).
#[derive(Clone, Debug)]
pub struct Query {
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    pub port: Option<u16>,
}

/// What a hop decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Block,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Block => "block",
            Verdict::Unknown => "unknown",
        }
    }
}

/// One step of a path: the resource, what it decided, and why.
#[derive(Clone, Debug)]
pub struct Hop {
    pub resource: String,
    pub kind: &'static str,
    pub verdict: Verdict,
    pub detail: String,
}

/// Why traffic does not get through, with a code from the documented list ([`Code`]).
#[derive(Clone, Debug)]
pub struct Blocker {
    pub resource: String,
    pub kind: &'static str,
    pub code: Code,
    /// The deciding entry: a NACL rule number (`*` for the implicit deny), a route destination.
    pub entry: Option<String>,
    pub reason: String,
    /// On the way back (replies), not on the way there.
    pub on_return: bool,
}

/// Explanation codes, in the spirit of AWS Reachability Analyzer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    NoRoute,
    BlackholeRoute,
    GatewayNotAttached,
    NoPublicAddress,
    NoInternetGateway,
    NatGatewayUnusable,
    PeeringNotActive,
    PeeringNotTransitive,
    NaclDeniesOutbound,
    NaclDeniesInbound,
    SecurityGroupEgress,
    SecurityGroupIngress,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NoRoute => "NO_ROUTE",
            Code::BlackholeRoute => "BLACKHOLE_ROUTE",
            Code::GatewayNotAttached => "GATEWAY_NOT_ATTACHED",
            Code::NoPublicAddress => "NO_PUBLIC_ADDRESS",
            Code::NoInternetGateway => "NO_INTERNET_GATEWAY",
            Code::NatGatewayUnusable => "NAT_GATEWAY_UNUSABLE",
            Code::PeeringNotActive => "PEERING_NOT_ACTIVE",
            Code::PeeringNotTransitive => "PEERING_NOT_TRANSITIVE",
            Code::NaclDeniesOutbound => "NACL_DENIES_OUTBOUND",
            Code::NaclDeniesInbound => "NACL_DENIES_INBOUND",
            Code::SecurityGroupEgress => "SG_EGRESS_DENIES",
            Code::SecurityGroupIngress => "SG_INGRESS_DENIES",
        }
    }

    /// What to change, in a sentence.
    pub fn fix(self) -> &'static str {
        match self {
            Code::NoRoute => "add a route for the destination to the subnet's route table",
            Code::BlackholeRoute => "point the route at a target that exists and is available",
            Code::GatewayNotAttached => "attach the gateway to the VPC, or route to the VPC's own gateway",
            Code::NoPublicAddress => "give the instance a public or Elastic IP address, or go through a load balancer",
            Code::NoInternetGateway => "attach an internet gateway to the VPC",
            Code::NatGatewayUnusable => "use an available public NAT gateway with an Elastic IP in a public subnet",
            Code::PeeringNotActive => "accept the peering connection",
            Code::PeeringNotTransitive => "peer the two VPCs directly, or use a transit gateway",
            Code::NaclDeniesOutbound => "allow the traffic in the network ACL's outbound rules",
            Code::NaclDeniesInbound => "allow the traffic in the network ACL's inbound rules",
            Code::SecurityGroupEgress => "add an outbound rule for the destination to a security group of the source",
            Code::SecurityGroupIngress => "add an inbound rule for the source to a security group of the destination",
        }
    }
}

/// The answer: reachable (`Some(true)`), not (`Some(false)`), or unknown (`None`, with reasons).
#[derive(Clone, Debug)]
pub struct Answer {
    pub from: String,
    pub to: String,
    pub reachable: Option<bool>,
    pub forward: Vec<Hop>,
    pub back: Vec<Hop>,
    pub blocked_by: Vec<Blocker>,
    pub unknown: Vec<String>,
    /// What the answer takes for granted (a subnet's address taken to be public).
    pub assumptions: Vec<String>,
    /// The source addresses that get through, when not all of the source's (from the internet:
    /// which part of it).
    pub admitted_sources: Option<String>,
    /// The source addresses still admitted at the destination (empty when the walk did not get
    /// there).
    pub sources: Vec<crate::model::net::AddrRange>,
}

/// Answer a query against a design; an end that names nothing is an error.
pub fn reach(t: &Topology<'_>, q: &Query) -> Result<Answer, String> {
    let from = endpoint::resolve(t, &q.from, None)?;
    let to = endpoint::resolve(t, &q.to, Some(from.family()))?;
    reach_between(t, q, &from, &to)
}

/// Answer a query between two resolved ends (`q.from` and `q.to` are not read again).
pub fn reach_between(t: &Topology<'_>, q: &Query, from: &End, to: &End) -> Result<Answer, String> {
    let mut walk = paths::Walk::new(t, q, from, to);
    walk.run()?;
    Ok(walk.answer())
}
