//! Pieces shared by the pages.

pub mod driver_diagram;
pub mod form;
pub mod pagination;
pub mod spc_chart;
pub mod states;
