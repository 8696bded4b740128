//! Adoption and spread: adoptions of a project's or an outside innovation's changes and their
//! stages, a project's spread level as of a day (set by hand with a reason, or back to what the
//! adoptions show), and the outside innovations partners adopt.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::Utc;
use qi_shared::{
    access::ProjectContext,
    page::{Page, parse_page},
    problem::Problem,
    spread::network::{NetworkQuery, SpreadNetwork, build},
    spread::{
        Adopter, Adoption, AdoptionInput, AdoptionPage, AdoptionQuery, Innovation, InnovationInput,
        InnovationPage, InnovationQuery, Origin, SpreadQuery, SpreadSetting, SpreadView,
        StageInput,
    },
    uk_time::day_of,
};

use crate::{
    access::{EditableProject, VisibleProject},
    auth::AuthUser,
    db::{self, entity::adoption},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{Json, Query},
    state::AppState,
};

const MAY_NOT_RECORD: &str = "Only the adopting organisation's people, the original project's team and its organisations' admins, and partnership admins may record or change this adoption";

/// Adoption `id` and its origin project's access context, if `user` may see it (404 if not).
async fn visible_adoption(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> ApiResult<(adoption::Model, Option<ProjectContext>)> {
    match db::spread::find(&state.db, id).await? {
        Some((model, context)) if context.as_ref().is_none_or(|c| user.can_view_project(c)) => {
            Ok((model, context))
        }
        _ => Err(not_found("Adoption")),
    }
}

/// Adoptions the signed-in person may see, newest first: of a project (`project_id`), of an
/// outside innovation (`innovation_id`), by an organisation, at a stage. An adoption of a project
/// is seen by whoever may see the project; of an outside innovation, by the whole partnership.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(AdoptionQuery),
    responses(
        (status = 200, description = "One page of adoptions", body = AdoptionPage),
        (status = 400, description = "A query parameter is not valid (not a number, an unknown value, or missing)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/adoptions")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<AdoptionQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) = db::spread::list(&state.db, &user, &query, page, per_page).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, page, per_page, total)))
}

/// Record that a partner organisation (or a unit in it), or someone outside the partnership,
/// takes up a project's changes or an outside innovation, at its first stage. The original
/// project's spread level follows from its adoptions.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    request_body = AdoptionInput,
    responses(
        (status = 201, description = "The adoption", body = Adoption),
        (status = 403, description = "Not one you may record: see the rule above", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This adopter's adoption of it is already recorded: record its next stage", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid: the project, innovation, organisation, adopting project, change ideas, stage or date", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/adoptions")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<AdoptionInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate(day_of(Utc::now()))?;
    let origin = match input.origin {
        Origin::Project(id) => match db::projects::context(&state.db, id).await? {
            Some((_, context)) if user.can_view_project(&context) => Some(context),
            _ => return Err(invalid("project_id", "No such project")),
        },
        Origin::Innovation(id) => {
            if db::spread::innovation(&state.db, id).await?.is_none() {
                return Err(invalid("innovation_id", "No such innovation"));
            }
            None
        }
    };
    let adopter = match &input.adopter {
        Adopter::Organisation(id) => {
            let found = db::projects::references(&state.db, vec![*id], Vec::new()).await?;
            match found.organisations.get(id) {
                None => return Err(invalid("organisation_id", "No such organisation")),
                Some(true) => {
                    return Err(invalid("organisation_id", "This organisation is archived"));
                }
                Some(false) => Some(*id),
            }
        }
        Adopter::Outside(_) => None,
    };
    if !user.can_record_adoption(origin.as_ref(), adopter) {
        return Err(ApiError::Forbidden(MAY_NOT_RECORD));
    }
    if let Some(id) = input.adopting_project_id {
        match db::projects::context(&state.db, id).await? {
            Some((_, context)) if user.can_view_project(&context) => {}
            _ => return Err(invalid("adopting_project_id", "No such project")),
        }
    }
    if let Origin::Project(project_id) = input.origin {
        let found =
            db::spread::change_ideas_of(&state.db, project_id, &input.change_idea_ids).await?;
        if let Some(i) = input
            .change_idea_ids
            .iter()
            .position(|id| !found.contains(id))
        {
            return Err(invalid(
                &format!("change_idea_ids[{i}]"),
                "Choose a change idea of the project adopted",
            ));
        }
    }
    if db::spread::already_recorded(&state.db, &input).await? {
        return Err(conflict(
            "adoption_exists",
            "organisation_id",
            "This adopter's adoption is already recorded: record its next stage instead",
        ));
    }
    let txn = state.begin_write().await?;
    let model = db::spread::create(&txn, &input, user.person_id).await?;
    let dto = db::spread::one(&txn, &user, model).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(dto))
}

