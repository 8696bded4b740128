//! The signed-in person's own record.

use actix_web::{HttpResponse, get, patch, web};
use qi_shared::{
    person::{Person, PersonStatus, PersonUpdate},
    problem::Problem,
};

use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, invalid},
    extract::Json,
    state::AppState,
};

async fn current(state: &AppState, user: &AuthUser) -> ApiResult<Person> {
    state
        .people
        .get(&state.db, user.person_id)
        .await?
        .filter(|p| p.status == PersonStatus::Active)
        .ok_or(ApiError::Unauthorized("This account is no longer active"))
}

/// The signed-in person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person", body = Person),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn show(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(current(&state, &user).await?))
}

/// Change your own name or job role.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = PersonUpdate,
    responses(
        (status = 200, description = "The updated person", body = Person),
        (status = 422, description = "A field is not valid (your organisation is changed by an admin)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<PersonUpdate>,
) -> ApiResult<HttpResponse> {
    if body.0.organisation_id.is_some() {
        return Err(invalid(
            "organisation_id",
            "Your organisation can only be changed by an admin",
        ));
    }
    let change = body.0.validate()?;
    current(&state, &user).await?;
    let model = db::people::find(&state.db, user.person_id)
        .await?
        .ok_or(ApiError::Unauthorized("This account no longer exists"))?;
    db::people::update(&state.db, model, &change).await?;
    state.people.forget(user.person_id);
    Ok(HttpResponse::Ok().json(current(&state, &user).await?))
}
