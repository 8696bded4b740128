//! Cohorts (waves) of a course, their sessions and shared places.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::Utc;
use qi_shared::{
    FieldErrors,
    notification::NotificationKind,
    page::parse_page,
    problem::Problem,
    training::{Cohort, CohortInput, CohortPage, CohortQuery},
};

use super::{find_cohort, find_course, must_manage};
use crate::{
    auth::AuthUser,
    db::{self, entity::training::cohort},
    error::{ApiError, ApiResult, conflict, not_found},
    extract::{IfMatch, Json, Query, etag},
    mail::notices,
    state::AppState,
};

/// Checks a cohort, that its facilitators and organisations exist, and (when changing one) that
/// the sessions it keeps are its own.
async fn check(
    state: &AppState,
    input: &CohortInput,
    current: Option<i64>,
) -> ApiResult<CohortInput> {
    let input = input.validate()?;
    let mut errors = FieldErrors::new();
    for i in db::training::cohorts::missing_people(&state.db, &input.facilitator_ids).await? {
        errors.push(
            format!("facilitator_ids[{i}]"),
            "Choose a person of the partnership",
        );
    }
    let organisations: Vec<i64> = input
        .allocations
        .iter()
        .map(|a| a.organisation_id)
        .collect();
    for i in db::training::cohorts::missing_organisations(&state.db, &organisations).await? {
        errors.push(
            format!("allocations[{i}].organisation_id"),
            "Choose an organisation of the partnership",
        );
    }
    let own: Vec<i64> = match current {
        Some(id) => db::training::cohorts::sessions(&state.db, id)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
        None => Vec::new(),
    };
    for (i, s) in input.sessions.iter().enumerate() {
        if let Some(id) = s.id
            && !own.contains(&id)
        {
            errors.push(
                format!("sessions[{i}].id"),
                "This is not a session of this cohort",
            );
        }
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors.into())
    }
}

/// The cohort as the API shows it to `user`; 404 if it has gone.
async fn fetch(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<Cohort> {
    let (cohort, course) = find_cohort(state, id).await?;
    Ok(db::training::cohorts::detail(&state.db, user, cohort, &course).await?)
}

/// Cohorts, of one course or all: upcoming (including running) soonest first, or past latest first.
#[utoipa::path(
    tag = "training",
    operation_id = "list_cohorts",
    security(("bearer" = [])),
    params(CohortQuery),
    responses(
        (status = 200, description = "A page of cohorts", body = CohortPage),
        (status = 400, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "page or per_page is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cohorts")]
pub async fn list(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<CohortQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) =
        db::training::cohorts::list(&state.db, &query, (page, per_page), super::today()).await?;
    Ok(HttpResponse::Ok().json(CohortPage::new(items, page, per_page, total)))
}

/// Add a cohort to a course, with its sessions, facilitators and (partnership-wide) allocations.
#[utoipa::path(
    tag = "training",
    operation_id = "create_cohort",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body = CohortInput,
    responses(
        (status = 201, description = "The cohort", body = Cohort),
        (status = 403, description = "Does not manage this course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses/{id}/cohorts")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<CohortInput>,
) -> ApiResult<HttpResponse> {
    let course = find_course(&state, *id).await?;
    must_manage(&user, course.provider_organisation_id)?;
    let input = check(&state, &body.0, None).await?;
    let txn = state.begin_write().await?;
    let cohort_id = db::training::cohorts::create(&txn, course.id, &input).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/cohorts/{cohort_id}")))
        .json(fetch(&state, &user, cohort_id).await?))
}

/// One cohort: its sessions, facilitators, places per organisation and your enrolment. The ETag
/// is its version.
#[utoipa::path(
    tag = "training",
    operation_id = "show_cohort",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The cohort", body = Cohort),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cohorts/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let cohort = fetch(&state, &user, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(cohort.version))
        .json(cohort))
}

/// Locks the cohort in `txn`, or 404.
async fn locked(txn: &impl sea_orm::ConnectionTrait, id: i64) -> ApiResult<cohort::Model> {
    db::training::enrolments::lock_cohort(txn, id)
        .await?
        .ok_or_else(|| not_found("Cohort"))
}

