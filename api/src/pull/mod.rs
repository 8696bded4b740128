//! `qi pull` (issue 18): a partner trust's own copy of everything its API token may read, in
//! its own SQLite or PostgreSQL database, kept up to date from the changes feed.
//!
//! - `client`: the source server over HTTP (the cursor, the feed, the NDJSON exports).
//! - `target`: the copy's tables and their writes.
//!
//! The order is what makes the copy whole. A first pull takes the feed's cursor *before* it
//! loads anything, then loads each collection in bulk, then follows the feed from that cursor:
//! a change made while the load ran is in the feed after the cursor, so it comes again rather
//! than never. Every write commits with `qi_pull_state` (the cursor, the phase, how far the load
//! got) in the same transaction, so a pull killed at any moment and run again carries on from
//! what was committed; applying a row twice is harmless, missing one is not possible.

pub mod client;
pub mod target;

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qi_shared::{
    capability::{PersonTier, coaching::CoachingSession},
    changes::{Change, ChangeOp, ChangePage, ChangeType, MAX_LIMIT},
    event::{Booking, Event},
    measure::Measure,
    project::ProjectSummary,
    training::{CohortSummary, Course, Enrolment},
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use secrecy::SecretString;

use self::{
    client::{Client, ClientError},
    target::{Phase, PullState},
};

/// What to copy, from where, into what.
pub struct PullOptions {
    /// The server's base URL (`https://qi.example.org`).
    pub from: String,
    /// The API token's secret (`qi_...`).
    pub token: SecretString,
    /// The copy's database URL (`sqlite://copy.db?mode=rwc`, `postgres://...`).
    pub into: String,
    /// Changes asked for a page of the feed (at most 1,000).
    pub page_size: u64,
    /// Rows written a transaction during the bulk load.
    pub batch_rows: usize,
    /// The first wait before trying a request again (doubled each try).
    pub backoff: Duration,
    /// Whether to draw a progress bar (only ever on a terminal).
    pub progress: bool,
}

impl PullOptions {
    pub fn new(from: String, token: SecretString, into: String) -> Self {
        PullOptions {
            from,
            token,
            into,
            page_size: MAX_LIMIT,
            batch_rows: 2000,
            backoff: Duration::from_millis(500),
            progress: true,
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Rows (projects, measures with their points and annotations, courses, cohorts, events)
    /// written by the bulk load in this run.
    pub rows_loaded: u64,
    /// Changes from the feed applied in this run.
    pub changes_applied: u64,
    /// Rows of the collections the feed does not carry (enrolments, bookings, coaching
    /// sessions, capability tiers), read whole again in this run.
    pub rows_refreshed: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "qi pull: {} rows loaded, {} changes applied, {} rows refreshed in {:.1} s",
            self.rows_loaded,
            self.changes_applied,
            self.rows_refreshed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Brings the copy up to date: the bulk load (or what is left of it) on a first run, then the
/// feed to its end.
pub async fn run(options: &PullOptions) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let source = options.from.trim().trim_end_matches('/').to_owned();
    let client = Client::new(&source, options.token.clone(), options.backoff)?;
    let db = crate::db::connect(&creating(&options.into), 2)
        .await
        .context("opening the copy's database (--into)")?;
    let upgraded = target::create(&db)
        .await
        .context("creating the copy's tables")?;
    let mut state = match target::state(&db).await? {
        Some(state) if state.source != source => anyhow::bail!(
            "this database is a copy of {}, not of {source}: pull into another database",
            state.source
        ),
        Some(state) => state,
        None => {
            // First: the cursor, before any row is read.
            let state = PullState {
                source,
                cursor: client.cursor().await?,
                phase: Phase::Projects,
                loaded_after: 0,
                rows_loaded: 0,
                changes_applied: 0,
                started_at: Utc::now(),
                finished_at: None,
            };
            target::save_state(&db, &state).await?;
            state
        }
    };
    let mut run = Run {
        db: &db,
        client: &client,
        options,
        rows_loaded: 0,
        changes_applied: 0,
        rows_refreshed: 0,
    };
    // Each collection in turn, each going on from where an interrupted run stopped.
    while state.phase != Phase::Feed {
        match state.phase {
            Phase::Projects => run.load::<ProjectSummary>(&mut state).await?,
            Phase::Measures => run.load::<Measure>(&mut state).await?,
            Phase::Courses => run.load::<Course>(&mut state).await?,
            Phase::Cohorts => run.load::<CohortSummary>(&mut state).await?,
            Phase::Events => run.load::<Event>(&mut state).await?,
            Phase::Feed => {}
        }
        state.phase = state.phase.next();
        state.loaded_after = 0;
        target::save_state(&db, &state).await?;
    }
    run.follow(&mut state).await?;
    // A copy made by an earlier version has gained the projects' newer columns, empty: the
    // feed brings only what changes, so the projects are read whole again, once.
    if upgraded.contains(&target::PROJECTS.name) {
        run.refresh::<ProjectSummary>(&target::PROJECTS, "projects")
            .await?;
    }
    // What the feed does not carry is read whole again, each in one transaction.
    run.refresh::<Enrolment>(&target::ENROLMENTS, "enrolments")
        .await?;
    run.refresh::<Booking>(&target::BOOKINGS, "bookings")
        .await?;
    run.refresh::<CoachingSession>(&target::COACHING_SESSIONS, "coaching-sessions")
        .await?;
    run.refresh::<PersonTier>(&target::CAPABILITY_TIERS, "capability-tiers")
        .await?;
    state.finished_at = Some(Utc::now());
    target::save_state(&db, &state).await?;
    let summary = Summary {
        rows_loaded: run.rows_loaded,
        changes_applied: run.changes_applied,
        rows_refreshed: run.rows_refreshed,
        elapsed: started.elapsed(),
    };
    db.close().await.ok();
    Ok(summary)
}

/// An SQLite URL that makes the file if it is missing (a first pull's copy does not exist yet).
fn creating(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") {
        let joint = if url.contains('?') { '&' } else { '?' };
        format!("{url}{joint}mode=rwc")
    } else {
        url.to_owned()
    }
}

/// A row of a bulk export, as the copy stores it.
trait Loaded: serde::de::DeserializeOwned + Send + Sync + 'static {
    fn id(&self) -> i64;
    /// How many rows besides its own it brings (a measure's points and annotations), so that a
    /// transaction holds about `batch_rows` rows whatever the objects' sizes.
    fn weight(&self) -> usize {
        0
    }
    /// Writes a batch; returns the rows written.
    fn write(
        db: &DatabaseTransaction,
        rows: &[Self],
    ) -> impl Future<Output = Result<usize, DbErr>> + Send;
}

/// Objects the copy keeps as one row each, in `TABLE`.
macro_rules! loaded_as_rows {
    ($($type:ty => $table:expr),* $(,)?) => {$(
        impl Loaded for $type {
            fn id(&self) -> i64 {
                self.id
            }
            async fn write(db: &DatabaseTransaction, rows: &[Self]) -> Result<usize, DbErr> {
                target::upsert_rows(db, &$table, rows).await.map(|()| rows.len())
            }
        }
    )*};
}

loaded_as_rows! {
    ProjectSummary => target::PROJECTS,
    Course => target::COURSES,
    CohortSummary => target::COHORTS,
    Event => target::EVENTS,
}

impl Loaded for Measure {
    fn id(&self) -> i64 {
        self.id
    }
    fn weight(&self) -> usize {
        self.points.len() + self.annotations.len()
    }
    async fn write(db: &DatabaseTransaction, rows: &[Self]) -> Result<usize, DbErr> {
        target::upsert_measures(db, rows).await
    }
}

struct Run<'a> {
    db: &'a DatabaseConnection,
    client: &'a Client,
    options: &'a PullOptions,
    rows_loaded: u64,
    changes_applied: u64,
    rows_refreshed: u64,
}

