//! The CI gate and pre-commit conventions, through the binary: every output format, exit codes per
//! format, the configuration file, suppressions, baselines and the CLI's ergonomics.

mod common;

use common::vpclint_command;
use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    vpclint_command().args(args).current_dir(dir).output().expect("run vpclint")
}

fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const EXAMPLE: &str = "fixtures/examples/moto-3tier";
const CLEAN: &str = "fixtures/NACL001/pass/web-with-ephemeral";
const BAD: &str = "fixtures/bad-input/mixed";
const SMALL: &str = "fixtures/LB001/fail/alb-in-nat-subnets";

/// A scratch directory under the target directory, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn exit_codes_are_the_same_for_every_format() {
    for format in ["human", "json", "sarif", "github", "junit", "concise"] {
        assert_eq!(run(&["check", "--format", format, EXAMPLE]).status.code(), Some(1), "{format} with findings");
        assert_eq!(run(&["check", "--format", format, CLEAN]).status.code(), Some(0), "{format} clean");
        assert_eq!(run(&["check", "--format", format, BAD]).status.code(), Some(2), "{format} bad input");
    }
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tests/sarif-schema-2.1.0.json")).unwrap()).unwrap();
    // The published schema's `run.language` pattern has a stray `]` (a literal in ECMAScript) that
    // the strict `regex` format check of the meta-schema rejects; formats are annotations here, the
    // structure is what is validated.
    let validator = jsonschema::options().should_validate_formats(false).build(&schema).expect("schema compiles");
    for input in [EXAMPLE, "fixtures/LB001/fail/tf-alb-in-nat-subnets", CLEAN] {
        let o = run(&["check", "--format", "sarif", input]);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path)).collect();
        assert!(errors.is_empty(), "{input}: {errors:#?}");
        let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), vpclint::rules::REGISTRY.len());
        assert!(rules.iter().all(|r| r["help"]["markdown"].as_str().is_some_and(|h| h.contains("## How to fix"))));
    }
}

fn fingerprints(o: &Output) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut fps: Vec<String> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["vpclint/v1"].as_str().unwrap().to_string())
        .collect();
    fps.sort();
    fps
}

#[test]
fn fingerprints_are_stable_across_runs_and_file_order() {
    let a = fingerprints(&run(&["check", "--format", "sarif", EXAMPLE, SMALL]));
    let b = fingerprints(&run(&["check", "--format", "sarif", SMALL, EXAMPLE]));
    let c = fingerprints(&run(&["check", "--format", "sarif", EXAMPLE, SMALL]));
    assert_eq!(a, b);
    assert_eq!(a, c);
    let mut unique = a.clone();
    unique.dedup();
    assert_eq!(unique.len(), a.len(), "one fingerprint per finding");
}

#[test]
fn formats_snapshots() {
    for format in ["sarif", "github", "junit", "json"] {
        let o = run(&["check", "--format", format, SMALL]);
        let text = stdout(&o).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}

#[test]
fn concise_is_one_line_per_finding_and_input_error_then_the_summary() {
    let unassociated = "fixtures/EIP001/fail/unassociated-eip";
    let malformed = "fixtures/bad-input/mixed/malformed.json";
    let o = run(&["check", "--format", "concise", SMALL, unassociated, malformed]);
    assert_eq!(o.status.code(), Some(2));
    // Input errors are in the report, so standard error only points at it.
    assert_eq!(stderr(&o), "vpclint: 1 input error(s); see the report\n");
    insta::assert_snapshot!("format_concise", stdout(&o));
    let o = run(&["check", "--format", "concise", "--quiet", SMALL]);
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
    // To a file: no colours, even when they are forced on the terminal.
    let dir = scratch("concise-file");
    let report = dir.join("findings.txt");
    let o = vpclint_command()
        .args(["check", "--format", "concise", "--output", report.to_str().unwrap(), SMALL])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(written.starts_with("fixtures/LB001/fail/alb-in-nat-subnets/") && !written.contains('\u{1b}'), "{written}");
}

#[test]
fn github_annotations_are_escaped_workflow_commands() {
    let o = run(&["check", "--format", "github", "--select", "LB001", SMALL]);
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=fixtures/LB001/fail/alb-in-nat-subnets/elbv2-describe-load-balancers.json,line="
        ),
        "{first}"
    );
    assert!(first.contains(",title=LB001 internet-facing-lb-in-private-subnet::"));
    // The ARN's colons are in the message, not the properties, and newlines are escaped.
    assert!(first.contains("arn:aws:elasticloadbalancing") && first.contains("%0Ahelp: "));
}

