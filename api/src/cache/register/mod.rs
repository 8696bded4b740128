//! The per-node index of the project register: which projects a list shows, in which order,
//! and how many, answered from memory; the database then reads only the page's own rows.
//!
//! Counting the matches of a list was most of its cost in SQL (every match checked for who may
//! see it: tens of milliseconds in a register of 100,000 projects, per person), and a write
//! every few hundred milliseconds made any cached count stale. Here each project is one small
//! row (what the filters, the sorts and the visibility rule read), with its search words in an
//! inverted index, so a list is a scan of plain memory: a few milliseconds for 100,000
//! projects, exact whatever the filters.
//!
//! It is kept up to date, not thrown away: every change to a project moves its `updated_at`
//! (and a new project the greatest id), so when the projects table's stamp moves the index
//! reads again only the projects changed since the latest it holds (with a margin of
//! [`RECENT`] for changes committed a little after their timestamp), and every [`SWEEP_EVERY`],
//! in the background, those of the last [`SWEEP_WINDOW`] (for a change committed later still,
//! or stamped by a node whose clock runs behind). A change that leaves a project's search text
//! as it was (a score, a status, its problem) leaves its words alone. A change made through this node shows at once (the stamp is read
//! again after it); one made through another node, within the stamp's interval.
//! Access to a project's page never uses it.

use std::{
    collections::{BTreeMap, HashMap},
    hash::{DefaultHasher, Hash, Hasher},
    ops::Bound,
    sync::{
        Arc, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::lock::Mutex;
use qi_shared::{
    access::{Actor, ProjectContext},
    project::Visibility,
    project::{
        OrganisationPart, ProjectQuery, ProjectSort, ProjectStatus, ProjectType, QualityDimension,
        Spread, TeamRole,
    },
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};

use qi_shared::improvement::DriverKind;

use crate::db::{
    entity::{
        driver_node, measure, pdsa_cycle, project, project_member, project_organisation,
        project_quality_dimension, project_tag,
    },
    search,
};

mod rank;

pub use rank::{DUPLICATE_DAYS, Document, Found, MeasureDocument, Pair, Part, Similar, Within};

use super::projects::Stamp;

/// How far before the latest change it holds the index reads again when the stamp moves.
const RECENT: chrono::TimeDelta = chrono::TimeDelta::seconds(1);
/// How often the index reads again the projects changed in the last [`SWEEP_WINDOW`].
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// How late after its timestamp a change may be committed and still show within
/// [`SWEEP_EVERY`].
const SWEEP_WINDOW: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// What a list needs to know of one project.
struct Row {
    id: i64,
    updated_at: DateTime<Utc>,
    title: String,
    score_tenths: Option<i32>,
    /// `None` if the stored value is not one this server knows: no filter on it shows the
    /// project, and a page that would show it fails when it reads its row.
    status: Option<ProjectStatus>,
    spread: Option<Spread>,
    project_type: Option<ProjectType>,
    quality_dimensions: Vec<QualityDimension>,
    involvement: bool,
    sustainability: bool,
    /// Who may see it, as the project page decides (`Actor::can_view_project`).
    context: ProjectContext,
    coaches: Vec<i64>,
    tags: Vec<String>,
    /// Its distinct search words (`search::words` of its search text), as ids of
    /// [`Index::words`], ascending.
    words: Vec<u32>,
    /// A hash of its search text and its document, to tell whether a change changed its
    /// words.
    text_hash: u64,
    started: Option<NaiveDate>,
    /// The terms of its document (`rank::Document`), as ids of the terms of
    /// [`Index::documents`] with their weighted counts, ascending.
    terms: Vec<(u32, u16)>,
    /// Its document's length in weighted terms, for BM25.
    length: u32,
    /// The places of its measures in [`Index::measures`].
    measures: Vec<u32>,
}

/// Every project of the register, and its search words.
#[derive(Default)]
struct Index {
    rows: Vec<Row>,
    /// A project's place in `rows`, by its id.
    slots: HashMap<i64, u32>,
    /// Every search word met, with its id (its place in `postings`). Words are not forgotten
    /// when no project has them any more: there are few distinct words.
    words: BTreeMap<Box<str>, u32>,
    /// For each word, the places in `rows` of the projects that have it, ascending.
    postings: Vec<Vec<u32>>,
    /// The terms of the projects' documents (`qi_shared::search::text`), places being places
    /// in `rows`.
    documents: crate::cache::corpus::Corpus,
    /// The projects' measures and their terms.
    measures: rank::Measures,
    /// The stamp of the projects it holds: their latest `updated_at` and greatest id.
    seen: Stamp,
    /// When the projects of the last [`SWEEP_WINDOW`] were last read again.
    swept: Option<Instant>,
}

/// A set of places in `rows`.
struct Places(Vec<u64>);

impl Places {
    fn empty(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn insert(&mut self, place: u32) {
        let place = place as usize;
        self.0[place / 64] |= 1 << (place % 64);
    }

    fn keep_also_in(&mut self, other: &Places) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine &= theirs;
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(block, bits)| {
            let mut bits = *bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let bit = bits.trailing_zeros();
                    bits &= bits - 1;
                    (block * 64) as u32 + bit
                })
            })
        })
    }
}

