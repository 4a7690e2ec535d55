//! What a new user meets first, through the binary: version, completions, the manual page,
//! `explain` in a terminal and piped, and the messages of common mistakes.

use std::process::{Command, Output};

fn vpclint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run vpclint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn version_names_the_build() {
    let o = vpclint(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let line = stdout(&o);
    assert!(line.starts_with(&format!("vpclint {}", env!("CARGO_PKG_VERSION"))), "{line}");
    // Built from a git checkout, the version names the commit and its date.
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.git")).exists() {
        let commit = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().expect("git");
        let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
        assert!(line.contains(&format!("({commit} ")), "{line} does not name {commit}");
    }
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _vpclint"),
        ("zsh", "#compdef vpclint"),
        ("fish", "complete -c vpclint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = vpclint(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        // The options of `check` complete too.
        assert!(script.contains("fail-on") && script.contains("terraform-dir"), "{shell}: check's options missing");
    }
    assert_eq!(vpclint(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_manual_page_documents_check_and_exit_codes() {
    let o = vpclint(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{}", &page[..page.len().min(200)]);
    assert!(page.contains(".TH vpclint 1"), "no title");
    for needle in
        [".SH \"VPCLINT CHECK\"", "\\-\\-fail\\-on", "\\-\\-terraform\\-dir", ".SH \"EXIT STATUS\"", "NO_COLOR"]
    {
        assert!(page.contains(needle), "no {needle:?} in the manual page");
    }
    // Every line is roff: a control line, or text that does not start with a quote or dot by accident.
    assert!(page.lines().all(|l| !l.starts_with('\'')), "a line starts with a quote");
}

#[test]
fn explain_is_markdown_when_piped() {
    let o = vpclint(&["explain", "NACL001"]);
    assert_eq!(o.status.code(), Some(0));
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/NACL001.md")).expect("doc");
    assert_eq!(stdout(&o).trim_end(), doc.trim_end());
}

#[test]
fn explain_is_rendered_in_a_terminal() {
    // `script` gives vpclint a pseudo-terminal for standard output.
    let exe = env!("CARGO_BIN_EXE_vpclint");
    let Ok(o) = Command::new("script")
        .args(["-qec", &format!("{exe} explain NACL001"), "/dev/null"])
        .env("NO_COLOR", "1")
        .env("COLUMNS", "72")
        .output()
    else {
        eprintln!("skipping: `script` (util-linux) is not installed");
        return;
    };
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o).replace("\r\n", "\n");
    assert!(!out.contains("## "), "headings are rendered, not raw:\n{out}");
    assert!(out.contains("What it checks\n──────────────"), "{out}");
    assert!(!out.contains('\x1b'), "NO_COLOR: no escapes");
}

#[test]
fn an_unknown_rule_in_a_flag_names_the_flag() {
    let o = vpclint(&["check", "--select", "NOPE", "fixtures/examples/moto-3tier"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: --select: `NOPE` names no rule (see `vpclint rules`)\n");
    let o = vpclint(&["check", "--ignore", "NOPE", "fixtures/examples/moto-3tier"]);
    assert_eq!(stderr(&o), "error: --ignore: `NOPE` names no rule (see `vpclint rules`)\n");
}

#[test]
fn every_check_option_is_in_help() {
    let help = stdout(&vpclint(&["check", "--help"]));
    for option in ["--no-report-unused-suppressions", "--fail-on", "--terraform-dir", "--max-file-size"] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}

#[test]
fn progress_is_shown_on_a_terminal_only() {
    // Piped standard error: never, however long the run.
    let o = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "fixtures/examples/moto-3tier"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VPCLINT_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("run vpclint");
    assert!(!stderr(&o).contains("vpclint: read"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("vpclint: read"));
    // On a pseudo-terminal, once the delay has passed (none here).
    let exe = env!("CARGO_BIN_EXE_vpclint");
    let Ok(o) = Command::new("script")
        .args(["-qec", &format!("{exe} check --format json fixtures/examples/moto-3tier >/dev/null"), "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VPCLINT_PROGRESS_AFTER_MS", "0")
        .output()
    else {
        eprintln!("skipping: `script` (util-linux) is not installed");
        return;
    };
    let shown = stdout(&o);
    assert!(shown.contains("vpclint: read ") && shown.contains(" files, "), "{shown:?}");
    assert!(shown.contains("rules "), "{shown:?}");
    // And not at all on a terminal when the run is shorter than the delay.
    let o = Command::new("script")
        .args(["-qec", &format!("{exe} check --format json fixtures/examples/moto-3tier >/dev/null"), "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VPCLINT_PROGRESS_AFTER_MS", "60000")
        .output()
        .expect("script");
    assert!(!stdout(&o).contains("vpclint: read"), "{:?}", stdout(&o));
}
