//! Programmes: a named piece of work across the partnership grouping projects of several
//! organisations, with its own aim, lead and measures (`qi_shared::programme`). Everyone
//! signed in reads them, each seeing the projects they may see; organisation and partnership
//! admins start them; their lead, their lead organisation's admins and partnership admins change
//! them.

use std::collections::HashSet;

use actix_web::{HttpResponse, delete, get, post, put, web};
use qi_shared::{
    page::{Page, parse_page},
    person::PersonStatus,
    problem::Problem,
    programme::{
        MAX_MEASURES, Programme, ProgrammeInput, ProgrammeMeasure, ProgrammeMeasureInput,
        ProgrammePage, ProgrammeQuery,
    },
    project::Visibility,
};
use sea_orm::EntityTrait;

use crate::{
    auth::AuthUser,
    db::{
        self,
        entity::{person, programme},
    },
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{IfMatch, Json, Query, etag},
    state::AppState,
};

const MAY_NOT_MANAGE: &str = "Only the programme's lead, its lead organisation's admins and partnership admins may change it";

/// Programme `id` (404 if there is none).
async fn find(state: &AppState, id: i64) -> ApiResult<programme::Model> {
    db::programmes::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Programme"))
}

/// Programme `id`, if `user` may change it (403 if not).
async fn managed(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<programme::Model> {
    let found = find(state, id).await?;
    if !user.can_manage_programme(found.lead_person_id, found.lead_organisation_id) {
        return Err(ApiError::Forbidden(MAY_NOT_MANAGE));
    }
    Ok(found)
}

/// The programme as `user` sees it, with its ETag.
async fn respond(
    state: &AppState,
    user: &AuthUser,
    found: programme::Model,
    created: bool,
) -> ApiResult<HttpResponse> {
    let may_manage = user.can_manage_programme(found.lead_person_id, found.lead_organisation_id);
    let view: Programme =
        db::programmes::view(&state.db, &state.project_lists, user, found, may_manage).await?;
    let mut response = if created {
        let mut response = HttpResponse::Created();
        response.insert_header(("Location", format!("/api/v1/programmes/{}", view.id)));
        response
    } else {
        HttpResponse::Ok()
    };
    Ok(response.insert_header(etag(view.version)).json(view))
}

/// Programme measure `measure_id` of `found` as `user` sees it: 201 with its address when
/// `created`, else 200.
async fn respond_measure(
    state: &AppState,
    user: &AuthUser,
    found: programme::Model,
    measure_id: i64,
    created: bool,
) -> ApiResult<HttpResponse> {
    let may_manage = user.can_manage_programme(found.lead_person_id, found.lead_organisation_id);
    let id = found.id;
    let view =
        db::programmes::view(&state.db, &state.project_lists, user, found, may_manage).await?;
    let measure = view
        .measures
        .into_iter()
        .find(|m| m.id == measure_id)
        .ok_or_else(|| not_found("Programme measure"))?;
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                "Location",
                format!("/api/v1/programmes/{id}/measures/{measure_id}"),
            ))
            .json(measure)
    } else {
        HttpResponse::Ok().json(measure)
    })
}

/// Checks what the database must say of a programme's input: the lead is an active person (their
/// organisation leads it) and each project is one `user` may see, open to the partnership unless
/// it is one of the programme's already (`members`: one closed to its organisation since it
/// joined stays, and does not stop the programme being saved). Gives the lead's organisation.
async fn check(
    state: &AppState,
    user: &AuthUser,
    input: &ProgrammeInput,
    members: &[i64],
) -> ApiResult<i64> {
    let Some(lead) = person::Entity::find_by_id(input.lead_person_id)
        .one(&state.db)
        .await?
    else {
        return Err(invalid("lead_person_id", "No such person"));
    };
    if lead.status != PersonStatus::Active {
        return Err(invalid(
            "lead_person_id",
            "This person's account is not active",
        ));
    }
    for (i, id) in input.project_ids.iter().enumerate() {
        let field = format!("project_ids[{i}]");
        match db::projects::context(&state.db, *id).await? {
            Some((_, context)) if user.can_view_project(&context) => {
                if !members.contains(id)
                    && !matches!(
                        context.visibility,
                        Visibility::Partnership | Visibility::Public
                    )
                {
                    return Err(invalid(
                        &field,
                        "Only a project the whole partnership may see can join a programme: \
                         its team can open it to the partnership first",
                    ));
                }
            }
            _ => return Err(invalid(&field, "No such project")),
        }
    }
    Ok(lead.organisation_id)
}

