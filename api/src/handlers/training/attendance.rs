//! Registers of attendance, by session or from a CSV sign-in sheet, and the completions that
//! follow.

use qi_shared::uk_time;
use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{NaiveDate, Utc};
use qi_shared::{
    FieldErrors,
    problem::Problem,
    training::{
        AttendanceSaved, RegisterInput, SessionRegister,
        sign_in::{MAX_SIGN_IN_BYTES, parse_session_sign_in_csv, parse_sign_in_csv},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{attendance_percent, find_cohort, records_attendance};
use crate::{
    auth::AuthUser,
    db::{
        self,
        entity::{
            person,
            training::{cohort, course},
        },
    },
    error::{ApiError, ApiResult, not_found},
    extract::{self, Json},
    state::AppState,
};

/// A cohort whose attendance the signed-in person records: 403 for anyone else.
async fn recordable(
    state: &AppState,
    user: &AuthUser,
    cohort_id: i64,
) -> ApiResult<(cohort::Model, course::Model)> {
    let (cohort, course) = find_cohort(state, cohort_id).await?;
    if !records_attendance(state, user, &cohort, &course).await? {
        return Err(ApiError::Forbidden(
            "Only the cohort's facilitators and the course's managers see and record attendance",
        ));
    }
    Ok((cohort, course))
}

/// The people holding a place in the cohort (only they are on its registers).
async fn holders(state: &AppState, cohort_id: i64) -> ApiResult<HashSet<i64>> {
    Ok(db::training::enrolments::list(&state.db, cohort_id)
        .await?
        .into_iter()
        .filter(|e| e.status.holds_place())
        .map(|e| e.person_id)
        .collect())
}

/// Saves marks and completions in one transaction.
async fn save(
    state: &AppState,
    user: &AuthUser,
    (cohort_id, course): (i64, &course::Model),
    marks: &[(i64, i64, bool)],
) -> ApiResult<AttendanceSaved> {
    let txn = state.begin_write().await?;
    let cohort = db::training::enrolments::lock_cohort(&txn, cohort_id)
        .await?
        .ok_or_else(|| not_found("Cohort"))?;
    let saved = db::training::attendance::record(
        &txn,
        &cohort,
        attendance_percent(course),
        marks,
        (user.person_id, Utc::now()),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Every session's register of a cohort, in session order.
#[utoipa::path(
    tag = "training",
    operation_id = "cohort_attendance",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The registers", body = Vec<SessionRegister>),
        (status = 403, description = "Not a facilitator of the cohort nor a manager of the course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cohorts/{id}/attendance")]
pub async fn registers(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (cohort, _) = recordable(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(db::training::attendance::registers(&state.db, cohort.id).await?))
}

/// Record a session's register: a mark for each person sent (people left out keep theirs).
/// Only people holding a place are on the register. Everyone who now meets the course's
/// attendance rule completes it (dated by the last session they attended), anyone who no longer
/// does goes back to enrolled, and their tiers follow.
#[utoipa::path(
    tag = "training",
    operation_id = "record_attendance",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    request_body = RegisterInput,
    responses(
        (status = 200, description = "Saved, with whose completion changed", body = AttendanceSaved),
        (status = 403, description = "Not a facilitator of the cohort nor a manager of the course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A person is marked twice or holds no place in the cohort", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sessions/{id}/attendance")]
pub async fn record(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<RegisterInput>,
) -> ApiResult<HttpResponse> {
    let session = db::training::cohorts::session(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Session"))?;
    let (cohort, course) = recordable(&state, &user, session.cohort_id).await?;
    body.0.validate()?;
    let holders = holders(&state, cohort.id).await?;
    let mut errors = FieldErrors::new();
    for (i, mark) in body.0.attendance.iter().enumerate() {
        if !holders.contains(&mark.person_id) {
            errors.push(
                format!("attendance[{i}].person_id"),
                "This person holds no place in the cohort",
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let marks: Vec<(i64, i64, bool)> = body
        .0
        .attendance
        .iter()
        .map(|m| (session.id, m.person_id, m.present))
        .collect();
    let saved = save(&state, &user, (cohort.id, &course), &marks).await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Import a cohort's attendance from a CSV sign-in sheet sent as the body
/// (`Content-Type: text/csv`): columns `email`, `date` (or `session date`) and `present` (or
/// `attended`), in any order; dates `dd/mm/yyyy` or `yyyy-mm-dd`; yes/no. Each row's person
/// must hold a place in the cohort and its date must be the date of one of its sessions.
///
/// The file is checked whole: if any row is bad, nothing is imported and the 422 names each bad
/// row as a spreadsheet numbers it (the header is row 1), as `rows[4].email`, and why.
#[utoipa::path(
    tag = "training",
    operation_id = "import_attendance_csv",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body(content = String, content_type = "text/csv", description = "The sign-in sheet"),
    responses(
        (status = 200, description = "Imported, with whose completion changed", body = AttendanceSaved),
        (status = 403, description = "Not a facilitator of the cohort nor a manager of the course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body could not be read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is not UTF-8, its columns are wrong, or rows are bad (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cohorts/{id}/attendance.csv")]
pub async fn import_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    import(&state, &user, &req, payload, Scope::Cohort(*id)).await
}

/// Import one session's attendance from a CSV sign-in sheet sent as the body
/// (`Content-Type: text/csv`), as for a cohort's, except that the `date` column may be left
/// out (a date given must be the session's).
#[utoipa::path(
    tag = "training",
    operation_id = "import_session_attendance_csv",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    request_body(content = String, content_type = "text/csv", description = "The sign-in sheet"),
    responses(
        (status = 200, description = "Imported, with whose completion changed", body = AttendanceSaved),
        (status = 403, description = "Not a facilitator of the cohort nor a manager of the course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body could not be read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is not UTF-8, its columns are wrong, or rows are bad (each named)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/attendance.csv")]
pub async fn import_session_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    import(&state, &user, &req, payload, Scope::Session(*id)).await
}

/// What a sign-in sheet covers.
enum Scope {
    Cohort(i64),
    Session(i64),
}

async fn import(
    state: &AppState,
    user: &AuthUser,
    req: &HttpRequest,
    payload: web::Payload,
    scope: Scope,
) -> ApiResult<HttpResponse> {
    if !extract::is_csv(req) {
        return Ok(extract::not_csv());
    }
    let session = match scope {
        Scope::Session(id) => Some(
            db::training::cohorts::session(&state.db, id)
                .await?
                .ok_or_else(|| not_found("Session"))?,
        ),
        Scope::Cohort(_) => None,
    };
    let cohort_id = match (&scope, &session) {
        (Scope::Cohort(id), _) => *id,
        (_, Some(s)) => s.cohort_id,
        (Scope::Session(_), None) => return Err(not_found("Session")),
    };
    let (cohort, course) = recordable(state, user, cohort_id).await?;
    let text = extract::csv_text(payload, MAX_SIGN_IN_BYTES).await?;
    let rows = match &session {
        Some(s) => parse_session_sign_in_csv(&text, uk_time::day_of(s.starts_at))?,
        None => parse_sign_in_csv(&text)?,
    };

    let holders = holders(state, cohort.id).await?;
    let emails: HashSet<String> = rows.iter().map(|r| r.email.clone()).collect();
    let people: HashMap<String, i64> = person::Entity::find()
        .filter(person::Column::EmailNormalised.is_in(emails))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.email_normalised, p.id))
        .collect();
    let mut sessions_on: HashMap<NaiveDate, Vec<i64>> = HashMap::new();
    let sessions = match session {
        Some(s) => vec![s],
        None => db::training::cohorts::sessions(&state.db, cohort.id).await?,
    };
    for s in sessions {
        sessions_on
            .entry(uk_time::day_of(s.starts_at))
            .or_default()
            .push(s.id);
    }
    let mut errors = FieldErrors::new();
    let mut marks = Vec::new();
    for row in &rows {
        let person = people.get(&row.email).copied();
        match person {
            Some(p) if holders.contains(&p) => {}
            Some(_) => errors.push(
                format!("rows[{}].email", row.row),
                format!("{} holds no place in this cohort", row.email),
            ),
            None => errors.push(
                format!("rows[{}].email", row.row),
                format!("No one in the partnership has the email {}", row.email),
            ),
        }
        let session = match sessions_on.get(&row.date).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            Some(_) => {
                errors.push(
                    format!("rows[{}].date", row.row),
                    "The cohort has several sessions on this date: record them on each session's register",
                );
                None
            }
            None => {
                errors.push(
                    format!("rows[{}].date", row.row),
                    format!(
                        "The cohort has no session on {}",
                        row.date.format("%d/%m/%Y")
                    ),
                );
                None
            }
        };
        if let (Some(p), Some(s)) = (person, session) {
            marks.push((s, p, row.present));
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let saved = save(state, user, (cohort.id, &course), &marks).await?;
    Ok(HttpResponse::Ok().json(saved))
}
