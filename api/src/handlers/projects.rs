//! Improvement projects: the register, a project's details, and its progress score.
//! Who may see and change what is decided by `qi_shared::access` (`can_view_project` ...);
//! a project someone may not see answers 404, as if it did not exist.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use qi_shared::{
    page::PageInfo,
    problem::Problem,
    project::{
        Project, ProjectInput, ProjectPage, ProjectQuery, ScoreChange, ScoreInput, Visibility,
    },
    team::{Candidate, Management},
};
use sea_orm::ConnectionTrait;

use crate::{
    access::{EditableProject, ProjectAccess, VisibleProject},
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, not_found},
    extract::{IfMatch, Json, Query, etag},
    mail::notices,
    state::AppState,
};

/// Every organisation and person a project names must exist (and be able to take part): three
/// queries whatever their number, in the transaction that saves the project (`begin_write`), so
/// nobody is deactivated or removed between the check and the write. Gives back the people as
/// the team rules need them.
async fn check_references(
    db: &impl ConnectionTrait,
    input: &ProjectInput,
) -> ApiResult<HashMap<i64, Candidate>> {
    let (organisations, people) = input.references();
    let found = db::projects::references(db, organisations, people).await?;
    input.check_references(&found.organisations, &found.deactivated)?;
    Ok(found.people)
}

/// Find projects: the register of improvement work the signed-in person may see.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(ProjectQuery),
    responses(
        (status = 200, description = "A page of projects", body = ProjectPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A score or page out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ProjectQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = query.validate()?;
    let (items, total) = db::projects::list(
        &state.db,
        &state.project_lists,
        Some(&user),
        &query,
        page,
        per_page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ProjectPage {
        items,
        page: PageInfo {
            page,
            per_page,
            total,
            total_exact: true,
        },
    }))
}

/// The public learning library: projects their teams have made public. No sign-in needed.
#[utoipa::path(
    tag = "projects",
    params(ProjectQuery),
    responses(
        (status = 200, description = "A page of public projects", body = ProjectPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A score or page out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/library")]
pub async fn library(
    state: web::Data<AppState>,
    Query(query): Query<ProjectQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = query.validate()?;
    let (items, total) = db::projects::list(
        &state.db,
        &state.project_lists,
        None,
        &query,
        page,
        per_page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ProjectPage {
        items,
        page: PageInfo {
            page,
            per_page,
            total,
            total_exact: true,
        },
    }))
}

/// A public project, from the learning library. No sign-in needed.
#[utoipa::path(
    tag = "projects",
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The project", body = Project),
        (status = 404, description = "No such public project", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/library/{id}")]
pub async fn library_project(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let mut project = db::projects::get(&state.db, *id)
        .await?
        .filter(|p| p.visibility == Visibility::Public)
        .ok_or_else(|| not_found("Project"))?;
    // Who is invited is the team's business until they accept.
    project.invited.clear();
    Ok(HttpResponse::Ok().json(project))
}

/// Start a project. Its lead organisation is your own (partnership admins may name any); you
/// join its team as lead unless the team names one.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    request_body = ProjectInput,
    responses(
        (status = 201, description = "Created; its ETag is its version", body = Project),
        (status = 403, description = "The lead organisation is not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.led_by_default(user.person_id).validate()?;
    if !user.can_create_project_for(input.lead_organisation_id) {
        return Err(ApiError::Forbidden(
            "Projects you start are led by your own organisation",
        ));
    }
    let txn = state.begin_write().await?;
    let people = check_references(&txn, &input).await?;
    let plan = user.plan_team(None, &Management::of(&input), &people)?;
    let id = db::projects::create(&txn, &plan.team_of(input), user.person_id).await?;
    db::team::replace(&txn, id, &plan.invited, user.person_id, Utc::now()).await?;
    txn.commit().await?;
    let project = db::projects::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Project"))?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{id}")))
        .insert_header(etag(project.version))
        .json(project))
}

/// One project, with its team, organisations and status history. The ETag is its version.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The project", body = Project),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let read = db::projects::page(&state.db, &state.project_lists, *id)
        .await?
        .filter(|read| user.can_view_project(&read.context))
        .ok_or_else(|| not_found("Project"))?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(read.project.version))
        .json(&read.project))
}

