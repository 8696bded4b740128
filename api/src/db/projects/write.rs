//! Writing a project: creating and changing it with its organisations, team and tags, its
//! status and score histories, and re-deriving its team's tiers.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use qi_shared::{
    person::{PersonStatus, Role},
    project::OrganisationPart,
    project::{ProjectInput, ProjectStatus, QualityDimension, Spread, TeamRole},
    score::ProgressScore,
    team::Candidate,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use crate::db::entity::{
    organisation, person, person_role, project, project_attribute_change, project_member,
    project_organisation, project_quality_dimension, project_score, project_status_change,
    project_tag,
};

/// What search looks in: title, aim and tags, lower-cased. Its words (`search::words`) are
/// indexed in memory (`crate::cache::register`). The tags in their order on the project page
/// (sorted), so that a save that sends them back in that order is not taken for a change of the
/// words.
pub fn search_text(title: &str, aim: &str, tags: &[impl AsRef<str>]) -> String {
    let mut tags: Vec<&str> = tags.iter().map(AsRef::as_ref).collect();
    tags.sort_unstable();
    format!("{title}\n{aim}\n{}", tags.join("\n")).to_lowercase()
}

/// A project's rows beside its own: its organisations, team and tags, each in one order so
/// that what a save sends compares with what is stored.
#[derive(Debug, PartialEq)]
struct Relations {
    organisations: Vec<(i64, OrganisationPart)>,
    team: Vec<(i64, TeamRole)>,
    tags: Vec<String>,
    dimensions: Vec<QualityDimension>,
}

impl Relations {
    fn of(input: &ProjectInput) -> Self {
        let organisations = std::iter::once((input.lead_organisation_id, OrganisationPart::Lead))
            .chain(
                input
                    .partner_organisation_ids
                    .iter()
                    .map(|o| (*o, OrganisationPart::Partner)),
            )
            .collect();
        Self::sorted(
            organisations,
            input.team.iter().map(|m| (m.person_id, m.role)).collect(),
            input.tags.clone(),
            input.quality_dimensions.clone(),
        )
    }

    /// As stored for project `id`.
    async fn read(db: &impl ConnectionTrait, id: i64) -> Result<Self, DbErr> {
        let organisations = project_organisation::Entity::find()
            .filter(project_organisation::Column::ProjectId.eq(id))
            .select_only()
            .column(project_organisation::Column::OrganisationId)
            .column(project_organisation::Column::Kind)
            .into_tuple()
            .all(db)
            .await?;
        let team = project_member::Entity::find()
            .filter(project_member::Column::ProjectId.eq(id))
            .select_only()
            .column(project_member::Column::PersonId)
            .column(project_member::Column::Role)
            .into_tuple()
            .all(db)
            .await?;
        let tags = project_tag::Entity::find()
            .filter(project_tag::Column::ProjectId.eq(id))
            .select_only()
            .column(project_tag::Column::Tag)
            .into_tuple()
            .all(db)
            .await?;
        let dimensions = project_quality_dimension::Entity::find()
            .filter(project_quality_dimension::Column::ProjectId.eq(id))
            .select_only()
            .column(project_quality_dimension::Column::Dimension)
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self::sorted(organisations, team, tags, dimensions))
    }

    fn sorted(
        mut organisations: Vec<(i64, OrganisationPart)>,
        mut team: Vec<(i64, TeamRole)>,
        mut tags: Vec<String>,
        mut dimensions: Vec<QualityDimension>,
    ) -> Self {
        organisations.sort_unstable();
        team.sort_unstable();
        tags.sort_unstable();
        dimensions.sort_unstable();
        Self {
            organisations,
            team,
            tags,
            dimensions,
        }
    }
}

