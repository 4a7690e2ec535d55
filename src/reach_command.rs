//! `vpclint reach`: can one end reach another on a port, with the forward path, the return path
//! and every blocker. Exit 0 reachable, 1 not reachable or unknown, 2 usage or input error.

use crate::analysis::reach::{self, Answer, Hop, Query};
use crate::cli::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::ingest;
use crate::model::net::Protocol;
use crate::report::{self, Outcome};
use crate::topology::Topology;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ReachArgs {
    /// The inputs, as for `check` (files, directories, `-`). Default: the current directory.
    pub paths: Vec<String>,
    /// Where traffic starts: an instance, network interface or subnet (id or Name tag), an IP
    /// address or CIDR block, or `internet`.
    #[arg(long)]
    pub from: String,
    /// Where it goes (same forms as --from).
    #[arg(long)]
    pub to: String,
    /// The destination port (for tcp and udp).
    #[arg(long)]
    pub port: Option<u16>,
    /// tcp, udp, icmp, all, or a protocol number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// human or json.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReachFormat,
    /// A CloudFormation parameter value, `Key=Value` (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = crate::cli::parse_key_value)]
    pub parameters: Vec<(String, String)>,
    /// A Terraform input variable, `NAME=VALUE` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = crate::cli::parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// A Terraform variable definitions file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// The Terraform root module of the plans given.
    #[arg(long = "terraform-dir", value_name = "DIR")]
    pub terraform_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReachFormat {
    Human,
    Json,
}

pub fn run(
    args: &ReachArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    stdin: &mut dyn std::io::Read,
) -> std::io::Result<u8> {
    let Some(protocol) = Protocol::parse(&args.protocol) else {
        writeln!(stderr, "error: --protocol: `{}` is not tcp, udp, icmp, all or a protocol number", args.protocol)?;
        return Ok(EXIT_ERROR);
    };
    if protocol.has_ports() && args.port.is_none() {
        writeln!(stderr, "error: --port is needed for {}", args.protocol)?;
        return Ok(EXIT_ERROR);
    }
    let inputs = crate::cli::inputs(&args.paths);
    let options = ingest::LoadOptions {
        parameters: args.parameters.clone(),
        terraform: ingest::terraform::hcl::SourceOptions {
            vars: args.vars.clone(),
            var_files: args.var_files.clone(),
            dir: args.terraform_dir.clone(),
        },
        ..ingest::LoadOptions::default()
    };
    let mut loaded = ingest::load_with(&inputs, stdin, &options);
    if !loaded.errors.is_empty() {
        crate::order::sort_errors(&loaded.design.sources, &mut loaded.errors);
        let outcome = Outcome { design: &loaded.design, findings: Vec::new(), errors: loaded.errors };
        stderr.write_all(report::human::render_errors(&outcome, crate::terminal::stderr_style(None)).as_bytes())?;
        return Ok(EXIT_ERROR);
    }
    let topology = Topology::build(&loaded.design);
    let query = Query { from: args.from.clone(), to: args.to.clone(), protocol, port: args.port };
    let answer = match reach::reach(&topology, &query) {
        Ok(a) => a,
        Err(e) => {
            writeln!(stderr, "error: {e}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let text = match args.format {
        ReachFormat::Human => human(&answer, &query),
        ReachFormat::Json => json(&answer, &query),
    };
    stdout.write_all(text.as_bytes())?;
    Ok(if answer.reachable == Some(true) { EXIT_CLEAN } else { EXIT_FINDINGS })
}

fn what(q: &Query) -> String {
    match q.port {
        Some(p) if q.protocol.has_ports() => format!("{} {p}", q.protocol),
        _ => q.protocol.to_string(),
    }
}

fn hops(out: &mut String, title: &str, hops: &[Hop]) {
    if hops.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title}:\n"));
    for (i, h) in hops.iter().enumerate() {
        let name = if h.resource.is_empty() { h.kind.to_string() } else { format!("{} {}", h.kind, h.resource) };
        out.push_str(&format!(
            "  {:>2}. [{}] {name}: {}\n",
            i + 1,
            h.verdict.as_str(),
            crate::diagnostic::printable_line(&h.detail)
        ));
    }
}

/// The answer for a terminal: verdict, forward path, return path, blockers with fixes.
pub fn human(a: &Answer, q: &Query) -> String {
    let verdict = match a.reachable {
        Some(true) => "reachable",
        Some(false) => "not reachable",
        None => "unknown",
    };
    let mut out = format!("{} → {} on {}: {verdict}\n", a.from, a.to, what(q));
    if let Some(from) = &a.admitted_sources {
        out.push_str(&format!("  from {from} only\n"));
    }
    hops(&mut out, "forward path", &a.forward);
    hops(&mut out, "return path", &a.back);
    if !a.blocked_by.is_empty() {
        out.push_str("\nblocked by:\n");
        for b in &a.blocked_by {
            let entry = b.entry.as_deref().map(|e| format!(" (entry {e})")).unwrap_or_default();
            let way = if b.on_return { " on the way back" } else { "" };
            out.push_str(&format!(
                "  {} {}{entry}{way}: {}\n    fix: {}\n",
                b.code.as_str(),
                b.resource,
                b.reason,
                b.code.fix()
            ));
        }
    }
    for u in &a.unknown {
        out.push_str(&format!("\nunknown: {u}\n"));
    }
    for n in &a.assumptions {
        out.push_str(&format!("\nassumed: {n}\n"));
    }
    out
}

fn hop_json(h: &Hop) -> serde_json::Value {
    serde_json::json!({ "resource": h.resource, "kind": h.kind, "verdict": h.verdict.as_str(), "detail": h.detail })
}

/// The answer as JSON: `reachable` (true, false or null), `forward`, `return`, `blocked_by`.
pub fn json(a: &Answer, q: &Query) -> String {
    let value = serde_json::json!({
        "version": 1,
        "from": a.from,
        "to": a.to,
        "protocol": q.protocol.to_string(),
        "port": q.port,
        "reachable": a.reachable,
        "admitted_sources": a.admitted_sources,
        "forward": a.forward.iter().map(hop_json).collect::<Vec<_>>(),
        "return": a.back.iter().map(hop_json).collect::<Vec<_>>(),
        "blocked_by": a.blocked_by.iter().map(|b| serde_json::json!({
            "resource": b.resource, "kind": b.kind, "code": b.code.as_str(), "entry": b.entry,
            "reason": b.reason, "on_return": b.on_return, "fix": b.code.fix(),
        })).collect::<Vec<_>>(),
        "unknown": a.unknown,
        "assumptions": a.assumptions,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
