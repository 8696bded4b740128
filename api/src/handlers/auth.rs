//! Signing in, refreshing and signing out.

use std::{net::IpAddr, time::Duration};

use crate::{
    auth::{password, session::start_session},
    db::{self, tokens},
    error::{ApiError, ApiResult},
    extract::Json,
    state::AppState,
};
use actix_web::{HttpRequest, HttpResponse, post, web};
use qi_shared::{
    auth::{LoginRequest, RefreshRequest, TokenResponse},
    person::PersonStatus,
    problem::Problem,
};

const WRONG_CREDENTIALS: &str = "The email address or password is not right";

/// Sign in with email and password.
///
/// Failed sign-ins are counted per account and per client address: after too many in a while
/// (by default 10 to an account, or 100 from an address, in 15 minutes) the answer is 429 with
/// `Retry-After`, even to the right password, until the lock ends; each lock in a row lasts
/// twice as long as the one before.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password, or the account is not active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or of the wrong type", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins to this account or from this address: try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until sign-in may be tried again"))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest {
        email,
        password: given,
    } = body.0;
    let account = email.trim().to_lowercase();
    let address = state.sign_in.client_address(&req);
    throttled(&state, &account, address)?;
    let person = db::people::find_by_email(&state.db, &account).await?;
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let turn = password::permit().await?;
    // Asked again once its turn has come: a burst of guesses queued behind the hashing limit
    // must not all be checked after the first few have locked the account.
    throttled(&state, &account, address)?;
    let matches = password::verify(turn, given, stored).await?;
    let person_id = person.as_ref().map(|p| p.id);
    let Some(person) = person.filter(|_| matches) else {
        state.sign_in.failed(&account, address);
        let outcome = if person_id.is_some() {
            "wrong password"
        } else {
            "no such account"
        };
        tracing::warn!(person_id, client = ?address, outcome, "sign-in refused");
        return Err(ApiError::Unauthorized(WRONG_CREDENTIALS));
    };
    state.sign_in.succeeded(&account);
    if person.status != PersonStatus::Active {
        tracing::warn!(person_id = person.id, client = ?address, outcome = "deactivated", "sign-in refused");
        return Err(ApiError::Unauthorized(
            "This account has been deactivated: ask your organisation's QI lead",
        ));
    }
    tracing::info!(person_id = person.id, client = ?address, "signed in");
    Ok(HttpResponse::Ok().json(start_session(&state, &state.db, &person, None).await?))
}

/// 429 while the account or the address is locked.
fn throttled(state: &AppState, account: &str, address: Option<IpAddr>) -> ApiResult<()> {
    match state.sign_in.wait(account, address) {
        None => Ok(()),
        Some(wait) => {
            tracing::warn!(client = ?address, wait_seconds = wait.as_secs(), outcome = "throttled", "sign-in refused");
            Err(ApiError::TooManyRequests {
                retry_after: whole_seconds(wait),
            })
        }
    }
}

/// Rounded up, so a client that waits as told is not refused again.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Exchange a refresh token for new tokens. The refresh token is spent: using it again signs
/// out every session that descends from the same sign-in. A session ends 30 days (by default)
/// after its sign-in, however often it is refreshed.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, expired, revoked or already used, or its session is over", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let spent = tokens::spend_refresh(
        &state.db,
        &body.0.refresh_token,
        state.refresh_lifetimes.session,
    )
    .await?;
    let (person_id, session) = match spent {
        tokens::Spent::Ok { person_id, session } => (person_id, session),
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
    Ok(HttpResponse::Ok().json(start_session(&state, &state.db, &person, Some(session)).await?))
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
