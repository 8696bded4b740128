//! Entities of the bulletin: an issue and its sections.

/// An issue of the bulletin.
pub mod bulletin {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "bulletins")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// None: the partnership's.
        pub organisation_id: Option<i64>,
        pub title: String,
        pub summary: String,
        pub status: qi_shared::bulletin::BulletinStatus,
        pub published_at: Option<DateTimeUtc>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A section of an issue.
pub mod section {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "bulletin_sections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub bulletin_id: i64,
        pub position: i32,
        pub kind: qi_shared::bulletin::SectionKind,
        pub heading: String,
        pub body: String,
        /// The projects or events picked, as ids joined by commas, in order.
        pub items: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
