//! Events (issue 17): QI cafés, webinars, masterclasses, roadshows, workshop series and the
//! celebration event; bookings with a waiting list, guests from outside the partnership, and
//! attendance.
//!
//! A booking's `seq` is the event's `book_seq` when it was made: the waiting list's order. The
//! dashboard reads `events` and `event_bookings` with plain SQL: keep those names and columns.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign_key(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(name: &str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("event_series")
                    .col(big_pk_auto("id"))
                    .col(string_len("title", 200))
                    .col(text("description"))
                    .col(big_integer("organiser_organisation_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "event_series",
                        "organiser_organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("events")
                    .col(big_pk_auto("id"))
                    .col(string_len("title", 200))
                    .col(string_len("kind", 16))
                    .col(text("description"))
                    .col(big_integer("organiser_organisation_id"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(string_len("venue", 300))
                    .col(string_len("online_link", 500))
                    .col(integer("capacity"))
                    .col(string_len("audience", 16))
                    .col(boolean("counts_as_training"))
                    .col(big_integer_null("series_id"))
                    .col(big_integer("book_seq").default(0))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(big_integer("version").default(1))
                    .foreign_key(&mut foreign_key(
                        "events",
                        "organiser_organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "events",
                        "series_id",
                        "event_series",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("events_by_start", "events", &["starts_at"]))
            .await?;
        manager
            .create_index(index(
                "events_by_organiser",
                "events",
                &["organiser_organisation_id", "starts_at"],
            ))
            .await?;
        manager
            .create_index(index(
                "events_by_series",
                "events",
                &["series_id", "starts_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_tags")
                    .col(big_integer("event_id"))
                    .col(string_len("tag", 50))
                    .primary_key(Index::create().col("event_id").col("tag"))
                    .foreign_key(&mut foreign_key(
                        "event_tags",
                        "event_id",
                        "events",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "event_tags_by_tag",
                "event_tags",
                &["tag", "event_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_bookings")
                    .col(big_pk_auto("id"))
                    .col(big_integer("event_id"))
                    // A person of the partnership, or a guest (name and email, no account).
                    .col(big_integer_null("person_id"))
                    .col(big_integer_null("organisation_id"))
                    .col(string_len_null("guest_name", 200))
                    .col(string_len_null("guest_email", 254))
                    .col(string_len("status", 16))
                    .col(big_integer("seq"))
                    .col(boolean("attended").default(false))
                    // A guest's cancel link, stored hashed (SHA-256, hex).
                    .col(string_len_null("cancel_token_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("placed_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .foreign_key(&mut foreign_key(
                        "event_bookings",
                        "event_id",
                        "events",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "event_bookings",
                        "person_id",
                        "people",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "event_bookings_one_per_person",
                    "event_bookings",
                    &["event_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "event_bookings_one_per_guest",
                    "event_bookings",
                    &["event_id", "guest_email"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "event_bookings_by_cancel_token",
                    "event_bookings",
                    &["cancel_token_hash"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "event_bookings_by_person",
                "event_bookings",
                &["person_id", "event_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "event_bookings_by_event",
                "event_bookings",
                &["event_id", "status", "seq"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["event_bookings", "event_tags", "events", "event_series"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
