//! Completed projects' follow-ups at 6 and 12 months (`qi_shared::follow_up`): when each falls
//! due (from the day the project was last marked completed), those recorded, and the reminders
//! sent to the leads.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    dashboard::facts::FollowUpFact,
    follow_up::{FollowUp, FollowUpCheck, FollowUpPoint, Lasting, NewFollowUp},
    project::{ProjectStatus, TeamRole},
    uk_time::day_of,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::OnConflict,
};

use crate::db::entity::{
    follow_up_reminder, person, project, project_follow_up, project_member, project_status_change,
};

/// The day (UK time) project `project_id` was last marked completed, if it is completed now.
pub async fn completed_on(
    db: &impl ConnectionTrait,
    project_id: i64,
    status: ProjectStatus,
) -> Result<Option<NaiveDate>, DbErr> {
    if status != ProjectStatus::Completed {
        return Ok(None);
    }
    let at: Option<DateTime<Utc>> = project_status_change::Entity::find()
        .select_only()
        .column(project_status_change::Column::ChangedAt)
        .filter(project_status_change::Column::ProjectId.eq(project_id))
        .filter(project_status_change::Column::Status.eq(ProjectStatus::Completed))
        .order_by_desc(project_status_change::Column::ChangedAt)
        .order_by_desc(project_status_change::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(at.map(day_of))
}

/// [`completed_on`], reading the project's status as it is in `db` now.
pub async fn completed_now(
    db: &impl ConnectionTrait,
    project_id: i64,
) -> Result<Option<NaiveDate>, DbErr> {
    let status: Option<ProjectStatus> = project::Entity::find_by_id(project_id)
        .select_only()
        .column(project::Column::Status)
        .into_tuple()
        .one(db)
        .await?;
    match status {
        Some(status) => completed_on(db, project_id, status).await,
        None => Ok(None),
    }
}

/// The follow-ups recorded for a project's completion on `completed_on`.
pub async fn recorded(
    db: &impl ConnectionTrait,
    project_id: i64,
    completed_on: NaiveDate,
) -> Result<Vec<FollowUp>, DbErr> {
    let rows = project_follow_up::Entity::find()
        .filter(project_follow_up::Column::ProjectId.eq(project_id))
        .filter(project_follow_up::Column::CompletedOn.eq(completed_on))
        .order_by_asc(project_follow_up::Column::Id)
        .all(db)
        .await?;
    let people: Vec<i64> = rows.iter().filter_map(|r| r.recorded_by).collect();
    let names: HashMap<i64, String> = if people.is_empty() {
        HashMap::new()
    } else {
        person::Entity::find()
            .select_only()
            .columns([person::Column::Id, person::Column::Name])
            .filter(person::Column::Id.is_in(people))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    rows.into_iter()
        .map(|row| {
            let check: FollowUpCheck = serde_json::from_str(&row.measure_check)
                .map_err(|e| DbErr::Type(format!("a follow-up's check: {e}")))?;
            Ok(FollowUp {
                point: row.point,
                recorded_on: row.recorded_on,
                outcome: row.outcome,
                note: row.note,
                recorded_by: row
                    .recorded_by
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                check,
            })
        })
        .collect()
}

/// Records a follow-up, or corrects the one recorded at the same point.
pub async fn record(
    db: &impl ConnectionTrait,
    project_id: i64,
    follow_up: &NewFollowUp,
    check: &FollowUpCheck,
    by: i64,
) -> Result<(), DbErr> {
    let check = serde_json::to_string(check)
        .map_err(|e| DbErr::Type(format!("a follow-up's check: {e}")))?;
    project_follow_up::Entity::insert(project_follow_up::ActiveModel {
        project_id: Set(project_id),
        point: Set(follow_up.point),
        completed_on: Set(follow_up.completed_on),
        recorded_on: Set(follow_up.recorded_on),
        outcome: Set(follow_up.outcome),
        note: Set(follow_up.note.clone()),
        measure_check: Set(check),
        recorded_by: Set(Some(by)),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            project_follow_up::Column::ProjectId,
            project_follow_up::Column::Point,
            project_follow_up::Column::CompletedOn,
        ])
        .update_columns([
            project_follow_up::Column::RecordedOn,
            project_follow_up::Column::Outcome,
            project_follow_up::Column::Note,
            project_follow_up::Column::MeasureCheck,
            project_follow_up::Column::RecordedBy,
            project_follow_up::Column::RecordedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A follow-up that has fallen due unrecorded, for its project's leads.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub project_id: i64,
    pub title: String,
    pub point: FollowUpPoint,
    pub due_on: NaiveDate,
    pub leads: Vec<i64>,
}

/// How long after it falls due a follow-up is still reminded of: one long overdue (a project
/// completed before follow-ups were kept) is past the point of a reminder.
pub const REMIND_WITHIN_DAYS: i64 = 60;

/// Every follow-up due in the [`REMIND_WITHIN_DAYS`] up to `today` that is neither recorded nor
/// yet reminded of, for projects completed now. Completed projects are few beside the rest, so this reads them all.
pub async fn due_unreminded(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<Due>, DbErr> {
    let completed: Vec<(i64, String)> = project::Entity::find()
        .select_only()
        .columns([project::Column::Id, project::Column::Title])
        .filter(project::Column::Status.eq(ProjectStatus::Completed))
        .into_tuple()
        .all(db)
        .await?;
    if completed.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = completed.iter().map(|(id, _)| *id).collect();
    let mut completed_at: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, DateTime<Utc>)> = project_status_change::Entity::find()
            .select_only()
            .columns([
                project_status_change::Column::ProjectId,
                project_status_change::Column::ChangedAt,
            ])
            .filter(project_status_change::Column::ProjectId.is_in(chunk.iter().copied()))
            .filter(project_status_change::Column::Status.eq(ProjectStatus::Completed))
            .into_tuple()
            .all(db)
            .await?;
        for (id, at) in rows {
            let latest = completed_at.entry(id).or_insert(at);
            *latest = (*latest).max(at);
        }
    }
    let mut due = Vec::new();
    for (id, title) in completed {
        let Some(at) = completed_at.get(&id) else {
            continue;
        };
        let completed_on = day_of(*at);
        for &point in FollowUpPoint::ALL {
            let due_on = point.due_on(completed_on);
            if due_on <= today && today - due_on <= chrono::Duration::days(REMIND_WITHIN_DAYS) {
                due.push(Due {
                    project_id: id,
                    title: title.clone(),
                    point,
                    due_on,
                    leads: Vec::new(),
                });
            }
        }
    }
    if due.is_empty() {
        return Ok(due);
    }
    let done = settled(db, &due).await?;
    due.retain(|d| !done.contains(&(d.project_id, d.point, d.due_on)));
    let mut leads: HashMap<i64, Vec<i64>> = HashMap::new();
    let projects: Vec<i64> = due.iter().map(|d| d.project_id).collect();
    for chunk in projects.chunks(500) {
        let rows: Vec<(i64, i64)> = project_member::Entity::find()
            .select_only()
            .columns([
                project_member::Column::ProjectId,
                project_member::Column::PersonId,
            ])
            .filter(project_member::Column::ProjectId.is_in(chunk.iter().copied()))
            .filter(project_member::Column::Role.eq(TeamRole::Lead))
            .into_tuple()
            .all(db)
            .await?;
        for (project_id, person_id) in rows {
            leads.entry(project_id).or_default().push(person_id);
        }
    }
    for d in &mut due {
        d.leads = leads.get(&d.project_id).cloned().unwrap_or_default();
    }
    Ok(due)
}

/// Of these due follow-ups, those recorded or already reminded of, as
/// `(project, point, due day)`.
async fn settled(
    db: &impl ConnectionTrait,
    due: &[Due],
) -> Result<HashSet<(i64, FollowUpPoint, NaiveDate)>, DbErr> {
    let mut done = HashSet::new();
    let projects: Vec<i64> = due.iter().map(|d| d.project_id).collect();
    for chunk in projects.chunks(500) {
        let recorded: Vec<(i64, FollowUpPoint, NaiveDate)> = project_follow_up::Entity::find()
            .select_only()
            .columns([
                project_follow_up::Column::ProjectId,
                project_follow_up::Column::Point,
                project_follow_up::Column::CompletedOn,
            ])
            .filter(project_follow_up::Column::ProjectId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        done.extend(
            recorded
                .into_iter()
                .map(|(project, point, completed_on)| (project, point, point.due_on(completed_on))),
        );
        let reminded: Vec<(i64, FollowUpPoint, NaiveDate)> = follow_up_reminder::Entity::find()
            .select_only()
            .columns([
                follow_up_reminder::Column::ProjectId,
                follow_up_reminder::Column::Point,
                follow_up_reminder::Column::DueOn,
            ])
            .filter(follow_up_reminder::Column::ProjectId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        done.extend(reminded);
    }
    Ok(done)
}

/// Claims the reminder of a due follow-up: true for the one node (and the one time) that
/// inserts it.
pub async fn claim_reminder(db: &impl ConnectionTrait, due: &Due) -> Result<bool, DbErr> {
    let inserted = follow_up_reminder::Entity::insert(follow_up_reminder::ActiveModel {
        project_id: Set(due.project_id),
        point: Set(due.point),
        due_on: Set(due.due_on),
        sent_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            follow_up_reminder::Column::ProjectId,
            follow_up_reminder::Column::Point,
            follow_up_reminder::Column::DueOn,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Every follow-up recorded, by project, in the order the dashboard reads them (the day it was
/// judged, the 12-month one after the 6-month one on the same day: `follow_up::latest`'s order).
pub async fn facts(db: &impl ConnectionTrait) -> Result<HashMap<i64, Vec<FollowUpFact>>, DbErr> {
    let rows: Vec<(i64, NaiveDate, FollowUpPoint, NaiveDate, Lasting)> =
        project_follow_up::Entity::find()
            .select_only()
            .columns([
                project_follow_up::Column::ProjectId,
                project_follow_up::Column::RecordedOn,
                project_follow_up::Column::Point,
                project_follow_up::Column::CompletedOn,
                project_follow_up::Column::Outcome,
            ])
            .into_tuple()
            .all(db)
            .await?;
    let mut by_project: HashMap<i64, Vec<(NaiveDate, FollowUpPoint, FollowUpFact)>> =
        HashMap::new();
    for (project_id, recorded_on, point, completed_on, lasting) in rows {
        by_project.entry(project_id).or_default().push((
            recorded_on,
            point,
            FollowUpFact {
                recorded_on,
                completed_on,
                lasting,
            },
        ));
    }
    Ok(by_project
        .into_iter()
        .map(|(project_id, mut found)| {
            found.sort_by_key(|(on, point, _)| (*on, *point));
            (project_id, found.into_iter().map(|(_, _, f)| f).collect())
        })
        .collect())
}
