//! The partnership itself.

use actix_web::{HttpResponse, get, patch, web};
use qi_shared::{
    partnership::{Partnership, PartnershipUpdate, parse_partnership_name},
    problem::Problem,
};

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, invalid, not_found},
    extract::Json,
    state::AppState,
};

/// The partnership this platform serves.
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The partnership", body = Partnership),
        (status = 404, description = "The platform has not been set up", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partnership")]
pub async fn show(state: web::Data<AppState>, _user: AuthUser) -> ApiResult<HttpResponse> {
    let partnership = db::partnership::get(&state.db)
        .await?
        .ok_or_else(|| not_found("Partnership"))?;
    Ok(HttpResponse::Ok().json(Partnership::from(partnership)))
}

/// Rename the partnership (partnership admins).
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    request_body = PartnershipUpdate,
    responses(
        (status = 200, description = "The renamed partnership", body = Partnership),
        (status = 403, description = "Only partnership admins may rename the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The platform has not been set up", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The name is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/partnership")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<PartnershipUpdate>,
) -> ApiResult<HttpResponse> {
    if !user.is_partnership_admin() {
        return Err(ApiError::Forbidden(
            "Only partnership admins may rename the partnership",
        ));
    }
    let name = parse_partnership_name(&body.0.name).map_err(|m| invalid("name", m))?;
    let partnership = db::partnership::get(&state.db)
        .await?
        .ok_or_else(|| not_found("Partnership"))?;
    let renamed = db::partnership::rename(&state.db, partnership, &name).await?;
    Ok(HttpResponse::Ok().json(Partnership::from(renamed)))
}
