//! XmR (individuals) charts the Making Data Count way, matching NHSRplotthedots.
//!
//! A series is cut into phases at its rebase dates; each phase gets its own mean and process
//! limits and its own run of the rules in [`super::rules`], because a rebase records a change to
//! the process and a run across it would mix two processes.
//!
//! Limits: mean ± 2.66 × the mean moving range, from the phase's first `fix_after_n_points` points
//! (all of them by default). With outlier screening (the default), moving ranges of at least 3.267
//! times their mean are dropped once and the mean recomputed, so one wild month doesn't widen the
//! limits enough to hide itself. A missing value is left out of the mean and so are the moving
//! ranges either side of it. Limits that can't be computed (one point; a constant series, whose
//! every moving range is screened out) are `null`, and points are then judged only on the rules
//! that need no limits (shift and trend).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rules::{
    self, AssuranceIcon, ImprovementDirection, PointType, Reading, Side, SpecialCause,
};
use super::series::{self, MAX_REPORTED_PER_LIST, Series, SeriesPoint};
use super::stats;
use crate::FieldErrors;

/// Scales the mean moving range to 3 sigma (3 / 1.128, the d2 constant for ranges of 2).
const LIMIT_FACTOR: f64 = 2.66;
/// Moving ranges this many times their mean or more are outliers (D4 for ranges of 2).
const OUTLIER_FACTOR: f64 = 3.267;
/// The fewest points a phase needs for limits that aren't "trial" limits (NHSRplotthedots' default
/// warning threshold, `ptd_spc.warning_threshold`).
pub const MIN_POINTS_FOR_FIRM_LIMITS: usize = 13;
/// The fewest points limits may be fixed after (NHSRplotthedots refuses fewer).
pub const MIN_FIX_AFTER_N_POINTS: usize = 12;

/// How to analyse a series as an XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct XmrOptions {
    pub improvement_direction: ImprovementDirection,
    /// The value the measure should reach, for the assurance icon.
    #[serde(default)]
    pub target: Option<f64>,
    /// Each starts a new phase, with its own mean and limits, at the first point on or after it.
    /// A date on or before the first point changes nothing.
    #[serde(default)]
    pub rebase_dates: Vec<NaiveDate>,
    /// Compute each phase's mean and limits from its first this-many points only (at least 12),
    /// so later points are judged against a fixed baseline.
    #[serde(default)]
    pub fix_after_n_points: Option<usize>,
    /// Leave moving ranges of at least 3.267 times their mean out of the limits.
    #[serde(default = "screen_outliers_by_default")]
    pub screen_outliers: bool,
}

fn screen_outliers_by_default() -> bool {
    true
}

/// A request to analyse a series as an XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "SpcRequestFields")]
pub struct SpcRequest {
    /// The series, in any order: it is analysed in date order. Each date at most once.
    pub points: Vec<SeriesPoint>,
    #[serde(flatten)]
    pub options: XmrOptions,
}

/// [`SpcRequest`] as it is read. Serde reads a flattened struct from a buffer, which loses
/// the name of the field a bad value was in ("unknown variant `up`" with no field); read
/// field by field, every error names its field.
#[derive(Deserialize)]
struct SpcRequestFields {
    points: Vec<SeriesPoint>,
    improvement_direction: ImprovementDirection,
    #[serde(default)]
    target: Option<f64>,
    #[serde(default)]
    rebase_dates: Vec<NaiveDate>,
    #[serde(default)]
    fix_after_n_points: Option<usize>,
    #[serde(default = "screen_outliers_by_default")]
    screen_outliers: bool,
}

impl From<SpcRequestFields> for SpcRequest {
    fn from(fields: SpcRequestFields) -> Self {
        Self {
            points: fields.points,
            options: XmrOptions {
                improvement_direction: fields.improvement_direction,
                target: fields.target,
                rebase_dates: fields.rebase_dates,
                fix_after_n_points: fields.fix_after_n_points,
                screen_outliers: fields.screen_outliers,
            },
        }
    }
}

/// One point of an XmR chart. Its phase's centre line and limits are kept once, in
/// [`SpcResponse::phases`] (see [`SpcResponse::phase_of`]), and go on the wire with each point
/// ([`SpcPointWire`]): a million-point chart is then a third of the size to build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpcPoint {
    pub date: NaiveDate,
    pub value: Option<f64>,
    /// The phase the point belongs to, counted from 0 (NHSRplotthedots' `rebase_group`).
    pub phase: u32,
    /// `None` when the value or the mean is missing.
    pub relative_to_mean: Option<Side>,
    /// Strictly beyond a process limit; `None` when the value or the limits are missing.
    pub outside_limits: Option<bool>,
    /// Between the 2- and 3-sigma lines; `None` when the value or the limits are missing.
    pub close_to_limits: Option<bool>,
    /// The rule that makes the point special cause, if any.
    pub special_cause: Option<SpecialCause>,
    pub point_type: PointType,
}

