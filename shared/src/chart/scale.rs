//! Placing dates and values on the chart: the plot area, the scales, the axes and their ticks.

use chrono::NaiveDate;

use super::{
    ChartAnnotation, LINE, MarkKind, PURPLE, Polyline, TEXT,
    svg::{Svg, escape},
};

const LEFT: f64 = 64.0;
const RIGHT: f64 = 96.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 64.0;

/// A number as people read it: up to two decimals, no trailing zeros.
pub fn fmt_num(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let decimals = if value.abs() >= 1000.0 {
        0
    } else if value.abs() >= 100.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

pub fn format_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// The plot area and its scales.
pub struct Frame {
    first: Option<NaiveDate>,
    days: f64,
    low: f64,
    high: f64,
    step: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    dates: Vec<NaiveDate>,
}

/// A "nice" step (1, 2 or 5 times a power of ten) giving about `count` ticks over `range`.
fn nice_step(range: f64, count: f64) -> f64 {
    let raw = (range / count).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

impl Frame {
    /// `dates` in order; `values` every value to be shown (points, lines, target).
    pub fn new(dates: &[NaiveDate], values: &[f64], width: f64, height: f64) -> Self {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (mut low, mut high) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !low.is_finite() || !high.is_finite() {
            (low, high) = (0.0, 1.0);
        }
        if high - low < 1e-9 {
            let pad = if low.abs() > 1e-9 {
                low.abs() * 0.1
            } else {
                1.0
            };
            low -= pad;
            high += pad;
        }
        let step = nice_step(high - low, 5.0);
        let low = (low / step).floor() * step;
        let high = (high / step).ceil() * step;
        let first = dates.first().copied();
        let days = match (dates.first(), dates.last()) {
            (Some(a), Some(b)) => (*b - *a).num_days() as f64,
            _ => 0.0,
        };
        Self {
            first,
            days,
            low,
            high,
            step,
            left: LEFT,
            right: width - RIGHT,
            top: TOP,
            bottom: height - BOTTOM,
            dates: dates.to_vec(),
        }
    }

    pub fn date_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((*self.dates.first()?, *self.dates.last()?))
    }

    pub fn x(&self, date: NaiveDate) -> f64 {
        let Some(first) = self.first else {
            return (self.left + self.right) / 2.0;
        };
        if self.days <= 0.0 {
            return (self.left + self.right) / 2.0;
        }
        let pad = 12.0;
        let offset = (date - first).num_days() as f64 / self.days;
        self.left + pad + offset * (self.right - self.left - 2.0 * pad)
    }

    pub fn y(&self, value: f64) -> f64 {
        let share = (value - self.low) / (self.high - self.low);
        self.bottom - share * (self.bottom - self.top)
    }

    pub fn axes(&self, svg: &mut Svg, unit: &str) {
        let (l, r, t, b) = (self.left, self.right, self.top, self.bottom);
        svg.push(r#"<g class="axes">"#);
        // Value ticks and light grid lines.
        let mut value = self.low;
        let mut guard = 0;
        while value <= self.high + self.step * 1e-6 && guard < 50 {
            let y = self.y(value);
            svg.push(&format!(
                r##"<line x1="{l:.1}" y1="{y:.1}" x2="{r:.1}" y2="{y:.1}" stroke="#E8EDEE" stroke-width="1"/><text x="{tx:.1}" y="{ty:.1}" text-anchor="end" fill="{TEXT}">{label}</text>"##,
                tx = l - 6.0,
                ty = y + 4.0,
                label = escape(&fmt_num(value)),
            ));
            value += self.step;
            guard += 1;
        }
        svg.push(&format!(
            r#"<line x1="{l:.1}" y1="{b:.1}" x2="{r:.1}" y2="{b:.1}" stroke="{TEXT}" stroke-width="1"/><line x1="{l:.1}" y1="{t:.1}" x2="{l:.1}" y2="{b:.1}" stroke="{TEXT}" stroke-width="1"/>"#
        ));
        if !unit.is_empty() {
            svg.push(&format!(
                r#"<text x="{l:.1}" y="{y:.1}" fill="{TEXT}" font-size="12">{unit}</text>"#,
                y = t - 10.0,
                unit = escape(unit),
            ));
        }
        // Date ticks: at most about one per 90 pixels, always the first and the last.
        let n = self.dates.len();
        if n > 0 {
            let room = ((r - l) / 90.0).floor().max(2.0) as usize;
            let every = n.div_ceil(room).max(1);
            let daily = self.days < 120.0;
            let mut last_x = f64::NEG_INFINITY;
            for (i, date) in self.dates.iter().enumerate() {
                if i % every != 0 && i + 1 != n {
                    continue;
                }
                let x = self.x(*date);
                if x - last_x < 70.0 {
                    continue;
                }
                last_x = x;
                let label = if daily {
                    date.format("%-d %b").to_string()
                } else {
                    date.format("%b %Y").to_string()
                };
                svg.push(&format!(
                    r#"<line x1="{x:.1}" y1="{b:.1}" x2="{x:.1}" y2="{b5:.1}" stroke="{TEXT}"/><text x="{x:.1}" y="{ty:.1}" text-anchor="middle" fill="{TEXT}">{label}</text>"#,
                    b5 = b + 5.0,
                    ty = b + 18.0,
                    label = escape(&label),
                ));
            }
        }
        svg.push("</g>");
    }

    /// A horizontal line over a span of dates, labelled at its right end with its value.
    pub fn hline(
        &self,
        svg: &mut Svg,
        (from, to): (NaiveDate, NaiveDate),
        value: f64,
        colour: &str,
        dash: Option<&str>,
        class: &str,
    ) {
        if !value.is_finite() {
            return;
        }
        let (x1, x2, y) = (self.x(from), self.x(to), self.y(value));
        let (x1, x2) = if (x2 - x1).abs() < 1.0 {
            (x1 - 8.0, x2 + 8.0)
        } else {
            (x1, x2)
        };
        let dash = dash
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        svg.push(&format!(
            r#"<line class="{class}" x1="{x1:.1}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="1.5"{dash}/>"#
        ));
    }

    /// A label at the right of the plot, for a line at `value`.
    pub fn line_label(&self, svg: &mut Svg, value: f64, label: &str, colour: &str) {
        if !value.is_finite() {
            return;
        }
        svg.push(&format!(
            r#"<text x="{x:.1}" y="{y:.1}" fill="{colour}" font-size="11">{label}</text>"#,
            x = self.right + 4.0,
            y = self.y(value) + 4.0,
            label = escape(label),
        ));
    }

    /// The data line, broken at each missing value.
    pub fn polyline(&self, svg: &mut Svg, line: &Polyline, colour: &str) {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (date, value) in line {
            match value.filter(|v| v.is_finite()) {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push((self.x(*date), self.y(v)));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        svg.push(r#"<g class="data-line">"#);
        for run in runs.iter().filter(|r| r.len() > 1) {
            let points: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            svg.push(&format!(
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                points.join(" ")
            ));
        }
        svg.push("</g>");
    }

    pub fn dot(
        &self,
        svg: &mut Svg,
        date: NaiveDate,
        value: f64,
        colour: &str,
        class: &str,
        title: &str,
    ) {
        if !value.is_finite() {
            return;
        }
        svg.push(&format!(
            r##"<circle class="point {class}" cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{colour}" stroke="#ffffff" stroke-width="1"><title>{title}</title></circle>"##,
            x = self.x(date),
            y = self.y(value),
            title = escape(title),
        ));
    }

    /// A vertical mark with its label; labels alternate height so neighbours don't collide.
    pub fn mark(&self, svg: &mut Svg, mark: &ChartAnnotation, index: usize) {
        let (Some(first), Some(last)) = (self.dates.first(), self.dates.last()) else {
            return;
        };
        if mark.date < *first || mark.date > *last {
            return;
        }
        let x = self.x(mark.date);
        let (colour, dash, class, prefix) = match mark.kind {
            MarkKind::PhaseChange => (PURPLE, "", "mark phase-change", "Phase change: "),
            MarkKind::Annotation => (LINE, r#" stroke-dasharray="3 3""#, "mark annotation", ""),
        };
        let y = self.top - 4.0 - if index.is_multiple_of(2) { 0.0 } else { 12.0 };
        let anchor = if x > (self.left + self.right) / 2.0 {
            "end"
        } else {
            "start"
        };
        let label: String = mark.label.chars().take(40).collect();
        svg.push(&format!(
            r#"<g class="{class}"><line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{b:.1}" stroke="{colour}" stroke-width="1.5"{dash}/><text x="{tx:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{colour}" font-size="11">{prefix}{label}</text></g>"#,
            y1 = y + 2.0,
            b = self.bottom,
            tx = if anchor == "end" { x - 2.0 } else { x + 2.0 },
            label = escape(&label),
        ));
    }

    /// The point colours, in words, under the date axis.
    pub fn legend(&self, svg: &mut Svg, entries: &[(&str, &str)]) {
        let mut x = self.left;
        let y = self.bottom + 42.0;
        svg.push(r#"<g class="legend">"#);
        for (colour, text) in entries {
            svg.push(&format!(
                r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{colour}"/><text x="{tx:.1}" y="{y:.1}" fill="{TEXT}">{text}</text>"#,
                cx = x + 5.0,
                cy = y - 4.0,
                tx = x + 14.0,
                text = escape(text),
            ));
            x += 36.0 + 7.5 * text.chars().count() as f64;
        }
        svg.push(&format!(
            r#"<line x1="{x:.1}" y1="{ly:.1}" x2="{x2:.1}" y2="{ly:.1}" stroke="{LINE}" stroke-width="1.5"/><text x="{tx:.1}" y="{y:.1}" fill="{TEXT}">Mean</text>"#,
            ly = y - 4.0,
            x2 = x + 20.0,
            tx = x + 24.0,
        ));
        x += 64.0;
        svg.push(&format!(
            r#"<line x1="{x:.1}" y1="{ly:.1}" x2="{x2:.1}" y2="{ly:.1}" stroke="{LINE}" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{tx:.1}" y="{y:.1}" fill="{TEXT}">Process limits</text></g>"#,
            ly = y - 4.0,
            x2 = x + 20.0,
            tx = x + 24.0,
        ));
    }
}
