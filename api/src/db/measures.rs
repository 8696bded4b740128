//! Measures of projects, their data points and the marks on their charts.
//!
//! A measure's `version` moves on with every change to it, its points or its annotations, so one
//! ETag guards the whole chart; and each such change also marks its project changed (its
//! `updated_at`, which the project lists' caches key on) without moving the project's own
//! version, so entering data never makes someone's edit of the project's details stale.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use qi_shared::{
    improvement::DriverKind,
    measure::{
        Annotation, AnnotationInput, AnnotationKind, DataPoint, ImportMode, Measure, MeasureInput,
        MeasureSummary, PointInput, PointsImported, Unit,
    },
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::entity::{
    driver_node, measure, measure_annotation, measure_change_idea, measure_point, pdsa_cycle,
    project,
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

fn point_dto(p: measure_point::Model) -> DataPoint {
    DataPoint {
        id: p.id,
        date: p.period_date,
        value: p.value,
        numerator: p.numerator,
        denominator: p.denominator,
        note: p.note,
    }
}

/// A measure's points in date order.
pub async fn points(db: &impl ConnectionTrait, measure_id: i64) -> Result<Vec<DataPoint>, DbErr> {
    Ok(measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.eq(measure_id))
        .order_by_asc(measure_point::Column::PeriodDate)
        .all(db)
        .await?
        .into_iter()
        .map(point_dto)
        .collect())
}

pub async fn point_count(db: &impl ConnectionTrait, measure_id: i64) -> Result<u64, DbErr> {
    measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.eq(measure_id))
        .count(db)
        .await
}

pub async fn point(
    db: &impl ConnectionTrait,
    measure_id: i64,
    id: i64,
) -> Result<Option<DataPoint>, DbErr> {
    Ok(measure_point::Entity::find_by_id(id)
        .filter(measure_point::Column::MeasureId.eq(measure_id))
        .one(db)
        .await?
        .map(point_dto))
}

/// The id of the measure's point on `date`, if it has one.
pub async fn point_on(
    db: &impl ConnectionTrait,
    measure_id: i64,
    date: NaiveDate,
) -> Result<Option<i64>, DbErr> {
    measure_point::Entity::find()
        .select_only()
        .column(measure_point::Column::Id)
        .filter(measure_point::Column::MeasureId.eq(measure_id))
        .filter(measure_point::Column::PeriodDate.eq(date))
        .into_tuple::<i64>()
        .one(db)
        .await
}

fn point_row(measure_id: i64, p: &PointInput) -> measure_point::ActiveModel {
    measure_point::ActiveModel {
        measure_id: Set(measure_id),
        period_date: Set(p.date),
        value: Set(p.value),
        numerator: Set(p.numerator),
        denominator: Set(p.denominator),
        note: Set(p.note.clone()),
        ..Default::default()
    }
}

pub async fn add_point(
    db: &impl ConnectionTrait,
    measure_id: i64,
    p: &PointInput,
) -> Result<i64, DbErr> {
    Ok(point_row(measure_id, p).insert(db).await?.id)
}

