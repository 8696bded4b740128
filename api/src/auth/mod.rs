//! Authentication: passwords, access tokens, and the `AuthUser` extractor that protected
//! handlers take as an argument.
//!
//! Access tokens are short-lived HS256 JWTs carrying the person's id, home organisation and roles,
//! so checking one needs no database round trip. A change of roles or a deactivation takes effect
//! at the next refresh (deactivation also revokes every refresh token at once), that is within the
//! access-token lifetime (15 minutes by default).

pub mod jwt;
pub mod password;
pub mod session;

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use qi_shared::access::Actor;

use crate::{error::ApiError, state::AppState};

/// The signed-in person. A handler that takes one answers 401 to anyone not signed in.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Actor);

impl std::ops::Deref for AuthUser {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

pub(crate) fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized(
            "Sign in: this endpoint needs an access token",
        ))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized(
            "The Authorization header must be `Bearer <access token>`",
        ))?;
    let actor = state
        .keys
        .verify(token)
        .map_err(|_| ApiError::Unauthorized("The access token is invalid or has expired"))?;
    Ok(AuthUser(actor))
}
