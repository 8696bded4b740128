//! A measure's chart: which analysis its data gets and how it is drawn. One place for the rules,
//! because the web app draws the chart live as data is typed and the server draws the same chart
//! as an SVG file for reports: the two must not differ.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{
    ChartAnnotation, ChartOptions, run_chart_description, run_chart_svg, spc_description, spc_svg,
};
use crate::{
    measure::{Annotation, AnnotationKind, Measure, Unit},
    spc::{
        ImprovementDirection, MIN_FIX_AFTER_N_POINTS, RunChartOptions, RunChartResponse, Series,
        SeriesPoint, SpcResponse, XmrOptions, run_chart, xmr,
    },
};

/// Which chart a measure is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Xmr,
    Run,
}

impl ChartKind {
    /// A run chart until there are enough values for SPC limits to mean something.
    pub fn default_for(values: usize) -> Self {
        if values < MIN_FIX_AFTER_N_POINTS {
            Self::Run
        } else {
            Self::Xmr
        }
    }
}

/// A measure's data analysed as one of the two charts.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasureAnalysis {
    Xmr(SpcResponse),
    Run(RunChartResponse),
}

impl MeasureAnalysis {
    pub fn svg(&self, options: &ChartOptions) -> String {
        match self {
            Self::Xmr(analysis) => spc_svg(analysis, options),
            Self::Run(analysis) => run_chart_svg(analysis, options),
        }
    }

    /// What the chart shows, in words.
    pub fn description(&self, options: &ChartOptions) -> String {
        match self {
            Self::Xmr(analysis) => spc_description(analysis, options),
            Self::Run(analysis) => run_chart_description(analysis, options),
        }
    }
}

/// What a measure's chart is drawn from.
#[derive(Debug, Clone, Copy)]
pub struct MeasureData<'a> {
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    /// In any order; a date given twice counts once (the last), as a grid being typed may have.
    pub points: &'a [(NaiveDate, Option<f64>)],
    pub annotations: &'a [Annotation],
}

impl MeasureData<'_> {
    /// The data as a series (`None`: no points yet).
    pub fn series(&self) -> Option<Series> {
        let by_date: BTreeMap<NaiveDate, Option<f64>> = self.points.iter().copied().collect();
        let points: Vec<SeriesPoint> = by_date
            .into_iter()
            .map(|(date, value)| SeriesPoint { date, value })
            .collect();
        Series::new(&points).ok()
    }

    /// The chart of `series` (from [`Self::series`]) as `kind`, or as suits the number of values.
    /// Phase changes start new phases of an XmR chart and new parts of a run chart. Moving
    /// ranges are screened for outliers, as the analysis API does by default.
    pub fn analyse(&self, series: &Series, kind: Option<ChartKind>) -> MeasureAnalysis {
        let values = series.values().iter().filter(|v| v.is_some()).count();
        let phase_changes: BTreeSet<NaiveDate> = self
            .annotations
            .iter()
            .filter(|a| a.kind == AnnotationKind::PhaseChange)
            .map(|a| a.date)
            .collect();
        match kind.unwrap_or(ChartKind::default_for(values)) {
            ChartKind::Xmr => MeasureAnalysis::Xmr(xmr(
                series,
                &XmrOptions {
                    improvement_direction: self.direction,
                    target: self.target,
                    rebase_dates: phase_changes.into_iter().collect(),
                    fix_after_n_points: None,
                    screen_outliers: true,
                },
            )),
            ChartKind::Run => {
                // A run chart's part ends at a point: the one before the phase change.
                let dates = series.dates();
                let split_after: BTreeSet<NaiveDate> = phase_changes
                    .iter()
                    .filter_map(|change| dates.iter().rev().find(|d| *d < change).copied())
                    .collect();
                MeasureAnalysis::Run(run_chart(
                    series,
                    &RunChartOptions {
                        split_after: split_after.into_iter().collect(),
                        ..RunChartOptions::default()
                    },
                ))
            }
        }
    }

    /// The chart's drawing options: `title`, the unit and the marks.
    pub fn options(
        &self,
        title: &str,
        unit_label: &str,
        (width, height): (u32, u32),
    ) -> ChartOptions {
        ChartOptions {
            title: title.to_owned(),
            unit_label: unit_label.to_owned(),
            target: self.target,
            annotations: self
                .annotations
                .iter()
                .map(|a| ChartAnnotation {
                    date: a.date,
                    label: a.label.clone(),
                    kind: a.kind.into(),
                })
                .collect(),
            width,
            height,
        }
    }
}

