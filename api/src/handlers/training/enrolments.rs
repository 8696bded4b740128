//! Enrolment: a place, or the waiting list.
//!
//! A partnership-wide cohort's organisation that has used its allocation does not get a place
//! even when some are free: its people join the waiting list (rather than being turned away) and
//! are promoted, in order, when one of their organisation's places frees or an admin releases the
//! unused places. That keeps one queue in the order people asked, and no one has to come back.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use qi_shared::{
    notification::NotificationKind,
    person::PersonStatus,
    problem::Problem,
    training::{EnrolInput, Enrolment, EnrolmentStatus, rules},
};

use super::{find_cohort, records_attendance, today};
use crate::{
    auth::AuthUser,
    db::{self, training::enrolments::Refused},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::Json,
    mail::notices,
    state::AppState,
};

/// A cohort's enrolments, as far as you may see them: its managers and facilitators see
/// everyone; an organisation admin sees their organisation's people; anyone sees their own.
/// Places first, then the waiting list in order, then withdrawals.
#[utoipa::path(
    tag = "training",
    operation_id = "list_enrolments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The enrolments you may see", body = Vec<Enrolment>),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cohorts/{id}/enrolments")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (cohort, _) = find_cohort(&state, *id).await?;
    let visible = db::training::enrolments::visible_of_cohort(&state.db, &user, cohort.id).await?;
    Ok(HttpResponse::Ok().json(visible))
}

/// Enrol in a cohort: yourself (no `person_id`), or, as an organisation admin, a person of your
/// organisation (a partnership admin, anyone). You get a place if one is free and (for a
/// partnership-wide cohort) your organisation has not used its allocation; otherwise you join
/// the end of the waiting list. Safe under many enrolments at once: the cohort is locked while
/// its places are counted.
#[utoipa::path(
    tag = "training",
    operation_id = "enrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = EnrolInput,
    responses(
        (status = 201, description = "Enrolled, or on the waiting list (with the position)", body = Enrolment),
        (status = 403, description = "May not enrol this person", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already enrolled or waiting, the cohort has ended, or it is not partnership-wide and the person is not of the organisation that runs the course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such person", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cohorts/{id}/enrolments")]
pub async fn enrol(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<EnrolInput>,
) -> ApiResult<HttpResponse> {
    let (cohort, course) = find_cohort(&state, *id).await?;
    let person_id = body.0.person_id.unwrap_or(user.person_id);
    let person = db::people::find(&state.db, person_id)
        .await?
        .filter(|p| p.status != PersonStatus::Deactivated)
        .ok_or_else(|| invalid("person_id", "Choose a person of the partnership"))?;
    if person.id != user.person_id && !rules::can_enrol_others_of(&user, person.organisation_id) {
        return Err(ApiError::Forbidden(
            "Only an admin of their organisation (or of the partnership) enrols someone else",
        ));
    }
    if !rules::open_to(
        cohort.partnership_wide,
        course.provider_organisation_id,
        person.organisation_id,
    ) {
        return Err(conflict(
            "not_open",
            "person_id",
            "This cohort is for the people of the organisation that runs the course: choose a \
             partnership-wide cohort",
        ));
    }
    if cohort.end_date < today() {
        return Err(conflict(
            "cohort_ended",
            "id",
            "This cohort has ended: choose one that is still to come",
        ));
    }
    let txn = state.begin_write().await?;
    let locked = db::training::enrolments::lock_cohort(&txn, cohort.id)
        .await?
        .ok_or_else(|| not_found("Cohort"))?;
    let enrolment_id = match db::training::enrolments::enrol(
        &txn,
        &locked,
        (person.id, person.organisation_id),
        user.person_id,
        Utc::now(),
    )
    .await
    {
        Ok(id) => id,
        Err(Refused::AlreadyEnrolled) => {
            return Err(conflict(
                "already_enrolled",
                "person_id",
                "This person is already enrolled in this cohort or on its waiting list",
            ));
        }
        Err(Refused::Db(err)) => return Err(err.into()),
    };
    if db::training::enrolments::find(&txn, enrolment_id)
        .await?
        .is_some_and(|e| e.status == EnrolmentStatus::Enrolled)
    {
        notices::places(
            &state.mail,
            &txn,
            NotificationKind::PlaceConfirmed,
            &[person.id],
            &locked,
            &course,
        )
        .await?;
    }
    txn.commit().await?;
    let enrolment = db::training::enrolments::list(&state.db, cohort.id)
        .await?
        .into_iter()
        .find(|e| e.id == enrolment_id)
        .ok_or_else(|| not_found("Enrolment"))?;
    Ok(HttpResponse::Created().json(enrolment))
}

/// Withdraw an enrolment (yours, or as an admin of the person's organisation or a manager of the
/// course): the place, or the place on the waiting list, is given up, and the first waiting
/// person who may take a freed place gets it. A completed course cannot be withdrawn from.
#[utoipa::path(
    tag = "training",
    operation_id = "withdraw_enrolment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Enrolment id")),
    responses(
        (status = 200, description = "The enrolment, withdrawn", body = Enrolment),
        (status = 403, description = "May not withdraw this enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enrolment, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn, or completed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/enrolments/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let enrolment = db::training::enrolments::find(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Enrolment"))?;
    let (cohort, course) = find_cohort(&state, enrolment.cohort_id).await?;
    let own = enrolment.person_id == user.person_id;
    let may = own
        || rules::can_enrol_others_of(&user, enrolment.organisation_id)
        || rules::can_manage_course(&user, course.provider_organisation_id);
    if !may {
        return Err(
            if records_attendance(&state, &user, &cohort, &course).await? {
                ApiError::Forbidden(
                    "Only the person, their organisation's admins or the course's managers withdraw an enrolment",
                )
            } else {
                not_found("Enrolment")
            },
        );
    }
    let now = Utc::now();
    let txn = state.begin_write().await?;
    let locked = db::training::enrolments::lock_cohort(&txn, cohort.id)
        .await?
        .ok_or_else(|| not_found("Cohort"))?;
    // Read again under the lock: it may have changed since.
    let current = db::training::enrolments::find(&txn, enrolment.id)
        .await?
        .ok_or_else(|| not_found("Enrolment"))?;
    match current.status {
        EnrolmentStatus::Withdrawn => {
            return Err(conflict(
                "already_withdrawn",
                "id",
                "This enrolment is already withdrawn",
            ));
        }
        EnrolmentStatus::Completed => {
            return Err(conflict(
                "completed",
                "id",
                "This person has completed the course; the completion stays on their record",
            ));
        }
        _ => {}
    }
    let promoted = db::training::enrolments::withdraw(&txn, &locked, current, now).await?;
    notices::places(
        &state.mail,
        &txn,
        NotificationKind::PlaceOffered,
        &promoted,
        &locked,
        &course,
    )
    .await?;
    txn.commit().await?;
    let enrolment = db::training::enrolments::list(&state.db, cohort.id)
        .await?
        .into_iter()
        .find(|e| e.id == enrolment.id)
        .ok_or_else(|| not_found("Enrolment"))?;
    Ok(HttpResponse::Ok().json(enrolment))
}
