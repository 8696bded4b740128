use sea_orm::entity::prelude::*;

/// A project's involvement, sustainability, savings and spread from `changed_at` on.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "project_attribute_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub involvement: bool,
    pub sustainability: bool,
    pub co2e_kg_per_year: Option<f64>,
    pub money_per_year: Option<f64>,
    pub spread: qi_shared::project::Spread,
    pub changed_by: i64,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
