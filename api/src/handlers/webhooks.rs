//! Webhooks (`docs/integrations.md`, "Webhooks"): an organisation's admins (and partnership
//! admins) register endpoints that receive the changes feed as signed POSTs, send a test, and
//! read the delivery log. People only: no token scope covers these, so tokens get 403.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::Utc;
use qi_shared::{
    page::{PageQuery, parse_page},
    problem::Problem,
    webhook::{Delivery, DeliveryPage, DeliveryStatus, Webhook, WebhookCreated, WebhookInput},
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    db::{self, entity::webhook},
    error::{ApiError, ApiResult, invalid, not_found},
    extract::{Json, Query},
    state::AppState,
};

const NOT_AN_ADMIN: ApiError =
    ApiError::Forbidden("Only an organisation's admins and partnership admins manage its webhooks");

/// The webhook `id`, if the person may manage it: 403 for someone who manages no webhooks at
/// all, 404 for one of an organisation they do not manage (as if it were not there).
async fn managed(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<webhook::Model> {
    if !user.manages_integrations() {
        return Err(NOT_AN_ADMIN);
    }
    db::webhooks::find(&state.db, id)
        .await?
        .filter(|h| user.can_manage_webhooks_of(h.organisation_id))
        .ok_or_else(|| not_found("Webhook"))
}

async fn dto(state: &AppState, hook: webhook::Model) -> ApiResult<Webhook> {
    db::webhooks::dtos(&state.db, vec![hook])
        .await?
        .pop()
        .ok_or_else(|| not_found("Webhook"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this organisation's webhooks. An organisation's admin sees their own
    /// organisation's only, whether or not they name it; a partnership admin sees every one's
    /// unless they do.
    #[param(minimum = 1)]
    organisation_id: Option<i64>,
}

/// Webhooks, newest first, each with its latest delivery; never their secrets.
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_webhooks",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "The webhooks", body = Vec<Webhook>),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of that organisation (or an API token)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    if query.0.organisation_id.is_some_and(|id| id < 1) {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: "Query parameter `organisation_id` is not valid: an id is 1 or more".to_owned(),
        });
    }
    let whose = match query.0.organisation_id {
        None if user.is_partnership_admin() => None,
        None => Some(user.organisation_id),
        Some(id) => Some(id),
    };
    let allowed =
        user.manages_integrations() && whose.is_none_or(|id| user.can_manage_webhooks_of(id));
    if !allowed {
        return Err(NOT_AN_ADMIN);
    }
    let found = db::webhooks::list(&state.db, whose).await?;
    Ok(HttpResponse::Ok().json(db::webhooks::dtos(&state.db, found).await?))
}

/// Register a webhook: from now on, each change of its types that an admin of its organisation
/// may read is POSTed to its address, signed with the secret in this answer (shown this once).
#[utoipa::path(
    tag = "integrations",
    operation_id = "create_webhook",
    security(("bearer" = [])),
    request_body = WebhookInput,
    responses(
        (status = 201, description = "The webhook, with its signing secret (shown this once)", body = WebhookCreated),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of that organisation (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (named): the name, the address (https://, or http:// to this machine only), the types; or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<WebhookInput>,
) -> ApiResult<HttpResponse> {
    let organisation_id = body.0.organisation_id.unwrap_or(user.organisation_id);
    if !user.can_manage_webhooks_of(organisation_id) {
        return Err(NOT_AN_ADMIN);
    }
    let input = body.0.validate()?;
    let exists = db::organisations::find(&state.db, organisation_id)
        .await?
        .is_some_and(|o| o.archived_at.is_none());
    if !exists {
        return Err(invalid("organisation_id", "There is no such organisation"));
    }
    let txn = state.begin_write().await?;
    let position = db::changes::now(&txn).await?;
    let (hook, secret) = db::webhooks::create(
        &txn,
        &input,
        organisation_id,
        user.person_id,
        position,
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        webhook_id = hook.id,
        organisation_id,
        by = user.person_id,
        "webhook registered"
    );
    let webhook = dto(&state, hook).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", webhook.id)))
        .json(WebhookCreated { webhook, secret }))
}

/// A webhook, with its latest delivery.
#[utoipa::path(
    tag = "integrations",
    operation_id = "show_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook", body = Webhook),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook among those you manage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let hook = managed(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(dto(&state, hook).await?))
}

