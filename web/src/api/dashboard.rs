//! The dashboard endpoints the app uses: one function per endpoint.

use gloo_net::http::Method;
use qi_shared::dashboard::{
    Breakdown, BreakdownQuery, Comparison, Dashboard, DashboardQuery, MembersQuery, MetricMembers,
    MetricSeries, SeriesQuery,
};

use super::{ApiError, call, with_query};

const NO_BODY: Option<&()> = None;

pub async fn dashboard(query: &DashboardQuery) -> Result<Dashboard, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/dashboard", query),
        NO_BODY,
    )
    .await
}

pub async fn comparison(query: &DashboardQuery) -> Result<Comparison, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/dashboard/organisations", query),
        NO_BODY,
    )
    .await
}

pub async fn breakdown(query: &BreakdownQuery) -> Result<Breakdown, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/dashboard/breakdown", query),
        NO_BODY,
    )
    .await
}

pub async fn series(metric: &str, query: &SeriesQuery) -> Result<MetricSeries, ApiError> {
    call(
        Method::GET,
        &with_query(&format!("/api/v1/dashboard/metrics/{metric}"), query),
        NO_BODY,
    )
    .await
}

pub async fn members(metric: &str, query: &MembersQuery) -> Result<MetricMembers, ApiError> {
    call(
        Method::GET,
        &with_query(
            &format!("/api/v1/dashboard/metrics/{metric}/members"),
            query,
        ),
        NO_BODY,
    )
    .await
}
