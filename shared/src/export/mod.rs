//! Bulk export (issue 18): what a partner's system asks for and the rows it gets back.
//!
//! Every collection a caller may read comes out whole, as NDJSON (one JSON object a line, each
//! exactly what the collection's own endpoint shows) or as CSV for a spreadsheet (UTF-8 with a
//! byte-order mark, so Excel reads it as UTF-8, and text cells neutralised against formula
//! injection). The server streams the rows in pages; this module holds the pure parts: the
//! queries, the format, and how each row becomes CSV cells.

mod events;
mod training;

pub use events::{BookingExportQuery, EventExportQuery, EventFilter, MAX_TAG_FILTER};
pub use training::{
    CoachingExportQuery, CohortExportQuery, CourseExportQuery, EnrolmentExportQuery,
    TierExportQuery,
};

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    measure::{DataPoint, Measure},
    project::{ProjectStatus, ProjectSummary, ProjectType, QualityDimension, Spread, Visibility},
    score::ProgressScore,
};

wire_enum! {
    /// How an export is written.
    ExportFormat {
        /// One JSON object a line (`application/x-ndjson`).
        Ndjson => "ndjson", "NDJSON";
        /// Comma-separated values, UTF-8 with a byte-order mark (`text/csv`).
        Csv => "csv", "CSV";
    }
}

impl ExportFormat {
    /// The answer's `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Ndjson => "application/x-ndjson",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file name a download of `collection` is saved as.
    pub fn file_name(self, collection: &str) -> String {
        let extension = match self {
            Self::Ndjson => "ndjson",
            Self::Csv => "csv",
        };
        format!("{collection}.{extension}")
    }
}

/// The byte-order mark a CSV export starts with: without it Excel reads UTF-8 as its local code
/// page and mangles every accent and pound sign.
pub const BOM: &str = "\u{feff}";

/// A text cell as a CSV export writes it: one that a spreadsheet would take for a formula (it
/// starts with `=`, `+`, `-` or `@`, or with a tab or carriage return, which some spreadsheets
/// skip before looking) gets a leading `'`, as OWASP advises, so it shows as the text it is.
/// Only for text: a number is written as a number, so `-3.5` stays `-3.5`.
pub fn csv_text(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn joined<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

/// Which projects an export holds: the projects list's filters that are plain conditions on a
/// project's row (no word search, no order, no pages: an export is every match, by id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ProjectExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Projects this organisation leads or is a partner in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProjectStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// A clinical area or theme tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_type: Option<ProjectType>,
    /// Projects serving this dimension of quality (among others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_dimension: Option<QualityDimension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 0.5, maximum = 5.0, multiple_of = 0.5)
    )]
    pub score_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 0.5, maximum = 5.0, multiple_of = 0.5)
    )]
    pub score_max: Option<f64>,
    /// With (true) or without (false) patient and public involvement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub involvement: Option<bool>,
    /// With (true) or without (false) a sustainability aspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sustainability: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    /// Projects this person coaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coach_id: Option<i64>,
    /// Projects this person is on the team of (in any role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// Projects changed at or after this time (RFC 3339, such as `2026-12-01T00:00:00Z`): their
    /// details, team, scores or measures' data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// A project export's filters, checked: the scores as tenths, the theme tidied as tags are kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    pub organisation_id: Option<i64>,
    pub status: Option<ProjectStatus>,
    pub visibility: Option<Visibility>,
    pub theme: Option<String>,
    pub project_type: Option<ProjectType>,
    pub quality_dimension: Option<QualityDimension>,
    pub score_min_tenths: Option<i32>,
    pub score_max_tenths: Option<i32>,
    pub involvement: Option<bool>,
    pub sustainability: Option<bool>,
    pub spread: Option<Spread>,
    pub coach_id: Option<i64>,
    pub member_id: Option<i64>,
    pub updated_since: Option<DateTime<Utc>>,
}

impl ProjectExportQuery {
    /// Checks the scores (steps of the IHI scale), as the projects list does.
    pub fn validate(&self) -> Result<(ExportFormat, ProjectFilter), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut tenths = |field: &str, value: Option<f64>| {
            value.and_then(|v| {
                errors
                    .check(field, ProgressScore::new(v))
                    .map(ProgressScore::tenths)
            })
        };
        let score_min_tenths = tenths("score_min", self.score_min);
        let score_max_tenths = tenths("score_max", self.score_max);
        errors.finish(|| {
            Some((
                self.format.unwrap_or(ExportFormat::Ndjson),
                ProjectFilter {
                    organisation_id: self.organisation_id,
                    status: self.status,
                    visibility: self.visibility,
                    // As the list: tags are compared trimmed and in lower case.
                    theme: self
                        .theme
                        .as_deref()
                        .map(|t| t.trim().to_lowercase())
                        .filter(|t| !t.is_empty()),
                    project_type: self.project_type,
                    quality_dimension: self.quality_dimension,
                    score_min_tenths,
                    score_max_tenths,
                    involvement: self.involvement,
                    sustainability: self.sustainability,
                    spread: self.spread,
                    coach_id: self.coach_id,
                    member_id: self.member_id,
                    updated_since: self.updated_since,
                },
            ))
        })
    }
}

/// Which measures, or which measures' data points, an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MeasureExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Only this project's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<i64>,
}

/// Which data points an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PointExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Only this project's measures' points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<i64>,
    /// Only this measure's points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_id: Option<i64>,
}

