//! Dated places (issue 15: "add dates where a fact lacks them"): when an enrolment was given a
//! place (on enrolling, or from the waiting list) and when it was given up, so the dashboard
//! counts places allocated and taken as of any past day. Both null for rows written before:
//! read as "placed when created" for those holding a place now, and never placed for the rest.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column at a time: SQLite alters a table one change per statement.
        for column in ["placed_at", "withdrawn_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("enrolments")
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["withdrawn_at", "placed_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("enrolments")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
