//! The partnership's own measures: the catalogue of metrics, the facts they are counted from,
//! the counting, and what the dashboard and its API send.
//!
//! - [`catalogue`]: every metric, defined once (name, plain-English definition, unit, how it is
//!   counted, which way is better).
//! - [`facts`]: the dated facts the server reads; [`compute`]: counting them for the partnership
//!   or one organisation, over any period, as of any day.
//! - [`MetricSeries::analyse`]: a metric's monthly series read the way the partnership teaches
//!   its staff to read data: a run chart under 12 months, an XmR chart from then on.

pub mod board_pack;
pub mod breakdown;
pub mod catalogue;
mod compute;
pub mod facts;
mod prepared;
pub mod target;
#[cfg(test)]
mod tests;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub use breakdown::{
    BREAKDOWN_METRICS, Breakdown, BreakdownBy, BreakdownQuery, BreakdownRow, breakdown,
};
pub use catalogue::{
    Counting, Metric, MetricDefinition, MetricGroup, MetricUnit, catalogue, format_value,
};
pub use compute::{Members, Period, Scope, first_of_month, months};
pub use facts::Facts;
pub use target::{Comparator, Target, TargetInput, TargetProgress};

use crate::{
    FieldErrors,
    chart::{MeasureAnalysis, MeasureData},
    spc::{AssuranceIcon, VariationIcon},
};

/// The most months a series covers (ten years).
pub const MAX_MONTHS: usize = 120;
/// The months a series covers when `from` is left out.
pub const DEFAULT_MONTHS: u32 = 36;
/// The months the dashboard's small charts show.
pub const SPARK_MONTHS: u32 = 24;

/// One month's figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthValue {
    /// The month's first day.
    pub month: NaiveDate,
    /// `null`: nothing to count (a share of nothing).
    pub value: Option<f64>,
}

/// How a monthly series reads: which chart, and the Making Data Count icons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesReading {
    /// `xmr` from 12 months with a value, `run` before.
    pub chart: SeriesChart,
    /// The latest month's variation (XmR only).
    pub variation_icon: Option<VariationIcon>,
    /// Whether the target will be met (XmR with a target only).
    pub assurance_icon: Option<AssuranceIcon>,
}

wire_enum! {
    SeriesChart {
        Xmr => "xmr", "XmR chart";
        Run => "run", "Run chart";
        None => "none", "No data yet";
    }
}

/// A metric's monthly series, as `GET /dashboard/metrics/{metric}` sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricSeries {
    pub definition: MetricDefinition,
    /// `null`: the whole partnership.
    pub organisation_id: Option<i64>,
    pub as_of: NaiveDate,
    /// Stock: the figure on the month's last day (or `as_of`); flow: the month's count.
    pub months: Vec<MonthValue>,
    /// The headline figure: a stock on `as_of`, a flow over the year to `as_of`.
    pub headline: Option<f64>,
    /// The monthly figure a target of this metric implies, drawn on the chart.
    pub target: Option<f64>,
    pub reading: SeriesReading,
}

impl MetricSeries {
    /// The chart of the months, as a measure's chart would be drawn.
    pub fn analyse(&self) -> Option<MeasureAnalysis> {
        analyse(
            &self.months,
            self.definition.improvement_direction,
            self.target,
        )
    }
}

fn analyse(
    months: &[MonthValue],
    direction: crate::spc::ImprovementDirection,
    target: Option<f64>,
) -> Option<MeasureAnalysis> {
    let points: Vec<_> = months.iter().map(|m| (m.month, m.value)).collect();
    let data = MeasureData {
        direction,
        target,
        points: &points,
        annotations: &[],
    };
    let series = data.series()?;
    if series.values().iter().all(Option::is_none) {
        return None;
    }
    Some(data.analyse(&series, None))
}

/// Reads a monthly series (see [`SeriesReading`]).
pub fn read_series(
    months: &[MonthValue],
    direction: crate::spc::ImprovementDirection,
    target: Option<f64>,
) -> SeriesReading {
    match analyse(months, direction, target) {
        None => SeriesReading {
            chart: SeriesChart::None,
            variation_icon: None,
            assurance_icon: None,
        },
        Some(MeasureAnalysis::Run(_)) => SeriesReading {
            chart: SeriesChart::Run,
            variation_icon: None,
            assurance_icon: None,
        },
        Some(MeasureAnalysis::Xmr(xmr)) => SeriesReading {
            chart: SeriesChart::Xmr,
            variation_icon: Some(xmr.variation_icon),
            assurance_icon: xmr.assurance_icon,
        },
    }
}

