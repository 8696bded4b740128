//! The register's projects ranked by relevance: Okapi BM25 over the stemmed terms of each
//! project's document (its title, themes, aim, problem, change ideas and what its PDSA cycles
//! learnt), for search and for the finder of similar work. docs/search.md says why in memory.
//!
//! Ranking counts only what the person may see: which projects, how many have each term and
//! how long they are on average are all taken over the projects they may see, before anything
//! is scored, so a result's place and the facets' counts say nothing of the others.

use std::collections::HashMap;

use qi_shared::{
    access::Actor,
    project::{ProjectStatus, Visibility},
    search::{SearchKind, text},
};

use super::{Index, Row};
use crate::cache::corpus::{Corpus, Counts, Postings, most_first, weighted_terms, with_all};

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
    /// Its measures, searched as a kind of their own (not part of the project's terms).
    pub measures: Vec<(i64, MeasureDocument)>,
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
    pub(super) fn terms(&self) -> Counts {
        weighted_terms(self.parts().map(|(part, text)| (part.weight(), text)))
    }
}

/// What is searched of a measure: its name, and its definitions (operational, numerator and
/// denominator).
#[derive(Debug, Default, Hash)]
pub struct MeasureDocument {
    pub name: String,
    pub definitions: Vec<String>,
}

impl MeasureDocument {
    /// Its terms: a word of the name counts as a project's title does.
    pub(super) fn terms(&self) -> Counts {
        weighted_terms(
            std::iter::once((Part::Title.weight(), self.name.as_str()))
                .chain(self.definitions.iter().map(|d| (1, d.as_str()))),
        )
    }
}

/// The measures of the register's projects, searched as a kind of their own.
#[derive(Default)]
pub(super) struct Measures {
    rows: Vec<MeasureRow>,
    /// A measure's place in `rows`, by its id.
    slots: HashMap<i64, u32>,
    corpus: Corpus,
}

/// What search needs to know of a measure.
struct MeasureRow {
    id: i64,
    /// Its project's place in the register's rows: whoever may see the project may see it.
    project: u32,
    terms: Vec<(u32, u16)>,
    length: u32,
    /// False once its project no longer has it.
    alive: bool,
}

/// A search's filters besides its words.
#[derive(Debug, Default, Clone)]
pub struct Within {
    pub kind: Option<SearchKind>,
    /// Whether measures may be found: not by an API token without `read_measures`.
    pub measures: bool,
    pub organisation_id: Option<i64>,
    pub status: Option<ProjectStatus>,
    /// Lower-cased and trimmed.
    pub theme: Option<String>,
}

/// What a search found: a page of results (their kind, id and relevance), how many in all, and
/// the facets' counts (each counted with the other filters but not its own).
#[derive(Debug, Default)]
pub struct Found {
    pub page: Vec<(SearchKind, i64, f64)>,
    pub total: u64,
    pub kinds: Vec<(SearchKind, u64)>,
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
    fn postings(&self, term: &str) -> Option<&Postings> {
        self.documents.postings(term)
    }

    /// Puts `measures` (ids and documents) as the measures of the project at `project`, which
    /// had those at places `before`; gives back their places.
    pub(super) fn put_measures(
        &mut self,
        project: u32,
        before: Vec<u32>,
        measures: &[(i64, MeasureDocument)],
    ) -> Vec<u32> {
        let Measures {
            rows,
            slots,
            corpus,
        } = &mut self.measures;
        let mut places = Vec::with_capacity(measures.len());
        for (id, document) in measures {
            let place = *slots.entry(*id).or_insert_with(|| {
                rows.push(MeasureRow {
                    id: *id,
                    project,
                    terms: Vec::new(),
                    length: 0,
                    alive: true,
                });
                u32::try_from(rows.len() - 1).unwrap_or(u32::MAX)
            });
            let row = &mut rows[place as usize];
            let before = std::mem::take(&mut row.terms);
            (row.terms, row.length) = corpus.put(place, &before, row.length, document.terms());
            row.project = project;
            row.alive = true;
            places.push(place);
        }
        for gone in before.into_iter().filter(|p| !places.contains(p)) {
            let row = &mut rows[gone as usize];
            let before = std::mem::take(&mut row.terms);
            corpus.put(gone, &before, row.length, Counts::default());
            row.length = 0;
            row.alive = false;
        }
        places
    }

    /// How many of the projects `seen` has a posting in `postings`.
    fn seen_with(seen: &Seen, postings: &[(u32, u16)]) -> u64 {
        postings
            .iter()
            .filter(|(place, _)| seen.visible[*place as usize])
            .count() as u64
    }

