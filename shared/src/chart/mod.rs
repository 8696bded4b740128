//! Charts as SVG text: the XmR and run charts drawn the NHS "Making Data Count" way, and its two
//! summary icons.
//!
//! Pure functions from an analysis to a string, so the web app (live, as data is typed) and the
//! server (`chart.svg`, for reports) draw exactly the same picture. The SVG stands alone: a
//! `viewBox`, inline presentation attributes, system fonts, no scripts or links, so it prints and
//! can be saved. Colour is never the only carrier of meaning: the `<desc>` says in words what the
//! colours show, and pages show the same summary as text.

mod measure;
mod scale;
mod svg;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;

use crate::spc::{AssuranceIcon, PointType, RunChartResponse, SpcResponse, VariationIcon};
pub use measure::{
    ChartKind, MeasureAnalysis, MeasureData, measure_chart, small_svg, stored_xmr, unit_label,
};
use scale::Frame;
pub use scale::{fmt_num, format_date};
use svg::Svg;
pub use svg::escape;

/// Making Data Count colours.
pub const GREY: &str = "#7B7D7D";
pub const ORANGE: &str = "#ED8B00";
pub const BLUE: &str = "#289DE0";
pub const PURPLE: &str = "#361475";
/// The target line.
pub const RED: &str = "#D5281B";
/// Centre lines and limits.
const LINE: &str = "#425563";
const TEXT: &str = "#212B32";

/// What a mark on a chart is (mirrors [`crate::measure::AnnotationKind`], which charts take from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarkKind {
    /// The process changed: limits start again here.
    PhaseChange,
    #[default]
    Annotation,
}

impl From<crate::measure::AnnotationKind> for MarkKind {
    fn from(kind: crate::measure::AnnotationKind) -> Self {
        match kind {
            crate::measure::AnnotationKind::PhaseChange => Self::PhaseChange,
            crate::measure::AnnotationKind::Annotation => Self::Annotation,
        }
    }
}

/// A vertical mark on the chart, with a label.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartAnnotation {
    pub date: NaiveDate,
    pub label: String,
    pub kind: MarkKind,
}

/// How to draw a chart. A width or height of 0 takes the default (800 x 400).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartOptions {
    pub title: String,
    /// The unit, for the value axis ("%", "days", "falls per 1,000 bed days").
    pub unit_label: String,
    pub target: Option<f64>,
    pub annotations: Vec<ChartAnnotation>,
    pub width: u32,
    pub height: u32,
}

impl ChartOptions {
    fn size(&self) -> (f64, f64) {
        let w = if self.width == 0 {
            800
        } else {
            self.width.max(200)
        };
        let h = if self.height == 0 {
            400
        } else {
            self.height.max(150)
        };
        (f64::from(w), f64::from(h))
    }
}

/// The colour of a point of this type, and the class name that says the same in words.
pub fn point_style(point_type: PointType) -> (&'static str, &'static str) {
    match point_type {
        PointType::CommonCause => (GREY, "common-cause"),
        PointType::SpecialCauseImprovement => (BLUE, "improvement"),
        PointType::SpecialCauseConcern => (ORANGE, "concern"),
        PointType::SpecialCauseNeutralHigh | PointType::SpecialCauseNeutralLow => {
            (PURPLE, "neutral")
        }
    }
}

/// What a point type means, in words.
pub fn point_type_text(point_type: PointType) -> &'static str {
    match point_type {
        PointType::CommonCause => "Common cause",
        PointType::SpecialCauseImprovement => "Special cause: improvement",
        PointType::SpecialCauseConcern => "Special cause: concern",
        PointType::SpecialCauseNeutralHigh => "Special cause: high (neutral)",
        PointType::SpecialCauseNeutralLow => "Special cause: low (neutral)",
    }
}

/// What the variation icon means, in words.
pub fn variation_icon_text(icon: VariationIcon) -> &'static str {
    match icon {
        VariationIcon::CommonCause => "Common cause variation: no significant change",
        VariationIcon::ImprovementHigh => "Special cause variation: improvement (higher is better)",
        VariationIcon::ImprovementLow => "Special cause variation: improvement (lower is better)",
        VariationIcon::ConcernHigh => {
            "Special cause variation: concern (higher, where lower is better)"
        }
        VariationIcon::ConcernLow => {
            "Special cause variation: concern (lower, where higher is better)"
        }
        VariationIcon::NeutralHigh => {
            "Special cause variation: higher (neither up nor down is better)"
        }
        VariationIcon::NeutralLow => {
            "Special cause variation: lower (neither up nor down is better)"
        }
    }
}

