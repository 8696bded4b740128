//! An event's call for submissions and the teams' submissions with their files.
//!
//! Who sees a submission: the event's managers, whoever made it or is on its project's team,
//! the reviewers assigned to it, and, once it is awarded, everyone who may see the event. Any
//! one else gets 404, as if there were none.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::Utc;
use futures_util::StreamExt;
use qi_shared::{
    event::submission::{
        Call, CallInput, FileProblem, FileType, Submission, SubmissionInput, SubmissionPage,
        SubmissionQuery, check_file, file_name,
    },
    page::parse_page,
    problem::Problem,
};
use serde::Deserialize;

use super::{must_manage, visible};
use crate::{
    auth::AuthUser,
    db::{
        self,
        entity::{
            events::event,
            submissions::{call, criterion, submission},
        },
        events::submissions::Viewer,
    },
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{Json, Query},
    state::AppState,
};

/// An event with its call, and whether the signed-in person manages it.
pub(super) struct CallContext {
    pub event: event::Model,
    pub call: call::Model,
    pub criteria: Vec<criterion::Model>,
    pub manages: bool,
}

impl CallContext {
    pub fn viewer(&self, user: &AuthUser) -> Viewer {
        Viewer {
            person_id: user.person_id,
            manages: self.manages,
            call_open: Utc::now() < self.call.deadline,
            review_closed: self.call.review_closed_at.is_some(),
        }
    }

    pub fn must_manage(&self, user: &AuthUser) -> ApiResult<()> {
        must_manage(user, self.event.organiser_organisation_id)
    }
}

/// The event's call, if the signed-in person may see the event; 404 if not, or if it has no
/// call.
pub(super) async fn call_of(
    state: &AppState,
    user: &AuthUser,
    event_id: i64,
) -> ApiResult<CallContext> {
    let event = visible(state, user, event_id).await?;
    let (call, criteria) = db::events::submissions::call(&state.db, event.id)
        .await?
        .ok_or_else(|| not_found("Call for submissions"))?;
    Ok(CallContext {
        manages: qi_shared::event::rules::can_manage(user, event.organiser_organisation_id),
        event,
        call,
        criteria,
    })
}

