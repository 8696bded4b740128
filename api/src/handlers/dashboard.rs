//! The partnership's own measures: the catalogue, the dashboard, one metric's monthly series
//! and the organisations side by side, counted from the facts the node keeps
//! (`cache::dashboard`).
//!
//! The figures are counts and shares across the partnership: every signed-in person may read
//! them, as the partnership reports them in the open. The lists behind them name only the
//! projects and people the reader may see.

use std::sync::Arc;

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use qi_shared::{
    dashboard::{
        self, Breakdown, BreakdownQuery, Comparison, Dashboard, DashboardQuery, Facts, Member,
        MemberKind, Members, MembersQuery, Metric, MetricDefinition, MetricMembers, MetricSeries,
        SeriesQuery,
    },
    page::PageInfo,
    problem::Problem,
    uk_time,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, invalid, not_found},
    extract::Query,
    state::AppState,
};

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(catalogue)
        .service(show)
        .service(organisations)
        .service(breakdown)
        .service(series)
        .service(members);
}

/// The organisation asked for exists (else a 422 naming the field).
async fn check_organisation(state: &AppState, id: Option<i64>) -> ApiResult<()> {
    if let Some(id) = id {
        db::organisations::find(&state.db, id)
            .await?
            .ok_or_else(|| invalid("organisation_id", "No such organisation"))?;
    }
    Ok(())
}

/// Counts on a blocking thread: a figure over 100,000 projects takes a few milliseconds of CPU,
/// which a worker serving requests should not spend.
pub(crate) async fn count<T: Send + 'static>(
    facts: Arc<Facts>,
    work: impl FnOnce(&Facts) -> T + Send + 'static,
) -> ApiResult<T> {
    web::block(move || work(&facts))
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("counting the dashboard")))
}

/// Every metric the dashboard counts: its name, definition, unit, how it is counted and which
/// way is better.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "metric_catalogue",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalogue, in the dashboard's order", body = Vec<MetricDefinition>),
    )
)]
#[get("/dashboard/metrics")]
pub async fn catalogue(_user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(dashboard::catalogue())
}

