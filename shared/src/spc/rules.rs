//! The Making Data Count special-cause rules, one function each, as NHSRplotthedots applies them.
//!
//! Each function reads one phase (the engine never lets a window cross a rebase) and mirrors one
//! of the peer's helpers, so the peer's own unit tests can be run against it. The inputs are
//! `Option`s because a missing value, or a mean or limit that can't be computed, is unknown rather
//! than false: **an unknown point breaks every run, trend and window that would include it**. That
//! is exactly what the peer's three-valued logic does wherever it doesn't stop with an error, and
//! the one sensible reading of "a gap" where it does (a would-be trend through a missing value).

use serde::{Deserialize, Serialize};

/// Points in a run, or in a trend, that make a signal.
pub const RUN_LENGTH: usize = 7;

/// Which way is better for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImprovementDirection {
    Increase,
    Decrease,
    /// Neither direction is better: special causes are only "high" or "low".
    Neutral,
}

/// Where a value lies relative to the mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Below,
    /// Exactly on the mean: breaks a run on one side.
    On,
    Above,
}

impl Side {
    pub fn of(value: f64, mean: f64) -> Self {
        if value > mean {
            Self::Above
        } else if value < mean {
            Self::Below
        } else {
            Self::On
        }
    }
}

/// The direction of a run of strictly rising or falling values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Increasing,
    Decreasing,
}

/// The rule that makes a point special cause. When several apply, the first in this order wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpecialCause {
    /// Above the upper process limit.
    AboveUpperLimit,
    /// Below the lower process limit.
    BelowLowerLimit,
    /// Part of 7 or more points each higher than the one before.
    TrendIncreasing,
    /// Part of 7 or more points each lower than the one before.
    TrendDecreasing,
    /// Between the upper 2- and 3-sigma lines, with another such point within 3 points all above
    /// the mean.
    TwoOfThreeAbove,
    /// The same below the mean.
    TwoOfThreeBelow,
    /// Part of 7 or more points in a row above the mean.
    ShiftAbove,
    /// Part of 7 or more points in a row below the mean.
    ShiftBelow,
}

impl SpecialCause {
    /// NHSRplotthedots's name for the rule (its `special_cause_type`).
    pub fn label(self) -> &'static str {
        match self {
            Self::AboveUpperLimit => "Above UCL",
            Self::BelowLowerLimit => "Below LCL",
            Self::TrendIncreasing => "7 Point Trend (Increasing)",
            Self::TrendDecreasing => "7 Point Trend (Decreasing)",
            Self::TwoOfThreeAbove => "2 in 3 Above CL",
            Self::TwoOfThreeBelow => "2 in 3 Below CL",
            Self::ShiftAbove => "7 Points Above CL",
            Self::ShiftBelow => "7 Points Below CL",
        }
    }

    /// Whether the signal points up (high values or a rising trend).
    pub fn is_high(self) -> bool {
        matches!(
            self,
            Self::AboveUpperLimit
                | Self::TrendIncreasing
                | Self::TwoOfThreeAbove
                | Self::ShiftAbove
        )
    }
}

/// What a point says, read against the improvement direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PointType {
    CommonCause,
    SpecialCauseImprovement,
    SpecialCauseConcern,
    SpecialCauseNeutralHigh,
    SpecialCauseNeutralLow,
}

/// Whether the process will meet its target, judged from its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssuranceIcon {
    /// The target lies beyond the limits on the good side: every point should meet it.
    Pass,
    /// The target lies beyond the limits on the bad side: no point should meet it.
    Fail,
    /// The target lies within the limits (or they can't be computed): hit and miss.
    Inconsistent,
}

/// Marks each point that ends a run of [`RUN_LENGTH`] points on the same side of the mean
/// (the peer's `ptd_seven_point_one_side_mean`). A point on the mean, or unknown, breaks the run.
pub fn shift_window_ends(sides: &[Option<Side>]) -> Vec<bool> {
    let mut run = 0;
    let mut previous = None;
    sides
        .iter()
        .map(|&side| {
            match side {
                Some(s @ (Side::Above | Side::Below)) => {
                    run = if previous == Some(s) { run + 1 } else { 1 };
                    previous = Some(s);
                }
                _ => {
                    run = 0;
                    previous = None;
                }
            }
            run >= RUN_LENGTH
        })
        .collect()
}

/// Marks each point that ends [`RUN_LENGTH`] points each strictly higher (or lower) than the one
/// before (the peer's `ptd_seven_point_trend`). Equal neighbours and gaps break a trend.
pub fn trend_window_ends(values: &[Option<f64>]) -> Vec<Option<Trend>> {
    let mut run = 0;
    let mut previous = None;
    let mut ends = Vec::with_capacity(values.len());
    ends.push(None);
    for pair in values.windows(2) {
        let step = match (pair[0], pair[1]) {
            (Some(a), Some(b)) if b > a => Some(Trend::Increasing),
            (Some(a), Some(b)) if b < a => Some(Trend::Decreasing),
            _ => None,
        };
        run = match step {
            Some(_) if step == previous => run + 1,
            Some(_) => 1,
            None => 0,
        };
        previous = step;
        // RUN_LENGTH points make RUN_LENGTH - 1 steps.
        ends.push(step.filter(|_| run + 1 >= RUN_LENGTH));
    }
    ends.truncate(values.len());
    ends
}

