//! The per-node index of the training catalogue's courses and of the events, for search: each
//! kind's stemmed terms with their counts (`super::corpus`), and what the visibility rules and
//! the facets need of each.
//!
//! It follows the changes feed (`db::changes`), which records every change to a course or an
//! event in commit order: each search first reads the changes after the position it holds (one
//! indexed query, usually empty) and reads again the courses and events they name. It reads
//! everything again if retention removed changes it had not read yet.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures_util::lock::Mutex;
use qi_shared::{
    access::Actor,
    changes::{ChangeType, Position},
    event::{Audience, rules},
    search::SearchKind,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::sync::RwLock;

use super::corpus::{Corpus, Counts, weighted_terms, with_all};
use crate::db::{
    self,
    entity::{
        events::{event, event_tag},
        training::course,
    },
};

/// How many changes are read at a time.
const CHANGES_PAGE: u64 = 500;

/// What search needs to know of a course or an event.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: SearchKind,
    pub id: i64,
    pub title: String,
    /// The course's provider, the event's organiser.
    pub organisation_id: i64,
    /// An event's audience (a course is for everyone in the partnership).
    pub audience: Option<Audience>,
    pub tags: Vec<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub description: String,
}

impl Entry {
    fn terms(&self) -> Counts {
        weighted_terms(
            [(3, self.title.as_str()), (1, self.description.as_str())]
                .into_iter()
                .chain(self.tags.iter().map(|t| (2, t.as_str()))),
        )
    }
}

/// A course or an event in the index, with its terms.
struct Indexed {
    entry: Entry,
    terms: Vec<(u32, u16)>,
    length: u32,
    /// False once it is removed.
    alive: bool,
}

/// The documents of one kind.
#[derive(Default)]
struct Kind {
    entries: Vec<Indexed>,
    slots: HashMap<i64, u32>,
    corpus: Corpus,
}

impl Kind {
    /// Puts `entry` in place of the one of its id, or adds it; `None` for `id`: removes it.
    fn put(&mut self, id: i64, entry: Option<Entry>) {
        let place = match (self.slots.get(&id), &entry) {
            (Some(place), _) => *place,
            (None, None) => return,
            (None, Some(entry)) => {
                self.entries.push(Indexed {
                    entry: entry.clone(),
                    terms: Vec::new(),
                    length: 0,
                    alive: false,
                });
                let place = u32::try_from(self.entries.len() - 1).unwrap_or(u32::MAX);
                self.slots.insert(id, place);
                place
            }
        };
        let indexed = &mut self.entries[place as usize];
        let before = std::mem::take(&mut indexed.terms);
        let counts = entry.as_ref().map(Entry::terms).unwrap_or_default();
        (indexed.terms, indexed.length) = self.corpus.put(place, &before, indexed.length, counts);
        indexed.alive = entry.is_some();
        if let Some(entry) = entry {
            indexed.entry = entry;
        }
    }
}

/// Which results a catalogue search keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The kinds searched (those the asker may read), all counted in the kinds' facet.
    pub kinds: Vec<SearchKind>,
    /// The kind asked for, if one: only results of it are listed and counted in the others.
    pub kind: Option<SearchKind>,
    pub organisation_id: Option<i64>,
    /// Lower-cased and trimmed: only events have themes.
    pub theme: Option<String>,
}

/// What a catalogue search found: its best `limit` results (entry, relevance), how many in all,
/// and the counts by kind, organisation and theme (each without its own filter).
#[derive(Debug, Default)]
pub struct Found {
    pub best: Vec<(Entry, f64)>,
    pub total: u64,
    pub kinds: HashMap<SearchKind, u64>,
    pub organisations: HashMap<i64, u64>,
    pub themes: HashMap<String, u64>,
}

#[derive(Default)]
struct Catalogue {
    courses: Kind,
    events: Kind,
    /// The feed's position it holds every change up to; `None`: never read.
    position: Option<Position>,
}

/// The index of one node. One a server (`AppState::catalogue`).
#[derive(Default)]
pub struct CatalogueIndex {
    index: RwLock<Catalogue>,
    /// Held while the index reads from the database: one request reads, the others wait.
    reading: Mutex<()>,
}

fn poisoned() -> DbErr {
    DbErr::Custom("the catalogue index is poisoned".into())
}

