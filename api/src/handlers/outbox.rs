//! The mail outbox, for partnership admins: what is queued, sent and failed, and trying again.
//!
//! Only partnership admins: an unsent message may hold a link as good as a password (an
//! invitation, a reset), and they are the ones who may invite and deactivate anyone already.

use actix_web::{HttpResponse, get, post, web};
use qi_shared::{
    notification::{OutboxMessage, OutboxPage, OutboxStatus, OutboxSummary},
    page::parse_page,
    problem::Problem,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::Query,
    state::AppState,
};

fn admin(user: &AuthUser) -> ApiResult<()> {
    if user.is_partnership_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only partnership admins may read the mail outbox",
        ))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only messages in this state.
    status: Option<OutboxStatus>,
    /// Only messages to addresses containing this text.
    #[param(max_length = 320)]
    to: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u64>,
}

/// The mail outbox, newest first.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of the outbox", body = OutboxPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/outbox")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    admin(&user)?;
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let to = query.to.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if to.is_some_and(|t| t.chars().count() > 320) {
        return Err(invalid(
            "to",
            "Search for at most 320 characters of an address",
        ));
    }
    let (items, total) = db::outbox::list(&state.db, query.status, to, page, per_page).await?;
    Ok(HttpResponse::Ok().json(OutboxPage::new(items, page, per_page, total)))
}

/// How many messages are in each state, and whether mail is being delivered at all.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The outbox's counts", body = OutboxSummary),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/outbox/summary")]
pub async fn summary(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    admin(&user)?;
    let summary = db::outbox::summary(&state.db, state.mail.delivering()).await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// Send a failed or waiting message again, now.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Outbox message id")),
    responses(
        (status = 200, description = "Queued to be sent now", body = OutboxMessage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message is sent, or being sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/outbox/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    admin(&user)?;
    let txn = state.begin_write().await?;
    if db::outbox::get(&txn, *id).await?.is_none() {
        return Err(not_found("Message"));
    }
    if !db::outbox::retry(&txn, *id).await? {
        return Err(conflict(
            "already_sent",
            "id",
            "This message is sent, or being sent: there is nothing to try again",
        ));
    }
    txn.commit().await?;
    let message = db::outbox::get(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Message"))?;
    Ok(HttpResponse::Ok().json(message))
}
