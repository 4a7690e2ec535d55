use clap::Parser;
use std::process::ExitCode;

// Ingest builds and frees millions of small strings and maps; mimalloc does that markedly faster
// than the system allocator (see README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match vpclint::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; everything else clap reports is a usage error.
            return ExitCode::from(if e.use_stderr() { vpclint::cli::EXIT_ERROR } else { vpclint::cli::EXIT_CLEAN });
        }
    };
    let code = vpclint::cli::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
        &mut std::io::stdin().lock(),
    );
    ExitCode::from(code)
}
