use clap::Parser;
use std::process::ExitCode;

// Ingest builds and frees millions of small strings and maps; mimalloc does that markedly faster
// than the system allocator (see README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Each file's parse tree is freed as soon as the file is read, and the next one needs as much
    // again. mimalloc by default hands freed memory back to the system after 10 ms, so every file
    // paid for fresh, zeroed pages: a quarter of the time on a 1M-resource dump. A run is short;
    // keeping the memory costs nothing in peak size.
    // SAFETY: sets a plain integer option; mimalloc reads options at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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
