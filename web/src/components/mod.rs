//! Pieces shared by the pages: form fields, states, charts, and the small helpers several pages
//! show the same way.

#[cfg(not(feature = "entry"))]
pub mod account;
#[cfg(not(feature = "entry"))]
pub mod adoptions;
#[cfg(not(feature = "entry"))]
pub mod awards;
#[cfg(not(feature = "entry"))]
pub mod comments;
#[cfg(not(feature = "entry"))]
pub mod csv_upload;
#[cfg(not(feature = "entry"))]
pub mod driver_diagram;
pub mod form;
pub mod options;
#[cfg(not(feature = "entry"))]
pub mod organisation_headlines;
#[cfg(not(feature = "entry"))]
pub mod pagination;
#[cfg(not(feature = "entry"))]
pub mod project_sections;
#[cfg(not(feature = "entry"))]
pub mod project_status;
#[cfg(not(feature = "entry"))]
pub mod save_file;
#[cfg(not(feature = "entry"))]
pub mod spc_chart;
pub mod states;
#[cfg(not(feature = "entry"))]
pub mod team_invitations;
