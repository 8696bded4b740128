//! Search and the finder of similar work (`/api/v1/search`, `/api/v1/search/similar`):
//! one function per endpoint.

use gloo_net::http::Method;
use qi_shared::search::{
    DuplicateReport, ProjectDraft, SearchQuery, SearchResults, SimilarProject,
};

use super::{ApiError, call, with_query};

const NO_BODY: Option<&()> = None;

/// A page of results for `query`, most relevant first, with the facets.
pub async fn search(query: &SearchQuery) -> Result<SearchResults, ApiError> {
    call(Method::GET, &with_query("/api/v1/search", query), NO_BODY).await
}

/// The projects most like a draft.
pub async fn similar_to_draft(draft: &ProjectDraft) -> Result<Vec<SimilarProject>, ApiError> {
    call(Method::POST, "/api/v1/search/similar", Some(draft)).await
}

/// The projects most like project `id`.
pub async fn similar_to_project(id: i64) -> Result<Vec<SimilarProject>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{id}/similar"),
        NO_BODY,
    )
    .await
}

/// Organisation `id`'s likely duplicates across the partnership.
pub async fn duplicates(id: i64) -> Result<DuplicateReport, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/organisations/{id}/duplicates"),
        NO_BODY,
    )
    .await
}
