//! Run charts with the Anhoej rules, matching qicharts2.
//!
//! A run chart needs no distributional assumptions, which is why it is the chart for a short
//! series or for data too early to trust SPC limits with. The centre line is the median of the
//! baseline (the points up to `freeze_after`, or all of them), computed per part. Two tests then
//! ask whether the points fall around it the way a random series would:
//! - the longest run on one side of the median is unusually long (a shift), or
//! - the series crosses the median unusually rarely (it sticks to one side).
//!
//! Points exactly on the median and missing values tell neither story, so both are left out of
//! the runs analysis (but still counted in `n_obs`). Excluded points are left out of everything.
//! A signal belongs to the whole part, not to individual points.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::binomial::{crossings_limit, longest_run_limit};
use super::series::{self, Series, SeriesPoint};
use super::stats;
use crate::FieldErrors;

/// How to lay out a run chart. Every date should be the date of a point (validation insists);
/// the analysis itself reads them as boundaries, so any date has a meaning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunChartOptions {
    /// The last point of the baseline: the median comes from points up to this date. `null`: all.
    #[serde(default)]
    pub freeze_after: Option<NaiveDate>,
    /// The last point of each part but the last: a new part, with its own median and runs
    /// analysis, starts after each. A date on or after the last point starts nothing.
    #[serde(default)]
    pub split_after: Vec<NaiveDate>,
    /// Points left out of the median and the runs analysis (still drawn).
    #[serde(default)]
    pub exclude: Vec<NaiveDate>,
}

/// A request to analyse a series as a run chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "RunChartRequestFields")]
pub struct RunChartRequest {
    /// The series, in any order: it is analysed in date order. Each date at most once.
    pub points: Vec<SeriesPoint>,
    #[serde(flatten)]
    pub options: RunChartOptions,
}

/// [`RunChartRequest`] as it is read: field by field, so that every error names its field (see
/// `SpcRequestFields`).
#[derive(Deserialize)]
struct RunChartRequestFields {
    points: Vec<SeriesPoint>,
    #[serde(default)]
    freeze_after: Option<NaiveDate>,
    #[serde(default)]
    split_after: Vec<NaiveDate>,
    #[serde(default)]
    exclude: Vec<NaiveDate>,
}

impl From<RunChartRequestFields> for RunChartRequest {
    fn from(fields: RunChartRequestFields) -> Self {
        Self {
            points: fields.points,
            options: RunChartOptions {
                freeze_after: fields.freeze_after,
                split_after: fields.split_after,
                exclude: fields.exclude,
            },
        }
    }
}

/// One point of a run chart. Its part's centre line and runs signal are kept once, in
/// [`RunChartResponse::parts`] (see [`RunChartResponse::part_of`]), and go on the wire with each
/// point ([`RunChartPointWire`]): a million-point chart is then two thirds of the size to build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunChartPoint {
    pub date: NaiveDate,
    pub value: Option<f64>,
    /// The part the point belongs to, counted from 1 (as qicharts2 counts them).
    pub part: u32,
    /// Whether the point is in the baseline the median comes from.
    pub baseline: bool,
    /// False for an excluded point.
    pub included: bool,
}

/// One point of a run chart as the API sends it: the point with its part's centre line and runs
/// signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RunChartPoint))]
pub struct RunChartPointWire {
    pub date: NaiveDate,
    pub value: Option<f64>,
    /// The part the point belongs to, counted from 1 (as qicharts2 counts them).
    pub part: u32,
    /// The part's median; `null` when the part has no baseline values.
    pub centre_line: Option<f64>,
    /// Whether the point is in the baseline the median comes from.
    pub baseline: bool,
    /// False for an excluded point.
    pub included: bool,
    /// Whether the point's part shows a non-random pattern.
    pub runs_signal: bool,
}

/// The Anhoej runs analysis of one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunsAnalysis {
    /// Points analysed: included points, missing values counted.
    pub n_obs: usize,
    /// Points with a value not on the centre line: the ones runs are made of.
    pub n_useful: usize,
    /// The rest are `null` when there are no useful points.
    pub longest_run: Option<usize>,
    pub longest_run_max: Option<usize>,
    pub n_crossings: Option<usize>,
    pub n_crossings_min: Option<usize>,
    /// Longest run over its limit, or crossings under theirs.
    pub runs_signal: bool,
}

