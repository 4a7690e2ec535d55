//! vpclint: a static linter for AWS network designs.
//!
//! The pipeline is ingest → model → graph → analysis → rules → report; see `DESIGN.md`.

pub mod analysis;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod topology;

use rules::Finding;
use topology::Topology;

/// Run the configured rules over a loaded design, apply severity overrides and suppressions;
/// findings come back in a deterministic order. Use [`check_with`] to see what was suppressed.
pub fn check(design: &model::Design, config: &config::Config) -> Vec<Finding> {
    check_with(design, config, None).0
}

/// [`check`], also returning the suppressed findings. `config_file` is the configuration file
/// loaded into the design's sources, so unused `[[suppress]]` entries can be located.
pub fn check_with(
    design: &model::Design,
    config: &config::Config,
    config_file: Option<source::FileId>,
) -> (Vec<Finding>, Vec<suppress::Suppressed>) {
    let topology = Topology::build(design);
    let findings = rules::run(&topology, &config.rules, &config.options);
    let (mut findings, suppressed) = suppress::apply(design, config, config_file, findings);
    report::sort_findings(&design.sources, &mut findings);
    (findings, suppressed)
}
