//! The register's projects ranked by relevance: Okapi BM25 over the stemmed terms of each
//! project's document (its title, themes, aim, problem, change ideas and what its PDSA cycles
//! learnt), for search and for the finder of similar work. docs/search.md says why in memory.
//!
//! Ranking counts only what the person may see: which projects, how many have each term and
//! how long they are on average are all taken over the projects they may see, before anything
//! is scored, so a result's place and the facets' counts say nothing of the others.

use std::collections::HashMap;

use qi_shared::{access::Actor, project::ProjectStatus, project::Visibility, search::text};

use super::{Index, Row};

/// What is searched of a project.
#[derive(Debug, Default, Hash)]
pub struct Document {
    pub title: String,
    pub tags: Vec<String>,
    pub aim: String,
    pub problem: String,
    /// Its change ideas' texts.
    pub ideas: Vec<String>,
    /// Its PDSA cycles' Study and next step.
    pub learning: Vec<String>,
}

/// A part of a document, and how much a term in it counts: a word of the title says more of
/// what a project is about than one of its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    Theme,
    Aim,
    Problem,
    ChangeIdea,
    Learning,
}

impl Part {
    pub fn weight(self) -> u32 {
        match self {
            Part::Title => 3,
            Part::Theme | Part::Aim => 2,
            Part::Problem | Part::ChangeIdea | Part::Learning => 1,
        }
    }

    /// As a search result names where its snippet is from.
    pub fn label(self) -> &'static str {
        match self {
            Part::Title => "Title",
            Part::Theme => "Theme",
            Part::Aim => "Aim",
            Part::Problem => "Problem",
            Part::ChangeIdea => "Change idea",
            Part::Learning => "PDSA learning",
        }
    }
}

impl Document {
    /// Its texts, each with the part it is.
    pub fn parts(&self) -> impl Iterator<Item = (Part, &str)> {
        [(Part::Title, self.title.as_str())]
            .into_iter()
            .chain(self.tags.iter().map(|t| (Part::Theme, t.as_str())))
            .chain([
                (Part::Aim, self.aim.as_str()),
                (Part::Problem, self.problem.as_str()),
            ])
            .chain(self.ideas.iter().map(|t| (Part::ChangeIdea, t.as_str())))
            .chain(self.learning.iter().map(|t| (Part::Learning, t.as_str())))
    }

    /// Its terms with their weighted counts, and its length in weighted terms.
    fn terms(&self) -> (HashMap<String, u32>, u32) {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut length = 0u32;
        for (part, text) in self.parts() {
            for term in text::terms(text) {
                *counts.entry(term).or_default() += part.weight();
                length = length.saturating_add(part.weight());
            }
        }
        (counts, length)
    }
}

/// A search's filters besides its words.
#[derive(Debug, Default, Clone)]
pub struct Within {
    pub organisation_id: Option<i64>,
    pub status: Option<ProjectStatus>,
    /// Lower-cased and trimmed.
    pub theme: Option<String>,
}

/// What a search found: a page of project ids with their relevance, how many in all, and the
/// facets' counts (each counted with the other filters but not its own).
#[derive(Debug, Default)]
pub struct Found {
    pub page: Vec<(i64, f64)>,
    pub total: u64,
    pub statuses: Vec<(ProjectStatus, u64)>,
    pub organisations: Vec<(i64, u64)>,
    pub themes: Vec<(String, u64)>,
}

/// A project like a draft, and why.
#[derive(Debug, Clone)]
pub struct Similar {
    pub id: i64,
    /// Its BM25 score over the most the draft's terms could score, from 0 to 1.
    pub similarity: f64,
    /// The draft's terms it has, those that add the most first.
    pub terms: Vec<String>,
    pub tags: Vec<String>,
    pub started: Option<chrono::NaiveDate>,
}

/// The places of the projects with a term, with its weighted count in each.
type Postings = [(u32, u16)];

/// A term of a query, with how much it counts (its weight, or once ranked its idf times its
/// weight) and its postings, if any project has it.
type QueryTerm<'a> = (&'a str, f64, Option<&'a Postings>);

/// The statistics of the projects one person may see.
struct Seen {
    visible: Vec<bool>,
    count: u64,
    average_length: f64,
}

