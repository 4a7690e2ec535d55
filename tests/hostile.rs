//! Hostile inputs, through the binary: only regular files of the checked tree are read (a symbolic
//! link out of it is not followed and its target's text never printed, a FIFO neither blocks nor
//! is read, a file over the size limit is an input error); control characters never reach the
//! terminal or a CI log; YAML aliases are refused unexpanded; intrinsic chains stay linear and
//! cycles are located errors.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn vpclint(args: &[&str]) -> Output {
    common::vpclint_command().args(args).output().expect("run vpclint")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// The output's words, unwrapped: where the renderer wraps a message depends on the length
/// of the path before it, which depends on where the checkout is.
fn words(o: &Output) -> String {
    text(o).split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ")
}

const VPC: &str = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#;

#[test]
fn a_link_out_of_the_checked_tree_is_not_followed() {
    let outside = scratch("outside");
    std::fs::write(outside.join("credentials.json"), "[default]\naws_access_key_id = AKIAEXAMPLESECRET\n").unwrap();
    let repo = scratch("repo");
    std::fs::write(repo.join("vpcs.json"), VPC).unwrap();
    std::os::unix::fs::symlink(outside.join("credentials.json"), repo.join("creds.json")).unwrap();
    // A link inside the tree is followed.
    std::os::unix::fs::symlink(repo.join("vpcs.json"), repo.join("again.json")).unwrap();
    let o = vpclint(&["check", repo.to_str().unwrap(), "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!words(&o).contains("AKIA"), "{}", text(&o));
    assert!(words(&o).contains("symbolic link out of the checked directory"), "{}", text(&o));
    // Asked to follow links, vpclint reads it (and reports it as the bad input it is).
    let o = vpclint(&["check", repo.to_str().unwrap(), "--follow-symlinks"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_fifo_is_skipped_in_a_tree_and_refused_when_named() {
    let repo = scratch("fifo");
    std::fs::write(repo.join("vpcs.json"), VPC).unwrap();
    let fifo = repo.join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let o = vpclint(&["check", repo.to_str().unwrap(), "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(words(&o).contains("not a regular file"), "{}", text(&o));
    let o = vpclint(&["check", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("not a regular file"), "{}", text(&o));
    // Named as the configuration, it is refused without being opened (opening one blocks).
    let vpcs = repo.join("vpcs.json");
    let o = vpclint(&["check", vpcs.to_str().unwrap(), "--config", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("not a regular file"), "{}", text(&o));
}

#[test]
fn a_file_over_the_size_limit_is_an_input_error() {
    let repo = scratch("size");
    std::fs::write(repo.join("vpcs.json"), VPC).unwrap();
    let o = vpclint(&["check", repo.to_str().unwrap(), "--max-file-size", "16"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("file too large") && words(&o).contains("--max-file-size"), "{}", text(&o));
    let o = vpclint(&["check", repo.to_str().unwrap(), "--max-file-size", "1K"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = vpclint(&["check", repo.to_str().unwrap(), "--max-file-size", "12X"]);
    assert_eq!(o.status.code(), Some(2), "a bad size is a usage error: {}", text(&o));
    // A 2 GB sparse file is refused by its size under the default limit, without being read.
    let sparse = repo.join("sparse.json");
    std::fs::File::create(&sparse).unwrap().set_len(2 << 30).unwrap();
    let o = vpclint(&["check", sparse.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("file too large: 2147483648 bytes"), "{}", text(&o));
    // A device that never ends is not a regular file.
    if std::path::Path::new("/dev/zero").exists() {
        let o = vpclint(&["check", "/dev/zero"]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(words(&o).contains("not a regular file"), "{}", text(&o));
    }
}

#[test]
fn control_characters_from_input_never_reach_the_terminal_or_a_ci_log() {
    let dir = scratch("controls");
    // A subnet outside its VPC (SUB001), whose Name forges a GitHub command and recolours the terminal;
    // the file's name carries an escape sequence too.
    let dump = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
        "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.9.0.0/24",
                     "Tags": [{"Key": "Name", "Value": "web\r\n::error title=INJECTED::owned\u001b[31m\u202e"}]}]}"#;
    std::fs::write(dir.join("dump\u{1b}[2J.json"), dump).unwrap();
    for format in ["human", "github", "concise"] {
        let o = vpclint(&["check", dir.to_str().unwrap(), "--format", format, "--color", "never"]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let out = text(&o);
        assert!(out.contains("SUB001"), "{out}");
        let raw = out.chars().filter(|&c| vpclint::diagnostic::is_unprintable(c) || c == '\r').collect::<String>();
        assert!(raw.is_empty(), "{format}: raw control characters {raw:?} in {out:?}");
        assert!(!out.lines().any(|l| l.starts_with("::error title=INJECTED")), "{format}: a forged command: {out}");
    }
    // An id with a line feed is in the message itself: there it is escaped, as it would otherwise
    // start a line of its own.
    let dir = scratch("line-feeds");
    let dump = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
        "Subnets": [{"SubnetId": "subnet-1\n::error title=INJECTED::owned", "VpcId": "vpc-1", "CidrBlock": "10.9.0.0/24"}]}"#;
    std::fs::write(dir.join("dump.json"), dump).unwrap();
    for format in ["human", "concise"] {
        let o = vpclint(&["check", dir.to_str().unwrap(), "--format", format, "--color", "never"]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let out = text(&o);
        assert!(out.contains("subnet-1\\n::error title=INJECTED"), "{format}: {out}");
        for (at, _) in out.match_indices("::error title=INJECTED") {
            assert_eq!(&out[at - 2..at], "\\n", "{format}: a line feed before a forged command: {out}");
        }
    }
}

#[test]
fn yaml_aliases_are_refused_without_being_expanded() {
    let dir = scratch("laughs");
    // "Billion laughs": nine levels of ten aliases each would expand to 10^9 strings.
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n  a0: &a0 [lol]\n");
    for i in 1..10 {
        let prev: Vec<String> = (0..10).map(|_| format!("*a{}", i - 1)).collect();
        yaml.push_str(&format!("  a{i}: &a{i} [{}]\n", prev.join(", ")));
    }
    yaml.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n");
    std::fs::write(dir.join("template.yaml"), &yaml).unwrap();
    let o = vpclint(&["check", dir.join("template.yaml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("YAML aliases"), "{}", text(&o));
    // Not a template: skipped, not expanded either.
    std::fs::write(
        dir.join("template.yaml"),
        yaml.replace("AWSTemplateFormatVersion: '2010-09-09'\n", "").replace("AWS::EC2::VPC", "Thing"),
    )
    .unwrap();
    std::fs::write(dir.join("vpcs.json"), VPC).unwrap();
    let o = vpclint(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn intrinsics_stay_linear_and_cycles_are_located_errors() {
    let dir = scratch("intrinsics");
    // Sixteen subnets, each joining three GetAtts of the next: 3^16 copies if expanded naively.
    let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for i in 0..16 {
        let next =
            if i == 15 { "!Ref AWS::Region".to_string() } else { format!("!GetAtt S{}.AvailabilityZone", i + 1) };
        t.push_str(&format!(
            "  S{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-0123456789abcdef0\n      CidrBlock: 10.0.{i}.0/24\n      AvailabilityZone: !Join ['', [{next}, {next}, {next}]]\n"
        ));
    }
    std::fs::write(dir.join("chain.yaml"), &t).unwrap();
    let o = vpclint(&["check", dir.join("chain.yaml").to_str().unwrap(), "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(o.stdout.len() + o.stderr.len() < 100_000, "a report of {} bytes", o.stdout.len() + o.stderr.len());
    // An attribute that refers to its own resource: CloudFormation rejects it, and so does vpclint.
    let cycle = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Sub '${Vpc.CidrBlock}${Vpc.CidrBlock}${Vpc.CidrBlock}'\n";
    std::fs::write(dir.join("cycle.yaml"), cycle).unwrap();
    let o = vpclint(&["check", dir.join("cycle.yaml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("cycle.yaml:3:3") && words(&o).contains("circular dependency"), "{}", text(&o));
}

#[test]
fn many_keys_are_read_in_n_log_n() {
    // 100,000 top-level keys (unmodelled, counted) beside a listing; 80,000 keys in a YAML mapping.
    let dir = scratch("keys");
    let mut json = String::from("{");
    for i in 0..100_000 {
        json.push_str(&format!("\"Key{i}\": [], "));
    }
    json.push_str(r#""Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#);
    std::fs::write(dir.join("keys.json"), json).unwrap();
    let o = vpclint(&["check", dir.join("keys.json").to_str().unwrap(), "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut yaml = String::from("AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n");
    for i in 0..80_000 {
        yaml.push_str(&format!("  K{i}: v\n"));
    }
    yaml.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n");
    std::fs::write(dir.join("keys.yaml"), yaml).unwrap();
    let o = vpclint(&["check", dir.join("keys.yaml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_invisible_reason_is_no_reason_and_json_output_survives_a_bad_config() {
    let dir = scratch("config");
    std::fs::write(dir.join("vpcs.json"), VPC).unwrap();
    // A zero-width space as the reason for silencing everything.
    std::fs::write(dir.join("vpclint.toml"), "[[suppress]]\nrule = \"ALL\"\nresource = \"*\"\nreason = \"\u{200B}\"\n")
        .unwrap();
    let config = dir.join("vpclint.toml");
    let o = vpclint(&[
        "check",
        dir.join("vpcs.json").to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON document on standard output");
    let message = json["input_errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("needs a reason"), "{message}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("vpclint.toml:4:"), "{}", text(&o));
}

#[test]
fn a_parameter_the_template_refuses_or_does_not_declare_is_an_error() {
    let dir = scratch("parameters");
    let template = dir.join("stack.yaml");
    std::fs::write(
        &template,
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env:\n    Type: String\n    AllowedValues: [prod, staging]\n    Default: prod\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n",
    )
    .unwrap();
    let t = template.to_str().unwrap();
    let o = vpclint(&["check", t, "--parameter", "Env=staging", "--parameter", "AWS::Region=eu-west-1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = vpclint(&["check", t, "--parameter", "Env=dev"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("AllowedValues (prod, staging)"), "{}", text(&o));
    assert!(words(&o).contains("stack.yaml:3:"), "located at the parameter: {}", text(&o));
    let o = vpclint(&["check", t, "--parameter", "Enviroment=prod"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        words(&o).contains("--parameter: \"Enviroment\" names no parameter the templates checked declare"),
        "{}",
        text(&o)
    );
    // With no template among the inputs the flag is idle, not an error.
    let listing = dir.join("vpcs.json");
    std::fs::write(&listing, VPC).unwrap();
    let o = vpclint(&["check", listing.to_str().unwrap(), "--parameter", "Enviroment=prod"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_unknown_tag_fails_a_template_but_not_other_yaml() {
    let dir = scratch("tags");
    std::fs::write(dir.join("vpcs.json"), VPC).unwrap();
    // An Ansible vault value: not a template, so not vpclint's to judge.
    std::fs::write(dir.join("vars.yaml"), "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n").unwrap();
    let o = vpclint(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::fs::write(
        dir.join("stack.yaml"),
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Sub '10.0.0.0/16'\n      Tags: [{Key: Name, Value: !Base64Encode x}]\n",
    )
    .unwrap();
    let o = vpclint(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("stack.yaml:6:33: unknown tag `!Base64Encode`"), "{}", text(&o));
}

#[test]
fn quoted_scalars_continued_on_shallow_lines_are_read_in_one_pass_however_many() {
    // CloudFormation reads a quoted scalar continued at its key's indentation; there were 257
    // of them here, each of which once cost a parse of the whole file, and the 257th failed.
    let dir = scratch("shallow-quoted");
    let mut template = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for i in 0..1000 {
        template.push_str(&format!(
            "  Vpc{i}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n      Tags:\n        - Key: Description\n          Value: 'a description {}\n          continued on a shallow line'\n",
            "x".repeat(400)
        ));
    }
    std::fs::write(dir.join("stack.yaml"), template).unwrap();
    let o = vpclint(&["check", dir.to_str().unwrap(), "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).lines().any(|l| l.starts_with("  VPC") && l.ends_with(" 1000")), "{}", text(&o));
}

#[test]
fn running_out_of_memory_is_exit_2_with_a_message_not_an_abort() {
    use std::os::unix::process::CommandExt;
    let dir = scratch("out-of-memory");
    let vpcs: Vec<String> =
        (0..100_000).map(|i| format!(r#"{{"VpcId": "vpc-{i:08x}", "CidrBlock": "10.{}.0.0/16"}}"#, i % 256)).collect();
    let listing = dir.join("vpcs.json");
    std::fs::write(&listing, format!(r#"{{"Vpcs": [{}]}}"#, vpcs.join(","))).unwrap();
    // About 225 MB are needed; 96 MB of address space are allowed.
    let limited = |path: &std::path::Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vpclint"));
        command.args(["check", path.to_str().unwrap()]);
        // SAFETY: only setrlimit, which is async-signal-safe, runs between fork and exec.
        unsafe {
            command.pre_exec(|| {
                let limit = libc::rlimit { rlim_cur: 96 << 20, rlim_max: 96 << 20 };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        command.output().expect("run vpclint")
    };
    let o = limited(&listing);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("error: out of memory"), "{}", text(&o));
    // A file that cannot even be held is the located error it always was.
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge).unwrap().set_len(200 << 20).unwrap();
    let o = limited(&huge);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("bytes do not fit in available memory"), "{}", text(&o));
}
