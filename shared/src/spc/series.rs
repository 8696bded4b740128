//! A measure's dated values, put in date order once so every analysis can trust that order.

use std::fmt;
use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// The most points one series may have: enough for daily data over millennia, small enough that
/// one request can't hold a server (or a browser tab) for long.
pub const MAX_POINTS: usize = 1_000_000;

/// How many problems validation reports for one list before it stops, so that a million bad
/// points give a readable answer instead of a million errors.
pub(crate) const MAX_REPORTED_PER_LIST: usize = 20;

/// One value of a measure, as sent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesPoint {
    pub date: NaiveDate,
    /// Empty (`null`) for a period with no value: a gap in the chart, never an error.
    #[serde(default)]
    pub value: Option<f64>,
}

/// Why points can't make a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesError {
    /// No points: there is nothing to analyse (NHSRplotthedots fails here too).
    Empty,
    /// Two points share a date, so their order, and every rule that reads it, would be a guess.
    DuplicateDate(NaiveDate),
}

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the series has no points"),
            Self::DuplicateDate(date) => write!(f, "two points have the date {date}"),
        }
    }
}

impl std::error::Error for SeriesError {}

/// A non-empty series in date order with no two points on the same date.
///
/// A value that is not a finite number is kept as a gap: it can only come from Rust callers (JSON
/// has no NaN), and a gap is what such a value means for a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    dates: Vec<NaiveDate>,
    values: Vec<Option<f64>>,
}

impl Series {
    pub fn new(points: &[SeriesPoint]) -> Result<Self, SeriesError> {
        if points.is_empty() {
            return Err(SeriesError::Empty);
        }
        if strictly_in_date_order(points) {
            return Ok(Self::in_order(points, None));
        }
        let order = date_order(points);
        if let Some((_, later)) = duplicate_dates(points, order.as_deref()).next() {
            return Err(SeriesError::DuplicateDate(points[later].date));
        }
        Ok(Self::in_order(points, order.as_deref()))
    }

    /// Builds the series from an order already checked for duplicates.
    fn in_order(points: &[SeriesPoint], order: Option<&[usize]>) -> Self {
        let value = |p: &SeriesPoint| p.value.filter(|v| v.is_finite());
        // Two collects rather than an unzip, which pushes to two vectors a point.
        match order {
            None => Self {
                dates: points.iter().map(|p| p.date).collect(),
                values: points.iter().map(value).collect(),
            },
            Some(order) => Self {
                dates: order.iter().map(|&i| points[i].date).collect(),
                values: order.iter().map(|&i| value(&points[i])).collect(),
            },
        }
    }

    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    pub fn values(&self) -> &[Option<f64>] {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Always false: a series has at least one point. Here because `len` asks for it.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The position of the first point on or after `date` (`len()` when there is none).
    pub(crate) fn first_on_or_after(&self, date: NaiveDate) -> usize {
        self.dates.partition_point(|&d| d < date)
    }

    /// The position of the first point after `date` (`len()` when there is none).
    pub(crate) fn first_after(&self, date: NaiveDate) -> usize {
        self.dates.partition_point(|&d| d <= date)
    }

    /// Whether some point has exactly this date.
    pub(crate) fn contains(&self, date: NaiveDate) -> bool {
        self.dates.binary_search(&date).is_ok()
    }
}

/// Cuts positions `0..len` where each of `starts` begins a segment (phases, parts), into
/// consecutive non-empty ranges. Starts at 0, repeated or at or beyond the end cut nothing.
pub(crate) fn segments(len: usize, starts: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
    let mut starts: Vec<usize> = starts.into_iter().filter(|&s| s < len).collect();
    starts.push(0);
    starts.sort_unstable();
    starts.dedup();
    let ends = starts.iter().skip(1).copied().chain([len]);
    starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| start..end)
        .collect()
}

/// Whether each point is dated after the one before: then the points are in order with no date
/// twice, as series usually arrive, and one pass over them is all the checking the dates need.
fn strictly_in_date_order(points: &[SeriesPoint]) -> bool {
    points.windows(2).all(|w| w[0].date < w[1].date)
}

/// Positions of `points` in date order, or `None` when they are in order already: series usually
/// arrive sorted, and then neither a sort nor an index is needed.
fn date_order(points: &[SeriesPoint]) -> Option<Vec<usize>> {
    if points.windows(2).all(|w| w[0].date <= w[1].date) {
        return None;
    }
    let mut order: Vec<usize> = (0..points.len()).collect();
    // Stable, so of two points on one date the earlier in the request comes first.
    order.sort_by_key(|&i| points[i].date);
    Some(order)
}

/// The request position of the `k`th point in date order.
fn position(order: Option<&[usize]>, k: usize) -> usize {
    order.map_or(k, |order| order[k])
}

/// Pairs of request positions `(earlier, later)` that share a date.
fn duplicate_dates<'a>(
    points: &'a [SeriesPoint],
    order: Option<&'a [usize]>,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    (1..points.len()).filter_map(move |k| {
        let (a, b) = (position(order, k - 1), position(order, k));
        (points[a].date == points[b].date).then(|| (a.min(b), a.max(b)))
    })
}

