//! Programmes (issue 19): a named piece of work across the partnership that groups projects of
//! several organisations, with its own aim and lead, and measures that pool the like measures of
//! its projects into the system's figure (the rules are in `qi_shared::programme`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign(
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
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table("programmes")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 200))
                    .col(text("aim"))
                    .col(text("description"))
                    .col(big_integer("lead_person_id"))
                    .col(big_integer("lead_organisation_id"))
                    .col(string_len("status", 16))
                    .col(date("started_on"))
                    .col(big_integer("version"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign(
                        "programmes",
                        "lead_person_id",
                        "people",
                        Restrict,
                    ))
                    .foreign_key(&mut foreign(
                        "programmes",
                        "lead_organisation_id",
                        "organisations",
                        Restrict,
                    ))
                    .foreign_key(&mut foreign("programmes", "created_by", "people", SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("programmes_name")
                    .table("programmes")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("programme_projects")
                    .col(big_integer("programme_id"))
                    .col(big_integer("project_id"))
                    .col(timestamp_with_time_zone("added_at"))
                    .primary_key(Index::create().col("programme_id").col("project_id"))
                    .foreign_key(&mut foreign(
                        "programme_projects",
                        "programme_id",
                        "programmes",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "programme_projects",
                        "project_id",
                        "projects",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // A project page names the programmes it is part of.
        manager
            .create_index(
                Index::create()
                    .name("programme_projects_project")
                    .table("programme_projects")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("programme_measures")
                    .col(big_pk_auto("id"))
                    .col(big_integer("programme_id"))
                    .col(string_len("name", 200))
                    .col(text("definition"))
                    .col(string_len("unit", 16))
                    .col(big_integer_null("rate_per"))
                    .col(string_len("improvement_direction", 16))
                    .col(double_null("target"))
                    .col(string_len("frequency", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign(
                        "programme_measures",
                        "programme_id",
                        "programmes",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("programme_measures_programme")
                    .table("programme_measures")
                    .col("programme_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("programme_measure_sources")
                    .col(big_integer("programme_measure_id"))
                    .col(big_integer("measure_id"))
                    .primary_key(
                        Index::create()
                            .col("programme_measure_id")
                            .col("measure_id"),
                    )
                    .foreign_key(&mut foreign(
                        "programme_measure_sources",
                        "programme_measure_id",
                        "programme_measures",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "programme_measure_sources",
                        "measure_id",
                        "measures",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("programme_measure_sources_measure")
                    .table("programme_measure_sources")
                    .col("measure_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "programme_measure_sources",
            "programme_measures",
            "programme_projects",
            "programmes",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
