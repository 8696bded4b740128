//! Who came: attendance recorded by hand or from a CSV sign-in sheet.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, post, put, web};
use chrono::Utc;
use qi_shared::{
    FieldErrors,
    event::{AttendanceImport, AttendanceInput, Booking, BookingStatus},
    problem::Problem,
    training::sign_in::{MAX_SIGN_IN_BYTES, parse_session_sign_in_csv},
    uk_time,
};

use super::managed;
use crate::{
    auth::AuthUser,
    db,
    error::{ApiResult, invalid},
    extract::{self, Json},
    state::AppState,
};

/// Record attendance by hand: a mark for each booking named; the others stay as they were.
#[utoipa::path(
    tag = "events",
    operation_id = "record_event_attendance",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body = AttendanceInput,
    responses(
        (status = 200, description = "The bookings with their attendance", body = Vec<Booking>),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A mark names a booking twice, or one not of this event", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/events/{id}/attendance")]
pub async fn record(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<AttendanceInput>,
) -> ApiResult<HttpResponse> {
    let event = managed(&state, &user, *id).await?;
    body.0.validate()?;
    let marks: Vec<(i64, bool)> = body
        .0
        .marks
        .iter()
        .map(|m| (m.booking_id, m.attended))
        .collect();
    let txn = state.begin_write().await?;
    if let Some(i) = db::events::bookings::mark(&txn, event.id, &marks, Utc::now()).await? {
        return Err(invalid(
            &format!("marks[{i}].booking_id"),
            "This is not a booking of this event",
        ));
    }
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(db::events::bookings::list(&state.db, event.id).await?))
}

/// Import attendance from a CSV sign-in sheet sent as the body (`Content-Type: text/csv`):
/// columns `email` and `present` (or `attended`), and optionally `date` (the event's day). Each
/// row's address must be of someone who booked (a person of the partnership or a guest).
///
/// The file is checked whole: if any row is bad, nothing is imported and the 422 names each bad
/// row as a spreadsheet numbers it (the header is row 1), as `rows[4].email`, and why.
#[utoipa::path(
    tag = "events",
    operation_id = "import_event_attendance_csv",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body(content = String, content_type = "text/csv", description = "The sign-in sheet"),
    responses(
        (status = 200, description = "Imported", body = AttendanceImport),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body could not be read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is not UTF-8, its columns are wrong, or rows are bad (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/{id}/attendance.csv")]
pub async fn import_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if !extract::is_csv(&req) {
        return Ok(extract::not_csv());
    }
    let event = managed(&state, &user, *id).await?;
    let text = extract::csv_text(payload, MAX_SIGN_IN_BYTES).await?;
    let rows = parse_session_sign_in_csv(&text, uk_time::day_of(event.starts_at))?;
    let bookings: HashMap<String, i64> = db::events::bookings::list(&state.db, event.id)
        .await?
        .into_iter()
        .filter(|b| b.status != BookingStatus::Cancelled)
        .map(|b| (b.email.to_lowercase(), b.id))
        .collect();
    let mut errors = FieldErrors::new();
    let mut marks = Vec::new();
    for row in &rows {
        match bookings.get(&row.email) {
            Some(id) => marks.push((*id, row.present)),
            None => errors.push(
                format!("rows[{}].email", row.row),
                format!("No one booked this event with the email {}", row.email),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let txn = state.begin_write().await?;
    db::events::bookings::mark(&txn, event.id, &marks, Utc::now()).await?;
    txn.commit().await?;
    let attended = marks.iter().filter(|(_, a)| *a).count();
    Ok(HttpResponse::Ok().json(AttendanceImport {
        attended: u32::try_from(attended).unwrap_or(u32::MAX),
        absent: u32::try_from(marks.len() - attended).unwrap_or(u32::MAX),
    }))
}