/// Tries of a collection's bulk load when the transfer breaks part way (each goes on from the
/// last row committed).
const LOAD_ATTEMPTS: u32 = 3;

impl Run<'_> {
    /// Loads a collection, going on after the last id committed. Exports come in id order, so
    /// the rows up to `loaded_after` are in the copy already (and their later changes are in
    /// the feed): they are read past, not written again.
    async fn load<T: Loaded>(&mut self, state: &mut PullState) -> anyhow::Result<()> {
        let collection = state.phase.as_str();
        let bar = self.bar(collection);
        let mut attempt = 1;
        loop {
            let Some(rows) = self.client.export::<T>(collection).await? else {
                bar.finish_and_clear();
                eprintln!("qi pull: the token may not read {collection}: left out");
                return Ok(());
            };
            match self.load_rows(state, rows, &bar).await {
                Ok(()) => break,
                Err(e) if attempt < LOAD_ATTEMPTS && is_transfer(&e) => {
                    tracing::warn!(collection, "the export broke off: {e:#}; going on");
                    attempt += 1;
                    tokio::time::sleep(self.options.backoff).await;
                }
                Err(e) => return Err(e.context(format!("loading {collection}"))),
            }
        }
        bar.finish_and_clear();
        Ok(())
    }

    async fn load_rows<T: Loaded>(
        &mut self,
        state: &mut PullState,
        mut rows: client::Rows<T>,
        bar: &ProgressBar,
    ) -> anyhow::Result<()> {
        let mut batch: Vec<T> = Vec::with_capacity(self.options.batch_rows);
        let mut pending = 0usize;
        while let Some(row) = rows.next().await {
            let row = row?;
            if row.id() <= state.loaded_after {
                continue;
            }
            pending += 1 + row.weight();
            batch.push(row);
            if pending >= self.options.batch_rows {
                self.commit(state, &mut batch, bar).await?;
                pending = 0;
            }
        }
        self.commit(state, &mut batch, bar).await
    }

    /// Writes a batch and the state saying how far the load got, in one transaction.
    async fn commit<T: Loaded>(
        &mut self,
        state: &mut PullState,
        batch: &mut Vec<T>,
        bar: &ProgressBar,
    ) -> anyhow::Result<()> {
        let Some(last) = batch.last().map(Loaded::id) else {
            return Ok(());
        };
        let txn = self.db.begin().await?;
        let written = T::write(&txn, batch).await? as u64;
        let mut next = state.clone();
        next.loaded_after = last;
        next.rows_loaded += written as i64;
        target::save_state(&txn, &next).await?;
        txn.commit().await?;
        *state = next;
        self.rows_loaded += written;
        bar.inc(batch.len() as u64);
        batch.clear();
        Ok(())
    }

    /// Replaces the copy of a collection the feed does not carry with the export read whole
    /// now, in one transaction: a run killed part way leaves the previous copy, and the next run
    /// reads it again. A collection the token may not read is emptied (its rows are no longer
    /// the token's to keep).
    async fn refresh<T>(&mut self, table: &target::Table, collection: &str) -> anyhow::Result<()>
    where
        T: serde::Serialize + serde::de::DeserializeOwned + Send + 'static,
    {
        let mut all: Vec<T> = Vec::new();
        let mut attempt = 1;
        loop {
            let Some(mut rows) = self.client.export::<T>(collection).await? else {
                eprintln!("qi pull: the token may not read {collection}: left out");
                break;
            };
            all.clear();
            let read: anyhow::Result<()> = async {
                while let Some(row) = rows.next().await {
                    all.push(row?);
                }
                Ok(())
            }
            .await;
            match read {
                Ok(()) => break,
                Err(e) if attempt < LOAD_ATTEMPTS && is_transfer(&e) => {
                    tracing::warn!(collection, "the export broke off: {e:#}; reading it again");
                    attempt += 1;
                    tokio::time::sleep(self.options.backoff).await;
                }
                Err(e) => return Err(e.context(format!("reading {collection}"))),
            }
        }
        let txn = self.db.begin().await?;
        target::replace_all(&txn, table, &all).await?;
        txn.commit().await?;
        self.rows_refreshed += all.len() as u64;
        Ok(())
    }

    /// Follows the feed to its end, a page a transaction with the cursor.
    async fn follow(&mut self, state: &mut PullState) -> anyhow::Result<()> {
        let bar = self.bar("changes");
        loop {
            let page = self
                .client
                .changes(state.cursor, self.options.page_size)
                .await?;
            let applied = page.changes.len() as u64;
            let more = page.more;
            let txn = self.db.begin().await?;
            apply(&txn, &page).await?;
            let mut next = state.clone();
            next.cursor = page.next;
            next.changes_applied += applied as i64;
            target::save_state(&txn, &next).await?;
            txn.commit().await?;
            *state = next;
            self.changes_applied += applied;
            bar.inc(applied);
            if !more {
                break;
            }
        }
        bar.finish_and_clear();
        Ok(())
    }

    fn bar(&self, what: &str) -> ProgressBar {
        if !self.options.progress {
            return ProgressBar::hidden();
        }
        // Drawn on stderr, and by indicatif only when that is a terminal.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix:>9} {spinner} {human_pos} rows, {per_sec} [{elapsed}]",
        ) {
            bar.set_style(style);
        }
        bar.set_prefix(what.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}

