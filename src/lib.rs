//! vpclint: a static linter for AWS network designs.
//!
//! The pipeline is ingest → model → graph → analysis → rules → report; see `DESIGN.md`.

pub mod analysis;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod ingest;
pub mod manual;
pub mod markdown;
pub mod memory;
pub mod model;
pub mod order;
pub mod progress;
pub mod reach_command;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod terminal;
pub mod topology;

use rules::Finding;
use topology::Topology;

/// Run the configured rules over what a load produced, apply severity overrides and
/// suppressions (the configuration's and the inputs' own); findings come back in a deterministic
/// order. Use [`check_with`] to see what was suppressed.
pub fn check(loaded: &ingest::Loaded, config: &config::Config) -> Vec<Finding> {
    check_with(loaded, config, None).0
}

/// [`check`], also returning the suppressed findings. `config_file` is the configuration file
/// loaded into the design's sources, so unused `[[suppress]]` entries can be located.
pub fn check_with(
    loaded: &ingest::Loaded,
    config: &config::Config,
    config_file: Option<source::FileId>,
) -> (Vec<Finding>, Vec<suppress::Suppressed>) {
    let design = &loaded.design;
    let topology = Topology::build(design);
    let findings = rules::run(&topology, config, config_file);
    let (mut findings, suppressed) = suppress::apply(design, &loaded.suppressions, config, config_file, findings);
    order::sort_findings(&design.sources, &mut findings);
    (findings, suppressed)
}
