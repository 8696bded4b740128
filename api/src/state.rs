//! What every handler can reach: the database, the signing keys, the per-node caches and the
//! settings that shape answers. Built once by `startup` and shared by every worker.

use chrono::Duration;
use sea_orm::DatabaseConnection;

use crate::{
    auth::jwt::JwtKeys,
    cache::{ListCache, PersonCache},
};

pub struct AppState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub refresh_lifetime: Duration,
    pub invitation_lifetime: Duration,
    /// People as `GET /me` shows them, for a few seconds.
    pub people: PersonCache,
    /// The totals and pages of project lists read, while no project changes.
    pub project_lists: ListCache,
    /// The base of links handed out (invitations), without a trailing slash.
    pub public_url: String,
}