/// One point of an XmR chart as the API sends it: the point with its phase's centre line and
/// limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SpcPoint))]
pub struct SpcPointWire {
    pub date: NaiveDate,
    pub value: Option<f64>,
    /// The phase the point belongs to, counted from 0 (NHSRplotthedots' `rebase_group`).
    pub phase: u32,
    /// The phase's mean; `null` when the phase has no values to average.
    pub mean: Option<f64>,
    /// The lower process limit; `null` when it can't be computed.
    pub lpl: Option<f64>,
    /// The upper process limit; `null` when it can't be computed.
    pub upl: Option<f64>,
    /// `null` when the value or the mean is missing.
    pub relative_to_mean: Option<Side>,
    /// Strictly beyond a process limit; `null` when the value or the limits are missing.
    pub outside_limits: Option<bool>,
    /// Between the 2- and 3-sigma lines; `null` when the value or the limits are missing.
    pub close_to_limits: Option<bool>,
    /// The rule that makes the point special cause, if any.
    pub special_cause: Option<SpecialCause>,
    pub point_type: PointType,
}

/// One phase of an XmR chart: the points from one rebase to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpcPhase {
    /// Counted from 0.
    pub phase: usize,
    pub start_date: NaiveDate,
    /// Points in the phase, missing values included.
    pub n: usize,
    pub mean: Option<f64>,
    pub lpl: Option<f64>,
    pub upl: Option<f64>,
    /// The lower 2-sigma line: mean - (2/3)(mean - lpl).
    pub lower_two_sigma: Option<f64>,
    /// The upper 2-sigma line: mean + (2/3)(upl - mean).
    pub upper_two_sigma: Option<f64>,
    /// Fewer than 13 points: the limits are trial limits, to be revised as points arrive.
    pub trial_limits: bool,
    pub common_cause: usize,
    pub special_cause_improvement: usize,
    pub special_cause_concern: usize,
    /// Special-cause points of a measure with a neutral direction.
    pub special_cause_neutral: usize,
    /// The type of the phase's last point.
    pub last_point_type: PointType,
}

/// The Making Data Count variation icon: what the latest point says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VariationIcon {
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
    ConcernHigh,
    ConcernLow,
    NeutralHigh,
    NeutralLow,
}

impl VariationIcon {
    /// The icon for a chart whose last point has this type.
    pub fn for_point(point_type: PointType, direction: ImprovementDirection) -> Self {
        let decrease = direction == ImprovementDirection::Decrease;
        match point_type {
            PointType::CommonCause => Self::CommonCause,
            PointType::SpecialCauseNeutralHigh => Self::NeutralHigh,
            PointType::SpecialCauseNeutralLow => Self::NeutralLow,
            PointType::SpecialCauseImprovement if decrease => Self::ImprovementLow,
            PointType::SpecialCauseImprovement => Self::ImprovementHigh,
            PointType::SpecialCauseConcern if decrease => Self::ConcernHigh,
            PointType::SpecialCauseConcern => Self::ConcernLow,
        }
    }
}

/// Something a reader of the chart should know about its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpcWarningKind {
    /// The phase has fewer than 13 points.
    TrialLimits,
    /// The phase's limits can't be computed.
    NoLimits,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpcWarning {
    pub kind: SpcWarningKind,
    pub phase: usize,
    pub message: String,
}

/// An analysed XmR chart.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpcResponse {
    /// In date order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<SpcPointWire>))]
    pub points: Vec<SpcPoint>,
    pub phases: Vec<SpcPhase>,
    pub variation_icon: VariationIcon,
    /// `null` without a target, or for a measure with a neutral direction.
    pub assurance_icon: Option<AssuranceIcon>,
    pub warnings: Vec<SpcWarning>,
}

impl SpcResponse {
    /// The phase a point belongs to, with its centre line and limits.
    pub fn phase_of(&self, point: &SpcPoint) -> Option<&SpcPhase> {
        self.phases.get(point.phase as usize)
    }

    /// A point as the API sends it.
    pub fn wire_point(&self, point: &SpcPoint) -> SpcPointWire {
        let phase = self.phase_of(point);
        SpcPointWire {
            date: point.date,
            value: point.value,
            phase: point.phase,
            mean: phase.and_then(|p| p.mean),
            lpl: phase.and_then(|p| p.lpl),
            upl: phase.and_then(|p| p.upl),
            relative_to_mean: point.relative_to_mean,
            outside_limits: point.outside_limits,
            close_to_limits: point.close_to_limits,
            special_cause: point.special_cause,
            point_type: point.point_type,
        }
    }
}

