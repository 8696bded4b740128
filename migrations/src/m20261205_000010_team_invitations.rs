//! Invitations to project teams: a person of another organisation than a project's lead joins
//! its team only when they, or an admin of their organisation, accept.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign_key(
    column: &'static str,
    to: &'static str,
    action: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from("team_invitations", column)
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
                    .table("team_invitations")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(big_integer("person_id"))
                    .col(string_len("role", 16))
                    .col(big_integer("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "project_id",
                        "projects",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "person_id",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "invited_by",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One invitation per person and project; and a person's invitations, found by person.
        manager
            .create_index(
                Index::create()
                    .name("team_invitations_by_project")
                    .table("team_invitations")
                    .col("project_id")
                    .col("person_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("team_invitations_by_person")
                    .table("team_invitations")
                    .col("person_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("team_invitations").to_owned())
            .await
    }
}
