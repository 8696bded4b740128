//! Programmes: the list, a programme's page with its projects and pooled measures, and the form
//! that starts or changes one.

mod form;
mod list;
mod measure_form;
mod programme;

pub use form::ProgrammeFormPage;
pub use list::ProgrammesPage;
pub use programme::ProgrammePage;
