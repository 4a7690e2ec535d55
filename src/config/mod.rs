//! `vpclint.toml`: rule selection, severity overrides, rule options, suppressions and the fail level.
//!
//! The file is found by walking up from the current directory (or given with `--config`); flags on
//! the command line override it. Unknown keys are errors, located in the TOML file.

mod intents;

use crate::analysis::reach::intent::Intent;
use crate::rules::{REGISTRY, Rule, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "vpclint.toml";

/// When a run fails (exit 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// A severity as written in the configuration: a level, or `off` to disable the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

/// `[[suppress]]`: silence one rule on resources whose id or Terraform address matches a glob.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub rule: String,
    pub resource: String,
    pub reason: String,
    /// Where the entry is in the file.
    pub span: std::ops::Range<usize>,
}

/// A `[[suppress]]` entry as written, each value with its place in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppressEntry {
    rule: Spanned<String>,
    resource: Spanned<String>,
    reason: Spanned<String>,
}

/// Values of the file keep their place, so that an error points at the value at fault (searching
/// the text would find a comment first).
type Spanned<T> = toml::Spanned<T>;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<FailOn>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Level>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, toml::Value>>,
    #[serde(default)]
    suppress: Vec<Spanned<SuppressEntry>>,
    report_unused_suppressions: Option<bool>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    intent: Vec<Spanned<intents::IntentEntry>>,
}

/// The effective configuration of a run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Rules to run (after select/ignore and `off`), in registry order.
    pub rules: Vec<&'static Rule>,
    pub severity: BTreeMap<&'static str, Severity>,
    pub options: BTreeMap<&'static str, toml::Table>,
    pub suppress: Vec<Suppression>,
    pub fail_on: FailOn,
    pub report_unused_suppressions: bool,
    /// `[[intent]]` entries, judged by REACH001 and REACH002.
    pub intents: Vec<Intent>,
    /// Gitignore-style globs of what directory walks leave out, relative to the file's directory.
    pub exclude: Vec<String>,
    /// The file this came from, if any.
    pub path: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            rules: REGISTRY.to_vec(),
            severity: BTreeMap::new(),
            options: BTreeMap::new(),
            suppress: Vec::new(),
            fail_on: FailOn::Error,
            report_unused_suppressions: true,
            exclude: Vec::new(),
            intents: Vec::new(),
            path: None,
        }
    }
}

/// A configuration error, with the byte range in the file when there is one.
#[derive(Debug)]
pub struct ConfigError {
    /// The command-line flag at fault, when the error is in a flag rather than in the file.
    pub flag: Option<&'static str>,
    pub path: Option<PathBuf>,
    pub text: Option<String>,
    pub span: Option<std::ops::Range<usize>>,
    pub message: String,
}

/// What the command line says, which wins over the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub report_unused_suppressions: Option<bool>,
}

/// Rules a selector names: an id (`PEER001`), a name (`peering-cidr-overlap`), a family prefix
/// (`PEER`) or `ALL`.
pub fn rules_matching(selector: &str) -> Vec<&'static Rule> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("all") {
        return REGISTRY.to_vec();
    }
    REGISTRY
        .iter()
        .copied()
        .filter(|r| {
            r.meta.id.eq_ignore_ascii_case(s)
                || r.meta.name.eq_ignore_ascii_case(s)
                || (!s.is_empty()
                    && s.chars().all(|c| c.is_ascii_alphabetic())
                    && r.meta.id.len() > s.len()
                    && r.meta.id[..s.len()].eq_ignore_ascii_case(s))
        })
        .collect()
}

/// The largest configuration file read: far above any real one, it bounds what a hostile path
/// (`/dev/zero` is not a regular file, but a huge sparse file is) costs.
const MAX_CONFIG_SIZE: u64 = 16 << 20;

/// The text of a configuration file: a regular file only, so that a FIFO or a device named
/// with `--config` neither blocks nor is read without end.
fn read_config(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("cannot read: not a regular file (a FIFO, socket, device or directory)".into());
    }
    if meta.len() > MAX_CONFIG_SIZE {
        return Err(format!("cannot read: {} bytes is too large for a configuration file", meta.len()));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))
}

/// `vpclint.toml` in `start` or the nearest ancestor.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

