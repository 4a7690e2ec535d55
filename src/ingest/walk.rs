//! Walking a directory named on the command line with the `ignore` crate (ripgrep's walker): it
//! honours `.gitignore` (in a git repository or not), `.ignore`, `.git/info/exclude` and the
//! global git excludes, unless `--no-ignore`; the `exclude` globs always apply. vpclint's own
//! policy comes on top: hidden entries skipped, symbolic links out of the checked directory not
//! followed unless asked, each directory walked once, regular files only.

use super::discover::{has_input_extension, skip};
use super::{Loaded, whole_file_error};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Gitignore-style globs that keep entries out of directory walks, matched against paths
/// relative to `base` (a glob without a `/` matches a name at any depth).
#[derive(Clone, Debug, Default)]
pub struct ExcludeGlobs {
    pub base: PathBuf,
    pub globs: Vec<String>,
}

/// Why `glob` is not a valid exclude glob, if it is not.
pub fn invalid_glob(glob: &str) -> Option<String> {
    glob_builder(Path::new("/")).add_line(None, glob).err().map(|e| reason(&e))
}

/// Unlike git, which reads an unclosed `[` as itself, an exclude glob with one is refused: it is
/// far more often a mistake.
fn glob_builder(base: &Path) -> GitignoreBuilder {
    let mut builder = GitignoreBuilder::new(base);
    builder.allow_unclosed_class(false);
    builder
}

/// The exclude globs compiled: one matcher per base directory, so that a `!` re-includes only
/// what its own list excludes.
#[derive(Clone, Debug, Default)]
pub(super) struct Exclude(Vec<Gitignore>);

impl Exclude {
    pub(super) fn compile(sets: &[ExcludeGlobs]) -> Result<Exclude, String> {
        let mut matchers = Vec::new();
        for set in sets.iter().filter(|s| !s.globs.is_empty()) {
            let base = if set.base.as_os_str().is_empty() { Path::new(".") } else { &set.base };
            // Compared with the resolved path of the walked entries (see `Policy::logical`).
            let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
            let mut builder = glob_builder(&base);
            for glob in &set.globs {
                builder.add_line(None, glob).map_err(|e| format!("`{glob}` is not a valid glob: {}", reason(&e)))?;
            }
            matchers.push(builder.build().map_err(|e| reason(&e))?);
        }
        Ok(Exclude(matchers))
    }

    fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        self.0.iter().any(|m| m.matched(path, is_dir).is_ignore())
    }
}

/// How one input is walked.
pub(super) struct Walk {
    /// The input as the user named it, resolved: what a symbolic link may point into.
    root: PathBuf,
    follow_symlinks: bool,
    no_ignore: bool,
    exclude: Arc<Exclude>,
}

impl Walk {
    pub(super) fn new(input: &Path, options: &super::LoadOptions, exclude: &Arc<Exclude>) -> Walk {
        let root = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
        Walk { root, follow_symlinks: options.follow_symlinks, no_ignore: options.no_ignore, exclude: exclude.clone() }
    }
}

/// The largest ignore file read: real ones are a few kilobytes; this bounds a hostile one.
const MAX_IGNORE_FILE_SIZE: u64 = 1 << 20;

/// What the walk decided about the entries it met, kept across the filter the walker calls.
#[derive(Default)]
struct Verdicts {
    /// Directories already walked (canonical paths), against symbolic link loops.
    visited: HashSet<PathBuf>,
    /// Entries (hidden ones aside) that the ignore rules let through: what they kept out is the
    /// rest of what the walked directories list.
    passed: usize,
    excluded: usize,
    skipped: Vec<(String, String)>,
}

/// The decisions on each entry the ignore rules let through, made before the walker descends.
struct Policy {
    input: PathBuf,
    root: PathBuf,
    follow_symlinks: bool,
    read_ignore_files: bool,
    exclude: Arc<Exclude>,
}

