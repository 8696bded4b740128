//! The QI Commons database schema. The schema is only ever made by these migrations, which use
//! sea-query's portable helpers so the same steps build SQLite and PostgreSQL databases.
//!
//! A migration, once released, never changes: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_projects;
mod m20261123_000003_improvement;
mod m20261123_000004_project_search;
mod m20261123_000005_measures;
mod m20261201_000006_training;
mod m20261201_000007_capability;
mod m20261201_000008_training_versions;
mod m20261205_000009_sign_in;
mod m20261205_000010_team_invitations;
mod m20261205_000011_list_indexes;
mod m20261205_000012_projects_upkeep;
mod m20261205_000013_register_in_memory;
mod m20261205_000014_strategy_targets;
mod m20261205_000015_board_pack;
mod m20261206_000016_project_attribute_changes;
mod m20261206_000017_enrolment_dates;
mod m20261206_000018_mail_and_notifications;
mod m20261206_000019_mail_calendar;
mod m20261207_000020_events;
mod m20261207_000021_event_feedback;
mod m20261208_000022_submissions;
mod m20261209_000023_comments;
mod m20261209_000024_bulletins;
mod m20261210_000025_feedback_requests;
mod m20261210_000026_api_tokens;
mod m20261211_000027_audit_log;
mod m20261211_000028_changes;
mod m20261212_000029_webhooks;
mod m20261213_000030_changes_of_training_and_events;
mod m20261213_000031_webhook_secret_rotation;
mod m20261214_000032_people_expertise;
mod m20261215_000033_adoptions;
mod m20261216_000034_project_type_and_quality;
mod m20261217_000035_follow_ups;
mod m20261218_000036_programmes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_projects::Migration),
            Box::new(m20261123_000003_improvement::Migration),
            Box::new(m20261123_000004_project_search::Migration),
            Box::new(m20261123_000005_measures::Migration),
            Box::new(m20261201_000006_training::Migration),
            Box::new(m20261201_000007_capability::Migration),
            Box::new(m20261201_000008_training_versions::Migration),
            Box::new(m20261205_000009_sign_in::Migration),
            Box::new(m20261205_000010_team_invitations::Migration),
            Box::new(m20261205_000011_list_indexes::Migration),
            Box::new(m20261205_000012_projects_upkeep::Migration),
            Box::new(m20261205_000013_register_in_memory::Migration),
            Box::new(m20261205_000014_strategy_targets::Migration),
            Box::new(m20261205_000015_board_pack::Migration),
            Box::new(m20261206_000016_project_attribute_changes::Migration),
            Box::new(m20261206_000017_enrolment_dates::Migration),
            Box::new(m20261206_000018_mail_and_notifications::Migration),
            Box::new(m20261206_000019_mail_calendar::Migration),
            Box::new(m20261207_000020_events::Migration),
            Box::new(m20261207_000021_event_feedback::Migration),
            Box::new(m20261208_000022_submissions::Migration),
            Box::new(m20261209_000023_comments::Migration),
            Box::new(m20261209_000024_bulletins::Migration),
            Box::new(m20261210_000025_feedback_requests::Migration),
            Box::new(m20261210_000026_api_tokens::Migration),
            Box::new(m20261211_000027_audit_log::Migration),
            Box::new(m20261211_000028_changes::Migration),
            Box::new(m20261212_000029_webhooks::Migration),
            Box::new(m20261213_000030_changes_of_training_and_events::Migration),
            Box::new(m20261213_000031_webhook_secret_rotation::Migration),
            Box::new(m20261214_000032_people_expertise::Migration),
            Box::new(m20261215_000033_adoptions::Migration),
            Box::new(m20261216_000034_project_type_and_quality::Migration),
            Box::new(m20261217_000035_follow_ups::Migration),
            Box::new(m20261218_000036_programmes::Migration),
        ]
    }
}
