//! Programmes, their projects and their measures (`qi_shared::programme`). What a reader sees of
//! a programme is cut to the projects they may see, and its measures are pooled from those
//! projects' measures only: a team-only project in a programme adds nothing to what others see.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use qi_shared::{
    access::Actor,
    measure::Measure,
    programme::{
        self, MeasureSource, Programme, ProgrammeInput, ProgrammeLead, ProgrammeMeasure,
        ProgrammeMeasureInput, ProgrammeStatus, ProgrammeSummary,
    },
    project::{OrganisationRef, ProjectSummary},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};

use super::entity::{
    measure, organisation, person, programme as row, programme_measure as measure_row,
    programme_measure_source as source, programme_project as member, project,
};
use crate::cache::projects::ListCache;

/// A programme.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<row::Model>, DbErr> {
    row::Entity::find_by_id(id).one(db).await
}

/// Whether another programme (not `except`) has this name, whatever its case.
pub async fn name_taken(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut query = row::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(row::Column::Name))).eq(name.to_lowercase()));
    if let Some(id) = except {
        query = query.filter(row::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

/// A page of programmes, by name, with how many there are.
pub async fn list(
    db: &impl ConnectionTrait,
    words: Option<&str>,
    status: Option<ProgrammeStatus>,
    project_id: Option<i64>,
    (page, per_page): (u64, u64),
) -> Result<(Vec<row::Model>, u64), DbErr> {
    let mut query = row::Entity::find();
    if let Some(project_id) = project_id {
        let ids: Vec<i64> = member::Entity::find()
            .select_only()
            .column(member::Column::ProgrammeId)
            .filter(member::Column::ProjectId.eq(project_id))
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(row::Column::Id.is_in(ids));
    }
    if let Some(words) = words {
        let pattern = format!("%{}%", words.to_lowercase().replace(['%', '_'], ""));
        query = query.filter(Expr::expr(Func::lower(Expr::col(row::Column::Name))).like(pattern));
    }
    if let Some(status) = status {
        query = query.filter(row::Column::Status.eq(status));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(row::Column::Name)
        .order_by_asc(row::Column::Id)
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The projects of each of `programmes`, in id order.
pub async fn members(
    db: &impl ConnectionTrait,
    programmes: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let mut found: HashMap<i64, Vec<i64>> = HashMap::new();
    if programmes.is_empty() {
        return Ok(found);
    }
    let rows = member::Entity::find()
        .filter(member::Column::ProgrammeId.is_in(programmes.iter().copied()))
        .order_by_asc(member::Column::ProjectId)
        .all(db)
        .await?;
    for row in rows {
        found
            .entry(row.programme_id)
            .or_default()
            .push(row.project_id);
    }
    Ok(found)
}

/// Of the projects `ids`, those `actor` may see, in order (from the register in memory).
pub async fn visible(
    db: &DatabaseConnection,
    lists: &ListCache,
    actor: &Actor,
    ids: &[i64],
) -> Result<Vec<i64>, DbErr> {
    let stamp = lists.stamp(db).await?;
    lists.register.catch_up(db, stamp).await?;
    lists.register.visible_among(Some(actor), ids)
}

/// The names of people `ids`.
async fn people_names(
    db: &impl ConnectionTrait,
    ids: HashSet<i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Name)
        .filter(person::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The names of organisations `ids`.
async fn organisation_names(
    db: &impl ConnectionTrait,
    ids: HashSet<i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(organisation::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The list's view of `rows` for `actor`: six queries whatever their number.
pub async fn summaries(
    db: &DatabaseConnection,
    lists: &ListCache,
    actor: &Actor,
    rows: Vec<row::Model>,
) -> Result<Vec<ProgrammeSummary>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let members = members(db, &ids).await?;
    let all: Vec<i64> = members.values().flatten().copied().collect();
    let seen: HashSet<i64> = visible(db, lists, actor, &all).await?.into_iter().collect();
    let leads: HashMap<i64, i64> = if seen.is_empty() {
        HashMap::new()
    } else {
        project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .column(project::Column::LeadOrganisationId)
            .filter(project::Column::Id.is_in(seen.iter().copied()))
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let mut measure_counts: HashMap<i64, u64> = HashMap::new();
    if !ids.is_empty() {
        let counted: Vec<(i64, i64)> = measure_row::Entity::find()
            .select_only()
            .column(measure_row::Column::ProgrammeId)
            .column_as(measure_row::Column::Id.count(), "n")
            .filter(measure_row::Column::ProgrammeId.is_in(ids.iter().copied()))
            .group_by(measure_row::Column::ProgrammeId)
            .into_tuple()
            .all(db)
            .await?;
        measure_counts = counted
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect();
    }
    let people = people_names(db, rows.iter().map(|r| r.lead_person_id).collect()).await?;
    let organisations =
        organisation_names(db, rows.iter().map(|r| r.lead_organisation_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let projects: Vec<i64> = members
                .get(&r.id)
                .into_iter()
                .flatten()
                .copied()
                .filter(|p| seen.contains(p))
                .collect();
            let lead_organisations: HashSet<i64> = projects
                .iter()
                .filter_map(|p| leads.get(p))
                .copied()
                .collect();
            ProgrammeSummary {
                id: r.id,
                name: r.name,
                aim: r.aim,
                status: r.status,
                started_on: r.started_on,
                lead: ProgrammeLead {
                    id: r.lead_person_id,
                    name: people.get(&r.lead_person_id).cloned().unwrap_or_default(),
                },
                lead_organisation: OrganisationRef {
                    id: r.lead_organisation_id,
                    name: organisations
                        .get(&r.lead_organisation_id)
                        .cloned()
                        .unwrap_or_default(),
                },
                project_count: projects.len() as u64,
                organisation_count: lead_organisations.len() as u64,
                measure_count: measure_counts.get(&r.id).copied().unwrap_or(0),
                updated_at: r.updated_at,
            }
        })
        .collect())
}

/// A programme measure's sources, by programme measure.
async fn sources_of(
    db: &impl ConnectionTrait,
    measures: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let mut found: HashMap<i64, Vec<i64>> = HashMap::new();
    if measures.is_empty() {
        return Ok(found);
    }
    let rows = source::Entity::find()
        .filter(source::Column::ProgrammeMeasureId.is_in(measures.iter().copied()))
        .order_by_asc(source::Column::MeasureId)
        .all(db)
        .await?;
    for row in rows {
        found
            .entry(row.programme_measure_id)
            .or_default()
            .push(row.measure_id);
    }
    Ok(found)
}

/// The programme as `actor` sees it: its projects they may see, with their scores and spread,
/// and its measures pooled from those projects' measures.
pub async fn view(
    db: &DatabaseConnection,
    lists: &ListCache,
    actor: &Actor,
    r: row::Model,
    may_manage: bool,
) -> Result<Programme, DbErr> {
    let all = members(db, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    let seen = visible(db, lists, actor, &all).await?;
    let mut projects = super::projects::summaries_of(db, &seen).await?;
    projects.sort_by_key(|p| p.title.to_lowercase());
    let measures = measures_view(db, r.id, &projects).await?;
    let lead = person::Entity::find_by_id(r.lead_person_id).one(db).await?;
    let organisation = organisation::Entity::find_by_id(r.lead_organisation_id)
        .one(db)
        .await?;
    Ok(Programme {
        id: r.id,
        name: r.name,
        aim: r.aim,
        description: r.description,
        status: r.status,
        started_on: r.started_on,
        lead: ProgrammeLead {
            id: r.lead_person_id,
            name: lead.map(|p| p.name).unwrap_or_default(),
        },
        lead_organisation: OrganisationRef {
            id: r.lead_organisation_id,
            name: organisation.map(|o| o.name).unwrap_or_default(),
        },
        projects,
        measures,
        may_manage,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// The programme's measures, each pooled from its sources among `projects` (those the reader
/// may see).
async fn measures_view(
    db: &impl ConnectionTrait,
    programme_id: i64,
    projects: &[ProjectSummary],
) -> Result<Vec<ProgrammeMeasure>, DbErr> {
    let rows = measure_row::Entity::find()
        .filter(measure_row::Column::ProgrammeId.eq(programme_id))
        .order_by_asc(measure_row::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let mut sources = sources_of(db, &ids).await?;
    let wanted: Vec<i64> = sources.values().flatten().copied().collect();
    let by_project: HashMap<i64, &ProjectSummary> = projects.iter().map(|p| (p.id, p)).collect();
    let measures: HashMap<i64, Measure> = super::measures::by_ids(db, &wanted)
        .await?
        .into_iter()
        .filter(|m| by_project.contains_key(&m.project_id))
        .map(|m| (m.id, m))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let pooled: Vec<&Measure> = sources
                .remove(&r.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| measures.get(id))
                .collect();
            let rate_per = r.rate_per.and_then(|p| u32::try_from(p).ok());
            let data: Vec<&[qi_shared::measure::DataPoint]> =
                pooled.iter().map(|m| m.points.as_slice()).collect();
            let combined = programme::combine(r.unit, rate_per, r.frequency, &data);
            let mut sources: Vec<MeasureSource> = pooled
                .iter()
                .filter_map(|m| {
                    let project = by_project.get(&m.project_id)?;
                    Some(MeasureSource {
                        measure_id: m.id,
                        name: m.name.clone(),
                        project_id: project.id,
                        project_title: project.title.clone(),
                        organisation: project.lead_organisation.clone(),
                    })
                })
                .collect();
            sources.sort_by(|a, b| {
                (&a.organisation.name, &a.project_title)
                    .cmp(&(&b.organisation.name, &b.project_title))
            });
            ProgrammeMeasure {
                id: r.id,
                name: r.name,
                definition: r.definition,
                unit: r.unit,
                rate_per,
                improvement_direction: r.improvement_direction,
                target: r.target,
                frequency: r.frequency,
                sources,
                points: combined.points,
                left_out: combined.left_out,
            }
        })
        .collect())
}

fn apply(active: &mut row::ActiveModel, input: &ProgrammeInput, lead_organisation_id: i64) {
    active.name = Set(input.name.clone());
    active.aim = Set(input.aim.clone());
    active.description = Set(input.description.clone());
    active.lead_person_id = Set(input.lead_person_id);
    active.lead_organisation_id = Set(lead_organisation_id);
    active.status = Set(input.status);
    active.started_on = Set(input.started_on);
}

/// A new programme with its projects.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &ProgrammeInput,
    lead_organisation_id: i64,
    by: i64,
) -> Result<row::Model, DbErr> {
    let now = Utc::now();
    let mut active = row::ActiveModel {
        version: Set(1),
        created_by: Set(Some(by)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, input, lead_organisation_id);
    let made = row::Entity::insert(active).exec_with_returning(db).await?;
    set_projects(db, made.id, &input.project_ids, now).await?;
    Ok(made)
}

/// Replaces a programme's details and projects (`project_ids`: all of them, those the writer
/// could not see included).
pub async fn update(
    db: &impl ConnectionTrait,
    current: &row::Model,
    version: i64,
    input: &ProgrammeInput,
    lead_organisation_id: i64,
    project_ids: &[i64],
) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut active = row::ActiveModel {
        id: Set(current.id),
        version: Set(version + 1),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, input, lead_organisation_id);
    // Only if nobody changed it since it was read: the version is the If-Match the writer sent.
    let updated = row::Entity::update_many()
        .set(active)
        .filter(row::Column::Id.eq(current.id))
        .filter(row::Column::Version.eq(version))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DbErr::RecordNotUpdated);
    }
    set_projects(db, current.id, project_ids, now).await
}

/// Makes `ids` the programme's projects; the measures of a project that leaves stop being
/// pooled into its measures.
async fn set_projects(
    db: &impl ConnectionTrait,
    programme_id: i64,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let had: HashSet<i64> = members(db, &[programme_id])
        .await?
        .remove(&programme_id)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let wanted: HashSet<i64> = ids.iter().copied().collect();
    let leaving: Vec<i64> = had.difference(&wanted).copied().collect();
    if !leaving.is_empty() {
        member::Entity::delete_many()
            .filter(member::Column::ProgrammeId.eq(programme_id))
            .filter(member::Column::ProjectId.is_in(leaving.iter().copied()))
            .exec(db)
            .await?;
        let measures: Vec<i64> = measure::Entity::find()
            .select_only()
            .column(measure::Column::Id)
            .filter(measure::Column::ProjectId.is_in(leaving))
            .into_tuple()
            .all(db)
            .await?;
        let programme_measures: Vec<i64> = measure_row::Entity::find()
            .select_only()
            .column(measure_row::Column::Id)
            .filter(measure_row::Column::ProgrammeId.eq(programme_id))
            .into_tuple()
            .all(db)
            .await?;
        if !measures.is_empty() && !programme_measures.is_empty() {
            source::Entity::delete_many()
                .filter(source::Column::ProgrammeMeasureId.is_in(programme_measures))
                .filter(source::Column::MeasureId.is_in(measures))
                .exec(db)
                .await?;
        }
    }
    let joining: Vec<member::ActiveModel> = ids
        .iter()
        .filter(|id| !had.contains(id))
        .map(|id| member::ActiveModel {
            programme_id: Set(programme_id),
            project_id: Set(*id),
            added_at: Set(now),
        })
        .collect();
    if !joining.is_empty() {
        member::Entity::insert_many(joining).exec(db).await?;
    }
    Ok(())
}

/// Removes a programme at `version`, its measures and its list of projects (the projects stay);
/// `false` if it is no longer at that version.
pub async fn delete(db: &impl ConnectionTrait, id: i64, version: i64) -> Result<bool, DbErr> {
    let current = row::Entity::find_by_id(id)
        .filter(row::Column::Version.eq(version))
        .one(db)
        .await?;
    if current.is_none() {
        return Ok(false);
    }
    let measures: Vec<i64> = measure_row::Entity::find()
        .select_only()
        .column(measure_row::Column::Id)
        .filter(measure_row::Column::ProgrammeId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    // SQLite enforces foreign keys only when asked: delete the children here, on both stores.
    if !measures.is_empty() {
        source::Entity::delete_many()
            .filter(source::Column::ProgrammeMeasureId.is_in(measures))
            .exec(db)
            .await?;
    }
    measure_row::Entity::delete_many()
        .filter(measure_row::Column::ProgrammeId.eq(id))
        .exec(db)
        .await?;
    member::Entity::delete_many()
        .filter(member::Column::ProgrammeId.eq(id))
        .exec(db)
        .await?;
    row::Entity::delete_by_id(id).exec(db).await?;
    Ok(true)
}

/// Marks the programme changed (its measures are part of it).
pub async fn touch(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(row::Column::Version, Expr::col(row::Column::Version).add(1))
        .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A measure of programme `programme_id`.
pub async fn find_measure(
    db: &impl ConnectionTrait,
    programme_id: i64,
    id: i64,
) -> Result<Option<measure_row::Model>, DbErr> {
    measure_row::Entity::find_by_id(id)
        .filter(measure_row::Column::ProgrammeId.eq(programme_id))
        .one(db)
        .await
}

/// How many measures the programme has.
pub async fn measure_count(db: &impl ConnectionTrait, programme_id: i64) -> Result<u64, DbErr> {
    measure_row::Entity::find()
        .filter(measure_row::Column::ProgrammeId.eq(programme_id))
        .count(db)
        .await
}

/// The sources of a programme measure.
pub async fn sources(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(sources_of(db, &[id]).await?.remove(&id).unwrap_or_default())
}

fn apply_measure(active: &mut measure_row::ActiveModel, input: &ProgrammeMeasureInput) {
    active.name = Set(input.name.clone());
    active.definition = Set(input.definition.clone());
    active.unit = Set(input.unit);
    active.rate_per = Set(input.rate_per.map(i64::from));
    active.improvement_direction = Set(input.improvement_direction);
    active.target = Set(input.target);
    active.frequency = Set(input.frequency);
}

/// Adds a measure to a programme, pooling `sources`; gives its id.
pub async fn create_measure(
    db: &impl ConnectionTrait,
    programme_id: i64,
    input: &ProgrammeMeasureInput,
    sources: &[i64],
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut active = measure_row::ActiveModel {
        programme_id: Set(programme_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_measure(&mut active, input);
    let made = measure_row::Entity::insert(active).exec(db).await?;
    set_sources(db, made.last_insert_id, sources).await?;
    touch(db, programme_id).await?;
    Ok(made.last_insert_id)
}

/// Replaces a programme measure's definition and sources.
pub async fn update_measure(
    db: &impl ConnectionTrait,
    current: &measure_row::Model,
    input: &ProgrammeMeasureInput,
    sources: &[i64],
) -> Result<(), DbErr> {
    let mut active = measure_row::ActiveModel {
        id: Set(current.id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    apply_measure(&mut active, input);
    measure_row::Entity::update(active).exec(db).await?;
    source::Entity::delete_many()
        .filter(source::Column::ProgrammeMeasureId.eq(current.id))
        .exec(db)
        .await?;
    set_sources(db, current.id, sources).await?;
    touch(db, current.programme_id).await
}

async fn set_sources(db: &impl ConnectionTrait, id: i64, sources: &[i64]) -> Result<(), DbErr> {
    if sources.is_empty() {
        return Ok(());
    }
    source::Entity::insert_many(sources.iter().map(|m| source::ActiveModel {
        programme_measure_id: Set(id),
        measure_id: Set(*m),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Removes a programme measure (the projects' measures stay).
pub async fn delete_measure(
    db: &impl ConnectionTrait,
    current: &measure_row::Model,
) -> Result<(), DbErr> {
    source::Entity::delete_many()
        .filter(source::Column::ProgrammeMeasureId.eq(current.id))
        .exec(db)
        .await?;
    measure_row::Entity::delete_by_id(current.id)
        .exec(db)
        .await?;
    touch(db, current.programme_id).await
}
