//! PostgreSQL vacuums the projects table far sooner than its default (issue 14, item 12).
//!
//! Every score, edit and data point rewrites its project's row (its version and `updated_at`),
//! leaving the old one dead and its page no longer marked all-visible; the counts then fetch
//! rows from the table again instead of reading `projects_facets` alone. By default a table is
//! vacuumed once a fifth of its rows are dead: 20,000 changes for 100,000 projects, about
//! twenty minutes at 20 writes a second, and in a ten-minute soak the slowest reads grew from
//! 178 to 990 ms (a `VACUUM` took them back to 169). Vacuumed after one row in a hundred (about
//! every minute at that rate, with autovacuum on, as it is by default), they stay near their
//! start (docs/performance.md, "Soak on PostgreSQL").

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE projects SET (autovacuum_vacuum_scale_factor = 0.01, \
                 autovacuum_analyze_scale_factor = 0.02)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE projects RESET (autovacuum_vacuum_scale_factor, \
                 autovacuum_analyze_scale_factor)",
            )
            .await?;
        Ok(())
    }
}
