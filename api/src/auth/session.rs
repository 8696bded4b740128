//! Starting a session: what signing in, accepting an invitation and first-run set-up all end
//! with.

use qi_shared::{access::Actor, auth::TokenResponse};
use sea_orm::ConnectionTrait;

use crate::{
    db::{self, entity::person, tokens},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// Starts a session for a person: an access token, and a refresh token in `session` (a new one
/// for a sign-in).
pub async fn start_session(
    state: &AppState,
    db: &impl ConnectionTrait,
    person: &person::Model,
    session: Option<tokens::Session>,
) -> ApiResult<TokenResponse> {
    // The stamp is read before the roles: if they change in between, the token carries the
    // older stamp and is refused, never the older roles with the newer stamp.
    let stamp = tokens::access_stamp(db, person.id)
        .await?
        .ok_or(ApiError::Unauthorized("This account is no longer active"))?;
    let roles = db::people::roles_of(db, person.id).await?;
    let actor = Actor {
        person_id: person.id,
        organisation_id: person.organisation_id,
        roles,
    };
    let access_token = state
        .keys
        .sign(&actor, stamp)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let refresh_token =
        tokens::issue_refresh(db, person.id, session, state.refresh_lifetimes).await?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: u64::try_from(state.keys.lifetime().num_seconds()).unwrap_or(0),
    })
}
