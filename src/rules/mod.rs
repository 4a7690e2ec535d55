//! Rules: one file each, registered in [`REGISTRY`]. A rule reads the [`Topology`] and reports
//! [`Finding`]s through a [`Sink`].

mod eip001_eip_unassociated;
mod lb001_internet_facing_lb_in_private_subnet;
mod lb002_lb_single_az;
mod lb003_lb_listener_blocked_by_sg;
mod lb004_lb_target_unreachable;
mod lb005_internal_lb_in_public_subnet;
mod nacl001_nacl_ephemeral_return_blocked;
mod nacl002_nacl_entry_shadowed;
mod nacl003_nacl_duplicate_rule_number;
mod nat001_nat_gateway_without_eip;
mod nat002_nat_gateway_in_private_subnet;
mod nat003_nat_route_cross_az;
mod peer001_peering_cidr_overlap;
mod peer002_peering_not_transitive;
mod peer003_peering_route_missing_return;
mod peer004_peering_not_active;
mod reach001_intent_violated;
mod reach002_intent_undecided;
mod rt001_route_blackhole;
mod rt002_route_target_wrong_vpc;
mod sg001_sg_admin_port_open_to_world;
mod sg002_sg_references_missing_group;
mod sub001_subnet_outside_vpc_cidr;
mod sub002_subnet_cidr_overlap;
pub(crate) mod sup001_unused_suppression;
mod tgw001_tgw_attached_vpcs_overlap;

use crate::analysis::reach::intent::Judgements;
use crate::model::{Meta, Route, RouteTable};
use crate::source::Origin;
use crate::topology::Topology;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, rarely a defect (an idle Elastic IP, a redundant NACL entry).
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is: shown by `vpclint rules` and `vpclint explain`.
#[derive(Debug)]
pub struct RuleMeta {
    /// Family prefix and three digits, e.g. `PEER001`. Never reused.
    pub id: &'static str,
    /// Kebab-case name, e.g. `peering-cidr-overlap`.
    pub name: &'static str,
    /// The highest severity the rule reports by default.
    pub severity: Severity,
    pub summary: &'static str,
    /// `rules/<ID>.md`.
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Topology<'_>, &mut Sink<'_>),
    /// Checks `[rules.<ID>]` from the configuration against the rule's typed options: an unknown
    /// key or a wrong type is a configuration error, never silently ignored.
    pub options: fn(&toml::Table) -> Result<(), String>,
}

/// For rules without options: any key under `[rules.<ID>]` is a mistake.
pub fn no_options(table: &toml::Table) -> Result<(), String> {
    match table.keys().next() {
        None => Ok(()),
        Some(k) => Err(format!("unknown option `{k}`: this rule has no options")),
    }
}

/// Read `[rules.<ID>]` into a rule's typed options (`deny_unknown_fields`).
pub fn parse_options<T: serde::de::DeserializeOwned>(table: &toml::Table) -> Result<T, String> {
    toml::Value::Table(table.clone()).try_into::<T>().map_err(|e| e.message().to_string())
}

/// Every rule, in id order. Adding a rule is one line here.
pub static REGISTRY: &[&Rule] = &[
    &eip001_eip_unassociated::RULE,
    &lb001_internet_facing_lb_in_private_subnet::RULE,
    &lb002_lb_single_az::RULE,
    &lb003_lb_listener_blocked_by_sg::RULE,
    &lb004_lb_target_unreachable::RULE,
    &lb005_internal_lb_in_public_subnet::RULE,
    &nacl001_nacl_ephemeral_return_blocked::RULE,
    &nacl002_nacl_entry_shadowed::RULE,
    &nacl003_nacl_duplicate_rule_number::RULE,
    &nat001_nat_gateway_without_eip::RULE,
    &nat002_nat_gateway_in_private_subnet::RULE,
    &nat003_nat_route_cross_az::RULE,
    &peer001_peering_cidr_overlap::RULE,
    &peer002_peering_not_transitive::RULE,
    &peer003_peering_route_missing_return::RULE,
    &peer004_peering_not_active::RULE,
    &reach001_intent_violated::RULE,
    &reach002_intent_undecided::RULE,
    &rt001_route_blackhole::RULE,
    &rt002_route_target_wrong_vpc::RULE,
    &sg001_sg_admin_port_open_to_world::RULE,
    &sg002_sg_references_missing_group::RULE,
    &sub001_subnet_outside_vpc_cidr::RULE,
    &sub002_subnet_cidr_overlap::RULE,
    &sup001_unused_suppression::RULE,
    &tgw001_tgw_attached_vpcs_overlap::RULE,
];

