//! Coaching: a Lead-tier coach's sessions with a project team.
//!
//! A session's notes and agreed actions are the team's and the coach's only: others who may see
//! the project (its organisations' admins, say) see that a session happened, when, how long and
//! in which model, but not what was said ([`can_read_notes`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, access::ProjectContext, validation::paragraphs};

wire_enum! {
    /// The coaching model a session followed.
    CoachingModel {
        /// Goal, Reality, Options, Will.
        Grow => "grow", "GROW";
        /// Contracting, Listening, Exploring, Actions, Review.
        Clear => "clear", "CLEAR";
        /// Outcome, Situation, Choices, Actions, Review.
        Oscar => "oscar", "OSCAR";
        Other => "other", "Other";
    }
}

pub const MAX_MINUTES: u32 = 8 * 60;
pub const MAX_NOTES: usize = 10_000;
pub const MAX_ACTIONS: usize = 5_000;
/// How far back the coverage report looks for sessions.
pub const COVERAGE_DAYS: i64 = 90;

/// May this person read a project's session notes: the project's team (coaches included).
pub fn can_read_notes(person_id: i64, project: &ProjectContext) -> bool {
    project.team.iter().any(|(p, _)| *p == person_id)
}

/// May this person record coaching sessions on the project: its coaches.
pub fn can_record_session(person_id: i64, project: &ProjectContext) -> bool {
    project
        .team
        .iter()
        .any(|(p, role)| *p == person_id && *role == crate::project::TeamRole::Coach)
}

/// A coaching session, as the coach records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoachingSessionInput {
    /// The day of the session (not in the future).
    pub held_on: NaiveDate,
    /// Its length in minutes.
    pub minutes: u32,
    pub model: CoachingModel,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 10000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub notes: String,
    /// What the team agreed to do next.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 5000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub actions: String,
}

impl CoachingSessionInput {
    /// Checks a session as sent, `today` being the latest day it may be held on.
    pub fn validate(&self, today: NaiveDate) -> Result<CoachingSessionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.held_on > today {
            errors.push("held_on", "The session date cannot be in the future");
        }
        if !(1..=MAX_MINUTES).contains(&self.minutes) {
            errors.push(
                "minutes",
                format!("The length must be between 1 and {MAX_MINUTES} minutes"),
            );
        }
        let notes = errors.check("notes", paragraphs(&self.notes, "The notes", MAX_NOTES));
        let actions = errors.check(
            "actions",
            paragraphs(&self.actions, "The actions", MAX_ACTIONS),
        );
        errors.finish(|| {
            Some(CoachingSessionInput {
                notes: notes?,
                actions: actions?,
                ..self.clone()
            })
        })
    }
}

pub use crate::validation::PARAGRAPHS_PATTERN;

/// A coaching session. `notes` and `actions` are `None` for whoever may not read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoachingSession {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub coach_id: i64,
    pub coach_name: String,
    pub held_on: NaiveDate,
    pub minutes: u32,
    pub model: CoachingModel,
    pub notes: Option<String>,
    pub actions: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CoachingSession {
    /// The session without what was said.
    pub fn redacted(self) -> Self {
        Self {
            notes: None,
            actions: None,
            ..self
        }
    }
}

/// A page of a project's coaching sessions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoachingSessionPage {
    pub items: Vec<CoachingSession>,
    /// May the reader see the notes (they are the project's team)?
    pub notes_visible: bool,
    /// May the reader record a session (they are the project's coach)?
    pub can_record: bool,
    #[serde(flatten)]
    pub page: crate::page::PageInfo,
}

pub use crate::page::PageQuery;

/// `?coach_id=&status=&page=&per_page=`: whose caseload (yours when left out), which page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CaseloadQuery {
    pub coach_id: Option<i64>,
    /// Only projects with this status.
    pub status: Option<crate::project::ProjectStatus>,
    /// Page number, from 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// `?organisation_id=&coached=&page=&per_page=`: whose coverage (your organisation's when left
