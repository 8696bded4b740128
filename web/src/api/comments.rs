//! The endpoints of comments and peer support on a project: one function per endpoint. A
//! project's threads (all of them, or those about one PDSA cycle or measure), writing, editing and
//! deleting one's own, the people one may mention, hiding a comment with a reason, publishing one
//! to the learning library, and answering an offer of help.

use gloo_net::http::Method;
use qi_shared::{
    comment::{
        Comment, CommentEdit, CommentInput, CommentPage, CommentQuery, HideInput, OfferAnswer,
        OfferStatus, PublishInput,
    },
    training::PersonRef,
};

use super::{ApiError, call, public, with_query};

const NO_BODY: Option<&()> = None;

/// A project's threads, newest first, as the signed-in person may see them.
pub async fn comments(project_id: i64, query: &CommentQuery) -> Result<CommentPage, ApiError> {
    call(
        Method::GET,
        &with_query(&format!("/api/v1/projects/{project_id}/comments"), query),
        NO_BODY,
    )
    .await
}

/// A public project's published threads, as anyone (the learning library) reads them.
pub async fn published(project_id: i64, query: &CommentQuery) -> Result<CommentPage, ApiError> {
    public(
        Method::GET,
        &with_query(&format!("/api/v1/projects/{project_id}/comments"), query),
        NO_BODY,
    )
    .await
}

/// A comment, a reply (`parent_id`) or an offer of help (`offer`).
pub async fn post(project_id: i64, input: &CommentInput) -> Result<Comment, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/projects/{project_id}/comments"),
        Some(input),
    )
    .await
}

/// Up to ten people who may see the project whose name matches `q`, for an @-mention.
pub async fn mentionable(project_id: i64, q: &str) -> Result<Vec<PersonRef>, ApiError> {
    call(
        Method::GET,
        &with_query(
            &format!("/api/v1/projects/{project_id}/mentionable"),
            &[("q", q)],
        ),
        NO_BODY,
    )
    .await
}

/// Changes the author's own comment (it then shows as edited).
pub async fn edit(id: i64, input: &CommentEdit) -> Result<Comment, ApiError> {
    call(Method::PUT, &format!("/api/v1/comments/{id}"), Some(input)).await
}

/// Deletes the author's own comment (a thread's head with replies stays, marked deleted).
pub async fn delete(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/comments/{id}"), NO_BODY).await
}

/// Hides a comment with a reason, for the project's organisations' admins and its lead.
pub async fn hide(id: i64, reason: &str) -> Result<Comment, ApiError> {
    let body = HideInput {
        reason: reason.to_owned(),
    };
    call(
        Method::PUT,
        &format!("/api/v1/comments/{id}/hidden"),
        Some(&body),
    )
    .await
}

/// Shows a hidden comment again.
pub async fn unhide(id: i64) -> Result<Comment, ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/comments/{id}/hidden"),
        NO_BODY,
    )
    .await
}

/// Publishes a public project's comment to the learning library, or withdraws it.
pub async fn publish(id: i64, published: bool) -> Result<Comment, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/comments/{id}/published"),
        Some(&PublishInput { published }),
    )
    .await
}

/// The team's answer to an offer of help.
pub async fn answer(id: i64, status: OfferStatus) -> Result<Comment, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/comments/{id}/offer"),
        Some(&OfferAnswer { status }),
    )
    .await
}
