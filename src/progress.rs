//! What a long run is doing, shown on standard error while it runs: files read, resources
//! modelled, rules run.
//!
//! The pipeline counts into process-wide atomics (a relaxed add per file or rule, nothing per
//! resource); the command line draws them from a thread of its own, with indicatif, only when
//! standard error is a terminal and only once the run has lasted about a second, so short runs
//! (a pre-commit hook) and machine formats never see it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

static FILES_FOUND: AtomicUsize = AtomicUsize::new(0);
static FILES_READ: AtomicUsize = AtomicUsize::new(0);
static RESOURCES: AtomicUsize = AtomicUsize::new(0);
static RULES_TOTAL: AtomicUsize = AtomicUsize::new(0);
static RULES_DONE: AtomicUsize = AtomicUsize::new(0);

/// Directory walks found `n` more files to read.
pub fn files_found(n: usize) {
    FILES_FOUND.fetch_add(n, Relaxed);
}

/// One more file was read and modelled; the design now holds `resources` resources.
pub fn file_read(resources: usize) {
    FILES_READ.fetch_add(1, Relaxed);
    RESOURCES.store(resources, Relaxed);
}

/// The rules are about to run.
pub fn rules_started(n: usize) {
    RULES_TOTAL.store(n, Relaxed);
    RULES_DONE.store(0, Relaxed);
}

/// One more rule has run.
pub fn rule_done() {
    RULES_DONE.fetch_add(1, Relaxed);
}

/// The line shown for the counts as they are.
fn message() -> String {
    let (found, read, resources) = (FILES_FOUND.load(Relaxed), FILES_READ.load(Relaxed), RESOURCES.load(Relaxed));
    let (total, done) = (RULES_TOTAL.load(Relaxed), RULES_DONE.load(Relaxed));
    let files = format!("read {read}/{} files, {resources} resources", found.max(read));
    if total == 0 { files } else { format!("{files}; rules {done}/{total}") }
}

/// The progress line, drawn while it lives.
pub struct Progress {
    stop: std::sync::Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How long a run goes on before its progress is shown: `VPCLINT_PROGRESS_AFTER_MS` (for tests
/// of the display itself), else a second.
fn delay() -> Duration {
    let ms = std::env::var("VPCLINT_PROGRESS_AFTER_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    Duration::from_millis(ms)
}

impl Progress {
    /// Start drawing, if standard error is a terminal; `unicode`: the spinner may use Braille.
    pub fn start(unicode: bool) -> Progress {
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return Progress { stop, thread: None };
        }
        let flag = stop.clone();
        let thread = std::thread::spawn(move || draw_until(&flag, unicode));
        Progress { stop, thread: Some(thread) }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// Wait out the delay, then draw every tenth of a second until told to stop; the line is
/// cleared at the end, so what follows is printed as if it had never been there.
fn draw_until(stop: &AtomicBool, unicode: bool) {
    let started = std::time::Instant::now();
    let delay = delay();
    while let Some(left) = delay.checked_sub(started.elapsed()).filter(|d| !d.is_zero()) {
        if stop.load(Relaxed) {
            return;
        }
        std::thread::park_timeout(left);
    }
    // With no delay (a test of the display), the line is drawn at least once however soon the
    // run ends.
    if stop.load(Relaxed) && !delay.is_zero() {
        return;
    }
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    let ticks: &[&str] = if unicode {
        &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", " "]
    } else {
        &["-", "\\", "|", "/", " "]
    };
    let style = indicatif::ProgressStyle::with_template("{spinner} vpclint: {msg} ({elapsed})")
        .map(|s| s.tick_strings(ticks))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    bar.set_style(style);
    loop {
        bar.set_message(message());
        bar.tick();
        if stop.load(Relaxed) {
            break;
        }
        std::thread::park_timeout(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}
