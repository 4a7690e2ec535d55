//! The AWS CLI loader on arbitrary bytes: never panics, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = vpclint::ingest::load_bytes("fuzz.json", data);
    // Every error must be locatable without panicking.
    for e in &loaded.errors {
        let _ = vpclint::report::locate_error(&loaded.design.sources, e);
    }
});
