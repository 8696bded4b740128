//! The changes feed's retention: every node removes, every `changes.prune_check_seconds`,
//! the changes older than `changes.retention_days` (the same work on every node; whichever
//! comes first does it), and the webhook deliveries made that long ago. A cursor older than
//! what is kept then answers 410 Gone; a webhook that was off that long is sent `missed`.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;

use crate::{db, state::AppState};

pub fn start(state: web::Data<AppState>, settings: crate::settings::ChangesSettings) {
    tokio::spawn(async move {
        let every = Duration::from_secs(settings.prune_check_seconds.max(1));
        let kept = chrono::Duration::days(settings.retention_days.into());
        loop {
            match prune(&state, Utc::now() - kept).await {
                Ok((0, 0)) => {}
                Ok((removed, deliveries)) => tracing::info!(
                    removed,
                    deliveries,
                    "old changes and webhook deliveries removed"
                ),
                Err(error) => tracing::warn!(%error, "old changes could not be removed"),
            }
            tokio::time::sleep(every).await;
        }
    });
}

/// Changes removed, and webhook deliveries removed.
async fn prune(
    state: &AppState,
    before: chrono::DateTime<Utc>,
) -> Result<(u64, u64), sea_orm::DbErr> {
    let txn = state.begin_write().await?;
    let removed = db::changes::prune(&txn, before).await?;
    let deliveries = db::webhooks::prune(&txn, before).await?;
    txn.commit().await?;
    Ok((removed, deliveries))
}
