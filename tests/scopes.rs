//! Names are unique only within their document: inputs checked together never merge or exchange
//! resources by name, so each keeps the findings it has alone.

mod common;

use common::*;
use std::path::Path;

/// `(rule, severity, file, resource)` of every finding of a load.
fn findings_of(paths: &[&Path]) -> Vec<(String, String, String, String)> {
    let loaded = load(paths);
    assert!(loaded.errors.is_empty(), "input errors: {:?}", loaded.errors);
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            let file = loaded.design.sources.get(f.primary.origin.file).name.clone();
            (f.rule.id.to_string(), f.severity.to_string(), file, f.resource.clone())
        })
        .collect();
    out.sort();
    out
}

fn assert_independent(dir: &str, documents: &[&str]) {
    std::env::set_current_dir(root()).unwrap();
    let mut alone = Vec::new();
    for doc in documents {
        alone.extend(findings_of(&[Path::new(&format!("{dir}/{doc}"))]));
    }
    alone.sort();
    let together = findings_of(&[Path::new(dir)]);
    assert_eq!(together, alone, "checked together, {dir} reports other findings than its documents alone");
}

#[test]
fn two_plans_with_the_same_addresses_are_two_networks() {
    std::env::set_current_dir(root()).unwrap();
    let loaded = load(&[Path::new("fixtures/scopes/two-plans")]);
    assert!(loaded.design.stats.duplicates.is_empty(), "duplicates: {:?}", loaded.design.stats.duplicate_origins);
    assert_eq!(loaded.design.vpcs.len(), 2);
    let together = findings_of(&[Path::new("fixtures/scopes/two-plans")]);
    // The bastion of each environment is reported, in its own configuration (the `.tf` beside
    // each plan).
    let files: Vec<&str> = together.iter().filter(|f| f.0 == "SG001").map(|f| f.2.as_str()).collect();
    assert_eq!(files, ["fixtures/scopes/two-plans/prod/main.tf", "fixtures/scopes/two-plans/staging/main.tf"]);
    assert_independent("fixtures/scopes/two-plans", &["prod/plan.json", "staging/plan.json"]);
}

#[test]
fn two_stacks_with_the_same_logical_ids_keep_their_own_groups() {
    // Alone, each stack's listener is admitted by its own LbSg; together, neither may be judged
    // by the other stack's group.
    assert_independent("fixtures/scopes/two-stacks", &["admin.yaml", "web.yaml"]);
    assert!(findings_of(&[Path::new("fixtures/scopes/two-stacks")]).iter().all(|f| f.0 != "LB003"));
}

#[test]
fn a_plan_beside_a_dump_keeps_its_own_findings() {
    // A plan's addresses never stand for a dump's resources, nor the reverse: the plan's findings
    // checked beside an account dump are those it has alone, plus what the dump adds.
    std::env::set_current_dir(root()).unwrap();
    let plan = findings_of(&[Path::new("fixtures/scopes/two-plans/prod/plan.json")]);
    let dump = findings_of(&[Path::new("fixtures/examples/moto-3tier")]);
    let together = findings_of(&[
        Path::new("fixtures/scopes/two-plans/prod/plan.json"),
        Path::new("fixtures/examples/moto-3tier"),
    ]);
    let mut alone: Vec<_> = plan.into_iter().chain(dump).collect();
    alone.sort();
    assert_eq!(together, alone);
}
