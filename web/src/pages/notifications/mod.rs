//! Notifications: a person's list in the app, and (partnership admins) the mail outbox. How a
//! person hears of each kind is chosen on the profile page
//! (`components::account::NotificationSettings`).

pub mod list;
pub mod outbox;
