//! The signed-in person's notifications in the app, and how they hear of each kind.

use actix_web::{HttpResponse, get, post, put, web};
use qi_shared::{
    notification::{
        NotificationPage, NotificationSetting, NotificationSettingsUpdate, UnreadCount,
    },
    page::parse_page,
    problem::Problem,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    db,
    error::{ApiResult, not_found},
    extract::{Json, Query},
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only the unread ones.
    #[serde(default)]
    unread: bool,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u64>,
}

/// Your notifications, newest first.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of your notifications", body = NotificationPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) =
        db::notifications::list(&state.db, user.person_id, query.unread, page, per_page).await?;
    Ok(HttpResponse::Ok().json(NotificationPage::new(items, page, per_page, total)))
}

/// How many of your notifications are unread.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The count", body = UnreadCount),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/notifications/unread")]
pub async fn unread(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let unread = db::notifications::unread(&state.db, user.person_id).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// Mark one of your notifications read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notification of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let txn = state.begin_write().await?;
    if !db::notifications::mark_read(&txn, user.person_id, Some(*id)).await? {
        return Err(not_found("Notification"));
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark all your notifications read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "All marked read"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/notifications/read")]
pub async fn mark_all_read(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let txn = state.begin_write().await?;
    db::notifications::mark_read(&txn, user.person_id, None).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How you hear of each kind of notification: by email, in the app, both or not at all. The
/// account-security messages always come by email.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every kind and its channel", body = Vec<NotificationSetting>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/notification-settings")]
pub async fn settings(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(db::notifications::settings(&state.db, user.person_id).await?))
}

/// Choose how you hear of some kinds of notification (kinds left out keep their channel).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = NotificationSettingsUpdate,
    responses(
        (status = 200, description = "Every kind and its channel, after the change", body = Vec<NotificationSetting>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An account-security kind was turned off, or a kind given twice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/notification-settings")]
pub async fn choose(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NotificationSettingsUpdate>,
) -> ApiResult<HttpResponse> {
    let choices = body.0.validate()?;
    let txn = state.begin_write().await?;
    db::notifications::choose(&txn, user.person_id, &choices).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(db::notifications::settings(&state.db, user.person_id).await?))
}
