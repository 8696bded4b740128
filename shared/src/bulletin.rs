//! The "Sharing the Learning" bulletin: an issue composed of sections (highlighted projects with
//! their charts, upcoming events, award winners, free text in Markdown) by a partnership editor
//! (a partnership admin) or an organisation's (its admins), kept as a draft until it is
//! published. A published issue is public, stays at its own address, and is in the Atom feed.
//!
//! A highlighted project shows to a reader only if they may see the project: the public page and
//! the feed show public projects only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    event::{EventKind, submission::Award},
    project::{OrganisationRef, ProjectStatus},
    training::PersonRef,
    validation::{paragraphs, text},
};

wire_enum! {
    /// What a section of a bulletin holds.
    SectionKind {
        /// Free text in Markdown.
        Text => "text", "Free text";
        /// Projects picked from the library or the register, with their charts.
        Projects => "projects", "Highlighted projects";
        /// Events picked from the calendar.
        Events => "events", "Upcoming events";
        /// The awards given at the events picked.
        Awards => "awards", "Award winners";
    }
}

wire_enum! {
    /// Where a bulletin is in its life.
    BulletinStatus {
        Draft => "draft", "Draft";
        Published => "published", "Published";
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 500;
pub const MAX_SECTIONS: usize = 12;
pub const MAX_HEADING: usize = 200;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_ITEMS: usize = 12;

/// The body limit for a bulletin's JSON (`BulletinInput`), above the server's general one: the
/// largest issue the fields' own limits allow must fit, however it is encoded. A character can
/// take 12 bytes of JSON (a surrogate pair of `\u` escapes, as Python's `json.dumps` writes it),
/// and each id up to 21 (digits, sign and comma); 16 KiB is room for the keys and punctuation.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
const _: () = assert!(
    12 * (MAX_TITLE + MAX_SUMMARY + MAX_SECTIONS * (MAX_HEADING + MAX_TEXT))
        + MAX_SECTIONS * 2 * MAX_ITEMS * 21
        + 16 * 1024
        <= MAX_BODY_BYTES
);

/// A section as the editor sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionInput {
    pub kind: SectionKind,
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub heading: String,
    /// Markdown: the text of a text section (needed), an introduction to any other (optional).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 10000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub body: String,
    /// The projects of a projects section (1 to 12, each one the editor may see).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub project_ids: Vec<i64>,
    /// The events of an events section, or whose awards an awards section shows (1 to 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub event_ids: Vec<i64>,
}

/// A bulletin as the editor sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinInput {
    /// 1 to 200 characters, such as "Sharing the Learning: winter 2026".
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub title: String,
    /// One or two sentences for lists and the feed, up to 500 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub summary: String,
    /// The organisation whose bulletin it is; none for the partnership's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    /// 1 to 12 sections, in order.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 12))]
    pub sections: Vec<SectionInput>,
}

impl BulletinInput {
    pub fn validate(&self) -> Result<BulletinInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text(&self.title, "a title", 1, MAX_TITLE));
        let summary = errors.check("summary", summary(&self.summary));
        if self.sections.is_empty() {
            errors.push("sections", "Add at least one section");
        } else if self.sections.len() > MAX_SECTIONS {
            errors.push(
                "sections",
                format!("A bulletin has at most {MAX_SECTIONS} sections"),
            );
        }
        let mut sections = Vec::with_capacity(self.sections.len());
        for (i, section) in self.sections.iter().enumerate() {
            let field = |name: &str| format!("sections[{i}].{name}");
            let heading = errors.check(
                &field("heading"),
                text(&section.heading, "a heading", 1, MAX_HEADING),
            );
            let body = errors.check(
                &field("body"),
                paragraphs(&section.body, "The text", MAX_TEXT).and_then(|b| {
                    if b.is_empty() && section.kind == SectionKind::Text {
                        Err("Write the section's text".to_owned())
                    } else {
                        Ok(b)
                    }
                }),
            );
            let (project_ids, event_ids) = match section.kind {
                SectionKind::Text => (Ok(Vec::new()), Ok(Vec::new())),
                SectionKind::Projects => (items(&section.project_ids, "project"), Ok(Vec::new())),
                SectionKind::Events | SectionKind::Awards => {
                    (Ok(Vec::new()), items(&section.event_ids, "event"))
                }
            };
            let project_ids = errors.check(&field("project_ids"), project_ids);
            let event_ids = errors.check(&field("event_ids"), event_ids);
            sections.push((|| {
                Some(SectionInput {
                    kind: section.kind,
                    heading: heading?,
                    body: body?,
                    project_ids: project_ids?,
                    event_ids: event_ids?,
                })
            })());
        }
        errors.finish(|| {
            Some(BulletinInput {
                title: title?,
                summary: summary?,
                organisation_id: self.organisation_id,
                sections: sections.into_iter().collect::<Option<Vec<_>>>()?,
            })
        })
    }
}

