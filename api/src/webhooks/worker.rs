//! The webhooks worker: every node runs one. Each round it
//!
//! 1. fans out: for each enabled webhook, in one write transaction, reads the changes after its
//!    position as an admin of its organisation would (`db::changes::read`, the changes feed's
//!    own path), writes a delivery per change of its types and moves its position
//!    (`db::webhooks::fan_out`);
//! 2. delivers: takes the oldest due delivery of each webhook with a lease
//!    (`db::webhooks::take`), POSTs its body signed, and records the attempt at once. A 2xx is
//!    delivered; anything else is tried again after a wait that doubles from
//!    `backoff_base_seconds` up to `backoff_max_seconds`. A webhook whose deliveries have failed
//!    without a success for `disable_after_seconds` is turned off and its organisation's
//!    admins are told (`mail::notices::webhook_disabled`); what waits stays, to go when it is
//!    turned on again.
//!
//! A node that dies mid-POST leaves that delivery's lease to run out; it is then sent again
//! (at least once: receivers dedupe by `QI-Delivery-Id`).

use std::time::{Duration, Instant};

use actix_web::web;
use chrono::Utc;
use futures_util::future::join_all;
use qi_shared::webhook::{self, Attempt, DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER};
use sea_orm::DbErr;

use crate::{
    db::{
        self,
        entity::{webhook as webhook_row, webhook_delivery},
    },
    mail::notices,
    settings::WebhookSettings,
    state::AppState,
};

/// The most of a failed answer's body kept in the log.
const KEPT_ERROR_BYTES: usize = 500;

/// Starts this node's worker.
pub fn start(state: web::Data<AppState>) -> anyhow::Result<()> {
    let settings = state.webhooks.clone();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(settings.timeout_seconds.max(1)))
        // A receiver answers where it was registered: a redirect could send signed data to an
        // address no admin chose.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("QI-Commons-Webhooks/1")
        .build()?;
    let poll = Duration::from_millis(settings.poll_millis.max(10));
    tokio::spawn(async move {
        loop {
            let busy = match round(&state, &client).await {
                Ok(busy) => busy,
                Err(error) => {
                    tracing::warn!(%error, "webhooks could not use the database");
                    false
                }
            };
            if !busy {
                tokio::time::sleep(poll).await;
            }
        }
    });
    Ok(())
}

/// One round of fan-out and delivery; whether it found work (so another should follow at once).
async fn round(state: &AppState, client: &reqwest::Client) -> Result<bool, DbErr> {
    let fanned = fan_out(state).await?;
    let delivered = deliver(state, client).await?;
    Ok(fanned || delivered)
}

/// Fans out every enabled webhook once; whether any had more than a batch waiting.
async fn fan_out(state: &AppState) -> Result<bool, DbErr> {
    let mut more = false;
    for id in db::webhooks::enabled(&state.db).await? {
        let txn = state.begin_write().await?;
        let outcome =
            db::webhooks::fan_out(&txn, id, state.webhooks.batch.max(1), Utc::now()).await?;
        txn.commit().await?;
        more |= outcome == Some(true);
    }
    Ok(more)
}

/// Sends what is due (one delivery a webhook, all at once); whether there was any.
async fn deliver(state: &AppState, client: &reqwest::Client) -> Result<bool, DbErr> {
    let settings = &state.webhooks;
    // Held a little longer than a try can take, so nobody else takes it meanwhile.
    let lease = chrono::Duration::seconds(
        i64::try_from(settings.timeout_seconds.saturating_mul(2) + 5).unwrap_or(60),
    );
    let taken = {
        let txn = state.begin_write().await?;
        let taken = db::webhooks::take(&txn, settings.batch.max(1), lease).await?;
        txn.commit().await?;
        taken
    };
    if taken.is_empty() {
        return Ok(false);
    }
    let outcomes = join_all(
        taken
            .iter()
            .map(|(delivery, hook)| attempt(client, delivery, hook)),
    )
    .await;
    for ((delivery, hook), tried) in taken.iter().zip(outcomes) {
        record(state, settings, delivery, hook, tried).await?;
    }
    Ok(true)
}

