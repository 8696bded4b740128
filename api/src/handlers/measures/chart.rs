//! A measure's chart as an SVG file, for reports and bulletins: the same picture the web app
//! draws, from the same code (`qi_shared::chart`).

use actix_web::{HttpResponse, get, http::header, web};
use qi_shared::{
    chart::{ChartKind, measure_chart},
    problem::Problem,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::fetch;
use crate::{
    access::{MeasureAccess, VisibleMeasure},
    error::{ApiResult, not_found},
    extract::Query,
    state::AppState,
};

/// Which chart to draw.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartParam {
    /// An XmR (SPC) chart.
    Xmr,
    /// A run chart.
    Run,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    /// `xmr` or `run`; by default a run chart under 12 values, else an XmR chart.
    chart: Option<ChartParam>,
    /// Width in pixels of the drawing (200 or more; default 800).
    width: Option<u32>,
    /// Height in pixels of the drawing (150 or more; default 400).
    height: Option<u32>,
}

/// A measure's chart as an SVG image
///
/// Drawn the Making Data Count way, as the measure's page shows it: phases from its phase
/// changes, its target and annotations, a title and a description in words.
#[utoipa::path(
    tag = "measures",
    operation_id = "measure_chart",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Measure id"), ChartQuery),
    responses(
        (status = 200, description = "The chart", body = String, content_type = "image/svg+xml"),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, not visible to you, or no data to draw yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/measures/{id}/chart.svg")]
pub async fn chart_svg(
    state: web::Data<AppState>,
    VisibleMeasure(MeasureAccess {
        measure: current, ..
    }): VisibleMeasure,
    Query(query): Query<ChartQuery>,
) -> ApiResult<HttpResponse> {
    let measure = fetch(&state, current.id).await?;
    let kind = query.chart.map(|chart| match chart {
        ChartParam::Xmr => ChartKind::Xmr,
        ChartParam::Run => ChartKind::Run,
    });
    let size = (
        query.width.unwrap_or(0).min(4000),
        query.height.unwrap_or(0).min(4000),
    );
    let (svg, _) = measure_chart(&measure, kind, size).ok_or_else(|| not_found("Chart data"))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"))
        .body(svg))
}