/// Look a rule up by id or name, case-insensitively.
pub fn find(key: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|r| r.meta.id.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key))
}

/// A span of the input with a short text, as shown under the code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Label {
    pub origin: Origin,
    pub text: String,
}

/// One problem found by one rule, on one resource.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    /// Id of the offending resource.
    pub resource: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// The Terraform module the resource is defined in, with its source.
    pub module: Option<String>,
    /// Account and region of the resource, where known: part of its identity.
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Finding {
    /// A fingerprint that survives edits elsewhere in the file: rule, resource identity and what
    /// the primary label says (e.g. which subnet or NACL entry), never a line number.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            self.rule.id,
            self.account.as_deref().unwrap_or(""),
            self.region.as_deref().unwrap_or(""),
            &self.resource,
            &self.primary.text,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    pub fn label(mut self, origin: Origin, text: impl Into<String>) -> Finding {
        self.related.push(Label { origin, text: text.into() });
        self
    }
    /// Name another resource as the offending one (e.g. a Terraform `aws_route` in a table).
    pub fn on(mut self, resource: impl Into<String>) -> Finding {
        self.resource = resource.into();
        self
    }
    pub fn help(mut self, text: impl Into<String>) -> Finding {
        self.help = Some(text.into());
        self
    }
}

/// Where a rule's findings go.
pub struct Sink<'a> {
    rule: &'static RuleMeta,
    findings: &'a mut Vec<Finding>,
    /// `[rules.<ID>]` from the configuration.
    options: Option<&'a toml::Table>,
    intents: &'a Judgements<'a>,
    /// vpclint.toml, when loaded as a source, to place findings about its entries.
    config_file: Option<crate::source::FileId>,
}

impl<'a> Sink<'a> {
    pub fn new(
        rule: &'static RuleMeta,
        findings: &'a mut Vec<Finding>,
        options: Option<&'a toml::Table>,
        intents: &'a Judgements<'a>,
        config_file: Option<crate::source::FileId>,
    ) -> Sink<'a> {
        Sink { rule, findings, options, intents, config_file }
    }

    /// Where vpclint.toml writes `span`, when the file is loaded as a source.
    pub fn in_config(&self, span: &std::ops::Range<usize>) -> Option<Origin> {
        Some(Origin::new(self.config_file?, format!("@{}-{}", span.start, span.end)))
    }

    /// The `[[intent]]` entries of the configuration, judged once for all the rules that read them.
    pub fn intents(&self) -> &'a Judgements<'a> {
        self.intents
    }

    /// The rule's typed options from `[rules.<ID>]` in vpclint.toml (validated when the
    /// configuration was read; the defaults when absent).
    pub fn options<T: serde::de::DeserializeOwned + Default>(&self) -> T {
        self.options.and_then(|o| parse_options(o).ok()).unwrap_or_default()
    }

    /// Start a finding on `resource`, underlining `at` with `label`.
    pub fn finding(
        &self,
        severity: Severity,
        resource: &Meta,
        at: Origin,
        label: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: self.rule,
            severity,
            message: message.into(),
            resource: resource.id.clone(),
            primary: Label { origin: at, text: label.into() },
            related: Vec::new(),
            help: None,
            module: resource.module_source.clone(),
            account: resource.account.clone(),
            region: resource.region.clone(),
        }
    }

    pub fn emit(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

/// The resource a finding on a route is on: the separate resource that defines the route (a
/// Terraform `aws_route`, an `AWS::EC2::Route`), else its table.
pub fn route_resource(table: &RouteTable, route: &Route) -> String {
    route.defined_by.clone().unwrap_or_else(|| table.meta.id.clone())
}

/// Run every rule the configuration selects over the topology, with their options and intents.
/// `config_file` is vpclint.toml loaded as a source, to place findings on its intents.
pub fn run(
    topology: &Topology<'_>,
    config: &crate::config::Config,
    config_file: Option<crate::source::FileId>,
) -> Vec<Finding> {
    run_rules(topology, &config.rules, config, config_file)
}

/// Run `rules` over the topology, with the options and intents of `config`.
pub fn run_rules(
    topology: &Topology<'_>,
    rules: &[&'static Rule],
    config: &crate::config::Config,
    config_file: Option<crate::source::FileId>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let intents = Judgements::new(&config.intents);
    crate::progress::rules_started(rules.len());
    for rule in rules {
        let mut sink = Sink::new(&rule.meta, &mut findings, config.options.get(rule.meta.id), &intents, config_file);
        (rule.check)(topology, &mut sink);
        crate::progress::rule_done();
    }
    findings
}
