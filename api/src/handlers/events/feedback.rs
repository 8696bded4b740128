//! Feedback after an event: the organiser's form, the attendees' answers, the summary and its
//! CSV.

use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use qi_shared::{
    event::feedback::{
        FeedbackForm, FeedbackFormInput, FeedbackInput, FeedbackSummary, GuestFeedbackFormQuery,
        GuestFeedbackInput, guest_respondent,
    },
    problem::Problem,
};

use super::{managed, visible};
use crate::{
    auth::AuthUser,
    db::{self, entity::events::booking},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::Json,
    state::AppState,
};

/// The signed-in person's booking of the event, if they were marked as attending.
async fn attended(
    state: &AppState,
    user: &AuthUser,
    event_id: i64,
) -> ApiResult<Option<booking::Model>> {
    Ok(db::events::bookings::attended_by(&state.db, event_id, user.person_id).await?)
}

async fn form_for(state: &AppState, user: &AuthUser, event_id: i64) -> ApiResult<FeedbackForm> {
    let event = visible(state, user, event_id).await?;
    let form = db::events::feedback::form(&state.db, event.id)
        .await?
        .ok_or_else(|| not_found("Feedback form"))?;
    let mine = attended(state, user, event.id).await?;
    let answered = match &mine {
        Some(b) => db::events::feedback::given(&state.db, b.id).await?,
        None => false,
    };
    Ok(FeedbackForm {
        event_id: event.id,
        anonymous: form.anonymous,
        questions: form.questions,
        responses: u32::try_from(db::events::feedback::responses(&state.db, event.id).await?)
            .unwrap_or(u32::MAX),
        can_answer: mine.is_some() && !answered && event.ends_at <= Utc::now(),
        answered,
    })
}

/// An event's feedback form, and whether you may answer it (you attended, the event has ended,
/// you have not answered yet).
#[utoipa::path(
    tag = "events",
    operation_id = "show_feedback_form",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The form", body = FeedbackForm),
        (status = 404, description = "No such event, or it has no feedback form", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/feedback-form")]
pub async fn show_form(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(form_for(&state, &user, *id).await?))
}

/// Set an event's feedback form: anonymous or not, and up to five questions of your own besides
/// the rating and "what will you do differently". Once anyone has answered, the form stays as
/// it was (409), so every answer fits its questions.
#[utoipa::path(
    tag = "events",
    operation_id = "set_feedback_form",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body = FeedbackFormInput,
    responses(
        (status = 200, description = "The form", body = FeedbackForm),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone has answered already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/events/{id}/feedback-form")]
pub async fn set_form(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<FeedbackFormInput>,
) -> ApiResult<HttpResponse> {
    let event = managed(&state, &user, *id).await?;
    let input = body.0.validate()?;
    let txn = state.begin_write().await?;
    if db::events::feedback::responses(&txn, event.id).await? > 0 {
        return Err(conflict(
            "feedback_given",
            "questions",
            "People have answered this form already, so it stays as it was",
        ));
    }
    db::events::feedback::set_form(&txn, event.id, &input, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(form_for(&state, &user, event.id).await?))
}

/// Answer an event's feedback form: once, after the event, if you were marked as attending.
#[utoipa::path(
    tag = "events",
    operation_id = "give_feedback",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body = FeedbackInput,
    responses(
        (status = 201, description = "Thank you: the form, now answered", body = FeedbackForm),
        (status = 403, description = "You were not marked as attending this event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or it has no feedback form", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "You have answered already, or the event has not ended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/{id}/feedback")]
pub async fn give(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<FeedbackInput>,
) -> ApiResult<HttpResponse> {
    let event = visible(&state, &user, *id).await?;
    let form = db::events::feedback::form(&state.db, event.id)
        .await?
        .ok_or_else(|| not_found("Feedback form"))?;
    let input = body.0.validate(form.questions.len())?;
    if event.ends_at > Utc::now() {
        return Err(conflict(
            "event_not_ended",
            "id",
            "Feedback opens when the event has ended",
        ));
    }
    let booking = attended(&state, &user, event.id)
        .await?
        .ok_or(ApiError::Forbidden(
            "Only people marked as attending give feedback on an event",
        ))?;
    let name = if form.anonymous {
        None
    } else {
        db::people::find(&state.db, user.person_id)
            .await?
            .map(|p| p.name)
    };
    let txn = state.begin_write().await?;
    if !db::events::feedback::answer(&txn, event.id, booking.id, name, &input).await? {
        return Err(conflict(
            "already_answered",
            "id",
            "You have given feedback on this event already",
        ));
    }
    txn.commit().await?;
    Ok(HttpResponse::Created().json(form_for(&state, &user, event.id).await?))
}

/// The guest booking a feedback link names, if its guest was marked as attending.
async fn guest_attended(state: &AppState, token: &str) -> ApiResult<booking::Model> {
    let token = token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(invalid(
            "token",
            "The feedback link is incomplete: open the link from the email again",
        ));
    }
    db::events::bookings::by_cancel_token(&state.db, &db::tokens::hash(token))
        .await?
        .filter(|b| b.attended && b.person_id.is_none())
        .ok_or_else(|| {
            ApiError::NotFound(
                "This feedback link is not valid: use the link in the latest email about the event"
                    .to_owned(),
            )
        })
}