#[test]
fn several_formats_at_once() {
    let dir = scratch("several-formats");
    let sarif = dir.join("results.sarif");
    let junit = dir.join("results.xml");
    let o = run(&[
        "check",
        "--select",
        "LB001",
        "--format",
        "human",
        "--format",
        "sarif",
        "--format",
        "junit",
        "--output",
        sarif.to_str().unwrap(),
        "--output",
        junit.to_str().unwrap(),
        SMALL,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("LB001(internet-facing-lb-in-private-subnet)"));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 2);
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuite name=\"LB001 internet-facing-lb-in-private-subnet\" tests=\"1\" failures=\"1\">")
    );
    // Only an --output: human output still goes to stdout.
    let o = run(&["check", "--format", "sarif", "--output", sarif.to_str().unwrap(), SMALL]);
    assert!(stdout(&o).contains("LB001("));
    // Two formats for stdout is a usage error.
    assert_eq!(run(&["check", "--format", "json", "--format", "sarif", SMALL]).status.code(), Some(2));
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn config_file_is_found_walking_up_and_flags_override_it() {
    let dir = scratch("config-walk");
    let nested = dir.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let example = root().join(EXAMPLE);
    let ex = example.to_str().unwrap();
    write(
        &dir,
        "vpclint.toml",
        "select = [\"PEER\", \"NAT001\"]\nignore = [\"peering-not-transitive\"]\n[severity]\nNAT001 = \"warning\"\n",
    );
    let o = run_in(&nested, &["check", "--format", "json", ex]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(rules.iter().filter(|r| r.0 == "PEER001").count(), 1);
    assert_eq!(rules.iter().filter(|r| r.0 == "NAT001").count(), 1);
    assert!(rules.iter().all(|r| r.0 != "PEER002" && r.0 != "LB001" && r.0 != "NACL001"));
    assert!(rules.contains(&("NAT001", "warning")));
    // --select wins over `select`; --fail-on over `fail-on`.
    let o = run_in(&nested, &["check", "--format", "json", "--select", "LB", ex]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["rule"].as_str().unwrap().starts_with("LB")));
    write(&dir, "vpclint.toml", "select = [\"NAT001\"]\nfail-on = \"never\"\n");
    assert_eq!(run_in(&nested, &["check", ex]).status.code(), Some(0));
    assert_eq!(run_in(&nested, &["check", "--fail-on", "error", ex]).status.code(), Some(1));
    // --config names a file explicitly.
    let other = dir.join("other.toml");
    std::fs::write(&other, "select = [\"LB001\"]\n").unwrap();
    let o = run_in(&root(), &["check", "--format", "json", "--config", other.to_str().unwrap(), EXAMPLE]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["rule"].as_str().unwrap().starts_with("LB")));
}

