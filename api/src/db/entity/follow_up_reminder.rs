use sea_orm::entity::prelude::*;

/// A reminder sent to a project's leads of a follow-up due on `due_on`: one row, one reminder.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "follow_up_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub point: qi_shared::follow_up::FollowUpPoint,
    #[sea_orm(primary_key, auto_increment = false)]
    pub due_on: Date,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
