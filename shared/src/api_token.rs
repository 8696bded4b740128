//! API tokens: credentials for partners' systems (a data warehouse, a reporting tool), made by an
//! organisation's admin, seeing what that admin sees and no more, each limited to the scopes it
//! names. See `docs/integrations.md`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, project::OrganisationRef, validation::text};

wire_enum! {
    /// What a token may do. Every operation a token may call needs a scope
    /// ([`TokenScope::needed_for`]); any other answers a token 403.
    TokenScope {
        /// Projects, the library, organisations.
        ReadProjects => "read_projects", "Read projects";
        /// Measures and their data.
        ReadMeasures => "read_measures", "Read measures and their data";
        /// Courses, cohorts, capability tiers and coaching.
        ReadTraining => "read_training", "Read training and capability";
        /// Events, series and their bookings.
        ReadEvents => "read_events", "Read events";
        /// The partnership dashboard and its targets.
        ReadDashboard => "read_dashboard", "Read the dashboard";
        /// A measure's data points: add, change, remove, replace from CSV.
        WriteMeasureData => "write_measure_data", "Write measure data points";
    }
}

impl TokenScope {
    /// The scopes of which an operation needs one (`method` in capitals, `path` the route's
    /// pattern as the API document names it, `/api/v1/measures/{id}/points`), or none: tokens
    /// may not call it. Most need exactly one; the changes feed any that reads what it carries
    /// (it passes over the rest).
    pub fn needed_for(method: &str, path: &str) -> Option<&'static [TokenScope]> {
        let rest = path.strip_prefix("/api/v1/")?;
        let first = rest.split('/').next().unwrap_or_default();
        if method != "GET" {
            let points = rest.starts_with("measures/{id}/points");
            return (points && matches!(method, "POST" | "PUT" | "DELETE"))
                .then_some(&[Self::WriteMeasureData]);
        }
        // Bulk export: one route a collection, so each needs the scope of what it holds.
        if let Some(collection) = rest.strip_prefix("export/") {
            return match collection {
                "projects" => Some(&[Self::ReadProjects]),
                "measures" | "measure-points" => Some(&[Self::ReadMeasures]),
                "events" | "bookings" => Some(&[Self::ReadEvents]),
                "courses" | "cohorts" | "enrolments" | "coaching-sessions" | "capability-tiers" => {
                    Some(&[Self::ReadTraining])
                }
                _ => None,
            };
        }
        if rest.starts_with("projects/{id}/measures") {
            return Some(&[Self::ReadMeasures]);
        }
        if rest.starts_with("projects/{id}/coaching-sessions") {
            return Some(&[Self::ReadTraining]);
        }
        match first {
            "projects" | "library" | "organisations" | "search" | "adoptions" | "innovations"
            | "spread" | "programmes" => Some(&[Self::ReadProjects]),
            "measures" => Some(&[Self::ReadMeasures]),
            "courses" | "cohorts" | "capability" | "coaching-sessions" => {
                Some(&[Self::ReadTraining])
            }
            "events" | "event-series" => Some(&[Self::ReadEvents]),
            "dashboard" => Some(&[Self::ReadDashboard]),
            "changes" => Some(&[
                Self::ReadProjects,
                Self::ReadMeasures,
                Self::ReadTraining,
                Self::ReadEvents,
            ]),
            _ => None,
        }
    }
}

pub const MAX_NAME: usize = 100;
/// The longest a token lives, in days.
pub const MAX_DAYS: i64 = 366;
/// What a token's secret begins with, so that it is known for one when it leaks (and a secret
/// scanner can be taught it).
pub const SECRET_PREFIX: &str = "qi_";

/// A token as an admin asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenInput {
    /// What it is for, such as "Trust data warehouse": 1 to 100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// Whose token it is; an organisation's admin makes them for their own only. Default: the
    /// maker's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    /// At least one (one named twice counts once).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 6))]
    pub scopes: Vec<TokenScope>,
    /// The last day it works (UK time), from tomorrow to a year from today.
    pub expires_on: NaiveDate,
}

impl ApiTokenInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ApiTokenInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_NAME));
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            errors.push("scopes", "Choose at least one thing the token may do");
        }
        let days = (self.expires_on - today).num_days();
        if days < 1 {
            errors.push("expires_on", "Choose a day after today");
        } else if days > MAX_DAYS {
            errors.push(
                "expires_on",
                "A token lives a year at most: choose an earlier day",
            );
        }
        errors.finish(|| {
            Some(ApiTokenInput {
                name: name?,
                organisation_id: self.organisation_id,
                scopes,
                expires_on: self.expires_on,
            })
        })
    }
}