impl Config {
    /// Read `path` (or discover one from the current directory) and apply the overrides.
    pub fn load(path: Option<&Path>, overrides: &Overrides) -> Result<Config, ConfigError> {
        let path = match path {
            Some(p) => Some(p.to_path_buf()),
            None => std::env::current_dir().ok().and_then(|d| discover(&d)),
        };
        let (file, text) = match &path {
            Some(p) => {
                let text = read_config(p).map_err(|message| ConfigError {
                    flag: None,
                    path: Some(p.clone()),
                    text: None,
                    span: None,
                    message,
                })?;
                let file: File = toml::from_str(&text).map_err(|e| ConfigError {
                    flag: None,
                    path: Some(p.clone()),
                    text: Some(text.clone()),
                    span: e.span(),
                    message: e.message().to_string(),
                })?;
                (file, Some(text))
            }
            None => (File::default(), None),
        };
        Config::build(file, path, text, overrides)
    }

    /// Parse a configuration from text (for tests and tools).
    pub fn from_toml(text: &str, overrides: &Overrides) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError {
            flag: None,
            path: None,
            text: Some(text.to_string()),
            span: e.span(),
            message: e.message().to_string(),
        })?;
        Config::build(file, None, Some(text.to_string()), overrides)
    }

    fn build(file: File, path: Option<PathBuf>, text: Option<String>, o: &Overrides) -> Result<Config, ConfigError> {
        let at = Locator { path: &path, text: text.as_deref() };
        let (rules, severity) = selected_rules(&file, o, &at)?;
        let options = rule_options(file.rules, &at)?;
        let suppress = suppressions(file.suppress, &at)?;
        let exclude = exclude_globs(file.exclude, &at)?;
        let intents = intents::intents(file.intent, &at)?;
        Ok(Config {
            rules,
            severity,
            options,
            suppress,
            fail_on: o.fail_on.or(file.fail_on).unwrap_or(FailOn::Error),
            report_unused_suppressions: o
                .report_unused_suppressions
                .or(file.report_unused_suppressions)
                .unwrap_or(true),
            exclude,
            intents,
            path,
        })
    }
}

/// Where errors in the file are located: at the span the TOML parser gave the value at fault.
struct Locator<'a> {
    path: &'a Option<PathBuf>,
    text: Option<&'a str>,
}

impl Locator<'_> {
    fn error(&self, span: Option<std::ops::Range<usize>>, message: String) -> ConfigError {
        ConfigError { flag: None, path: self.path.clone(), span, text: self.text.map(str::to_string), message }
    }

    /// The rules the selectors of the file name; a selector that names none is an error.
    fn resolve(&self, selectors: &[Spanned<String>]) -> Result<Vec<&'static Rule>, ConfigError> {
        let mut out = Vec::new();
        for s in selectors {
            out.extend(self.resolve_one(s.get_ref(), Some(s.span()))?);
        }
        Ok(out)
    }

    /// The rules one selector names (`span`: where the file writes it; none for a flag).
    fn resolve_one(&self, s: &str, span: Option<std::ops::Range<usize>>) -> Result<Vec<&'static Rule>, ConfigError> {
        let found = rules_matching(s);
        if found.is_empty() {
            let at = if span.is_some() { self } else { &Locator { path: &None, text: None } };
            return Err(at.error(span, format!("`{s}` names no rule (see `vpclint rules`)")));
        }
        Ok(found)
    }

    /// The rules of a flag's selectors, which have no place in the file.
    fn resolve_flags(&self, flag: &'static str, selectors: &[String]) -> Result<Vec<&'static Rule>, ConfigError> {
        let mut out = Vec::new();
        for s in selectors {
            out.extend(self.resolve_one(s, None).map_err(|e| ConfigError { flag: Some(flag), ..e })?);
        }
        Ok(out)
    }
}

/// The rules to run, in id order, and the severity overrides: `select` (the flag's or the
/// file's), less `ignore` (both) and the rules whose severity is `off`.
fn selected_rules(
    file: &File,
    o: &Overrides,
    at: &Locator<'_>,
) -> Result<(Vec<&'static Rule>, BTreeMap<&'static str, Severity>), ConfigError> {
    let mut rules: Vec<&'static Rule> = match (&o.select, &file.select) {
        (Some(s), _) => at.resolve_flags("--select", s)?,
        (None, Some(s)) => at.resolve(s)?,
        (None, None) => REGISTRY.to_vec(),
    };
    let mut ignored = at.resolve(&file.ignore)?;
    ignored.extend(at.resolve_flags("--ignore", &o.ignore)?);
    let mut severity = BTreeMap::new();
    for (key, level) in &file.severity {
        for rule in at.resolve(std::slice::from_ref(key))? {
            match level {
                Level::Off => ignored.push(rule),
                Level::Error => {
                    severity.insert(rule.meta.id, Severity::Error);
                }
                Level::Warning => {
                    severity.insert(rule.meta.id, Severity::Warning);
                }
                Level::Info => {
                    severity.insert(rule.meta.id, Severity::Info);
                }
            }
        }
    }
    rules.retain(|r| !ignored.iter().any(|i| i.meta.id == r.meta.id));
    rules.sort_by_key(|r| r.meta.id);
    rules.dedup_by_key(|r| r.meta.id);
    Ok((rules, severity))
}

