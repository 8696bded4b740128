//! Demo coaching sessions, then every demo person's tier derived from their record.
//!
//! Each coach of an active or completed project meets its team every five to seven weeks from
//! the day it became active until it completed (or today), within the last year. Then every
//! person's tier is refreshed: their first refresh builds their history from the dates of their
//! facts, so the tier counts of a past day are what they would have been then.

use qi_shared::uk_time;
use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use qi_shared::{
    capability::coaching::CoachingModel,
    project::{ProjectStatus, TeamRole},
};
use sea_orm::{
    ActiveValue::Set,
    ConnectionTrait, EntityTrait,
    sea_query::{Expr, ExprTrait, Order, Query},
};

use crate::db::{capability::facts_changed, entity::capability::coaching_session};

/// The demo coach who must be Lead once Live (`DEMO_LOGINS`).
const DEMO_COACH: &str = "coach@demo.qicommons.org";
const MIN_DEMO_COACH_SESSIONS: usize = 3;

/// (model, notes, agreed actions), used in turn.
const TALKS: &[(CoachingModel, &str, &str)] = &[
    (
        CoachingModel::Grow,
        "Revisited the aim: the team agreed it is still the right one. Reality: the run chart shows six points above the median since the checklist started, but night shifts use it less.",
        "Ask the night sister to test the checklist on two shifts; add a median line to the chart.",
    ),
    (
        CoachingModel::Clear,
        "Contracted for three sessions. Listened to the frustration about data collection taking too long; explored sampling ten patients a week instead of all.",
        "Switch to a weekly sample of ten; review the operational definition with the data team.",
    ),
    (
        CoachingModel::Oscar,
        "Outcome: fewer delays at discharge. Situation: pharmacy turnaround is the bottleneck. Choices: earlier TTO ordering, a pharmacy huddle, or ward-based dispensing.",
        "Run a one-week PDSA of TTOs ordered the day before; the lead to speak to the pharmacy manager.",
    ),
    (
        CoachingModel::Grow,
        "The PDSA results were mixed: the change worked on weekdays only. Options discussed: a weekend champion, a simpler form, or stopping the test.",
        "Adapt: find a weekend champion and repeat the cycle for two weekends.",
    ),
    (
        CoachingModel::Other,
        "Action learning set with the whole team: each member described one barrier; the team chose the two they can influence.",
        "Update the driver diagram with the two barriers; share it at the ward meeting.",
    ),
];

struct Coached {
    project_id: i64,
    coach_id: i64,
    coach_email: String,
    /// The first day it was active, and the day it completed or was abandoned.
    active_from: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
}

