//! The foundation: the partnership, its organisations, people and their sign-in tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Secrets shared by every API node (the JWT signing key, the first-run set-up token), so
        // several stateless nodes behind a load balancer agree without sharing files.
        manager
            .create_table(
                Table::create()
                    .table("server_secrets")
                    .col(string_len("name", 64).primary_key())
                    .col(text("value"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("partnerships")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 200))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("organisations")
                    .col(big_pk_auto("id"))
                    .col(big_integer("partnership_id"))
                    .col(string_len("name", 200))
                    .col(string_len_uniq("ods_code", 9))
                    .col(string_len("org_type", 32))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("organisations", "partnership_id")
                            .to("partnerships", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("organisations_by_name")
                    .table("organisations")
                    .col("name")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("people")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 200))
                    .col(string_len("email", 254))
                    // Lower-cased email: sign-in and uniqueness ignore case.
                    .col(string_len_uniq("email_normalised", 254))
                    .col(big_integer("organisation_id"))
                    .col(string_len("job_role", 200))
                    .col(string_len("status", 16))
                    .col(text_null("password_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("people", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("people_by_organisation")
                    .table("people")
                    .col("organisation_id")
                    .col("name")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("people_by_name")
                    .table("people")
                    .col("name")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("person_roles")
                    .col(big_integer("person_id"))
                    .col(string_len("role", 32))
                    .primary_key(Index::create().col("person_id").col("role"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("person_roles", "person_id")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_roles_by_role")
                    .table("person_roles")
                    .col("role")
                    .col("person_id")
                    .to_owned(),
            )
            .await?;

        // Refresh tokens are stored as SHA-256 hashes. Each sign-in starts a family; rotation
        // spends a token and issues the next in the same family, and reuse of a spent token
        // revokes the whole family (it means the token was stolen).
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("family", 64))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("refresh_tokens", "person_id")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("refresh_tokens_by_family")
                    .table("refresh_tokens")
                    .col("family")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("refresh_tokens_by_person")
                    .table("refresh_tokens")
                    .col("person_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("invitations")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(big_integer("invited_by"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("invitations", "person_id")
                            .to("people", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_by_person")
                    .table("invitations")
                    .col("person_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "invitations",
            "refresh_tokens",
            "person_roles",
            "people",
            "organisations",
            "partnerships",
            "server_secrets",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
