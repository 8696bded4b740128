//! Runs every reference case in `tests/spc-cases` (the peers' own output, see its README) through
//! the SPC engine and reports every difference, with the case and field it is in, in one go.
//!
//! Numbers must agree to a relative 1e-9; booleans and labels exactly. The XmR cases' facets are
//! independent series, so each facet is analysed on its own, as a caller of the engine would.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use qi_shared::spc::{
    self, AssuranceIcon, ImprovementDirection, RunChartOptions, Series, SeriesError, SeriesPoint,
    Side, SpcRequest, SpcResponse, SpcWarningKind, Trend, XmrOptions,
};
use serde_json::Value;

type Outcome<T = ()> = Result<T, String>;

#[test]
fn every_reference_case_matches_its_peer() {
    let dir = cases_dir();
    let index = match read_json(&dir.join("INDEX.json")) {
        Ok(Value::Array(entries)) => entries,
        other => panic!("INDEX.json is not a list: {other:?}"),
    };
    let mut report = Report::default();
    for entry in &index {
        let file = entry["file"].as_str().unwrap_or_default();
        let mut case = Case::new(file);
        let result = read_json(&dir.join(file)).and_then(|json| match json["kind"].as_str() {
            Some("spc_xmr") => check_xmr_case(&json, &mut case),
            Some("spc_unit_functions") => check_unit_cases(&json, &mut case),
            Some("anhoej_limits_table") => check_limits_table(&json, &mut case),
            Some("run_chart_anhoej") => check_run_chart_case(&json, &mut case),
            Some("runs_analysis_given_cl") => check_runs_given_cl_case(&json, &mut case),
            other => Err(format!("unknown kind {other:?}")),
        });
        if let Err(problem) = result {
            case.fail("case", problem);
        }
        report.add(case);
    }
    println!("{}", report.summary());
    assert!(
        index.len() >= 76,
        "INDEX.json lists {} cases, expected 76",
        index.len()
    );
    assert!(report.failures.is_empty(), "{}", report.summary());
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spc-cases")
}

fn read_json(path: &Path) -> Outcome<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Reporting

#[derive(Default)]
struct Report {
    cases: usize,
    checks: usize,
    failures: Vec<String>,
}

impl Report {
    fn add(&mut self, case: Case) {
        self.cases += 1;
        self.checks += case.checks;
        self.failures.extend(case.failures);
    }

    fn summary(&self) -> String {
        let mut text = format!(
            "{} reference cases, {} checks, {} failures",
            self.cases,
            self.checks,
            self.failures.len()
        );
        for failure in &self.failures {
            text.push_str("\n  ");
            text.push_str(failure);
        }
        text
    }
}

/// The checks of one case file.
struct Case {
    name: String,
    checks: usize,
    failures: Vec<String>,
}

impl Case {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            checks: 0,
            failures: Vec::new(),
        }
    }

    fn fail(&mut self, field: &str, problem: impl Into<String>) {
        self.failures
            .push(format!("{}: {field}: {}", self.name, problem.into()));
    }

    fn equal<T: PartialEq + Debug>(&mut self, field: &str, expected: T, actual: T) {
        self.checks += 1;
        if expected != actual {
            self.fail(field, format!("expected {expected:?}, got {actual:?}"));
        }
    }

    /// `expected` is a JSON number or null.
    fn number(&mut self, field: &str, expected: &Value, actual: Option<f64>) {
        self.checks += 1;
        let matches = match (expected.as_f64(), actual) {
            (None, None) => expected.is_null(),
            (Some(e), Some(a)) => (e - a).abs() <= 1e-9 * e.abs().max(a.abs()).max(1e-300),
            _ => false,
        };
        if !matches {
            self.fail(field, format!("expected {expected}, got {actual:?}"));
        }
    }

    /// `expected` is a JSON integer or null.
    fn count(&mut self, field: &str, expected: &Value, actual: Option<usize>) {
        let expected = expected.as_u64().map(|v| v as usize);
        self.equal(field, expected, actual);
    }

    /// `expected` is a JSON boolean or null.
    fn flag(&mut self, field: &str, expected: &Value, actual: Option<bool>) {
        self.equal(field, expected.as_bool(), actual);
    }

    /// `expected` is a JSON string or null; `actual` a wire enum, compared by its JSON name.
    fn label<T: serde::Serialize>(&mut self, field: &str, expected: &Value, actual: Option<T>) {
        let actual = actual.map(|a| wire_name(&a));
        self.equal(field, expected.as_str().map(str::to_owned), actual);
    }
}

fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON access

fn array<'a>(value: &'a Value, what: &str) -> Outcome<&'a Vec<Value>> {
    value
        .as_array()
        .ok_or_else(|| format!("{what} is not a list"))
}

fn date(value: &Value) -> Outcome<NaiveDate> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{value} is not a date"))
}

fn dates(value: &Value, what: &str) -> Outcome<Vec<NaiveDate>> {
    array(value, what)?.iter().map(date).collect()
}

fn optional_numbers(value: &Value, what: &str) -> Outcome<Vec<Option<f64>>> {
    Ok(array(value, what)?.iter().map(Value::as_f64).collect())
}

fn integers(value: &Value, what: &str) -> Outcome<Vec<i64>> {
    array(value, what)?
        .iter()
        .map(|v| {
            v.as_i64()
                .ok_or_else(|| format!("{what}: {v} is not an integer"))
        })
        .collect()
}

fn direction(value: &Value) -> Outcome<ImprovementDirection> {
    serde_json::from_value(value.clone()).map_err(|e| format!("improvement_direction: {e}"))
}

/// Column `name` of a case's parallel-array `points` table.
fn column<'a>(points: &'a Value, name: &str) -> Outcome<&'a Vec<Value>> {
    array(&points[name], &format!("points.{name}"))
}

// ---------------------------------------------------------------------------------------------
// XmR charts

fn check_xmr_case(json: &Value, case: &mut Case) -> Outcome {
    let input = &json["input"];
    let options = &json["options"];
    let expected = &json["expected"];
    let values = optional_numbers(&input["values"], "input.values")?;
    let row_dates = dates(&input["dates"], "input.dates")?;
    let row_facets: Vec<String> = match input.get("facets") {
        Some(facets) => array(facets, "input.facets")?
            .iter()
            .map(|f| f.as_str().map_or_else(|| f.to_string(), str::to_owned))
            .collect(),
        None => vec!["no facet".to_owned(); values.len()],
    };
    if expected.get("error").is_some() {
        return check_peer_error_case(&values, &row_dates, options, case);
    }

    let points = &expected["points"];
    let expected_facets = column(points, "facet")?;
    let mut facets: Vec<&str> = Vec::new();
    for facet in expected_facets {
        let facet = facet.as_str().unwrap_or_default();
        if !facets.contains(&facet) {
            facets.push(facet);
        }
    }

    let mut charts = BTreeMap::new();
    for facet in &facets {
        let series_points: Vec<SeriesPoint> = (0..values.len())
            .filter(|&i| row_facets[i] == *facet)
            .map(|i| SeriesPoint {
                date: row_dates[i],
                value: values[i],
            })
            .collect();
        let xmr_options = XmrOptions {
            improvement_direction: direction(&options["improvement_direction"])?,
            target: facet_target(&options["target"], facet),
            rebase_dates: facet_rebase_dates(&options["rebase_dates"], facet)?,
            fix_after_n_points: options["fix_after_n_points"].as_u64().map(|n| n as usize),
            screen_outliers: options["screen_outliers"].as_bool().unwrap_or(true),
        };
        let series = Series::new(&series_points).map_err(|e| e.to_string())?;
        let chart = spc::xmr(&series, &xmr_options);
        check_wire_round_trip(&series_points, &xmr_options, &chart, case);
        charts.insert(facet.to_string(), (chart, xmr_options));
    }

    check_xmr_points(points, &charts, case)?;
    check_xmr_summary(&expected["summary"], &charts, case)?;
    check_xmr_icons(expected, &charts, case)?;

    let warned = charts.values().any(|(chart, _)| {
        chart
            .warnings
            .iter()
            .any(|w| w.kind == SpcWarningKind::TrialLimits)
    });
    let expected_warning = !array(&expected["warnings"], "warnings")?.is_empty();
    case.equal("warnings (trial limits)", expected_warning, warned);
    Ok(())
}