fn name_taken() -> ApiError {
    conflict(
        "programme_exists",
        "name",
        "A programme of this name already exists",
    )
}

/// Programmes, by name: each with its lead, and how many of its projects you may see, their
/// organisations and its measures. Filter by words in the name, status, or a project it holds.
#[utoipa::path(
    tag = "programmes",
    operation_id = "list_programmes",
    security(("bearer" = [])),
    params(ProgrammeQuery),
    responses(
        (status = 200, description = "One page of programmes", body = ProgrammePage),
        (status = 400, description = "A query parameter is not valid (not a number or not a status)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The words are too long, the page is not valid, or the project is not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/programmes")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ProgrammeQuery>,
) -> ApiResult<HttpResponse> {
    let words = query.validate()?;
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    if let Some(id) = query.project_id {
        match db::projects::context(&state.db, id).await? {
            Some((_, context)) if user.can_view_project(&context) => {}
            _ => return Err(invalid("project_id", "No such project")),
        }
    }
    let (rows, total) = db::programmes::list(
        &state.db,
        words.as_deref(),
        query.status,
        query.project_id,
        (page, per_page),
    )
    .await?;
    let items = db::programmes::summaries(&state.db, &state.project_lists, &user, rows).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, page, per_page, total)))
}

/// Start a programme: organisation admins and partnership admins. Its lead's organisation leads
/// it.
#[utoipa::path(
    tag = "programmes",
    operation_id = "create_programme",
    security(("bearer" = [])),
    request_body = ProgrammeInput,
    responses(
        (status = 201, description = "The programme, with its ETag", body = Programme),
        (status = 403, description = "Only organisation and partnership admins may start one", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A programme of this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid: the lead, a project, or the text", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/programmes")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ProgrammeInput>,
) -> ApiResult<HttpResponse> {
    if !user.can_create_programme() {
        return Err(ApiError::Forbidden(
            "Only organisation and partnership admins may start a programme",
        ));
    }
    let input = body.0.validate()?;
    let lead_organisation = check(&state, &user, &input, &[]).await?;
    if db::programmes::name_taken(&state.db, &input.name, None).await? {
        return Err(name_taken());
    }
    let txn = state.begin_write().await?;
    let made = db::programmes::create(&txn, &input, lead_organisation, user.person_id)
        .await
        .map_err(|err| {
            if db::is_unique_violation(&err) {
                name_taken()
            } else {
                err.into()
            }
        })?;
    txn.commit().await?;
    respond(&state, &user, made, true).await
}

/// A programme: its aim and lead, its projects you may see with their scores and spread, and
/// its measures, each pooled from those projects' measures period by period.
#[utoipa::path(
    tag = "programmes",
    operation_id = "programme",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme, with its ETag", body = Programme),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/programmes/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let found = find(&state, *id).await?;
    respond(&state, &user, found, false).await
}

