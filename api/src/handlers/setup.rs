//! First-run set-up through the one-time link printed in the server log.

use actix_web::{HttpResponse, get, post, web};
use qi_shared::{
    auth::{SetupRequest, TokenResponse},
    partnership::SetupStatus,
    problem::Problem,
};

use crate::{
    auth::session::start_session,
    bootstrap,
    error::{ApiError, ApiResult},
    extract::Json,
    state::AppState,
};

/// Has the platform been set up?
#[utoipa::path(tag = "auth", responses((status = 200, description = "Whether set-up is done", body = SetupStatus)))]
#[get("/setup")]
pub async fn status(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(SetupStatus {
        set_up: bootstrap::is_set_up(&state.db).await?,
    }))
}

/// Set up the platform: the partnership, the first organisation and the first partnership admin,
/// who is then signed in. Needs the one-time token from the server log; works once.
#[utoipa::path(
    tag = "auth",
    request_body = SetupRequest,
    responses(
        (status = 200, description = "Set up; signed in as the first partnership admin", body = TokenResponse),
        (status = 403, description = "The set-up token is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The platform is already set up", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/setup")]
pub async fn run(state: web::Data<AppState>, body: Json<SetupRequest>) -> ApiResult<HttpResponse> {
    let setup = body.0.validate()?;
    let person = bootstrap::setup_with_token(&state.db, &body.0.token, &setup).await?;
    let Some(person) = person else {
        return Err(ApiError::Forbidden(
            "The set-up token is not right: use the link from the server log",
        ));
    };
    Ok(HttpResponse::Ok().json(start_session(&state, &state.db, &person, None).await?))
}