impl Index {
    /// Puts `row` (with the words of `text` and the terms of `document`) in place of the
    /// project's row, or adds it.
    fn put(&mut self, mut row: Row, text: &str, document: &rank::Document) {
        row.text_hash = {
            let mut hasher = DefaultHasher::new();
            text.hash(&mut hasher);
            document.hash(&mut hasher);
            hasher.finish()
        };
        let (place, before) = match self.slots.get(&row.id) {
            Some(&place) => {
                let old = &mut self.rows[place as usize];
                let terms = (
                    std::mem::take(&mut old.terms),
                    old.length,
                    std::mem::take(&mut old.measures),
                );
                (
                    place,
                    Some((old.text_hash, std::mem::take(&mut old.words), terms)),
                )
            }
            None => {
                let place = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
                self.slots.insert(row.id, place);
                (place, None)
            }
        };
        (row.words, row.terms, row.length, row.measures) = match before {
            // Most changes (a score, a status) leave the words as they were.
            Some((hash, words, (terms, length, measures))) if hash == row.text_hash => {
                (words, terms, length, measures)
            }
            before => {
                let (before, (terms_before, length_before, measures_before)) = before
                    .map(|(_, words, terms)| (words, terms))
                    .unwrap_or_default();
                let (terms, length) =
                    self.documents
                        .put(place, &terms_before, length_before, document.terms());
                let measures = self.put_measures(place, measures_before, &document.measures);
                let words = self.word_ids(text);
                // Only the words that come or go: a common word's list holds most of the
                // register, and moving it for every change would cost more than the change.
                for gone in before.iter().filter(|w| words.binary_search(w).is_err()) {
                    let posting = &mut self.postings[*gone as usize];
                    if let Ok(at) = posting.binary_search(&place) {
                        posting.remove(at);
                    }
                }
                for new in words.iter().filter(|w| before.binary_search(w).is_err()) {
                    let posting = &mut self.postings[*new as usize];
                    if let Err(at) = posting.binary_search(&place) {
                        posting.insert(at, place);
                    }
                }
                (words, terms, length, measures)
            }
        };
        self.seen = (
            Ord::max(self.seen.0, Some(row.updated_at)),
            Ord::max(self.seen.1, Some(row.id)),
        );
        if place as usize == self.rows.len() {
            self.rows.push(row);
        } else {
            self.rows[place as usize] = row;
        }
    }

