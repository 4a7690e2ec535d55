//! The command line: `check`, `rules`, `explain`.

use crate::config::{self, Config, FailOn, Overrides};
use crate::ingest::{self, Input};
use crate::report::{self, Outcome, human::Style};
use crate::rules::{self, REGISTRY};
use crate::source::{FileId, SourceFile};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "vpclint", version = env!("VPCLINT_VERSION"), about = "A static linter for AWS network designs")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check AWS CLI describe-* JSON, Terraform sources (.tf) and plan/state JSON, and CloudFormation
    /// templates (files, directories, `-` for stdin).
    Check(Box<CheckArgs>),
    /// List every rule: id, name, default severity, summary.
    Rules,
    /// Print the documentation of a rule, by id (PEER001) or name (peering-cidr-overlap):
    /// rendered for a terminal, plain Markdown when piped.
    Explain {
        /// Rule id or name.
        rule: String,
    },
    /// Can traffic get from one end to another on a port? The forward and return paths hop by
    /// hop, and every blocker (exit 0 reachable, 1 not reachable or unknown, 2 error).
    Reach(Box<crate::reach_command::ReachArgs>),
    /// Print a shell completion script: `vpclint completions bash > /etc/bash_completion.d/vpclint`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `vpclint man > vpclint.1; man ./vpclint.1`.
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    /// One line per finding: `file:line:col: severity[RULE]: message`.
    Concise,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check; `-` for standard input. Default: the current directory.
    pub paths: Vec<String>,
    /// Output format; repeat it to produce several (pair them with --output).
    #[arg(long, value_enum)]
    pub format: Vec<Format>,
    /// Write a format to FILE. The last N formats go to the N --output files in order; the rest
    /// go to standard output (human output is printed too when every format goes to a file).
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Exit with 1 when a finding at or above this severity is reported (overrides `fail-on`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Configuration file (default: vpclint.toml in the current directory or a parent).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Rules to run, by id, name or family prefix (overrides `select`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rules not to run, by id, name or family prefix (adds to `ignore`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report only findings that are not in this baseline file; list the baseline's fixed ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in a baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report suppressions that match no finding (SUP001) [default: on].
    #[arg(long, overrides_with = "no_report_unused_suppressions")]
    pub report_unused_suppressions: bool,
    /// Do not report suppressions that match no finding.
    #[arg(long)]
    pub no_report_unused_suppressions: bool,
    /// A CloudFormation parameter value, `Key=Value` (repeatable); wins over the template's
    /// `Default`. Pseudo parameters too: `--parameter AWS::Region=eu-west-1`.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub parameters: Vec<(String, String)>,
    /// A Terraform input variable for `.tf` sources, `NAME=VALUE` (repeatable); wins over
    /// `terraform.tfvars`, `*.auto.tfvars` and `--var-file`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// A Terraform variables file for `.tf` sources (repeatable; after the automatic ones).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// The Terraform root module (`.tf` sources) of the plans checked, when it is not the plans'
    /// own directory: diagnostics then point at its `.tf` lines.
    #[arg(long = "terraform-dir", value_name = "DIR")]
    pub terraform_dir: Option<PathBuf>,
    /// Follow symbolic links that point out of the checked directories (not followed by default,
    /// so a link to a secret is never read).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Refuse input files larger than this many bytes (suffixes K, M, G) [default: 512M].
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Leave out of directory walks what matches this gitignore-style glob (repeatable), relative
    /// to the current directory; adds to `exclude` in vpclint.toml. Files named on the command
    /// line are always read.
    #[arg(long, value_name = "GLOB", value_parser = parse_exclude)]
    pub exclude: Vec<String>,
    /// Walk directories without honouring .gitignore, .ignore and git's exclude files (exclude
    /// globs still apply).
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files in no supported format without an error (for pre-commit, which passes every
    /// JSON/YAML file it sees).
    #[arg(long)]
    pub skip_unrecognised: bool,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the number of findings per rule (to standard error).
    #[arg(long)]
    pub statistics: bool,
    /// Print what was loaded per resource type and what was skipped (to standard error).
    #[arg(long)]
    pub stats: bool,
    /// When to use colours [default: auto: on a terminal, unless NO_COLOR is set or TERM=dumb;
    /// CLICOLOR_FORCE=1 forces them].
    #[arg(long, value_enum)]
    pub color: Option<ColorArg>,
    /// Never use colours (same as --color never).
    #[arg(long)]
    pub no_color: bool,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let n: u64 = digits.parse().map_err(|_| format!("expected a number of bytes, found `{s}`"))?;
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("unknown size unit in `{s}` (K, M or G)")),
    };
    n.checked_mul(scale).ok_or_else(|| format!("`{s}` is too large"))
}

fn parse_exclude(s: &str) -> Result<String, String> {
    ingest::invalid_glob(s).map_or_else(|| Ok(s.to_string()), |why| Err(format!("not a valid glob: {why}")))
}

/// The exclude globs of the configuration file, relative to its directory, and of the command
/// line, relative to the current directory.
fn exclude_globs(args: &CheckArgs, config: &Config) -> Vec<ingest::ExcludeGlobs> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config_dir = config.path.as_deref().and_then(std::path::Path::parent).map(|d| cwd.join(d));
    let from_file = config_dir.map(|base| ingest::ExcludeGlobs { base, globs: config.exclude.clone() });
    from_file.into_iter().chain([ingest::ExcludeGlobs { base: cwd, globs: args.exclude.clone() }]).collect()
}