/// A submission the signed-in person may see, with its call; 404 otherwise.
pub(super) async fn submission_of(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<(CallContext, submission::Model)> {
    let model = db::events::submissions::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Submission"))?;
    let context = call_of(state, user, model.event_id)
        .await
        .map_err(|_| not_found("Submission"))?;
    if !context.manages
        && !db::events::submissions::may_see(&state.db, &model, user.person_id).await?
    {
        return Err(not_found("Submission"));
    }
    Ok((context, model))
}

/// The submission as the signed-in person sees it.
pub(super) async fn shown(
    state: &AppState,
    context: &CallContext,
    user: &AuthUser,
    id: i64,
) -> ApiResult<Submission> {
    let model = db::events::submissions::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Submission"))?;
    db::events::submissions::dtos(&state.db, vec![model], &context.viewer(user))
        .await?
        .pop()
        .ok_or_else(|| not_found("Submission"))
}

async fn call_shown(state: &AppState, user: &AuthUser, event_id: i64) -> ApiResult<Call> {
    let context = call_of(state, user, event_id).await?;
    Ok(db::events::submissions::call_dto(
        &state.db,
        &context.event,
        &context.call,
        &context.criteria,
        user.person_id,
        context.manages,
        Utc::now(),
    )
    .await?)
}

/// An event's call for submissions: what it asks for, the kinds it takes, its deadline and
/// rubric, and how many submissions it has (with yours to review).
#[utoipa::path(
    tag = "submissions",
    operation_id = "show_call",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The call", body = Call),
        (status = 404, description = "No such event, not one you may see, or it has no call", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/call")]
pub async fn show_call(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(call_shown(&state, &user, *id).await?))
}

/// Open a call for submissions on an event, or change it. Once a review has scored the
/// rubric, its criteria and weights stay as they are (409; their descriptions may change); a
/// kind that has submissions stays taken (409).
#[utoipa::path(
    tag = "submissions",
    operation_id = "set_call",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body = CallInput,
    responses(
        (status = 200, description = "The call", body = Call),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Reviews have scored the rubric, a kind dropped has submissions, or the review is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/events/{id}/call")]
pub async fn set_call(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<CallInput>,
) -> ApiResult<HttpResponse> {
    let event = visible(&state, &user, *id).await?;
    must_manage(&user, event.organiser_organisation_id)?;
    let input = body.0.validate()?;
    let txn = state.begin_write().await?;
    let existing = db::events::submissions::call(&txn, event.id).await?;
    let mut keep_rubric = false;
    if let Some((call, criteria)) = &existing {
        if call.review_closed_at.is_some() {
            return Err(conflict(
                "review_closed",
                "deadline",
                "The review is closed, so the call stays as it was",
            ));
        }
        // The same criteria keep their rows (and so the scores given against them).
        keep_rubric = db::events::submissions::same_rubric(criteria, &input);
        if !keep_rubric && db::events::submissions::reviews_scored(&txn, event.id).await? > 0 {
            return Err(conflict(
                "reviews_scored",
                "criteria",
                "Reviewers have scored against this rubric, so its criteria and weights stay as they are",
            ));
        }
        let submitted = db::events::submissions::kinds_submitted(&txn, event.id).await?;
        if let Some(kind) = submitted.iter().find(|k| !input.kinds.contains(k)) {
            return Err(conflict(
                "kind_submitted",
                "kinds",
                &format!(
                    "There are submissions of the kind \"{}\", so the call still takes it",
                    kind.label()
                ),
            ));
        }
    }
    db::events::submissions::set_call(&txn, event.id, &input, keep_rubric, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(call_shown(&state, &user, event.id).await?))
}

/// Close the review: the reviewers then see each other's scores, and awards may be given. Only
/// after the deadline, and once.
#[utoipa::path(
    tag = "submissions",
    operation_id = "close_review",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses(
        (status = 200, description = "The call, its review closed", body = Call),
        (status = 403, description = "Not a manager of the event", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, not one you may see, or it has no call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The deadline is to come, or the review is closed already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/{id}/call/close-review")]
pub async fn close_review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let context = call_of(&state, &user, *id).await?;
    context.must_manage(&user)?;
    let now = Utc::now();
    if now < context.call.deadline {
        return Err(conflict(
            "call_open",
            "deadline",
            "Submissions are still taken: close the review after the deadline",
        ));
    }
    if context.call.review_closed_at.is_some() {
        return Err(conflict(
            "review_closed",
            "review_closed_at",
            "The review is closed already",
        ));
    }
    let txn = state.begin_write().await?;
    db::events::submissions::close_review(&txn, context.event.id, now).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(call_shown(&state, &user, context.event.id).await?))
}

/// The submissions to an event's call you may see: all of them if you manage the event (best
/// scored first once the review is closed), else your teams', those you are asked to review and
/// those awarded.
#[utoipa::path(
    tag = "submissions",
    operation_id = "list_submissions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), SubmissionQuery),
    responses(
        (status = 200, description = "A page of submissions", body = SubmissionPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, not one you may see, or it has no call", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page or page size is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events/{id}/submissions")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    Query(query): Query<SubmissionQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let context = call_of(&state, &user, *id).await?;
    let viewer = context.viewer(&user);
    let (rows, total) =
        db::events::submissions::list(&state.db, context.event.id, &viewer, &query, page, per_page)
            .await?;
    let items = db::events::submissions::dtos(&state.db, rows, &viewer).await?;
    Ok(HttpResponse::Ok().json(SubmissionPage::new(items, page, per_page, total)))
}

/// Checks a submission's project: one the signed-in person may change (its team, or its
/// organisations' admins), and not submitted to this call as this kind already.
async fn check_project(
    state: &AppState,
    user: &AuthUser,
    event_id: i64,
    input: &SubmissionInput,
    except: Option<i64>,
) -> ApiResult<()> {
    match db::projects::context(&state.db, input.project_id).await? {
        Some((_, context)) if user.can_edit_project(&context) => {}
        _ => {
            return Err(invalid(
                "project_id",
                "Choose a project whose team you are on",
            ));
        }
    }
    if db::events::submissions::existing(&state.db, event_id, input.project_id, input.kind, except)
        .await?
    {
        return Err(conflict(
            "submitted_already",
            "kind",
            "This project has a submission of this kind to the call already",
        ));
    }
    Ok(())
}

fn must_be_open(context: &CallContext, field: &str) -> ApiResult<()> {
    if Utc::now() < context.call.deadline {
        Ok(())
    } else {
        Err(conflict(
            "call_closed",
            field,
            "The call's deadline has passed: submissions stay as they are",
        ))
    }
}

/// Submit one of your projects to an event's call, as a kind the call takes, with an abstract;
/// then upload its file. While the call is open.
#[utoipa::path(
    tag = "submissions",
    operation_id = "create_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body = SubmissionInput,
    responses(
        (status = 201, description = "Submitted", body = Submission),
        (status = 404, description = "No such event, not one you may see, or it has no call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The deadline has passed, or the project has a submission of this kind already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/events/{id}/submissions")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<SubmissionInput>,
) -> ApiResult<HttpResponse> {
    let context = call_of(&state, &user, *id).await?;
    let input = body.0.validate()?;
    if !db::events::submissions::kinds(&context.call).contains(&input.kind) {
        return Err(invalid("kind", "The call does not take this kind"));
    }
    must_be_open(&context, "kind")?;
    check_project(&state, &user, context.event.id, &input, None).await?;
    let txn = state.begin_write().await?;
    let id =
        db::events::submissions::create(&txn, context.event.id, &input, user.person_id, Utc::now())
            .await?;
    txn.commit().await?;
    let shown = shown(&state, &context, &user, id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/submissions/{id}")))
        .json(shown))
}

/// A submission: its project, abstract and file; to its managers its reviewers and score.
#[utoipa::path(
    tag = "submissions",
    operation_id = "show_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The submission", body = Submission),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (context, model) = submission_of(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(shown(&state, &context, &user, model.id).await?))
}

