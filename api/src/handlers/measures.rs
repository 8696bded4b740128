//! A project's measures, their data and the marks on their charts: read by whoever may see the
//! project (and by anyone, through the learning library, for a public project), changed by
//! whoever may edit it.
//!
//! A measure has one version (its ETag) for its definition, its data and its annotations
//! together. Changing or removing any of them needs that ETag as `If-Match`; adding a point or an
//! annotation does not (nothing is overwritten), and a merging import checks it only if it is
//! sent. Every answer that changes a measure carries its new ETag.

mod annotations;
mod chart;
mod csv;
mod points;

pub use annotations::{add_annotation, delete_annotation, update_annotation};
pub use chart::{ChartParam, chart_svg};
pub use csv::{export_csv, import_csv};
pub use points::{add_point, delete_point, replace_points, update_point};

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use qi_shared::{
    FieldErrors,
    measure::{Measure, MeasureInput, MeasureSummary},
    problem::Problem,
    project::Visibility,
};

use crate::{
    access::{
        EditableMeasure, EditableProject, MeasureAccess, ProjectAccess, VisibleMeasure,
        VisibleProject,
    },
    db::{self, entity::measure},
    error::{ApiError, ApiResult, conflict, not_found},
    extract::{IfMatch, Json, etag},
    state::AppState,
};

/// Checks a definition, and that the change ideas it links are this project's.
async fn check_measure(
    state: &AppState,
    project_id: i64,
    input: &MeasureInput,
) -> ApiResult<MeasureInput> {
    let input = input.validate()?;
    let foreign =
        db::measures::foreign_change_ideas(&state.db, project_id, &input.change_idea_ids).await?;
    if foreign.is_empty() {
        return Ok(input);
    }
    let mut errors = FieldErrors::new();
    for i in foreign {
        errors.push(
            format!("change_idea_ids[{i}]"),
            "Choose a change idea from this project's driver diagram",
        );
    }
    Err(errors.into())
}

/// The 412 for a measure someone changed since it was loaded.
fn stale(current: &measure::Model) -> ApiError {
    ApiError::PreconditionFailed {
        current_version: current.version,
    }
}

/// The measure as the API shows it; 404 if it has gone.
async fn fetch(state: &AppState, id: i64) -> ApiResult<Measure> {
    db::measures::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Measure"))
}

/// A project's measures, with how much data each has.
#[utoipa::path(
    tag = "measures",
    operation_id = "list_measures",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The measures, in the order they were added", body = Vec<MeasureSummary>),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/measures")]
pub async fn list(state: web::Data<AppState>, project: VisibleProject) -> ApiResult<HttpResponse> {
    let id = project.project.id;
    Ok(HttpResponse::Ok().json(db::measures::list(&state.db, id).await?))
}

/// Add a measure to a project: what it counts and how, and the change ideas it follows.
#[utoipa::path(
    tag = "measures",
    operation_id = "create_measure",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    request_body = MeasureInput,
    responses(
        (status = 201, description = "The measure, with its ETag", body = Measure),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or a change idea is not this project's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/measures")]
pub async fn create(
    state: web::Data<AppState>,
    EditableProject(ProjectAccess { user, project, .. }): EditableProject,
    body: Json<MeasureInput>,
) -> ApiResult<HttpResponse> {
    let input = check_measure(&state, project.id, &body.0).await?;
    let txn = state.begin_write().await?;
    let measure_id = db::measures::create(&txn, project.id, &input, user.person_id).await?;
    txn.commit().await?;
    let measure = fetch(&state, measure_id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/measures/{measure_id}")))
        .insert_header(etag(measure.version))
        .json(measure))
}

/// One measure: its definition, its data points in date order, and its phase changes and
/// annotations. The ETag is its version.
#[utoipa::path(
    tag = "measures",
    operation_id = "show_measure",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Measure id")),
    responses(
        (status = 200, description = "The measure", body = Measure),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/measures/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    VisibleMeasure(MeasureAccess {
        measure: current, ..
    }): VisibleMeasure,
) -> ApiResult<HttpResponse> {
    let measure = fetch(&state, current.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(measure.version))
        .json(measure))
}

/// Change a measure's definition. Points given as a numerator and denominator get their values
/// worked out again if the unit or `rate_per` changes; a measure with such points stays a
/// percentage or a rate. Send the measure's ETag as `If-Match`.
#[utoipa::path(
    tag = "measures",
    operation_id = "update_measure",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    request_body = MeasureInput,
    responses(
        (status = 200, description = "The changed measure, with its new ETag", body = Measure),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new unit is not a fraction, but points were given as numerators and denominators", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or a change idea is not this project's", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/measures/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
    body: Json<MeasureInput>,
) -> ApiResult<HttpResponse> {
    let version = if_match.version(current.version)?;
    let input = check_measure(&state, current.project_id, &body.0).await?;
    let txn = state.begin_write().await?;
    if !db::measures::update(&txn, &current, version, &input).await? {
        return Err(stale(&current));
    }
    if !input.unit.is_fraction() && db::measures::fraction_points(&txn, current.id).await? > 0 {
        return Err(conflict(
            "measure_has_fractions",
            "unit",
            "Some data points are numerators and denominators, so this measure stays a percentage or a rate: give those points values first",
        ));
    }
    txn.commit().await?;
    let measure = fetch(&state, current.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(measure.version))
        .json(measure))
}

/// Remove a measure with all its data and annotations. Send its ETag as `If-Match`.
#[utoipa::path(
    tag = "measures",
    operation_id = "delete_measure",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Measure id"),
        ("If-Match" = String, Header, description = "The measure's ETag (its version) as loaded"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the measure or its data since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/measures/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    EditableMeasure(MeasureAccess {
        measure: current, ..
    }): EditableMeasure,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let version = if_match.version(current.version)?;
    let txn = state.begin_write().await?;
    if !db::measures::delete(&txn, &current, version).await? {
        return Err(stale(&current));
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The id of a public project; 404 for any other.
async fn public_project(state: &AppState, id: i64) -> ApiResult<i64> {
    match db::projects::context(&state.db, id).await? {
        Some((model, context)) if context.visibility == Visibility::Public => Ok(model.id),
        _ => Err(not_found("Project")),
    }
}

/// A public project's measures, from the learning library. No sign-in needed.
#[utoipa::path(
    tag = "measures",
    operation_id = "library_measures",
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The measures", body = Vec<MeasureSummary>),
        (status = 404, description = "No such public project", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/library/{id}/measures")]
pub async fn library_list(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let project_id = public_project(&state, *id).await?;
    Ok(HttpResponse::Ok().json(db::measures::list(&state.db, project_id).await?))
}

/// A measure of a public project, with its data and annotations, from the learning library.
/// No sign-in needed.
#[utoipa::path(
    tag = "measures",
    operation_id = "library_measure",
    params(
        ("id" = i64, Path, description = "Project id"),
        ("measure_id" = i64, Path, description = "Measure id"),
    ),
    responses(
        (status = 200, description = "The measure", body = Measure),
        (status = 404, description = "No such public project, or no such measure of it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/library/{id}/measures/{measure_id}")]
pub async fn library_show(
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, measure_id) = path.into_inner();
    let project_id = public_project(&state, id).await?;
    let measure = db::measures::get(&state.db, measure_id)
        .await?
        .filter(|m| m.project_id == project_id)
        .ok_or_else(|| not_found("Measure"))?;
    Ok(HttpResponse::Ok().json(measure))
}
