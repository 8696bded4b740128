//! The endpoints of calls for submissions and awards: one function per endpoint. An event's
//! call, its submissions, their file, reviewers, reviews and shortlist, and the awards.

use gloo_net::http::Method;
use qi_shared::event::submission::{
    Award, AwardInput, Call, CallInput, FileType, Review, ReviewInput, ReviewersInput,
    ShortlistInput, Submission, SubmissionInput, SubmissionPage, SubmissionQuery,
};
use wasm_bindgen::JsValue;

use super::{ApiError, call, call_bytes, call_upload, from_json, with_query};

const NO_BODY: Option<&()> = None;

/// An event's call for submissions (a 404 problem if the event has none).
pub async fn call_for(event_id: i64) -> Result<Call, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/events/{event_id}/call"),
        NO_BODY,
    )
    .await
}

/// Opens a call, or changes it, for the event's managers (a 409 problem on `criteria` if the
/// rubric would change under reviews already made).
pub async fn set_call(event_id: i64, input: &CallInput) -> Result<Call, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/events/{event_id}/call"),
        Some(input),
    )
    .await
}

/// Closes the review once the deadline has passed: reviewers then see each other's scores, and
/// awards may be given.
pub async fn close_review(event_id: i64) -> Result<Call, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/events/{event_id}/call/close-review"),
        NO_BODY,
    )
    .await
}

/// The call's submissions the signed-in person may see: all of them for its managers; their
/// teams' and those they review for anyone else.
pub async fn submissions(
    event_id: i64,
    query: &SubmissionQuery,
) -> Result<SubmissionPage, ApiError> {
    call(
        Method::GET,
        &with_query(&format!("/api/v1/events/{event_id}/submissions"), query),
        NO_BODY,
    )
    .await
}

/// Submits one of the signed-in person's projects while the call is open.
pub async fn submit(event_id: i64, input: &SubmissionInput) -> Result<Submission, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/events/{event_id}/submissions"),
        Some(input),
    )
    .await
}

pub async fn submission(id: i64) -> Result<Submission, ApiError> {
    call(Method::GET, &format!("/api/v1/submissions/{id}"), NO_BODY).await
}

/// Changes a submission, for its team while the call is open.
pub async fn update_submission(id: i64, input: &SubmissionInput) -> Result<Submission, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/submissions/{id}"),
        Some(input),
    )
    .await
}

/// Withdraws a submission, for its team while the call is open.
pub async fn withdraw(id: i64) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/submissions/{id}"),
        NO_BODY,
    )
    .await
}

/// Uploads the submission's file (replacing any before), once the app has checked it with
/// `check_file`: `body` is the file, or its bytes.
pub async fn upload_file(
    id: i64,
    name: &str,
    file_type: FileType,
    body: &JsValue,
) -> Result<Submission, ApiError> {
    let path = with_query(&format!("/api/v1/submissions/{id}/file"), &[("name", name)]);
    let text = call_upload(&path, file_type.mime(), body).await?;
    from_json(text).map_err(ApiError::Unexpected)
}

/// The submission's file, as its bytes.
pub async fn file(id: i64) -> Result<Vec<u8>, ApiError> {
    call_bytes(&format!("/api/v1/submissions/{id}/file")).await
}

/// Names the submission's reviewers, for the event's managers.
pub async fn set_reviewers(id: i64, input: &ReviewersInput) -> Result<Submission, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/submissions/{id}/reviewers"),
        Some(input),
    )
    .await
}

/// The reviews the signed-in person may see: a reviewer their own until the review is closed,
/// the event's managers all of them.
pub async fn reviews(id: i64) -> Result<Vec<Review>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/submissions/{id}/reviews"),
        NO_BODY,
    )
    .await
}

/// Saves the signed-in reviewer's scores (again, until the review is closed).
pub async fn review(id: i64, input: &ReviewInput) -> Result<Review, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/submissions/{id}/review"),
        Some(input),
    )
    .await
}

pub async fn shortlist(id: i64, shortlisted: bool) -> Result<Submission, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/submissions/{id}/shortlist"),
        Some(&ShortlistInput { shortlisted }),
    )
    .await
}

/// The awards given at an event.
pub async fn awards(event_id: i64) -> Result<Vec<Award>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/events/{event_id}/awards"),
        NO_BODY,
    )
    .await
}

/// Gives an award, for the event's managers once the review is closed.
pub async fn give_award(event_id: i64, input: &AwardInput) -> Result<Award, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/events/{event_id}/awards"),
        Some(input),
    )
    .await
}

pub async fn remove_award(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/awards/{id}"), NO_BODY).await
}
