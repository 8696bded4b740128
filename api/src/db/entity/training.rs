//! Entities of the training tables.

/// A course at a tier, run by a provider organisation.
pub mod course {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "courses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub tier: qi_shared::capability::Tier,
        pub description: String,
        pub provider_organisation_id: i64,
        pub length_hours: f64,
        pub delivery: qi_shared::training::Delivery,
        pub attendance_percent: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A cohort (wave) of a course.
pub mod cohort {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cohorts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub course_id: i64,
        pub name: String,
        pub start_date: Date,
        pub end_date: Date,
        pub venue: String,
        pub online_link: String,
        pub capacity: i32,
        pub partnership_wide: bool,
        pub places_released: bool,
        pub enrol_seq: i64,
        pub created_at: DateTimeUtc,
        pub version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cohort_facilitator {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cohort_facilitators")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub cohort_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cohort_allocation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cohort_allocations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub cohort_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: i64,
        pub places: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cohort_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cohort_sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cohort_id: i64,
        pub title: String,
        pub starts_at: DateTimeUtc,
        pub length_minutes: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod enrolment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "enrolments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cohort_id: i64,
        pub person_id: i64,
        pub organisation_id: i64,
        pub status: qi_shared::training::EnrolmentStatus,
        pub seq: i64,
        pub completed_on: Option<Date>,
        pub enrolled_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// When it was given a place; `None`: on the waiting list, or placed before the day
        /// was kept (then `created_at`, if it holds a place).
        pub placed_at: Option<DateTimeUtc>,
        /// When the place was given up.
        pub withdrawn_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attendance {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attendance")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub session_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        pub present: bool,
        pub recorded_by: i64,
        pub recorded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
