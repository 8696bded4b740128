//! Targets judged over a small partnership whose facts are known by hand: organisation 1 with
//! two projects and their coaching, and monthly cohorts with places for organisation 1.

use chrono::NaiveDate;

use super::*;
use crate::{
    dashboard::facts::{CoachingFact, CohortFact, ProjectAttributes, ProjectFact},
    project::ProjectStatus,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn project(id: i64, recorded: NaiveDate, involvement: bool) -> ProjectFact {
    ProjectFact {
        id,
        lead_organisation_id: 1,
        lead_person_id: None,
        recorded_on: recorded,
        started_on: recorded,
        statuses: vec![(recorded, ProjectStatus::Active)],
        scores: vec![],
        attributes: vec![(
            recorded,
            ProjectAttributes {
                involvement,
                ..ProjectAttributes::default()
            },
        )],
        adopters: vec![],
        project_type: crate::project::ProjectType::QiProject,
        quality_dimensions: vec![],
        measures: vec![],
        evidence: vec![],
        follow_ups: vec![],
    }
}

fn coached(project_id: i64, held_on: NaiveDate) -> CoachingFact {
    CoachingFact {
        held_on,
        project_id,
        organisation_id: 1,
        coach_id: 9,
    }
}

/// Projects 1 (from January, with involvement) and 2 (from April, without); project 1 coached
/// in February, project 2 in May; cohorts starting on the 5th of January (12 places for
/// organisation 1), February (8) and March (10).
fn facts() -> Facts {
    let cohort = |id: i64, starts_on: NaiveDate, places: i32| CohortFact {
        id,
        starts_on,
        provider_organisation_id: 1,
        capacity: places,
        allocations: vec![(1, places)],
        facilitators: vec![],
        sessions: vec![starts_on],
    };
    Facts::new(
        vec![],
        vec![
            project(1, d(2026, 1, 10), true),
            project(2, d(2026, 4, 1), false),
        ],
        vec![coached(1, d(2026, 2, 3)), coached(2, d(2026, 5, 20))],
        vec![
            cohort(1, d(2026, 1, 5), 12),
            cohort(2, d(2026, 2, 5), 8),
            cohort(3, d(2026, 3, 5), 10),
        ],
        vec![],
        vec![],
    )
}

fn target(metric: Metric, value: f64, per: TargetPer) -> TargetDefinition {
    TargetDefinition {
        organisation_id: None,
        metric,
        comparator: Comparator::AtLeast,
        value,
        per,
        period_from: d(2026, 1, 1),
        period_to: d(2026, 12, 31),
        label: String::new(),
    }
}

#[test]
fn nothing_is_judged_before_the_period_starts() {
    let p = progress(
        &facts(),
        &target(Metric::ProjectsCoached, 4.0, TargetPer::Period),
        d(2025, 12, 31),
    );
    assert_eq!(p.status, TargetStatus::NotStarted);
    assert_eq!((p.current, p.expected, p.on_track), (None, None, None));
    assert_eq!(p.elapsed, 0.0);
}

#[test]
fn a_count_follows_a_straight_line_over_the_period() {
    let t = target(Metric::ProjectsCoached, 4.0, TargetPer::Period);
    // End of June 2026: 181 of 365 days gone, so about 1.98 expected; 2 coached.
    let june = progress(&facts(), &t, d(2026, 6, 30));
    assert_eq!(june.current, Some(2.0));
    let expected = june.expected.unwrap_or_default();
    assert!((expected - 4.0 * 181.0 / 365.0).abs() < 1e-9, "{expected}");
    assert_eq!(june.on_track, Some(true));
    assert_eq!(june.status, TargetStatus::OnTrack);
    // The end of March: one coached, about 0.99 expected: still on track.
    let march = progress(&facts(), &t, d(2026, 3, 31));
    assert_eq!(march.current, Some(1.0));
    assert_eq!(march.on_track, Some(true));
    // The end of September: still two, three expected.
    let september = progress(&facts(), &t, d(2026, 9, 30));
    assert_eq!(september.current, Some(2.0));
    assert_eq!(september.status, TargetStatus::NotOnTrack);
    // After the period: the whole target, not met.
    let after = progress(&facts(), &t, d(2027, 3, 1));
    assert_eq!((after.current, after.expected), (Some(2.0), Some(4.0)));
    assert_eq!(after.status, TargetStatus::NotMet);
    assert_eq!(after.elapsed, 1.0);
    // At most: the same line, the other way round.
    let ceiling = TargetDefinition {
        comparator: Comparator::AtMost,
        ..t
    };
    assert_eq!(
        progress(&facts(), &ceiling, d(2026, 9, 30)).status,
        TargetStatus::OnTrack
    );
}

#[test]
fn a_share_is_judged_as_it_stands() {
    let t = target(Metric::InvolvementShare, 60.0, TargetPer::Period);
    let march = progress(&facts(), &t, d(2026, 3, 31));
    assert_eq!((march.current, march.expected), (Some(100.0), Some(60.0)));
    assert_eq!(march.status, TargetStatus::OnTrack);
    let may = progress(&facts(), &t, d(2026, 5, 1));
    assert_eq!(may.current, Some(50.0));
    assert_eq!(may.status, TargetStatus::NotOnTrack);
    // Before any project: nothing to count.
    let early = TargetDefinition {
        period_from: d(2025, 6, 1),
        ..t
    };
    let p = progress(&facts(), &early, d(2025, 12, 1));
    assert_eq!(p.current, None);
    assert_eq!(p.status, TargetStatus::NoData);
}

#[test]
fn a_count_per_month_is_the_mean_of_the_complete_months() {
    let t = TargetDefinition {
        organisation_id: Some(1),
        ..target(Metric::PlacesOffered, 10.0, TargetPer::Month)
    };
    // Mid-March: January (12) and February (8) complete, mean 10: on track; one met.
    let p = progress(&facts(), &t, d(2026, 3, 15));
    assert_eq!((p.current, p.expected), (Some(10.0), Some(10.0)));
    assert_eq!(p.months_met, Some(1));
    assert_eq!(p.months.len(), 3);
    assert_eq!(p.months.get(2).and_then(|m| m.value), Some(10.0));
    assert_eq!(p.status, TargetStatus::OnTrack);
    // The end of April: April had none, mean 7.5.
    let p = progress(&facts(), &t, d(2026, 4, 30));
    assert_eq!(p.current, Some(7.5));
    assert_eq!(p.months_met, Some(2), "January and March");
    assert_eq!(p.status, TargetStatus::NotOnTrack);
    // In the first month: the month so far on a straight line through it.
    let p = progress(&facts(), &t, d(2026, 1, 31));
    assert_eq!(p.current, Some(12.0));
    let p = progress(&facts(), &t, d(2026, 1, 4));
    assert_eq!(p.current, Some(0.0));
    assert!(p.months_met.is_none());
    assert_eq!(p.status, TargetStatus::NotOnTrack);
}

#[test]
fn the_monthly_value_spreads_a_count_over_the_months() {
    assert_eq!(
        target(Metric::PeopleTrained, 120.0, TargetPer::Period).monthly_value(),
        10.0
    );
    assert_eq!(
        target(Metric::PlacesOffered, 10.0, TargetPer::Month).monthly_value(),
        10.0
    );
    assert_eq!(
        target(Metric::CompletedImproved, 75.0, TargetPer::Period).monthly_value(),
        75.0
    );
}

fn input() -> TargetInput {
    TargetInput {
        organisation_id: None,
        metric: Metric::CompletedImproved,
        comparator: Comparator::AtLeast,
        value: 75.0,
        per: TargetPer::Period,
        period_from: d(2026, 1, 1),
        period_to: d(2026, 12, 31),
        label: "  75% of completed projects score 3.0 or more ".to_owned(),
    }
}

fn failing(input: TargetInput) -> Vec<String> {
    match input.validate() {
        Ok(valid) => panic!("should fail: {valid:?}"),
        Err(errors) => errors.0.into_iter().map(|e| e.field).collect(),
    }
}

#[test]
fn a_target_is_checked_field_by_field() {
    let valid = input().validate();
    assert_eq!(
        valid.map(|v| v.label),
        Ok("75% of completed projects score 3.0 or more".to_owned())
    );
    let made = TargetInput {
        label: String::new(),
        ..input()
    }
    .validate();
    assert_eq!(
        made.map(|v| v.label),
        Ok("At least 75.0%: Completed projects scoring 3.0 or more".to_owned())
    );
    // (input, failing fields, why)
    let cases = [
        (
            TargetInput {
                value: -1.0,
                ..input()
            },
            vec!["value"],
            "negative",
        ),
        (
            TargetInput {
                value: 101.0,
                ..input()
            },
            vec!["value"],
            "a share over 100",
        ),
        (
            TargetInput {
                value: f64::NAN,
                ..input()
            },
            vec!["value"],
            "not a number",
        ),
        (
            TargetInput {
                period_to: d(2025, 12, 31),
                ..input()
            },
            vec!["period_to"],
            "ends before it starts",
        ),
        (
            TargetInput {
                period_to: d(2031, 12, 31),
                ..input()
            },
            vec!["period_to"],
            "over five years",
        ),
        (
            TargetInput {
                per: TargetPer::Month,
                ..input()
            },
            vec!["per"],
            "a share per month",
        ),
        (
            TargetInput {
                label: "x".repeat(201),
                ..input()
            },
            vec!["label"],
            "a long label",
        ),
    ];
    for (input, fields, why) in cases {
        assert_eq!(failing(input), fields, "{why}");
    }
    // A count over 100 is fine; per month is fine for a count.
    assert!(
        TargetInput {
            metric: Metric::PlacesOffered,
            value: 150.0,
            per: TargetPer::Month,
            ..input()
        }
        .validate()
        .is_ok()
    );
}