    /// The page `(offset, limit)` of the projects and measures `actor` may see that have every
    /// term of `terms` and are `within` (a measure by its project), most relevant first, with
    /// how many there are and the facets.
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
        if distinct.is_empty() {
            return Found::default();
        }
        let seen = self.seen_by(actor);
        // Each kind ranked over its own documents: (kind, its project's place, id, score).
        let mut found: Vec<(SearchKind, usize, i64, f64)> = Vec::new();
        if let Some(scores) = self.documents_with_all(&distinct, &seen) {
            found.extend(
                scores
                    .into_iter()
                    .map(|(place, score)| (SearchKind::Project, place, self.rows[place].id, score)),
            );
        }
        let measures = self.measures_seen(&seen);
        if within.measures
            && let Some(scores) = self.measures_with_all(&distinct, &measures)
        {
            found.extend(scores.into_iter().map(|(place, score)| {
                let row = &self.measures.rows[place];
                (SearchKind::Measure, row.project as usize, row.id, score)
            }));
        }
        let mut kinds: HashMap<SearchKind, u64> = HashMap::new();
        let mut statuses: HashMap<ProjectStatus, u64> = HashMap::new();
        let mut organisations: HashMap<i64, u64> = HashMap::new();
        let mut themes: HashMap<String, u64> = HashMap::new();
        let mut hits: Vec<(f64, SearchKind, i64)> = Vec::new();
        for (kind, place, id, score) in found {
            let row = &self.rows[place];
            let (in_status, in_organisation, in_theme) = within.admits(row);
            let in_kind = within.kind.is_none_or(|k| k == kind);
            if in_status && in_organisation && in_theme {
                *kinds.entry(kind).or_default() += 1;
            }
            if in_kind
                && in_organisation
                && in_theme
                && let Some(status) = row.status
            {
                *statuses.entry(status).or_default() += 1;
            }
            if in_kind && in_status && in_theme {
                for organisation in &row.context.organisation_ids {
                    *organisations.entry(*organisation).or_default() += 1;
                }
            }
            if in_kind && in_status && in_organisation {
                for tag in &row.tags {
                    *themes.entry(tag.clone()).or_default() += 1;
                }
            }
            if in_kind && in_status && in_organisation && in_theme {
                hits.push((score, kind, id));
            }
        }
        let total = hits.len() as u64;
        let order = |a: &(f64, SearchKind, i64), b: &(f64, SearchKind, i64)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2))
        };
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
                .map(|(score, kind, id)| (*kind, *id, *score))
                .collect(),
            total,
            kinds: most_first(kinds),
            statuses: most_first(statuses),
            organisations: most_first(organisations),
            themes: most_first(themes),
        }
    }

    /// The BM25 scores of the projects `seen` may see that have every one of `terms`, by
    /// place; `None` if some project-less term rules every one out.
    fn documents_with_all(&self, terms: &[&str], seen: &Seen) -> Option<Vec<(usize, f64)>> {
        let postings = terms
            .iter()
            .map(|t| self.documents.postings(t))
            .collect::<Option<Vec<_>>>()?;
        let length = |place: usize| self.rows[place].length;
        Some(with_all(
            &postings,
            &seen.visible,
            seen.count,
            seen.average_length,
            length,
        ))
    }

    /// Which measures `seen` may see (their project's rule), how many, and their average
    /// length.
    fn measures_seen(&self, seen: &Seen) -> Seen {
        let mut count = 0;
        let mut length = 0u64;
        let visible = self
            .measures
            .rows
            .iter()
            .map(|row| {
                let sees = row.alive && seen.visible[row.project as usize];
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

    /// As [`Self::documents_with_all`], of the measures.
    fn measures_with_all(&self, terms: &[&str], seen: &Seen) -> Option<Vec<(usize, f64)>> {
        let postings = terms
            .iter()
            .map(|t| self.measures.corpus.postings(t))
            .collect::<Option<Vec<_>>>()?;
        let length = |place: usize| self.measures.rows[place].length;
        Some(with_all(
            &postings,
            &seen.visible,
            seen.count,
            seen.average_length,
            length,
        ))
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
        // Each term once, counting as often as the draft uses it (a title word twice), up to
        // [`MAX_QUERY_WEIGHT`]: what a draft names again and again is what it is about.
        let mut distinct: HashMap<&str, f64> = HashMap::new();
        for (term, weight) in terms {
            let counts = distinct.entry(term.as_str()).or_default();
            *counts = (*counts + *weight).min(MAX_QUERY_WEIGHT);
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
                        self.documents.name(*term),
                        1.0,
                        Some(self.documents.postings_of(*term)),
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

/// The most one term of a draft counts in the finder of similar work, however often it is used.
const MAX_QUERY_WEIGHT: f64 = 4.0;

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
