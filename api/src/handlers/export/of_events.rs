//! The events export: every event the caller may see, as the events list shows each.

use actix_web::{HttpResponse, get, web};
use qi_shared::{event::Event, export::EventExportQuery, problem::Problem};
use sea_orm::Condition;

use super::{PAGE, Row, streamed};
use crate::{auth::AuthUser, db, error::ApiResult, extract::Query, state::AppState};

impl Row for Event {
    fn key(&self) -> i64 {
        self.id
    }
}

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
