//! The audit log: who (a person, an API token, or nobody signed in) did what to which object,
//! when and from where. The API appends a row for every write that succeeded and every staff data
//! export; organisation admins read their organisation's rows, partnership admins all of them.
//! See `docs/integrations.md`, "Audit log".

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, page::Listed, project::OrganisationRef};

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditActor {
    /// A person signed in.
    Person { id: i64, name: String },
    /// A partner's system, with an API token.
    Token { id: i64, name: String },
    /// Nobody signed in: a sign-in, a password reset, a guest's booking.
    Nobody,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// When the answer was sent.
    pub at: DateTime<Utc>,
    pub actor: AuditActor,
    /// The actor's organisation (the token's, for a token); none for nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationRef>,
    /// The client's address, as the server's sign-in limits read it (the `X-Forwarded-For`
    /// address behind a trusted proxy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// `POST`, `PUT`, `PATCH`, `DELETE`, or `GET` for an export.
    pub method: String,
    /// The operation: the route as the API document names it, `/api/v1/projects/{id}`.
    pub operation: String,
    /// The path asked for, `/api/v1/projects/12`.
    pub path: String,
    /// The query string, for an export (what was exported); none for a write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The kind of object acted on, as the path names it (`projects`, `api-tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type: Option<String>,
    /// The object's id: from the path, or for something made, from the answer's `Location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<i64>,
    /// The answer's HTTP status (always a success: failures change nothing).
    pub status: u16,
}

impl Listed for AuditEntry {
    const PAGE: &'static str = "AuditPage";
    const PAGE_DESCRIPTION: &'static str = "One page of the audit log, newest first.";
}

pub type AuditPage = crate::page::Page<AuditEntry>;

/// The longest `object_type` a filter may name.
pub const MAX_OBJECT_TYPE: usize = 50;

/// `?organisation_id=&person_id=&api_token_id=&object_type=&from=&to=`: which entries. Every
/// filter narrows; none given, every entry the reader may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// The actor's organisation. An organisation's admin sees their own only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub organisation_id: Option<i64>,
    /// What this person did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub person_id: Option<i64>,
    /// What this API token did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub api_token_id: Option<i64>,
    /// What was done to this kind of object (`projects`, `api-tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(min_length = 1, max_length = 50, pattern = r"^[a-z0-9_-]+$")
    )]
    pub object_type: Option<String>,
    /// Entries on or after this UK day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Entries on or before this UK day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl AuditQuery {
    /// Checks the filters: ids from 1, an object type as paths spell them, `from` no later than
    /// `to`. Gives back the query with the object type trimmed.
    pub fn validate(&self) -> Result<AuditQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, id) in [
            ("organisation_id", self.organisation_id),
            ("person_id", self.person_id),
            ("api_token_id", self.api_token_id),
        ] {
            if id.is_some_and(|id| id < 1) {
                errors.push(field, "Choose an id from 1");
            }
        }
        let object_type = self.object_type.as_deref().map(str::trim);
        if let Some(kind) = object_type {
            let spelt = kind
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if kind.is_empty() || kind.len() > MAX_OBJECT_TYPE || !spelt {
                errors.push(
                    "object_type",
                    "Name a kind of object as paths do, such as projects or api-tokens",
                );
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            errors.push("from", "Choose a first day no later than the last");
        }
        errors.finish(|| {
            Some(AuditQuery {
                object_type: object_type.map(str::to_owned),
                ..self.clone()
            })
        })
    }
}

/// What a request acted on, from its route pattern (`/api/v1/projects/{id}/members`), the path
/// asked for (`/api/v1/projects/12/members`) and the answer's `Location`, if any: the thing made,
/// when the answer names one (`/api/v1/projects/12` after `POST /api/v1/projects`); otherwise the
/// object of the pattern's last `{parameter}` and the segment naming it before it
/// (`projects`, 12); otherwise the pattern's last segment, without an id (`sign-in`).
pub fn object_of(
    pattern: &str,
    path: &str,
    location: Option<&str>,
) -> (Option<String>, Option<i64>) {
    let literals: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    if let Some(made) = location.and_then(|l| {
        l.split(['?', '#'])
            .next()
            .and_then(|p| p.trim_end_matches('/').rsplit('/').next())
            .and_then(|id| id.parse::<i64>().ok())
    }) {
        let kind = pattern
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.starts_with('{'));
        if let Some(kind) = kind {
            return (Some(kind.to_owned()), Some(made));
        }
    }
    let pattern_segments: Vec<&str> = pattern.split('/').collect();
    let path_segments: Vec<&str> = path.split('/').collect();
    if pattern_segments.len() == path_segments.len() {
        let last_parameter = pattern_segments
            .iter()
            .rposition(|s| s.starts_with('{'))
            .filter(|&i| i > 0);
        if let Some(i) = last_parameter {
            let kind = pattern_segments[i - 1];
            let id = path_segments[i].parse::<i64>().ok();
            if !kind.starts_with('{') {
                return (Some(kind.to_owned()), id);
            }
        }
    }
    (literals.last().map(|s| (*s).to_owned()), None)
}

/// The export's columns.
pub const CSV_HEADER: [&str; 15] = [
    "id",
    "at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "organisation_id",
    "organisation",
    "client",
    "method",
    "operation",
    "path",
    "query",
    "object_type",
    "object_id",
    "status",
];