async fn guest_form_for(state: &AppState, booking: &booking::Model) -> ApiResult<FeedbackForm> {
    let event = db::events::find(&state.db, booking.event_id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    let form = db::events::feedback::form(&state.db, event.id)
        .await?
        .ok_or_else(|| not_found("Feedback form"))?;
    let answered = db::events::feedback::given(&state.db, booking.id).await?;
    Ok(FeedbackForm {
        event_id: event.id,
        anonymous: form.anonymous,
        questions: form.questions,
        responses: u32::try_from(db::events::feedback::responses(&state.db, event.id).await?)
            .unwrap_or(u32::MAX),
        can_answer: !answered && event.ends_at <= Utc::now(),
        answered,
    })
}

/// The feedback form of the event a guest attended, by the token from the link in the email
/// that asked for their feedback (guests have no account).
#[utoipa::path(
    tag = "events",
    operation_id = "show_guest_feedback_form",
    security(()),
    request_body = GuestFeedbackFormQuery,
    responses(
        (status = 200, description = "The form, and whether the guest may answer it", body = FeedbackForm),
        (status = 404, description = "The link is not valid, or the event has no feedback form", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/guest-bookings/feedback-form")]
pub async fn show_guest_form(
    state: web::Data<AppState>,
    body: Json<GuestFeedbackFormQuery>,
) -> ApiResult<HttpResponse> {
    let booking = guest_attended(&state, &body.0.token).await?;
    Ok(HttpResponse::Ok().json(guest_form_for(&state, &booking).await?))
}

/// A guest's answer to the feedback form of an event they attended: once, after the event, by
/// the token from their email. On a form that is not anonymous, the guest is named as a guest.
#[utoipa::path(
    tag = "events",
    operation_id = "give_guest_feedback",
    security(()),
    request_body = GuestFeedbackInput,
    responses(
        (status = 201, description = "Thank you: the form, now answered", body = FeedbackForm),
        (status = 404, description = "The link is not valid, or the event has no feedback form", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The guest has answered already, or the event has not ended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/guest-bookings/feedback")]
pub async fn give_guest(
    state: web::Data<AppState>,
    body: Json<GuestFeedbackInput>,
) -> ApiResult<HttpResponse> {
    let booking = guest_attended(&state, &body.0.token).await?;
    let form = guest_form_for(&state, &booking).await?;
    let input = body
        .0
        .feedback
        .validate(form.questions.len())
        .map_err(|errors| errors.within("feedback"))?;
    if form.answered {
        return Err(conflict(
            "already_answered",
            "token",
            "You have given feedback on this event already",
        ));
    }
    if !form.can_answer {
        return Err(conflict(
            "event_not_ended",
            "token",
            "Feedback opens when the event has ended",
        ));
    }
    let name = (!form.anonymous)
        .then(|| guest_respondent(booking.guest_name.as_deref().unwrap_or("A guest")));
    let txn = state.begin_write().await?;
    if !db::events::feedback::answer(&txn, booking.event_id, booking.id, name, &input).await? {
        return Err(conflict(
            "already_answered",
            "token",
            "You have given feedback on this event already",
        ));
    }
    txn.commit().await?;
    Ok(HttpResponse::Created().json(guest_form_for(&state, &booking).await?))
}

async fn summary(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<FeedbackSummary> {
    let event = managed(state, user, id).await?;
    let form = db::events::feedback::form(&state.db, event.id)
        .await?
        .ok_or_else(|| not_found("Feedback form"))?;
    let attendees = db::events::bookings::list(&state.db, event.id)
        .await?
        .iter()
        .filter(|b| b.attended)
        .count();
    Ok(FeedbackSummary::of(
        event.id,
        form.anonymous,
        form.questions,
        u32::try_from(attendees).unwrap_or(u32::MAX),
        db::events::feedback::answers(&state.db, event.id).await?,
    ))
}

/// What the attendees said, for the event's managers: how many answered, the ratings'
/// distribution and mean, and every answer (without names on an anonymous form).
#[utoipa::path(
    tag = "events",
    operation_id = "feedback_summary",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The summary", body = FeedbackSummary),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or it has no feedback form", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/feedback")]
pub async fn show_summary(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(summary(&state, &user, *id).await?))
}

/// Every answer as a CSV file for a spreadsheet (UTF-8 with a byte order mark; formulas
/// neutralised): respondent (blank on an anonymous form), rating, what they will do
/// differently, and a column per question.
#[utoipa::path(
    tag = "events",
    operation_id = "feedback_csv",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or it has no feedback form", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/feedback.csv")]
pub async fn export_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let summary = summary(&state, &user, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"event-{}-feedback.csv\"",
                summary.event_id
            ),
        ))
        .body(summary.to_csv()))
}
