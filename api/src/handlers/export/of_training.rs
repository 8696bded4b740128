//! The training exports: courses and cohorts as their lists show them, and each person's
//! capability tier as their tier's page shows it (staff data: only the people whose record the
//! caller may see).

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use qi_shared::{
    capability::PersonTier,
    export::{CohortExportQuery, CourseExportQuery, ExportFormat, TierExportQuery},
    problem::Problem,
    training::{CohortSummary, Course},
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
