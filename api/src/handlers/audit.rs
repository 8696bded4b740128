//! The audit log (see `docs/integrations.md`, "Audit log"): organisation admins read their
//! organisation's entries, partnership admins every entry; in pages, or whole as CSV.

use actix_web::{HttpResponse, get, http::header, web};
use chrono::Utc;
use futures_util::{StreamExt, stream};
use qi_shared::{
    audit::{AuditPage, AuditQuery, csv_entries, csv_start},
    page::{PageQuery, parse_page},
    person::Role,
    problem::Problem,
    uk_time,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::{
    auth::AuthUser,
    db::{self, audit::Visible},
    error::{ApiError, ApiResult},
    extract::Query,
    state::AppState,
};

/// Entries the export reads at once: each page is found through the index, newest first.
const EXPORT_PAGE: u64 = 500;

/// Where an export has got to.
struct Export {
    /// Entries read and not yet sent.
    pending: Option<Vec<qi_shared::audit::AuditEntry>>,
    /// The oldest entry sent: the next page is older.
    before: Option<i64>,
    /// The last page was short: nothing is left.
    done: bool,
    db: sea_orm::DatabaseConnection,
    query: AuditQuery,
}

/// Whose entries the reader may see, given the organisation the query names: partnership
/// admins any, an organisation's admins their own organisation's only.
fn visible(user: &AuthUser, query: &AuditQuery) -> ApiResult<Visible> {
    if user.person_id != 0 && user.is_partnership_admin() {
        return Ok(Visible::All);
    }
    let own = user.person_id != 0 && user.has(Role::OrganisationAdmin);
    if own
        && query
            .organisation_id
            .is_none_or(|id| id == user.organisation_id)
    {
        return Ok(Visible::Organisation(user.organisation_id));
    }
    Err(ApiError::Forbidden(
        "Only an organisation's admins and partnership admins read its audit log",
    ))
}

/// The audit log, newest first: every write that succeeded and every data export, by whom (a
/// person, an API token, or nobody signed in), from which address, to which object. An
/// organisation's admins see the entries of its people and tokens; partnership admins all.
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_audit_log",
    security(("bearer" = [])),
    params(AuditQuery, PageQuery),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "A query parameter is not valid (named)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of that organisation (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is out of range (named): an id below 1, an object type not spelt as paths do, `from` after `to`; or the page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-log")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<AuditQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.validate()?;
    let (page, per_page) = parse_page(page.page, page.per_page)?;
    let visible = visible(&user, &query)?;
    let (items, total) = db::audit::list(&state.db, visible, &query, page, per_page).await?;
    Ok(HttpResponse::Ok().json(AuditPage::new(items, page, per_page, total)))
}

/// The export's format: CSV is the only one.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Csv,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (the default).
    #[param(inline)]
    format: Option<ExportFormat>,
}

/// The audit log's entries that the filters choose, newest first, as a CSV file (UTF-8 with a
/// byte order mark; a cell a spreadsheet would run as a formula starts with an apostrophe),
/// sent as it is read. The export is itself logged.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_audit_log",
    security(("bearer" = [])),
    params(AuditQuery, ExportQuery),
    responses(
        (status = 200, description = "The entries, as an attachment", body = String, content_type = "text/csv"),
        (status = 400, description = "A query parameter is not valid (named)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of that organisation (or an API token)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is out of range (named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-log/export")]
pub async fn export(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<AuditQuery>,
    Query(format): Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let ExportFormat::Csv = format.format.unwrap_or_default();
    let query = query.validate()?;
    let visible = visible(&user, &query)?;
    // The first page is read before answering, so a failing database is a 500, not a cut file.
    let first = db::audit::older(&state.db, visible, &query, None, EXPORT_PAGE).await?;
    let pages = stream::unfold(
        Export {
            pending: Some(first),
            before: None,
            done: false,
            db: state.db.clone(),
            query,
        },
        move |mut export| async move {
            let entries = match export.pending.take() {
                Some(entries) => entries,
                None if export.done => return None,
                None => {
                    let next = db::audit::older(
                        &export.db,
                        visible,
                        &export.query,
                        export.before,
                        EXPORT_PAGE,
                    )
                    .await;
                    match next {
                        Ok(entries) => entries,
                        Err(error) => {
                            // The headers are sent: the client sees the file end early.
                            tracing::error!(error = %error, "the audit log export failed part-way");
                            export.done = true;
                            let error = actix_web::error::ErrorInternalServerError(error);
                            return Some((Err(error), export));
                        }
                    }
                }
            };
            export.done = (entries.len() as u64) < EXPORT_PAGE;
            export.before = entries.last().map(|e| e.id);
            Some((Ok(web::Bytes::from(csv_entries(&entries))), export))
        },
    );
    let start = web::Bytes::from(csv_start());
    let body = stream::iter([Ok::<_, actix_web::Error>(start)]).chain(pages);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"audit-log-{}.csv\"",
                uk_time::day_of(Utc::now())
            ),
        ))
        .streaming(body))
}
