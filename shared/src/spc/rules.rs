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

wire_enum! {
    /// Which way is better for a measure.
    ImprovementDirection {
        Increase => "increase", "Higher is better";
        Decrease => "decrease", "Lower is better";
        /// Neither direction is better: special causes are only "high" or "low".
        Neutral => "neutral", "Neither";
    }
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
    /// Branch-free: in noisy data which side comes next is a coin toss, which a branch
    /// mispredicts half the time. A value that isn't a number is neither above nor below: `On`.
    pub fn of(value: f64, mean: f64) -> Self {
        match 1 + u8::from(value > mean) - u8::from(value < mean) {
            0 => Self::Below,
            1 => Self::On,
            _ => Self::Above,
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
/// The rules one by one, kept as the reference: the engine uses `judge`, which gives the same in
/// two sweeps and is tested against this.
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

/// A point read against its phase's mean and limits, packed in a byte: the side and the two
/// line tests, each either known or not. [`judge`] tests it with masks rather than branches, and
/// it is a third of the size of the three `Option`s it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reading(u8);

impl Reading {
    // The low four bits are what the two-in-three rule reads of a point (see `judge`).
    const ABOVE: u8 = 1;
    const BELOW: u8 = 1 << 1;
    const CLOSE: u8 = 1 << 2;
    const CLOSE_KNOWN: u8 = 1 << 3;
    const SIDE_KNOWN: u8 = 1 << 4;
    const OUTSIDE: u8 = 1 << 5;
    const OUTSIDE_KNOWN: u8 = 1 << 6;
    const WINDOW_BITS: u8 = 0b1111;

    pub(crate) fn new(side: Option<Side>, outside: Option<bool>, close: Option<bool>) -> Self {
        let side = match side {
            None => 0,
            Some(Side::Below) => Self::SIDE_KNOWN | Self::BELOW,
            Some(Side::On) => Self::SIDE_KNOWN,
            Some(Side::Above) => Self::SIDE_KNOWN | Self::ABOVE,
        };
        let test = |result: Option<bool>, set: u8, known: u8| {
            result.map_or(0, |r| known | if r { set } else { 0 })
        };
        Self(
            side | test(outside, Self::OUTSIDE, Self::OUTSIDE_KNOWN)
                | test(close, Self::CLOSE, Self::CLOSE_KNOWN),
        )
    }

    /// A value read against a mean and limits that are all known, from the raw comparisons
    /// (`above` and `below` the mean), when `known`; nothing known otherwise. No branches, so
    /// that a noisy series costs no mispredictions.
    pub(crate) fn of_comparisons(
        known: bool,
        above: bool,
        below: bool,
        outside: bool,
        close: bool,
    ) -> Self {
        let bits = Self::SIDE_KNOWN
            | Self::OUTSIDE_KNOWN
            | Self::CLOSE_KNOWN
            | set_if(above, Self::ABOVE)
            | set_if(below, Self::BELOW)
            | set_if(outside, Self::OUTSIDE)
            | set_if(close, Self::CLOSE);
        Self(bits * u8::from(known))
    }

    pub(crate) fn side(self) -> Option<Side> {
        match self.0 & (Self::SIDE_KNOWN | Self::ABOVE | Self::BELOW) {
            Self::SIDE_KNOWN => Some(Side::On),
            bits if bits == Self::SIDE_KNOWN | Self::ABOVE => Some(Side::Above),
            bits if bits == Self::SIDE_KNOWN | Self::BELOW => Some(Side::Below),
            _ => None,
        }
    }

    pub(crate) fn outside(self) -> Option<bool> {
        (self.0 & Self::OUTSIDE_KNOWN != 0).then_some(self.0 & Self::OUTSIDE != 0)
    }

    pub(crate) fn close(self) -> Option<bool> {
        (self.0 & Self::CLOSE_KNOWN != 0).then_some(self.0 & Self::CLOSE != 0)
    }
}

/// `mask` when `flag` is set, 0 otherwise: a multiplication the compiler keeps branch-free.
fn set_if(flag: bool, mask: u8) -> u8 {
    u8::from(flag) * mask
}

/// What [`judge`] found about a point in its forward sweep, kept (until the backward sweep
/// replaces it with the cause) in [`Judged`]'s second byte.
mod note {
    /// Both this value and the one before are known, and this one is higher.
    pub const RISES: u8 = 1;
    /// Ends [`super::RUN_LENGTH`] points rising, or falling.
    pub const TREND_END: u8 = 1 << 1;
    /// Ends [`super::RUN_LENGTH`] points on one side of the mean.
    pub const SHIFT_END: u8 = 1 << 2;
    /// Ends a two-in-three window.
    pub const WINDOW_END: u8 = 1 << 3;
}

/// The special causes [`Judged`] stores by number: rule (in precedence order, 4 for none) times
/// 2, plus 1 for the low or falling side. Padded to 16 so that looking one up needs no bounds
/// check.
const CAUSES: [Option<SpecialCause>; 16] = {
    let mut causes = [None; 16];
    causes[0] = Some(SpecialCause::AboveUpperLimit);
    causes[1] = Some(SpecialCause::BelowLowerLimit);
    causes[2] = Some(SpecialCause::TrendIncreasing);
    causes[3] = Some(SpecialCause::TrendDecreasing);
    causes[4] = Some(SpecialCause::TwoOfThreeAbove);
    causes[5] = Some(SpecialCause::TwoOfThreeBelow);
    causes[6] = Some(SpecialCause::ShiftAbove);
    causes[7] = Some(SpecialCause::ShiftBelow);
    causes
};

/// A point as [`judge`] leaves it: its reading and its special cause, in two bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Judged {
    pub(crate) reading: Reading,
    /// An index into [`CAUSES`].
    cause: u8,
}

impl Judged {
    pub(crate) fn cause(self) -> Option<SpecialCause> {
        CAUSES[usize::from(self.cause & 15)]
    }
}

/// Whether three points signal two in three, indexed by their [`Reading::WINDOW_BITS`], four
/// bits a point, the latest lowest: all on one side of the mean, all known to be or not to be
/// close to the limits, and two or more close. One lookup instead of a dozen tests.
const TWO_IN_THREE: [bool; 1 << 12] = {
    /// Whether `bit` is set for all three points of `window`.
    const fn every(window: usize, bit: u8) -> bool {
        let bit = bit as usize;
        window & bit != 0 && window & bit << 4 != 0 && window & bit << 8 != 0
    }
    let mut table = [false; 1 << 12];
    let mut window = 0;
    while window < table.len() {
        let close = Reading::CLOSE as usize;
        let close_count = (window & close != 0) as u8
            + (window & close << 4 != 0) as u8
            + (window & close << 8 != 0) as u8;
        table[window] = (every(window, Reading::ABOVE) || every(window, Reading::BELOW))
            && every(window, Reading::CLOSE_KNOWN)
            && close_count >= 2;
        window += 1;
    }
    table
};

/// The special cause of each point of a phase: exactly what [`special_causes`] gives (a test
/// holds them to it on thousands of random series), in two sweeps instead of a pass per rule.
///
/// The forward sweep takes each point's reading, counts the runs (on one side of the mean,
/// rising or falling) and keeps the last three points for the two-in-three rule, noting where
/// each run or window ends. A mark reaches back from the end of its run, so the backward sweep
/// marks: it carries how far the next trend and shift end is, and which of the next windows end,
/// and applies the rules in the peer's precedence. Both sweeps are free of data-dependent
/// branches, which random data mispredicts, and the readings are taken as the values are swept
/// rather than in a pass of their own.
///
/// `readings` are the phase's `values` read against its limits; the points are as many as the
/// shorter of the two.
pub(crate) fn judge(
    values: &[Option<f64>],
    readings: impl IntoIterator<Item = Reading>,
) -> Vec<Judged> {
    // Filled in place rather than pushed to: a push's growth path, though never taken, makes
    // the compiler keep the sweep's state in memory rather than registers.
    let mut judged = vec![
        Judged {
            reading: Reading(0),
            cause: 0
        };
        values.len()
    ];
    let (mut previous, mut previous_known) = (0.0, false);
    // A run's direction (1 rising or above, 2 falling or below, 0 none: the run is broken) and
    // length. One counter per rule, as a run can't go both ways at once; it goes on or starts
    // again by multiplying rather than branching.
    let (mut step, mut trend_run, mut side, mut side_run) = (0u8, 0usize, 0u8, 0usize);
    let run = |length: usize, same: bool, direction: u8| {
        (length * usize::from(same) + 1) * usize::from(direction != 0)
    };
    let mut last_three = 0usize;
    let mut points = 0;
    // A loop rather than `extend` with a closure, which kept the state behind pointers too.
    for ((value, reading), point) in values.iter().zip(readings).zip(&mut judged) {
        let known = value.is_some();
        let value = value.unwrap_or(0.0);
        let both = known & previous_known;
        let rises = both & (value > previous);
        let falls = both & (value < previous);
        (previous, previous_known) = (value, known);
        let next_step = u8::from(rises) | u8::from(falls) << 1;
        trend_run = run(trend_run, next_step == step, next_step);
        step = next_step;
        let bits = reading.0;
        let next_side = bits & (Reading::ABOVE | Reading::BELOW);
        side_run = run(side_run, next_side == side, next_side);
        side = next_side;
        last_three = (last_three << 4 | usize::from(bits & Reading::WINDOW_BITS)) & 0xfff;
        // RUN_LENGTH points make RUN_LENGTH - 1 steps.
        let trend_ends = trend_run >= RUN_LENGTH - 1;
        let shift_ends = side_run >= RUN_LENGTH;
        *point = Judged {
            reading,
            cause: set_if(rises, note::RISES)
                | set_if(trend_ends, note::TREND_END)
                | set_if(shift_ends, note::SHIFT_END)
                | set_if(TWO_IN_THREE[last_three], note::WINDOW_END),
        };
        points += 1;
    }
    // Fewer readings than values: the points are as many as the readings.
    judged.truncate(points);

    const TREND_RULE: u32 = 1;
    // How far ahead the nearest trend (shift) end is, counting this point; RUN_LENGTH or more is
    // too far to reach back here.
    let (mut to_trend_end, mut to_shift_end) = (RUN_LENGTH, RUN_LENGTH);
    // Whether windows end here, one point on and two on (bits 0, 1 and 2).
    let mut windows_ending = 0u8;
    let (mut next_in_trend, mut next_rises) = (false, false);
    for point in judged.iter_mut().rev() {
        let (bits, notes) = (point.reading.0, point.cause);
        let step =
            |distance: usize, ends: bool| (distance + 1).min(RUN_LENGTH) * usize::from(!ends);
        to_trend_end = step(to_trend_end, notes & note::TREND_END != 0);
        to_shift_end = step(to_shift_end, notes & note::SHIFT_END != 0);
        windows_ending = (windows_ending << 1 | u8::from(notes & note::WINDOW_END != 0)) & 0b111;
        let in_trend = to_trend_end < RUN_LENGTH;
        let in_shift = to_shift_end < RUN_LENGTH;
        // Only the window's points close to the limits are marked, not its third point.
        let in_two_of_three = (bits & Reading::CLOSE != 0) & (windows_ending != 0);
        let rises = notes & note::RISES != 0;
        // Where a trend meets the next (a peak), the point takes the step after it, as the peer
        // does; otherwise the step into it (none at the first point, which reads as falling).
        let trend_rises = (next_in_trend & next_rises) | (!next_in_trend & rises);
        (next_in_trend, next_rises) = (in_trend, rises);
        let rule = (u8::from(bits & Reading::OUTSIDE != 0)
            | u8::from(in_trend) << 1
            | u8::from(in_two_of_three) << 2
            | u8::from(in_shift) << 3
            | 1 << 4)
            .trailing_zeros();
        let is_trend = rule == TREND_RULE;
        let low = (is_trend & !trend_rises) | (!is_trend & (bits & Reading::ABOVE == 0));
        // At most 4 * 2 + 1.
        point.cause = u8::try_from(rule * 2).unwrap_or(8) + u8::from(low);
    }
    judged
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

    /// A small deterministic generator (PCG's LCG step, top bits), so a failure replays.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn one_in(&mut self, n: u64) -> bool {
            self.below(n) == 0
        }

        fn option<T>(&mut self, value: T) -> Option<T> {
            (!self.one_in(8)).then_some(value)
        }
    }

    /// Values on a coarse grid, so ties and values exactly on the mean or a line are common:
    /// either independent draws or a walk that tends to keep its direction, which makes trends.
    fn random_values(random: &mut Random, n: usize) -> Vec<Option<f64>> {
        let walk = random.one_in(2);
        let mut level = 10i32;
        let mut direction = 1i32;
        (0..n)
            .map(|_| {
                let value = if walk {
                    if random.one_in(4) {
                        direction = i32::try_from(random.below(3)).unwrap_or(1) - 1;
                    }
                    level += direction;
                    level
                } else {
                    i32::try_from(random.below(9)).unwrap_or(0) + 6
                };
                let gap_odds = if random.one_in(3) { 6 } else { 40 };
                let gap = random.one_in(gap_odds);
                (!gap).then_some(f64::from(value))
            })
            .collect()
    }

    /// A reading as the engine makes it from a mean and lines, any of which may be unknown
    /// (the same short-circuits as `Limits`): the consistent readings real phases give.
    fn read(value: Option<f64>, lines: [Option<f64>; 5]) -> Reading {
        let [mean, lpl, upl, lower, upper] = lines;
        let outside = |v: f64| Some(v > upl? || v < lpl?);
        let close = |v: f64| Some(!outside(v)? && (v < lower? || v > upper?));
        let side = value.and_then(|v| Some(Side::of(v, mean?)));
        let (outside, close) = value.map_or((None, None), |v| (outside(v), close(v)));
        Reading::new(side, outside, close)
    }

    #[test]
    fn judging_in_two_sweeps_marks_what_the_rules_mark_one_by_one() {
        let mut random = Random(0x853c_49e6_748f_ea9b);
        let sides = [None, Some(Side::Below), Some(Side::On), Some(Side::Above)];
        let flags = [None, Some(false), Some(true)];
        let mut special = 0;
        for case in 0..3_000 {
            let n = match random.below(4) {
                0 => usize::try_from(random.below(8)).unwrap_or(0),
                1 | 2 => 8 + usize::try_from(random.below(40)).unwrap_or(0),
                _ => 48 + usize::try_from(random.below(400)).unwrap_or(0),
            };
            let values = random_values(&mut random, n);
            let readings: Vec<Reading> = if random.one_in(4) {
                // Any combination, consistent or not: the sweeps must not rely on consistency.
                values
                    .iter()
                    .map(|_| {
                        let pick = |random: &mut Random, k: usize| {
                            usize::try_from(random.below(k as u64)).unwrap_or(0)
                        };
                        Reading::new(
                            sides[pick(&mut random, 4)],
                            flags[pick(&mut random, 3)],
                            flags[pick(&mut random, 3)],
                        )
                    })
                    .collect()
            } else {
                // Lines on the values' grid (or half-way), so values land exactly on them.
                let mean = 10.0 + f64::from(u32::try_from(random.below(5)).unwrap_or(0)) / 2.0;
                let spread = f64::from(u32::try_from(1 + random.below(8)).unwrap_or(1));
                let inner = spread * f64::from(u32::try_from(random.below(3)).unwrap_or(0)) / 3.0;
                let lines = [
                    mean,
                    mean - spread,
                    mean + spread,
                    mean - inner,
                    mean + inner,
                ]
                .map(|line| random.option(line));
                values.iter().map(|&v| read(v, lines)).collect()
            };
            let sides: Vec<Option<Side>> = readings.iter().map(|r| r.side()).collect();
            let outside: Vec<Option<bool>> = readings.iter().map(|r| r.outside()).collect();
            let close: Vec<Option<bool>> = readings.iter().map(|r| r.close()).collect();
            for (i, r) in readings.iter().enumerate() {
                assert_eq!(
                    Reading::new(sides[i], outside[i], close[i]),
                    *r,
                    "case {case}"
                );
            }
            let expected = special_causes(&values, &sides, &close, &outside);
            let judged = judge(&values, readings.iter().copied());
            assert!(
                judged
                    .iter()
                    .map(|j| j.reading)
                    .eq(readings.iter().copied())
            );
            assert_eq!(
                judged.into_iter().map(Judged::cause).collect::<Vec<_>>(),
                expected,
                "case {case}: values {values:?}, sides {sides:?}, close {close:?}, outside \
                 {outside:?}"
            );
            special += expected.iter().flatten().count();
        }
        // The series must exercise the rules, not just agree on "nothing special".
        assert!(special > 10_000, "only {special} special-cause points");
    }

    #[test]
    fn every_rule_is_exercised_by_the_random_series() {
        let mut random = Random(7);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..300 {
            let values = random_values(&mut random, 60);
            let lines = [Some(12.0), Some(6.0), Some(18.0), Some(8.0), Some(16.0)];
            let readings: Vec<Reading> = values.iter().map(|&v| read(v, lines)).collect();
            seen.extend(
                judge(&values, readings)
                    .into_iter()
                    .filter_map(Judged::cause),
            );
        }
        assert_eq!(seen.len(), 8, "rules seen: {seen:?}");
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
