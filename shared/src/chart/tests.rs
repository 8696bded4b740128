use chrono::NaiveDate;

use super::*;
use crate::spc::{
    ImprovementDirection, RunChartOptions, Series, SeriesPoint, XmrOptions, run_chart, xmr,
};

fn date(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(i as u32)))
        .unwrap_or_default()
}

fn series(values: &[Option<f64>]) -> Series {
    let points: Vec<SeriesPoint> = values
        .iter()
        .enumerate()
        .map(|(i, v)| SeriesPoint {
            date: date(i),
            value: *v,
        })
        .collect();
    match Series::new(&points) {
        Ok(s) => s,
        Err(e) => panic!("bad series: {e:?}"),
    }
}

/// Checks the text is well formed enough: tags balance, and no raw `<` or `&` in text.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "raw > in text: {text}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "unescaped & in {text}"
            );
        }
        let Some(end) = rest[start..].find('>') else {
            panic!("unclosed tag")
        };
        let tag = &rest[start + 1..start + end];
        assert!(!tag.contains('<'), "< inside a tag: {tag}");
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        if tag.starts_with('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "unbalanced at {tag}"
            );
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
        rest = &rest[start + end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
}

fn xmr_options(direction: ImprovementDirection, rebase_dates: Vec<NaiveDate>) -> XmrOptions {
    XmrOptions {
        improvement_direction: direction,
        target: None,
        rebase_dates,
        fix_after_n_points: None,
        screen_outliers: false,
    }
}

fn options() -> ChartOptions {
    ChartOptions {
        title: "Falls <per> 1,000 & \"bed\" days".to_owned(),
        unit_label: "falls".to_owned(),
        ..ChartOptions::default()
    }
}

