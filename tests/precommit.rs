//! The pre-commit hook for real: `pre-commit try-repo` against this repository builds vpclint with
//! cargo and runs it on a temporary git repository holding a Terraform plan, then `.tf` sources.
//! Skipped, with a printed reason, when `pre-commit` cannot be installed from the package registry.

use std::path::{Path, PathBuf};
use std::process::Command;

fn sh(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{program}: {e}"))
}

#[test]
fn pre_commit_hook_fails_on_a_bad_plan_and_passes_after_the_fix() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if !repo.join(".git").exists() {
        eprintln!("skipping pre-commit test: {} is not a git checkout", repo.display());
        return;
    }
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let venv = tmp.join("venv");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if !sh(&tmp, &python, &["-m", "venv", venv.to_str().unwrap()]).status.success() {
        eprintln!("skipping pre-commit test: cannot create a Python venv with {python}");
        return;
    }
    let pip = sh(&tmp, venv.join("bin/pip").to_str().unwrap(), &["install", "-q", "pre-commit"]);
    if !pip.status.success() {
        eprintln!(
            "skipping pre-commit test: pre-commit could not be installed: {}",
            String::from_utf8_lossy(&pip.stderr)
        );
        return;
    }
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
            .output()
            .unwrap()
    };
    let o = try_repo(&work);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "the hook must fail on the bad plan:\n{out}");
    assert!(out.contains("NAT001(nat-gateway-without-eip)"), "{out}");

    std::fs::write(work.join("plan.json"), fixture("pass/tf-allocation-known-after-apply")).unwrap();
    assert!(sh(&work, "git", &["add", "."]).status.success());
    let o = try_repo(&work);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "the hook must pass after the fix:\n{out}");

    // Terraform sources: the hook runs on `.tf` changes, with no plan in the repository.
    let source = |case: &str| std::fs::read(repo.join("fixtures/NAT001").join(case).join("main.tf")).unwrap();
    std::fs::remove_file(work.join("plan.json")).unwrap();
    std::fs::write(work.join("main.tf"), source("fail/tf-public-nat-without-allocation")).unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "the hook must fail on the bad .tf:\n{out}");
    assert!(out.contains("NAT001(nat-gateway-without-eip)") && out.contains("main.tf:"), "{out}");
    std::fs::write(work.join("main.tf"), source("pass/tf-allocation-known-after-apply")).unwrap();
    assert!(sh(&work, "git", &["add", "-A"]).status.success());
    let o = try_repo(&work);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "the hook must pass after the .tf fix:\n{out}");
}