fn summary(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        Ok(String::new())
    } else {
        text(raw, "a summary", 1, MAX_SUMMARY)
    }
}

/// 1 to 12 distinct ids, in the order given.
fn items(ids: &[i64], what: &str) -> Result<Vec<i64>, String> {
    if ids.is_empty() {
        return Err(format!("Pick at least one {what}"));
    }
    if ids.len() > MAX_ITEMS {
        return Err(format!("Pick at most {MAX_ITEMS}"));
    }
    let mut distinct = Vec::with_capacity(ids.len());
    for id in ids {
        if distinct.contains(id) {
            return Err(format!("Each {what} is picked once"));
        }
        distinct.push(*id);
    }
    Ok(distinct)
}

/// A highlighted project, with the chart of its first measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinProject {
    pub id: i64,
    pub title: String,
    pub aim: String,
    pub status: ProjectStatus,
    pub lead_organisation: OrganisationRef,
    /// In the public learning library (`/library/{id}`); otherwise its address is the
    /// register's, for readers in the partnership.
    pub public: bool,
    /// The first of its measures with data, whose chart shows, and its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_name: Option<String>,
    /// That measure's chart, drawn by the server as the app draws it (`qi_shared::chart`): SVG
    /// with no scripts or links, to put in the page as it is (an image address would need a
    /// sign-in that an `<img>` cannot send, and the public may read the bulletin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_svg: Option<String>,
    /// What the chart shows, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_description: Option<String>,
}

/// An event in a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinEvent {
    pub id: i64,
    pub title: String,
    pub kind: EventKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Where it is held, or "Online".
    pub place: String,
    pub organiser_name: String,
}

/// A section as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    pub kind: SectionKind,
    pub heading: String,
    /// The Markdown as written.
    pub body: String,
    /// The body rendered to safe HTML.
    pub html: String,
    /// As picked: all of them for its editors, those shown for anyone else.
    pub project_ids: Vec<i64>,
    pub event_ids: Vec<i64>,
    /// The picked projects this reader may see, in the order picked.
    pub projects: Vec<BulletinProject>,
    pub events: Vec<BulletinEvent>,
    pub awards: Vec<Award>,
}

/// A bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bulletin {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// The organisation whose bulletin it is; none for the partnership's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationRef>,
    pub status: BulletinStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    pub created_by: PersonRef,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sections: Vec<Section>,
    /// The reader may change it (a draft) or publish it.
    pub can_edit: bool,
}

/// A bulletin in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinSummary {
    pub id: i64,
    pub title: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationRef>,
    pub status: BulletinStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub can_edit: bool,
}

/// One page of bulletins: (for editors) the drafts they may edit first, then published ones,
/// latest first.
pub type BulletinPage = crate::page::Page<BulletinSummary>;

impl crate::page::Listed for BulletinSummary {
    const PAGE: &'static str = "BulletinPage";
    const PAGE_DESCRIPTION: &'static str = "One page of bulletins.";
}

/// Filters of the bulletin list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BulletinQuery {
    /// Published (anyone) or drafts (the drafts the reader may edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BulletinStatus>,
    /// One organisation's bulletins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn section(kind: SectionKind) -> SectionInput {
        SectionInput {
            kind,
            heading: "News".into(),
            body: String::new(),
            project_ids: Vec::new(),
            event_ids: Vec::new(),
        }
    }

    fn fields(input: &BulletinInput) -> Vec<String> {
        input
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn each_section_holds_what_its_kind_needs() {
        let mut input = BulletinInput {
            title: "Sharing the Learning".into(),
            summary: String::new(),
            organisation_id: None,
            sections: vec![
                section(SectionKind::Text),
                section(SectionKind::Projects),
                SectionInput {
                    event_ids: vec![4, 4],
                    ..section(SectionKind::Awards)
                },
            ],
        };
        assert_eq!(
            fields(&input),
            [
                "sections[0].body",
                "sections[1].project_ids",
                "sections[2].event_ids"
            ]
        );
        input.sections[0].body = "Welcome to the **winter** issue.".into();
        input.sections[1].project_ids = vec![1, 2];
        input.sections[2].event_ids = vec![4];
        // Ids a kind does not use are dropped, not kept unseen.
        input.sections[0].project_ids = vec![9];
        let valid = input.validate().unwrap();
        assert!(valid.sections[0].project_ids.is_empty());
        assert_eq!(valid.sections[1].project_ids, vec![1, 2]);
    }

    #[test]
    fn a_bulletin_has_a_title_and_some_sections() {
        let input = BulletinInput {
            title: " ".into(),
            summary: "x".repeat(MAX_SUMMARY + 1),
            organisation_id: None,
            sections: Vec::new(),
        };
        assert_eq!(fields(&input), ["title", "summary", "sections"]);
    }
}
