//! `vpclint check` on generated organisation-sized estates, phase by phase, next to a bare
//! `serde_json::from_slice::<Value>` over the same bytes; then the whole process (wall time and
//! peak RSS), a pre-commit-sized input, and Terraform plans. Prints Markdown tables (README,
//! "Benchmarks").
//!
//! `cargo bench` runs 10k, 100k and 1M resources; `cargo bench -- 100000` stops at 100k.

#[path = "generator/mod.rs"]
mod generator;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use vpclint::analysis::reach::{self, Query};
use vpclint::config::Config;
use vpclint::ingest::{self, Input};
use vpclint::model::net::Protocol;
use vpclint::report::{Outcome, human, json as json_report};
use vpclint::rules::{self, REGISTRY};
use vpclint::topology::Topology;

// The allocator the binary uses, for the in-process phases and the baseline alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() { files_under(&p, out) } else { out.push(p) }
    }
}

/// Wall time and peak RSS (KB, from `/usr/bin/time`) of one `vpclint check` process.
fn process(args: &[&str]) -> Option<(Duration, u64)> {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    let last = String::from_utf8_lossy(&out.stderr).lines().last()?.to_string();
    let wall = start.elapsed();
    let (_, kb) = last.split_once(' ')?;
    Some((wall, kb.trim().parse().ok()?))
}

/// Scaling exponent between two (size, time) points: 1.0 is linear.
fn exponent(a: (usize, Duration), b: (usize, Duration)) -> f64 {
    (b.1.as_secs_f64() / a.1.as_secs_f64()).ln() / (b.0 as f64 / a.0 as f64).ln()
}

/// Rule families, by id prefix.
const FAMILIES: &[&str] = &["EIP", "LB", "NACL", "NAT", "PEER", "RT", "SG", "SUB", "TGW"];

