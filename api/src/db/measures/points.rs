//! A measure's data points: read, added, changed, removed, and saved as a whole (a grid or a
//! CSV import).

use std::collections::HashMap;

use chrono::NaiveDate;
use qi_shared::measure::{DataPoint, ImportMode, PointInput, PointsImported};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use crate::db::entity::measure_point;

use super::INSERT_BATCH;

pub(super) fn point_dto(p: measure_point::Model) -> DataPoint {
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
