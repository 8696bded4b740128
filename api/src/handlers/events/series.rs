//! Workshop series: sessions booked one by one, or all at once.

use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::Utc;
use qi_shared::{
    event::{BookingStatus, Series, SeriesBooking, SeriesInput},
    notification::NotificationKind,
    problem::Problem,
};
use serde::Deserialize;

use super::must_manage;
use crate::{
    auth::AuthUser,
    db::{
        self,
        events::bookings::{Booker, Refused},
    },
    error::{ApiResult, invalid, not_found},
    extract::{Json, Query},
    mail::notices,
    state::AppState,
};

/// Filters of the series list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SeriesQuery {
    /// The organiser.
    pub organisation_id: Option<i64>,
}

async fn fetch(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<Series> {
    let model = db::events::find_series(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Series"))?;
    db::events::series_dto(&state.db, user, vec![model])
        .await?
        .pop()
        .ok_or_else(|| not_found("Series"))
}

/// Workshop series, newest first (each with the sessions you may see); filter by organiser.
#[utoipa::path(
    tag = "events",
    operation_id = "list_series",
    security(("bearer" = [])),
    params(SeriesQuery),
    responses(
        (status = 200, description = "The series", body = Vec<Series>),
        (status = 400, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/event-series")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<SeriesQuery>,
) -> ApiResult<HttpResponse> {
    let models = db::events::list_series(&state.db, query.organisation_id).await?;
    Ok(HttpResponse::Ok().json(db::events::series_dto(&state.db, &user, models).await?))
}

/// Start a workshop series; its sessions are events that name it.
#[utoipa::path(
    tag = "events",
    operation_id = "create_series",
    security(("bearer" = [])),
    request_body = SeriesInput,
    responses(
        (status = 201, description = "The series", body = Series),
        (status = 403, description = "Not an admin of the organising organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/event-series")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<SeriesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    if !db::training::cohorts::missing_organisations(&state.db, &[input.organiser_organisation_id])
        .await?
        .is_empty()
    {
        return Err(invalid(
            "organiser_organisation_id",
            "Choose an organisation of the partnership",
        ));
    }
    must_manage(&user, input.organiser_organisation_id)?;
    let txn = state.begin_write().await?;
    let id = db::events::create_series(&txn, &input, Utc::now())
        .await?
        .id;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/event-series/{id}")))
        .json(fetch(&state, &user, id).await?))
}

/// One series with the sessions you may see, in time order.
#[utoipa::path(
    tag = "events",
    operation_id = "show_series",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Series id")),
    responses(
        (status = 200, description = "The series", body = Series),
        (status = 404, description = "No such series", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/event-series/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(fetch(&state, &user, *id).await?))
}

/// Book the whole series: every session still to come that you may see and have not booked, a
/// place each if one is free, else its waiting list. Gives back what each session did.
#[utoipa::path(
    tag = "events",
    operation_id = "book_series",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Series id")),
    responses(
        (status = 201, description = "What each session did", body = Vec<SeriesBooking>),
        (status = 404, description = "No such series", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/event-series/{id}/bookings")]
pub async fn book(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let series = db::events::find_series(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Series"))?;
    let now = Utc::now();
    let sessions = db::events::series_events(&state.db, &user, series.id).await?;
    let txn = state.begin_write().await?;
    let mut done = Vec::new();
    // In time order, as every series booking locks them, so two cannot wait on each other.
    for session in sessions.into_iter().filter(|e| e.ends_at > now) {
        let Some(locked) = db::events::bookings::lock_event(&txn, session.id).await? else {
            continue;
        };
        let booker = Booker::Person {
            person_id: user.person_id,
            organisation_id: user.organisation_id,
        };
        let booking = match db::events::bookings::book(&txn, &locked, booker, now).await {
            Ok(b) => b,
            Err(Refused::AlreadyBooked) => continue,
            Err(Refused::Db(err)) => return Err(err.into()),
        };
        let kind = if booking.status == BookingStatus::Booked {
            NotificationKind::PlaceConfirmed
        } else {
            NotificationKind::Waitlisted
        };
        notices::event_booking(&state.mail, &txn, kind, &booking, &locked, None).await?;
        done.push(SeriesBooking {
            event_id: locked.id,
            booking: db::events::bookings::mine(&txn, &booking).await?,
        });
    }
    txn.commit().await?;
    Ok(HttpResponse::Created().json(done))
}
