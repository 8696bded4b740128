//! A project's driver diagram and PDSA cycles: read by whoever may see the project, changed by
//! whoever may edit it, each change guarded by If-Match so no one's work is overwritten.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use qi_shared::{
    improvement::{DriverDiagram, PdsaCycle, PdsaInput},
    problem::Problem,
};

use crate::{
    access::{EditableProject, ProjectAccess, VisibleProject},
    db::{self, improvement::DiagramError},
    error::{ApiError, ApiResult, invalid, not_found},
    extract::{IfMatch, Json, etag},
    state::AppState,
};

/// A project's driver diagram: its aim, primary and secondary drivers, and change ideas.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The driver diagram; the ETag is the project's version", body = DriverDiagram),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/driver-diagram")]
pub async fn diagram(
    state: web::Data<AppState>,
    VisibleProject(ProjectAccess { project: model, .. }): VisibleProject,
) -> ApiResult<HttpResponse> {
    let version = model.version;
    let tree = db::improvement::diagram(&state.db, model.id, model.aim).await?;
    Ok(HttpResponse::Ok().insert_header(etag(version)).json(tree))
}

/// Replace a project's driver diagram with an edited tree. Nodes sent with their `id` keep it
/// (and a change idea keeps its PDSA cycles); a change idea with cycles cannot be left out.
/// Send the project's ETag as `If-Match`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Project id"),
        ("If-Match" = String, Header, description = "The project's ETag (its version) as loaded"),
    ),
    request_body = DriverDiagram,
    responses(
        (status = 200, description = "The saved diagram, with the project's new ETag", body = DriverDiagram),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It leaves out change ideas that PDSA cycles test", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the project since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A node is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/projects/{id}/driver-diagram")]
pub async fn replace_diagram(
    state: web::Data<AppState>,
    EditableProject(ProjectAccess { project: model, .. }): EditableProject,
    if_match: IfMatch,
    body: Json<DriverDiagram>,
) -> ApiResult<HttpResponse> {
    let version = if_match.version(model.version)?;
    let tree = body.0.validate()?;
    let txn = state.begin_write().await?;
    if !db::improvement::touch_project(&txn, model.id, version).await? {
        return Err(ApiError::PreconditionFailed {
            current_version: model.version,
        });
    }
    db::improvement::replace_diagram(&txn, model.id, &tree)
        .await
        .map_err(|err| match err {
            DiagramError::UnknownNode(field) => {
                invalid(&field, "Not a node of this project's diagram at this level")
            }
            DiagramError::RemovesTestedIdeas(names) => ApiError::Conflict {
                code: "change_idea_has_cycles",
                detail: format!(
                    "These change ideas have PDSA cycles, so they stay in the diagram: {}",
                    names.join("; ")
                ),
                errors: Vec::new(),
            },
            DiagramError::Db(err) => err.into(),
        })?;
    txn.commit().await?;
    let saved = db::improvement::diagram(&state.db, model.id, model.aim).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(version + 1))
        .json(saved))
}

/// A project's PDSA cycles: the ramp of each change idea, in order.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The cycles, grouped by change idea in diagram order", body = Vec<PdsaCycle>),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/cycles")]
pub async fn cycles(
    state: web::Data<AppState>,
    project: VisibleProject,
) -> ApiResult<HttpResponse> {
    let id = project.project.id;
    Ok(HttpResponse::Ok().json(db::improvement::cycles(&state.db, id).await?))
}

async fn check_cycle(state: &AppState, project_id: i64, input: &PdsaInput) -> ApiResult<PdsaInput> {
    let input = input.validate()?;
    if !db::improvement::is_change_idea(&state.db, project_id, input.change_idea_id).await? {
        return Err(invalid(
            "change_idea_id",
            "Choose a change idea from this project's driver diagram",
        ));
    }
    Ok(input)
}

/// Record a PDSA cycle testing one of the project's change ideas; it joins the end of that idea's ramp.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    request_body = PdsaInput,
    responses(
        (status = 201, description = "The cycle, with its ETag", body = PdsaCycle),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/cycles")]
pub async fn create_cycle(
    state: web::Data<AppState>,
    EditableProject(ProjectAccess { user, project, .. }): EditableProject,
    body: Json<PdsaInput>,
) -> ApiResult<HttpResponse> {
    let id = project.id;
    let input = check_cycle(&state, id, &body.0).await?;
    let txn = state.begin_write().await?;
    let cycle_id = db::improvement::create_cycle(&txn, id, &input, user.person_id).await?;
    txn.commit().await?;
    let cycle = db::improvement::cycle(&state.db, id, cycle_id)
        .await?
        .ok_or_else(|| not_found("Cycle"))?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/projects/{id}/cycles/{cycle_id}"),
        ))
        .insert_header(etag(cycle.version))
        .json(cycle))
}

/// Change a PDSA cycle (for example, record what happened, the study, and the decision).
/// Send the cycle's ETag as `If-Match`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Project id"),
        ("cycle_id" = i64, Path, description = "Cycle id"),
        ("If-Match" = String, Header, description = "The cycle's ETag (its version) as loaded"),
    ),
    request_body = PdsaInput,
    responses(
        (status = 200, description = "The changed cycle, with its new ETag", body = PdsaCycle),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project or cycle, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed the cycle since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/projects/{id}/cycles/{cycle_id}")]
pub async fn update_cycle(
    state: web::Data<AppState>,
    _: EditableProject,
    if_match: IfMatch,
    path: web::Path<(i64, i64)>,
    body: Json<PdsaInput>,
) -> ApiResult<HttpResponse> {
    let (project_id, cycle_id) = path.into_inner();
    let current = db::improvement::cycle(&state.db, project_id, cycle_id)
        .await?
        .ok_or_else(|| not_found("Cycle"))?;
    let version = if_match.version(current.version)?;
    let input = check_cycle(&state, project_id, &body.0).await?;
    let txn = state.begin_write().await?;
    if !db::improvement::update_cycle(&txn, project_id, &current, version, &input).await? {
        return Err(ApiError::PreconditionFailed {
            current_version: current.version,
        });
    }
    txn.commit().await?;
    let cycle = db::improvement::cycle(&state.db, project_id, cycle_id)
        .await?
        .ok_or_else(|| not_found("Cycle"))?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(cycle.version))
        .json(cycle))
}

/// Remove a PDSA cycle recorded by mistake.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id"), ("cycle_id" = i64, Path, description = "Cycle id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project or cycle, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/projects/{id}/cycles/{cycle_id}")]
pub async fn delete_cycle(
    state: web::Data<AppState>,
    _: EditableProject,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (project_id, cycle_id) = path.into_inner();
    db::improvement::cycle(&state.db, project_id, cycle_id)
        .await?
        .ok_or_else(|| not_found("Cycle"))?;
    db::improvement::delete_cycle(&state.db, project_id, cycle_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