/// Whether a load failed because the transfer broke (worth going on), not for a reason that
/// another try would meet again.
fn is_transfer(error: &anyhow::Error) -> bool {
    matches!(
        error.downcast_ref::<ClientError>(),
        Some(
            ClientError::Body { .. }
                | ClientError::Unreachable { .. }
                | ClientError::Unavailable { .. }
        )
    )
}

/// Applies a page of the feed, in order: upserts replace the copy's object, tombstones remove it
/// (a project with its measures).
async fn apply(db: &impl ConnectionTrait, page: &ChangePage) -> anyhow::Result<()> {
    for change in &page.changes {
        if change.op == ChangeOp::Delete {
            match change.object_type {
                ChangeType::Project => target::delete_projects(db, &[change.id]).await?,
                ChangeType::Measure => target::delete_measures(db, &[change.id]).await?,
                ChangeType::Course => {
                    target::delete_rows(db, &target::COURSES, &[change.id]).await?
                }
                ChangeType::Cohort => {
                    target::delete_rows(db, &target::COHORTS, &[change.id]).await?
                }
                ChangeType::Event => target::delete_rows(db, &target::EVENTS, &[change.id]).await?,
            }
            continue;
        }
        let missing = || {
            anyhow::anyhow!(
                "an upsert of {} {} without it",
                change.object_type.as_str(),
                change.id
            )
        };
        let Change {
            project,
            measure,
            course,
            cohort,
            event,
            ..
        } = change;
        match change.object_type {
            ChangeType::Project => {
                let project = project.as_ref().ok_or_else(missing)?;
                target::upsert_rows(db, &target::PROJECTS, std::slice::from_ref(project)).await?;
            }
            ChangeType::Measure => {
                let measure = measure.as_ref().ok_or_else(missing)?;
                target::upsert_measures(db, std::slice::from_ref(measure)).await?;
            }
            ChangeType::Course => {
                let course = course.as_ref().ok_or_else(missing)?;
                target::upsert_rows(db, &target::COURSES, std::slice::from_ref(course)).await?;
            }
            ChangeType::Cohort => {
                let cohort = cohort.as_ref().ok_or_else(missing)?;
                target::upsert_rows(db, &target::COHORTS, std::slice::from_ref(cohort)).await?;
            }
            ChangeType::Event => {
                let event = event.as_ref().ok_or_else(missing)?;
                target::upsert_rows(db, &target::EVENTS, std::slice::from_ref(event)).await?;
            }
        }
    }
    Ok(())
}