/// A token as its admins see it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub organisation: OrganisationRef,
    pub scopes: Vec<TokenScope>,
    /// The secret's first characters, to tell tokens apart (`qi_AbC1`).
    pub prefix: String,
    /// Who made it.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// It stops working at this moment (the end of its last day, UK time).
    pub expires_at: DateTime<Utc>,
    /// Within a minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just made, with its secret: shown this once, kept by the server only as a hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenCreated {
    pub token: ApiToken,
    /// `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    #[test]
    fn each_operation_needs_the_scope_of_what_it_reads_or_writes() {
        use TokenScope::*;
        let cases = [
            ("GET", "/api/v1/projects", Some(&[ReadProjects][..])),
            ("GET", "/api/v1/projects/{id}", Some(&[ReadProjects][..])),
            ("GET", "/api/v1/search", Some(&[ReadProjects][..])),
            (
                "GET",
                "/api/v1/projects/{id}/similar",
                Some(&[ReadProjects][..]),
            ),
            ("POST", "/api/v1/search/similar", None),
            (
                "GET",
                "/api/v1/projects/{id}/measures",
                Some(&[ReadMeasures][..]),
            ),
            (
                "GET",
                "/api/v1/measures/{id}/points",
                Some(&[ReadMeasures][..]),
            ),
            (
                "PUT",
                "/api/v1/measures/{id}/points",
                Some(&[WriteMeasureData][..]),
            ),
            (
                "POST",
                "/api/v1/measures/{id}/points.csv",
                Some(&[WriteMeasureData][..]),
            ),
            (
                "DELETE",
                "/api/v1/measures/{id}/points/{point_id}",
                Some(&[WriteMeasureData][..]),
            ),
            ("PUT", "/api/v1/measures/{id}", None),
            ("POST", "/api/v1/projects", None),
            (
                "GET",
                "/api/v1/capability/tiers/counts",
                Some(&[ReadTraining][..]),
            ),
            ("GET", "/api/v1/events/{id}", Some(&[ReadEvents][..])),
            (
                "GET",
                "/api/v1/dashboard/targets",
                Some(&[ReadDashboard][..]),
            ),
            ("GET", "/api/v1/export/projects", Some(&[ReadProjects][..])),
            ("GET", "/api/v1/export/measures", Some(&[ReadMeasures][..])),
            (
                "GET",
                "/api/v1/export/measure-points",
                Some(&[ReadMeasures][..]),
            ),
            ("GET", "/api/v1/export/events", Some(&[ReadEvents][..])),
            ("GET", "/api/v1/export/courses", Some(&[ReadTraining][..])),
            ("GET", "/api/v1/export/cohorts", Some(&[ReadTraining][..])),
            (
                "GET",
                "/api/v1/export/enrolments",
                Some(&[ReadTraining][..]),
            ),
            (
                "GET",
                "/api/v1/export/coaching-sessions",
                Some(&[ReadTraining][..]),
            ),
            ("GET", "/api/v1/export/bookings", Some(&[ReadEvents][..])),
            (
                "GET",
                "/api/v1/projects/{id}/coaching-sessions",
                Some(&[ReadTraining][..]),
            ),
            (
                "GET",
                "/api/v1/export/capability-tiers",
                Some(&[ReadTraining][..]),
            ),
            ("GET", "/api/v1/export/people", None),
            ("GET", "/api/v1/me", None),
            ("GET", "/api/v1/people", None),
            ("GET", "/api/v1/admin/outbox", None),
            ("GET", "/api/health", None),
            (
                "GET",
                "/api/v1/changes",
                Some(&[ReadProjects, ReadMeasures, ReadTraining, ReadEvents][..]),
            ),
        ];
        for (method, path, scope) in cases {
            assert_eq!(
                TokenScope::needed_for(method, path),
                scope,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn a_token_has_a_name_some_scopes_and_a_life_of_a_year_at_most() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let input = ApiTokenInput {
            name: "  Trust data warehouse ".to_owned(),
            organisation_id: None,
            scopes: vec![TokenScope::ReadMeasures, TokenScope::ReadProjects],
            expires_on: NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
        };
        let ok = input.validate(today).unwrap();
        assert_eq!(ok.name, "Trust data warehouse");
        assert_eq!(
            ok.scopes,
            [TokenScope::ReadProjects, TokenScope::ReadMeasures]
        );
        let bad = ApiTokenInput {
            name: " ".to_owned(),
            scopes: Vec::new(),
            expires_on: today,
            ..input.clone()
        };
        let fields: Vec<String> = bad
            .validate(today)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "scopes", "expires_on"]);
        let long = ApiTokenInput {
            expires_on: NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(),
            ..input
        };
        assert!(long.validate(today).is_err());
    }
}
