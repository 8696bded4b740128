//! Bulk export (issue 18): every collection the caller may read, as NDJSON or CSV, streamed:
//! projects, measures and data points here, events and bookings in [`of_events`], courses,
//! cohorts, enrolments, coaching sessions and capability tiers in [`of_training`]. Each row is
//! what the collection's own list shows the caller, read by the list's own database code, so an
//! export never has a visibility rule of its own.
//!
//! Rows are read in pages of [`PAGE`] by key (`WHERE id > last ORDER BY id LIMIT 1000`, never
//! `OFFSET`), each page in a few batch queries, and written to the answer as it is read; actix
//! asks for the next page only once the previous one has gone out, so the server holds one page
//! whatever the collection's size. The pages are separate reads, not one snapshot: a row changed
//! during a long export shows as it was when its page was read (the changes feed, followed from
//! a cursor taken before the export, catches up with it).
//!
//! The first page is read before the answer starts, so a failure then is an ordinary problem
//! document. A failure after the status and headers have gone out cannot change them: it is
//! logged (with the request id) and the connection is closed without the chunked encoding's
//! last chunk, so a client sees a broken transfer (curl: "transfer closed with outstanding read
//! data remaining"), never a short file that looks whole.

mod of_events;
mod of_training;

pub use of_events::{bookings, events};
pub use of_training::{capability_tiers, coaching_sessions, cohorts, courses, enrolments};

use std::future::Future;

use actix_web::{HttpResponse, get, http::header, web};
use bytes::Bytes;
use futures_util::stream;
use qi_shared::{
    export::{
        BOM, CsvRow, ExportFormat, ExportedPoint, MeasureExportQuery, PointExportQuery,
        ProjectExportQuery,
    },
    measure::Measure,
    problem::Problem,
    project::ProjectSummary,
};
use sea_orm::{Condition, DbErr};
use serde::Serialize;
use tracing::Instrument;

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult},
    extract::Query,
    state::AppState,
};

/// Rows a page: large enough that the queries' cost is spread, small enough that a page of
/// measures with their points stays a few megabytes.
const PAGE: u64 = 1000;

/// A row of an export: written as JSON or CSV, and known by the key its pages follow.
trait Row: Serialize + CsvRow + 'static {
    fn key(&self) -> i64;
}

impl Row for ProjectSummary {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Row for Measure {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Row for ExportedPoint {
    fn key(&self) -> i64 {
        self.id
    }
}

/// `rows` written in `format`, the CSV header (after the byte-order mark) first if `header`.
fn encode<T: Row>(format: ExportFormat, rows: &[T], header: bool) -> Result<Bytes, ApiError> {
    let mut out = Vec::with_capacity(rows.len() * 256 + 64);
    match format {
        ExportFormat::Ndjson => {
            for row in rows {
                serde_json::to_writer(&mut out, row).map_err(|e| ApiError::Internal(e.into()))?;
                out.push(b'\n');
            }
        }
        ExportFormat::Csv => {
            if header {
                out.extend_from_slice(BOM.as_bytes());
            }
            let mut writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut out);
            let failed = |e: csv::Error| ApiError::Internal(e.into());
            if header {
                writer.write_record(T::HEADER).map_err(failed)?;
            }
            for row in rows {
                writer
                    .write_record(row.cells().iter().map(|c| c.as_bytes()))
                    .map_err(failed)?;
            }
            writer.flush().map_err(|e| ApiError::Internal(e.into()))?;
        }
    }
    Ok(Bytes::from(out))
}

/// Where a streamed export has got to.
struct Progress<T, F> {
    next: F,
    /// The first page, read before the answer started.
    first: Option<Vec<T>>,
    after: i64,
    header: bool,
    done: bool,
}

/// The answer to an export: `first` (the first page, already read), then each page `next` reads
/// after the last key written, until a page is short.
fn streamed<T, F, Fut>(
    collection: &str,
    format: ExportFormat,
    first: Vec<T>,
    next: F,
) -> HttpResponse
where
    T: Row,
    F: Fn(i64) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<T>, DbErr>> + 'static,
{
    // Pages are read after the handler has returned: keep its span (and request id) for their
    // log lines.
    let span = tracing::Span::current();
    let start = Progress {
        next,
        first: Some(first),
        after: 0,
        header: true,
        done: false,
    };
    let body = stream::unfold(start, move |mut progress| {
        let span = span.clone();
        async move {
            if progress.done {
                return None;
            }
            let rows = match progress.first.take() {
                Some(rows) => rows,
                None => match (progress.next)(progress.after)
                    .instrument(span.clone())
                    .await
                {
                    Ok(rows) => rows,
                    Err(err) => return Some((Err(broken(&span, &err)), stopped(progress))),
                },
            };
            progress.done = (rows.len() as u64) < PAGE;
            if let Some(last) = rows.last() {
                progress.after = last.key();
            }
            let bytes = match encode(format, &rows, progress.header) {
                Ok(bytes) => bytes,
                Err(err) => return Some((Err(broken(&span, &err)), stopped(progress))),
            };
            progress.header = false;
            // An empty chunk would read as the end of a chunked answer; an empty last page
            // writes nothing (the stream simply ends).
            if bytes.is_empty() {
                return None;
            }
            Some((Ok(bytes), progress))
        }
    });
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", format.file_name(collection)),
        ))
        .streaming(body)
}

