//! Terraform sources and their plans give the same findings: every fixture directory that holds
//! `.tf` files and the plan `../shared/tools/tf-plan.sh` made from them is checked both ways.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// Directories under `dir` (any depth) holding `main.tf` and `plan.json`.
fn pairs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    if dir.join("main.tf").is_file() && dir.join("plan.json").is_file() {
        out.push(dir.to_path_buf());
    }
    for e in entries.into_iter().filter(|e| e.is_dir()) {
        pairs(&e, out);
    }
}

/// `rule severity resource` of each finding, sorted.
fn findings(path: &Path) -> (Vec<String>, Vec<String>) {
    let loaded = load(&[path]);
    let errors: Vec<String> = loaded.errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let found = vpclint::check(&loaded, &vpclint::config::Config::default());
    let mut out: Vec<String> = found.iter().map(|f| format!("{} {} {}", f.rule.id, f.severity, f.resource)).collect();
    out.sort();
    (out, errors)
}

#[test]
fn sources_and_their_plan_give_the_same_findings() {
    let rel = |p: &Path| p.strip_prefix(root()).unwrap_or(p).to_path_buf();
    let mut dirs = Vec::new();
    pairs(&root().join("fixtures"), &mut dirs);
    assert!(dirs.len() >= 20, "only {} Terraform fixtures with sources", dirs.len());
    let mut mismatches = Vec::new();
    for dir in &dirs {
        let (from_plan, plan_errors) = findings(&rel(&dir.join("plan.json")));
        let (from_sources, source_errors) = findings(&rel(&dir.join("main.tf")));
        assert!(
            plan_errors.is_empty() && source_errors.is_empty(),
            "{}: {plan_errors:?} {source_errors:?}",
            dir.display()
        );
        if from_plan != from_sources {
            mismatches.push(format!("{}:\n  plan:    {from_plan:?}\n  sources: {from_sources:?}", rel(dir).display()));
        }
        // The plan alone (no sources beside it) may know less, never more: what its configuration
        // cannot settle is Unknown, so it finds a subset.
        let alone = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plan-alone").join(rel(dir));
        std::fs::create_dir_all(&alone).expect("temp dir");
        std::fs::copy(dir.join("plan.json"), alone.join("plan.json")).expect("copy plan");
        let (from_plan_alone, _) = findings(&alone.join("plan.json"));
        let extra: Vec<&String> = from_plan_alone.iter().filter(|f| !from_sources.contains(f)).collect();
        if !extra.is_empty() {
            mismatches
                .push(format!("{} (plan alone): findings the sources do not give: {extra:?}", rel(dir).display()));
        }
    }
    assert!(mismatches.is_empty(), "{} of {} differ:\n{}", mismatches.len(), dirs.len(), mismatches.join("\n"));
}

#[test]
fn a_configuration_that_doubles_a_list_sixty_times_is_bounded() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tf-doubling");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut tf = String::from("locals {\n  l0 = [\"x\"]\n");
    for i in 1..64 {
        tf.push_str(&format!("  l{i} = concat(local.l{}, local.l{})\n", i - 1, i - 1));
    }
    tf.push_str(
        "}\n\nresource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { n = length(local.l63) }\n}\n",
    );
    std::fs::write(dir.join("main.tf"), tf).expect("write");
    let loaded = load(&[&dir]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    // The VPC is read; the tag that would take 2^63 elements to compute is not decided.
    assert_eq!(loaded.design.vpcs.len(), 1);
    let tag = loaded.design.vpcs[0].meta.tags.iter().find(|(k, _)| k == "n").map(|(_, v)| v.as_str());
    assert_eq!(tag, Some(""), "an undecided tag value is empty, not a number");
}

#[test]
fn instances_sharing_a_body_share_its_evaluation_and_instances_reading_count_do_not() {
    // 200 ACLs whose `subnet_ids` is the splat of 2,000 subnets, as in the plan test; and 50
    // ACLs each naming the subnet of its own index, whose bodies differ.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tf-shared-bodies");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tf = r#"
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/8"
}
resource "aws_subnet" "s" {
  count      = 2000
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet("10.0.0.0/8", 16, count.index)
}
resource "aws_network_acl" "all" {
  count      = 200
  vpc_id     = aws_vpc.v.id
  subnet_ids = aws_subnet.s[*].id
}
resource "aws_network_acl" "own" {
  count      = 50
  vpc_id     = aws_vpc.v.id
  subnet_ids = [aws_subnet.s[count.index + 1950].id]
  tags       = { n = count.index }
}
"#;
    std::fs::write(dir.join("main.tf"), tf).expect("write");
    let loaded = load(&[&dir]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let nacl = |id: &str| loaded.design.network_acls.iter().find(|n| n.meta.id == id).expect(id);
    // One association per subnet: the "own" ACLs, declared later, take the last 50.
    let associations: usize = loaded.design.network_acls.iter().map(|n| n.subnets.len()).sum();
    assert_eq!(associations, 2000);
    let holding: Vec<(&str, usize)> = loaded
        .design
        .network_acls
        .iter()
        .filter(|n| n.meta.id.starts_with("aws_network_acl.all[") && !n.subnets.is_empty())
        .map(|n| (n.meta.id.as_str(), n.subnets.len()))
        .collect();
    // Which of the ACLs that all name a subnet keeps it is decided by address, as strings.
    assert_eq!(holding, [("aws_network_acl.all[9]", 1950)]);
    for i in [0, 7, 49] {
        let own = nacl(&format!("aws_network_acl.own[{i}]"));
        let subnets: Vec<&str> = own.subnets.iter().map(|(s, _)| s.id.as_str()).collect();
        assert_eq!(subnets, [format!("aws_subnet.s[{}]", i + 1950)]);
        let tag = own.meta.tags.iter().find(|(k, _)| k == "n").map(|(_, v)| v.clone());
        assert_eq!(tag, Some(i.to_string()), "a number in a map of strings is converted");
    }
}

/// The CLI's output for `args`, run from the crate root.
fn cli(args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run vpclint");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn diagnostics_name_the_tf_line_in_json_and_sarif() {
    // From sources alone, and from the plan with its sources beside it.
    let case = "fixtures/SG001/fail/tf-default-group-rule-through-vpc-attribute";
    for input in [format!("{case}/main.tf"), format!("{case}/plan.json")] {
        let json = cli(&["check", &input, "--format", "json", "--fail-on", "never"]);
        let f = &json["findings"][0];
        assert_eq!(f["file"], format!("{case}/main.tf"), "{input}");
        assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(31), Some(1)), "{input}: the rule's block");
        let sarif = cli(&["check", &input, "--format", "sarif", "--fail-on", "never"]);
        let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], format!("{case}/main.tf"), "{input}");
        assert_eq!(location["region"]["startLine"].as_u64(), Some(31), "{input}");
    }
    // An attribute is placed on its own line: the peering route's destination.
    let json = cli(&["check", "fixtures/PEER002/fail/tf-transitive-route", "--format", "json", "--fail-on", "never"]);
    let f = &json["findings"][0];
    assert_eq!(f["file"], "fixtures/PEER002/fail/tf-transitive-route/main.tf");
    assert_eq!(f["line"].as_u64(), Some(95));
}