/// `KEY=VALUE`, as `--parameter` and `--var` take it.
pub(crate) fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, found `{s}`")),
    }
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
            Some(r) => explain(r.meta.doc, stdout).map(|_| EXIT_CLEAN),
            None => writeln!(stderr, "error: unknown rule `{rule}` (see `vpclint rules`)").map(|_| EXIT_ERROR),
        },
        Command::Reach(args) => crate::reach_command::run(&args, stdout, stderr, stdin),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "vpclint", stdout);
            Ok(EXIT_CLEAN)
        }
        Command::Man => crate::manual::render(<Cli as clap::CommandFactory>::command(), stdout).map(|_| EXIT_CLEAN),
    };
    result.unwrap_or(EXIT_ERROR)
}

/// A rule's documentation: Markdown as written when piped, rendered when standard output is a
/// terminal.
fn explain(doc: &str, out: &mut dyn Write) -> std::io::Result<()> {
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        // Prose is read more easily in lines no longer than a hundred columns.
        let style = crate::terminal::stdout_style(None);
        let style = crate::terminal::Style { width: style.width.min(100), ..style };
        out.write_all(crate::markdown::render(doc, style).as_bytes())
    } else {
        writeln!(out, "{}", doc.trim_end())
    }
}

fn list_rules(out: &mut dyn Write) -> std::io::Result<()> {
    for r in REGISTRY {
        let m = &r.meta;
        writeln!(out, "{:<8} {:<38} {:<8} {}", m.id, m.name, m.severity.as_str(), m.summary)?;
    }
    Ok(())
}

/// Where each requested format goes: `None` is standard output.
fn destinations(args: &CheckArgs) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    let mut formats = args.format.clone();
    if formats.is_empty() {
        formats.push(Format::Human);
    }
    if args.output.len() > formats.len() {
        return Err(format!("{} --output file(s) but only {} --format(s)", args.output.len(), formats.len()));
    }
    let first_file = formats.len() - args.output.len();
    let mut out: Vec<(Format, Option<PathBuf>)> = formats
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, (i >= first_file).then(|| args.output[i - first_file].clone())))
        .collect();
    let to_stdout = out.iter().filter(|(_, d)| d.is_none()).count();
    if to_stdout > 1 {
        return Err("only one format can go to standard output: give the others an --output file".into());
    }
    if to_stdout == 0 {
        out.insert(0, (Format::Human, None));
    }
    Ok(out)
}

/// With `--format json` on standard output, a usage or configuration error is a JSON document
/// too (no findings, the error among the input errors), so a pipeline reading it always can.
fn usage_error_as_json(args: &CheckArgs, message: &str, stdout: &mut dyn Write) -> std::io::Result<()> {
    let wants_json = destinations(args).is_ok_and(|d| d.iter().any(|(f, to)| *f == Format::Json && to.is_none()));
    if !wants_json {
        return Ok(());
    }
    let plain: String = message.chars().filter(|c| !c.is_control()).collect();
    let error = crate::diagnostic::InputError {
        file: None,
        path: args.config.as_ref().map_or("vpclint".to_string(), |p| p.display().to_string()),
        location: crate::diagnostic::ErrorLocation::None,
        message: plain.trim().trim_start_matches("error: ").to_string(),
        help: None,
    };
    let design = crate::model::Design::default();
    let outcome = Outcome { design: &design, findings: Vec::new(), errors: vec![error] };
    stdout.write_all(report::json::render(&outcome).as_bytes())
}

fn config_error(e: &config::ConfigError, style: Style) -> String {
    let name = e.path.as_ref().map_or("vpclint.toml".to_string(), |p| p.display().to_string());
    match (&e.text, &e.span) {
        (Some(text), Some(span)) => {
            let file = SourceFile::new(name.clone(), None, text.clone());
            let (line, col) = file.line_col(span.start);
            report::human::render_message(
                style,
                &format!("{name}:{line}:{col}: {}", e.message),
                Some((name, text.clone(), span.clone())),
            )
        }
        _ => match e.flag {
            Some(flag) => format!("error: {flag}: {}\n", e.message),
            None => format!("error: {name}: {}\n", e.message),
        },
    }
}

