//! "Did it last?": a completed project's follow-ups at 6 and 12 months, with its measures
//! checked by the SPC engine (the rules are in `qi_shared::follow_up`). Whoever may see the
//! project sees them; its team and its organisations' admins record them.

use actix_web::{HttpResponse, get, put, web};
use chrono::Utc;
use qi_shared::{
    follow_up::{self, FollowUpInput, FollowUpPoint, FollowUps},
    problem::Problem,
    uk_time::day_of,
};

use crate::{
    access::{EditableProject, ProjectAccess, VisibleProject},
    db,
    error::{ApiResult, conflict, not_found},
    extract::Json,
    state::AppState,
};

/// A project's follow-ups as `access` sees them.
async fn follow_ups(state: &AppState, access: &ProjectAccess) -> ApiResult<FollowUps> {
    let project = &access.project;
    let may_record = access.user.can_edit_project(&access.context);
    let Some(completed_on) =
        db::follow_ups::completed_on(&state.db, project.id, project.status).await?
    else {
        return Ok(FollowUps {
            completed_on: None,
            slots: Vec::new(),
            check: None,
            may_record,
        });
    };
    let recorded = db::follow_ups::recorded(&state.db, project.id, completed_on).await?;
    let measures = db::measures::of_project(&state.db, project.id).await?;
    Ok(FollowUps {
        completed_on: Some(completed_on),
        slots: follow_up::slots(completed_on, &recorded),
        check: Some(follow_up::check(&measures, completed_on)),
        may_record,
    })
}

/// A completed project's follow-ups at 6 and 12 months: when each falls due, what its team
/// found if recorded (with the check of its measures as it stood then), and its measures checked
/// now: whether each still shows special cause improvement against its baseline with no special
/// cause concern since completion. A project that is not completed has none.
#[utoipa::path(
    tag = "projects",
    operation_id = "project_follow_ups",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "Its follow-ups and its measures checked now", body = FollowUps),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/follow-ups")]
pub async fn show(state: web::Data<AppState>, project: VisibleProject) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(follow_ups(&state, &project).await?))
}

/// Record what the team found at a follow-up (or correct it): sustained, partly sustained or
/// not sustained, on a day from a month before it falls due, with a note. The check of the
/// measures as it stands is kept with it.
#[utoipa::path(
    tag = "projects",
    operation_id = "record_follow_up",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Project id"),
        ("point" = FollowUpPoint, Path, description = "Which follow-up"),
    ),
    request_body = FollowUpInput,
    responses(
        (status = 200, description = "Its follow-ups now", body = FollowUps),
        (status = 403, description = "Only the project team and its organisations' admins may record it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project or follow-up, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is before the follow-up opens or after today, or the note is too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/projects/{id}/follow-ups/{point}")]
pub async fn record(
    state: web::Data<AppState>,
    project: EditableProject,
    path: web::Path<(i64, String)>,
    body: Json<FollowUpInput>,
) -> ApiResult<HttpResponse> {
    let point = FollowUpPoint::parse(&path.1)
        .ok_or_else(|| not_found("No such follow-up: six_months or twelve_months"))?;
    let id = project.project.id;
    // Read in the transaction that writes: a project reopened meanwhile is not followed up.
    let txn = state.begin_write().await?;
    let Some(completed_on) = db::follow_ups::completed_now(&txn, id).await? else {
        return Err(conflict(
            "not_completed",
            "status",
            "Only a completed project is followed up: mark it completed first",
        ));
    };
    let new = body.0.validate(point, completed_on, day_of(Utc::now()))?;
    let measures = db::measures::of_project(&txn, id).await?;
    let check = follow_up::check(&measures, completed_on);
    db::follow_ups::record(&txn, id, &new, &check, project.user.person_id).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(follow_ups(&state, &project).await?))
}