/// Writes the project's organisations, team and tags, replacing those of `before` (what was
/// stored, or nothing for a new project). Only what changed is written: most saves change none
/// of them.
async fn write_relations(
    db: &impl ConnectionTrait,
    id: i64,
    input: &ProjectInput,
    before: Option<&Relations>,
) -> Result<(), DbErr> {
    let now = Relations::of(input);
    if before.map(|b| &b.organisations) != Some(&now.organisations) {
        // An organisation still named keeps the day it was first named (the dashboard counts
        // adopters as of any day).
        let mut named: Vec<project_organisation::Model> = Vec::new();
        if before.is_some() {
            named = project_organisation::Entity::find()
                .filter(project_organisation::Column::ProjectId.eq(id))
                .all(db)
                .await?;
            project_organisation::Entity::delete_many()
                .filter(project_organisation::Column::ProjectId.eq(id))
                .exec(db)
                .await?;
        }
        let today = Utc::now();
        let orgs = now.organisations.iter().map(|&(organisation_id, kind)| {
            let named_at = named
                .iter()
                .find(|o| o.organisation_id == organisation_id && o.kind == kind)
                .map_or(Some(today), |o| o.named_at);
            project_organisation::ActiveModel {
                project_id: Set(id),
                organisation_id: Set(organisation_id),
                kind: Set(kind),
                named_at: Set(named_at),
            }
        });
        project_organisation::Entity::insert_many(orgs)
            .exec(db)
            .await?;
    }
    if before.map(|b| &b.team) != Some(&now.team) {
        if before.is_some() {
            project_member::Entity::delete_many()
                .filter(project_member::Column::ProjectId.eq(id))
                .exec(db)
                .await?;
        }
        if !now.team.is_empty() {
            let members = now
                .team
                .iter()
                .map(|&(person_id, role)| project_member::ActiveModel {
                    project_id: Set(id),
                    person_id: Set(person_id),
                    role: Set(role),
                });
            project_member::Entity::insert_many(members)
                .exec(db)
                .await?;
        }
    }
    if before.map(|b| &b.tags) != Some(&now.tags) {
        if before.is_some() {
            project_tag::Entity::delete_many()
                .filter(project_tag::Column::ProjectId.eq(id))
                .exec(db)
                .await?;
        }
        if !now.tags.is_empty() {
            let tags = now.tags.iter().map(|t| project_tag::ActiveModel {
                project_id: Set(id),
                tag: Set(t.clone()),
            });
            project_tag::Entity::insert_many(tags).exec(db).await?;
        }
    }
    if before.map(|b| &b.dimensions) != Some(&now.dimensions) {
        if before.is_some() {
            project_quality_dimension::Entity::delete_many()
                .filter(project_quality_dimension::Column::ProjectId.eq(id))
                .exec(db)
                .await?;
        }
        if !now.dimensions.is_empty() {
            let dimensions =
                now.dimensions
                    .iter()
                    .map(|d| project_quality_dimension::ActiveModel {
                        project_id: Set(id),
                        dimension: Set(*d),
                    });
            project_quality_dimension::Entity::insert_many(dimensions)
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

fn apply(active: &mut project::ActiveModel, input: &ProjectInput) {
    active.title = Set(input.title.clone());
    active.problem = Set(input.problem.clone());
    active.aim = Set(input.aim.clone());
    active.lead_organisation_id = Set(input.lead_organisation_id);
    active.start_date = Set(input.start_date);
    active.expected_end_date = Set(input.expected_end_date);
    active.status = Set(input.status);
    active.project_type = Set(input.project_type);
    active.involvement = Set(input.involvement.involved);
    active.involvement_how = Set(input.involvement.how.clone());
    active.sustainability = Set(input.sustainability.has_aspect);
    active.sustainability_description = Set(input.sustainability.description.clone());
    active.co2e_kg_per_year = Set(input.sustainability.co2e_kg_per_year);
    active.money_per_year = Set(input.sustainability.money_per_year);
    active.visibility = Set(input.visibility);
    active.search_text = Set(search_text(&input.title, &input.aim, &input.tags));
}

async fn record_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: ProjectStatus,
    by: i64,
) -> Result<(), DbErr> {
    project_status_change::ActiveModel {
        project_id: Set(id),
        status: Set(status),
        changed_by: Set(by),
        changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The attributes the dashboard counts as of any day, as `input` sets them (spread is not the
/// form's: `crate::db::spread` derives it from adoptions, and keeps `projects.spread`).
fn attributes(
    input: &ProjectInput,
    spread: Spread,
) -> (bool, bool, Option<f64>, Option<f64>, Spread) {
    (
        input.involvement.involved,
        input.sustainability.has_aspect,
        input.sustainability.co2e_kg_per_year,
        input.sustainability.money_per_year,
        spread,
    )
}

/// Records the attributes `input` sets, from now on.
async fn record_attributes(
    db: &impl ConnectionTrait,
    id: i64,
    input: &ProjectInput,
    spread: Spread,
    by: i64,
) -> Result<(), DbErr> {
    let (involvement, sustainability, co2e, money, spread) = attributes(input, spread);
    project_attribute_change::ActiveModel {
        project_id: Set(id),
        involvement: Set(involvement),
        sustainability: Set(sustainability),
        co2e_kg_per_year: Set(co2e),
        money_per_year: Set(money),
        spread: Set(spread),
        changed_by: Set(by),
        changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Creates a project (call inside a transaction). Returns its id.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &ProjectInput,
    created_by: i64,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut active = project::ActiveModel {
        score_tenths: Set(None),
        spread: Set(Spread::Unit),
        version: Set(1),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, input);
    let model = active.insert(db).await?;
    write_relations(db, model.id, input, None).await?;
    record_status(db, model.id, input.status, created_by).await?;
    record_attributes(db, model.id, input, Spread::Unit, created_by).await?;
    // Being on a project's team can move a person up the capability tiers.
    crate::db::capability::facts_changed(db, input.team.iter().map(|m| m.person_id), now).await?;
    Ok(model.id)
}

/// What a project's save names, as found: each organisation with whether it is archived, each
/// person with whether their account is deactivated, and each person as the team rules need
/// them.
pub struct References {
    pub organisations: HashMap<i64, bool>,
    pub deactivated: HashMap<i64, bool>,
    pub people: HashMap<i64, Candidate>,
}

/// Looks up `organisations` and `people`: three queries, however many ids.
pub async fn references(
    db: &impl ConnectionTrait,
    organisations: Vec<i64>,
    people: Vec<i64>,
) -> Result<References, DbErr> {
    let organisations = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisations))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.archived_at.is_some()))
        .collect();
    let coaches: HashSet<i64> = person_role::Entity::find()
        .filter(person_role::Column::PersonId.is_in(people.clone()))
        .filter(person_role::Column::Role.eq(Role::Coach))
        .select_only()
        .column(person_role::Column::PersonId)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let found = person::Entity::find()
        .filter(person::Column::Id.is_in(people))
        .all(db)
        .await?;
    Ok(References {
        organisations,
        deactivated: found
            .iter()
            .map(|p| (p.id, p.status == PersonStatus::Deactivated))
            .collect(),
        people: found
            .iter()
            .map(|p| {
                (
                    p.id,
                    Candidate {
                        organisation_id: p.organisation_id,
                        registered_coach: coaches.contains(&p.id),
                    },
                )
            })
            .collect(),
    })
}

/// Replaces a project's details if it is still at `version` (call inside a transaction).
/// `Ok(false)`: someone changed it first.
pub async fn update(
    db: &impl ConnectionTrait,
    current: project::Model,
    version: i64,
    input: &ProjectInput,
    by: i64,
) -> Result<bool, DbErr> {
    let id = current.id;
    let status_changed = current.status != input.status;
    let attributes_changed = attributes(input, current.spread)
        != (
            current.involvement,
            current.sustainability,
            current.co2e_kg_per_year,
            current.money_per_year,
            current.spread,
        );
    let mut active = <project::ActiveModel as Default>::default();
    apply(&mut active, input);
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    // The version check and the write are one statement, so two editors cannot both win.
    let result = project::Entity::update_many()
        .set(active)
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    let before = Relations::read(db, id).await?;
    write_relations(db, id, input, Some(&before)).await?;
    if status_changed {
        record_status(db, id, input.status, by).await?;
    }
    if attributes_changed {
        record_attributes(db, id, input, current.spread, by).await?;
    }
    // A tier is derived from the person's part in each project and the project's statuses
    // and start (`capability::Membership`): re-derive the tiers this save can move, and leave
    // the team's records alone when only the content changed (most saves), as reading a busy
    // person's record is the dearest part of a save.
    let after = Relations::of(input);
    let whole_team = status_changed || current.start_date != input.start_date;
    let moved: Vec<i64> = if whole_team {
        before.team.iter().chain(&after.team).map(|m| m.0).collect()
    } else {
        let changed = |a: &[(i64, TeamRole)], b: &[(i64, TeamRole)]| {
            a.iter()
                .filter(|m| !b.contains(m))
                .map(|m| m.0)
                .collect::<Vec<_>>()
        };
        let mut moved = changed(&before.team, &after.team);
        moved.extend(changed(&after.team, &before.team));
        moved
    };
    if !moved.is_empty() {
        crate::db::capability::facts_changed(db, moved, Utc::now()).await?;
    }
    Ok(true)
}

/// Records a new progress score (call inside a transaction).
pub async fn set_score(
    db: &impl ConnectionTrait,
    id: i64,
    score: ProgressScore,
    reason: &str,
    by: i64,
) -> Result<(), DbErr> {
    let now = Utc::now();
    project_score::ActiveModel {
        project_id: Set(id),
        score_tenths: Set(score.tenths()),
        reason: Set(reason.to_owned()),
        changed_by: Set(by),
        changed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    project::Entity::update_many()
        .col_expr(project::Column::ScoreTenths, Expr::value(score.tenths()))
        .col_expr(
            project::Column::Version,
            Expr::col(project::Column::Version).add(1),
        )
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