/// `[rules.X]` tables, each checked by its rule.
fn rule_options(
    tables: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, toml::Value>>,
    at: &Locator<'_>,
) -> Result<BTreeMap<&'static str, toml::Table>, ConfigError> {
    let mut options = BTreeMap::new();
    for (key, entries) in tables {
        let found = at.resolve(std::slice::from_ref(&key))?;
        let name = key.get_ref();
        if found.len() != 1 {
            return Err(at.error(Some(key.span()), format!("`[rules.{name}]` must name exactly one rule")));
        }
        let table: toml::Table = entries.iter().map(|(k, v)| (k.get_ref().clone(), v.clone())).collect();
        if let Err(e) = (found[0].options)(&table) {
            // The key at fault: the first one that is wrong on its own.
            let alone =
                |k: &Spanned<String>, v: &toml::Value| toml::Table::from_iter([(k.get_ref().clone(), v.clone())]);
            let at_fault = entries.iter().find(|(k, v)| (found[0].options)(&alone(k, v)).is_err()).map(|(k, _)| k);
            let span = at_fault.unwrap_or(&key).span();
            return Err(at.error(Some(span), format!("`[rules.{name}]`: {e}")));
        }
        options.insert(found[0].meta.id, table);
    }
    Ok(options)
}

/// Whether a reason says something: not empty, not only spaces or invisible characters
/// (zero-width spaces, joiners, byte order marks, controls).
pub(crate) fn has_visible_text(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' | '\u{00AD}')
    })
}

/// `[[suppress]]` entries with their place in the file; each needs a reason, a rule and a
/// valid resource pattern.
fn suppressions(entries: Vec<Spanned<SuppressEntry>>, at: &Locator<'_>) -> Result<Vec<Suppression>, ConfigError> {
    let mut suppress = Vec::with_capacity(entries.len());
    for entry in entries {
        let span = entry.span();
        let SuppressEntry { rule, resource, reason } = entry.into_inner();
        if !has_visible_text(reason.get_ref()) {
            let message = format!("the suppression of `{}` on `{}` needs a reason", rule.get_ref(), resource.get_ref());
            return Err(at.error(Some(reason.span()), message));
        }
        at.resolve(std::slice::from_ref(&rule))?;
        glob::Pattern::new(resource.get_ref()).map_err(|e| {
            at.error(Some(resource.span()), format!("`{}` is not a valid pattern: {e}", resource.get_ref()))
        })?;
        suppress.push(Suppression {
            rule: rule.into_inner(),
            resource: resource.into_inner(),
            reason: reason.into_inner(),
            span,
        });
    }
    Ok(suppress)
}