/// A stored measure's chart as SVG, `kind` or as suits its values, at `size` (0: the default),
/// with the words that say what it shows; `None` while it has no data. What the chart API
/// serves and the bulletin shows inline.
pub fn measure_chart(
    measure: &Measure,
    kind: Option<ChartKind>,
    size: (u32, u32),
) -> Option<(String, String)> {
    let points: Vec<(NaiveDate, Option<f64>)> =
        measure.points.iter().map(|p| (p.date, p.value)).collect();
    let data = MeasureData {
        direction: measure.improvement_direction,
        target: measure.target,
        points: &points,
        annotations: &measure.annotations,
    };
    let series = data.series()?;
    let options = data.options(
        &measure.name,
        &unit_label(measure.unit, measure.rate_per),
        size,
    );
    let analysis = data.analyse(&series, kind);
    Some((analysis.svg(&options), analysis.description(&options)))
}

/// The unit as a chart's value axis names it.
pub fn unit_label(unit: Unit, rate_per: Option<u32>) -> String {
    match unit {
        Unit::Percentage => "%".to_owned(),
        Unit::Rate => format!("per {}", rate_per.unwrap_or(1)),
        Unit::Count => "count".to_owned(),
        Unit::Time => "time".to_owned(),
        Unit::Other => String::new(),
    }
}

/// A measure's XmR analysis as stored (with its phase changes), for the list of a project's
/// measures: `None` when it has no data yet.
pub fn stored_xmr(measure: &Measure) -> Option<SpcResponse> {
    let points: Vec<_> = measure.points.iter().map(|p| (p.date, p.value)).collect();
    let data = MeasureData {
        direction: measure.improvement_direction,
        target: measure.target,
        points: &points,
        annotations: &measure.annotations,
    };
    match data.analyse(&data.series()?, Some(ChartKind::Xmr)) {
        MeasureAnalysis::Xmr(analysis) => Some(analysis),
        MeasureAnalysis::Run(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, n).unwrap_or_default()
    }

    #[test]
    fn few_values_get_a_run_chart_and_a_phase_change_splits_it() {
        let points: Vec<_> = (1..=10).map(|d| (day(d), Some(f64::from(d % 3)))).collect();
        let annotations = [Annotation {
            id: 1,
            date: day(6),
            kind: AnnotationKind::PhaseChange,
            label: "New form".to_owned(),
            pdsa_cycle_id: None,
        }];
        let data = MeasureData {
            direction: ImprovementDirection::Increase,
            target: None,
            points: &points,
            annotations: &annotations,
        };
        let Some(series) = data.series() else {
            panic!("a series")
        };
        let MeasureAnalysis::Run(run) = data.analyse(&series, None) else {
            panic!("a run chart under 12 values")
        };
        assert_eq!(run.parts.len(), 2, "the phase change starts a part");
        let MeasureAnalysis::Xmr(spc) = data.analyse(&series, Some(ChartKind::Xmr)) else {
            panic!("an XmR chart when asked for")
        };
        assert_eq!(spc.phases.len(), 2, "the phase change starts a phase");
        let svg = MeasureAnalysis::Xmr(spc).svg(&data.options("Falls", "count", (0, 0)));
        assert!(svg.starts_with("<svg") && svg.contains("New form"));
    }

    #[test]
    fn no_points_no_series() {
        let data = MeasureData {
            direction: ImprovementDirection::Decrease,
            target: Some(1.0),
            points: &[],
            annotations: &[],
        };
        assert!(data.series().is_none());
    }

    fn measure(values: &[f64], annotations: Vec<Annotation>) -> Measure {
        use crate::measure::{DataPoint, Frequency, MeasureType};
        Measure {
            id: 1,
            project_id: 1,
            name: "Falls".to_owned(),
            measure_type: MeasureType::Outcome,
            operational_definition: String::new(),
            unit: Unit::Count,
            rate_per: None,
            numerator_definition: String::new(),
            denominator_definition: String::new(),
            improvement_direction: ImprovementDirection::Decrease,
            target: None,
            frequency: Frequency::Daily,
            change_idea_ids: vec![],
            points: values
                .iter()
                .zip(1..)
                .map(|(v, d)| DataPoint {
                    id: i64::from(d),
                    date: day(d),
                    value: Some(*v),
                    numerator: None,
                    denominator: None,
                    note: String::new(),
                })
                .collect(),
            annotations,
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        }
    }

    #[test]
    fn a_stored_measure_gets_an_xmr_analysis_with_its_phase_changes() {
        let values: Vec<f64> = (1..=20).map(|d| f64::from(d % 4)).collect();
        let phase_change = Annotation {
            id: 1,
            date: day(11),
            kind: AnnotationKind::PhaseChange,
            label: "New form".to_owned(),
            pdsa_cycle_id: None,
        };

        let Some(analysis) = stored_xmr(&measure(&values, vec![phase_change])) else {
            panic!("an analysis of twenty values")
        };

        assert_eq!(analysis.phases.len(), 2, "the phase change starts a phase");
    }

    #[test]
    fn a_measure_without_data_has_no_analysis() {
        assert!(stored_xmr(&measure(&[], vec![])).is_none());
    }
}

