//! Coaching sessions on a project (recorded by its coach), a coach's caseload and an
//! organisation's coaching coverage.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::Utc;
use qi_shared::uk_time;
use qi_shared::{
    access::ProjectContext,
    capability::coaching::{
        Caseload, CaseloadQuery, CoachingSession, CoachingSessionInput, CoachingSessionPage,
        Coverage, CoverageQuery, PageQuery, can_read_notes, can_record_session,
    },
    page::{PageInfo, parse_page},
    problem::Problem,
};

use crate::{
    access::{self, ProjectAccess, VisibleProject},
    auth::AuthUser,
    db::{self, capability::coaching, entity::capability::coaching_session},
    error::{ApiError, ApiResult, not_found},
    extract::{Json, Query},
    mail::notices,
    state::AppState,
};

/// The session as this reader may see it.
fn as_seen_by(
    user: &AuthUser,
    project: &ProjectContext,
    session: CoachingSession,
) -> CoachingSession {
    if can_read_notes(user.person_id, project) {
        session
    } else {
        session.redacted()
    }
}

/// A session whose project the signed-in person may see; 404 otherwise.
async fn visible_session(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<(coaching_session::Model, ProjectContext)> {
    let session = coaching::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Coaching session"))?;
    match access::visible_project(state, user.clone(), session.project_id).await {
        Ok(project) => Ok((session, project.context)),
        Err(ApiError::NotFound(_)) => Err(not_found("Coaching session")),
        Err(err) => Err(err),
    }
}

/// A session the signed-in person may change: the coach who recorded it, still the project's
/// coach.
async fn own_session(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<coaching_session::Model> {
    let (session, context) = visible_session(state, user, id).await?;
    if session.coach_id == user.person_id && can_record_session(user.person_id, &context) {
        Ok(session)
    } else {
        Err(ApiError::Forbidden(
            "Only the coach who recorded a session may change it",
        ))
    }
}

/// The session as the API shows it; 404 if it has gone.
async fn fetch(state: &AppState, id: i64) -> ApiResult<CoachingSession> {
    coaching::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Coaching session"))
}

/// A project's coaching sessions, newest first. Notes and agreed actions are shown to the
/// project's team only.
#[utoipa::path(
    tag = "capability",
    operation_id = "list_coaching_sessions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id"), PageQuery),
    responses(
        (status = 200, description = "A page of sessions", body = CoachingSessionPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A page out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/coaching-sessions")]
pub async fn list(
    state: web::Data<AppState>,
    VisibleProject(ProjectAccess {
        user,
        project,
        context,
    }): VisibleProject,
    Query(query): Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) = coaching::of_project(&state.db, project.id, page, per_page).await?;
    Ok(HttpResponse::Ok().json(CoachingSessionPage {
        items: items
            .into_iter()
            .map(|s| as_seen_by(&user, &context, s))
            .collect(),
        notes_visible: can_read_notes(user.person_id, &context),
        can_record: can_record_session(user.person_id, &context),
        page: PageInfo::exact(page, per_page, total),
    }))
}

/// Record a coaching session on a project (its coaches). The coach's tier is worked out again.
#[utoipa::path(
    tag = "capability",
    operation_id = "create_coaching_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    request_body = CoachingSessionInput,
    responses(
        (status = 201, description = "The session", body = CoachingSession),
        (status = 403, description = "Not the project's coach", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/coaching-sessions")]
pub async fn create(
    state: web::Data<AppState>,
    VisibleProject(ProjectAccess {
        user,
        project,
        context,
    }): VisibleProject,
    body: Json<CoachingSessionInput>,
) -> ApiResult<HttpResponse> {
    if !can_record_session(user.person_id, &context) {
        return Err(ApiError::Forbidden(
            "Only the project's coach may record coaching sessions",
        ));
    }
    let now = Utc::now();
    let input = body.0.validate(uk_time::day_of(now))?;
    let txn = state.begin_write().await?;
    let session_id = coaching::create(&txn, project.id, user.person_id, &input, now).await?;
    notices::coaching_recorded(
        &state.mail,
        &txn,
        &notices::ProjectTeam {
            id: project.id,
            title: &project.title,
            team: &context.team,
        },
        user.person_id,
        input.held_on,
    )
    .await?;
    txn.commit().await?;
    let session = fetch(&state, session_id).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/coaching-sessions/{session_id}"),
        ))
        .json(session))
}

