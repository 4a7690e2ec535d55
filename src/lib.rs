//! vpclint: a static linter for AWS network designs.
//!
//! The pipeline is ingest → model → graph → analysis → rules → report; see `DESIGN.md`.

pub mod analysis;
pub mod cli;
pub mod graph;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;

use graph::Topology;
use rules::{Finding, Rule};

/// Run `rules` over a loaded design; findings come back in a deterministic order.
pub fn check(design: &model::Design, rules: &[&'static Rule]) -> Vec<Finding> {
    let topology = Topology::build(design);
    let mut findings = rules::run(&topology, rules);
    report::sort_findings(&design.sources, &mut findings);
    findings
}
