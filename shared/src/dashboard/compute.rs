//! Counting the metrics from the facts: pure, for the partnership or one organisation, over any
//! period, as of any day. See [`super::Metric::definition`] for what each one counts.

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate};

use super::{
    catalogue::{Counting, Metric},
    facts::{Facts, ProjectFact, TierSpan},
};
use crate::{
    capability::Tier,
    evidence::{Signal, judge_series},
    measure::MeasureType,
    project::{ProjectStatus, Spread},
    spc::SeriesPoint,
    training::EnrolmentStatus,
};

/// Whose figures: the partnership's (`None`) or one organisation's.
pub type Scope = Option<i64>;

/// The days a figure covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The calendar month `day` falls in.
    pub fn month_of(day: NaiveDate) -> Self {
        let from = first_of_month(day);
        let to = from
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(from);
        Self { from, to }
    }

    /// The year that ends on `day`.
    pub fn year_to(day: NaiveDate) -> Self {
        let from = day
            .checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(day);
        Self { from, to: day }
    }
}

pub fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The first days of the months from `from`'s to `to`'s, in order.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut month = first_of_month(from);
    while month <= to {
        out.push(month);
        match month.checked_add_months(Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    out
}

impl Facts {
    /// The metric for `scope` over `period`, knowing only what was recorded by the end of
    /// `as_of`. A stock is read on the period's last day (or `as_of`, if sooner); a flow counts
    /// the period's days up to `as_of`. `None`: a period that starts after `as_of`, or a share
    /// of nothing.
    pub fn value(
        &self,
        metric: Metric,
        scope: Scope,
        period: Period,
        as_of: NaiveDate,
    ) -> Option<f64> {
        if period.from > as_of || period.from > period.to {
            return None;
        }
        let day = period.to.min(as_of);
        let range = Period {
            from: period.from,
            to: day,
        };
        let count = |n: usize| Some(n as f64);
        use Metric::*;
        match metric {
            PeopleLearn => count(self.in_tiers(scope, day, &[Tier::Learn])),
            PeopleLive => count(self.in_tiers(scope, day, &[Tier::Live])),
            PeopleLead => count(self.in_tiers(scope, day, &[Tier::Lead])),
            PeopleMovedUp => count(self.moved_up(scope, range)),
            PeopleTrained => count(self.people_trained(scope, range)),
            TrainingSessions => count(self.sessions(scope, range).count()),
            PlacesOffered => Some(self.places_offered(scope, range)),
            PlacesAllocated => count(self.places(scope, range, day, false)),
            PlacesTaken => count(self.places(scope, range, day, true)),
            PlacesUnused => {
                let taken = self.places(scope, range, day, true) as f64;
                Some((self.places_offered(scope, range) - taken).max(0.0))
            }
            ProjectsProposed => count(self.with_status(scope, day, ProjectStatus::Proposed)),
            ProjectsActive => count(self.with_status(scope, day, ProjectStatus::Active)),
            ProjectsCompletedToDate => {
                count(self.with_status(scope, day, ProjectStatus::Completed))
            }
            ProjectsAbandoned => count(self.with_status(scope, day, ProjectStatus::Abandoned)),
            ProjectsStarted => count(self.started(scope, range, day).count()),
            ProjectsCompleted => count(
                self.projects_of(scope)
                    .map(|p| p.completions_in(range.from, range.to))
                    .sum(),
            ),
            ProjectsLedByCommunity => count(
                self.started(scope, range, day)
                    .filter(|p| {
                        p.lead_person_id.is_some_and(|lead| {
                            matches!(
                                self.tier_of(lead, p.started_on),
                                Some(Tier::Live | Tier::Lead)
                            )
                        })
                    })
                    .count(),
            ),
            CompletedImproved => self.completed_scoring(scope, day, false),
            CompletedImprovedSupported => self.completed_scoring(scope, day, true),
            InvolvementShare => self.share_of_current(scope, day, |p| p.involvement),
            SustainabilityShare => self.share_of_current(scope, day, |p| p.sustainability),
            ProjectsCoached => {
                let projects: HashSet<i64> = self
                    .coaching_in(scope, range)
                    .map(|c| c.project_id)
                    .collect();
                count(projects.len())
            }
            CoachingSessions => count(self.coaching_in(scope, range).count()),
            Co2eSaved => Some(self.saved(scope, day, |p| p.co2e_kg_per_year)),
            MoneySaved => Some(self.saved(scope, day, |p| p.money_per_year)),
            OutcomeMeasuresImproving => count(
                self.recorded_by(scope, day)
                    .map(|p| improving_outcomes(p, day))
                    .sum(),
            ),
            ProjectsWithImprovingOutcome => count(
                self.recorded_by(scope, day)
                    .filter(|p| improving_outcomes(p, day) > 0)
                    .count(),
            ),
            SpreadUnit => count(self.spread(scope, day, Spread::Unit)),
            SpreadOrganisation => count(self.spread(scope, day, Spread::Organisation)),
            SpreadPartnership => count(self.spread(scope, day, Spread::Partnership)),
            SpreadBeyond => count(self.spread(scope, day, Spread::Beyond)),
            AdoptingOrganisations => {
                let adopters: HashSet<i64> = self
                    .recorded_by(scope, day)
                    .flat_map(|p| {
                        p.adopters
                            .iter()
                            .copied()
                            .filter(move |a| *a != p.lead_organisation_id)
                    })
                    .collect();
                count(adopters.len())
            }
            TrainingByLeadTier => self.training_by_lead_tier(scope, range),
            CoachingByLeadTier => {
                let mut n = 0;
                let mut by_lead = 0;
                for c in self.coaching_in(scope, range) {
                    n += 1;
                    if self.tier_of(c.coach_id, c.held_on) == Some(Tier::Lead) {
                        by_lead += 1;
                    }
                }
                share(by_lead, n)
            }
            TierGrowth => {
                let now = self.in_tiers(scope, day, &[Tier::Live, Tier::Lead]);
                let year_before = day.checked_sub_months(Months::new(12))?;
                let before = self.in_tiers(scope, year_before, &[Tier::Live, Tier::Lead]);
                if before == 0 {
                    return None;
                }
                Some((now as f64 - before as f64) * 100.0 / before as f64)
            }
            MovingUpRate => {
                let before = range.from.pred_opt()?;
                let holding = self.in_tiers(scope, before, &[Tier::Learn, Tier::Live, Tier::Lead]);
                share(self.moved_up(scope, range), holding)
            }
            CoachedLeadsWhoCoach => self.coached_leads_who_coach(scope, day),
            SelfSustainability => self.self_sustainability(scope, range).1,
        }
    }

    /// The five parts of the self-sustainability index (each 0 to 100, `None` where there is
    /// nothing to count yet) and the index, their mean.
    pub fn self_sustainability(
        &self,
        scope: Scope,
        range: Period,
    ) -> ([(Metric, Option<f64>); 5], Option<f64>) {
        let as_of = range.to;
        let days = (range.to - range.from).num_days() + 1;
        let yearly = |v: Option<f64>| v.map(|v| v * 365.0 / days as f64);
        let parts = [
            (
                Metric::TrainingByLeadTier,
                self.value(Metric::TrainingByLeadTier, scope, range, as_of),
            ),
            (
                Metric::CoachingByLeadTier,
                self.value(Metric::CoachingByLeadTier, scope, range, as_of),
            ),
            (
                Metric::TierGrowth,
                self.value(Metric::TierGrowth, scope, range, as_of)
                    .map(|g| g.clamp(0.0, 100.0)),
            ),
            (
                Metric::MovingUpRate,
                // A quarter of those holding a tier moving up in a year scores full marks.
                yearly(self.value(Metric::MovingUpRate, scope, range, as_of))
                    .map(|r| (r * 4.0).clamp(0.0, 100.0)),
            ),
            (
                Metric::CoachedLeadsWhoCoach,
                self.value(Metric::CoachedLeadsWhoCoach, scope, range, as_of),
            ),
        ];
        let known: Vec<f64> = parts.iter().filter_map(|(_, v)| *v).collect();
        let index = (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64);
        (parts, index)
    }

    /// The metric month by month over the months from `from`'s to `to`'s, as of `as_of`; months
    /// that start after `as_of` are left out.
    pub fn monthly(
        &self,
        metric: Metric,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
    ) -> Vec<(NaiveDate, Option<f64>)> {
        months(from, to.min(as_of))
            .into_iter()
            .map(|month| {
                (
                    month,
                    self.value(metric, scope, Period::month_of(month), as_of),
                )
            })
            .collect()
    }

    /// The headline figure: a stock on `as_of`, a flow over the year to `as_of`.
    pub fn headline(&self, metric: Metric, scope: Scope, as_of: NaiveDate) -> Option<f64> {
        let period = match metric.counting() {
            Counting::Stock => Period {
                from: as_of,
                to: as_of,
            },
            Counting::Flow => Period::year_to(as_of),
        };
        self.value(metric, scope, period, as_of)
    }

    fn spans_of(&self, person_id: i64) -> &[TierSpan] {
        let start = self.tier_spans.partition_point(|s| s.person_id < person_id);
        let end = self
            .tier_spans
            .partition_point(|s| s.person_id <= person_id);
        self.tier_spans.get(start..end).unwrap_or_default()
    }

    /// The tier a person held at the end of `day`.
    pub fn tier_of(&self, person_id: i64, day: NaiveDate) -> Option<Tier> {
        self.spans_of(person_id)
            .iter()
            .filter(|s| s.held_on(day))
            .map(|s| s.tier)
            .max()
    }

    fn in_tiers(&self, scope: Scope, day: NaiveDate, tiers: &[Tier]) -> usize {
        self.tier_spans
            .iter()
            .filter(|s| in_scope(scope, s.organisation_id) && tiers.contains(&s.tier))
            .filter(|s| s.held_on(day))
            .count()
    }

    fn moved_up(&self, scope: Scope, range: Period) -> usize {
        let mut people = HashSet::new();
        for pair in self.tier_spans.windows(2) {
            let [before, after] = pair else { continue };
            if before.person_id == after.person_id
                && after.tier > before.tier
                && after.from >= range.from
                && after.from <= range.to
                && in_scope(scope, after.organisation_id)
            {
                people.insert(after.person_id);
            }
        }
        people.len()
    }

    fn attendance_in(&self, range: Period) -> &[super::facts::AttendanceFact] {
        let start = self.attendance.partition_point(|a| a.on < range.from);
        let end = self.attendance.partition_point(|a| a.on <= range.to);
        self.attendance.get(start..end).unwrap_or_default()
    }

    fn people_trained(&self, scope: Scope, range: Period) -> usize {
        let people: HashSet<i64> = self
            .attendance_in(range)
            .iter()
            .filter(|a| in_scope(scope, a.organisation_id))
            .map(|a| a.person_id)
            .collect();
        people.len()
    }

    /// Each session held in the range, with its cohort.
    fn sessions(
        &self,
        scope: Scope,
        range: Period,
    ) -> impl Iterator<Item = (&super::facts::CohortFact, NaiveDate)> {
        self.cohorts
            .iter()
            .filter(move |c| in_scope(scope, c.provider_organisation_id))
            .flat_map(move |c| {
                c.sessions
                    .iter()
                    .filter(move |d| **d >= range.from && **d <= range.to)
                    .map(move |d| (c, *d))
            })
    }

    fn training_by_lead_tier(&self, scope: Scope, range: Period) -> Option<f64> {
        let mut n = 0;
        let mut by_lead = 0;
        for (cohort, day) in self.sessions(scope, range) {
            n += 1;
            if cohort
                .facilitators
                .iter()
                .any(|f| self.tier_of(*f, day) == Some(Tier::Lead))
            {
                by_lead += 1;
            }
        }
        share(by_lead, n)
    }

    fn places_offered(&self, scope: Scope, range: Period) -> f64 {
        let starting = self
            .cohorts
            .iter()
            .filter(|c| c.starts_on >= range.from && c.starts_on <= range.to);
        let places: i64 = match scope {
            None => starting.map(|c| i64::from(c.capacity)).sum(),
            Some(org) => starting
                .flat_map(|c| c.allocations.iter())
                .filter(|(o, _)| *o == org)
                .map(|(_, places)| i64::from(*places))
                .sum(),
        };
        places as f64
    }

    fn cohort_start(&self, cohort_id: i64) -> Option<NaiveDate> {
        let i = self
            .cohorts
            .binary_search_by_key(&cohort_id, |c| c.id)
            .ok()?;
        self.cohorts.get(i).map(|c| c.starts_on)
    }

    /// Places on cohorts starting in the range given to a person by `day` (`taken`: and
    /// attended by then).
    fn places(&self, scope: Scope, range: Period, day: NaiveDate, taken: bool) -> usize {
        self.enrolments
            .iter()
            .filter(|e| in_scope(scope, e.organisation_id))
            .filter(|e| {
                matches!(
                    e.status,
                    EnrolmentStatus::Enrolled | EnrolmentStatus::Completed
                )
            })
            .filter(|e| e.enrolled_on <= day)
            .filter(|e| !taken || e.first_attended.is_some_and(|d| d <= day))
            .filter(|e| {
                self.cohort_start(e.cohort_id)
                    .is_some_and(|s| s >= range.from && s <= range.to)
            })
            .count()
    }

    fn projects_of(&self, scope: Scope) -> impl Iterator<Item = &ProjectFact> {
        self.projects
            .iter()
            .filter(move |p| in_scope(scope, p.lead_organisation_id))
    }

    fn recorded_by(&self, scope: Scope, day: NaiveDate) -> impl Iterator<Item = &ProjectFact> {
        self.projects_of(scope)
            .filter(move |p| p.recorded_on <= day)
    }

    /// Recorded by `day` and not abandoned then.
    fn current(&self, scope: Scope, day: NaiveDate) -> impl Iterator<Item = &ProjectFact> {
        self.recorded_by(scope, day)
            .filter(move |p| p.status_on(day) != Some(ProjectStatus::Abandoned))
    }

    fn with_status(&self, scope: Scope, day: NaiveDate, status: ProjectStatus) -> usize {
        self.projects_of(scope)
            .filter(|p| p.status_on(day) == Some(status))
            .count()
    }

    fn started(
        &self,
        scope: Scope,
        range: Period,
        day: NaiveDate,
    ) -> impl Iterator<Item = &ProjectFact> {
        self.recorded_by(scope, day)
            .filter(move |p| p.started_on >= range.from && p.started_on <= range.to)
    }

    fn completed_scoring(&self, scope: Scope, day: NaiveDate, supported: bool) -> Option<f64> {
        let mut n = 0;
        let mut scoring = 0;
        for p in self
            .projects_of(scope)
            .filter(|p| p.status_on(day) == Some(ProjectStatus::Completed))
        {
            n += 1;
            if p.score_on(day).is_some_and(|s| s >= 30) && (!supported || is_supported(p, day)) {
                scoring += 1;
            }
        }
        share(scoring, n)
    }

    fn share_of_current(
        &self,
        scope: Scope,
        day: NaiveDate,
        has: impl Fn(&ProjectFact) -> bool,
    ) -> Option<f64> {
        let mut n = 0;
        let mut with = 0;
        for p in self.current(scope, day) {
            n += 1;
            if has(p) {
                with += 1;
            }
        }
        share(with, n)
    }

    fn saved(
        &self,
        scope: Scope,
        day: NaiveDate,
        figure: impl Fn(&ProjectFact) -> Option<f64>,
    ) -> f64 {
        self.current(scope, day)
            .filter(|p| p.sustainability)
            .filter_map(figure)
            // Not `sum`: a sum of no floats is -0.0.
            .fold(0.0, |total, v| total + v)
    }

    fn spread(&self, scope: Scope, day: NaiveDate, level: Spread) -> usize {
        self.recorded_by(scope, day)
            .filter(|p| p.spread == level)
            .count()
    }

    fn coaching_in(
        &self,
        scope: Scope,
        range: Period,
    ) -> impl Iterator<Item = &super::facts::CoachingFact> {
        let start = self.coaching.partition_point(|c| c.held_on < range.from);
        let end = self.coaching.partition_point(|c| c.held_on <= range.to);
        self.coaching
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter(move |c| in_scope(scope, c.organisation_id))
    }

    fn coached_leads_who_coach(&self, scope: Scope, day: NaiveDate) -> Option<f64> {
        let all = Period {
            from: NaiveDate::MIN,
            to: day,
        };
        // Each lead of a coached project, with the day their project was first coached.
        let mut first_coached: std::collections::HashMap<i64, NaiveDate> = Default::default();
        for c in self.coaching_in(scope, all) {
            let Some(lead) = self.project(c.project_id).and_then(|p| p.lead_person_id) else {
                continue;
            };
            if lead == c.coach_id {
                continue;
            }
            first_coached.entry(lead).or_insert(c.held_on);
        }
        let coaching = self.coaching_in(None, all).collect::<Vec<_>>();
        let coach_later = first_coached
            .iter()
            .filter(|(lead, since)| {
                coaching
                    .iter()
                    .any(|c| c.coach_id == **lead && c.held_on > **since)
            })
            .count();
        share(coach_later, first_coached.len())
    }

    fn project(&self, id: i64) -> Option<&ProjectFact> {
        let i = self.projects.binary_search_by_key(&id, |p| p.id).ok()?;
        self.projects.get(i)
    }
}

fn in_scope(scope: Scope, organisation_id: i64) -> bool {
    scope.is_none_or(|id| id == organisation_id)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The measure's points and phase changes up to `day`, judged as the evidence check does.
fn signal_on(measure: &super::facts::MeasureFact, day: NaiveDate) -> Option<Signal> {
    let upto = measure.points.partition_point(|p| p.date <= day);
    let points: &[SeriesPoint] = measure.points.get(..upto).unwrap_or_default();
    let changes = measure.phase_changes.partition_point(|d| *d <= day);
    let changes = measure.phase_changes.get(..changes).unwrap_or_default();
    judge_series(points, changes, measure.direction).map(|j| j.signal)
}

fn improving_outcomes(project: &ProjectFact, day: NaiveDate) -> usize {
    project
        .measures
        .iter()
        .filter(|m| m.measure_type == MeasureType::Outcome)
        .filter(|m| signal_on(m, day) == Some(Signal::Improvement))
        .count()
}

/// An outcome or process measure showed improvement by `day` (the evidence check's rule).
fn is_supported(project: &ProjectFact, day: NaiveDate) -> bool {
    project
        .measures
        .iter()
        .filter(|m| matches!(m.measure_type, MeasureType::Outcome | MeasureType::Process))
        .any(|m| signal_on(m, day) == Some(Signal::Improvement))
}
