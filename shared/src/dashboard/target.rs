//! Strategy targets: what the partnership (or one organisation) means to reach on a catalogue
//! metric over a period ("75% of completed projects score 3.0 or more", "100 staff trained",
//! "10 places a month"), the rule that checks one as sent, and its progress as of any day.
//!
//! How progress is judged ([`progress`]), also said on the targets page:
//!
//! - **A count over the period** (a flow counted in people, projects, sessions or places, such as
//!   "100 staff trained"): the count from the period's first day to the day, against a
//!   **straight-line expectation**: the target times the share of the period's days gone by. On
//!   track when the count meets that expectation (at least, or at most, as the comparator says).
//! - **A count every month** (`per: month`, "10 places a month"): each whole month of the period
//!   counted on its own; the figure is the **mean of the complete months so far**, on track when
//!   it meets the monthly target. In the first month, before any month is complete, the month so
//!   far is judged on the straight line through that month.
//! - **A level or a share** (a stock such as people in the Lead tier, or any percentage such as
//!   "20% with patient involvement"): the figure on the day (or the period's last day, once it
//!   has ended), a share over the period so far for a percentage counted in a period. On track
//!   when it **meets the target now**: a share has no straight line to follow.
//!
//! Before the period starts nothing is judged; once it has ended, on track means met.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Counting, Facts, Metric, MetricUnit, MonthValue, Period, first_of_month, format_value, months,
};
use crate::{FieldErrors, validation::text};

/// The longest label, in characters.
pub const MAX_LABEL: usize = 200;
/// The longest period a target may cover, in days (five years).
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

wire_enum! {
    /// Which side of the target value is good.
    Comparator {
        /// The figure should reach the value or go beyond it.
        AtLeast => "at_least", "At least";
        /// The figure should stay at or below the value.
        AtMost => "at_most", "At most";
    }
}

wire_enum! {
    /// What a count's target is per: the whole period, or each month of it.
    TargetPer {
        /// The count over the whole period ("100 staff trained this year").
        Period => "period", "Over the period";
        /// The count in each month ("10 places a month"); counts only.
        Month => "month", "Every month";
    }
}

wire_enum! {
    /// A change kept in a target's history.
    TargetAction {
        Created => "created", "Set";
        Updated => "updated", "Changed";
        Deleted => "deleted", "Removed";
    }
}

wire_enum! {
    /// How a target stands on a day.
    TargetStatus {
        /// The period has not begun.
        NotStarted => "not_started", "Not started";
        /// Meeting the expectation so far.
        OnTrack => "on_track", "On track";
        /// Short of the expectation so far.
        NotOnTrack => "not_on_track", "Not on track";
        /// The period has ended and the target was met.
        Met => "met", "Met";
        /// The period has ended and the target was not met.
        NotMet => "not_met", "Not met";
        /// Nothing to count yet (a share of nothing).
        NoData => "no_data", "No data yet";
    }
}

impl Comparator {
    /// Whether `figure` satisfies `value` this way round.
    pub fn meets(self, figure: f64, value: f64) -> bool {
        // A hair of slack, so that 30 of 40 is 75% whatever the float arithmetic made of it.
        const SLACK: f64 = 1e-9;
        match self {
            Self::AtLeast => figure >= value - SLACK,
            Self::AtMost => figure <= value + SLACK,
        }
    }

    /// "at least", "at most": for sentences.
    pub fn words(self) -> &'static str {
        match self {
            Self::AtLeast => "at least",
            Self::AtMost => "at most",
        }
    }
}

/// Whether a metric's figures add up over time (a count of things happening), so that a target
/// over a period can be followed along a straight line, or set per month.
pub fn accumulates(metric: Metric) -> bool {
    metric.counting() == Counting::Flow && metric.unit() != MetricUnit::Percent
}

/// A target as sent to set or change one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetInput {
    /// The organisation whose target it is; `null` (or left out): the partnership's own.
    #[serde(default)]
    pub organisation_id: Option<i64>,
    /// The catalogue metric (`GET /dashboard/metrics`).
    pub metric: Metric,
    pub comparator: Comparator,
    /// The target figure in the metric's unit: 0 or more; a percentage at most 100.
    pub value: f64,
    /// `month` for a count each month; only counts may be per month. `period` if left out.
    #[serde(default = "default_per")]
    pub per: TargetPer,
    /// The period's first day.
    pub period_from: NaiveDate,
    /// The period's last day: on or after `period_from`, at most five years on.
    pub period_to: NaiveDate,
    /// How people read it ("75% of completed projects score 3.0 or more"), up to 200
    /// characters; made from the metric and value when left empty.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub label: String,
}

fn default_per() -> TargetPer {
    TargetPer::Period
}

