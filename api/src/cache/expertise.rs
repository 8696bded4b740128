//! People found by what they can help with, for search: each active person's "I can help with"
//! list and job role, read again when the people table's stamp (latest change, how many)
//! moves; and, at each search, the themes of the projects they lead that the asker may see
//! (from the register's index), so that a search for "sepsis" finds whoever led sepsis work.

use std::{
    collections::{HashMap, HashSet},
    sync::RwLock,
};

use chrono::{DateTime, Utc};
use futures_util::lock::Mutex;
use qi_shared::{person::PersonStatus, search::text};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::corpus::{Counts, weighted_terms};
use crate::db::{entity::person, people::expertise_of};

/// An active person as search knows them.
#[derive(Debug, Clone)]
pub struct Expert {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub job_role: String,
    pub expertise: Vec<String>,
    /// The terms of their expertise (each counting twice) and job role.
    terms: HashMap<String, u32>,
    length: u32,
}

/// What a search of people found: the best `limit` (person, relevance, the themes of theirs
/// it matched), how many in all, and how many in each organisation.
#[derive(Debug, Default)]
pub struct Found {
    pub best: Vec<(Expert, f64, Vec<String>)>,
    pub total: u64,
    pub organisations: HashMap<i64, u64>,
}

#[derive(Default)]
struct People {
    /// The people table's latest change and count, when read.
    stamp: Option<(Option<DateTime<Utc>>, i64)>,
    experts: Vec<Expert>,
}

/// The people of one node. One a server (`AppState::experts`).
#[derive(Default)]
pub struct ExpertiseIndex {
    people: RwLock<People>,
    reading: Mutex<()>,
}

fn poisoned() -> DbErr {
    DbErr::Custom("the expertise index is poisoned".into())
}

impl ExpertiseIndex {
    /// Reads the active people again if the people table changed since it last did.
    pub async fn catch_up(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let _reading = self.reading.lock().await;
        let stamp: Option<(Option<DateTime<Utc>>, i64)> = person::Entity::find()
            .select_only()
            .column_as(Expr::col(person::Column::UpdatedAt).max(), "latest")
            .column_as(Expr::col(person::Column::Id).count(), "count")
            .into_tuple()
            .one(db)
            .await?;
        if self.people.read().map_err(|_| poisoned())?.stamp == stamp {
            return Ok(());
        }
        let experts = person::Entity::find()
            .filter(person::Column::Status.eq(PersonStatus::Active))
            .all(db)
            .await?
            .into_iter()
            .map(|p| {
                let expertise = expertise_of(&p.expertise);
                let (terms, length): Counts = weighted_terms(
                    expertise
                        .iter()
                        .map(|e| (2, e.as_str()))
                        .chain(std::iter::once((1, p.job_role.as_str()))),
                );
                Expert {
                    id: p.id,
                    name: p.name,
                    organisation_id: p.organisation_id,
                    job_role: p.job_role,
                    expertise,
                    terms,
                    length,
                }
            })
            .collect();
        *self.people.write().map_err(|_| poisoned())? = People { stamp, experts };
        Ok(())
    }

    /// The best `limit` people with every one of `terms` in their expertise, job role or the
    /// themes of the projects they lead (`led`: by person, those the asker may see), of
    /// `organisation_id` if given, ranked by BM25.
    pub fn search(
        &self,
        terms: &[String],
        led: &HashMap<i64, Vec<String>>,
        organisation_id: Option<i64>,
        limit: usize,
    ) -> Result<Found, DbErr> {
        let people = self.people.read().map_err(|_| poisoned())?;
        let mut distinct: Vec<&str> = terms.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut found = Found::default();
        if distinct.is_empty() || people.experts.is_empty() {
            return Ok(found);
        }
        // Each theme's terms, once.
        let mut theme_terms: HashMap<&str, Vec<String>> = HashMap::new();
        for themes in led.values() {
            for theme in themes {
                theme_terms
                    .entry(theme.as_str())
                    .or_insert_with(|| text::terms(theme));
            }
        }
        // Each person's document: their own terms and those of the themes they lead.
        let documents: Vec<(HashMap<&str, u32>, u32, Vec<&str>)> = people
            .experts
            .iter()
            .map(|expert| {
                let mut counts: HashMap<&str, u32> =
                    expert.terms.iter().map(|(t, c)| (t.as_str(), *c)).collect();
                let mut length = expert.length;
                let themes: Vec<&str> = led
                    .get(&expert.id)
                    .map(|t| t.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                for theme in &themes {
                    for term in theme_terms.get(theme).into_iter().flatten() {
                        *counts.entry(term.as_str()).or_default() += 1;
                        length += 1;
                    }
                }
                (counts, length, themes)
            })
            .collect();
        let count = documents.len() as u64;
        let average = documents.iter().map(|d| f64::from(d.1)).sum::<f64>() / count as f64;
        let idfs: Vec<f64> = distinct
            .iter()
            .map(|term| {
                let with = documents.iter().filter(|d| d.0.contains_key(term)).count() as u64;
                text::idf(count, with)
            })
            .collect();
        let mut hits: Vec<(usize, f64)> = Vec::new();
        for (place, (counts, length, _)) in documents.iter().enumerate() {
            let mut score = 0.0;
            let mut every = true;
            for (term, idf) in distinct.iter().zip(&idfs) {
                match counts.get(term) {
                    Some(tf) => {
                        score += text::bm25(*idf, f64::from(*tf), f64::from(*length), average)
                    }
                    None => {
                        every = false;
                        break;
                    }
                }
            }
            if !every {
                continue;
            }
            let expert = &people.experts[place];
            *found
                .organisations
                .entry(expert.organisation_id)
                .or_default() += 1;
            if organisation_id.is_none_or(|o| o == expert.organisation_id) {
                hits.push((place, score));
            }
        }
        found.total = hits.len() as u64;
        hits.sort_unstable_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(people.experts[a.0].name.cmp(&people.experts[b.0].name))
        });
        let wanted: HashSet<&str> = distinct.iter().copied().collect();
        found.best = hits
            .into_iter()
            .take(limit)
            .map(|(place, score)| {
                let matched: Vec<String> = documents[place]
                    .2
                    .iter()
                    .filter(|theme| {
                        theme_terms
                            .get(*theme)
                            .is_some_and(|t| t.iter().any(|term| wanted.contains(term.as_str())))
                    })
                    .map(|t| (*t).to_owned())
                    .collect();
                (people.experts[place].clone(), score, matched)
            })
            .collect();
        Ok(found)
    }
}
