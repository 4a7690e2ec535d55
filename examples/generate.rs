//! Write a synthetic AWS estate for benchmarks and manual runs:
//!
//! ```text
//! cargo run --release --example generate -- aws 100000 /tmp/estate-100k
//! cargo run --release --example generate -- terraform 10000 /tmp/plans-10k
//! cargo run --release --example generate -- tf-sources 10000 /tmp/root-module-10k
//! ```
//!
//! The output is deterministic: the same format and size give byte-identical files.

#[path = "../benches/generator/mod.rs"]
mod generator;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(format), Some(Ok(resources)), Some(dir)) =
        (args.first(), args.get(1).map(|n| n.replace('_', "").parse::<usize>()), args.get(2))
    else {
        eprintln!("usage: generate aws|terraform|tf-sources RESOURCES DIR");
        std::process::exit(2);
    };
    if format == "tf-sources" {
        // About 26 resources per VPC.
        match generator::write_terraform_sources(&PathBuf::from(dir), resources.div_ceil(26).max(1)) {
            Ok(n) => eprintln!("a root module of {n} resource instances in {dir}"),
            Err(e) => {
                eprintln!("cannot write {dir}: {e}");
                std::process::exit(2);
            }
        }
        return;
    }
    let scale = generator::Scale::for_resources(resources);
    let dir = PathBuf::from(dir);
    let written = match format.as_str() {
        "aws" => generator::write_aws(&dir, scale),
        "terraform" => generator::write_terraform(&dir, scale),
        other => {
            eprintln!("unknown format {other}: aws, terraform or tf-sources");
            std::process::exit(2);
        }
    };
    match written {
        Ok(w) => eprintln!(
            "{} accounts x {} regions x {} VPCs: {} files, {:.1} MB in {}",
            scale.accounts,
            scale.regions,
            scale.vpcs_per_region,
            w.files,
            w.bytes as f64 / 1e6,
            dir.display()
        ),
        Err(e) => {
            eprintln!("cannot write {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
}
