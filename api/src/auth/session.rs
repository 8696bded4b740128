//! Starting a session: what signing in, accepting an invitation and first-run set-up all end
//! with.

use qi_shared::{access::Actor, auth::TokenResponse};
use sea_orm::ConnectionTrait;

use crate::{
    db::{self, entity::person, tokens},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// Starts a session for a person: an access token, and a refresh token in `family`.
pub async fn start_session(
    state: &AppState,
    db: &impl ConnectionTrait,
    person: &person::Model,
    family: Option<String>,
) -> ApiResult<TokenResponse> {
    let roles = db::people::roles_of(db, person.id).await?;
    let actor = Actor {
        person_id: person.id,
        organisation_id: person.organisation_id,
        roles,
    };
    let access_token = state
        .keys
        .sign(&actor)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let refresh_token =
        tokens::issue_refresh(db, person.id, family, state.refresh_lifetime).await?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: u64::try_from(state.keys.lifetime().num_seconds()).unwrap_or(0),
    })
}
