//! QI Commons domain types and pure domain logic.
//!
//! Everything here compiles for both the server and the browser (wasm32), so a form in the web
//! app validates with exactly the rules the API enforces, and both sides speak the same wire types.
//! Nothing here touches a database or the network.

#[macro_use]
mod macros;

pub mod access;
pub mod api_token;
pub mod audit;
pub mod auth;
pub mod bulletin;
pub mod capability;
pub mod changes;
pub mod chart;
pub mod comment;
pub mod dashboard;
pub mod event;
pub mod evidence;
pub mod export;
pub mod follow_up;
pub mod home;
pub mod improvement;
pub mod measure;
pub mod notification;
pub mod organisation;
pub mod page;
pub mod partnership;
pub mod period;
pub mod person;
pub mod problem;
pub mod programme;
pub mod project;
pub mod score;
pub mod search;
pub mod spc;
pub mod spread;
pub mod team;
pub mod training;
pub mod uk_time;
pub mod validation;
pub mod webhook;

pub use validation::{FieldError, FieldErrors};
