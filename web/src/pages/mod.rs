//! One page per file, grouped in folders named as the server's capabilities (projects,
//! improvement, measures, training, events, capability, people, organisations, spread); the few
//! pages that belong to none sit here.
//!
//! A page imports no other page: what two pages share is a hook (`crate::hooks`), a component
//! (`crate::components`, including the sections of the project page that other capabilities own,
//! `components::project_sections`) or pure logic (`qi_shared`).

pub mod account;
#[cfg(not(feature = "entry"))]
pub mod bulletins;
#[cfg(not(feature = "entry"))]
pub mod capability;
#[cfg(not(feature = "entry"))]
pub mod dashboard;
#[cfg(not(feature = "entry"))]
pub mod events;
#[cfg(not(feature = "entry"))]
pub mod home;
#[cfg(not(feature = "entry"))]
pub mod improvement;
#[cfg(not(feature = "entry"))]
pub mod integrations;
#[cfg(not(feature = "entry"))]
pub mod measures;
#[cfg(not(feature = "entry"))]
pub mod notifications;
#[cfg(not(feature = "entry"))]
pub mod organisations;
pub mod people;
#[cfg(not(feature = "entry"))]
pub mod programmes;
#[cfg(not(feature = "entry"))]
pub mod projects;
#[cfg(not(feature = "entry"))]
pub mod search;
pub mod setup;
pub mod sign_in;
#[cfg(not(feature = "entry"))]
pub mod spread;
#[cfg(not(feature = "entry"))]
pub mod training;
