//! The events exports: every event the caller may see, as the events list shows each, and the
//! bookings of the events the caller manages, as each event's bookings list shows them.

use actix_web::{HttpResponse, get, web};
use qi_shared::{
    event::{Booking, Event},
    export::{BookingExportQuery, EventExportQuery, ExportFormat},
    problem::Problem,
};
use sea_orm::Condition;

use super::{PAGE, Row, streamed};
use crate::{auth::AuthUser, db, error::ApiResult, extract::Query, state::AppState};

impl Row for Event {
    fn key(&self) -> i64 {
        self.id
    }
}

/// Bookings come an event at a time (each event's in its list's order), so their pages follow
/// event ids.
impl Row for Booking {
    fn key(&self) -> i64 {
        self.event_id
    }
}

/// Events a bookings page holds (whole events).
const EVENTS_A_PAGE: u64 = 50;

/// Every event you may see, as the events list shows each (`Event`: your own booking and
/// whether you may manage it included), in id order.
///
/// NDJSON (the default) or CSV (`format=csv`: tags joined with `;`, your booking as its
/// status, text cells neutralised as for projects). Filters as the events list's but its word
/// search and upcoming/past (`from` and `to` choose the UK days an event starts on), plus
/// `updated_since`. Streamed as the projects export. API tokens need `read_events`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_events",
    security(("bearer" = [])),
    params(EventExportQuery),
    responses(
        (status = 200, description = "The events, streamed: NDJSON, one Event a line, or CSV",
            content(
                (Event = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"events.ndjson\" or \"events.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format` or `kind`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_events scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A tag over 50 characters, or `to` before `from`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/events")]
pub async fn events(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<EventExportQuery>,
) -> ApiResult<HttpResponse> {
    let (format, filter) = query.validate()?;
    let condition = Condition::all()
        .add(db::events::visible_to(&user))
        .add(db::events::matching(&filter));
    let actor = user.0;
    let first = db::events::after(&state.db, &actor, condition.clone(), 0, PAGE).await?;
    Ok(streamed("events", format, first, move |after| {
        let (db, actor, condition) = (state.db.clone(), actor.clone(), condition.clone());
        async move { db::events::after(&db, &actor, condition, after, PAGE).await }
    }))
}

/// Every booking of the events you manage, an event at a time in event id order, each event's
/// as its bookings list shows it (`Booking`: places, then the waiting list in order with
/// positions, then cancellations; guests included, with the name and address they gave). As an
/// organisation's admin (or its API token) the events it organises; as a partnership admin all;
/// anyone else manages none, and gets an empty export.
///
/// NDJSON (the default) or CSV (`format=csv`, text cells neutralised as for projects). Personal
/// data: every export is in the audit log. Streamed as the projects export. API tokens need
/// `read_events`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "export_bookings",
    security(("bearer" = [])),
    params(BookingExportQuery),
    responses(
        (status = 200, description = "The bookings, streamed: NDJSON, one Booking a line, or CSV",
            content(
                (Booking = "application/x-ndjson"),
                (String = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"bookings.ndjson\" or \"bookings.csv\""))),
        (status = 400, description = "A query parameter is not valid (such as `format` or `status`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token without the read_events scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export/bookings")]
pub async fn bookings(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<BookingExportQuery>,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or(ExportFormat::Ndjson);
    let condition = db::events::bookings::exported(&user, &query);
    let first =
        db::events::bookings::of_events_after(&state.db, condition.clone(), 0, EVENTS_A_PAGE)
            .await?;
    Ok(streamed("bookings", format, first, move |after| {
        let (db, condition) = (state.db.clone(), condition.clone());
        async move { db::events::bookings::of_events_after(&db, condition, after, EVENTS_A_PAGE).await }
    }))
}
