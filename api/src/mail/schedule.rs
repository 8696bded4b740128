//! Notices nobody's request causes: the data-due reminder, each morning, the reminder of a
//! completed project's follow-up falling due, the weekly digest, and asking attendees for
//! feedback once an event has ended.
//! Every node checks every minute; the first to claim a run (`notification_runs`, one row a job
//! and period) does it, so each goes once however many nodes there are.
//!
//! The reminder goes to a person the day a measure of theirs falls due, and on the digest's day
//! while any is overdue: a nudge, not a daily nag. The digest goes to those who asked for it,
//! listing what they were told that week, if anything.

use std::time::Duration;

use actix_web::web;
use chrono::{Datelike, Timelike, Utc};
use qi_shared::{period::DataDue, person::PersonStatus, uk_time};
use sea_orm::DbErr;

use super::notices::{self, DueMeasure};
use crate::{db, state::AppState};

pub fn start(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let every = Duration::from_secs(state.mail.settings.schedule_check_seconds.max(1));
        loop {
            if let Err(error) = run_due(&state).await {
                tracing::warn!(%error, "scheduled notices could not run");
            }
            tokio::time::sleep(every).await;
        }
    });
}

async fn run_due(state: &AppState) -> Result<(), DbErr> {
    let asked = feedback_requests(state).await?;
    if asked > 0 {
        tracing::info!(asked, "attendees asked for feedback");
    }
    let settings = &state.mail.settings;
    let now = uk_time::local(Utc::now());
    if now.hour() < settings.reminder_hour {
        return Ok(());
    }
    let today = now.date();
    let digest_day = now.weekday().num_days_from_monday() == settings.digest_weekday;
    if claim(state, "data_due", today).await? {
        let sent = data_due(state, today, digest_day).await?;
        tracing::info!(sent, "data-due reminders written");
    }
    if claim(state, "follow_up_due", today).await? {
        let sent = follow_ups_due(state, today).await?;
        tracing::info!(sent, "follow-up reminders written");
    }
    if digest_day && claim(state, "weekly_digest", today).await? {
        let sent = digest(state).await?;
        tracing::info!(sent, "weekly digests written");
    }
    Ok(())
}

/// Asks the attendees of events that have ended for their feedback, at any hour (it is about an
/// event just past). One transaction an attendee; one another node has asked is passed over. A
/// guest's email carries a new link to their booking (only its hash is kept).
async fn feedback_requests(state: &AppState) -> Result<usize, DbErr> {
    let now = Utc::now();
    let mut asked = 0;
    for (booking, event, form) in db::events::feedback::to_ask(&state.db, now).await? {
        let txn = state.begin_write().await?;
        if !db::events::feedback::claim_ask(&txn, booking.id, now).await? {
            continue;
        }
        let token = match booking.person_id {
            Some(_) => None,
            None => {
                let token = db::tokens::generate();
                db::events::bookings::renew_cancel_token(
                    &txn,
                    booking.id,
                    &db::tokens::hash(&token),
                )
                .await?;
                Some(token)
            }
        };
        notices::feedback_requested(&state.mail, &txn, &booking, &event, &form, token.as_deref())
            .await?;
        txn.commit().await?;
        asked += 1;
    }
    Ok(asked)
}

async fn claim(state: &AppState, job: &str, day: chrono::NaiveDate) -> Result<bool, DbErr> {
    let txn = state.begin_write().await?;
    let claimed = db::notifications::claim_run(&txn, job, day).await?;
    txn.commit().await?;
    Ok(claimed)
}

/// One transaction a person, so SQLite's other writers wait for one person's reminder at most.
async fn data_due(state: &AppState, today: chrono::NaiveDate, nudge: bool) -> Result<usize, DbErr> {
    let mut sent = 0;
    for person_id in db::home::people_with_measures(&state.db).await? {
        let Some(person) = db::people::find(&state.db, person_id)
            .await?
            .filter(|p| p.status == PersonStatus::Active)
        else {
            continue;
        };
        let due = db::home::measures_due(&state.db, person_id, today).await?;
        let fresh = due.iter().any(|m| m.next_due == today);
        let overdue = due.iter().any(|m| m.due == DataDue::Overdue);
        if !(fresh || nudge && overdue) {
            continue;
        }
        let measures = due
            .into_iter()
            .map(|m| DueMeasure {
                name: m.name,
                project: m.project_title,
                due: notices::day(m.next_due),
            })
            .collect();
        let txn = state.begin_write().await?;
        notices::data_due(&state.mail, &txn, &person, measures).await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Each follow-up once, to its project's leads, the day it falls due (or the first run after).
/// One transaction a follow-up, claimed in it, so each goes once whichever node sends it.
async fn follow_ups_due(state: &AppState, today: chrono::NaiveDate) -> Result<usize, DbErr> {
    let mut sent = 0;
    for due in db::follow_ups::due_unreminded(&state.db, today).await? {
        let txn = state.begin_write().await?;
        if db::follow_ups::claim_reminder(&txn, &due).await? {
            notices::follow_up_due(&state.mail, &txn, &due).await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

async fn digest(state: &AppState) -> Result<usize, DbErr> {
    let since = Utc::now() - chrono::Duration::days(7);
    let mut sent = 0;
    for person_id in db::notifications::digest_readers(&state.db).await? {
        let Some(person) = db::people::find(&state.db, person_id)
            .await?
            .filter(|p| p.status == PersonStatus::Active)
        else {
            continue;
        };
        let lines = db::notifications::subjects_since(&state.db, person_id, since).await?;
        if lines.is_empty() {
            continue;
        }
        let txn = state.begin_write().await?;
        notices::weekly_digest(&state.mail, &txn, &person, lines).await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}