/// Each point goes out with its phase's lines, made as it is written rather than all at once.
impl Serialize for SpcResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Points<'a>(&'a SpcResponse);
        impl Serialize for Points<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.points.iter().map(|p| self.0.wire_point(p)))
            }
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            points: Points<'a>,
            phases: &'a [SpcPhase],
            variation_icon: VariationIcon,
            assurance_icon: Option<AssuranceIcon>,
            warnings: &'a [SpcWarning],
        }
        Wire {
            points: Points(self),
            phases: &self.phases,
            variation_icon: self.variation_icon,
            assurance_icon: self.assurance_icon,
            warnings: &self.warnings,
        }
        .serialize(serializer)
    }
}

/// A checked [`SpcRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSpcRequest {
    pub series: Series,
    pub options: XmrOptions,
}

impl SpcRequest {
    /// Checks the points and options, recording every problem against its field.
    pub fn validate(&self) -> Result<ValidSpcRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let series = series::validate_points(&self.points, &mut errors);
        let options = &self.options;
        if options.target.is_some_and(|t| !t.is_finite()) {
            errors.push("target", "Enter a finite number, or leave the target empty");
        }
        if options
            .fix_after_n_points
            .is_some_and(|n| n < MIN_FIX_AFTER_N_POINTS)
        {
            errors.push(
                "fix_after_n_points",
                format!(
                    "Fix the limits after at least {MIN_FIX_AFTER_N_POINTS} points, or leave it empty"
                ),
            );
        }
        validate_rebase_dates(&options.rebase_dates, series.as_ref(), &mut errors);
        errors.finish(|| {
            Some(ValidSpcRequest {
                series: series?,
                options: options.clone(),
            })
        })
    }
}

/// Each rebase date must start a phase of its own: one after the last point would start none, and
/// two that start the same phase are probably a mistake in one of them. A date on or before the
/// first point is allowed: the first phase starts there anyway.
fn validate_rebase_dates(dates: &[NaiveDate], series: Option<&Series>, errors: &mut FieldErrors) {
    if dates.len() > series::MAX_POINTS {
        errors.push(
            "rebase_dates",
            format!("Give at most {} dates", series::MAX_POINTS),
        );
        return;
    }
    let Some(series) = series else { return };
    let mut problems = Vec::new();
    let mut starts = Vec::new();
    for (i, &date) in dates.iter().enumerate() {
        match series.first_on_or_after(date) {
            0 => {}
            start if start == series.len() => problems.push((
                i,
                format!("{date} is after the last point, so it would start no phase"),
            )),
            start => starts.push((start, i)),
        }
    }
    starts.sort_unstable();
    for pair in starts.windows(2) {
        let ((first, earlier), (second, later)) = (pair[0], pair[1]);
        if first == second {
            problems.push((
                later,
                format!("Starts the same phase as rebase_dates[{earlier}]"),
            ));
        }
    }
    problems.sort_unstable_by_key(|&(i, _)| i);
    for (i, message) in problems.into_iter().take(MAX_REPORTED_PER_LIST) {
        errors.push(format!("rebase_dates[{i}]"), message);
    }
}

/// Checks a request and analyses it: the whole stateless SPC endpoint.
pub fn analyse_spc(request: &SpcRequest) -> Result<SpcResponse, FieldErrors> {
    let valid = request.validate()?;
    Ok(xmr(&valid.series, &valid.options))
}

/// Analyses a series as an XmR chart.
///
/// Never fails: a [`Series`] has at least one point, and missing values, constant series and
/// single points all have a defined answer (see the module documentation). Options are used as
/// given: `fix_after_n_points` below 12 is honoured (validation is where it is refused), and a
/// target that isn't a number gives [`AssuranceIcon::Inconsistent`], as NHSRplotthedots gives a
/// facet with no target.
///
/// Where NHSRplotthedots stops with an error because a missing value sits inside what would
/// otherwise be a 7-point trend, the gap simply breaks the trend, as it breaks every other run.
pub fn xmr(series: &Series, options: &XmrOptions) -> SpcResponse {
    let starts = options
        .rebase_dates
        .iter()
        .map(|&date| series.first_on_or_after(date));
    let phases_at = series::segments(series.len(), starts);
    let mut points = Vec::with_capacity(series.len());
    let mut phases = Vec::with_capacity(phases_at.len());
    for (phase, range) in phases_at.into_iter().enumerate() {
        let summary = analyse_phase(
            &series.dates()[range.clone()],
            &series.values()[range],
            phase,
            options,
            &mut points,
        );
        phases.push(summary);
    }
    // A series has a point, so the fallbacks for an empty chart never apply.
    let variation_icon = points.last().map_or(VariationIcon::CommonCause, |p| {
        VariationIcon::for_point(p.point_type, options.improvement_direction)
    });
    let last_phase = phases.last();
    let assurance_icon = rules::assurance(
        last_phase.and_then(|p: &SpcPhase| p.lpl),
        last_phase.and_then(|p: &SpcPhase| p.upl),
        options.target,
        options.improvement_direction,
    );
    let warnings = phases.iter().flat_map(phase_warnings).collect();
    SpcResponse {
        points,
        phases,
        variation_icon,
        assurance_icon,
        warnings,
    }
}

