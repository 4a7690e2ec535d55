//! The whole pipeline: bytes → load → topology → every rule → every output format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclint::report::{self, human, Outcome};

fuzz_target!(|data: &[u8]| {
    let mut loaded = vpclint::ingest::load_bytes("input.json", data);
    vpclint::order::sort_errors(&loaded.design.sources, &mut loaded.errors);
    let config = vpclint::config::Config::default();
    let findings = vpclint::check(&loaded, &config);
    let outcome = Outcome { design: &loaded.design, findings, errors: loaded.errors };
    let style = human::Style { color: false, width: 80, unicode: true };
    let _ = human::render_findings(&outcome, style);
    let _ = human::render_errors(&outcome, style);
    let _ = human::render_stats(&outcome);
    let _ = report::json::render(&outcome);
    let _ = report::sarif::render(&outcome);
    let _ = report::github::render(&outcome);
    let _ = report::junit::render(&outcome, &config.rules, config.fail_on.threshold());
    let _ = report::concise::render(&outcome, style, true);
    let _ = vpclint::baseline::render(&outcome.findings);
});
