//! Partner organisations: every signed-in person can see them; partnership admins create and
//! archive them; an organisation's own admins can edit its details.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use qi_shared::{
    organisation::{
        NewOrganisation, Organisation, OrganisationPage, OrganisationType, OrganisationUpdate,
    },
    page::parse_page,
    problem::Problem,
};
use sea_orm::DbErr;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    db::{
        self,
        organisations::{ArchivedFilter, OrganisationFilter},
    },
    error::{ApiError, ApiResult, conflict, not_found},
    extract::{Json, Query},
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Text to find in the name or ODS code.
    q: Option<String>,
    /// Only organisations of this type.
    org_type: Option<OrganisationType>,
    /// `active` (default), `archived` or `all`.
    status: Option<StatusParam>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusParam {
    Active,
    Archived,
    All,
}

fn ods_conflict(err: DbErr) -> ApiError {
    if db::is_unique_violation(&err) {
        conflict(
            "ods_code_taken",
            "ods_code",
            "Another organisation already has this ODS code",
        )
    } else {
        err.into()
    }
}

fn can_manage(user: &AuthUser) -> ApiResult<()> {
    if user.can_manage_organisations() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only partnership admins may add, archive or remove organisations",
        ))
    }
}

async fn find(state: &AppState, id: i64) -> ApiResult<db::entity::organisation::Model> {
    db::organisations::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Organisation"))
}

/// List the partnership's organisations.
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of organisations, by name", body = OrganisationPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page or page size is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let filter = OrganisationFilter {
        q: query.q,
        org_type: query.org_type,
        archived: match query.status {
            None | Some(StatusParam::Active) => ArchivedFilter::Active,
            Some(StatusParam::Archived) => ArchivedFilter::Archived,
            Some(StatusParam::All) => ArchivedFilter::All,
        },
    };
    let (items, total) = db::organisations::list(&state.db, &filter, page, per_page).await?;
    Ok(HttpResponse::Ok().json(OrganisationPage::new(items, page, per_page, total)))
}

/// One organisation.
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = Organisation),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let organisation = db::organisations::get(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Organisation"))?;
    Ok(HttpResponse::Ok().json(organisation))
}

/// Add an organisation to the partnership (partnership admins).
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    request_body = NewOrganisation,
    responses(
        (status = 201, description = "Created", body = Organisation),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ODS code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NewOrganisation>,
) -> ApiResult<HttpResponse> {
    can_manage(&user)?;
    let new = body.0.validate()?;
    let partnership = db::partnership::get(&state.db)
        .await?
        .ok_or_else(|| not_found("Partnership"))?;
    let created = db::organisations::create(&state.db, partnership.id, &new)
        .await
        .map_err(ods_conflict)?;
    tracing::info!(
        organisation_id = created.id,
        by = user.person_id,
        "organisation created"
    );
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organisations/{}", created.id)))
        .json(created))
}

/// Change an organisation's name, ODS code or type (partnership admins, and the organisation's admins).
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    request_body = OrganisationUpdate,
    responses(
        (status = 200, description = "The updated organisation", body = Organisation),
        (status = 403, description = "Not an admin of this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ODS code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/organisations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<OrganisationUpdate>,
) -> ApiResult<HttpResponse> {
    let change = body.0.validate()?;
    let model = find(&state, *id).await?;
    if !user.can_edit_organisation(model.id) {
        return Err(ApiError::Forbidden(
            "Only partnership admins and this organisation's admins may change it",
        ));
    }
    let updated = db::organisations::update(&state.db, model, &change)
        .await
        .map_err(ods_conflict)?;
    // People carry their organisation's name.
    state.people.forget_all();
    Ok(HttpResponse::Ok().json(updated))
}

/// Archive an organisation: it keeps its people and records but takes no new work (partnership admins).
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Archived (archiving twice is harmless)", body = Organisation),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_archived(&state, &user, *id, true).await
}

/// Bring an archived organisation back (partnership admins).
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Restored", body = Organisation),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_archived(&state, &user, *id, false).await
}

async fn set_archived(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    archived: bool,
) -> ApiResult<HttpResponse> {
    can_manage(user)?;
    let model = find(state, id).await?;
    let updated = if model.archived_at.is_some() == archived {
        db::organisations::get(&state.db, id)
            .await?
            .ok_or_else(|| not_found("Organisation"))?
    } else {
        db::organisations::set_archived(&state.db, model, archived).await?
    };
    tracing::info!(
        organisation_id = id,
        archived,
        by = user.person_id,
        "organisation archive status changed"
    );
    Ok(HttpResponse::Ok().json(updated))
}

/// Remove an organisation that was added by mistake. Only an organisation with no data can be
/// removed; archive one that has people or records (partnership admins).
#[utoipa::path(
    tag = "partnership",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organisation has data: archive it instead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/organisations/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    can_manage(&user)?;
    let model = find(&state, *id).await?;
    let has_data = ApiError::Conflict {
        code: "organisation_has_data",
        detail:
            "This organisation has people or records, so it cannot be removed: archive it instead"
                .to_owned(),
        errors: Vec::new(),
    };
    if db::organisations::people_count(&state.db, model.id).await? > 0 {
        return Err(has_data);
    }
    // Tables added later refer to organisations with RESTRICT, so a row with data cannot go.
    db::organisations::delete(&state.db, model.id)
        .await
        .map_err(|err| match err.sql_err() {
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => has_data,
            _ => err.into(),
        })?;
    Ok(HttpResponse::NoContent().finish())
}