/// POSTs a delivery once.
async fn attempt(
    client: &reqwest::Client,
    delivery: &webhook_delivery::Model,
    hook: &webhook_row::Model,
) -> Attempt {
    let at = Utc::now();
    let started = Instant::now();
    // A replaced secret signs beside the new one until its time is up.
    let previous = hook
        .previous_secret
        .as_deref()
        .filter(|_| hook.previous_secret_until.is_some_and(|until| at < until));
    let secrets: Vec<&str> = std::iter::once(hook.secret.as_str())
        .chain(previous)
        .collect();
    let signature = webhook::signature(&secrets, at.timestamp(), delivery.body.as_bytes());
    let sent = client
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(DELIVERY_ID_HEADER, delivery.id.to_string())
        .header(EVENT_HEADER, delivery.kind.as_str())
        .body(delivery.body.clone())
        .send()
        .await;
    let (response_code, error) = match sent {
        Ok(response) => {
            let status = response.status();
            if status.is_success() {
                (Some(status.as_u16()), None)
            } else {
                let text = response.text().await.unwrap_or_default();
                let mut said: String = text.chars().take(KEPT_ERROR_BYTES).collect();
                if said.is_empty() {
                    said = status.canonical_reason().unwrap_or("no reason").to_owned();
                }
                (
                    Some(status.as_u16()),
                    Some(format!("answered {}: {said}", status.as_u16())),
                )
            }
        }
        Err(e) if e.is_timeout() => (None, Some("no answer in time".to_owned())),
        Err(e) if e.is_connect() => (None, Some(format!("could not connect: {e}"))),
        Err(e) => (None, Some(format!("could not be sent: {e}"))),
    };
    Attempt {
        at,
        response_code,
        error,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Records an attempt in a write transaction of its own; turns the webhook off (and tells its
/// admins, in the same transaction) when it has failed for too long.
async fn record(
    state: &AppState,
    settings: &WebhookSettings,
    delivery: &webhook_delivery::Model,
    hook: &webhook_row::Model,
    tried: Attempt,
) -> Result<(), DbErr> {
    let failed = tried.error.is_some();
    let retry_at = failed.then(|| {
        let wait = settings
            .backoff_base_seconds
            .max(1)
            .saturating_mul(1 << delivery.attempts.clamp(0, 20))
            .min(settings.backoff_max_seconds.max(1));
        tried.at + chrono::Duration::seconds(i64::try_from(wait).unwrap_or(3600))
    });
    let txn = state.begin_write().await?;
    db::webhooks::record(&txn, delivery, &tried, retry_at).await?;
    if failed {
        tracing::info!(
            delivery_id = delivery.id,
            webhook_id = hook.id,
            error = tried.error.as_deref().unwrap_or_default(),
            "webhook delivery failed"
        );
        let since = hook.failing_since.unwrap_or(tried.at);
        let limit = chrono::Duration::seconds(
            i64::try_from(settings.disable_after_seconds).unwrap_or(i64::MAX),
        );
        if tried.at - since >= limit {
            let reason = format!(
                "its deliveries failed for {} without a success (the last: {})",
                span(tried.at - since),
                tried.error.as_deref().unwrap_or_default()
            );
            if db::webhooks::disable(&txn, hook.id, &reason, tried.at).await? {
                let admins = db::webhooks::admins_of(&txn, hook.organisation_id).await?;
                notices::webhook_disabled(&state.mail, &txn, &admins, &hook.name, &reason).await?;
                tracing::warn!(webhook_id = hook.id, %reason, "webhook turned off");
            }
        }
    }
    txn.commit().await
}

/// "2 hours", "1 day", "45 seconds".
fn span(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    let (n, unit) = match s {
        s if s >= 86_400 => (s / 86_400, "day"),
        s if s >= 3600 => (s / 3600, "hour"),
        s if s >= 60 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}
