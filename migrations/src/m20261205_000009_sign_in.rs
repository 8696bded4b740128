//! Sign-in hardening (issue 14, items 6 and 7).
//!
//! - `people.access_stamp`: a number bumped whenever what an access token says about a person
//!   stops being true (deactivated, roles or organisation changed). Access tokens carry the stamp
//!   they were signed with, and a token whose stamp is behind the person's is refused.
//! - `refresh_tokens.session_started_at`: when the sign-in that began a refresh family happened,
//!   carried from token to token, so a session has an absolute end however often it is refreshed.

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
                    .add_column(big_integer("access_stamp").default(0))
                    .to_owned(),
            )
            .await?;
        // Nullable, because SQLite cannot add a NOT NULL column without a constant default; the
        // statement below fills every existing row and the server always sets it.
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .add_column(timestamp_with_time_zone_null("session_started_at"))
                    .to_owned(),
            )
            .await?;
        // A family's earliest token was issued at its sign-in.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE refresh_tokens SET session_started_at = \
                 (SELECT MIN(f.created_at) FROM refresh_tokens f WHERE f.family = refresh_tokens.family)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .drop_column("session_started_at")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("people")
                    .drop_column("access_stamp")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