/// The peer's NA target for a facet missing from a per-facet target is a target that can't be
/// compared with anything: NaN.
fn facet_target(target: &Value, facet: &str) -> Option<f64> {
    match target {
        Value::Object(targets) => Some(
            targets
                .get(facet)
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN),
        ),
        other => other.as_f64(),
    }
}

fn facet_rebase_dates(rebase: &Value, facet: &str) -> Outcome<Vec<NaiveDate>> {
    match rebase {
        Value::Object(by_facet) => by_facet
            .get(facet)
            .map_or(Ok(Vec::new()), |d| dates(d, "rebase_dates")),
        Value::Null => Ok(Vec::new()),
        other => dates(other, "rebase_dates"),
    }
}

/// The peer stops with an error; here the behaviour is defined (see `spc::xmr`): an empty series
/// can't be built (and the endpoint answers with a field error), and a gap breaks the trend it
/// would have been part of.
fn check_peer_error_case(
    values: &[Option<f64>],
    row_dates: &[NaiveDate],
    options: &Value,
    case: &mut Case,
) -> Outcome {
    let points: Vec<SeriesPoint> = row_dates
        .iter()
        .zip(values)
        .map(|(&date, &value)| SeriesPoint { date, value })
        .collect();
    let xmr_options = XmrOptions {
        improvement_direction: direction(&options["improvement_direction"])?,
        target: options["target"].as_f64(),
        rebase_dates: Vec::new(),
        fix_after_n_points: None,
        screen_outliers: options["screen_outliers"].as_bool().unwrap_or(true),
    };
    let request = SpcRequest {
        points: points.clone(),
        options: xmr_options.clone(),
    };
    match Series::new(&points) {
        Err(SeriesError::Empty) => {
            case.equal("empty series: points", true, points.is_empty());
            let errors = spc::analyse_spc(&request).err().map(|e| e.0);
            let fields = errors.map(|e| e.into_iter().map(|f| f.field).collect::<Vec<_>>());
            case.equal(
                "empty series: field errors",
                Some(vec!["points".to_owned()]),
                fields,
            );
        }
        Err(other) => case.fail("series", other.to_string()),
        Ok(series) => {
            let chart = spc::xmr(&series, &xmr_options);
            case.equal("defined result: points", values.len(), chart.points.len());
            // No trend may span a gap: every trend point's run lies between gaps.
            let trend_across_gap = chart.points.windows(2).any(|w| {
                w.iter().any(|p| p.value.is_none())
                    && w.iter().all(|p| p.special_cause.is_some_and(is_trend))
            });
            case.equal(
                "defined result: trend across a gap",
                false,
                trend_across_gap,
            );
            let gaps_are_common_cause = chart
                .points
                .iter()
                .filter(|p| p.value.is_none())
                .all(|p| p.special_cause.is_none());
            case.equal(
                "defined result: gaps are common cause",
                true,
                gaps_are_common_cause,
            );
            case.equal(
                "defined result: analyse_spc agrees",
                Ok(chart),
                spc::analyse_spc(&request).map_err(|e| e.0),
            );
        }
    }
    Ok(())
}

fn is_trend(cause: spc::SpecialCause) -> bool {
    matches!(
        cause,
        spc::SpecialCause::TrendIncreasing | spc::SpecialCause::TrendDecreasing
    )
}

/// The same analysis through the JSON endpoint types: serialising, deserialising and validating
/// a request must give the same chart.
fn check_wire_round_trip(
    points: &[SeriesPoint],
    options: &XmrOptions,
    chart: &SpcResponse,
    case: &mut Case,
) {
    if options.target.is_some_and(f64::is_nan) {
        return; // JSON can't carry the peer's NA target; the API would refuse it anyway.
    }
    let request = SpcRequest {
        points: points.to_vec(),
        options: options.clone(),
    };
    let round_trip = serde_json::to_string(&request)
        .ok()
        .and_then(|json| serde_json::from_str::<SpcRequest>(&json).ok());
    let through_api = round_trip.map(|request| spc::analyse_spc(&request).map_err(|e| e.0));
    case.equal(
        "analyse_spc(JSON request)",
        Some(Ok(chart.clone())),
        through_api,
    );
}

