//! The capability endpoints the app uses (tiers, coaching, a person's record): one function per
//! endpoint.

use chrono::NaiveDate;
use gloo_net::http::Method;
use qi_shared::{
    capability::coaching::{
        Caseload, CaseloadQuery, CoachingSession, CoachingSessionInput, CoachingSessionPage,
        Coverage, CoverageQuery,
    },
    capability::{
        PersonRecord, PersonTier, TierCounts, TierCountsQuery, TierOverrideInput, TierRules,
    },
};

use super::{ApiError, call, call_text, with_query};

const NO_BODY: Option<&()> = None;

pub async fn rules() -> Result<TierRules, ApiError> {
    call(Method::GET, "/api/v1/capability/rules", NO_BODY).await
}

pub async fn save_rules(rules: &TierRules) -> Result<TierRules, ApiError> {
    call(Method::PUT, "/api/v1/capability/rules", Some(rules)).await
}

pub async fn counts(
    as_of: Option<NaiveDate>,
    organisation_id: Option<i64>,
) -> Result<TierCounts, ApiError> {
    let query = TierCountsQuery {
        as_of,
        organisation_id,
    };
    let path = match serde_urlencoded::to_string(&query) {
        Ok(q) if !q.is_empty() => format!("/api/v1/capability/tiers/counts?{q}"),
        _ => "/api/v1/capability/tiers/counts".to_owned(),
    };
    call(Method::GET, &path, NO_BODY).await
}

pub async fn person_tier(id: i64) -> Result<PersonTier, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/capability/people/{id}/tier"),
        NO_BODY,
    )
    .await
}

pub async fn set_override(id: i64, input: &TierOverrideInput) -> Result<PersonTier, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/capability/people/{id}/tier/override"),
        Some(input),
    )
    .await
}

pub async fn clear_override(id: i64) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/capability/people/{id}/tier/override"),
        NO_BODY,
    )
    .await
}

pub async fn sessions(project_id: i64, page: u64) -> Result<CoachingSessionPage, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{project_id}/coaching-sessions?page={page}"),
        NO_BODY,
    )
    .await
}

pub async fn record_session(
    project_id: i64,
    input: &CoachingSessionInput,
) -> Result<CoachingSession, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/projects/{project_id}/coaching-sessions"),
        Some(input),
    )
    .await
}

pub async fn change_session(
    id: i64,
    input: &CoachingSessionInput,
) -> Result<CoachingSession, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/coaching-sessions/{id}"),
        Some(input),
    )
    .await
}

pub async fn remove_session(id: i64) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/coaching-sessions/{id}"),
        NO_BODY,
    )
    .await
}

pub async fn caseload(query: &CaseloadQuery) -> Result<Caseload, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/capability/caseload", query),
        NO_BODY,
    )
    .await
}

pub async fn coverage(query: &CoverageQuery) -> Result<Coverage, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/capability/coverage", query),
        NO_BODY,
    )
    .await
}

pub async fn record(person_id: i64) -> Result<PersonRecord, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/capability/people/{person_id}/record"),
        NO_BODY,
    )
    .await
}

/// Your own record as a file's text: `json` or `csv`.
pub async fn my_record_file(format: &str) -> Result<String, ApiError> {
    call_text(Method::GET, &format!("/api/v1/me/record.{format}"), None).await
}
