//! Signing in, refreshing and signing out.

use crate::{
    auth::{password, session::start_session},
    db::{self, tokens},
    error::{ApiError, ApiResult},
    extract::Json,
    state::AppState,
};
use actix_web::{HttpResponse, post, web};
use qi_shared::{
    auth::{LoginRequest, RefreshRequest, TokenResponse},
    person::PersonStatus,
    problem::Problem,
};

const WRONG_CREDENTIALS: &str = "The email address or password is not right";

/// Sign in with email and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password, or the account is not active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or of the wrong type", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest {
        email,
        password: given,
    } = body.0;
    let person = db::people::find_by_email(&state.db, &email.trim().to_lowercase()).await?;
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let matches = password::verify(given, stored).await?;
    let person = person
        .filter(|_| matches)
        .ok_or(ApiError::Unauthorized(WRONG_CREDENTIALS))?;
    if person.status != PersonStatus::Active {
        return Err(ApiError::Unauthorized(
            "This account has been deactivated: ask your organisation's QI lead",
        ));
    }
    tracing::info!(person_id = person.id, "signed in");
    Ok(HttpResponse::Ok().json(start_session(&state, &state.db, &person, None).await?))
}

/// Exchange a refresh token for new tokens. The refresh token is spent: using it again signs
/// out every session that descends from the same sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, expired, revoked or already used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let (person_id, family) = match tokens::spend_refresh(&state.db, &body.0.refresh_token).await? {
        tokens::Spent::Ok { person_id, family } => (person_id, family),
        tokens::Spent::Invalid => {
            return Err(ApiError::Unauthorized(
                "The session has ended: sign in again",
            ));
        }
        tokens::Spent::Reused => {
            tracing::warn!("a spent refresh token was used again; its session is revoked");
            return Err(ApiError::Unauthorized(
                "The session has ended: sign in again",
            ));
        }
    };
    let person = db::people::find(&state.db, person_id)
        .await?
        .filter(|p| p.status == PersonStatus::Active);
    let Some(person) = person else {
        tokens::revoke_all_for(&state.db, person_id).await?;
        return Err(ApiError::Unauthorized("This account is no longer active"));
    };
    Ok(HttpResponse::Ok().json(start_session(&state, &state.db, &person, Some(family)).await?))
}

/// Sign out: revokes the refresh token and every token of its session. Unknown tokens are accepted
/// silently, so signing out twice is harmless.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = 422, description = "A field is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    tokens::revoke_refresh(&state.db, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
