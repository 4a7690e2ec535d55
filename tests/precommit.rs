//! The pre-commit hook for real: `pre-commit try-repo` against this repository builds vpclint with
//! cargo and runs it on a temporary git repository holding a Terraform plan, then `.tf` sources,
//! then CloudFormation templates (`.yaml` and `.template`).
//!
//! It takes minutes (pre-commit builds vpclint from scratch), so it runs only when
//! `VPCLINT_SLOW_TESTS=1`, as `.ci/run` sets it; there, not being able to install pre-commit is a
//! failure, not a skip.

use std::path::{Path, PathBuf};
use std::process::Command;

fn text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn sh(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{program}: {e}"))
}

/// Whether the slow end-to-end tests were asked for.
fn slow_tests_enabled() -> bool {
    std::env::var("VPCLINT_SLOW_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn pre_commit_hook_checks_plans_sources_and_templates() {
    if !slow_tests_enabled() {
        eprintln!("skipping the pre-commit test (minutes): set VPCLINT_SLOW_TESTS=1 to run it");
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert!(repo.join(".git").exists(), "{} is not a git checkout: pre-commit needs one", repo.display());
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit");
    // The build cache survives between runs; the rest starts afresh.
    for stale in ["venv", "work", "cache"] {
        let _ = std::fs::remove_dir_all(tmp.join(stale));
    }
    std::fs::create_dir_all(&tmp).unwrap();
    let venv = tmp.join("venv");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let venv_made = sh(&tmp, &python, &["-m", "venv", venv.to_str().unwrap()]);
    assert!(venv_made.status.success(), "cannot create a Python venv with {python}: {}", text(&venv_made));
    let pip = sh(&tmp, venv.join("bin/pip").to_str().unwrap(), &["install", "-q", "pre-commit"]);
    assert!(pip.status.success(), "pre-commit could not be installed: {}", text(&pip));
    let work = tmp.join("work");
    std::fs::create_dir_all(&work).unwrap();
    for args in [
        &["init", "-q"][..],
        &["config", "user.email", "ci@example.invalid"],
        &["config", "user.name", "ci"],
        &["config", "commit.gpgsign", "false"],
    ] {
        assert!(sh(&work, "git", args).status.success());
    }
    let fixture = |case: &str| std::fs::read(repo.join("fixtures/NAT001").join(case).join("plan.json")).unwrap();
    std::fs::write(work.join("plan.json"), fixture("fail/tf-public-nat-without-allocation")).unwrap();
    // An unrelated JSON file must not make the hook fail.
    std::fs::write(work.join("package.json"), "{\"name\": \"tools\"}\n").unwrap();
    assert!(sh(&work, "git", &["add", "."]).status.success());

    let pre_commit = venv.join("bin/pre-commit");
    let try_repo = |dir: &Path| {
        Command::new(&pre_commit)
            .args(["try-repo", repo.to_str().unwrap(), "vpclint", "--all-files"])
            .current_dir(dir)
            .env("PRE_COMMIT_HOME", tmp.join("cache"))
            // Each try-repo builds the hook from a fresh copy of the repository: one target
            // directory for all of them makes every build after the first incremental.
            .env("CARGO_TARGET_DIR", tmp.join("cargo-target"))
            .output()
            .unwrap()
    };
    let o = try_repo(&work);
    let out = text(&o);
    assert!(!o.status.success(), "the hook must fail on the bad plan:\n{out}");
    assert!(out.contains("NAT001(nat-gateway-without-eip)"), "{out}");

    std::fs::write(work.join("plan.json"), fixture("pass/tf-allocation-known-after-apply")).unwrap();
    assert!(sh(&work, "git", &["add", "."]).status.success());
    let o = try_repo(&work);
    let out = text(&o);
    assert!(o.status.success(), "the hook must pass after the fix:\n{out}");

    // Terraform sources: the hook runs on `.tf` changes, with no plan in the repository.
    let source = |case: &str| std::fs::read(repo.join("fixtures/NAT001").join(case).join("main.tf")).unwrap();
    std::fs::remove_file(work.join("plan.json")).unwrap();
    std::fs::write(work.join("main.tf"), source("fail/tf-public-nat-without-allocation")).unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    let out = text(&o);
    assert!(!o.status.success(), "the hook must fail on the bad .tf:\n{out}");
    assert!(out.contains("NAT001(nat-gateway-without-eip)") && out.contains("main.tf:"), "{out}");
    std::fs::write(work.join("main.tf"), source("pass/tf-allocation-known-after-apply")).unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    let out = text(&o);
    assert!(o.status.success(), "the hook must pass after the .tf fix:\n{out}");

    // CloudFormation templates, YAML and `.template`: the hook must not report "Passed" on them.
    let template = |rule: &str, case: &str| {
        std::fs::read(repo.join("fixtures").join(rule).join(case).join("template.yaml")).unwrap()
    };
    std::fs::remove_file(work.join("main.tf")).unwrap();
    std::fs::write(work.join("bastion.yaml"), template("SG001", "fail/cfn-ssh-location-defaults-to-world")).unwrap();
    std::fs::write(work.join("unrelated.yml"), "name: ci\non: [push]\n").unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    let out = text(&o);
    assert!(!o.status.success(), "the hook must fail on the bad template:\n{out}");
    assert!(out.contains("SG001(sg-admin-port-open-to-world)") && out.contains("bastion.yaml:"), "{out}");
    std::fs::remove_file(work.join("bastion.yaml")).unwrap();
    std::fs::write(work.join("bastion.template"), template("SG001", "fail/cfn-ssh-location-defaults-to-world"))
        .unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    let out = text(&o);
    assert!(!o.status.success(), "the hook must fail on the bad .template:\n{out}");
    assert!(out.contains("bastion.template:"), "{out}");
    std::fs::write(work.join("bastion.template"), template("SG001", "pass/cfn-ssh-only-from-bastion-group")).unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    assert!(o.status.success(), "the hook must pass after the template fix:\n{}", text(&o));
}
