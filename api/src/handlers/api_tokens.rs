//! API tokens for partners' systems: made by an organisation's admins (or a partnership admin),
//! the secret shown once, listed without it, revoked at once. See `docs/integrations.md`.

use actix_web::{HttpResponse, delete, get, http::header, post, web};
use chrono::Utc;
use qi_shared::{
    api_token::{ApiToken, ApiTokenCreated, ApiTokenInput},
    problem::Problem,
    uk_time,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, invalid, not_found},
    extract::{Json, Query},
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this organisation's tokens. An organisation's admin sees their own organisation's
    /// only, whether or not they name it; a partnership admin sees every one's unless they do.
    organisation_id: Option<i64>,
}

/// API tokens, newest first, without their secrets.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "The tokens", body = Vec<ApiToken>),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of that organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-tokens")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let whose = match query.0.organisation_id {
        None if user.is_partnership_admin() => None,
        None => Some(user.organisation_id),
        Some(id) => Some(id),
    };
    if !whose.map_or(user.is_partnership_admin(), |id| {
        user.can_manage_api_tokens_of(id)
    }) {
        return Err(ApiError::Forbidden(
            "Only an organisation's admins and partnership admins see its API tokens",
        ));
    }
    let found = db::api_tokens::list(&state.db, whose).await?;
    Ok(HttpResponse::Ok().json(db::api_tokens::dtos(&state.db, found).await?))
}

/// Make an API token for a system: it sees what an admin of its organisation sees, on the
/// operations its scopes cover. The secret is in this answer only.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    request_body = ApiTokenInput,
    responses(
        (status = 201, description = "The token, with its secret (shown this once)", body = ApiTokenCreated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of that organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or the organisation does not exist", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-tokens")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ApiTokenInput>,
) -> ApiResult<HttpResponse> {
    let organisation_id = body.0.organisation_id.unwrap_or(user.organisation_id);
    if !user.can_manage_api_tokens_of(organisation_id) {
        return Err(ApiError::Forbidden(
            "Only an organisation's admins and partnership admins make its API tokens",
        ));
    }
    let input = body.0.validate(uk_time::day_of(Utc::now()))?;
    let exists = db::organisations::find(&state.db, organisation_id)
        .await?
        .is_some_and(|o| o.archived_at.is_none());
    if !exists {
        return Err(invalid("organisation_id", "There is no such organisation"));
    }
    let txn = state.begin_write().await?;
    let (token, secret) =
        db::api_tokens::create(&txn, &input, organisation_id, user.person_id, Utc::now()).await?;
    txn.commit().await?;
    tracing::info!(
        token_id = token.id,
        organisation_id,
        by = user.person_id,
        "API token made"
    );
    let token = db::api_tokens::dtos(&state.db, vec![token])
        .await?
        .pop()
        .ok_or_else(|| not_found("API token"))?;
    Ok(HttpResponse::Created()
        // Where it is revoked; the audit log takes the made token's id from here.
        .insert_header((header::LOCATION, format!("/api/v1/api-tokens/{}", token.id)))
        .json(ApiTokenCreated { token, secret }))
}

/// Revoke an API token: it stops working at once, on every node.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked (or it was already)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token among those you manage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api-tokens/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let token = db::api_tokens::find(&state.db, *id)
        .await?
        .filter(|t| user.can_manage_api_tokens_of(t.organisation_id))
        .ok_or_else(|| not_found("API token"))?;
    let txn = state.begin_write().await?;
    if db::api_tokens::revoke(&txn, token.id, Utc::now()).await? {
        tracing::info!(
            token_id = token.id,
            by = user.person_id,
            "API token revoked"
        );
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
