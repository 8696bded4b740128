//! Events themselves: the list, one event, and changing them.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::Utc;
use qi_shared::{
    event::{Event, EventInput, EventPage, EventQuery},
    export::EventFilter,
    page::parse_page,
    problem::Problem,
};

use super::{managed, must_manage, tell_promoted, visible_to_anyone};
use crate::{
    auth::{AuthUser, MaybeUser},
    db,
    error::{ApiError, ApiResult, invalid, not_found},
    extract::{IfMatch, Json, Query, etag},
    mail::notices,
    state::AppState,
};

/// Checks an event: its organiser is an organisation of the partnership, and its series (if
/// any) is one the same organisation runs.
async fn check(state: &AppState, input: &EventInput) -> ApiResult<EventInput> {
    let input = input.validate()?;
    if !db::training::cohorts::missing_organisations(&state.db, &[input.organiser_organisation_id])
        .await?
        .is_empty()
    {
        return Err(invalid(
            "organiser_organisation_id",
            "Choose an organisation of the partnership",
        ));
    }
    if let Some(series) = input.series_id {
        let found = db::events::find_series(&state.db, series).await?;
        if found.is_none_or(|s| s.organiser_organisation_id != input.organiser_organisation_id) {
            return Err(invalid(
                "series_id",
                "Choose a series the organising organisation runs",
            ));
        }
    }
    Ok(input)
}

async fn fetch(state: &AppState, user: Option<&AuthUser>, id: i64) -> ApiResult<Event> {
    let model = db::events::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    Ok(db::events::one(&state.db, user.map(|u| &u.0), model).await?)
}

/// The events you may see: filter by kind, organiser, tag, words, upcoming or past, and UK days
/// (`from`, `to`, for a month's calendar). Upcoming and unfiltered lists run soonest first, past
/// ones latest first.
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    security(("bearer" = [])),
    params(EventQuery),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 400, description = "A filter is not valid (an unknown kind, a bad date)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "page or per_page is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<EventQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    if query.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(invalid("q", "Search with at most 200 characters"));
    }
    // The filters the events export shares, checked as it checks them.
    let filter = EventFilter::new(
        query.kind,
        query.organisation_id,
        query.tag.as_deref(),
        (query.from, query.to),
    )?;
    let (items, total) = db::events::list(
        &state.db,
        &user,
        &filter,
        &query,
        (page, per_page),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(EventPage::new(items, page, per_page, total)))
}

/// Add an event. Partnership admins add any; organisation admins their own organisation's.
#[utoipa::path(
    tag = "events",
    operation_id = "create_event",
    security(("bearer" = [])),
    request_body = EventInput,
    responses(
        (status = 201, description = "The event", body = Event),
        (status = 403, description = "Not an admin of the organising organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<EventInput>,
) -> ApiResult<HttpResponse> {
    let input = check(&state, &body.0).await?;
    must_manage(&user, input.organiser_organisation_id)?;
    let txn = state.begin_write().await?;
    let id = db::events::create(&txn, &input, user.person_id, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/events/{id}")))
        .json(fetch(&state, Some(&user), id).await?))
}

/// One event. Open events are shown to anyone with the link, signed in or not; others need
/// signing in (401) and the right to see them (404). The ETag is its version.
#[utoipa::path(
    tag = "events",
    operation_id = "show_event",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event", body = Event),
        (status = 401, description = "Not signed in, and the event is not open to anyone with the link", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let model = visible_to_anyone(&state, &user, *id).await?;
    let event = db::events::one(&state.db, user.0.as_ref().map(|u| &u.0), model).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(event.version))
        .json(event))
}

/// Change an event. Moving it to another organiser needs the right to manage both. More places
/// go to the waiting list in order (each promoted person is told); fewer places take none away
/// from people who hold them. Send the version you loaded as `If-Match` (412 if it changed).
#[utoipa::path(
    tag = "events",
    operation_id = "update_event",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Event id"),
        ("If-Match" = String, Header, description = "The event's ETag (its version) as loaded"),
    ),
    request_body = EventInput,
    responses(
        (status = 200, description = "The changed event, with its new ETag", body = Event),
        (status = 403, description = "Not an admin of the organising organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/events/{id}")]
pub async fn update(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<EventInput>,
) -> ApiResult<HttpResponse> {
    let current = managed(&state, &user, *id).await?;
    let version = if_match.version(current.version)?;
    let input = check(&state, &body.0).await?;
    must_manage(&user, input.organiser_organisation_id)?;
    let now = Utc::now();
    let txn = state.begin_write().await?;
    db::events::bookings::lock_event(&txn, current.id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    if !db::events::update(&txn, current.id, version, &input).await? {
        drop(txn);
        let current_version = db::events::find(&state.db, *id)
            .await?
            .ok_or_else(|| not_found("Event"))?
            .version;
        return Err(ApiError::PreconditionFailed { current_version });
    }
    let changed = db::events::find(&txn, current.id)
        .await?
        .ok_or_else(|| not_found("Event"))?;
    let promoted = db::events::bookings::promote(&txn, &changed, now).await?;
    tell_promoted(&state, &txn, &changed, &promoted).await?;
    txn.commit().await?;
    let event = fetch(&state, Some(&user), *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(event.version))
        .json(event))
}

/// Remove an event with its bookings. If it has not ended, everyone who held a place or waited
/// for one is told it is called off.
#[utoipa::path(
    tag = "events",
    operation_id = "delete_event",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin of the organising organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/events/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let current = managed(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    if current.ends_at > Utc::now() {
        let standing = db::events::bookings::standing(&txn, current.id).await?;
        notices::event_cancelled(&state.mail, &txn, &standing, &current).await?;
    }
    db::events::delete(&txn, current.id).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
