//! Terraform plans: links known only after apply are recovered from the configuration, unknown
//! values are not mistaken for absent ones, deletions leave the design, and plans combine with
//! account dumps.

mod common;

use common::*;
use std::path::Path;
use vpclint::ingest::{self, Input};
use vpclint::model::{Design, TargetKind};

fn fixture(rel: &str) -> std::path::PathBuf {
    root().join("fixtures").join(rel)
}

fn load_value(doc: &serde_json::Value) -> (vpclint::ingest::Loaded, Vec<vpclint::rules::Finding>) {
    let text = serde_json::to_vec(doc).unwrap();
    let loaded = ingest::load(&[Input::Stdin], &mut text.as_slice());
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    (loaded, findings)
}

fn nat<'d>(d: &'d Design, address: &str) -> &'d vpclint::model::NatGateway {
    d.nat_gateways.iter().find(|n| n.meta.id == address).unwrap_or_else(|| panic!("{address} not loaded"))
}

#[test]
fn allocation_known_after_apply_resolves_per_count_index() {
    let (loaded, findings) = check_dir(&fixture("NAT001/pass/tf-allocation-known-after-apply"));
    assert!(findings.is_empty());
    let d = &loaded.design;
    for i in 0..2 {
        let n = nat(d, &format!("aws_nat_gateway.this[{i}]"));
        let ids: Vec<&str> = n.allocations.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec![format!("aws_eip.nat[{i}]")]);
        assert!(n.allocations[0].idx.is_some(), "the EIP is in the design");
        assert_eq!(n.subnet.as_ref().map(|s| s.id.clone()), Some(format!("aws_subnet.public[{i}]")));
    }
}

#[test]
fn allocation_simply_not_set_fires() {
    let (loaded, findings) = check_dir(&fixture("NAT001/fail/tf-public-nat-without-allocation"));
    assert_eq!(summary(&findings), vec![("NAT001".into(), "error".into(), "aws_nat_gateway.egress".into())]);
    let n = nat(&loaded.design, "aws_nat_gateway.egress");
    assert!(n.allocations.is_empty() && !n.allocation_unknown);
}