/// out), which projects, which page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CoverageQuery {
    pub organisation_id: Option<i64>,
    /// `true`: only projects with a coach; `false`: only those without.
    pub coached: Option<bool>,
    /// Page number, from 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// One project a coach coaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseloadEntry {
    pub project_id: i64,
    pub project_title: String,
    pub status: crate::project::ProjectStatus,
    pub sessions: u64,
    pub last_session_on: Option<NaiveDate>,
}

/// A coach's caseload: the projects they coach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Caseload {
    pub coach_id: i64,
    pub coach_name: String,
    /// A page of them, by title.
    pub projects: Vec<CaseloadEntry>,
    #[serde(flatten)]
    pub page: crate::page::PageInfo,
}

/// One active project of an organisation and its coaching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageEntry {
    pub project_id: i64,
    pub project_title: String,
    /// The names of its coaches (none: uncoached).
    pub coaches: Vec<String>,
    /// Sessions in the last [`COVERAGE_DAYS`] days.
    pub recent_sessions: u64,
    pub last_session_on: Option<NaiveDate>,
}

/// An organisation's active projects and which are coached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub organisation_id: i64,
    pub active_projects: u64,
    pub coached_projects: u64,
    /// Active projects with a session in the last [`COVERAGE_DAYS`] days.
    pub recently_coached_projects: u64,
    /// A page of them (those asked for), by title.
    pub projects: Vec<CoverageEntry>,
    /// Where the page sits among the projects asked for.
    #[serde(flatten)]
    pub page: crate::page::PageInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn good() -> CoachingSessionInput {
        CoachingSessionInput {
            held_on: day("2026-11-20"),
            minutes: 45,
            model: CoachingModel::Grow,
            notes: " Reviewed the run chart\nAgreed a PDSA ".to_owned(),
            actions: "Test the new checklist on ward 7".to_owned(),
        }
    }

    #[test]
    fn a_session_is_checked_field_by_field() {
        let today = day("2026-11-30");
        assert_eq!(
            good().validate(today).map(|s| s.notes),
            Ok("Reviewed the run chart\nAgreed a PDSA".to_owned())
        );
        let cases = [
            (
                CoachingSessionInput {
                    held_on: day("2026-12-01"),
                    ..good()
                },
                "held_on",
            ),
            (
                CoachingSessionInput {
                    minutes: 0,
                    ..good()
                },
                "minutes",
            ),
            (
                CoachingSessionInput {
                    minutes: MAX_MINUTES + 1,
                    ..good()
                },
                "minutes",
            ),
            (
                CoachingSessionInput {
                    notes: "x".repeat(MAX_NOTES + 1),
                    ..good()
                },
                "notes",
            ),
            (
                CoachingSessionInput {
                    actions: "x".repeat(MAX_ACTIONS + 1),
                    ..good()
                },
                "actions",
            ),
        ];
        for (input, field) in cases {
            let fields: Vec<String> = input
                .validate(today)
                .err()
                .map(|e| e.0.into_iter().map(|f| f.field).collect())
                .unwrap_or_default();
            assert_eq!(fields, vec![field]);
        }
    }

    #[test]
    fn notes_are_measured_as_sent_and_keep_their_line_breaks() {
        let today = day("2026-11-30");
        let notes = |notes: String| {
            CoachingSessionInput { notes, ..good() }
                .validate(today)
                .map(|s| s.notes)
        };
        assert_eq!(
            notes("\tAgreed\r\nNext\n".into()),
            Ok("Agreed\r\nNext".to_owned())
        );
        assert!(notes(format!(" {} ", "x".repeat(MAX_NOTES - 1))).is_err());
        assert!(notes("Agreed\u{0}".into()).is_err());
    }

    #[test]
    fn only_the_team_reads_the_notes() {
        use crate::project::{TeamRole, Visibility};
        let project = ProjectContext {
            visibility: Visibility::Partnership,
            lead_organisation_id: 10,
            organisation_ids: vec![10],
            team: vec![(1, TeamRole::Lead), (2, TeamRole::Coach)],
        };
        assert!(can_read_notes(1, &project));
        assert!(can_read_notes(2, &project));
        assert!(!can_read_notes(3, &project));
    }
}
