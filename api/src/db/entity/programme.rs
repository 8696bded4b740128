use sea_orm::entity::prelude::*;

/// A programme (`qi_shared::programme`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "programmes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub aim: String,
    pub description: String,
    pub lead_person_id: i64,
    /// The lead's organisation when they were made lead.
    pub lead_organisation_id: i64,
    pub status: qi_shared::programme::ProgrammeStatus,
    pub started_on: Date,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
