//! A project's measures: the list on the project page, a measure's own page and its form.

mod form;
mod measure;

pub use form::MeasureForm;
pub use measure::MeasurePage;

/// A wire name as people read it: "outcome" is shown as "Outcome".
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
