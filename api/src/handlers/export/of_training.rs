//! The training exports: courses, cohorts and enrolments as their lists show them, coaching
//! sessions as their projects' lists show them, and each person's capability tier as their
//! tier's page shows it (staff data: only the people whose record the caller may see).

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use qi_shared::{
    capability::{PersonTier, coaching::CoachingSession},
    export::{
        CoachingExportQuery, CohortExportQuery, CourseExportQuery, EnrolmentExportQuery,
        ExportFormat, TierExportQuery,
    },
    problem::Problem,
    training::{CohortSummary, Course, Enrolment},
    uk_time,
};
use sea_orm::{ColumnTrait, Condition};

use super::{PAGE, Row, streamed};
use crate::{
    auth::AuthUser,
    db::{self, entity::person},
    error::ApiResult,
    extract::Query,
    state::AppState,
};

impl Row for Course {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Row for CohortSummary {
    fn key(&self) -> i64 {
        self.id
    }
}

/// Enrolments come a cohort at a time (each cohort's in its list's order), so their pages follow
/// cohort ids.
impl Row for Enrolment {
    fn key(&self) -> i64 {
        self.cohort_id
    }
}

impl Row for CoachingSession {
    fn key(&self) -> i64 {
        self.id
    }
}

/// Cohorts an enrolments page holds (whole cohorts, a few dozen places each).
const COHORTS_A_PAGE: u64 = 50;

impl Row for PersonTier {
    fn key(&self) -> i64 {
        self.person_id
    }
}

/// Every course of the catalogue, as the course list shows each (`Course`), in id order.
///
/// NDJSON (the default) or CSV (`format=csv`, text cells neutralised as for projects). Filters
/// as the course list's but its word search. Streamed as the projects export. API tokens need
/// `read_training`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_courses",
    security(("bearer" = [])),
    params(CourseExportQuery),
    responses(
        (status = 200, description = "The courses, streamed: NDJSON, one Course a line, or CSV",
            content(
                (Course = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"courses.ndjson\" or \"courses.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format` or `tier`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_training scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/courses")]
pub async fn courses(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<CourseExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = db::training::courses::matching(query.tier, query.provider_organisation_id);
    // One day for the whole export, so every row counts upcoming cohorts alike.
    let today = uk_time::day_of(Utc::now());
    let actor = user.0;
    let first =
        db::training::courses::after(&state.db, &actor, condition.clone(), (0, PAGE), today)
            .await?;
    Ok(streamed("courses", format, first, move |after| {
        let (db, actor, condition) = (state.db.clone(), actor.clone(), condition.clone());
        async move { db::training::courses::after(&db, &actor, condition, (after, PAGE), today).await }
    }))
}

/// Every cohort, of one course or all, as the cohort list shows each (`CohortSummary`), in id
/// order.
///
/// NDJSON (the default) or CSV (`format=csv`, text cells neutralised as for projects). Filters
/// as the cohort list's. Streamed as the projects export. API tokens need `read_training`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_cohorts",
    security(("bearer" = [])),
    params(CohortExportQuery),
    responses(
        (status = 200, description = "The cohorts, streamed: NDJSON, one CohortSummary a line, or CSV",
            content(
                (CohortSummary = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"cohorts.ndjson\" or \"cohorts.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format` or `when`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_training scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/cohorts")]
pub async fn cohorts(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<CohortExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let today = uk_time::day_of(Utc::now());
    let condition = db::training::cohorts::matching(query.course_id, query.when, today);
    let first = db::training::cohorts::after(&state.db, condition.clone(), 0, PAGE).await?;
    Ok(streamed("cohorts", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move { db::training::cohorts::after(&db, condition, after, PAGE).await }
    }))
}

/// Each person's capability tier, as `GET /capability/people/{id}/tier` shows it
/// (`PersonTier`: the tier held, what their record earns and why, any override, the history),
/// for the people whose record you may see: yourself; as an organisation's admin (or its API
/// token) its people; as a partnership admin everyone. In person id order.
///
/// NDJSON (the default) or CSV (`format=csv`: one row a person, the tier held and since when,
/// the derived tier with its reasons joined with `;`, the override; the history only in NDJSON).
/// Staff data: every export is in the audit log. Streamed as the projects export. API tokens
/// need `read_training`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_capability_tiers",
    security(("bearer" = [])),
    params(TierExportQuery),
    responses(
        (status = 200, description = "The tiers, streamed: NDJSON, one PersonTier a line, or CSV",
            content(
                (PersonTier = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"capability-tiers.ndjson\" or \"capability-tiers.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_training scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/capability-tiers")]
pub async fn capability_tiers(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<TierExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = Condition::all()
        .add(db::people::viewable(&user))
        .add_option(
            query
                .organisation_id
                .map(|o| person::Column::OrganisationId.eq(o)),
        );
    // One instant for the whole export: every derived tier as of the same day.
    let now = Utc::now();
    let first = db::capability::tiers_after(&state.db, condition.clone(), 0, PAGE, now).await?;
    Ok(streamed("capability-tiers", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move { db::capability::tiers_after(&db, condition, after, PAGE, now).await }
    }))
}

/// Every enrolment you may see, a cohort at a time in cohort id order, each cohort's as its
/// enrolments list shows it (`Enrolment`: places, then the waiting list in order with positions,
/// then withdrawals; sessions attended). Yours; as an organisation's admin (or its API token) your
/// organisation's people's and everyone's on the courses it runs; as a facilitator everyone's on
/// your cohorts; as a partnership admin all.
///
/// NDJSON (the default) or CSV (`format=csv`, text cells neutralised as for projects). Staff
/// data: every export is in the audit log. Streamed as the projects export. API tokens need
/// `read_training`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_enrolments",
    security(("bearer" = [])),
    params(EnrolmentExportQuery),
    responses(
        (status = 200, description = "The enrolments, streamed: NDJSON, one Enrolment a line, or CSV",
            content(
                (Enrolment = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"enrolments.ndjson\" or \"enrolments.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format` or `status`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_training scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/enrolments")]
pub async fn enrolments(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<EnrolmentExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = Condition::all()
        .add(db::training::enrolments::visible(&user))
        .add(db::training::enrolments::matching(&query));
    let first =
        db::training::enrolments::of_cohorts_after(&state.db, condition.clone(), 0, COHORTS_A_PAGE)
            .await?;
    Ok(streamed("enrolments", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move {
            db::training::enrolments::of_cohorts_after(&db, condition, after, COHORTS_A_PAGE).await
        }
    }))
}

/// Every coaching session on the projects you may see, in id order, as the project's sessions
/// list shows each (`CoachingSession`): notes and agreed actions only on projects whose team you
/// are on, so never to an API token.
///
/// NDJSON (the default) or CSV (`format=csv`, text cells neutralised as for projects). Staff
/// data: every export is in the audit log. Streamed as the projects export. API tokens need
/// `read_training`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_coaching_sessions",
    security(("bearer" = [])),
    params(CoachingExportQuery),
    responses(
        (status = 200, description = "The sessions, streamed: NDJSON, one CoachingSession a line, or CSV",
            content(
                (CoachingSession = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"coaching-sessions.ndjson\" or \"coaching-sessions.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_training scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/coaching-sessions")]
pub async fn coaching_sessions(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<CoachingExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = db::capability::coaching::exported(&user, &query);
    let actor = user.0;
    let first =
        db::capability::coaching::after(&state.db, &actor, condition.clone(), 0, PAGE).await?;
    Ok(streamed("coaching-sessions", format, first, move |after| {
        let (db, actor, condition) = (state.db.clone(), actor.clone(), condition.clone());
        async move { db::capability::coaching::after(&db, &actor, condition, after, PAGE).await }
    }))
}
