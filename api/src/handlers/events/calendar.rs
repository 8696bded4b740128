//! Events as iCalendar files, for people to add to their own calendars.

use actix_web::{HttpResponse, get, http::header, web};
use chrono::Utc;
use qi_shared::{event::BookingStatus, problem::Problem};

use super::visible_to_anyone;
use crate::{
    auth::{AuthUser, MaybeUser},
    db,
    error::ApiResult,
    mail::notices,
    state::AppState,
};

fn ics(body: String, file: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body)
}

/// The event as an iCalendar (.ics) file, for anyone who may see it.
#[utoipa::path(
    tag = "events",
    operation_id = "event_calendar",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event as iCalendar", body = String, content_type = "text/calendar"),
        (status = 401, description = "Not signed in, and the event is not open to anyone with the link", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/calendar.ics")]
pub async fn event(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let event = visible_to_anyone(&state, &user, *id).await?;
    let body = notices::events_calendar(&state.mail, &event.title, std::slice::from_ref(&event));
    Ok(ics(body, &format!("event-{}.ics", event.id)))
}

/// Every upcoming event you hold a place at, as one iCalendar (.ics) file.
#[utoipa::path(
    tag = "events",
    operation_id = "my_bookings_calendar",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your booked events as iCalendar", body = String, content_type = "text/calendar"),
    )
)]
#[get("/me/bookings/calendar.ics")]
pub async fn mine(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let mut events: Vec<_> = db::events::bookings::of_person(&state.db, user.person_id)
        .await?
        .into_iter()
        .filter(|(b, e)| b.status == BookingStatus::Booked && e.ends_at >= now)
        .map(|(_, e)| e)
        .collect();
    events.sort_by_key(|e| e.starts_at);
    let body = notices::events_calendar(&state.mail, "My QI Commons bookings", &events);
    Ok(ics(body, "my-bookings.ics"))
}
