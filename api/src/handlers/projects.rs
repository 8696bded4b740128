//! Improvement projects: the register, a project's details, and its progress score.
//! Who may see and change what is decided by `qi_shared::access` (`can_view_project` ...);
//! a project someone may not see answers 404, as if it did not exist.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, put, web};
use qi_shared::{
    FieldErrors,
    access::ProjectContext,
    page::{PageInfo, parse_page},
    person::PersonStatus,
    problem::Problem,
    project::{
        Project, ProjectInput, ProjectPage, ProjectQuery, ScoreChange, ScoreInput, TeamMemberInput,
        TeamRole, Visibility,
    },
    score::ProgressScore,
};
use sea_orm::TransactionTrait;

use crate::{
    auth::AuthUser,
    db::{self, entity::project},
    error::{ApiError, ApiResult, not_found},
    extract::{Json, Query},
    startup::AppState,
};

pub(crate) fn etag(version: i64) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// The version an `If-Match` header names (`"7"`, `W/"7"`).
pub(crate) fn if_match(req: &HttpRequest) -> ApiResult<i64> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    let text = value.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    // A version that cannot be ours matches nothing.
    Ok(text.parse().unwrap_or(-1))
}

/// A project the signed-in person may see, with its access context; 404 otherwise.
pub(crate) async fn visible(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<(project::Model, ProjectContext)> {
    match db::projects::context(&state.db, id).await? {
        Some((model, context)) if user.can_view_project(&context) => Ok((model, context)),
        _ => Err(not_found("Project")),
    }
}

/// A project the signed-in person may change: 404 if they may not see it, 403 if only see it.
pub(crate) async fn editable(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<(project::Model, ProjectContext)> {
    let (model, context) = visible(state, user, id).await?;
    if user.can_edit_project(&context) {
        Ok((model, context))
    } else {
        Err(ApiError::Forbidden(
            "Only the project team and its organisations' admins may change it",
        ))
    }
}

fn check_query(query: &ProjectQuery) -> ApiResult<(u64, u64)> {
    let mut errors = FieldErrors::new();
    for (field, value) in [
        ("score_min", query.score_min),
        ("score_max", query.score_max),
    ] {
        if let Some(value) = value {
            errors.check(field, ProgressScore::new(value));
        }
    }
    let page = parse_page(query.page, query.per_page);
    if let Err(page_errors) = &page {
        errors.0.extend(page_errors.0.iter().cloned());
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    page.map_err(Into::into)
}

/// Every organisation and person a project names must exist (and be able to take part).
async fn check_references(state: &AppState, input: &ProjectInput) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    match db::organisations::find(&state.db, input.lead_organisation_id).await? {
        None => errors.push("lead_organisation_id", "No such organisation"),
        Some(org) if org.archived_at.is_some() => {
            errors.push("lead_organisation_id", "This organisation is archived")
        }
        Some(_) => {}
    }
    for (field, ids) in [
        ("partner_organisation_ids", &input.partner_organisation_ids),
        (
            "adopting_organisation_ids",
            &input.adopting_organisation_ids,
        ),
    ] {
        for (i, id) in ids.iter().enumerate() {
            if db::organisations::find(&state.db, *id).await?.is_none() {
                errors.push(format!("{field}[{i}]"), "No such organisation");
            }
        }
    }
    for (i, member) in input.team.iter().enumerate() {
        match db::people::find(&state.db, member.person_id).await? {
            None => errors.push(format!("team[{i}].person_id"), "No such person"),
            Some(p) if p.status == PersonStatus::Deactivated => errors.push(
                format!("team[{i}].person_id"),
                "This person's account is deactivated",
            ),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

fn one_lead(input: &ProjectInput) -> ApiResult<()> {
    if input.team.iter().any(|m| m.role == TeamRole::Lead) {
        Ok(())
    } else {
        Err(crate::error::invalid("team", "Name the project lead"))
    }
}

/// Find projects: the register of improvement work the signed-in person may see.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(ProjectQuery),
    responses(
        (status = 200, description = "A page of projects", body = ProjectPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A score or page out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ProjectQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = check_query(&query)?;
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
    let (page, per_page) = check_query(&query)?;
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
    let project = db::projects::get(&state.db, *id)
        .await?
        .filter(|p| p.visibility == Visibility::Public);
    Ok(HttpResponse::Ok().json(project.ok_or_else(|| not_found("Project"))?))
}

/// Start a project. Its lead organisation is your own (partnership admins may name any); you
/// join its team as lead unless the team names one.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    request_body = ProjectInput,
    responses(
        (status = 201, description = "Created; its ETag is its version", body = Project),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
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
    let mut input = body.0.validate()?;
    if !user.can_create_project_for(input.lead_organisation_id) {
        return Err(ApiError::Forbidden(
            "Projects you start are led by your own organisation",
        ));
    }
    if !input.team.iter().any(|m| m.person_id == user.person_id)
        && !input.team.iter().any(|m| m.role == TeamRole::Lead)
    {
        input.team.push(TeamMemberInput {
            person_id: user.person_id,
            role: TeamRole::Lead,
        });
    }
    one_lead(&input)?;
    check_references(&state, &input).await?;
    let txn = state.db.begin().await?;
    let id = db::projects::create(&txn, &input, user.person_id).await?;
    // Being on a project's team can move a person up the capability tiers.
    refresh_tiers(&txn, input.team.iter().map(|m| m.person_id)).await?;
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
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
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
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/projects/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    let (model, context) = editable(&state, &user, *id).await?;
    let version = if_match(&req)?;
    let input = body.0.validate()?;
    one_lead(&input)?;
    if input.lead_organisation_id != model.lead_organisation_id
        && !user.can_create_project_for(input.lead_organisation_id)
    {
        return Err(ApiError::Forbidden(
            "You may not hand the project to an organisation other than your own",
        ));
    }
    check_references(&state, &input).await?;
    let current_version = model.version;
    let txn = state.db.begin().await?;
    if !db::projects::update(&txn, model, version, &input, user.person_id).await? {
        return Err(ApiError::PreconditionFailed { current_version });
    }
    // Everyone on the team before or after: joining, leaving or a new status can move a tier.
    let people = context.team.iter().map(|(person, _)| *person);
    refresh_tiers(&txn, people.chain(input.team.iter().map(|m| m.person_id))).await?;
    txn.commit().await?;
    let project = db::projects::get(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Project"))?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(project.version))
        .json(project))
}

/// Derives again the tier of each person named (once each), as of now.
async fn refresh_tiers(
    txn: &impl sea_orm::ConnectionTrait,
    people: impl Iterator<Item = i64>,
) -> ApiResult<()> {
    let people: std::collections::BTreeSet<i64> = people.collect();
    let now = chrono::Utc::now();
    for person in people {
        db::capability::refresh_tier(txn, person, now).await?;
    }
    Ok(())
}

/// A project's progress scores, newest first: who set each, when and why.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The score history", body = Vec<ScoreChange>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/scores")]
pub async fn scores(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    visible(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(db::projects::scores(&state.db, *id).await?))
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
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the lead, the coach and its organisations' admins score a project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a point of the scale, or no reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/scores")]
pub async fn score(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ScoreInput>,
) -> ApiResult<HttpResponse> {
    let (_, context) = visible(&state, &user, *id).await?;
    if !user.can_score_project(&context) {
        return Err(ApiError::Forbidden(
            "Only the project lead, its coach and its organisations' admins may change its score",
        ));
    }
    let (score, reason) = body.0.validate()?;
    let txn = state.db.begin().await?;
    db::projects::set_score(&txn, *id, score, &reason, user.person_id).await?;
    txn.commit().await?;
    let latest = db::projects::scores(&state.db, *id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("Score"))?;
    Ok(HttpResponse::Created().json(latest))
}
