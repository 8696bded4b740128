//! Adoption and spread as dated events (issue 19): outside innovations (a national programme
//! such as PINCER) that partners adopt; adoptions of a project's or an innovation's changes by
//! a partner organisation (or a unit in it) or by someone outside the partnership, with the
//! change ideas taken up and the adopter's own project; each adoption's dated stages; and a
//! project's spread level set by hand, with the reason, kept as a history.
//!
//! What was recorded before moves over: each organisation named as adopting a project becomes
//! an adoption at stage "adopted" from the day it was named, and a project whose spread level
//! differs from what those adoptions show keeps its level as set by hand, from the day it was
//! first recorded at that level.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

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

const NOTE: &str = "Recorded as adopting before adoptions had stages";
const REASON: &str = "Recorded before spread was derived from dated adoptions";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table("innovations")
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("name", 200))
                    .col(string_len("source", 200))
                    .col(text("description"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign("innovations", "created_by", "people", SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("adoptions")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("project_id"))
                    .col(big_integer_null("innovation_id"))
                    .col(big_integer_null("organisation_id"))
                    .col(string_len_null("outside_adopter", 200))
                    .col(string_len_null("unit", 100))
                    .col(big_integer_null("adopting_project_id"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign("adoptions", "project_id", "projects", Cascade))
                    .foreign_key(&mut foreign(
                        "adoptions",
                        "innovation_id",
                        "innovations",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "adoptions",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "adoptions",
                        "adopting_project_id",
                        "projects",
                        SetNull,
                    ))
                    .foreign_key(&mut foreign("adoptions", "created_by", "people", SetNull))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("adoptions_by_project", "project_id"),
            ("adoptions_by_innovation", "innovation_id"),
            ("adoptions_by_organisation", "organisation_id"),
            ("adoptions_by_adopting_project", "adopting_project_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("adoptions")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("adoption_stages")
                    .col(big_pk_auto("id"))
                    .col(big_integer("adoption_id"))
                    .col(string_len("stage", 20))
                    .col(date("stage_on"))
                    .col(text("note"))
                    .col(big_integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut foreign(
                        "adoption_stages",
                        "adoption_id",
                        "adoptions",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "adoption_stages",
                        "recorded_by",
                        "people",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("adoption_stages_by_adoption")
                    .table("adoption_stages")
                    .col("adoption_id")
                    .col("stage_on")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("adoption_change_ideas")
                    .col(big_integer("adoption_id"))
                    .col(big_integer("driver_node_id"))
                    .primary_key(Index::create().col("adoption_id").col("driver_node_id"))
                    .foreign_key(&mut foreign(
                        "adoption_change_ideas",
                        "adoption_id",
                        "adoptions",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign(
                        "adoption_change_ideas",
                        "driver_node_id",
                        "driver_nodes",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("spread_settings")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(string_len_null("level", 20))
                    .col(string_len("reason", 500))
                    .col(big_integer_null("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .foreign_key(&mut foreign(
                        "spread_settings",
                        "project_id",
                        "projects",
                        Cascade,
                    ))
                    .foreign_key(&mut foreign("spread_settings", "set_by", "people", SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("spread_settings_by_project")
                    .table("spread_settings")
                    .col("project_id")
                    .col("set_at")
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let day = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => "date(a.created_at)",
            _ => "CAST(a.created_at AS DATE)",
        };
        db.execute_unprepared(
            "INSERT INTO adoptions (project_id, organisation_id, created_at, updated_at) \
             SELECT po.project_id, po.organisation_id, \
                    COALESCE(po.named_at, p.created_at), COALESCE(po.named_at, p.created_at) \
             FROM project_organisations po JOIN projects p ON p.id = po.project_id \
             WHERE po.kind = 'adopter'",
        )
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO adoption_stages (adoption_id, stage, stage_on, note, recorded_at) \
             SELECT a.id, 'adopted', {day}, '{NOTE}', a.created_at FROM adoptions a"
        ))
        .await?;
        // What the carried-over adoptions show: other partner organisations if one is not the
        // lead, else its unit only. A level that differs was set by hand.
        db.execute_unprepared(&format!(
            "INSERT INTO spread_settings (project_id, level, reason, set_at) \
             SELECT p.id, p.spread, '{REASON}', \
                    COALESCE((SELECT MIN(c.changed_at) FROM project_attribute_changes c \
                              WHERE c.project_id = p.id AND c.spread = p.spread), p.created_at) \
             FROM projects p \
             WHERE p.spread <> CASE WHEN EXISTS (SELECT 1 FROM project_organisations po \
                        WHERE po.project_id = p.id AND po.kind = 'adopter' \
                          AND po.organisation_id <> p.lead_organisation_id) \
                   THEN 'partnership' ELSE 'unit' END"
        ))
        .await?;
        db.execute_unprepared("DELETE FROM project_organisations WHERE kind = 'adopter'")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO project_organisations (project_id, organisation_id, kind, named_at) \
             SELECT DISTINCT a.project_id, a.organisation_id, 'adopter', a.created_at \
             FROM adoptions a WHERE a.project_id IS NOT NULL AND a.organisation_id IS NOT NULL",
        )
        .await?;
        for table in [
            "spread_settings",
            "adoption_change_ideas",
            "adoption_stages",
            "adoptions",
            "innovations",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
