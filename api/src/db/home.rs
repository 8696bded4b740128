//! A person's home page: their projects, the measures whose data is due, their coaching, their
//! courses and their tier, each read with one or two queries.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qi_shared::{
    access::Actor,
    home::{
        Home, HomeCourse, HomeMeasure, HomeProject, HomeTier, HomeTrainingSession, MAX_COACHING,
        MAX_COURSES, MAX_MEASURES, MAX_PROJECTS, MAX_TRAINING_SESSIONS,
    },
    period::{DataDue, due_on, next_due},
    project::ProjectStatus,
    score::ProgressScore,
    training::EnrolmentStatus,
    uk_time,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Order, Query, SelectStatement},
};

use super::{
    capability::{self, coaching},
    entity::{
        measure, measure_point, project, project_member,
        training::{cohort, cohort_session, course, enrolment},
    },
};

/// The ids of the projects a person is on the team of, as a subquery.
fn on_team(person_id: i64) -> SelectStatement {
    Query::select()
        .column(project_member::Column::ProjectId)
        .from(project_member::Entity)
        .and_where(Expr::col(project_member::Column::PersonId).eq(person_id))
        .to_owned()
}

/// The projects a person is on the team of, most recently updated first, and how many.
async fn projects(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<(Vec<HomeProject>, u64), DbErr> {
    let total = project_member::Entity::find()
        .filter(project_member::Column::PersonId.eq(person_id))
        .count(db)
        .await?;
    let rows = db
        .query_all(
            &Query::select()
                .column(("projects", "id"))
                .column(("projects", "title"))
                .column(("projects", "status"))
                .column(("projects", "score_tenths"))
                .column(("projects", "updated_at"))
                .column(("project_members", "role"))
                .from("project_members")
                .inner_join(
                    "projects",
                    Expr::col(("projects", "id")).equals(("project_members", "project_id")),
                )
                .and_where(Expr::col(("project_members", "person_id")).eq(person_id))
                .order_by(("projects", "updated_at"), Order::Desc)
                .order_by(("projects", "id"), Order::Desc)
                .limit(MAX_PROJECTS)
                .to_owned(),
        )
        .await?;
    let projects = rows
        .into_iter()
        .map(|row| {
            Ok(HomeProject {
                id: row.try_get("", "id")?,
                title: row.try_get("", "title")?,
                role: row.try_get("", "role")?,
                status: row.try_get("", "status")?,
                score: row
                    .try_get::<Option<i32>>("", "score_tenths")?
                    .and_then(ProgressScore::from_tenths),
                updated_at: row.try_get("", "updated_at")?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    Ok((projects, total))
}

#[derive(FromQueryResult)]
struct LatestPoint {
    measure_id: i64,
    last_date: Option<NaiveDate>,
}

/// The measures of a person's proposed and active projects with when their data is due: the
/// most pressing first; how many there are and how many are due or overdue.
async fn measures(
    db: &impl ConnectionTrait,
    person_id: i64,
    today: NaiveDate,
) -> Result<(Vec<HomeMeasure>, u64, u64), DbErr> {
    // Data is not collected for a project that has ended.
    let projects: HashMap<i64, String> = project::Entity::find()
        .filter(project::Column::Id.in_subquery(on_team(person_id)))
        .filter(project::Column::Status.is_in([ProjectStatus::Proposed, ProjectStatus::Active]))
        .select_only()
        .column(project::Column::Id)
        .column(project::Column::Title)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if projects.is_empty() {
        return Ok((Vec::new(), 0, 0));
    }
    let rows = measure::Entity::find()
        .filter(measure::Column::ProjectId.is_in(projects.keys().copied()))
        .all(db)
        .await?;
    let latest: HashMap<i64, Option<NaiveDate>> = measure_point::Entity::find()
        .select_only()
        .column(measure_point::Column::MeasureId)
        .column_as(measure_point::Column::PeriodDate.max(), "last_date")
        .filter(measure_point::Column::MeasureId.is_in(rows.iter().map(|m| m.id)))
        .group_by(measure_point::Column::MeasureId)
        .into_model::<LatestPoint>()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.measure_id, p.last_date))
        .collect();
    let mut measures: Vec<HomeMeasure> = rows
        .into_iter()
        .filter_map(|m| {
            let last_date = latest.get(&m.id).copied().flatten();
            let due = next_due(m.frequency, last_date, uk_time::day_of(m.created_at))?;
            Some(HomeMeasure {
                project_title: projects.get(&m.project_id).cloned().unwrap_or_default(),
                id: m.id,
                name: m.name,
                project_id: m.project_id,
                frequency: m.frequency,
                last_date,
                next_due: due,
                due: due_on(due, m.frequency, today),
            })
        })
        .collect();
    measures.sort_by_key(|m| (m.due, m.next_due, m.id));
    let total = measures.len() as u64;
    let due = measures.iter().filter(|m| m.due != DataDue::NotYet).count() as u64;
    measures.truncate(MAX_MEASURES as usize);
    Ok((measures, total, due))
}

/// A person's cohorts (withdrawn ones left out): those not yet ended soonest first, then the
/// rest latest first; and the soonest training sessions to come in the cohorts they hold a place
/// in or wait for.
async fn training(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<HomeCourse>, Vec<HomeTrainingSession>), DbErr> {
    let enrolments = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person_id))
        .filter(enrolment::Column::Status.ne(EnrolmentStatus::Withdrawn))
        .all(db)
        .await?;
    if enrolments.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let cohorts: HashMap<i64, cohort::Model> = cohort::Entity::find()
        .filter(cohort::Column::Id.is_in(enrolments.iter().map(|e| e.cohort_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let titles: HashMap<i64, String> = course::Entity::find()
        .filter(course::Column::Id.is_in(cohorts.values().map(|c| c.course_id)))
        .select_only()
        .column(course::Column::Id)
        .column(course::Column::Title)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let title_of = |c: &cohort::Model| titles.get(&c.course_id).cloned().unwrap_or_default();
    let mut courses: Vec<HomeCourse> = enrolments
        .iter()
        .filter_map(|e| {
            let c = cohorts.get(&e.cohort_id)?;
            Some(HomeCourse {
                cohort_id: c.id,
                course_id: c.course_id,
                course_title: title_of(c),
                cohort_name: c.name.clone(),
                start_date: c.start_date,
                end_date: c.end_date,
                status: e.status,
            })
        })
        .collect();
    let today = uk_time::day_of(now);
    courses.sort_by_key(|c| {
        let ended = c.end_date < today;
        // Not ended: soonest first; ended: latest first.
        let order = if ended {
            -c.start_date.num_days_from_ce()
        } else {
            c.start_date.num_days_from_ce()
        };
        (ended, order, c.cohort_id)
    });
    courses.truncate(MAX_COURSES as usize);

    let status: HashMap<i64, EnrolmentStatus> = enrolments
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                EnrolmentStatus::Enrolled | EnrolmentStatus::Waitlisted
            )
        })
        .map(|e| (e.cohort_id, e.status))
        .collect();
    let sessions = cohort_session::Entity::find()
        .filter(cohort_session::Column::CohortId.is_in(status.keys().copied()))
        .filter(cohort_session::Column::StartsAt.gte(now))
        .order_by_asc(cohort_session::Column::StartsAt)
        .order_by_asc(cohort_session::Column::Id)
        .limit(MAX_TRAINING_SESSIONS)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let c = cohorts.get(&s.cohort_id)?;
            Some(HomeTrainingSession {
                id: s.id,
                cohort_id: s.cohort_id,
                course_title: title_of(c),
                cohort_name: c.name.clone(),
                title: s.title,
                starts_at: s.starts_at,
                length_minutes: u32::try_from(s.length_minutes).unwrap_or(0),
                status: status.get(&s.cohort_id).copied()?,
            })
        })
        .collect();
    Ok((courses, sessions))
}