/// What the assurance icon means, in words.
pub fn assurance_icon_text(icon: AssuranceIcon) -> &'static str {
    match icon {
        AssuranceIcon::Pass => "The process will consistently hit the target",
        AssuranceIcon::Fail => "The process will not consistently hit the target",
        AssuranceIcon::Inconsistent => {
            "The process will hit and miss the target: it lies within the process limits"
        }
    }
}

/// The variation icon: a coloured circle with a letter (H, L) or a wave for common cause.
pub fn variation_icon_svg(icon: VariationIcon) -> String {
    let (colour, letter) = match icon {
        VariationIcon::CommonCause => (GREY, "~"),
        VariationIcon::ImprovementHigh => (BLUE, "H"),
        VariationIcon::ImprovementLow => (BLUE, "L"),
        VariationIcon::ConcernHigh => (ORANGE, "H"),
        VariationIcon::ConcernLow => (ORANGE, "L"),
        VariationIcon::NeutralHigh => (PURPLE, "H"),
        VariationIcon::NeutralLow => (PURPLE, "L"),
    };
    icon_svg(colour, letter, variation_icon_text(icon))
}

/// The assurance icon: a coloured circle with P (pass), F (fail) or ? (hit and miss).
pub fn assurance_icon_svg(icon: AssuranceIcon) -> String {
    let (colour, letter) = match icon {
        AssuranceIcon::Pass => (BLUE, "P"),
        AssuranceIcon::Fail => (ORANGE, "F"),
        AssuranceIcon::Inconsistent => (GREY, "?"),
    };
    icon_svg(colour, letter, assurance_icon_text(icon))
}

fn icon_svg(colour: &str, letter: &str, meaning: &str) -> String {
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48" role="img" class="mdc-icon">"#,
            r#"<title>{meaning}</title>"#,
            r##"<circle cx="24" cy="24" r="21" fill="#ffffff" stroke="{colour}" stroke-width="4"/>"##,
            r#"<text x="24" y="32" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="22" font-weight="bold" fill="{colour}">{letter}</text>"#,
            "</svg>"
        ),
        meaning = escape(meaning),
        colour = colour,
        letter = escape(letter),
    )
}

/// A line of the chart, as (date, value) pairs: `None` breaks the line.
type Polyline = Vec<(NaiveDate, Option<f64>)>;

/// An XmR chart: points coloured by type, the line grey, each phase's mean (solid) and process
/// limits (dashed) stepping at the phase's start, the target and the marks.
pub fn spc_svg(analysis: &SpcResponse, options: &ChartOptions) -> String {
    let dates: Vec<NaiveDate> = analysis.points.iter().map(|p| p.date).collect();
    let mut values: Vec<f64> = analysis.points.iter().filter_map(|p| p.value).collect();
    values.extend(
        analysis
            .phases
            .iter()
            .flat_map(|ph| [ph.mean, ph.lpl, ph.upl])
            .flatten(),
    );
    values.extend(options.target);
    let description = spc_description(analysis, options);
    let (width, height) = options.size();
    let frame = Frame::new(&dates, &values, width, height);
    let mut svg = Svg::open(options, &description, width, height);
    frame.axes(&mut svg, &options.unit_label);
    // Each phase's lines, from its first point to its last.
    for phase in &analysis.phases {
        let points: Vec<_> = analysis
            .points
            .iter()
            .filter(|p| p.phase as usize == phase.phase)
            .collect();
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            continue;
        };
        let span = (first.date, last.date);
        if let Some(mean) = phase.mean {
            frame.hline(&mut svg, span, mean, LINE, None, "mean");
        }
        for (limit, class) in [(phase.upl, "upl"), (phase.lpl, "lpl")] {
            if let Some(limit) = limit {
                frame.hline(&mut svg, span, limit, LINE, Some("6 4"), class);
            }
        }
    }
    if let Some(phase) = analysis.phases.last() {
        for (value, name) in [
            (phase.upl, "Upper"),
            (phase.mean, "Mean"),
            (phase.lpl, "Lower"),
        ] {
            if let Some(value) = value {
                frame.line_label(&mut svg, value, &format!("{name} {}", fmt_num(value)), LINE);
            }
        }
    }
    target(&frame, &mut svg, options);
    marks(&frame, &mut svg, options);
    let line: Polyline = analysis.points.iter().map(|p| (p.date, p.value)).collect();
    frame.polyline(&mut svg, &line, GREY);
    svg.push(r#"<g class="points">"#);
    for p in &analysis.points {
        if let Some(value) = p.value {
            let (colour, class) = point_style(p.point_type);
            frame.dot(
                &mut svg,
                p.date,
                value,
                colour,
                class,
                &format!(
                    "{}: {} ({})",
                    format_date(p.date),
                    fmt_num(value),
                    point_type_text(p.point_type)
                ),
            );
        }
    }
    svg.push("</g>");
    legend(&mut svg, &frame, analysis);
    svg.close()
}

