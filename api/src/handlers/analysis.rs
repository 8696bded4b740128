//! The stateless analysis API: partner organisations send a series and get back the same XmR or
//! run-chart analysis the platform shows on its own charts. Nothing is stored and no sign-in is
//! needed; the engine is `qi_shared::spc`.

use actix_web::{HttpResponse, post, web};
use qi_shared::{
    FieldErrors,
    problem::Problem,
    spc::{RunChartRequest, RunChartResponse, SpcRequest, SpcResponse},
};
use serde::Serialize;

use crate::{
    error::{ApiError, ApiResult},
    extract::Json,
};

/// Series longer than this (possible where `max_body_bytes` is raised above its default of
/// 256 KiB, about 7,000 points) are analysed on the blocking pool: a long series takes milliseconds
/// of CPU, which would hold up every other request on the worker thread.
const INLINE_POINTS: usize = 10_000;

/// Analyse a series as an XmR chart (SPC, the Making Data Count way)
///
/// Per phase (a rebase date starts a new phase at the first point on or after it): the mean,
/// the process limits (mean ± 2.66 × mean moving range, after screening out moving ranges of
/// 3.267 × their mean or more, unless `screen_outliers` is false), fixed after
/// `fix_after_n_points` if given; each point's special cause (outside the limits, a run of 7
/// rising or falling, two of three beyond 2 sigma, a shift of 7 on one side of the mean) and its
/// type relative to the improvement direction; the variation icon (the latest point) and, with a
/// target, the assurance icon. A missing `value` (or `null`) is a gap. Results match
/// NHSRplotthedots. Nothing is stored; no sign-in is needed.
#[utoipa::path(
    tag = "analysis",
    request_body = SpcRequest,
    responses(
        (status = 200, description = "The analysed chart", body = SpcResponse),
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or invalid (no points, a duplicate date, a non-numeric value, too many points, fix_after_n_points under 12...): `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/analysis/spc")]
pub async fn spc(Json(request): Json<SpcRequest>) -> ApiResult<HttpResponse> {
    let size = request.points.len();
    let analysis = analyse(size, move || qi_shared::spc::analyse_spc(&request)).await?;
    Ok(HttpResponse::Ok().json(analysis))
}

/// Analyse a series as a run chart (the Anhøj rules)
///
/// Per part: the centre line (the median of the baseline points, up to `freeze_after`, leaving
/// out `exclude`), the longest run on one side of it and its limit, the number of crossings and
/// their minimum, and whether either signals non-random variation. `split_after` names the last
/// point of each part but the last; `freeze_after` the last baseline point; all of them are
/// dates of points. Results match qicharts2. Nothing is stored; no sign-in is needed.
#[utoipa::path(
    tag = "analysis",
    request_body = RunChartRequest,
    responses(
        (status = 200, description = "The analysed run chart", body = RunChartResponse),
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or invalid (no points, a duplicate date, a date in freeze_after, split_after or exclude that is not a point's): `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/analysis/run-chart")]
pub async fn run_chart(Json(request): Json<RunChartRequest>) -> ApiResult<HttpResponse> {
    let size = request.points.len();
    let analysis = analyse(size, move || qi_shared::spc::analyse_run_chart(&request)).await?;
    Ok(HttpResponse::Ok().json(analysis))
}

/// Runs an analysis of `size` points: inline if short, else on the blocking pool.
async fn analyse<T, F>(size: usize, analysis: F) -> ApiResult<T>
where
    T: Serialize + Send + 'static,
    F: FnOnce() -> Result<T, FieldErrors> + Send + 'static,
{
    let result = if size <= INLINE_POINTS {
        analysis()
    } else {
        web::block(analysis)
            .await
            .map_err(|err| ApiError::Internal(anyhow::Error::new(err).context("analysing")))?
    };
    Ok(result?)
}
