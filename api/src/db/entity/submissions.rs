//! Entities of calls for submissions, their reviews and awards.

/// An event's call for submissions.
pub mod call {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_calls")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: i64,
        pub intro: String,
        /// The kinds it takes, as their wire names joined by commas.
        pub kinds: String,
        pub deadline: DateTimeUtc,
        pub review_closed_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One criterion of a call's rubric.
pub mod criterion {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "call_criteria")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub position: i32,
        pub name: String,
        pub description: String,
        pub weight: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A team's submission to a call.
pub mod submission {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "submissions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub project_id: i64,
        pub kind: qi_shared::event::submission::SubmissionKind,
        pub title: String,
        #[sea_orm(column_name = "abstract")]
        pub abstract_text: String,
        pub submitted_by: i64,
        pub submitted_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The file's key in the object store.
        pub file_key: Option<String>,
        pub file_name: Option<String>,
        pub file_type: Option<String>,
        pub file_bytes: Option<i64>,
        pub file_uploaded_at: Option<DateTimeUtc>,
        pub shortlisted: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A reviewer assigned to a submission, and their review once scored.
pub mod reviewer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "submission_reviewers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub submission_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        pub assigned_at: DateTimeUtc,
        pub comment: String,
        /// The review's weighted score out of 5, once scored.
        pub score: Option<f64>,
        pub reviewed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A reviewer's score against one criterion.
pub mod score {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_scores")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub submission_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub criterion_id: i64,
        pub score: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An award given to a submission.
pub mod award {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "awards")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub submission_id: i64,
        pub category: String,
        pub level: qi_shared::event::submission::AwardLevel,
        pub awarded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