/// Marks each point inside a [`RUN_LENGTH`]-point window ending at a marked point, i.e. every
/// point of a shift or trend (the peer's `ptd_part_of_seven_trend`).
pub fn part_of_run(window_ends: &[bool]) -> Vec<bool> {
    let mut part = vec![false; window_ends.len()];
    let mut next_end: Option<usize> = None;
    for i in (0..window_ends.len()).rev() {
        if window_ends[i] {
            next_end = Some(i);
        }
        part[i] = next_end.is_some_and(|end| end - i < RUN_LENGTH);
    }
    part
}

/// Marks each point in a window of 3 consecutive points, all on the same side of the mean, of
/// which at least 2 are close to the limits (the peer's `ptd_two_in_three`).
pub fn two_in_three(close_to_limits: &[Option<bool>], sides: &[Option<Side>]) -> Vec<bool> {
    let n = close_to_limits.len();
    let window_signals = |start: usize| {
        let (Some(close), Some(sides)) = (
            close_to_limits.get(start..start + 3),
            sides.get(start..start + 3),
        ) else {
            return false;
        };
        let same_side =
            matches!(sides, [Some(a), Some(b), Some(c)] if *a != Side::On && a == b && b == c);
        let mut close_count = 0;
        for c in close {
            match c {
                Some(true) => close_count += 1,
                Some(false) => {}
                None => return false,
            }
        }
        same_side && close_count >= 2
    };
    let windows: Vec<bool> = (0..n).map(window_signals).collect();
    (0..n)
        .map(|i| (i.saturating_sub(2)..=i).any(|start| windows[start]))
        .collect()
}

/// Keeps, of the points [`two_in_three`] marked, those that are themselves close to the limits
/// (the peer's `ptd_part_of_two_in_three`): the third point of a window isn't flagged.
pub fn part_of_two_in_three(in_window: &[bool], close_to_limits: &[Option<bool>]) -> Vec<bool> {
    in_window
        .iter()
        .zip(close_to_limits)
        .map(|(&w, &c)| w && c == Some(true))
        .collect()
}

/// The special cause of each point of a phase, applying the rules in the peer's precedence:
/// outside the limits, then trend, then two in three, then shift.
///
/// `outside_limits` and `close_to_limits` are `None` where the value or the limits are unknown;
/// `sides` where the value or the mean is.
pub fn special_causes(
    values: &[Option<f64>],
    sides: &[Option<Side>],
    close_to_limits: &[Option<bool>],
    outside_limits: &[Option<bool>],
) -> Vec<Option<SpecialCause>> {
    let trend_ends = trend_window_ends(values);
    let in_trend = part_of_run(&trend_ends.iter().map(Option::is_some).collect::<Vec<_>>());
    let in_two_of_three =
        part_of_two_in_three(&two_in_three(close_to_limits, sides), close_to_limits);
    let in_shift = part_of_run(&shift_window_ends(sides));
    // Slices shorter than `values` read as unknown past their end, rather than panicking.
    let marked = |flags: &[bool], i: usize| flags.get(i) == Some(&true);
    let above = |i: usize| sides.get(i) == Some(&Some(Side::Above));
    let high_or_low =
        |i: usize, high: SpecialCause, low: SpecialCause| Some(if above(i) { high } else { low });
    (0..values.len())
        .map(|i| {
            if outside_limits.get(i) == Some(&Some(true)) {
                high_or_low(
                    i,
                    SpecialCause::AboveUpperLimit,
                    SpecialCause::BelowLowerLimit,
                )
            } else if marked(&in_trend, i) {
                Some(match trend_direction(values, &in_trend, i) {
                    Trend::Increasing => SpecialCause::TrendIncreasing,
                    Trend::Decreasing => SpecialCause::TrendDecreasing,
                })
            } else if marked(&in_two_of_three, i) {
                high_or_low(
                    i,
                    SpecialCause::TwoOfThreeAbove,
                    SpecialCause::TwoOfThreeBelow,
                )
            } else if marked(&in_shift, i) {
                high_or_low(i, SpecialCause::ShiftAbove, SpecialCause::ShiftBelow)
            } else {
                None
            }
        })
        .collect()
}

/// The direction of the trend point `i` is part of. A point where a trend meets the next one (a
/// peak between a rise and a fall) takes the step after it, as the peer does.
fn trend_direction(values: &[Option<f64>], in_trend: &[bool], i: usize) -> Trend {
    let step = |a: usize, b: usize| match (
        values.get(a).copied().flatten(),
        values.get(b).copied().flatten(),
    ) {
        (Some(x), Some(y)) if y > x => Some(Trend::Increasing),
        _ => None,
    };
    let rising = if in_trend.get(i + 1) == Some(&true) {
        step(i, i + 1)
    } else if i > 0 {
        step(i - 1, i)
    } else {
        None
    };
    rising.unwrap_or(Trend::Decreasing)
}