/// A phase's centre line and limits: `mean` is `None` when the phase has no values, the lines
/// when it has no moving ranges either (or all were screened out).
#[derive(Debug, Clone, Copy, Default)]
struct Limits {
    mean: Option<f64>,
    lpl: Option<f64>,
    upl: Option<f64>,
    lower_two_sigma: Option<f64>,
    upper_two_sigma: Option<f64>,
}

impl Limits {
    fn of(values: &[Option<f64>], options: &XmrOptions) -> Self {
        let baseline = &values[..options
            .fix_after_n_points
            .map_or(values.len(), |n| n.min(values.len()))];
        let mean = stats::mean(baseline.iter().flatten().copied());
        // Recomputed on each pass rather than stored: cheaper than a million-entry buffer.
        let ranges = || {
            baseline
                .windows(2)
                .filter_map(|w| Some((w[1]? - w[0]?).abs()))
        };
        let mut average_range = stats::mean(ranges());
        if options.screen_outliers
            && let Some(unscreened) = average_range
        {
            let cut = OUTLIER_FACTOR * unscreened;
            average_range = stats::mean(ranges().filter(|&r| r < cut));
        }
        let (Some(mean), Some(range)) = (mean, average_range) else {
            return Self {
                mean,
                ..Self::default()
            };
        };
        // The peer's formulas exactly, so a point on a line lands on the same side of it.
        let two_sigma = 2.0 * (LIMIT_FACTOR / 3.0) * range;
        let finite = |v: f64| v.is_finite().then_some(v);
        Self {
            mean: Some(mean),
            lpl: finite(mean - LIMIT_FACTOR * range),
            upl: finite(mean + LIMIT_FACTOR * range),
            lower_two_sigma: finite(mean - two_sigma),
            upper_two_sigma: finite(mean + two_sigma),
        }
    }

    /// The mean and the four lines, when all are known: every phase but a degenerate one.
    fn lines(&self) -> Option<Lines> {
        Some(Lines {
            mean: self.mean?,
            lpl: self.lpl?,
            upl: self.upl?,
            lower_two_sigma: self.lower_two_sigma?,
            upper_two_sigma: self.upper_two_sigma?,
        })
    }

    /// Reads a value where some of the mean and lines are unknown ([`Lines::read`] where all
    /// are): each test is unknown that needs an unknown line, in the order the peer's tests meet
    /// them.
    fn read_partly_known(&self, value: Option<f64>) -> Reading {
        let side = value.and_then(|v| Some(Side::of(v, self.mean?)));
        let (outside, close) = value.map_or((None, None), |v| (self.outside(v), self.close(v)));
        Reading::new(side, outside, close)
    }

    fn outside(&self, value: f64) -> Option<bool> {
        Some(value > self.upl? || value < self.lpl?)
    }

    fn close(&self, value: f64) -> Option<bool> {
        let beyond_two_sigma = value < self.lower_two_sigma? || value > self.upper_two_sigma?;
        Some(!self.outside(value)? && beyond_two_sigma)
    }
}

/// [`Limits`] when all are known.
#[derive(Debug, Clone, Copy)]
struct Lines {
    mean: f64,
    lpl: f64,
    upl: f64,
    lower_two_sigma: f64,
    upper_two_sigma: f64,
}

impl Lines {
    /// Reads a value against the mean and lines, without a branch: which side of the mean (or of a line) a noisy value
    /// falls is a coin toss, which a branch mispredicts half the time.
    fn read(&self, value: Option<f64>) -> Reading {
        let v = value.unwrap_or(self.mean);
        let outside = (v > self.upl) | (v < self.lpl);
        let close = !outside & ((v < self.lower_two_sigma) | (v > self.upper_two_sigma));
        Reading::of_comparisons(
            value.is_some(),
            v > self.mean,
            v < self.mean,
            outside,
            close,
        )
    }
}

