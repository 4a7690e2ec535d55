//! `vpclint reach` answers the hand-derived queries of `fixtures/reach/queries.toml` the same
//! way from every form of each design: the AWS CLI dump, the Terraform plan and sources, and the
//! CloudFormation template.

mod common;

use common::*;
use std::path::Path;
use vpclint::analysis::reach::{self, Query};
use vpclint::model::net::Protocol;
use vpclint::topology::Topology;

#[derive(serde::Deserialize)]
struct Queries {
    query: Vec<Expected>,
}

#[derive(serde::Deserialize)]
struct Expected {
    design: String,
    from: String,
    to: String,
    port: u16,
    answer: String,
    blockers: Vec<String>,
}

const FORMS: [&str; 4] = ["aws", "tf/plan.json", "tf/main.tf", "cfn/template.yaml"];

/// The answer and `CODE role` blockers of a query on one form of a design.
fn ask(path: &Path, q: &Expected) -> (String, Vec<String>) {
    let loaded = load(&[path]);
    assert!(loaded.errors.is_empty(), "{}: {:?}", path.display(), loaded.errors);
    let topology = Topology::build(&loaded.design);
    let query = Query { from: q.from.clone(), to: q.to.clone(), protocol: Protocol::TCP, port: Some(q.port) };
    let answer = reach::reach(&topology, &query).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let role = |id: &str| {
        loaded.design.metas().find(|m| m.id == id).and_then(|m| m.name.clone()).unwrap_or_else(|| id.to_string())
    };
    let verdict = match answer.reachable {
        Some(true) => "reachable",
        Some(false) => "not-reachable",
        None => "unknown",
    };
    let mut blockers: Vec<String> = answer
        .blocked_by
        .iter()
        .map(|b| format!("{} {}{}", b.code.as_str(), role(&b.resource), if b.on_return { " *R" } else { "" }))
        .collect();
    blockers.sort();
    (verdict.to_string(), blockers)
}

#[test]
fn every_query_gets_its_hand_derived_answer_from_every_form() {
    let text = std::fs::read_to_string(root().join("fixtures/reach/queries.toml")).expect("queries");
    let queries: Queries = toml::from_str(&text).expect("queries.toml");
    assert!(queries.query.len() >= 10);
    let mut wrong = Vec::new();
    for q in &queries.query {
        let mut expected = q.blockers.clone();
        expected.sort();
        for form in FORMS {
            let path = root().join("fixtures/equivalence").join(&q.design).join(form);
            let rel = path.strip_prefix(root()).unwrap_or(&path).to_path_buf();
            std::env::set_current_dir(root()).unwrap();
            let (answer, blockers) = ask(&rel, q);
            if answer != q.answer || blockers != expected {
                wrong.push(format!(
                    "{} {} → {} :{} ({form}): {answer} {blockers:?}, expected {} {expected:?}",
                    q.design, q.from, q.to, q.port, q.answer
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers differ:\n{}", wrong.len(), wrong.join("\n"));
}

fn vpclint(args: &[&str]) -> std::process::Output {
    vpclint_command().args(args).output().expect("run vpclint")
}

#[test]
fn exit_codes_and_json_through_the_binary() {
    let design = "fixtures/equivalence/bastion-ssh/aws";
    let o = vpclint(&["reach", design, "--from", "internet", "--to", "bastion", "--port", "22"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = vpclint(&["reach", design, "--from", "internet", "--to", "bastion", "--port", "80", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["reachable"], serde_json::json!(false));
    assert_eq!(v["blocked_by"][0]["code"], "SG_INGRESS_DENIES");
    assert!(v["forward"].as_array().is_some_and(|f| !f.is_empty()) && v["return"].is_array());
    // Usage errors: an end that names nothing, a missing port, a bad protocol.
    for args in [
        &["reach", design, "--from", "nothing-here", "--to", "bastion", "--port", "22"][..],
        &["reach", design, "--from", "internet", "--to", "bastion"],
        &["reach", design, "--from", "internet", "--to", "bastion", "--port", "22", "--protocol", "carrier-pigeon"],
    ] {
        assert_eq!(vpclint(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn from_the_internet_only_routable_sources_count_and_the_answer_says_which() {
    std::env::set_current_dir(root()).unwrap();
    let design = "fixtures/reach/private-sources";
    let q = |port: u16| Expected {
        design: String::new(),
        from: "internet".into(),
        to: "bastion".into(),
        port,
        answer: String::new(),
        blockers: Vec::new(),
    };
    // 22 is admitted only from 10.0.0.0/8, which the internet does not route.
    assert_eq!(ask(Path::new(design), &q(22)), ("not-reachable".into(), vec!["SG_INGRESS_DENIES bastion-sg".into()]));
    // 443 from one range of it: reachable, from there only.
    assert_eq!(ask(Path::new(design), &q(443)), ("reachable".into(), vec![]));
    let o = vpclint(&["reach", design, "--from", "internet", "--to", "bastion", "--port", "443", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["admitted_sources"], "198.51.100.0/24");
}
