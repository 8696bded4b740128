//! Improvement work on a project, as the API names it: the driver diagram and the change ideas'
//! PDSA cycles. The diagram and the ramps are sections of the project page; a cycle has its own
//! form page.

mod cycles;
mod diagram;

pub use cycles::{CycleForm, Ramps};
pub use diagram::DiagramSection;
