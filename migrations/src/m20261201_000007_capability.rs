//! Capability: tier rules, tier overrides, each person's tier over time, and coaching sessions.
//!
//! `tier_periods` holds each person's tier as half-open periods `[valid_from, valid_to)` (an
//! open period has no `valid_to`), so "how many people of each organisation held each tier at
//! time T" is one range query over `tier_periods_as_of`, which covers it.

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
        // The rules as JSON (`qi_shared::tier::TierRules`): they are read and written whole.
        manager
            .create_table(
                Table::create()
                    .table("tier_rules")
                    .col(big_integer("partnership_id").primary_key())
                    .col(text("rules"))
                    .col(big_integer("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "tier_rules",
                        "partnership_id",
                        "partnerships",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "tier_rules",
                        "updated_by",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("tier_overrides")
                    .col(big_integer("person_id").primary_key())
                    .col(string_len("tier", 16))
                    .col(text("reason"))
                    .col(big_integer("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .foreign_key(&mut foreign_key(
                        "tier_overrides",
                        "person_id",
                        "people",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "tier_overrides",
                        "set_by",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("tier_periods")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("tier", 16))
                    // A JSON array of sentences.
                    .col(text("reasons"))
                    .col(string_len("source", 16))
                    .col(timestamp_with_time_zone("valid_from"))
                    .col(timestamp_with_time_zone_null("valid_to"))
                    .foreign_key(&mut foreign_key(
                        "tier_periods",
                        "person_id",
                        "people",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "tier_periods",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            // A person's history, and their open period.
            ("tier_periods_by_person", &["person_id", "valid_from"][..]),
            // Counts as of a time: the range on valid_from, the rest read from the index alone.
            (
                "tier_periods_as_of",
                &["valid_from", "valid_to", "organisation_id", "tier"][..],
            ),
            // The same for one organisation.
            (
                "tier_periods_by_organisation",
                &["organisation_id", "valid_from", "valid_to", "tier"][..],
            ),
        ] {
            let mut index = Index::create().name(name).table("tier_periods").to_owned();
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("coaching_sessions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("project_id"))
                    .col(big_integer("coach_id"))
                    .col(date("held_on"))
                    .col(integer("minutes"))
                    .col(string_len("model", 16))
                    .col(text("notes"))
                    .col(text("actions"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "coaching_sessions",
                        "project_id",
                        "projects",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "coaching_sessions",
                        "coach_id",
                        "people",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "coaching_sessions_by_project",
                &["project_id", "held_on"][..],
            ),
            ("coaching_sessions_by_coach", &["coach_id", "held_on"][..]),
        ] {
            let mut index = Index::create()
                .name(name)
                .table("coaching_sessions")
                .to_owned();
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "coaching_sessions",
            "tier_periods",
            "tier_overrides",
            "tier_rules",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
