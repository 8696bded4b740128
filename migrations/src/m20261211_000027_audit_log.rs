//! The audit log (issue 18): one row for each write that succeeded and each data export, kept
//! for good. No foreign keys: an entry outlives the person, token or organisation it names, and
//! nothing cascades into it. Read newest first, by the actor's organisation, person or token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(big_integer_null("person_id"))
                    .col(big_integer_null("api_token_id"))
                    .col(big_integer_null("organisation_id"))
                    .col(string_len_null("client", 45))
                    .col(string_len("method", 10))
                    .col(string_len("operation", 300))
                    .col(text("path"))
                    .col(text_null("query"))
                    .col(string_len_null("object_type", 50))
                    .col(big_integer_null("object_id"))
                    .col(small_integer("status"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("audit_log_by_organisation", "organisation_id"),
            ("audit_log_by_person", "person_id"),
            ("audit_log_by_token", "api_token_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("audit_log")
                        .col(column)
                        .col("id")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("audit_log").to_owned())
            .await
    }
}