/// A data point in an export: the point as its measure shows it, and which measure and project
/// it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedPoint {
    pub measure_id: i64,
    pub project_id: i64,
    pub id: i64,
    pub date: NaiveDate,
    /// `null` is a gap: no data for this period.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: String,
}

impl ExportedPoint {
    pub fn new(measure_id: i64, project_id: i64, point: DataPoint) -> Self {
        ExportedPoint {
            measure_id,
            project_id,
            id: point.id,
            date: point.date,
            value: point.value,
            numerator: point.numerator,
            denominator: point.denominator,
            note: point.note,
        }
    }
}

/// A collection's rows as CSV: its header, and each row's cells (text cells neutralised with
/// [`csv_text`], numbers and dates as they are, lists joined with `;`).
pub trait CsvRow {
    const HEADER: &'static [&'static str];
    fn cells(&self) -> Vec<Cow<'_, str>>;
}

impl CsvRow for ProjectSummary {
    const HEADER: &'static [&'static str] = &[
        "id",
        "title",
        "aim",
        "lead_organisation_id",
        "lead_organisation_name",
        "partner_count",
        "tags",
        "status",
        "project_type",
        "quality_dimensions",
        "spread",
        "visibility",
        "score",
        "involvement",
        "sustainability",
        "awards",
        "updated_at",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        let awards = joined(
            self.awards
                .iter()
                .map(|a| csv_text(&a.category).into_owned()),
        );
        vec![
            self.id.to_string().into(),
            csv_text(&self.title),
            csv_text(&self.aim),
            self.lead_organisation.id.to_string().into(),
            csv_text(&self.lead_organisation.name),
            self.partner_count.to_string().into(),
            csv_text(&joined(&self.tags)).into_owned().into(),
            self.status.as_str().into(),
            self.project_type.as_str().into(),
            joined(self.quality_dimensions.iter().map(|d| d.as_str())).into(),
            self.spread.as_str().into(),
            self.visibility.as_str().into(),
            number(self.score.map(ProgressScore::value)).into(),
            self.involvement.to_string().into(),
            self.sustainability.to_string().into(),
            awards.into(),
            self.updated_at.to_rfc3339().into(),
        ]
    }
}

impl CsvRow for Measure {
    const HEADER: &'static [&'static str] = &[
        "id",
        "project_id",
        "name",
        "type",
        "operational_definition",
        "unit",
        "rate_per",
        "numerator_definition",
        "denominator_definition",
        "improvement_direction",
        "target",
        "frequency",
        "change_idea_ids",
        "version",
        "created_at",
        "updated_at",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            self.project_id.to_string().into(),
            csv_text(&self.name),
            self.measure_type.as_str().into(),
            csv_text(&self.operational_definition),
            self.unit.as_str().into(),
            self.rate_per
                .map(|r| r.to_string())
                .unwrap_or_default()
                .into(),
            csv_text(&self.numerator_definition),
            csv_text(&self.denominator_definition),
            self.improvement_direction.as_str().into(),
            number(self.target).into(),
            self.frequency.as_str().into(),
            joined(&self.change_idea_ids).into(),
            self.version.to_string().into(),
            self.created_at.to_rfc3339().into(),
            self.updated_at.to_rfc3339().into(),
        ]
    }
}

impl CsvRow for ExportedPoint {
    const HEADER: &'static [&'static str] = &[
        "measure_id",
        "project_id",
        "id",
        "date",
        "value",
        "numerator",
        "denominator",
        "note",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.measure_id.to_string().into(),
            self.project_id.to_string().into(),
            self.id.to_string().into(),
            self.date.to_string().into(),
            number(self.value).into(),
            number(self.numerator).into(),
            number(self.denominator).into(),
            csv_text(&self.note),
        ]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_gets_a_quote() {
        let cases = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+44 20", "'+44 20"),
            ("-1 falls", "'-1 falls"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Fewer falls = better", "Fewer falls = better"),
            ("", ""),
            ("'already", "'already"),
        ];
        for (cell, expected) in cases {
            assert_eq!(csv_text(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn numbers_stay_numbers_and_text_is_neutralised() {
        let point = ExportedPoint {
            measure_id: 3,
            project_id: 2,
            id: 9,
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            value: Some(-3.5),
            numerator: None,
            denominator: None,
            note: "-worse".to_owned(),
        };
        let cells = point.cells();
        assert_eq!(cells.len(), ExportedPoint::HEADER.len());
        assert_eq!(cells[3], "2026-01-01");
        assert_eq!(cells[4], "-3.5");
        assert_eq!(cells[5], "");
        assert_eq!(cells[7], "'-worse");
    }

    #[test]
    fn the_format_defaults_to_ndjson_and_scores_are_checked() {
        let (format, filter) = ProjectExportQuery {
            theme: Some("  Falls ".to_owned()),
            score_min: Some(3.0),
            ..ProjectExportQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(format, ExportFormat::Ndjson);
        assert_eq!(filter.theme.as_deref(), Some("falls"));
        assert_eq!(filter.score_min_tenths, Some(30));
        let errors = ProjectExportQuery {
            score_max: Some(3.2),
            ..ProjectExportQuery::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.0[0].field, "score_max");
        assert_eq!(ExportFormat::Csv.file_name("projects"), "projects.csv");
        assert_eq!(ExportFormat::parse("xml"), None);
    }
}
