//! Comments and peer support on a project, its PDSA cycles and measures: threads, edits,
//! mentions, offers of help, hiding by a moderator, publishing to the library.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::Utc;
use qi_shared::{
    access::ProjectContext,
    comment::{
        Comment, CommentEdit, CommentInput, CommentKind, CommentPage, CommentQuery, HideInput,
        MentionQuery, OfferAnswer, OfferStatus, PublishInput,
    },
    page::{Page, parse_page},
    problem::Problem,
    project::Visibility,
    training::PersonRef,
    validation::text,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::{
    access::{ProjectAccess, VisibleProject, visible_project},
    auth::{AuthUser, MaybeUser},
    db::{
        self,
        comments::Reader,
        entity::{comments::comment, project},
    },
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{Json, Query},
    mail::notices::{self, CommentNotice},
    markdown,
    state::AppState,
};

/// How much of a comment its notices quote.
const EXCERPT: usize = 160;

/// A project's comment threads, newest first, each with its replies. Signed in, whoever may
/// see the project reads them all; anyone may read a public project's published comments.
#[utoipa::path(
    tag = "comments",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Project id"), CommentQuery),
    responses(
        (status = 200, description = "One page of threads", body = CommentPage),
        (status = 400, description = "A query parameter is not valid (not a number, an unknown value, or missing)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/comments")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
    Query(query): Query<CommentQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (actor, context) = match user.0 {
        Some(user) => {
            let access = visible_project(&state, user, *id).await?;
            (Some(access.user.0), access.context)
        }
        None => match db::projects::context(&state.db, *id).await? {
            Some((_, context)) if context.visibility == Visibility::Public => (None, context),
            _ => return Err(not_found("Project")),
        },
    };
    let reader = Reader {
        actor: actor.as_ref(),
        context: &context,
    };
    let (items, total) =
        db::comments::list(&state.db, *id, &reader, &query, page, per_page).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, page, per_page, total)))
}