pub async fn update_point(db: &impl ConnectionTrait, id: i64, p: &PointInput) -> Result<(), DbErr> {
    measure_point::Entity::update_many()
        .col_expr(measure_point::Column::PeriodDate, Expr::value(p.date))
        .col_expr(measure_point::Column::Value, Expr::value(p.value))
        .col_expr(measure_point::Column::Numerator, Expr::value(p.numerator))
        .col_expr(
            measure_point::Column::Denominator,
            Expr::value(p.denominator),
        )
        .col_expr(measure_point::Column::Note, Expr::value(p.note.clone()))
        .filter(measure_point::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_point(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    measure_point::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

async fn insert_points(
    db: &impl ConnectionTrait,
    measure_id: i64,
    points: &[&PointInput],
) -> Result<(), DbErr> {
    for batch in points.chunks(INSERT_BATCH) {
        measure_point::Entity::insert_many(batch.iter().map(|p| point_row(measure_id, p)))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Does a stored point already say what `p` says?
fn same(row: &measure_point::Model, p: &PointInput) -> bool {
    row.value == p.value
        && row.numerator == p.numerator
        && row.denominator == p.denominator
        && row.note == p.note
}

async fn delete_points(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    for batch in ids.chunks(INSERT_BATCH) {
        measure_point::Entity::delete_many()
            .filter(measure_point::Column::Id.is_in(batch.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Saves `points` (checked, one per date) as a measure's data: merging, they change the points
/// on their dates and add the others; replacing, the points on other dates also go. Points that
/// would not change are left alone (and keep their ids); changed ones are written again, in
/// batches, so a file of a hundred thousand rows takes a few statements rather than a row each.
pub async fn save_points(
    db: &impl ConnectionTrait,
    measure_id: i64,
    points: &[PointInput],
    mode: ImportMode,
) -> Result<PointsImported, DbErr> {
    let mut existing: HashMap<NaiveDate, measure_point::Model> = measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.eq(measure_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.period_date, p))
        .collect();
    let mut stale = Vec::new();
    let mut writes = Vec::new();
    let (mut added, mut updated, mut unchanged) = (0u64, 0u64, 0u64);
    for point in points {
        match existing.remove(&point.date) {
            Some(row) if same(&row, point) => unchanged += 1,
            Some(row) => {
                stale.push(row.id);
                writes.push(point);
                updated += 1;
            }
            None => {
                writes.push(point);
                added += 1;
            }
        }
    }
    // What is left in `existing` is on dates the new points lack.
    let removed = match mode {
        ImportMode::Merge => 0,
        ImportMode::Replace => {
            stale.extend(existing.values().map(|row| row.id));
            u64::try_from(existing.len()).unwrap_or(u64::MAX)
        }
    };
    delete_points(db, &stale).await?;
    insert_points(db, measure_id, &writes).await?;
    Ok(PointsImported {
        mode,
        added,
        updated,
        unchanged,
        removed,
    })
}

fn annotation_dto(a: measure_annotation::Model) -> Annotation {
    Annotation {
        id: a.id,
        date: a.annotation_date,
        kind: a.kind,
        label: a.label,
        pdsa_cycle_id: a.pdsa_cycle_id,
    }
}

/// A measure's phase changes and annotations in date order.
pub async fn annotations(
    db: &impl ConnectionTrait,
    measure_id: i64,
) -> Result<Vec<Annotation>, DbErr> {
    Ok(measure_annotation::Entity::find()
        .filter(measure_annotation::Column::MeasureId.eq(measure_id))
        .order_by_asc(measure_annotation::Column::AnnotationDate)
        .order_by_asc(measure_annotation::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(annotation_dto)
        .collect())
}

pub async fn annotation(
    db: &impl ConnectionTrait,
    measure_id: i64,
    id: i64,
) -> Result<Option<Annotation>, DbErr> {
    Ok(measure_annotation::Entity::find_by_id(id)
        .filter(measure_annotation::Column::MeasureId.eq(measure_id))
        .one(db)
        .await?
        .map(annotation_dto))
}

/// Does the measure have a phase change on `date`, other than `except`?
pub async fn phase_change_on(
    db: &impl ConnectionTrait,
    measure_id: i64,
    date: NaiveDate,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut query = measure_annotation::Entity::find()
        .filter(measure_annotation::Column::MeasureId.eq(measure_id))
        .filter(measure_annotation::Column::AnnotationDate.eq(date))
        .filter(measure_annotation::Column::Kind.eq(AnnotationKind::PhaseChange));
    if let Some(id) = except {
        query = query.filter(measure_annotation::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

pub async fn add_annotation(
    db: &impl ConnectionTrait,
    measure_id: i64,
    a: &AnnotationInput,
) -> Result<i64, DbErr> {
    let row = measure_annotation::ActiveModel {
        measure_id: Set(measure_id),
        annotation_date: Set(a.date),
        kind: Set(a.kind),
        label: Set(a.label.clone()),
        pdsa_cycle_id: Set(a.pdsa_cycle_id),
        ..Default::default()
    };
    Ok(row.insert(db).await?.id)
}

pub async fn update_annotation(
    db: &impl ConnectionTrait,
    id: i64,
    a: &AnnotationInput,
) -> Result<(), DbErr> {
    measure_annotation::Entity::update_many()
        .col_expr(
            measure_annotation::Column::AnnotationDate,
            Expr::value(a.date),
        )
        .col_expr(measure_annotation::Column::Kind, Expr::value(a.kind))
        .col_expr(
            measure_annotation::Column::Label,
            Expr::value(a.label.clone()),
        )
        .col_expr(
            measure_annotation::Column::PdsaCycleId,
            Expr::value(a.pdsa_cycle_id),
        )
        .filter(measure_annotation::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_annotation(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    measure_annotation::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    Ok(())
}