/// Change a cohort. Sessions sent with their id keep their attendance; sessions left out are
/// removed with theirs. A larger capacity (or a bigger allocation) promotes people from the
/// waiting list; the capacity cannot go below the places already taken. Send the version you
/// loaded as `If-Match`: if someone changed the cohort since, nothing is saved (412).
#[utoipa::path(
    tag = "training",
    operation_id = "update_cohort",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Cohort id"),
        ("If-Match" = String, Header, description = "The cohort's ETag (its version) as loaded"),
    ),
    request_body = CohortInput,
    responses(
        (status = 200, description = "The changed cohort, with its new ETag", body = Cohort),
        (status = 403, description = "Does not manage this course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The capacity is below the places already taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cohorts/{id}")]
pub async fn update(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<CohortInput>,
) -> ApiResult<HttpResponse> {
    let (cohort, course) = find_cohort(&state, *id).await?;
    must_manage(&user, course.provider_organisation_id)?;
    let version = if_match.version(cohort.version)?;
    let input = check(&state, &body.0, Some(*id)).await?;
    let now = Utc::now();
    let txn = state.begin_write().await?;
    let current = locked(&txn, *id).await?;
    // Checked under the cohort's lock, so two editors cannot both win.
    if current.version != version {
        return Err(ApiError::PreconditionFailed {
            current_version: current.version,
        });
    }
    let taken = db::training::enrolments::places(&txn, &current)
        .await?
        .total_taken();
    if input.capacity < taken {
        return Err(conflict(
            "capacity_below_taken",
            "capacity",
            &format!("{taken} places are already taken: the capacity cannot be less"),
        ));
    }
    db::training::cohorts::update(&txn, current, &input).await?;
    let cohort = locked(&txn, *id).await?;
    let promoted = db::training::enrolments::promote(&txn, &cohort, now).await?;
    notices::places(
        &state.mail,
        &txn,
        NotificationKind::PlaceOffered,
        &promoted,
        &cohort,
        &course,
    )
    .await?;
    // Removed sessions may change who has completed.
    db::training::attendance::refresh_completions(
        &txn,
        &cohort,
        super::attendance_percent(&course),
        now,
    )
    .await?;
    txn.commit().await?;
    let cohort = fetch(&state, &user, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(cohort.version))
        .json(cohort))
}

/// Remove a cohort; refused while anyone holds or waits for a place in it.
#[utoipa::path(
    tag = "training",
    operation_id = "delete_cohort",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Does not manage this course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "People are enrolled or waiting", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cohorts/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (cohort, course) = find_cohort(&state, *id).await?;
    must_manage(&user, course.provider_organisation_id)?;
    let active = db::training::enrolments::list(&state.db, cohort.id)
        .await?
        .into_iter()
        .any(|e| e.status != qi_shared::training::EnrolmentStatus::Withdrawn);
    if active {
        return Err(conflict(
            "cohort_has_enrolments",
            "id",
            "People are enrolled in this cohort or waiting for a place: withdraw them first",
        ));
    }
    db::training::cohorts::delete(&state.db, cohort.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Release a partnership-wide cohort's unused places: from now on any organisation's people may
/// take the places left, and the waiting list is promoted in order.
#[utoipa::path(
    tag = "training",
    operation_id = "release_cohort_places",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The cohort, its places released", body = Cohort),
        (status = 403, description = "Does not manage this course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cohort is not partnership-wide", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cohorts/{id}/release")]
pub async fn release(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (cohort, course) = find_cohort(&state, *id).await?;
    must_manage(&user, course.provider_organisation_id)?;
    if !cohort.partnership_wide {
        return Err(conflict(
            "not_partnership_wide",
            "partnership_wide",
            "Only a partnership-wide cohort has allocations to release",
        ));
    }
    let txn = state.begin_write().await?;
    let current = locked(&txn, *id).await?;
    db::training::cohorts::release_places(&txn, current).await?;
    let cohort = locked(&txn, *id).await?;
    let promoted = db::training::enrolments::promote(&txn, &cohort, Utc::now()).await?;
    notices::places(
        &state.mail,
        &txn,
        NotificationKind::PlaceOffered,
        &promoted,
        &cohort,
        &course,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(fetch(&state, &user, *id).await?))
}
