//! The "Sharing the Learning" bulletin (issue 17): an issue for the partnership (no
//! organisation) or one organisation, a draft until published, and its sections in order.

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
                    .table("bulletins")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("organisation_id"))
                    .col(string_len("title", 200))
                    .col(string_len("summary", 500))
                    .col(string_len("status", 20))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut cascade(
                        "bulletins",
                        "organisation_id",
                        "organisations",
                    ))
                    .foreign_key(&mut cascade("bulletins", "created_by", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("bulletins_by_status")
                    .table("bulletins")
                    .col("status")
                    .col("published_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("bulletin_sections")
                    .col(big_pk_auto("id"))
                    .col(big_integer("bulletin_id"))
                    .col(integer("position"))
                    .col(string_len("kind", 20))
                    .col(string_len("heading", 200))
                    .col(text("body"))
                    // The projects or events picked, as ids joined by commas, in order.
                    .col(string_len("items", 400))
                    .foreign_key(&mut cascade(
                        "bulletin_sections",
                        "bulletin_id",
                        "bulletins",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("bulletin_sections_by_bulletin")
                    .table("bulletin_sections")
                    .col("bulletin_id")
                    .col("position")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bulletin_sections", "bulletins"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