/// What a check is set up with before any input is read: a mistake in any of it is a usage
/// error, reported before the (possibly long) load.
struct Setup {
    /// Standard output's style, and standard error's, which may be a terminal when standard
    /// output is not.
    style: Style,
    err_style: Style,
    destinations: Vec<(Format, Option<PathBuf>)>,
    config: Config,
    baseline: Option<Vec<crate::baseline::Entry>>,
}

fn check(
    args: &CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    stdin: &mut dyn std::io::Read,
) -> std::io::Result<u8> {
    let setup = match setup(args) {
        Ok(s) => s,
        Err(e) => {
            stderr.write_all(e.rendered.as_bytes())?;
            usage_error_as_json(args, &e.message, stdout)?;
            return Ok(EXIT_ERROR);
        }
    };
    let progress = crate::progress::Progress::start(setup.err_style.unicode);
    let (loaded, config_file) = load(args, &setup.config, stdin);
    let (mut findings, suppressed) = crate::check_with(&loaded, &setup.config, config_file);
    drop(progress);

    if let Some(path) = &args.write_baseline {
        std::fs::write(path, crate::baseline::render(&findings))?;
        writeln!(stderr, "vpclint: recorded {} finding(s) in {}", findings.len(), path.display())?;
        return Ok(if loaded.errors.is_empty() { EXIT_CLEAN } else { EXIT_ERROR });
    }
    let mut baseline_note = None;
    if let Some(b) = &setup.baseline {
        let (kept, known, fixed) = crate::baseline::apply(findings, b);
        findings = kept;
        baseline_note = Some((known, fixed));
    }

    let outcome = Outcome { design: &loaded.design, findings, errors: loaded.errors };
    if !write_reports(args, &setup, &outcome, stdout, stderr)? {
        return Ok(EXIT_ERROR);
    }
    write_notes(args, &setup, &outcome, baseline_note, suppressed.len(), stderr)?;
    let code = exit_code(&setup.config, &outcome);
    // Freeing a large design takes a noticeable share of a run; the process can exit meanwhile.
    drop(outcome);
    std::thread::spawn(move || drop(loaded.design));
    Ok(code)
}

/// A setup that is wrong: what to print on standard error, and the message alone.
struct SetupError {
    rendered: String,
    message: String,
}

impl From<String> for SetupError {
    fn from(rendered: String) -> SetupError {
        let message = rendered.trim().trim_start_matches("error: ").to_string();
        SetupError { rendered, message }
    }
}

/// The setup, or what is wrong with it.
fn setup(args: &CheckArgs) -> Result<Setup, SetupError> {
    let color = match (args.no_color, args.color) {
        (true, _) | (_, Some(ColorArg::Never)) => Some(false),
        (_, Some(ColorArg::Always)) => Some(true),
        _ => None,
    };
    let (style, err_style) = (crate::terminal::stdout_style(color), crate::terminal::stderr_style(color));
    let destinations = destinations(args).map_err(|e| format!("error: {e}\n"))?;
    let config = Config::load(args.config.as_deref(), &overrides(args))
        .map_err(|e| SetupError { rendered: config_error(&e, err_style), message: e.message.clone() })?;
    let baseline = match &args.baseline {
        None => None,
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| e.to_string())
                .and_then(|t| crate::baseline::parse(&t))
                .map_err(|e| format!("error: baseline {}: {e}\n", p.display()))?,
        ),
    };
    Ok(Setup { style, err_style, destinations, config, baseline })
}

/// The flags that override the configuration file.
fn overrides(args: &CheckArgs) -> Overrides {
    Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(|f| match f {
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Info => FailOn::Info,
            FailOnArg::Never => FailOn::Never,
        }),
        report_unused_suppressions: if args.no_report_unused_suppressions {
            Some(false)
        } else if args.report_unused_suppressions {
            Some(true)
        } else {
            None
        },
    }
}

/// Read the inputs, errors in report order. The configuration file joins the sources when it
/// has `[[suppress]]` entries, so that unused ones can be located in it.
/// The inputs the paths of a command name: `-` is standard input; none is the current directory.
pub(crate) fn inputs(paths: &[String]) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Path(PathBuf::from("."))];
    }
    paths.iter().map(|p| if p == "-" { Input::Stdin } else { Input::Path(PathBuf::from(p)) }).collect()
}