/// Builds a series from the facts.
pub fn series(
    facts: &Facts,
    metric: Metric,
    organisation_id: Option<i64>,
    (from, to): (NaiveDate, NaiveDate),
    as_of: NaiveDate,
    target: Option<f64>,
) -> MetricSeries {
    let months: Vec<MonthValue> = facts
        .monthly(
            metric,
            organisation_id,
            from.max(facts.first_month(from)),
            to,
            as_of,
        )
        .into_iter()
        .map(|(month, value)| MonthValue { month, value })
        .collect();
    let reading = read_series(&months, metric.improvement_direction(), target);
    MetricSeries {
        definition: metric.definition_entry(),
        organisation_id,
        as_of,
        headline: facts.headline(metric, organisation_id, as_of),
        months,
        target,
        reading,
    }
}

/// `?organisation_id=7&from=2024-01-01&to=2026-12-31&as_of=2026-06-30`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SeriesQuery {
    /// One organisation's figures; the partnership's when left out.
    pub organisation_id: Option<i64>,
    /// The first month (any day in it); 36 months before `to` when left out.
    pub from: Option<NaiveDate>,
    /// The last month (any day in it); `as_of`'s month when left out.
    pub to: Option<NaiveDate>,
    /// Count only what was recorded by the end of this day; today when left out.
    pub as_of: Option<NaiveDate>,
}

/// A checked [`SeriesQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidSeriesQuery {
    pub organisation_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
}

impl SeriesQuery {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidSeriesQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let as_of = self.as_of.unwrap_or(today);
        if as_of > today {
            errors.push("as_of", "Choose a day that is not in the future");
        }
        let to = first_of_month(self.to.unwrap_or(as_of));
        let from = first_of_month(self.from.unwrap_or_else(|| {
            to.checked_sub_months(Months::new(DEFAULT_MONTHS - 1))
                .unwrap_or(to)
        }));
        if from > to {
            errors.push("from", "Choose a first month no later than the last");
        } else if months(from, to).len() > MAX_MONTHS {
            errors.push("from", "Choose at most 120 months");
        }
        errors.finish(|| {
            Some(ValidSeriesQuery {
                organisation_id: self.organisation_id,
                from,
                to,
                as_of,
            })
        })
    }
}

/// `?organisation_id=7&as_of=2026-06-30`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DashboardQuery {
    /// One organisation's figures; the partnership's when left out.
    pub organisation_id: Option<i64>,
    /// Count only what was recorded by the end of this day; today when left out.
    pub as_of: Option<NaiveDate>,
}

impl DashboardQuery {
    pub fn day(&self, today: NaiveDate) -> Result<NaiveDate, FieldErrors> {
        let as_of = self.as_of.unwrap_or(today);
        if as_of > today {
            let mut errors = FieldErrors::new();
            errors.push("as_of", "Choose a day that is not in the future");
            return Err(errors);
        }
        Ok(as_of)
    }
}

/// One metric on the dashboard: the headline figure and the last 24 months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricSummary {
    pub metric: Metric,
    /// A stock on `as_of`; a flow over the year to `as_of`.
    pub headline: Option<f64>,
    pub months: Vec<MonthValue>,
    pub reading: SeriesReading,
}

/// The dashboard: every metric for the partnership or one organisation, as of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub organisation_id: Option<i64>,
    pub as_of: NaiveDate,
    /// The catalogue, in order (so a client needs no second request).
    pub definitions: Vec<MetricDefinition>,
    /// In the catalogue's order.
    pub metrics: Vec<MetricSummary>,
    /// The parts of the self-sustainability index over the year to `as_of`, each 0 to 100.
    pub self_sustainability_parts: Vec<IndexPart>,
}

/// One part of the self-sustainability index.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexPart {
    pub metric: Metric,
    /// Its contribution, from 0 to 100; `null` where there is nothing to count yet.
    pub score: Option<f64>,
}

/// Builds the dashboard from the facts.
pub fn dashboard(facts: &Facts, organisation_id: Option<i64>, as_of: NaiveDate) -> Dashboard {
    let to = first_of_month(as_of);
    let from = to
        .checked_sub_months(Months::new(SPARK_MONTHS - 1))
        .unwrap_or(to);
    let metrics = Metric::ALL
        .iter()
        .map(|metric| {
            let months: Vec<MonthValue> = facts
                .monthly(
                    *metric,
                    organisation_id,
                    from.max(facts.first_month(from)),
                    to,
                    as_of,
                )
                .into_iter()
                .map(|(month, value)| MonthValue { month, value })
                .collect();
            MetricSummary {
                metric: *metric,
                headline: facts.headline(*metric, organisation_id, as_of),
                reading: read_series(&months, metric.improvement_direction(), None),
                months,
            }
        })
        .collect();
    let (parts, _) = facts.self_sustainability(organisation_id, Period::year_to(as_of));
    Dashboard {
        organisation_id,
        as_of,
        definitions: catalogue(),
        metrics,
        self_sustainability_parts: parts
            .iter()
            .map(|(metric, score)| IndexPart {
                metric: *metric,
                score: *score,
            })
            .collect(),
    }
}

