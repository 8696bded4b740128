//! Search and the finder of similar work, the same on every store.
//!
//! Two kinds of matching live here. The register's lists filter by word
//! ([`words`], [`query_words`]): each word of a list's search must begin a word of a project's
//! title, aim or tags ("fall" finds "falls" and "falling"). The search page and the finder of
//! similar projects rank by relevance ([`search`], [`similar`]): Okapi BM25 over stemmed terms
//! of a project's whole document, in the register's index in memory
//! (`crate::cache::register`). docs/search.md says why it is done in memory.

use std::collections::{BTreeSet, HashMap, HashSet};

use qi_shared::{
    access::Actor,
    page::PageInfo,
    project::{OrganisationRef, ProjectSummary},
    search::{
        DUPLICATE_THRESHOLD, DuplicatePair, DuplicateReport, KindCount, MAX_DUPLICATE_PAIRS,
        MAX_FACET_VALUES, MAX_SIMILAR, OrganisationCount, ProjectBrief, SIMILAR_THRESHOLD,
        SearchFacets, SearchHit, SearchKind, SearchQuery, SearchResults, SimilarProject,
        SnippetPart, StatusCount, ThemeCount, text,
    },
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::{
    cache::{
        ListCache,
        catalogue::{self, CatalogueIndex},
        corpus::most_first,
        expertise::{self, ExpertiseIndex},
        register::{DUPLICATE_DAYS, Document, MeasureDocument, Part, Within, documents},
    },
    db::entity::{measure, organisation},
};

/// How much more a term of a draft's title counts than one of its problem or aim.
const TITLE_WEIGHT: f64 = 2.0;

/// The longest snippet, in characters.
const SNIPPET_CHARS: usize = 180;

/// Which kinds the asker may read: a person reads every kind; an API token those of its
/// scopes.
#[derive(Debug, Clone, Copy)]
pub struct Readable {
    pub measures: bool,
    pub courses: bool,
    pub events: bool,
    /// People by expertise: people only (no API token reads the directory).
    pub people: bool,
}

/// A page of what `actor` may see (projects, measures, courses, events, as `readable`) that has
/// every term of `q` (checked), most relevant first, with the facets of the whole search.
#[allow(clippy::too_many_arguments)] // One search's parts; a struct would only rename them.
pub async fn search(
    db: &DatabaseConnection,
    cache: &ListCache,
    (catalogue, experts): (&CatalogueIndex, &ExpertiseIndex),
    actor: &Actor,
    q: &str,
    query: &SearchQuery,
    (page, per_page): (u64, u64),
    readable: Readable,
) -> Result<SearchResults, DbErr> {
    let stamp = cache.stamp(db).await?;
    cache.register.catch_up(db, stamp).await?;
    let terms = text::terms(q);
    let theme = query
        .theme
        .as_deref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty());
    let within = Within {
        kind: query.kind,
        measures: readable.measures,
        organisation_id: query.organisation_id,
        status: query.status,
        theme: theme.clone(),
    };
    let offset = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let limit = usize::try_from(per_page).unwrap_or(usize::MAX);
    // Courses and events have no status: a search by status leaves them out.
    let catalogue_kinds: Vec<SearchKind> = [
        (SearchKind::Course, readable.courses && theme.is_none()),
        (SearchKind::Event, readable.events),
    ]
    .into_iter()
    .filter(|(_, readable)| *readable && query.status.is_none())
    .map(|(kind, _)| kind)
    .collect();
    // Every kind is searched whatever the kind asked for, to count it in the kinds' facet;
    // each lists only results of the kind asked for. The best of each, merged by relevance,
    // then the page.
    let best = offset.saturating_add(limit);
    let found = cache
        .register
        .search(Some(actor), &terms, &within, (0, best))?;
    let listed = if catalogue_kinds.is_empty() {
        catalogue::Found::default()
    } else {
        catalogue.catch_up(db).await?;
        let filter = catalogue::Filter {
            kinds: catalogue_kinds,
            kind: query.kind,
            organisation_id: query.organisation_id,
            theme,
        };
        catalogue.search(actor, &terms, &filter, best)?
    };
    // People have no status nor theme: a search by either leaves them out.
    let people = if readable.people
        && query.status.is_none()
        && query.theme.as_deref().is_none_or(|t| t.trim().is_empty())
    {
        experts.catch_up(db).await?;
        let led = cache.register.led_themes(actor)?;
        experts.search(&terms, &led, query.organisation_id, best)?
    } else {
        expertise::Found::default()
    };
    // Counted in the kinds' facet whatever the kind asked for; listed only if people are.
    let people_total = people.total;
    let people = if query.kind.is_none_or(|k| k == SearchKind::Person) {
        people
    } else {
        expertise::Found::default()
    };
    enum Ranked<'a> {
        Register(SearchKind, i64),
        Catalogue(&'a catalogue::Entry),
        Person(&'a expertise::Expert, &'a [String]),
    }
    let mut merged: Vec<(f64, Ranked<'_>)> = found
        .page
        .iter()
        .map(|(kind, id, score)| (*score, Ranked::Register(*kind, *id)))
        .chain(
            listed
                .best
                .iter()
                .map(|(entry, score)| (*score, Ranked::Catalogue(entry))),
        )
        .chain(
            people
                .best
                .iter()
                .map(|(expert, score, themes)| (*score, Ranked::Person(expert, themes))),
        )
        .collect();
    merged.sort_by(|a, b| b.0.total_cmp(&a.0));
    let on_page: Vec<(f64, Ranked<'_>)> = merged.into_iter().skip(offset).take(limit).collect();
    let of_kind = |kind: SearchKind| -> Vec<i64> {
        on_page
            .iter()
            .filter_map(|(_, r)| match r {
                Ranked::Register(k, id) if *k == kind => Some(*id),
                _ => None,
            })
            .collect()
    };
    let measures = measure_documents(db, &of_kind(SearchKind::Measure)).await?;
    let mut ids = of_kind(SearchKind::Project);
    ids.extend(measures.values().map(|(project_id, _)| *project_id));
    ids.sort_unstable();
    ids.dedup();
    let summaries = by_id(crate::db::projects::summaries_of(db, &ids).await?);
    let documents = documents(db, &of_kind(SearchKind::Project)).await?;
    let mut organisation_ids: Vec<i64> = found
        .organisations
        .iter()
        .map(|(id, _)| *id)
        .chain(listed.organisations.keys().copied())
        .chain(people.organisations.keys().copied())
        .chain(on_page.iter().filter_map(|(_, r)| match r {
            Ranked::Catalogue(entry) => Some(entry.organisation_id),
            Ranked::Person(expert, _) => Some(expert.organisation_id),
            Ranked::Register(..) => None,
        }))
        .collect();
    organisation_ids.sort_unstable();
    organisation_ids.dedup();
    let names = organisation_names(db, organisation_ids.into_iter()).await?;
    let terms: HashSet<String> = terms.into_iter().collect();
    let items = on_page
        .iter()
        // One removed since the index read it is left out.
        .filter_map(|(relevance, ranked)| {
            let relevance = *relevance;
            let (kind, id) = match ranked {
                Ranked::Catalogue(entry) => {
                    let (snippet_from, snippet) =
                        text::snippet(&entry.description, &terms, SNIPPET_CHARS)
                            .map_or((None, Vec::new()), |s| (Some("Description".to_owned()), s));
                    return Some(SearchHit {
                        kind: entry.kind,
                        id: entry.id,
                        title: entry.title.clone(),
                        project_id: None,
                        project_title: None,
                        organisation: OrganisationRef {
                            id: entry.organisation_id,
                            name: names
                                .get(&entry.organisation_id)
                                .cloned()
                                .unwrap_or_default(),
                        },
                        status: None,
                        starts_at: entry.starts_at,
                        tags: entry.tags.clone(),
                        job_role: None,
                        snippet,
                        snippet_from,
                        relevance,
                    });
                }
                Ranked::Person(expert, themes) => {
                    let said = format!("Can help with: {}", expert.expertise.join("; "));
                    let led = format!("Leads projects on: {}", themes.join("; "));
                    // The snippet says what it is from itself ("Can help with: ...").
                    let snippet = [said, led]
                        .iter()
                        .find_map(|t| text::snippet(t, &terms, SNIPPET_CHARS))
                        .unwrap_or_default();
                    return Some(SearchHit {
                        kind: SearchKind::Person,
                        id: expert.id,
                        title: expert.name.clone(),
                        project_id: None,
                        project_title: None,
                        organisation: OrganisationRef {
                            id: expert.organisation_id,
                            name: names
                                .get(&expert.organisation_id)
                                .cloned()
                                .unwrap_or_default(),
                        },
                        status: None,
                        starts_at: None,
                        tags: expert.expertise.clone(),
                        job_role: Some(expert.job_role.clone()),
                        snippet,
                        snippet_from: None,
                        relevance,
                    });
                }
                Ranked::Register(kind, id) => (*kind, *id),
            };
            let (project_id, title, snippet) = match kind {
                SearchKind::Measure => {
                    let (project_id, document) = measures.get(&id)?;
                    let snippet = document
                        .definitions
                        .iter()
                        .find_map(|d| text::snippet(d, &terms, SNIPPET_CHARS))
                        .map(|s| ("Definition".to_owned(), s));
                    (*project_id, Some(document.name.clone()), snippet)
                }
                _ => (
                    id,
                    None,
                    documents
                        .get(&id)
                        .and_then(|d| best_snippet(d, &terms))
                        .map(|(part, s)| (part.label().to_owned(), s)),
                ),
            };
            let summary = summaries.get(&project_id)?;
            let (snippet_from, snippet) =
                snippet.map_or((None, Vec::new()), |(from, s)| (Some(from), s));
            Some(SearchHit {
                kind,
                id,
                title: title.unwrap_or_else(|| summary.title.clone()),
                project_id: Some(project_id),
                project_title: Some(summary.title.clone()),
                organisation: summary.lead_organisation.clone(),
                status: Some(summary.status),
                starts_at: None,
                tags: summary.tags.clone(),
                job_role: None,
                snippet,
                snippet_from,
                relevance,
            })
        })
        .collect();
    let add = |mut counts: HashMap<String, u64>, more: Vec<(String, u64)>| {
        for (key, count) in more {
            *counts.entry(key).or_default() += count;
        }
        most_first(counts)
    };
    let mut organisations: HashMap<i64, u64> = listed.organisations;
    for (id, count) in found
        .organisations
        .into_iter()
        .chain(people.organisations.clone())
    {
        *organisations.entry(id).or_default() += count;
    }
    let mut kinds: HashMap<SearchKind, u64> = listed.kinds;
    for (kind, count) in found.kinds {
        *kinds.entry(kind).or_default() += count;
    }
    if people_total > 0 {
        kinds.insert(SearchKind::Person, people_total);
    }
    let total = found.total + listed.total + people.total;
    let facets = SearchFacets {
        kinds: most_first(kinds)
            .into_iter()
            .map(|(kind, count)| KindCount { kind, count })
            .collect(),
        organisations: most_first(organisations)
            .into_iter()
            .take(MAX_FACET_VALUES)
            .filter_map(|(id, count)| {
                Some(OrganisationCount {
                    organisation: OrganisationRef {
                        id,
                        name: names.get(&id)?.clone(),
                    },
                    count,
                })
            })
            .collect(),
        statuses: found
            .statuses
            .into_iter()
            .map(|(status, count)| StatusCount { status, count })
            .collect(),
        themes: add(listed.themes, found.themes)
            .into_iter()
            .take(MAX_FACET_VALUES)
            .map(|(theme, count)| ThemeCount { theme, count })
            .collect(),
    };
    Ok(SearchResults {
        items,
        page: PageInfo::exact(page, per_page, total),
        facets,
    })
}

/// The part of `document` (other than its title and themes, which a result shows anyway) whose snippet
/// has the most of `terms`, the first of them if several have as many.
fn best_snippet(document: &Document, terms: &HashSet<String>) -> Option<(Part, Vec<SnippetPart>)> {
    let mut best: Option<(usize, Part, Vec<SnippetPart>)> = None;
    for (part, text) in document
        .parts()
        .filter(|(p, _)| !matches!(p, Part::Title | Part::Theme))
    {
        if let Some(snippet) = text::snippet(text, terms, SNIPPET_CHARS) {
            let found: HashSet<String> = snippet
                .iter()
                .filter(|s| s.hit)
                .map(|s| s.text.to_lowercase())
                .collect();
            if best.as_ref().is_none_or(|(most, _, _)| found.len() > *most) {
                best = Some((found.len(), part, snippet));
            }
        }
    }
    best.map(|(_, part, snippet)| (part, snippet))
}

async fn organisation_names(
    db: &DatabaseConnection,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(organisation::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// What the finder compares: a project's (or a draft's) title, its other text (problem and
/// aim) and themes, and the names of its measures, if it has any; `exclude` is the project
/// itself.
pub struct Like<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub tags: &'a [String],
    pub measures: &'a [String],
    pub exclude: Option<i64>,
}

/// The projects `actor` may see most like `like`, at least [`SIMILAR_THRESHOLD`] alike, most
/// alike first, each with why.
pub async fn similar(
    db: &DatabaseConnection,
    cache: &ListCache,
    actor: &Actor,
    like: Like<'_>,
) -> Result<Vec<SimilarProject>, DbErr> {
    let stamp = cache.stamp(db).await?;
    cache.register.catch_up(db, stamp).await?;
    // A word of the title says more of what the work is than one of the problem or the aim.
    let title = text::tokens(like.title);
    let rest = text::tokens(like.text);
    // Each term as the draft first writes it.
    let written = surface_words(&[like.title, like.text]);
    let terms: Vec<(String, f64)> = title
        .iter()
        .map(|t| (t.term.clone(), TITLE_WEIGHT))
        .chain(rest.iter().map(|t| (t.term.clone(), 1.0)))
        .filter(|(term, _)| text::telling(term))
        .collect();
    let found = cache.register.similar(
        Some(actor),
        &terms,
        like.tags,
        like.exclude,
        (MAX_SIMILAR, SIMILAR_THRESHOLD),
    )?;
    let ids: Vec<i64> = found.iter().map(|s| s.id).collect();
    let mut summaries = by_id(crate::db::projects::summaries_of(db, &ids).await?);
    let measures = if like.measures.is_empty() {
        HashMap::new()
    } else {
        measure_names(db, &ids).await?
    };
    let own_measure_terms: HashSet<String> =
        like.measures.iter().flat_map(|m| text::terms(m)).collect();
    Ok(found
        .into_iter()
        .filter_map(|similar| Some((summaries.remove(&similar.id)?, similar)))
        .map(|(summary, similar)| {
            let mut shared_words: Vec<String> = Vec::new();
            for term in &similar.terms {
                let word = written.get(term).cloned().unwrap_or_else(|| term.clone());
                if !shared_words.contains(&word) {
                    shared_words.push(word);
                }
            }
            shared_words.truncate(6);
            SimilarProject {
                id: summary.id,
                title: summary.title,
                status: summary.status,
                score: summary.score,
                lead_organisation: summary.lead_organisation,
                similarity: similar.similarity,
                shared_words,
                shared_themes: similar.tags,
                shared_measures: measures
                    .get(&similar.id)
                    .into_iter()
                    .flatten()
                    .filter(|name| {
                        text::terms(name)
                            .iter()
                            .any(|t| own_measure_terms.contains(t))
                    })
                    .cloned()
                    .collect(),
                started: similar.started,
            }
        })
        .collect())
}

/// How far back an organisation's completed projects are compared for its report of duplicates:
/// those proposed or active, and those started in this many days.
const DUPLICATES_SINCE_DAYS: i64 = 730;

/// The likely duplicates of `organisation`'s projects across the partnership, of those `actor`
/// may see.
pub async fn duplicates(
    db: &DatabaseConnection,
    cache: &ListCache,
    actor: &Actor,
    organisation: OrganisationRef,
) -> Result<DuplicateReport, DbErr> {
    let stamp = cache.stamp(db).await?;
    cache.register.catch_up(db, stamp).await?;
    let since = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(DUPLICATES_SINCE_DAYS);
    let mut pairs =
        cache
            .register
            .duplicates(Some(actor), organisation.id, since, DUPLICATE_THRESHOLD)?;
    pairs.truncate(MAX_DUPLICATE_PAIRS);
    let mut ids: Vec<i64> = pairs.iter().flat_map(|p| [p.ours, p.theirs]).collect();
    ids.sort_unstable();
    ids.dedup();
    let summaries = by_id(crate::db::projects::summaries_of(db, &ids).await?);
    let ours: Vec<i64> = pairs.iter().map(|p| p.ours).collect();
    let documents = documents(db, &ours).await?;
    let brief = |id: i64| {
        summaries.get(&id).map(|s| ProjectBrief {
            id,
            title: s.title.clone(),
            status: s.status,
            score: s.score,
            lead_organisation: s.lead_organisation.clone(),
            started: None,
        })
    };
    let started = cache.register.started(&ids)?;
    Ok(DuplicateReport {
        organisation,
        threshold: DUPLICATE_THRESHOLD,
        within_days: DUPLICATE_DAYS,
        pairs: pairs
            .into_iter()
            .filter_map(|pair| {
                let (mut ours, mut theirs) = (brief(pair.ours)?, brief(pair.theirs)?);
                ours.started = started.get(&ours.id).copied().flatten();
                theirs.started = started.get(&theirs.id).copied().flatten();
                let written = documents
                    .get(&pair.ours)
                    .map(|d| surface_words(&d.parts().map(|(_, text)| text).collect::<Vec<_>>()));
                let mut shared_words: Vec<String> = Vec::new();
                for term in &pair.terms {
                    let word = written
                        .as_ref()
                        .and_then(|w| w.get(term))
                        .cloned()
                        .unwrap_or_else(|| term.clone());
                    if !shared_words.contains(&word) {
                        shared_words.push(word);
                    }
                }
                shared_words.truncate(6);
                Some(DuplicatePair {
                    ours,
                    theirs,
                    similarity: pair.similarity,
                    shared_words,
                })
            })
            .collect(),
    })
}

/// Each term of `texts` as they first write it, lower-cased.
fn surface_words(texts: &[&str]) -> HashMap<String, String> {
    let mut written = HashMap::new();
    for source in texts {
        for token in text::tokens(source) {
            written
                .entry(token.term)
                .or_insert_with(|| source[token.start..token.end].to_lowercase());
        }
    }
    written
}

/// The measures `ids` (those that exist) with their projects, as the index reads them.
async fn measure_documents(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, MeasureDocument)>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(measure::Entity::find()
        .filter(measure::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let definitions = [
                m.operational_definition,
                m.numerator_definition,
                m.denominator_definition,
            ]
            .into_iter()
            .filter(|d| !d.trim().is_empty())
            .collect();
            let document = MeasureDocument {
                name: m.name,
                definitions,
            };
            (m.id, (m.project_id, document))
        })
        .collect())
}

fn by_id(summaries: Vec<ProjectSummary>) -> HashMap<i64, ProjectSummary> {
    summaries.into_iter().map(|s| (s.id, s)).collect()
}

/// The names of the measures of projects `ids`, by project.
pub async fn measure_names(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    for (project_id, name) in measure::Entity::find()
        .select_only()
        .column(measure::Column::ProjectId)
        .column(measure::Column::Name)
        .filter(measure::Column::ProjectId.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
    {
        names.entry(project_id).or_default().push(name);
    }
    Ok(names)
}

/// The longest word kept, in characters: longer words (and search words) are cut to it.
pub const MAX_WORD_CHARS: usize = 64;
/// Search words beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 8;

/// The distinct words of `text`: lower-cased runs of letters and digits, cut to
/// [`MAX_WORD_CHARS`]. ("Sepsis: 1-hour bundle" has "sepsis", "1", "hour" and "bundle".)
pub fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
        .collect()
}

/// The words of a search, each of which a project must have a word beginning with: at most
/// [`MAX_QUERY_WORDS`], without those another word already implies ("fall falls" is "falls").
/// Empty if the search has no letters or digits.
pub fn query_words(q: &str) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for word in q
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.chars().take(MAX_WORD_CHARS).collect();
        if !all.contains(&word) {
            all.push(word);
        }
        if all.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    all.iter()
        .filter(|w| !all.iter().any(|o| o != *w && o.starts_with(w.as_str())))
        .cloned()
        .collect()
}