fn load(args: &CheckArgs, config: &Config, stdin: &mut dyn std::io::Read) -> (ingest::Loaded, Option<FileId>) {
    let inputs = inputs(&args.paths);
    let options = ingest::LoadOptions {
        parameters: args.parameters.clone(),
        follow_symlinks: args.follow_symlinks,
        max_file_size: args.max_file_size,
        no_ignore: args.no_ignore,
        exclude: exclude_globs(args, config),
        terraform: ingest::terraform::hcl::SourceOptions {
            vars: args.vars.clone(),
            var_files: args.var_files.clone(),
            dir: args.terraform_dir.clone(),
        },
    };
    let mut loaded = ingest::load_with(&inputs, stdin, &options);
    if args.skip_unrecognised {
        loaded.errors.retain(|e| !e.message.starts_with(ingest::NO_AWS_RESOURCES));
    }
    let config_file = match (&config.path, config.suppress.is_empty() && config.intents.is_empty()) {
        (Some(p), false) => std::fs::read_to_string(p)
            .ok()
            .map(|text| loaded.design.sources.add(SourceFile::new(p.display().to_string(), Some(p.clone()), text))),
        _ => None,
    };
    crate::order::sort_errors(&loaded.design.sources, &mut loaded.errors);
    (loaded, config_file)
}

/// Write each format to its destination; `false` when a file could not be written (the error
/// is printed).
fn write_reports(
    args: &CheckArgs,
    setup: &Setup,
    outcome: &Outcome<'_>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> std::io::Result<bool> {
    for (format, dest) in &setup.destinations {
        let text = render(args, setup, outcome, *format, dest.is_some());
        match dest {
            None => stdout.write_all(text.as_bytes())?,
            Some(path) => {
                if let Err(e) = std::fs::write(path, text) {
                    writeln!(stderr, "error: cannot write {}: {e}", path.display())?;
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

fn render(args: &CheckArgs, setup: &Setup, outcome: &Outcome<'_>, format: Format, to_file: bool) -> String {
    match format {
        Format::Human => {
            let mut t = report::human::render_findings(outcome, if to_file { file_style(setup) } else { setup.style });
            if args.quiet {
                t = t.lines().filter(|l| !l.starts_with("Found ")).map(|l| format!("{l}\n")).collect();
            }
            t
        }
        Format::Json => report::json::render(outcome),
        Format::Sarif => report::sarif::render(outcome),
        Format::Github => report::github::render(outcome),
        Format::Junit => report::junit::render(outcome, &setup.config.rules, setup.config.fail_on.threshold()),
        Format::Concise => {
            report::concise::render(outcome, if to_file { file_style(setup) } else { setup.style }, !args.quiet)
        }
    }
}

/// A report written to a file: no colours, the fixed width.
fn file_style(setup: &Setup) -> Style {
    Style { color: false, width: crate::terminal::PIPED_WIDTH, ..setup.style }
}

/// What follows the reports on standard error: input errors (in full only when the human
/// report is on the terminal), the baseline's known and fixed findings, statistics.
fn write_notes(
    args: &CheckArgs,
    setup: &Setup,
    outcome: &Outcome<'_>,
    baseline_note: Option<(usize, Vec<crate::baseline::Entry>)>,
    suppressed: usize,
    stderr: &mut dyn Write,
) -> std::io::Result<()> {
    let human_on_stdout = setup.destinations.iter().any(|(f, d)| *f == Format::Human && d.is_none());
    if !outcome.errors.is_empty() {
        if human_on_stdout {
            stderr.write_all(report::human::render_errors(outcome, setup.err_style).as_bytes())?;
        } else {
            writeln!(stderr, "vpclint: {} input error(s); see the report", outcome.errors.len())?;
        }
    }
    if let Some((known, fixed)) = &baseline_note
        && !args.quiet
    {
        writeln!(stderr, "vpclint: {known} finding(s) already in the baseline; {} fixed since:", fixed.len())?;
        for e in fixed {
            let line = format!("  fixed: {} {} — {}", e.rule, e.resource, e.message);
            writeln!(stderr, "{}", setup.err_style.text(&line))?;
        }
    }
    if suppressed > 0 && args.statistics {
        writeln!(stderr, "{suppressed} finding(s) suppressed")?;
    }
    if args.statistics {
        stderr.write_all(report::human::render_statistics(outcome).as_bytes())?;
    }
    if args.stats {
        stderr.write_all(report::human::render_stats(outcome).as_bytes())?;
    }
    Ok(())
}

fn exit_code(config: &Config, outcome: &Outcome<'_>) -> u8 {
    if !outcome.errors.is_empty() {
        EXIT_ERROR
    } else if config.fail_on.threshold().is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