/// At one point of a small chart: its position, and the centre line, lower and upper limit there.
type Lines = (usize, Option<f64>, Option<f64>, Option<f64>);

/// A small chart for a dashboard's card: the line of values, the centre line (mean or median),
/// the process limits of an XmR chart, and each point coloured as the full chart colours it. No
/// axes or words: the card says the figure and the full chart is a link away, so the picture
/// only has to show the shape. `None` when there is no value to draw.
pub fn small_svg(
    analysis: &MeasureAnalysis,
    (width, height): (u32, u32),
    label: &str,
) -> Option<String> {
    use std::fmt::Write;

    // (x position, value, colour) of each point with a value; the centre line and limits per
    // point (they change where a phase starts).
    let mut points: Vec<(usize, f64, &str)> = Vec::new();
    let mut lines: Vec<Lines> = Vec::new();
    let count = match analysis {
        MeasureAnalysis::Xmr(xmr) => {
            for (i, p) in xmr.points.iter().enumerate() {
                let phase = xmr.phase_of(p);
                lines.push((
                    i,
                    phase.and_then(|ph| ph.mean),
                    phase.and_then(|ph| ph.lpl),
                    phase.and_then(|ph| ph.upl),
                ));
                if let Some(v) = p.value {
                    points.push((i, v, super::point_style(p.point_type).0));
                }
            }
            xmr.points.len()
        }
        MeasureAnalysis::Run(run) => {
            for (i, p) in run.points.iter().enumerate() {
                lines.push((
                    i,
                    run.part_of(p).and_then(|part| part.centre_line),
                    None,
                    None,
                ));
                if let Some(v) = p.value {
                    points.push((
                        i,
                        v,
                        super::point_style(crate::spc::PointType::CommonCause).0,
                    ));
                }
            }
            run.points.len()
        }
    };
    if points.is_empty() {
        return None;
    }
    let values = points
        .iter()
        .map(|(_, v, _)| *v)
        .chain(lines.iter().flat_map(|(_, m, l, u)| [*m, *l, *u]).flatten());
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let span = if high > low { high - low } else { 1.0 };
    let (w, h, pad) = (f64::from(width.max(60)), f64::from(height.max(30)), 4.0);
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (count.max(2) - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - low) / span;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="small-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}">"#,
        super::svg::escape(label)
    );
    let mut path = |pick: fn(&Lines) -> Option<f64>, style: &str| {
        let mut d = String::new();
        let mut pen_down = false;
        for line in &lines {
            match pick(line) {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1}",
                        if pen_down { " L" } else { " M" },
                        x(line.0),
                        y(v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            let _ = write!(svg, r#"<path d="{}" fill="none" {style}/>"#, d.trim());
        }
    };
    path(
        |l| l.2,
        r##"stroke="#768692" stroke-width="1" stroke-dasharray="3 2""##,
    );
    path(
        |l| l.3,
        r##"stroke="#768692" stroke-width="1" stroke-dasharray="3 2""##,
    );
    path(|l| l.1, r##"stroke="#425563" stroke-width="1""##);
    let line: Vec<String> = points
        .iter()
        .map(|(i, v, _)| format!("{:.1},{:.1}", x(*i), y(*v)))
        .collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#aeb7bd" stroke-width="1.5"/>"##,
        line.join(" ")
    );
    for (i, v, colour) in &points {
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"/>"#,
            x(*i),
            y(*v)
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod small_tests {
    use super::*;

    #[test]
    fn a_small_chart_draws_every_value_and_the_limits_and_nothing_without_values() {
        let day = |n: u32| NaiveDate::from_ymd_opt(2024, 1, n).unwrap_or_default();
        let points: Vec<_> = (1..=15).map(|d| (day(d), Some(f64::from(d % 4)))).collect();
        let data = MeasureData {
            direction: ImprovementDirection::Increase,
            target: None,
            points: &points,
            annotations: &[],
        };
        let Some(series) = data.series() else {
            panic!("a series");
        };
        let svg = small_svg(&data.analyse(&series, None), (300, 80), "A & B").unwrap_or_default();
        assert_eq!(svg.matches("<circle").count(), 15);
        // Mean, lower and upper limit.
        assert_eq!(svg.matches("<path").count(), 3);
        assert!(svg.contains(r#"aria-label="A &amp; B""#));
        let empty = [(day(1), None)];
        let data = MeasureData {
            points: &empty,
            ..data
        };
        let series = data.series();
        assert!(
            series.is_none_or(|s| small_svg(&data.analyse(&s, None), (300, 80), "x").is_none())
        );
    }
}
