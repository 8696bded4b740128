//! Accepting an invitation: the invitee sets a password and is signed in.

use actix_web::{HttpResponse, get, post, web};
use qi_shared::{
    auth::{AcceptInvitation, TokenResponse},
    person::{InvitationDetails, PersonStatus},
    problem::Problem,
};

use crate::{
    auth::password,
    auth::session::start_session,
    db::{self, tokens},
    error::{ApiError, ApiResult, not_found},
    extract::Json,
    state::AppState,
};

fn expired() -> ApiError {
    ApiError::NotFound(
        "This invitation link is not valid: it may have expired or been used. Ask for a new one"
            .to_owned(),
    )
}

/// Who an invitation is for, so the invitee can check before setting a password.
#[utoipa::path(
    tag = "auth",
    params(("token" = String, Path, description = "The token from the invitation link")),
    responses(
        (status = 200, description = "The invitation", body = InvitationDetails),
        (status = 404, description = "Unknown, used or expired invitation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/invitations/{token}")]
pub async fn show(state: web::Data<AppState>, token: web::Path<String>) -> ApiResult<HttpResponse> {
    let invitation = tokens::open_invitation(&state.db, &token)
        .await?
        .ok_or_else(expired)?;
    let person = db::people::get(&state.db, invitation.person_id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    if person.status != PersonStatus::Invited {
        return Err(expired());
    }
    Ok(HttpResponse::Ok().json(InvitationDetails {
        name: person.name,
        email: person.email,
        organisation_name: person.organisation_name,
        expires_at: invitation.expires_at,
    }))
}

/// Accept an invitation: set a password and sign in.
#[utoipa::path(
    tag = "auth",
    request_body = AcceptInvitation,
    responses(
        (status = 200, description = "Password set; signed in", body = TokenResponse),
        (status = 404, description = "Unknown, used or expired invitation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is not acceptable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invitations/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    body: Json<AcceptInvitation>,
) -> ApiResult<HttpResponse> {
    let password = body.0.validate()?;
    let invitation = tokens::open_invitation(&state.db, &body.0.token)
        .await?
        .ok_or_else(expired)?;
    let hash = password::hash(password).await?;
    let txn = state.begin_write().await?;
    let person = db::people::find(&txn, invitation.person_id)
        .await?
        .filter(|p| p.status == PersonStatus::Invited);
    let Some(person) = person else {
        return Err(expired());
    };
    if !tokens::accept_invitation(&txn, invitation.id).await? {
        return Err(expired());
    }
    db::people::set_password(&txn, person.id, hash).await?;
    let tokens = start_session(&state, &txn, &person, None).await?;
    txn.commit().await?;
    state.people.forget(person.id);
    tracing::info!(person_id = person.id, "invitation accepted");
    Ok(HttpResponse::Ok().json(tokens))
}
