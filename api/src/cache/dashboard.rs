//! The dashboard's facts (`qi_shared::dashboard::Facts`): every dated fact the partnership's
//! metrics count, read whole from the database and kept by the node while nothing changes.
//!
//! Any figure for any day, period and organisation is counted from one snapshot in memory, so
//! a new "as of" day costs counting, not reading. A snapshot is read again after a write went
//! through this node (`changed`, from `middleware::note_changes`), so a person sees their own
//! change at once; and, for other nodes' writes, in the background once it is `max_age` old,
//! while the old snapshot still answers. One request reads at a time; the others wait for its
//! snapshot rather than read the same rows.

use std::{
    sync::{
        Arc, RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use qi_shared::dashboard::Facts;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::Mutex;

use crate::db;

#[derive(Clone)]
struct Snapshot {
    facts: Arc<Facts>,
    generation: u64,
    read_at: Instant,
}

pub struct FactsCache {
    snapshot: RwLock<Option<Snapshot>>,
    /// Held while the facts are read, so that one request reads and the others wait for it.
    reading: Mutex<()>,
    /// Set while a read in the background is under way.
    refreshing: AtomicBool,
    generation: AtomicU64,
    max_age: Duration,
}

impl FactsCache {
    pub fn new(max_age: Duration) -> Arc<Self> {
        Arc::new(Self {
            snapshot: RwLock::new(None),
            reading: Mutex::new(()),
            refreshing: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            max_age,
        })
    }

    /// A write went through this node: the next request reads the facts again.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    fn current(&self) -> Option<Snapshot> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }

    /// The facts as of now: after a write through this node, read again before answering; when
    /// only older than `max_age` (other nodes' writes), the snapshot held answers while a new
    /// one is read in the background, so no request waits seconds for a read it did not cause.
    pub async fn facts(self: &Arc<Self>, db: &DatabaseConnection) -> Result<Arc<Facts>, DbErr> {
        let generation = self.generation.load(Ordering::Acquire);
        if let Some(s) = self.current()
            && s.generation == generation
        {
            if s.read_at.elapsed() >= self.max_age && !self.refreshing.swap(true, Ordering::AcqRel)
            {
                let (cache, db) = (self.clone(), db.clone());
                tokio::spawn(async move {
                    if let Err(error) = cache.read(&db, generation).await {
                        tracing::warn!(%error, "could not read the dashboard's facts again");
                    }
                    cache.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(s.facts);
        }
        let _reading = self.reading.lock().await;
        // Another request may have read them while this one waited.
        if let Some(s) = self.current()
            && s.generation == generation
        {
            return Ok(s.facts);
        }
        self.read(db, generation).await
    }

    async fn read(&self, db: &DatabaseConnection, generation: u64) -> Result<Arc<Facts>, DbErr> {
        let started = Instant::now();
        let facts = Arc::new(db::dashboard::facts(db).await?);
        tracing::debug!(
            projects = facts.project_count(),
            millis = started.elapsed().as_millis() as u64,
            "read the dashboard's facts"
        );
        if let Ok(mut snapshot) = self.snapshot.write() {
            // A newer snapshot (read for a later write) is never replaced by an older one.
            if snapshot.as_ref().is_none_or(|s| s.generation <= generation) {
                *snapshot = Some(Snapshot {
                    facts: facts.clone(),
                    generation,
                    read_at: started,
                });
            }
        }
        Ok(facts)
    }
}
