//! Programmes: a named piece of work across the partnership ("Reducing inpatient falls across
//! the system") that groups projects of several organisations, with its own aim, lead and
//! measures.
//!
//! A programme's measure is the system's figure built from the like measures of its projects:
//! the falls rate of each ward's project pooled into the system's falls rate. Only figures that
//! add up across sites are combined ([`combine`]):
//! - a percentage or a rate pools the numerators and the denominators of the sites that report
//!   in a period (the system's rate, not an average of the sites' rates, so a small site weighs
//!   as little as it should);
//! - a count adds up the sites' counts, and only in a period every site reports: a sum over a
//!   changing set of sites would step up as sites join, and the chart would show that as
//!   special cause variation when nothing in the process changed.
//!
//! A time or a score cannot be added up or pooled without each value's weight, so a programme
//! has no measure of them (a programme lead charts them per project instead).

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    measure::{
        DataPoint, Frequency, ImprovementDirection, Measure, MeasureSummary, Unit, check_rate_per,
    },
    page::{Listed, Page},
    project::{OrganisationRef, ProjectSummary},
    validation::{listed_twice, paragraphs, text},
};

pub const MAX_NAME: usize = 200;
pub const MAX_AIM: usize = 2000;
pub const MAX_DESCRIPTION: usize = 4000;
/// Projects in one programme (a system-wide collaborative has tens).
pub const MAX_PROJECTS: usize = 200;
/// Measures of one programme.
pub const MAX_MEASURES: usize = 20;
/// Projects' measures pooled into one programme measure.
pub const MAX_SOURCES: usize = 200;

wire_enum! {
    /// Whether a programme is running.
    ProgrammeStatus {
        Active => "active", "Active";
        Closed => "closed", "Closed";
    }
}

/// A programme's details and its projects, as sent to create one or to replace them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeInput {
    /// 1 to 200 characters, not already used by another programme.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// What the programme will achieve, by how much, by when (1 to 2,000 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub aim: String,
    /// Background, scope and how sites join (at most 4,000 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub description: String,
    /// The person who leads it: an active person of a partner organisation, whose organisation
    /// leads the programme.
    pub lead_person_id: i64,
    pub status: ProgrammeStatus,
    pub started_on: NaiveDate,
    /// Its projects, each one whose visibility is the partnership or the public (a programme is
    /// the whole partnership's), at most 200. Projects already in it that you may not see stay
    /// in it.
    #[serde(default)]
    pub project_ids: Vec<i64>,
}

impl ProgrammeInput {
    /// Checks the fields, trimmed; the server also checks that the lead and the projects exist.
    pub fn validate(&self) -> Result<ProgrammeInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_NAME));
        let aim = errors.check("aim", paragraphs(&self.aim, "The aim", MAX_AIM));
        if aim.as_deref().is_some_and(str::is_empty) {
            errors.push("aim", "Enter the programme's aim");
        }
        let description = errors.check(
            "description",
            paragraphs(&self.description, "The description", MAX_DESCRIPTION),
        );
        if self.project_ids.len() > MAX_PROJECTS {
            errors.push(
                "project_ids",
                format!("A programme has at most {MAX_PROJECTS} projects"),
            );
        }
        listed_twice(&mut errors, "project_ids", &self.project_ids, "project");
        errors.finish(|| {
            Some(ProgrammeInput {
                name: name?,
                aim: aim.filter(|a| !a.is_empty())?,
                description: description?,
                lead_person_id: self.lead_person_id,
                status: self.status,
                started_on: self.started_on,
                project_ids: self.project_ids.clone(),
            })
        })
    }
}

/// A programme measure's definition and the projects' measures it pools, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeMeasureInput {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// What is counted across the sites, and how (at most 4,000 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub definition: String,
    /// A count, a percentage or a rate: the figures that add up across sites.
    pub unit: Unit,
    /// For a rate only, and then required: as its projects' measures.
    #[serde(default)]
    pub rate_per: Option<u32>,
    pub improvement_direction: ImprovementDirection,
    #[serde(default)]
    pub target: Option<f64>,
    pub frequency: Frequency,
    /// The projects' measures it pools: each of a project in the programme, with the same unit
    /// (and for a rate the same `rate_per`) and frequency; 1 to 200. Ones of projects you may
    /// not see stay in it.
    pub source_measure_ids: Vec<i64>,
}