/// Applies the rules to one phase's points, appends them to `points` and summarises the phase.
/// `dates` and `values` are the phase's, never empty.
fn analyse_phase(
    dates: &[NaiveDate],
    values: &[Option<f64>],
    phase: usize,
    options: &XmrOptions,
    points: &mut Vec<SpcPoint>,
) -> SpcPhase {
    let limits = Limits::of(values, options);
    // The reading is taken in the rules' sweep; decided once a phase, not once a point.
    let judged = match limits.lines() {
        Some(lines) => rules::judge(values, values.iter().map(|&v| lines.read(v))),
        None => rules::judge(values, values.iter().map(|&v| limits.read_partly_known(v))),
    };
    let mut summary = phase_summary(dates, values, phase, &limits);
    let phase = u32::try_from(phase).unwrap_or(u32::MAX);
    let direction = options.improvement_direction;
    let mut counts = [0; 4];
    points.extend(
        dates
            .iter()
            .zip(values)
            .zip(judged)
            .map(|((&date, &value), judged)| {
                let special_cause = judged.cause();
                let point_type = rules::point_type(special_cause, direction);
                counts[count_index(point_type)] += 1;
                SpcPoint {
                    date,
                    value,
                    phase,
                    relative_to_mean: judged.reading.side(),
                    outside_limits: judged.reading.outside(),
                    close_to_limits: judged.reading.close(),
                    special_cause,
                    point_type,
                }
            }),
    );
    [
        summary.common_cause,
        summary.special_cause_improvement,
        summary.special_cause_concern,
        summary.special_cause_neutral,
    ] = counts;
    if let Some(last) = points.last() {
        summary.last_point_type = last.point_type;
    }
    summary
}

/// Where [`SpcPhase`] counts a point of this type, in the order of its fields.
fn count_index(point_type: PointType) -> usize {
    match point_type {
        PointType::CommonCause => 0,
        PointType::SpecialCauseImprovement => 1,
        PointType::SpecialCauseConcern => 2,
        PointType::SpecialCauseNeutralHigh | PointType::SpecialCauseNeutralLow => 3,
    }
}

/// A phase's summary before its points are counted.
fn phase_summary(
    dates: &[NaiveDate],
    values: &[Option<f64>],
    phase: usize,
    limits: &Limits,
) -> SpcPhase {
    SpcPhase {
        phase,
        start_date: dates[0],
        n: values.len(),
        mean: limits.mean,
        lpl: limits.lpl,
        upl: limits.upl,
        lower_two_sigma: limits.lower_two_sigma,
        upper_two_sigma: limits.upper_two_sigma,
        trial_limits: values.len() < MIN_POINTS_FOR_FIRM_LIMITS,
        common_cause: 0,
        special_cause_improvement: 0,
        special_cause_concern: 0,
        special_cause_neutral: 0,
        last_point_type: PointType::CommonCause,
    }
}

/// [`analyse_phase`] as it was, a pass per rule through [`rules::special_causes`]: the reference
/// the fast path is tested against.
#[cfg(test)]
fn analyse_phase_by_rule(
    dates: &[NaiveDate],
    values: &[Option<f64>],
    phase: usize,
    options: &XmrOptions,
    points: &mut Vec<SpcPoint>,
) -> SpcPhase {
    let limits = Limits::of(values, options);
    let sides: Vec<Option<Side>> = values
        .iter()
        .map(|v| Some(Side::of((*v)?, limits.mean?)))
        .collect();
    let outside: Vec<Option<bool>> = values.iter().map(|v| limits.outside((*v)?)).collect();
    let close: Vec<Option<bool>> = values.iter().map(|v| limits.close((*v)?)).collect();
    let causes = rules::special_causes(values, &sides, &close, &outside);
    let mut summary = phase_summary(dates, values, phase, &limits);
    for i in 0..values.len() {
        let point_type = rules::point_type(causes[i], options.improvement_direction);
        *match point_type {
            PointType::CommonCause => &mut summary.common_cause,
            PointType::SpecialCauseImprovement => &mut summary.special_cause_improvement,
            PointType::SpecialCauseConcern => &mut summary.special_cause_concern,
            PointType::SpecialCauseNeutralHigh | PointType::SpecialCauseNeutralLow => {
                &mut summary.special_cause_neutral
            }
        } += 1;
        summary.last_point_type = point_type;
        points.push(SpcPoint {
            date: dates[i],
            value: values[i],
            phase: u32::try_from(phase).unwrap_or(u32::MAX),
            relative_to_mean: sides[i],
            outside_limits: outside[i],
            close_to_limits: close[i],
            special_cause: causes[i],
            point_type,
        });
    }
    summary
}

