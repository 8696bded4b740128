//! Demo measures: every active and completed demo project gets an outcome measure, most a process
//! measure and some a balancing measure, with 10 to 36 months of data, so the charts and the
//! evidence for scores show every case: improvement after an adopted change (a phase change,
//! linked to the PDSA cycle that adopted it where there is one), improvement without one, flat
//! data (some under a score of 3.0 or more, which is then flagged), deterioration, gaps, short
//! series (a run chart) and targets.
//!
//! The values come from a small seeded generator (SplitMix64, seeded from the project's place),
//! so every seed gives the same data. Each series is checked with the evidence rules as it is
//! made, and drawn again (with the next seed) until it shows what its scenario says, so the demo
//! never depends on luck.

use anyhow::anyhow;
use chrono::{Datelike, Months, NaiveDate};
use qi_shared::{
    evidence::{self, Signal},
    improvement::ActDecision,
    measure::{
        AnnotationInput, AnnotationKind, Frequency, ImportMode, ImprovementDirection, MeasureInput,
        MeasureType, PointInput, Unit,
    },
    project::ProjectStatus,
    spc::SeriesPoint,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    measure_texts::{BALANCING, OUTCOMES},
    project_texts::THEMES,
};
use crate::db::{
    self,
    entity::{pdsa_cycle, project},
};

/// The demo's "today" (as in `projects`): the latest month with data.
const AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Redraws allowed before a series is kept as it is.
const ATTEMPTS: u64 = 40;

/// What a project's data is made to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// A step to the better level at an adopted change, marked as a phase change.
    Adopted,
    /// A gradual improvement with no phase change.
    Gradual,
    /// Nothing changes.
    Flat,
    /// The outcome gets worse.
    Worse,
}

impl Scenario {
    fn signal(self) -> Signal {
        match self {
            Self::Adopted | Self::Gradual => Signal::Improvement,
            Self::Flat => Signal::NoSignal,
            Self::Worse => Signal::Concern,
        }
    }
}

/// SplitMix64: tiny, fast and the same everywhere, which is all demo data needs.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal with mean 0 and standard deviation 1 (the sum of four uniforms).
    fn normal(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.uniform()).sum();
        (sum - 2.0) * 3f64.sqrt()
    }
}

/// One demo series: values by month from `first`, with a phase change at `change` if any.
struct Drawn {
    points: Vec<PointInput>,
    change: Option<usize>,
}

/// How one demo series looks.
#[derive(Debug, Clone, Copy)]
struct Shape {
    months: usize,
    first: NaiveDate,
    /// The typical value before the changes, and the level it moves to.
    before: f64,
    after: f64,
    /// The month it starts moving in.
    change: usize,
    /// A step at `change` (a phase change there when `marked`), or else a trend from it.
    step: bool,
    marked: bool,
    gaps: bool,
    unit: Unit,
    direction: ImprovementDirection,
}

impl Shape {
    /// The shape of a scenario's series.
    fn of(self, scenario: Scenario) -> Self {
        Self {
            step: scenario != Scenario::Gradual,
            marked: scenario == Scenario::Adopted,
            ..self
        }
    }
}

