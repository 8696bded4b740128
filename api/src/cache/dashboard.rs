//! The dashboard's facts (`qi_shared::dashboard::Facts`): every dated fact the partnership's
//! metrics count, read whole from the database and kept by the node while nothing changes.
//!
//! Any figure for any day, period and organisation is counted from one snapshot in memory, so
//! a new "as of" day costs counting, not reading. Reading the facts takes seconds at scale, so
//! only the person who caused a read waits for it:
//!
//! - after a write through this node (`changed`, from `middleware::note_changes`), the writer's
//!   next request waits for a snapshot read after their write, so they see their own change;
//! - everyone else is answered from the snapshot held while a new one is read in the
//!   background: at once after a write through this node (but not more often than every
//!   `REFRESH_GAP`, so a stream of writes does not keep a core reading), and once the snapshot
//!   is `max_age` old for other nodes' writes.
//!
//! One read runs at a time; requests that must wait share its snapshot.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex as StdMutex, RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use qi_shared::dashboard::Facts;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::Mutex;

use crate::db;

/// The least time between background reads for writes through this node.
const REFRESH_GAP: Duration = Duration::from_secs(5);

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
    /// Counts the writes through this node.
    generation: AtomicU64,
    /// The generation of each person's latest write not yet in the snapshot.
    writers: StdMutex<HashMap<i64, u64>>,
    max_age: Duration,
}

impl FactsCache {
    pub fn new(max_age: Duration) -> Arc<Self> {
        Arc::new(Self {
            snapshot: RwLock::new(None),
            reading: Mutex::new(()),
            refreshing: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            writers: StdMutex::new(HashMap::new()),
            max_age,
        })
    }

    /// A write went through this node (`writer`: the person who made it, when signed in).
    pub fn changed(&self, writer: Option<i64>) {
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        if let Some(person) = writer
            && let Ok(mut writers) = self.writers.lock()
        {
            writers.insert(person, generation);
        }
    }

    fn current(&self) -> Option<Snapshot> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }

    /// The generation a snapshot must have for `reader` to see their own writes.
    fn needed_by(&self, reader: Option<i64>) -> u64 {
        reader
            .and_then(|person| self.writers.lock().ok()?.get(&person).copied())
            .unwrap_or(0)
    }

    /// The facts for `reader` (the person asking; `None` for nobody in particular): a snapshot
    /// holding every write they made through this node. Only when the one held lacks one of
    /// them does the request wait for a read; otherwise the snapshot held answers, and a new
    /// one is read in the background when it is behind this node's writes or old.
    pub async fn facts(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        reader: Option<i64>,
    ) -> Result<Arc<Facts>, DbErr> {
        let needed = self.needed_by(reader);
        if let Some(s) = self.current()
            && s.generation >= needed
        {
            let age = s.read_at.elapsed();
            let behind = s.generation < self.generation.load(Ordering::Acquire);
            if ((behind && age >= REFRESH_GAP) || age >= self.max_age)
                && !self.refreshing.swap(true, Ordering::AcqRel)
            {
                let (cache, db) = (self.clone(), db.clone());
                tokio::spawn(async move {
                    let _reading = cache.reading.lock().await;
                    let generation = cache.generation.load(Ordering::Acquire);
                    if let Err(error) = cache.read(&db, generation).await {
                        tracing::warn!(%error, "could not read the dashboard's facts again");
                    }
                    cache.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(s.facts);
        }
        let _reading = self.reading.lock().await;
        // Another read may have landed while this one waited.
        if let Some(s) = self.current()
            && s.generation >= needed
        {
            return Ok(s.facts);
        }
        let generation = self.generation.load(Ordering::Acquire);
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
        // Writes the snapshot holds need no wait any more.
        if let Ok(mut writers) = self.writers.lock() {
            writers.retain(|_, g| *g > generation);
        }
        Ok(facts)
    }
}
