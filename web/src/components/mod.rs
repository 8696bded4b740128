//! Pieces shared by the pages: form fields, states, charts, and the small helpers several pages
//! show the same way.

pub mod csv_upload;
pub mod driver_diagram;
pub mod form;
pub mod options;
pub mod pagination;
pub mod project_sections;
pub mod project_status;
pub mod save_file;
pub mod spc_chart;
pub mod states;
pub mod team_invitations;
