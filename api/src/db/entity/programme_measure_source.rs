use sea_orm::entity::prelude::*;

/// A project's measure pooled into a programme measure.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_measure_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_measure_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
