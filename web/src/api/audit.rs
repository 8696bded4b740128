//! The audit log's endpoints (`/api/v1/audit-log`): one function per endpoint. The page's query
//! carries the filters (`AuditQuery`'s names) and the page number.

use gloo_net::http::Method;
use qi_shared::audit::{AuditPage, AuditQuery};
use serde::Serialize;

use super::{ApiError, call, call_bytes, with_query};

const NO_BODY: Option<&()> = None;
const LOG: &str = "/api/v1/audit-log";

/// The filters and a page number: the list's query, and the log page's address (the same names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paged {
    #[serde(flatten)]
    pub filter: AuditQuery,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
}

/// A page of entries, newest first.
pub async fn audit_log(filter: &AuditQuery, page: Option<u64>) -> Result<AuditPage, ApiError> {
    let query = Paged {
        filter: filter.clone(),
        page,
    };
    call(Method::GET, &with_query(LOG, &query), NO_BODY).await
}

/// The export's address for these filters: the page shows it as the link's target, and fetches
/// it with the session (a plain link would carry no bearer token).
pub fn export_path(filter: &AuditQuery) -> String {
    match serde_urlencoded::to_string(filter) {
        Ok(q) if !q.is_empty() => format!("{LOG}/export?format=csv&{q}"),
        _ => format!("{LOG}/export?format=csv"),
    }
}

/// Every entry the filters match, as a CSV file's bytes.
pub async fn export_csv(filter: &AuditQuery) -> Result<Vec<u8>, ApiError> {
    call_bytes(&export_path(filter)).await
}
