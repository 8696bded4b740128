//! Search across what a person may see, and the finder of similar projects ("has this been
//! done before?"): the wire types, and (with the `search` feature, on the server) the analysis
//! of text and the ranking in [`text`]. docs/search.md says how it works and why.

#[cfg(feature = "search")]
pub mod text;

use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    page::PageInfo,
    project::{OrganisationRef, ProjectStatus},
    score::ProgressScore,
};

/// The longest search, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The longest draft text the finder of similar projects reads, per field, in characters.
pub const MAX_DRAFT_CHARS: usize = 4_000;
/// How many similar projects the finder gives at most.
pub const MAX_SIMILAR: usize = 10;
/// The least similarity (0 to 1) at which a project is suggested as similar work: below it,
/// what is shared is a word or two any project might have. Chosen with the test set in
/// `tests/search/duplicates.json` (docs/search.md).
pub const SIMILAR_THRESHOLD: f64 = 0.1;

wire_enum! {
    /// What a search result is.
    SearchKind {
        Project => "project", "Projects";
        Measure => "measure", "Measures";
        Course => "course", "Courses";
        Event => "event", "Events";
        /// People, by what they can help with and the themes of the projects they lead.
        Person => "person", "People";
    }
}

/// A piece of a snippet: a search's words are marked `hit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnippetPart {
    pub text: String,
    /// A word of the search (or a word with the same stem, or a name of the same thing).
    #[serde(default)]
    pub hit: bool,
}

impl SnippetPart {
    pub fn plain(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            hit: false,
        }
    }
}

/// A search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SearchQuery {
    /// The words to find (stemmed: "falls" finds "fall" and "falling"). Words too common to
    /// search for ("the", "of") find nothing.
    #[cfg_attr(
        feature = "openapi",
        param(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub q: String,
    /// Only results of this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SearchKind>,
    /// Only projects (and their measures) this organisation leads or is a partner in, courses
    /// it provides and events it organises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    /// Only projects (and their measures) of this status: no course or event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProjectStatus>,
    /// Only projects (and their measures) and events with this theme tag: no course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

impl SearchQuery {
    /// Checks the words and the page; gives back the words, trimmed, with the page and its size.
    pub fn validate(&self) -> Result<(String, (u64, u64)), FieldErrors> {
        let mut errors = FieldErrors::new();
        let q = errors.check(
            "q",
            crate::validation::text(&self.q, "the words to search for", 1, MAX_QUERY_CHARS),
        );
        if let Some(theme) = &self.theme
            && (theme.chars().count() > MAX_QUERY_CHARS || theme.chars().any(char::is_control))
        {
            errors.push(
                "theme",
                format!(
                    "A theme has at most {MAX_QUERY_CHARS} characters and no control characters."
                ),
            );
        }
        let page = match crate::page::parse_page(self.page, self.per_page) {
            Ok(page) => Some(page),
            Err(page_errors) => {
                errors.0.extend(page_errors.0);
                None
            }
        };
        errors.finish(|| Some((q?, page?)))
    }
}

/// One result of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The project's, measure's, course's, event's or person's id.
    pub id: i64,
    pub title: String,
    /// A project's own id; a measure's project.
    pub project_id: Option<i64>,
    /// A project's own title; a measure's project's.
    pub project_title: Option<String>,
    /// A project's (or a measure's project's) lead organisation, a course's provider, an
    /// event's organiser, a person's organisation.
    pub organisation: OrganisationRef,
    /// A project's status (a measure's project's).
    pub status: Option<ProjectStatus>,
    /// When an event starts.
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A project's or event's themes; what a person can help with.
    pub tags: Vec<String>,
    /// A person's job role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_role: Option<String>,
    /// Where the words were found, with them marked; empty if only in the title.
    pub snippet: Vec<SnippetPart>,
    /// Which part of it the snippet is from ("Aim", "Change idea", "PDSA learning", ...).
    pub snippet_from: Option<String>,
    /// BM25 relevance: higher is better; comparable within one search only.
    pub relevance: f64,
}

/// How many results a search has of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindCount {
    pub kind: SearchKind,
    pub count: u64,
}

/// How many results a search has in one organisation (the project's lead or a partner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationCount {
    pub organisation: OrganisationRef,
    pub count: u64,
}

