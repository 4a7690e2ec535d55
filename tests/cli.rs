//! The binary as users run it: argv in; stdout, stderr and exit code out.

mod common;

use common::vpclint_command;
use std::io::Write;
use std::process::{Output, Stdio};

fn vpclint(args: &[&str]) -> Output {
    vpclint_command().args(args).output().expect("run vpclint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const EXAMPLE: &str = "fixtures/examples/moto-3tier";
const REGISTRY_LEN: usize = vpclint::rules::REGISTRY.len();

#[test]
fn example_reports_all_five_rules_and_exits_1() {
    let o = vpclint(&["check", EXAMPLE]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    for id in ["PEER001", "PEER002", "NACL001", "LB001", "NAT001"] {
        assert!(out.contains(&format!("{id}(")), "{id} missing from:\n{out}");
    }
    // rustc-style: file:line:col and the offending JSON underlined.
    assert!(out.contains("╭─[fixtures/examples/moto-3tier/describe-vpc-peering-connections.json:36:13]"), "{out}");
    assert!(out.contains("─┬─"));
    assert!(!out.contains('\u{1b}'), "no colour when stdout is not a terminal");
    assert!(out.ends_with("Found 11 errors, 3 notes and 7 warnings in 52 files (110 resources).\n"), "{out}");
}

#[test]
fn clean_input_is_quiet_and_exits_0() {
    let o = vpclint(&["check", "fixtures/NACL001/pass/web-with-ephemeral"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");
}

#[test]
fn fail_on_controls_the_exit_code() {
    let warn_only = "fixtures/NACL001/fail/outbound-ephemeral-linux-range-only";
    assert_eq!(vpclint(&["check", warn_only]).status.code(), Some(0));
    assert_eq!(vpclint(&["check", "--fail-on", "warning", warn_only]).status.code(), Some(1));
    assert_eq!(vpclint(&["check", "--fail-on", "never", EXAMPLE]).status.code(), Some(0));
}

#[test]
fn json_output_follows_the_schema() {
    let o = vpclint(&["check", "--format", "json", "fixtures/PEER001/fail/identical-primary-cidr"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["errors"], 1);
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "PEER001");
    assert_eq!(f["name"], "peering-cidr-overlap");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["resource"], "pcx-0247c147792d25568");
    assert_eq!(f["file"], "fixtures/PEER001/fail/identical-primary-cidr/describe-vpc-peering-connections.json");
    assert!(f["line"].as_u64().unwrap() > 1 && f["column"].as_u64().unwrap() > 1);
    let related = f["related"].as_array().unwrap();
    assert_eq!(related.len(), 2);
    assert!(related.iter().all(|r| r["file"].as_str().unwrap().ends_with("describe-vpcs.json")));
}

#[test]
fn bad_input_is_located_exits_2_and_the_rest_is_still_checked() {
    let o = vpclint(&["check", "fixtures/bad-input/mixed"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for expected in [
        "fixtures/bad-input/mixed/empty.json:1:1: empty file",
        "fixtures/bad-input/mixed/invalid-cidr.json:6:13: `CidrBlock` is not a valid CIDR block: \"10.0.300.0/24\"",
        "fixtures/bad-input/mixed/malformed.json:3:51: invalid JSON: trailing comma",
        "fixtures/bad-input/mixed/nested/wrong-shape.json:2:5: `Vpcs` must be an array, found an object",
        "fixtures/bad-input/mixed/nested/wrong-shape.json:13:21: `GatewayId` must be a string, found a number",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    // The valid neighbour is still checked.
    assert!(stdout(&o).contains("NAT001(nat-gateway-without-eip)"));
}

#[test]
fn unrelated_json_alone_is_an_input_error() {
    let o = vpclint(&["check", "fixtures/bad-input/mixed/nested/package.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no AWS network resources found"));
}

#[test]
fn stats_account_for_every_key_and_file() {
    let o = vpclint(&["check", "--stats", "fixtures/bad-input/mixed"]);
    let err = stderr(&o);
    for expected in [
        "NAT gateway",
        "Not modelled",
        "name",
        "Rejected",
        "notes.txt: not a .json, .yaml, .yml, .template or .tf file",
        "package.json",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn reads_standard_input() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/NAT001/fail/public-no-addresses/describe-nat-gateways.json"),
    )
    .unwrap();
    let mut child = vpclint_command()
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["findings"][0]["file"], "<stdin>");
    assert_eq!(doc["findings"][0]["rule"], "NAT001");
}

#[test]
fn output_does_not_depend_on_argument_order() {
    let a = vpclint(&["check", "fixtures/PEER001/fail", "fixtures/NACL001/fail"]);
    let b = vpclint(&["check", "fixtures/NACL001/fail", "fixtures/PEER001/fail"]);
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn rules_and_explain() {
    let o = vpclint(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for line in ["LB001    internet-facing-lb-in-private-subnet", "PEER002  peering-not-transitive"] {
        assert!(out.contains(line), "{out}");
    }
    assert_eq!(out.lines().count(), REGISTRY_LEN);
    let by_id = vpclint(&["explain", "PEER001"]);
    let by_name = vpclint(&["explain", "peering-cidr-overlap"]);
    assert_eq!(by_id.status.code(), Some(0));
    assert_eq!(by_id.stdout, by_name.stdout);
    assert!(stdout(&by_id).starts_with("# PEER001"));
    assert_eq!(vpclint(&["explain", "NOPE999"]).status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    // No input: the current directory, here an empty one.
    let empty = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-dir");
    std::fs::create_dir_all(&empty).unwrap();
    let in_empty = vpclint_command().arg("check").current_dir(&empty).output().unwrap();
    assert_eq!(in_empty.status.code(), Some(2));
    assert_eq!(vpclint(&["check", "--format", "xml", EXAMPLE]).status.code(), Some(2));
    assert_eq!(vpclint(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(vpclint(&["check", "does/not/exist"]).status.code(), Some(2));
    assert_eq!(vpclint(&["--help"]).status.code(), Some(0));
}

#[test]
fn a_template_is_judged_against_a_dump_of_its_own_account_only() {
    let case = "fixtures/SG002/fail/cfn-source-group-parameter-missing-from-account";
    let run = |account: &str| {
        let parameter = format!("AWS::AccountId={account}");
        vpclint(&["check", "--select", "SG002", "--format", "json", "--parameter", &parameter, case])
    };
    let same = run("111122223333");
    assert_eq!(same.status.code(), Some(1), "{}", stdout(&same));
    assert!(stdout(&same).contains("sg-0123456789abcdef0"));
    // Deployed to another account, the dump says nothing about which groups exist there.
    let other = run("444455556666");
    assert_eq!(other.status.code(), Some(0), "{}", stdout(&other));
}

/// Whether a line of human output is in a source snippet (from its `╭─[file]` header to its
/// closing `╰───`), which miette draws unwrapped.
fn snippet_lines(out: &str) -> Vec<bool> {
    let mut inside = false;
    out.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("╭─[") {
                inside = true;
            }
            let this = inside;
            if inside && t.starts_with('╰') {
                inside = false;
            }
            this
        })
        .collect()
}

/// The words of a line of wrapped text, without miette's gutter and severity marks.
fn text_words(line: &str) -> Vec<&str> {
    line.split_whitespace().filter(|w| !["│", "×", "⚠", "☞", "help:"].contains(w)).collect()
}

/// Ids, ARNs and CIDR blocks quoted in the findings' messages.
fn ids_in_messages(json: &[u8]) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(json).expect("JSON output");
    let prefixes = ["vpc-", "rtb-", "pcx-", "subnet-", "i-", "acl-", "nat-", "sg-", "igw-", "eipalloc-", "arn:"];
    let mut ids: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["message"].as_str().unwrap_or("").split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .map(|w| w.trim_matches(|c: char| "()[],;:'\"`".contains(c)).to_string())
        .filter(|w| prefixes.iter().any(|p| w.starts_with(p)) || (w.contains('/') && w.contains(['.', ':'])))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn narrow_output_breaks_lines_at_spaces_only_and_keeps_to_columns() {
    let ids = ids_in_messages(&vpclint(&["check", "--format", "json", EXAMPLE]).stdout);
    assert!(ids.iter().any(|i| i.starts_with("i-")) && ids.iter().any(|i| i.contains('/')), "{ids:?}");
    let o = vpclint_command().args(["check", EXAMPLE]).env("COLUMNS", "60").output().unwrap();
    let out = stdout(&o);
    let in_snippet = snippet_lines(&out);
    let text: Vec<&str> = out.lines().zip(&in_snippet).filter(|(_, s)| !**s).map(|(l, _)| l).collect();
    assert!(text.iter().any(|l| l.starts_with("  │ ")), "messages are wrapped at 60 columns:\n{out}");
    let words: Vec<&str> = text.iter().flat_map(|l| text_words(l)).collect();
    for id in &ids {
        assert!(words.iter().any(|w| w.contains(id.as_str())), "`{id}` is broken across lines:\n{out}");
    }
    // The summary line stays whole, for scripts that read it.
    for line in text.iter().filter(|l| !l.starts_with("Found ")) {
        let width = line.chars().count();
        assert!(width <= 60 || text_words(line).len() == 1, "{width} columns, and breakable: {line:?}");
    }
    // Without COLUMNS, a pipe gets the fixed width.
    let wide = stdout(&vpclint(&["check", EXAMPLE]));
    assert!(wide.lines().any(|l| l.chars().count() > 100) && wide != out);
}

#[test]
fn colours_follow_flags_then_no_color_then_clicolor_force_then_term() {
    let escapes = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut command = vpclint_command();
        command.args(["check"]).args(extra).arg("fixtures/LB001/fail/alb-in-nat-subnets");
        for (k, v) in vars {
            command.env(k, v);
        }
        let o = command.output().unwrap();
        o.stdout.contains(&0x1b)
    };
    // Standard output is a pipe here: no colours unless forced.
    assert!(!escapes(&[], &[]));
    assert!(!escapes(&[("TERM", "dumb")], &[]));
    assert!(escapes(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(escapes(&[("CLICOLOR_FORCE", "1")], &["--format", "concise"]));
    assert!(!escapes(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!escapes(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]));
    // As in the CLICOLOR convention, forcing wins over a dumb terminal.
    assert!(escapes(&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], &[]));
    assert!(!escapes(&[("CLICOLOR_FORCE", "1")], &["--no-color"]));
    assert!(!escapes(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
    assert!(escapes(&[("NO_COLOR", "1"), ("TERM", "dumb")], &["--color", "always"]));
    // Standard error follows the same rules.
    let o = vpclint_command().args(["check", "fixtures/bad-input/mixed"]).env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(o.stderr.contains(&0x1b), "{}", stderr(&o));
}

#[test]
fn an_ascii_locale_gets_ascii_output() {
    let inputs = [EXAMPLE, "fixtures/RT001/fail/blackhole-deleted-nat", "fixtures/bad-input/mixed"];
    let unicode = vpclint_command().arg("check").args(inputs).output().unwrap();
    assert!(stdout(&unicode).contains('→') && stdout(&unicode).contains("╭─["), "{}", stdout(&unicode));
    let locales: [&[(&str, &str)]; 3] = [&[("LC_ALL", "C")], &[("LC_ALL", "POSIX")], &[("LANG", "en_US.ISO-8859-1")]];
    for vars in locales {
        let mut command = vpclint_command();
        command.env_remove("LC_ALL").env_remove("LC_CTYPE").env_remove("LANG").arg("check").args(inputs);
        for (k, v) in vars {
            command.env(k, v);
        }
        let o = command.output().unwrap();
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(out.is_ascii() && err.is_ascii(), "{vars:?}:\n{out}\n{err}");
        assert!(out.contains("0.0.0.0/0 -> NAT gateway") && out.contains(",-[fixtures/"), "{out}");
        assert!(out.ends_with("Found 13 errors, 3 notes and 7 warnings in 63 files (120 resources).\n"), "{out}");
    }
    // No locale at all is ASCII too; a UTF-8 one in LANG is not.
    let bare = |lang: Option<&str>| {
        let mut command = vpclint_command();
        command.env_remove("LC_ALL").env_remove("LC_CTYPE").env_remove("LANG").args(["check", EXAMPLE]);
        if let Some(l) = lang {
            command.env("LANG", l);
        }
        stdout(&command.output().unwrap())
    };
    assert!(bare(None).is_ascii());
    assert!(!bare(Some("en_US.utf8")).is_ascii());
}