impl Policy {
    /// The entry's path below the resolved root, which is what exclude globs are matched with.
    fn logical(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.input).map_or_else(|_| path.to_path_buf(), |rel| self.root.join(rel))
    }

    fn admits(&self, entry: &ignore::DirEntry, verdicts: &mut Verdicts) -> bool {
        if is_hidden(entry.path()) {
            return false;
        }
        verdicts.passed += 1;
        let path = entry.path();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if self.exclude.excludes(&self.logical(path), is_dir) {
            verdicts.excluded += 1;
            return false;
        }
        let note = |verdicts: &mut Verdicts, why: String| verdicts.skipped.push((path.display().to_string(), why));
        if entry.path_is_symlink() && !self.follow_symlinks && !self.inside_root(path) {
            note(verdicts, LINK_OUT.to_string());
            return false;
        }
        if !is_dir {
            return true;
        }
        if !verdicts.visited.insert(canonical(path)) {
            note(verdicts, "directory already visited (symbolic link)".to_string());
            return false;
        }
        if let Some(why) = self.read_ignore_files.then(|| unreadable_ignore_file(path)).flatten() {
            note(verdicts, format!("directory not walked: {why} (--no-ignore walks it)"));
            return false;
        }
        true
    }

    fn inside_root(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|t| t.starts_with(&self.root))
    }
}

const LINK_OUT: &str = "symbolic link out of the checked directory: not followed (--follow-symlinks follows it)";

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
}

fn lock(verdicts: &Mutex<Verdicts>) -> std::sync::MutexGuard<'_, Verdicts> {
    verdicts.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An ignore file of `dir` the walker would open but must not: one that is not a regular file
/// (a FIFO blocks, a device never ends) or that is too large.
fn unreadable_ignore_file(dir: &Path) -> Option<String> {
    let git = dir.join(".git");
    let git_is_dir = std::fs::metadata(&git).is_ok_and(|m| m.is_dir());
    let candidates =
        [dir.join(".gitignore"), dir.join(".ignore"), if git_is_dir { git.join("info").join("exclude") } else { git }];
    candidates.into_iter().find_map(|path| {
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() {
            Some(format!("{} is not a regular file (a FIFO, socket or device)", path.display()))
        } else if meta.len() > MAX_IGNORE_FILE_SIZE {
            Some(format!("{} is too large for an ignore file ({} bytes)", path.display(), meta.len()))
        } else {
            None
        }
    })
}

/// Collect the input files below the directory `dir`, which the user named.
pub(super) fn walk_dir(dir: &Path, walk: &Walk, files: &mut Vec<PathBuf>, loaded: &mut Loaded) {
    if loaded.visited_dirs.contains(&canonical(dir)) {
        skip(loaded, dir, "directory already visited (symbolic link)");
        return;
    }
    let read_ignore_files = !walk.no_ignore;
    if read_ignore_files && let Some(why) = unreadable_ignore_file(dir) {
        let mut error = whole_file_error(&dir.display().to_string(), format!("cannot walk the directory: {why}"));
        error.help = Some("remove it, or run with --no-ignore".into());
        loaded.errors.push(error);
        return;
    }
    loaded.visited_dirs.insert(canonical(dir));
    let first_note = loaded.design.stats.files_skipped.len();
    // The ignore files above the directory are read too, unless one of them must not be.
    let hostile_parent =
        if read_ignore_files { walk.root.ancestors().skip(1).find_map(unreadable_ignore_file) } else { None };
    if let Some(why) = &hostile_parent {
        skip(loaded, dir, &format!("the ignore files of the directories above it are not read: {why}"));
    }
    let policy = Policy {
        input: dir.to_path_buf(),
        root: walk.root.clone(),
        follow_symlinks: walk.follow_symlinks,
        read_ignore_files,
        exclude: walk.exclude.clone(),
    };
    let verdicts =
        Arc::new(Mutex::new(Verdicts { visited: std::mem::take(&mut loaded.visited_dirs), ..Verdicts::default() }));
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(read_ignore_files)
        .parents(read_ignore_files && hostile_parent.is_none())
        .require_git(false)
        // Hidden entries are vpclint's own rule, whatever an ignore file re-includes.
        .hidden(false)
        .follow_links(true)
        .sort_by_file_name(Ord::cmp);
    let shared = verdicts.clone();
    builder.filter_entry(move |entry| policy.admits(entry, &mut lock(&shared)));
    let mut listed = 0;
    for result in builder.build() {
        match result {
            Ok(entry) => listed += found(&entry, files, loaded),
            Err(e) => walk_error(&e, walk, &mut lock(&verdicts), loaded),
        }
    }
    let verdicts = std::mem::take(&mut *lock(&verdicts));
    loaded.visited_dirs = verdicts.visited;
    loaded.design.stats.files_skipped.extend(verdicts.skipped);
    // The walker's filter notes some entries, the loop others: in path order, they read as one list.
    loaded.design.stats.files_skipped[first_note..].sort();
    loaded.design.stats.excluded += verdicts.excluded;
    loaded.design.stats.ignored += listed.saturating_sub(verdicts.passed);
}