    /// The ids of the distinct words of `text`, ascending, each word given an id if new.
    fn word_ids(&mut self, text: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = search::words(text)
            .into_iter()
            .map(|word| {
                let next = u32::try_from(self.postings.len()).unwrap_or(u32::MAX);
                let id = *self.words.entry(word.into_boxed_str()).or_insert(next);
                if id == next {
                    self.postings.push(Vec::new());
                }
                id
            })
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The projects that have a word beginning with `prefix`.
    fn with_word(&self, prefix: &str) -> Places {
        let mut places = Places::empty(self.rows.len());
        let end = match search::prefix_end(prefix) {
            Some(end) => Bound::Excluded(end.into_boxed_str()),
            None => Bound::Unbounded,
        };
        for (_, &word) in self
            .words
            .range::<Box<str>, _>((Bound::Included(Box::from(prefix)), end))
        {
            for &place in &self.postings[word as usize] {
                places.insert(place);
            }
        }
        places
    }

    /// The ids of the page `(offset, limit)` of the projects `actor` (`None`: the public) may
    /// see that match `query`, in the query's order, and how many match in all.
    fn select(
        &self,
        actor: Option<&Actor>,
        query: &ProjectQuery,
        (offset, limit): (usize, usize),
    ) -> (Vec<i64>, u64) {
        let mut words: Option<Places> = None;
        for word in query
            .q
            .as_deref()
            .map(search::query_words)
            .unwrap_or_default()
        {
            let found = self.with_word(&word);
            words = Some(match words {
                None => found,
                Some(mut places) => {
                    places.keep_also_in(&found);
                    places
                }
            });
        }
        let theme = query
            .theme
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let score_min = query.score_min.map(|min| (min * 10.0).round() as i32);
        let score_max = query.score_max.map(|max| (max * 10.0).round() as i32);
        let shows = |row: &Row| {
            query
                .organisation_id
                .is_none_or(|o| row.context.organisation_ids.contains(&o))
                && query.status.is_none_or(|s| row.status == Some(s))
                && theme.as_ref().is_none_or(|t| row.tags.contains(t))
                && query
                    .project_type
                    .is_none_or(|t| row.project_type == Some(t))
                && query
                    .quality_dimension
                    .is_none_or(|d| row.quality_dimensions.contains(&d))
                && score_min.is_none_or(|min| row.score_tenths.is_some_and(|s| s >= min))
                && score_max.is_none_or(|max| row.score_tenths.is_some_and(|s| s <= max))
                && query.involvement.is_none_or(|i| row.involvement == i)
                && query.sustainability.is_none_or(|s| row.sustainability == s)
                && query.spread.is_none_or(|s| row.spread == Some(s))
                && query.coach_id.is_none_or(|c| row.coaches.contains(&c))
                && query
                    .member_id
                    .is_none_or(|m| row.context.team.iter().any(|(p, _)| *p == m))
                && match actor {
                    None => row.context.visibility == Visibility::Public,
                    Some(actor) => actor.can_view_project(&row.context),
                }
        };
        let mut found: Vec<&Row> = match &words {
            Some(places) => places
                .iter()
                .map(|place| &self.rows[place as usize])
                .filter(|row| shows(row))
                .collect(),
            None => self.rows.iter().filter(|row| shows(row)).collect(),
        };
        let total = found.len() as u64;
        let order = |a: &&Row, b: &&Row| {
            match query.sort.unwrap_or(ProjectSort::Updated) {
                ProjectSort::Updated => b.updated_at.cmp(&a.updated_at),
                ProjectSort::Title => a.title.cmp(&b.title),
                // Unscored last (`None` is the least).
                ProjectSort::Score => b.score_tenths.cmp(&a.score_tenths),
            }
            .then(b.id.cmp(&a.id))
        };
        let end = offset.saturating_add(limit).min(found.len());
        if offset >= end {
            return (Vec::new(), total);
        }
        // Only the first `end` in order, not all of them.
        if end < found.len() {
            found.select_nth_unstable_by(end, order);
            found.truncate(end);
        }
        found.sort_unstable_by(order);
        (found[offset..end].iter().map(|row| row.id).collect(), total)
    }
}

/// The index of one node. One a server (in `ListCache`).
#[derive(Default)]
pub struct RegisterIndex {
    index: RwLock<Index>,
    /// Held while the index reads from the database, so that one request reads and the others
    /// wait for it rather than all reading the same rows.
    reading: Mutex<()>,
    /// Set while a sweep is under way, so that there is one at a time.
    sweeping: AtomicBool,
}

impl RegisterIndex {
    /// Brings the index up to `stamp` (the projects table's, as `ListCache::stamp` gives it),
    /// reading the whole register the first time and the projects changed since after; and,
    /// every [`SWEEP_EVERY`], starts reading those of the last [`SWEEP_WINDOW`] in the
    /// background.
    pub async fn catch_up(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        stamp: Stamp,
    ) -> Result<(), DbErr> {
        if !self.holds(stamp) {
            let _reading = self.reading.lock().await;
            if !self.holds(stamp) {
                let since = match self.index.read() {
                    Ok(index) => index.swept.and(index.seen.0).map(|seen| seen - RECENT),
                    Err(_) => return Err(poisoned()),
                };
                let started = Instant::now();
                let parts = match since {
                    Some(since) => vec![Which::ChangedSince(since)],
                    // Never read: the whole register (or the table is still empty).
                    None => (0..stamp.1.unwrap_or(0))
                        .step_by(PART as usize)
                        .map(|after| Which::Ids(after, after + PART))
                        .collect(),
                };
                let mut read_rows = 0;
                for which in parts {
                    let rows = read(db, which).await?;
                    read_rows += rows.len();
                    self.apply(rows)?;
                }
                tracing::debug!(rows = read_rows, ?since, took = ?started.elapsed(), "the register's index reads changes");
                let mut index = self.index.write().map_err(|_| poisoned())?;
                // What was asked for is held even when nothing was read (an empty register).
                index.seen = (
                    Ord::max(index.seen.0, stamp.0),
                    Ord::max(index.seen.1, stamp.1),
                );
                index.swept.get_or_insert_with(Instant::now);
            }
        }
        let due = self
            .index
            .read()
            .is_ok_and(|index| index.swept.is_some_and(|s| s.elapsed() >= SWEEP_EVERY));
        if due && !self.sweeping.swap(true, Ordering::AcqRel) {
            let (register, db) = (self.clone(), db.clone());
            tokio::spawn(async move {
                if let Err(error) = register.sweep(&db).await {
                    tracing::warn!(%error, "could not read the register's recent changes");
                }
                register.sweeping.store(false, Ordering::Release);
            });
        }
        Ok(())
    }

