//! Training: courses, cohorts, shared places, sessions, enrolments and attendance.
//!
//! The capability tiers read `courses`, `cohorts`, `cohort_sessions`, `enrolments` and
//! `attendance` with plain SQL: keep those names and columns.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign_key(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(name: &str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("courses")
                    .col(big_pk_auto("id"))
                    .col(string_len("title", 200))
                    .col(string_len("tier", 8))
                    .col(text("description"))
                    .col(big_integer("provider_organisation_id"))
                    .col(double("length_hours"))
                    .col(string_len("delivery", 16))
                    .col(integer("attendance_percent"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "courses",
                        "provider_organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "courses_by_provider",
                "courses",
                &["provider_organisation_id"],
            ))
            .await?;
        manager
            .create_index(index("courses_by_tier", "courses", &["tier", "title"]))
            .await?;
        manager
            .create_index(index("courses_by_title", "courses", &["title"]))
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
                    .col(string_len("venue", 300))
                    .col(string_len("online_link", 500))
                    .col(integer("capacity"))
                    .col(boolean("partnership_wide"))
                    .col(boolean("places_released"))
                    // The last waiting-list number given out; enrolments take the next under the
                    // cohort's lock.
                    .col(big_integer("enrol_seq"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "cohorts",
                        "course_id",
                        "courses",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "cohorts_by_course",
                "cohorts",
                &["course_id", "start_date"],
            ))
            .await?;
        manager
            .create_index(index("cohorts_by_end", "cohorts", &["end_date"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cohort_facilitators")
                    .col(big_integer("cohort_id"))
                    .col(big_integer("person_id"))
                    .primary_key(Index::create().col("cohort_id").col("person_id"))
                    .foreign_key(&mut foreign_key(
                        "cohort_facilitators",
                        "cohort_id",
                        "cohorts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "cohort_facilitators",
                        "person_id",
                        "people",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "cohort_facilitators_by_person",
                "cohort_facilitators",
                &["person_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cohort_allocations")
                    .col(big_integer("cohort_id"))
                    .col(big_integer("organisation_id"))
                    .col(integer("places"))
                    .primary_key(Index::create().col("cohort_id").col("organisation_id"))
                    .foreign_key(&mut foreign_key(
                        "cohort_allocations",
                        "cohort_id",
                        "cohorts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "cohort_allocations",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cohort_sessions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("cohort_id"))
                    .col(string_len("title", 200))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(integer("length_minutes"))
                    .foreign_key(&mut foreign_key(
                        "cohort_sessions",
                        "cohort_id",
                        "cohorts",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "cohort_sessions_by_cohort",
                "cohort_sessions",
                &["cohort_id", "starts_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("enrolments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("cohort_id"))
                    .col(big_integer("person_id"))
                    // The person's organisation when they enrolled: the allocation it counts against.
                    .col(big_integer("organisation_id"))
                    .col(string_len("status", 16))
                    // Order of asking: the waiting list is in this order.
                    .col(big_integer("seq"))
                    .col(date_null("completed_on"))
                    .col(big_integer("enrolled_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "enrolments",
                        "cohort_id",
                        "cohorts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "enrolments",
                        "person_id",
                        "people",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "enrolments",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "enrolments_one_per_person",
                    "enrolments",
                    &["cohort_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "enrolments_by_status",
                "enrolments",
                &["cohort_id", "status", "seq"],
            ))
            .await?;
        manager
            .create_index(index(
                "enrolments_by_person",
                "enrolments",
                &["person_id", "completed_on"],
            ))
            .await?;
        manager
            .create_index(index(
                "enrolments_by_organisation",
                "enrolments",
                &["organisation_id", "completed_on"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("attendance")
                    .col(big_integer("session_id"))
                    .col(big_integer("person_id"))
                    .col(boolean("present"))
                    .col(big_integer("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .primary_key(Index::create().col("session_id").col("person_id"))
                    .foreign_key(&mut foreign_key(
                        "attendance",
                        "session_id",
                        "cohort_sessions",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "attendance",
                        "person_id",
                        "people",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("attendance_by_person", "attendance", &["person_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "attendance",
            "enrolments",
            "cohort_sessions",
            "cohort_allocations",
            "cohort_facilitators",
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