#[test]
fn config_errors_are_located_and_exit_2() {
    let dir = scratch("config-errors");
    let example = root().join(EXAMPLE);
    write(&dir, "vpclint.toml", "select = [\"PEER\"]\nfail_on = \"warning\"\n");
    let o = run_in(&dir, &["check", example.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("vpclint.toml:2:1: unknown field `fail_on`"), "{}", stderr(&o));
    write(&dir, "vpclint.toml", "[[suppress]]\nrule = \"LB001\"\nresource = \"aws_lb.*\"\n");
    let o = run_in(&dir, &["check", example.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing field `reason`"), "{}", stderr(&o));
}

#[test]
fn suppressions_silence_findings_and_unused_ones_are_reported() {
    let dir = scratch("suppress");
    let example = root().join(EXAMPLE);
    write(
        &dir,
        "vpclint.toml",
        "[[suppress]]\nrule = \"LB001\"\nresource = \"arn:aws:elasticloadbalancing:*:loadbalancer/app/prod-web-alb/*\"\nreason = \"migrating to public subnets\"\n\n[[suppress]]\nrule = \"NAT001\"\nresource = \"nat-does-not-exist\"\nreason = \"stale\"\n",
    );
    let o = run_in(&dir, &["check", "--format", "json", example.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["rule"] != "LB001"), "LB001 is suppressed");
    let unused: Vec<&serde_json::Value> = findings.iter().filter(|f| f["rule"] == "SUP001").collect();
    assert_eq!(unused.len(), 1);
    assert!(unused[0]["file"].as_str().unwrap().ends_with("vpclint.toml"));
    assert_eq!(unused[0]["line"], 6);
    let o = run_in(&dir, &["check", "--format", "json", "--no-report-unused-suppressions", example.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["rule"] != "SUP001"));
}

#[test]
fn baseline_reports_only_new_findings_and_lists_fixed_ones() {
    let dir = scratch("baseline");
    let baseline = dir.join("baseline.json");
    let b = baseline.to_str().unwrap();
    let nat = "fixtures/NAT001/fail/public-no-addresses";
    let o = run(&["check", "--write-baseline", b, EXAMPLE, nat]);
    assert_eq!(o.status.code(), Some(0));
    let all = run(&["check", "--format", "json", EXAMPLE, nat]);
    let count = serde_json::from_slice::<serde_json::Value>(&all.stdout).unwrap()["findings"].as_array().unwrap().len();
    assert!(stderr(&o).contains(&format!("recorded {count} finding(s)")), "{}", stderr(&o));
    // Same input: nothing new.
    let o = run(&["check", "--baseline", b, EXAMPLE, nat]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
    // The NAT gateway case is gone (fixed), a new finding appears.
    let o = run(&["check", "--baseline", b, EXAMPLE, "fixtures/PEER001/fail/identical-primary-cidr"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("PEER001") && !stdout(&o).contains("moto-3tier"));
    assert!(
        stderr(&o).contains("1 fixed since") && stderr(&o).contains("fixed: NAT001 nat-01a0272f901795d12"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ergonomics_quiet_statistics_color_and_default_path() {
    let o = run(&["check", "--quiet", SMALL]);
    assert!(!stdout(&o).contains("Found "));
    let o = run(&["check", "--statistics", EXAMPLE]);
    assert!(stderr(&o).contains("    2  LB001    internet-facing-lb-in-private-subnet"), "{}", stderr(&o));
    let o = run(&["check", "--color", "always", SMALL]);
    assert!(stdout(&o).contains('\u{1b}'));
    let o = vpclint_command().args(["check", "--color", "auto", SMALL]).env("NO_COLOR", "1").output().unwrap();
    assert!(!stdout(&o).contains('\u{1b}'));
    // No path: the current directory.
    let o = run_in(&root().join(SMALL), &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], 2);
}

#[test]
fn skip_unrecognised_lets_pre_commit_pass_unrelated_json() {
    let unrelated = "fixtures/bad-input/mixed/nested/package.json";
    assert_eq!(run(&["check", unrelated]).status.code(), Some(2));
    assert_eq!(run(&["check", "--skip-unrecognised", unrelated]).status.code(), Some(0));
    assert_eq!(run(&["check", "--skip-unrecognised", unrelated, SMALL]).status.code(), Some(1));
}

#[test]
fn the_vpclint_ignore_tag_works_in_dumps_and_terraform() {
    let o = run(&["check", "fixtures/SUP001/pass/tag-silences-finding"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""));
    let o = run(&["check", "--fail-on", "warning", "fixtures/SUP001/fail/unused-tag"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("SUP001(unused-suppression)"));
    // Terraform `tags`: the same NAT001 finding in a plan, silenced by the tag on the resource.
    let text = std::fs::read_to_string(root().join("fixtures/NAT001/fail/tf-public-nat-without-allocation/plan.json"))
        .unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    for r in plan["planned_values"]["root_module"]["resources"].as_array_mut().unwrap() {
        if r["address"] == "aws_nat_gateway.egress" {
            r["values"]["tags"]["vpclint:ignore"] = serde_json::json!("nat-gateway-without-eip");
        }
    }
    let dir = scratch("tf-tag");
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_vec(&plan).unwrap()).unwrap();
    let o = run(&["check", path.to_str().unwrap()]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""));
}

/// A well-formedness check small enough to trust: tags nest, attribute values are quoted, and
/// text holds no `<`, no bare `&` and no character XML 1.0 cannot carry.
fn assert_well_formed_xml(xml: &str) {
    fn check_text(text: &str) {
        for (at, _) in text.match_indices('&') {
            let entity = &text[at..text[at..].find(';').map_or(text.len(), |e| at + e + 1)];
            let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity)
                || entity
                    .strip_prefix("&#x")
                    .and_then(|h| h.strip_suffix(';'))
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()));
            assert!(known, "a bare `&` in {text:?}");
        }
        assert!(!text.contains('<'), "a `<` in {text:?}");
        assert!(!text.chars().any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')), "{text:?}");
    }
    let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").expect("an XML declaration");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt]);
        let gt = lt + rest[lt..].find('>').expect("a closed tag");
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "tags nest");
        } else {
            let (name, mut attributes) = tag.trim_end_matches('/').split_once(' ').unwrap_or((tag, ""));
            while let Some((key, value)) = attributes.trim_start().split_once("=\"") {
                assert!(!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()), "attribute {key:?}");
                let end = value.find('"').expect("a closed attribute value");
                check_text(&value[..end]);
                attributes = &value[end + 1..];
            }
            assert!(attributes.trim().is_empty(), "left over in a tag: {attributes:?}");
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        rest = &rest[gt + 1..];
    }
    check_text(rest);
    assert!(open.is_empty(), "unclosed: {open:?}");
}

/// `failures` of the JUnit report's `<testsuites>`.
fn junit_failures(o: &Output) -> usize {
    let report = stdout(o);
    assert_well_formed_xml(&report);
    let attribute = report.split("<testsuites ").nth(1).and_then(|t| t.split("failures=\"").nth(1)).expect("failures");
    attribute.split('"').next().and_then(|n| n.parse().ok()).expect("a number of failures")
}

#[test]
fn junit_fails_exactly_the_findings_the_exit_code_fails_on() {
    // One error (NAT001), one warning (NAT003) and one info finding (EIP001), on three resources.
    let mixed = "fixtures/NAT001/fail/cfn-cdk-partner-egress-nat-eip-not-wired";
    for (fail_on, failures, code) in [("error", 1, 1), ("warning", 2, 1), ("info", 3, 1), ("never", 0, 0)] {
        let o = run(&["check", "--format", "junit", "--fail-on", fail_on, mixed]);
        assert_eq!((junit_failures(&o), o.status.code()), (failures, Some(code)), "--fail-on {fail_on}");
        let report = stdout(&o);
        assert_eq!(report.matches("<failure ").count(), failures, "{report}");
        assert_eq!(report.matches("<system-out>").count(), 3 - failures, "{report}");
    }
    // Below the fail level: passing cases that still carry the finding.
    let quiet = ["fixtures/NACL001/fail/narrow-deny-cuts-ephemeral", "fixtures/EIP001/fail/unassociated-eip"];
    let o = run(&["check", "--format", "junit", "--fail-on", "error", quiet[0], quiet[1]]);
    assert_eq!((junit_failures(&o), o.status.code()), (0, Some(0)));
    let report = stdout(&o);
    assert!(report.contains(": warning: network ACL") && report.contains(": info: Elastic IP"), "{report}");
    // The configuration file's `fail-on` counts the same as the flag.
    let dir = scratch("junit-fail-on");
    write(&dir, "vpclint.toml", "fail-on = \"info\"\n");
    let o = run_in(&dir, &["check", "--format", "junit", root().join(quiet[1]).to_str().unwrap()]);
    assert_eq!((junit_failures(&o), o.status.code()), (1, Some(1)));
    // Input errors and hostile text stay well-formed.
    assert_well_formed_xml(&stdout(&run(&["check", "--format", "junit", EXAMPLE, BAD])));
}
