//! Account self-service: a forgotten password, changing one's password and email address.

use actix_web::{HttpRequest, HttpResponse, post, put, web};
use chrono::Duration;
use qi_shared::{
    auth::TokenResponse,
    notification::{
        ChangeEmail, ChangePassword, ConfirmEmail, ForgotPassword, NotificationKind, ResetPassword,
    },
    person::PersonStatus,
    problem::Problem,
};

use crate::{
    auth::{AuthUser, password, session::start_session},
    db::{self, entity::person, tokens},
    error::{ApiError, ApiResult, conflict, invalid},
    extract::Json,
    mail::{Notice, Recipient},
    state::AppState,
};

/// How long a reset or confirmation link works.
const LINK_LIFETIME: Duration = Duration::hours(1);

fn link_not_valid(what: &str) -> ApiError {
    ApiError::NotFound(format!(
        "This {what} link is not valid: it may have expired or been used. Ask for a new one"
    ))
}

/// Ask for a password-reset link. The answer is the same whether or not the address has an
/// account; the link (by email) works once, for an hour. At most 5 requests an hour for one
/// address, and 30 from one client address (by default): then 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPassword,
    responses(
        (status = 202, description = "If the address has an active account, a reset link is on its way"),
        (status = 422, description = "The email address is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this address or from this client", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until a link may be asked for again"))),
    )
)]
#[post("/auth/password-reset")]
pub async fn forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ForgotPassword>,
) -> ApiResult<HttpResponse> {
    let email = body.0.validate()?;
    let address = state.sign_in.client_address(&req);
    if let Some(wait) = state.resets.check(&email.normalised(), address) {
        tracing::warn!(client = ?address, "password reset refused: too many requests");
        return Err(ApiError::TooManyRequests {
            retry_after: wait.as_secs().max(1),
        });
    }
    // The answer goes before the account is looked up: were the link made and the mail queued
    // first, an address with an account would be answered measurably later than one without.
    actix_web::rt::spawn(async move {
        if let Err(err) = send_reset_link(&state, &email.normalised()).await {
            tracing::error!(error = %err, "password reset link not sent");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

/// Makes a reset link for the active account with this address, if there is one, and queues
/// the mail with it (in one transaction).
async fn send_reset_link(state: &AppState, email: &str) -> ApiResult<()> {
    let txn = state.begin_write().await?;
    let person = db::people::find_by_email(&txn, email)
        .await?
        .filter(|p| p.status == PersonStatus::Active);
    if let Some(person) = person {
        let token = tokens::create_password_reset(&txn, person.id, LINK_LIFETIME).await?;
        let link = format!("/reset-password/{token}");
        state
            .mail
            .notify(
                &txn,
                &Recipient::from(&person),
                Notice {
                    kind: NotificationKind::PasswordReset,
                    subject: "Reset your QI Commons password",
                    summary: "Someone asked to reset your password.",
                    link: &link,
                    link_text: "Choose a new password",
                    details: (),
                },
            )
            .await?;
        tracing::info!(person_id = person.id, "password reset link sent");
    }
    txn.commit().await?;
    Ok(())
}

/// Set a new password with the token from a reset link. Every session of the account is signed
/// out; sign in with the new password.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPassword,
    responses(
        (status = 204, description = "The password is changed"),
        (status = 404, description = "Unknown, used or expired link", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn reset(
    state: web::Data<AppState>,
    body: Json<ResetPassword>,
) -> ApiResult<HttpResponse> {
    let new_password = body.0.validate()?;
    let hash = password::hash(new_password).await?;
    let txn = state.begin_write().await?;
    let person_id = tokens::spend_password_reset(&txn, &body.0.token)
        .await?
        .ok_or_else(|| link_not_valid("reset"))?;
    let person = db::people::find(&txn, person_id)
        .await?
        .filter(|p| p.status == PersonStatus::Active)
        .ok_or_else(|| link_not_valid("reset"))?;
    changed_password(&state, &txn, &person, hash).await?;
    txn.commit().await?;
    state.people.forget(person.id);
    tracing::info!(person_id, "password reset");
    Ok(HttpResponse::NoContent().finish())
}

/// Stores a new password, ends every session and access token of the person, and tells them.
async fn changed_password(
    state: &AppState,
    txn: &db::Write,
    person: &person::Model,
    hash: String,
) -> ApiResult<()> {
    db::people::set_password(txn, person.id, hash).await?;
    tokens::revoke_all_for(txn, person.id).await?;
    db::people::sign_out_everywhere(txn, person.id).await?;
    state
        .mail
        .notify(
            txn,
            &Recipient::from(person),
            Notice {
                kind: NotificationKind::AccountChanged,
                subject: "Your QI Commons password was changed",
                summary: "The password of your QI Commons account was changed, and every session signed in with the old one was signed out.",
                link: "/profile",
                link_text: "Open your account",
                details: (),
            },
        )
        .await?;
    Ok(())
}

/// Checks the signed-in person's current password; 422 naming `current_password` if wrong.
/// Wrong guesses count towards the account's sign-in lock.
async fn with_current_password(
    state: &AppState,
    user: &AuthUser,
    given: &str,
) -> ApiResult<person::Model> {
    let person = db::people::find(&state.db, user.person_id)
        .await?
        .filter(|p| p.status == PersonStatus::Active)
        .ok_or(ApiError::Unauthorized("This account is no longer active"))?;
    if let Some(wait) = state.sign_in.wait(&person.email_normalised, None) {
        return Err(ApiError::TooManyRequests {
            retry_after: wait.as_secs().max(1),
        });
    }
    let turn = password::permit().await?;
    if !password::verify(turn, given.to_owned(), person.password_hash.clone()).await? {
        state.sign_in.failed(&person.email_normalised, None);
        return Err(invalid(
            "current_password",
            "Your current password is not right",
        ));
    }
    Ok(person)
}

/// Change your password (your current one is required). Every other session is signed out;
/// the answer is a new session for this one.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 200, description = "Changed; the tokens of a new session", body = TokenResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The current password is not right, or the new one is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: try again later", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ChangePassword>,
) -> ApiResult<HttpResponse> {
    let new_password = body.0.validate()?;
    let person = with_current_password(&state, &user, &body.0.current_password).await?;
    let hash = password::hash(new_password).await?;
    let txn = state.begin_write().await?;
    changed_password(&state, &txn, &person, hash).await?;
    let tokens = start_session(&state, &txn, &person, None).await?;
    txn.commit().await?;
    state.people.forget(person.id);
    tracing::info!(person_id = person.id, "password changed");
    Ok(HttpResponse::Ok().json(tokens))
}

/// Change your email address: a link to confirm it goes to the new address, and the account
/// keeps its old one until the link is opened (within an hour).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = ChangeEmail,
    responses(
        (status = 202, description = "A confirmation link is on its way to the new address"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account has this address", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The address is not valid, or the current password is not right", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: try again later", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ChangeEmail>,
) -> ApiResult<HttpResponse> {
    let new_email = body.0.validate()?;
    let person = with_current_password(&state, &user, &body.0.current_password).await?;
    if new_email.normalised() == person.email_normalised {
        return Err(invalid("new_email", "This is already your email address"));
    }
    let txn = state.begin_write().await?;
    if db::people::find_by_email(&txn, &new_email.normalised())
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let token =
        tokens::create_email_change(&txn, person.id, new_email.as_str(), LINK_LIFETIME).await?;
    let link = format!("/confirm-email/{token}");
    state
        .mail
        .notify(
            &txn,
            &Recipient {
                person_id: Some(person.id),
                name: &person.name,
                email: new_email.as_str(),
            },
            Notice {
                kind: NotificationKind::EmailConfirmation,
                subject: "Confirm your new email address for QI Commons",
                summary: "Confirm the new email address of your QI Commons account.",
                link: &link,
                link_text: "Confirm this address",
                details: serde_json::json!({ "new_email": new_email.as_str() }),
            },
        )
        .await?;
    txn.commit().await?;
    Ok(HttpResponse::Accepted().finish())
}

fn taken() -> ApiError {
    conflict(
        "email_taken",
        "new_email",
        "Another account has this email address",
    )
}

/// Confirm a new email address with the token from the link sent to it. Works without signing
/// in (the link may be opened on another device); the old address is told.
#[utoipa::path(
    tag = "auth",
    request_body = ConfirmEmail,
    responses(
        (status = 204, description = "The account has its new address"),
        (status = 404, description = "Unknown, used or expired link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account took this address meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/email-change/confirm")]
pub async fn confirm_email(
    state: web::Data<AppState>,
    body: Json<ConfirmEmail>,
) -> ApiResult<HttpResponse> {
    if body.0.token.trim().is_empty() {
        return Err(invalid(
            "token",
            "The confirmation link is incomplete: open it from the email again",
        ));
    }
    let txn = state.begin_write().await?;
    let (person_id, new_email) = tokens::spend_email_change(&txn, &body.0.token)
        .await?
        .ok_or_else(|| link_not_valid("confirmation"))?;
    let person = db::people::find(&txn, person_id)
        .await?
        .filter(|p| p.status == PersonStatus::Active)
        .ok_or_else(|| link_not_valid("confirmation"))?;
    if db::people::find_by_email(&txn, &new_email.to_lowercase())
        .await?
        .is_some()
    {
        return Err(taken());
    }
    db::people::set_email(&txn, person.id, &new_email).await?;
    let summary = format!(
        "The email address of your QI Commons account was changed from {} to {new_email}.",
        person.email
    );
    // To the old address: the one an intruder could not read.
    state
        .mail
        .notify(
            &txn,
            &Recipient::from(&person),
            Notice {
                kind: NotificationKind::AccountChanged,
                subject: "Your QI Commons email address was changed",
                summary: &summary,
                link: "/profile",
                link_text: "Open your account",
                details: (),
            },
        )
        .await?;
    txn.commit().await?;
    state.people.forget(person.id);
    tracing::info!(person_id, "email address changed");
    Ok(HttpResponse::NoContent().finish())
}
