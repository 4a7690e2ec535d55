//! Every rule against its fixtures: fail cases report that rule (and nothing else), pass cases
//! report nothing, and the rendered diagnostics of each fail case are a reviewed snapshot.

mod common;

use common::*;
use std::path::Path;
use vpclint::rules::REGISTRY;

fn run_rule_fixtures(id: &str) {
    let dir = root().join("fixtures").join(id);
    let fail = cases(&dir.join("fail"));
    let pass = cases(&dir.join("pass"));
    assert!(!fail.is_empty() && !pass.is_empty(), "{id} needs pass and fail fixtures");
    std::env::set_current_dir(root()).unwrap();
    for case in fail {
        let rel = case.strip_prefix(root()).unwrap().to_path_buf();
        let (loaded, findings) = check_dir(Path::new(&rel));
        assert!(loaded.errors.is_empty(), "{}: input errors {:?}", rel.display(), loaded.errors);
        assert!(!findings.is_empty(), "{}: expected {id} findings, got none", rel.display());
        for f in &findings {
            assert_eq!(f.rule.id, id, "{}: unexpected finding {}", rel.display(), f.message);
        }
        let name = format!("{id}__{}", case.file_name().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, render(&loaded, findings));
    }
    for case in pass {
        let rel = case.strip_prefix(root()).unwrap().to_path_buf();
        let (loaded, findings) = check_dir(Path::new(&rel));
        assert!(loaded.errors.is_empty(), "{}: input errors {:?}", rel.display(), loaded.errors);
        assert!(findings.is_empty(), "{}: expected no findings, got:\n{}", rel.display(), render(&loaded, findings));
    }
}

#[test]
fn every_registered_rule_has_fixtures() {
    for rule in REGISTRY {
        let dir = root().join("fixtures").join(rule.meta.id);
        assert!(dir.join("pass").is_dir() && dir.join("fail").is_dir(), "{} lacks fixtures", rule.meta.id);
    }
}

#[test]
fn peer001() {
    run_rule_fixtures("PEER001");
}

#[test]
fn peer002() {
    run_rule_fixtures("PEER002");
}

#[test]
fn nacl001() {
    run_rule_fixtures("NACL001");
}

#[test]
fn lb001() {
    run_rule_fixtures("LB001");
}

#[test]
fn nat001() {
    run_rule_fixtures("NAT001");
}

#[test]
fn sup001() {
    run_rule_fixtures("SUP001");
}
