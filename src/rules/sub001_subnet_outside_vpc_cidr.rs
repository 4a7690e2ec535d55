//! SUB001: a subnet's CIDR must lie inside an associated CIDR block of its VPC.

use super::{Finding, Rule, RuleMeta, Severity, Sink};
use crate::model::net::{AddrRange, Family};
use crate::model::{Subnet, Vpc};
use crate::source::Origin;
use crate::topology::Topology;
use ipnet::IpNet;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SUB001",
        name: "subnet-outside-vpc-cidr",
        severity: Severity::Error,
        summary: "A subnet's CIDR block is not inside any associated CIDR block of its VPC",
        doc: include_str!("../../rules/SUB001.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let d = t.design;
    for subnet in &d.subnets {
        let Some(vpc) = subnet.vpc.as_ref().and_then(|r| r.idx).map(|v| &d[v]) else { continue };
        if vpc.cidrs.is_empty() {
            continue; // unknown
        }
        for (net, key) in
            subnet.cidr.iter().map(|n| (n, "CidrBlock")).chain(subnet.ipv6_cidrs.iter().map(|n| (n, "Ipv6CidrBlock")))
        {
            let r = AddrRange::of(net);
            if !vpc.knows_blocks(Family::of(net)) {
                continue; // it may lie in a block decided at deployment
            }
            if vpc.active_cidrs().any(|c| AddrRange::of(&c.net).contains(&r)) {
                continue;
            }
            let in_template = format!("Properties/{key}");
            let at = subnet.meta.origin.at_first(&d.sources, &[key, &in_template, "cidr_block", "ipv6_cidr_block"]);
            let f = finding(sink, subnet, vpc, net, at);
            sink.emit(f);
        }
    }
}

/// The finding for `subnet`'s block `net`, written at `at`, which lies outside every associated
/// block of `vpc`.
fn finding(sink: &Sink<'_>, subnet: &Subnet, vpc: &Vpc, net: &IpNet, at: Origin) -> Finding {
    let r = AddrRange::of(net);
    let blocks: Vec<String> = vpc.active_cidrs().map(|c| c.net.to_string()).collect();
    let inactive: Vec<String> = vpc
        .cidrs
        .iter()
        .filter(|c| !c.associated && AddrRange::of(&c.net).contains(&r))
        .map(|c| c.net.to_string())
        .collect();
    let note = if inactive.is_empty() {
        String::new()
    } else {
        format!(" ({} contains it but is no longer associated)", inactive.join(", "))
    };
    sink.finding(
        Severity::Error,
        &subnet.meta,
        at,
        format!("{net} is outside {}", vpc.meta.id),
        format!(
            "subnet {} has CIDR block {net}, outside every associated block of {} ({}){note}",
            subnet.meta.label(),
            vpc.meta.label(),
            if blocks.is_empty() { "none".to_string() } else { blocks.join(", ") }
        ),
    )
    .label(vpc.meta.id_origin(), "the VPC")
    .help("give the subnet a CIDR block inside the VPC's, or associate a secondary block that contains it")
}
