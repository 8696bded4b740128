//! Training: courses, cohorts, shared places, sessions, enrolments and attendance.
//!
//! TEMPORARY: only the contract's columns, so the capability code can be tested before the
//! training helper's migration is merged. Drop this file's change at merge.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("courses")
                    .col(big_pk_auto("id"))
                    .col(string_len("title", 200))
                    .col(string_len("tier", 16))
                    .col(big_integer("provider_organisation_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cohorts")
                    .col(big_pk_auto("id"))
                    .col(big_integer("course_id"))
                    .col(string_len("name", 200))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cohort_sessions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("cohort_id"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("enrolments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("cohort_id"))
                    .col(big_integer("person_id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("status", 16))
                    .col(date_null("completed_on"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("enrolments_by_person")
                    .table("enrolments")
                    .col("person_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("attendance")
                    .col(big_integer("session_id"))
                    .col(big_integer("person_id"))
                    .col(boolean("present"))
                    .primary_key(Index::create().col("session_id").col("person_id"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "attendance",
            "enrolments",
            "cohort_sessions",
            "cohorts",
            "courses",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
