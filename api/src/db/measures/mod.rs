//! Measures of projects, their data points and the marks on their charts.
//!
//! A measure's `version` moves on with every change to it, its points or its annotations, so one
//! ETag guards the whole chart; and each such change also marks its project changed (its
//! `updated_at`, which the project lists' caches key on) without moving the project's own
//! version, so entering data never makes someone's edit of the project's details stale.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use qi_shared::{
    access::Actor,
    export::ExportedPoint,
    improvement::DriverKind,
    measure::{Annotation, DataPoint, Measure, MeasureInput, MeasureSummary, Unit},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, Query},
};

use super::entity::{
    driver_node, measure, measure_annotation, measure_change_idea, measure_point, pdsa_cycle,
    project,
};

mod annotations;
mod points;

use annotations::annotation_dto;
pub use annotations::{
    add_annotation, annotation, annotations, delete_annotation, phase_change_on, update_annotation,
};
use points::point_dto;
pub use points::{
    add_point, delete_point, point, point_count, point_on, points, save_points, update_point,
};
/// Rows per INSERT: well under PostgreSQL's 65,535 bind parameters and SQLite's 32,766.
const INSERT_BATCH: usize = 1000;

fn rate_per(m: &measure::Model) -> Option<u32> {
    m.rate_per.and_then(|r| u32::try_from(r).ok())
}

/// The unit and `rate_per` a measure's points are checked and computed with.
pub fn scale(m: &measure::Model) -> (Unit, Option<u32>) {
    (m.unit, rate_per(m))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<measure::Model>, DbErr> {
    measure::Entity::find_by_id(id).one(db).await
}

async fn change_idea_links(
    db: &impl ConnectionTrait,
    measure_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let mut links: HashMap<i64, Vec<i64>> = HashMap::new();
    if measure_ids.is_empty() {
        return Ok(links);
    }
    let rows = measure_change_idea::Entity::find()
        .filter(measure_change_idea::Column::MeasureId.is_in(measure_ids.iter().copied()))
        .order_by_asc(measure_change_idea::Column::ChangeIdeaId)
        .all(db)
        .await?;
    for row in rows {
        links
            .entry(row.measure_id)
            .or_default()
            .push(row.change_idea_id);
    }
    Ok(links)
}

#[derive(FromQueryResult)]
struct PointStats {
    measure_id: i64,
    points: i64,
    first_date: Option<NaiveDate>,
    last_date: Option<NaiveDate>,
}

/// A project's measures, in the order they were made, with how much data each has.
pub async fn list(
    db: &impl ConnectionTrait,
    project_id: i64,
) -> Result<Vec<MeasureSummary>, DbErr> {
    let measures = measure::Entity::find()
        .filter(measure::Column::ProjectId.eq(project_id))
        .order_by_asc(measure::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = measures.iter().map(|m| m.id).collect();
    let mut links = change_idea_links(db, &ids).await?;
    let stats: HashMap<i64, PointStats> = if ids.is_empty() {
        HashMap::new()
    } else {
        measure_point::Entity::find()
            .select_only()
            .column(measure_point::Column::MeasureId)
            .column_as(measure_point::Column::Id.count(), "points")
            .column_as(measure_point::Column::PeriodDate.min(), "first_date")
            .column_as(measure_point::Column::PeriodDate.max(), "last_date")
            .filter(measure_point::Column::MeasureId.is_in(ids))
            .group_by(measure_point::Column::MeasureId)
            .into_model::<PointStats>()
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.measure_id, s))
            .collect()
    };
    Ok(measures
        .into_iter()
        .map(|m| {
            let stats = stats.get(&m.id);
            MeasureSummary {
                id: m.id,
                project_id: m.project_id,
                measure_type: m.measure_type,
                unit: m.unit,
                rate_per: rate_per(&m),
                improvement_direction: m.improvement_direction,
                frequency: m.frequency,
                change_idea_ids: links.remove(&m.id).unwrap_or_default(),
                point_count: stats.map_or(0, |s| u64::try_from(s.points).unwrap_or(0)),
                first_date: stats.and_then(|s| s.first_date),
                last_date: stats.and_then(|s| s.last_date),
                name: m.name,
                operational_definition: m.operational_definition,
                numerator_definition: m.numerator_definition,
                denominator_definition: m.denominator_definition,
                target: m.target,
                version: m.version,
                updated_at: m.updated_at,
            }
        })
        .collect())
}

