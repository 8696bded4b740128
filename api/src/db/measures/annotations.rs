//! The phase changes and annotations on a measure's chart.

use chrono::NaiveDate;
use qi_shared::measure::{Annotation, AnnotationInput, AnnotationKind};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::db::entity::measure_annotation;

pub(super) fn annotation_dto(a: measure_annotation::Model) -> Annotation {
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