impl TargetInput {
    /// Checks every field; gives back the label trimmed (or made, when left empty).
    pub fn validate(&self) -> Result<TargetInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let unit = self.metric.unit();
        if !self.value.is_finite() || self.value < 0.0 {
            errors.push("value", "Give a target of 0 or more");
        } else if unit == MetricUnit::Percent && self.value > 100.0 {
            errors.push("value", "A percentage target is at most 100");
        } else if self.value > 1e12 {
            errors.push("value", "Give a smaller target");
        }
        if self.period_to < self.period_from {
            errors.push(
                "period_to",
                "The period must end on or after the day it starts",
            );
        } else if (self.period_to - self.period_from).num_days() >= MAX_PERIOD_DAYS {
            errors.push("period_to", "A target's period is at most five years");
        }
        if self.per == TargetPer::Month && !accumulates(self.metric) {
            errors.push(
                "per",
                "Only a count can be set per month: this metric is a level or a share",
            );
        }
        let label = errors.check("label", text(&self.label, "the label", 0, MAX_LABEL));
        errors.finish(|| {
            let label = label?;
            Some(TargetInput {
                label: if label.is_empty() {
                    describe(self.metric, self.comparator, self.value, self.per)
                } else {
                    label
                },
                ..self.clone()
            })
        })
    }
}

/// A target in words: "At least 75.0%: Completed projects scoring 3.0 or more".
pub fn describe(metric: Metric, comparator: Comparator, value: f64, per: TargetPer) -> String {
    let per = match per {
        TargetPer::Month => " a month",
        TargetPer::Period => "",
    };
    format!(
        "{} {}{per}: {}",
        comparator.label(),
        format_value(metric.unit(), Some(value)),
        metric.label()
    )
}

/// A target's definition, as stored and as kept in its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetDefinition {
    /// `null`: the partnership's own.
    pub organisation_id: Option<i64>,
    pub metric: Metric,
    pub comparator: Comparator,
    pub value: f64,
    pub per: TargetPer,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub label: String,
}

impl From<TargetInput> for TargetDefinition {
    fn from(input: TargetInput) -> Self {
        Self {
            organisation_id: input.organisation_id,
            metric: input.metric,
            comparator: input.comparator,
            value: input.value,
            per: input.per,
            period_from: input.period_from,
            period_to: input.period_to,
            label: input.label,
        }
    }
}

impl TargetDefinition {
    /// Whether the period covers `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.period_from <= day && day <= self.period_to
    }

    /// The monthly figure the target implies, to draw on a monthly chart: a count over the
    /// period spread evenly over its months; a count per month, a level or a share as it is.
    pub fn monthly_value(&self) -> f64 {
        if accumulates(self.metric) && self.per == TargetPer::Period {
            let n = months(self.period_from, self.period_to).len().max(1);
            self.value / n as f64
        } else {
            self.value
        }
    }

    /// The same fields, as sent to change it.
    pub fn to_input(&self) -> TargetInput {
        TargetInput {
            organisation_id: self.organisation_id,
            metric: self.metric,
            comparator: self.comparator,
            value: self.value,
            per: self.per,
            period_from: self.period_from,
            period_to: self.period_to,
            label: self.label.clone(),
        }
    }
}

/// A target's progress on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetProgress {
    pub as_of: NaiveDate,
    pub status: TargetStatus,
    /// The figure so far (see the module's rules); `null` before the period or with nothing to
    /// count.
    pub current: Option<f64>,
    /// What the figure should be by now: the straight-line share of a count's target, else the
    /// target itself; `null` before the period.
    pub expected: Option<f64>,
    /// `null` before the period starts or with nothing to count; after it ends: met or not.
    pub on_track: Option<bool>,
    /// The share of the period's days gone by, 0 to 1.
    pub elapsed: f64,
    /// A target per month: each month of the period begun by the day, with its count.
    pub months: Vec<MonthValue>,
    /// A target per month: how many complete months met it.
    pub months_met: Option<u32>,
    /// How the figure was judged, in a sentence.
    pub explanation: String,
}

