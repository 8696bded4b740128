//! sea-orm entities: the tables as the server sees them. They never go on the wire; the
//! persistence functions turn them into `qi_shared` types.

pub mod invitation;
pub mod organisation;
pub mod partnership;
pub mod person;
pub mod person_role;
pub mod refresh_token;
pub mod server_secret;