/// One organisation's headline figures, for the comparison table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparisonRow {
    /// `null`: the partnership's total.
    pub organisation_id: Option<i64>,
    pub organisation_name: String,
    /// In the catalogue's order: a stock on `as_of`, a flow over the year to `as_of`.
    pub values: Vec<Option<f64>>,
}

/// Every organisation's headline figures beside the partnership's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub as_of: NaiveDate,
    /// The columns, in order.
    pub metrics: Vec<Metric>,
    /// The partnership first, then each organisation by name.
    pub rows: Vec<ComparisonRow>,
}

/// Builds the comparison table for `organisations` (id and name, in the order to show).
pub fn comparison(facts: &Facts, organisations: &[(i64, String)], as_of: NaiveDate) -> Comparison {
    let row = |organisation_id: Option<i64>, organisation_name: String| ComparisonRow {
        organisation_id,
        organisation_name,
        values: Metric::ALL
            .iter()
            .map(|m| facts.headline(*m, organisation_id, as_of))
            .collect(),
    };
    let mut rows = vec![row(None, "The partnership".to_owned())];
    rows.extend(
        organisations
            .iter()
            .map(|(id, name)| row(Some(*id), name.clone())),
    );
    Comparison {
        as_of,
        metrics: Metric::ALL.to_vec(),
        rows,
    }
}

/// `?organisation_id=7&as_of=2026-06-30&month=2026-05-01&page=2`: the list behind a figure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MembersQuery {
    /// One organisation's; the partnership's when left out.
    pub organisation_id: Option<i64>,
    /// Count only what was recorded by the end of this day; today when left out.
    pub as_of: Option<NaiveDate>,
    /// One month's figure (any day in it); the headline figure when left out.
    pub month: Option<NaiveDate>,
    /// Page number, from 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 25).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// A checked [`MembersQuery`]: whose, which days, as of when, which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidMembersQuery {
    pub organisation_id: Option<i64>,
    pub period: Period,
    pub as_of: NaiveDate,
    pub page: u64,
    pub per_page: u64,
}

impl MembersQuery {
    /// The period of the figure: the month asked for, or the headline's (a stock on `as_of`, a
    /// flow over the year to it).
    pub fn validate(
        &self,
        metric: Metric,
        today: NaiveDate,
    ) -> Result<ValidMembersQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let as_of = self.as_of.unwrap_or(today);
        if as_of > today {
            errors.push("as_of", "Choose a day that is not in the future");
        }
        let period = match self.month {
            Some(month) if first_of_month(month) > as_of => {
                errors.push("month", "Choose a month that began by the as-of day");
                Period::month_of(month)
            }
            Some(month) => Period::month_of(month),
            None => match metric.counting() {
                Counting::Stock => Period {
                    from: as_of,
                    to: as_of,
                },
                Counting::Flow => Period::year_to(as_of),
            },
        };
        let page = match crate::page::parse_page(self.page, self.per_page) {
            Ok(page) => Some(page),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        errors.finish(|| {
            let (page, per_page) = page?;
            Some(ValidMembersQuery {
                organisation_id: self.organisation_id,
                period,
                as_of,
                page,
                per_page,
            })
        })
    }
}

wire_enum! {
    /// What the list behind a figure holds.
    MemberKind {
        Projects => "projects", "Projects";
        People => "people", "People";
        /// The figure counts neither (places, sessions, shares of sessions, the index).
        NotListed => "not_listed", "Not a list";
    }
}

/// One project or person behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: i64,
    /// A project's title or a person's name.
    pub name: String,
    /// A project's lead organisation, or the organisation a person is counted in.
    pub organisation_name: String,
}

/// A page of the projects or people behind a figure, those the reader may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricMembers {
    pub metric: Metric,
    pub kind: MemberKind,
    /// The first and last day of the figure's period.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<Member>,
    #[serde(flatten)]
    pub page: crate::page::PageInfo,
    /// Counted in the figure but not shown to this reader: projects they may not see, or
    /// people of organisations whose people they do not manage.
    pub hidden: u64,
}
