use sea_orm::entity::prelude::*;

/// A programme's measure: the system's figure pooled from its projects' like measures.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_measures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programme_id: i64,
    pub name: String,
    pub definition: String,
    pub unit: qi_shared::measure::Unit,
    pub rate_per: Option<i64>,
    pub improvement_direction: qi_shared::spc::ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: qi_shared::measure::Frequency,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
