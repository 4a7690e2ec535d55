//! Real third-party Terraform sources (`../shared/corpus/terraform-sources`): every module and
//! example loads from its `.tf` files without an input error; where the corpus holds the example's
//! plan, the sources and the plan give the same findings (and the plan alone a subset); every
//! planned resource is accounted for; and the findings of several examples are asserted exactly.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn sources() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/terraform-sources");
    if !dir.is_dir() {
        eprintln!("skipping Terraform sources corpus: {} is absent", dir.display());
        return None;
    }
    Some(dir)
}

/// `rule severity resource` of each finding of `paths`, sorted, and the input errors.
fn findings(paths: &[&Path]) -> (Vec<String>, Vec<String>) {
    let loaded = load(paths);
    let errors = loaded.errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let found = vpclint::check(&loaded, &vpclint::config::Config::default());
    let mut out: Vec<String> = found.iter().map(|f| format!("{} {} {}", f.rule.id, f.severity, f.resource)).collect();
    out.sort();
    (out, errors)
}

fn planned_examples(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    if dir.join("plan.json").is_file() {
        out.push(dir.to_path_buf());
    }
    for e in entries.into_iter().filter(|e| e.is_dir()) {
        planned_examples(&e, out);
    }
}

#[test]
fn every_module_and_example_loads_from_sources() {
    let Some(dir) = sources() else { return };
    let loaded = load(&[&dir]);
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    assert!(loaded.design.stats.files_loaded > 800, "only {} files", loaded.design.stats.files_loaded);
    assert!(loaded.design.resource_count() > 500, "only {} resources", loaded.design.resource_count());
}

#[test]
fn sources_and_their_plan_give_the_same_findings() {
    let Some(dir) = sources() else { return };
    let mut examples = Vec::new();
    planned_examples(&dir, &mut examples);
    assert!(examples.len() >= 14, "{} planned examples", examples.len());
    let mut problems = Vec::new();
    for example in &examples {
        let (from_sources, errors) = findings(&[&example.join("main.tf")]);
        assert!(errors.is_empty(), "{}: {errors:?}", example.display());
        // The plan in its directory: read with the sources beside it.
        let (from_plan, errors) = findings(&[&example.join("plan.json")]);
        assert!(errors.is_empty(), "{}: {errors:?}", example.display());
        if from_sources != from_plan {
            problems.push(format!("{}:\n  sources: {from_sources:?}\n  plan:    {from_plan:?}", example.display()));
        }
        // The plan alone knows less (what its configuration cannot settle is Unknown), never more.
        let alone = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("corpus-plan-alone")
            .join(example.strip_prefix(&dir).unwrap_or(example));
        std::fs::create_dir_all(&alone).expect("temp dir");
        std::fs::copy(example.join("plan.json"), alone.join("plan.json")).expect("copy plan");
        let (from_plan_alone, _) = findings(&[&alone.join("plan.json")]);
        let extra: Vec<&String> = from_plan_alone.iter().filter(|f| !from_sources.contains(f)).collect();
        if !extra.is_empty() {
            problems.push(format!("{} (plan alone): {extra:?}", example.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn findings_of_known_examples_from_sources() {
    let Some(dir) = sources() else { return };
    let expect: &[(&str, &[&str])] = &[
        // Two NAT gateways for three zones: the third zone's private subnets route to another zone's.
        (
            "cloudposse__terraform-aws-dynamic-subnets/examples/limited-nat-gateways",
            &[
                "NAT003 warning module.subnets.aws_subnet.private[1]",
                "NAT003 warning module.subnets.aws_subnet.private[2]",
            ],
        ),
        // A deny of inbound RDP (rule 10) before the ephemeral allows: replies to port 3389 are denied.
        (
            "cloudposse__terraform-aws-dynamic-subnets/examples/nacls",
            &[
                "NACL001 warning aws_network_acl.custom_private[0]",
                "NACL001 warning aws_network_acl.custom_private[0]",
                "NACL001 warning aws_network_acl.custom_private[0]",
                "NACL001 warning aws_network_acl.custom_public[0]",
            ],
        ),
        (
            "terraform-aws-modules__terraform-aws-security-group/examples/complete",
            &["SG001 warning module.complete_sg.aws_security_group.this_name_prefix[0]"],
        ),
        // Correct designs: nothing to report.
        ("aws-ia__terraform-aws-vpc/examples/basic", &[]),
        ("aws-ia__terraform-aws-vpc/examples/advanced", &[]),
        ("aws-ia__terraform-aws-network-hubandspoke/examples/central_inspection", &[]),
        ("cloudposse__terraform-aws-vpc/examples/complete", &[]),
    ];
    for (example, expected) in expect {
        let (found, errors) = findings(&[&dir.join(example).join("main.tf")]);
        assert!(errors.is_empty(), "{example}: {errors:?}");
        assert_eq!(found, *expected, "{example}");
    }
}

/// Resources a load accounts for: modelled (less what vpclint adds), merged into another, or
/// counted as a type vpclint does not model; and the blocks whose instances it could not decide.
fn accounted(loaded: &vpclint::ingest::Loaded) -> (usize, usize) {
    let s = &loaded.design.stats;
    let unmodelled: usize = s
        .unmodelled_keys
        .iter()
        .filter(|(k, _)| k.starts_with("terraform ") && !k.contains("not decided") && !k.contains("terraform init"))
        .map(|(_, n)| n)
        .sum();
    let undecided: usize = s.unmodelled_keys.iter().filter(|(k, _)| k.contains("not decided")).map(|(_, n)| n).sum();
    (loaded.design.resource_count() - s.synthesized + s.merged.values().sum::<usize>() + unmodelled, undecided)
}

#[test]
fn every_planned_resource_is_accounted_for_from_sources() {
    let Some(dir) = sources() else { return };
    let mut examples = Vec::new();
    planned_examples(&dir, &mut examples);
    let mut exact = 0;
    for example in &examples {
        let plan: serde_json::Value =
            serde_json::from_slice(&std::fs::read(example.join("plan.json")).expect("plan")).expect("JSON");
        let in_plan = plan["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["mode"] == "managed" && r["change"]["actions"] != serde_json::json!(["delete"]))
            .count();
        let (from_sources, undecided) = accounted(&load(&[&example.join("main.tf")]));
        if undecided == 0 {
            assert_eq!(
                from_sources,
                in_plan,
                "{}: every instance the plan has, the sources account for",
                example.display()
            );
            exact += 1;
        } else {
            // Blocks whose instances only apply-time values decide are counted, not modelled.
            assert!(from_sources < in_plan, "{}: {from_sources} of {in_plan}", example.display());
        }
    }
    assert!(exact >= 13, "only {exact} examples decided wholly from sources");
}