async fn coached_projects(db: &impl ConnectionTrait) -> anyhow::Result<Vec<Coached>> {
    let rows = db
        .query_all(
            &Query::select()
                .column(("project_members", "project_id"))
                .column(("project_members", "person_id"))
                .column(("people", "email"))
                .column(("projects", "status"))
                .column(("projects", "start_date"))
                .column(("projects", "expected_end_date"))
                .from("project_members")
                .inner_join(
                    "projects",
                    Expr::col(("projects", "id")).equals(("project_members", "project_id")),
                )
                .inner_join(
                    "people",
                    Expr::col(("people", "id")).equals(("project_members", "person_id")),
                )
                .and_where(Expr::col(("project_members", "role")).eq(TeamRole::Coach))
                .order_by(("project_members", "project_id"), Order::Asc)
                .order_by(("project_members", "person_id"), Order::Asc)
                .to_owned(),
        )
        .await?;
    let mut changes: HashMap<i64, Vec<(ProjectStatus, NaiveDate)>> = HashMap::new();
    for row in db
        .query_all(
            &Query::select()
                .columns(["project_id", "status", "changed_at"])
                .from("project_status_changes")
                .order_by("changed_at", Order::Asc)
                .to_owned(),
        )
        .await?
    {
        let status: ProjectStatus = row.try_get("", "status")?;
        let at: DateTime<Utc> = row.try_get("", "changed_at")?;
        changes
            .entry(row.try_get("", "project_id")?)
            .or_default()
            .push((status, uk_time::day_of(at)));
    }
    let mut coached = Vec::with_capacity(rows.len());
    for row in rows {
        let project_id: i64 = row.try_get("", "project_id")?;
        let history = changes.get(&project_id).map(Vec::as_slice).unwrap_or(&[]);
        let status: ProjectStatus = row.try_get("", "status")?;
        let start: Option<NaiveDate> = row.try_get("", "start_date")?;
        let end: Option<NaiveDate> = row.try_get("", "expected_end_date")?;
        // Active from its start date (as `db::capability::facts` reads it), else from when it
        // was marked active.
        let marked_active = history
            .iter()
            .find(|(s, _)| *s == ProjectStatus::Active)
            .map(|(_, on)| *on);
        let active_from = match (marked_active, start) {
            (Some(marked), Some(start)) => Some(std::cmp::min(marked, start)),
            (marked, _) => marked,
        };
        let marked_ended = history
            .iter()
            .find(|(s, _)| matches!(s, ProjectStatus::Completed | ProjectStatus::Abandoned))
            .map(|(_, on)| *on);
        let ended_on = match (status, marked_ended, end) {
            (ProjectStatus::Completed | ProjectStatus::Abandoned, Some(marked), Some(end)) => {
                Some(std::cmp::min(marked, end))
            }
            (_, marked, _) => marked,
        };
        coached.push(Coached {
            project_id,
            coach_id: row.try_get("", "person_id")?,
            coach_email: row.try_get("", "email")?,
            active_from,
            ended_on,
        });
    }
    Ok(coached)
}

fn session_row(
    c: &Coached,
    held_on: NaiveDate,
    turn: usize,
    now: DateTime<Utc>,
) -> coaching_session::ActiveModel {
    let (model, notes, actions) = TALKS[turn % TALKS.len()];
    coaching_session::ActiveModel {
        project_id: Set(c.project_id),
        coach_id: Set(c.coach_id),
        held_on: Set(held_on),
        minutes: Set([45, 60, 60, 90, 30][turn % 5]),
        model: Set(model),
        notes: Set(notes.to_owned()),
        actions: Set(actions.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let now = Utc::now();
    let today = uk_time::day_of(now);
    let year_ago = today.checked_sub_days(Days::new(365)).unwrap_or(today);
    let coached = coached_projects(db).await?;
    let mut rows = Vec::new();
    let mut demo_coach_sessions = 0;
    for (i, c) in coached.iter().enumerate() {
        let Some(active_from) = c.active_from else {
            continue;
        };
        let until = std::cmp::min(c.ended_on.unwrap_or(today), today);
        // The first session a week or two after the project started, then every 5-7 weeks.
        let mut day = std::cmp::max(active_from, year_ago) + Days::new(7 + (i as u64 % 8));
        let mut turn = i;
        while day <= until {
            rows.push(session_row(c, day, turn, now));
            if c.coach_email == DEMO_COACH {
                demo_coach_sessions += 1;
            }
            turn += 1;
            day = day + Days::new(35 + (turn as u64 % 3) * 7);
        }
    }
    // The demo coach shows a Lead: top up their first coached project if its dates left too few.
    if let Some(c) = coached.iter().find(|c| c.coach_email == DEMO_COACH) {
        let mut turn = 0;
        while demo_coach_sessions < MIN_DEMO_COACH_SESSIONS {
            let day = today
                .checked_sub_days(Days::new(10 + 30 * turn as u64))
                .unwrap_or(today);
            rows.push(session_row(c, day, turn, now));
            demo_coach_sessions += 1;
            turn += 1;
        }
    }
    let sessions = rows.len();
    for chunk in rows.chunks(500) {
        coaching_session::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }

    let people: Vec<i64> = db
        .query_all(
            &Query::select()
                .column("id")
                .from("people")
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| row.try_get("", "id"))
        .collect::<Result<_, _>>()?;
    facts_changed(db, people.iter().copied(), now).await?;
    tracing::debug!(sessions, people = people.len(), "seeded coaching and tiers");
    Ok(())
}
