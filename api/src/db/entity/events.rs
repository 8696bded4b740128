//! Entities of the events tables.

/// A workshop series.
pub mod series {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_series")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub description: String,
        pub organiser_organisation_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An event.
pub mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub kind: qi_shared::event::EventKind,
        pub description: String,
        pub organiser_organisation_id: i64,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub venue: String,
        pub online_link: String,
        pub capacity: i32,
        pub audience: qi_shared::event::Audience,
        pub counts_as_training: bool,
        pub series_id: Option<i64>,
        /// Goes up with each booking: the next booking's place in the queue.
        pub book_seq: i64,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod event_tag {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_tags")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub tag: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A booking: by a person of the partnership, or by a guest.
pub mod booking {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_bookings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub person_id: Option<i64>,
        pub organisation_id: Option<i64>,
        pub guest_name: Option<String>,
        /// Lower case.
        pub guest_email: Option<String>,
        pub status: qi_shared::event::BookingStatus,
        pub seq: i64,
        pub attended: bool,
        pub cancel_token_hash: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub placed_at: Option<DateTimeUtc>,
        pub cancelled_at: Option<DateTimeUtc>,
        /// When the attendee was asked for feedback (migration 25).
        pub feedback_asked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An event's feedback form.
pub mod feedback_form {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_feedback_forms")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: i64,
        pub anonymous: bool,
        /// A JSON array of strings.
        pub questions: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// That a booking's holder has answered (kept apart from the answer).
pub mod feedback_given {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_feedback_given")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub booking_id: i64,
        pub event_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An answer to an event's feedback form.
pub mod feedback_answer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_feedback_answers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        /// None on an anonymous form.
        pub respondent_name: Option<String>,
        pub rating: i32,
        pub different: String,
        /// A JSON array of strings.
        pub answers: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
