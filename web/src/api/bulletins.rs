//! The endpoints of the "Sharing the Learning" bulletin: one function per endpoint. Published
//! bulletins are read by anyone, without signing in; drafts, and every change, are their
//! editors'.

use gloo_net::http::Method;
use qi_shared::bulletin::{Bulletin, BulletinInput, BulletinPage, BulletinQuery};

use super::{ApiError, call, public, with_query};

const NO_BODY: Option<&()> = None;

/// The address of the Atom feed of published bulletins.
pub const FEED: &str = "/api/v1/bulletins/feed.atom";

/// A page of bulletins: published ones for anyone, and (`status=draft`) the drafts the
/// signed-in editor may change.
pub async fn bulletins(query: &BulletinQuery, signed_in: bool) -> Result<BulletinPage, ApiError> {
    let path = with_query("/api/v1/bulletins", query);
    if signed_in {
        call(Method::GET, &path, NO_BODY).await
    } else {
        public(Method::GET, &path, NO_BODY).await
    }
}

/// A bulletin: a published one for anyone, a draft for its editors.
pub async fn bulletin(id: i64, signed_in: bool) -> Result<Bulletin, ApiError> {
    let path = format!("/api/v1/bulletins/{id}");
    if signed_in {
        call(Method::GET, &path, NO_BODY).await
    } else {
        public(Method::GET, &path, NO_BODY).await
    }
}

/// Starts a draft.
pub async fn create(input: &BulletinInput) -> Result<Bulletin, ApiError> {
    call(Method::POST, "/api/v1/bulletins", Some(input)).await
}

/// Changes a draft (a 409 problem once it is published).
pub async fn update(id: i64, input: &BulletinInput) -> Result<Bulletin, ApiError> {
    call(Method::PUT, &format!("/api/v1/bulletins/{id}"), Some(input)).await
}

/// Deletes a draft.
pub async fn delete(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/bulletins/{id}"), NO_BODY).await
}

/// Publishes a draft: it becomes public, at its own address and in the feed.
pub async fn publish(id: i64) -> Result<Bulletin, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/bulletins/{id}/publish"),
        NO_BODY,
    )
    .await
}

/// The bulletin as it would be published, rendered by the server; nothing is kept.
pub async fn preview(input: &BulletinInput) -> Result<Bulletin, ApiError> {
    call(Method::POST, "/api/v1/bulletins/preview", Some(input)).await
}
