use chrono::{DateTime, Utc};
use qi_shared::dashboard::{
    Metric,
    target::{Comparator, TargetPer},
};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "strategy_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None`: the partnership's own.
    pub organisation_id: Option<i64>,
    pub metric: Metric,
    pub comparator: Comparator,
    pub value: f64,
    pub per: TargetPer,
    pub period_from: Date,
    pub period_to: Date,
    pub label: String,
    pub version: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Removed: kept for its history, shown nowhere else.
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
