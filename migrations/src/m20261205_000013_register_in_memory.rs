//! The register's lists are answered from an index in memory on each node
//! (`api/src/cache/register.rs`, issue 14): the word index `project_words` and the indexes that
//! served only the lists' SQL (`projects_by_score_then_id`, and on PostgreSQL `projects_facets`)
//! are read by nothing any more, and every save paid to keep them.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

use crate::m20261123_000004_project_search;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS projects_by_score_then_id")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS projects_facets")
            .await?;
        manager
            .drop_table(Table::drop().table("project_words").if_exists().to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // As migrations 4 and 11 made them, the words filled in again from the projects.
        m20261123_000004_project_search::Migration
            .up(manager)
            .await?;
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS projects_by_score_then_id \
                 ON projects (score_tenths DESC NULLS LAST, id DESC)",
            )
            .await?;
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS projects_facets ON projects (id) INCLUDE \
                 (visibility, status, score_tenths, involvement, sustainability, spread)",
            )
            .await?;
        } else {
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS projects_by_score_then_id \
                 ON projects (score_tenths DESC, id DESC)",
            )
            .await?;
        }
        Ok(())
    }
}
