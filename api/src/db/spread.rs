//! Adoptions, their stages, outside innovations and hand-set spread levels; a project's spread
//! as of a day (the rule is `qi_shared::spread`'s), and `projects.spread`, the level today, kept
//! for the register's filter and lists.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use qi_shared::{
    access::{Actor, ProjectContext},
    project::{OrganisationPart, OrganisationRef, Spread},
    spread::network::{NetworkAdoption, NetworkOrganisation, NetworkProject},
    spread::{
        Adopter, Adoption, AdoptionFact, AdoptionQuery, ChangeIdeaRef, Innovation, InnovationInput,
        InnovationRef, NewAdoption, NewStage, Origin, ProjectLink, SpreadFacts, SpreadSet,
        SpreadStep, SpreadView, StageEntry,
    },
    training::PersonRef,
    uk_time::day_of,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
    sea_query::{Expr, ExprTrait, Func, Query, QueryStatementBuilder},
};

use crate::db::entity::{
    adoption, adoption_change_idea, adoption_stage, driver_node, innovation, organisation, person,
    project, project_organisation, project_tag, spread_setting,
};

/// A project's adoptions and its hand settings (each `(day, level)`, in date order).
pub type ProjectSpread = (Vec<AdoptionFact>, Vec<(NaiveDate, Option<Spread>)>);

/// Adoptions and hand settings of projects (all, or `only` these), by project.
pub async fn facts(
    db: &impl ConnectionTrait,
    only: Option<&[i64]>,
) -> Result<HashMap<i64, ProjectSpread>, DbErr> {
    let mut adoptions = adoption::Entity::find()
        .select_only()
        .columns([
            adoption::Column::Id,
            adoption::Column::ProjectId,
            adoption::Column::OrganisationId,
        ])
        .filter(adoption::Column::ProjectId.is_not_null());
    let mut settings = spread_setting::Entity::find()
        .select_only()
        .columns([
            spread_setting::Column::ProjectId,
            spread_setting::Column::Level,
            spread_setting::Column::SetAt,
        ])
        .order_by_asc(spread_setting::Column::SetAt)
        .order_by_asc(spread_setting::Column::Id);
    if let Some(ids) = only {
        adoptions = adoptions.filter(adoption::Column::ProjectId.is_in(ids.iter().copied()));
        settings = settings.filter(spread_setting::Column::ProjectId.is_in(ids.iter().copied()));
    }
    let adoptions: Vec<(i64, Option<i64>, Option<i64>)> = adoptions.into_tuple().all(db).await?;
    let stages = stages_of(db, adoptions.iter().map(|a| a.0).collect()).await?;
    let mut by_project: HashMap<i64, ProjectSpread> = HashMap::new();
    for (id, project_id, organisation_id) in adoptions {
        let Some(project_id) = project_id else {
            continue;
        };
        by_project
            .entry(project_id)
            .or_default()
            .0
            .push(AdoptionFact {
                organisation_id,
                stages: stages
                    .get(&id)
                    .map(|s| s.iter().map(|m| (m.stage_on, m.stage)).collect())
                    .unwrap_or_default(),
            });
    }
    let settings: Vec<(i64, Option<Spread>, chrono::DateTime<Utc>)> =
        settings.into_tuple().all(db).await?;
    for (project_id, level, at) in settings {
        by_project
            .entry(project_id)
            .or_default()
            .1
            .push((day_of(at), level));
    }
    Ok(by_project)
}

/// Every stage of `adoptions`, by adoption, in date order (ties in the order recorded).
async fn stages_of(
    db: &impl ConnectionTrait,
    adoptions: Vec<i64>,
) -> Result<HashMap<i64, Vec<adoption_stage::Model>>, DbErr> {
    let mut by_adoption: HashMap<i64, Vec<adoption_stage::Model>> = HashMap::new();
    // In chunks: a database takes only so many parameters.
    for chunk in adoptions.chunks(500) {
        let rows = adoption_stage::Entity::find()
            .filter(adoption_stage::Column::AdoptionId.is_in(chunk.iter().copied()))
            .order_by_asc(adoption_stage::Column::StageOn)
            .order_by_asc(adoption_stage::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            by_adoption.entry(row.adoption_id).or_default().push(row);
        }
    }
    Ok(by_adoption)
}