impl ProgrammeMeasureInput {
    /// Checks the fields, trimmed; [`source_mismatch`] checks each measure pooled.
    pub fn validate(&self) -> Result<ProgrammeMeasureInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_NAME));
        let definition = errors.check(
            "definition",
            paragraphs(&self.definition, "The definition", MAX_DESCRIPTION),
        );
        if !adds_up(self.unit) {
            errors.push(
                "unit",
                "Only a count, a percentage or a rate adds up across sites: chart a time or a \
                 score on each project instead",
            );
        }
        check_rate_per(&mut errors, self.unit, self.rate_per);
        if self.target.is_some_and(|t| !t.is_finite()) {
            errors.push("target", "Enter the target as a number");
        }
        if self.source_measure_ids.is_empty() {
            errors.push(
                "source_measure_ids",
                "Choose the projects' measures it pools: at least one",
            );
        } else if self.source_measure_ids.len() > MAX_SOURCES {
            errors.push(
                "source_measure_ids",
                format!("A programme measure pools at most {MAX_SOURCES} measures"),
            );
        }
        listed_twice(
            &mut errors,
            "source_measure_ids",
            &self.source_measure_ids,
            "measure",
        );
        errors.finish(|| {
            Some(ProgrammeMeasureInput {
                name: name?,
                definition: definition?,
                unit: self.unit,
                rate_per: self.rate_per,
                improvement_direction: self.improvement_direction,
                target: self.target,
                frequency: self.frequency,
                source_measure_ids: self.source_measure_ids.clone(),
            })
        })
    }

    /// Why a project's measure can't be pooled into this one, if it can't.
    pub fn source_mismatch<'a>(&self, source: impl Into<Source<'a>>) -> Option<String> {
        let source = source.into();
        if source.unit != self.unit {
            return Some(format!(
                "\"{}\" is a {}, not a {}",
                source.name,
                source.unit.as_str(),
                self.unit.as_str()
            ));
        }
        if self.unit == Unit::Rate && source.rate_per != self.rate_per {
            return Some(format!(
                "\"{}\" is per {}, not per {}",
                source.name,
                source.rate_per.unwrap_or(1),
                self.rate_per.unwrap_or(1)
            ));
        }
        if source.frequency != self.frequency {
            return Some(format!(
                "\"{}\" is collected {}, not {}",
                source.name,
                source.frequency.as_str(),
                self.frequency.as_str()
            ));
        }
        None
    }
}

/// What decides whether a project's measure pools into a programme measure.
pub struct Source<'a> {
    pub name: &'a str,
    pub unit: Unit,
    pub rate_per: Option<u32>,
    pub frequency: Frequency,
}

impl<'a> From<&'a Measure> for Source<'a> {
    fn from(m: &'a Measure) -> Self {
        Source {
            name: &m.name,
            unit: m.unit,
            rate_per: m.rate_per,
            frequency: m.frequency,
        }
    }
}

impl<'a> From<&'a MeasureSummary> for Source<'a> {
    fn from(m: &'a MeasureSummary) -> Self {
        Source {
            name: &m.name,
            unit: m.unit,
            rate_per: m.rate_per,
            frequency: m.frequency,
        }
    }
}

/// Whether values of this unit can be combined across sites.
pub fn adds_up(unit: Unit) -> bool {
    matches!(unit, Unit::Count | Unit::Percentage | Unit::Rate)
}

