//! The registry is consistent: unique ids and names, complete docs, fixtures for every rule.

use std::collections::HashSet;
use vpclint::rules::REGISTRY;

#[test]
fn ids_and_names_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for r in REGISTRY {
        let m = &r.meta;
        assert!(seen.insert(m.id) && seen.insert(m.name), "duplicate {} / {}", m.id, m.name);
        let digits = &m.id[m.id.len() - 3..];
        let family = &m.id[..m.id.len() - 3];
        assert!(
            digits.bytes().all(|b| b.is_ascii_digit()) && family.bytes().all(|b| b.is_ascii_uppercase()),
            "{}",
            m.id
        );
        assert!(m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()), "{}", m.name);
    }
    let ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "registry is kept in id order");
}

#[test]
fn every_rule_has_a_complete_doc() {
    for r in REGISTRY {
        let doc = r.meta.doc;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules").join(format!("{}.md", r.meta.id));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), doc, "{} doc is rules/{}.md", r.meta.id, r.meta.id);
        assert!(doc.starts_with(&format!("# {} {}", r.meta.id, r.meta.name)), "{} title", r.meta.id);
        let mut last = 0;
        for section in ["## What it checks", "## Why it matters", "## Example", "## How to fix", "## References"] {
            let at = doc.find(section).unwrap_or_else(|| panic!("{} lacks `{section}`", r.meta.id));
            assert!(at > last, "{}: `{section}` out of order", r.meta.id);
            last = at;
        }
    }
}