/// One adoption with its stages.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Adoption id")),
    responses(
        (status = 200, description = "The adoption", body = Adoption),
        (status = 404, description = "No such adoption, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/adoptions/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (model, _) = visible_adoption(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(db::spread::one(&state.db, &user, model).await?))
}

/// Record an adoption's next stage (considering, testing, adopted, sustained, dropped), dated
/// the day it was reached: not before its latest stage, not after today.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Adoption id")),
    request_body = StageInput,
    responses(
        (status = 200, description = "The adoption with its new stage", body = Adoption),
        (status = 403, description = "Not one you may change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such adoption, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid: the date or the note", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/adoptions/{id}/stages")]
pub async fn add_stage(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<StageInput>,
) -> ApiResult<HttpResponse> {
    let (model, origin) = visible_adoption(&state, &user, *id).await?;
    if !user.can_record_adoption(origin.as_ref(), model.organisation_id) {
        return Err(ApiError::Forbidden(MAY_NOT_RECORD));
    }
    let stage = body.0.validate(day_of(Utc::now()))?;
    let current = db::spread::one(&state.db, &user, model.clone()).await?;
    if stage.on < current.since {
        return Err(invalid(
            "on",
            format!(
                "It was already at \"{}\" on {}: a new stage comes on or after that day",
                current.stage.label(),
                current.since.format("%-d %B %Y")
            ),
        ));
    }
    let txn = state.begin_write().await?;
    db::spread::add_stage(&txn, &model, &stage, user.person_id).await?;
    let model = db::spread::find(&txn, model.id)
        .await?
        .map(|(m, _)| m)
        .ok_or_else(|| not_found("Adoption"))?;
    let dto = db::spread::one(&txn, &user, model).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Remove an adoption recorded in error, with its stages (a change that was taken up and later
/// given up is `dropped`, not removed). The original project's level follows.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Adoption id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not one you may change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such adoption, or not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/adoptions/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (model, origin) = visible_adoption(&state, &user, *id).await?;
    if !user.can_record_adoption(origin.as_ref(), model.organisation_id) {
        return Err(ApiError::Forbidden(MAY_NOT_RECORD));
    }
    let txn = state.begin_write().await?;
    db::spread::delete(&txn, &model).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A project's spread level as of a day (today if `as_of` is left out): derived from its
/// adoptions that day, unless set by hand, with every change up to then.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id"), SpreadQuery),
    responses(
        (status = 200, description = "Its spread", body = SpreadView),
        (status = 400, description = "A query parameter is not valid (not a date)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`as_of` is after today", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/spread")]
pub async fn show_spread(
    state: web::Data<AppState>,
    project: VisibleProject,
    Query(query): Query<SpreadQuery>,
) -> ApiResult<HttpResponse> {
    let today = day_of(Utc::now());
    let as_of = query.as_of.unwrap_or(today);
    if as_of > today {
        return Err(invalid("as_of", "Choose a day up to today"));
    }
    let can_set = project.user.can_edit_project(&project.context);
    let view = db::spread::view(&state.db, &project.project, as_of, can_set).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set a project's spread level by hand, with why the adoptions do not tell it (an adoption not
/// recorded here, a spread the partnership knows of). It holds until changed or withdrawn.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    request_body = SpreadSetting,
    responses(
        (status = 200, description = "Its spread now", body = SpreadView),
        (status = 403, description = "Only the project team and its organisations' admins may change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is missing or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/projects/{id}/spread")]
pub async fn set_spread(
    state: web::Data<AppState>,
    project: EditableProject,
    body: Json<SpreadSetting>,
) -> ApiResult<HttpResponse> {
    let setting = body.0.validate()?;
    let txn = state.begin_write().await?;
    db::spread::set(
        &txn,
        project.project.id,
        Some(setting.level),
        &setting.reason,
        project.user.person_id,
    )
    .await?;
    txn.commit().await?;
    let view = db::spread::view(&state.db, &project.project, day_of(Utc::now()), true).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw a project's hand-set spread level: its adoptions tell it again.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "Its spread now", body = SpreadView),
        (status = 403, description = "Only the project team and its organisations' admins may change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its level is not set by hand", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/projects/{id}/spread")]
pub async fn withdraw_spread(
    state: web::Data<AppState>,
    project: EditableProject,
) -> ApiResult<HttpResponse> {
    let today = day_of(Utc::now());
    let now = db::spread::view(&state.db, &project.project, today, true).await?;
    if now.set_by_hand.is_none() {
        return Err(conflict(
            "spread_not_set",
            "level",
            "Its level is not set by hand: the adoptions already tell it",
        ));
    }
    let txn = state.begin_write().await?;
    db::spread::set(
        &txn,
        project.project.id,
        None,
        "Back to what the adoptions show",
        project.user.person_id,
    )
    .await?;
    txn.commit().await?;
    let view = db::spread::view(&state.db, &project.project, today, true).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Innovations from outside the partnership that partners adopt (a national programme such as
/// PINCER), by name, each with its number of adoptions.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(InnovationQuery),
    responses(
        (status = 200, description = "One page of innovations", body = InnovationPage),
        (status = 400, description = "A query parameter is not valid (not a number)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/innovations")]
pub async fn innovations(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<InnovationQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) = db::spread::innovations(&state.db, page, per_page).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, page, per_page, total)))
}

/// Add an outside innovation for partners to record adopting: organisation and partnership
/// admins.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    request_body = InnovationInput,
    responses(
        (status = 201, description = "The innovation", body = Innovation),
        (status = 403, description = "Only organisation and partnership admins may add one", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An innovation of this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/innovations")]
pub async fn create_innovation(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<InnovationInput>,
) -> ApiResult<HttpResponse> {
    if !user.can_add_innovation() {
        return Err(ApiError::Forbidden(
            "Only organisation and partnership admins may add an outside innovation",
        ));
    }
    let input = body.0.validate()?;
    let taken = || {
        conflict(
            "innovation_exists",
            "name",
            "An innovation of this name is already listed",
        )
    };
    if db::spread::innovation_named(&state.db, &input.name).await? {
        return Err(taken());
    }
    let txn = state.begin_write().await?;
    // Two people adding the same name at once: the second is told, as above.
    let made = db::spread::create_innovation(&txn, &input, Some(user.person_id))
        .await
        .map_err(|err| {
            if db::is_unique_violation(&err) {
                taken()
            } else {
                err.into()
            }
        })?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(made))
}

/// One outside innovation.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Innovation id")),
    responses(
        (status = 200, description = "The innovation", body = Innovation),
        (status = 404, description = "No such innovation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/innovations/{id}")]
pub async fn innovation(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let found = db::spread::innovation(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Innovation"))?;
    Ok(HttpResponse::Ok().json(found))
}

/// The spread network: partner organisations (and adopters outside the partnership) joined by
/// joint projects and by adoptions, from the lead organisation of the project adopted to the
/// adopter, as far as the asker may see; by theme and period (the day a joint project started,
/// the day an adoption first counted), or the path one project's idea travelled
/// (`project_id`): its adoptions, and on through the adopters' own projects. docs/spread.md.
#[utoipa::path(
    tag = "spread",
    security(("bearer" = [])),
    params(NetworkQuery),
    responses(
        (status = 200, description = "The network", body = SpreadNetwork),
        (status = 400, description = "A query parameter is not valid (not a number or a date)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The theme is too long, the period ends before it starts, or the project is not one you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/spread/network")]
pub async fn network(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<NetworkQuery>,
) -> ApiResult<HttpResponse> {
    let theme = query.validate()?;
    if let Some(id) = query.project_id {
        match db::projects::context(&state.db, id).await? {
            Some((_, context)) if user.can_view_project(&context) => {}
            _ => return Err(invalid("project_id", "No such project")),
        }
    }
    let (organisations, projects, adoptions) =
        db::spread::network(&state.db, &user, theme.as_deref()).await?;
    let built = build(&query, &organisations, &projects, &adoptions);
    Ok(HttpResponse::Ok().json(built))
}
