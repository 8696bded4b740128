//! People and their accounts, managed by partnership admins (everyone) and organisation admins
//! (their own organisation's people). Another organisation's people are private: asking for
//! them answers 404, as if they did not exist.

use actix_web::{HttpResponse, get, patch, post, put, web};
use qi_shared::{
    page::parse_page,
    person::{
        InvitationSent, NewInvitation, Person, PersonPage, PersonStatus, PersonUpdate, Role,
        RolesUpdate, normalise_roles,
    },
    problem::Problem,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthUser,
    db::{self, people::PersonFilter, tokens},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{Json, Query},
    mail::notices,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Text to find in the name, email or job role.
    q: Option<String>,
    /// Only people of this organisation (organisation admins see only their own).
    organisation_id: Option<i64>,
    /// Only people with this role.
    role: Option<Role>,
    /// Only people with this account status.
    status: Option<PersonStatus>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u64>,
}

/// A person the signed-in user may manage, or the right refusal: 404 across organisations
/// (their people are private), 403 within one.
async fn managed(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<Person> {
    let person = db::people::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    if user.can_manage_person(person.id, person.organisation_id, &person.roles) {
        Ok(person)
    } else if person.organisation_id != user.organisation_id && !user.is_partnership_admin() {
        Err(not_found("Person"))
    } else if person.id == user.person_id {
        Err(ApiError::Forbidden(
            "You cannot change your own roles or account status: ask another admin",
        ))
    } else {
        Err(ApiError::Forbidden("You may not manage this person"))
    }
}

async fn existing_organisation(state: &AppState, id: i64) -> ApiResult<()> {
    match db::organisations::find(&state.db, id).await? {
        None => Err(invalid("organisation_id", "No such organisation")),
        Some(org) if org.archived_at.is_some() => {
            Err(invalid("organisation_id", "This organisation is archived"))
        }
        Some(_) => Ok(()),
    }
}

async fn send_invitation(
    state: &AppState,
    user: &AuthUser,
    person_id: i64,
) -> ApiResult<InvitationSent> {
    let txn = state.begin_write().await?;
    let invitee = db::people::find(&txn, person_id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    let (token, expires_at) =
        tokens::create_invitation(&txn, person_id, user.person_id, state.invitation_lifetime)
            .await?;
    notices::invitation(
        &state.mail,
        &txn,
        &invitee,
        user.person_id,
        &token,
        expires_at,
    )
    .await?;
    txn.commit().await?;
    let invitation_link = format!("{}/invitations/{token}", state.public_url);
    // The link goes by email and to the admin in the answer, never to the log: until it is
    // used, it is as good as the person's password, and logs are kept longer and read more
    // widely.
    tracing::info!(person_id, invited_by = user.person_id, "invitation created");
    let person = db::people::get(&state.db, person_id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(InvitationSent {
        person,
        invitation_link,
        expires_at,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Text to find in the name or job role: at least 2 characters, unless listing coaches.
    #[serde(default)]
    q: String,
    /// Only people of this organisation.
    organisation_id: Option<i64>,
    /// Only QI coaches.
    #[serde(default)]
    coaches: bool,
}

/// Find colleagues across the partnership by name, to add them to a project team, or list the
/// partnership's QI coaches (`coaches=true`). Every signed-in person may; it shows only names,
/// organisations and job roles of active accounts (at most 20 people found by name, 200 coaches).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(DirectoryQuery),
    responses(
        (status = 200, description = "Up to 20 people, by name", body = Vec<qi_shared::person::DirectoryEntry>),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The search text is too short", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/directory")]
pub async fn directory(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<DirectoryQuery>,
) -> ApiResult<HttpResponse> {
    if query.q.trim().chars().count() < 2 && !query.coaches {
        return Err(invalid("q", "Type at least 2 letters of the name"));
    }
    let limit = if query.coaches { 200 } else { 20 };
    let filter = PersonFilter {
        q: Some(query.q),
        q_in_email: false,
        organisation_id: query.organisation_id,
        role: query.coaches.then_some(Role::Coach),
        status: Some(PersonStatus::Active),
    };
    let (people, _) = db::people::list(&state.db, &filter, 1, limit).await?;
    let entries: Vec<qi_shared::person::DirectoryEntry> = people
        .into_iter()
        .map(|p| qi_shared::person::DirectoryEntry {
            coach: p.has_role(Role::Coach),
            id: p.id,
            name: p.name,
            organisation_id: p.organisation_id,
            organisation_name: p.organisation_name,
            job_role: p.job_role,
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}

/// List people: partnership admins see everyone, organisation admins their organisation.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of people, by name", body = PersonPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Another organisation's people are private", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The page or page size is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let organisation_id = if user.is_partnership_admin() {
        query.organisation_id
    } else if user.can_manage_people_in(user.organisation_id) {
        match query.organisation_id {
            Some(other) if other != user.organisation_id => return Err(not_found("Organisation")),
            _ => Some(user.organisation_id),
        }
    } else {
        return Err(ApiError::Forbidden("Only admins may list people"));
    };
    let filter = PersonFilter {
        q: query.q,
        q_in_email: true,
        organisation_id,
        role: query.role,
        status: query.status,
    };
    let (items, total) = db::people::list(&state.db, &filter, page, per_page).await?;
    Ok(HttpResponse::Ok().json(PersonPage::new(items, page, per_page, total)))
}

/// Invite a person: creates their account and an invitation link to set a password.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = NewInvitation,
    responses(
        (status = 201, description = "Invited; send them the link", body = InvitationSent),
        (status = 403, description = "Not an admin of that organisation, or granting a role you may not", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone already has this email address", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/people")]
pub async fn invite(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NewInvitation>,
) -> ApiResult<HttpResponse> {
    let new = body.0.validate()?;
    if !user.can_manage_people_in(new.organisation_id) {
        return Err(ApiError::Forbidden(
            "You may invite people only into your own organisation",
        ));
    }
    if !user.can_grant(&new.roles) {
        return Err(ApiError::Forbidden(
            "Only partnership admins may make partnership admins",
        ));
    }
    existing_organisation(&state, new.organisation_id).await?;
    let person = db::people::create(
        &state.db,
        db::people::NewPerson {
            name: &new.name,
            email: new.email.as_str(),
            organisation_id: new.organisation_id,
            job_role: &new.job_role,
            roles: &new.roles,
            status: PersonStatus::Invited,
            password_hash: None,
        },
    )
    .await
    .map_err(|err| {
        if db::is_unique_violation(&err) {
            conflict(
                "email_taken",
                "email",
                "Someone already has an account with this email address",
            )
        } else {
            err.into()
        }
    })?;
    let sent = send_invitation(&state, &user, person.id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/people/{}", person.id)))
        .json(sent))
}

/// One person: yourself, or someone whose organisation you administer.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "The person", body = Person),
        (status = 403, description = "Not an admin of their organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or they belong to another organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let person = db::people::get(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    if user.can_view_person(person.id, person.organisation_id) {
        Ok(HttpResponse::Ok().json(person))
    } else if person.organisation_id != user.organisation_id {
        Err(not_found("Person"))
    } else {
        Err(ApiError::Forbidden(
            "Only admins may see other people's records",
        ))
    }
}

/// Change a person's name, job role or (partnership admins) home organisation.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    request_body = PersonUpdate,
    responses(
        (status = 200, description = "The updated person", body = Person),
        (status = 403, description = "You may not manage this person, or move people between organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or they belong to another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/people/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<PersonUpdate>,
) -> ApiResult<HttpResponse> {
    let change = body.0.validate()?;
    let person = managed(&state, &user, *id).await?;
    if let Some(org) = change
        .organisation_id
        .filter(|org| *org != person.organisation_id)
    {
        if !user.is_partnership_admin() {
            return Err(ApiError::Forbidden(
                "Only partnership admins may move people between organisations",
            ));
        }
        existing_organisation(&state, org).await?;
    }
    let txn = state.begin_write().await?;
    let model = db::people::find(&txn, person.id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    db::people::update(&txn, model, &change).await?;
    txn.commit().await?;
    state.people.forget(person.id);
    let updated = db::people::get(&state.db, person.id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Replace a person's platform roles (`member` is always kept).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    request_body = RolesUpdate,
    responses(
        (status = 200, description = "The person with their new roles", body = Person),
        (status = 403, description = "You may not manage this person or grant these roles (nor change your own)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or they belong to another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/people/{id}/roles")]
pub async fn set_roles(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<RolesUpdate>,
) -> ApiResult<HttpResponse> {
    let roles = normalise_roles(&body.0.roles);
    let person = managed(&state, &user, *id).await?;
    if !user.can_grant(&roles) {
        return Err(ApiError::Forbidden(
            "Only partnership admins may make partnership admins",
        ));
    }
    db::people::set_roles(&state.db, person.id, &roles).await?;
    state.people.forget(person.id);
    tracing::info!(person_id = person.id, by = user.person_id, roles = ?roles, "roles changed");
    let updated = db::people::get(&state.db, person.id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Deactivate an account: the person can no longer sign in and every session ends; their records stay.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Deactivated", body = Person),
        (status = 403, description = "You may not manage this person (nor yourself)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or they belong to another organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/people/{id}/deactivate")]
pub async fn deactivate(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let person = managed(&state, &user, *id).await?;
    db::people::set_status(&state.db, person.id, PersonStatus::Deactivated).await?;
    state.people.forget(person.id);
    tokens::revoke_all_for(&state.db, person.id).await?;
    tracing::info!(
        person_id = person.id,
        by = user.person_id,
        "account deactivated"
    );
    let updated = db::people::get(&state.db, person.id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Reactivate a deactivated account (back to invited if they never set a password).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Reactivated", body = Person),
        (status = 403, description = "You may not manage this person", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or they belong to another organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/people/{id}/reactivate")]
pub async fn reactivate(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let person = managed(&state, &user, *id).await?;
    if person.status == PersonStatus::Deactivated {
        let model = db::people::find(&state.db, person.id)
            .await?
            .ok_or_else(|| not_found("Person"))?;
        let status = if model.password_hash.is_some() {
            PersonStatus::Active
        } else {
            PersonStatus::Invited
        };
        db::people::set_status(&state.db, person.id, status).await?;
        state.people.forget(person.id);
    }
    let updated = db::people::get(&state.db, person.id)
        .await?
        .ok_or_else(|| not_found("Person"))?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Send a new invitation link to someone who has not yet set a password (the old link stops working).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "A new invitation", body = InvitationSent),
        (status = 403, description = "You may not manage this person", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or they belong to another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person has already accepted, or is deactivated", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/people/{id}/invitation")]
pub async fn reinvite(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let person = managed(&state, &user, *id).await?;
    if person.status != PersonStatus::Invited {
        return Err(ApiError::Conflict {
            code: "not_invited",
            detail: "Only people who have not yet accepted their invitation can be invited again"
                .to_owned(),
            errors: Vec::new(),
        });
    }
    Ok(HttpResponse::Ok().json(send_invitation(&state, &user, person.id).await?))
}
