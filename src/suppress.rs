//! Severity overrides and suppressions: `[[suppress]]` in `vpclint.toml` and the `vpclint:ignore`
//! tag on a resource. A suppression that silences nothing is reported (SUP001), as ruff does with
//! unused `noqa` comments, so stale ones do not hide future findings.

use crate::config::Config;
use crate::diagnostic::DeclaredSuppression;
use crate::model::{Design, Meta};
use crate::rules::{self, Finding, Severity};
use crate::source::{FileId, Origin};
use std::collections::HashMap;

/// The tag whose value (`LB001,NACL001`, ids or names) silences rules on a resource.
pub const IGNORE_TAG: &str = "vpclint:ignore";

/// Id, account and region: what identifies a resource across accounts.
type ResourceKey = (String, Option<String>, Option<String>);
/// A tagged resource, the rule selectors of its tag, and which of them silenced something.
type TagEntry<'d> = (&'d Meta, Vec<String>, Vec<bool>);

/// A finding that a suppression silenced, and why.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub finding: Finding,
    pub by: String,
}

/// Apply severity overrides, then suppressions; add SUP001 findings for unused suppressions.
/// `config_file` is the configuration loaded as a source, to locate its `[[suppress]]` entries.
pub fn apply(
    design: &Design,
    declared: &[DeclaredSuppression],
    config: &Config,
    config_file: Option<FileId>,
    findings: Vec<Finding>,
) -> (Vec<Finding>, Vec<Suppressed>) {
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = Vec::new();
    let patterns: Vec<Option<glob::Pattern>> =
        config.suppress.iter().map(|s| glob::Pattern::new(&s.resource).ok()).collect();
    let mut used_config = vec![false; config.suppress.len()];
    // Resources carrying the tag: (id, account, region) → (meta, rule selectors, used).
    let mut tagged: HashMap<ResourceKey, TagEntry<'_>> = HashMap::new();
    for meta in design.metas() {
        if let Some((_, value)) = meta.tags.iter().find(|(k, _)| k == IGNORE_TAG) {
            let selectors: Vec<String> =
                value.split([',', ' ', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
            let n = selectors.len();
            tagged.insert(
                (meta.id.clone(), meta.account.clone(), meta.region.clone()),
                (meta, selectors, vec![false; n]),
            );
        }
    }
    // Standalone routes (`aws_route`, `AWS::EC2::Route`) take no tags: their table's tag covers them.
    let route_tables: HashMap<String, String> = design
        .route_tables
        .iter()
        .filter(|t| tagged.contains_key(&(t.meta.id.clone(), t.meta.account.clone(), t.meta.region.clone())))
        .flat_map(|t| t.routes.iter().filter_map(|r| r.defined_by.clone()).map(move |d| (d, t.meta.id.clone())))
        .collect();
    let names =
        |selector: &str, f: &Finding| crate::config::rules_matching(selector).iter().any(|r| r.meta.id == f.rule.id);
    // CloudFormation `Metadata` ignores, by resource and template.
    let mut used_metadata = vec![false; declared.len()];
    for mut f in findings {
        if let Some(s) = config.severity.get(f.rule.id) {
            f.severity = *s;
        }
        if let Some(i) = config
            .suppress
            .iter()
            .enumerate()
            .position(|(i, s)| names(&s.rule, &f) && patterns[i].as_ref().is_some_and(|p| p.matches(&f.resource)))
        {
            used_config[i] = true;
            let by = format!("vpclint.toml: {}", config.suppress[i].reason);
            suppressed.push(Suppressed { finding: f, by });
            continue;
        }
        if let Some(i) = declared
            .iter()
            .position(|m| m.resource == f.resource && m.file == f.primary.origin.file && names(&m.rule, &f))
        {
            used_metadata[i] = true;
            let by = format!("Metadata vpclint ignore: {}", declared[i].reason);
            suppressed.push(Suppressed { finding: f, by });
            continue;
        }
        let tagged_as = route_tables.get(&f.resource).unwrap_or(&f.resource);
        if let Some((_, selectors, used)) = tagged.get_mut(&(tagged_as.clone(), f.account.clone(), f.region.clone()))
            && let Some(i) = selectors.iter().position(|s| names(s, &f))
        {
            used[i] = true;
            suppressed.push(Suppressed { finding: f, by: format!("tag {IGNORE_TAG}") });
            continue;
        }
        kept.push(f);
    }
    if config.report_unused_suppressions {
        let ran = |selector: &str| {
            crate::config::rules_matching(selector).iter().any(|r| config.rules.iter().any(|c| c.meta.id == r.meta.id))
        };
        let rule = &rules::sup001_unused_suppression::RULE.meta;
        let mut unused: Vec<Finding> = Vec::new();
        for (i, s) in config.suppress.iter().enumerate() {
            if used_config[i] || !ran(&s.rule) {
                continue;
            }
            let Some(file) = config_file else { continue };
            let origin = Origin::new(file, format!("@{}-{}", s.span.start, s.span.end));
            let mut f = unused_finding(
                rule,
                origin,
                &s.resource,
                &format!("the suppression of {} on `{}` in vpclint.toml matches no finding", s.rule, s.resource),
            );
            f.help = Some("remove it, or fix its rule or resource pattern".into());
            unused.push(f);
        }
        for (m, used) in declared.iter().zip(&used_metadata) {
            let known = !crate::config::rules_matching(&m.rule).is_empty();
            if *used || (known && !ran(&m.rule)) {
                continue;
            }
            let what = if known { "matches no finding" } else { "names no rule" };
            let mut f = unused_finding(
                rule,
                m.origin.clone(),
                &m.resource,
                &format!("the vpclint ignore of `{}` in the Metadata of {} {what}", m.rule, m.resource),
            );
            f.help = Some("remove the entry, or fix its rule".into());
            unused.push(f);
        }
        let mut entries: Vec<_> = tagged.into_values().collect();
        entries.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        for (meta, selectors, used) in entries {
            for (sel, used) in selectors.iter().zip(used) {
                if used || !ran(sel) && !crate::config::rules_matching(sel).is_empty() {
                    continue;
                }
                let what =
                    if crate::config::rules_matching(sel).is_empty() { "names no rule" } else { "matches no finding" };
                let mut f = unused_finding(
                    rule,
                    meta.id_origin(),
                    &meta.id,
                    &format!("`{sel}` in the {IGNORE_TAG} tag of {} {what}", meta.label()),
                );
                f.account = meta.account.clone();
                f.region = meta.region.clone();
                f.help = Some(format!("remove `{sel}` from the tag"));
                unused.push(f);
            }
        }
        kept.extend(unused);
    }
    (kept, suppressed)
}

fn unused_finding(rule: &'static rules::RuleMeta, origin: Origin, resource: &str, message: &str) -> Finding {
    Finding {
        rule,
        severity: Severity::Warning,
        message: message.to_string(),
        resource: resource.to_string(),
        primary: rules::Label { origin, text: "unused suppression".into() },
        related: Vec::new(),
        help: None,
        module: None,
        account: None,
        region: None,
    }
}
