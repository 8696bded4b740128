//! Persistence: plain async functions over a connection (`&impl ConnectionTrait`), so callers can
//! run them inside a transaction. The database URL alone picks SQLite or PostgreSQL.

pub mod api_tokens;
pub mod audit;
pub mod board_pack;
pub mod bulletins;
pub mod capability;
pub mod changes;
pub mod comments;
pub mod dashboard;
pub mod entity;
pub mod events;
pub mod follow_ups;
pub mod home;
pub mod improvement;
pub mod measures;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod partnership;
pub mod people;
pub mod programmes;
pub mod projects;
pub mod search;
pub mod secrets;
pub mod spread;
pub mod targets;
pub mod team;
pub mod tokens;
pub mod training;
pub mod webhooks;

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use qi_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnAcquireErr, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr, SqlErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    sqlx::sqlite::SqliteJournalMode,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

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
    Database::connect(options(url, max_connections))
        .await
        .context("connecting to the database")
}

fn options(url: &str, max_connections: u32) -> ConnectOptions {
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
    options
}

/// How long a write waits for its turn on SQLite before it is refused as busy: as long as
/// SQLite's own busy timeout was, which it replaces for the writes that take turns here.
const WRITE_TURN_WAIT: Duration = Duration::from_secs(10);

/// Write transactions take turns within the process on SQLite, first come first served, on a
/// connection of their own.
///
/// SQLite has one writer at a time. Left to itself, a writer waiting for the lock holds a pooled
/// connection and polls in SQLite's busy handler, with no order among the waiters: under a
/// steady flow of writes some wait past the busy timeout and fail ("database is locked") while
/// others go first, and the connections they hold are taken from readers. And a writer that
/// must first wait for a connection behind every reader holds up every writer behind it. Here a
/// writer waits for its turn without a connection, in arrival order, and then writes on the
/// one connection kept for writing. PostgreSQL has row locks and needs none of this. Several
/// nodes only ever share PostgreSQL, so one process's turns are all the turns there are.
#[derive(Clone, Default)]
pub struct WriteTurns(Option<(Arc<Mutex<()>>, DatabaseConnection)>);

impl WriteTurns {
    /// Opens the writing connection for `db`, opened from `url`, if it is an SQLite file; an
    /// SQLite database in memory is one connection's alone, so its writers take turns on `db`.
    pub async fn open(url: &str, db: &DatabaseConnection) -> anyhow::Result<Self> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(Self(None));
        }
        let writer = match sqlite_path(url) {
            Some(_) => Database::connect(options(url, 1))
                .await
                .context("connecting to the database for writing")?,
            None => db.clone(),
        };
        Ok(Self(Some((Arc::default(), writer))))
    }
}