fn phase_warnings(phase: &SpcPhase) -> Vec<SpcWarning> {
    let number = phase.phase + 1;
    let mut warnings = Vec::new();
    if phase.trial_limits {
        warnings.push(SpcWarning {
            kind: SpcWarningKind::TrialLimits,
            phase: phase.phase,
            message: format!(
                "Phase {number} has {} points, fewer than {MIN_POINTS_FOR_FIRM_LIMITS}: its limits \
                 are trial limits, to be revised as points are added",
                phase.n
            ),
        });
    }
    if phase.lpl.is_none() {
        warnings.push(SpcWarning {
            kind: SpcWarningKind::NoLimits,
            phase: phase.phase,
            message: format!(
                "Phase {number} has no process limits: they need two consecutive values that \
                 differ (after outlier screening)"
            ),
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::SeriesPoint;

    fn day(i: usize) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default() + chrono::Days::new(i as u64)
    }

    fn points(values: &[Option<f64>]) -> Vec<SeriesPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| SeriesPoint {
                date: day(i),
                value,
            })
            .collect()
    }

    fn options() -> XmrOptions {
        XmrOptions {
            improvement_direction: ImprovementDirection::Increase,
            target: None,
            rebase_dates: Vec::new(),
            fix_after_n_points: None,
            screen_outliers: true,
        }
    }

    fn chart(values: &[Option<f64>], options: &XmrOptions) -> Option<SpcResponse> {
        Series::new(&points(values)).ok().map(|s| xmr(&s, options))
    }

    fn warning_kinds(chart: &SpcResponse) -> Vec<SpcWarningKind> {
        chart.warnings.iter().map(|w| w.kind).collect()
    }

    #[test]
    fn a_single_point_has_a_mean_but_no_limits() {
        let target = XmrOptions {
            target: Some(3.0),
            ..options()
        };
        let Some(chart) = chart(&[Some(5.0)], &target) else {
            panic!("one point makes a series");
        };
        let point = chart.wire_point(&chart.points[0]);
        assert_eq!((point.mean, point.lpl, point.upl), (Some(5.0), None, None));
        assert_eq!(point.point_type, PointType::CommonCause);
        assert_eq!(chart.variation_icon, VariationIcon::CommonCause);
        assert_eq!(chart.assurance_icon, Some(AssuranceIcon::Inconsistent));
        assert_eq!(
            warning_kinds(&chart),
            [SpcWarningKind::TrialLimits, SpcWarningKind::NoLimits]
        );
    }

    #[test]
    fn an_all_missing_series_is_all_common_cause() {
        let Some(chart) = chart(&[None; 20], &options()) else {
            panic!("gaps make a series");
        };
        assert!(chart.phases.iter().all(|p| p.mean.is_none()));
        assert!(chart.points.iter().all(|p| p.relative_to_mean.is_none()
            && p.outside_limits.is_none()
            && p.point_type == PointType::CommonCause));
        assert_eq!(chart.phases[0].common_cause, 20);
    }

    #[test]
    fn a_constant_series_has_limits_only_without_screening() {
        let constant = [Some(3.0); 15];
        let screened = chart(&constant, &options());
        assert_eq!(screened.map(|c| c.phases[0].lpl), Some(None));
        let unscreened = XmrOptions {
            screen_outliers: false,
            ..options()
        };
        let Some(unscreened) = chart(&constant, &unscreened) else {
            panic!("a constant series is a series");
        };
        let phase = &unscreened.phases[0];
        assert_eq!(
            (phase.lpl, phase.mean, phase.upl),
            (Some(3.0), Some(3.0), Some(3.0))
        );
        assert_eq!(phase.common_cause, 15);
    }

    #[test]
    fn a_gap_drops_the_moving_ranges_either_side() {
        let unscreened = XmrOptions {
            screen_outliers: false,
            ..options()
        };
        // Moving ranges: only |4 - 3| = 1 survives; |3 - 1| spans the gap.
        let Some(chart) = chart(&[Some(1.0), None, Some(3.0), Some(4.0)], &unscreened) else {
            panic!("a series with a gap is a series");
        };
        let phase = &chart.phases[0];
        let mean = 8.0 / 3.0;
        assert_eq!(phase.mean, Some(mean));
        assert_eq!(phase.upl, Some(mean + 2.66));
        assert_eq!(chart.points[1].value, None);
        assert_eq!(chart.points[1].close_to_limits, None);
    }

    #[test]
    fn rebase_dates_start_phases_at_the_first_point_on_or_after_them() {
        let rebased = XmrOptions {
            rebase_dates: vec![day(0) - chrono::Days::new(5), day(4), day(30)],
            ..options()
        };
        let values: Vec<Option<f64>> = (0..8).map(|i| Some(f64::from(i % 3))).collect();
        let mut thinned = points(&values);
        thinned.remove(4); // day 4 has no point: its phase starts on day 5
        let Ok(series) = Series::new(&thinned) else {
            panic!("distinct dates make a series");
        };
        let chart = xmr(&series, &rebased);
        let phases: Vec<(usize, NaiveDate, usize)> = chart
            .phases
            .iter()
            .map(|p| (p.phase, p.start_date, p.n))
            .collect();
        assert_eq!(phases, [(0, day(0), 4), (1, day(5), 3)]);
    }

    #[test]
    fn fixed_limits_come_from_the_first_points_only() {
        let mut values = vec![Some(10.0), Some(11.0)];
        values.extend([Some(50.0); 20]);
        let fixed = XmrOptions {
            fix_after_n_points: Some(2),
            ..options()
        };
        let Some(chart) = chart(&values, &fixed) else {
            panic!("a series");
        };
        assert_eq!(chart.phases[0].mean, Some(10.5));
        assert_eq!(
            chart.points[21].special_cause,
            Some(SpecialCause::AboveUpperLimit)
        );
        assert_eq!(chart.variation_icon, VariationIcon::ImprovementHigh);
    }

    #[test]
    fn a_million_points_are_analysed() {
        let values: Vec<Option<f64>> = (0..1_000_000u32)
            .map(|i| (i % 97 != 0).then(|| f64::from(i % 13) + f64::from(i / 100_000)))
            .collect();
        let Some(chart) = chart(&values, &options()) else {
            panic!("a series");
        };
        assert_eq!(chart.points.len(), 1_000_000);
        assert!(chart.warnings.is_empty());
    }

    /// One phase analysed by [`analyse_phase`] and by the per-rule reference, which must agree
    /// on every point and the summary.
    fn assert_phase_matches_the_rules(values: &[Option<f64>], options: &XmrOptions, case: &str) {
        let dates: Vec<NaiveDate> = (0..values.len()).map(day).collect();
        let (mut fast, mut reference) = (Vec::new(), Vec::new());
        let summary = analyse_phase(&dates, values, 3, options, &mut fast);
        let expected = analyse_phase_by_rule(&dates, values, 3, options, &mut reference);
        assert_eq!(summary, expected, "{case}: {values:?}");
        assert_eq!(fast, reference, "{case}: {values:?}");
    }

    #[test]
    fn the_fast_phase_analysis_gives_the_per_rule_result() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for case in 0..1_000 {
            let n = 1 + usize::try_from(next(if case % 4 == 0 { 15 } else { 300 })).unwrap_or(0);
            let fix_after = (case % 3 == 0).then(|| 1 + (n / 2));
            let options = XmrOptions {
                improvement_direction: [
                    ImprovementDirection::Increase,
                    ImprovementDirection::Decrease,
                    ImprovementDirection::Neutral,
                ][case % 3],
                fix_after_n_points: fix_after,
                screen_outliers: case % 5 != 0,
                ..options()
            };
            let scale = [1.0, 0.1, 1e6][case % 3];
            let mut level = 0.0;
            let mut values: Vec<Option<f64>> = (0..n)
                .map(|_| {
                    level += f64::from(u32::try_from(next(3)).unwrap_or(1)) - 1.0;
                    let value = if case % 2 == 0 {
                        level
                    } else {
                        f64::from(u32::try_from(next(7)).unwrap_or(0))
                    };
                    (next(12) != 0).then_some(value * scale)
                })
                .collect();
            if case % 50 == 0 {
                values.fill(Some(4.0)); // no limits after screening
            }
            // Past a fixed baseline, values can sit exactly on the mean and the lines.
            if let Some(k) = fix_after {
                let limits = Limits::of(&values, &options);
                let lines = [
                    limits.mean,
                    limits.lpl,
                    limits.upl,
                    limits.lower_two_sigma,
                    limits.upper_two_sigma,
                ];
                for value in values.iter_mut().skip(k) {
                    if next(3) == 0
                        && let Some(line) = lines[usize::try_from(next(5)).unwrap_or(0)]
                    {
                        *value = Some(line);
                    }
                }
            }
            assert_phase_matches_the_rules(&values, &options, &format!("case {case}"));
        }
    }

    #[test]
    fn a_value_exactly_on_a_line_reads_as_before() {
        let mut values: Vec<Option<f64>> = (0..20).map(|i| Some(f64::from(i % 4))).collect();
        let options = XmrOptions {
            fix_after_n_points: Some(12),
            ..options()
        };
        let limits = Limits::of(&values, &options);
        for (i, line) in [
            limits.mean,
            limits.lpl,
            limits.upl,
            limits.lower_two_sigma,
            limits.upper_two_sigma,
        ]
        .into_iter()
        .enumerate()
        {
            values[13 + i] = line;
        }
        assert!(values.iter().all(Option::is_some));
        assert_phase_matches_the_rules(&values, &options, "on the lines");
        // Partly known lines take the short-circuits the peer's tests would.
        let partly = Limits {
            lpl: None,
            ..limits
        };
        assert!(partly.lines().is_none());
        for v in [None, Some(-100.0), Some(1.5), Some(100.0)] {
            let side = v.and_then(|v| Some(Side::of(v, partly.mean?)));
            let outside = v.and_then(|v| partly.outside(v));
            let close = v.and_then(|v| partly.close(v));
            assert_eq!(
                partly.read_partly_known(v),
                Reading::new(side, outside, close)
            );
        }
    }

    fn request(json: &str) -> Result<SpcRequest, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn error_fields(request: &SpcRequest) -> Vec<String> {
        match request.validate() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn the_request_reads_the_documented_json() -> Result<(), String> {
        let full = request(
            r#"{"points":[{"date":"2024-01-01","value":10.0},{"date":"2024-01-02","value":null}],
                "improvement_direction":"decrease","target":null,"rebase_dates":["2024-01-02"],
                "fix_after_n_points":null,"screen_outliers":false}"#,
        )?;
        assert_eq!(
            full.options.improvement_direction,
            ImprovementDirection::Decrease
        );
        assert_eq!(full.points[1].value, None);
        assert!(!full.options.screen_outliers);
        let minimal =
            request(r#"{"points":[{"date":"2024-01-01"}],"improvement_direction":"neutral"}"#)?;
        assert!(minimal.options.screen_outliers);
        assert_eq!(minimal.options.rebase_dates, []);
        assert!(
            request(r#"{"points":[]}"#).is_err(),
            "the direction is required"
        );
        Ok(())
    }

    #[test]
    fn the_response_has_the_documented_fields() -> Result<(), String> {
        let chart = analyse_spc(&request(
            r#"{"points":[{"date":"2024-01-01","value":1},{"date":"2024-01-02","value":2}],
                "improvement_direction":"increase"}"#,
        )?)
        .map_err(|e| format!("{e:?}"))?;
        let json = serde_json::to_value(&chart).map_err(|e| e.to_string())?;
        let point = &json["points"][0];
        for field in ["date", "value", "phase", "mean", "lpl", "upl", "point_type"] {
            assert!(point.get(field).is_some(), "points[].{field}");
        }
        let phase = &json["phases"][0];
        for field in ["phase", "start_date", "n", "mean", "lpl", "upl"] {
            assert!(phase.get(field).is_some(), "phases[].{field}");
        }
        assert_eq!(json["variation_icon"], "common_cause");
        assert_eq!(json["assurance_icon"], serde_json::Value::Null);
        assert_eq!(json["warnings"][0]["kind"], "trial_limits");
        Ok(())
    }

    #[test]
    fn validation_reports_each_bad_field() -> Result<(), String> {
        let mut bad = request(
            r#"{"points":[{"date":"2024-01-03","value":1},{"date":"2024-01-01","value":2},
                          {"date":"2024-01-03","value":3},{"date":"2024-01-04","value":4}],
                "improvement_direction":"increase","fix_after_n_points":11,
                "rebase_dates":["2024-01-09"]}"#,
        )?;
        bad.options.target = Some(f64::INFINITY);
        bad.points[1].value = Some(f64::NAN);
        assert_eq!(
            error_fields(&bad),
            [
                "points[1].value",
                "points[2].date",
                "target",
                "fix_after_n_points"
            ]
        );
        let rebases = request(
            r#"{"points":[{"date":"2024-01-01"},{"date":"2024-01-05"},{"date":"2024-01-09"}],
                "improvement_direction":"increase",
                "rebase_dates":["2024-01-10","2024-01-04","2023-12-01","2024-01-05"]}"#,
        )?;
        assert_eq!(
            error_fields(&rebases),
            ["rebase_dates[0]", "rebase_dates[3]"]
        );
        let empty = request(r#"{"points":[],"improvement_direction":"increase"}"#)?;
        assert_eq!(error_fields(&empty), ["points"]);
        Ok(())
    }

    #[test]
    fn validation_refuses_too_many_points() {
        let too_many = SpcRequest {
            points: vec![
                SeriesPoint {
                    date: day(0),
                    value: None
                };
                series::MAX_POINTS + 1
            ],
            options: options(),
        };
        assert_eq!(error_fields(&too_many), ["points"]);
    }
}
