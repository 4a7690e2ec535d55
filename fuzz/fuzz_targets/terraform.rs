//! The Terraform loader: the fuzzer's bytes become a plan's `planned_values`, `resource_changes` and
//! `configuration` (when they parse as JSON), so mutations reach the reference resolution.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = vpclint::ingest::load_bytes("plan.json", data);
    let _ = vpclint::check(&loaded, &vpclint::config::Config::default());
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        // The same value placed where a plan keeps each part.
        for key in ["planned_values", "resource_changes", "configuration", "prior_state", "values"] {
            let doc = serde_json::json!({ "format_version": "1.2", key: v.clone() });
            let bytes = serde_json::to_vec(&doc).unwrap_or_default();
            let loaded = vpclint::ingest::load_bytes("plan.json", &bytes);
            let _ = vpclint::check(&loaded, &vpclint::config::Config::default());
        }
    }
});