/// A write transaction that holds the process's write turn, on SQLite, until it ends.
pub struct Write {
    txn: DatabaseTransaction,
    // Declared after the transaction so that it is released after the transaction has ended
    // (committed, or rolled back on drop).
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Write {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// A transaction that will write, and may read before it does (to check what it is about to
/// write against). Every write transaction of a request starts here. On SQLite it first waits
/// for the process's write turn ([`WriteTurns`]), then takes the write lock at `BEGIN
/// IMMEDIATE`: a transaction that reads first and writes after cannot take the lock if another
/// writer committed since it began reading, and fails instead of waiting. PostgreSQL ignores the
/// mode and has no turns.
pub async fn begin_write(db: &DatabaseConnection, turns: &WriteTurns) -> Result<Write, DbErr> {
    let (turn, db) = match &turns.0 {
        Some((gate, writer)) => (
            Some(
                tokio::time::timeout(WRITE_TURN_WAIT, gate.clone().lock_owned())
                    .await
                    .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?,
            ),
            writer,
        ),
        None => (None, db),
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(Write { txn, _turn: turn })
}

/// Whether the database refused work for being busy (no pooled connection in time, no write
/// turn in time, or SQLite's lock still held after its busy timeout): the request may be tried
/// again shortly, and nothing it asked was done.
pub fn is_busy(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e))
        | DbErr::Conn(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|e| e.code())
            // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (the low byte is the
            // primary code).
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
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

/// A page of rows that come in whole groups (a cohort's enrolments, an event's bookings): the
/// rows `condition` keeps of the next `groups` groups after the group `after`, each group's as
/// `list` gives them (its list's order and the figures worked out over the whole group), in
/// group order. `columns` are the rows' own id and their group's.
pub async fn in_whole_groups<E, T, F, Fut>(
    db: &impl ConnectionTrait,
    condition: sea_orm::Condition,
    (id, group): (
        <E as sea_orm::EntityTrait>::Column,
        <E as sea_orm::EntityTrait>::Column,
    ),
    (after, groups): (i64, u64),
    list: F,
    id_of: impl Fn(&T) -> i64,
) -> Result<Vec<T>, DbErr>
where
    E: sea_orm::EntityTrait,
    F: Fn(i64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, DbErr>>,
{
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let next: Vec<i64> = E::find()
        .select_only()
        .column(group)
        .distinct()
        .filter(condition.clone())
        .filter(group.gt(after))
        .order_by_asc(group)
        .limit(groups)
        .into_tuple()
        .all(db)
        .await?;
    if next.is_empty() {
        return Ok(Vec::new());
    }
    let kept: std::collections::HashSet<i64> = E::find()
        .select_only()
        .column(id)
        .filter(condition)
        .filter(group.is_in(next.iter().copied()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(kept.len());
    for parent in next {
        out.extend(
            list(parent)
                .await?
                .into_iter()
                .filter(|row| kept.contains(&id_of(row))),
        );
    }
    Ok(out)
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

#[cfg(test)]
mod migration_tests {
    use qi_migrations::MigratorTrait;
    use sea_orm::ConnectionTrait;

    use super::*;

    /// The migration that dropped the SQL word index comes undone (the table back) and is done
    /// again: a deployment can step back to the release before it.
    #[tokio::test]
    async fn the_register_in_memory_migration_comes_undone_and_again() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("qi-migrate-{}", std::process::id()));
        let url = format!("sqlite://{}/qi.db?mode=rwc", dir.display());
        let db = connect(&url, 1).await?;
        let words = "SELECT COUNT(*) FROM project_words";
        migrate(&db).await?;
        assert!(db.execute_unprepared(words).await.is_err(), "no word table");
        let all = Migrator::migrations();
        let it = all
            .iter()
            .position(|m| m.name() == "m20261205_000013_register_in_memory")
            .context("the migration")?;
        Migrator::down(&db, Some(u32::try_from(all.len() - it)?)).await?;
        db.execute_unprepared(words)
            .await
            .context("the word table back")?;
        Migrator::up(&db, None).await?;
        assert!(db.execute_unprepared(words).await.is_err());
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    /// The audit log's migration comes undone (the table gone) and is done again.
    #[tokio::test]
    async fn the_audit_log_migration_comes_undone_and_again() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("qi-migrate-audit-{}", std::process::id()));
        let url = format!("sqlite://{}/qi.db?mode=rwc", dir.display());
        let db = connect(&url, 1).await?;
        let entries = "SELECT COUNT(*) FROM audit_log";
        migrate(&db).await?;
        db.execute_unprepared(entries)
            .await
            .context("the table made")?;
        let all = Migrator::migrations();
        let it = all
            .iter()
            .position(|m| m.name() == "m20261211_000027_audit_log")
            .context("the migration")?;
        Migrator::down(&db, Some(u32::try_from(all.len() - it)?)).await?;
        assert!(db.execute_unprepared(entries).await.is_err(), "gone");
        Migrator::up(&db, None).await?;
        db.execute_unprepared(entries)
            .await
            .context("the table back")?;
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    /// The strategy targets' migration comes undone (both tables gone) and is done again.
    #[tokio::test]
    async fn the_strategy_targets_migration_comes_undone_and_again() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("qi-migrate-targets-{}", std::process::id()));
        let url = format!("sqlite://{}/qi.db?mode=rwc", dir.display());
        let db = connect(&url, 1).await?;
        let tables = [
            "SELECT COUNT(*) FROM strategy_targets",
            "SELECT COUNT(*) FROM strategy_target_changes",
        ];
        migrate(&db).await?;
        for sql in tables {
            db.execute_unprepared(sql)
                .await
                .context("the tables made")?;
        }
        let all = Migrator::migrations();
        let it = all
            .iter()
            .position(|m| m.name() == "m20261205_000014_strategy_targets")
            .context("the migration")?;
        Migrator::down(&db, Some(u32::try_from(all.len() - it)?)).await?;
        for sql in tables {
            assert!(db.execute_unprepared(sql).await.is_err(), "{sql}: gone");
        }
        Migrator::up(&db, None).await?;
        for sql in tables {
            db.execute_unprepared(sql)
                .await
                .context("the tables back")?;
        }
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    /// The board pack's migration comes undone (both tables gone) and is done again.
    #[tokio::test]
    async fn the_board_pack_migration_comes_undone_and_again() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("qi-migrate-board-{}", std::process::id()));
        let url = format!("sqlite://{}/qi.db?mode=rwc", dir.display());
        let db = connect(&url, 1).await?;
        let tables = [
            "SELECT COUNT(*) FROM board_pack_narratives",
            "SELECT COUNT(*) FROM board_pack_measures",
        ];
        migrate(&db).await?;
        for sql in tables {
            db.execute_unprepared(sql)
                .await
                .context("the tables made")?;
        }
        let all = Migrator::migrations();
        let it = all
            .iter()
            .position(|m| m.name() == "m20261205_000015_board_pack")
            .context("the migration")?;
        Migrator::down(&db, Some(u32::try_from(all.len() - it)?)).await?;
        for sql in tables {
            assert!(db.execute_unprepared(sql).await.is_err(), "{sql}: gone");
        }
        Migrator::up(&db, None).await?;
        for sql in tables {
            db.execute_unprepared(sql)
                .await
                .context("the tables back")?;
        }
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }
}
