//! AWS semantics as pure functions over the model: routing and network ACL evaluation.

pub mod nacl;
pub mod routing;
pub mod sg;