impl Index {
    /// Replaces the terms of the project at `place` (`before`, `length_before`) with those of
    /// `document`: only the postings of terms that come, go or change count are touched.
    pub(super) fn put_terms(
        &mut self,
        place: u32,
        before: Vec<(u32, u16)>,
        length_before: u32,
        document: &Document,
    ) -> (Vec<(u32, u16)>, u32) {
        let (counts, length) = document.terms();
        let mut terms: Vec<(u32, u16)> = counts
            .into_iter()
            .map(|(term, count)| {
                let next = u32::try_from(self.term_postings.len()).unwrap_or(u32::MAX);
                let id = *self
                    .terms
                    .entry(term.clone().into_boxed_str())
                    .or_insert(next);
                if id == next {
                    self.term_postings.push(Vec::new());
                    self.term_names.push(term.into_boxed_str());
                }
                (id, u16::try_from(count).unwrap_or(u16::MAX))
            })
            .collect();
        terms.sort_unstable();
        for (gone, _) in before
            .iter()
            .filter(|(t, _)| terms.binary_search_by_key(t, |(id, _)| *id).is_err())
        {
            let posting = &mut self.term_postings[*gone as usize];
            if let Ok(at) = posting.binary_search_by_key(&place, |(p, _)| *p) {
                posting.remove(at);
            }
        }
        for &(term, count) in &terms {
            let posting = &mut self.term_postings[term as usize];
            match posting.binary_search_by_key(&place, |(p, _)| *p) {
                Ok(at) => posting[at].1 = count,
                Err(at) => posting.insert(at, (place, count)),
            }
        }
        self.total_length = self.total_length - u64::from(length_before) + u64::from(length);
        (terms, length)
    }

    /// Which projects `actor` (`None`: the public) may see, how many, and their average length.
    fn seen_by(&self, actor: Option<&Actor>) -> Seen {
        let mut count = 0;
        let mut length = 0u64;
        let visible = self
            .rows
            .iter()
            .map(|row| {
                let sees = match actor {
                    None => row.context.visibility == Visibility::Public,
                    Some(actor) => actor.can_view_project(&row.context),
                };
                if sees {
                    count += 1;
                    length += u64::from(row.length);
                }
                sees
            })
            .collect();
        Seen {
            visible,
            count,
            average_length: if count == 0 {
                0.0
            } else {
                length as f64 / count as f64
            },
        }
    }

    /// The postings of `term`, if any project has it.
    fn postings(&self, term: &str) -> Option<&[(u32, u16)]> {
        self.terms
            .get(term)
            .map(|id| self.term_postings[*id as usize].as_slice())
    }

    /// How many of the projects `seen` has a posting in `postings`.
    fn seen_with(seen: &Seen, postings: &[(u32, u16)]) -> u64 {
        postings
            .iter()
            .filter(|(place, _)| seen.visible[*place as usize])
            .count() as u64
    }

