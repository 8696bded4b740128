//! The partnership's own measures: the dashboard's pages.

pub mod targets;
