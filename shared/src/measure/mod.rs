//! A project's measures: what is counted and how (the operational definition), the data over
//! time, and the dates a chart marks (phase changes and annotations).
//!
//! - [`MeasureInput`]: a measure's definition as sent, with its rules ([`MeasureInput::validate`]).
//! - [`PointInput`] and [`validate_points`]: data points, one per date; a percentage or a rate may
//!   be given as a numerator and denominator, and its value is then computed.
//! - [`parse_points_csv`] and [`points_to_csv`]: the CSV file a team imports and exports, checked
//!   here so the browser shows exactly the errors the server would.
//! - [`AnnotationInput`]: a phase change (a "rebase": the SPC limits start again) or a note.
//!
//! The analysis of the data is in [`crate::spc`], whose [`ImprovementDirection`] measures share.

mod csv_file;
mod points;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::spc::ImprovementDirection;
use crate::{
    FieldErrors,
    validation::{listed_twice, text},
};
pub use csv_file::{
    CSV_COLUMNS, MAX_CSV_BYTES, MAX_LISTED_ERRORS, parse_date, parse_number, parse_points_csv,
    points_to_csv,
};
pub use points::{
    DataPoint, ImportMode, ImportQuery, MAX_NOTE, MAX_POINTS, PointInput, PointsImported,
    PointsInput, validate_points,
};

/// What a measure tells the team (the Model for Improvement's family of measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeasureType {
    /// The aim: how the system performs for patients and staff.
    Outcome,
    /// Whether the changes are being carried out as planned.
    Process,
    /// What could get worse elsewhere because of the changes.
    Balancing,
}

db_enum!(MeasureType);

impl MeasureType {
    pub const ALL: [Self; 3] = [Self::Outcome, Self::Process, Self::Balancing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Outcome => "outcome",
            Self::Process => "process",
            Self::Balancing => "balancing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// What a measure's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// 100 x numerator / denominator.
    Percentage,
    /// `rate_per` x numerator / denominator (falls per 1,000 bed days).
    Rate,
    Time,
    Other,
}

db_enum!(Unit);

impl Unit {
    pub const ALL: [Self; 5] = [
        Self::Count,
        Self::Percentage,
        Self::Rate,
        Self::Time,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Percentage => "percentage",
            Self::Rate => "rate",
            Self::Time => "time",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// Percentages and rates: a numerator over a denominator.
    pub fn is_fraction(self) -> bool {
        matches!(self, Self::Percentage | Self::Rate)
    }

    /// The value of `numerator / denominator` in this unit; `None` for a unit that is not a
    /// fraction, or a rate without its `rate_per`.
    pub fn value_of(self, rate_per: Option<u32>, numerator: f64, denominator: f64) -> Option<f64> {
        let scale = match self {
            Self::Percentage => 100.0,
            Self::Rate => f64::from(rate_per?),
            _ => return None,
        };
        Some(scale * numerator / denominator)
    }
}

/// How often a measure's data is collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

db_enum!(Frequency);

impl Frequency {
    pub const ALL: [Self; 4] = [Self::Daily, Self::Weekly, Self::Monthly, Self::Quarterly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
        }
    }