impl CatalogueIndex {
    /// Reads the changes made since the position it holds, and the courses and events they
    /// name; everything, the first time or if retention removed changes it had not read.
    pub async fn catch_up(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let _reading = self.reading.lock().await;
        let held = self.index.read().map_err(|_| poisoned())?.position;
        let pruned = db::changes::pruned_through(db).await?;
        let Some(mut position) = held.filter(|p| pruned.is_none_or(|pruned| pruned <= *p)) else {
            let now = db::changes::now(db).await?;
            let (courses, events) = (read_courses(db, None).await?, read_events(db, None).await?);
            let mut fresh = Catalogue {
                position: Some(now),
                ..Catalogue::default()
            };
            for entry in courses {
                fresh.courses.put(entry.id, Some(entry));
            }
            for entry in events {
                fresh.events.put(entry.id, Some(entry));
            }
            *self.index.write().map_err(|_| poisoned())? = fresh;
            return Ok(());
        };
        loop {
            let changes = db::changes::after(
                db,
                position,
                &[ChangeType::Course, ChangeType::Event],
                CHANGES_PAGE,
            )
            .await?;
            let Some((last, _)) = changes.last() else {
                break;
            };
            let ids = |kind: ChangeType| -> Vec<i64> {
                let mut ids: Vec<i64> = changes
                    .iter()
                    .filter(|(_, r)| r.object_type == kind)
                    .map(|(_, r)| r.id)
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            let (course_ids, event_ids) = (ids(ChangeType::Course), ids(ChangeType::Event));
            let courses = read_courses(db, Some(&course_ids)).await?;
            let events = read_events(db, Some(&event_ids)).await?;
            let mut index = self.index.write().map_err(|_| poisoned())?;
            apply(&mut index.courses, &course_ids, courses);
            apply(&mut index.events, &event_ids, events);
            position = *last;
            index.position = Some(position);
            if (changes.len() as u64) < CHANGES_PAGE {
                break;
            }
        }
        Ok(())
    }

    /// The best `limit` courses and events `actor` may see that have every one of `terms` and
    /// pass `filter`, with the counts.
    pub fn search(
        &self,
        actor: &Actor,
        terms: &[String],
        filter: &Filter,
        limit: usize,
    ) -> Result<Found, DbErr> {
        let index = self.index.read().map_err(|_| poisoned())?;
        let mut distinct: Vec<&str> = terms.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut found = Found::default();
        if distinct.is_empty() {
            return Ok(found);
        }
        let mut hits: Vec<(&Entry, f64)> = Vec::new();
        for (kind, documents) in [
            (SearchKind::Course, &index.courses),
            (SearchKind::Event, &index.events),
        ] {
            if !filter.kinds.contains(&kind) {
                continue;
            }
            let visible: Vec<bool> = documents
                .entries
                .iter()
                .map(|indexed| {
                    let entry = &indexed.entry;
                    indexed.alive
                        && entry
                            .audience
                            .is_none_or(|a| rules::can_see(actor, a, entry.organisation_id))
                })
                .collect();
            let count = visible.iter().filter(|v| **v).count() as u64;
            let total: u64 = documents
                .entries
                .iter()
                .zip(&visible)
                .filter(|(_, v)| **v)
                .map(|(indexed, _)| u64::from(indexed.length))
                .sum();
            let average = if count == 0 {
                0.0
            } else {
                total as f64 / count as f64
            };
            let Some(postings) = distinct
                .iter()
                .map(|t| documents.corpus.postings(t))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let length = |place: usize| documents.entries[place].length;
            for (place, score) in with_all(&postings, &visible, count, average, length) {
                let entry = &documents.entries[place].entry;
                let in_organisation = filter
                    .organisation_id
                    .is_none_or(|o| o == entry.organisation_id);
                let in_theme = filter.theme.as_ref().is_none_or(|t| entry.tags.contains(t));
                let in_kind = filter.kind.is_none_or(|k| k == kind);
                if in_organisation && in_theme {
                    *found.kinds.entry(kind).or_default() += 1;
                    if in_kind {
                        hits.push((entry, score));
                    }
                }
                if !in_kind {
                    continue;
                }
                if in_theme {
                    *found
                        .organisations
                        .entry(entry.organisation_id)
                        .or_default() += 1;
                }
                if in_organisation {
                    for tag in &entry.tags {
                        *found.themes.entry(tag.clone()).or_default() += 1;
                    }
                }
            }
        }
        found.total = hits.len() as u64;
        hits.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(b.0.id.cmp(&a.0.id)));
        found.best = hits
            .into_iter()
            .take(limit)
            .map(|(entry, score)| (entry.clone(), score))
            .collect();
        Ok(found)
    }
}

/// Puts what was read of `ids` into `kind`; those not read are gone.
fn apply(kind: &mut Kind, ids: &[i64], read: Vec<Entry>) {
    let mut read: HashMap<i64, Entry> = read.into_iter().map(|e| (e.id, e)).collect();
    for id in ids {
        kind.put(*id, read.remove(id));
    }
}

/// The courses `ids` (all if `None`), as search reads them.
async fn read_courses(db: &impl ConnectionTrait, ids: Option<&[i64]>) -> Result<Vec<Entry>, DbErr> {
    let mut select = course::Entity::find();
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        select = select.filter(course::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(select
        .all(db)
        .await?
        .into_iter()
        .map(|c| Entry {
            kind: SearchKind::Course,
            id: c.id,
            title: c.title,
            organisation_id: c.provider_organisation_id,
            audience: None,
            tags: Vec::new(),
            starts_at: None,
            description: format!("{}\n{}", c.tier.label(), c.description),
        })
        .collect())
}

/// The events `ids` (all if `None`), with their themes, as search reads them.
async fn read_events(db: &impl ConnectionTrait, ids: Option<&[i64]>) -> Result<Vec<Entry>, DbErr> {
    let mut select = event::Entity::find();
    let mut tags_select = event_tag::Entity::find();
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        select = select.filter(event::Column::Id.is_in(ids.iter().copied()));
        tags_select = tags_select.filter(event_tag::Column::EventId.is_in(ids.iter().copied()));
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (event_id, tag) in tags_select
        .select_only()
        .column(event_tag::Column::EventId)
        .column(event_tag::Column::Tag)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
    {
        tags.entry(event_id).or_default().push(tag.to_lowercase());
    }
    Ok(select
        .all(db)
        .await?
        .into_iter()
        .map(|e| Entry {
            kind: SearchKind::Event,
            id: e.id,
            title: e.title,
            organisation_id: e.organiser_organisation_id,
            audience: Some(e.audience),
            tags: tags.remove(&e.id).unwrap_or_default(),
            starts_at: Some(e.starts_at),
            description: format!("{}\n{}", e.kind.label(), e.description),
        })
        .collect())
}
