//! A webhook's signing secret can be replaced in place (issue 18): the new one signs at once,
//! and the previous one signs beside it until `previous_secret_until`, so a receiver has time
//! to take up the new secret without refusing a delivery.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("webhooks")
                    .add_column(string_len_null("previous_secret", 100))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("webhooks")
                    .add_column(timestamp_with_time_zone_null("previous_secret_until"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["previous_secret", "previous_secret_until"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("webhooks")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
