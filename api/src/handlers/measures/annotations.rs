//! The phase changes and annotations on a measure's chart.

use actix_web::{HttpResponse, delete, http::header, post, put, web};
use qi_shared::{
    measure::{Annotation, AnnotationInput, AnnotationKind},
    problem::Problem,
};

use super::stale;
use crate::{
    access::{EditableMeasure, MeasureAccess},
    db,
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{IfMatch, Json, etag},
    state::AppState,
};

/// Checks an annotation, and that the PDSA cycle it names is this project's.
async fn check_annotation(
    state: &AppState,
    project_id: i64,
    input: &AnnotationInput,
) -> ApiResult<AnnotationInput> {
    let input = input.validate()?;
    if let Some(cycle) = input.pdsa_cycle_id
        && !db::measures::is_project_cycle(&state.db, project_id, cycle).await?
    {
        return Err(invalid(
            "pdsa_cycle_id",
            "Choose a PDSA cycle of this measure's project",
        ));
    }
    Ok(input)
}

fn duplicate_phase_change() -> ApiError {
    conflict(
        "duplicate_phase_change",
        "date",
        "This measure already has a phase change on this date",
    )
}

/// Mark a measure's chart: a phase change (the SPC limits are worked out again from this date)
/// or an annotation, optionally linked to one of the project's PDSA cycles.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Measure id")),
    request_body = AnnotationInput,
    responses(
        (status = 201, description = "The mark; the ETag is the measure's new version", body = Annotation),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "There is a phase change on this date already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or the PDSA cycle is not this project's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/measures/{id}/annotations")]
pub async fn add_annotation(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    body: Json<AnnotationInput>,
) -> ApiResult<HttpResponse> {
    let input = check_annotation(&state, current.project_id, &body.0).await?;
    let txn = state.begin_write().await?;
    let version = db::measures::bump(&txn, &current, None)
        .await?
        .ok_or_else(|| not_found("Measure"))?;
    if input.kind == AnnotationKind::PhaseChange
        && db::measures::phase_change_on(&txn, current.id, input.date, None).await?
    {
        return Err(duplicate_phase_change());
    }
    let annotation_id = db::measures::add_annotation(&txn, current.id, &input).await?;
    txn.commit().await?;
    let annotation = db::measures::annotation(&state.db, current.id, annotation_id)
        .await?
        .ok_or_else(|| not_found("Annotation"))?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/measures/{}/annotations/{annotation_id}",
                current.id
            ),
        ))
        .insert_header(etag(version))
        .json(annotation))
}

/// Change a phase change or an annotation. Send the measure's ETag as `If-Match`.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("annotation_id" = i64, Path, description = "Annotation id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    request_body = AnnotationInput,
    responses(
        (status = 200, description = "The changed mark; the ETag is the measure's new version", body = Annotation),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure or annotation, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "There is a phase change on this date already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or the PDSA cycle is not this project's", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/measures/{id}/annotations/{annotation_id}")]
pub async fn update_annotation(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    path: web::Path<(i64, i64)>,
    body: Json<AnnotationInput>,
) -> ApiResult<HttpResponse> {
    let (id, annotation_id) = path.into_inner();
    db::measures::annotation(&state.db, id, annotation_id)
        .await?
        .ok_or_else(|| not_found("Annotation"))?;
    let version = if_match.version(current.version)?;
    let input = check_annotation(&state, current.project_id, &body.0).await?;
    let txn = state.begin_write().await?;
    let new_version = db::measures::bump(&txn, &current, Some(version))
        .await?
        .ok_or_else(|| stale(&current))?;
    if input.kind == AnnotationKind::PhaseChange
        && db::measures::phase_change_on(&txn, id, input.date, Some(annotation_id)).await?
    {
        return Err(duplicate_phase_change());
    }
    db::measures::update_annotation(&txn, annotation_id, &input).await?;
    txn.commit().await?;
    let annotation = db::measures::annotation(&state.db, id, annotation_id)
        .await?
        .ok_or_else(|| not_found("Annotation"))?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(new_version))
        .json(annotation))
}

/// Remove a phase change or an annotation. Send the measure's ETag as `If-Match`.
#[utoipa::path(
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("annotation_id" = i64, Path, description = "Annotation id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    responses(
        (status = 204, description = "Removed; the ETag is the measure's new version"),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure or annotation, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/measures/{id}/annotations/{annotation_id}")]
pub async fn delete_annotation(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, annotation_id) = path.into_inner();
    db::measures::annotation(&state.db, id, annotation_id)
        .await?
        .ok_or_else(|| not_found("Annotation"))?;
    let version = if_match.version(current.version)?;
    let txn = state.begin_write().await?;
    let new_version = db::measures::bump(&txn, &current, Some(version))
        .await?
        .ok_or_else(|| stale(&current))?;
    db::measures::delete_annotation(&txn, annotation_id).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent()
        .insert_header(etag(new_version))
        .finish())
}
