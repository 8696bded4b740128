use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub problem: String,
    pub aim: String,
    pub lead_organisation_id: i64,
    pub start_date: Option<Date>,
    pub expected_end_date: Option<Date>,
    pub status: qi_shared::project::ProjectStatus,
    pub involvement: bool,
    pub involvement_how: String,
    pub sustainability: bool,
    pub sustainability_description: String,
    pub co2e_kg_per_year: Option<f64>,
    pub money_per_year: Option<f64>,
    pub spread: qi_shared::project::Spread,
    pub visibility: qi_shared::project::Visibility,
    pub project_type: qi_shared::project::ProjectType,
    pub score_tenths: Option<i32>,
    pub search_text: String,
    pub version: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