fn check_xmr_points(
    points: &Value,
    charts: &BTreeMap<String, (SpcResponse, XmrOptions)>,
    case: &mut Case,
) -> Outcome {
    let facets = column(points, "facet")?;
    let mut next_in_facet: BTreeMap<&str, usize> = BTreeMap::new();
    for (row, facet) in facets.iter().enumerate() {
        let facet = facet.as_str().unwrap_or_default();
        let position = next_in_facet.entry(facet).or_default();
        let index = *position;
        *position += 1;
        let Some((chart, options)) = charts.get(facet) else {
            return Err(format!("no chart for facet {facet}"));
        };
        let Some(point) = chart.points.get(index) else {
            case.fail(&format!("points[{row}]"), "missing from the chart");
            continue;
        };
        // Checked as the API sends it, with its phase's lines.
        let point = chart.wire_point(point);
        let phase = chart.phase_of(&chart.points[index]);
        let cell = |name: &str| points[name].get(row).cloned().unwrap_or(Value::Null);
        let field = |name: &str| format!("points[{row}].{name}");
        case.equal(&field("date"), date(&cell("date")).ok(), Some(point.date));
        case.number(&field("y"), &cell("y"), point.value);
        case.count(
            &field("rebase_group"),
            &cell("rebase_group"),
            Some(point.phase as usize),
        );
        case.flag(
            &field("short_group_warning"),
            &cell("short_group_warning"),
            phase.map(|p| p.trial_limits),
        );
        case.number(&field("mean"), &cell("mean"), point.mean);
        case.number(&field("lpl"), &cell("lpl"), point.lpl);
        case.number(&field("upl"), &cell("upl"), point.upl);
        case.number(
            &field("nlpl_derived"),
            &cell("nlpl_derived"),
            phase.and_then(|p| p.lower_two_sigma),
        );
        case.number(
            &field("nupl_derived"),
            &cell("nupl_derived"),
            phase.and_then(|p| p.upper_two_sigma),
        );
        case.flag(
            &field("outside_limits"),
            &cell("outside_limits"),
            point.outside_limits,
        );
        let side = point.relative_to_mean.map(|s| match s {
            Side::Below => -1.0,
            Side::On => 0.0,
            Side::Above => 1.0,
        });
        case.number(&field("relative_to_mean"), &cell("relative_to_mean"), side);
        case.flag(
            &field("close_to_limits"),
            &cell("close_to_limits"),
            point.close_to_limits,
        );
        let label = point.special_cause.map_or("Common Cause", |c| c.label());
        case.equal(
            &field("special_cause_type"),
            cell("special_cause_type").as_str(),
            Some(label),
        );
        case.flag(
            &field("special_cause_flag"),
            &cell("special_cause_flag"),
            Some(point.special_cause.is_some()),
        );
        case.label(
            &field("point_type"),
            &cell("point_type"),
            Some(point.point_type),
        );
        let target = options.target.filter(|t| !t.is_nan());
        case.number(&field("target"), &cell("target"), target);
    }
    for (facet, (chart, _)) in charts {
        let seen = next_in_facet.get(facet.as_str()).copied().unwrap_or(0);
        case.equal(
            &format!("facet {facet}: number of points"),
            seen,
            chart.points.len(),
        );
    }
    Ok(())
}

