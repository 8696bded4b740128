//! What a person can help with (issue 19): a short list on their profile ("run charts", "Datix
//! data", "co-design with patients"), one item a line, so that colleagues find them by search.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("people")
                    .add_column(text("expertise").default(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("people")
                    .drop_column("expertise")
                    .to_owned(),
            )
            .await
    }
}
