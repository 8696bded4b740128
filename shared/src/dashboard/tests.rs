//! The metrics counted over a small partnership whose facts are known by hand: two
//! organisations (1 and 2), four people, three projects, one cohort.

use chrono::NaiveDate;

use super::{
    facts::{
        AttendanceFact, CoachingFact, CohortFact, EnrolmentFact, EventFact, FollowUpFact,
        MeasureFact, ProjectAttributes, ProjectFact, TierSpan,
    },
    *,
};
use crate::{
    capability::Tier,
    event::EventKind,
    follow_up::Lasting,
    measure::MeasureType,
    project::{ProjectStatus, ProjectType, QualityDimension, Spread},
    spc::{ImprovementDirection, SeriesPoint},
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn span(
    person_id: i64,
    organisation_id: i64,
    tier: Tier,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> TierSpan {
    TierSpan {
        person_id,
        organisation_id,
        tier,
        from,
        to,
    }
}

fn project(id: i64, organisation: i64, lead: i64, recorded: NaiveDate) -> ProjectFact {
    ProjectFact {
        id,
        lead_organisation_id: organisation,
        lead_person_id: Some(lead),
        recorded_on: recorded,
        started_on: recorded,
        statuses: vec![(recorded, ProjectStatus::Active)],
        scores: vec![],
        attributes: vec![(recorded, ProjectAttributes::default())],
        adopters: vec![],
        project_type: ProjectType::QiProject,
        quality_dimensions: vec![],
        measures: vec![],
        evidence: vec![],
        follow_ups: vec![],
    }
}

/// An outcome measure that steps up after 12 flat months: special-cause improvement from its
/// 13th month (a shift of eight points above the mean).
fn improving_outcome() -> MeasureFact {
    let points = (0..20)
        .map(|i| {
            let date = d(2024, 1, 1)
                .checked_add_months(chrono::Months::new(i))
                .unwrap_or_default();
            let value = if i < 12 {
                10.0 + f64::from(i % 3)
            } else {
                20.0
            };
            SeriesPoint {
                date,
                value: Some(value),
            }
        })
        .collect();
    MeasureFact {
        measure_type: MeasureType::Outcome,
        direction: ImprovementDirection::Increase,
        points,
        phase_changes: vec![],
    }
}

/// Person 1 (org 1): Learn from Jan 2024, Live from June 2024, Lead from March 2025.
/// Person 2 (org 1, then org 2 from Jan 2025): Learn from Feb 2024, Live from Jan 2025.
/// Person 3 (org 2): Learn from March 2024.
/// Person 4 (org 2): no tier; coaches.
fn partnership() -> Facts {
    let spans = vec![
        span(1, 1, Tier::Learn, d(2024, 1, 10), Some(d(2024, 6, 1))),
        span(1, 1, Tier::Live, d(2024, 6, 1), Some(d(2025, 3, 1))),
        span(1, 1, Tier::Lead, d(2025, 3, 1), None),
        span(2, 1, Tier::Learn, d(2024, 2, 1), Some(d(2025, 1, 15))),
        span(2, 2, Tier::Live, d(2025, 1, 15), None),
        span(3, 2, Tier::Learn, d(2024, 3, 1), None),
    ];
    let mut a = project(10, 1, 1, d(2024, 7, 1));
    a.statuses.push((d(2025, 2, 10), ProjectStatus::Completed));
    a.scores = vec![(d(2024, 9, 1), 20), (d(2025, 2, 10), 35)];
    // Patient involvement, a sustainability aspect and spread recorded three months in;
    // organisation 2 named as adopting it in January.
    a.attributes.push((
        d(2024, 10, 1),
        ProjectAttributes {
            involvement: true,
            sustainability: true,
            co2e_kg_per_year: Some(1200.0),
            money_per_year: Some(5000.0),
            spread: Spread::Partnership,
        },
    ));
    a.adopters = vec![(2, d(2025, 1, 10))];
    a.measures = vec![improving_outcome()];
    let mut b = project(11, 2, 3, d(2024, 4, 1));
    b.statuses.push((d(2024, 12, 1), ProjectStatus::Completed));
    b.scores = vec![(d(2024, 12, 1), 40)];
    let mut c = project(12, 2, 2, d(2025, 2, 1));
    c.statuses = vec![
        (d(2025, 2, 1), ProjectStatus::Proposed),
        (d(2025, 4, 1), ProjectStatus::Abandoned),
    ];
    let coaching = vec![
        CoachingFact {
            held_on: d(2024, 8, 1),
            project_id: 10,
            organisation_id: 1,
            coach_id: 4,
        },
        CoachingFact {
            held_on: d(2024, 9, 1),
            project_id: 10,
            organisation_id: 1,
            coach_id: 4,
        },
        CoachingFact {
            held_on: d(2025, 5, 1),
            project_id: 11,
            organisation_id: 2,
            coach_id: 1,
        },
    ];
    let cohorts = vec![CohortFact {
        id: 100,
        starts_on: d(2024, 5, 1),
        provider_organisation_id: 1,
        capacity: 6,
        allocations: vec![(1, 3), (2, 2)],
        facilitators: vec![1],
        sessions: vec![d(2024, 5, 1), d(2025, 5, 8)],
    }];
    let enrolments = vec![
        EnrolmentFact {
            cohort_id: 100,
            person_id: 2,
            organisation_id: 1,
            placed_on: Some(d(2024, 4, 1)),
            withdrawn_on: None,
            first_attended: Some(d(2024, 5, 1)),
            cohort_starts_on: None,
        },
        EnrolmentFact {
            cohort_id: 100,
            person_id: 3,
            organisation_id: 2,
            placed_on: Some(d(2024, 4, 2)),
            withdrawn_on: None,
            first_attended: None,
            cohort_starts_on: None,
        },
        EnrolmentFact {
            cohort_id: 100,
            person_id: 4,
            organisation_id: 2,
            placed_on: None,
            withdrawn_on: None,
            first_attended: None,
            cohort_starts_on: None,
        },
        // Given a place, then gave it up a month after the start without attending.
        EnrolmentFact {
            cohort_id: 100,
            person_id: 1,
            organisation_id: 1,
            placed_on: Some(d(2024, 4, 5)),
            withdrawn_on: Some(d(2024, 6, 1)),
            first_attended: None,
            cohort_starts_on: None,
        },
    ];
    let attendance = vec![
        AttendanceFact {
            on: d(2024, 5, 1),
            person_id: 2,
            organisation_id: 1,
        },
        AttendanceFact {
            on: d(2025, 5, 8),
            person_id: 2,
            organisation_id: 1,
        },
    ];
    Facts::new(
        spans,
        vec![a, b, c],
        coaching,
        cohorts,
        enrolments,
        attendance,
    )
    .with_events(vec![
        cafe(d(2024, 2, 8), 1),
        cafe(d(2024, 3, 14), 1),
        cafe(d(2024, 3, 21), 2),
        EventFact {
            on: d(2024, 3, 20),
            organisation_id: 1,
            kind: EventKind::Webinar,
        },
        cafe(d(2025, 1, 9), 2),
    ])
}

fn cafe(on: NaiveDate, organisation_id: i64) -> EventFact {
    EventFact {
        on,
        organisation_id,
        kind: EventKind::QiCafe,
    }
}

#[test]
fn qi_cafes_are_counted_by_their_day_and_organiser() {
    let f = partnership();
    assert_eq!(
        over(
            &f,
            Metric::QiCafes,
            None,
            d(2024, 3, 1),
            d(2024, 3, 31),
            d(2024, 12, 31)
        ),
        Some(2.0),
        "the webinar is not a café"
    );
    assert_eq!(
        over(
            &f,
            Metric::QiCafes,
            Some(1),
            d(2024, 1, 1),
            d(2024, 12, 31),
            d(2024, 12, 31)
        ),
        Some(2.0)
    );
    assert_eq!(
        over(
            &f,
            Metric::QiCafes,
            None,
            d(2024, 1, 1),
            d(2025, 12, 31),
            d(2024, 12, 31)
        ),
        Some(3.0),
        "none after the day asked about"
    );
    let months = f.monthly(
        Metric::QiCafes,
        None,
        d(2024, 1, 1),
        d(2024, 4, 1),
        d(2024, 4, 30),
    );
    let counts: Vec<Option<f64>> = months.into_iter().map(|(_, v)| v).collect();
    assert_eq!(counts, vec![Some(0.0), Some(1.0), Some(2.0), Some(0.0)]);
}

fn at(facts: &Facts, metric: Metric, scope: Scope, day: NaiveDate) -> Option<f64> {
    facts.value(metric, scope, Period { from: day, to: day }, day)
}

fn over(
    facts: &Facts,
    metric: Metric,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Option<f64> {
    facts.value(metric, scope, Period { from, to }, as_of)
}

#[test]
fn the_tiers_are_counted_on_the_day_in_the_organisation_of_the_day() {
    let f = partnership();
    assert_eq!(at(&f, Metric::PeopleLearn, None, d(2024, 3, 1)), Some(3.0));
    assert_eq!(
        at(&f, Metric::PeopleLearn, Some(1), d(2024, 12, 31)),
        Some(1.0)
    );
    assert_eq!(
        at(&f, Metric::PeopleLive, Some(1), d(2024, 12, 31)),
        Some(1.0)
    );
    // Person 2 moves to organisation 2 as they move up.
    assert_eq!(
        at(&f, Metric::PeopleLive, Some(2), d(2025, 1, 14)),
        Some(0.0)
    );
    assert_eq!(
        at(&f, Metric::PeopleLive, Some(2), d(2025, 1, 15)),
        Some(1.0)
    );
    assert_eq!(
        at(&f, Metric::PeopleLearn, Some(1), d(2025, 1, 15)),
        Some(0.0)
    );
    assert_eq!(at(&f, Metric::PeopleLead, None, d(2025, 2, 28)), Some(0.0));
    assert_eq!(at(&f, Metric::PeopleLead, None, d(2025, 3, 1)), Some(1.0));
}

#[test]
fn moving_up_counts_a_rise_not_a_first_tier() {
    let f = partnership();
    let (y24, y25) = (
        (d(2024, 1, 1), d(2024, 12, 31)),
        (d(2025, 1, 1), d(2025, 12, 31)),
    );
    let today = d(2025, 12, 31);
    assert_eq!(
        over(&f, Metric::PeopleMovedUp, None, y24.0, y24.1, today),
        Some(1.0)
    );
    assert_eq!(
        over(&f, Metric::PeopleMovedUp, None, y25.0, y25.1, today),
        Some(2.0)
    );
    assert_eq!(
        over(&f, Metric::PeopleMovedUp, Some(2), y25.0, y25.1, today),
        Some(1.0)
    );
    // As of before the second rise of 2025, only the first is known.
    assert_eq!(
        over(&f, Metric::PeopleMovedUp, None, y25.0, y25.1, d(2025, 2, 1)),
        Some(1.0)
    );
}

#[test]
fn training_places_and_attendance() {
    let f = partnership();
    let today = d(2025, 12, 31);
    let y24 = (d(2024, 1, 1), d(2024, 12, 31));
    assert_eq!(
        over(&f, Metric::PlacesOffered, None, y24.0, y24.1, today),
        Some(6.0)
    );
    assert_eq!(
        over(&f, Metric::PlacesOffered, Some(2), y24.0, y24.1, today),
        Some(2.0)
    );
    assert_eq!(
        over(&f, Metric::PlacesAllocated, None, y24.0, y24.1, today),
        Some(2.0)
    );
    assert_eq!(
        over(&f, Metric::PlacesTaken, None, y24.0, y24.1, today),
        Some(1.0)
    );
    assert_eq!(
        over(&f, Metric::PlacesUnused, None, y24.0, y24.1, today),
        Some(5.0)
    );
    assert_eq!(
        over(&f, Metric::PlacesUnused, Some(1), y24.0, y24.1, today),
        Some(2.0)
    );
    assert_eq!(
        over(&f, Metric::PeopleTrained, None, y24.0, y24.1, today),
        Some(1.0)
    );
    assert_eq!(
        over(&f, Metric::PeopleTrained, Some(2), y24.0, y24.1, today),
        Some(0.0)
    );
    assert_eq!(
        over(
            &f,
            Metric::TrainingSessions,
            None,
            d(2024, 1, 1),
            today,
            today
        ),
        Some(2.0)
    );
    // The place given up counts while it was held.
    assert_eq!(
        over(
            &f,
            Metric::PlacesAllocated,
            None,
            y24.0,
            y24.1,
            d(2024, 5, 31)
        ),
        Some(3.0)
    );
    assert_eq!(
        over(
            &f,
            Metric::PlacesAllocated,
            None,
            y24.0,
            y24.1,
            d(2024, 6, 1)
        ),
        Some(2.0)
    );
    // Before the enrolments were made, nothing was allocated.
    assert_eq!(
        over(
            &f,
            Metric::PlacesAllocated,
            None,
            y24.0,
            y24.1,
            d(2024, 3, 31)
        ),
        Some(0.0)
    );
}

#[test]
fn projects_by_status_and_in_the_period() {
    let f = partnership();
    assert_eq!(
        at(&f, Metric::ProjectsActive, None, d(2024, 11, 30)),
        Some(2.0)
    );
    assert_eq!(
        at(&f, Metric::ProjectsActive, None, d(2024, 12, 1)),
        Some(1.0)
    );
    assert_eq!(
        at(&f, Metric::ProjectsCompletedToDate, None, d(2025, 2, 10)),
        Some(2.0)
    );
    assert_eq!(
        at(&f, Metric::ProjectsProposed, Some(2), d(2025, 3, 1)),
        Some(1.0)
    );
    assert_eq!(
        at(&f, Metric::ProjectsAbandoned, Some(2), d(2025, 4, 1)),
        Some(1.0)
    );
    let today = d(2025, 12, 31);
    assert_eq!(
        over(
            &f,
            Metric::ProjectsStarted,
            None,
            d(2024, 1, 1),
            d(2024, 12, 31),
            today
        ),
        Some(2.0)
    );
    assert_eq!(
        over(
            &f,
            Metric::ProjectsCompleted,
            None,
            d(2025, 1, 1),
            d(2025, 12, 31),
            today
        ),
        Some(1.0)
    );
    // Project 10's lead held Live when it started; project 11's held Learn; project 12's Live.
    assert_eq!(
        over(
            &f,
            Metric::ProjectsLedByCommunity,
            None,
            d(2024, 1, 1),
            today,
            today
        ),
        Some(2.0)
    );
}

#[test]
fn the_share_scoring_three_follows_the_score_of_the_day_and_its_evidence() {
    let f = partnership();
    // On 1 Dec 2024 only project 11 is complete, scoring 4.0 with no measures.
    assert_eq!(
        at(&f, Metric::CompletedImproved, None, d(2024, 12, 1)),
        Some(100.0)
    );
    assert_eq!(
        at(&f, Metric::CompletedImprovedSupported, None, d(2024, 12, 1)),
        Some(0.0)
    );
    // On 10 Feb 2025 project 10 completes scoring 3.5, its outcome measure improving since
    // January 2025 (its 13th month).
    assert_eq!(
        at(&f, Metric::CompletedImproved, None, d(2025, 2, 10)),
        Some(100.0)
    );
    assert_eq!(
        at(&f, Metric::CompletedImprovedSupported, None, d(2025, 2, 10)),
        Some(50.0)
    );
    assert_eq!(
        at(&f, Metric::OutcomeMeasuresImproving, None, d(2024, 12, 31)),
        Some(0.0)
    );
    assert_eq!(
        at(&f, Metric::OutcomeMeasuresImproving, None, d(2025, 1, 1)),
        Some(1.0)
    );
    assert_eq!(
        at(
            &f,
            Metric::ProjectsWithImprovingOutcome,
            Some(2),
            d(2025, 6, 1)
        ),
        Some(0.0)
    );
    assert_eq!(
        at(&f, Metric::CompletedImproved, Some(1), d(2024, 12, 1)),
        None
    );
}

#[test]
fn involvement_sustainability_impact_and_spread() {
    let f = partnership();
    let day = d(2025, 3, 1);
    // Three projects recorded, none abandoned yet: one involves patients.
    assert_eq!(
        at(&f, Metric::InvolvementShare, None, day).map(|v| v.round()),
        Some(33.0)
    );
    // Abandoned in April: two remain.
    assert_eq!(
        at(&f, Metric::SustainabilityShare, None, d(2025, 4, 1)),
        Some(50.0)
    );
    assert_eq!(at(&f, Metric::Co2eSaved, None, day), Some(1200.0));
    assert_eq!(at(&f, Metric::MoneySaved, Some(2), day), Some(0.0));
    assert_eq!(at(&f, Metric::SpreadPartnership, None, day), Some(1.0));
    assert_eq!(at(&f, Metric::SpreadUnit, None, day), Some(2.0));
    assert_eq!(at(&f, Metric::AdoptingOrganisations, None, day), Some(1.0));
    assert_eq!(
        at(&f, Metric::AdoptingOrganisations, Some(2), day),
        Some(0.0)
    );
    // As of the days before each was recorded.
    let september = d(2024, 9, 1);
    assert_eq!(at(&f, Metric::InvolvementShare, None, september), Some(0.0));
    assert_eq!(at(&f, Metric::Co2eSaved, None, september), Some(0.0));
    assert_eq!(
        at(&f, Metric::SpreadPartnership, None, september),
        Some(0.0)
    );
    assert_eq!(at(&f, Metric::SpreadUnit, None, september), Some(2.0));
    let november = d(2024, 11, 1);
    assert_eq!(at(&f, Metric::InvolvementShare, None, november), Some(50.0));
    assert_eq!(at(&f, Metric::SpreadPartnership, None, november), Some(1.0));
    assert_eq!(
        at(&f, Metric::AdoptingOrganisations, None, d(2025, 1, 9)),
        Some(0.0)
    );
    assert_eq!(
        at(&f, Metric::AdoptingOrganisations, None, d(2025, 1, 10)),
        Some(1.0)
    );
}

#[test]
fn coaching_and_the_self_sustainability_parts() {
    let f = partnership();
    let today = d(2025, 12, 31);
    let y24 = (d(2024, 1, 1), d(2024, 12, 31));
    let y25 = (d(2025, 1, 1), d(2025, 12, 31));
    assert_eq!(
        over(&f, Metric::CoachingSessions, None, y24.0, y24.1, today),
        Some(2.0)
    );
    assert_eq!(
        over(&f, Metric::ProjectsCoached, None, y24.0, y24.1, today),
        Some(1.0)
    );
    assert_eq!(
        over(&f, Metric::ProjectsCoached, Some(2), y24.0, y24.1, today),
        Some(0.0)
    );
    // Person 1 (Lead from March 2025) coached in May 2025.
    assert_eq!(
        over(&f, Metric::CoachingByLeadTier, None, y25.0, y25.1, today),
        Some(100.0)
    );
    assert_eq!(
        over(&f, Metric::CoachingByLeadTier, None, y24.0, y24.1, today),
        Some(0.0)
    );
    // Person 1 facilitates: Live at the May 2024 session, Lead at the May 2025 one.
    assert_eq!(
        over(&f, Metric::TrainingByLeadTier, None, y24.0, y24.1, today),
        Some(0.0)
    );
    assert_eq!(
        over(&f, Metric::TrainingByLeadTier, None, y25.0, y25.1, today),
        Some(100.0)
    );
    // Person 1 led coached project 10 and coached project 11 later; person 3, project 11's
    // lead, was coached that day and has not coached.
    assert_eq!(
        at(&f, Metric::CoachedLeadsWhoCoach, None, d(2025, 4, 30)),
        Some(0.0)
    );
    assert_eq!(
        at(&f, Metric::CoachedLeadsWhoCoach, None, d(2025, 5, 1)),
        Some(50.0)
    );
    // Live and Lead: one (Jan 2025 less a year: none) → growth unknown; 2 at end of 2025 vs 1
    // at end of 2024.
    assert_eq!(
        at(&f, Metric::TierGrowth, None, d(2025, 12, 31)),
        Some(100.0)
    );
    assert_eq!(at(&f, Metric::TierGrowth, None, d(2024, 12, 31)), None);
    let (parts, index) = f.self_sustainability(
        None,
        Period {
            from: y25.0,
            to: y25.1,
        },
    );
    assert_eq!(parts.len(), 5);
    assert!(index.is_some_and(|i| i > 0.0 && i <= 100.0));
}

#[test]
fn a_monthly_series_stops_at_the_as_of_day_and_reads_as_a_run_chart_when_short() {
    let f = partnership();
    let s = series(
        &f,
        Metric::PeopleLearn,
        None,
        (d(2024, 1, 1), d(2025, 12, 1)),
        d(2024, 6, 15),
        None,
    );
    assert_eq!(s.months.len(), 6);
    assert_eq!(s.months.first().and_then(|m| m.value), Some(1.0));
    assert_eq!(s.months.last().map(|m| m.month), Some(d(2024, 6, 1)));
    // June 2024, as of the 15th: person 1 has moved up to Live.
    assert_eq!(s.months.last().and_then(|m| m.value), Some(2.0));
    assert_eq!(s.reading.chart, SeriesChart::Run);
    let long = series(
        &f,
        Metric::PeopleLearn,
        None,
        (d(2024, 1, 1), d(2025, 12, 1)),
        d(2025, 12, 31),
        None,
    );
    assert_eq!(long.months.len(), 24);
    assert_eq!(long.reading.chart, SeriesChart::Xmr);
    assert!(long.reading.variation_icon.is_some());
}

#[test]
fn the_series_query_is_checked() {
    let today = d(2026, 6, 15);
    let q = SeriesQuery::default().validate(today);
    assert_eq!(
        q.map(|q| (q.from, q.to)).ok(),
        Some((d(2023, 7, 1), d(2026, 6, 1)))
    );
    let bad = SeriesQuery {
        from: Some(d(2026, 1, 1)),
        to: Some(d(2025, 1, 1)),
        ..Default::default()
    };
    assert!(
        bad.validate(today)
            .is_err_and(|e| e.0.iter().any(|f| f.field == "from"))
    );
    let future = SeriesQuery {
        as_of: Some(d(2027, 1, 1)),
        ..Default::default()
    };
    assert!(future.validate(today).is_err());
    let long = SeriesQuery {
        from: Some(d(2000, 1, 1)),
        ..Default::default()
    };
    assert!(long.validate(today).is_err());
}

#[test]
fn every_metric_has_a_definition_and_values_format() {
    for m in Metric::ALL {
        assert!(m.definition().len() > 40, "{m:?}");
        assert_eq!(Metric::parse(m.as_str()), Some(*m));
        // The id in a path is the one in a body.
        assert_eq!(
            serde_json::to_string(m).ok(),
            Some(format!("\"{}\"", m.as_str()))
        );
    }
    assert_eq!(format_value(MetricUnit::Count, Some(12345.0)), "12,345");
    assert_eq!(format_value(MetricUnit::Percent, Some(37.54)), "37.5%");
    assert_eq!(format_value(MetricUnit::Pounds, Some(1200.4)), "£1,200");
    assert_eq!(format_value(MetricUnit::Count, None), "–");
}

#[test]
fn the_monthly_sweep_counts_what_a_month_at_a_time_would() {
    let f = partnership();
    for as_of in [d(2024, 8, 20), d(2025, 2, 10), d(2025, 12, 31)] {
        for scope in [None, Some(1), Some(2)] {
            for metric in Metric::ALL {
                let swept = f.monthly(*metric, scope, d(2024, 1, 1), d(2025, 12, 1), as_of);
                let one_by_one: Vec<_> = months(d(2024, 1, 1), d(2025, 12, 1).min(as_of))
                    .into_iter()
                    .map(|m| (m, f.value(*metric, scope, Period::month_of(m), as_of)))
                    .collect();
                assert_eq!(swept, one_by_one, "{metric:?} {scope:?} as of {as_of}");
            }
        }
    }
}

#[test]
fn the_list_behind_a_count_holds_what_it_counts() {
    let year = Period {
        from: d(2024, 1, 1),
        to: d(2025, 12, 31),
    };
    let known = [d(2024, 8, 20), d(2025, 2, 10), d(2025, 12, 31)];
    // The prepared lookups and distinct counts against the plain counting the lists use, for
    // the hand-built partnership and a made-up one with many more facts.
    let generated = generated_partnership();
    let many: Vec<NaiveDate> = (0..40)
        .map(|i| d(2023, 1, 1) + chrono::Days::new(i * 23))
        .collect();
    for (f, days) in [(partnership(), &known[..]), (generated, &many[..])] {
        for as_of in days.iter().copied() {
            for scope in [None, Some(1), Some(2), Some(3)] {
                for metric in [
                    Metric::PeopleLearn,
                    Metric::PeopleLive,
                    Metric::PeopleLead,
                    Metric::PeopleMovedUp,
                    Metric::PeopleTrained,
                    Metric::ProjectsProposed,
                    Metric::ProjectsActive,
                    Metric::ProjectsCompletedToDate,
                    Metric::ProjectsAbandoned,
                    Metric::ProjectsStarted,
                    Metric::ProjectsLedByCommunity,
                    Metric::ProjectsCoached,
                    Metric::SpreadUnit,
                    Metric::SpreadOrganisation,
                    Metric::SpreadPartnership,
                    Metric::SpreadBeyond,
                    Metric::ProjectsWithImprovingOutcome,
                ] {
                    let period = match metric.counting() {
                        Counting::Stock => Period {
                            from: as_of,
                            to: as_of,
                        },
                        Counting::Flow => Period::year_to(as_of),
                    };
                    let n = match f.members(metric, scope, period, as_of) {
                        Members::Projects(ids) => ids.len(),
                        Members::People(people) => people.len(),
                        Members::NotListed => usize::MAX,
                    };
                    assert_eq!(
                        Some(n as f64),
                        f.value(metric, scope, period, as_of),
                        "{metric:?} {scope:?} {as_of}"
                    );
                }
                assert_eq!(
                    f.value(
                        Metric::AdoptingOrganisations,
                        scope,
                        Period::year_to(as_of),
                        as_of
                    ),
                    Some(adopters(&f, scope, as_of) as f64),
                    "adopters {scope:?} {as_of}"
                );
                assert_eq!(
                    f.value(
                        Metric::CoachedLeadsWhoCoach,
                        scope,
                        Period::year_to(as_of),
                        as_of
                    ),
                    coached_leads_who_coach(&f, scope, as_of),
                    "coached leads {scope:?} {as_of}"
                );
            }
        }
    }
    let f = partnership();
    assert_eq!(
        f.members(Metric::PlacesOffered, None, year, d(2025, 12, 31)),
        Members::NotListed
    );
}

/// Organisations named by `day` as adopting a project the scope leads, counted plainly.
fn adopters(f: &Facts, scope: Scope, day: NaiveDate) -> usize {
    let mut adopters: Vec<i64> = f
        .projects
        .iter()
        .filter(|p| scope.is_none_or(|o| o == p.lead_organisation_id) && p.recorded_on <= day)
        .flat_map(|p| {
            p.adopters
                .iter()
                .filter(move |(a, on)| *a != p.lead_organisation_id && *on <= day)
                .map(|(a, _)| *a)
        })
        .collect();
    adopters.sort_unstable();
    adopters.dedup();
    adopters.len()
}

/// The share of leads coached by `day` who coached after, counted plainly.
fn coached_leads_who_coach(f: &Facts, scope: Scope, day: NaiveDate) -> Option<f64> {
    let mut first: std::collections::HashMap<i64, NaiveDate> = Default::default();
    for c in f
        .coaching
        .iter()
        .filter(|c| c.held_on <= day && scope.is_none_or(|o| o == c.organisation_id))
    {
        let lead = f
            .projects
            .iter()
            .find(|p| p.id == c.project_id)
            .and_then(|p| p.lead_person_id);
        if let Some(lead) = lead.filter(|l| *l != c.coach_id) {
            first.entry(lead).or_insert(c.held_on);
        }
    }
    let later = first
        .iter()
        .filter(|(lead, since)| {
            f.coaching
                .iter()
                .any(|c| c.coach_id == **lead && c.held_on > **since && c.held_on <= day)
        })
        .count();
    (!first.is_empty()).then(|| later as f64 * 100.0 / first.len() as f64)
}

/// A made-up partnership of three organisations with many facts, the same every run: people
/// moving up and between organisations, projects changing status and score, coaching of
/// projects by their own leads and others, cohorts and attendance.
fn generated_partnership() -> Facts {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let start = d(2022, 6, 1);
    let mut spans = Vec::new();
    let mut projects = Vec::new();
    let mut coaching = Vec::new();
    let mut attendance = Vec::new();
    let mut r = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n.max(1)
    };
    for person in 1..=60_i64 {
        let mut from = start + chrono::Days::new(r(700));
        for tier in [Tier::Learn, Tier::Live, Tier::Lead] {
            let organisation = 1 + r(3) as i64;
            let to = (r(2) == 0).then(|| from + chrono::Days::new(1 + r(300)));
            spans.push(span(person, organisation, tier, from, to));
            match to {
                Some(next) => from = next,
                None => break,
            }
        }
    }
    for id in 1..=120_i64 {
        let organisation = 1 + r(3) as i64;
        let recorded = start + chrono::Days::new(r(900));
        let mut p = project(id, organisation, 1 + r(60) as i64, recorded);
        p.statuses = vec![(recorded, ProjectStatus::Proposed)];
        p.scores = vec![(recorded, 10)];
        let mut on = recorded;
        for (status, score) in [
            (ProjectStatus::Active, 20),
            (ProjectStatus::Completed, 25 + r(15) as i32),
            (ProjectStatus::Active, 30),
            (ProjectStatus::Completed, 35),
        ] {
            if r(3) == 0 {
                break;
            }
            on = on + chrono::Days::new(1 + r(200));
            p.statuses.push((on, status));
            p.scores.push((on, score));
        }
        let changed = recorded + chrono::Days::new(r(400));
        let attributes = ProjectAttributes {
            involvement: r(3) == 0,
            sustainability: r(2) == 0,
            co2e_kg_per_year: Some(r(1000) as f64),
            money_per_year: Some(r(5000) as f64),
            spread: [
                Spread::Unit,
                Spread::Organisation,
                Spread::Partnership,
                Spread::Beyond,
            ][r(4) as usize],
        };
        p.attributes.push((changed, attributes));
        p.adopters = (0..r(3))
            .map(|_| (1 + r(5) as i64, recorded + chrono::Days::new(r(300))))
            .collect();
        if r(4) == 0 {
            p.measures = vec![improving_outcome()];
        }
        for _ in 0..r(4) {
            coaching.push(CoachingFact {
                held_on: recorded + chrono::Days::new(r(500)),
                project_id: id,
                organisation_id: organisation,
                coach_id: 1 + r(60) as i64,
            });
        }
        projects.push(p);
    }
    for _ in 0..600 {
        attendance.push(AttendanceFact {
            on: start + chrono::Days::new(r(1000)),
            person_id: 1 + r(60) as i64,
            organisation_id: 1 + r(3) as i64,
        });
    }
    Facts::new(spans, projects, coaching, vec![], vec![], attendance)
}

/// Every row counts its projects as the dashboard counts all of them: the first row is the
/// dashboard's figure for each metric it shows, for the partnership and each organisation, on
/// days through the facts' history (which holds a breakdown to metrics read from projects
/// alone).
#[test]
fn a_breakdown_counts_as_the_dashboard_does() {
    let facts = partnership();
    for day in [d(2024, 8, 1), d(2025, 1, 31), d(2025, 3, 15), d(2026, 1, 1)] {
        for scope in [None, Some(1), Some(2)] {
            for by in BreakdownBy::ALL {
                let table = breakdown(&facts, *by, scope, day);
                let first = table.rows.first().map(|r| r.values.clone());
                let dashboard: Vec<_> = BREAKDOWN_METRICS
                    .iter()
                    .map(|m| facts.headline(*m, scope, day))
                    .collect();
                assert_eq!(first, Some(dashboard), "{day} {scope:?} {by:?}");
            }
        }
    }
}

#[test]
fn rows_by_type_and_by_dimension() {
    let mut facts = partnership();
    for p in &mut facts.projects {
        match p.id {
            10 => p.quality_dimensions = vec![QualityDimension::Safe, QualityDimension::Equity],
            11 => {
                p.project_type = ProjectType::ClinicalAudit;
                p.quality_dimensions = vec![QualityDimension::Safe];
            }
            _ => {}
        }
    }
    let day = d(2025, 6, 30);
    let column = |metric: Metric| BREAKDOWN_METRICS.iter().position(|m| *m == metric);
    let completed = column(Metric::ProjectsCompletedToDate).unwrap_or(usize::MAX);
    let by_type = breakdown(&facts, BreakdownBy::ProjectType, None, day);
    let cells: Vec<_> = by_type
        .rows
        .iter()
        .map(|r| {
            (
                r.project_type,
                r.projects,
                r.values.get(completed).copied().flatten(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            (None, 3, Some(2.0)),
            (Some(ProjectType::QiProject), 2, Some(1.0)),
            (Some(ProjectType::ClinicalAudit), 1, Some(1.0)),
            (Some(ProjectType::ServiceEvaluation), 0, Some(0.0)),
        ]
    );
    // Project 10 counts under safe and under equity; project 12 under none.
    let by_dimension = breakdown(&facts, BreakdownBy::QualityDimension, None, day);
    let counts: Vec<_> = by_dimension
        .rows
        .iter()
        .map(|r| (r.quality_dimension, r.projects))
        .collect();
    assert_eq!(
        counts,
        [
            (None, 3),
            (Some(QualityDimension::Safe), 2),
            (Some(QualityDimension::Effective), 0),
            (Some(QualityDimension::Caring), 0),
            (Some(QualityDimension::Responsive), 0),
            (Some(QualityDimension::WellLed), 0),
            (Some(QualityDimension::Equity), 1),
        ]
    );
    // One organisation's rows hold only the projects it leads.
    let of_two = breakdown(&facts, BreakdownBy::ProjectType, Some(2), day);
    let counts: Vec<_> = of_two.rows.iter().map(|r| r.projects).collect();
    assert_eq!(counts, [2, 1, 1, 0]);
}

#[test]
fn a_project_counts_as_sustained_from_its_follow_up_for_its_completion_only() {
    let mut p = project(1, 1, 1, d(2024, 1, 10));
    p.statuses.push((d(2025, 1, 31), ProjectStatus::Completed));
    let found = |on, completed_on, lasting| FollowUpFact {
        recorded_on: on,
        completed_on,
        lasting,
    };
    p.follow_ups = vec![
        found(d(2025, 7, 31), d(2025, 1, 31), Lasting::Sustained),
        // The 12-month follow-up found it only partly sustained: not counted from then.
        found(d(2026, 1, 31), d(2025, 1, 31), Lasting::Partly),
    ];
    let mut reopened = p.clone();
    let f = Facts::new(vec![], vec![p.clone()], vec![], vec![], vec![], vec![]);
    let sustained = |f: &Facts, day| at(f, Metric::ProjectsSustained, None, day);
    assert_eq!(
        sustained(&f, d(2025, 7, 30)),
        Some(0.0),
        "not followed up yet"
    );
    assert_eq!(sustained(&f, d(2025, 7, 31)), Some(1.0));
    assert_eq!(
        sustained(&f, d(2026, 1, 31)),
        Some(0.0),
        "partly is not counted"
    );
    assert_eq!(p.lasting_on(d(2026, 2, 1)), Some(Lasting::Partly));

    // Reopened in March 2026 and completed again in June: the old follow-ups are the first
    // completion's, and say nothing of the second until it is followed up itself.
    reopened
        .statuses
        .push((d(2026, 3, 1), ProjectStatus::Active));
    reopened
        .statuses
        .push((d(2026, 6, 30), ProjectStatus::Completed));
    reopened.follow_ups = vec![found(d(2025, 7, 31), d(2025, 1, 31), Lasting::Sustained)];
    let f = Facts::new(
        vec![],
        vec![reopened.clone()],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    assert_eq!(sustained(&f, d(2025, 12, 1)), Some(1.0), "as it was then");
    assert_eq!(sustained(&f, d(2026, 4, 1)), Some(0.0), "not completed");
    assert_eq!(
        sustained(&f, d(2026, 7, 1)),
        Some(0.0),
        "the new completion not followed up"
    );
    assert_eq!(reopened.lasting_on(d(2026, 7, 1)), None);
}
