//! Every registered rule against its fixtures, run alone (as ruff runs a rule's fixtures): fail
//! cases report that rule, pass cases do not, and the rendered diagnostics of each fail case are a
//! reviewed snapshot. Each case is a test of its own (`rules/<ID>/<fail|pass>/<case>`), so one
//! failure does not hide the others. Adding a rule needs no change here; a fixture directory that
//! names no rule is an error.

mod common;

use common::*;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use vpclint::config::{Config, Overrides};
use vpclint::ingest::Loaded;
use vpclint::rules::Finding;
use vpclint::rules::REGISTRY;
use vpclint::source::SourceFile;

/// Fixture directories that hold something other than one rule's cases.
const NOT_RULES: &[&str] = &["bad", "bad-input", "equivalence", "examples", "reach", "scopes"];

/// The configuration of a case: its own `vpclint.toml` (intents), with rule `id` selected.
fn config_for(id: &str, case: &Path) -> (Config, Option<String>) {
    // SUP001 judges suppressions of other rules, so those must run too.
    let select = if id == "SUP001" { None } else { Some(vec![id.to_string()]) };
    let text = std::fs::read_to_string(case.join("vpclint.toml")).ok();
    let config = Config::from_toml(text.as_deref().unwrap_or(""), &Overrides { select, ..Overrides::default() });
    (config.expect("config"), text)
}

/// A case loaded by its path relative to the crate root, and checked with rule `id` alone.
fn check_case(id: &str, case: &Path) -> Result<(PathBuf, Loaded, Vec<Finding>), Failed> {
    let rel = case.strip_prefix(root()).unwrap_or(case).to_path_buf();
    let mut loaded = load(&[&rel]);
    if !loaded.errors.is_empty() {
        return Err(format!("{}: input errors {:?}", rel.display(), loaded.errors).into());
    }
    let (config, text) = config_for(id, &rel);
    // As `check` does, vpclint.toml is a source, so findings on its entries are placed in it.
    let config_file = text.map(|text| {
        let path = rel.join("vpclint.toml");
        loaded.design.sources.add(SourceFile::new(path.display().to_string(), Some(path), text))
    });
    let (findings, _) = vpclint::check_with(&loaded, &config, config_file);
    Ok((rel, loaded, findings))
}

fn fail_case(id: &'static str, case: PathBuf) -> Result<(), Failed> {
    let (rel, loaded, findings) = check_case(id, &case)?;
    if !findings.iter().any(|f| f.rule.id == id) {
        return Err(format!("{}: expected {id} findings, got none", rel.display()).into());
    }
    let name = format!("{id}__{}", case.file_name().unwrap_or_default().to_string_lossy());
    insta::assert_snapshot!(name, render(&loaded, findings));
    Ok(())
}

fn pass_case(id: &'static str, case: PathBuf) -> Result<(), Failed> {
    let (rel, loaded, findings) = check_case(id, &case)?;
    if !findings.is_empty() {
        return Err(format!("{}: expected no findings, got:\n{}", rel.display(), render(&loaded, findings)).into());
    }
    Ok(())
}

fn trials() -> Vec<Trial> {
    let mut out = Vec::new();
    for rule in REGISTRY {
        let id = rule.meta.id;
        let dir = root().join("fixtures").join(id);
        let (fail, pass) = (cases(&dir.join("fail")), cases(&dir.join("pass")));
        out.push(Trial::test(format!("rules/{id}/has-pass-and-fail-fixtures"), move || {
            if fail.is_empty() || pass.is_empty() {
                Err(format!("{id} needs pass and fail fixtures").into())
            } else {
                Ok(())
            }
        }));
        for case in cases(&dir.join("fail")) {
            let name = format!("rules/{id}/fail/{}", case.file_name().unwrap_or_default().to_string_lossy());
            out.push(Trial::test(name, move || fail_case(id, case)));
        }
        for case in cases(&dir.join("pass")) {
            let name = format!("rules/{id}/pass/{}", case.file_name().unwrap_or_default().to_string_lossy());
            out.push(Trial::test(name, move || pass_case(id, case)));
        }
    }
    out.push(Trial::test("rules/every-fixture-directory-names-a-rule", || {
        let unclaimed: Vec<String> = cases(&root().join("fixtures"))
            .iter()
            .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|n| !NOT_RULES.contains(&n.as_str()) && !REGISTRY.iter().any(|r| r.meta.id == n))
            .collect();
        if unclaimed.is_empty() {
            Ok(())
        } else {
            Err(format!("fixture directories no rule claims: {unclaimed:?}").into())
        }
    }));
    out
}

fn main() {
    // Fixtures are loaded by relative path, so diagnostics name them as a user would.
    std::env::set_current_dir(root()).expect("crate root");
    libtest_mimic::run(&Arguments::from_args(), trials()).exit();
}
