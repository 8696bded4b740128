use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "measures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub measure_type: qi_shared::measure::MeasureType,
    pub operational_definition: String,
    pub unit: qi_shared::measure::Unit,
    pub rate_per: Option<i64>,
    pub numerator_definition: String,
    pub denominator_definition: String,
    pub improvement_direction: qi_shared::spc::ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: qi_shared::measure::Frequency,
    pub version: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