    /// Reads again the projects changed in the last [`SWEEP_WINDOW`] by this node's clock.
    async fn sweep(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let _reading = self.reading.lock().await;
        let rows = read(db, Which::ChangedSince(Utc::now() - SWEEP_WINDOW)).await?;
        self.apply(rows)?;
        self.index.write().map_err(|_| poisoned())?.swept = Some(Instant::now());
        Ok(())
    }

    /// Puts the projects read into the index.
    fn apply(&self, rows: Vec<(Row, String, rank::Document)>) -> Result<(), DbErr> {
        let mut index = self.index.write().map_err(|_| poisoned())?;
        for (row, text, document) in rows {
            index.put(row, &text, &document);
        }
        Ok(())
    }

    /// Whether the index holds every change up to `stamp`.
    fn holds(&self, stamp: Stamp) -> bool {
        self.index.read().is_ok_and(|index| {
            index.swept.is_some() && index.seen.0 >= stamp.0 && index.seen.1 >= stamp.1
        })
    }

    /// See [`Index::select`].
    pub fn select(
        &self,
        actor: Option<&Actor>,
        query: &ProjectQuery,
        page: (usize, usize),
    ) -> Result<(Vec<i64>, u64), DbErr> {
        self.index
            .read()
            .map(|index| index.select(actor, query, page))
            .map_err(|_| poisoned())
    }
}

impl RegisterIndex {
    /// See [`Index::search`].
    pub fn search(
        &self,
        actor: Option<&Actor>,
        terms: &[String],
        within: &Within,
        page: (usize, usize),
    ) -> Result<Found, DbErr> {
        self.index
            .read()
            .map(|index| index.search(actor, terms, within, page))
            .map_err(|_| poisoned())
    }

    /// See [`Index::similar`].
    pub fn similar(
        &self,
        actor: Option<&Actor>,
        terms: &[(String, f64)],
        tags: &[String],
        exclude: Option<i64>,
        limit_and_threshold: (usize, f64),
    ) -> Result<Vec<Similar>, DbErr> {
        self.index
            .read()
            .map(|index| index.similar(actor, terms, tags, exclude, limit_and_threshold))
            .map_err(|_| poisoned())
    }

