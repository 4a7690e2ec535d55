//! The Terraform sources reader: the fuzzer's bytes as a root module's `main.tf`, so mutations
//! reach the HCL parser, the evaluator (expressions, functions, `count`, `for_each`) and the
//! span outline. The module lives in a per-process directory under the temporary directory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclint::ingest::{Input, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("vpclint-fuzz-tf-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() || std::fs::write(dir.join("main.tf"), data).is_err() {
        return;
    }
    let loaded = vpclint::ingest::load_with(&[Input::Path(dir)], &mut std::io::empty(), &LoadOptions::default());
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    for f in &findings {
        let _ = loaded.design.sources.get(f.primary.origin.file).span_of(&f.primary.origin.pointer);
    }
});
