//! The board pack: the partnership's (or one organisation's) report to its board for a month,
//! read the Making Data Count way.
//!
//! One row per metric and per chosen project measure: its latest value, its target, the
//! variation and assurance icons of its last 24 months, one line of narrative the QI lead wrote,
//! and the points of its chart; then the strategy targets and their progress. The server sends
//! it as JSON, a printable HTML page, a PDF and a CSV of the table; all four are built from the
//! one [`BoardPack`] made here, from the dashboard's facts.
//!
//! Choices (also in `docs/metrics.md`):
//! - **Which metrics**: the [`HEADLINE_METRICS`] every board asks about, plus every metric with
//!   a target of the pack's scope covering its day, in the catalogue's order. The other metrics
//!   stay on the dashboard: a board paper of 38 rows is not read.
//! - **A metric's value** is the month's own figure (a stock on the month's last day, a flow
//!   over the month), the last point of its chart, so that the value, the chart, the icons and
//!   the target line all speak of the same thing. A target's progress over its whole period is
//!   in the targets section.
//! - **A measure's value** is its latest data point on or before the as-of day (measures are
//!   weekly, monthly or quarterly, so "the month's value" would often be empty).
//! - **The as-of day** is the month's last day, or today for the month in progress.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    MonthValue, SPARK_MONTHS, SeriesReading, analyse,
    catalogue::{Metric, MetricUnit, format_value},
    compute::{Period, first_of_month},
    facts::Facts,
    read_series,
    target::{TargetDefinition, progress},
};
use crate::{
    FieldErrors,
    chart::{ChartOptions, MeasureAnalysis, assurance_icon_text, fmt_num, variation_icon_text},
    spc::ImprovementDirection,
};

/// The longest narrative, in characters: one line of a board paper.
pub const MAX_NARRATIVE: usize = 300;
/// The most project measures a pack shows.
pub const MAX_MEASURES: usize = 20;
/// The months (or, for a measure, the span of its points) each row's chart and icons cover.
pub const PACK_MONTHS: u32 = SPARK_MONTHS;

/// The metrics every pack shows, targets or not: the tiers, training, the projects' outcomes,
/// involvement and sustainability, coaching and the self-sustainability index.
pub const HEADLINE_METRICS: &[Metric] = &[
    Metric::PeopleLearn,
    Metric::PeopleLive,
    Metric::PeopleLead,
    Metric::PeopleTrained,
    Metric::PlacesTaken,
    Metric::ProjectsActive,
    Metric::ProjectsCompleted,
    Metric::CompletedImproved,
    Metric::InvolvementShare,
    Metric::SustainabilityShare,
    Metric::ProjectsCoached,
    Metric::SelfSustainability,
];

wire_enum! {
    /// What a row of the pack is.
    RowKind {
        Metric => "metric", "Partnership metric";
        Measure => "measure", "Project measure";
    }
}

/// Which row a narrative belongs to: `metric:<metric id>` or `measure:<measure id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKey {
    Metric(Metric),
    Measure(i64),
}

impl RowKey {
    pub fn parse(key: &str) -> Option<Self> {
        match key.split_once(':')? {
            ("metric", id) => Metric::parse(id).map(Self::Metric),
            ("measure", id) => id.parse().ok().filter(|id| *id > 0).map(Self::Measure),
            _ => None,
        }
    }
}

impl std::fmt::Display for RowKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Metric(metric) => write!(f, "metric:{}", metric.as_str()),
            Self::Measure(id) => write!(f, "measure:{id}"),
        }
    }
}

/// A row's line of narrative, and who wrote it last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Narrative {
    pub text: String,
    pub updated_by: i64,
    pub updated_by_name: String,
    pub updated_at: DateTime<Utc>,
}