#[test]
fn a_plan_elsewhere_reads_the_sources_named_by_terraform_dir() {
    let case = "fixtures/NAT003/fail/tf-element-wraps-database-subnets";
    let alone = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plan-elsewhere");
    std::fs::create_dir_all(&alone).expect("temp dir");
    std::fs::copy(root().join(case).join("plan.json"), alone.join("plan.json")).expect("copy plan");
    let plan = alone.join("plan.json").display().to_string();
    // Alone, the plan cannot tell which table element() picks for the third database subnet.
    let json = cli(&["check", &plan, "--format", "json", "--fail-on", "never"]);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0));
    let json = cli(&["check", &plan, "--terraform-dir", case, "--format", "json", "--fail-on", "never"]);
    let f = &json["findings"][0];
    assert_eq!((f["rule"].as_str(), f["resource"].as_str()), (Some("NAT003"), Some("aws_subnet.database[2]")));
    assert_eq!(f["file"], format!("{case}/main.tf"));
}

#[test]
fn a_module_not_downloaded_is_counted_with_a_hint() {
    let loaded = load(&[Path::new("fixtures/PEER001/fail/tf-registry-module-after-init")]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let hint = "terraform module example-org/monitoring/aws (not downloaded: run terraform init)";
    assert_eq!(loaded.design.stats.unmodelled_keys.get(hint), Some(&1), "{:?}", loaded.design.stats.unmodelled_keys);
    // The downloaded ones are read from .terraform/modules (modules.json).
    assert_eq!(loaded.design.vpcs.len(), 2);
}

#[test]
fn variables_come_from_tfvars_files_and_options() {
    let case = "fixtures/LB001/fail/tf-conditional-route-table/main.tf";
    let count = |args: &[&str]| {
        let mut all = vec!["check", case, "--format", "json", "--fail-on", "never"];
        all.extend_from_slice(args);
        cli(&all)["findings"].as_array().map_or(0, Vec::len)
    };
    // The default (expose = false): both subnets use the private table.
    assert_eq!(count(&[]), 2);
    assert_eq!(count(&["--var", "expose=true"]), 0);
    let vars = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("expose.tfvars");
    std::fs::write(&vars, "expose = true\n").expect("write");
    assert_eq!(count(&["--var-file", vars.to_str().expect("path")]), 0);
    // --var wins over a variables file.
    assert_eq!(count(&["--var-file", vars.to_str().expect("path"), "--var", "expose=false"]), 2);
    // terraform.tfvars beside the configuration is read too.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tfvars-root");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::copy(root().join(case), dir.join("main.tf")).expect("copy");
    std::fs::write(dir.join("terraform.tfvars"), "expose = true\n").expect("write");
    let json = cli(&["check", dir.to_str().expect("path"), "--format", "json", "--fail-on", "never"]);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0));
}
