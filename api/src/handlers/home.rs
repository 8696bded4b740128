//! The signed-in person's home page.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use qi_shared::{home::Home, problem::Problem};

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult},
    state::AppState,
};

/// Your home page: your projects and their latest scores, your measures with data due, your
/// coaching sessions, your courses and next training sessions, your tier and what would take
/// you to the next one. Coaching notes are left out (they are read on the project's page).
#[utoipa::path(
    tag = "people",
    operation_id = "show_my_home",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your home page", body = Home),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/home")]
pub async fn show(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let home = db::home::get(&state.db, &user, Utc::now())
        .await?
        .ok_or(ApiError::Unauthorized("This account no longer exists"))?;
    Ok(HttpResponse::Ok().json(home))
}
