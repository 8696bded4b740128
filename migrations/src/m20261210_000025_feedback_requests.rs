//! Asking attendees for feedback (issue 17): when each booking's holder was asked, so that each
//! is asked once, by one node, and guests (who have no account) are asked by email at all.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("event_bookings")
                    .add_column(timestamp_with_time_zone_null("feedback_asked_at"))
                    .to_owned(),
            )
            .await?;
        // Those who attended events that ended before this migration are not asked now.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE event_bookings SET feedback_asked_at = updated_at WHERE attended = TRUE",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("event_bookings")
                    .drop_column("feedback_asked_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