/// The least string greater than every string that begins with `prefix`, in code point order
/// (which is UTF-8 byte order): "fall" gives "falm". `None` if there is none.
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_runs_of_letters_and_digits() {
        let found = words("Sepsis: 1-hour BUNDLE\nsepsis\nemergency care\nÉcole naïve");
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [
                "1",
                "bundle",
                "care",
                "emergency",
                "hour",
                "naïve",
                "sepsis",
                "école"
            ]
        );
        assert!(words(" -- ").is_empty());
        let long = "a".repeat(100);
        let lengths: Vec<usize> = words(&long).iter().map(|w| w.chars().count()).collect();
        assert_eq!(lengths, [MAX_WORD_CHARS]);
    }

    #[test]
    fn search_words_drop_what_another_implies() {
        assert_eq!(query_words("Improve  noon"), ["improve", "noon"]);
        assert_eq!(
            query_words("fall FALLS prevention"),
            ["falls", "prevention"]
        );
        assert_eq!(query_words("e.coli"), ["e", "coli"]);
        assert!(query_words(" % _ ").is_empty());
        assert_eq!(query_words("a b c d e f g h i j").len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn a_prefix_ends_at_its_successor() {
        assert_eq!(prefix_end("fall").as_deref(), Some("falm"));
        assert_eq!(prefix_end("az").as_deref(), Some("a{"));
        assert_eq!(prefix_end("caf\u{D7FF}").as_deref(), Some("caf\u{E000}"));
        assert_eq!(prefix_end("x\u{10FFFF}").as_deref(), Some("y"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        // Everything that begins with the prefix sorts inside the range, in byte order.
        for word in ["fall", "falls", "fallé", "fall\u{10FFFF}"] {
            assert!(("fall".."falm").contains(&word), "{word}");
        }
    }
}
