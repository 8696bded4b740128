//! The dashboard's counting alone, over a synthetic partnership at the scale: 40
//! organisations, 50,000 people with their tier periods, 100,000 projects with dated status and
//! score histories, 20,000 outcome measures of 24 months, 40,000 coaching sessions, 2,000 cohorts
//! and 1,000,000 attendance records. Each iteration asks for a **different** "as of" day (and
//! organisation, or metric), as the server's requests do, so nothing is answered twice.
//!
//! `cargo bench -p qi-shared --bench dashboard -- --warm-up-time 1 --measurement-time 5`
//! `... -- breakdown` times the project figures by type and by quality dimension;
//! `... -- metric/` times each metric's 24 months and headline apart (where the time goes).
//!
//! The server adds reading the facts (kept in memory between writes) and sending the answer;
//! `scripts/bench-dashboard.sh` measures that, against real data.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use qi_shared::{
    capability::Tier,
    dashboard::{
        self, Facts, Metric,
        facts::{
            AttendanceFact, CoachingFact, CohortFact, EnrolmentFact, FollowUpFact, MeasureFact,
            ProjectAttributes, ProjectFact, TierSpan,
        },
    },
    follow_up::Lasting,
    measure::MeasureType,
    project::{ProjectStatus, ProjectType, QualityDimension, Spread},
    spc::{ImprovementDirection, SeriesPoint},
};

const ORGANISATIONS: i64 = 40;
const PEOPLE: i64 = 50_000;
const PROJECTS: i64 = 100_000;
const MEASURES: i64 = 20_000;
const COACHING: i64 = 40_000;
const COHORTS: i64 = 2_000;
const ATTENDANCE: usize = 1_000_000;
/// The days the data covers: six years to the bench's "today".
const DAYS: u64 = 6 * 365;

/// A small deterministic generator: the same data every run, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 1).unwrap_or_default()
}

fn today() -> NaiveDate {
    start() + Days::new(DAYS)
}

fn day(rng: &mut Rng, from: NaiveDate) -> NaiveDate {
    let left = (today() - from).num_days().max(1) as u64;
    from + Days::new(rng.below(left))
}

fn organisation(rng: &mut Rng) -> i64 {
    // Big organisations have more staff: the first few take most of the people.
    let r = rng.below(100);
    if r < 50 {
        1 + (r % 5) as i64
    } else {
        1 + rng.below(ORGANISATIONS as u64) as i64
    }
}

fn tier_spans(rng: &mut Rng, people_org: &[i64]) -> Vec<TierSpan> {
    let mut spans = Vec::new();
    for (person, org) in people_org.iter().enumerate() {
        let person_id = person as i64 + 1;
        if !rng.chance(60) {
            continue;
        }
        let mut from = day(rng, start());
        for tier in [Tier::Learn, Tier::Live, Tier::Lead] {
            let up = rng.chance(match tier {
                Tier::Learn => 30,
                _ => 15,
            });
            let to = if up && from < today() {
                Some(day(rng, from + Days::new(1)))
            } else {
                None
            };
            spans.push(TierSpan {
                person_id,
                organisation_id: *org,
                tier,
                from,
                to,
            });
            match to {
                Some(next) => from = next,
                None => break,
            }
        }
    }
    spans
}

