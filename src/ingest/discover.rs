//! Finding the files to read: directories walked in full (hidden entries skipped), regular files
//! only, symbolic links that leave the checked directory not followed unless asked, files over the
//! size limit refused. Nothing found here is printed unless it is read as input.

use super::{InputError, LoadOptions, Loaded, whole_file_error};
use std::path::{Path, PathBuf};

/// Files larger than this are refused unless `--max-file-size` says otherwise: far beyond any
/// account dump, plan or template a single file holds, well below what would exhaust a CI runner.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// How one input is walked.
pub(super) struct Walk {
    /// The input as the user named it, resolved: what a symbolic link may point into.
    root: PathBuf,
    follow_symlinks: bool,
}

impl Walk {
    pub(super) fn new(input: &Path, options: &LoadOptions) -> Walk {
        let root = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
        Walk { root, follow_symlinks: options.follow_symlinks }
    }
}

/// Collect the input files below `path` (the input itself when `path` is what the user named).
pub(super) fn collect(path: &Path, walk: &Walk, files: &mut Vec<PathBuf>, loaded: &mut Loaded) {
    collect_at(path, true, walk, files, loaded);
}

fn skip(loaded: &mut Loaded, path: &Path, why: &str) {
    loaded.design.stats.files_skipped.push((path.display().to_string(), why.to_string()));
}

fn collect_at(path: &Path, explicit: bool, walk: &Walk, files: &mut Vec<PathBuf>, loaded: &mut Loaded) {
    // A link found while walking is followed only into the checked tree, or when asked.
    if !explicit && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && !walk.follow_symlinks {
        let target = std::fs::canonicalize(path);
        if !target.as_ref().is_ok_and(|t| t.starts_with(&walk.root)) {
            skip(
                loaded,
                path,
                "symbolic link out of the checked directory: not followed (--follow-symlinks follows it)",
            );
            return;
        }
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            loaded.errors.push(whole_file_error(&path.display().to_string(), format!("cannot read: {e}")));
            return;
        }
    };
    if meta.is_dir() {
        collect_dir(path, walk, files, loaded);
    } else if !meta.is_file() {
        // A FIFO would block, a device never end.
        if explicit {
            let message = "not a regular file (a FIFO, socket or device): not read".to_string();
            loaded.errors.push(whole_file_error(&path.display().to_string(), message));
        } else {
            skip(loaded, path, "not a regular file (a FIFO, socket or device)");
        }
    } else if explicit || has_input_extension(path) {
        files.push(path.to_path_buf());
    } else {
        skip(loaded, path, "not a .json, .yaml, .yml, .template or .tf file");
    }
}

fn collect_dir(path: &Path, walk: &Walk, files: &mut Vec<PathBuf>, loaded: &mut Loaded) {
    // A directory reached again through a symbolic link (a loop, or a second way in).
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !loaded.visited_dirs.insert(canonical) {
        skip(loaded, path, "directory already visited (symbolic link)");
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>(),
        Err(e) => {
            loaded.errors.push(whole_file_error(&path.display().to_string(), format!("cannot list directory: {e}")));
            return;
        }
    };
    for entry in entries {
        let hidden = entry.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if !hidden {
            collect_at(&entry, false, walk, files, loaded);
        }
    }
}

pub(super) fn extension_is(path: &Path, wanted: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

fn has_input_extension(path: &Path) -> bool {
    extension_is(path, &["json", "yaml", "yml", "template", "tf"])
}

/// Read a file whole, unless it is larger than `max_size` bytes.
pub(super) fn read_file(path: &Path, max_size: u64) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| whole_file_error(&name, format!("cannot read file: {e}")))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max_size {
        return Err(InputError {
            help: Some("raise --max-file-size to read it".into()),
            ..whole_file_error(
                &name,
                format!("file too large: {len} bytes, over the limit of {max_size} (--max-file-size)"),
            )
        });
    }
    let mut bytes: Vec<u8> = Vec::new();
    let want = usize::try_from(len).unwrap_or(usize::MAX);
    crate::memory::fallible(|| bytes.try_reserve_exact(want))
        .map_err(|_| whole_file_error(&name, format!("file too large: {len} bytes do not fit in available memory")))?;
    // Never more than the limit, whatever the file grows to while it is read.
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| whole_file_error(&name, format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > max_size {
        return Err(whole_file_error(
            &name,
            format!("file too large: over the limit of {max_size} bytes (--max-file-size)"),
        ));
    }
    Ok(bytes)
}
