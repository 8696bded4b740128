use sea_orm::entity::prelude::*;

/// A project in a programme.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