/// The submission, if the signed-in person may change it (whoever made it, or its project's
/// team) while the call is open: 404 if they may not see it, 403 if they may not change it,
/// 409 after the deadline.
async fn editable(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<(CallContext, submission::Model)> {
    let (context, model) = submission_of(state, user, id).await?;
    if model.submitted_by != user.person_id
        && !db::events::submissions::on_team(&state.db, model.project_id, user.person_id).await?
    {
        return Err(ApiError::Forbidden(
            "Only the project's team changes its submission",
        ));
    }
    must_be_open(&context, "submission")?;
    Ok((context, model))
}

/// Change a submission's kind, title or abstract, while the call is open. It stays with its
/// project.
#[utoipa::path(
    tag = "submissions",
    operation_id = "update_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    request_body = SubmissionInput,
    responses(
        (status = 200, description = "Changed", body = Submission),
        (status = 403, description = "Not on the project's team", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The deadline has passed, or the project has a submission of that kind already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/submissions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<SubmissionInput>,
) -> ApiResult<HttpResponse> {
    let (context, model) = editable(&state, &user, *id).await?;
    let input = body.0.validate()?;
    if input.project_id != model.project_id {
        return Err(invalid(
            "project_id",
            "A submission stays with its project: withdraw it and submit the other project",
        ));
    }
    if !db::events::submissions::kinds(&context.call).contains(&input.kind) {
        return Err(invalid("kind", "The call does not take this kind"));
    }
    check_project(&state, &user, context.event.id, &input, Some(model.id)).await?;
    let txn = state.begin_write().await?;
    db::events::submissions::update(&txn, model.clone(), &input, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(shown(&state, &context, &user, model.id).await?))
}

/// Withdraw a submission (and its file), while the call is open.
#[utoipa::path(
    tag = "submissions",
    operation_id = "delete_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Not on the project's team", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The deadline has passed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/submissions/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (_, model) = editable(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    db::events::submissions::delete(&txn, model.id).await?;
    txn.commit().await?;
    if let Some(key) = &model.file_key {
        state.storage.delete(key).await;
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// The file's name, as offered for download (its last path part; at most 200 characters).
    #[param(max_length = 200)]
    #[serde(default)]
    pub name: Option<String>,
}

/// Upload a submission's file, replacing any before: the file itself as the body, sent as
/// `application/pdf`, `image/png` or `image/jpeg` (and being one: its first bytes are
/// checked), at most 10 MB unless the server says otherwise. While the call is open.
#[utoipa::path(
    tag = "submissions",
    operation_id = "upload_submission_file",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id"), FileQuery),
    request_body(
        content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
        ),
        description = "The file"
    ),
    responses(
        (status = 200, description = "Stored; the submission names it", body = Submission),
        (status = 400, description = "The query is not valid, or the body could not be read in full", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not on the project's team", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The deadline has passed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the server takes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, PNG or JPEG", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty, or not what its Content-Type says", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/submissions/{id}/file")]
pub async fn upload(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    Query(query): Query<FileQuery>,
    request: actix_web::HttpRequest,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (context, model) = editable(&state, &user, *id).await?;
    let max = state.storage.max_bytes;
    let mime = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Refused before the body is read when its type or declared length already says so.
    FileType::from_mime(&mime).ok_or(ApiError::FileRefused(FileProblem::NotAccepted))?;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(ApiError::FileRefused(FileProblem::TooLarge { max }));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::BadRequest {
            code: "unreadable_body",
            detail: "The file could not be read in full: send it again".to_owned(),
        })?;
        if bytes.len() as u64 + chunk.len() as u64 > max {
            return Err(ApiError::FileRefused(FileProblem::TooLarge { max }));
        }
        bytes.extend_from_slice(&chunk);
    }
    let kind = check_file(&mime, &bytes, max).map_err(ApiError::FileRefused)?;
    let size = bytes.len() as u64;
    let fallback = format!(
        "submission-{}.{}",
        model.id,
        match kind {
            FileType::Pdf => "pdf",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
        }
    );
    let name = file_name(query.name.as_deref().unwrap_or_default(), &fallback);
    let key = format!("submissions/{}/{}", model.id, db::tokens::generate());
    state
        .storage
        .put(&key, bytes)
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("storing an upload")))?;
    let old = model.file_key.clone();
    let txn = state.begin_write().await?;
    let written =
        db::events::submissions::set_file(&txn, model.clone(), &key, &name, kind, size, Utc::now())
            .await;
    if let Err(e) = written {
        state.storage.delete(&key).await;
        return Err(e.into());
    }
    if let Err(e) = txn.commit().await {
        state.storage.delete(&key).await;
        return Err(e.into());
    }
    if let Some(old) = old {
        state.storage.delete(&old).await;
    }
    Ok(HttpResponse::Ok().json(shown(&state, &context, &user, model.id).await?))
}

/// A submission's file, to those who may see the submission, as an attachment with its type.
#[utoipa::path(
    tag = "submissions",
    operation_id = "download_submission_file",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
        )),
        (status = 404, description = "No such submission, not one you may see, or it has no file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions/{id}/file")]
pub async fn download(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (_, model) = submission_of(&state, &user, *id).await?;
    let (Some(key), Some(name), Some(kind)) = (model.file_key, model.file_name, model.file_type)
    else {
        return Err(not_found("File"));
    };
    let bytes = match state.storage.get(&key).await {
        Ok(bytes) => bytes,
        Err(object_store::Error::NotFound { .. }) => return Err(not_found("File")),
        Err(e) => {
            return Err(ApiError::Internal(
                anyhow::Error::new(e).context("reading an upload"),
            ));
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(kind)
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(name)],
        })
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}
