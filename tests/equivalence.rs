//! One design, three formats, the same findings: every design under `fixtures/equivalence/` is
//! written as an AWS CLI dump, a Terraform plan and a CloudFormation template, and each must give
//! exactly the findings its `expect.txt` lists (rule, severity, and the role of the resource: its
//! `Name` tag). See `fixtures/equivalence/DESIGNS.md`.

mod common;

use common::*;
use std::path::Path;
use vpclint::ingest::Loaded;
use vpclint::model::Meta;
use vpclint::rules::Finding;

const FORMATS: [&str; 3] = ["aws", "tf/plan.json", "cfn/template.yaml"];

/// The role of the resource a finding is reported on: its `Name`. A standalone route (which takes
/// no tags) stands for its route table, a listener for its load balancer.
fn role(loaded: &Loaded, f: &Finding) -> String {
    let d = &loaded.design;
    let file = f.primary.origin.file;
    let here = |m: &Meta| m.id == f.resource && m.origin.file == file;
    let named = |m: &Meta| m.name.clone().unwrap_or_else(|| format!("<unnamed {}>", m.id));
    if let Some(l) = d.listeners.iter().find(|l| here(&l.meta)) {
        let lb = l.load_balancer.as_ref().and_then(|r| r.idx).map(|i| named(&d[i].meta));
        return format!("{} listener", lb.unwrap_or_else(|| "<unknown load balancer>".into()));
    }
    if let Some(m) = d.metas().find(|m| here(m)) {
        return named(m);
    }
    let table = d.route_tables.iter().find(|t| {
        t.meta.origin.file == file && t.routes.iter().any(|r| r.defined_by.as_deref() == Some(f.resource.as_str()))
    });
    match table {
        Some(t) => named(&t.meta),
        None => format!("<not found: {}>", f.resource),
    }
}

fn findings(path: &Path) -> Vec<String> {
    let loaded = load(&[path]);
    assert!(loaded.errors.is_empty(), "{}: input errors {:?}", path.display(), loaded.errors);
    let found = vpclint::check(&loaded, &vpclint::config::Config::default());
    let mut out: Vec<String> =
        found.iter().map(|f| format!("{} {} {}", f.rule.id, f.severity, role(&loaded, f))).collect();
    out.sort();
    out
}

fn expected(design: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(design.join("expect.txt")).expect("expect.txt");
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    out.sort();
    out
}

#[test]
fn every_design_gives_the_same_findings_in_every_format() {
    std::env::set_current_dir(root()).unwrap();
    let designs = cases(Path::new("fixtures/equivalence"));
    assert!(designs.len() >= 8, "at least 8 designs, found {}", designs.len());
    let mut failures = Vec::new();
    for design in &designs {
        let want = expected(design);
        assert!(!want.is_empty(), "{}: expect.txt lists no finding", design.display());
        for format in FORMATS {
            let path = design.join(format);
            assert!(path.exists(), "{} is missing", path.display());
            let got = findings(&path);
            if got != want {
                failures.push(format!("{}:\n  expected: {want:?}\n  found:    {got:?}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