/// One coaching session (its notes only for the project's team).
#[utoipa::path(
    tag = "capability",
    operation_id = "show_coaching_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session", body = CoachingSession),
        (status = 404, description = "No such session, or its project is not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/coaching-sessions/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (_, context) = visible_session(&state, &user, *id).await?;
    let session = fetch(&state, *id).await?;
    Ok(HttpResponse::Ok().json(as_seen_by(&user, &context, session)))
}

/// Change a session (the coach who recorded it).
#[utoipa::path(
    tag = "capability",
    operation_id = "update_coaching_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    request_body = CoachingSessionInput,
    responses(
        (status = 200, description = "The changed session", body = CoachingSession),
        (status = 403, description = "Not the coach who recorded it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session, or its project is not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/coaching-sessions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<CoachingSessionInput>,
) -> ApiResult<HttpResponse> {
    let session = own_session(&state, &user, *id).await?;
    let now = Utc::now();
    let input = body.0.validate(uk_time::day_of(now))?;
    let txn = state.begin_write().await?;
    coaching::update(&txn, session, &input, now).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(fetch(&state, *id).await?))
}

/// Remove a session (the coach who recorded it).
#[utoipa::path(
    tag = "capability",
    operation_id = "delete_coaching_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the coach who recorded it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session, or its project is not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/coaching-sessions/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let session = own_session(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    coaching::delete(&txn, session, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A coach's caseload: the projects they coach, with their sessions so far. Yours, or (for
/// admins of their organisation) another coach's.
#[utoipa::path(
    tag = "capability",
    operation_id = "coaching_caseload",
    security(("bearer" = [])),
    params(CaseloadQuery),
    responses(
        (status = 200, description = "The caseload", body = Caseload),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another coach's, and not an admin of their organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or of another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`page` or `per_page` is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/capability/caseload")]
pub async fn caseload(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<CaseloadQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let coach_id = query.coach_id.unwrap_or(user.person_id);
    let coach = super::viewable_person(&state, &user, coach_id).await?;
    let (projects, total) =
        coaching::caseload(&state.db, &user, coach_id, query.status, page, per_page).await?;
    Ok(HttpResponse::Ok().json(Caseload {
        coach_id,
        coach_name: coach.name,
        projects,
        page: PageInfo::exact(page, per_page, total),
    }))
}

/// An organisation's coaching coverage: its active projects, which have a coach, and their
/// sessions in the last 90 days. For its admins and partnership admins.
#[utoipa::path(
    tag = "capability",
    operation_id = "coaching_coverage",
    security(("bearer" = [])),
    params(CoverageQuery),
    responses(
        (status = 200, description = "The coverage", body = Coverage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`page` or `per_page` is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/capability/coverage")]
pub async fn coverage(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<CoverageQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let organisation_id = query.organisation_id.unwrap_or(user.organisation_id);
    if !user.can_manage_people_in(organisation_id) {
        return Err(ApiError::Forbidden(
            "Only the organisation's admins and partnership admins see its coaching coverage",
        ));
    }
    db::organisations::find(&state.db, organisation_id)
        .await?
        .ok_or_else(|| not_found("Organisation"))?;
    let coverage: Coverage = coaching::coverage(
        &state.db,
        &user,
        organisation_id,
        uk_time::day_of(Utc::now()),
        query.coached,
        page,
        per_page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(coverage))
}
