//! A person's capability record: tier, training (the training tables, read per the contract),
//! projects and coaching.

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    access::Actor,
    capability::coaching::CoachingSession,
    capability::{PersonRecord, ProjectEntry, Tier, TrainingEntry},
    training::EnrolmentStatus,
};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait,
    sea_query::{Expr, ExprTrait, Order, Query},
};

use super::{coaching, person_tier};
use crate::db::{
    entity::{organisation, person},
    projects,
};

async fn training(db: &impl ConnectionTrait, person_id: i64) -> Result<Vec<TrainingEntry>, DbErr> {
    let attended = Query::select()
        .expr(Expr::col(("attendance", "session_id")).count())
        .from("attendance")
        .inner_join(
            "cohort_sessions",
            Expr::col(("cohort_sessions", "id")).equals(("attendance", "session_id")),
        )
        .and_where(Expr::col(("cohort_sessions", "cohort_id")).equals(("cohorts", "id")))
        .and_where(Expr::col(("attendance", "person_id")).eq(person_id))
        .and_where(Expr::col(("attendance", "present")).eq(true))
        .to_owned();
    db.query_all(
        &Query::select()
            .column(("courses", "title"))
            .column(("courses", "tier"))
            .expr_as(Expr::col(("cohorts", "name")), "cohort_name")
            .column(("cohorts", "start_date"))
            .column(("enrolments", "status"))
            .column(("enrolments", "completed_on"))
            .expr_as(Expr::from(attended), "attended")
            .from("enrolments")
            .inner_join(
                "cohorts",
                Expr::col(("cohorts", "id")).equals(("enrolments", "cohort_id")),
            )
            .inner_join(
                "courses",
                Expr::col(("courses", "id")).equals(("cohorts", "course_id")),
            )
            .and_where(Expr::col(("enrolments", "person_id")).eq(person_id))
            .order_by(("cohorts", "start_date"), Order::Desc)
            .to_owned(),
    )
    .await?
    .into_iter()
    .map(|row| {
        let attended: i64 = row.try_get("", "attended")?;
        Ok(TrainingEntry {
            course_title: row.try_get("", "title")?,
            // Strings on the wire, but read as their sets: a stored value outside one is an error.
            course_tier: row.try_get::<Tier>("", "tier")?.as_str().to_owned(),
            cohort_name: row.try_get("", "cohort_name")?,
            start_date: row.try_get::<Option<NaiveDate>>("", "start_date")?,
            status: row
                .try_get::<EnrolmentStatus>("", "status")?
                .as_str()
                .to_owned(),
            completed_on: row.try_get::<Option<NaiveDate>>("", "completed_on")?,
            sessions_attended: u64::try_from(attended).unwrap_or(0),
        })
    })
    .collect()
}

/// The projects the person is on that `viewer` may see.
async fn projects(
    db: &impl ConnectionTrait,
    person_id: i64,
    viewer: &Actor,
) -> Result<Vec<ProjectEntry>, DbErr> {
    db.query_all(
        &Query::select()
            .column(("projects", "id"))
            .column(("projects", "title"))
            .column(("projects", "status"))
            .column(("project_members", "role"))
            .from("project_members")
            .inner_join(
                "projects",
                Expr::col(("projects", "id")).equals(("project_members", "project_id")),
            )
            .and_where(Expr::col(("project_members", "person_id")).eq(person_id))
            .cond_where(projects::visible(viewer))
            .order_by(("projects", "title"), Order::Asc)
            .to_owned(),
    )
    .await?
    .into_iter()
    .map(|row| {
        Ok(ProjectEntry {
            project_id: row.try_get("", "id")?,
            title: row.try_get("", "title")?,
            role: row.try_get("", "role")?,
            status: row.try_get("", "status")?,
        })
    })
    .collect()
}

/// The whole record as `viewer` may see it: projects (and their coaching) only where the
/// project page would show them the project, whatever their right to see the person. Session
/// notes are kept only for the person themself (who gave the sessions or is on the team that
/// received them).
pub async fn get(
    db: &impl ConnectionTrait,
    person_id: i64,
    viewer: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<PersonRecord>, DbErr> {
    let with_notes = viewer.person_id == person_id;
    let Some(person) = person::Entity::find_by_id(person_id).one(db).await? else {
        return Ok(None);
    };
    let Some(tier) = person_tier(db, person_id, now).await? else {
        return Ok(None);
    };
    let organisation_name = organisation::Entity::find_by_id(person.organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let projects = projects(db, person_id, viewer).await?;
    let redact = |sessions: Vec<CoachingSession>| -> Vec<CoachingSession> {
        if with_notes {
            sessions
        } else {
            sessions
                .into_iter()
                .map(CoachingSession::redacted)
                .collect()
        }
    };
    let coaching_given = redact(coaching::given_by(db, person_id, viewer).await?);
    let coaching_received = redact(
        coaching::received_on(
            db,
            projects.iter().map(|p| p.project_id).collect(),
            person_id,
        )
        .await?,
    );
    Ok(Some(PersonRecord {
        person_id,
        name: person.name,
        organisation_id: person.organisation_id,
        organisation_name,
        job_role: person.job_role,
        tier,
        training: training(db, person_id).await?,
        projects,
        coaching_given,
        coaching_received,
    }))
}
