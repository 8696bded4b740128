//! Improvement projects: the project, its organisations, team, tags, and the histories of its
//! status and progress score.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(
    table: &'static str,
    column: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn restrict(
    table: &'static str,
    column: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("projects")
                    .col(big_pk_auto("id"))
                    .col(string_len("title", 200))
                    .col(text("problem"))
                    .col(text("aim"))
                    .col(big_integer("lead_organisation_id"))
                    .col(date_null("start_date"))
                    .col(date_null("expected_end_date"))
                    .col(string_len("status", 16))
                    .col(boolean("involvement"))
                    .col(text("involvement_how"))
                    .col(boolean("sustainability"))
                    .col(text("sustainability_description"))
                    .col(double_null("co2e_kg_per_year"))
                    .col(double_null("money_per_year"))
                    .col(string_len("spread", 16))
                    .col(string_len("visibility", 16))
                    // The latest score in tenths (5 to 50), kept here for filtering and sorting.
                    .col(integer_null("score_tenths"))
                    // Lower-cased title, aim and tags: what the search looks in.
                    .col(text("search_text"))
                    .col(big_integer("version"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut restrict(
                        "projects",
                        "lead_organisation_id",
                        "organisations",
                    ))
                    .foreign_key(&mut restrict("projects", "created_by", "people"))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("projects_by_updated", &["updated_at", "id"][..]),
            ("projects_by_status", &["status", "updated_at"][..]),
            (
                "projects_by_lead_organisation",
                &["lead_organisation_id", "updated_at"][..],
            ),
            ("projects_by_visibility", &["visibility", "updated_at"][..]),
            ("projects_by_score", &["score_tenths"][..]),
            ("projects_by_title", &["title"][..]),
        ] {
            let mut index = Index::create().name(name).table("projects").to_owned();
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index).await?;
        }

        // Every organisation a project involves: its lead, its partners, and those that adopted it.
        manager
            .create_table(
                Table::create()
                    .table("project_organisations")
                    .col(big_integer("project_id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("kind", 16))
                    .primary_key(
                        Index::create()
                            .col("project_id")
                            .col("organisation_id")
                            .col("kind"),
                    )
                    .foreign_key(&mut cascade(
                        "project_organisations",
                        "project_id",
                        "projects",
                    ))
                    .foreign_key(&mut restrict(
                        "project_organisations",
                        "organisation_id",
                        "organisations",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_organisations_by_organisation")
                    .table("project_organisations")
                    .col("organisation_id")
                    .col("kind")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("project_members")
                    .col(big_integer("project_id"))
                    .col(big_integer("person_id"))
                    .col(string_len("role", 16))
                    .primary_key(Index::create().col("project_id").col("person_id"))
                    .foreign_key(&mut cascade("project_members", "project_id", "projects"))
                    .foreign_key(&mut restrict("project_members", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_members_by_person")
                    .table("project_members")
                    .col("person_id")
                    .col("role")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("project_tags")
                    .col(big_integer("project_id"))
                    .col(string_len("tag", 50))
                    .primary_key(Index::create().col("project_id").col("tag"))
                    .foreign_key(&mut cascade("project_tags", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_tags_by_tag")
                    .table("project_tags")
                    .col("tag")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("project_status_changes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(string_len("status", 16))
                    .col(big_integer("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(&mut cascade(
                        "project_status_changes",
                        "project_id",
                        "projects",
                    ))
                    .foreign_key(&mut restrict(
                        "project_status_changes",
                        "changed_by",
                        "people",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_status_changes_by_project")
                    .table("project_status_changes")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("project_scores")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(integer("score_tenths"))
                    .col(text("reason"))
                    .col(big_integer("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(&mut cascade("project_scores", "project_id", "projects"))
                    .foreign_key(&mut restrict("project_scores", "changed_by", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_scores_by_project")
                    .table("project_scores")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "project_scores",
            "project_status_changes",
            "project_tags",
            "project_members",
            "project_organisations",
            "projects",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
