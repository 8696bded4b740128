use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub email: String,
    pub email_normalised: String,
    pub organisation_id: i64,
    pub job_role: String,
    /// What they can help with, one item a line.
    pub expertise: String,
    pub status: qi_shared::person::PersonStatus,
    pub password_hash: Option<String>,
    /// Bumped when what an access token says about the person stops being true.
    pub access_stamp: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
    #[sea_orm(has_many = "super::person_role::Entity")]
    PersonRole,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::person_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PersonRole.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
