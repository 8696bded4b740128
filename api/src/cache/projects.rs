//! The per-node cache of the project register: pages of lists with their totals, which
//! projects each list shows (`super::register`), and project pages with their access context.
//!
//! Everything here is kept with the projects table's stamp (its latest `updated_at` and highest
//! id) and used only while the stamp is the same, so a change to any project, made through any
//! node, is never served stale past [`STAMP_STALE_LIMIT`]. A write through this node tells the
//! cache at once (`ListCache::changed`, called by `crate::middleware::note_changes`).
//! `crate::db::projects::list` reads through it. Access decisions never use it.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use futures_util::lock::Mutex;
use moka::sync::Cache;
use qi_shared::{
    access::ProjectContext,
    project::{Project, ProjectSummary},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::db::entity::project;

use super::register::RegisterIndex;

/// The latest change to any project and the greatest project id.
pub(crate) type Stamp = (Option<DateTime<Utc>>, Option<i64>);

/// What lists of projects this node has read: the index of the register and the pages. One a server (see
/// `AppState`); cloning it shares it.
#[derive(Clone)]
pub struct ListCache {
    /// Pages of list queries already read, by who asked, the query and the page, with the
    /// [`Stamp`] they were read at. The same few pages (the first of the register, of a theme, of an
    /// organisation) are asked for again and again, by many people; while no project has changed, a
    /// page is the same, and the stamp (read at most every [`STAMP_INTERVAL`]) says so without a query.
    /// Entries expire after a few seconds (`list_cache_seconds`), which bounds how long a change the stamp does
    /// not see takes to show: a change outside the projects' rows (an organisation's new name), or
    /// one committed just after a later one whose `updated_at` is already the greatest.
    /// Each entry is read by one request at a time: the others wait for its read rather than all
    /// asking the database the same thing at once (when an entry expires, say, under load).
    pub(crate) pages: Cache<String, Arc<Mutex<Option<Arc<ReadPage>>>>>,
    /// Projects as their page shows them, with their access context and the [`Stamp`] they were
    /// read at: the project page is the register's most visited page after its lists.
    /// Read by one request at a time, like the pages.
    pub(crate) projects: Cache<i64, Arc<Mutex<Option<Arc<ReadProject>>>>>,
    /// The stamp as last read, so that a busy node asks the database for it at most every
    /// [`STAMP_INTERVAL`] rather than on every request.
    stamp: Arc<StampMemo>,
    /// Which projects each list shows, from memory.
    pub(crate) register: Arc<RegisterIndex>,
}

/// How long a node trusts the stamp it last read. A change made through another node shows
/// here within about this time; one made through this node shows at once (see
/// [`ListCache::changed`]).
const STAMP_INTERVAL: Duration = Duration::from_millis(250);

/// How old a stamp may be and still answer a request while a newer one is read in the
/// background. Older than this (a node left idle), the request reads it itself.
const STAMP_STALE_LIMIT: Duration = Duration::from_secs(1);

#[derive(Default)]
struct StampMemo {
    /// Held while a request reads the stamp itself, so that the others use its answer.
    reading: Mutex<()>,
    /// Set while a background read is under way, so that there is one at a time.
    refreshing: AtomicBool,
    /// Moves on every change made through this node.
    generation: AtomicU64,
    /// When the stamp was last read (the moment before asking), at which generation, and what it was.
    last: std::sync::Mutex<Option<(Instant, u64, Stamp)>>,
}

impl StampMemo {
    /// The stamp last read and how long ago, if nothing has changed through this node since.
    fn remembered(&self, generation: u64) -> Option<(Duration, Stamp)> {
        let last = self.last.lock().ok()?;
        let (read_at, read_in, stamp) = (*last)?;
        (read_in == generation).then(|| (read_at.elapsed(), stamp))
    }

    /// Asks the database for the stamp and keeps the answer, unless something changed through
    /// this node while it was asked (the answer may predate that change).
    async fn read(&self, db: &impl ConnectionTrait, generation: u64) -> Result<Stamp, DbErr> {
        let asked_at = Instant::now();
        let stamp = last_change(db).await?;
        if self.generation.load(Ordering::Acquire) == generation
            && let Ok(mut last) = self.last.lock()
        {
            *last = Some((asked_at, generation, stamp));
        }
        Ok(stamp)
    }
}

/// A project, its access context, and the [`Stamp`] at which they were read.
pub struct ReadProject {
    pub(crate) stamp: Stamp,
    pub context: ProjectContext,
    pub project: Project,
}

impl ListCache {
    /// Keeps pages and project pages for `page_time_to_live` (zero: keeps none).
    pub fn new(page_time_to_live: Duration) -> Self {
        Self {
            pages: Cache::builder()
                .max_capacity(if page_time_to_live.is_zero() {
                    0
                } else {
                    2_000
                })
                .time_to_live(page_time_to_live.max(Duration::from_millis(1)))
                .build(),
            projects: Cache::builder()
                .max_capacity(if page_time_to_live.is_zero() {
                    0
                } else {
                    10_000
                })
                .time_to_live(page_time_to_live.max(Duration::from_millis(1)))
                .build(),
            stamp: Arc::default(),
            register: Arc::default(),
        }
    }

    /// Reads the register's index in the background.
    pub fn warm(&self, db: &DatabaseConnection) {
        let (register, db) = (self.register.clone(), db.clone());
        tokio::spawn(async move {
            let read = async { register.catch_up(&db, last_change(&db).await?).await };
            if let Err(error) = read.await {
                tracing::warn!(%error, "could not read the register's index");
            }
        });
    }

    /// Call when a request that may have changed a project has been carried out through this
    /// node: the next read asks the database for the stamp again, so the change shows at once.
    pub fn changed(&self) {
        self.stamp.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The stamp of the projects table: the one last read while it is younger than
    /// [`STAMP_INTERVAL`]; while it is younger than [`STAMP_STALE_LIMIT`], that one too, with a
    /// newer one read in the background; else (or after any change made through this node)
    /// read now.
    ///
    /// A busy node thus never makes a request wait for the stamp: under load, the request that
    /// read it inline held every request for the same page behind it for a round trip, which
    /// on PostgreSQL was most of the slowest one percent.
    pub(crate) async fn stamp(&self, db: &DatabaseConnection) -> Result<Stamp, DbErr> {
        let generation = self.stamp.generation.load(Ordering::Acquire);
        match self.stamp.remembered(generation) {
            Some((age, stamp)) if age < STAMP_INTERVAL => return Ok(stamp),
            Some((age, stamp)) if age < STAMP_STALE_LIMIT => {
                if !self.stamp.refreshing.swap(true, Ordering::AcqRel) {
                    let (memo, db) = (self.stamp.clone(), db.clone());
                    tokio::spawn(async move {
                        if let Err(error) = memo.read(&db, generation).await {
                            tracing::warn!(%error, "could not read the projects' stamp");
                        }
                        memo.refreshing.store(false, Ordering::Release);
                    });
                }
                return Ok(stamp);
            }
            _ => {}
        }
        let _reading = self.stamp.reading.lock().await;
        // Another request may have read it while this one waited.
        let generation = self.stamp.generation.load(Ordering::Acquire);
        if let Some((age, stamp)) = self.stamp.remembered(generation)
            && age < STAMP_INTERVAL
        {
            return Ok(stamp);
        }
        self.stamp.read(db, generation).await
    }
}

/// `(SELECT MAX(updated_at) FROM projects)` and `(SELECT MAX(id) FROM projects)`: each an index
/// look-up. (As two subqueries: SQLite reads a maximum from an index only when it is a query's
/// one aggregate.)
pub(crate) fn stamp_columns() -> [(Expr, &'static str); 2] {
    let greatest = |column: project::Column| {
        Expr::from(
            Query::select()
                .expr(Expr::col(column).max())
                .from(project::Entity)
                .to_owned(),
        )
    };
    [
        (greatest(project::Column::UpdatedAt), "last_change"),
        (greatest(project::Column::Id), "last_id"),
    ]
}

pub(crate) async fn last_change(db: &impl ConnectionTrait) -> Result<Stamp, DbErr> {
    let mut select = Query::select();
    for (column, name) in stamp_columns() {
        select.expr_as(column, name);
    }
    let Some(row) = db.query_one(&select).await? else {
        return Ok((None, None));
    };
    Ok((row.try_get("", "last_change")?, row.try_get("", "last_id")?))
}

/// A page of a list, its total, and the [`Stamp`] at which they were read.
pub(crate) struct ReadPage {
    pub(crate) stamp: Stamp,
    pub(crate) items: Vec<ProjectSummary>,
    pub(crate) total: u64,
}
