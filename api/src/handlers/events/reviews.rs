//! Reviewing a call's submissions: the organiser names reviewers and shortlists; a reviewer
//! scores what they were asked to, blind to the other reviewers until the review is closed.

use actix_web::{HttpResponse, get, put, web};
use chrono::Utc;
use qi_shared::{
    event::{
        rules,
        submission::{
            Review, ReviewInput, ReviewersInput, ShortlistInput, Submission, weighted_score,
        },
    },
    person::PersonStatus,
    problem::Problem,
};

use super::submissions::{shown, submission_of};
use crate::{
    auth::AuthUser,
    db::{self, events::submissions::criteria_dto},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::Json,
    mail::notices,
    state::AppState,
};

/// Name a submission's reviewers (the event's managers only, until the review is closed):
/// people of the partnership who may see the event and are not on the project's team. Those
/// kept keep their scores; those left out lose theirs; those new are told.
#[utoipa::path(
    tag = "submissions",
    operation_id = "set_reviewers",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    request_body = ReviewersInput,
    responses(
        (status = 200, description = "The submission with its reviewers", body = Submission),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The review is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A person is not one who may review it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/submissions/{id}/reviewers")]
pub async fn set_reviewers(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ReviewersInput>,
) -> ApiResult<HttpResponse> {
    let (context, model) = submission_of(&state, &user, *id).await?;
    context.must_manage(&user)?;
    let input = body.0.validate()?;
    if context.call.review_closed_at.is_some() {
        return Err(conflict(
            "review_closed",
            "person_ids",
            "The review is closed, so its reviewers stay as they are",
        ));
    }
    let people = db::training::people(&state.db, input.person_ids.iter().copied()).await?;
    for (i, person_id) in input.person_ids.iter().enumerate() {
        let field = format!("person_ids[{i}]");
        let Some(person) = people
            .get(person_id)
            .filter(|p| p.status == PersonStatus::Active)
        else {
            return Err(invalid(&field, "Choose a person of the partnership"));
        };
        let roles = db::people::roles_of(&state.db, person.id).await?;
        let actor = qi_shared::access::Actor {
            person_id: person.id,
            organisation_id: person.organisation_id,
            roles,
        };
        if !rules::can_see(
            &actor,
            context.event.audience,
            context.event.organiser_organisation_id,
        ) {
            return Err(invalid(&field, "This person may not see the event"));
        }
        if person.id == model.submitted_by
            || db::events::submissions::on_team(&state.db, model.project_id, person.id).await?
        {
            return Err(invalid(
                &field,
                "This person is on the project's team, so cannot review its submission",
            ));
        }
    }
    let txn = state.begin_write().await?;
    let before: Vec<i64> = db::events::submissions::reviewers(&txn, &[model.id])
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    db::events::submissions::set_reviewers(&txn, model.id, &input.person_ids, Utc::now()).await?;
    let asked: Vec<i64> = input
        .person_ids
        .iter()
        .copied()
        .filter(|p| !before.contains(p))
        .collect();
    notices::review_requested(
        &state.mail,
        &txn,
        &asked,
        &model,
        &context.event.title,
        context.call.deadline,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(shown(&state, &context, &user, model.id).await?))
}

/// Score a submission you are asked to review, against each criterion of the call's rubric,
/// with a note for the organiser: after the deadline and until the review is closed. Scoring
/// again replaces your scores.
#[utoipa::path(
    tag = "submissions",
    operation_id = "review_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    request_body = ReviewInput,
    responses(
        (status = 200, description = "Your review", body = Review),
        (status = 403, description = "You are not asked to review it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The call is still open, or the review is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A score is not valid, or a criterion is not scored", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/submissions/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ReviewInput>,
) -> ApiResult<HttpResponse> {
    let (context, model) = submission_of(&state, &user, *id).await?;
    let assignment = db::events::submissions::reviewers(&state.db, &[model.id])
        .await?
        .into_iter()
        .find(|r| r.person_id == user.person_id)
        .ok_or(ApiError::Forbidden(
            "Only the reviewers the organiser asked score this submission",
        ))?;
    let criteria = criteria_dto(&context.criteria);
    let input = body.0.validate(&criteria)?;
    if Utc::now() < context.call.deadline {
        return Err(conflict(
            "call_open",
            "scores",
            "Reviews open when the call's deadline has passed",
        ));
    }
    if context.call.review_closed_at.is_some() {
        return Err(conflict(
            "review_closed",
            "scores",
            "The review is closed, so the scores stay as they are",
        ));
    }
    let weighted = weighted_score(&criteria, &input.scores)
        .ok_or_else(|| invalid("scores", "Score every criterion"))?;
    let txn = state.begin_write().await?;
    db::events::submissions::review(
        &txn,
        assignment,
        &input.scores,
        &input.comment,
        weighted,
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    let mine = db::events::submissions::reviews(&state.db, model.id, Some(user.person_id))
        .await?
        .pop()
        .ok_or_else(|| not_found("Review"))?;
    Ok(HttpResponse::Ok().json(mine))
}

/// A submission's reviews: the event's managers see them all; a reviewer sees their own until
/// the review is closed, and all of them after.
#[utoipa::path(
    tag = "submissions",
    operation_id = "list_reviews",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The reviews you may see, earliest first", body = Vec<Review>),
        (status = 403, description = "Neither a manager of the event nor a reviewer of the submission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions/{id}/reviews")]
pub async fn reviews(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (context, model) = submission_of(&state, &user, *id).await?;
    let only = if context.manages {
        None
    } else {
        let reviewing = db::events::submissions::reviewers(&state.db, &[model.id])
            .await?
            .iter()
            .any(|r| r.person_id == user.person_id);
        if !reviewing {
            return Err(ApiError::Forbidden(
                "Only the event's managers and the submission's reviewers see its reviews",
            ));
        }
        context
            .call
            .review_closed_at
            .is_none()
            .then_some(user.person_id)
    };
    Ok(HttpResponse::Ok().json(db::events::submissions::reviews(&state.db, model.id, only).await?))
}

/// Put a submission on the shortlist, or take it off (the event's managers).
#[utoipa::path(
    tag = "submissions",
    operation_id = "shortlist_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    request_body = ShortlistInput,
    responses(
        (status = 200, description = "The submission", body = Submission),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/submissions/{id}/shortlist")]
pub async fn shortlist(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ShortlistInput>,
) -> ApiResult<HttpResponse> {
    let (context, model) = submission_of(&state, &user, *id).await?;
    context.must_manage(&user)?;
    let txn = state.begin_write().await?;
    db::events::submissions::set_shortlisted(&txn, model.id, body.0.shortlisted).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(shown(&state, &context, &user, model.id).await?))
}