/// A run chart: points grey, each part's median solid (orange and dashed where the runs analysis
/// finds a non-random pattern), the target and the marks.
pub fn run_chart_svg(analysis: &RunChartResponse, options: &ChartOptions) -> String {
    let dates: Vec<NaiveDate> = analysis.points.iter().map(|p| p.date).collect();
    let mut values: Vec<f64> = analysis.points.iter().filter_map(|p| p.value).collect();
    values.extend(analysis.parts.iter().filter_map(|p| p.centre_line));
    values.extend(options.target);
    let description = run_chart_description(analysis, options);
    let (width, height) = options.size();
    let frame = Frame::new(&dates, &values, width, height);
    let mut svg = Svg::open(options, &description, width, height);
    frame.axes(&mut svg, &options.unit_label);
    for part in &analysis.parts {
        let points: Vec<_> = analysis
            .points
            .iter()
            .filter(|p| p.part as usize == part.part)
            .collect();
        let (Some(first), Some(last), Some(median)) =
            (points.first(), points.last(), part.centre_line)
        else {
            continue;
        };
        let span = (first.date, last.date);
        if part.runs.runs_signal {
            frame.hline(
                &mut svg,
                span,
                median,
                ORANGE,
                Some("6 4"),
                "median median--signal",
            );
        } else {
            frame.hline(&mut svg, span, median, LINE, None, "median");
        }
    }
    if let Some(median) = analysis.parts.last().and_then(|p| p.centre_line) {
        frame.line_label(
            &mut svg,
            median,
            &format!("Median {}", fmt_num(median)),
            LINE,
        );
    }
    target(&frame, &mut svg, options);
    marks(&frame, &mut svg, options);
    let line: Polyline = analysis.points.iter().map(|p| (p.date, p.value)).collect();
    frame.polyline(&mut svg, &line, GREY);
    svg.push(r#"<g class="points">"#);
    for p in &analysis.points {
        if let Some(value) = p.value {
            let class = if p.included {
                "run-point"
            } else {
                "run-point excluded"
            };
            frame.dot(
                &mut svg,
                p.date,
                value,
                GREY,
                class,
                &format!("{}: {}", format_date(p.date), fmt_num(value)),
            );
        }
    }
    svg.push("</g>");
    svg.close()
}

fn target(frame: &Frame, svg: &mut Svg, options: &ChartOptions) {
    if let (Some(target), Some(span)) = (options.target, frame.date_span()) {
        frame.hline(svg, span, target, RED, Some("2 3"), "target");
        frame.line_label(svg, target, &format!("Target {}", fmt_num(target)), RED);
    }
}

fn marks(frame: &Frame, svg: &mut Svg, options: &ChartOptions) {
    for (i, mark) in options.annotations.iter().enumerate() {
        frame.mark(svg, mark, i);
    }
}

fn legend(svg: &mut Svg, frame: &Frame, analysis: &SpcResponse) {
    let mut kinds: Vec<PointType> = Vec::new();
    for p in &analysis.points {
        if p.value.is_some() && !kinds.contains(&p.point_type) {
            kinds.push(p.point_type);
        }
    }
    kinds.sort_by_key(|k| match k {
        PointType::CommonCause => 0,
        PointType::SpecialCauseImprovement => 1,
        PointType::SpecialCauseConcern => 2,
        PointType::SpecialCauseNeutralHigh => 3,
        PointType::SpecialCauseNeutralLow => 4,
    });
    kinds.dedup_by_key(|k| point_style(*k).1);
    let entries: Vec<(&str, &str)> = kinds
        .iter()
        .map(|k| {
            let (colour, class) = point_style(*k);
            let text = match class {
                "common-cause" => "Common cause",
                "improvement" => "Improvement",
                "concern" => "Concern",
                _ => "Special cause (neutral)",
            };
            (colour, text)
        })
        .collect();
    frame.legend(svg, &entries);
}

fn unit_suffix(options: &ChartOptions) -> String {
    if options.unit_label.is_empty() {
        String::new()
    } else {
        format!(" {}", options.unit_label)
    }
}

fn span_text(dates: &[NaiveDate], values: usize, missing: usize) -> String {
    match (dates.first(), dates.last()) {
        (Some(first), Some(last)) if first != last => {
            let mut text = format!(
                "{values} point{} from {} to {}",
                if values == 1 { "" } else { "s" },
                format_date(*first),
                format_date(*last)
            );
            if missing > 0 {
                text.push_str(&format!(" ({missing} with no value)"));
            }
            text
        }
        (Some(first), _) => format!("{values} point on {}", format_date(*first)),
        _ => "No data".to_owned(),
    }
}

/// The chart in words: span, each phase's mean and limits, what the latest point says, assurance.
pub fn spc_description(analysis: &SpcResponse, options: &ChartOptions) -> String {
    let dates: Vec<NaiveDate> = analysis.points.iter().map(|p| p.date).collect();
    let values = analysis.points.iter().filter(|p| p.value.is_some()).count();
    let unit = unit_suffix(options);
    let mut parts = vec![format!(
        "XmR chart. {}.",
        span_text(&dates, values, dates.len() - values)
    )];
    let many = analysis.phases.len() > 1;
    for phase in &analysis.phases {
        let name = if many {
            format!(
                "Phase {} (from {})",
                phase.phase + 1,
                format_date(phase.start_date)
            )
        } else {
            "The whole series".to_owned()
        };
        let mut text = match phase.mean {
            Some(mean) => format!("{name}: mean {}{unit}", fmt_num(mean)),
            None => format!("{name}: no values"),
        };
        match (phase.lpl, phase.upl) {
            (Some(lpl), Some(upl)) => text.push_str(&format!(
                ", process limits {} to {}{}",
                fmt_num(lpl),
                fmt_num(upl),
                if phase.trial_limits {
                    " (trial limits: fewer than 13 points)"
                } else {
                    ""
                }
            )),
            _ if phase.mean.is_some() => text.push_str(", no process limits yet"),
            _ => {}
        }
        let special = phase.special_cause_improvement
            + phase.special_cause_concern
            + phase.special_cause_neutral;
        if special == 0 {
            text.push_str("; all points common cause.");
        } else {
            let mut kinds = Vec::new();
            for (n, what) in [
                (phase.special_cause_improvement, "improvement"),
                (phase.special_cause_concern, "concern"),
                (phase.special_cause_neutral, "neutral"),
            ] {
                if n > 0 {
                    kinds.push(format!("{n} special cause {what}"));
                }
            }
            text.push_str(&format!("; {}.", kinds.join(", ")));
        }
        parts.push(text);
    }
    if let Some(last) = analysis.points.iter().rev().find(|p| p.value.is_some()) {
        let cause = last
            .special_cause
            .map(|c| format!(" ({})", c.label()))
            .unwrap_or_default();
        parts.push(format!(
            "Latest point {}: {}{}.",
            format_date(last.date),
            point_type_text(last.point_type).to_lowercase(),
            cause
        ));
    }
    parts.push(format!("{}.", variation_icon_text(analysis.variation_icon)));
    if let Some(target) = options.target {
        parts.push(format!("Target {}{unit}.", fmt_num(target)));
    }
    if let Some(icon) = analysis.assurance_icon {
        parts.push(format!("{}.", assurance_icon_text(icon)));
    }
    parts.join(" ")
}

/// The run chart in words: span, each part's median and whether its runs are random.
pub fn run_chart_description(analysis: &RunChartResponse, options: &ChartOptions) -> String {
    let dates: Vec<NaiveDate> = analysis.points.iter().map(|p| p.date).collect();
    let values = analysis.points.iter().filter(|p| p.value.is_some()).count();
    let unit = unit_suffix(options);
    let mut parts = vec![format!(
        "Run chart. {}.",
        span_text(&dates, values, dates.len() - values)
    )];
    let many = analysis.parts.len() > 1;
    for part in &analysis.parts {
        let name = if many {
            format!("Part {} (from {})", part.part, format_date(part.start_date))
        } else {
            "The whole series".to_owned()
        };
        let mut text = match part.centre_line {
            Some(median) => format!("{name}: median {}{unit}", fmt_num(median)),
            None => format!("{name}: no values"),
        };
        if part.runs.runs_signal {
            text.push_str("; non-random variation (a shift or too few crossings of the median).");
        } else if part.runs.n_useful > 0 {
            text.push_str("; random variation: no signal from the runs analysis.");
        } else {
            text.push('.');
        }
        parts.push(text);
    }
    if let Some(target) = options.target {
        parts.push(format!("Target {}{unit}.", fmt_num(target)));
    }
    parts.join(" ")
}
