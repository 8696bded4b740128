//! A project's measures: the list on the project page, a measure's own page and its form.

mod form;
mod list;
mod measure;

pub use form::MeasureForm;
pub use list::MeasureList;
pub use measure::MeasurePage;
