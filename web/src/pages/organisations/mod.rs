//! The partnership's organisations: the list, one organisation's page and its form.

pub mod form;
pub mod list;
pub mod organisation;
