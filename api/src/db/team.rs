//! Invitations to project teams (`qi_shared::team`): kept with each save of a project, listed
//! for those who may answer them, accepted (the person joins the team) or declined.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{access::Actor, person::Role, project::TeamRole, team::TeamInvitation};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::entity::{organisation, person, project, project_member, team_invitation};

/// Who is invited to a project's team, with the roles they would take.
pub async fn invited(
    db: &impl ConnectionTrait,
    project_id: i64,
) -> Result<Vec<(i64, TeamRole)>, DbErr> {
    Ok(team_invitation::Entity::find()
        .filter(team_invitation::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.person_id, i.role))
        .collect())
}

/// Makes a project's invitations `invited` (call inside the transaction that saves the
/// project): those no longer named are withdrawn, a changed role is kept, new ones are made.
pub async fn replace(
    db: &impl ConnectionTrait,
    project_id: i64,
    invited: &[(i64, TeamRole)],
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    team_invitation::Entity::delete_many()
        .filter(team_invitation::Column::ProjectId.eq(project_id))
        .filter(team_invitation::Column::PersonId.is_not_in(invited.iter().map(|(p, _)| *p)))
        .exec(db)
        .await?;
    let existing = team_invitation::Entity::find()
        .filter(team_invitation::Column::ProjectId.eq(project_id))
        .all(db)
        .await?;
    for (person_id, role) in invited.iter().copied() {
        match existing.iter().find(|i| i.person_id == person_id) {
            Some(found) if found.role == role => {}
            Some(found) => {
                let mut changed: team_invitation::ActiveModel = found.clone().into();
                changed.role = Set(role);
                changed.update(db).await?;
            }
            None => {
                team_invitation::ActiveModel {
                    project_id: Set(project_id),
                    person_id: Set(person_id),
                    role: Set(role),
                    invited_by: Set(by),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok(())
}

/// An invitation, and the organisation of the person invited (to decide who may answer it).
pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(team_invitation::Model, i64)>, DbErr> {
    let Some(invitation) = team_invitation::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let organisation_id = person::Entity::find_by_id(invitation.person_id)
        .one(db)
        .await?
        .map(|p| p.organisation_id);
    Ok(organisation_id.map(|org| (invitation, org)))
}

/// The invitations `actor` may answer: their own, and (for admins) those of the people they
/// manage. A page of them, newest first, and how many there are.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    page: u64,
    per_page: u64,
) -> Result<(Vec<TeamInvitation>, u64), DbErr> {
    let mut whose = Condition::any().add(team_invitation::Column::PersonId.eq(actor.person_id));
    if actor.is_partnership_admin() {
        whose = Condition::all();
    } else if actor.has(Role::OrganisationAdmin) {
        whose = whose.add(
            team_invitation::Column::PersonId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(Expr::col(person::Column::OrganisationId).eq(actor.organisation_id))
                    .to_owned(),
            ),
        );
    }
    let query = team_invitation::Entity::find()
        .filter(whose)
        .order_by_desc(team_invitation::Column::CreatedAt)
        .order_by_desc(team_invitation::Column::Id);
    let total = query.clone().count(db).await?;
    let rows = query.paginate(db, per_page).fetch_page(page - 1).await?;
    Ok((dtos(db, rows).await?, total))
}

/// Invitations as the wire shows them: their projects, the projects' lead organisations and the
/// people named, in three queries however many rows.
async fn dtos(
    db: &impl ConnectionTrait,
    rows: Vec<team_invitation::Model>,
) -> Result<Vec<TeamInvitation>, DbErr> {
    let projects: HashMap<i64, project::Model> = project::Entity::find()
        .filter(project::Column::Id.is_in(rows.iter().map(|r| r.project_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let organisations: HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(projects.values().map(|p| p.lead_organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let people: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().flat_map(|r| [r.person_id, r.invited_by])))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| {
            let project = projects.get(&row.project_id);
            TeamInvitation {
                id: row.id,
                project_id: row.project_id,
                project_title: project.map(|p| p.title.clone()).unwrap_or_default(),
                lead_organisation_name: project
                    .and_then(|p| organisations.get(&p.lead_organisation_id))
                    .cloned()
                    .unwrap_or_default(),
                person_id: row.person_id,
                person_name: name(row.person_id),
                role: row.role,
                invited_by_name: name(row.invited_by),
                created_at: row.created_at,
            }
        })
        .collect())
}

/// The person joins the team in the role they were invited to (call inside a transaction): the
/// project's version moves on (its page and lists change) and the person's tier is derived
/// again.
pub async fn accept(
    db: &impl ConnectionTrait,
    invitation: team_invitation::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    team_invitation::Entity::delete_by_id(invitation.id)
        .exec(db)
        .await?;
    project_member::ActiveModel {
        project_id: Set(invitation.project_id),
        person_id: Set(invitation.person_id),
        role: Set(invitation.role),
    }
    .insert(db)
    .await?;
    changed(db, invitation.project_id, now).await?;
    super::capability::facts_changed(db, [invitation.person_id], now).await
}

/// The invitation is declined: it goes, and the project's page (which lists who is invited)
/// changes.
pub async fn decline(
    db: &impl ConnectionTrait,
    invitation: team_invitation::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    team_invitation::Entity::delete_by_id(invitation.id)
        .exec(db)
        .await?;
    changed(db, invitation.project_id, now).await
}

/// The project's version moves on: its ETag, its cached page and the lists change.
async fn changed(
    db: &impl ConnectionTrait,
    project_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    project::Entity::update_many()
        .col_expr(
            project::Column::Version,
            Expr::col(project::Column::Version).add(1),
        )
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(project_id))
        .exec(db)
        .await?;
    Ok(())
}
