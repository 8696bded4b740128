//! Dated project attributes (issue 15: "add dates where a fact lacks them"): each time a
//! project's patient involvement, sustainability aspect, yearly savings or spread changes, the
//! values from then on; and the day each partner or adopting organisation was named. The
//! dashboard counts these as of any past day, as it does statuses and scores.
//!
//! Existing projects get one row from the day they were recorded with their values now, and
//! their organisations count from that day too (`named_at` null): what changed before this
//! migration is not known.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("project_attribute_changes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(boolean("involvement"))
                    .col(boolean("sustainability"))
                    .col(double_null("co2e_kg_per_year"))
                    .col(double_null("money_per_year"))
                    .col(string_len("spread", 16))
                    .col(big_integer("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("project_attribute_changes", "project_id")
                            .to("projects", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("project_attribute_changes", "changed_by")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_attribute_changes_by_project")
                    .table("project_attribute_changes")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO project_attribute_changes \
             (project_id, involvement, sustainability, co2e_kg_per_year, money_per_year, spread, \
              changed_by, changed_at) \
             SELECT id, involvement, sustainability, co2e_kg_per_year, money_per_year, spread, \
              created_by, created_at FROM projects",
        )
        .await?;

        // Null for rows written before: read as the project's own recorded day.
        manager
            .alter_table(
                Table::alter()
                    .table("project_organisations")
                    .add_column(timestamp_with_time_zone_null("named_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("project_organisations")
                    .drop_column("named_at")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("project_attribute_changes").to_owned())
            .await?;
        Ok(())
    }
}
