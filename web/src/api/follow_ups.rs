//! A completed project's follow-ups ("did it last?"): one function per endpoint.

use gloo_net::http::Method;
use qi_shared::follow_up::{FollowUpInput, FollowUpPoint, FollowUps};

use super::{ApiError, call};

const NO_BODY: Option<&()> = None;

pub async fn follow_ups(project_id: i64) -> Result<FollowUps, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{project_id}/follow-ups"),
        NO_BODY,
    )
    .await
}

/// Records what the team found at `point` (or corrects it).
pub async fn record(
    project_id: i64,
    point: FollowUpPoint,
    input: &FollowUpInput,
) -> Result<FollowUps, ApiError> {
    call(
        Method::PUT,
        &format!(
            "/api/v1/projects/{project_id}/follow-ups/{}",
            point.as_str()
        ),
        Some(input),
    )
    .await
}
