//! The command line: `check`, `rules`, `explain`.

use crate::ingest::{self, Input};
use crate::report::{self, Outcome, human::Style};
use crate::rules::{self, REGISTRY, Severity};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "vpclint", version, about = "A static linter for AWS network designs")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check AWS CLI describe-* JSON files or directories (`-` reads standard input).
    Check(CheckArgs),
    /// List every rule: id, name, default severity, summary.
    Rules,
    /// Print the documentation of a rule, by id (PEER001) or name (peering-cidr-overlap).
    Explain {
        /// Rule id or name.
        rule: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check; `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print what was loaded per resource type and what was skipped (to standard error).
    #[arg(long)]
    pub stats: bool,
    /// Never use colours (also off when standard output is not a terminal, or NO_COLOR is set).
    #[arg(long)]
    pub no_color: bool,
}

/// Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage or input error.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write, stdin: &mut dyn std::io::Read) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check(&args, stdout, stderr, stdin),
        Command::Rules => list_rules(stdout).map(|_| EXIT_CLEAN),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => writeln!(stdout, "{}", r.meta.doc.trim_end()).map(|_| EXIT_CLEAN),
            None => writeln!(stderr, "error: unknown rule `{rule}` (see `vpclint rules`)").map(|_| EXIT_ERROR),
        },
    };
    result.unwrap_or(EXIT_ERROR)
}

fn list_rules(out: &mut dyn Write) -> std::io::Result<()> {
    for r in REGISTRY {
        let m = &r.meta;
        writeln!(out, "{:<8} {:<38} {:<8} {}", m.id, m.name, m.severity.as_str(), m.summary)?;
    }
    Ok(())
}

fn check(
    args: &CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    stdin: &mut dyn std::io::Read,
) -> std::io::Result<u8> {
    let inputs: Vec<Input> =
        args.paths.iter().map(|p| if p == "-" { Input::Stdin } else { Input::Path(PathBuf::from(p)) }).collect();
    let mut loaded = ingest::load(&inputs, stdin);
    report::sort_errors(&loaded.design.sources, &mut loaded.errors);
    let findings = crate::check(&loaded.design, REGISTRY);
    let outcome = Outcome { design: &loaded.design, findings, errors: loaded.errors };

    let color = !args.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let style = Style { color, width: 120 };
    let err_style = Style { color: color && std::io::stderr().is_terminal(), width: 120 };
    match args.format {
        Format::Human => stdout.write_all(report::human::render_findings(&outcome, style).as_bytes())?,
        Format::Json => stdout.write_all(report::json::render(&outcome).as_bytes())?,
    }
    if !outcome.errors.is_empty() && args.format == Format::Human {
        stderr.write_all(report::human::render_errors(&outcome, err_style).as_bytes())?;
    } else if !outcome.errors.is_empty() {
        writeln!(stderr, "vpclint: {} input error(s); see `input_errors` in the output", outcome.errors.len())?;
    }
    if args.stats {
        stderr.write_all(report::human::render_stats(&outcome).as_bytes())?;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    Ok(if !outcome.errors.is_empty() {
        EXIT_ERROR
    } else if threshold.is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
