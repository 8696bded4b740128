//! Awards: the organiser gives them to submissions once the review is closed; they show on the
//! event, the project and in the library.

use actix_web::{HttpResponse, delete, get, http::header, post, web};
use chrono::Utc;
use qi_shared::{
    event::submission::{Award, AwardInput},
    problem::Problem,
};

use super::{managed, submissions::call_of, visible};
use crate::{
    auth::AuthUser,
    db::{self, events::submissions::AwardsOf},
    error::{ApiResult, conflict, invalid, not_found},
    extract::Json,
    mail::notices,
    state::AppState,
};

/// The awards given at an event, latest first.
#[utoipa::path(
    tag = "submissions",
    operation_id = "list_awards",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The awards", body = Vec<Award>),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/awards")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let event = visible(&state, &user, *id).await?;
    Ok(HttpResponse::Ok()
        .json(db::events::submissions::awards(&state.db, AwardsOf::Event(event.id)).await?))
}

/// Give a submission to the event's call an award in a category (winner or highly commended),
/// once the review is closed. It then shows on the project's page and in the library, and the
/// team is told.
#[utoipa::path(
    tag = "submissions",
    operation_id = "give_award",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body = AwardInput,
    responses(
        (status = 201, description = "Given", body = Award),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, not one you may see, or it has no call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The review is still open, or the submission has this category's award already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or the submission is not one of this call's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/{id}/awards")]
pub async fn give(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<AwardInput>,
) -> ApiResult<HttpResponse> {
    let context = call_of(&state, &user, *id).await?;
    context.must_manage(&user)?;
    let input = body.0.validate()?;
    let submission = db::events::submissions::find(&state.db, input.submission_id)
        .await?
        .filter(|s| s.event_id == context.event.id)
        .ok_or_else(|| invalid("submission_id", "Choose a submission to this call"))?;
    if context.call.review_closed_at.is_none() {
        return Err(conflict(
            "review_open",
            "submission_id",
            "Close the review before giving awards",
        ));
    }
    if db::events::submissions::award_exists(&state.db, submission.id, &input.category).await? {
        return Err(conflict(
            "awarded_already",
            "category",
            "This submission has this category's award already",
        ));
    }
    let now = Utc::now();
    let txn = state.begin_write().await?;
    let award = db::events::submissions::give_award(&txn, context.event.id, &input, now).await?;
    db::events::submissions::touch_project(&txn, submission.project_id, now).await?;
    let shown = db::events::submissions::awards(&txn, AwardsOf::Event(context.event.id))
        .await?
        .into_iter()
        .find(|a| a.id == award)
        .ok_or_else(|| not_found("Award"))?;
    let team = db::events::submissions::team_of(&txn, submission.project_id).await?;
    notices::award_given(&state.mail, &txn, &shown, submission.submitted_by, &team).await?;
    txn.commit().await?;
    state.project_lists.changed();
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/events/{}/awards", context.event.id),
        ))
        .json(shown))
}

/// Take an award back (the event's managers).
#[utoipa::path(
    tag = "submissions",
    operation_id = "delete_award",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Award id")),
    responses(
        (status = 204, description = "Taken back"),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such award, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/awards/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let award = db::events::submissions::find_award(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Award"))?;
    managed(&state, &user, award.event_id)
        .await
        .map_err(|e| match e {
            crate::error::ApiError::NotFound(_) => not_found("Award"),
            e => e,
        })?;
    let submission = db::events::submissions::find(&state.db, award.submission_id).await?;
    let now = Utc::now();
    let txn = state.begin_write().await?;
    db::events::submissions::delete_award(&txn, award.id).await?;
    if let Some(s) = submission {
        db::events::submissions::touch_project(&txn, s.project_id, now).await?;
    }
    txn.commit().await?;
    state.project_lists.changed();
    Ok(HttpResponse::NoContent().finish())
}
