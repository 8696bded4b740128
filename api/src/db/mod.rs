//! Persistence: plain async functions over a connection (`&impl ConnectionTrait`), so callers can
//! run them inside a transaction. The database URL alone picks SQLite or PostgreSQL.

pub mod capability;
pub mod entity;
pub mod improvement;
pub mod measures;
pub mod organisations;
pub mod partnership;
pub mod people;
pub mod projects;
pub mod search;
pub mod secrets;
pub mod team;
pub mod tokens;
pub mod training;

use std::{path::Path, time::Duration};

use anyhow::Context;
use qi_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait, sqlx::sqlite::SqliteJournalMode,
};

/// How much of an SQLite file is memory-mapped (1 GiB: a partnership's register fits).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// Opens the database, creating an SQLite file's folder if it does not exist yet.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let folder = sqlite_path(url)
        .and_then(|path| Path::new(path).parent())
        .filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = folder {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the data folder {}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // Pragmas other than the journal mode belong to one connection, so they are set on each
        // connection the pool opens rather than once.
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                // WAL lets readers work while a write is in progress: many readers, one writer.
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                // Reading pages through a memory map rather than read() into each connection's
                // own page cache roughly triples read throughput on a large register; the map is
                // shared by all connections and costs address space, not memory.
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
                // A negative size is in KiB: 16 MiB of cache per connection for the pages that
                // the map does not cover (writes, temporary b-trees).
                .pragma("cache_size", "-16384")
        });
    Database::connect(options)
        .await
        .context("connecting to the database")
}

/// A transaction that will write, and may read before it does (to check what it is about to
/// write against). On SQLite it takes the write lock at `BEGIN IMMEDIATE`, waiting its turn
/// behind other writers: a transaction that reads first and writes after cannot take the lock
/// while another writer holds it, and fails instead of waiting. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The file path of an `sqlite:` URL, if it names a file.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Brings the schema up to date; a no-op when it is. With several nodes, run `qi migrate` once
/// before starting them rather than letting them race.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("running database migrations")
}

pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a `LIKE` pattern.
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/qi.db?mode=rwc"),
            Some("data/qi.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/qi"), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_A"), "%50\\%\\_a%");
    }
}
