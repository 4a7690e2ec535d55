use clap::Parser;
use std::process::ExitCode;

use std::alloc::{GlobalAlloc, Layout};

// Ingest builds and frees millions of small strings and maps; mimalloc does that markedly faster
// than the system allocator (see README, Benchmarks).
#[global_allocator]
static GLOBAL: ExitWhenOutOfMemory = ExitWhenOutOfMemory(mimalloc::MiMalloc);

/// mimalloc, but running out of memory is an input error (exit 2, with a message) rather than the
/// abort Rust's default handler makes of it: an input too large for the machine is the input's
/// fault, and CI must tell it from a crash.
struct ExitWhenOutOfMemory(mimalloc::MiMalloc);

const OUT_OF_MEMORY: &[u8] =
    b"error: out of memory: the inputs need more memory than this machine allows; check fewer \
files at a time, or raise the memory limit\n";

/// Write the message and exit at once: no allocation, no lock (another thread may hold the one
/// on standard error), no destructors.
#[cold]
fn out_of_memory() -> ! {
    // SAFETY: `write` and `_exit` are async-signal-safe and take a static buffer.
    unsafe {
        libc::write(2, OUT_OF_MEMORY.as_ptr().cast(), OUT_OF_MEMORY.len());
        libc::_exit(vpclint::cli::EXIT_ERROR as i32)
    }
}

// SAFETY: every call is passed to mimalloc unchanged; only a null result is acted on (handed
// back where the caller asked to be told, `vpclint::memory::fallible`).
unsafe impl GlobalAlloc for ExitWhenOutOfMemory {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { self.0.alloc(layout) };
        if p.is_null() && !vpclint::memory::allocation_may_fail() {
            out_of_memory()
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if p.is_null() && !vpclint::memory::allocation_may_fail() {
            out_of_memory()
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if p.is_null() && !vpclint::memory::allocation_may_fail() {
            out_of_memory()
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

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
        // Not locked for the whole run: the progress line (src/progress.rs) writes to it from its
        // own thread meanwhile. Standard error is unbuffered, so this costs nothing.
        &mut std::io::stderr(),
        &mut std::io::stdin().lock(),
    );
    ExitCode::from(code)
}