fn check_xmr_summary(
    summary: &Value,
    charts: &BTreeMap<String, (SpcResponse, XmrOptions)>,
    case: &mut Case,
) -> Outcome {
    let rows = array(summary, "summary")?;
    let phase_count: usize = charts.values().map(|(c, _)| c.phases.len()).sum();
    case.equal("summary rows", rows.len(), phase_count);
    for row in rows {
        let facet = row["facet"].as_str().unwrap_or_default();
        let group = row["rebase_group"].as_u64().unwrap_or(u64::MAX) as usize;
        let name = format!("summary[{facet}, {group}]");
        let Some((chart, _)) = charts.get(facet) else {
            case.fail(&name, "no chart for the facet");
            continue;
        };
        let Some(phase) = chart.phases.get(group) else {
            case.fail(&name, "no such phase");
            continue;
        };
        let field = |f: &str| format!("{name}.{f}");
        case.number(&field("mean"), &row["mean"], phase.mean);
        case.number(&field("lpl"), &row["lpl"], phase.lpl);
        case.number(&field("upl"), &row["upl"], phase.upl);
        case.count(&field("n"), &row["n"], Some(phase.n));
        case.count(
            &field("common_cause"),
            &row["common_cause"],
            Some(phase.common_cause),
        );
        case.count(
            &field("special_cause_improvement"),
            &row["special_cause_improvement"],
            Some(phase.special_cause_improvement),
        );
        case.count(
            &field("special_cause_concern"),
            &row["special_cause_concern"],
            Some(phase.special_cause_concern),
        );
        case.label(
            &field("variation_type"),
            &row["variation_type"],
            Some(phase.last_point_type),
        );
        // The peer reports assurance against the last phase only.
        let is_last = group + 1 == chart.phases.len();
        let assurance = chart.assurance_icon.filter(|_| is_last).map(assurance_type);
        case.equal(
            &field("assurance_type"),
            row["assurance_type"].as_str(),
            assurance,
        );
    }
    Ok(())
}

fn assurance_type(icon: AssuranceIcon) -> &'static str {
    match icon {
        AssuranceIcon::Pass => "consistent_pass",
        AssuranceIcon::Fail => "consistent_fail",
        AssuranceIcon::Inconsistent => "inconsistent",
    }
}

