//! Webhooks (issue 18): an organisation's endpoints that receive the changes feed as signed HTTP
//! POSTs. `webhooks` is each registration, with its own position in the feed (moved in the same
//! transaction as the deliveries it fans out); `webhook_deliveries` is the outbox and the delivery
//! log in one: a row per event to send, its exact body, and how its attempts went.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhooks")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("name", 100))
                    .col(string_len("url", 2000))
                    // Comma-joined `ChangeType` wire names.
                    .col(string_len("change_types", 100))
                    // Kept readable: the server signs every delivery with it.
                    .col(string_len("secret", 100))
                    .col(boolean("enabled"))
                    .col(string_len_null("disabled_reason", 500))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    // The feed's (xid, id) after which this webhook has fanned out every change.
                    .col(big_integer("position_xid"))
                    .col(big_integer("position_id"))
                    // When its deliveries began failing without a success since.
                    .col(timestamp_with_time_zone_null("failing_since"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhooks", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhooks", "created_by")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhooks_by_organisation")
                    .table("webhooks")
                    .col("organisation_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(big_pk_auto("id"))
                    .col(big_integer("webhook_id"))
                    .col(string_len("kind", 16))
                    .col(text("body"))
                    .col(string_len("status", 16))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(integer_null("last_response_code"))
                    .col(string_len_null("last_error", 1000))
                    .col(big_integer_null("last_duration_ms"))
                    // The latest attempts (JSON: when, code, error, duration), for the log.
                    .col(text("tries"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("webhook_deliveries", "webhook_id")
                            .to("webhooks", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The log (newest first, one webhook's) and the worker's "oldest undelivered of each
        // webhook" both read a webhook's rows by id.
        manager
            .create_index(
                Index::create()
                    .name("webhook_deliveries_by_webhook")
                    .table("webhook_deliveries")
                    .col("webhook_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_deliveries_due")
                    .table("webhook_deliveries")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("webhook_deliveries").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("webhooks").to_owned())
            .await
    }
}
