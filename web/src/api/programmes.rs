//! Programmes: one function per endpoint.

use gloo_net::http::Method;
use qi_shared::programme::{
    Programme, ProgrammeInput, ProgrammeMeasure, ProgrammeMeasureInput, ProgrammePage,
    ProgrammeQuery,
};

use super::{ApiError, call, call_if_match, with_query};

const NO_BODY: Option<&()> = None;

pub async fn programmes(query: &ProgrammeQuery) -> Result<ProgrammePage, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/programmes", query),
        NO_BODY,
    )
    .await
}

pub async fn programme(id: i64) -> Result<Programme, ApiError> {
    call(Method::GET, &format!("/api/v1/programmes/{id}"), NO_BODY).await
}

pub async fn create(input: &ProgrammeInput) -> Result<Programme, ApiError> {
    call(Method::POST, "/api/v1/programmes", Some(input)).await
}

/// Changes the programme, if no one has changed it since `version`.
pub async fn update(id: i64, version: i64, input: &ProgrammeInput) -> Result<Programme, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/programmes/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

/// Removes the programme, if no one has changed it since `version`.
pub async fn delete(id: i64, version: i64) -> Result<(), ApiError> {
    call_if_match(
        Method::DELETE,
        &format!("/api/v1/programmes/{id}"),
        NO_BODY,
        Some(version),
    )
    .await
}

pub async fn create_measure(
    id: i64,
    input: &ProgrammeMeasureInput,
) -> Result<ProgrammeMeasure, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/programmes/{id}/measures"),
        Some(input),
    )
    .await
}

pub async fn update_measure(
    id: i64,
    measure_id: i64,
    input: &ProgrammeMeasureInput,
) -> Result<ProgrammeMeasure, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/programmes/{id}/measures/{measure_id}"),
        Some(input),
    )
    .await
}

pub async fn delete_measure(id: i64, measure_id: i64) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/programmes/{id}/measures/{measure_id}"),
        NO_BODY,
    )
    .await
}
