use chrono::{DateTime, Utc};
use qi_shared::dashboard::{
    Metric,
    target::{Comparator, TargetAction, TargetPer},
};
use sea_orm::entity::prelude::*;

/// One change of a strategy target: what it was after the change.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_target_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub target_id: i64,
    pub action: TargetAction,
    pub version: i64,
    pub organisation_id: Option<i64>,
    pub metric: Metric,
    pub comparator: Comparator,
    pub value: f64,
    pub per: TargetPer,
    pub period_from: Date,
    pub period_to: Date,
    pub label: String,
    pub changed_by: i64,
    pub changed_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