/// Change a programme's details and its projects. Projects in it that you may not see stay in
/// it; a project that leaves stops feeding its measures. Send its ETag as `If-Match`.
#[utoipa::path(
    tag = "programmes",
    operation_id = "update_programme",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Programme id"),
        ("If-Match" = String, Header, description = "The programme's ETag (its version) as loaded"),
    ),
    request_body = ProgrammeInput,
    responses(
        (status = 200, description = "The programme, with its new ETag", body = Programme),
        (status = 403, description = "Not its lead, its lead organisation's admin or a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another programme has this name", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/programmes/{id}")]
pub async fn update(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ProgrammeInput>,
) -> ApiResult<HttpResponse> {
    let current = managed(&state, &user, *id).await?;
    let version = if_match.version(current.version)?;
    let input = body.0.validate()?;
    let had = db::programmes::members(&state.db, &[current.id])
        .await?
        .remove(&current.id)
        .unwrap_or_default();
    let lead_organisation = check(&state, &user, &input, &had).await?;
    if db::programmes::name_taken(&state.db, &input.name, Some(current.id)).await? {
        return Err(name_taken());
    }
    // Keep the projects the writer can't see: they could not have meant to take them out.
    let seen: HashSet<i64> = db::programmes::visible(&state.db, &state.project_lists, &user, &had)
        .await?
        .into_iter()
        .collect();
    let mut ids = input.project_ids.clone();
    ids.extend(had.iter().filter(|id| !seen.contains(id)));
    let txn = state.begin_write().await?;
    match db::programmes::update(&txn, &current, version, &input, lead_organisation, &ids).await {
        Ok(()) => {}
        Err(sea_orm::DbErr::RecordNotUpdated) => {
            drop(txn);
            let now = find(&state, current.id).await?;
            return Err(ApiError::PreconditionFailed {
                current_version: now.version,
            });
        }
        Err(err) if db::is_unique_violation(&err) => return Err(name_taken()),
        Err(err) => return Err(err.into()),
    }
    txn.commit().await?;
    let found = find(&state, current.id).await?;
    respond(&state, &user, found, false).await
}

/// Remove a programme and its measures. Its projects and their measures stay. Send its ETag as
/// `If-Match`.
#[utoipa::path(
    tag = "programmes",
    operation_id = "delete_programme",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Programme id"),
        ("If-Match" = String, Header, description = "The programme's ETag (its version) as loaded"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not its lead, its lead organisation's admin or a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone changed it since you loaded it", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/programmes/{id}")]
pub async fn remove(
    if_match: IfMatch,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let current = managed(&state, &user, *id).await?;
    let version = if_match.version(current.version)?;
    let txn = state.begin_write().await?;
    if !db::programmes::delete(&txn, current.id, version).await? {
        drop(txn);
        let now = find(&state, current.id).await?;
        return Err(ApiError::PreconditionFailed {
            current_version: now.version,
        });
    }
    txn.commit().await?;
    tracing::info!(
        programme_id = current.id,
        by = user.person_id,
        "programme removed"
    );
    Ok(HttpResponse::NoContent().finish())
}

/// Checks a programme measure's sources: each a measure of a project in the programme that
/// `user` may see, like the programme measure (unit, rate, frequency). Gives all its sources:
/// these and, when it is changed, those it had of projects `user` may not see.
async fn sources(
    state: &AppState,
    user: &AuthUser,
    programme_id: i64,
    input: &ProgrammeMeasureInput,
    had: &[i64],
) -> ApiResult<Vec<i64>> {
    let members = db::programmes::members(&state.db, &[programme_id])
        .await?
        .remove(&programme_id)
        .unwrap_or_default();
    let seen: HashSet<i64> =
        db::programmes::visible(&state.db, &state.project_lists, user, &members)
            .await?
            .into_iter()
            .collect();
    let mut wanted = input.source_measure_ids.clone();
    wanted.extend_from_slice(had);
    let found = db::measures::by_ids(&state.db, &wanted).await?;
    for (i, id) in input.source_measure_ids.iter().enumerate() {
        let field = format!("source_measure_ids[{i}]");
        let Some(measure) = found
            .iter()
            .find(|m| m.id == *id && seen.contains(&m.project_id))
        else {
            return Err(invalid(
                &field,
                "No such measure among the programme's projects",
            ));
        };
        if let Some(why) = input.source_mismatch(measure) {
            return Err(invalid(
                &field,
                format!("{why}: only like measures pool into one"),
            ));
        }
    }
    let kept = found.iter().filter(|m| {
        had.contains(&m.id) && members.contains(&m.project_id) && !seen.contains(&m.project_id)
    });
    let mut all = input.source_measure_ids.clone();
    all.extend(kept.map(|m| m.id));
    Ok(all)
}

/// Add a measure to a programme: the system's figure, pooled period by period from like
/// measures of its projects (a count, a percentage or a rate; the rules are in
/// docs/programmes.md).
#[utoipa::path(
    tag = "programmes",
    operation_id = "create_programme_measure",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id")),
    request_body = ProgrammeMeasureInput,
    responses(
        (status = 201, description = "The new measure, pooled as you may see it", body = ProgrammeMeasure),
        (status = 403, description = "Not its lead, its lead organisation's admin or a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The programme has as many measures as it may", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or a measure pooled is not a like measure of one of its projects", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/programmes/{id}/measures")]
pub async fn create_measure(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ProgrammeMeasureInput>,
) -> ApiResult<HttpResponse> {
    let current = managed(&state, &user, *id).await?;
    let input = body.0.validate()?;
    if db::programmes::measure_count(&state.db, current.id).await? >= MAX_MEASURES as u64 {
        return Err(conflict(
            "too_many_measures",
            "name",
            "A programme has at most 20 measures: remove one first",
        ));
    }
    let all = sources(&state, &user, current.id, &input, &[]).await?;
    let txn = state.begin_write().await?;
    let made = db::programmes::create_measure(&txn, current.id, &input, &all).await?;
    txn.commit().await?;
    let found = find(&state, current.id).await?;
    respond_measure(&state, &user, found, made, true).await
}

/// Change a programme measure: its definition and the measures it pools. Those it pools of
/// projects you may not see stay.
#[utoipa::path(
    tag = "programmes",
    operation_id = "update_programme_measure",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Programme id"),
        ("measure_id" = i64, Path, description = "Programme measure id"),
    ),
    request_body = ProgrammeMeasureInput,
    responses(
        (status = 200, description = "The measure, pooled as you may see it", body = ProgrammeMeasure),
        (status = 403, description = "Not its lead, its lead organisation's admin or a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such programme or measure", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or a measure pooled is not a like measure of one of its projects", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/programmes/{id}/measures/{measure_id}")]
pub async fn update_measure(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: Json<ProgrammeMeasureInput>,
) -> ApiResult<HttpResponse> {
    let (id, measure_id) = path.into_inner();
    let current = managed(&state, &user, id).await?;
    let measure = db::programmes::find_measure(&state.db, current.id, measure_id)
        .await?
        .ok_or_else(|| not_found("Programme measure"))?;
    let input = body.0.validate()?;
    let had = db::programmes::sources(&state.db, measure.id).await?;
    let all = sources(&state, &user, current.id, &input, &had).await?;
    let txn = state.begin_write().await?;
    db::programmes::update_measure(&txn, &measure, &input, &all).await?;
    txn.commit().await?;
    let found = find(&state, current.id).await?;
    respond_measure(&state, &user, found, measure.id, false).await
}

/// Remove a programme measure. The projects' measures it pooled stay.
#[utoipa::path(
    tag = "programmes",
    operation_id = "delete_programme_measure",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Programme id"),
        ("measure_id" = i64, Path, description = "Programme measure id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not its lead, its lead organisation's admin or a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such programme or measure", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/programmes/{id}/measures/{measure_id}")]
pub async fn remove_measure(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, measure_id) = path.into_inner();
    let current = managed(&state, &user, id).await?;
    let measure = db::programmes::find_measure(&state.db, current.id, measure_id)
        .await?
        .ok_or_else(|| not_found("Programme measure"))?;
    let txn = state.begin_write().await?;
    db::programmes::delete_measure(&txn, &measure).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
