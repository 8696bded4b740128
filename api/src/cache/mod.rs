//! Per-node caches, and nothing else: what a node keeps of what it read, and the rules for when
//! it reads again. Each is a field of `AppState`; `crate::middleware::note_changes` tells them
//! when a write went through this node. See docs/architecture.md for the table of caches.

pub mod catalogue;
pub mod corpus;
pub mod dashboard;
pub mod expertise;
pub mod people;
pub mod projects;
pub mod register;

pub use dashboard::FactsCache;
pub use people::PersonCache;
pub use projects::ListCache;
