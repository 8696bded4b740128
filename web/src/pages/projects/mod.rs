//! Improvement projects: the register (and the public learning library), a project's page, and
//! the form that starts or edits one.

pub mod form;
pub mod project;
pub mod register;