/// The start of the export: a byte order mark (so spreadsheets read UTF-8) and the header row.
pub fn csv_start() -> String {
    format!(
        "\u{feff}{}",
        csv_rows(std::iter::once(CSV_HEADER.map(str::to_owned).to_vec()))
    )
}

/// Entries as CSV rows, in the order of [`CSV_HEADER`]; a cell a spreadsheet would run as a
/// formula is neutralised (a name, a path and a query are anyone's text).
pub fn csv_entries(entries: &[AuditEntry]) -> String {
    csv_rows(entries.iter().map(|e| {
        let (kind, id, name) = match &e.actor {
            AuditActor::Person { id, name } => ("person", Some(*id), name.as_str()),
            AuditActor::Token { id, name } => ("token", Some(*id), name.as_str()),
            AuditActor::Nobody => ("nobody", None, ""),
        };
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        vec![
            e.id.to_string(),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            kind.to_owned(),
            number(id),
            name.to_owned(),
            number(e.organisation.as_ref().map(|o| o.id)),
            e.organisation
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            e.client.clone().unwrap_or_default(),
            e.method.clone(),
            e.operation.clone(),
            e.path.clone(),
            e.query.clone().unwrap_or_default(),
            e.object_type.clone().unwrap_or_default(),
            number(e.object_id),
            e.status.to_string(),
        ]
    }))
}

fn csv_rows(rows: impl Iterator<Item = Vec<String>>) -> String {
    use crate::dashboard::board_pack::neutralise;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(row.iter().map(|c| neutralise(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_query_checks_each_filter() {
        assert!(AuditQuery::default().validate().is_ok());
        let bad = AuditQuery {
            organisation_id: Some(0),
            person_id: Some(-1),
            api_token_id: Some(3),
            object_type: Some("Projects!".into()),
            from: Some(day("2026-12-02")),
            to: Some(day("2026-12-01")),
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["organisation_id", "person_id", "object_type", "from"]
        );
        let good = AuditQuery {
            object_type: Some(" api-tokens ".into()),
            from: Some(day("2026-12-01")),
            to: Some(day("2026-12-01")),
            ..AuditQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(good.object_type.as_deref(), Some("api-tokens"));
        assert!(
            AuditQuery {
                object_type: Some("x".repeat(MAX_OBJECT_TYPE + 1)),
                ..AuditQuery::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            AuditQuery {
                object_type: Some("  ".into()),
                ..AuditQuery::default()
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn the_object_comes_from_the_pattern_or_the_location() {
        assert_eq!(
            object_of("/api/v1/projects/{id}", "/api/v1/projects/12", None),
            (Some("projects".into()), Some(12))
        );
        assert_eq!(
            object_of(
                "/api/v1/team-invitations/{id}/accept",
                "/api/v1/team-invitations/4/accept",
                None
            ),
            (Some("team-invitations".into()), Some(4))
        );
        assert_eq!(
            object_of(
                "/api/v1/projects",
                "/api/v1/projects",
                Some("/api/v1/projects/31")
            ),
            (Some("projects".into()), Some(31))
        );
        assert_eq!(
            object_of(
                "/api/v1/measures/{id}/points",
                "/api/v1/measures/5/points",
                Some("/api/v1/measures/5/points/77")
            ),
            (Some("points".into()), Some(77))
        );
        assert_eq!(
            object_of(
                "/api/v1/measures/{id}/points",
                "/api/v1/measures/5/points",
                None
            ),
            (Some("measures".into()), Some(5))
        );
        assert_eq!(
            object_of("/api/v1/auth/sign-in", "/api/v1/auth/sign-in", None),
            (Some("sign-in".into()), None)
        );
        assert_eq!(
            object_of("/api/v1/projects/{id}", "/api/v1/projects/abc", None),
            (Some("projects".into()), None),
            "a path that is not a number is no id"
        );
    }

    #[test]
    fn the_export_neutralises_formulas() {
        let entry = AuditEntry {
            id: 9,
            at: "2026-12-06T21:00:00Z".parse().unwrap(),
            actor: AuditActor::Token {
                id: 2,
                name: "=HYPERLINK(\"x\")".into(),
            },
            organisation: Some(OrganisationRef {
                id: 4,
                name: "Trust, North".into(),
            }),
            client: Some("127.0.0.1".into()),
            method: "GET".into(),
            operation: "/api/v1/audit-log/export".into(),
            path: "/api/v1/audit-log/export".into(),
            query: Some("format=csv".into()),
            object_type: Some("export".into()),
            object_id: None,
            status: 200,
        };
        assert!(csv_start().starts_with("\u{feff}id,at,actor_kind,"));
        assert_eq!(
            csv_entries(&[entry]),
            "9,2026-12-06T21:00:00Z,token,2,\"'=HYPERLINK(\"\"x\"\")\",4,\"Trust, North\",127.0.0.1,GET,\
             /api/v1/audit-log/export,/api/v1/audit-log/export,format=csv,export,,200\r\n"
        );
    }

    #[test]
    fn an_actor_is_tagged_by_kind() {
        let person = serde_json::to_value(AuditActor::Person {
            id: 3,
            name: "Asha".into(),
        })
        .unwrap();
        assert_eq!(
            person,
            serde_json::json!({"kind": "person", "id": 3, "name": "Asha"})
        );
        assert_eq!(
            serde_json::to_value(AuditActor::Nobody).unwrap(),
            serde_json::json!({"kind": "nobody"})
        );
    }
}