fn main() {
    // `cargo bench -- <n>` limits the largest scale (in resources).
    let max: usize = std::env::args().skip(1).find_map(|a| a.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let scales: Vec<usize> = [10_000, 100_000, 1_000_000].into_iter().filter(|&n| n <= max).collect();
    let root = std::env::temp_dir().join(format!("vpclint-bench-{}", std::process::id()));
    let config = Config::default();
    let mut phase_rows = Vec::new();
    let mut reach_rows = Vec::new();
    let mut e2e_rows = Vec::new();
    let mut points: Vec<(usize, Duration)> = Vec::new();
    for &n in &scales {
        let dir = root.join(format!("aws-{n}"));
        let written = generator::write_aws(&dir, generator::Scale::for_resources(n)).expect("generate");
        let mb = written.bytes as f64 / 1e6;
        let mut paths = Vec::new();
        files_under(&dir, &mut paths);
        paths.sort();
        let runs = if n >= 1_000_000 { 1 } else { 3 };

        // The baseline: read and parse every file into a `Value`, nothing else.
        let (parse, _) = best_of(runs, || {
            paths
                .iter()
                .map(|p| serde_json::from_slice::<Value>(&std::fs::read(p).expect("read")).map_or(0, |_| 1))
                .sum::<usize>()
        });
        let (ingest_time, loaded) = best_of(runs, || ingest::load(&[Input::Path(dir.clone())], &mut std::io::empty()));
        let design = &loaded.design;
        let resources = design.resource_count();
        let (graph, topology) = best_of(runs, || Topology::build(design));
        let mut family_times = Vec::new();
        for family in FAMILIES {
            let selected: Vec<&'static rules::Rule> = REGISTRY
                .iter()
                .filter(|r| r.meta.id.strip_prefix(family).is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit())))
                .copied()
                .collect();
            let (t, _) = best_of(runs, || rules::run_rules(&topology, &selected, &config, None).len());
            family_times.push((family, t));
        }
        // One reachability query on the loaded estate: the internet to its first instance, and
        // its first subnet to its last (another VPC: peering or nothing).
        let ask = |from: &str, to: &str| {
            let q = Query { from: from.into(), to: to.into(), protocol: Protocol::TCP, port: Some(443) };
            best_of(runs, || reach::reach(&topology, &q).map(|a| a.reachable))
        };
        if let (Some(i), Some(first), Some(last)) =
            (design.instances.first(), design.subnets.first(), design.subnets.last())
        {
            let (inbound, a) = ask("internet", &i.meta.id);
            let (across, b) = ask(&first.meta.id, &last.meta.id);
            reach_rows.push(format!("| {resources} | {} ({a:?}) | {} ({b:?}) |", ms(inbound), ms(across)));
        }
        let (check, findings) = best_of(runs, || vpclint::check(&loaded, &config));
        let outcome = Outcome { design, findings, errors: Vec::new() };
        let (render_json, _) = best_of(runs, || json_report::render(&outcome).len());
        let (render_human, _) = best_of(runs, || {
            human::render_findings(&outcome, human::Style { color: false, width: 120, unicode: true }).len()
        });
        let total = ingest_time + check + render_json;
        points.push((resources, total));
        let families: Vec<String> = family_times.iter().map(|(f, t)| format!("{f} {}", ms(*t))).collect();
        phase_rows.push(format!(
            "| {resources} | {mb:.0} | {} | {} | {} | {} | {} | {} / {} | {} |",
            ms(parse),
            ms(ingest_time),
            ms(graph),
            families.join(", "),
            ms(check),
            ms(render_json),
            ms(render_human),
            outcome.findings.len(),
        ));
        drop(topology);
        drop(outcome);
        drop(loaded);
        let dir_arg = dir.display().to_string();
        let run = (0..runs)
            .filter_map(|_| process(&["check", "--format", "json", "--fail-on", "never", &dir_arg]))
            .min_by_key(|(wall, _)| *wall);
        let (wall, rss) = run.map_or(("n/a".into(), "n/a".into()), |(w, kb)| {
            (ms(w), format!("{:.0} MB ({:.1}x input)", kb as f64 / 1e3, kb as f64 * 1e3 / written.bytes as f64))
        });
        e2e_rows.push(format!(
            "| {resources} | {mb:.0} | {} ({:.0} MB/s) | {} ({:.0} MB/s) | {:.2} | {:.0} | {wall} | {rss} |",
            ms(parse),
            mb / parse.as_secs_f64(),
            ms(total),
            mb / total.as_secs_f64(),
            parse.as_secs_f64() / total.as_secs_f64(),
            resources as f64 / total.as_secs_f64(),
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    println!("### AWS CLI dumps, end to end (in process: load, check, JSON report)\n");
    println!(
        "| resources | MB | bare serde_json parse | vpclint | parse / vpclint | resources/s | process wall | peak RSS |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    e2e_rows.iter().for_each(|r| println!("{r}"));
    for w in points.windows(2) {
        println!("\nscaling exponent {} → {}: {:.2}", w[0].0, w[1].0, exponent(w[0], w[1]));
    }
    println!("\n### Phases (ms)\n");
    println!(
        "| resources | MB | parse (baseline) | ingest | graph | rules by family | check | render JSON / human | findings |"
    );
    println!("|---:|---:|---:|---:|---:|---|---:|---:|---:|");
    phase_rows.iter().for_each(|r| println!("{r}"));

    println!("\n### One reach query after loading (ms)\n");
    println!("| resources | internet → an instance, TCP 443 | a subnet → another VPC's subnet |");
    println!("|---:|---:|---:|");
    reach_rows.iter().for_each(|r| println!("{r}"));

    // A pre-commit run: a small input, the whole process, best of 20.
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/examples/moto-3tier");
    let small = (0..20).filter_map(|_| process(&["check", "--fail-on", "never", fixture])).min();
    if let Some((wall, kb)) = small {
        println!(
            "\npre-commit input (fixtures/examples/moto-3tier): {} ms wall, {:.0} MB peak RSS",
            ms(wall),
            kb as f64 / 1e3
        );
    }

    // Terraform plans at the same scales (up to 100k: one plan per account and region).
    println!("\n### Terraform plans, whole process\n");
    println!("| resources | MB | process wall | peak RSS |");
    println!("|---:|---:|---:|---:|");
    for &n in scales.iter().filter(|&&n| n <= 100_000) {
        let dir = root.join(format!("tf-{n}"));
        let written = generator::write_terraform(&dir, generator::Scale::for_resources(n)).expect("generate");
        let dir_arg = dir.display().to_string();
        if let Some((wall, kb)) = process(&["check", "--format", "json", "--fail-on", "never", &dir_arg]) {
            println!("| ~{n} | {:.0} | {} ms | {:.0} MB |", written.bytes as f64 / 1e6, ms(wall), kb as f64 / 1e3);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    // Terraform sources: one root module, evaluated (for_each, count, locals, functions).
    println!("\n### Terraform sources (.tf), whole process\n");
    println!("| resources | process wall | peak RSS |");
    println!("|---:|---:|---:|");
    for vpcs in [40, 400] {
        let dir = root.join(format!("tf-sources-{vpcs}"));
        let resources = generator::write_terraform_sources(&dir, vpcs).expect("generate");
        let dir_arg = dir.display().to_string();
        if let Some((wall, kb)) = process(&["check", "--format", "json", "--fail-on", "never", &dir_arg]) {
            println!("| {resources} | {} ms | {:.0} MB |", ms(wall), kb as f64 / 1e3);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&root);
}
