use sea_orm::entity::prelude::*;

/// A project's spread level set by hand from `set_at` (`level` none: withdrawn, the adoptions
/// tell it again).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "spread_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub level: Option<qi_shared::project::Spread>,
    pub reason: String,
    pub set_by: Option<i64>,
    pub set_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
