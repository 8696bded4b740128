use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_change_ideas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub change_idea_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
