//! The course catalogue.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use qi_shared::{
    page::parse_page,
    problem::Problem,
    training::{Course, CourseInput, CoursePage, CourseQuery},
};

use super::{find_course, must_manage, today};
use crate::{
    auth::AuthUser,
    db,
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{IfMatch, Json, Query, etag},
    state::AppState,
};

/// Checks a course and that its provider is an organisation of the partnership.
async fn check(state: &AppState, input: &CourseInput) -> ApiResult<CourseInput> {
    let input = input.validate()?;
    if !db::training::cohorts::missing_organisations(&state.db, &[input.provider_organisation_id])
        .await?
        .is_empty()
    {
        return Err(invalid(
            "provider_organisation_id",
            "Choose an organisation of the partnership",
        ));
    }
    Ok(input)
}

/// The course as the API shows it to `user`; 404 if it has gone.
async fn fetch(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<Course> {
    let model = find_course(state, id).await?;
    db::training::courses::dto(&state.db, user, vec![model], today())
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("Course"))
}

/// The course catalogue, by tier then title: filter by tier, provider or words in the title or
/// description.
#[utoipa::path(
    tag = "training",
    operation_id = "list_courses",
    security(("bearer" = [])),
    params(CourseQuery),
    responses(
        (status = 200, description = "A page of courses", body = CoursePage),
        (status = 400, description = "A filter is not valid (an unknown tier)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "page or per_page is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/courses")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<CourseQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) =
        db::training::courses::list(&state.db, &user, &query, (page, per_page), today()).await?;
    Ok(HttpResponse::Ok().json(CoursePage::new(items, page, per_page, total)))
}

/// Add a course. Partnership admins add any; organisation admins add courses their own
/// organisation provides.
#[utoipa::path(
    tag = "training",
    operation_id = "create_course",
    security(("bearer" = [])),
    request_body = CourseInput,
    responses(
        (status = 201, description = "The course", body = Course),
        (status = 403, description = "Not an admin of the provider organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CourseInput>,
) -> ApiResult<HttpResponse> {
    let input = check(&state, &body.0).await?;
    must_manage(&user, input.provider_organisation_id)?;
    let id = db::training::courses::create(&state.db, &input).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/courses/{id}")))
        .json(fetch(&state, &user, id).await?))
}

/// One course. The ETag is its version.
#[utoipa::path(
    tag = "training",
    operation_id = "show_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses(
        (status = 200, description = "The course", body = Course),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/courses/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let course = fetch(&state, &user, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(course.version))
        .json(course))
}

/// Change a course. Moving it to another provider needs the right to manage both. Send the
/// version you loaded as `If-Match`: if someone changed the course since, nothing is saved (412).
#[utoipa::path(
    tag = "training",
    operation_id = "update_course",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"),
        ("If-Match" = String, Header, description = "The course's ETag (its version) as loaded"),
    ),
    request_body = CourseInput,
    responses(
        (status = 200, description = "The changed course, with its new ETag", body = Course),
        (status = 403, description = "Not an admin of the provider organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/courses/{id}")]
pub async fn update(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<CourseInput>,
) -> ApiResult<HttpResponse> {
    let current = find_course(&state, *id).await?;
    must_manage(&user, current.provider_organisation_id)?;
    let version = if_match.version(current.version)?;
    let input = check(&state, &body.0).await?;
    must_manage(&user, input.provider_organisation_id)?;
    if !db::training::courses::update(&state.db, current.id, version, &input).await? {
        let current_version = find_course(&state, *id).await?.version;
        return Err(ApiError::PreconditionFailed { current_version });
    }
    let course = fetch(&state, &user, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(course.version))
        .json(course))
}

/// Remove a course and its cohorts; refused once anyone has enrolled in one of them (their
/// training record would go with it).
#[utoipa::path(
    tag = "training",
    operation_id = "delete_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin of the provider organisation nor of the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "People have enrolled in its cohorts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/courses/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let current = find_course(&state, *id).await?;
    must_manage(&user, current.provider_organisation_id)?;
    if db::training::courses::has_enrolments(&state.db, current.id).await? {
        return Err(conflict(
            "course_has_enrolments",
            "id",
            "People have enrolled in this course's cohorts, so it stays as part of their training record",
        ));
    }
    db::training::courses::delete(&state.db, current.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
