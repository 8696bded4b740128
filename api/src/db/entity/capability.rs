//! Entities of the capability tables.

/// The partnership's tier rules, as JSON (`qi_shared::capability::TierRules`).
pub mod tier_rule {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tier_rules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub partnership_id: i64,
        pub rules: String,
        pub updated_by: i64,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A tier set by hand for a person.
pub mod tier_override {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tier_overrides")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        pub tier: qi_shared::capability::Tier,
        pub reason: String,
        pub set_by: i64,
        pub set_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A stretch of time a person held a tier: `[valid_from, valid_to)`.
pub mod tier_period {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tier_periods")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub organisation_id: i64,
        pub tier: qi_shared::capability::Tier,
        /// A JSON array of sentences.
        pub reasons: String,
        pub source: qi_shared::capability::TierSource,
        pub valid_from: DateTimeUtc,
        pub valid_to: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A coach's session with a project team.
pub mod coaching_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "coaching_sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub coach_id: i64,
        pub held_on: Date,
        pub minutes: i32,
        pub model: qi_shared::capability::coaching::CoachingModel,
        pub notes: String,
        pub actions: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