/// Change a project's details. Send the version you loaded as `If-Match`: if someone changed
/// the project since, nothing is overwritten and the answer is 412.
///
/// Its team edits its content; only its managers (its lead, its lead organisation's admins and
/// partnership admins) change its team and roles, visibility and organisations. People of
/// another organisation than the lead are invited (listed in `invited`) until they or their
/// organisation's admin accept, unless an admin of their organisation adds them.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Project id"),
        ("If-Match" = String, Header, description = "The project's ETag (its version) as loaded"),
    ),
    request_body = ProjectInput,
    responses(
        (status = 200, description = "The changed project, with its new ETag", body = Project),
        (status = 403, description = "Not in its team nor an admin of its organisations; or a change to its team, roles, visibility or organisations by someone who does not manage it (only its lead, its lead organisation's admins and partnership admins do); or joining the team or taking a role on it yourself", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (a coach who is not on the coaching register, unless an admin of the lead organisation appoints them; a lead who would have to be invited)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/projects/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    project: EditableProject,
    if_match: IfMatch,
    body: Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    let EditableProject(ProjectAccess {
        user,
        project,
        context,
    }) = project;
    let version = if_match.version(project.version)?;
    let input = body.0.validate()?;
    if input.lead_organisation_id != project.lead_organisation_id
        && !user.can_create_project_for(input.lead_organisation_id)
    {
        return Err(ApiError::Forbidden(
            "You may not hand the project to an organisation other than your own",
        ));
    }
    let (id, current_version) = (project.id, project.version);
    let txn = state.begin_write().await?;
    let people = check_references(&txn, &input).await?;
    let current = Management {
        lead_organisation_id: context.lead_organisation_id,
        partner_organisation_ids: context
            .organisation_ids
            .iter()
            .copied()
            .filter(|o| *o != context.lead_organisation_id)
            .collect(),
        visibility: context.visibility,
        team: context.team.clone(),
        invited: db::team::invited(&txn, id).await?,
    };
    let manages = user.can_manage_project(&context);
    let plan = user.plan_team(Some((&current, manages)), &Management::of(&input), &people)?;
    let saved = plan.team_of(input);
    if !db::projects::update(&txn, project, version, &saved, user.person_id).await? {
        return Err(ApiError::PreconditionFailed { current_version });
    }
    db::team::replace(&txn, id, &plan.invited, user.person_id, Utc::now()).await?;
    txn.commit().await?;
    let project = db::projects::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Project"))?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(project.version))
        .json(project))
}

/// A project's progress scores, newest first: who set each, when and why.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The score history", body = Vec<ScoreChange>),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/scores")]
pub async fn scores(
    state: web::Data<AppState>,
    project: VisibleProject,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(db::projects::scores(&state.db, project.project.id).await?))
}

/// Score a project's progress on the IHI scale, with the reason (its lead, coach, or an admin
/// of its organisations).
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    request_body = ScoreInput,
    responses(
        (status = 201, description = "The score is recorded", body = ScoreChange),
        (status = 403, description = "Only the lead, the coach and its organisations' admins score a project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a point of the scale, or no reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/scores")]
pub async fn score(
    state: web::Data<AppState>,
    project: VisibleProject,
    body: Json<ScoreInput>,
) -> ApiResult<HttpResponse> {
    let VisibleProject(ProjectAccess {
        user,
        project,
        context,
    }) = project;
    let id = project.id;
    if !user.can_score_project(&context) {
        return Err(ApiError::Forbidden(
            "Only the project lead, its coach and its organisations' admins may change its score",
        ));
    }
    let (score, reason) = body.0.validate()?;
    let txn = state.begin_write().await?;
    db::projects::set_score(&txn, id, score, &reason, user.person_id).await?;
    notices::score_changed(
        &state.mail,
        &txn,
        &notices::ProjectTeam {
            id,
            title: &project.title,
            team: &context.team,
        },
        user.person_id,
        score,
        &reason,
    )
    .await?;
    txn.commit().await?;
    let latest = db::projects::scores(&state.db, id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("Score"))?;
    Ok(HttpResponse::Created().json(latest))
}
