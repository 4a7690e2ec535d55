//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use vpclint::ingest::{self, Input, Loaded};
use vpclint::report::{Outcome, human};
use vpclint::rules::Finding;

/// The binary, run from the crate root with the terminal conventions of the environment taken
/// out (a UTF-8 locale, no colour variables, no `COLUMNS`), so that its output is the same on
/// every machine; a test sets what it is about.
pub fn vpclint_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"));
    command.current_dir(root()).env("LC_ALL", "C.UTF-8");
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS", "TERM"] {
        command.env_remove(name);
    }
    command
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Load paths relative to the crate root, the way the CLI would.
pub fn load(paths: &[&Path]) -> Loaded {
    let inputs: Vec<Input> = paths.iter().map(|p| Input::Path(p.to_path_buf())).collect();
    ingest::load(&inputs, &mut std::io::empty())
}

pub fn check_dir(dir: &Path) -> (Loaded, Vec<Finding>) {
    let loaded = load(&[dir]);
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    (loaded, findings)
}

/// Render findings as the CLI would without colours.
pub fn render(loaded: &Loaded, findings: Vec<Finding>) -> String {
    let outcome = Outcome { design: &loaded.design, findings, errors: loaded.errors.clone() };
    human::render_findings(&outcome, human::Style { color: false, width: 120, unicode: true })
}

/// Sub-directories of `dir`, sorted.
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// `(rule id, severity, resource)` of each finding, for exact assertions.
pub fn summary(findings: &[Finding]) -> Vec<(String, String, String)> {
    findings.iter().map(|f| (f.rule.id.to_string(), f.severity.to_string(), f.resource.clone())).collect()
}

/// The files PROVENANCE.md lists with `format` (`terraform-plan`, `cloudformation`), found under
/// their source folder (staged paths are `<source>/<original path>`), sorted; and how many it lists.
pub fn listed_in_provenance(corpus: &Path, format: &str) -> (Vec<PathBuf>, usize) {
    let provenance = std::fs::read_to_string(corpus.join("PROVENANCE.md")).expect("PROVENANCE.md");
    let marker = format!("| {format} |");
    let listed: std::collections::HashSet<String> = provenance
        .lines()
        .filter(|l| l.contains(&marker))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    fn walk(dir: &Path, corpus: &Path, listed: &std::collections::HashSet<String>, found: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                walk(&p, corpus, listed, found);
            } else if let Ok(rel) = p.strip_prefix(corpus) {
                let original: PathBuf = rel.components().skip(1).collect();
                if listed.contains(original.to_string_lossy().as_ref()) {
                    found.push(p);
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(corpus, corpus, &listed, &mut found);
    found.sort();
    (found, listed.len())
}
