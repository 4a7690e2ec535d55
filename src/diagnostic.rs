//! Input errors: the leaf type readers produce and reports render, so reports need nothing from
//! the readers.

use crate::source::FileId;

/// Where in a file an input error is.
#[derive(Clone, Debug)]
pub enum ErrorLocation {
    /// The whole file (e.g. it could not be read).
    None,
    /// A byte offset (from the JSON parser).
    Offset(usize),
    /// A JSON pointer to the offending value.
    Pointer(String),
}

/// A problem with the input: reported with its location, and makes the run exit with 2.
#[derive(Clone, Debug)]
pub struct InputError {
    /// The file, when it could be read; otherwise `path` names it.
    pub file: Option<FileId>,
    pub path: String,
    pub location: ErrorLocation,
    pub message: String,
    pub help: Option<String>,
}

/// A rule silenced on a resource by the input that defines it (a template's
/// `Metadata: {vpclint: {ignore: [{rule, reason}]}}`): applied with the other suppressions.
#[derive(Clone, Debug)]
pub struct DeclaredSuppression {
    /// The resource, as the document names it.
    pub resource: String,
    pub file: FileId,
    pub rule: String,
    pub reason: String,
    pub origin: crate::source::Origin,
}