fn check_xmr_icons(
    expected: &Value,
    charts: &BTreeMap<String, (SpcResponse, XmrOptions)>,
    case: &mut Case,
) -> Outcome {
    let icons = array(&expected["icons"], "icons")?;
    for (facet, (chart, _)) in charts {
        let icon = |kind: &str| {
            icons
                .iter()
                .filter(|i| i["facet"].as_str() == Some(facet) && i["type"].as_str() == Some(kind))
                .filter_map(|i| i["icon"].as_str()?.strip_suffix(".svg"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        case.equal(
            &format!("icons[{facet}].variation"),
            icon("variation"),
            vec![wire_name(&chart.variation_icon)],
        );
        case.equal(
            &format!("icons[{facet}].assurance"),
            icon("assurance"),
            chart
                .assurance_icon
                .iter()
                .map(wire_name)
                .collect::<Vec<_>>(),
        );
    }
    for row in array(&expected["assurance"], "assurance")? {
        let facet = row["facet"].as_str().unwrap_or_default();
        let actual = charts
            .get(facet)
            .and_then(|(chart, _)| chart.assurance_icon)
            .map(assurance_type);
        case.equal(
            &format!("assurance[{facet}]"),
            row["assurance_type"].as_str(),
            actual,
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The peer's unit tests of its rule helpers

fn check_unit_cases(json: &Value, case: &mut Case) -> Outcome {
    for (n, unit) in array(&json["cases"], "cases")?.iter().enumerate() {
        let function = unit["function"].as_str().unwrap_or_default();
        let args = &unit["args"];
        let expected = &unit["expected"];
        let name = format!("cases[{n}] {function}({args})");
        let flags = |v: Vec<bool>| v.into_iter().map(i64::from).collect::<Vec<_>>();
        let sides = |key: &str| -> Outcome<Vec<Option<Side>>> {
            Ok(integers(&args[key], key)?
                .into_iter()
                .map(|s| Some(Side::of(s as f64, 0.0)))
                .collect())
        };
        let close = || -> Outcome<Vec<Option<bool>>> {
            Ok(integers(&args["v"], "v")?
                .into_iter()
                .map(|v| Some(v != 0))
                .collect())
        };
        match function {
            "ptd_seven_point_one_side_mean" => {
                let actual = flags(spc::rules::shift_window_ends(&sides("v")?));
                case.equal(&name, integers(expected, "expected")?, actual);
            }
            "ptd_part_of_seven_trend" => {
                let ends: Vec<bool> = integers(&args["v"], "v")?.iter().map(|&v| v != 0).collect();
                let actual = flags(spc::rules::part_of_run(&ends));
                case.equal(&name, integers(expected, "expected")?, actual);
            }
            "ptd_seven_point_trend" => {
                let y = optional_numbers(&args["y"], "y")?;
                let actual: Vec<i64> = spc::rules::trend_window_ends(&y)
                    .into_iter()
                    .map(|t| match t {
                        Some(Trend::Increasing) => 1,
                        Some(Trend::Decreasing) => -1,
                        None => 0,
                    })
                    .collect();
                case.equal(&name, integers(expected, "expected")?, actual);
            }
            "ptd_two_in_three" => {
                let close = close()?;
                // R pads a shorter `rtm` with NA: unknown sides.
                let mut sides = sides("rtm")?;
                sides.resize(close.len(), None);
                let actual = flags(spc::rules::two_in_three(&close, &sides));
                case.equal(&name, integers(expected, "expected")?, actual);
            }
            "ptd_part_of_two_in_three(ptd_two_in_three(v, rtm), v)" => {
                let close = close()?;
                let in_window = spc::rules::two_in_three(&close, &sides("rtm")?);
                let actual = flags(spc::rules::part_of_two_in_three(&in_window, &close));
                case.equal(&name, integers(expected, "expected")?, actual);
            }
            "ptd_calculate_assurance_type" => {
                let lpl = optional_numbers(&args["lpl"], "lpl")?;
                let upl = optional_numbers(&args["upl"], "upl")?;
                let direction = direction(&args["improvement_direction"])?;
                let actual: Vec<Option<&str>> = lpl
                    .iter()
                    .zip(&upl)
                    .map(|(&l, &u)| {
                        spc::rules::assurance(l, u, args["target"].as_f64(), direction)
                            .map(assurance_type)
                    })
                    .collect();
                let expected: Vec<Option<&str>> = array(expected, "expected")?
                    .iter()
                    .map(Value::as_str)
                    .collect();
                case.equal(&name, expected, actual);
            }
            other => case.fail(&name, format!("unknown function {other}")),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Run charts

fn check_limits_table(json: &Value, case: &mut Case) -> Outcome {
    for row in array(&json["rows"], "rows")? {
        let n = row["n_useful"].as_u64().ok_or("n_useful is not a count")? as usize;
        case.count(
            &format!("n_useful {n}: longest_run_max"),
            &row["longest_run_max"],
            Some(spc::longest_run_limit(n)),
        );
        case.count(
            &format!("n_useful {n}: n_crossings_min"),
            &row["n_crossings_min"],
            Some(spc::crossings_limit(n)),
        );
    }
    Ok(())
}

/// The x of a qicharts2 case: a date, or a position that we turn into consecutive days.
fn run_chart_dates(x: &[Value]) -> Vec<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    x.iter()
        .enumerate()
        .map(|(i, x)| date(x).unwrap_or_else(|_| start + Days::new(i as u64)))
        .collect()
}

fn check_run_chart_case(json: &Value, case: &mut Case) -> Outcome {
    let input = &json["input"];
    let options = &json["options"];
    let values = optional_numbers(&input["values"], "input.values")?;
    let dates = run_chart_dates(array(&input["x"], "input.x")?);
    // qicharts2 counts positions from 1; position p is "after point p", so 0 is before them all.
    let after = |position: i64| -> NaiveDate {
        match usize::try_from(position).ok().filter(|&p| p > 0) {
            Some(p) => dates[p.min(dates.len()) - 1],
            None => dates[0] - Days::new(1),
        }
    };
    let positions = |key: &str| -> Outcome<Vec<i64>> {
        match &options[key] {
            Value::Null => Ok(Vec::new()),
            Value::Array(_) => integers(&options[key], key),
            single => single
                .as_i64()
                .map(|p| vec![p])
                .ok_or(format!("{key}: {single}")),
        }
    };
    let run_options = RunChartOptions {
        freeze_after: options["freeze"].as_i64().map(after),
        split_after: positions("part")?.into_iter().map(after).collect(),
        exclude: positions("exclude")?.into_iter().map(after).collect(),
    };
    let points: Vec<SeriesPoint> = dates
        .iter()
        .zip(&values)
        .map(|(&date, &value)| SeriesPoint { date, value })
        .collect();
    let series = Series::new(&points).map_err(|e| e.to_string())?;
    let chart = spc::run_chart(&series, &run_options);
    let request = spc::RunChartRequest {
        points,
        options: run_options,
    };
    case.equal(
        "analyse_run_chart",
        Ok(chart.clone()),
        spc::analyse_run_chart(&request).map_err(|e| e.0),
    );

    let expected = &json["expected"];
    let points = &expected["points"];
    case.equal("points", column(points, "y")?.len(), chart.points.len());
    for (row, point) in chart.points.iter().enumerate() {
        // Checked as the API sends it, with its part's centre line and signal.
        let point = chart.wire_point(point);
        let cell = |name: &str| points[name].get(row).cloned().unwrap_or(Value::Null);
        let field = |name: &str| format!("points[{row}].{name}");
        case.number(&field("y"), &cell("y"), point.value);
        case.number(&field("cl"), &cell("cl"), point.centre_line);
        case.count(&field("part"), &cell("part"), Some(point.part as usize));
        case.flag(&field("baseline"), &cell("baseline"), Some(point.baseline));
        case.flag(&field("include"), &cell("include"), Some(point.included));
        case.flag(
            &field("runs_signal"),
            &cell("runs_signal"),
            Some(point.runs_signal),
        );
    }
    let parts: Vec<(usize, Option<f64>, spc::RunsAnalysis)> = chart
        .parts
        .iter()
        .map(|p| (p.part, p.centre_line, p.runs))
        .collect();
    check_parts(&expected["parts"], &parts, case)
}

fn check_runs_given_cl_case(json: &Value, case: &mut Case) -> Outcome {
    let input = &json["input"];
    let y = optional_numbers(&input["y"], "input.y")?;
    let cl = optional_numbers(&input["cl"], "input.cl")?;
    let part = integers(&input["part"], "input.part")?;
    let include: Vec<bool> = array(&input["include"], "input.include")?
        .iter()
        .map(|v| v.as_bool().unwrap_or(false))
        .collect();
    let mut labels = part.clone();
    labels.dedup();
    let parts = labels
        .into_iter()
        .map(|label| {
            let rows = (0..y.len()).filter(|&i| part[i] == label);
            let first_cl = rows.clone().next().and_then(|i| cl[i]);
            let runs = spc::runs_analysis(rows.filter(|&i| include[i]).map(|i| (y[i], cl[i])));
            (label as usize, first_cl, runs)
        })
        .collect::<Vec<_>>();
    check_parts(&json["expected"]["parts"], &parts, case)
}

fn check_parts(
    expected: &Value,
    actual: &[(usize, Option<f64>, spc::RunsAnalysis)],
    case: &mut Case,
) -> Outcome {
    let expected = array(expected, "expected.parts")?;
    case.equal("parts", expected.len(), actual.len());
    for (row, (part, cl, runs)) in expected.iter().zip(actual) {
        let field = |name: &str| format!("parts[{}].{name}", row["part"]);
        case.count(&field("part"), &row["part"], Some(*part));
        case.number(&field("cl"), &row["cl"], *cl);
        case.count(&field("n_obs"), &row["n_obs"], Some(runs.n_obs));
        case.count(&field("n_useful"), &row["n_useful"], Some(runs.n_useful));
        case.count(&field("longest_run"), &row["longest_run"], runs.longest_run);
        case.count(
            &field("longest_run_max"),
            &row["longest_run_max"],
            runs.longest_run_max,
        );
        case.count(&field("n_crossings"), &row["n_crossings"], runs.n_crossings);
        case.count(
            &field("n_crossings_min"),
            &row["n_crossings_min"],
            runs.n_crossings_min,
        );
        case.flag(
            &field("runs_signal"),
            &row["runs_signal"],
            Some(runs.runs_signal),
        );
    }
    Ok(())
}
