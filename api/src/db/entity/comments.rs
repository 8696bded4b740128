//! Entities of comments on projects, their cycles and measures, and whom they mention.

/// A comment, a reply or an offer of help.
pub mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub parent_id: Option<i64>,
        pub cycle_id: Option<i64>,
        pub measure_id: Option<i64>,
        pub author_id: i64,
        pub kind: qi_shared::comment::CommentKind,
        pub offer_status: Option<qi_shared::comment::OfferStatus>,
        /// Empty once deleted.
        pub body: String,
        pub created_at: DateTimeUtc,
        pub edited_at: Option<DateTimeUtc>,
        pub deleted_at: Option<DateTimeUtc>,
        pub hidden_by: Option<i64>,
        pub hidden_reason: Option<String>,
        pub hidden_at: Option<DateTimeUtc>,
        pub published: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A person a comment mentions.
pub mod mention {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comment_mentions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub comment_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