/// How far a target has come by the end of `as_of` (see the module's rules).
pub fn progress(facts: &Facts, target: &TargetDefinition, as_of: NaiveDate) -> TargetProgress {
    let scope = target.organisation_id;
    let period = Period {
        from: target.period_from,
        to: target.period_to,
    };
    let unit = target.metric.unit();
    let days = (period.to - period.from).num_days() + 1;
    let gone = ((as_of.min(period.to) - period.from).num_days() + 1).clamp(0, days);
    let elapsed = gone as f64 / days as f64;
    let ended = as_of >= period.to;
    let mut out = TargetProgress {
        as_of,
        status: TargetStatus::NotStarted,
        current: None,
        expected: None,
        on_track: None,
        elapsed,
        months: Vec::new(),
        months_met: None,
        explanation: String::new(),
    };
    if as_of < period.from {
        out.explanation = "The period has not started yet.".to_owned();
        return out;
    }
    let target_text = format_value(unit, Some(target.value));
    let comparator = target.comparator;
    match (accumulates(target.metric), target.per) {
        (true, TargetPer::Month) => {
            let values: Vec<MonthValue> = months(period.from, as_of.min(period.to))
                .into_iter()
                .map(|month| {
                    let whole = Period::month_of(month);
                    let part = Period {
                        from: whole.from.max(period.from),
                        to: whole.to.min(period.to),
                    };
                    MonthValue {
                        month,
                        value: facts.value(target.metric, scope, part, as_of),
                    }
                })
                .collect();
            // Complete: the month (within the period) had ended by the day.
            let complete: Vec<f64> = values
                .iter()
                .filter(|m| Period::month_of(m.month).to.min(period.to) <= as_of)
                .filter_map(|m| m.value)
                .collect();
            if complete.is_empty() {
                let month = Period::month_of(first_of_month(as_of));
                let part = Period {
                    from: month.from.max(period.from),
                    to: month.to.min(period.to),
                };
                let share = ((as_of - part.from).num_days() + 1) as f64
                    / ((part.to - part.from).num_days() + 1) as f64;
                out.current = values.last().and_then(|m| m.value);
                out.expected = Some(target.value * share);
                out.explanation = format!(
                    "No month is complete yet: this month so far, against a straight line to {target_text} by its end."
                );
            } else {
                let mean = complete.iter().sum::<f64>() / complete.len() as f64;
                let met = complete
                    .iter()
                    .filter(|v| comparator.meets(**v, target.value))
                    .count();
                out.current = Some(mean);
                out.expected = Some(target.value);
                out.months_met = u32::try_from(met).ok();
                out.explanation = format!(
                    "The mean of the {} complete month{} so far ({met} met the target), against {} {target_text} a month.",
                    complete.len(),
                    if complete.len() == 1 { "" } else { "s" },
                    comparator.words()
                );
            }
            out.months = values;
        }
        (true, TargetPer::Period) => {
            out.current = facts.value(target.metric, scope, period, as_of);
            out.expected = Some(target.value * elapsed);
            out.explanation = if ended {
                format!(
                    "The count over the whole period, against {} {target_text}.",
                    comparator.words()
                )
            } else {
                format!(
                    "The count so far, against a straight line from 0 to {target_text} over the period ({:.0}% of it gone by).",
                    elapsed * 100.0
                )
            };
        }
        (false, _) => {
            let day = as_of.min(period.to);
            let asked = match target.metric.counting() {
                Counting::Stock => Period { from: day, to: day },
                Counting::Flow => period,
            };
            out.current = facts.value(target.metric, scope, asked, as_of);
            out.expected = Some(target.value);
            out.explanation = format!(
                "The figure {}, which should be {} {target_text}: a level or a share is judged as it stands, with no straight line.",
                if ended {
                    "at the end of the period"
                } else {
                    "on the day"
                },
                comparator.words()
            );
        }
    }
    out.on_track = match (out.current, out.expected) {
        (Some(current), Some(expected)) => Some(comparator.meets(current, expected)),
        _ => None,
    };
    out.status = match (out.on_track, ended) {
        (None, _) => TargetStatus::NoData,
        (Some(true), false) => TargetStatus::OnTrack,
        (Some(false), false) => TargetStatus::NotOnTrack,
        (Some(true), true) => TargetStatus::Met,
        (Some(false), true) => TargetStatus::NotMet,
    };
    out
}

/// A target, with its progress on the day asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub id: i64,
    #[serde(flatten)]
    pub definition: TargetDefinition,
    /// The organisation's name; `null` for the partnership's own.
    pub organisation_name: Option<String>,
    /// Goes up by one with each change; send it back as `If-Match` to change the target.
    pub version: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub progress: TargetProgress,
}

/// One change in a target's history: what it was after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetChange {
    pub action: TargetAction,
    /// The target's version after the change.
    pub version: i64,
    #[serde(flatten)]
    pub definition: TargetDefinition,
    pub changed_by: i64,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
}

/// A target with its history, newest change first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetDetail {
    pub target: Target,
    pub history: Vec<TargetChange>,
}

/// The targets, with their progress as of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetList {
    pub as_of: NaiveDate,
    /// The partnership's first, then by organisation, then by period (latest first).
    pub items: Vec<Target>,
}

/// `?organisation_id=7&as_of=2026-06-30`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TargetQuery {
    /// Only this organisation's targets; every target (the partnership's and each
    /// organisation's) when left out.
    pub organisation_id: Option<i64>,
    /// Progress as of the end of this day; today when left out.
    pub as_of: Option<NaiveDate>,
}

/// `?as_of=2026-06-30`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AsOfQuery {
    /// Progress as of the end of this day; today when left out.
    pub as_of: Option<NaiveDate>,
}

#[cfg(test)]
mod tests;
