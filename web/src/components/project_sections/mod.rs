//! The sections of a project's page that other capabilities own: its measures, its driver
//! diagram, its PDSA ramps, its coaching sessions, similar work, its spread and adoptions, and whether it lasted.
//! Components, so that the project page (and the learning library's) can show them without a
//! page importing another page.

mod coaching;
mod diagram;
mod follow_ups;
mod measures;
mod ramps;
mod similar;
mod spread;

pub use coaching::ProjectCoaching;
pub use diagram::DiagramSection;
pub use follow_ups::FollowUpSection;
pub use measures::MeasureList;
pub use ramps::Ramps;
pub use similar::{DoneBefore, SimilarWork};
pub use spread::SpreadSection;