/// Checks the `points` of a request, recording problems under `points...`; gives back the series
/// when the points are usable.
pub(crate) fn validate_points(points: &[SeriesPoint], errors: &mut FieldErrors) -> Option<Series> {
    if points.is_empty() {
        errors.push("points", "Enter at least one point");
        return None;
    }
    if points.len() > MAX_POINTS {
        errors.push(
            "points",
            format!("A series can have at most {MAX_POINTS} points"),
        );
        return None;
    }
    // The usual request, sorted and finite, has nothing to report: checking dates and values
    // takes a pass each, where finding and listing problems takes three and an ordering.
    if strictly_in_date_order(points) && points.iter().all(|p| p.value.is_none_or(f64::is_finite)) {
        return Some(Series::in_order(points, None));
    }
    let before = errors.0.len();
    let not_finite = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.value.is_some_and(|v| !v.is_finite()))
        .take(MAX_REPORTED_PER_LIST);
    for (i, _) in not_finite {
        errors.push(
            format!("points[{i}].value"),
            "Enter a finite number, or leave the value empty for a gap",
        );
    }
    let order = date_order(points);
    for (earlier, later) in duplicate_dates(points, order.as_deref()).take(MAX_REPORTED_PER_LIST) {
        errors.push(
            format!("points[{later}].date"),
            format!("Has the same date as points[{earlier}]: each date can have one value"),
        );
    }
    (errors.0.len() == before).then(|| Series::in_order(points, order.as_deref()))
}

/// Checks that each of `dates` is the date of a point, recording problems under `field[i]`.
pub(crate) fn validate_point_dates(
    field: &str,
    dates: &[NaiveDate],
    series: Option<&Series>,
    errors: &mut FieldErrors,
) {
    if dates.len() > MAX_POINTS {
        errors.push(field, format!("Give at most {MAX_POINTS} dates"));
        return;
    }
    let Some(series) = series else { return };
    let missing = dates
        .iter()
        .enumerate()
        .filter(|(_, d)| !series.contains(**d))
        .take(MAX_REPORTED_PER_LIST);
    for (i, date) in missing {
        errors.push(
            format!("{field}[{i}]"),
            format!("{date} is not the date of any point"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).unwrap_or_default()
    }

    fn point(d: u32, value: Option<f64>) -> SeriesPoint {
        SeriesPoint {
            date: day(d),
            value,
        }
    }

    #[test]
    fn a_series_is_put_in_date_order() {
        let series = Series::new(&[point(3, Some(3.0)), point(1, Some(1.0)), point(2, None)]);
        assert_eq!(
            series.map(|s| s.values().to_vec()),
            Ok(vec![Some(1.0), None, Some(3.0)])
        );
    }

    #[test]
    fn a_series_needs_points_with_distinct_dates() {
        assert_eq!(Series::new(&[]), Err(SeriesError::Empty));
        assert_eq!(
            Series::new(&[point(2, Some(1.0)), point(1, None), point(2, Some(2.0))]),
            Err(SeriesError::DuplicateDate(day(2)))
        );
    }

    #[test]
    fn values_that_are_not_numbers_become_gaps() {
        let series = Series::new(&[point(1, Some(f64::NAN)), point(2, Some(f64::INFINITY))]);
        assert_eq!(series.map(|s| s.values().to_vec()), Ok(vec![None, None]));
    }

    #[test]
    fn validation_names_the_later_of_two_points_on_one_date() {
        let mut errors = FieldErrors::new();
        let points = [point(5, None), point(1, None), point(5, Some(1.0))];
        assert!(validate_points(&points, &mut errors).is_none());
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "points[2].date");
        assert!(errors.0[0].message.contains("points[0]"));
    }

    #[test]
    fn sorted_points_still_have_their_dates_and_values_checked() {
        let repeated = [point(1, None), point(2, Some(1.0)), point(2, Some(2.0))];
        assert_eq!(
            Series::new(&repeated),
            Err(SeriesError::DuplicateDate(day(2)))
        );
        let mut errors = FieldErrors::new();
        assert!(validate_points(&repeated, &mut errors).is_none());
        assert_eq!(errors.0[0].field, "points[2].date");
        let mut errors = FieldErrors::new();
        let not_finite = [point(1, Some(1.0)), point(2, Some(f64::NAN))];
        assert!(validate_points(&not_finite, &mut errors).is_none());
        assert_eq!(errors.0[0].field, "points[1].value");
        let mut errors = FieldErrors::new();
        let fine = [point(1, Some(1.0)), point(2, None), point(3, Some(-2.0))];
        let series = validate_points(&fine, &mut errors);
        assert_eq!(
            series.map(|s| s.values().to_vec()),
            Some(vec![Some(1.0), None, Some(-2.0)])
        );
        assert!(errors.0.is_empty());
    }

    #[test]
    fn validation_stops_listing_problems_after_a_few() {
        let mut errors = FieldErrors::new();
        let points = vec![point(1, Some(f64::NAN)); 1000];
        assert!(validate_points(&points, &mut errors).is_none());
        assert_eq!(errors.0.len(), 2 * MAX_REPORTED_PER_LIST);
    }
}
