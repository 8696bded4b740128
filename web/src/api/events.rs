//! The events endpoints the app uses: one function per endpoint. An open event's page, its
//! calendar file and guest bookings need no session; `signed_in` says whether to send one.

use gloo_net::http::Method;
use qi_shared::event::{
    AttendanceImport, AttendanceInput, BookedEvent, Booking, Event, EventInput, EventPage,
    EventQuery, GuestBooking, GuestBookingInput, GuestCancel, MyBooking, Series, SeriesBooking,
    SeriesInput,
    feedback::{
        FeedbackForm, FeedbackFormInput, FeedbackInput, FeedbackSummary, GuestFeedbackFormQuery,
        GuestFeedbackInput,
    },
};

use super::{
    ApiError, call, call_if_match, call_text, call_text_accepting, from_json, public, public_text,
    with_query,
};

const NO_BODY: Option<&()> = None;
const CALENDAR: &str = "text/calendar";

pub async fn events(query: &EventQuery) -> Result<EventPage, ApiError> {
    call(Method::GET, &with_query("/api/v1/events", query), NO_BODY).await
}

/// An event; as the signed-in person (with their booking, and whether they manage it), or, not
/// signed in, an open event as anyone with the link sees it.
pub async fn event(id: i64, signed_in: bool) -> Result<Event, ApiError> {
    let path = format!("/api/v1/events/{id}");
    if signed_in {
        call(Method::GET, &path, NO_BODY).await
    } else {
        public(Method::GET, &path, NO_BODY).await
    }
}

pub async fn create_event(input: &EventInput) -> Result<Event, ApiError> {
    call(Method::POST, "/api/v1/events", Some(input)).await
}

/// Changes an event if it is still at `version` (else a 412 problem).
pub async fn update_event(id: i64, version: i64, input: &EventInput) -> Result<Event, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/events/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

pub async fn delete_event(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/events/{id}"), NO_BODY).await
}

/// Books the signed-in person: a place, or the waiting list when the event is full.
pub async fn book(id: i64) -> Result<MyBooking, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/events/{id}/bookings"),
        NO_BODY,
    )
    .await
}

/// Cancels a booking (your own; a manager's, anyone's); the first waiting takes the place.
pub async fn cancel_booking(id: i64, booking_id: i64) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/events/{id}/bookings/{booking_id}"),
        NO_BODY,
    )
    .await
}

/// Every booking, for the event's managers: places, then the waiting list, then cancelled.
pub async fn bookings(id: i64) -> Result<Vec<Booking>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/events/{id}/bookings"),
        NO_BODY,
    )
    .await
}

pub async fn record_attendance(
    id: i64,
    attendance: &AttendanceInput,
) -> Result<Vec<Booking>, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/events/{id}/attendance"),
        Some(attendance),
    )
    .await
}

/// Imports a CSV sign-in sheet (nothing is imported if a row is bad).
pub async fn import_attendance(id: i64, csv: &str) -> Result<AttendanceImport, ApiError> {
    let text = call_text(
        Method::POST,
        &format!("/api/v1/events/{id}/attendance.csv"),
        Some(("text/csv", csv)),
    )
    .await?;
    from_json(Some(text)).map_err(ApiError::Unexpected)
}

/// The event as an iCalendar file's text.
pub async fn calendar(id: i64, signed_in: bool) -> Result<String, ApiError> {
    let path = format!("/api/v1/events/{id}/calendar.ics");
    if signed_in {
        call_text_accepting(Method::GET, &path, None, CALENDAR).await
    } else {
        public_text(&path, CALENDAR).await
    }
}

/// A guest's booking of an open event; the link to cancel is emailed to them.
pub async fn guest_book(id: i64, input: &GuestBookingInput) -> Result<GuestBooking, ApiError> {
    public(
        Method::POST,
        &format!("/api/v1/events/{id}/guest-bookings"),
        Some(input),
    )
    .await
}

/// Cancels a guest's booking with the token from their email.
pub async fn guest_cancel(token: &str) -> Result<(), ApiError> {
    let body = GuestCancel {
        token: token.to_owned(),
    };
    public(Method::POST, "/api/v1/guest-bookings/cancel", Some(&body)).await
}

/// The signed-in person's bookings not cancelled: upcoming soonest first, then past.
pub async fn my_bookings() -> Result<Vec<BookedEvent>, ApiError> {
    call(Method::GET, "/api/v1/me/bookings", NO_BODY).await
}

/// Every upcoming event the signed-in person booked, as one iCalendar file's text.
pub async fn my_calendar() -> Result<String, ApiError> {
    call_text_accepting(
        Method::GET,
        "/api/v1/me/bookings/calendar.ics",
        None,
        CALENDAR,
    )
    .await
}

/// An organisation's workshop series.
pub async fn series_list(organisation_id: i64) -> Result<Vec<Series>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/event-series?organisation_id={organisation_id}"),
        NO_BODY,
    )
    .await
}

pub async fn create_series(input: &SeriesInput) -> Result<Series, ApiError> {
    call(Method::POST, "/api/v1/event-series", Some(input)).await
}

/// A series with its sessions.
pub async fn series(id: i64) -> Result<Series, ApiError> {
    call(Method::GET, &format!("/api/v1/event-series/{id}"), NO_BODY).await
}

/// Books the signed-in person onto every session to come, session by session.
pub async fn book_series(id: i64) -> Result<Vec<SeriesBooking>, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/event-series/{id}/bookings"),
        NO_BODY,
    )
    .await
}

/// An event's feedback form, with whether the signed-in person may answer it (a 404 problem if
/// the organiser has not set one up).
pub async fn feedback_form(id: i64) -> Result<FeedbackForm, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/events/{id}/feedback-form"),
        NO_BODY,
    )
    .await
}

/// Sets up or changes the feedback form, for the event's managers (a 409 problem once anyone
/// has answered it).
pub async fn set_feedback_form(
    id: i64,
    input: &FeedbackFormInput,
) -> Result<FeedbackForm, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/events/{id}/feedback-form"),
        Some(input),
    )
    .await
}

/// Answers the feedback form, once, as an attendee after the event; gives back the form, now
/// answered.
pub async fn give_feedback(id: i64, input: &FeedbackInput) -> Result<FeedbackForm, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/events/{id}/feedback"),
        Some(input),
    )
    .await
}

/// The feedback form of the event a guest attended, by the token from the email that asked for
/// their feedback.
pub async fn guest_feedback_form(token: &str) -> Result<FeedbackForm, ApiError> {
    let body = GuestFeedbackFormQuery {
        token: token.to_owned(),
    };
    public(
        Method::POST,
        "/api/v1/guest-bookings/feedback-form",
        Some(&body),
    )
    .await
}

/// A guest's answer to the form, once, by the token from their email; gives back the form, now
/// answered. Field errors name `feedback.rating` and the like.
pub async fn give_guest_feedback(
    token: &str,
    input: &FeedbackInput,
) -> Result<FeedbackForm, ApiError> {
    let body = GuestFeedbackInput {
        token: token.to_owned(),
        feedback: input.clone(),
    };
    public(Method::POST, "/api/v1/guest-bookings/feedback", Some(&body)).await
}

/// What the attendees said, for the event's managers.
pub async fn feedback_summary(id: i64) -> Result<FeedbackSummary, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/events/{id}/feedback"),
        NO_BODY,
    )
    .await
}

/// Every answer as a CSV file's text, for the event's managers.
pub async fn feedback_csv(id: i64) -> Result<String, ApiError> {
    call_text(
        Method::GET,
        &format!("/api/v1/events/{id}/feedback.csv"),
        None,
    )
    .await
}
