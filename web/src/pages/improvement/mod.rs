//! Improvement work on a project, as the API names it: the driver diagram and the change ideas'
//! PDSA cycles. The diagram and the ramps are sections of the project page
//! (`components::project_sections`); a cycle has its own form page, here.

mod cycles;

pub use cycles::CycleForm;
