use sea_orm::entity::prelude::*;

/// A partner organisation (or a unit in it), or someone outside the partnership, taking up a
/// project's or an outside innovation's changes.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "adoptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: Option<i64>,
    pub innovation_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub outside_adopter: Option<String>,
    pub unit: Option<String>,
    pub adopting_project_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
