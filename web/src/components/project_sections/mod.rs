//! The sections of a project's page that other capabilities own: its measures, its driver
//! diagram, its PDSA ramps and its coaching sessions. Components, so that the project page (and
//! the learning library's) can show them without a page importing another page.

mod coaching;
mod diagram;
mod measures;
mod ramps;
mod similar;

pub use coaching::ProjectCoaching;
pub use diagram::DiagramSection;
pub use measures::MeasureList;
pub use ramps::Ramps;
pub use similar::{DoneBefore, SimilarWork};
