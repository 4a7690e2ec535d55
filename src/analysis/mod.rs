//! AWS semantics as pure functions over the model: routing, network ACL and security group
//! evaluation, and reachability built on them.

pub mod nacl;
pub mod reach;
pub mod routing;
pub mod sg;