#[test]
fn a_stable_series_is_grey_and_described_as_common_cause() {
    let values: Vec<Option<f64>> = (0..15).map(|i| Some(10.0 + f64::from(i % 3))).collect();
    let analysis = xmr(
        &series(&values),
        &xmr_options(ImprovementDirection::Increase, Vec::new()),
    );
    let svg = spc_svg(&analysis, &options());
    assert_well_formed(&svg);
    assert!(svg.contains(r#"role="img""#));
    assert!(svg.contains(
        "<title id=\"chart-title\">Falls &lt;per&gt; 1,000 &amp; &quot;bed&quot; days</title>"
    ));
    assert_eq!(svg.matches("point common-cause").count(), 15);
    assert!(!svg.contains("point improvement"));
    assert!(svg.contains("15 points from 1 Jan 2024 to 1 Mar 2025"));
    assert!(svg.contains("Common cause variation"));
}

#[test]
fn a_shift_upwards_is_blue_when_higher_is_better_and_orange_when_lower_is() {
    let mut values: Vec<Option<f64>> = (0..15).map(|i| Some(10.0 + f64::from(i % 3))).collect();
    values.extend((0..7).map(|_| Some(20.0)));
    for (direction, class, colour) in [
        (ImprovementDirection::Increase, "point improvement", BLUE),
        (ImprovementDirection::Decrease, "point concern", ORANGE),
        (ImprovementDirection::Neutral, "point neutral", PURPLE),
    ] {
        let opts = xmr_options(direction, Vec::new());
        let analysis = xmr(&series(&values), &opts);
        let svg = spc_svg(&analysis, &options());
        assert_well_formed(&svg);
        assert!(svg.contains(class), "{direction:?}");
        assert!(svg.contains(colour), "{direction:?}");
    }
}

#[test]
fn phases_step_the_lines_and_marks_are_drawn() {
    let values: Vec<Option<f64>> = (0..24)
        .map(|i| Some(if i < 12 { 10.0 } else { 20.0 } + f64::from(i % 2)))
        .collect();
    let opts = xmr_options(ImprovementDirection::Increase, vec![date(12)]);
    let analysis = xmr(&series(&values), &opts);
    let chart = ChartOptions {
        target: Some(15.0),
        annotations: vec![
            ChartAnnotation {
                date: date(12),
                label: "New <rota>".to_owned(),
                kind: MarkKind::PhaseChange,
            },
            ChartAnnotation {
                date: date(5),
                label: "Audit".to_owned(),
                kind: MarkKind::Annotation,
            },
        ],
        ..options()
    };
    let svg = spc_svg(&analysis, &chart);
    assert_well_formed(&svg);
    assert_eq!(svg.matches(r#"class="mean""#).count(), 2);
    assert_eq!(svg.matches(r#"class="upl""#).count(), 2);
    assert!(svg.contains("Phase change: New &lt;rota&gt;"));
    assert!(svg.contains(r#"class="target""#));
    assert!(svg.contains("Phase 2 (from 1 Jan 2025)"));
}

#[test]
fn gaps_break_the_line_and_missing_limits_draw_nothing() {
    let values = [Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)];
    let analysis = xmr(
        &series(&values),
        &xmr_options(ImprovementDirection::Increase, Vec::new()),
    );
    let svg = spc_svg(&analysis, &ChartOptions::default());
    assert_well_formed(&svg);
    assert_eq!(svg.matches("<polyline").count(), 2);
    assert!(svg.contains("(1 with no value)"));

    // One point: a mean, no limits.
    let analysis = xmr(
        &series(&[Some(5.0)]),
        &xmr_options(ImprovementDirection::Increase, Vec::new()),
    );
    let svg = spc_svg(&analysis, &ChartOptions::default());
    assert_well_formed(&svg);
    assert!(!svg.contains(r#"class="upl""#));
    // Only gaps: nothing to draw, still a valid chart.
    let analysis = xmr(
        &series(&[None, None]),
        &xmr_options(ImprovementDirection::Increase, Vec::new()),
    );
    let svg = spc_svg(&analysis, &ChartOptions::default());
    assert_well_formed(&svg);
    assert!(!svg.contains("<circle class=\"point"));
}

#[test]
fn run_charts_draw_the_median_and_say_whether_runs_are_random() {
    let values: Vec<Option<f64>> = (0..10).map(|i| Some(f64::from(i % 4))).collect();
    let analysis = run_chart(&series(&values), &RunChartOptions::default());
    let svg = run_chart_svg(&analysis, &options());
    assert_well_formed(&svg);
    assert!(svg.contains(r#"class="median""#));
    assert!(svg.contains("Run chart. 10 points"));
    let rising: Vec<Option<f64>> = (0..20).map(|i| Some(f64::from(i))).collect();
    let analysis = run_chart(&series(&rising), &RunChartOptions::default());
    let svg = run_chart_svg(&analysis, &options());
    assert_well_formed(&svg);
    assert!(svg.contains("median--signal"));
    assert!(svg.contains("non-random"));
}

#[test]
fn icons_are_small_labelled_svgs() {
    for icon in [
        VariationIcon::CommonCause,
        VariationIcon::ImprovementHigh,
        VariationIcon::ConcernLow,
        VariationIcon::NeutralHigh,
    ] {
        let svg = variation_icon_svg(icon);
        assert_well_formed(&svg);
        assert!(svg.contains(&escape(variation_icon_text(icon))));
    }
    for icon in [
        AssuranceIcon::Pass,
        AssuranceIcon::Fail,
        AssuranceIcon::Inconsistent,
    ] {
        assert_well_formed(&assurance_icon_svg(icon));
    }
    assert!(assurance_icon_svg(AssuranceIcon::Fail).contains(">F<"));
}

#[test]
fn odd_numbers_do_not_panic() {
    let values = [Some(1e300), Some(-1e300), Some(0.0), Some(f64::NAN)];
    let analysis = xmr(
        &series(&values),
        &xmr_options(ImprovementDirection::Increase, Vec::new()),
    );
    let svg = spc_svg(
        &analysis,
        &ChartOptions {
            width: 1,
            height: 1,
            target: Some(f64::INFINITY),
            ..ChartOptions::default()
        },
    );
    assert_well_formed(&svg);
    assert_eq!(fmt_num(-0.0001), "0");
    assert_eq!(fmt_num(45.25), "45.25");
    assert_eq!(fmt_num(1234.6), "1235");
}
