//! Strategy targets (issue 15, item 2): the partnership's and each organisation's targets on
//! the dashboard's metrics, and every change to them. A removed target keeps its row (marked
//! `deleted_at`) so its history stays whole.

use sea_orm_migration::{prelude::*, schema::*};

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

/// The columns a target and each change of it share: the definition.
fn definition(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        // `null`: the partnership's own target.
        .col(big_integer_null("organisation_id"))
        .col(string_len("metric", 64))
        .col(string_len("comparator", 16))
        .col(double("value"))
        .col(string_len("per", 16))
        .col(date("period_from"))
        .col(date("period_to"))
        .col(text("label"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                definition(
                    Table::create()
                        .table("strategy_targets")
                        .col(big_pk_auto("id")),
                )
                .col(big_integer("version"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut foreign_key(
                    "strategy_targets",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "strategy_targets",
                    "created_by",
                    "people",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("strategy_targets_by_scope")
                    .table("strategy_targets")
                    .col("organisation_id")
                    .col("metric")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                definition(
                    Table::create()
                        .table("strategy_target_changes")
                        .col(big_pk_auto("id"))
                        .col(big_integer("target_id"))
                        .col(string_len("action", 16))
                        .col(big_integer("version")),
                )
                .col(big_integer("changed_by"))
                .col(timestamp_with_time_zone("changed_at"))
                .foreign_key(&mut foreign_key(
                    "strategy_target_changes",
                    "target_id",
                    "strategy_targets",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "strategy_target_changes",
                    "changed_by",
                    "people",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("strategy_target_changes_by_target")
                    .table("strategy_target_changes")
                    .col("target_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("strategy_target_changes").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("strategy_targets").to_owned())
            .await
    }
}
