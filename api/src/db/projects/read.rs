//! Reading one project: its access context, the whole project as its page shows it, and its
//! score history.

use std::collections::HashMap;

use qi_shared::{
    access::ProjectContext,
    project::OrganisationPart,
    project::{
        Involvement, OrganisationRef, Project, ScoreChange, StatusChange, Sustainability,
        TeamMember, TeamRole,
    },
    score::ProgressScore,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{BinOper, Expr, ExprTrait, Order, Query},
};

use crate::db::entity::{organisation, person, project, project_score, project_status_change};

use super::{
    DIMENSIONS, INVITATIONS, MEMBERS, ORGANISATIONS, TAGS, dimensions, joined, joined_of, lines,
};

/// The project row and what the access rules need to know of it, in one query.
pub async fn context(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(project::Model, ProjectContext)>, DbErr> {
    let backend = db.get_database_backend();
    let organisations = Query::select()
        .expr(joined(
            backend,
            Expr::col((ORGANISATIONS, "organisation_id")).cast_as("TEXT"),
        ))
        .from(ORGANISATIONS)
        .and_where(
            Expr::col((ORGANISATIONS, "project_id")).equals((project::Entity, project::Column::Id)),
        )
        .and_where(
            Expr::col((ORGANISATIONS, "kind"))
                .is_in([OrganisationPart::Lead, OrganisationPart::Partner]),
        )
        .to_owned();
    let team = Query::select()
        .expr(joined(
            backend,
            Expr::col((MEMBERS, "person_id"))
                .cast_as("TEXT")
                .binary(BinOper::Custom("||"), " ")
                .binary(BinOper::Custom("||"), Expr::col((MEMBERS, "role"))),
        ))
        .from(MEMBERS)
        .and_where(
            Expr::col((MEMBERS, "project_id")).equals((project::Entity, project::Column::Id)),
        )
        .to_owned();
    let select = project::Entity::find_by_id(id)
        .expr_as(Expr::from(organisations), "context_organisations")
        .expr_as(Expr::from(team), "context_team");
    let Some(row) = db
        .query_one_raw(QueryTrait::build(&select, backend))
        .await?
    else {
        return Ok(None);
    };
    let model = project::Model::from_query_result(&row, "")?;
    let organisation_ids = lines(row.try_get("", "context_organisations")?)
        .iter()
        .filter_map(|o| o.parse().ok())
        .collect();
    let team = lines(row.try_get("", "context_team")?)
        .iter()
        .filter_map(|m| {
            let (person, role) = m.split_once(' ')?;
            Some((person.parse().ok()?, role))
        })
        .map(|(person, role)| {
            <TeamRole as ActiveEnum>::try_from_value(&role.to_owned()).map(|role| (person, role))
        })
        .collect::<Result<_, DbErr>>()?;
    let (visibility, lead_organisation_id) = (model.visibility, model.lead_organisation_id);
    Ok(Some((
        model,
        ProjectContext {
            visibility,
            lead_organisation_id,
            organisation_ids,
            team,
        },
    )))
}

async fn person_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, person::Model>, DbErr> {
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// The people of a project's team (`table`: [`MEMBERS`]) or invited to it ([`INVITATIONS`]),
/// each with their name and organisation (a person who is gone is left out), by role and name.
async fn team_of(
    db: &impl ConnectionTrait,
    table: &'static str,
    id: i64,
) -> Result<Vec<TeamMember>, DbErr> {
    let mut team: Vec<TeamMember> = db
        .query_all(
            &Query::select()
                .column((table, "person_id"))
                .column((table, "role"))
                .expr_as(
                    Expr::col((person::Entity, person::Column::Name)),
                    "person_name",
                )
                .expr_as(
                    Expr::col((organisation::Entity, organisation::Column::Name)),
                    "organisation_name",
                )
                .from(table)
                .inner_join(
                    person::Entity,
                    Expr::col((person::Entity, person::Column::Id)).equals((table, "person_id")),
                )
                .left_join(
                    organisation::Entity,
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((person::Entity, person::Column::OrganisationId)),
                )
                .and_where(Expr::col((table, "project_id")).eq(id))
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| {
            Ok(TeamMember {
                person_id: row.try_get("", "person_id")?,
                name: row.try_get("", "person_name")?,
                organisation_name: row
                    .try_get::<Option<String>>("", "organisation_name")?
                    .unwrap_or_default(),
                role: row.try_get("", "role")?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    team.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
    Ok(team)
}

/// The whole project, as its page shows it: five queries (the project with its tags, its
/// organisations, its team, its invited and its status history, each with the names they show).
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Project>, DbErr> {
    let backend = db.get_database_backend();
    let tags = joined_of(backend, TAGS, "tag");
    let lead_name = Query::select()
        .column((organisation::Entity, organisation::Column::Name))
        .from(organisation::Entity)
        .and_where(
            Expr::col((organisation::Entity, organisation::Column::Id))
                .equals((project::Entity, project::Column::LeadOrganisationId)),
        )
        .to_owned();
    let dimensions_of = joined_of(backend, DIMENSIONS, "dimension");
    let select = project::Entity::find_by_id(id)
        .expr_as(Expr::from(tags), "page_tags")
        .expr_as(Expr::from(dimensions_of), "page_dimensions")
        .expr_as(Expr::from(lead_name), "page_lead_organisation_name");
    let Some(row) = db
        .query_one_raw(QueryTrait::build(&select, backend))
        .await?
    else {
        return Ok(None);
    };
    let model = project::Model::from_query_result(&row, "")?;
    let mut tags = lines(row.try_get("", "page_tags")?);
    tags.sort_unstable();
    let quality_dimensions = dimensions(row.try_get("", "page_dimensions")?);
    let lead_name: Option<String> = row.try_get("", "page_lead_organisation_name")?;

    let orgs = db
        .query_all(
            &Query::select()
                .column((ORGANISATIONS, "organisation_id"))
                .column((ORGANISATIONS, "kind"))
                .column((organisation::Entity, organisation::Column::Name))
                .from(ORGANISATIONS)
                .left_join(
                    organisation::Entity,
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((ORGANISATIONS, "organisation_id")),
                )
                .and_where(Expr::col((ORGANISATIONS, "project_id")).eq(id))
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "organisation_id")?,
                row.try_get::<OrganisationPart>("", "kind")?,
                row.try_get::<Option<String>>("", "name")?
                    .unwrap_or_default(),
            ))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    let of_kind = |kind: OrganisationPart| {
        let mut refs: Vec<OrganisationRef> = orgs
            .iter()
            .filter(|o| o.1 == kind)
            .map(|(id, _, name)| OrganisationRef {
                id: *id,
                name: name.clone(),
            })
            .collect();
        refs.sort_by(|a, b| a.name.cmp(&b.name));
        refs
    };

    let team = team_of(db, MEMBERS, id).await?;
    let invited = team_of(db, INVITATIONS, id).await?;

    let status_history = db
        .query_all(
            &Query::select()
                .column((
                    project_status_change::Entity,
                    project_status_change::Column::Status,
                ))
                .column((
                    project_status_change::Entity,
                    project_status_change::Column::ChangedAt,
                ))
                .expr_as(
                    Expr::col((person::Entity, person::Column::Name)),
                    "changed_by_name",
                )
                .from(project_status_change::Entity)
                .left_join(
                    person::Entity,
                    Expr::col((person::Entity, person::Column::Id)).equals((
                        project_status_change::Entity,
                        project_status_change::Column::ChangedBy,
                    )),
                )
                .and_where(
                    Expr::col((
                        project_status_change::Entity,
                        project_status_change::Column::ProjectId,
                    ))
                    .eq(id),
                )
                .order_by(
                    (
                        project_status_change::Entity,
                        project_status_change::Column::Id,
                    ),
                    Order::Asc,
                )
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| {
            Ok(StatusChange {
                status: row.try_get("", "status")?,
                changed_at: row.try_get("", "changed_at")?,
                changed_by: row
                    .try_get::<Option<String>>("", "changed_by_name")?
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<_, DbErr>>()?;

    let adopting_organisations = crate::db::spread::adopters_today(db, model.id).await?;
    let awards = crate::db::events::submissions::awards(
        db,
        crate::db::events::submissions::AwardsOf::Projects(&[model.id]),
    )
    .await?;
    Ok(Some(Project {
        awards,
        id: model.id,
        title: model.title,
        problem: model.problem,
        aim: model.aim,
        lead_organisation: OrganisationRef {
            id: model.lead_organisation_id,
            name: lead_name.unwrap_or_default(),
        },
        partner_organisations: of_kind(OrganisationPart::Partner),
        team,
        invited,
        tags,
        start_date: model.start_date,
        expected_end_date: model.expected_end_date,
        status: model.status,
        status_history,
        project_type: model.project_type,
        quality_dimensions,
        involvement: Involvement {
            involved: model.involvement,
            how: model.involvement_how,
        },
        sustainability: Sustainability {
            has_aspect: model.sustainability,
            description: model.sustainability_description,
            co2e_kg_per_year: model.co2e_kg_per_year,
            money_per_year: model.money_per_year,
        },
        spread: model.spread,
        adopting_organisations,
        visibility: model.visibility,
        score: model.score_tenths.and_then(ProgressScore::from_tenths),
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    }))
}

/// A project's score history, newest first.
pub async fn scores(db: &impl ConnectionTrait, id: i64) -> Result<Vec<ScoreChange>, DbErr> {
    let rows = project_score::Entity::find()
        .filter(project_score::Column::ProjectId.eq(id))
        .order_by_desc(project_score::Column::Id)
        .all(db)
        .await?;
    let people = person_names(db, rows.iter().map(|r| r.changed_by).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let score = ProgressScore::from_tenths(r.score_tenths)?;
            Some(ScoreChange {
                score,
                label: score.label().to_owned(),
                reason: r.reason,
                changed_by: people
                    .get(&r.changed_by)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                changed_at: r.changed_at,
            })
        })
        .collect())
}