    /// `Monthly`, as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Daily => "Daily",
            Self::Weekly => "Weekly",
            Self::Monthly => "Monthly",
            Self::Quarterly => "Quarterly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

pub const MAX_NAME: usize = 200;
pub const MAX_DEFINITION: usize = 4000;
pub const MAX_CHANGE_IDEAS: usize = 50;
/// The largest `rate_per` (per 100,000 population is common; per billion is not).
pub const MAX_RATE_PER: u32 = 1_000_000_000;

/// Checks `rate_per` (field `rate_per`) against the unit: a rate needs one, from 1 to
/// [`MAX_RATE_PER`]; any other unit has none.
pub fn check_rate_per(errors: &mut FieldErrors, unit: Unit, rate_per: Option<u32>) {
    match (unit, rate_per) {
        (Unit::Rate, None) => errors.push(
            "rate_per",
            "Say what the rate is per, for example 1000 for per 1,000 bed days",
        ),
        (Unit::Rate, Some(per)) if !(1..=MAX_RATE_PER).contains(&per) => errors.push(
            "rate_per",
            format!("The rate must be per 1 to {MAX_RATE_PER}"),
        ),
        (Unit::Rate, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(
            "rate_per",
            format!(
                "Only a rate is per a number of something; leave this out for a {}",
                unit.as_str()
            ),
        ),
    }
}

/// A measure's definition, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureInput {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    #[serde(rename = "type")]
    pub measure_type: MeasureType,
    /// Exactly what is counted, how and when, so anyone collecting it gets the same numbers.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 4000,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub operational_definition: String,
    pub unit: Unit,
    /// For a rate only, and then required: the rate is per this many (1000 for "per 1,000 bed days").
    #[serde(default)]
    pub rate_per: Option<u32>,
    /// For a percentage or a rate only, and then required: what the numerator counts.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub numerator_definition: String,
    /// For a percentage or a rate only, and then required: what the denominator counts.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub denominator_definition: String,
    pub improvement_direction: ImprovementDirection,
    #[serde(default)]
    pub target: Option<f64>,
    pub frequency: Frequency,
    /// The project's change ideas (driver-diagram nodes) this measure follows.
    #[serde(default)]
    pub change_idea_ids: Vec<i64>,
}

impl MeasureInput {
    /// Checks every field and how the unit fits the rest; gives back the text trimmed.
    pub fn validate(&self) -> Result<MeasureInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_NAME));
        let definition = errors.check(
            "operational_definition",
            text(
                &self.operational_definition,
                "the operational definition",
                1,
                MAX_DEFINITION,
            ),
        );
        let unit = self.unit.as_str();
        check_rate_per(&mut errors, self.unit, self.rate_per);
        // A part that is left out is still checked as text, so that what the document states
        // of it (its length, no control characters) holds whatever the unit.
        let mut fraction_part = |field: &str, raw: &str, what: &str| {
            let fraction = self.unit.is_fraction();
            let part = errors
                .check(
                    field,
                    text(raw, what, usize::from(fraction), MAX_DEFINITION),
                )
                .unwrap_or_default();
            if !fraction && !part.is_empty() {
                errors.push(
                    field,
                    format!(
                        "Only a percentage or a rate has a {}; leave this out for a {unit}",
                        what.trim_start_matches("the ")
                    ),
                );
            }
            part
        };
        let numerator_definition = fraction_part(
            "numerator_definition",
            &self.numerator_definition,
            "the numerator",
        );
        let denominator_definition = fraction_part(
            "denominator_definition",
            &self.denominator_definition,
            "the denominator",
        );
        if self.target.is_some_and(|t| !t.is_finite()) {
            errors.push("target", "Enter the target as a number");
        }
        if self.change_idea_ids.len() > MAX_CHANGE_IDEAS {
            errors.push(
                "change_idea_ids",
                format!("Link at most {MAX_CHANGE_IDEAS} change ideas"),
            );
        }
        listed_twice(
            &mut errors,
            "change_idea_ids",
            &self.change_idea_ids,
            "change idea",
        );
        errors.finish(|| {
            Some(MeasureInput {
                name: name?,
                measure_type: self.measure_type,
                operational_definition: definition?,
                unit: self.unit,
                rate_per: self.rate_per,
                numerator_definition,
                denominator_definition,
                improvement_direction: self.improvement_direction,
                target: self.target,
                frequency: self.frequency,
                change_idea_ids: self.change_idea_ids.clone(),
            })
        })
    }
}

