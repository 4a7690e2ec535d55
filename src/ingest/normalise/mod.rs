//! Normalising what readers read into the model, shared by every format: what AWS creates
//! implicitly is added here, once, whatever format described the resources.

pub mod defaults;
pub(crate) mod edit;
pub(crate) mod resolve;
