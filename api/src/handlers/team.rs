//! Invitations to project teams: a person of another organisation than a project's lead joins
//! its team when they, or an admin of their organisation, accept (`qi_shared::team`).
//! An invitation the signed-in person may not answer answers 404, as if it did not exist.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use qi_shared::{
    page::{PageQuery, parse_page},
    problem::Problem,
    team::TeamInvitationPage,
};
use sea_orm::ConnectionTrait;

use crate::{
    auth::AuthUser,
    db::{self, entity::team_invitation},
    error::{ApiResult, not_found},
    extract::Query,
    state::AppState,
};

/// The invitation, if the signed-in person may answer it.
async fn answerable(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i64,
) -> ApiResult<team_invitation::Model> {
    db::team::find(db, id)
        .await?
        .filter(|(invitation, organisation_id)| {
            user.can_answer_invitation(invitation.person_id, *organisation_id)
        })
        .map(|(invitation, _)| invitation)
        .ok_or_else(|| not_found("Team invitation"))
}

/// The invitations to project teams you may answer: your own, and (for admins) those of the
/// people of your organisation (partnership admins: everyone's). Newest first.
#[utoipa::path(
    tag = "projects",
    operation_id = "list_team_invitations",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of invitations", body = TeamInvitationPage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`page` or `per_page` is out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/team-invitations")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let (items, total) = db::team::list(&state.db, &user, page, per_page).await?;
    Ok(HttpResponse::Ok().json(TeamInvitationPage::new(items, page, per_page, total)))
}

/// Accept an invitation: the person joins the project's team in the role offered (and their
/// capability tier is worked out again). For the person, and their organisation's admins.
#[utoipa::path(
    tag = "projects",
    operation_id = "accept_team_invitation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Accepted: they are on the team"),
        (status = 404, description = "No such invitation, or not one you may answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/team-invitations/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let txn = state.begin_write().await?;
    let invitation = answerable(&txn, &user, *id).await?;
    db::team::accept(&txn, invitation, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Decline an invitation: it goes, and the person stays off the team.
#[utoipa::path(
    tag = "projects",
    operation_id = "decline_team_invitation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Declined"),
        (status = 404, description = "No such invitation, or not one you may answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/team-invitations/{id}/decline")]
pub async fn decline(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let txn = state.begin_write().await?;
    let invitation = answerable(&txn, &user, *id).await?;
    db::team::decline(&txn, invitation, Utc::now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
