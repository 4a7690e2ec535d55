//! No input makes vpclint panic: every fixture, truncated and corrupted at many points, goes through
//! the whole pipeline (load, topology, all rules, every output format).

mod common;

use common::root;
use std::path::{Path, PathBuf};
use vpclint::ingest::{self, Input};
use vpclint::report::{Outcome, human, json};

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn run_all(text: &[u8]) -> usize {
    let mut reader = text;
    let mut loaded = ingest::load(&[Input::Stdin], &mut reader);
    vpclint::order::sort_errors(&loaded.design.sources, &mut loaded.errors);
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    let outcome = Outcome { design: &loaded.design, findings, errors: loaded.errors };
    let style = human::Style { color: false, width: 80, unicode: true };
    human::render_findings(&outcome, style).len()
        + human::render_errors(&outcome, style).len()
        + human::render_stats(&outcome).len()
        + json::render(&outcome).len()
}

/// A `.tf` input, as the `terraform_sources` fuzz target reads it: the `main.tf` of a root module.
fn run_sources(text: &[u8]) -> usize {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-regression-module");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), text).unwrap();
    let loaded = ingest::load_with(&[Input::Path(dir)], &mut std::io::empty(), &ingest::LoadOptions::default());
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    let outcome = Outcome { design: &loaded.design, findings, errors: loaded.errors };
    json::render(&outcome).len()
}

#[test]
fn truncated_and_corrupted_inputs_never_panic() {
    let mut files = Vec::new();
    json_files(&root().join("fixtures"), &mut files);
    files.sort();
    assert!(files.len() > 100);
    let mut runs = 0;
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let n = bytes.len();
        if n == 0 {
            run_all(&bytes);
            continue;
        }
        for k in 1..=12 {
            let cut = n * k / 13;
            run_all(&bytes[..cut]);
            // Replace one byte with characters that break structure, types or UTF-8.
            for replacement in [b'"', b'{', b']', b'9', 0xff] {
                let mut corrupted = bytes.clone();
                corrupted[cut] = replacement;
                run_all(&corrupted);
                runs += 1;
            }
        }
    }
    assert!(runs > 1000);
}

#[test]
fn wrong_types_everywhere_are_errors_not_panics() {
    // Every field of a real NACL, route table and load balancer replaced by values of other types.
    let docs = [
        r#"{"NetworkAcls":[{"NetworkAclId":"acl-1","Associations":[{"SubnetId":"s-1"}],"Entries":[{"RuleNumber":100,"Egress":false,"Protocol":"6","RuleAction":"allow","CidrBlock":"0.0.0.0/0","PortRange":{"From":80,"To":80}}]}]}"#,
        r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}]}"#,
        r#"{"LoadBalancers":[{"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1","Scheme":"internet-facing","Type":"application","VpcId":"vpc-1","AvailabilityZones":[{"SubnetId":"s-1"}]}]}"#,
    ];
    let replacements = ["null", "7", "-1", "99999999999", "1.5", "true", "\"\"", "\"x\"", "[]", "{}", "[1,{}]"];
    for doc in docs {
        let value: serde_json::Value = serde_json::from_str(doc).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&value, String::new(), &mut pointers);
        for p in &pointers {
            for r in replacements {
                let mut v = value.clone();
                *v.pointer_mut(p).unwrap() = serde_json::from_str(r).unwrap();
                run_all(serde_json::to_string_pretty(&v).unwrap().as_bytes());
            }
        }
    }
}

fn collect_pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    if !at.is_empty() {
        out.push(at.clone());
    }
    match v {
        serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| collect_pointers(x, format!("{at}/{k}"), out)),
        serde_json::Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| collect_pointers(x, format!("{at}/{i}"), out))
        }
        _ => {}
    }
}

#[test]
fn fuzz_regressions_never_panic() {
    let dir = root().join("tests/fuzz-regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        if p.extension().is_some_and(|x| x == "tf") {
            run_sources(&bytes);
        } else {
            run_all(&bytes);
        }
        n += 1;
    }
    eprintln!("{n} fuzz regression input(s) replayed");
}