/// Comment on a project, one of its PDSA cycles or measures; reply to a thread; or offer to
/// help. Whoever may see the project may comment. Those mentioned are told, and an offer of
/// help is told to the project's leads.
#[utoipa::path(
    tag = "comments",
    operation_id = "create_comment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    request_body = CommentInput,
    responses(
        (status = 201, description = "The comment", body = Comment),
        (status = 404, description = "No such project, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid: the text, the thread, the cycle, the measure or a person mentioned", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/comments")]
pub async fn create(
    state: web::Data<AppState>,
    project: VisibleProject,
    body: Json<CommentInput>,
) -> ApiResult<HttpResponse> {
    let mut input = body.0.validate()?;
    let access = &project.0;
    let project_id = access.project.id;
    if let Some(parent_id) = input.parent_id {
        let parent = db::comments::find(&state.db, parent_id)
            .await?
            .filter(|p| p.project_id == project_id)
            .ok_or_else(|| invalid("parent_id", "Reply to a comment on this project"))?;
        // A reply to a reply joins its thread: threads are one level deep.
        let head = match parent.parent_id {
            Some(head_id) => db::comments::find(&state.db, head_id)
                .await?
                .ok_or_else(|| invalid("parent_id", "Reply to a comment on this project"))?,
            None => parent,
        };
        if head.deleted_at.is_some() {
            return Err(invalid("parent_id", "That comment was deleted"));
        }
        input.parent_id = Some(head.id);
    }
    if let Some(cycle) = input.cycle_id
        && !db::comments::has_cycle(&state.db, project_id, cycle).await?
    {
        return Err(invalid("cycle_id", "Choose a PDSA cycle of this project"));
    }
    if let Some(measure) = input.measure_id
        && !db::comments::has_measure(&state.db, project_id, measure).await?
    {
        return Err(invalid("measure_id", "Choose a measure of this project"));
    }
    check_mentions(&state, &access.context, &input.mentions).await?;
    let txn = state.begin_write().await?;
    let model =
        db::comments::insert(&txn, project_id, access.user.person_id, &input, Utc::now()).await?;
    let notice = notice_of(&model, &access.project);
    notices::mentioned(&state.mail, &txn, &notice, &input.mentions).await?;
    if model.kind == CommentKind::Offer {
        notices::help_offered(&state.mail, &txn, &notice, &access.context.team).await?;
    }
    let dto = one(&txn, &model, access).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(dto))
}

/// People who may see a project whose name holds these words (at most 10), to mention.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id"), MentionQuery),
    responses(
        (status = 200, description = "People to mention, by name", body = Vec<PersonRef>),
        (status = 400, description = "A query parameter is not valid (not a number, an unknown value, or missing)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No words to look for", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/mentionable")]
pub async fn mentionable(
    state: web::Data<AppState>,
    project: VisibleProject,
    Query(query): Query<MentionQuery>,
) -> ApiResult<HttpResponse> {
    let words = text(&query.q, "part of a name", 1, 100).map_err(|m| invalid("q", m))?;
    let context = &project.0.context;
    let people: Vec<PersonRef> = db::comments::people_named(&state.db, &words, 200)
        .await?
        .into_iter()
        .filter(|(_, actor)| actor.can_view_project(context))
        .take(10)
        .map(|(p, _)| PersonRef {
            id: p.id,
            name: p.name,
            organisation_id: p.organisation_id,
        })
        .collect();
    Ok(HttpResponse::Ok().json(people))
}

/// Change your comment's text (and whom it mentions: those newly mentioned are told). It shows
/// as edited.
#[utoipa::path(
    tag = "comments",
    operation_id = "update_comment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comment id")),
    request_body = CommentEdit,
    responses(
        (status = 200, description = "The comment (without its replies)", body = Comment),
        (status = 403, description = "Not your comment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The comment was deleted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/comments/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<CommentEdit>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let (model, access) = comment_of(&state, user, *id).await?;
    if model.author_id != access.user.person_id {
        return Err(ApiError::Forbidden("Only its author may change a comment"));
    }
    if model.deleted_at.is_some() {
        return Err(conflict("deleted", "body", "This comment was deleted"));
    }
    check_mentions(&state, &access.context, &input.mentions).await?;
    let txn = state.begin_write().await?;
    let before = db::comments::mentions(&txn, model.id).await?;
    let model = db::comments::save(&txn, model, |c| {
        c.body = Set(input.body.clone());
        c.edited_at = Set(Some(Utc::now()));
    })
    .await?;
    db::comments::set_mentions(&txn, model.id, &input.mentions).await?;
    let new: Vec<i64> = input
        .mentions
        .iter()
        .copied()
        .filter(|id| !before.contains(id))
        .collect();
    notices::mentioned(&state.mail, &txn, &notice_of(&model, &access.project), &new).await?;
    let dto = one(&txn, &model, &access).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Delete your comment. A thread's head with replies stays as "deleted" so the replies keep
/// their place.
#[utoipa::path(
    tag = "comments",
    operation_id = "delete_comment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not your comment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/comments/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (model, access) = comment_of(&state, user, *id).await?;
    if model.author_id != access.user.person_id {
        return Err(ApiError::Forbidden("Only its author may delete a comment"));
    }
    let txn = state.begin_write().await?;
    db::comments::delete(&txn, model, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hide a comment, with a reason shown in its place (an admin of the project's organisations,
/// or its lead).
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comment id")),
    request_body = HideInput,
    responses(
        (status = 200, description = "The comment (without its replies)", body = Comment),
        (status = 403, description = "Not an admin of the project's organisations nor its lead", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/comments/{id}/hidden")]
pub async fn hide(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<HideInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let (model, access) = moderated(&state, user, *id).await?;
    let by = access.user.person_id;
    change(&state, model, &access, |c| {
        c.hidden_by = Set(Some(by));
        c.hidden_reason = Set(Some(input.reason.clone()));
        c.hidden_at = Set(Some(Utc::now()));
        // Hidden is never public.
        c.published = Set(false);
    })
    .await
}

/// Show a hidden comment again.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comment id")),
    responses(
        (status = 200, description = "The comment (without its replies)", body = Comment),
        (status = 403, description = "Not an admin of the project's organisations nor its lead", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/comments/{id}/hidden")]
pub async fn unhide(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (model, access) = moderated(&state, user, *id).await?;
    change(&state, model, &access, |c| {
        c.hidden_by = Set(None);
        c.hidden_reason = Set(None);
        c.hidden_at = Set(None);
    })
    .await
}

/// Publish a comment of a public project to the learning library, or withdraw it (the team).
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comment id")),
    request_body = PublishInput,
    responses(
        (status = 200, description = "The comment (without its replies)", body = Comment),
        (status = 403, description = "Not on the project's team", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not public, or the comment is hidden or deleted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`published` is not true or false", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/comments/{id}/published")]
pub async fn publish(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<PublishInput>,
) -> ApiResult<HttpResponse> {
    let (model, access) = answered(&state, user, *id).await?;
    if body.0.published {
        if access.context.visibility != Visibility::Public {
            return Err(conflict(
                "not_public",
                "published",
                "Only a public project's comments can be published",
            ));
        }
        if model.hidden_at.is_some() || model.deleted_at.is_some() {
            return Err(conflict(
                "not_shown",
                "published",
                "A hidden or deleted comment cannot be published",
            ));
        }
    }
    let published = body.0.published;
    change(&state, model, &access, |c| c.published = Set(published)).await
}

/// Accept an offer of help, or decline it with thanks (the team). Whoever offered hears of an
/// acceptance.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comment id")),
    request_body = OfferAnswer,
    responses(
        (status = 200, description = "The offer (without its replies)", body = Comment),
        (status = 403, description = "Not on the project's team", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an offer of help, or deleted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/comments/{id}/offer")]
pub async fn answer_offer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<OfferAnswer>,
) -> ApiResult<HttpResponse> {
    let answer = body.0.validate()?;
    let (model, access) = answered(&state, user, *id).await?;
    if model.kind != CommentKind::Offer || model.deleted_at.is_some() {
        return Err(conflict(
            "not_an_offer",
            "status",
            "Only an offer of help is accepted or declined",
        ));
    }
    let newly_accepted =
        answer.status == OfferStatus::Accepted && model.offer_status != Some(OfferStatus::Accepted);
    let txn = state.begin_write().await?;
    let model =
        db::comments::save(&txn, model, |c| c.offer_status = Set(Some(answer.status))).await?;
    if newly_accepted {
        let notice = notice_of(&model, &access.project);
        notices::offer_accepted(&state.mail, &txn, &notice, access.user.person_id).await?;
    }
    let dto = one(&txn, &model, &access).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// The comment `id` and its project, if the person may see it (else 404).
async fn comment_of(
    state: &AppState,
    user: AuthUser,
    id: i64,
) -> ApiResult<(comment::Model, ProjectAccess)> {
    let model = db::comments::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Comment"))?;
    let access = visible_project(state, user, model.project_id)
        .await
        .map_err(|_| not_found("Comment"))?;
    Ok((model, access))
}

/// [`comment_of`], for someone who may hide it (else 403).
async fn moderated(
    state: &AppState,
    user: AuthUser,
    id: i64,
) -> ApiResult<(comment::Model, ProjectAccess)> {
    let (model, access) = comment_of(state, user, id).await?;
    if !access.user.can_moderate_comments(&access.context) {
        return Err(ApiError::Forbidden(
            "Only an admin of the project's organisations or its lead may hide a comment",
        ));
    }
    Ok((model, access))
}

/// [`comment_of`], for someone of the team (else 403).
async fn answered(
    state: &AppState,
    user: AuthUser,
    id: i64,
) -> ApiResult<(comment::Model, ProjectAccess)> {
    let (model, access) = comment_of(state, user, id).await?;
    if !access.user.can_answer_comments(&access.context) {
        return Err(ApiError::Forbidden("Only the project's team may do this"));
    }
    Ok((model, access))
}

/// Saves a change that tells nobody, and answers with the comment.
async fn change(
    state: &AppState,
    model: comment::Model,
    access: &ProjectAccess,
    edit: impl FnOnce(&mut comment::ActiveModel),
) -> ApiResult<HttpResponse> {
    let txn = state.begin_write().await?;
    let model = db::comments::save(&txn, model, edit).await?;
    let dto = one(&txn, &model, access).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Everyone mentioned must be active and able to see the project.
async fn check_mentions(
    state: &AppState,
    context: &ProjectContext,
    mentions: &[i64],
) -> ApiResult<()> {
    let actors = db::comments::active_actors(&state.db, mentions).await?;
    for (i, id) in mentions.iter().enumerate() {
        if !actors.get(id).is_some_and(|a| a.can_view_project(context)) {
            return Err(invalid(
                &format!("mentions[{i}]"),
                "Mention someone who can see this project",
            ));
        }
    }
    Ok(())
}

fn notice_of<'a>(model: &'a comment::Model, project: &'a project::Model) -> CommentNotice<'a> {
    CommentNotice {
        id: model.id,
        project_id: project.id,
        project_title: &project.title,
        author: model.author_id,
        excerpt: markdown::excerpt(&model.body, EXCERPT),
    }
}

/// The comment as the person who changed it sees it.
async fn one(
    db: &impl ConnectionTrait,
    model: &comment::Model,
    access: &ProjectAccess,
) -> ApiResult<Comment> {
    let reader = Reader {
        actor: Some(&access.user.0),
        context: &access.context,
    };
    db::comments::dtos(db, std::slice::from_ref(model), &reader)
        .await?
        .pop()
        .ok_or_else(|| not_found("Comment"))
}
