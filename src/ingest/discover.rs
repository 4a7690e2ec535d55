//! Finding the files to read. A file named on the command line is read whatever its name, and
//! whatever ignore files or exclude globs say; a directory is walked (see `walk`). Files over the
//! size limit are refused. Nothing found here is printed unless it is read as input.

use super::walk::{Walk, walk_dir};
use super::{InputError, Loaded, whole_file_error};
use std::path::{Path, PathBuf};

/// Files larger than this are refused unless `--max-file-size` says otherwise: far beyond any
/// account dump, plan or template a single file holds, well below what would exhaust a CI runner.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// Collect the input files of `path`, which the user named: the file itself, or those found in
/// the directory.
pub(super) fn collect(path: &Path, walk: &Walk, files: &mut Vec<PathBuf>, loaded: &mut Loaded) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            loaded.errors.push(whole_file_error(&path.display().to_string(), format!("cannot read: {e}")));
            return;
        }
    };
    if meta.is_dir() {
        walk_dir(path, walk, files, loaded);
    } else if meta.is_file() {
        files.push(path.to_path_buf());
    } else {
        // A FIFO would block, a device never end.
        let message = "not a regular file (a FIFO, socket or device): not read".to_string();
        loaded.errors.push(whole_file_error(&path.display().to_string(), message));
    }
}

pub(super) fn skip(loaded: &mut Loaded, path: &Path, why: &str) {
    loaded.design.stats.files_skipped.push((path.display().to_string(), why.to_string()));
}

pub(super) fn extension_is(path: &Path, wanted: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

pub(super) fn has_input_extension(path: &Path) -> bool {
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
