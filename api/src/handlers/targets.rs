//! Strategy targets: the partnership's and each organisation's targets on the dashboard's
//! metrics, with their progress as of any day and the history of their changes.
//!
//! Every signed-in person reads them, as they read the dashboard. Partnership admins set any;
//! an organisation's admins set their own organisation's only (`Actor::can_set_targets_for`).
//! Changes name the version they start from (`If-Match`).

use std::{collections::HashMap, sync::Arc};

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::{NaiveDate, Utc};
use qi_shared::{
    dashboard::{
        DashboardQuery, Facts,
        target::{AsOfQuery, Target, TargetDetail, TargetInput, TargetList, TargetQuery, progress},
    },
    problem::Problem,
    uk_time,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dashboard::count;
use crate::{
    auth::AuthUser,
    db::{self, entity::strategy_target},
    error::{ApiError, ApiResult, invalid, not_found},
    extract::{IfMatch, Json, Query, etag},
    state::AppState,
};

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(remove);
}

/// The day asked for, not in the future (else a 422 naming `as_of`).
fn day(as_of: Option<NaiveDate>) -> ApiResult<NaiveDate> {
    let query = DashboardQuery {
        organisation_id: None,
        as_of,
    };
    Ok(query.day(uk_time::day_of(Utc::now()))?)
}

/// 403 unless `user` may set targets for this scope.
fn may_set(user: &AuthUser, organisation_id: Option<i64>) -> ApiResult<()> {
    if user.can_set_targets_for(organisation_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only partnership admins, and an organisation's admins for their own organisation, may set targets",
        ))
    }
}

/// The organisation named exists (else a 422 naming the field).
async fn check_organisation(state: &AppState, id: Option<i64>) -> ApiResult<()> {
    if let Some(id) = id {
        db::organisations::find(&state.db, id)
            .await?
            .ok_or_else(|| invalid("organisation_id", "No such organisation"))?;
    }
    Ok(())
}

async fn find(state: &AppState, id: i64) -> ApiResult<strategy_target::Model> {
    db::targets::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Target"))
}

/// The targets as the API shows them, their progress counted on a blocking thread.
async fn with_progress(
    state: &AppState,
    models: Vec<strategy_target::Model>,
    as_of: NaiveDate,
    reader: i64,
) -> ApiResult<Vec<Target>> {
    let names: HashMap<i64, String> = db::organisations::names(&state.db)
        .await?
        .into_iter()
        .collect();
    let facts: Arc<Facts> = state.dashboard.facts(&state.db, Some(reader)).await?;
    count(facts, move |facts| {
        models
            .into_iter()
            .map(|m| {
                let definition = db::targets::definition(&m);
                Target {
                    id: m.id,
                    organisation_name: m.organisation_id.and_then(|id| names.get(&id).cloned()),
                    progress: progress(facts, &definition, as_of),
                    definition,
                    version: m.version,
                    created_by: m.created_by,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                }
            })
            .collect()
    })
    .await
}

/// One target with its progress and history, as the API shows it.
async fn detail(
    state: &AppState,
    model: strategy_target::Model,
    as_of: NaiveDate,
    reader: i64,
) -> ApiResult<TargetDetail> {
    let history = db::targets::history(&state.db, model.id).await?;
    let target = with_progress(state, vec![model], as_of, reader)
        .await?
        .pop()
        .ok_or_else(|| not_found("Target"))?;
    Ok(TargetDetail { target, history })
}

/// Checks a target as sent: its fields, then that its organisation exists.
async fn check(state: &AppState, input: &TargetInput) -> ApiResult<TargetInput> {
    let input = input.validate()?;
    check_organisation(state, input.organisation_id).await?;
    Ok(input)
}

/// The strategy targets with their progress as of a day: every target, or one organisation's.
/// A count's progress is judged against a straight-line expectation over its period; a level
/// or a share as it stands (see `TargetProgress`).
#[utoipa::path(
    tag = "dashboard",
    operation_id = "list_targets",
    security(("bearer" = [])),
    params(TargetQuery),
    responses(
        (status = 200, description = "The targets, the partnership's first", body = TargetList),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/targets")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<TargetQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = day(query.as_of)?;
    check_organisation(&state, query.organisation_id).await?;
    let models = db::targets::list(&state.db, query.organisation_id).await?;
    let items = with_progress(&state, models, as_of, user.0.person_id).await?;
    Ok(HttpResponse::Ok().json(TargetList { as_of, items }))
}