/// Draws a series of `shape` with noise from `seed`.
fn draw(seed: u64, shape: &Shape) -> Vec<PointInput> {
    let Shape {
        months,
        first,
        before,
        after,
        change,
        ..
    } = *shape;
    let mut draws = Draws(seed);
    let spread = (before - after).abs().max(before.abs() * 0.05) / 4.0;
    // How many a month the denominator counts: a division's bed days, a unit's patients.
    let size = match shape.unit {
        Unit::Rate => 1500.0 + 2000.0 * draws.uniform(),
        Unit::Percentage => 40.0 + 80.0 * draws.uniform(),
        _ => 0.0,
    };
    (0..months)
        .map(|i| {
            let progress = if shape.step {
                // A month or two to bed in, then the new level.
                match i.checked_sub(change) {
                    None => 0.0,
                    Some(0) => 0.4,
                    Some(1) => 0.8,
                    Some(_) => 1.0,
                }
            } else if i >= change {
                ((i - change + 1) as f64 / (months - change) as f64).min(1.0)
            } else {
                0.0
            };
            let level = before + (after - before) * progress;
            let mut value = level + spread * draws.normal();
            if shape.unit == Unit::Percentage {
                value = value.clamp(0.0, 100.0);
            }
            value = value.max(0.0);
            let decimals = if before >= 100.0 { 0 } else { 1 };
            let scale = 10f64.powi(decimals);
            let gap = shape.gaps && (i == months / 3 || i == months * 2 / 3 + 1);
            let (value, numerator, denominator) = if shape.unit.is_fraction() {
                counted(shape.unit, value, size * (0.9 + 0.2 * draws.uniform()))
            } else {
                ((value * scale).round() / scale, None, None)
            };
            PointInput {
                date: first + Months::new(i as u32),
                value: (!gap).then_some(value),
                numerator: numerator.filter(|_| !gap),
                denominator: denominator.filter(|_| !gap),
                note: if gap {
                    "Data not collected this month (staff shortage)".to_owned()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

/// A percentage's or a rate's (per 1,000) value as a team records it: a whole number of events
/// over a whole denominator, and the value worked out from them to one decimal place. What a
/// programme pools across sites (`qi_shared::programme::combine`).
pub(super) fn counted(unit: Unit, value: f64, denominator: f64) -> (f64, Option<f64>, Option<f64>) {
    let scale = match unit {
        Unit::Percentage => 100.0,
        Unit::Rate => 1000.0,
        _ => return ((value * 10.0).round() / 10.0, None, None),
    };
    let denominator = denominator.round().max(1.0);
    let numerator = (value * denominator / scale)
        .round()
        .min(if unit == Unit::Percentage {
            denominator
        } else {
            f64::MAX
        });
    let value = (scale * numerator / denominator * 10.0).round() / 10.0;
    (value, Some(numerator), Some(denominator))
}

/// Draws until the series shows `wanted` by the evidence rules (or the attempts run out).
fn draw_showing(wanted: Signal, seed: u64, shape: &Shape) -> Drawn {
    let marked = shape.marked.then_some(shape.change);
    let mut last = Vec::new();
    for attempt in 0..ATTEMPTS {
        let points = draw(seed.wrapping_mul(ATTEMPTS).wrapping_add(attempt), shape);
        let series: Vec<SeriesPoint> = points
            .iter()
            .map(|p| SeriesPoint {
                date: p.date,
                value: p.value,
            })
            .collect();
        let changes: Vec<NaiveDate> = marked.map(|i| points[i].date).into_iter().collect();
        let signal = evidence::judge_series(&series, &changes, shape.direction).map(|j| j.signal);
        if signal == Some(wanted) {
            return Drawn {
                points,
                change: marked,
            };
        }
        last = points;
    }
    Drawn {
        points: last,
        change: marked,
    }
}

/// A demo project that gets measures.
struct Seeded {
    project: project::Model,
    /// Its cycles that ended in "adopt": (id, end date).
    adopted: Vec<(i64, NaiveDate)>,
}

/// What the demo measures came to, for the log and the tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub measures: usize,
    pub points: usize,
}

fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> usize {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    usize::try_from(months).unwrap_or(0)
}

/// Seeds the measures of the demo projects (inside the demo transaction, after the projects).
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<Summary> {
    let projects = project::Entity::find()
        .filter(project::Column::Status.is_in([ProjectStatus::Active, ProjectStatus::Completed]))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let adopt = ActDecision::Adopt;
    let cycles = pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::Act.eq(adopt))
        .order_by_asc(pdsa_cycle::Column::ProjectId)
        .order_by_asc(pdsa_cycle::Column::Sequence)
        .all(db)
        .await?;
    let mut summary = Summary::default();
    let (mut claims, mut others) = (0usize, 0usize);
    for (k, project) in projects.into_iter().enumerate() {
        let Some(start) = project.start_date else {
            continue;
        };
        let adopted = cycles
            .iter()
            .filter(|c| c.project_id == project.id)
            .filter_map(|c| Some((c.id, c.end_date?)))
            .collect();
        let scenario = if project.score_tenths.is_some_and(|s| s >= 30) {
            claims += 1;
            // One claim in five is not (yet) borne out by the data: the evidence flag shows.
            match claims % 5 {
                2 => Scenario::Flat,
                4 => Scenario::Gradual,
                _ => Scenario::Adopted,
            }
        } else {
            others += 1;
            match others % 4 {
                1 => Scenario::Worse,
                3 => Scenario::Adopted,
                _ => Scenario::Flat,
            }
        };
        let seeded = Seeded { project, adopted };
        let (measures, points) = seed_project(db, k, start, scenario, &seeded).await?;
        summary.measures += measures;
        summary.points += points;
    }
    Ok(summary)
}

/// The outcome of a project's theme, found by its title.
fn theme_of(title: &str) -> usize {
    THEMES
        .iter()
        .position(|t| t.projects.iter().any(|b| b.title == title))
        .unwrap_or(0)
}

/// A project's measures: returns how many measures and points it got.
async fn seed_project(
    db: &impl ConnectionTrait,
    k: usize,
    start: NaiveDate,
    scenario: Scenario,
    seeded: &Seeded,
) -> anyhow::Result<(usize, usize)> {
    let project = &seeded.project;
    let theme_index = theme_of(&project.title);
    let theme = THEMES
        .get(theme_index)
        .ok_or_else(|| anyhow!("the demo has no themes"))?;
    let spec = &OUTCOMES[theme_index % OUTCOMES.len()];
    // Data runs from six months before the project starts (the baseline, often from existing
    // records) to its end, or to the demo's today for an active project: 12 to 36 months; one
    // project in nine is young, with 10 or 11 months (a run chart).
    let end = project
        .expected_end_date
        .filter(|_| project.status == ProjectStatus::Completed)
        .map_or(AS_OF, |d| month_start(d).min(AS_OF));
    let span = months_between(month_start(start), end) + 7;
    let months = if k % 9 == 4 {
        10 + k % 2
    } else {
        span.clamp(12, 36)
    };
    let first = end - Months::new(months as u32 - 1);
    // The change: the adopting PDSA cycle's end if it falls where a chart can show it, else the
    // middle. At least 5 months of baseline and 5 after.
    let window = |d: NaiveDate| {
        let i = months_between(first, month_start(d));
        (d >= first && (5..=months.saturating_sub(5)).contains(&i)).then_some(i)
    };
    let cycle = seeded
        .adopted
        .iter()
        .find_map(|&(id, date)| window(date).map(|i| (id, i)));
    let change = cycle.map_or(months / 2, |(_, i)| i);
    let gaps = k % 7 == 3;
    let seed = project.id as u64;

    let (before, after) = match scenario {
        Scenario::Adopted | Scenario::Gradual => (spec.before, spec.after),
        Scenario::Flat => (spec.before, spec.before),
        // Worse by about half as much as the improvement hoped for.
        Scenario::Worse => (spec.before, spec.before - (spec.after - spec.before) * 0.6),
    };
    let base = Shape {
        months,
        first,
        before,
        after,
        change,
        step: true,
        marked: false,
        gaps,
        unit: spec.unit,
        direction: spec.direction,
    };
    let outcome = draw_showing(scenario.signal(), seed, &base.of(scenario));
    let mut written = Vec::new();
    let outcome_input = MeasureInput {
        name: spec.name.to_owned(),
        measure_type: MeasureType::Outcome,
        operational_definition: spec.definition.to_owned(),
        unit: spec.unit,
        rate_per: (spec.unit == Unit::Rate).then_some(1000),
        numerator_definition: String::new(),
        denominator_definition: String::new(),
        improvement_direction: spec.direction,
        // Half the outcome measures have the aim's level as a target.
        target: k.is_multiple_of(2).then_some(spec.after),
        frequency: Frequency::Monthly,
        change_idea_ids: Vec::new(),
    };
    written.push((with_fractions(outcome_input), outcome));

    // Most projects also follow their main process; it moves with the changes, or stays flat.
    if k % 4 != 3 {
        let process_scenario = match scenario {
            Scenario::Worse => Scenario::Flat,
            other => other,
        };
        let (before, after) = match process_scenario {
            Scenario::Flat => (48.0, 48.0),
            _ => (48.0, 82.0),
        };
        let shape = Shape {
            before,
            after,
            gaps: false,
            unit: Unit::Percentage,
            direction: ImprovementDirection::Increase,
            ..base
        };
        let drawn = draw_showing(
            process_scenario.signal(),
            seed.wrapping_add(1_000_003),
            &shape.of(process_scenario),
        );
        let input = MeasureInput {
            name: format!("% of {}", theme.process),
            measure_type: MeasureType::Process,
            operational_definition: format!(
                "Of a sample of 20 {} each month: {}",
                theme.subject, theme.process
            ),
            unit: Unit::Percentage,
            rate_per: None,
            numerator_definition: String::new(),
            denominator_definition: String::new(),
            improvement_direction: ImprovementDirection::Increase,
            target: k.is_multiple_of(3).then_some(90.0),
            frequency: Frequency::Monthly,
            change_idea_ids: Vec::new(),
        };
        written.push((with_fractions(input), drawn));
    }

    // One project in three watches a balancing measure; one of those in two sees it worsen.
    if k.is_multiple_of(3) {
        let (name, definition, unit, level) = BALANCING[k / 3 % BALANCING.len()];
        let worse = (k / 3) % 2 == 1;
        let balancing_scenario = if worse {
            Scenario::Worse
        } else {
            Scenario::Flat
        };
        let shape = Shape {
            before: level,
            after: if worse { level * 1.25 } else { level },
            gaps: false,
            unit,
            direction: ImprovementDirection::Decrease,
            ..base
        };
        let drawn = draw_showing(
            balancing_scenario.signal(),
            seed.wrapping_add(2_000_003),
            &shape.of(balancing_scenario),
        );
        let input = MeasureInput {
            name: name.to_owned(),
            measure_type: MeasureType::Balancing,
            operational_definition: definition.to_owned(),
            unit,
            rate_per: None,
            numerator_definition: String::new(),
            denominator_definition: String::new(),
            improvement_direction: ImprovementDirection::Decrease,
            target: None,
            frequency: Frequency::Monthly,
            change_idea_ids: Vec::new(),
        };
        written.push((with_fractions(input), drawn));
    }

    let mut points = 0;
    let count = written.len();
    for (input, drawn) in written {
        let input = input
            .validate()
            .map_err(|e| anyhow!("a demo measure is invalid: {e:?}"))?;
        let id = db::measures::create(db, project.id, &input, project.created_by).await?;
        db::measures::save_points(db, id, &drawn.points, ImportMode::Replace).await?;
        points += drawn.points.len();
        if let Some(i) = drawn.change {
            let cycle_id = cycle.map(|(id, _)| id);
            let label = if cycle_id.is_some() {
                "Change adopted after PDSA testing"
            } else {
                "New process in place"
            };
            db::measures::add_annotation(
                db,
                id,
                &AnnotationInput {
                    date: drawn.points[i].date,
                    kind: AnnotationKind::PhaseChange,
                    label: label.to_owned(),
                    pdsa_cycle_id: cycle_id,
                },
            )
            .await?;
        }
    }
    Ok((count, points))
}

/// A percentage or a rate needs its numerator and denominator defined.
fn with_fractions(mut input: MeasureInput) -> MeasureInput {
    if input.unit.is_fraction() {
        input.numerator_definition = "Counted as the definition says".to_owned();
        input.denominator_definition = "All eligible in the period".to_owned();
    }
    input
}
