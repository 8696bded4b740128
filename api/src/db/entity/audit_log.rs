use sea_orm::entity::prelude::*;

/// One entry of the audit log: appended, never changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub person_id: Option<i64>,
    pub api_token_id: Option<i64>,
    /// The actor's organisation when the entry was written.
    pub organisation_id: Option<i64>,
    pub client: Option<String>,
    pub method: String,
    /// The route pattern, `/api/v1/projects/{id}`.
    pub operation: String,
    pub path: String,
    pub query: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
    pub status: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
