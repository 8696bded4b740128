//! Account self-service before signing in: a forgotten password and its reset link, and the
//! link that confirms a new email address. (Changing one's password, email and notification
//! settings while signed in is on the profile page.)

pub mod confirm_email;
pub mod forgot_password;
pub mod reset_password;