fn measure(rng: &mut Rng, from: NaiveDate) -> MeasureFact {
    let steps = rng.chance(33);
    let points = (0..24u32)
        .map(|i| {
            let level = if steps && i >= 12 { 14.0 } else { 10.0 };
            SeriesPoint {
                date: from
                    .checked_add_months(chrono::Months::new(i))
                    .unwrap_or(from),
                value: Some(level + rng.below(100) as f64 / 50.0),
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

fn projects(rng: &mut Rng, people_org: &[i64]) -> Vec<ProjectFact> {
    (1..=PROJECTS)
        .map(|id| {
            let lead = rng.below(PEOPLE as u64) as usize;
            let recorded = day(rng, start());
            let mut statuses = vec![(recorded, ProjectStatus::Proposed)];
            let mut scores = vec![(recorded, 5)];
            let mut on = recorded;
            for (status, score) in [(ProjectStatus::Active, 20), (ProjectStatus::Completed, 35)] {
                if !rng.chance(70) || on >= today() {
                    break;
                }
                on = day(rng, on + Days::new(1));
                statuses.push((on, status));
                scores.push((on, score - 10 + rng.below(20) as i32));
            }
            if rng.chance(5) && on < today() {
                statuses.push((day(rng, on + Days::new(1)), ProjectStatus::Abandoned));
            }
            let measures = if id <= MEASURES {
                vec![measure(rng, recorded)]
            } else {
                vec![]
            };
            // Some completed projects followed up half a year on.
            let follow_ups = match statuses.last() {
                Some((on, ProjectStatus::Completed)) if rng.chance(40) => {
                    vec![FollowUpFact {
                        recorded_on: *on + Days::new(183),
                        completed_on: *on,
                        lasting: Lasting::Sustained,
                    }]
                }
                _ => vec![],
            };
            ProjectFact {
                id,
                lead_organisation_id: people_org.get(lead).copied().unwrap_or(1),
                lead_person_id: Some(lead as i64 + 1),
                recorded_on: recorded,
                started_on: recorded,
                statuses,
                scores,
                attributes: vec![(
                    recorded,
                    ProjectAttributes {
                        involvement: rng.chance(20),
                        sustainability: rng.chance(25),
                        co2e_kg_per_year: rng.chance(10).then(|| rng.below(5_000) as f64),
                        money_per_year: rng.chance(15).then(|| rng.below(50_000) as f64),
                        spread: match rng.below(10) {
                            0..=5 => Spread::Unit,
                            6..=7 => Spread::Organisation,
                            8 => Spread::Partnership,
                            _ => Spread::Beyond,
                        },
                    },
                )],
                adopters: if rng.chance(5) {
                    vec![(1 + rng.below(ORGANISATIONS as u64) as i64, recorded)]
                } else {
                    vec![]
                },
                project_type: match rng.below(10) {
                    0..=6 => ProjectType::QiProject,
                    7..=8 => ProjectType::ClinicalAudit,
                    _ => ProjectType::ServiceEvaluation,
                },
                quality_dimensions: QualityDimension::ALL
                    .iter()
                    .copied()
                    .filter(|_| rng.chance(30))
                    .collect(),
                measures,
                evidence: vec![],
                follow_ups,
            }
        })
        .collect()
}

fn facts() -> Facts {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let people_org: Vec<i64> = (0..PEOPLE).map(|_| organisation(&mut rng)).collect();
    let spans = tier_spans(&mut rng, &people_org);
    let projects = projects(&mut rng, &people_org);
    let coaching = (0..COACHING)
        .map(|_| {
            let project = 1 + rng.below(PROJECTS as u64) as usize;
            let p = &projects[project - 1];
            CoachingFact {
                held_on: day(&mut rng, p.recorded_on),
                project_id: p.id,
                organisation_id: p.lead_organisation_id,
                coach_id: 1 + rng.below(PEOPLE as u64) as i64,
            }
        })
        .collect();
    let cohorts: Vec<CohortFact> = (1..=COHORTS)
        .map(|id| {
            let starts_on = day(&mut rng, start());
            CohortFact {
                id,
                starts_on,
                provider_organisation_id: organisation(&mut rng),
                capacity: 25,
                allocations: (0..5).map(|_| (organisation(&mut rng), 5)).collect(),
                facilitators: (0..2)
                    .map(|_| 1 + rng.below(PEOPLE as u64) as i64)
                    .collect(),
                sessions: (0..8).map(|w| starts_on + Days::new(7 * w)).collect(),
            }
        })
        .collect();
    let mut enrolments = Vec::new();
    let mut attendance = Vec::new();
    while attendance.len() < ATTENDANCE {
        let person = rng.below(PEOPLE as u64) as usize;
        let cohort = &cohorts[rng.below(COHORTS as u64) as usize];
        let organisation_id = people_org.get(person).copied().unwrap_or(1);
        let attended: Vec<NaiveDate> = cohort
            .sessions
            .iter()
            .copied()
            .filter(|d| *d <= today() && rng.chance(85))
            .collect();
        enrolments.push(EnrolmentFact {
            cohort_id: cohort.id,
            person_id: person as i64 + 1,
            organisation_id,
            placed_on: Some(cohort.starts_on - Days::new(14)),
            // One in ten gives the place up in the course's second week.
            withdrawn_on: rng.chance(10).then(|| cohort.starts_on + Days::new(10)),
            first_attended: attended.first().copied(),
            cohort_starts_on: None,
        });
        attendance.extend(attended.into_iter().map(|on| AttendanceFact {
            on,
            person_id: person as i64 + 1,
            organisation_id,
        }));
    }
    Facts::new(spans, projects, coaching, cohorts, enrolments, attendance)
}

/// The `i`th request's "as of" day: today, then a day earlier each time (200 in a cycle).
fn as_of(i: u64) -> NaiveDate {
    today() - Days::new(i % 200)
}

fn bench(c: &mut Criterion) {
    let facts = facts();
    let mut group = c.benchmark_group("dashboard");
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("partnership overview", |b| {
        b.iter(|| {
            i += 1;
            black_box(dashboard::dashboard(&facts, None, as_of(i)))
        });
    });
    group.bench_function("one organisation", |b| {
        b.iter(|| {
            i += 1;
            let org = 1 + (i % ORGANISATIONS as u64) as i64;
            black_box(dashboard::dashboard(&facts, Some(org), as_of(i)))
        });
    });
    group.bench_function("36-month series", |b| {
        b.iter(|| {
            i += 1;
            let metric = Metric::ALL[(i as usize) % Metric::ALL.len()];
            let to = as_of(i);
            let from = to.checked_sub_months(chrono::Months::new(35)).unwrap_or(to);
            black_box(dashboard::series(
                &facts,
                metric,
                None,
                (from, to),
                to,
                None,
            ))
        });
    });
    let organisations: Vec<(i64, String)> = (1..=ORGANISATIONS)
        .map(|id| (id, format!("Organisation {id}")))
        .collect();
    group.bench_function("organisations compared", |b| {
        b.iter(|| {
            i += 1;
            black_box(dashboard::comparison(&facts, &organisations, as_of(i)))
        });
    });
    for by in dashboard::BreakdownBy::ALL {
        group.bench_function(format!("breakdown by {}", by.as_str()), |b| {
            b.iter(|| {
                i += 1;
                black_box(dashboard::breakdown(&facts, *by, None, as_of(i)))
            });
        });
        group.bench_function(
            format!("one organisation's breakdown by {}", by.as_str()),
            |b| {
                b.iter(|| {
                    i += 1;
                    let org = 1 + (i % ORGANISATIONS as u64) as i64;
                    black_box(dashboard::breakdown(&facts, *by, Some(org), as_of(i)))
                });
            },
        );
    }
    group.finish();

    let mut group = c.benchmark_group("metric");
    group.sample_size(10);
    for metric in Metric::ALL {
        group.bench_function(metric.as_str(), |b| {
            b.iter(|| {
                i += 1;
                let to = as_of(i);
                let from = to.checked_sub_months(chrono::Months::new(23)).unwrap_or(to);
                black_box(dashboard::series(
                    &facts,
                    *metric,
                    None,
                    (from, to),
                    to,
                    None,
                ))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
