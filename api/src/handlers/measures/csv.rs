//! A measure's data as a CSV file, out and in.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use qi_shared::{
    measure::{
        ImportMode, ImportQuery, MAX_CSV_BYTES, PointsImported, parse_points_csv, points_to_csv,
    },
    problem::Problem,
};

use super::{points::check_size, stale};
use crate::{
    access::{EditableMeasure, MeasureAccess, VisibleMeasure},
    db,
    error::{ApiError, ApiResult, not_found},
    extract::{self, IfMatch, Query, etag},
    state::AppState,
};

/// A measure's data as a CSV file: `date,value,numerator,denominator,note`, a row per point in
/// date order, ISO dates. Notes that start with `=`, `+`, `-` or `@` get a leading `'` so a
/// spreadsheet does not run them; the import takes it off again.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Measure id")),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/measures/{id}/points.csv")]
pub async fn export_csv(
    state: web::Data<AppState>,
    VisibleMeasure(MeasureAccess {
        measure: current, ..
    }): VisibleMeasure,
) -> ApiResult<HttpResponse> {
    let points = db::measures::points(&state.db, current.id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"measure-{}.csv\"", current.id),
        ))
        .body(points_to_csv(&points)))
}

/// Import a measure's data from a CSV file sent as the body (`Content-Type: text/csv`).
///
/// The first row names the columns: `date` and `value`, or for a percentage or a rate
/// `numerator` and `denominator` (the value is then worked out), and optionally `note`; in any
/// order and any case; other columns are refused. Dates are `dd/mm/yyyy`, `d/m/yyyy` or
/// `yyyy-mm-dd`. Numbers may have spaces around them but no thousands separators (`1234`, not
/// `1,234`) and no `%`; an empty value is a gap. One row per date.
///
/// The file is checked whole: if any row is bad, nothing is imported and the 422 lists the
/// problems by spreadsheet row (the header is row 1) and column, as `rows[4].date` (up to 1000 of
/// them, then a count). At most 100,000 rows and 4 MiB.
///
/// `mode=merge` (the default) changes the points on the file's dates and adds the rest;
/// `mode=replace` makes the file the measure's whole data and needs the measure's ETag as
/// `If-Match` (a merge checks it only when it is sent).
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ImportQuery,
        ("If-Match" = Option<String>, Header, description = "The measure's ETag (its version) as loaded: required to replace"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "What the import changed; the ETag is the measure's new version", body = PointsImported),
        (status = 400, description = "The body could not be read, or a query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 4 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not CSV (send Content-Type: text/csv)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rows are not valid, each named by row and column; or more than 100,000 rows; or not UTF-8 text", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing, to replace", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/measures/{id}/points.csv")]
pub async fn import_csv(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    req: HttpRequest,
    Query(query): Query<ImportQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let mode = query.mode.unwrap_or_default();
    let expected = match mode {
        ImportMode::Replace => Some(if_match.version(current.version)?),
        ImportMode::Merge => if_match.optional(current.version),
    };
    if !extract::is_csv(&req) {
        return Ok(extract::not_csv());
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_CSV_BYTES) {
        return Err(ApiError::PayloadTooLarge);
    }
    let text = extract::csv_text(payload, MAX_CSV_BYTES).await?;
    let (unit, rate_per) = db::measures::scale(&current);
    let points = parse_points_csv(&text, unit, rate_per)?;
    let txn = state.begin_write().await?;
    let version = db::measures::bump(&txn, &current, expected)
        .await?
        .ok_or_else(|| match expected {
            Some(_) => stale(&current),
            None => not_found("Measure"),
        })?;
    let imported = db::measures::save_points(&txn, current.id, &points, mode).await?;
    check_size(&txn, current.id, "rows").await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(version))
        .json(imported))
}