/// One row of the summary table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardRow {
    /// `metric:<metric id>` or `measure:<measure id>`: the row's narrative is saved under it.
    pub key: String,
    pub kind: RowKind,
    /// A metric's row: the metric.
    pub metric: Option<Metric>,
    /// A measure's row: the measure, and its project.
    pub measure_id: Option<i64>,
    pub project_id: Option<i64>,
    pub project_title: Option<String>,
    pub name: String,
    /// The unit, as the chart's value axis names it ("%", "count", "kg CO2e a year").
    pub unit: String,
    /// A metric: the month's figure; a measure: its latest point by the as-of day.
    pub value: Option<f64>,
    /// The value for people ("37.5%", "£3,400", "–").
    pub value_text: String,
    /// The value's date: the month's first day, or the measure's point's date.
    pub value_date: Option<NaiveDate>,
    /// The monthly figure a target implies (a metric), or the measure's own target.
    pub target: Option<f64>,
    pub target_text: String,
    pub improvement_direction: ImprovementDirection,
    /// The chart and its Making Data Count icons over the last 24 months.
    pub reading: SeriesReading,
    pub narrative: Option<Narrative>,
    /// The chart's points: a metric's months (first days), a measure's data points.
    pub points: Vec<MonthValue>,
}

impl BoardRow {
    /// The row's chart, drawn as the app draws a measure's (`None`: no data yet).
    pub fn chart(&self) -> Option<MeasureAnalysis> {
        analyse(&self.points, self.improvement_direction, self.target)
    }

    /// The chart as SVG, `width` by `height`.
    pub fn chart_svg(&self, width: u32, height: u32) -> Option<String> {
        self.chart().map(|chart| {
            chart.svg(&ChartOptions {
                title: self.name.clone(),
                unit_label: self.unit.clone(),
                target: self.target,
                annotations: Vec::new(),
                width,
                height,
            })
        })
    }

    /// The chart as SVG for a page that shows many (`index`: this chart's place on it), its
    /// element ids made unique so each chart keeps its own title and description.
    pub fn chart_svg_on_page(&self, width: u32, height: u32, index: usize) -> Option<String> {
        self.chart_svg(width, height).map(|svg| {
            svg.replace("chart-title", &format!("chart-title-{index}"))
                .replace("chart-desc", &format!("chart-desc-{index}"))
        })
    }

    /// The variation icon in words ("–" when there is none yet: fewer than 12 points).
    pub fn variation_text(&self) -> &'static str {
        self.reading.variation_icon.map_or("–", variation_icon_text)
    }

    /// The assurance icon in words ("–" without a target, or before an XmR chart).
    pub fn assurance_text(&self) -> &'static str {
        self.reading.assurance_icon.map_or("–", assurance_icon_text)
    }
}

/// A strategy target of the pack's scope and how far it has come by the as-of day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardTarget {
    pub target_id: i64,
    pub metric: Metric,
    /// How people read it ("75% of completed projects score 3.0 or more").
    pub label: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The monthly figure it implies, drawn on the metric's chart.
    pub monthly_value: f64,
    /// The figure so far, and for people.
    pub current: Option<f64>,
    pub current_text: String,
    /// What the figure should be by now on a straight line (or the target itself).
    pub expected: Option<f64>,
    pub expected_text: String,
    /// `null` before the period starts or with nothing to count.
    pub on_track: Option<bool>,
    /// "On track", "Not on track", "Met", ... for people.
    pub status: String,
    /// How the figure was judged, in a sentence.
    pub explanation: String,
}

/// A target of the pack's scope and its progress by the end of `as_of`, counted by the
/// targets' own rules (`target::progress`).
pub fn board_target(
    facts: &Facts,
    target_id: i64,
    target: &TargetDefinition,
    as_of: NaiveDate,
) -> BoardTarget {
    let progress = progress(facts, target, as_of);
    let unit = target.metric.unit();
    BoardTarget {
        target_id,
        metric: target.metric,
        label: target.label.clone(),
        period_from: target.period_from,
        period_to: target.period_to,
        monthly_value: target.monthly_value(),
        current: progress.current,
        current_text: format_value(unit, progress.current),
        expected: progress.expected,
        expected_text: format_value(unit, progress.expected),
        on_track: progress.on_track,
        status: progress.status.label().to_owned(),
        explanation: progress.explanation,
    }
}

/// The board pack for the partnership or one organisation and a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardPack {
    /// `null`: the whole partnership's pack.
    pub organisation_id: Option<i64>,
    /// The organisation's name (`null` for the partnership's pack).
    pub organisation_name: Option<String>,
    pub partnership_name: String,
    /// The month's first day.
    pub month: NaiveDate,
    /// The month's last day, or today for the month in progress: figures count what was
    /// recorded by the end of it.
    pub as_of: NaiveDate,
    /// The metrics (headline ones and those with targets, in the catalogue's order), then the
    /// chosen measures in their order.
    pub rows: Vec<BoardRow>,
    /// The scope's targets covering the as-of day, with their progress.
    pub targets: Vec<BoardTarget>,
    pub generated_at: DateTime<Utc>,
}