/// `exclude` globs, each one valid.
fn exclude_globs(globs: Vec<Spanned<String>>, at: &Locator<'_>) -> Result<Vec<String>, ConfigError> {
    globs
        .into_iter()
        .map(|glob| match crate::ingest::invalid_glob(glob.get_ref()) {
            Some(why) => Err(at.error(Some(glob.span()), format!("`{}` is not a valid glob: {why}", glob.get_ref()))),
            None => Ok(glob.into_inner()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_by_id_name_and_prefix() {
        let ids = |s: &str| rules_matching(s).iter().map(|r| r.meta.id).collect::<Vec<_>>();
        assert_eq!(ids("PEER"), vec!["PEER001", "PEER002", "PEER003", "PEER004"]);
        assert_eq!(ids("nacl-ephemeral-return-blocked"), vec!["NACL001"]);
        assert_eq!(ids("lb001"), vec!["LB001"]);
        assert!(ids("PEER0").is_empty());
    }

    #[test]
    fn file_and_overrides() {
        let c = Config::from_toml(
            "select = [\"PEER\", \"NAT001\"]\nignore = [\"PEER002\"]\nfail-on = \"warning\"\n[severity]\nNAT001 = \"warning\"\n",
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(
            c.rules.iter().map(|r| r.meta.id).collect::<Vec<_>>(),
            vec!["NAT001", "PEER001", "PEER003", "PEER004"]
        );
        assert_eq!(c.fail_on, FailOn::Warning);
        assert_eq!(c.severity.get("NAT001"), Some(&Severity::Warning));
        let o = Overrides { fail_on: Some(FailOn::Never), ..Overrides::default() };
        assert_eq!(Config::from_toml("fail-on = \"warning\"", &o).unwrap().fail_on, FailOn::Never);
    }

    #[test]
    fn invisible_reasons_are_no_reasons() {
        assert!(!has_visible_text(""));
        assert!(!has_visible_text("  \t "));
        assert!(!has_visible_text("\u{200B}\u{FEFF}"));
        assert!(has_visible_text("vendor appliance, reviewed"));
    }

    #[test]
    fn unknown_keys_and_missing_reasons_are_located_errors() {
        let e = Config::from_toml("selct = [\"PEER\"]\n", &Overrides::default()).unwrap_err();
        assert_eq!(e.span, Some(0..5));
        assert!(e.message.contains("unknown field `selct`"), "{}", e.message);
        let e =
            Config::from_toml("[[suppress]]\nrule = \"LB001\"\nresource = \"*\"\n", &Overrides::default()).unwrap_err();
        assert!(e.message.contains("reason"), "{}", e.message);
        let e = Config::from_toml("ignore = [\"NOPE\"]", &Overrides::default()).unwrap_err();
        assert!(e.message.contains("names no rule"));
    }

    #[test]
    fn errors_point_at_the_value_not_at_a_comment_that_mentions_it() {
        let at = |text: &str| {
            let e = Config::from_toml(text, &Overrides::default()).unwrap_err();
            text[e.span.expect("located")].to_string()
        };
        let text = "# NOPE was a rule once; the reason is below\nignore = [\"PEER001\", \"NOPE\"]\n";
        assert_eq!(at(text), "\"NOPE\"");
        let text =
            "# reason: see ticket; resource ids\n[[suppress]]\nrule = \"LB001\"\nresource = \"*\"\nreason = \" \"\n";
        assert_eq!(at(text), "\" \"");
        let text = "# [rules.SG001] ports are below\n[rules.SG001]\n# ports = [22]\nports = [\"22\"]\n";
        assert_eq!(at(text), "ports");
        let text = "# select = [\"PEER[\"]\n[[suppress]]\nrule = \"LB001\"\nresource = \"a[\"\nreason = \"r\"\n";
        assert_eq!(at(text), "\"a[\"");
        // A flag's error is not placed in the file.
        let o = Overrides { ignore: vec!["NOPE".into()], ..Overrides::default() };
        let e = Config::from_toml("# NOPE\n", &o).unwrap_err();
        assert_eq!((e.span, e.text), (None, None));
    }

    #[test]
    fn an_exclude_glob_that_is_no_glob_is_located() {
        let text = "# exclude = [\"gen[\"]\nexclude = [\"ok/\", \"gen[\"]\n";
        let e = Config::from_toml(text, &Overrides::default()).unwrap_err();
        assert_eq!(e.span, Some(39..45), "{}", e.message);
        assert!(e.message.starts_with("`gen[` is not a valid glob: unclosed character class"), "{}", e.message);
        let c = Config::from_toml("exclude = [\"generated/**\", \"!generated/keep.json\"]", &Overrides::default());
        assert_eq!(c.unwrap().exclude, vec!["generated/**", "!generated/keep.json"]);
    }

    #[test]
    fn rule_options_are_typed_and_located() {
        let error = |text: &str| Config::from_toml(text, &Overrides::default()).err().map(|e| (e.message, e.span));
        let (message, span) = error("[rules.SG001]\nports = [\"22\"]\n").expect("a string port is an error");
        assert!(message.contains("invalid type: string \"22\""), "{message}");
        assert_eq!(span, Some(14..19));
        let (message, _) = error("[rules.SG001]\nprots = [22]\n").expect("a misspelt key is an error");
        assert!(message.contains("unknown field `prots`"), "{message}");
        let (message, _) = error("[rules.SG001]\nports = [70000]\n").expect("a port above 65535 is an error");
        assert!(message.contains("70000"), "{message}");
        let (message, _) = error("[rules.NAT001]\nports = [22]\n").expect("NAT001 takes no options");
        assert!(message.contains("has no options"), "{message}");
        assert!(error("[rules.SG001]\nports = [2222]\n").is_none());
    }
}
