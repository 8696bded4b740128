//! Capability: tiers and their rules and overrides, coaching sessions and caseloads, and a
//! person's own record.
//!
//! Who sees what: a person's tier and record are theirs, their organisation's admins' and the
//! partnership admins' (another organisation's people answer 404, as in `people`). A coaching
//! session's notes and actions are the project team's only; others who may see the project see
//! that it happened (date, length, model).

mod coaching;
mod record;
mod tiers;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    db::{self, entity::person},
    error::{ApiError, ApiResult, not_found},
    state::AppState,
};

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(tiers::show_rules)
        .service(tiers::replace_rules)
        .service(tiers::counts)
        .service(tiers::show_person_tier)
        .service(tiers::set_override)
        .service(tiers::clear_override)
        .service(coaching::list)
        .service(coaching::create)
        .service(coaching::show)
        .service(coaching::update)
        .service(coaching::remove)
        .service(coaching::caseload)
        .service(coaching::coverage)
        .service(record::show)
        .service(record::my_record_json)
        .service(record::my_record_csv);
}

/// A person the signed-in person may see the capability record of: themself, or as an admin of
/// their organisation or the partnership. Another organisation's people are 404; a colleague
/// without the right is 403.
async fn viewable_person(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<person::Model> {
    let person = db::people::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    if user.can_view_person(person.id, person.organisation_id) {
        Ok(person)
    } else if person.organisation_id != user.organisation_id {
        Err(not_found("Person"))
    } else {
        Err(ApiError::Forbidden(
            "Only the person and their organisation's admins may see their record",
        ))
    }
}