impl BoardPack {
    /// "Northmoor Hospitals NHS Trust" or the partnership's name.
    pub fn scope_name(&self) -> &str {
        self.organisation_name
            .as_deref()
            .unwrap_or(&self.partnership_name)
    }

    /// "May 2026".
    pub fn month_name(&self) -> String {
        self.month.format("%B %Y").to_string()
    }

    /// The file name for a download, without its extension: `board-pack-2026-05` or
    /// `board-pack-2026-05-organisation-7`.
    pub fn file_stem(&self) -> String {
        let month = self.month.format("%Y-%m");
        match self.organisation_id {
            Some(id) => format!("board-pack-{month}-organisation-{id}"),
            None => format!("board-pack-{month}"),
        }
    }
}

/// A chosen project measure, as the pack needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PackMeasure {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub name: String,
    pub unit_label: String,
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    /// Every data point, in any order.
    pub points: Vec<(NaiveDate, Option<f64>)>,
}

/// What the pack is built from besides the facts.
#[derive(Debug, Clone)]
pub struct PackInput {
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub partnership_name: String,
    pub month: NaiveDate,
    pub as_of: NaiveDate,
    pub generated_at: DateTime<Utc>,
    /// In the order chosen.
    pub measures: Vec<PackMeasure>,
    /// (row key, narrative) for the scope and month.
    pub narratives: Vec<(String, Narrative)>,
    /// The scope's targets covering the as-of day ([`board_target`]), the one that starts
    /// latest first for each metric.
    pub targets: Vec<BoardTarget>,
}

/// The first day of the month 23 months before `month`: the start of a 24-month chart.
fn chart_start(month: NaiveDate) -> NaiveDate {
    month
        .checked_sub_months(Months::new(PACK_MONTHS - 1))
        .unwrap_or(month)
}

/// A metric's unit as its chart names it.
pub fn metric_unit_label(unit: MetricUnit) -> &'static str {
    match unit {
        MetricUnit::Count => "count",
        MetricUnit::Percent => "%",
        MetricUnit::KgCo2e => "kg CO2e a year",
        MetricUnit::Pounds => "£ a year",
    }
}

/// The metrics a pack shows: the headline ones and those with targets, in the catalogue's order.
pub fn pack_metrics(targets: &[BoardTarget]) -> Vec<Metric> {
    Metric::ALL
        .iter()
        .copied()
        .filter(|m| HEADLINE_METRICS.contains(m) || targets.iter().any(|t| t.metric == *m))
        .collect()
}

/// Builds the pack from the facts (pure: the server reads the rest, see [`PackInput`]).
pub fn build(facts: &Facts, input: PackInput) -> BoardPack {
    let narrative = |key: &str| {
        input
            .narratives
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.clone())
    };
    let from = chart_start(input.month);
    let mut rows: Vec<BoardRow> = pack_metrics(&input.targets)
        .into_iter()
        .map(|metric| {
            let points: Vec<MonthValue> = facts
                .monthly(
                    metric,
                    input.organisation_id,
                    from,
                    input.month,
                    input.as_of,
                )
                .into_iter()
                .map(|(month, value)| MonthValue { month, value })
                .collect();
            let target = input
                .targets
                .iter()
                .find(|t| t.metric == metric)
                .map(|t| t.monthly_value);
            let value = points
                .iter()
                .find(|p| p.month == input.month)
                .and_then(|p| p.value);
            let key = RowKey::Metric(metric).to_string();
            BoardRow {
                kind: RowKind::Metric,
                metric: Some(metric),
                measure_id: None,
                project_id: None,
                project_title: None,
                name: metric.label().to_owned(),
                unit: metric_unit_label(metric.unit()).to_owned(),
                value,
                value_text: format_value(metric.unit(), value),
                value_date: Some(input.month),
                target,
                target_text: target
                    .map_or_else(String::new, |t| format_value(metric.unit(), Some(t))),
                improvement_direction: metric.improvement_direction(),
                reading: read_series(&points, metric.improvement_direction(), target),
                narrative: narrative(&key),
                key,
                points,
            }
        })
        .collect();
    let first_day = input
        .as_of
        .checked_sub_months(Months::new(PACK_MONTHS))
        .unwrap_or(input.as_of);
    rows.extend(input.measures.iter().map(|m| {
        let mut points: Vec<MonthValue> = m
            .points
            .iter()
            .filter(|(date, _)| *date > first_day && *date <= input.as_of)
            .map(|(month, value)| MonthValue {
                month: *month,
                value: *value,
            })
            .collect();
        points.sort_by_key(|p| p.month);
        let latest = points.iter().rev().find(|p| p.value.is_some());
        let value = latest.and_then(|p| p.value);
        let key = RowKey::Measure(m.id).to_string();
        BoardRow {
            kind: RowKind::Measure,
            metric: None,
            measure_id: Some(m.id),
            project_id: Some(m.project_id),
            project_title: Some(m.project_title.clone()),
            name: m.name.clone(),
            unit: m.unit_label.clone(),
            value,
            value_text: measure_value(value, &m.unit_label),
            value_date: latest.map(|p| p.month),
            target: m.target,
            target_text: m
                .target
                .map_or_else(String::new, |t| measure_value(Some(t), &m.unit_label)),
            improvement_direction: m.direction,
            reading: read_series(&points, m.direction, m.target),
            narrative: narrative(&key),
            key,
            points,
        }
    }));
    BoardPack {
        organisation_id: input.organisation_id,
        organisation_name: input.organisation_name,
        partnership_name: input.partnership_name,
        month: input.month,
        as_of: input.as_of,
        rows,
        targets: input.targets,
        generated_at: input.generated_at,
    }
}

