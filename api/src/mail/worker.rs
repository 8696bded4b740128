//! The delivery worker: every node runs one. It takes a few due messages from the outbox
//! (`db::outbox::take`), sends each through SMTP and records the outcome at once, so a node
//! that dies mid-delivery can have sent at most the one message it was sending when it died
//! without recording it (that one goes again when its lease ends: at least once).
//!
//! - accepted: `sent`;
//! - refused for good (5xx, or an address that is not one): `failed` with the reason, not
//!   tried again;
//! - refused for now (4xx): tried again after a wait that doubles each time, `failed` after
//!   `max_attempts`;
//! - the server cannot be reached: the messages go back to wait, not counted as attempts, and
//!   the worker tries the server again after a wait that doubles up to `outage_max_seconds`.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use lettre::{
    AsyncTransport, Message,
    message::{Attachment, Mailbox, MultiPart, header::ContentType},
};
use sea_orm::DbErr;

use crate::{
    db::{self, entity::mail_outbox},
    state::AppState,
};

/// Starts this node's worker, if an SMTP server is configured.
pub fn start(state: web::Data<AppState>) {
    if state.mail.transport.is_none() {
        return;
    }
    tokio::spawn(async move {
        let mut outage = Duration::from_secs(1);
        let poll = Duration::from_millis(state.mail.settings.poll_millis.max(10));
        let outage_max = Duration::from_secs(state.mail.settings.outage_max_seconds.max(1));
        loop {
            match deliver(&state).await {
                Ok(Round::Sent) => outage = Duration::from_secs(1),
                Ok(Round::Idle) => {
                    outage = Duration::from_secs(1);
                    tokio::time::sleep(poll).await;
                }
                Ok(Round::Unreachable(error)) => {
                    tracing::warn!(%error, retry_in_seconds = outage.as_secs(), "the SMTP server cannot be reached: mail waits in the outbox");
                    tokio::time::sleep(outage).await;
                    outage = (outage * 2).min(outage_max);
                }
                Err(error) => {
                    tracing::warn!(%error, "mail delivery could not use the database");
                    tokio::time::sleep(poll).await;
                }
            }
        }
    });
}

enum Round {
    /// Some messages were taken (and sent, or marked).
    Sent,
    /// Nothing was due.
    Idle,
    Unreachable(String),
}

async fn deliver(state: &AppState) -> Result<Round, DbErr> {
    let Some(transport) = &state.mail.transport else {
        return Ok(Round::Idle);
    };
    let settings = &state.mail.settings;
    let taken = {
        let txn = state.begin_write().await?;
        let taken = db::outbox::take(
            &txn,
            settings.batch.max(1),
            chrono::Duration::seconds(i64::try_from(settings.lease_seconds).unwrap_or(60)),
        )
        .await?;
        txn.commit().await?;
        taken
    };
    if taken.is_empty() {
        return Ok(Round::Idle);
    }
    for (i, message) in taken.iter().enumerate() {
        let email = match build(&state.mail.from, message) {
            Ok(email) => email,
            Err(reason) => {
                record(state, async |txn| {
                    db::outbox::refused(txn, message.id, &reason, None).await
                })
                .await?;
                continue;
            }
        };
        match transport.send(email).await {
            Ok(_) => {
                record(state, async |txn| db::outbox::sent(txn, message).await).await?;
                tracing::info!(
                    outbox_id = message.id,
                    kind = message.kind.as_str(),
                    "mail sent"
                );
            }
            Err(e) if e.is_permanent() => {
                let reason = format!("refused by the mail server: {e}");
                tracing::warn!(outbox_id = message.id, %reason, "mail failed");
                record(state, async |txn| {
                    db::outbox::refused(txn, message.id, &reason, None).await
                })
                .await?;
            }
            Err(e) if e.is_transient() => {
                let attempts = message.attempts + 1;
                let reason = format!("refused for now by the mail server: {e}");
                let retry_at = (attempts < settings.max_attempts).then(|| {
                    let wait = settings
                        .retry_base_seconds
                        .saturating_mul(1 << (attempts - 1).clamp(0, 20))
                        .min(settings.retry_max_seconds);
                    Utc::now() + chrono::Duration::seconds(i64::try_from(wait).unwrap_or(3600))
                });
                record(state, async |txn| {
                    db::outbox::refused(txn, message.id, &reason, retry_at).await
                })
                .await?;
            }
            Err(e) => {
                let reason = format!("the mail server could not be reached: {e}");
                let rest: Vec<i64> = taken[i..].iter().map(|m| m.id).collect();
                record(state, async |txn| {
                    db::outbox::put_back(txn, &rest, &reason).await
                })
                .await?;
                return Ok(Round::Unreachable(reason));
            }
        }
    }
    Ok(Round::Sent)
}

/// Records an outcome in a write transaction of its own.
async fn record(
    state: &AppState,
    write: impl AsyncFnOnce(&db::Write) -> Result<(), DbErr>,
) -> Result<(), DbErr> {
    let txn = state.begin_write().await?;
    write(&txn).await?;
    txn.commit().await
}

/// The message as lettre sends it: plain text and HTML, with the outbox's message id.
fn build(from: &Mailbox, message: &mail_outbox::Model) -> Result<Message, String> {
    let to: Mailbox = message
        .to_address
        .parse()
        .map_err(|e| format!("not a mail address: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .message_id(Some(message.message_id.clone()))
        .multipart(with_calendar(
            MultiPart::alternative_plain_html(message.text_body.clone(), message.html_body.clone()),
            message.calendar.as_deref(),
        ))
        .map_err(|e| format!("the message could not be built: {e}"))
}

/// The message's bodies, and its calendar as `calendar.ics` if it has one.
fn with_calendar(bodies: MultiPart, calendar: Option<&str>) -> MultiPart {
    match calendar {
        None => bodies,
        Some(calendar) => MultiPart::mixed().multipart(bodies).singlepart(
            Attachment::new("calendar.ics".to_owned()).body(
                calendar.to_owned(),
                ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .unwrap_or(ContentType::TEXT_PLAIN),
            ),
        ),
    }
}
