//! The tier rules, a person's tier (with its override) and the counts per tier as of a day.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::Utc;
use qi_shared::uk_time;
use qi_shared::{
    capability::{PersonTier, TierCounts, TierCountsQuery, TierOverrideInput, TierRules},
    problem::Problem,
};

use super::viewable_person;
use crate::{
    auth::AuthUser,
    db::{self, capability},
    error::{ApiError, ApiResult, invalid, not_found},
    extract::{Json, Query},
    state::AppState,
};

async fn partnership_id(state: &AppState) -> ApiResult<i64> {
    db::partnership::get(&state.db)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| not_found("Partnership"))
}

/// The partnership's rules for deriving each person's tier from their record.
#[utoipa::path(
    tag = "capability",
    operation_id = "show_tier_rules",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rules (the defaults until an admin saves some)", body = TierRules),
    )
)]
#[get("/capability/rules")]
pub async fn show_rules(state: web::Data<AppState>, _user: AuthUser) -> ApiResult<HttpResponse> {
    let id = partnership_id(&state).await?;
    Ok(HttpResponse::Ok().json(capability::rules(&state.db, id).await?))
}

/// Change the rules (partnership admins). Everyone's tier is worked out again at once; the
/// history keeps what they held before.
#[utoipa::path(
    tag = "capability",
    operation_id = "replace_tier_rules",
    security(("bearer" = [])),
    request_body = TierRules,
    responses(
        (status = 200, description = "The rules as saved", body = TierRules),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/capability/rules")]
pub async fn replace_rules(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<TierRules>,
) -> ApiResult<HttpResponse> {
    if !user.is_partnership_admin() {
        return Err(ApiError::Forbidden(
            "Only partnership admins may change the tier rules",
        ));
    }
    let rules = body.0.validate()?;
    let id = partnership_id(&state).await?;
    let now = Utc::now();
    let txn = state.begin_write().await?;
    capability::save_rules(&txn, id, &rules, user.person_id, now).await?;
    let changed = capability::refresh_everyone(&txn, id, now).await?;
    txn.commit().await?;
    tracing::info!(
        by = user.person_id,
        changed,
        "tier rules changed; tiers derived again"
    );
    Ok(HttpResponse::Ok().json(rules))
}

/// How many people of each organisation held each tier at the end of a day (UK time), with the
/// partnership's totals.
#[utoipa::path(
    tag = "capability",
    operation_id = "tier_counts",
    security(("bearer" = [])),
    params(TierCountsQuery),
    responses(
        (status = 200, description = "The counts", body = TierCounts),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/capability/tiers/counts")]
pub async fn counts(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<TierCountsQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = query.day(uk_time::day_of(Utc::now()))?;
    if let Some(id) = query.organisation_id {
        db::organisations::find(&state.db, id)
            .await?
            .ok_or_else(|| invalid("organisation_id", "No such organisation"))?;
    }
    let partnership = partnership_id(&state).await?;
    let (organisations, total) =
        capability::counts(&state.db, partnership, as_of, query.organisation_id).await?;
    Ok(HttpResponse::Ok().json(TierCounts {
        as_of,
        organisations,
        total,
    }))
}

/// A person's tier: the one they hold, what their record earns and why, any override, and the
/// history.
#[utoipa::path(
    tag = "capability",
    operation_id = "show_person_tier",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "The person's tier", body = PersonTier),
        (status = 403, description = "A colleague who is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or of another organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/capability/people/{id}/tier")]
pub async fn show_person_tier(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    viewable_person(&state, &user, *id).await?;
    let tier = capability::person_tier(&state.db, *id, Utc::now())
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(HttpResponse::Ok().json(tier))
}

/// A person whose tier the signed-in person may set by hand: an admin of their organisation or
/// of the partnership, and not themself.
async fn overridable(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<()> {
    let person = viewable_person(state, user, id).await?;
    if person.id == user.person_id {
        return Err(ApiError::Forbidden("Nobody sets their own tier by hand"));
    }
    if !user.can_manage_people_in(person.organisation_id) {
        return Err(ApiError::Forbidden(
            "Only the person's organisation admins and partnership admins may set their tier",
        ));
    }
    // As with their roles and status: an organisation admin does not manage a partnership admin.
    let roles = db::people::roles_of(&state.db, person.id).await?;
    if !user.can_manage_person(person.id, person.organisation_id, &roles) {
        return Err(ApiError::Forbidden(
            "Only partnership admins may set a partnership admin's tier",
        ));
    }
    Ok(())
}

/// Set a person's tier by hand, with the reason (shown with it, with who set it and when).
#[utoipa::path(
    tag = "capability",
    operation_id = "set_tier_override",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    request_body = TierOverrideInput,
    responses(
        (status = 200, description = "The person's tier with the override", body = PersonTier),
        (status = 403, description = "Not an admin of their organisation, yourself, or a partnership admin (for an organisation admin)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or of another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No tier or no reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/capability/people/{id}/tier/override")]
pub async fn set_override(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<TierOverrideInput>,
) -> ApiResult<HttpResponse> {
    overridable(&state, &user, *id).await?;
    let input = body.0.validate()?;
    let now = Utc::now();
    let txn = state.begin_write().await?;
    capability::set_override(&txn, *id, input.tier, &input.reason, user.person_id, now).await?;
    txn.commit().await?;
    let tier = capability::person_tier(&state.db, *id, now)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(HttpResponse::Ok().json(tier))
}

/// Clear a person's override: their tier follows their record again.
#[utoipa::path(
    tag = "capability",
    operation_id = "clear_tier_override",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 204, description = "Cleared"),
        (status = 403, description = "Not an admin of their organisation, yourself, or a partnership admin (for an organisation admin)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or no override", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/capability/people/{id}/tier/override")]
pub async fn clear_override(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    overridable(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    let cleared = capability::clear_override(&txn, *id, Utc::now()).await?;
    txn.commit().await?;
    if cleared {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found("Override"))
    }
}
