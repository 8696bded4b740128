//! People: the admins' list, a person's page, inviting someone, accepting an invitation, and the
//! signed-in person's own profile.

pub mod invitation;
#[cfg(not(feature = "entry"))]
pub mod invite;
#[cfg(not(feature = "entry"))]
pub mod list;
#[cfg(not(feature = "entry"))]
pub mod person;
#[cfg(not(feature = "entry"))]
pub mod profile;

use qi_shared::person::PersonStatus;

/// A person's status as the list and their page show it.
fn status_label(status: PersonStatus) -> &'static str {
    match status {
        PersonStatus::Invited => "Invited",
        PersonStatus::Active => "Active",
        PersonStatus::Deactivated => "Deactivated",
    }
}
