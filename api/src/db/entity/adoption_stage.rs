use sea_orm::entity::prelude::*;

/// A stage an adoption reached, on `stage_on`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "adoption_stages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub adoption_id: i64,
    pub stage: qi_shared::spread::AdoptionStage,
    pub stage_on: Date,
    pub note: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
