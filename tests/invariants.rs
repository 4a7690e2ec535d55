//! Nothing is silently dropped, and output is deterministic: over every fixture and every AWS dump
//! of the shared corpus.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Keys whose array items are resources vpclint models.
const RESOURCE_KEYS: &[&str] = &[
    "Vpcs",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "Addresses",
    "VpcPeeringConnections",
    "SecurityGroups",
    "NetworkAcls",
    "LoadBalancers",
    "LoadBalancerDescriptions",
    "TargetGroups",
    "Listeners",
    "NetworkInterfaces",
    "Reservations",
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
    "VpcEndpoints",
    "ManagedPrefixLists",
    "PrefixLists",
];
const METADATA_KEYS: &[&str] = &["ResponseMetadata", "NextToken", "Marker", "NextMarker", "IsTruncated"];

#[derive(Default, Debug, PartialEq)]
struct Count {
    resources: usize,
    links: usize,
    unmodelled: usize,
}

/// What an AWS CLI document holds, counted independently of the loader.
fn count(v: &Value, c: &mut Count) {
    let Some(mut root) = v.as_object() else { return };
    if root.contains_key("status_code")
        && let Some(d) = root.get("data").and_then(Value::as_object)
    {
        root = d;
    }
    if root.contains_key("planned_values") || root.contains_key("resource_changes") {
        return; // Terraform: accounted for by tests/corpus.rs
    }
    if is_template(root) {
        return; // CloudFormation: accounted for by tests/corpus_cloudformation.rs
    }
    for (k, v) in root {
        let items = v.as_array();
        let n = items.map_or(1, Vec::len);
        match k.as_str() {
            k if METADATA_KEYS.contains(&k) => {}
            "Reservations" => {
                c.resources +=
                    items.into_iter().flatten().map(|r| r["Instances"].as_array().map_or(0, Vec::len)).sum::<usize>()
            }
            "LoadBalancerDescriptions" => {
                c.resources += n;
                c.resources += items
                    .into_iter()
                    .flatten()
                    .map(|lb| {
                        lb["ListenerDescriptions"]
                            .as_array()
                            .map_or(0, |l| l.iter().filter(|d| d.get("Listener").is_some()).count())
                    })
                    .sum::<usize>();
            }
            k if RESOURCE_KEYS.contains(&k) => c.resources += n,
            "TargetHealthByGroup" => {
                c.links += items
                    .into_iter()
                    .flatten()
                    .map(|g| g["TargetHealthDescriptions"].as_array().map_or(0, Vec::len))
                    .sum::<usize>()
            }
            "TransitGatewayRouteTablePropagations" | "Associations" => {
                for e in items.into_iter().flatten() {
                    if e.get("TransitGatewayRouteTableId").is_some() && e.get("TransitGatewayAttachmentId").is_some() {
                        c.links += 1;
                    } else {
                        c.unmodelled += 1;
                    }
                }
            }
            _ => c.unmodelled += n,
        }
    }
}

fn is_template(root: &serde_json::Map<String, Value>) -> bool {
    root.contains_key("AWSTemplateFormatVersion") || root.get("Resources").is_some_and(Value::is_object)
}

/// A directory whose dump is checked together with a template: the design holds both, so the
/// dump's objects cannot be counted against it alone.
fn holds_template(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().filter_map(Result::ok).any(|e| {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" | "template" => true,
            "json" => std::fs::read(&p)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|v| v.as_object().is_some_and(is_template)),
            _ => false,
        }
    })
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("json")) {
            out.push(p);
        }
    }
}

/// Every directory holding JSON directly, among the fixtures (not the bad inputs) and corpus dumps.
fn dump_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    json_files(&root().join("fixtures"), &mut files);
    for f in files {
        let d = f.parent().unwrap().to_path_buf();
        if !d.starts_with(root().join("fixtures/bad")) && !d.starts_with(root().join("fixtures/bad-input")) {
            dirs.push(d);
        }
    }
    let corpus = root().join("../shared/corpus");
    if let Ok(p) = std::fs::read_to_string(corpus.join("PROVENANCE.md")) {
        let section = p.split("## AWS describe-* dumps").nth(1).unwrap_or("");
        let section = section.split("\n## ").next().unwrap_or(section);
        dirs.extend(
            section
                .lines()
                .filter_map(|l| l.strip_prefix("| `"))
                .filter_map(|l| l.split('`').next())
                .map(|r| corpus.join(r)),
        );
    } else {
        eprintln!("corpus absent: checking fixtures only");
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

#[test]
fn every_input_object_is_modelled_or_counted() {
    for dir in dump_dirs() {
        if holds_template(&dir) {
            continue;
        }
        let loaded = load(&[&dir]);
        if !loaded.errors.is_empty() {
            continue; // bad input is tested elsewhere; counts need a clean load
        }
        let mut files = Vec::new();
        json_files(&dir, &mut files);
        let mut want = Count::default();
        for f in &files {
            if let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(f).unwrap()) {
                count(&v, &mut want);
            }
        }
        let s = &loaded.design.stats;
        let terraform: usize = s.merged.iter().filter(|(k, _)| k.starts_with("aws_")).map(|(_, n)| n).sum();
        if terraform > 0
            || loaded.design.stats.synthesized > 0
            || s.unmodelled_keys.keys().any(|k| k.starts_with("terraform "))
        {
            continue; // a directory with a plan: tests/corpus.rs accounts for plans
        }
        let got = Count {
            resources: loaded.design.resource_count()
                + s.duplicates.values().sum::<usize>()
                + s.rejected.values().sum::<usize>(),
            links: s.merged.values().sum(),
            unmodelled: s.unmodelled_keys.values().sum(),
        };
        assert_eq!(got, want, "{}: {s:?}", dir.display());
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_path_order() {
    let dirs = dump_dirs();
    let run = |args: Vec<&str>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vpclint")).args(args).current_dir(root()).output().unwrap()
    };
    // All fixture and corpus dumps in one load, forwards and backwards, in two formats.
    let forwards: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    let backwards: Vec<String> = forwards.iter().rev().cloned().collect();
    for format in ["json", "sarif"] {
        let mut a = vec!["check", "--format", format, "--fail-on", "never"];
        a.extend(forwards.iter().map(String::as_str));
        let mut b = vec!["check", "--format", format, "--fail-on", "never"];
        b.extend(backwards.iter().map(String::as_str));
        let (first, second, reversed) = (run(a.clone()), run(a), run(b));
        assert!(!first.stdout.is_empty());
        assert_eq!(first.stdout, second.stdout, "{format}: two runs differ");
        assert_eq!(first.stdout, reversed.stdout, "{format}: path order changes the output");
    }
}
