//! Calls for submissions and awards (issue 17): an event's call with its rubric, the teams'
//! submissions and their files, the reviewers the organiser assigns with their scores, and the
//! awards.
//!
//! A submission's file lives in the object store (`crate::storage` of the API); the row keeps
//! its key, name, type and size. A review is the assignment row once scored (`reviewed_at`),
//! so a reviewer scores only what they were assigned.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(
    table: &'static str,
    column: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A column naming an event's call (whose key is the event's).
fn of_call(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "event_id")
        .to("event_calls", "event_id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("event_calls")
                    .col(big_integer("event_id").primary_key())
                    .col(text("intro"))
                    // The kinds it takes, as their wire names joined by commas.
                    .col(string_len("kinds", 100))
                    .col(timestamp_with_time_zone("deadline"))
                    .col(timestamp_with_time_zone_null("review_closed_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut cascade("event_calls", "event_id", "events"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("call_criteria")
                    .col(big_pk_auto("id"))
                    .col(big_integer("event_id"))
                    .col(integer("position"))
                    .col(string_len("name", 100))
                    .col(string_len("description", 500))
                    .col(integer("weight"))
                    .foreign_key(&mut of_call("call_criteria"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("submissions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("event_id"))
                    .col(big_integer("project_id"))
                    .col(string_len("kind", 20))
                    .col(string_len("title", 200))
                    .col(text("abstract"))
                    .col(big_integer("submitted_by"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string_len_null("file_key", 200))
                    .col(string_len_null("file_name", 200))
                    .col(string_len_null("file_type", 50))
                    .col(big_integer_null("file_bytes"))
                    .col(timestamp_with_time_zone_null("file_uploaded_at"))
                    .col(boolean("shortlisted"))
                    .foreign_key(&mut of_call("submissions"))
                    .foreign_key(&mut cascade("submissions", "project_id", "projects"))
                    .foreign_key(&mut cascade("submissions", "submitted_by", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("submissions_one_per_project_and_kind")
                    .table("submissions")
                    .col("event_id")
                    .col("project_id")
                    .col("kind")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("submission_reviewers")
                    .col(big_integer("submission_id"))
                    .col(big_integer("person_id"))
                    .col(timestamp_with_time_zone("assigned_at"))
                    .col(text("comment"))
                    .col(double_null("score"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .primary_key(Index::create().col("submission_id").col("person_id"))
                    .foreign_key(&mut cascade(
                        "submission_reviewers",
                        "submission_id",
                        "submissions",
                    ))
                    .foreign_key(&mut cascade("submission_reviewers", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("submission_reviewers_by_person")
                    .table("submission_reviewers")
                    .col("person_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("review_scores")
                    .col(big_integer("submission_id"))
                    .col(big_integer("person_id"))
                    .col(big_integer("criterion_id"))
                    .col(integer("score"))
                    .primary_key(
                        Index::create()
                            .col("submission_id")
                            .col("person_id")
                            .col("criterion_id"),
                    )
                    .foreign_key(&mut cascade(
                        "review_scores",
                        "submission_id",
                        "submissions",
                    ))
                    .foreign_key(&mut cascade(
                        "review_scores",
                        "criterion_id",
                        "call_criteria",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("awards")
                    .col(big_pk_auto("id"))
                    .col(big_integer("event_id"))
                    .col(big_integer("submission_id"))
                    .col(string_len("category", 100))
                    .col(string_len("level", 20))
                    .col(timestamp_with_time_zone("awarded_at"))
                    .foreign_key(&mut of_call("awards"))
                    .foreign_key(&mut cascade("awards", "submission_id", "submissions"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("awards_one_per_submission_and_category")
                    .table("awards")
                    .col("submission_id")
                    .col("category")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "awards",
            "review_scores",
            "submission_reviewers",
            "submissions",
            "call_criteria",
            "event_calls",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
