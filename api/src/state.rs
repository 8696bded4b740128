//! What every handler can reach: the database, the signing keys, the per-node caches and the
//! settings that shape answers. Built once by `startup` and shared by every worker.

use chrono::Duration;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    auth::{jwt::JwtKeys, throttle::SignInThrottle},
    cache::{FactsCache, ListCache, PersonCache},
    db::{self, WriteTurns, tokens::Lifetimes},
};

pub struct AppState {
    pub db: DatabaseConnection,
    /// SQLite's writers, waiting their turn in the process (`db::WriteTurns`).
    pub writes: WriteTurns,
    pub keys: JwtKeys,
    /// Of a refresh token, and of the session it belongs to.
    pub refresh_lifetimes: Lifetimes,
    pub invitation_lifetime: Duration,
    /// People as `GET /me` shows them, and their access stamps, for a few seconds.
    pub people: PersonCache,
    /// Failed sign-ins, per account and per client address.
    pub sign_in: SignInThrottle,
    /// The register's index in memory, and the pages of project lists and project pages read,
    /// while no project changes.
    pub project_lists: ListCache,
    /// The courses and events in memory, for search (`crate::cache::catalogue`).
    pub catalogue: crate::cache::catalogue::CatalogueIndex,
    /// The people by what they can help with, for search (`crate::cache::expertise`).
    pub experts: crate::cache::expertise::ExpertiseIndex,
    /// The dashboard's facts, while nothing changes (`dashboard_cache_seconds` at most).
    pub dashboard: std::sync::Arc<FactsCache>,
    /// The base of links handed out (invitations), without a trailing slash.
    pub public_url: String,
    /// Mail templates, the SMTP transport and how the outbox is delivered.
    pub mail: crate::mail::Mail,
    /// Password-reset requests, per address asked for and per client address.
    pub resets: crate::auth::throttle::ResetLimits,
    /// Requests per API token, on this node.
    pub token_limits: crate::auth::throttle::TokenLimits,
    /// Submissions' files.
    pub storage: crate::storage::Storage,
    /// How webhooks are delivered.
    pub webhooks: crate::settings::WebhookSettings,
}

impl AppState {
    /// A transaction for a request that writes (`db::begin_write`): every handler's writes go
    /// through here, so that on SQLite they take turns.
    pub async fn begin_write(&self) -> Result<db::Write, DbErr> {
        db::begin_write(&self.db, &self.writes).await
    }
}