/// A measure with its points in date order and its annotations.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Measure>, DbErr> {
    let Some(m) = find(db, id).await? else {
        return Ok(None);
    };
    let change_idea_ids = change_idea_links(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let points = points(db, id).await?;
    let annotations = annotations(db, id).await?;
    Ok(Some(measure_dto(m, change_idea_ids, points, annotations)))
}

fn measure_dto(
    m: measure::Model,
    change_idea_ids: Vec<i64>,
    points: Vec<DataPoint>,
    annotations: Vec<Annotation>,
) -> Measure {
    Measure {
        id: m.id,
        project_id: m.project_id,
        measure_type: m.measure_type,
        unit: m.unit,
        rate_per: rate_per(&m),
        improvement_direction: m.improvement_direction,
        frequency: m.frequency,
        change_idea_ids,
        points,
        annotations,
        name: m.name,
        operational_definition: m.operational_definition,
        numerator_definition: m.numerator_definition,
        denominator_definition: m.denominator_definition,
        target: m.target,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Every measure of a project, in the order they were made, each with its points in date order
/// and its annotations: four queries whatever the number of measures.
pub async fn of_project(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<Measure>, DbErr> {
    let measures = measure::Entity::find()
        .filter(measure::Column::ProjectId.eq(project_id))
        .order_by_asc(measure::Column::Id)
        .all(db)
        .await?;
    with_details(db, measures).await
}

/// The measures `actor` may read (those of the projects they may see), and of one project only
/// if `project_id` is given, as a condition on `measures`.
pub fn readable(actor: &Actor, project_id: Option<i64>) -> Condition {
    let project_of = || Expr::col((measure::Entity, measure::Column::ProjectId));
    let visible = Query::select()
        .column((project::Entity, project::Column::Id))
        .from(project::Entity)
        .cond_where(crate::db::projects::visible(actor))
        .to_owned();
    Condition::all()
        .add(project_of().in_subquery(visible))
        .add_option(project_id.map(|id| project_of().eq(id)))
}

/// Up to `limit` measures that meet `condition` with ids above `after`, in id order, each as
/// `GET /measures/{id}` shows it: one page of a bulk export, read by key in four queries.
pub async fn after(
    db: &impl ConnectionTrait,
    condition: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<Measure>, DbErr> {
    let measures = measure::Entity::find()
        .filter(condition)
        .filter(measure::Column::Id.gt(after))
        .order_by_asc(measure::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_details(db, measures).await
}

/// The measures `ids` that exist, in id order, each with its points and annotations: four
/// queries whatever their number.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Measure>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let measures = measure::Entity::find()
        .filter(measure::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(measure::Column::Id)
        .all(db)
        .await?;
    with_details(db, measures).await
}

/// `measures`, in their order, each with its change ideas, its points in date order and its
/// annotations: three queries whatever their number.
async fn with_details(
    db: &impl ConnectionTrait,
    measures: Vec<measure::Model>,
) -> Result<Vec<Measure>, DbErr> {
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = measures.iter().map(|m| m.id).collect();
    let mut links = change_idea_links(db, &ids).await?;
    let mut points: HashMap<i64, Vec<DataPoint>> = HashMap::new();
    let rows = measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.is_in(ids.iter().copied()))
        .order_by_asc(measure_point::Column::MeasureId)
        .order_by_asc(measure_point::Column::PeriodDate)
        .all(db)
        .await?;
    for row in rows {
        points
            .entry(row.measure_id)
            .or_default()
            .push(point_dto(row));
    }
    let mut annotations: HashMap<i64, Vec<Annotation>> = HashMap::new();
    let rows = measure_annotation::Entity::find()
        .filter(measure_annotation::Column::MeasureId.is_in(ids.iter().copied()))
        .order_by_asc(measure_annotation::Column::MeasureId)
        .order_by_asc(measure_annotation::Column::AnnotationDate)
        .order_by_asc(measure_annotation::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        annotations
            .entry(row.measure_id)
            .or_default()
            .push(annotation_dto(row));
    }
    Ok(measures
        .into_iter()
        .map(|m| {
            let id = m.id;
            measure_dto(
                m,
                links.remove(&id).unwrap_or_default(),
                points.remove(&id).unwrap_or_default(),
                annotations.remove(&id).unwrap_or_default(),
            )
        })
        .collect())
}

/// Up to `limit` data points of the measures that meet `measures` (and of the measure
/// `measure_id` only, if given) with ids above `after`, in id order, each with its measure and
/// project: one page of a bulk export, read by key in two queries.
pub async fn points_after(
    db: &impl ConnectionTrait,
    measures: Condition,
    measure_id: Option<i64>,
    after: i64,
    limit: u64,
) -> Result<Vec<ExportedPoint>, DbErr> {
    let of = Query::select()
        .column((measure::Entity, measure::Column::Id))
        .from(measure::Entity)
        .cond_where(measures)
        .to_owned();
    let rows = measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.in_subquery(of))
        .apply_if(measure_id, |q, id| {
            q.filter(measure_point::Column::MeasureId.eq(id))
        })
        .filter(measure_point::Column::Id.gt(after))
        .order_by_asc(measure_point::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut measure_ids: Vec<i64> = rows.iter().map(|p| p.measure_id).collect();
    measure_ids.sort_unstable();
    measure_ids.dedup();
    let projects: HashMap<i64, i64> = if measure_ids.is_empty() {
        HashMap::new()
    } else {
        measure::Entity::find()
            .select_only()
            .columns([measure::Column::Id, measure::Column::ProjectId])
            .filter(measure::Column::Id.is_in(measure_ids))
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        // A point whose measure went between the two queries goes with it.
        .filter_map(|p| {
            let project_id = *projects.get(&p.measure_id)?;
            Some(ExportedPoint::new(p.measure_id, project_id, point_dto(p)))
        })
        .collect())
}

/// The places in `ids` that are not change ideas of this project.
pub async fn foreign_change_ideas(
    db: &impl ConnectionTrait,
    project_id: i64,
    ids: &[i64],
) -> Result<Vec<usize>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ours: HashSet<i64> = driver_node::Entity::find()
        .select_only()
        .column(driver_node::Column::Id)
        .filter(driver_node::Column::Id.is_in(ids.iter().copied()))
        .filter(driver_node::Column::ProjectId.eq(project_id))
        .filter(driver_node::Column::Kind.eq(DriverKind::ChangeIdea))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !ours.contains(id))
        .map(|(i, _)| i)
        .collect())
}

/// Is `id` a PDSA cycle of this project?
pub async fn is_project_cycle(
    db: &impl ConnectionTrait,
    project_id: i64,
    id: i64,
) -> Result<bool, DbErr> {
    Ok(pdsa_cycle::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|c| c.project_id == project_id))
}

