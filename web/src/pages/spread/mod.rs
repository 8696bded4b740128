//! Adoption and spread beyond a project's page: innovations from outside the partnership and
//! the partner organisations that adopted them. (A project's own spread and adoptions are a
//! section of its page: `components::project_sections::SpreadSection`.)

pub mod innovations;
pub mod network;
