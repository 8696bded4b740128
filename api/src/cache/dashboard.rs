//! The dashboard's facts (`qi_shared::dashboard::Facts`): every dated fact the partnership's
//! metrics count, read whole from the database and kept by the node while nothing changes.
//!
//! Any figure for any day, period and organisation is counted from one snapshot in memory, so
//! a new "as of" day costs counting, not reading. A snapshot is read again after a write went
//! through this node (`changed`, from `middleware::note_changes`), so a person sees their own
//! change at once, and at most `max_age` after it was read, for other nodes' writes. One
//! request reads at a time; the others wait for its snapshot rather than read the same rows.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use qi_shared::dashboard::Facts;
use sea_orm::{ConnectionTrait, DbErr};
use tokio::sync::Mutex;

use crate::db;

struct Snapshot {
    facts: Arc<Facts>,
    generation: u64,
    read_at: Instant,
}

pub struct FactsCache {
    snapshot: Mutex<Option<Snapshot>>,
    generation: AtomicU64,
    max_age: Duration,
}

impl FactsCache {
    pub fn new(max_age: Duration) -> Self {
        Self {
            snapshot: Mutex::new(None),
            generation: AtomicU64::new(0),
            max_age,
        }
    }

    /// A write went through this node: the next request reads the facts again.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// The facts as of now (within `max_age` for other nodes' writes).
    pub async fn facts(&self, db: &impl ConnectionTrait) -> Result<Arc<Facts>, DbErr> {
        let mut snapshot = self.snapshot.lock().await;
        let generation = self.generation.load(Ordering::Acquire);
        if let Some(s) = snapshot.as_ref()
            && s.generation == generation
            && s.read_at.elapsed() < self.max_age
        {
            return Ok(s.facts.clone());
        }
        let started = Instant::now();
        let facts = Arc::new(db::dashboard::facts(db).await?);
        tracing::debug!(
            projects = facts.project_count(),
            millis = started.elapsed().as_millis() as u64,
            "read the dashboard's facts"
        );
        *snapshot = Some(Snapshot {
            facts: facts.clone(),
            generation,
            read_at: started,
        });
        Ok(facts)
    }
}
