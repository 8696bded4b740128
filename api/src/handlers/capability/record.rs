//! A person's capability record: tier with reasons and history, training, projects and
//! coaching; and the signed-in person's own record as a JSON or CSV download.

use actix_web::{HttpResponse, get, http::header, web};
use chrono::Utc;
use qi_shared::{capability::PersonRecord, problem::Problem};

use super::viewable_person;
use crate::{
    auth::AuthUser,
    db::capability::record,
    error::{ApiResult, not_found},
    state::AppState,
};

/// The record; session notes only for the person themself.
async fn fetch(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<PersonRecord> {
    record::get(&state.db, id, user, Utc::now())
        .await?
        .ok_or_else(|| not_found("Person"))
}

/// A person's capability record (for them, their organisation's admins and partnership admins).
/// Coaching notes appear only in a person's own record.
#[utoipa::path(
    tag = "capability",
    operation_id = "show_person_record",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "The record", body = PersonRecord),
        (status = 403, description = "A colleague who is not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or of another organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/capability/people/{id}/record")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    viewable_person(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(fetch(&state, &user, *id).await?))
}

fn attachment(name: &str) -> (header::HeaderName, String) {
    (
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}\""),
    )
}

/// Download your own record as JSON.
#[utoipa::path(
    tag = "capability",
    operation_id = "download_my_record_json",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your record, as a file", body = PersonRecord),
    )
)]
#[get("/me/record.json")]
pub async fn my_record_json(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let record = fetch(&state, &user, user.person_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(attachment(&format!("qi-record-{}.json", user.person_id)))
        .json(record))
}

/// Download your own record as CSV (`section,date,item,detail`, one row per fact).
#[utoipa::path(
    tag = "capability",
    operation_id = "download_my_record_csv",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your record, as a CSV file", body = String, content_type = "text/csv"),
    )
)]
#[get("/me/record.csv")]
pub async fn my_record_csv(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let record = fetch(&state, &user, user.person_id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(&format!("qi-record-{}.csv", user.person_id)))
        .body(record.to_csv()))
}