#[test]
fn allocation_unknown_without_a_resolvable_reference_is_unknown_not_absent() {
    // The same plan, with allocation_id known only after apply and referencing something the
    // plan cannot resolve (a local value): NAT001 must not fire.
    let text = std::fs::read_to_string(fixture("NAT001/fail/tf-public-nat-without-allocation/plan.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for rc in doc["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == "aws_nat_gateway.egress" {
            rc["change"]["after_unknown"]["allocation_id"] = serde_json::Value::Bool(true);
        }
    }
    for r in doc["configuration"]["root_module"]["resources"].as_array_mut().unwrap() {
        if r["address"] == "aws_nat_gateway.egress" {
            r["expressions"]["allocation_id"] = serde_json::json!({"references": ["local.nat_allocation"]});
        }
    }
    let (loaded, findings) = load_value(&doc);
    assert!(loaded.errors.is_empty());
    assert!(findings.is_empty(), "{findings:?}");
    assert!(nat(&loaded.design, "aws_nat_gateway.egress").allocation_unknown);
}

#[test]
fn destroyed_resources_are_not_part_of_the_design() {
    let text = std::fs::read_to_string(fixture("NAT001/fail/tf-public-nat-without-allocation/plan.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for rc in doc["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == "aws_nat_gateway.egress" {
            rc["change"]["actions"] = serde_json::json!(["delete"]);
            rc["change"]["before"] = rc["change"]["after"].take();
        }
    }
    let resources = doc["planned_values"]["root_module"]["resources"].as_array_mut().unwrap();
    resources.retain(|r| r["address"] != "aws_nat_gateway.egress");
    let (loaded, findings) = load_value(&doc);
    assert!(findings.is_empty());
    assert_eq!(loaded.design.stats.destroyed, 1);
    assert!(loaded.design.nat_gateways.is_empty());
}

#[test]
fn routes_and_associations_link_through_references() {
    let (loaded, _) = check_dir(&fixture("LB001/fail/tf-alb-in-nat-subnets"));
    let d = &loaded.design;
    let private = d.route_tables.iter().find(|t| t.meta.id == "aws_route_table.private").unwrap();
    let default = private.routes.iter().find(|r| r.destination.to_string() == "0.0.0.0/0").unwrap();
    assert_eq!((default.target.kind, default.target.id.as_str()), (TargetKind::NatGateway, "aws_nat_gateway.main"));
    assert!(default.target.idx.is_some());
    assert_eq!(default.defined_by.as_deref(), Some("aws_route.private_default"));
    let subnets: Vec<&str> = private.subnets.iter().map(|(s, _)| s.id.as_str()).collect();
    assert_eq!(subnets, vec!["aws_subnet.private[0]", "aws_subnet.private[1]"]);
    let lb = &d.load_balancers[0];
    let lb_subnets: Vec<&str> = lb.subnets.iter().map(|(s, _)| s.id.as_str()).collect();
    assert_eq!(lb_subnets, vec!["aws_subnet.private[0]", "aws_subnet.private[1]"]);
    assert!(d.subnets.iter().all(|s| s.vpc.as_ref().is_some_and(|v| v.id == "aws_vpc.main" && v.idx.is_some())));
}

#[test]
fn module_outputs_and_inputs_resolve_to_module_instances() {
    let (loaded, findings) = check_dir(&fixture("LB001/fail/tf-nlb-subnet-without-association"));
    let d = &loaded.design;
    let lb = &d.load_balancers[0];
    let subnets: Vec<&str> = lb.subnets.iter().map(|(s, _)| s.id.as_str()).collect();
    assert_eq!(subnets, vec!["module.network.aws_subnet.this[\"a\"]", "module.network.aws_subnet.this[\"b\"]"]);
    // var.vpc_id inside the module resolves to the module's own VPC.
    assert!(d.subnets.iter().all(|s| s.vpc.as_ref().is_some_and(|v| v.id == "module.network.aws_vpc.this")));
    // Resources in a module carry the module's source for diagnostics.
    let a = d.subnets.iter().find(|s| s.meta.id == "module.network.aws_subnet.this[\"a\"]").unwrap();
    assert_eq!(a.meta.module_source.as_deref(), Some("module.network (./modules/network)"));
    assert_eq!(lb.meta.module_source, None);
    // The new VPC's main route table (not in the plan) has only the local route.
    let main = d.route_tables.iter().find(|t| t.main).expect("synthesised main table");
    assert_eq!(main.routes.len(), 1);
    assert_eq!(findings.len(), 2);
}

#[test]
fn standalone_nacl_rules_merge_into_their_acl() {
    let (loaded, findings) = check_dir(&fixture("NACL001/pass/tf-nacl-rules-standalone"));
    assert!(findings.is_empty());
    let acl = &loaded.design.network_acls[0];
    assert!(!acl.has_unknown_entries);
    let user_rules: Vec<(u32, bool)> =
        acl.entries.iter().filter(|e| e.number < 32767).map(|e| (e.number, e.egress)).collect();
    assert_eq!(user_rules.len(), 4, "{user_rules:?}");
    assert_eq!(acl.subnets.len(), 1);
}

#[test]
fn state_json_is_read_like_a_plan() {
    // `terraform show -json` of a state has `values.root_module` and no unknowns.
    let text = std::fs::read_to_string(fixture("NAT001/fail/tf-public-nat-without-allocation/plan.json")).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let state = serde_json::json!({
        "format_version": "1.0",
        "terraform_version": plan["terraform_version"],
        "values": plan["planned_values"],
    });
    let (loaded, findings) = load_value(&state);
    assert!(loaded.errors.is_empty());
    assert_eq!(summary(&findings), vec![("NAT001".into(), "error".into(), "aws_nat_gateway.egress".into())]);
}

#[test]
fn a_plan_links_to_an_account_dump_by_id() {
    std::env::set_current_dir(root()).unwrap();
    let plan = Path::new("fixtures/examples/tf-with-dump/plan.json");
    let (_, alone) = check_dir(plan);
    assert!(alone.is_empty(), "the existing VPC's CIDR is unknown to the plan alone");
    let loaded = load(&[plan, Path::new("fixtures/examples/moto-3tier")]);
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    let peer: Vec<_> = findings.iter().filter(|f| f.resource == "aws_vpc_peering_connection.prod_analytics").collect();
    assert_eq!(peer.len(), 1);
    assert!(peer[0].message.contains("10.0.0.0/16 (vpc-9af3739bc4b716148) and 10.0.64.0/18 (aws_vpc.analytics)"));
}

#[test]
fn resources_only_in_planned_values_and_changes_without_address_are_not_dropped() {
    let doc = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
             "values": {"cidr_block": "10.0.0.0/16"}},
            {"address": "aws_vpc.other", "mode": "managed", "type": "aws_vpc", "name": "other",
             "values": {"cidr_block": "10.1.0.0/16"}}
        ]}},
        "resource_changes": [
            {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}}},
            {"mode": "managed", "type": "aws_subnet", "name": "a", "index": "x",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.1.0/24", "vpc_id": "vpc-1"}}},
            {"mode": "managed", "change": {"actions": ["create"], "after": {}}}
        ]
    });
    let (loaded, _) = load_value(&doc);
    let d = &loaded.design;
    let vpcs: Vec<&str> = d.vpcs.iter().map(|v| v.meta.id.as_str()).collect();
    assert_eq!(vpcs, ["aws_vpc.main", "aws_vpc.other"], "a resource only in planned_values is modelled");
    let subnets: Vec<&str> = d.subnets.iter().map(|s| s.meta.id.as_str()).collect();
    assert_eq!(subnets, [r#"aws_subnet.a["x"]"#], "a change without address gets the address Terraform writes");
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    assert!(loaded.errors[0].message.contains("without `address`"), "{}", loaded.errors[0].message);
}

#[test]
fn network_acls_naming_every_subnet_keep_one_association_per_subnet() {
    // 200 ACLs whose `subnet_ids` is the splat of 2,000 subnets: AWS keeps one association per
    // subnet (the later replaces the earlier), so the design holds 2,000, not 400,000.
    let (subnets, nacls) = (2000, 200);
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut config = Vec::new();
    for i in 0..subnets {
        let values = serde_json::json!({"cidr_block": format!("10.{}.{}.0/24", i / 256, i % 256), "vpc_id": "vpc-1"});
        planned.push(serde_json::json!({"address": format!("aws_subnet.all[{i}]"), "mode": "managed", "type": "aws_subnet", "name": "all", "index": i, "values": values}));
        changes.push(serde_json::json!({"address": format!("aws_subnet.all[{i}]"), "mode": "managed", "type": "aws_subnet", "name": "all", "index": i, "change": {"actions": ["create"], "after": values, "after_unknown": {"id": true}}}));
    }
    for i in 0..nacls {
        let values = serde_json::json!({"vpc_id": "vpc-1"});
        planned.push(serde_json::json!({"address": format!("aws_network_acl.n[{i}]"), "mode": "managed", "type": "aws_network_acl", "name": "n", "index": i, "values": values}));
        changes.push(serde_json::json!({"address": format!("aws_network_acl.n[{i}]"), "mode": "managed", "type": "aws_network_acl", "name": "n", "index": i, "change": {"actions": ["create"], "after": values, "after_unknown": {"subnet_ids": true, "id": true}}}));
    }
    config.push(
        serde_json::json!({"address": "aws_network_acl.n", "mode": "managed", "type": "aws_network_acl", "name": "n",
        "expressions": {"subnet_ids": {"references": ["aws_subnet.all"]}}}),
    );
    let doc = serde_json::json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes, "configuration": {"root_module": {"resources": config}}});
    let (loaded, _) = load_value(&doc);
    let associations: usize = loaded.design.network_acls.iter().map(|n| n.subnets.len()).sum();
    assert_eq!(associations, subnets);
    // The last ACL that names them has them.
    let last = loaded.design.network_acls.iter().find(|n| n.meta.id == format!("aws_network_acl.n[{}]", nacls - 1));
    assert_eq!(last.map(|n| n.subnets.len()), Some(subnets));
}
