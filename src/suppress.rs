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

/// A resource carrying the tag, the rule selectors of its tag, and which of them silenced something.
struct Tagged<'d> {
    meta: &'d Meta,
    selectors: Vec<String>,
    used: Vec<bool>,
}

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
    let mut suppressions = Suppressions::new(design, declared, config);
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = Vec::new();
    for mut f in findings {
        if let Some(s) = config.severity.get(f.rule.id) {
            f.severity = *s;
        }
        match suppressions.silence(&f) {
            Some(by) => suppressed.push(Suppressed { finding: f, by }),
            None => kept.push(f),
        }
    }
    if config.report_unused_suppressions {
        kept.extend(suppressions.unused(config_file));
    }
    (kept, suppressed)
}

/// Every suppression of a run, with which of them silenced something so far.
struct Suppressions<'a> {
    config: &'a Config,
    patterns: Vec<Option<glob::Pattern>>,
    used_config: Vec<bool>,
    /// CloudFormation `Metadata` ignores, by resource and template.
    declared: &'a [DeclaredSuppression],
    used_metadata: Vec<bool>,
    tagged: HashMap<ResourceKey, Tagged<'a>>,
    /// Standalone route → the tagged route table whose tag covers it.
    route_tables: HashMap<String, String>,
}

impl<'a> Suppressions<'a> {
    fn new(design: &'a Design, declared: &'a [DeclaredSuppression], config: &'a Config) -> Self {
        let tagged = tagged_resources(design);
        // Standalone routes (`aws_route`, `AWS::EC2::Route`) take no tags: their table's tag covers them.
        let route_tables: HashMap<String, String> = design
            .route_tables
            .iter()
            .filter(|t| tagged.contains_key(&(t.meta.id.clone(), t.meta.account.clone(), t.meta.region.clone())))
            .flat_map(|t| t.routes.iter().filter_map(|r| r.defined_by.clone()).map(move |d| (d, t.meta.id.clone())))
            .collect();
        Suppressions {
            config,
            patterns: config.suppress.iter().map(|s| glob::Pattern::new(&s.resource).ok()).collect(),
            used_config: vec![false; config.suppress.len()],
            declared,
            used_metadata: vec![false; declared.len()],
            tagged,
            route_tables,
        }
    }

    /// Why the finding is silenced, if it is: the configuration first, then the template's
    /// `Metadata`, then the resource's tag. The suppression that matched counts as used.
    fn silence(&mut self, f: &Finding) -> Option<String> {
        if let Some(i) =
            self.config.suppress.iter().enumerate().position(|(i, s)| {
                names(&s.rule, f) && self.patterns[i].as_ref().is_some_and(|p| p.matches(&f.resource))
            })
        {
            self.used_config[i] = true;
            return Some(format!("vpclint.toml: {}", self.config.suppress[i].reason));
        }
        if let Some(i) = self
            .declared
            .iter()
            .position(|m| m.resource == f.resource && m.file == f.primary.origin.file && names(&m.rule, f))
        {
            self.used_metadata[i] = true;
            return Some(format!("Metadata vpclint ignore: {}", self.declared[i].reason));
        }
        let tagged_as = self.route_tables.get(&f.resource).unwrap_or(&f.resource);
        if let Some(Tagged { selectors, used, .. }) =
            self.tagged.get_mut(&(tagged_as.clone(), f.account.clone(), f.region.clone()))
            && let Some(i) = selectors.iter().position(|s| names(s, f))
        {
            used[i] = true;
            return Some(format!("tag {IGNORE_TAG}"));
        }
        None
    }

    /// SUP001 findings for the suppressions that silenced nothing, though the rules they name ran.
    fn unused(self, config_file: Option<FileId>) -> Vec<Finding> {
        let mut unused = self.unused_in_config(config_file);
        unused.extend(self.unused_in_metadata());
        unused.extend(unused_in_tags(self.config, self.tagged));
        unused
    }

    fn unused_in_config(&self, config_file: Option<FileId>) -> Vec<Finding> {
        let mut unused = Vec::new();
        for (i, s) in self.config.suppress.iter().enumerate() {
            if self.used_config[i] || !ran(self.config, &s.rule) {
                continue;
            }
            let Some(file) = config_file else { continue };
            let origin = Origin::new(file, format!("@{}-{}", s.span.start, s.span.end));
            let mut f = unused_finding(
                origin,
                &s.resource,
                &format!("the suppression of {} on `{}` in vpclint.toml matches no finding", s.rule, s.resource),
            );
            f.help = Some("remove it, or fix its rule or resource pattern".into());
            unused.push(f);
        }
        unused
    }

    fn unused_in_metadata(&self) -> Vec<Finding> {
        let mut unused = Vec::new();
        for (m, used) in self.declared.iter().zip(&self.used_metadata) {
            let known = !crate::config::rules_matching(&m.rule).is_empty();
            if *used || (known && !ran(self.config, &m.rule)) {
                continue;
            }
            let what = if known { "matches no finding" } else { "names no rule" };
            let mut f = unused_finding(
                m.origin.clone(),
                &m.resource,
                &format!("the vpclint ignore of `{}` in the Metadata of {} {what}", m.rule, m.resource),
            );
            f.help = Some("remove the entry, or fix its rule".into());
            unused.push(f);
        }
        unused
    }
}

/// Resources carrying the tag, by (id, account, region).
fn tagged_resources(design: &Design) -> HashMap<ResourceKey, Tagged<'_>> {
    let mut tagged = HashMap::new();
    for meta in design.metas() {
        if let Some((_, value)) = meta.tags.iter().find(|(k, _)| k == IGNORE_TAG) {
            let selectors: Vec<String> =
                value.split([',', ' ', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
            let n = selectors.len();
            tagged.insert(
                (meta.id.clone(), meta.account.clone(), meta.region.clone()),
                Tagged { meta, selectors, used: vec![false; n] },
            );
        }
    }
    tagged
}

/// Tag selectors that silenced nothing, by resource id; one that names no rule is reported
/// whatever ran.
fn unused_in_tags(config: &Config, tagged: HashMap<ResourceKey, Tagged<'_>>) -> Vec<Finding> {
    let mut unused = Vec::new();
    let mut entries: Vec<_> = tagged.into_values().collect();
    entries.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    for Tagged { meta, selectors, used } in entries {
        for (sel, used) in selectors.iter().zip(used) {
            if used || !ran(config, sel) && !crate::config::rules_matching(sel).is_empty() {
                continue;
            }
            let what =
                if crate::config::rules_matching(sel).is_empty() { "names no rule" } else { "matches no finding" };
            let mut f = unused_finding(
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
    unused
}

/// Whether a selector names the finding's rule.
fn names(selector: &str, f: &Finding) -> bool {
    crate::config::rules_matching(selector).iter().any(|r| r.meta.id == f.rule.id)
}

/// Whether a rule the selector names ran: a suppression of rules that did not run cannot have
/// been used, so it is not reported.
fn ran(config: &Config, selector: &str) -> bool {
    crate::config::rules_matching(selector).iter().any(|r| config.rules.iter().any(|c| c.meta.id == r.meta.id))
}

fn unused_finding(origin: Origin, resource: &str, message: &str) -> Finding {
    Finding {
        rule: &rules::sup001_unused_suppression::RULE.meta,
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
