//! Pieces shared by the pages.

pub mod form;
pub mod pagination;
pub mod states;
