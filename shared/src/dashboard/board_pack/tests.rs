//! The board pack built over a small, known partnership: three people in organisation 1's Live
//! tier, one more in organisation 2's, and a chosen measure that steps up.

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::{
    capability::Tier,
    dashboard::facts::TierSpan,
    spc::{AssuranceIcon, VariationIcon},
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn facts() -> Facts {
    let span = |person_id, organisation_id, from| TierSpan {
        person_id,
        organisation_id,
        tier: Tier::Live,
        from,
        to: None,
    };
    Facts::new(
        vec![
            span(1, 1, d(2025, 1, 10)),
            span(2, 1, d(2025, 6, 1)),
            span(3, 1, d(2026, 4, 20)),
            span(4, 2, d(2025, 3, 1)),
        ],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    )
}

/// 20 monthly points: flat at about 10 for 12 months, then 20 (special-cause improvement), up to
/// April 2026; and one point in 2023, more than 24 months before, left out.
fn measure() -> PackMeasure {
    let mut points: Vec<(NaiveDate, Option<f64>)> = (0..20)
        .map(|i| {
            let date = d(2024, 9, 1)
                .checked_add_months(Months::new(i))
                .unwrap_or_default();
            let value = if i < 12 {
                10.0 + f64::from(i % 3)
            } else {
                20.0
            };
            (date, Some(value))
        })
        .collect();
    points.push((d(2023, 1, 1), Some(99.0)));
    PackMeasure {
        id: 42,
        project_id: 7,
        project_title: "Fewer falls".to_owned(),
        name: "Days between falls".to_owned(),
        unit_label: "count".to_owned(),
        direction: ImprovementDirection::Increase,
        target: Some(15.0),
        points,
    }
}

fn narrative(text: &str) -> Narrative {
    Narrative {
        text: text.to_owned(),
        updated_by: 1,
        updated_by_name: "Ada Lead".to_owned(),
        updated_at: Utc
            .with_ymd_and_hms(2026, 5, 3, 9, 0, 0)
            .single()
            .unwrap_or_default(),
    }
}

fn target(metric: Metric, monthly_value: f64) -> BoardTarget {
    BoardTarget {
        target_id: 1,
        metric,
        label: "Ten coaching sessions a month".to_owned(),
        period_from: d(2026, 1, 1),
        period_to: d(2026, 12, 31),
        monthly_value,
        current: Some(4.0),
        current_text: "4".to_owned(),
        expected: Some(40.0),
        expected_text: "40".to_owned(),
        on_track: Some(false),
        status: "Not on track".to_owned(),
        explanation: "Counted against a straight line".to_owned(),
    }
}

fn input(month: NaiveDate, as_of: NaiveDate) -> PackInput {
    PackInput {
        organisation_id: Some(1),
        organisation_name: Some("Northmoor".to_owned()),
        partnership_name: "The partnership".to_owned(),
        month,
        as_of,
        generated_at: Utc
            .with_ymd_and_hms(2026, 5, 20, 9, 0, 0)
            .single()
            .unwrap_or_default(),
        measures: vec![measure()],
        narratives: vec![
            (
                "metric:people_live".to_owned(),
                narrative("Two more leads since spring"),
            ),
            (
                "measure:42".to_owned(),
                narrative("=HYPERLINK(\"x\") stepped up"),
            ),
        ],
        targets: vec![target(Metric::CoachingSessions, 10.0)],
    }
}

fn row<'a>(pack: &'a BoardPack, key: &str) -> &'a BoardRow {
    pack.rows
        .iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("row {key}"))
}

