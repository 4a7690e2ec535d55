//! The CloudFormation loader: the fuzzer's bytes as a YAML template and as a JSON one, so
//! mutations reach the YAML parser, short-form tags, intrinsic evaluation and span lookup.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["template.yaml", "template.json"] {
        let loaded = vpclint::ingest::load_bytes(name, data);
        let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
        // Locating every finding exercises the YAML span outline.
        for f in &findings {
            let _ = loaded.design.sources.get(f.primary.origin.file).span_of(&f.primary.origin.pointer);
        }
    }
});
