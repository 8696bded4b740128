//! A measure's data points: one by one, or a whole grid at once.

use actix_web::{HttpResponse, delete, http::header, post, put, web};
use qi_shared::{
    measure::{
        DataPoint, ImportMode, MAX_POINTS, Measure, PointInput, PointsInput, validate_points,
    },
    problem::Problem,
};
use sea_orm::{ConnectionTrait, DbErr};

use super::{fetch, stale};
use crate::{
    access::{EditableMeasure, MeasureAccess},
    db::{self, is_unique_violation},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{IfMatch, Json, etag},
    state::AppState,
};

/// Refuses a change that leaves a measure with more than [`MAX_POINTS`] points (call it inside the
/// change's transaction, after the change: the refusal rolls it back).
pub(super) async fn check_size(
    db: &impl ConnectionTrait,
    measure_id: i64,
    field: &str,
) -> ApiResult<()> {
    if db::measures::point_count(db, measure_id).await?
        > u64::try_from(MAX_POINTS).unwrap_or(u64::MAX)
    {
        return Err(invalid(
            field,
            format!("A measure can have at most {MAX_POINTS} data points"),
        ));
    }
    Ok(())
}

fn duplicate_date() -> ApiError {
    conflict(
        "duplicate_date",
        "date",
        "This measure already has a point on this date: change that point instead",
    )
}

/// A point saved on a date another change took at the same moment.
fn date_taken(err: DbErr) -> ApiError {
    if is_unique_violation(&err) {
        duplicate_date()
    } else {
        err.into()
    }
}

/// Add one data point. For a percentage or a rate, send the numerator and denominator and the
/// value is worked out. A measure has one point per date.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Measure id")),
    request_body = PointInput,
    responses(
        (status = 201, description = "The point; the ETag is the measure's new version", body = DataPoint),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The measure already has a point on this date", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (a denominator of 0, a numerator for a count...)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/measures/{id}/points")]
pub async fn add_point(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    body: Json<PointInput>,
) -> ApiResult<HttpResponse> {
    let (unit, rate_per) = db::measures::scale(&current);
    let point = body.0.validate(unit, rate_per)?;
    let txn = state.begin_write().await?;
    let version = db::measures::bump(&txn, &current, None)
        .await?
        .ok_or_else(|| not_found("Measure"))?;
    if db::measures::point_on(&txn, current.id, point.date)
        .await?
        .is_some()
    {
        return Err(duplicate_date());
    }
    let point_id = db::measures::add_point(&txn, current.id, &point)
        .await
        .map_err(date_taken)?;
    check_size(&txn, current.id, "date").await?;
    txn.commit().await?;
    let point = db::measures::point(&state.db, current.id, point_id)
        .await?
        .ok_or_else(|| not_found("Point"))?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/measures/{}/points/{point_id}", current.id),
        ))
        .insert_header(etag(version))
        .json(point))
}

/// Change one data point (its date too). Send the measure's ETag as `If-Match`.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("point_id" = i64, Path, description = "Point id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    request_body = PointInput,
    responses(
        (status = 200, description = "The changed point; the ETag is the measure's new version", body = DataPoint),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure or point, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another point is on this date", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/measures/{id}/points/{point_id}")]
pub async fn update_point(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    path: web::Path<(i64, i64)>,
    body: Json<PointInput>,
) -> ApiResult<HttpResponse> {
    let (id, point_id) = path.into_inner();
    db::measures::point(&state.db, id, point_id)
        .await?
        .ok_or_else(|| not_found("Point"))?;
    let version = if_match.version(current.version)?;
    let (unit, rate_per) = db::measures::scale(&current);
    let point = body.0.validate(unit, rate_per)?;
    let txn = state.begin_write().await?;
    let new_version = db::measures::bump(&txn, &current, Some(version))
        .await?
        .ok_or_else(|| stale(&current))?;
    if db::measures::point_on(&txn, id, point.date)
        .await?
        .is_some_and(|other| other != point_id)
    {
        return Err(duplicate_date());
    }
    db::measures::update_point(&txn, point_id, &point)
        .await
        .map_err(date_taken)?;
    txn.commit().await?;
    let point = db::measures::point(&state.db, id, point_id)
        .await?
        .ok_or_else(|| not_found("Point"))?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(new_version))
        .json(point))
}

/// Remove one data point. Send the measure's ETag as `If-Match`.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("point_id" = i64, Path, description = "Point id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    responses(
        (status = 204, description = "Removed; the ETag is the measure's new version"),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure or point, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/measures/{id}/points/{point_id}")]
pub async fn delete_point(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, point_id) = path.into_inner();
    db::measures::point(&state.db, id, point_id)
        .await?
        .ok_or_else(|| not_found("Point"))?;
    let version = if_match.version(current.version)?;
    let txn = state.begin_write().await?;
    let new_version = db::measures::bump(&txn, &current, Some(version))
        .await?
        .ok_or_else(|| stale(&current))?;
    db::measures::delete_point(&txn, point_id).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent()
        .insert_header(etag(new_version))
        .finish())
}

/// Save a measure's whole data at once, as a grid does: the points sent replace all its points.
/// Every point is checked first (errors name them by place: `points[3].date`), and nothing is
/// saved unless all are good. Send the measure's ETag as `If-Match`. Large data sets go through
/// the CSV import, as the JSON body limit applies here.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    request_body = PointsInput,
    responses(
        (status = 200, description = "The measure with its new data and ETag", body = Measure),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Points are not valid, or two share a date; each is named", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/measures/{id}/points")]
pub async fn replace_points(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    body: Json<PointsInput>,
) -> ApiResult<HttpResponse> {
    let version = if_match.version(current.version)?;
    let (unit, rate_per) = db::measures::scale(&current);
    let points = validate_points(&body.0.points, unit, rate_per)?;
    let txn = state.begin_write().await?;
    db::measures::bump(&txn, &current, Some(version))
        .await?
        .ok_or_else(|| stale(&current))?;
    db::measures::save_points(&txn, current.id, &points, ImportMode::Replace).await?;
    txn.commit().await?;
    let measure = fetch(&state, current.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(measure.version))
        .json(measure))
}
