use sea_orm::entity::prelude::*;

/// A completed project's follow-up at 6 or 12 months (`qi_shared::follow_up`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "project_follow_ups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub point: qi_shared::follow_up::FollowUpPoint,
    /// The completion it follows (the day, UK time).
    pub completed_on: Date,
    pub recorded_on: Date,
    pub outcome: qi_shared::follow_up::Lasting,
    pub note: String,
    /// The check of the measures as it stood, as JSON.
    pub measure_check: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
