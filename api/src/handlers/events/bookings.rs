//! Booking: a place, or the waiting list; guests; cancelling; my bookings.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;
use qi_shared::{
    event::{
        BookedEvent, Booking, BookingStatus, GuestBooking, GuestBookingInput, GuestCancel,
        MyBooking, rules,
    },
    notification::NotificationKind,
    problem::Problem,
};

use super::{managed, tell_promoted, visible};
use crate::{
    auth::AuthUser,
    db::{
        self,
        entity::events::{booking, event},
        events::bookings::{Booker, Refused},
        tokens,
    },
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::Json,
    mail::notices,
    state::AppState,
};

/// 409 once the event has ended.
fn not_ended(event: &event::Model) -> ApiResult<()> {
    if event.ends_at <= Utc::now() {
        return Err(conflict(
            "event_ended",
            "id",
            "This event has ended: choose one that is still to come",
        ));
    }
    Ok(())
}

/// The notice a new booking gets: a place, or the waiting list.
fn kind_of(b: &booking::Model) -> NotificationKind {
    if b.status == BookingStatus::Booked {
        NotificationKind::PlaceConfirmed
    } else {
        NotificationKind::Waitlisted
    }
}

/// Book a place at an event for yourself: a place if one is free, else the end of the waiting
/// list (with your position). Safe under many bookings at once: the event is locked while its
/// places are counted. You are told by email (with the event as .ics) and in the app.
#[utoipa::path(
    tag = "events",
    operation_id = "book_event",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 201, description = "Booked, or on the waiting list (with the position)", body = MyBooking),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already booked or waiting, or the event has ended", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/{id}/bookings")]
pub async fn book(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let event = visible(&state, &user, *id).await?;
    not_ended(&event)?;
    let txn = state.begin_write().await?;
    let locked = db::events::bookings::lock_event(&txn, event.id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    let booker = Booker::Person {
        person_id: user.person_id,
        organisation_id: user.organisation_id,
    };
    let booking = match db::events::bookings::book(&txn, &locked, booker, Utc::now()).await {
        Ok(b) => b,
        Err(Refused::AlreadyBooked) => {
            return Err(conflict(
                "already_booked",
                "id",
                "You already have a place at this event or are on its waiting list",
            ));
        }
        Err(Refused::Db(err)) => return Err(err.into()),
    };
    notices::event_booking(
        &state.mail,
        &txn,
        kind_of(&booking),
        &booking,
        &locked,
        None,
    )
    .await?;
    let answer = db::events::bookings::mine(&txn, &booking).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(answer))
}

