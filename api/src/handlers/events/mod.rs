//! Events: QI cafés, webinars, masterclasses, roadshows, workshop series and the celebration
//! event; booking with a waiting list, guests, attendance and calendars.
//!
//! Who sees an event follows its audience (`qi_shared::event::rules::can_see`): partnership and
//! open events everyone signed in, an organisation's event its people; an open event also anyone
//! with the link, who books as a guest. Partnership admins and the organiser's admins manage an
//! event: change it, see its bookings, record attendance.

mod attendance;
mod awards;
mod bookings;
mod calendar;
mod crud;
mod feedback;
mod reviews;
mod series;
mod submissions;

use qi_shared::{event::rules, notification::NotificationKind};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{AuthUser, MaybeUser},
    db::{
        self,
        entity::events::{booking, event},
    },
    error::{ApiError, ApiResult, not_found},
    mail::notices,
    state::AppState,
};

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(crud::list)
        .service(crud::create)
        .service(crud::show)
        .service(crud::update)
        .service(crud::remove)
        .service(calendar::event)
        .service(calendar::mine)
        .service(bookings::book)
        .service(bookings::cancel)
        .service(bookings::list)
        .service(bookings::guest_book)
        .service(bookings::guest_cancel)
        .service(bookings::mine)
        .service(attendance::record)
        .service(attendance::import_csv)
        .service(feedback::show_form)
        .service(feedback::set_form)
        .service(feedback::give)
        .service(feedback::show_guest_form)
        .service(feedback::give_guest)
        .service(feedback::show_summary)
        .service(feedback::export_csv)
        .service(series::list)
        .service(series::create)
        .service(series::show)
        .service(series::book)
        .service(submissions::show_call)
        .service(submissions::set_call)
        .service(submissions::close_review)
        .service(submissions::list)
        .service(submissions::create)
        .service(submissions::show)
        .service(submissions::update)
        .service(submissions::remove)
        .service(submissions::upload)
        .service(submissions::download)
        .service(reviews::set_reviewers)
        .service(reviews::review)
        .service(reviews::reviews)
        .service(reviews::shortlist)
        .service(awards::list)
        .service(awards::give)
        .service(awards::remove);
}

/// The event, if the signed-in person may see it; 404 if not (or if there is none).
async fn visible(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<event::Model> {
    db::events::find(&state.db, id)
        .await?
        .filter(|e| rules::can_see(user, e.audience, e.organiser_organisation_id))
        .ok_or_else(|| not_found("Event"))
}

/// The event as anyone with the link may see it: signed in, as [`visible`]; not signed in, only
/// an open event (else 401, the same whether or not the event exists).
async fn visible_to_anyone(state: &AppState, user: &MaybeUser, id: i64) -> ApiResult<event::Model> {
    match &user.0 {
        Some(user) => visible(state, user, id).await,
        None => db::events::find(&state.db, id)
            .await?
            .filter(|e| rules::guest_may_see(e.audience))
            .ok_or(ApiError::Unauthorized(
                "Sign in to see this event: only open events are shown to anyone with the link",
            )),
    }
}

/// The event, if the signed-in person may manage it: 404 if they may not see it, 403 if they
/// may see but not manage it.
async fn managed(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<event::Model> {
    let event = visible(state, user, id).await?;
    must_manage(user, event.organiser_organisation_id)?;
    Ok(event)
}

/// Tells each person promoted from the waiting list that the place is theirs; a guest's email
/// carries a new link to cancel (only its hash is kept, so the first cannot be sent again).
async fn tell_promoted(
    state: &AppState,
    txn: &impl sea_orm::ConnectionTrait,
    event: &event::Model,
    promoted: &[booking::Model],
) -> ApiResult<()> {
    for b in promoted {
        let token = if b.person_id.is_none() {
            let token = db::tokens::generate();
            db::events::bookings::renew_cancel_token(txn, b.id, &db::tokens::hash(&token)).await?;
            Some(token)
        } else {
            None
        };
        notices::event_booking(
            &state.mail,
            txn,
            NotificationKind::PlaceOffered,
            b,
            event,
            token.as_deref(),
        )
        .await?;
    }
    Ok(())
}

fn must_manage(user: &AuthUser, organiser_organisation_id: i64) -> ApiResult<()> {
    if rules::can_manage(user, organiser_organisation_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only partnership admins and the organising organisation's admins manage this event",
        ))
    }
}
