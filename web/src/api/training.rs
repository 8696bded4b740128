//! The training endpoints the app uses: one function per endpoint.

use gloo_net::http::Method;
use qi_shared::training::{
    AttendanceSaved, Cohort, CohortInput, CohortPage, CohortQuery, Course, CourseInput, CoursePage,
    CourseQuery, EnrolInput, Enrolment, RegisterInput, SessionRegister,
};

use super::{ApiError, call, call_if_match, with_query};

const NO_BODY: Option<&()> = None;

pub async fn courses(query: &CourseQuery) -> Result<CoursePage, ApiError> {
    call(Method::GET, &with_query("/api/v1/courses", query), NO_BODY).await
}

pub async fn course(id: i64) -> Result<Course, ApiError> {
    call(Method::GET, &format!("/api/v1/courses/{id}"), NO_BODY).await
}

pub async fn create_course(input: &CourseInput) -> Result<Course, ApiError> {
    call(Method::POST, "/api/v1/courses", Some(input)).await
}

/// Changes a course if it is still at `version` (else a 412 problem).
pub async fn update_course(id: i64, version: i64, input: &CourseInput) -> Result<Course, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/courses/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

pub async fn delete_course(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/courses/{id}"), NO_BODY).await
}

pub async fn cohorts(query: &CohortQuery) -> Result<CohortPage, ApiError> {
    call(Method::GET, &with_query("/api/v1/cohorts", query), NO_BODY).await
}

pub async fn cohort(id: i64) -> Result<Cohort, ApiError> {
    call(Method::GET, &format!("/api/v1/cohorts/{id}"), NO_BODY).await
}

pub async fn create_cohort(course_id: i64, input: &CohortInput) -> Result<Cohort, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/courses/{course_id}/cohorts"),
        Some(input),
    )
    .await
}

/// Changes a cohort if it is still at `version` (else a 412 problem).
pub async fn update_cohort(id: i64, version: i64, input: &CohortInput) -> Result<Cohort, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/cohorts/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

pub async fn delete_cohort(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/cohorts/{id}"), NO_BODY).await
}

/// Releases a partnership-wide cohort's unused places to any organisation.
pub async fn release_places(id: i64) -> Result<Cohort, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/cohorts/{id}/release"),
        NO_BODY,
    )
    .await
}

pub async fn enrolments(cohort_id: i64) -> Result<Vec<Enrolment>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/cohorts/{cohort_id}/enrolments"),
        NO_BODY,
    )
    .await
}

/// Enrols the signed-in person (`None`) or someone else.
pub async fn enrol(cohort_id: i64, person_id: Option<i64>) -> Result<Enrolment, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/cohorts/{cohort_id}/enrolments"),
        Some(&EnrolInput { person_id }),
    )
    .await
}

pub async fn withdraw(enrolment_id: i64) -> Result<Enrolment, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/enrolments/{enrolment_id}/withdraw"),
        NO_BODY,
    )
    .await
}

pub async fn registers(cohort_id: i64) -> Result<Vec<SessionRegister>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/cohorts/{cohort_id}/attendance"),
        NO_BODY,
    )
    .await
}

pub async fn record_attendance(
    session_id: i64,
    register: &RegisterInput,
) -> Result<AttendanceSaved, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/sessions/{session_id}/attendance"),
        Some(register),
    )
    .await
}

/// Imports a CSV sign-in sheet (nothing is imported if a row is bad).
pub async fn import_sign_in(cohort_id: i64, csv: &str) -> Result<AttendanceSaved, ApiError> {
    let text = super::call_text(
        Method::POST,
        &format!("/api/v1/cohorts/{cohort_id}/attendance.csv"),
        Some(("text/csv", csv)),
    )
    .await?;
    super::from_json(Some(text)).map_err(ApiError::Unexpected)
}