#[test]
fn the_pack_shows_the_headline_metrics_and_those_with_targets_then_the_measures() {
    let pack = build(&facts(), input(d(2026, 4, 1), d(2026, 4, 30)));
    let metrics: Vec<Metric> = pack.rows.iter().filter_map(|r| r.metric).collect();
    let mut expected: Vec<Metric> = HEADLINE_METRICS.to_vec();
    expected.push(Metric::CoachingSessions);
    expected.sort_by_key(|m| Metric::ALL.iter().position(|a| a == m));
    assert_eq!(
        metrics, expected,
        "catalogue order, the targeted one included"
    );
    let last = pack.rows.last().map(|r| r.key.as_str());
    assert_eq!(last, Some("measure:42"), "measures after the metrics");
    assert_eq!(row(&pack, "metric:coaching_sessions").target, Some(10.0));
    assert_eq!(row(&pack, "metric:people_live").target, None);
}

#[test]
fn a_metric_shows_the_month_s_figure_for_its_scope_and_its_narrative() {
    let pack = build(&facts(), input(d(2026, 4, 1), d(2026, 4, 30)));
    let live = row(&pack, "metric:people_live");
    assert_eq!(
        live.value,
        Some(3.0),
        "three in organisation 1 by April's end"
    );
    assert_eq!(live.value_text, "3");
    assert_eq!(live.value_date, Some(d(2026, 4, 1)));
    assert_eq!(live.points.len(), 24, "24 months");
    assert_eq!(live.points.first().map(|p| p.month), Some(d(2024, 5, 1)));
    assert_eq!(
        live.narrative.as_ref().map(|n| n.text.as_str()),
        Some("Two more leads since spring")
    );
    // March: the third person joined in April.
    let march = build(&facts(), input(d(2026, 3, 1), d(2026, 3, 31)));
    assert_eq!(row(&march, "metric:people_live").value, Some(2.0));
}

#[test]
fn the_month_in_progress_counts_to_today() {
    let (month, as_of) = parse_month(Some("2026-04"), d(2026, 4, 15)).unwrap_or_default();
    assert_eq!((month, as_of), (d(2026, 4, 1), d(2026, 4, 15)));
    let pack = build(&facts(), input(month, as_of));
    assert_eq!(
        row(&pack, "metric:people_live").value,
        Some(2.0),
        "not yet the 20th"
    );
}

#[test]
fn a_measure_shows_its_latest_point_and_reads_its_last_24_months() {
    let pack = build(&facts(), input(d(2026, 4, 1), d(2026, 4, 30)));
    let m = row(&pack, "measure:42");
    assert_eq!(m.value, Some(20.0));
    assert_eq!(m.value_date, Some(d(2026, 4, 1)));
    assert_eq!(m.target_text, "15");
    assert_eq!(m.points.len(), 20, "the 2023 point is left out");
    assert_eq!(m.reading.chart, super::super::SeriesChart::Xmr);
    assert_eq!(
        m.reading.variation_icon,
        Some(VariationIcon::ImprovementHigh)
    );
    assert!(m.reading.assurance_icon.is_some());
    assert!(
        m.chart_svg(600, 240)
            .is_some_and(|svg| svg.starts_with("<svg"))
    );
    // As of an earlier day, only the points by then count.
    let early = build(&facts(), input(d(2025, 3, 1), d(2025, 3, 31)));
    assert_eq!(row(&early, "measure:42").points.len(), 7);
    assert_eq!(
        row(&early, "measure:42").reading.variation_icon,
        None,
        "a run chart"
    );
    let _ = AssuranceIcon::Pass;
}

#[test]
fn the_csv_has_a_bom_a_header_and_no_formula() {
    let pack = build(&facts(), input(d(2026, 4, 1), d(2026, 4, 30)));
    let text = csv(&pack);
    assert!(text.starts_with(
        "\u{feff}Kind,Name,Project,Date,Value,Unit,Target,Variation,Assurance,Narrative\n"
    ));
    assert!(text.contains("Partnership metric,People in the Live tier,,2026-04-01,3,count,,"));
    assert!(
        text.contains("\"'=HYPERLINK(\"\"x\"\") stepped up\""),
        "{text}"
    );
    assert_eq!(text.lines().count(), pack.rows.len() + 1);
    for (cell, safe) in [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@SUM", "'@SUM"),
        ("plain", "plain"),
    ] {
        assert_eq!(neutralise(cell), safe);
    }
}

