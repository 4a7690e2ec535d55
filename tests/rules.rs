//! Every registered rule against its fixtures, run alone (as ruff runs a rule's fixtures): fail
//! cases report that rule, pass cases do not, and the rendered diagnostics of each fail case are a
//! reviewed snapshot. Adding a rule needs no change here.

mod common;

use common::*;
use std::path::Path;
use vpclint::config::{Config, Overrides};
use vpclint::rules::REGISTRY;

fn config_for(id: &str) -> Config {
    // SUP001 judges suppressions of other rules, so those must run too.
    let select = if id == "SUP001" { None } else { Some(vec![id.to_string()]) };
    Config::from_toml("", &Overrides { select, ..Overrides::default() }).expect("config")
}

fn run_rule_fixtures(id: &str) {
    let dir = root().join("fixtures").join(id);
    let fail = cases(&dir.join("fail"));
    let pass = cases(&dir.join("pass"));
    assert!(!fail.is_empty() && !pass.is_empty(), "{id} needs pass and fail fixtures");
    let config = config_for(id);
    for case in fail {
        let rel = case.strip_prefix(root()).unwrap().to_path_buf();
        let loaded = load(&[Path::new(&rel)]);
        let findings = vpclint::check(&loaded.design, &config);
        assert!(loaded.errors.is_empty(), "{}: input errors {:?}", rel.display(), loaded.errors);
        assert!(findings.iter().any(|f| f.rule.id == id), "{}: expected {id} findings, got none", rel.display());
        let name = format!("{id}__{}", case.file_name().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, render(&loaded, findings));
    }
    for case in pass {
        let rel = case.strip_prefix(root()).unwrap().to_path_buf();
        let loaded = load(&[Path::new(&rel)]);
        let findings = vpclint::check(&loaded.design, &config);
        assert!(loaded.errors.is_empty(), "{}: input errors {:?}", rel.display(), loaded.errors);
        assert!(findings.is_empty(), "{}: expected no findings, got:\n{}", rel.display(), render(&loaded, findings));
    }
}

#[test]
fn every_rule_against_its_fixtures() {
    std::env::set_current_dir(root()).unwrap();
    for rule in REGISTRY {
        run_rule_fixtures(rule.meta.id);
    }
}
