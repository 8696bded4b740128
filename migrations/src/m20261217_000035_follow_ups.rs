//! "Did it last?" (issue 19): a completed project's follow-ups at 6 and 12 months, each
//! recorded once for a completion (and corrected in place) with the day it was judged, what the
//! team found and the check of its measures as it stood then; and the reminders sent to its
//! leads, one for each follow-up, whichever node sends it.
//!
//! A follow-up belongs to the completion it follows (`completed_on`): a project reopened and
//! completed again is followed up afresh, and what was found after the first completion stays
//! with that one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    action: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(action)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table("project_follow_ups")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(string_len("point", 16))
                    .col(date("completed_on"))
                    .col(date("recorded_on"))
                    .col(string_len("outcome", 16))
                    .col(text("note"))
                    // The check of the measures as it stood (`qi_shared::follow_up::FollowUpCheck`
                    // as JSON): a record of what the data said then, never read back into rows.
                    .col(text("measure_check"))
                    .col(big_integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut foreign(
                        "project_follow_ups",
                        "project_id",
                        "projects",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "project_follow_ups",
                        "recorded_by",
                        "people",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_follow_ups_once")
                    .table("project_follow_ups")
                    .col("project_id")
                    .col("point")
                    .col("completed_on")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("follow_up_reminders")
                    .col(big_integer("project_id"))
                    .col(string_len("point", 16))
                    .col(date("due_on"))
                    .col(timestamp_with_time_zone("sent_at"))
                    .primary_key(Index::create().col("project_id").col("point").col("due_on"))
                    .foreign_key(&mut foreign(
                        "follow_up_reminders",
                        "project_id",
                        "projects",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("follow_up_reminders").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("project_follow_ups").to_owned())
            .await
    }
}