/// Change a webhook: its name, address, types, and whether it is on. Turning it on again
/// clears its failures and sends what waited, in order. `organisation_id` is ignored.
#[utoipa::path(
    tag = "integrations",
    operation_id = "update_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    request_body = WebhookInput,
    responses(
        (status = 200, description = "The webhook as changed", body = Webhook),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook among those you manage", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<WebhookInput>,
) -> ApiResult<HttpResponse> {
    let hook = managed(&state, &user, *id).await?;
    let input = body.0.validate()?;
    let txn = state.begin_write().await?;
    let hook = db::webhooks::update(&txn, hook, &input, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(dto(&state, hook).await?))
}

/// Remove a webhook and its delivery log. Nothing more is sent to it.
#[utoipa::path(
    tag = "integrations",
    operation_id = "delete_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook among those you manage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let hook = managed(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    db::webhooks::delete(&txn, hook.id).await?;
    txn.commit().await?;
    tracing::info!(webhook_id = hook.id, by = user.person_id, "webhook removed");
    Ok(HttpResponse::NoContent().finish())
}

/// Send a test delivery (`QI-Event: test`, no change in it), due at once: after any the webhook
/// has waiting, and only while it is on. Its outcome shows in the delivery log.
#[utoipa::path(
    tag = "integrations",
    operation_id = "test_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "The test delivery, waiting to go", body = Delivery),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook among those you manage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let hook = managed(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    let delivery = db::webhooks::enqueue_test(&txn, hook.id, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::Accepted().json(Delivery::from(delivery)))
}

/// Replace the webhook's signing secret: the new one (in this answer, shown this once) signs
/// every delivery from now on, and the previous one signs beside it (a second `v1=` in
/// `QI-Signature`) until `previous_secret_until`, a day unless configured
/// (`webhooks.secret_overlap_seconds`), so the receiver can take up the new secret without
/// refusing a delivery. Replacing it again ends the old one's time at once.
#[utoipa::path(
    tag = "integrations",
    operation_id = "replace_webhook_secret",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook, with its new signing secret (shown this once)", body = WebhookCreated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook among those you manage", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/secret")]
pub async fn replace_secret(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let hook = managed(&state, &user, *id).await?;
    let now = Utc::now();
    let overlap = chrono::Duration::seconds(
        i64::try_from(state.webhooks.secret_overlap_seconds).unwrap_or(i64::MAX / 1000),
    );
    let txn = state.begin_write().await?;
    let (hook, secret) = db::webhooks::replace_secret(&txn, hook, now + overlap, now).await?;
    txn.commit().await?;
    tracing::info!(
        webhook_id = hook.id,
        by = user.person_id,
        "webhook secret replaced"
    );
    let webhook = dto(&state, hook).await?;
    Ok(HttpResponse::Ok().json(WebhookCreated { webhook, secret }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    #[param(inline)]
    status: Option<DeliveryStatus>,
}

/// A webhook's delivery log, newest first: each delivery's state, attempts, latest answer
/// (code, error, time taken) and its latest tries, and the exact body sent.
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_webhook_deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id"), DeliveryQuery, PageQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryPage),
        (status = 400, description = "A query parameter is not valid (named)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook among those you manage", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page is out of range (named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    Query(query): Query<DeliveryQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let hook = managed(&state, &user, *id).await?;
    let (page, per_page) = parse_page(page.page, page.per_page)?;
    let (items, total) =
        db::webhooks::deliveries(&state.db, hook.id, query.status, page, per_page).await?;
    Ok(HttpResponse::Ok().json(DeliveryPage::new(items, page, per_page, total)))
}