#[test]
fn months_are_checked() {
    let today = d(2026, 5, 20);
    assert_eq!(
        parse_month(None, today),
        Ok((d(2026, 4, 1), d(2026, 4, 30))),
        "last complete month"
    );
    assert_eq!(
        parse_month(Some("2026-05"), today),
        Ok((d(2026, 5, 1), today))
    );
    for bad in ["2026-06", "2026-5", "May 2026", "2026-13", "2026-05-01"] {
        let query = BoardPackQuery {
            organisation_id: None,
            month: Some(bad.to_owned()),
        };
        let errors = query.validate(today).err().unwrap_or_default();
        assert_eq!(
            errors.0.first().map(|e| e.field.as_str()),
            Some("month"),
            "{bad}"
        );
    }
}

#[test]
fn narratives_and_measures_are_checked_field_by_field() {
    let today = d(2026, 5, 20);
    let input = NarrativesInput {
        organisation_id: None,
        month: "2026-04".to_owned(),
        narratives: vec![
            NarrativeInput {
                row: "metric:people_live".to_owned(),
                text: " Better ".to_owned(),
            },
            NarrativeInput {
                row: "measure:9".to_owned(),
                text: String::new(),
            },
        ],
    };
    let valid = input.validate(today).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        valid.narratives,
        vec![
            (
                RowKey::Metric(Metric::PeopleLive),
                Some("Better".to_owned())
            ),
            (RowKey::Measure(9), None),
        ]
    );
    let bad = NarrativesInput {
        organisation_id: None,
        month: "2027-01".to_owned(),
        narratives: vec![
            NarrativeInput {
                row: "metric:nothing".to_owned(),
                text: "x".repeat(301),
            },
            NarrativeInput {
                row: "measure:1".to_owned(),
                text: "two\nlines".to_owned(),
            },
        ],
    };
    let fields: Vec<String> = bad
        .validate(today)
        .err()
        .unwrap_or_default()
        .0
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "month",
            "narratives[0].row",
            "narratives[0].text",
            "narratives[1].text"
        ]
    );
    let twice = PackMeasuresInput {
        organisation_id: None,
        measure_ids: vec![1, 2, 1],
    };
    assert!(twice.validate().is_err());
    let many = PackMeasuresInput {
        organisation_id: None,
        measure_ids: (1..=21).collect(),
    };
    assert!(many.validate().is_err());
    assert_eq!(RowKey::parse("measure:0"), None);
    assert_eq!(RowKey::Measure(5).to_string(), "measure:5");
    assert_eq!(
        RowKey::parse("metric:people_lead"),
        Some(RowKey::Metric(Metric::PeopleLead))
    );
}

#[test]
fn a_target_s_progress_is_counted_by_the_targets_rules() {
    use crate::dashboard::target::{Comparator, TargetPer};
    let definition = TargetDefinition {
        organisation_id: Some(1),
        metric: Metric::PeopleLive,
        comparator: Comparator::AtLeast,
        value: 3.0,
        per: TargetPer::Period,
        period_from: d(2026, 1, 1),
        period_to: d(2026, 12, 31),
        label: "Three people in the Live tier".to_owned(),
    };
    let met = board_target(&facts(), 5, &definition, d(2026, 4, 30));
    assert_eq!((met.current, met.current_text.as_str()), (Some(3.0), "3"));
    assert_eq!(met.on_track, Some(true));
    assert_eq!(met.monthly_value, 3.0, "a level is drawn as it is");
    let before = board_target(&facts(), 5, &definition, d(2026, 3, 31));
    assert_eq!(before.on_track, Some(false), "two by March");
    assert_eq!(before.status, "Not on track");
    let mut pack_input = input(d(2026, 4, 1), d(2026, 4, 30));
    pack_input.targets = vec![met];
    let pack = build(&facts(), pack_input);
    assert_eq!(row(&pack, "metric:people_live").target_text, "3");
}