fn measure_value(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if unit == "%" => format!("{}%", fmt_num(v)),
        Some(v) => fmt_num(v),
    }
}

/// The month asked for as `YYYY-MM`, not in the future; the last complete month when left out.
/// Gives the month's first day and the pack's as-of day.
pub fn parse_month(
    month: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), String> {
    let this_month = first_of_month(today);
    let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
        None => this_month
            .checked_sub_months(Months::new(1))
            .unwrap_or(this_month),
        Some(text) => {
            let parsed = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
                .ok()
                .filter(|_| text.len() == 7)
                .ok_or_else(|| "Give the month as YYYY-MM, for example 2026-05".to_owned())?;
            if parsed > this_month {
                return Err("Choose a month that is not in the future".to_owned());
            }
            if parsed.year() < 2000 {
                return Err("Choose a month from 2000 on".to_owned());
            }
            parsed
        }
    };
    let as_of = Period::month_of(month).to.min(today);
    Ok((month, as_of))
}

/// `?organisation_id=7&month=2026-05`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BoardPackQuery {
    /// One organisation's pack; the partnership's when left out.
    pub organisation_id: Option<i64>,
    /// The month, `YYYY-MM`, not in the future; the last complete month when left out.
    pub month: Option<String>,
}

/// A checked [`BoardPackQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidBoardPackQuery {
    pub organisation_id: Option<i64>,
    /// The month's first day.
    pub month: NaiveDate,
    pub as_of: NaiveDate,
}

impl BoardPackQuery {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidBoardPackQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let parsed = errors.check("month", parse_month(self.month.as_deref(), today));
        errors.finish(|| {
            parsed.map(|(month, as_of)| ValidBoardPackQuery {
                organisation_id: self.organisation_id,
                month,
                as_of,
            })
        })
    }
}

/// One row's narrative as sent: empty text removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NarrativeInput {
    /// The row's key: `metric:<metric id>` or `measure:<measure id>`.
    pub row: String,
    /// One line, up to 300 characters; empty to remove the row's narrative.
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub text: String,
}

/// `PUT /dashboard/board-pack/narratives`: some rows' narratives for a scope and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NarrativesInput {
    /// `null` (or left out): the partnership's pack.
    #[serde(default)]
    pub organisation_id: Option<i64>,
    /// The month, `YYYY-MM`, not in the future.
    pub month: String,
    /// Up to 100 rows.
    pub narratives: Vec<NarrativeInput>,
}

/// A checked [`NarrativesInput`]: (row key, text or `None` to remove).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNarratives {
    pub organisation_id: Option<i64>,
    pub month: NaiveDate,
    pub narratives: Vec<(RowKey, Option<String>)>,
}

