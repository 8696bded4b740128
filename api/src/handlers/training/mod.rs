//! Training: courses, cohorts, shared places, sessions, enrolment with a waiting list,
//! attendance (and its CSV import) and completion.
//!
//! Everyone signed in reads the catalogue and the cohorts. Partnership admins manage any course
//! and its cohorts, organisation admins the courses their organisation provides; facilitators
//! record attendance of their cohorts. A person sees their own enrolment; who else's they see
//! follows who manages them (see [`enrolments::list`]).

mod attendance;
mod cohorts;
mod courses;
mod enrolments;

use chrono::{NaiveDate, Utc};
use qi_shared::training::rules;
use qi_shared::uk_time;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    db::{
        self,
        entity::training::{cohort, course},
    },
    error::{ApiError, ApiResult, not_found},
    state::AppState,
};

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(courses::list)
        .service(courses::create)
        .service(courses::show)
        .service(courses::update)
        .service(courses::remove)
        .service(cohorts::list)
        .service(cohorts::create)
        .service(cohorts::show)
        .service(cohorts::update)
        .service(cohorts::remove)
        .service(cohorts::release)
        .service(enrolments::list)
        .service(enrolments::enrol)
        .service(enrolments::withdraw)
        .service(attendance::registers)
        .service(attendance::record)
        .service(attendance::import_csv)
        .service(attendance::import_session_csv);
}

fn today() -> NaiveDate {
    uk_time::day_of(Utc::now())
}

async fn find_course(state: &AppState, id: i64) -> ApiResult<course::Model> {
    db::training::courses::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Course"))
}

/// A cohort and its course; 404 if there is no such cohort.
async fn find_cohort(state: &AppState, id: i64) -> ApiResult<(cohort::Model, course::Model)> {
    let cohort = db::training::cohorts::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Cohort"))?;
    let course = find_course(state, cohort.course_id).await?;
    Ok((cohort, course))
}

/// 403 unless the signed-in person manages courses of this provider.
fn must_manage(user: &AuthUser, provider_organisation_id: i64) -> ApiResult<()> {
    if rules::can_manage_course(user, provider_organisation_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only partnership admins and the provider organisation's admins manage this course",
        ))
    }
}

/// Whether the signed-in person may record the cohort's attendance: its managers and facilitators.
async fn records_attendance(
    state: &AppState,
    user: &AuthUser,
    cohort: &cohort::Model,
    course: &course::Model,
) -> ApiResult<bool> {
    Ok(
        rules::can_manage_course(user, course.provider_organisation_id)
            || db::training::cohorts::facilitates(&state.db, cohort.id, user.person_id).await?,
    )
}

fn attendance_percent(course: &course::Model) -> u8 {
    u8::try_from(course.attendance_percent).unwrap_or(100)
}