/// Set a target: the partnership's (`organisation_id` left out; partnership admins) or one
/// organisation's (its admins, or partnership admins).
#[utoipa::path(
    tag = "dashboard",
    operation_id = "create_target",
    security(("bearer" = [])),
    request_body = TargetInput,
    responses(
        (status = 201, description = "The target, its progress today and its history; the ETag is its version", body = TargetDetail),
        (status = 403, description = "May not set targets for this organisation or the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (the metric, the value, the period, the organisation)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dashboard/targets")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<TargetInput>,
) -> ApiResult<HttpResponse> {
    may_set(&user, body.0.organisation_id)?;
    let input = check(&state, &body.0).await?;
    let txn = state.begin_write().await?;
    let model = db::targets::create(&txn, &input, user.person_id, Utc::now()).await?;
    txn.commit().await?;
    tracing::info!(target_id = model.id, by = user.person_id, "target set");
    let id = model.id;
    let body = detail(&state, model, day(None)?, user.0.person_id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/dashboard/targets/{id}")))
        .insert_header(etag(body.target.version))
        .json(body))
}

/// One target, with its progress as of a day and its history (newest change first). The ETag
/// is its version.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "show_target",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Target id"), AsOfQuery),
    responses(
        (status = 200, description = "The target", body = TargetDetail),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target (or removed)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in the future", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/targets/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    Query(query): Query<AsOfQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = day(query.as_of)?;
    let model = find(&state, *id).await?;
    let body = detail(&state, model, as_of, user.0.person_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(body.target.version))
        .json(body))
}

/// The answer to a change from a version the target is no longer at.
async fn stale(state: &AppState, id: i64) -> ApiError {
    match db::targets::find(&state.db, id).await {
        Ok(Some(current)) => ApiError::PreconditionFailed {
            current_version: current.version,
        },
        Ok(None) => not_found("Target"),
        Err(err) => err.into(),
    }
}

/// Change a target; its history keeps what it was. Moving it to another organisation needs the
/// right to set targets for both. Send the version you loaded as `If-Match`: if someone changed
/// it since, nothing is saved (412).
#[utoipa::path(
    tag = "dashboard",
    operation_id = "update_target",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Target id"),
        ("If-Match" = String, Header, description = "The target's ETag (its version) as loaded"),
    ),
    request_body = TargetInput,
    responses(
        (status = 200, description = "The changed target, with its new ETag", body = TargetDetail),
        (status = 403, description = "May not set targets for its organisation or the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target (or removed)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/dashboard/targets/{id}")]
pub async fn update(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<TargetInput>,
) -> ApiResult<HttpResponse> {
    let current = find(&state, *id).await?;
    may_set(&user, current.organisation_id)?;
    may_set(&user, body.0.organisation_id)?;
    let version = if_match.version(current.version)?;
    let input = check(&state, &body.0).await?;
    let txn = state.begin_write().await?;
    let Some(model) = db::targets::update(
        &txn,
        current.id,
        version,
        &input,
        user.person_id,
        Utc::now(),
    )
    .await?
    else {
        drop(txn);
        return Err(stale(&state, current.id).await);
    };
    txn.commit().await?;
    let body = detail(&state, model, day(None)?, user.0.person_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(body.target.version))
        .json(body))
}

/// Remove a target. Its history is kept. Send its ETag as `If-Match`.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "delete_target",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Target id"),
        ("If-Match" = String, Header, description = "The target's ETag (its version) as loaded"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "May not set targets for its organisation or the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target (or removed)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/dashboard/targets/{id}")]
pub async fn remove(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let current = find(&state, *id).await?;
    may_set(&user, current.organisation_id)?;
    let version = if_match.version(current.version)?;
    let txn = state.begin_write().await?;
    if !db::targets::delete(&txn, current.id, version, user.person_id, Utc::now()).await? {
        drop(txn);
        return Err(stale(&state, current.id).await);
    }
    txn.commit().await?;
    tracing::info!(
        target_id = current.id,
        by = user.person_id,
        "target removed"
    );
    Ok(HttpResponse::NoContent().finish())
}
