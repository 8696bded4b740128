//! Mail, notifications and account self-service (issue 16): the mail outbox, written in the
//! same transaction as the change a message tells of and delivered by a background worker; each
//! person's in-app notifications and their choice of channel per kind; and the single-use tokens
//! of a password reset and an email change, stored as SHA-256 hashes like every other token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_people(table: &'static str, column: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to("people", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A token table: one person, a hashed token, when it expires and when it was used.
fn token_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(big_pk_auto("id"))
        .col(big_integer("person_id"))
        .col(string_len_uniq("token_hash", 64))
        .col(timestamp_with_time_zone("expires_at"))
        .col(timestamp_with_time_zone_null("used_at"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut to_people(name, "person_id"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("mail_outbox")
                    .col(big_pk_auto("id"))
                    // Null for an address with no account yet (never: an invitation's person
                    // exists) or a person since deleted.
                    .col(big_integer_null("person_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("to_address", 320))
                    .col(text("subject"))
                    .col(text("text_body"))
                    .col(text("html_body"))
                    // The same on every attempt, so a receiver can recognise a message sent
                    // twice (after a crash between sending and recording it).
                    .col(string_len_uniq("message_id", 200))
                    .col(string_len("status", 16))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    // While a worker sends it: another takes it over only after this.
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("mail_outbox", "person_id")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_due")
                    .table("mail_outbox")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(string_len("kind", 32))
                    .col(text("subject"))
                    .col(text("summary"))
                    // The app's address the notification is about (`/projects/12`).
                    .col(text("link"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .foreign_key(&mut to_people("notifications", "person_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_by_person")
                    .table("notifications")
                    .col("person_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notification_settings")
                    .col(big_integer("person_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("channel", 16))
                    .primary_key(Index::create().col("person_id").col("kind"))
                    .foreign_key(&mut to_people("notification_settings", "person_id"))
                    .to_owned(),
            )
            .await?;
        manager.create_table(token_table("password_resets")).await?;
        manager
            .create_table(
                token_table("email_changes")
                    .col(string_len("new_email", 320))
                    .to_owned(),
            )
            .await?;
        // When a person last had data-due reminders and a weekly digest, so each goes once.
        manager
            .create_table(
                Table::create()
                    .table("notification_runs")
                    .col(string_len("job", 32))
                    .col(date("period"))
                    .col(timestamp_with_time_zone("ran_at"))
                    .primary_key(Index::create().col("job").col("period"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "notification_runs",
            "email_changes",
            "password_resets",
            "notification_settings",
            "notifications",
            "mail_outbox",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