/// How many results a search has of one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: ProjectStatus,
    pub count: u64,
}

/// How many results a search has with one theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThemeCount {
    pub theme: String,
    pub count: u64,
}

/// The counts of a search's results by kind, organisation, status and theme, each counted
/// with the other filters applied but not its own (so a facet shows what choosing another value
/// would give), over what the person may see only. The most common first; organisations and
/// themes at most [`MAX_FACET_VALUES`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchFacets {
    pub kinds: Vec<KindCount>,
    pub organisations: Vec<OrganisationCount>,
    pub statuses: Vec<StatusCount>,
    pub themes: Vec<ThemeCount>,
}

/// The most values an organisation or theme facet lists.
pub const MAX_FACET_VALUES: usize = 20;

/// A page of search results, most relevant first, with the facets of the whole search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
    #[serde(flatten)]
    pub page: PageInfo,
    pub facets: SearchFacets,
}

/// A project being written, to find work like it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDraft {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub problem: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub aim: String,
    /// Its themes, compared with the projects' own.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Vec<String>,
}

impl ProjectDraft {
    /// Checks the lengths and characters. A draft with no words yet is like nothing.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, text, what) in [
            ("title", &self.title, "The title"),
            ("problem", &self.problem, "The problem"),
            ("aim", &self.aim, "The aim"),
        ] {
            errors.check(
                field,
                crate::validation::paragraphs(text, what, MAX_DRAFT_CHARS),
            );
        }
        if self.tags.len() > 20 {
            errors.push("tags", "At most 20 themes.");
        }
        errors.finish(|| Some(()))
    }

    /// Whether it has a word to compare yet.
    pub fn has_words(&self) -> bool {
        [&self.title, &self.problem, &self.aim]
            .iter()
            .any(|t| t.chars().any(char::is_alphanumeric))
    }

    /// Its text besides the title, as the finder reads it.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.problem, self.aim)
    }
}

/// A project like another (or like a draft), and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarProject {
    pub id: i64,
    pub title: String,
    pub status: ProjectStatus,
    pub score: Option<ProgressScore>,
    pub lead_organisation: OrganisationRef,
    /// From 0 (nothing shared) to 1 (every term of the draft, often): its BM25 score over the
    /// most the draft's terms could score.
    pub similarity: f64,
    /// The words they share that weigh the most, as the draft writes them.
    pub shared_words: Vec<String>,
    /// The themes they share.
    pub shared_themes: Vec<String>,
    /// The names of its measures that share words with the draft's measures (a project page
    /// only: a draft has none).
    pub shared_measures: Vec<String>,
    pub started: Option<chrono::NaiveDate>,
}

/// The least similarity at which two projects of different organisations are reported as likely
/// duplicates. Higher than [`SIMILAR_THRESHOLD`]: a whole project is compared with another, not
/// a few lines of a draft. Chosen on the demo portfolio (docs/search.md).
pub const DUPLICATE_THRESHOLD: f64 = 0.3;
/// The most pairs a report lists.
pub const MAX_DUPLICATE_PAIRS: usize = 100;

/// A project as a report of duplicates names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectBrief {
    pub id: i64,
    pub title: String,
    pub status: ProjectStatus,
    pub score: Option<ProgressScore>,
    pub lead_organisation: OrganisationRef,
    pub started: Option<chrono::NaiveDate>,
}

/// One of an organisation's projects and another organisation's that likely duplicates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicatePair {
    /// The organisation's own.
    pub ours: ProjectBrief,
    /// Another organisation's.
    pub theirs: ProjectBrief,
    /// From 0 to 1, as [`SimilarProject::similarity`], with `ours` as the draft.
    pub similarity: f64,
    /// The words they share that weigh the most, as `ours` writes them.
    pub shared_words: Vec<String>,
}

/// An organisation's likely duplicates across the partnership: its projects that are proposed,
/// active or started in the last two years, each with up to three projects of other
/// organisations started within a year of it that are at least [`DUPLICATE_THRESHOLD`] alike.
/// The most alike first, at most [`MAX_DUPLICATE_PAIRS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateReport {
    pub organisation: OrganisationRef,
    pub threshold: f64,
    /// How far apart the two projects' start dates may be, in days.
    pub within_days: i64,
    pub pairs: Vec<DuplicatePair>,
}