/// Cancel a booking: your own, or any, as a manager of the event. The place goes to the first on
/// the waiting list, who is told. Cancelling a cancelled booking changes nothing.
#[utoipa::path(
    tag = "events",
    operation_id = "cancel_booking",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Event id"),
        ("booking_id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 403, description = "Not your booking, and you do not manage the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event or booking, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/events/{id}/bookings/{booking_id}")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, booking_id) = path.into_inner();
    let event = visible(&state, &user, id).await?;
    let booking = db::events::bookings::find(&state.db, booking_id)
        .await?
        .filter(|b| b.event_id == event.id)
        .ok_or_else(|| not_found("Booking"))?;
    if booking.person_id != Some(user.person_id)
        && !rules::can_manage(&user, event.organiser_organisation_id)
    {
        return Err(ApiError::Forbidden(
            "Only the person who booked or the event's managers cancel a booking",
        ));
    }
    cancel_booking(&state, booking).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Cancels a booking under its event's lock and tells whoever takes the place.
async fn cancel_booking(state: &AppState, booking: booking::Model) -> ApiResult<()> {
    let now = Utc::now();
    let txn = state.begin_write().await?;
    let locked = db::events::bookings::lock_event(&txn, booking.event_id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    // Read again under the lock: it may have changed since.
    let current = db::events::bookings::find(&txn, booking.id)
        .await?
        .ok_or_else(|| not_found("Booking"))?;
    if current.status == BookingStatus::Cancelled {
        return Ok(());
    }
    let promoted = db::events::bookings::cancel(&txn, &locked, current, now).await?;
    if locked.ends_at > now {
        tell_promoted(state, &txn, &locked, &promoted).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An event's bookings, for its managers: places, then the waiting list in order, then
/// cancellations.
#[utoipa::path(
    tag = "events",
    operation_id = "list_bookings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The bookings", body = Vec<Booking>),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/bookings")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let event = managed(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(db::events::bookings::list(&state.db, event.id).await?))
}

/// Book an open event as a guest from outside the partnership: a name and an email address, no
/// account. The confirmation, with the event as .ics and a link to cancel, goes to that address
/// (the link is never in this answer). Guests are counted apart. Limited per address asked for
/// and per client, like password resets (429 with `Retry-After`).
#[utoipa::path(
    tag = "events",
    operation_id = "book_event_as_guest",
    security(()),
    params(("id" = i64, Path, description = "Event id")),
    request_body = GuestBookingInput,
    responses(
        (status = 201, description = "Booked, or on the waiting list (with the position)", body = GuestBooking),
        (status = 404, description = "No such event open to guests", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This address has already booked, or the event has ended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many bookings for this address or from this client", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until another booking may be made"))),
    )
)]
#[post("/events/{id}/guest-bookings")]
pub async fn guest_book(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<GuestBookingInput>,
) -> ApiResult<HttpResponse> {
    let (name, email) = body.0.validate()?;
    let event = db::events::find(&state.db, *id)
        .await?
        .filter(|e| rules::guest_may_see(e.audience))
        .ok_or_else(|| not_found("Event"))?;
    not_ended(&event)?;
    let address = state.sign_in.client_address(&req);
    // A guest booking mails an address anyone may type, as a reset request does: the same limits.
    if let Some(wait) = state
        .resets
        .check(&format!("guest:{}", email.normalised()), address)
    {
        return Err(ApiError::TooManyRequests {
            retry_after: wait.as_secs().max(1),
        });
    }
    let token = tokens::generate();
    let txn = state.begin_write().await?;
    let locked = db::events::bookings::lock_event(&txn, event.id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    let booker = Booker::Guest {
        name: &name,
        email: email.as_str(),
        cancel_token_hash: &tokens::hash(&token),
    };
    let booking = match db::events::bookings::book(&txn, &locked, booker, Utc::now()).await {
        Ok(b) => b,
        Err(Refused::AlreadyBooked) => {
            return Err(conflict(
                "already_booked",
                "email",
                "This address already has a place at this event or is on its waiting list: \
                 the email we sent has a link to cancel",
            ));
        }
        Err(Refused::Db(err)) => return Err(err.into()),
    };
    notices::event_booking(
        &state.mail,
        &txn,
        kind_of(&booking),
        &booking,
        &locked,
        Some(&token),
    )
    .await?;
    let position = db::events::bookings::position(&txn, &booking).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(GuestBooking {
        status: booking.status,
        position,
    }))
}

/// Cancel a guest's booking with the token from the link in their confirmation email.
#[utoipa::path(
    tag = "events",
    operation_id = "cancel_guest_booking",
    security(()),
    request_body = GuestCancel,
    responses(
        (status = 204, description = "Cancelled"),
        (status = 404, description = "The link is not valid, or the booking is already cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/guest-bookings/cancel")]
pub async fn guest_cancel(
    state: web::Data<AppState>,
    body: Json<GuestCancel>,
) -> ApiResult<HttpResponse> {
    let token = body.0.token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(invalid(
            "token",
            "The cancel link is incomplete: open the link from the email again",
        ));
    }
    let booking = db::events::bookings::by_cancel_token(&state.db, &tokens::hash(token))
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(
                "This cancel link is not valid, or the booking is already cancelled".to_owned(),
            )
        })?;
    cancel_booking(&state, booking).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Your bookings that stand (a place or the waiting list): upcoming soonest first, then past
/// latest first.
#[utoipa::path(
    tag = "events",
    operation_id = "my_bookings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your bookings with their events", body = Vec<BookedEvent>),
    )
)]
#[get("/me/bookings")]
pub async fn mine(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let found = db::events::bookings::of_person(&state.db, user.person_id).await?;
    let models: Vec<event::Model> = found.iter().map(|(_, e)| e.clone()).collect();
    let events = db::events::dto(&state.db, Some(&user), models).await?;
    let mut booked: Vec<BookedEvent> = events
        .into_iter()
        .filter_map(|event| {
            let booking = event.my_booking.clone()?;
            Some(BookedEvent { event, booking })
        })
        .collect();
    booked.sort_by(|a, b| {
        let (ua, ub) = (a.event.ends_at >= now, b.event.ends_at >= now);
        ub.cmp(&ua).then_with(|| {
            if ua {
                a.event.starts_at.cmp(&b.event.starts_at)
            } else {
                b.event.starts_at.cmp(&a.event.starts_at)
            }
        })
    });
    Ok(HttpResponse::Ok().json(booked))
}