    /// The start dates of projects `ids` (those it holds).
    pub fn started(&self, ids: &[i64]) -> Result<HashMap<i64, Option<NaiveDate>>, DbErr> {
        let index = self.index.read().map_err(|_| poisoned())?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                let row = index.rows.get(*index.slots.get(id)? as usize)?;
                Some((*id, row.started))
            })
            .collect())
    }

    /// The themes of the projects each person leads, of those `actor` may see.
    pub fn led_themes(&self, actor: &Actor) -> Result<HashMap<i64, Vec<String>>, DbErr> {
        let index = self.index.read().map_err(|_| poisoned())?;
        let mut led: HashMap<i64, Vec<String>> = HashMap::new();
        for row in index.rows.iter().filter(|row| !row.tags.is_empty()) {
            let leads = row
                .context
                .team
                .iter()
                .filter(|(_, role)| *role == TeamRole::Lead);
            let mut leads = leads.peekable();
            if leads.peek().is_none() || !actor.can_view_project(&row.context) {
                continue;
            }
            for (person, _) in leads {
                let themes = led.entry(*person).or_default();
                for tag in &row.tags {
                    if !themes.contains(tag) {
                        themes.push(tag.clone());
                    }
                }
            }
        }
        Ok(led)
    }

    /// See [`Index::duplicates`].
    pub fn duplicates(
        &self,
        actor: Option<&Actor>,
        organisation_id: i64,
        since: NaiveDate,
        threshold: f64,
    ) -> Result<Vec<Pair>, DbErr> {
        self.index
            .read()
            .map(|index| index.duplicates(actor, organisation_id, since, threshold))
            .map_err(|_| poisoned())
    }

    /// Of the projects `ids`, those `actor` may see (by the project page's rule), in order.
    pub fn visible_among(&self, actor: Option<&Actor>, ids: &[i64]) -> Result<Vec<i64>, DbErr> {
        let index = self.index.read().map_err(|_| poisoned())?;
        Ok(ids
            .iter()
            .copied()
            .filter(|id| {
                index
                    .slots
                    .get(id)
                    .and_then(|slot| index.rows.get(*slot as usize))
                    .is_some_and(|row| match actor {
                        None => row.context.visibility == Visibility::Public,
                        Some(actor) => actor.can_view_project(&row.context),
                    })
            })
            .collect())
    }
}

/// The documents of projects `ids` (those that exist), as the index reads them.
pub async fn documents(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, rank::Document>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(read(db, Which::These(ids))
        .await?
        .into_iter()
        .map(|(row, _, document)| (row.id, document))
        .collect())
}

fn poisoned() -> DbErr {
    DbErr::Custom("the register index is poisoned".into())
}

/// The value stored in a column of project `id`, if this server knows it (else logged): an
/// unknown visibility is taken as the narrowest, team only.
fn known<T: ActiveEnum<Value = String>>(id: i64, stored: &str) -> Option<T> {
    let value = T::try_from_value(&stored.to_owned());
    if value.is_err() {
        tracing::error!(
            project = id,
            stored,
            "a project holds a value this server does not know"
        );
    }
    value.ok()
}

/// What the index keeps of a project's row, and its search text.
#[derive(FromQueryResult)]
struct ProjectRow {
    id: i64,
    title: String,
    search_text: String,
    problem: String,
    aim: String,
    start_date: Option<NaiveDate>,
    lead_organisation_id: i64,
    // As stored: one unknown value must not make the whole register unreadable.
    status: String,
    visibility: String,
    spread: String,
    project_type: String,
    score_tenths: Option<i32>,
    involvement: bool,
    sustainability: bool,
    updated_at: DateTime<Utc>,
}

/// Which projects to read.
#[derive(Clone, Copy, Debug)]
enum Which<'a> {
    /// Those changed at or after this moment.
    ChangedSince(DateTime<Utc>),
    /// Those with an id above the first and up to the second: the whole register is read a
    /// part at a time, so that what the database answers is never all in memory at once.
    Ids(i64, i64),
    /// These.
    These(&'a [i64]),
}

/// How many ids the whole register is read in at a time.
const PART: i64 = 5_000;