/// Take an entry the walk let through; for a directory, how many entries (hidden ones aside) it
/// lists.
fn found(entry: &ignore::DirEntry, files: &mut Vec<PathBuf>, loaded: &mut Loaded) -> usize {
    let path = entry.path();
    if let Some(e) = entry.error() {
        ignore_file_notes(e, loaded);
    }
    match entry.file_type() {
        Some(t) if t.is_dir() => listed_entries(path),
        Some(t) if t.is_file() => {
            if has_input_extension(path) {
                files.push(path.to_path_buf());
            } else {
                skip(loaded, path, "not a .json, .yaml, .yml, .template or .tf file");
            }
            0
        }
        // A FIFO would block, a device never end.
        _ => {
            skip(loaded, path, "not a regular file (a FIFO, socket or device)");
            0
        }
    }
}

fn listed_entries(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).filter(|e| !is_hidden(Path::new(&e.file_name()))).count())
        .unwrap_or(0)
}

/// An error the walker met: a loop through a symbolic link, a link to nothing, an entry or a
/// directory that cannot be read, an ignore file not fully understood.
fn walk_error(e: &ignore::Error, walk: &Walk, verdicts: &mut Verdicts, loaded: &mut Loaded) {
    let (path, inner) = innermost(e);
    match (path, inner) {
        (_, ignore::Error::Loop { child, .. }) if !is_hidden(child) => {
            verdicts.passed += 1;
            verdicts.skipped.push((child.display().to_string(), "directory already visited (symbolic link)".into()));
        }
        (Some(path), ignore::Error::Io(io)) if !is_hidden(path) => {
            let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                let message = format!("cannot list directory: {io}");
                loaded.errors.push(whole_file_error(&path.display().to_string(), message));
                return;
            }
            verdicts.passed += 1;
            if is_link && !walk.follow_symlinks {
                verdicts.skipped.push((path.display().to_string(), LINK_OUT.into()));
            } else {
                loaded.errors.push(whole_file_error(&path.display().to_string(), format!("cannot read: {io}")));
            }
        }
        (_, ignore::Error::Loop { .. } | ignore::Error::Io(_)) => {}
        _ => ignore_file_notes(e, loaded),
    }
}

/// The path an error names, and the error under its wrappers.
fn innermost(mut e: &ignore::Error) -> (Option<&Path>, &ignore::Error) {
    let mut path = None;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.as_path());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => e = err,
            _ => return (path, e),
        }
    }
}

/// Notes for the lines of ignore files that could not be used: the file and line, never the
/// line's text (an ignore file may be a link to something that is not one).
fn ignore_file_notes(e: &ignore::Error, loaded: &mut Loaded) {
    fn visit(e: &ignore::Error, path: Option<&Path>, line: Option<u64>, out: &mut Vec<(String, String)>) {
        match e {
            ignore::Error::Partial(errors) => errors.iter().for_each(|e| visit(e, path, line, out)),
            ignore::Error::WithPath { path, err } => visit(err, Some(path), line, out),
            ignore::Error::WithLineNumber { line, err } => visit(err, path, Some(*line), out),
            ignore::Error::WithDepth { err, .. } => visit(err, path, line, out),
            e => {
                let name = path.map_or_else(|| "ignore file".to_string(), |p| p.display().to_string());
                let at = line.map_or_else(String::new, |l| format!("line {l}: "));
                out.push((name, format!("ignore file: {at}{}; not used", reason(e))));
            }
        }
    }
    visit(e, None, None, &mut loaded.design.stats.files_skipped);
}

/// What is wrong, without the text of the glob at fault.
fn reason(e: &ignore::Error) -> String {
    match innermost(e).1 {
        ignore::Error::Glob { err, .. } => err.clone(),
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}
