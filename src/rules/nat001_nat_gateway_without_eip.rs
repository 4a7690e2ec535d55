//! NAT001: a public NAT gateway needs an Elastic IP to reach the internet.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::{Connectivity, NatGateway};
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NAT001",
        name: "nat-gateway-without-eip",
        severity: Severity::Error,
        summary: "A public NAT gateway has no Elastic IP allocation",
        doc: include_str!("../../rules/NAT001.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    for nat in &t.design.nat_gateways {
        if nat.connectivity != Connectivity::Public
            || matches!(nat.state.as_str(), "deleted" | "deleting" | "failed")
            || !nat.allocations.is_empty()
            || nat.allocation_unknown
        {
            continue;
        }
        let f = finding(sink, nat);
        sink.emit(f);
    }
}

/// The finding for a public NAT gateway without an Elastic IP.
fn finding(sink: &Sink<'_>, nat: &NatGateway) -> Finding {
    let at = nat.meta.origin.at("NatGatewayAddresses");
    sink.finding(
        Severity::Error,
        &nat.meta,
        nat.meta.id_origin(),
        "public NAT gateway",
        format!(
            "public NAT gateway {} has no Elastic IP: instances routing through it cannot reach the internet",
            nat.meta.label()
        ),
    )
    .label(at, "no address here has an `AllocationId`")
    .help(
        "allocate an Elastic IP and give it to the NAT gateway (`--allocation-id`, Terraform `allocation_id`, CloudFormation `AllocationId`), \
         or make the gateway private (`--connectivity-type private`, Terraform `connectivity_type = \"private\"`) \
         if it only serves private networks",
    )
}