impl NarrativesInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidNarratives, FieldErrors> {
        let mut errors = FieldErrors::new();
        let month = errors.check("month", parse_month(Some(&self.month), today));
        if self.narratives.is_empty() {
            errors.push("narratives", "Send at least one narrative");
        }
        if self.narratives.len() > 100 {
            errors.push("narratives", "Send at most 100 narratives at once");
        }
        let mut narratives = Vec::new();
        for (i, n) in self.narratives.iter().enumerate() {
            let key = RowKey::parse(n.row.trim());
            if key.is_none() {
                errors.push(
                    format!("narratives[{i}].row"),
                    "Name the row as metric:<metric id> or measure:<measure id>",
                );
            }
            let text = errors.check(
                &format!("narratives[{i}].text"),
                crate::validation::text(&n.text, "the narrative", 0, MAX_NARRATIVE),
            );
            if let (Some(key), Some(text)) = (key, text) {
                narratives.push((key, Some(text).filter(|t| !t.is_empty())));
            }
        }
        errors.finish(|| {
            month.map(|(month, _)| ValidNarratives {
                organisation_id: self.organisation_id,
                month,
                narratives,
            })
        })
    }
}

/// `PUT /dashboard/board-pack/measures`: the project measures a scope's pack shows, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackMeasuresInput {
    /// `null` (or left out): the partnership's pack.
    #[serde(default)]
    pub organisation_id: Option<i64>,
    /// Up to 20 measures of projects everyone in the partnership may see (visibility
    /// `partnership` or `public`), each once, in the order to show.
    pub measure_ids: Vec<i64>,
}

impl PackMeasuresInput {
    /// The list's own rules (the server checks each measure's project).
    pub fn validate(&self) -> Result<Vec<i64>, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.measure_ids.len() > MAX_MEASURES {
            errors.push("measure_ids", "Choose at most 20 measures");
        }
        let mut seen = std::collections::HashSet::new();
        if self.measure_ids.iter().any(|id| !seen.insert(*id)) {
            errors.push("measure_ids", "Choose each measure once");
        }
        errors.finish(|| Some(self.measure_ids.clone()))
    }
}

/// The measures chosen for a scope's pack, as `PUT /dashboard/board-pack/measures` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackMeasures {
    pub organisation_id: Option<i64>,
    pub measure_ids: Vec<i64>,
}

/// A measure that may be chosen for a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureChoice {
    pub measure_id: i64,
    pub name: String,
    pub project_id: i64,
    pub project_title: String,
}

/// The measures a scope's pack shows and those that may be chosen, as
/// `GET /dashboard/board-pack/measures` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureChoices {
    pub organisation_id: Option<i64>,
    /// In the pack's order.
    pub chosen: Vec<i64>,
    /// Measures of projects shared with the whole partnership (for an organisation's pack, the
    /// projects it leads or partners), by project title then name; at most 500.
    pub candidates: Vec<MeasureChoice>,
}

/// `?organisation_id=7`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ScopeQuery {
    /// One organisation's pack; the partnership's when left out.
    pub organisation_id: Option<i64>,
}

/// The summary table as CSV: UTF-8 with a byte order mark (so spreadsheets read "£" and "–"
/// right), and every cell that a spreadsheet would read as a formula made text.
pub fn csv(pack: &BoardPack) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "Kind",
        "Name",
        "Project",
        "Date",
        "Value",
        "Unit",
        "Target",
        "Variation",
        "Assurance",
        "Narrative",
    ];
    let mut rows = vec![header.map(str::to_owned).to_vec()];
    rows.extend(pack.rows.iter().map(|row| {
        vec![
            row.kind.label().to_owned(),
            row.name.clone(),
            row.project_title.clone().unwrap_or_default(),
            row.value_date.map(|d| d.to_string()).unwrap_or_default(),
            row.value_text.clone(),
            row.unit.clone(),
            row.target_text.clone(),
            row.variation_text().to_owned(),
            row.assurance_text().to_owned(),
            row.narrative
                .as_ref()
                .map(|n| n.text.clone())
                .unwrap_or_default(),
        ]
    }));
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(row.iter().map(|cell| neutralise(cell)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading apostrophe, so it is shown as text (OWASP's advice).
pub fn neutralise(cell: &str) -> String {
    crate::export::csv_text(cell).into_owned()
}

#[cfg(test)]
mod tests;