fn apply(active: &mut measure::ActiveModel, input: &MeasureInput) {
    active.name = Set(input.name.clone());
    active.measure_type = Set(input.measure_type);
    active.operational_definition = Set(input.operational_definition.clone());
    active.unit = Set(input.unit);
    active.rate_per = Set(input.rate_per.map(i64::from));
    active.numerator_definition = Set(input.numerator_definition.clone());
    active.denominator_definition = Set(input.denominator_definition.clone());
    active.improvement_direction = Set(input.improvement_direction);
    active.target = Set(input.target);
    active.frequency = Set(input.frequency);
}

async fn link_change_ideas(
    db: &impl ConnectionTrait,
    measure_id: i64,
    ids: &[i64],
) -> Result<(), DbErr> {
    measure_change_idea::Entity::delete_many()
        .filter(measure_change_idea::Column::MeasureId.eq(measure_id))
        .exec(db)
        .await?;
    if !ids.is_empty() {
        let rows = ids.iter().map(|id| measure_change_idea::ActiveModel {
            measure_id: Set(measure_id),
            change_idea_id: Set(*id),
        });
        measure_change_idea::Entity::insert_many(rows)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Marks the project changed for the lists (see the module's documentation). Unlike
/// [`super::improvement::touch_project`], it leaves the project's version alone.
pub async fn touch_project(db: &impl ConnectionTrait, project_id: i64) -> Result<(), DbErr> {
    project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(project::Column::Id.eq(project_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds a measure to a project (call inside a transaction).
pub async fn create(
    db: &impl ConnectionTrait,
    project_id: i64,
    input: &MeasureInput,
    by: i64,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut active = measure::ActiveModel {
        project_id: Set(project_id),
        version: Set(1),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, input);
    let id = active.insert(db).await?.id;
    link_change_ideas(db, id, &input.change_idea_ids).await?;
    touch_project(db, project_id).await?;
    Ok(id)
}

/// Moves a measure's version on, if it is still at `expected` (any version when `None`), and
/// marks its project changed. Every change to a measure or its data starts here, inside its
/// transaction: the row it locks makes changes to one measure wait for each other. Gives the
/// new version, or `None` if someone changed the measure first.
pub async fn bump(
    db: &impl ConnectionTrait,
    current: &measure::Model,
    expected: Option<i64>,
) -> Result<Option<i64>, DbErr> {
    let mut update = measure::Entity::update_many()
        .col_expr(
            measure::Column::Version,
            Expr::col(measure::Column::Version).add(1),
        )
        .col_expr(measure::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(measure::Column::Id.eq(current.id));
    if let Some(version) = expected {
        update = update.filter(measure::Column::Version.eq(version));
    }
    if update.exec(db).await?.rows_affected != 1 {
        return Ok(None);
    }
    touch_project(db, current.project_id).await?;
    let version = measure::Entity::find_by_id(current.id)
        .select_only()
        .column(measure::Column::Version)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(version)
}

/// Changes a measure's definition if it is still at `version`; `Ok(false)` if someone changed
/// it first. Points given as fractions get their values worked out again in the new unit.
pub async fn update(
    db: &impl ConnectionTrait,
    current: &measure::Model,
    version: i64,
    input: &MeasureInput,
) -> Result<bool, DbErr> {
    if bump(db, current, Some(version)).await?.is_none() {
        return Ok(false);
    }
    let mut active = <measure::ActiveModel as Default>::default();
    apply(&mut active, input);
    measure::Entity::update_many()
        .set(active)
        .filter(measure::Column::Id.eq(current.id))
        .exec(db)
        .await?;
    link_change_ideas(db, current.id, &input.change_idea_ids).await?;
    if let Some(scale) = input.unit.value_of(input.rate_per, 1.0, 1.0) {
        // The same sum, in the same order, as `Unit::value_of`: scale x numerator / denominator.
        measure_point::Entity::update_many()
            .col_expr(
                measure_point::Column::Value,
                Expr::value(scale)
                    .mul(Expr::col(measure_point::Column::Numerator))
                    .div(Expr::col(measure_point::Column::Denominator)),
            )
            .filter(measure_point::Column::MeasureId.eq(current.id))
            .filter(measure_point::Column::Numerator.is_not_null())
            .filter(measure_point::Column::Denominator.is_not_null())
            .exec(db)
            .await?;
    }
    Ok(true)
}

/// How many of a measure's points were given as a numerator and denominator.
pub async fn fraction_points(db: &impl ConnectionTrait, measure_id: i64) -> Result<u64, DbErr> {
    measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.eq(measure_id))
        .filter(measure_point::Column::Numerator.is_not_null())
        .count(db)
        .await
}

/// Removes a measure and all its data if it is still at `version`.
pub async fn delete(
    db: &impl ConnectionTrait,
    current: &measure::Model,
    version: i64,
) -> Result<bool, DbErr> {
    let result = measure::Entity::delete_many()
        .filter(measure::Column::Id.eq(current.id))
        .filter(measure::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    touch_project(db, current.project_id).await?;
    Ok(true)
}
