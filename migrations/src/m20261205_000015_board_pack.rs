//! The board pack (issue 15, item 6): each row's line of narrative per scope and month, and the
//! project measures each scope's pack shows, in order. A scope is an organisation, or the
//! partnership as a whole (`organisation_id` null).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign_key(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    action: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(action)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("board_pack_narratives")
                    .col(big_pk_auto("id"))
                    // `null`: the partnership's pack.
                    .col(big_integer_null("organisation_id"))
                    // The month's first day.
                    .col(date("month"))
                    // `metric:<metric id>` or `measure:<measure id>`.
                    .col(string_len("row_key", 80))
                    .col(string_len("narrative", 300))
                    .col(big_integer("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "board_pack_narratives",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "board_pack_narratives",
                        "updated_by",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One narrative a row, scope and month. A null organisation would never clash in a
        // plain unique index (nulls are distinct in both databases), so the index is on the
        // organisation with the partnership as 0 (no organisation has id 0).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX board_pack_narratives_by_row ON board_pack_narratives \
                 (COALESCE(organisation_id, 0), month, row_key)",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("board_pack_measures")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("organisation_id"))
                    .col(big_integer("measure_id"))
                    .col(integer("position"))
                    .col(big_integer("chosen_by"))
                    .col(timestamp_with_time_zone("chosen_at"))
                    .foreign_key(&mut foreign_key(
                        "board_pack_measures",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "board_pack_measures",
                        "measure_id",
                        "measures",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "board_pack_measures",
                        "chosen_by",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("board_pack_measures_by_scope")
                    .table("board_pack_measures")
                    .col("organisation_id")
                    .col("position")
                    .to_owned(),
            )
            .await?;
        // A measure's removal cascades here; this index keeps that from scanning the table.
        manager
            .create_index(
                Index::create()
                    .name("board_pack_measures_by_measure")
                    .table("board_pack_measures")
                    .col("measure_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("board_pack_measures").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("board_pack_narratives").to_owned())
            .await
    }
}