/// The first day of the period of `frequency` that holds `day`: the day itself, its week's
/// Monday, its month's first, its quarter's first. Sites date a period's data differently (the
/// first or the last of the month), so points are pooled by period, not by date.
pub fn period_start(day: NaiveDate, frequency: Frequency) -> NaiveDate {
    match frequency {
        Frequency::Daily => day,
        Frequency::Weekly => day
            .checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
            .unwrap_or(day),
        Frequency::Monthly => day.with_day(1).unwrap_or(day),
        Frequency::Quarterly => {
            let month = (day.month0() / 3) * 3 + 1;
            NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
        }
    }
}

/// One period of a programme measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CombinedPoint {
    /// The period's first day.
    pub date: NaiveDate,
    pub value: f64,
    /// For a percentage or a rate: the pooled numerator and denominator.
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// How many of the pooled measures have data in this period.
    pub reporting: u32,
}

/// A programme measure's data: its periods, and how many periods are left out because too few
/// sites reported (a count needs them all).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Combined {
    pub points: Vec<CombinedPoint>,
    pub left_out: u32,
}

/// The programme's figure in each period from its sites' data (`sources`, each one measure's
/// points), by the rules in this module's comment. A percentage or a rate takes only points
/// that give a numerator and a positive denominator.
pub fn combine(
    unit: Unit,
    rate_per: Option<u32>,
    frequency: Frequency,
    sources: &[&[DataPoint]],
) -> Combined {
    use std::collections::BTreeMap;
    // Per period: the sum of the numerators (or counts), of the denominators, and which
    // sources reported.
    let mut periods: BTreeMap<NaiveDate, (f64, f64, Vec<usize>)> = BTreeMap::new();
    for (i, points) in sources.iter().enumerate() {
        for point in points.iter() {
            let (top, bottom) = if unit.is_fraction() {
                match (point.numerator, point.denominator) {
                    (Some(n), Some(d)) if d > 0.0 && n.is_finite() && d.is_finite() => (n, d),
                    _ => continue,
                }
            } else {
                match point.value {
                    Some(v) if v.is_finite() => (v, 0.0),
                    _ => continue,
                }
            };
            let entry = periods
                .entry(period_start(point.date, frequency))
                .or_insert_with(|| (0.0, 0.0, Vec::new()));
            entry.0 += top;
            entry.1 += bottom;
            if !entry.2.contains(&i) {
                entry.2.push(i);
            }
        }
    }
    let mut combined = Combined::default();
    for (date, (top, bottom, reported)) in periods {
        let reporting = u32::try_from(reported.len()).unwrap_or(u32::MAX);
        let point = if unit.is_fraction() {
            unit.value_of(rate_per, top, bottom)
                .map(|value| CombinedPoint {
                    date,
                    value,
                    numerator: Some(top),
                    denominator: Some(bottom),
                    reporting,
                })
        } else if reported.len() == sources.len() {
            Some(CombinedPoint {
                date,
                value: top,
                numerator: None,
                denominator: None,
                reporting,
            })
        } else {
            None
        };
        match point {
            Some(point) => combined.points.push(point),
            None => combined.left_out += 1,
        }
    }
    combined
}

/// A project's measure pooled into a programme measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureSource {
    pub measure_id: i64,
    pub name: String,
    pub project_id: i64,
    pub project_title: String,
    pub organisation: OrganisationRef,
}

/// A programme measure, with the system's figure in each period from the measures it pools
/// that you may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeMeasure {
    pub id: i64,
    pub name: String,
    pub definition: String,
    pub unit: Unit,
    pub rate_per: Option<u32>,
    pub improvement_direction: ImprovementDirection,
    pub target: Option<f64>,
    pub frequency: Frequency,
    /// The measures pooled that you may see.
    pub sources: Vec<MeasureSource>,
    /// Pooled from `sources`, in date order.
    pub points: Vec<CombinedPoint>,
    /// Periods left out: for a count, those not every site reported.
    pub left_out: u32,
}

/// The programme's lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeLead {
    pub id: i64,
    pub name: String,
}

