//! Authentication: passwords, access tokens, sign-in throttling, and the `AuthUser` extractor
//! that protected handlers take as an argument.
//!
//! Access tokens are short-lived HS256 JWTs carrying the person's id, home organisation, roles
//! and access stamp. Each request checks the stamp against the person's (cached per node for at
//! most `auth.stamp_cache_seconds`, see `cache::people`), so a deactivation or a change of roles
//! or organisation stops the person's tokens at once on the node that made it, and within that
//! bound on the others. The web app then refreshes, and gets a token with the new roles.
//!
//! A partner's system sends an API token instead (`qi_...`, see `docs/integrations.md`): it is
//! looked up on every request, so a revoked one stops at once on every node; it acts as an admin
//! of its organisation who is no person (so no project team's membership widens what it sees),
//! and only on the operations its scopes cover (`TokenScope::needed_for`), 403 elsewhere.

pub mod jwt;
pub mod password;
pub mod session;
pub mod signing_key;
pub mod throttle;

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use chrono::Utc;
use qi_shared::{
    access::Actor,
    api_token::{SECRET_PREFIX, TokenScope},
    person::Role,
};

use crate::{db, error::ApiError, state::AppState};

/// What a request's bearer credential is, once read.
enum Bearer {
    /// A person's access token, its signature and expiry checked.
    Person(jwt::Verified),
    /// An API token's secret, to look up, and the scope the operation needs (none: tokens may
    /// not call it).
    System {
        secret: String,
        needed: Option<&'static [TokenScope]>,
    },
}

/// A token's actor: no person (id 0 names nobody), an admin of its organisation.
pub(crate) fn system_actor(organisation_id: i64) -> Actor {
    Actor {
        person_id: 0,
        organisation_id,
        roles: vec![Role::OrganisationAdmin],
    }
}

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
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req))
    }
}

/// The signed-in person if the request carries an access token, else nobody: for the few pages
/// anyone with the link may read (an open event). A token that is sent must be good (401).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let signed_in = authenticate(req);
            Box::pin(async move { Ok(MaybeUser(Some(signed_in.await?))) })
        } else {
            Box::pin(async { Ok(MaybeUser(None)) })
        }
    }
}

/// Signs the person in from the request's bearer token. What needs only the request (the
/// header, the signature, the expiry) is checked at once; the access stamp when awaited.
pub(crate) fn authenticate(
    req: &HttpRequest,
) -> impl Future<Output = Result<AuthUser, ApiError>> + 'static {
    let verified = verify_bearer(req);
    let req = req.clone();
    async move {
        let (state, bearer) = verified?;
        let verified = match bearer {
            Bearer::Person(verified) => verified,
            Bearer::System { secret, needed } => {
                let now = Utc::now();
                let token = db::api_tokens::working(&state.db, &secret, now)
                    .await?
                    .ok_or(ApiError::Unauthorized(
                        "The API token is not valid: it may have expired or been revoked",
                    ))?;
                // Counted once per request, before its scopes: a token calling what it may not
                // still spends its allowance.
                let counted = req
                    .extensions()
                    .get::<throttle::RateLimitFigures>()
                    .is_some();
                if !counted {
                    let (figures, wait) = state.token_limits.check(token.id);
                    req.extensions_mut().insert(figures);
                    if let Some(wait) = wait {
                        tracing::warn!(
                            token_id = token.id,
                            wait_ms = wait.as_millis() as u64,
                            "API token over its rate limit"
                        );
                        return Err(ApiError::TooManyRequests {
                            retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                        });
                    }
                }
                req.extensions_mut()
                    .insert(ActorOrganisation(token.organisation_id));
                let scopes = db::api_tokens::scopes(&token);
                if !needed.is_some_and(|any| any.iter().any(|scope| scopes.contains(scope))) {
                    return Err(ApiError::Forbidden(
                        "This API token's scopes do not cover this operation",
                    ));
                }
                req.extensions_mut().insert(TokenUsed {
                    id: token.id,
                    scopes,
                });
                if db::api_tokens::use_to_note(&token, now) {
                    let txn = state.begin_write().await?;
                    db::api_tokens::note_use(&txn, token.id, now).await?;
                    txn.commit().await?;
                }
                return Ok(AuthUser(system_actor(token.organisation_id)));
            }
        };
        let actor = verified.actor;
        if state
            .people
            .stamp_is_current(&state.db, actor.person_id, verified.stamp)
            .await?
        {
            req.extensions_mut()
                .insert(ActorOrganisation(actor.organisation_id));
            Ok(AuthUser(actor))
        } else {
            Err(ApiError::Unauthorized(
                "The access token was revoked (the account or its roles changed): refresh it or sign in again",
            ))
        }
    }
}

fn verify_bearer(req: &HttpRequest) -> Result<(web::Data<AppState>, Bearer), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
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
    if token.starts_with(SECRET_PREFIX) {
        let needed = req
            .match_pattern()
            .and_then(|path| TokenScope::needed_for(req.method().as_str(), &path));
        let secret = token.to_owned();
        return Ok((state, Bearer::System { secret, needed }));
    }
    let verified = state
        .keys
        .verify(token)
        .map_err(|_| ApiError::Unauthorized("The access token is invalid or has expired"))?;
    req.extensions_mut()
        .insert(SignedIn(verified.actor.person_id));
    Ok((state, Bearer::Person(verified)))
}

/// The API token a request was made with, once it checked out: for what is kept per token (its
/// rate limit, the audit log) and for what its scopes decide beyond the operation (which
/// types of change the feed shows it).
#[derive(Debug, Clone)]
pub struct TokenUsed {
    pub id: i64,
    pub scopes: Vec<TokenScope>,
}

/// The organisation of whoever made a request, once their credential checked out (a token's
/// own): the audit log keeps it with each entry, so an organisation's admins see their own.
#[derive(Debug, Clone, Copy)]
pub struct ActorOrganisation(pub i64);

/// Who made a request, once their token checked out: `middleware::note_changes` tells the
/// caches whose write it was, so that person (and only they) waits to see it.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn(pub i64);