/// Reads a special cause against the improvement direction.
pub fn point_type(cause: Option<SpecialCause>, direction: ImprovementDirection) -> PointType {
    let Some(cause) = cause else {
        return PointType::CommonCause;
    };
    match (direction, cause.is_high()) {
        (ImprovementDirection::Neutral, true) => PointType::SpecialCauseNeutralHigh,
        (ImprovementDirection::Neutral, false) => PointType::SpecialCauseNeutralLow,
        (ImprovementDirection::Increase, true) | (ImprovementDirection::Decrease, false) => {
            PointType::SpecialCauseImprovement
        }
        _ => PointType::SpecialCauseConcern,
    }
}

/// Whether a process with these limits will meet `target` (the peer's
/// `ptd_calculate_assurance_type`): `None` without a target or with a neutral direction.
///
/// Strict comparisons, so a target exactly on a limit is hit and miss. Limits that can't be
/// computed, or a target that isn't a number (the peer's NA target of a facet it has no target
/// for), can't be compared, which makes the answer [`AssuranceIcon::Inconsistent`] as in the peer.
pub fn assurance(
    lpl: Option<f64>,
    upl: Option<f64>,
    target: Option<f64>,
    direction: ImprovementDirection,
) -> Option<AssuranceIcon> {
    let target = target?;
    let (good_above, good_below) = match direction {
        ImprovementDirection::Neutral => return None,
        ImprovementDirection::Increase => (AssuranceIcon::Fail, AssuranceIcon::Pass),
        ImprovementDirection::Decrease => (AssuranceIcon::Pass, AssuranceIcon::Fail),
    };
    Some(if upl.is_some_and(|upl| target > upl) {
        good_above
    } else if lpl.is_some_and(|lpl| target < lpl) {
        good_below
    } else {
        AssuranceIcon::Inconsistent
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sides(v: &[i8]) -> Vec<Option<Side>> {
        v.iter()
            .map(|&s| Some(Side::of(f64::from(s), 0.0)))
            .collect()
    }

    #[test]
    fn a_gap_breaks_a_shift() {
        let mut s = sides(&[1; 10]);
        assert_eq!(shift_window_ends(&s).iter().filter(|&&e| e).count(), 4);
        s[5] = None;
        assert!(shift_window_ends(&s).iter().all(|&e| !e));
    }

    #[test]
    fn a_gap_breaks_a_trend() {
        let mut values: Vec<Option<f64>> = (0..8).map(|i| Some(f64::from(i))).collect();
        assert_eq!(
            trend_window_ends(&values)[6..],
            [Some(Trend::Increasing), Some(Trend::Increasing)]
        );
        values[3] = None;
        assert!(trend_window_ends(&values).iter().all(Option::is_none));
    }

    #[test]
    fn rules_accept_empty_and_single_points() {
        assert!(special_causes(&[], &[], &[], &[]).is_empty());
        assert_eq!(
            special_causes(
                &[Some(1.0)],
                &[Some(Side::On)],
                &[Some(false)],
                &[Some(false)]
            ),
            [None]
        );
        assert_eq!(trend_window_ends(&[None]), [None]);
    }

    #[test]
    fn mismatched_slices_read_as_unknown() {
        let values = [Some(1.0), Some(9.0)];
        assert_eq!(
            special_causes(&values, &[Some(Side::Above)], &[], &[None, Some(true)]),
            [None, Some(SpecialCause::BelowLowerLimit)]
        );
    }

    #[test]
    fn a_peak_between_two_trends_takes_the_later_direction() {
        let rise_then_fall = [
            1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0,
        ];
        let values: Vec<Option<f64>> = rise_then_fall.iter().copied().map(Some).collect();
        let unknown_sides = vec![None; values.len()];
        let unknown = vec![None; values.len()];
        let causes = special_causes(&values, &unknown_sides, &unknown, &unknown);
        assert_eq!(causes[5], Some(SpecialCause::TrendIncreasing));
        assert_eq!(causes[6], Some(SpecialCause::TrendDecreasing));
        assert_eq!(causes[7], Some(SpecialCause::TrendDecreasing));
    }

    #[test]
    fn point_types_follow_the_direction() {
        use ImprovementDirection::*;
        let high = Some(SpecialCause::ShiftAbove);
        assert_eq!(
            point_type(high, Increase),
            PointType::SpecialCauseImprovement
        );
        assert_eq!(point_type(high, Decrease), PointType::SpecialCauseConcern);
        assert_eq!(
            point_type(high, Neutral),
            PointType::SpecialCauseNeutralHigh
        );
        assert_eq!(point_type(None, Neutral), PointType::CommonCause);
    }
}
