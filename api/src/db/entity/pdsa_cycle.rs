use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pdsa_cycles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub change_idea_id: i64,
    pub sequence: i32,
    pub objective: String,
    pub questions: String,
    pub predictions: String,
    pub plan: String,
    pub data_to_collect: String,
    pub start_date: Option<Date>,
    pub what_happened: String,
    pub problems: String,
    pub study: String,
    pub act: Option<qi_shared::improvement::ActDecision>,
    pub next_step: String,
    pub end_date: Option<Date>,
    pub version: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