/// A measure of a project, with its data in date order and the dates its chart marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measure {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub measure_type: MeasureType,
    pub operational_definition: String,
    pub unit: Unit,
    pub rate_per: Option<u32>,
    pub numerator_definition: String,
    pub denominator_definition: String,
    pub improvement_direction: ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: Frequency,
    pub change_idea_ids: Vec<i64>,
    /// The data, one point per date, in date order.
    pub points: Vec<DataPoint>,
    /// Phase changes and annotations, in date order.
    pub annotations: Vec<Annotation>,
    /// Moves on with every change to the measure, its data or its annotations. Send it back as
    /// `If-Match` to change any of them.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Measure {
    /// The definition as it would be sent back to change it.
    pub fn to_input(&self) -> MeasureInput {
        MeasureInput {
            name: self.name.clone(),
            measure_type: self.measure_type,
            operational_definition: self.operational_definition.clone(),
            unit: self.unit,
            rate_per: self.rate_per,
            numerator_definition: self.numerator_definition.clone(),
            denominator_definition: self.denominator_definition.clone(),
            improvement_direction: self.improvement_direction,
            target: self.target,
            frequency: self.frequency,
            change_idea_ids: self.change_idea_ids.clone(),
        }
    }

    /// The dates where the chart's limits start again.
    /// Its data as a chart reads it: each point's date and value.
    pub fn series_points(&self) -> Vec<crate::spc::SeriesPoint> {
        self.points
            .iter()
            .map(|p| crate::spc::SeriesPoint {
                date: p.date,
                value: p.value,
            })
            .collect()
    }

    pub fn phase_change_dates(&self) -> Vec<NaiveDate> {
        self.annotations
            .iter()
            .filter(|a| a.kind == AnnotationKind::PhaseChange)
            .map(|a| a.date)
            .collect()
    }
}

/// A measure in a project's list: its definition and how much data it has, without the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureSummary {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub measure_type: MeasureType,
    pub operational_definition: String,
    pub unit: Unit,
    pub rate_per: Option<u32>,
    pub numerator_definition: String,
    pub denominator_definition: String,
    pub improvement_direction: ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: Frequency,
    pub change_idea_ids: Vec<i64>,
    /// How many data points it has (gaps included).
    pub point_count: u64,
    /// The dates of its first and latest data points.
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// What a mark on a chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// The process changed here: the SPC chart's mean and limits are worked out again from here.
    PhaseChange,
    /// Something worth knowing happened here (a new rota, a data system change).
    Annotation,
}

db_enum!(AnnotationKind);

impl AnnotationKind {
    pub const ALL: [Self; 2] = [Self::PhaseChange, Self::Annotation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PhaseChange => "phase_change",
            Self::Annotation => "annotation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const MAX_LABEL: usize = 200;

/// A phase change or an annotation, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnotationInput {
    pub date: NaiveDate,
    pub kind: AnnotationKind,
    /// What the chart shows next to the mark.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub label: String,
    /// The project's PDSA cycle this marks, if any.
    #[serde(default)]
    pub pdsa_cycle_id: Option<i64>,
}

impl AnnotationInput {
    pub fn validate(&self) -> Result<AnnotationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let label = errors.check("label", text(&self.label, "a label", 1, MAX_LABEL));
        errors.finish(|| {
            Some(AnnotationInput {
                date: self.date,
                kind: self.kind,
                label: label?,
                pdsa_cycle_id: self.pdsa_cycle_id,
            })
        })
    }
}

