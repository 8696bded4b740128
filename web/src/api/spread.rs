//! The adoption and spread endpoints the app uses (adoptions and their stages, a project's
//! spread level, outside innovations): one function per endpoint.

use chrono::NaiveDate;
use gloo_net::http::Method;
use qi_shared::{
    page::Page,
    spread::network::{NetworkQuery, SpreadNetwork},
    spread::{
        Adoption, AdoptionInput, AdoptionQuery, Innovation, InnovationInput, InnovationQuery,
        SpreadQuery, SpreadSetting, SpreadView, StageInput,
    },
};

use super::{ApiError, call, with_query};

const NO_BODY: Option<&()> = None;

/// Adoptions matching `query` (of a project, of an innovation, by an organisation, at a stage).
pub async fn adoptions(query: &AdoptionQuery) -> Result<Page<Adoption>, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/adoptions", query),
        NO_BODY,
    )
    .await
}

pub async fn record_adoption(input: &AdoptionInput) -> Result<Adoption, ApiError> {
    call(Method::POST, "/api/v1/adoptions", Some(input)).await
}

/// Records an adoption's next stage; answers the adoption with it.
pub async fn record_stage(id: i64, input: &StageInput) -> Result<Adoption, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/adoptions/{id}/stages"),
        Some(input),
    )
    .await
}

pub async fn remove_adoption(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/adoptions/{id}"), NO_BODY).await
}

/// A project's spread as of `as_of` (today when `None`), with its history.
pub async fn spread(project_id: i64, as_of: Option<NaiveDate>) -> Result<SpreadView, ApiError> {
    call(
        Method::GET,
        &with_query(
            &format!("/api/v1/projects/{project_id}/spread"),
            &SpreadQuery { as_of },
        ),
        NO_BODY,
    )
    .await
}

/// Sets a project's spread level by hand, with the reason.
pub async fn set_spread(project_id: i64, setting: &SpreadSetting) -> Result<SpreadView, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/projects/{project_id}/spread"),
        Some(setting),
    )
    .await
}

/// Withdraws the hand setting: the level is what the adoptions say again.
pub async fn clear_spread(project_id: i64) -> Result<SpreadView, ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/projects/{project_id}/spread"),
        NO_BODY,
    )
    .await
}

pub async fn innovations(page: u64) -> Result<Page<Innovation>, ApiError> {
    let query = InnovationQuery {
        page: Some(page),
        per_page: None,
    };
    call(
        Method::GET,
        &with_query("/api/v1/innovations", &query),
        NO_BODY,
    )
    .await
}

pub async fn create_innovation(input: &InnovationInput) -> Result<Innovation, ApiError> {
    call(Method::POST, "/api/v1/innovations", Some(input)).await
}

/// The spread network as `query` narrows it (theme, period, one project's path).
pub async fn network(query: &NetworkQuery) -> Result<SpreadNetwork, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/spread/network", query),
        NO_BODY,
    )
    .await
}