/// The home page of the signed-in person `viewer`; `None` if they no longer exist.
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<Home>, DbErr> {
    let person_id = viewer.person_id;
    let Some(tier) = capability::person_tier(db, person_id, now).await? else {
        return Ok(None);
    };
    let (projects, project_count) = projects(db, person_id).await?;
    let (measures, measure_count, measures_due) =
        measures(db, person_id, uk_time::day_of(now)).await?;
    // Notes and actions are read on the project's page, where `can_read_notes` decides.
    let (coaching, coaching_count) =
        coaching::of_person(db, person_id, viewer, MAX_COACHING).await?;
    let (courses, training_sessions) = training(db, person_id, now).await?;
    Ok(Some(Home {
        projects,
        project_count,
        measures,
        measure_count,
        measures_due,
        coaching: coaching
            .into_iter()
            .map(qi_shared::capability::coaching::CoachingSession::redacted)
            .collect(),
        coaching_count,
        courses,
        training_sessions,
        tier: HomeTier::of(&tier),
    }))
}

/// The measures of a person's proposed and active projects whose data is due or overdue, the
/// most pressing first (for the data-due reminder).
pub async fn measures_due(
    db: &impl ConnectionTrait,
    person_id: i64,
    today: NaiveDate,
) -> Result<Vec<HomeMeasure>, DbErr> {
    let (measures, _, _) = measures(db, person_id, today).await?;
    Ok(measures
        .into_iter()
        .filter(|m| m.due != DataDue::NotYet)
        .collect())
}

/// The people on the team of a proposed or active project that has measures: those who may
/// have data due.
pub async fn people_with_measures(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    project_member::Entity::find()
        .select_only()
        .column(project_member::Column::PersonId)
        .distinct()
        .filter(
            project_member::Column::ProjectId.in_subquery(
                Query::select()
                    .column(measure::Column::ProjectId)
                    .from(measure::Entity)
                    .to_owned(),
            ),
        )
        .into_tuple::<i64>()
        .all(db)
        .await
}
