//! One page per file.

pub mod capability;
pub mod home;
pub mod invitation;
pub mod invite;
pub mod measure;
pub mod measure_form;
pub mod measures;
pub mod not_found;
pub mod organisation;
pub mod organisation_form;
pub mod organisations;
pub mod people;
pub mod person;
pub mod profile;
pub mod project;
pub mod project_cycles;
pub mod project_diagram;
pub mod project_form;
pub mod projects;
pub mod setup;
pub mod sign_in;
pub mod training;

/// Sets the document title, so each page is announced and named in the browser history.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} – QI Commons"));
    }
}