/// A phase change or an annotation on a measure's chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Annotation {
    pub id: i64,
    pub date: NaiveDate,
    pub kind: AnnotationKind,
    pub label: String,
    pub pdsa_cycle_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn measure(unit: Unit) -> MeasureInput {
        MeasureInput {
            name: "Falls per 1,000 bed days".into(),
            measure_type: MeasureType::Outcome,
            operational_definition: "Inpatient falls (Datix) over occupied bed days".into(),
            unit,
            rate_per: (unit == Unit::Rate).then_some(1000),
            numerator_definition: if unit.is_fraction() { "Falls" } else { "" }.into(),
            denominator_definition: if unit.is_fraction() {
                "Occupied bed days"
            } else {
                ""
            }
            .into(),
            improvement_direction: ImprovementDirection::Decrease,
            target: Some(5.0),
            frequency: Frequency::Monthly,
            change_idea_ids: vec![3, 4],
        }
    }

    fn fields(input: &MeasureInput) -> Vec<String> {
        input
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_good_measure_of_each_unit_passes_and_is_trimmed() {
        for unit in Unit::ALL {
            let mut input = measure(unit);
            input.name = "  Falls  ".into();
            assert_eq!(
                input.validate().map(|m| m.name),
                Ok("Falls".to_owned()),
                "{unit:?}"
            );
        }
    }

    #[test]
    fn a_left_out_numerator_is_still_checked_as_text() {
        // The document states its length and characters whatever the unit.
        let mut input = measure(Unit::Count);
        input.numerator_definition = " \t ".into();
        assert_eq!(fields(&input), ["numerator_definition"]);
        input.numerator_definition = " ".repeat(MAX_DEFINITION + 1);
        assert_eq!(fields(&input), ["numerator_definition"]);
        input.numerator_definition = "   ".into();
        assert_eq!(fields(&input), Vec::<String>::new());
    }

    #[test]
    fn the_unit_decides_what_else_a_measure_needs() {
        let cases: [(MeasureInput, &[&str]); 8] = [
            (
                MeasureInput {
                    rate_per: None,
                    ..measure(Unit::Rate)
                },
                &["rate_per"],
            ),
            (
                MeasureInput {
                    rate_per: Some(0),
                    ..measure(Unit::Rate)
                },
                &["rate_per"],
            ),
            (
                MeasureInput {
                    rate_per: Some(1000),
                    ..measure(Unit::Count)
                },
                &["rate_per"],
            ),
            (
                MeasureInput {
                    numerator_definition: " ".into(),
                    ..measure(Unit::Percentage)
                },
                &["numerator_definition"],
            ),
            (
                MeasureInput {
                    denominator_definition: "Bed days".into(),
                    ..measure(Unit::Time)
                },
                &["denominator_definition"],
            ),
            (
                MeasureInput {
                    name: String::new(),
                    operational_definition: String::new(),
                    ..measure(Unit::Count)
                },
                &["name", "operational_definition"],
            ),
            (
                MeasureInput {
                    target: Some(f64::NAN),
                    ..measure(Unit::Count)
                },
                &["target"],
            ),
            (
                MeasureInput {
                    change_idea_ids: vec![3, 4, 3],
                    ..measure(Unit::Count)
                },
                &["change_idea_ids[2]"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(fields(&input), expected, "{input:?}");
        }
    }

    #[test]
    fn fractions_compute_their_value() {
        assert_eq!(Unit::Percentage.value_of(None, 1.0, 4.0), Some(25.0));
        assert_eq!(Unit::Rate.value_of(Some(1000), 3.0, 1500.0), Some(2.0));
        assert_eq!(Unit::Rate.value_of(None, 3.0, 1500.0), None);
        assert_eq!(Unit::Count.value_of(None, 3.0, 1500.0), None);
    }

    #[test]
    fn wire_names_are_snake_case() {
        for unit in Unit::ALL {
            assert_eq!(Unit::parse(unit.as_str()), Some(unit));
            assert_eq!(serde_json::to_value(unit).ok(), Some(unit.as_str().into()));
        }
        for kind in AnnotationKind::ALL {
            assert_eq!(AnnotationKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(kind.as_str().into()));
        }
        for t in MeasureType::ALL {
            assert_eq!(MeasureType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).ok(), Some(t.as_str().into()));
        }
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_value(f).ok(), Some(f.as_str().into()));
        }
        assert_eq!(AnnotationKind::PhaseChange.as_str(), "phase_change");
    }

    #[test]
    fn an_annotation_needs_a_label() {
        let input = AnnotationInput {
            date: NaiveDate::MIN,
            kind: AnnotationKind::PhaseChange,
            label: " ".into(),
            pdsa_cycle_id: None,
        };
        assert!(input.validate().is_err());
        let input = AnnotationInput {
            label: "New checklist".into(),
            ..input
        };
        assert_eq!(
            input.validate().map(|a| a.label),
            Ok("New checklist".into())
        );
    }
}