/// The spread facts of one project.
async fn facts_of(
    db: &impl ConnectionTrait,
    project_id: i64,
    lead_organisation_id: i64,
) -> Result<SpreadFacts, DbErr> {
    let (adoptions, settings) = facts(db, Some(&[project_id]))
        .await?
        .remove(&project_id)
        .unwrap_or_default();
    Ok(SpreadFacts {
        lead_organisation_id,
        adoptions,
        settings,
    })
}

/// Keeps `projects.spread` at the project's level today, after its adoptions or settings
/// changed. A new level moves `updated_at`, so every node's register sees it, but not the
/// version: the team's edits in progress are not made to conflict by another organisation
/// recording its adoption.
pub async fn refresh(db: &impl ConnectionTrait, project_id: i64) -> Result<(), DbErr> {
    let Some(model) = project::Entity::find_by_id(project_id).one(db).await? else {
        return Ok(());
    };
    let facts = facts_of(db, project_id, model.lead_organisation_id).await?;
    let level = facts.level_on(day_of(Utc::now()));
    if level != model.spread {
        project::Entity::update_many()
            .col_expr(project::Column::Spread, Expr::value(level))
            .col_expr(project::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(project::Column::Id.eq(project_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A project's spread as of `as_of`.
pub async fn view(
    db: &impl ConnectionTrait,
    project: &project::Model,
    as_of: NaiveDate,
    can_set: bool,
) -> Result<SpreadView, DbErr> {
    let facts = facts_of(db, project.id, project.lead_organisation_id).await?;
    let settings = spread_setting::Entity::find()
        .filter(spread_setting::Column::ProjectId.eq(project.id))
        .order_by_asc(spread_setting::Column::SetAt)
        .order_by_asc(spread_setting::Column::Id)
        .all(db)
        .await?;
    let people = people(db, settings.iter().filter_map(|s| s.set_by).collect()).await?;
    let setting = |i: usize| settings.get(i);
    let history = facts
        .timeline(as_of)
        .into_iter()
        .map(
            |(from, level)| match facts.setting_on(from).and_then(setting) {
                Some(s) => SpreadStep {
                    from,
                    level,
                    by_hand: true,
                    reason: s.reason.clone(),
                },
                None => SpreadStep {
                    from,
                    level,
                    by_hand: false,
                    reason: "Derived from the adoptions recorded".to_owned(),
                },
            },
        )
        .collect();
    let in_force = facts.setting_on(as_of).and_then(setting);
    Ok(SpreadView {
        project_id: project.id,
        as_of,
        level: facts.level_on(as_of),
        derived: facts.derived_on(as_of),
        set_by_hand: in_force.map(|s| SpreadSet {
            level: s.level,
            reason: s.reason.clone(),
            by: s.set_by.and_then(|id| people.get(&id).cloned()),
            on: day_of(s.set_at),
        }),
        counting_adoptions: u32::try_from(
            facts
                .adoptions
                .iter()
                .filter(|a| a.counts_on(as_of))
                .count(),
        )
        .unwrap_or(u32::MAX),
        history,
        can_set,
    })
}

/// Sets a project's level by hand (`Some`) or goes back to what its adoptions show (`None`),
/// from now; call inside a transaction.
pub async fn set(
    db: &impl ConnectionTrait,
    project_id: i64,
    level: Option<Spread>,
    reason: &str,
    by: i64,
) -> Result<(), DbErr> {
    spread_setting::ActiveModel {
        project_id: Set(project_id),
        level: Set(level),
        reason: Set(reason.to_owned()),
        set_by: Set(Some(by)),
        set_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    refresh(db, project_id).await
}

async fn people(
    db: &impl ConnectionTrait,
    ids: HashSet<i64>,
) -> Result<HashMap<i64, PersonRef>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id,
                PersonRef {
                    id: p.id,
                    name: p.name,
                    organisation_id: p.organisation_id,
                },
            )
        })
        .collect())
}

async fn organisation_names(
    db: &impl ConnectionTrait,
    ids: HashSet<i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The adoptions `actor` may see and `query` asks for, one page, newest first. Those of an
/// outside innovation are the partnership's; those of a project follow the project.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &AdoptionQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Adoption>, u64), DbErr> {
    let visible_projects = Query::select()
        .column((project::Entity, project::Column::Id))
        .from(project::Entity)
        .cond_where(crate::db::projects::visible(actor))
        .to_owned();
    let mut find = adoption::Entity::find().filter(
        Condition::any()
            .add(adoption::Column::InnovationId.is_not_null())
            .add(adoption::Column::ProjectId.in_subquery(visible_projects)),
    );
    if let Some(id) = query.project_id {
        find = find.filter(adoption::Column::ProjectId.eq(id));
    }
    if let Some(id) = query.innovation_id {
        find = find.filter(adoption::Column::InnovationId.eq(id));
    }
    if let Some(id) = query.organisation_id {
        find = find.filter(adoption::Column::OrganisationId.eq(id));
    }
    if let Some(stage) = query.stage {
        // The latest stage: the one recorded on the latest day (the last recorded that day).
        let latest = Query::select()
            .column((adoption_stage::Entity, adoption_stage::Column::Stage))
            .from(adoption_stage::Entity)
            .and_where(
                Expr::col((adoption_stage::Entity, adoption_stage::Column::AdoptionId))
                    .equals((adoption::Entity, adoption::Column::Id)),
            )
            .order_by(adoption_stage::Column::StageOn, sea_orm::Order::Desc)
            .order_by(adoption_stage::Column::Id, sea_orm::Order::Desc)
            .limit(1)
            .to_owned();
        find = find.filter(
            Expr::expr(Expr::SubQuery(
                None,
                Box::new(latest.into_sub_query_statement()),
            ))
            .eq(stage),
        );
    }
    let total = find.clone().count(db).await?;
    let models = find
        .order_by_desc(adoption::Column::UpdatedAt)
        .order_by_desc(adoption::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((assemble(db, actor, models).await?, total))
}

/// Adoption `id` with what its origin project's access rules say of it (none for an outside
/// innovation's).
pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(adoption::Model, Option<ProjectContext>)>, DbErr> {
    let Some(model) = adoption::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let context = match model.project_id {
        Some(p) => match crate::db::projects::context(db, p).await? {
            Some((_, context)) => Some(context),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some((model, context)))
}

/// One adoption as `actor` sees it.
pub async fn one(
    db: &impl ConnectionTrait,
    actor: &Actor,
    model: adoption::Model,
) -> Result<Adoption, DbErr> {
    let mut all = assemble(db, actor, vec![model]).await?;
    all.pop()
        .ok_or_else(|| DbErr::RecordNotFound("adoption".into()))
}

/// Adoptions as `actor` sees them: names, stages, change ideas, the adopting project if they may
/// see it, and whether they may change each.
async fn assemble(
    db: &impl ConnectionTrait,
    actor: &Actor,
    models: Vec<adoption::Model>,
) -> Result<Vec<Adoption>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut stages = stages_of(db, ids.clone()).await?;
    let project_ids: HashSet<i64> = models
        .iter()
        .flat_map(|m| [m.project_id, m.adopting_project_id])
        .flatten()
        .collect();
    let mut contexts: HashMap<i64, (project::Model, ProjectContext)> = HashMap::new();
    for id in &project_ids {
        if let Some(found) = crate::db::projects::context(db, *id).await? {
            contexts.insert(*id, found);
        }
    }
    let org_ids: HashSet<i64> = models
        .iter()
        .filter_map(|m| m.organisation_id)
        .chain(contexts.values().map(|(p, _)| p.lead_organisation_id))
        .collect();
    let names = organisation_names(db, org_ids).await?;
    let org = |id: i64| OrganisationRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    let link = |id: i64, must_see: bool| {
        contexts.get(&id).and_then(|(p, context)| {
            (!must_see || actor.can_view_project(context)).then(|| ProjectLink {
                id: p.id,
                title: p.title.clone(),
                lead_organisation: org(p.lead_organisation_id),
            })
        })
    };
    let innovation_ids: HashSet<i64> = models.iter().filter_map(|m| m.innovation_id).collect();
    let innovations: HashMap<i64, String> = if innovation_ids.is_empty() {
        HashMap::new()
    } else {
        innovation::Entity::find()
            .filter(innovation::Column::Id.is_in(innovation_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect()
    };
    let ideas: Vec<(i64, i64, String)> = adoption_change_idea::Entity::find()
        .select_only()
        .column(adoption_change_idea::Column::AdoptionId)
        .column(driver_node::Column::Id)
        .column(driver_node::Column::Text)
        .join(
            sea_orm::JoinType::InnerJoin,
            adoption_change_idea::Relation::DriverNode.def(),
        )
        .filter(adoption_change_idea::Column::AdoptionId.is_in(ids))
        .order_by_asc(driver_node::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let mut ideas_of: HashMap<i64, Vec<ChangeIdeaRef>> = HashMap::new();
    for (adoption_id, id, text) in ideas {
        ideas_of
            .entry(adoption_id)
            .or_default()
            .push(ChangeIdeaRef { id, text });
    }
    let recorders = people(
        db,
        stages
            .values()
            .flatten()
            .filter_map(|s| s.recorded_by)
            .collect(),
    )
    .await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let stages: Vec<StageEntry> = stages
                .remove(&m.id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| StageEntry {
                    stage: s.stage,
                    on: s.stage_on,
                    note: s.note,
                    recorded_by: s.recorded_by.and_then(|id| recorders.get(&id).cloned()),
                    recorded_at: s.recorded_at,
                })
                .collect();
            let (stage, since) = stages.last().map_or(
                (
                    qi_shared::spread::AdoptionStage::Considering,
                    day_of(m.created_at),
                ),
                |s| (s.stage, s.on),
            );
            let origin = m.project_id.and_then(|p| contexts.get(&p)).map(|(_, c)| c);
            Adoption {
                id: m.id,
                project: m.project_id.and_then(|p| link(p, false)),
                innovation: m.innovation_id.map(|id| InnovationRef {
                    id,
                    name: innovations.get(&id).cloned().unwrap_or_default(),
                }),
                organisation: m.organisation_id.map(org),
                outside_adopter: m.outside_adopter,
                unit: m.unit,
                adopting_project: m.adopting_project_id.and_then(|p| link(p, true)),
                change_ideas: ideas_of.remove(&m.id).unwrap_or_default(),
                stage,
                since,
                stages,
                can_change: actor.can_record_adoption(origin, m.organisation_id),
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        })
        .collect())
}

/// The change ideas of project `project_id` among `ids`.
pub async fn change_ideas_of(
    db: &impl ConnectionTrait,
    project_id: i64,
    ids: &[i64],
) -> Result<HashSet<i64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(driver_node::Entity::find()
        .select_only()
        .column(driver_node::Column::Id)
        .filter(driver_node::Column::ProjectId.eq(project_id))
        .filter(driver_node::Column::Kind.eq(qi_shared::improvement::DriverKind::ChangeIdea))
        .filter(driver_node::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Records a new adoption at its first stage (call inside a transaction); the original
/// project's level follows. Returns it.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &NewAdoption,
    by: i64,
) -> Result<adoption::Model, DbErr> {
    let now = Utc::now();
    let (project_id, innovation_id) = match input.origin {
        Origin::Project(p) => (Some(p), None),
        Origin::Innovation(i) => (None, Some(i)),
    };
    let (organisation_id, outside_adopter) = match &input.adopter {
        Adopter::Organisation(o) => (Some(*o), None),
        Adopter::Outside(name) => (None, Some(name.clone())),
    };
    let model = adoption::ActiveModel {
        project_id: Set(project_id),
        innovation_id: Set(innovation_id),
        organisation_id: Set(organisation_id),
        outside_adopter: Set(outside_adopter),
        unit: Set(input.unit.clone()),
        adopting_project_id: Set(input.adopting_project_id),
        created_by: Set(Some(by)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if !input.change_idea_ids.is_empty() {
        adoption_change_idea::Entity::insert_many(input.change_idea_ids.iter().map(|id| {
            adoption_change_idea::ActiveModel {
                adoption_id: Set(model.id),
                driver_node_id: Set(*id),
            }
        }))
        .exec(db)
        .await?;
    }
    add_stage(db, &model, &input.stage, by).await?;
    Ok(model)
}

/// Records an adoption's next stage (call inside a transaction); its project's level follows.
pub async fn add_stage(
    db: &impl ConnectionTrait,
    model: &adoption::Model,
    stage: &NewStage,
    by: i64,
) -> Result<(), DbErr> {
    let now = Utc::now();
    adoption_stage::ActiveModel {
        adoption_id: Set(model.id),
        stage: Set(stage.stage),
        stage_on: Set(stage.on),
        note: Set(stage.note.clone()),
        recorded_by: Set(Some(by)),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    adoption::Entity::update_many()
        .col_expr(adoption::Column::UpdatedAt, Expr::value(now))
        .filter(adoption::Column::Id.eq(model.id))
        .exec(db)
        .await?;
    if let Some(project_id) = model.project_id {
        refresh(db, project_id).await?;
    }
    Ok(())
}

/// Removes an adoption recorded in error (call inside a transaction); its project's level
/// follows.
pub async fn delete(db: &impl ConnectionTrait, model: &adoption::Model) -> Result<(), DbErr> {
    adoption::Entity::delete_by_id(model.id).exec(db).await?;
    if let Some(project_id) = model.project_id {
        refresh(db, project_id).await?;
    }
    Ok(())
}

/// Outside innovations, by name, each with its number of adoptions.
pub async fn innovations(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Innovation>, u64), DbErr> {
    let total = innovation::Entity::find().count(db).await?;
    let models = innovation::Entity::find()
        .order_by_asc(innovation::Column::Name)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    innovations_with_counts(db, models)
        .await
        .map(|i| (i, total))
}

/// Innovation `id`.
pub async fn innovation(db: &impl ConnectionTrait, id: i64) -> Result<Option<Innovation>, DbErr> {
    let Some(model) = innovation::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(innovations_with_counts(db, vec![model]).await?.pop())
}

async fn innovations_with_counts(
    db: &impl ConnectionTrait,
    models: Vec<innovation::Model>,
) -> Result<Vec<Innovation>, DbErr> {
    let counts: HashMap<i64, i64> = adoption::Entity::find()
        .select_only()
        .column(adoption::Column::InnovationId)
        .column_as(adoption::Column::Id.count(), "n")
        .filter(adoption::Column::InnovationId.is_in(models.iter().map(|m| m.id)))
        .group_by(adoption::Column::InnovationId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect();
    Ok(models
        .into_iter()
        .map(|m| Innovation {
            adoptions: counts
                .get(&m.id)
                .and_then(|n| u32::try_from(*n).ok())
                .unwrap_or(0),
            id: m.id,
            name: m.name,
            source: m.source,
            description: m.description,
            created_at: m.created_at,
        })
        .collect())
}

/// An innovation's name is taken (compared without case).
pub async fn innovation_named(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    Ok(innovation::Entity::find()
        .filter(
            Condition::any()
                .add(innovation::Column::Name.eq(name))
                .add(Func::lower(Expr::col(innovation::Column::Name)).eq(Func::lower(name))),
        )
        .count(db)
        .await?
        > 0)
}

/// Adds an outside innovation.
pub async fn create_innovation(
    db: &impl ConnectionTrait,
    input: &InnovationInput,
    by: Option<i64>,
) -> Result<Innovation, DbErr> {
    let model = innovation::ActiveModel {
        name: Set(input.name.clone()),
        source: Set(input.source.clone()),
        description: Set(input.description.clone()),
        created_by: Set(by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Innovation {
        id: model.id,
        name: model.name,
        source: model.source,
        description: model.description,
        adoptions: 0,
        created_at: model.created_at,
    })
}

/// The partner organisations whose adoption of project `project_id` counts today (adopted or
/// sustained), by name.
pub async fn adopters_today(
    db: &impl ConnectionTrait,
    project_id: i64,
) -> Result<Vec<OrganisationRef>, DbErr> {
    let today = day_of(Utc::now());
    let (adoptions, _) = facts(db, Some(&[project_id]))
        .await?
        .remove(&project_id)
        .unwrap_or_default();
    let ids: HashSet<i64> = adoptions
        .iter()
        .filter(|a| a.counts_on(today))
        .filter_map(|a| a.organisation_id)
        .collect();
    let mut refs: Vec<OrganisationRef> = organisation_names(db, ids)
        .await?
        .into_iter()
        .map(|(id, name)| OrganisationRef { id, name })
        .collect();
    refs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(refs)
}

/// The same adopter (and unit) has an adoption of the same origin recorded.
pub async fn already_recorded(
    db: &impl ConnectionTrait,
    input: &NewAdoption,
) -> Result<bool, DbErr> {
    let mut find = adoption::Entity::find();
    find = match input.origin {
        Origin::Project(id) => find.filter(adoption::Column::ProjectId.eq(id)),
        Origin::Innovation(id) => find.filter(adoption::Column::InnovationId.eq(id)),
    };
    find = match &input.adopter {
        Adopter::Organisation(id) => find.filter(adoption::Column::OrganisationId.eq(*id)),
        Adopter::Outside(name) => find.filter(
            Func::lower(Expr::col(adoption::Column::OutsideAdopter)).eq(Func::lower(name.as_str())),
        ),
    };
    find = match &input.unit {
        Some(unit) => {
            find.filter(Func::lower(Expr::col(adoption::Column::Unit)).eq(unit.to_lowercase()))
        }
        None => find.filter(adoption::Column::Unit.is_null()),
    };
    Ok(find.count(db).await? > 0)
}

/// What the spread network is drawn from, as `actor` may see it: the organisations, the
/// projects they may see (of `theme`, if given) with their partners, and the adoptions of those
/// projects, each with the day it first counted and the adopter's own project if they may see
/// it.
pub async fn network(
    db: &impl ConnectionTrait,
    actor: &Actor,
    theme: Option<&str>,
) -> Result<
    (
        HashMap<i64, NetworkOrganisation>,
        Vec<NetworkProject>,
        Vec<NetworkAdoption>,
    ),
    DbErr,
> {
    let organisations = organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id,
                NetworkOrganisation {
                    name: o.name,
                    org_type: o.org_type,
                },
            )
        })
        .collect();
    type Row = (i64, String, i64, Option<NaiveDate>, chrono::DateTime<Utc>);
    let visible: Vec<Row> = project::Entity::find()
        .select_only()
        .columns([
            project::Column::Id,
            project::Column::Title,
            project::Column::LeadOrganisationId,
            project::Column::StartDate,
            project::Column::CreatedAt,
        ])
        .filter(crate::db::projects::visible(actor))
        .into_tuple()
        .all(db)
        .await?;
    let visible_ids: HashSet<i64> = visible.iter().map(|r| r.0).collect();
    let themed: Option<HashSet<i64>> = match theme {
        None => None,
        Some(theme) => Some(
            project_tag::Entity::find()
                .select_only()
                .column(project_tag::Column::ProjectId)
                .filter(project_tag::Column::Tag.eq(theme))
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect(),
        ),
    };
    let mut projects: HashMap<i64, NetworkProject> = visible
        .into_iter()
        .filter(|r| themed.as_ref().is_none_or(|t| t.contains(&r.0)))
        .map(|(id, title, lead, start, created)| {
            (
                id,
                NetworkProject {
                    id,
                    title,
                    lead_organisation_id: lead,
                    partner_ids: Vec::new(),
                    started_on: start.unwrap_or_else(|| day_of(created)),
                },
            )
        })
        .collect();
    let partners: Vec<(i64, i64)> = project_organisation::Entity::find()
        .select_only()
        .columns([
            project_organisation::Column::ProjectId,
            project_organisation::Column::OrganisationId,
        ])
        .filter(project_organisation::Column::Kind.eq(OrganisationPart::Partner))
        .into_tuple()
        .all(db)
        .await?;
    for (project_id, organisation_id) in partners {
        if let Some(p) = projects.get_mut(&project_id) {
            p.partner_ids.push(organisation_id);
        }
    }
    // (id, project, adopting organisation, outside adopter, adopting project)
    type AdoptionRow = (i64, Option<i64>, Option<i64>, Option<String>, Option<i64>);
    let rows: Vec<AdoptionRow> = adoption::Entity::find()
        .select_only()
        .columns([
            adoption::Column::Id,
            adoption::Column::ProjectId,
            adoption::Column::OrganisationId,
            adoption::Column::OutsideAdopter,
            adoption::Column::AdoptingProjectId,
        ])
        .filter(adoption::Column::ProjectId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let stages = stages_of(db, rows.iter().map(|r| r.0).collect()).await?;
    let adoptions = rows
        .into_iter()
        .filter_map(|(id, project_id, organisation_id, outside, adopting)| {
            let project_id = project_id.filter(|p| visible_ids.contains(p))?;
            Some(NetworkAdoption {
                project_id,
                organisation_id,
                outside,
                adopting_project_id: adopting.filter(|p| visible_ids.contains(p)),
                adopted_on: stages
                    .get(&id)
                    .and_then(|s| s.iter().find(|s| s.stage.counts()))
                    .map(|s| s.stage_on),
            })
        })
        .collect();
    let mut projects: Vec<NetworkProject> = projects.into_values().collect();
    projects.sort_by_key(|p| p.id);
    Ok((organisations, projects, adoptions))
}
