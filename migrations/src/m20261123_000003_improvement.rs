//! Driver diagrams and PDSA cycles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One table for the tree: a primary driver has no parent; a secondary driver's parent
        // is a primary driver; a change idea's parent is either.
        manager
            .create_table(
                Table::create()
                    .table("driver_nodes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(big_integer_null("parent_id"))
                    .col(string_len("kind", 16))
                    .col(text("text"))
                    .col(integer("position"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("driver_nodes", "project_id")
                            .to("projects", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("driver_nodes_by_project")
                    .table("driver_nodes")
                    .col("project_id")
                    .col("position")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("pdsa_cycles")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(big_integer("change_idea_id"))
                    .col(integer("sequence"))
                    .col(text("objective"))
                    .col(text("questions"))
                    .col(text("predictions"))
                    .col(text("plan"))
                    .col(text("data_to_collect"))
                    .col(date_null("start_date"))
                    .col(text("what_happened"))
                    .col(text("problems"))
                    .col(text("study"))
                    .col(string_len_null("act", 16))
                    .col(text("next_step"))
                    .col(date_null("end_date"))
                    .col(big_integer("version"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("pdsa_cycles", "project_id")
                            .to("projects", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A change idea with cycles cannot be removed from the diagram.
                    .foreign_key(
                        ForeignKey::create()
                            .from("pdsa_cycles", "change_idea_id")
                            .to("driver_nodes", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("pdsa_cycles_by_project")
                    .table("pdsa_cycles")
                    .col("project_id")
                    .col("change_idea_id")
                    .col("sequence")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("pdsa_cycles").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("driver_nodes").to_owned())
            .await?;
        Ok(())
    }
}