/// One part of a run chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunChartPart {
    /// Counted from 1.
    pub part: usize,
    pub start_date: NaiveDate,
    pub centre_line: Option<f64>,
    #[serde(flatten)]
    pub runs: RunsAnalysis,
}

/// An analysed run chart.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunChartResponse {
    /// In date order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<RunChartPointWire>))]
    pub points: Vec<RunChartPoint>,
    pub parts: Vec<RunChartPart>,
}

impl RunChartResponse {
    /// The part a point belongs to, with its centre line and runs analysis.
    pub fn part_of(&self, point: &RunChartPoint) -> Option<&RunChartPart> {
        let index = (point.part as usize).checked_sub(1)?;
        self.parts.get(index)
    }

    /// A point as the API sends it.
    pub fn wire_point(&self, point: &RunChartPoint) -> RunChartPointWire {
        let part = self.part_of(point);
        RunChartPointWire {
            date: point.date,
            value: point.value,
            part: point.part,
            centre_line: part.and_then(|p| p.centre_line),
            baseline: point.baseline,
            included: point.included,
            runs_signal: part.is_some_and(|p| p.runs.runs_signal),
        }
    }
}

/// Each point goes out with its part's centre line and signal, made as it is written rather than
/// all at once.
impl Serialize for RunChartResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Points<'a>(&'a RunChartResponse);
        impl Serialize for Points<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.points.iter().map(|p| self.0.wire_point(p)))
            }
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            points: Points<'a>,
            parts: &'a [RunChartPart],
        }
        Wire {
            points: Points(self),
            parts: &self.parts,
        }
        .serialize(serializer)
    }
}

/// A checked [`RunChartRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRunChartRequest {
    pub series: Series,
    pub options: RunChartOptions,
}

impl RunChartRequest {
    /// Checks the points, and that every date in the options is the date of a point.
    pub fn validate(&self) -> Result<ValidRunChartRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let series = series::validate_points(&self.points, &mut errors);
        let options = &self.options;
        if let (Some(date), Some(series)) = (options.freeze_after, &series)
            && !series.contains(date)
        {
            errors.push(
                "freeze_after",
                format!("{date} is not the date of any point"),
            );
        }
        series::validate_point_dates(
            "split_after",
            &options.split_after,
            series.as_ref(),
            &mut errors,
        );
        series::validate_point_dates("exclude", &options.exclude, series.as_ref(), &mut errors);
        errors.finish(|| {
            Some(ValidRunChartRequest {
                series: series?,
                options: options.clone(),
            })
        })
    }
}

/// Checks a request and analyses it: the whole stateless run-chart endpoint.
pub fn analyse_run_chart(request: &RunChartRequest) -> Result<RunChartResponse, FieldErrors> {
    let valid = request.validate()?;
    Ok(run_chart(&valid.series, &valid.options))
}

/// Analyses a series as a run chart. Never fails; a part with no baseline values (one after
/// `freeze_after`, say) has no centre line, so no useful points and no signal, as in qicharts2.
pub fn run_chart(series: &Series, options: &RunChartOptions) -> RunChartResponse {
    let n = series.len();
    let dates = series.dates();
    let values = series.values();
    let baseline_end = options
        .freeze_after
        .map_or(n, |date| series.first_after(date));
    let mut excluded = options.exclude.clone();
    excluded.sort_unstable();
    let included: Vec<bool> = dates
        .iter()
        .map(|d| excluded.binary_search(d).is_err())
        .collect();

    let starts = options.split_after.iter().map(|&d| series.first_after(d));
    let parts_at = series::segments(n, starts);

    let mut points = Vec::with_capacity(n);
    let mut parts = Vec::with_capacity(parts_at.len());
    let mut baseline_values = Vec::new();
    for (index, range) in parts_at.into_iter().enumerate() {
        baseline_values.clear();
        baseline_values.extend(
            range
                .clone()
                .filter(|&i| i < baseline_end && included[i])
                .filter_map(|i| values[i]),
        );
        let centre_line = stats::median(&mut baseline_values);
        let runs = runs_analysis(
            range
                .clone()
                .filter(|&i| included[i])
                .map(|i| (values[i], centre_line)),
        );
        parts.push(RunChartPart {
            part: index + 1,
            start_date: dates[range.start],
            centre_line,
            runs,
        });
        // Parts start at distinct dates, and there are far fewer dates than `u32::MAX`.
        let part = u32::try_from(index + 1).unwrap_or(u32::MAX);
        points.extend(range.map(|i| RunChartPoint {
            date: dates[i],
            value: values[i],
            part,
            baseline: i < baseline_end,
            included: included[i],
        }));
    }
    RunChartResponse { points, parts }
}

