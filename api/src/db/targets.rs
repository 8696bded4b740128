//! Strategy targets and their history. Every write records the target as it stands after it
//! in `strategy_target_changes`, in the same transaction; a removed target is marked, not
//! deleted, so its history stays whole.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::dashboard::{
    Metric,
    target::{TargetAction, TargetChange, TargetDefinition, TargetInput},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::entity::{person, strategy_target as target, strategy_target_change as change};

/// A stored target's definition.
pub fn definition(model: &target::Model) -> TargetDefinition {
    TargetDefinition {
        organisation_id: model.organisation_id,
        metric: model.metric,
        comparator: model.comparator,
        value: model.value,
        per: model.per,
        period_from: model.period_from,
        period_to: model.period_to,
        label: model.label.clone(),
    }
}

/// The targets not removed, of one organisation or all: the partnership's first, then by
/// organisation, each by period (latest first).
pub async fn list(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<target::Model>, DbErr> {
    let mut query = target::Entity::find().filter(target::Column::DeletedAt.is_null());
    if let Some(id) = organisation_id {
        query = query.filter(target::Column::OrganisationId.eq(id));
    }
    let mut targets = query
        .order_by_desc(target::Column::PeriodFrom)
        .order_by_asc(target::Column::Id)
        .all(db)
        .await?;
    // `None` sorts first: the partnership's own. Stable, so each keeps its period order.
    targets.sort_by_key(|t| t.organisation_id);
    Ok(targets)
}

/// A target not removed.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<target::Model>, DbErr> {
    target::Entity::find_by_id(id)
        .filter(target::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// The target a chart of `metric` for this scope draws on `day`: of those whose period covers
/// the day, the one that starts latest.
pub async fn covering(
    db: &impl ConnectionTrait,
    metric: Metric,
    organisation_id: Option<i64>,
    day: NaiveDate,
) -> Result<Option<target::Model>, DbErr> {
    let scope = match organisation_id {
        Some(id) => target::Column::OrganisationId.eq(id),
        None => target::Column::OrganisationId.is_null(),
    };
    target::Entity::find()
        .filter(target::Column::DeletedAt.is_null())
        .filter(target::Column::Metric.eq(metric))
        .filter(scope)
        .filter(target::Column::PeriodFrom.lte(day))
        .filter(target::Column::PeriodTo.gte(day))
        .order_by_desc(target::Column::PeriodFrom)
        .order_by_desc(target::Column::Id)
        .one(db)
        .await
}

/// Keeps the target as it stands after `action`.
async fn record(
    db: &impl ConnectionTrait,
    model: &target::Model,
    action: TargetAction,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    change::Entity::insert(change::ActiveModel {
        target_id: Set(model.id),
        action: Set(action),
        version: Set(model.version),
        organisation_id: Set(model.organisation_id),
        metric: Set(model.metric),
        comparator: Set(model.comparator),
        value: Set(model.value),
        per: Set(model.per),
        period_from: Set(model.period_from),
        period_to: Set(model.period_to),
        label: Set(model.label.clone()),
        changed_by: Set(by),
        changed_at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

fn apply(active: &mut target::ActiveModel, input: &TargetInput) {
    active.organisation_id = Set(input.organisation_id);
    active.metric = Set(input.metric);
    active.comparator = Set(input.comparator);
    active.value = Set(input.value);
    active.per = Set(input.per);
    active.period_from = Set(input.period_from);
    active.period_to = Set(input.period_to);
    active.label = Set(input.label.clone());
}

/// Sets a new target (checked: `TargetInput::validate`), with the first line of its history.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &TargetInput,
    by: i64,
    at: DateTime<Utc>,
) -> Result<target::Model, DbErr> {
    let mut active = target::ActiveModel {
        version: Set(1),
        created_by: Set(by),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
        ..Default::default()
    };
    apply(&mut active, input);
    let id = target::Entity::insert(active)
        .exec(db)
        .await?
        .last_insert_id;
    let model = find(db, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("strategy target {id}")))?;
    record(db, &model, TargetAction::Created, by, at).await?;
    Ok(model)
}

/// Changes a target if it is still at `version`; `None` when it is not (or has gone).
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    input: &TargetInput,
    by: i64,
    at: DateTime<Utc>,
) -> Result<Option<target::Model>, DbErr> {
    let mut active = <target::ActiveModel as Default>::default();
    apply(&mut active, input);
    active.updated_at = Set(at);
    let result = target::Entity::update_many()
        .set(active)
        .col_expr(
            target::Column::Version,
            Expr::col(target::Column::Version).add(1),
        )
        .filter(target::Column::Id.eq(id))
        .filter(target::Column::Version.eq(version))
        .filter(target::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(None);
    }
    let model = find(db, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("strategy target {id}")))?;
    record(db, &model, TargetAction::Updated, by, at).await?;
    Ok(Some(model))
}

/// Removes a target if it is still at `version`, keeping its history; `false` when it is not.
pub async fn delete(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    by: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = target::Entity::update_many()
        .col_expr(target::Column::DeletedAt, Expr::value(at))
        .col_expr(target::Column::UpdatedAt, Expr::value(at))
        .col_expr(
            target::Column::Version,
            Expr::col(target::Column::Version).add(1),
        )
        .filter(target::Column::Id.eq(id))
        .filter(target::Column::Version.eq(version))
        .filter(target::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    let model = target::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("strategy target {id}")))?;
    record(db, &model, TargetAction::Deleted, by, at).await?;
    Ok(true)
}

/// A target's history, newest change first, with who made each change.
pub async fn history(db: &impl ConnectionTrait, id: i64) -> Result<Vec<TargetChange>, DbErr> {
    let changes = change::Entity::find()
        .filter(change::Column::TargetId.eq(id))
        .order_by_desc(change::Column::Version)
        .order_by_desc(change::Column::Id)
        .all(db)
        .await?;
    let people: Vec<i64> = changes.iter().map(|c| c.changed_by).collect();
    let names: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(changes
        .into_iter()
        .map(|c| TargetChange {
            action: c.action,
            version: c.version,
            definition: TargetDefinition {
                organisation_id: c.organisation_id,
                metric: c.metric,
                comparator: c.comparator,
                value: c.value,
                per: c.per,
                period_from: c.period_from,
                period_to: c.period_to,
                label: c.label,
            },
            changed_by: c.changed_by,
            changed_by_name: names.get(&c.changed_by).cloned().unwrap_or_default(),
            changed_at: c.changed_at,
        })
        .collect())
}