/// A programme as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeSummary {
    pub id: i64,
    pub name: String,
    pub aim: String,
    pub status: ProgrammeStatus,
    pub started_on: NaiveDate,
    pub lead: ProgrammeLead,
    pub lead_organisation: OrganisationRef,
    /// Its projects you may see.
    pub project_count: u64,
    /// The lead organisations of those projects.
    pub organisation_count: u64,
    pub measure_count: u64,
    pub updated_at: DateTime<Utc>,
}

/// One page of programmes.
pub type ProgrammePage = Page<ProgrammeSummary>;

impl Listed for ProgrammeSummary {
    const PAGE: &'static str = "ProgrammePage";
    const PAGE_DESCRIPTION: &'static str = "One page of programmes.";
}

/// A programme: its details, its projects you may see with their scores and spread, and its
/// measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub aim: String,
    pub description: String,
    pub status: ProgrammeStatus,
    pub started_on: NaiveDate,
    pub lead: ProgrammeLead,
    pub lead_organisation: OrganisationRef,
    /// Its projects you may see, by title.
    pub projects: Vec<ProjectSummary>,
    pub measures: Vec<ProgrammeMeasure>,
    /// Whether you may change it: its lead, its lead organisation's admins, partnership admins.
    pub may_manage: bool,
    /// Send it back as `If-Match` to change the programme.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Programme {
    /// Its details as they would be sent back to change them, with the projects you see.
    pub fn to_input(&self) -> ProgrammeInput {
        ProgrammeInput {
            name: self.name.clone(),
            aim: self.aim.clone(),
            description: self.description.clone(),
            lead_person_id: self.lead.id,
            status: self.status,
            started_on: self.started_on,
            project_ids: self.projects.iter().map(|p| p.id).collect(),
        }
    }
}

/// Filters and page of the programmes list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ProgrammeQuery {
    /// Words in the name (at most 200 characters).
    pub q: Option<String>,
    pub status: Option<ProgrammeStatus>,
    /// Only the programmes this project (one you may see) is part of.
    pub project_id: Option<i64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

