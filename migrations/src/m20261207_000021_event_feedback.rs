//! Feedback after an event (issue 17): the organiser's form, and the answers.
//!
//! Who has answered (`event_feedback_given`, one row per booking) is kept apart from what was
//! answered (`event_feedback_answers`, which names the respondent only on a form that is not
//! anonymous), so an anonymous answer cannot be joined back to its attendee.

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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("event_feedback_forms")
                    .col(big_integer("event_id").primary_key())
                    .col(boolean("anonymous"))
                    // The organiser's questions, as a JSON array of strings.
                    .col(text("questions"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut cascade("event_feedback_forms", "event_id", "events"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_feedback_given")
                    .col(big_integer("booking_id").primary_key())
                    .col(big_integer("event_id"))
                    .foreign_key(&mut cascade(
                        "event_feedback_given",
                        "booking_id",
                        "event_bookings",
                    ))
                    .foreign_key(&mut cascade("event_feedback_given", "event_id", "events"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_feedback_answers")
                    .col(big_pk_auto("id"))
                    .col(big_integer("event_id"))
                    .col(string_len_null("respondent_name", 200))
                    .col(integer("rating"))
                    .col(text("different"))
                    // An answer per question, as a JSON array of strings.
                    .col(text("answers"))
                    .foreign_key(&mut cascade("event_feedback_answers", "event_id", "events"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_feedback_answers_by_event")
                    .table("event_feedback_answers")
                    .col("event_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "event_feedback_answers",
            "event_feedback_given",
            "event_feedback_forms",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
