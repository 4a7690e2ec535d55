//! The bad-input corpus (`fixtures/bad/`): every case's message and exit code, through the binary.
//! None may panic, and a bad file never hides the findings of the good ones.

mod common;

use std::path::PathBuf;
use std::process::Output;

/// `vpclint check -` with `input` on standard input.
fn check_stdin(input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = common::vpclint_command()
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vpclint(args: &[&str]) -> Output {
    common::vpclint_command().args(args).output().expect("run vpclint")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// The output's words, unwrapped: where a message wraps depends on the length of its path.
fn words(o: &Output) -> String {
    text(o).split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ")
}

fn panicked(o: &Output) -> bool {
    String::from_utf8_lossy(&o.stderr).contains("panicked")
}

#[test]
fn every_bad_input_case_has_its_message_and_exit_code() {
    let cases: &[(&str, i32, &str)] = &[
        ("truncated", 2, "describe-vpcs.json:6:1: invalid JSON: EOF while parsing an object"),
        ("trailing-garbage", 2, "describe-nat-gateways.json:13:1: invalid JSON: trailing characters"),
        ("utf8-bom", 1, "NAT001(nat-gateway-without-eip)"),
        ("invalid-utf8", 2, "describe-vpcs.json: not UTF-8 text (invalid byte at offset 25)"),
        ("empty", 2, "describe-vpcs.json:1:1: empty file"),
        ("top-level-null", 2, "expected a JSON object of AWS CLI output, found null"),
        ("top-level-array", 2, "expected a JSON object of AWS CLI output, found a bare list"),
        ("top-level-string", 2, "expected a JSON object of AWS CLI output, found a string"),
        ("wrong-shape", 2, "describe-vpcs.json:2:5: `Vpcs` must be an array, found an object"),
        ("port-as-string", 0, "SG001(sg-admin-port-open-to-world)"),
        ("port-reversed", 2, "describe-security-groups.json:11:21: `FromPort` 443 is greater than `ToPort` 22"),
        ("port-out-of-range", 2, "describe-network-acls.json:16:25: `From` 70000 is not a port (0-65535)"),
        ("host-bits-cidr", 0, ""),
        ("protocol-names", 0, ""),
        ("deep-nesting", 2, "invalid JSON: recursion limit exceeded"),
        ("binary", 2, "describe-vpcs.json: not UTF-8 text (invalid byte at offset 128)"),
        ("duplicate-ids", 0, ""),
        ("duplicate-key", 2, "describe-vpcs.json:3:3: duplicate key `Vpcs` in the top-level object"),
        ("missing-reference", 0, ""),
        ("cfn-ref-to-nothing", 2, "template.yaml:6:5: Subnet: `VpcIdParameter` is not a parameter, resource or pseudo"),
        ("cfn-invalid-yaml", 2, "template.yaml:12:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'"),
        ("cfn-ignore-without-reason", 2, "template.yaml:9:13: Vpc: the vpclint ignore of SUB001 needs a `reason`"),
        ("cfn-unknown-tag", 2, "template.yaml:13:37: unknown tag `!GetAZ`: CloudFormation accepts only the short"),
        ("cfn-invalid-cidr", 2, "template.yaml:12:7: Subnet: `CidrBlock` is not a valid CIDR block: \"10.0.300.0/24\""),
    ];
    let mut dirs: Vec<String> = std::fs::read_dir(root().join("fixtures/bad"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut listed: Vec<&str> = cases.iter().map(|c| c.0).collect();
    listed.sort();
    assert_eq!(dirs, listed, "every case in fixtures/bad is asserted here");
    for (case, code, message) in cases {
        let o = vpclint(&["check", "--no-color", &format!("fixtures/bad/{case}")]);
        assert!(!panicked(&o), "{case} panicked: {}", text(&o));
        assert_eq!(o.status.code(), Some(*code), "{case}: {}", text(&o));
        assert!(text(&o).contains(message), "{case}: expected `{message}` in:\n{}", text(&o));
    }
}

#[test]
fn a_file_that_is_recognisably_something_else_says_what_to_run_instead() {
    // (file in fixtures/bad-input/hints, the located message, the help)
    let cases: &[(&str, &str, &str)] = &[
        (
            "plan.out",
            "plan.out: this is a binary Terraform plan (written by `terraform plan -out`), not JSON",
            "help: run `terraform show -json fixtures/bad-input/hints/plan.out > fixtures/bad-input/hints/plan.json` \
             and check fixtures/bad-input/hints/plan.json",
        ),
        (
            "plan.txt",
            "plan.txt:3:1: no AWS network resources found: this is the text output of `terraform plan`, not JSON",
            "help: save the plan with `terraform plan -out plan.out`, then run `terraform show -json plan.out > plan.json`",
        ),
        (
            "plan-in-colour.txt",
            "plan-in-colour.txt:2:1: no AWS network resources found: this is the text output of `terraform plan`",
            "terraform show -json",
        ),
        (
            "state.txt",
            "state.txt:1:1: no AWS network resources found: this is the text output of `terraform show` or `terraform state show`",
            "help: run `terraform show -json > state.json` in the working directory and check state.json",
        ),
        (
            "terraform.tfstate",
            "terraform.tfstate: no AWS network resources found: this is a Terraform state file, which vpclint does not read",
            "help: run `terraform show -json > state.json` in the working directory and check state.json",
        ),
        (
            "table.txt",
            "table.txt:2:1: no AWS network resources found: this is AWS CLI output in `--output table` form",
            "help: rerun `aws ec2 describe-subnets` with `--output json`",
        ),
        (
            "text.txt",
            "text.txt:1:1: no AWS network resources found: this is AWS CLI output in `--output text` form",
            "help: rerun `aws ec2 describe-route-tables` with `--output json`",
        ),
        (
            "query-rows.json",
            "query-rows.json:1:1: expected a JSON object of AWS CLI output, found an array: this looks like output narrowed with --query",
            "help: vpclint needs the whole response: run the `aws ec2 describe-*` or `aws elbv2 describe-*` command with `--output json` and without --query",
        ),
        (
            "query-subnets.json",
            "query-subnets.json:1:1: expected a JSON object of AWS CLI output, found a bare list of `Subnets` items",
            "help: vpclint needs the whole response, the object with the list under `Subnets`: run `aws ec2 describe-subnets --output json` without --query",
        ),
        (
            "prod.tfvars",
            "prod.tfvars: no AWS network resources found: this is a Terraform variables file, not a configuration",
            "help: check the directory holding the .tf files",
        ),
        (
            "network.hcl",
            "network.hcl:2:1: no AWS network resources found: this is Terraform configuration in a file not named .tf",
            "help: Terraform reads only the .tf and .tf.json files of a directory",
        ),
    ];
    let mut files: Vec<String> = std::fs::read_dir(root().join("fixtures/bad-input/hints"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    files.sort();
    let mut listed: Vec<&str> = cases.iter().map(|c| c.0).collect();
    listed.sort();
    assert_eq!(files, listed, "every file in fixtures/bad-input/hints is asserted here");
    for (file, message, help) in cases {
        let o = vpclint(&["check", "--no-color", &format!("fixtures/bad-input/hints/{file}")]);
        assert!(!panicked(&o), "{file} panicked: {}", text(&o));
        assert_eq!(o.status.code(), Some(2), "{file}: {}", text(&o));
        let words = words(&o);
        assert!(
            words.contains(&format!("fixtures/bad-input/hints/{message}")),
            "{file}: expected `{message}` in:\n{}",
            text(&o)
        );
        assert!(words.contains(help), "{file}: expected `{help}` in:\n{}", text(&o));
        assert_eq!(words.matches("help:").count(), 1, "{file}: one hint line:\n{}", text(&o));
    }
}

#[test]
fn recognisable_text_is_skipped_as_before_beside_a_file_that_is_read() {
    let good = "fixtures/NACL001/pass/web-with-ephemeral";
    let o = vpclint(&["check", "--stats", good, "fixtures/bad-input/hints/plan.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(words(&o).contains("plan.txt: the text output of `terraform plan`, not JSON"), "{}", text(&o));
    // Alone too, for pre-commit, which passes every file it sees.
    let o = vpclint(&["check", "--skip-unrecognised", "fixtures/bad-input/hints/table.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Standard input is told apart the same way.
    let o = check_stdin(b"VPCS\t10.0.0.0/16\tvpc-1\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        words(&o).contains("<stdin>:1:1: no AWS network resources found: this is AWS CLI output in `--output text`"),
        "{}",
        text(&o)
    );
    assert!(words(&o).contains("help: rerun `aws ec2 describe-vpcs` with `--output json`"), "{}", text(&o));
}

#[test]
fn host_bits_are_cleared_like_aws_does() {
    let o = vpclint(&["check", "--format", "json", "--stats", "fixtures/bad/host-bits-cidr"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0, "10.0.1.5/24 is inside 10.0.0.1/16 = 10.0.0.0/16");
}

#[test]
fn duplicates_and_unresolved_references_are_reported_with_their_places() {
    let o = vpclint(&["check", "--stats", "fixtures/bad/duplicate-ids"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("VPC vpc-0b1c2d3e4f5a60001: fixtures/bad/duplicate-ids/describe-vpcs.json:3 and fixtures/bad/duplicate-ids/merged.json:3"), "{err}");
    let o = vpclint(&["check", "--stats", "fixtures/bad/missing-reference"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("subnet -> VPC"), "{err}");
}

#[test]
fn one_bad_file_does_not_hide_the_good_ones_in_any_format() {
    let good = "fixtures/NAT001/fail/public-no-addresses";
    let bad = "fixtures/bad/truncated";
    for format in ["human", "json", "sarif", "github", "junit"] {
        let o = vpclint(&["check", "--format", format, good, bad]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("NAT001"), "{format}: the good file's finding is missing:\n{out}");
    }
    let o = vpclint(&["check", "--format", "sarif", good, bad]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0]["message"]["text"].as_str().unwrap().starts_with("invalid JSON"));
    assert_eq!(notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 6);
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_symlink_loop_is_walked_once() {
    let dir = scratch("symlink-loop");
    std::fs::copy(
        root().join("fixtures/NAT001/fail/public-no-addresses/describe-nat-gateways.json"),
        dir.join("nat.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
    let o = vpclint(&["check", "--stats", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1, "the file is read once");
    assert!(String::from_utf8_lossy(&o.stderr).contains("directory already visited (symbolic link)"));
}

#[test]
fn an_unreadable_file_is_a_located_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    let file = dir.join("vpcs.json");
    std::fs::write(&file, "{\"Vpcs\": []}").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        eprintln!("skipping: this user can read a mode-000 file (running as root)");
        return;
    }
    let o = vpclint(&["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("cannot read file: Permission denied"));
}

#[test]
fn a_large_file_of_whitespace_is_an_empty_file() {
    use std::io::Write;
    // A gigabyte (above the default size limit, allowed explicitly) with VPCLINT_SLOW_TESTS=1, as
    // `.ci/run` sets it; 64 MB otherwise, which takes the same path in a fraction of the time.
    let slow = std::env::var("VPCLINT_SLOW_TESTS").is_ok_and(|v| !v.is_empty() && v != "0");
    let megabytes = if slow { 1024 } else { 64 };
    let dir = scratch("whitespace");
    let path = dir.join("big.json");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..megabytes {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\n").unwrap();
    }
    let o = vpclint(&["check", "--max-file-size", "2G", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("empty file"), "{}", text(&o));
}

#[test]
fn stdin_bad_input_is_located_too() {
    let o = check_stdin(b"{\"Vpcs\": [}");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("<stdin>:1:11: invalid JSON"), "{}", text(&o));
}

#[test]
fn a_file_that_cannot_be_read_does_not_shift_the_places_of_later_files() {
    let dir = scratch("unreadable-first");
    std::fs::copy(root().join("fixtures/bad/invalid-utf8/describe-vpcs.json"), dir.join("a.json")).unwrap();
    std::fs::copy(
        root().join("fixtures/NAT001/fail/public-no-addresses/describe-nat-gateways.json"),
        dir.join("b.json"),
    )
    .unwrap();
    let o = vpclint(&["check", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let finding = &doc["findings"][0];
    assert_eq!(finding["rule"], "NAT001", "{doc}");
    assert!(finding["file"].as_str().unwrap().ends_with("b.json"), "{doc}");
    assert_eq!((finding["line"].as_u64(), finding["column"].as_u64()), (Some(6), Some(13)), "{doc}");
    assert!(doc["input_errors"][0]["file"].as_str().unwrap().ends_with("a.json"), "{doc}");
    assert_eq!(doc["summary"]["files"], 1, "only b.json was read");
}
