//! Comments and peer support (issue 17): threads on a project, one of its PDSA cycles or one of
//! its measures; who each comment mentions; offers of help and their answers; comments hidden
//! with a reason, or published to the public library.
//!
//! A deleted comment keeps its row (without its text) while it heads a thread with replies, so
//! the replies keep their place.

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
                    .table("comments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(big_integer_null("parent_id"))
                    .col(big_integer_null("cycle_id"))
                    .col(big_integer_null("measure_id"))
                    .col(big_integer("author_id"))
                    .col(string_len("kind", 20))
                    .col(string_len_null("offer_status", 20))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("edited_at"))
                    .col(timestamp_with_time_zone_null("deleted_at"))
                    .col(big_integer_null("hidden_by"))
                    .col(string_len_null("hidden_reason", 500))
                    .col(timestamp_with_time_zone_null("hidden_at"))
                    .col(boolean("published"))
                    .foreign_key(&mut cascade("comments", "project_id", "projects"))
                    .foreign_key(&mut cascade("comments", "parent_id", "comments"))
                    .foreign_key(&mut cascade("comments", "cycle_id", "pdsa_cycles"))
                    .foreign_key(&mut cascade("comments", "measure_id", "measures"))
                    .foreign_key(&mut cascade("comments", "author_id", "people"))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .from("comments", "hidden_by")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::SetNull)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        // A project's threads newest first, and each thread's replies.
        manager
            .create_index(
                Index::create()
                    .name("comments_by_project")
                    .table("comments")
                    .col("project_id")
                    .col("parent_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comments_by_parent")
                    .table("comments")
                    .col("parent_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("comment_mentions")
                    .col(big_integer("comment_id"))
                    .col(big_integer("person_id"))
                    .primary_key(Index::create().col("comment_id").col("person_id"))
                    .foreign_key(&mut cascade("comment_mentions", "comment_id", "comments"))
                    .foreign_key(&mut cascade("comment_mentions", "person_id", "people"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["comment_mentions", "comments"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
