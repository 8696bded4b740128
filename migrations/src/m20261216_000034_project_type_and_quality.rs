//! A project's type and the quality dimensions it serves (issue 19): a QI project, a clinical
//! audit or a service evaluation; and safe, effective, caring, responsive, well-led, and equity
//! for projects addressing health inequalities. Both are filters of the register and the export
//! and break the dashboard's project figures down.
//!
//! Every project recorded before is a QI project serving no dimension yet: that is what the
//! register held, and a team names its dimensions when it next edits the project.
//!
//! No change trigger for the dimensions (migration 28): they change only with a save of the
//! project, which changes its row, and that records the change.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("projects")
                    .add_column(string_len("project_type", 24).default("qi_project"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("project_quality_dimensions")
                    .col(big_integer("project_id"))
                    .col(string_len("dimension", 16))
                    .primary_key(Index::create().col("project_id").col("dimension"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("project_quality_dimensions", "project_id")
                            .to("projects", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The export's filter by dimension reads the projects of one dimension.
        manager
            .create_index(
                Index::create()
                    .name("project_quality_dimensions_by_dimension")
                    .table("project_quality_dimensions")
                    .col("dimension")
                    .col("project_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("project_quality_dimensions").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("projects")
                    .drop_column("project_type")
                    .to_owned(),
            )
            .await
    }
}
