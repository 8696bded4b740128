//! Measures of projects: their definitions, the change ideas they follow, their data points,
//! and the phase changes and annotations on their charts.

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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("measures")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(string_len("name", 200))
                    .col(string_len("measure_type", 16))
                    .col(text("operational_definition"))
                    .col(string_len("unit", 16))
                    .col(big_integer_null("rate_per"))
                    .col(text("numerator_definition"))
                    .col(text("denominator_definition"))
                    .col(string_len("improvement_direction", 16))
                    .col(double_null("target"))
                    .col(string_len("frequency", 16))
                    .col(big_integer("version"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "measures",
                        "project_id",
                        "projects",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("measures_by_project")
                    .table("measures")
                    .col("project_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;

        // A change idea taken out of the driver diagram just stops being linked.
        manager
            .create_table(
                Table::create()
                    .table("measure_change_ideas")
                    .col(big_integer("measure_id"))
                    .col(big_integer("change_idea_id"))
                    .primary_key(Index::create().col("measure_id").col("change_idea_id"))
                    .foreign_key(&mut foreign_key(
                        "measure_change_ideas",
                        "measure_id",
                        "measures",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "measure_change_ideas",
                        "change_idea_id",
                        "driver_nodes",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("measure_change_ideas_by_change_idea")
                    .table("measure_change_ideas")
                    .col("change_idea_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("measure_points")
                    .col(big_pk_auto("id"))
                    .col(big_integer("measure_id"))
                    .col(date("period_date"))
                    // NULL is a gap: no data for the period.
                    .col(double_null("value"))
                    .col(double_null("numerator"))
                    .col(double_null("denominator"))
                    .col(text("note"))
                    .foreign_key(&mut foreign_key(
                        "measure_points",
                        "measure_id",
                        "measures",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One point per date: also the order a chart reads them in.
        manager
            .create_index(
                Index::create()
                    .name("measure_points_by_date")
                    .table("measure_points")
                    .col("measure_id")
                    .col("period_date")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("measure_annotations")
                    .col(big_pk_auto("id"))
                    .col(big_integer("measure_id"))
                    .col(date("annotation_date"))
                    .col(string_len("kind", 16))
                    .col(text("label"))
                    // Removing the cycle keeps the mark on the chart, unlinked.
                    .col(big_integer_null("pdsa_cycle_id"))
                    .foreign_key(&mut foreign_key(
                        "measure_annotations",
                        "measure_id",
                        "measures",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "measure_annotations",
                        "pdsa_cycle_id",
                        "pdsa_cycles",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("measure_annotations_by_date")
                    .table("measure_annotations")
                    .col("measure_id")
                    .col("annotation_date")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("measure_annotations_by_cycle")
                    .table("measure_annotations")
                    .col("pdsa_cycle_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "measure_annotations",
            "measure_points",
            "measure_change_ideas",
            "measures",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