    /// The page `(offset, limit)` of the projects `actor` may see that have every term of
    /// `terms` and are `within`, most relevant first, with how many there are and the facets.
    pub(super) fn search(
        &self,
        actor: Option<&Actor>,
        terms: &[String],
        within: &Within,
        (offset, limit): (usize, usize),
    ) -> Found {
        let mut distinct: Vec<&str> = terms.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let Some(postings) = distinct
            .iter()
            .map(|t| self.postings(t))
            .collect::<Option<Vec<_>>>()
        else {
            return Found::default();
        };
        if postings.is_empty() {
            return Found::default();
        }
        let seen = self.seen_by(actor);
        let mut score = vec![0f64; self.rows.len()];
        let mut has = vec![0u8; self.rows.len()];
        for posting in &postings {
            let idf = text::idf(seen.count, Self::seen_with(&seen, posting));
            for &(place, count) in *posting {
                let place = place as usize;
                if seen.visible[place] {
                    let row = &self.rows[place];
                    score[place] += text::bm25(
                        idf,
                        f64::from(count),
                        f64::from(row.length),
                        seen.average_length,
                    );
                    has[place] += 1;
                }
            }
        }
        let every = u8::try_from(postings.len()).unwrap_or(u8::MAX);
        let mut statuses: HashMap<ProjectStatus, u64> = HashMap::new();
        let mut organisations: HashMap<i64, u64> = HashMap::new();
        let mut themes: HashMap<String, u64> = HashMap::new();
        let mut hits: Vec<(f64, i64)> = Vec::new();
        for (place, row) in self.rows.iter().enumerate() {
            if has[place] != every {
                continue;
            }
            let (in_status, in_organisation, in_theme) = within.admits(row);
            if in_organisation
                && in_theme
                && let Some(status) = row.status
            {
                *statuses.entry(status).or_default() += 1;
            }
            if in_status && in_theme {
                for organisation in &row.context.organisation_ids {
                    *organisations.entry(*organisation).or_default() += 1;
                }
            }
            if in_status && in_organisation {
                for tag in &row.tags {
                    *themes.entry(tag.clone()).or_default() += 1;
                }
            }
            if in_status && in_organisation && in_theme {
                hits.push((score[place], row.id));
            }
        }
        let total = hits.len() as u64;
        let order = |a: &(f64, i64), b: &(f64, i64)| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1));
        let end = offset.saturating_add(limit).min(hits.len());
        if end < hits.len() {
            hits.select_nth_unstable_by(end, order);
            hits.truncate(end);
        }
        hits.sort_unstable_by(order);
        Found {
            page: hits
                .get(offset..)
                .unwrap_or_default()
                .iter()
                .map(|(score, id)| (*id, *score))
                .collect(),
            total,
            statuses: most_first(statuses),
            organisations: most_first(organisations),
            themes: most_first(themes),
        }
    }

    /// The `limit` projects `actor` may see (but `exclude`) most like a text of `terms` (each
    /// with how much it counts) with themes `tags`, at least `threshold` alike, most alike first.
    pub(super) fn similar(
        &self,
        actor: Option<&Actor>,
        terms: &[(String, f64)],
        tags: &[String],
        exclude: Option<i64>,
        (limit, threshold): (usize, f64),
    ) -> Vec<Similar> {
        // Each term once, with the most it counts.
        let mut distinct: HashMap<&str, f64> = HashMap::new();
        for (term, weight) in terms {
            let counts = distinct.entry(term.as_str()).or_default();
            *counts = counts.max(*weight);
        }
        let seen = self.seen_by(actor);
        let query: Vec<QueryTerm<'_>> = distinct
            .into_iter()
            .map(|(term, weight)| (term, weight, self.postings(term)))
            .collect();
        let (score, ceiling, weights) = self.like(&seen, &query);
        if ceiling <= 0.0 {
            return Vec::new();
        }
        let mut alike: Vec<(f64, usize)> = score
            .iter()
            .enumerate()
            .map(|(place, s)| (s / ceiling, place))
            .filter(|(s, place)| *s >= threshold && Some(self.rows[*place].id) != exclude)
            .collect();
        alike.sort_unstable_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(self.rows[b.1].id.cmp(&self.rows[a.1].id))
        });
        alike.truncate(limit);
        let tags: Vec<String> = tags.iter().map(|t| t.trim().to_lowercase()).collect();
        alike
            .into_iter()
            .map(|(similarity, place)| {
                let row: &Row = &self.rows[place];
                Similar {
                    id: row.id,
                    similarity,
                    terms: self.shared(&weights, place, seen.average_length),
                    tags: row
                        .tags
                        .iter()
                        .filter(|t| tags.contains(t))
                        .cloned()
                        .collect(),
                    started: row.started,
                }
            })
            .collect()
    }
}

impl Index {
    /// Every project's BM25 score against a query of terms (each with its weight and its
    /// postings, if any project has it), over what `seen` may see; the most the query could
    /// score; and each term with its idf times its weight.
    fn like<'a>(
        &self,
        seen: &Seen,
        query: &[QueryTerm<'a>],
    ) -> (Vec<f64>, f64, Vec<QueryTerm<'a>>) {
        let mut score = vec![0f64; self.rows.len()];
        let mut ceiling = 0.0;
        let mut weights = Vec::with_capacity(query.len());
        for &(term, weight, postings) in query {
            let with = postings.map_or(0, |p| Self::seen_with(seen, p));
            let idf = weight * text::idf(seen.count, with);
            // A term no one else uses still counts in what the query could score: a draft
            // of unusual words is like nothing here, however common its other words.
            ceiling += text::bm25_ceiling(idf);
            weights.push((term, idf, postings));
            for &(place, count) in postings.unwrap_or_default() {
                let place = place as usize;
                if seen.visible[place] {
                    score[place] += text::bm25(
                        idf,
                        f64::from(count),
                        f64::from(self.rows[place].length),
                        seen.average_length,
                    );
                }
            }
        }
        (score, ceiling, weights)
    }

