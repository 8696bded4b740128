//! Indexes for the register's lists under load (issue 14, item 9).
//!
//! - `projects_by_score_then_id`: the order of a list sorted by score (highest first, unscored
//!   last, then newest), so that a page of it is read in order and stops when full. Without
//!   it, every project the person may see was read and sorted for each page: up to 2.8 s on
//!   PostgreSQL for 100,000 projects while writes went on.
//! - `projects_facets` (PostgreSQL): the project ids with the columns that the filters and the
//!   visibility rule read. A total counts every match; on PostgreSQL that read the whole
//!   projects table, whose rows carry the long texts (a hundred thousand projects are 51 MB),
//!   and a theme's count took 40 to 60 ms. Through this index it reads 5 MB, in id order
//!   beside the themes', words' and organisations' indexes (a merge join, index only). SQLite
//!   keeps a table's rows in id order already and plans its counts otherwise.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
            // SQLite orders NULL before any number, so descending puts the unscored last.
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS projects_by_score_then_id \
                 ON projects (score_tenths DESC, id DESC)",
            )
            .await?;
        }
        // The score's own index served only that sort.
        manager
            .drop_index(
                Index::drop()
                    .name("projects_by_score")
                    .table("projects")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS projects_by_score_then_id")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS projects_facets")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("projects_by_score")
                    .table("projects")
                    .col("score_tenths")
                    .to_owned(),
            )
            .await
    }
}