impl ProgrammeQuery {
    /// The words to find, trimmed (`None`: all).
    pub fn validate(&self) -> Result<Option<String>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let q = self
            .q
            .as_deref()
            .and_then(|q| errors.check("q", text(q, "the words", 0, MAX_NAME)))
            .filter(|q| !q.is_empty());
        errors.finish(|| Some(q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn point(date: NaiveDate, value: Option<f64>, fraction: Option<(f64, f64)>) -> DataPoint {
        DataPoint {
            id: 0,
            date,
            value,
            numerator: fraction.map(|f| f.0),
            denominator: fraction.map(|f| f.1),
            note: String::new(),
        }
    }

    #[test]
    fn periods_start_on_their_first_day() {
        let wednesday = day(2026, 12, 9);
        assert_eq!(period_start(wednesday, Frequency::Daily), wednesday);
        assert_eq!(period_start(wednesday, Frequency::Weekly), day(2026, 12, 7));
        assert_eq!(
            period_start(wednesday, Frequency::Monthly),
            day(2026, 12, 1)
        );
        assert_eq!(
            period_start(wednesday, Frequency::Quarterly),
            day(2026, 10, 1)
        );
        assert_eq!(
            period_start(day(2026, 3, 31), Frequency::Quarterly),
            day(2026, 1, 1)
        );
    }

    #[test]
    fn a_rate_pools_numerators_and_denominators_not_the_sites_rates() {
        // A small ward with a high rate and a big one with a low rate: the system's rate is
        // 12 falls in 4,000 bed days (3 per 1,000), not the mean of 10 and 2 (6).
        let small = [point(day(2026, 1, 1), Some(10.0), Some((5.0, 500.0)))];
        let big = [point(day(2026, 1, 31), Some(2.0), Some((7.0, 3500.0)))];
        let combined = combine(Unit::Rate, Some(1000), Frequency::Monthly, &[&small, &big]);
        assert_eq!(combined.left_out, 0);
        assert_eq!(combined.points.len(), 1);
        let p = &combined.points[0];
        assert_eq!(p.date, day(2026, 1, 1));
        assert!((p.value - 3.0).abs() < 1e-9);
        assert_eq!(
            (p.numerator, p.denominator, p.reporting),
            (Some(12.0), Some(4000.0), 2)
        );
    }

    #[test]
    fn a_fraction_pools_the_sites_that_report_and_skips_points_without_parts() {
        let a = [
            point(day(2026, 1, 1), Some(50.0), Some((5.0, 10.0))),
            point(day(2026, 2, 1), Some(60.0), None),
        ];
        let b = [point(day(2026, 2, 1), Some(25.0), Some((1.0, 4.0)))];
        let combined = combine(Unit::Percentage, None, Frequency::Monthly, &[&a, &b]);
        let values: Vec<(NaiveDate, f64, u32)> = combined
            .points
            .iter()
            .map(|p| (p.date, p.value, p.reporting))
            .collect();
        assert_eq!(
            values,
            vec![(day(2026, 1, 1), 50.0, 1), (day(2026, 2, 1), 25.0, 1)]
        );
    }

    #[test]
    fn a_count_adds_up_only_the_periods_every_site_reports() {
        let a = [
            point(day(2026, 1, 1), Some(3.0), None),
            point(day(2026, 2, 1), Some(4.0), None),
        ];
        let b = [
            point(day(2026, 2, 3), Some(5.0), None),
            point(day(2026, 3, 1), None, None),
        ];
        let combined = combine(Unit::Count, None, Frequency::Monthly, &[&a, &b]);
        assert_eq!(combined.points.len(), 1);
        assert_eq!(combined.points[0].value, 9.0);
        assert_eq!(combined.points[0].reporting, 2);
        // January (only a) is left out; March has no value at all, so is no period.
        assert_eq!(combined.left_out, 1);
    }

    #[test]
    fn input_is_checked_field_by_field() {
        let input = ProgrammeMeasureInput {
            name: " ".into(),
            definition: String::new(),
            unit: Unit::Time,
            rate_per: Some(100),
            improvement_direction: ImprovementDirection::Decrease,
            target: Some(f64::NAN),
            frequency: Frequency::Monthly,
            source_measure_ids: vec![1, 1],
        };
        let errors = input.validate().err().unwrap_or_default();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "unit",
                "rate_per",
                "target",
                "source_measure_ids[1]"
            ]
        );
        let programme = ProgrammeInput {
            name: "Falls".into(),
            aim: "  ".into(),
            description: String::new(),
            lead_person_id: 1,
            status: ProgrammeStatus::Active,
            started_on: day(2026, 1, 1),
            project_ids: vec![3, 4, 3],
        };
        let errors = programme.validate().err().unwrap_or_default();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["aim", "project_ids[2]"]);
    }

    #[test]
    fn a_source_must_match_unit_rate_and_frequency() {
        let input = ProgrammeMeasureInput {
            name: "System falls rate".into(),
            definition: String::new(),
            unit: Unit::Rate,
            rate_per: Some(1000),
            improvement_direction: ImprovementDirection::Decrease,
            target: None,
            frequency: Frequency::Monthly,
            source_measure_ids: vec![1],
        };
        let mut source = Measure {
            id: 1,
            project_id: 1,
            name: "Falls per 1,000 bed days".into(),
            measure_type: crate::measure::MeasureType::Outcome,
            operational_definition: String::new(),
            unit: Unit::Rate,
            rate_per: Some(1000),
            numerator_definition: String::new(),
            denominator_definition: String::new(),
            improvement_direction: ImprovementDirection::Decrease,
            target: None,
            frequency: Frequency::Monthly,
            change_idea_ids: Vec::new(),
            points: Vec::new(),
            annotations: Vec::new(),
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(input.source_mismatch(&source), None);
        source.rate_per = Some(100);
        assert_eq!(
            input.source_mismatch(&source).as_deref(),
            Some("\"Falls per 1,000 bed days\" is per 100, not per 1000")
        );
        source.rate_per = Some(1000);
        source.frequency = Frequency::Weekly;
        assert!(input.source_mismatch(&source).is_some());
    }
}
