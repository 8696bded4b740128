//! The strategy targets' endpoints (`/api/v1/dashboard/targets`): one function per endpoint.

use chrono::NaiveDate;
use gloo_net::http::Method;
use qi_shared::dashboard::target::{AsOfQuery, TargetDetail, TargetInput, TargetList, TargetQuery};

use super::{ApiError, call, call_if_match, with_query};

const NO_BODY: Option<&()> = None;
const TARGETS: &str = "/api/v1/dashboard/targets";

/// Every target (or one organisation's), with its progress as of a day (today if `None`).
pub async fn list(query: &TargetQuery) -> Result<TargetList, ApiError> {
    call(Method::GET, &with_query(TARGETS, query), NO_BODY).await
}

/// One target with its progress as of a day and its history.
pub async fn target(id: i64, as_of: Option<NaiveDate>) -> Result<TargetDetail, ApiError> {
    let path = with_query(&format!("{TARGETS}/{id}"), &AsOfQuery { as_of });
    call(Method::GET, &path, NO_BODY).await
}

pub async fn create(input: &TargetInput) -> Result<TargetDetail, ApiError> {
    call(Method::POST, TARGETS, Some(input)).await
}

/// Changes a target if it is still at `version` (else a 412 problem).
pub async fn update(id: i64, version: i64, input: &TargetInput) -> Result<TargetDetail, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("{TARGETS}/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

/// Removes a target if it is still at `version` (else a 412 problem); its history is kept.
pub async fn remove(id: i64, version: i64) -> Result<(), ApiError> {
    call_if_match(
        Method::DELETE,
        &format!("{TARGETS}/{id}"),
        NO_BODY,
        Some(version),
    )
    .await
}
