//! Normalising what readers read into the model, shared by every format: what AWS creates
//! implicitly is added here, once, whatever format described the resources.

pub mod defaults;
pub(crate) mod edit;
pub(crate) mod resolve;

use crate::model::{Design, ResourceKind};

/// Where a document's resources start in each arena. Documents are normalised one after another,
/// each adding its resources after every earlier document's, so a document finds its own without
/// scanning the others: the work stays proportional to the document, however many came before.
#[derive(Clone, Debug)]
pub struct DocumentStart(Vec<(ResourceKind, usize)>);

impl DocumentStart {
    /// The arenas' lengths before the document adds anything.
    pub fn of(design: &Design) -> DocumentStart {
        DocumentStart(design.counts())
    }

    /// The first index of `kind`'s arena that may hold the document's resources.
    pub fn of_kind(&self, kind: ResourceKind) -> usize {
        self.0.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n)
    }

    /// The resources of `items` (the arena of `kind`) added since the document started, with
    /// their arena indices.
    pub fn since<'a, T>(&self, kind: ResourceKind, items: &'a [T]) -> impl Iterator<Item = (usize, &'a T)> + 'a {
        let from = self.of_kind(kind).min(items.len());
        items[from..].iter().enumerate().map(move |(i, x)| (from + i, x))
    }
}