    /// Pairs of projects that likely duplicate each other: one led by `organisation_id`,
    /// proposed or active or started since `since`, and one led by another organisation,
    /// started within [`DUPLICATE_DAYS`] of it (both with a start date), at least `threshold`
    /// alike (by the first one's terms); all that `actor` may see. The most alike first, at
    /// most [`DUPLICATES_PER_PROJECT`] for each of the organisation's projects.
    pub(super) fn duplicates(
        &self,
        actor: Option<&Actor>,
        organisation_id: i64,
        since: chrono::NaiveDate,
        threshold: f64,
    ) -> Vec<Pair> {
        let seen = self.seen_by(actor);
        let mut pairs = Vec::new();
        for (place, row) in self.rows.iter().enumerate() {
            let current = matches!(
                row.status,
                Some(ProjectStatus::Proposed | ProjectStatus::Active)
            ) || row.started.is_some_and(|s| s >= since);
            if row.context.lead_organisation_id != organisation_id
                || !seen.visible[place]
                || !current
            {
                continue;
            }
            let Some(started) = row.started else {
                continue;
            };
            let query: Vec<QueryTerm<'_>> = row
                .terms
                .iter()
                .map(|(term, _)| {
                    (
                        &*self.term_names[*term as usize],
                        1.0,
                        Some(self.term_postings[*term as usize].as_slice()),
                    )
                })
                .filter(|(term, _, _)| text::telling(term))
                .collect();
            let (score, ceiling, weights) = self.like(&seen, &query);
            if ceiling <= 0.0 {
                continue;
            }
            let mut alike: Vec<(f64, usize)> = score
                .iter()
                .enumerate()
                .filter(|(other, s)| {
                    let them = &self.rows[*other];
                    **s > 0.0
                        && them.context.lead_organisation_id != organisation_id
                        && them
                            .started
                            .is_some_and(|t| (t - started).num_days().abs() <= DUPLICATE_DAYS)
                })
                .map(|(other, s)| (s / ceiling, other))
                .filter(|(s, _)| *s >= threshold)
                .collect();
            alike.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            for (similarity, other) in alike.into_iter().take(DUPLICATES_PER_PROJECT) {
                pairs.push(Pair {
                    ours: row.id,
                    theirs: self.rows[other].id,
                    similarity,
                    terms: self.shared(&weights, other, seen.average_length),
                });
            }
        }
        pairs.sort_unstable_by(|a, b| b.similarity.total_cmp(&a.similarity));
        pairs
    }

    /// The query's terms the project at `place` has, those that add the most first (`average`:
    /// the average length of the projects ranked).
    fn shared(&self, weights: &[QueryTerm<'_>], place: usize, average: f64) -> Vec<String> {
        let row = &self.rows[place];
        let mut shared: Vec<(f64, &str)> = weights
            .iter()
            .filter_map(|(term, idf, postings)| {
                let postings = postings.as_ref()?;
                let at = postings
                    .binary_search_by_key(&(place as u32), |(p, _)| *p)
                    .ok()?;
                let part = text::bm25(
                    *idf,
                    f64::from(postings[at].1),
                    f64::from(row.length),
                    average,
                );
                Some((part, *term))
            })
            .collect();
        shared.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        shared.into_iter().map(|(_, t)| t.to_owned()).collect()
    }
}

/// How far apart two projects may start and still count as duplicates, in days.
pub const DUPLICATE_DAYS: i64 = 365;
/// The most likely duplicates listed for one of an organisation's projects.
pub const DUPLICATES_PER_PROJECT: usize = 3;

/// Two projects that likely duplicate each other.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The organisation's own.
    pub ours: i64,
    /// Another organisation's.
    pub theirs: i64,
    pub similarity: f64,
    /// The terms of `ours` that `theirs` has, those that add the most first.
    pub terms: Vec<String>,
}

impl Within {
    /// Whether `row` is in the status, the organisation and the theme asked for.
    fn admits(&self, row: &Row) -> (bool, bool, bool) {
        (
            self.status.is_none_or(|s| row.status == Some(s)),
            self.organisation_id
                .is_none_or(|o| row.context.organisation_ids.contains(&o)),
            self.theme.as_ref().is_none_or(|t| row.tags.contains(t)),
        )
    }
}

/// The counts, the greatest first (ties in value order).
fn most_first<T: Ord>(counts: HashMap<T, u64>) -> Vec<(T, u64)> {
    let mut counts: Vec<(T, u64)> = counts.into_iter().collect();
    counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}