fn stopped<T, F>(mut progress: Progress<T, F>) -> Progress<T, F> {
    progress.done = true;
    progress
}

/// Logs a failure after the answer has started; the error ends the stream, so actix closes the
/// connection without the last chunk and the client knows the file is incomplete.
fn broken(span: &tracing::Span, err: &dyn std::fmt::Display) -> std::io::Error {
    span.in_scope(|| tracing::error!(error = %err, "export stopped part way"));
    std::io::Error::other("export stopped part way")
}

/// Every project you may read, as the projects list shows each (`ProjectSummary`), in id order.
///
/// NDJSON (the default): one `ProjectSummary` a line. CSV (`format=csv`): UTF-8 with a
/// byte-order mark, a header row, lists (tags, awards' categories) joined with `;`, and text
/// cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with `'` so a
/// spreadsheet does not run them. Streamed whatever the size; a failure part way closes the
/// connection before the end of the chunked answer. Filters as the projects list's, plus
/// `visibility` and `updated_since`. API tokens need `read_projects`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_projects",
    security(("bearer" = [])),
    params(ProjectExportQuery),
    responses(
        (status = 200, description = "The projects, streamed: NDJSON, one ProjectSummary a line, or CSV",
            content(
                (ProjectSummary = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"projects.ndjson\" or \"projects.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_projects scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A score out of the IHI scale", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/projects")]
pub async fn projects(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ProjectExportQuery>,
) -> ApiResult<HttpResponse> {
    let (format, filter) = query.validate()?;
    let condition = Condition::all()
        .add(db::projects::visible(&user))
        .add(db::projects::matching(&filter));
    let first = db::projects::summaries_after(&state.db, condition.clone(), 0, PAGE).await?;
    Ok(streamed("projects", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move { db::projects::summaries_after(&db, condition, after, PAGE).await }
    }))
}

/// Every measure of the projects you may read, in id order.
///
/// NDJSON (the default): one `Measure` a line, exactly as `GET /measures/{id}` shows it, points
/// and annotations included. CSV (`format=csv`): one row a measure with its definition (no
/// points or annotations: export those from `/export/measure-points`), change ideas joined with
/// `;`, text cells neutralised as for projects. Streamed as the projects export. API tokens need
/// `read_measures`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_measures",
    security(("bearer" = [])),
    params(MeasureExportQuery),
    responses(
        (status = 200, description = "The measures, streamed: NDJSON, one Measure a line, or CSV",
            content(
                (Measure = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"measures.ndjson\" or \"measures.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_measures scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/measures")]
pub async fn measures(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<MeasureExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = db::measures::readable(&user, query.project_id);
    let first = db::measures::after(&state.db, condition.clone(), 0, PAGE).await?;
    Ok(streamed("measures", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move { db::measures::after(&db, condition, after, PAGE).await }
    }))
}

/// Every data point of the measures you may read, in id order: its measure, its project and the
/// point as the measure shows it.
///
/// NDJSON (the default) or CSV (`format=csv`, the note neutralised as text cells are; values
/// are numbers, a negative one stays a number). Streamed as the projects export. API tokens
/// need `read_measures`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_measure_points",
    security(("bearer" = [])),
    params(PointExportQuery),
    responses(
        (status = 200, description = "The data points, streamed: NDJSON, one ExportedPoint a line, or CSV",
            content(
                (ExportedPoint = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"measure-points.ndjson\" or \"measure-points.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_measures scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/measure-points")]
pub async fn measure_points(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<PointExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = db::measures::readable(&user, query.project_id);
    let measure_id = query.measure_id;
    let first =
        db::measures::points_after(&state.db, condition.clone(), measure_id, 0, PAGE).await?;
    Ok(streamed("measure-points", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move { db::measures::points_after(&db, condition, measure_id, after, PAGE).await }
    }))
}