/// The projects `which` names, each with its search text and its document.
async fn read(
    db: &impl ConnectionTrait,
    which: Which<'_>,
) -> Result<Vec<(Row, String, rank::Document)>, DbErr> {
    use project::Column as C;
    let changed = match which {
        // A new project is stamped when it is made, so `updated_at` alone finds it (through the
        // index `projects_by_updated`; an `OR` on the id would read the whole table).
        Which::ChangedSince(updated) => Condition::all().add(C::UpdatedAt.gte(updated)),
        Which::Ids(after, up_to) => Condition::all().add(C::Id.gt(after)).add(C::Id.lte(up_to)),
        Which::These(ids) => Condition::all().add(C::Id.is_in(ids.iter().copied())),
    };
    // The related rows of the same projects.
    let of_those = |column: Expr| match which {
        Which::ChangedSince(_) => Condition::all().add(
            column.in_subquery(
                Query::select()
                    .column((project::Entity, C::Id))
                    .from(project::Entity)
                    .cond_where(changed.clone())
                    .to_owned(),
            ),
        ),
        Which::Ids(after, up_to) => Condition::all()
            .add(column.clone().gt(after))
            .add(column.lte(up_to)),
        Which::These(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
    };
    let projects = project::Entity::find().select_only().columns([
        C::Id,
        C::Title,
        C::SearchText,
        C::Problem,
        C::Aim,
        C::StartDate,
        C::LeadOrganisationId,
        C::Status,
        C::Visibility,
        C::Spread,
        C::ProjectType,
        C::ScoreTenths,
        C::Involvement,
        C::Sustainability,
        C::UpdatedAt,
    ]);
    let projects = projects.filter(changed.clone());
    // Sorted here, not by the query: SQLite would read the whole table in id order rather than
    // the few changed rows through `projects_by_updated`. In id order, a word's list of places
    // grows at its end while the whole register is read.
    let mut projects = projects.into_model::<ProjectRow>().all(db).await?;
    projects.sort_unstable_by_key(|p| p.id);
    let mut organisations: HashMap<i64, Vec<i64>> = HashMap::new();
    for part in project_organisation::Entity::find()
        .filter(of_those(Expr::col(project_organisation::Column::ProjectId)))
        .filter(
            project_organisation::Column::Kind
                .is_in([OrganisationPart::Lead, OrganisationPart::Partner]),
        )
        .all(db)
        .await?
    {
        organisations
            .entry(part.project_id)
            .or_default()
            .push(part.organisation_id);
    }
    let mut teams: HashMap<i64, Vec<(i64, TeamRole)>> = HashMap::new();
    for member in project_member::Entity::find()
        .filter(of_those(Expr::col(project_member::Column::ProjectId)))
        .all(db)
        .await?
    {
        teams
            .entry(member.project_id)
            .or_default()
            .push((member.person_id, member.role));
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for tag in project_tag::Entity::find()
        .filter(of_those(Expr::col(project_tag::Column::ProjectId)))
        .all(db)
        .await?
    {
        tags.entry(tag.project_id).or_default().push(tag.tag);
    }
    let mut dimensions: HashMap<i64, Vec<QualityDimension>> = HashMap::new();
    for row in project_quality_dimension::Entity::find()
        .filter(of_those(Expr::col(
            project_quality_dimension::Column::ProjectId,
        )))
        .all(db)
        .await?
    {
        dimensions
            .entry(row.project_id)
            .or_default()
            .push(row.dimension);
    }
    let mut ideas: HashMap<i64, Vec<String>> = HashMap::new();
    for (project_id, text) in driver_node::Entity::find()
        .select_only()
        .column(driver_node::Column::ProjectId)
        .column(driver_node::Column::Text)
        .filter(of_those(Expr::col(driver_node::Column::ProjectId)))
        .filter(driver_node::Column::Kind.eq(DriverKind::ChangeIdea))
        .order_by_asc(driver_node::Column::Id)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
    {
        ideas.entry(project_id).or_default().push(text);
    }
    let mut measures: HashMap<i64, Vec<(i64, rank::MeasureDocument)>> = HashMap::new();
    for (id, project_id, name, operational, numerator, denominator) in measure::Entity::find()
        .select_only()
        .columns([
            measure::Column::Id,
            measure::Column::ProjectId,
            measure::Column::Name,
            measure::Column::OperationalDefinition,
            measure::Column::NumeratorDefinition,
            measure::Column::DenominatorDefinition,
        ])
        .filter(of_those(Expr::col(measure::Column::ProjectId)))
        .order_by_asc(measure::Column::Id)
        .into_tuple::<(i64, i64, String, String, String, String)>()
        .all(db)
        .await?
    {
        let definitions = [operational, numerator, denominator]
            .into_iter()
            .filter(|d| !d.trim().is_empty())
            .collect();
        measures
            .entry(project_id)
            .or_default()
            .push((id, rank::MeasureDocument { name, definitions }));
    }
    // What the cycles learnt: their Study, and what they decided to do next.
    let mut learning: HashMap<i64, Vec<String>> = HashMap::new();
    for (project_id, study, next_step) in pdsa_cycle::Entity::find()
        .select_only()
        .column(pdsa_cycle::Column::ProjectId)
        .column(pdsa_cycle::Column::Study)
        .column(pdsa_cycle::Column::NextStep)
        .filter(of_those(Expr::col(pdsa_cycle::Column::ProjectId)))
        .order_by_asc(pdsa_cycle::Column::Id)
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
    {
        let cycle = learning.entry(project_id).or_default();
        cycle.extend(
            [study, next_step]
                .into_iter()
                .filter(|t| !t.trim().is_empty()),
        );
    }
    Ok(projects
        .into_iter()
        .map(|p| {
            let team = teams.remove(&p.id).unwrap_or_default();
            let visibility = known(p.id, &p.visibility).unwrap_or(Visibility::Team);
            let row = Row {
                id: p.id,
                updated_at: p.updated_at,
                title: p.title,
                score_tenths: p.score_tenths,
                status: known(p.id, &p.status),
                spread: known(p.id, &p.spread),
                project_type: known(p.id, &p.project_type),
                quality_dimensions: dimensions.remove(&p.id).unwrap_or_default(),
                involvement: p.involvement,
                sustainability: p.sustainability,
                coaches: team
                    .iter()
                    .filter(|(_, role)| *role == TeamRole::Coach)
                    .map(|(person, _)| *person)
                    .collect(),
                context: ProjectContext {
                    visibility,
                    lead_organisation_id: p.lead_organisation_id,
                    organisation_ids: organisations.remove(&p.id).unwrap_or_default(),
                    team,
                },
                tags: tags.remove(&p.id).unwrap_or_default(),
                words: Vec::new(),
                text_hash: 0,
                started: p.start_date,
                terms: Vec::new(),
                length: 0,
                measures: Vec::new(),
            };
            let document = rank::Document {
                title: row.title.clone(),
                tags: row.tags.clone(),
                aim: p.aim,
                problem: p.problem,
                ideas: ideas.remove(&p.id).unwrap_or_default(),
                learning: learning.remove(&p.id).unwrap_or_default(),
                measures: measures.remove(&p.id).unwrap_or_default(),
            };
            (row, p.search_text, document)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use qi_shared::person::Role;

    use super::*;

    fn row(
        id: i64,
        title: &str,
        visibility: Visibility,
        lead: i64,
        team: &[(i64, TeamRole)],
    ) -> Row {
        Row {
            id,
            updated_at: Utc
                .timestamp_opt(1_700_000_000 + id, 0)
                .single()
                .unwrap_or_default(),
            title: title.to_owned(),
            score_tenths: None,
            status: Some(ProjectStatus::Active),
            spread: Some(Spread::Unit),
            project_type: Some(ProjectType::QiProject),
            quality_dimensions: Vec::new(),
            involvement: false,
            sustainability: false,
            context: ProjectContext {
                visibility,
                lead_organisation_id: lead,
                organisation_ids: vec![lead],
                team: team.to_vec(),
            },
            coaches: Vec::new(),
            tags: Vec::new(),
            words: Vec::new(),
            text_hash: 0,
            started: None,
            terms: Vec::new(),
            length: 0,
            measures: Vec::new(),
        }
    }

    fn put(index: &mut Index, row: Row, text: &str) {
        index.put(row, text, &rank::Document::default());
    }

    fn member(person_id: i64, organisation_id: i64) -> Actor {
        Actor {
            person_id,
            organisation_id,
            roles: vec![Role::Member],
        }
    }

    fn ids(index: &Index, actor: Option<&Actor>, query: &ProjectQuery) -> (Vec<i64>, u64) {
        index.select(actor, query, (0, 100))
    }

    fn query(q: &str) -> ProjectQuery {
        ProjectQuery {
            q: Some(q.to_owned()),
            ..ProjectQuery::default()
        }
    }

    #[test]
    fn a_list_shows_what_the_project_page_would() {
        let mut index = Index::default();
        put(
            &mut index,
            row(1, "Shared", Visibility::Partnership, 10, &[]),
            "",
        );
        put(
            &mut index,
            row(2, "Trust only", Visibility::Organisation, 10, &[]),
            "",
        );
        put(
            &mut index,
            row(
                3,
                "Team only",
                Visibility::Team,
                10,
                &[(7, TeamRole::Member)],
            ),
            "",
        );
        put(
            &mut index,
            row(4, "Public", Visibility::Public, 20, &[]),
            "",
        );
        let everything = ProjectQuery::default();
        assert_eq!(ids(&index, None, &everything), (vec![4], 1));
        assert_eq!(
            ids(&index, Some(&member(7, 20)), &everything),
            (vec![4, 3, 1], 3)
        );
        assert_eq!(
            ids(&index, Some(&member(8, 10)), &everything),
            (vec![4, 2, 1], 3)
        );
        let admin = Actor {
            roles: vec![Role::OrganisationAdmin],
            ..member(9, 10)
        };
        assert_eq!(ids(&index, Some(&admin), &everything).1, 4);
    }

    #[test]
    fn every_search_word_must_begin_a_word_and_a_change_replaces_the_words() {
        let mut index = Index::default();
        put(
            &mut index,
            row(1, "a", Visibility::Public, 1, &[]),
            "fewer falls at night",
        );
        put(
            &mut index,
            row(2, "b", Visibility::Public, 1, &[]),
            "falling less",
        );
        put(
            &mut index,
            row(3, "c", Visibility::Public, 1, &[]),
            "sepsis",
        );
        assert_eq!(ids(&index, None, &query("fall")), (vec![2, 1], 2));
        assert_eq!(ids(&index, None, &query("FALL night")), (vec![1], 1));
        assert_eq!(ids(&index, None, &query("alls")).1, 0, "not inside a word");
        put(
            &mut index,
            row(1, "a", Visibility::Public, 1, &[]),
            "sepsis screening",
        );
        assert_eq!(ids(&index, None, &query("fall")), (vec![2], 1));
        assert_eq!(ids(&index, None, &query("seps")), (vec![3, 1], 2));
        assert_eq!(index.rows.len(), 3, "changed in place");
    }

    #[test]
    fn pages_come_in_the_sort_order_with_ties_by_newest_id() {
        let mut index = Index::default();
        for (id, title, score) in [
            (1, "Bravo", Some(30)),
            (2, "alpha", None),
            (3, "Alpha", Some(45)),
            (4, "Charlie", Some(30)),
        ] {
            let mut project = row(id, title, Visibility::Public, 1, &[]);
            project.score_tenths = score;
            put(&mut index, project, "");
        }
        let sorted = |sort| ProjectQuery {
            sort: Some(sort),
            ..ProjectQuery::default()
        };
        let page = |q: &ProjectQuery, offset| index.select(None, q, (offset, 2)).0;
        assert_eq!(page(&sorted(ProjectSort::Updated), 0), [4, 3]);
        assert_eq!(page(&sorted(ProjectSort::Updated), 2), [2, 1]);
        assert_eq!(page(&sorted(ProjectSort::Title), 0), [3, 1]);
        assert_eq!(page(&sorted(ProjectSort::Title), 2), [4, 2]);
        assert_eq!(page(&sorted(ProjectSort::Score), 0), [3, 4]);
        assert_eq!(
            page(&sorted(ProjectSort::Score), 2),
            [1, 2],
            "unscored last"
        );
        assert!(page(&sorted(ProjectSort::Score), 4).is_empty());
        let scored = ProjectQuery {
            score_min: Some(3.0),
            score_max: Some(3.0),
            ..ProjectQuery::default()
        };
        assert_eq!(ids(&index, None, &scored), (vec![4, 1], 2));
    }
}