/// The Anhoej runs analysis of one part, from each point's value and centre line, as qicharts2's
/// `runs.analysis` (with its `method = "anhoej"`). Give only the included points; a point whose
/// value or centre line is missing, or whose value is on the line, is counted but not useful.
pub fn runs_analysis<I>(points: I) -> RunsAnalysis
where
    I: IntoIterator<Item = (Option<f64>, Option<f64>)>,
{
    let mut n_obs = 0;
    let mut n_useful = 0;
    let mut longest_run = 0;
    let mut run = 0;
    let mut runs = 0;
    let mut previous_above = None;
    for (value, centre_line) in points {
        n_obs += 1;
        let (Some(value), Some(centre_line)) = (value, centre_line) else {
            continue;
        };
        if value == centre_line || value.is_nan() || centre_line.is_nan() {
            continue;
        }
        n_useful += 1;
        let above = value > centre_line;
        if previous_above == Some(above) {
            run += 1;
        } else {
            runs += 1;
            run = 1;
            previous_above = Some(above);
        }
        longest_run = longest_run.max(run);
    }
    if n_useful == 0 {
        return RunsAnalysis {
            n_obs,
            n_useful,
            longest_run: None,
            longest_run_max: None,
            n_crossings: None,
            n_crossings_min: None,
            runs_signal: false,
        };
    }
    let longest_run_max = longest_run_limit(n_useful);
    let n_crossings = runs - 1;
    let n_crossings_min = crossings_limit(n_useful);
    RunsAnalysis {
        n_obs,
        n_useful,
        longest_run: Some(longest_run),
        longest_run_max: Some(longest_run_max),
        n_crossings: Some(n_crossings),
        n_crossings_min: Some(n_crossings_min),
        runs_signal: longest_run > longest_run_max || n_crossings < n_crossings_min,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(i: usize) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default() + chrono::Days::new(i as u64)
    }

    fn chart(values: &[Option<f64>], options: &RunChartOptions) -> Option<RunChartResponse> {
        let points: Vec<SeriesPoint> = values
            .iter()
            .enumerate()
            .map(|(i, &value)| SeriesPoint {
                date: day(i),
                value,
            })
            .collect();
        Series::new(&points).ok().map(|s| run_chart(&s, options))
    }

    #[test]
    fn a_single_point_is_one_run_and_no_signal() {
        let Some(chart) = chart(&[Some(4.0)], &RunChartOptions::default()) else {
            panic!("one point makes a series");
        };
        // The point is its own median, so it is on the centre line and not useful.
        assert_eq!(chart.parts[0].centre_line, Some(4.0));
        assert_eq!(
            (chart.parts[0].runs.n_obs, chart.parts[0].runs.n_useful),
            (1, 0)
        );
        let one = runs_analysis([(Some(4.0), Some(3.0))]);
        assert_eq!(
            (
                one.longest_run,
                one.longest_run_max,
                one.n_crossings,
                one.n_crossings_min
            ),
            (Some(1), Some(3), Some(0), Some(0))
        );
        assert!(!one.runs_signal);
    }

    #[test]
    fn an_all_missing_series_has_no_centre_line_and_no_signal() {
        let Some(chart) = chart(&[None; 5], &RunChartOptions::default()) else {
            panic!("gaps make a series");
        };
        let part = chart.parts[0];
        assert_eq!(part.centre_line, None);
        assert_eq!((part.runs.n_obs, part.runs.n_useful), (5, 0));
        assert_eq!(part.runs.longest_run, None);
        assert!(!part.runs.runs_signal);
    }

    #[test]
    fn the_baseline_excluded_points_and_parts_shape_the_median() {
        let values: Vec<Option<f64>> = [1.0, 2.0, 100.0, 3.0, 9.0, 8.0, 7.0]
            .into_iter()
            .map(Some)
            .collect();
        let options = RunChartOptions {
            freeze_after: Some(day(5)),
            split_after: vec![day(3)],
            exclude: vec![day(2)],
        };
        let Some(chart) = chart(&values, &options) else {
            panic!("a series");
        };
        // Part 1: 1, 2, 3 (100 excluded) -> 2. Part 2: 9, 8 (7 is after the baseline) -> 8.5.
        let parts: Vec<(usize, NaiveDate, Option<f64>, usize)> = chart
            .parts
            .iter()
            .map(|p| (p.part, p.start_date, p.centre_line, p.runs.n_obs))
            .collect();
        assert_eq!(
            parts,
            [(1, day(0), Some(2.0), 3), (2, day(4), Some(8.5), 3)]
        );
        assert!(!chart.points[2].included);
        assert!(!chart.points[6].baseline);
    }

    #[test]
    fn a_part_after_the_baseline_has_no_centre_line() {
        let values = [Some(1.0), Some(2.0), Some(3.0), Some(4.0)];
        let options = RunChartOptions {
            freeze_after: Some(day(1)),
            split_after: vec![day(1)],
            exclude: Vec::new(),
        };
        let parts = chart(&values, &options).map(|c| c.parts);
        let centre_lines: Option<Vec<Option<f64>>> =
            parts.map(|p| p.iter().map(|p| p.centre_line).collect());
        assert_eq!(centre_lines, Some(vec![Some(1.5), None]));
    }

    #[test]
    fn a_shift_is_a_signal_for_every_point_of_its_part() {
        let values: Vec<Option<f64>> = (0..20)
            .map(|i| Some(if i < 10 { 1.0 } else { 2.0 }))
            .collect();
        let Some(chart) = chart(&values, &RunChartOptions::default()) else {
            panic!("a series");
        };
        // Median 1.5: one run of 10 below, one of 10 above; limit 7, crossings 1 < 6.
        assert_eq!(chart.parts[0].runs.longest_run, Some(10));
        assert!(chart.points.iter().all(|p| chart.wire_point(p).runs_signal));
    }

    #[test]
    fn a_million_points_are_analysed() {
        let values: Vec<Option<f64>> = (0..1_000_000u32)
            .map(|i| (i % 101 != 0).then(|| f64::from(i.wrapping_mul(2_654_435_761) % 1000)))
            .collect();
        let Some(chart) = chart(&values, &RunChartOptions::default()) else {
            panic!("a series");
        };
        assert_eq!(chart.points.len(), 1_000_000);
        assert!(chart.parts[0].runs.n_crossings_min.is_some());
    }

    fn request(json: &str) -> Result<RunChartRequest, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn the_request_and_response_have_the_documented_shape() -> Result<(), String> {
        let chart = analyse_run_chart(&request(
            r#"{"points":[{"date":"2024-01-01","value":1},{"date":"2024-01-02","value":3},
                          {"date":"2024-01-03","value":null}],
                "freeze_after":null,"split_after":[],"exclude":[]}"#,
        )?)
        .map_err(|e| format!("{e:?}"))?;
        let json = serde_json::to_value(&chart).map_err(|e| e.to_string())?;
        let point = &json["points"][0];
        for field in [
            "date",
            "value",
            "part",
            "centre_line",
            "included",
            "runs_signal",
        ] {
            assert!(point.get(field).is_some(), "points[].{field}");
        }
        let part = &json["parts"][0];
        for field in [
            "part",
            "n_obs",
            "n_useful",
            "longest_run",
            "longest_run_max",
            "n_crossings",
            "n_crossings_min",
            "runs_signal",
            "centre_line",
        ] {
            assert!(part.get(field).is_some(), "parts[].{field}");
        }
        assert_eq!(part["centre_line"], 2.0);
        assert_eq!(part["n_obs"], 3);
        let minimal = request(r#"{"points":[{"date":"2024-01-01","value":1}]}"#)?;
        assert_eq!(minimal.options, RunChartOptions::default());
        Ok(())
    }

    /// The answer as it was when each point carried its part's centre line and signal, byte for
    /// byte: parts (one with no centre line), exclusions, a freeze and missing values.
    const SAMPLE_RESPONSE: &str = concat!(
        r#"{"points":["#,
        r#"{"date":"2024-01-01","value":1.0,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-02","value":2.0,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-03","value":null,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-04","value":0.1,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-05","value":250.0,"part":1,"centre_line":9.25,"baseline":true,"included":false,"runs_signal":true},"#,
        r#"{"date":"2024-01-06","value":2.25,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-07","value":9.0,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-08","value":10.0,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-09","value":11.0,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-10","value":12.5,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-11","value":9.5,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-12","value":12.0,"part":1,"centre_line":9.25,"baseline":true,"included":true,"runs_signal":true},"#,
        r#"{"date":"2024-01-13","value":4.0,"part":2,"centre_line":4.0,"baseline":true,"included":true,"runs_signal":false},"#,
        r#"{"date":"2024-01-14","value":5.0,"part":2,"centre_line":4.0,"baseline":true,"included":false,"runs_signal":false},"#,
        r#"{"date":"2024-01-15","value":null,"part":2,"centre_line":4.0,"baseline":true,"included":true,"runs_signal":false},"#,
        r#"{"date":"2024-01-16","value":6.0,"part":3,"centre_line":null,"baseline":false,"included":true,"runs_signal":false},"#,
        r#"{"date":"2024-01-17","value":7.0,"part":3,"centre_line":null,"baseline":false,"included":true,"runs_signal":false}"#,
        r#"],"parts":["#,
        r#"{"part":1,"start_date":"2024-01-01","centre_line":9.25,"n_obs":11,"n_useful":10,"longest_run":5,"longest_run_max":6,"n_crossings":1,"n_crossings_min":2,"runs_signal":true},"#,
        r#"{"part":2,"start_date":"2024-01-13","centre_line":4.0,"n_obs":2,"n_useful":0,"longest_run":null,"longest_run_max":null,"n_crossings":null,"n_crossings_min":null,"runs_signal":false},"#,
        r#"{"part":3,"start_date":"2024-01-16","centre_line":null,"n_obs":2,"n_useful":0,"longest_run":null,"longest_run_max":null,"n_crossings":null,"n_crossings_min":null,"runs_signal":false}"#,
        r#"]}"#,
    );

    #[test]
    fn the_response_is_written_as_before_the_points_shrank() -> Result<(), String> {
        let chart = analyse_run_chart(&request(
            r#"{"points":[
                {"date":"2024-01-01","value":1},{"date":"2024-01-02","value":2},
                {"date":"2024-01-03","value":null},{"date":"2024-01-04","value":0.1},
                {"date":"2024-01-05","value":250},{"date":"2024-01-06","value":2.25},
                {"date":"2024-01-07","value":9},{"date":"2024-01-08","value":10},
                {"date":"2024-01-09","value":11},{"date":"2024-01-10","value":12.5},
                {"date":"2024-01-11","value":9.5},{"date":"2024-01-12","value":12},
                {"date":"2024-01-13","value":4},{"date":"2024-01-14","value":5},
                {"date":"2024-01-15","value":null},{"date":"2024-01-16","value":6},
                {"date":"2024-01-17","value":7}],
                "freeze_after":"2024-01-15","split_after":["2024-01-12","2024-01-15"],
                "exclude":["2024-01-05","2024-01-14"]}"#,
        )?)
        .map_err(|e| format!("{e:?}"))?;
        let json = serde_json::to_string(&chart).map_err(|e| e.to_string())?;
        assert_eq!(json, SAMPLE_RESPONSE);
        Ok(())
    }

    #[test]
    fn validation_wants_option_dates_to_be_point_dates() -> Result<(), String> {
        let bad = request(
            r#"{"points":[{"date":"2024-01-01","value":1},{"date":"2024-01-02","value":3}],
                "freeze_after":"2024-01-05","split_after":["2024-01-01"],
                "exclude":["2024-01-02","2023-01-01"]}"#,
        )?;
        let fields: Vec<String> = match bad.validate() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0.into_iter().map(|e| e.field).collect(),
        };
        assert_eq!(fields, ["freeze_after", "exclude[1]"]);
        Ok(())
    }
}
