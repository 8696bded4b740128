//! Registers of sessions, and the completions that follow from them by the course's attendance
//! rule. A completion (or its undoing) refreshes the person's tier in the same transaction.

use qi_shared::uk_time;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::training::{AttendanceSaved, EnrolmentStatus, Mark, SessionRegister, rules};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::OnConflict,
};

use super::cohorts;
use crate::db::{
    self,
    entity::training::{attendance, cohort, enrolment},
};

/// Every session's marks, in session order.
pub async fn registers(
    db: &impl ConnectionTrait,
    cohort_id: i64,
) -> Result<Vec<SessionRegister>, DbErr> {
    let sessions = cohorts::sessions(db, cohort_id).await?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let mut marks: HashMap<i64, Vec<Mark>> = HashMap::new();
    if !ids.is_empty() {
        for a in attendance::Entity::find()
            .filter(attendance::Column::SessionId.is_in(ids.clone()))
            .all(db)
            .await?
        {
            marks.entry(a.session_id).or_default().push(Mark {
                person_id: a.person_id,
                present: a.present,
            });
        }
    }
    Ok(ids
        .into_iter()
        .map(|session_id| {
            let mut marks = marks.remove(&session_id).unwrap_or_default();
            marks.sort_by_key(|m| m.person_id);
            SessionRegister { session_id, marks }
        })
        .collect())
}

/// Records marks as (session, person, present), replacing any earlier mark of the same person
/// at the same session. Gives back how many marks were new or changed.
pub async fn save(
    db: &impl ConnectionTrait,
    marks: &[(i64, i64, bool)],
    by: i64,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    let mut changed = 0;
    for chunk in marks.chunks(500) {
        let sessions: Vec<i64> = chunk.iter().map(|m| m.0).collect();
        let before: HashMap<(i64, i64), bool> = attendance::Entity::find()
            .filter(attendance::Column::SessionId.is_in(sessions))
            .all(db)
            .await?
            .into_iter()
            .map(|a| ((a.session_id, a.person_id), a.present))
            .collect();
        changed += chunk
            .iter()
            .filter(|(s, p, present)| before.get(&(*s, *p)) != Some(present))
            .count();
        attendance::Entity::insert_many(chunk.iter().map(|(session_id, person_id, present)| {
            attendance::ActiveModel {
                session_id: Set(*session_id),
                person_id: Set(*person_id),
                present: Set(*present),
                recorded_by: Set(by),
                recorded_at: Set(now),
            }
        }))
        .on_conflict(
            OnConflict::columns([attendance::Column::SessionId, attendance::Column::PersonId])
                .update_columns([
                    attendance::Column::Present,
                    attendance::Column::RecordedBy,
                    attendance::Column::RecordedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(u32::try_from(changed).unwrap_or(u32::MAX))
}

/// Applies the attendance rule (`percent` of the cohort's sessions) to everyone holding a place:
/// those who now meet it complete (on the date of the last session they attended), those who no
/// longer do go back to enrolled, and each of them has their tier refreshed.
pub async fn refresh_completions(
    db: &impl ConnectionTrait,
    cohort: &cohort::Model,
    percent: u8,
    now: DateTime<Utc>,
) -> Result<(Vec<i64>, Vec<i64>), DbErr> {
    let sessions = cohorts::sessions(db, cohort.id).await?;
    let dates: HashMap<i64, NaiveDate> = sessions
        .iter()
        .map(|s| (s.id, uk_time::day_of(s.starts_at)))
        .collect();
    let mut attended: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    if !dates.is_empty() {
        for a in attendance::Entity::find()
            .filter(attendance::Column::SessionId.is_in(dates.keys().copied()))
            .filter(attendance::Column::Present.eq(true))
            .all(db)
            .await?
        {
            if let Some(date) = dates.get(&a.session_id) {
                attended.entry(a.person_id).or_default().push(*date);
            }
        }
    }
    let holders = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(cohort.id))
        .filter(
            enrolment::Column::Status
                .is_in([EnrolmentStatus::Enrolled, EnrolmentStatus::Completed]),
        )
        .all(db)
        .await?;
    let (mut completed, mut reverted) = (Vec::new(), Vec::new());
    for e in holders {
        let on = rules::completed_on(
            sessions.len(),
            percent,
            attended.get(&e.person_id).map_or(&[], Vec::as_slice),
        );
        if on == e.completed_on {
            continue;
        }
        let person_id = e.person_id;
        match (e.completed_on, on) {
            (None, Some(_)) => completed.push(person_id),
            (Some(_), None) => reverted.push(person_id),
            _ => {}
        }
        let status = if on.is_some() {
            EnrolmentStatus::Completed
        } else {
            EnrolmentStatus::Enrolled
        };
        let mut model: enrolment::ActiveModel = e.into();
        model.status = Set(status);
        model.completed_on = Set(on);
        model.updated_at = Set(now);
        model.update(db).await?;
        db::capability::facts_changed(db, [person_id], now).await?;
    }
    Ok((completed, reverted))
}

/// Saves marks and then the completions they lead to.
pub async fn record(
    db: &impl ConnectionTrait,
    cohort: &cohort::Model,
    percent: u8,
    marks: &[(i64, i64, bool)],
    (by, now): (i64, DateTime<Utc>),
) -> Result<AttendanceSaved, DbErr> {
    let changed = save(db, marks, by, now).await?;
    let (completed, reverted) = refresh_completions(db, cohort, percent, now).await?;
    Ok(AttendanceSaved {
        marks: changed,
        completed,
        reverted,
    })
}