/// Every metric for the partnership or one organisation as of a day: the headline figure (a
/// level on the day; a count over the year to the day), the last 24 months and how they read
/// (run or XmR chart, variation and assurance icons), and the parts of the self-sustainability
/// index.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "show_dashboard",
    security(("bearer" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The dashboard", body = Dashboard),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<DashboardQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = query.day(uk_time::day_of(Utc::now()))?;
    check_organisation(&state, query.organisation_id).await?;
    let facts = state
        .dashboard
        .facts(&state.db, Some(user.0.person_id))
        .await?;
    let organisation_id = query.organisation_id;
    let body = count(facts, move |f| {
        dashboard::dashboard(f, organisation_id, as_of)
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Every organisation's headline figures beside the partnership's, as of a day.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "compare_organisations",
    security(("bearer" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The partnership first, then each organisation by name", body = Comparison),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in the future", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/organisations")]
pub async fn organisations(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<DashboardQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = query.day(uk_time::day_of(Utc::now()))?;
    let organisations: Vec<(i64, String)> = db::organisations::names(&state.db)
        .await?
        .into_iter()
        .filter(|(id, _)| query.organisation_id.is_none_or(|o| o == *id))
        .collect();
    let facts = state
        .dashboard
        .facts(&state.db, Some(user.0.person_id))
        .await?;
    let body = count(facts, move |f| {
        dashboard::comparison(f, &organisations, as_of)
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The project figures broken down by project type (QI project, clinical audit, service
/// evaluation) or by the quality dimension the projects serve, for the partnership or one
/// organisation, as of a day. The first row counts every project; a project serving several
/// dimensions counts in each of their rows.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "dashboard_breakdown",
    security(("bearer" = [])),
    params(BreakdownQuery),
    responses(
        (status = 200, description = "Every project first, then each type or dimension", body = Breakdown),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/breakdown")]
pub async fn breakdown(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<BreakdownQuery>,
) -> ApiResult<HttpResponse> {
    let (by, as_of) = query.validate(uk_time::day_of(Utc::now()))?;
    check_organisation(&state, query.organisation_id).await?;
    let facts = state
        .dashboard
        .facts(&state.db, Some(user.0.person_id))
        .await?;
    let organisation_id = query.organisation_id;
    let body = count(facts, move |f| {
        dashboard::breakdown(f, by, organisation_id, as_of)
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// One metric month by month (up to 120 months), for the partnership or one organisation, as
/// of a day, with its headline figure, how the series reads and the monthly figure of the
/// scope's strategy target covering the day (a count over a period spread over its months).
#[utoipa::path(
    tag = "dashboard",
    operation_id = "metric_series",
    security(("bearer" = [])),
    params(("metric" = Metric, Path, description = "The metric's id"), SeriesQuery),
    responses(
        (status = 200, description = "The series", body = MetricSeries),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such metric", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The months or the day are not valid, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/metrics/{metric}")]
pub async fn series(
    state: web::Data<AppState>,
    user: AuthUser,
    metric: web::Path<String>,
    Query(query): Query<SeriesQuery>,
) -> ApiResult<HttpResponse> {
    let metric = Metric::parse(&metric).ok_or_else(|| not_found("Metric"))?;
    let query = query.validate(uk_time::day_of(Utc::now()))?;
    check_organisation(&state, query.organisation_id).await?;
    // The line of the scope's own target covering the day, as a monthly figure.
    let target = db::targets::covering(&state.db, metric, query.organisation_id, query.as_of)
        .await?
        .map(|t| db::targets::definition(&t).monthly_value());
    let facts = state
        .dashboard
        .facts(&state.db, Some(user.0.person_id))
        .await?;
    let body = count(facts, move |f| {
        dashboard::series(
            f,
            metric,
            query.organisation_id,
            (query.from, query.to),
            query.as_of,
            target,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The projects or people behind a figure (the headline's, or one month's), those the reader
/// may see: projects by the project page's rule, people only to a partnership admin or to an
/// organisation admin for their own organisation's. `hidden` says how many more the figure
/// counts.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "metric_members",
    security(("bearer" = [])),
    params(("metric" = Metric, Path, description = "The metric's id"), MembersQuery),
    responses(
        (status = 200, description = "A page of the projects or people counted", body = MetricMembers),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such metric", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day, month or page is not valid, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/metrics/{metric}/members")]
pub async fn members(
    state: web::Data<AppState>,
    user: AuthUser,
    metric: web::Path<String>,
    Query(query): Query<MembersQuery>,
) -> ApiResult<HttpResponse> {
    let metric = Metric::parse(&metric).ok_or_else(|| not_found("Metric"))?;
    let query = query.validate(metric, uk_time::day_of(Utc::now()))?;
    check_organisation(&state, query.organisation_id).await?;
    let facts = state
        .dashboard
        .facts(&state.db, Some(user.0.person_id))
        .await?;
    let (scope, period, as_of) = (query.organisation_id, query.period, query.as_of);
    let found = count(facts, move |f| f.members(metric, scope, period, as_of)).await?;
    let pages = (query.page, query.per_page);
    let (kind, items, total, hidden) = match found {
        Members::Projects(ids) => {
            let (summaries, total, hidden) =
                db::projects::visible_page(&state.db, &state.project_lists, &user, &ids, pages)
                    .await?;
            let items = summaries
                .into_iter()
                .map(|p| Member {
                    id: p.id,
                    name: p.title,
                    organisation_name: p.lead_organisation.name,
                })
                .collect();
            (MemberKind::Projects, items, total, hidden)
        }
        Members::People(pairs) => {
            let visible: Vec<(i64, i64)> = pairs
                .iter()
                .copied()
                .filter(|(_, org)| user.can_manage_people_in(*org))
                .collect();
            let hidden = (pairs.len() - visible.len()) as u64;
            let offset = usize::try_from((query.page - 1) * query.per_page).unwrap_or(usize::MAX);
            let limit = usize::try_from(query.per_page).unwrap_or(usize::MAX);
            let on_page: Vec<(i64, i64)> =
                visible.iter().skip(offset).take(limit).copied().collect();
            let ids: Vec<i64> = on_page.iter().map(|(id, _)| *id).collect();
            let names = db::dashboard::people_named(&state.db, &ids).await?;
            let org_names: std::collections::HashMap<i64, String> =
                db::organisations::names(&state.db)
                    .await?
                    .into_iter()
                    .collect();
            let items = on_page
                .into_iter()
                .map(|(id, org)| Member {
                    id,
                    name: names.get(&id).cloned().unwrap_or_default(),
                    organisation_name: org_names.get(&org).cloned().unwrap_or_default(),
                })
                .collect();
            (MemberKind::People, items, visible.len() as u64, hidden)
        }
        Members::NotListed => (MemberKind::NotListed, Vec::new(), 0, 0),
    };
    Ok(HttpResponse::Ok().json(MetricMembers {
        metric,
        kind,
        from: period.from,
        to: period.to.min(as_of),
        items,
        page: PageInfo::exact(query.page, query.per_page, total),
        hidden,
    }))
}
