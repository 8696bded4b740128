//! The API tokens endpoints the admin page uses: one function per endpoint. A token's secret is
//! in the answer to making it, and nowhere else.

use gloo_net::http::Method;
use qi_shared::api_token::{ApiToken, ApiTokenCreated, ApiTokenInput};

use super::{ApiError, call};

const NO_BODY: Option<&()> = None;

/// The tokens the signed-in admin manages, newest first (a partnership admin's: every
/// organisation's, or one organisation's when `organisation_id` names it).
pub async fn api_tokens(organisation_id: Option<i64>) -> Result<Vec<ApiToken>, ApiError> {
    let path = match organisation_id {
        Some(id) => format!("/api/v1/api-tokens?organisation_id={id}"),
        None => "/api/v1/api-tokens".to_owned(),
    };
    call(Method::GET, &path, NO_BODY).await
}

pub async fn create_api_token(input: &ApiTokenInput) -> Result<ApiTokenCreated, ApiError> {
    call(Method::POST, "/api/v1/api-tokens", Some(input)).await
}

/// Revokes a token: it stops working at once.
pub async fn revoke_api_token(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/api-tokens/{id}"), NO_BODY).await
}
