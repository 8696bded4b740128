//! Counting the metrics from the facts: pure, for the partnership or one organisation, over any
//! period, as of any day. See [`super::Metric::definition`] for what each one counts.

use chrono::{Datelike, Months, NaiveDate};

use super::{
    catalogue::{Counting, Metric, MetricUnit},
    facts::{AttendanceFact, CoachingFact, Facts, ProjectFact, TierSpan},
    prepared::{PROJECT_STOCKS, Previous, Rise},
};
use crate::{
    capability::Tier,
    follow_up::Lasting,
    project::{ProjectStatus, Spread},
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
            ProjectsProposed
            | ProjectsActive
            | ProjectsCompletedToDate
            | ProjectsAbandoned
            | Co2eSaved
            | MoneySaved
            | OutcomeMeasuresImproving
            | ProjectsWithImprovingOutcome
            | ProjectsSustained
            | SpreadUnit
            | SpreadOrganisation
            | SpreadPartnership
            | SpreadBeyond
            | CompletedImproved
            | CompletedImprovedSupported
            | InvolvementShare
            | SustainabilityShare => {
                let (num, den) = self.prepared.project_stock(metric, scope, day)?;
                project_stock(metric)?.finish(num, den)
            }
            PeopleLearn => count(self.in_tiers(scope, day, &[Tier::Learn])),
            PeopleLive => count(self.in_tiers(scope, day, &[Tier::Live])),
            PeopleLead => count(self.in_tiers(scope, day, &[Tier::Lead])),
            PeopleMovedUp => count(self.moved_up(scope, range)),
            PeopleTrained => count(self.people_trained(scope, range)),
            TrainingSessions => count(self.sessions(scope, range).count()),
            QiCafes => count(self.cafes(scope, range).count()),
            PlacesOffered => Some(self.places_offered(scope, range)),
            PlacesAllocated => count(self.places(scope, range, day, false)),
            PlacesTaken => count(self.places(scope, range, day, true)),
            PlacesUnused => {
                let taken = self.places(scope, range, day, true) as f64;
                Some((self.places_offered(scope, range) - taken).max(0.0))
            }
            ProjectsStarted => count(self.started(scope, range, day).count()),
            ProjectsCompleted => count(
                self.projects_of(scope)
                    .map(|p| p.completions_in(range.from, range.to))
                    .sum(),
            ),
            ProjectsLedByCommunity => count(
                self.started(scope, range, day)
                    .filter(|p| self.led_by_community(p))
                    .count(),
            ),
            ProjectsCoached => count(
                self.coaching_with_previous(scope, range)
                    .filter(|(_, previous)| previous.first_since(scope, range.from))
                    .count(),
            ),
            CoachingSessions => count(self.coaching_in(scope, range).count()),
            AdoptingOrganisations => count(self.prepared.adopters(scope, day)),
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
            CoachedLeadsWhoCoach => {
                let (coached, coaching_since) = self.prepared.coached_leads(scope, day);
                share(coaching_since, coached)
            }
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
        let months = months(from, to.min(as_of));
        // A stock on a day is a lookup in the prepared rows; a flow puts each event in its
        // month's bucket in one pass; the rest are counted a month at a time.
        match self.monthly_flow(metric, scope, &months, as_of) {
            Some(values) => months.into_iter().zip(values).collect(),
            None => months
                .into_iter()
                .map(|month| {
                    (
                        month,
                        self.value(metric, scope, Period::month_of(month), as_of),
                    )
                })
                .collect(),
        }
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

    /// A flow month by month in one pass over its events, each put in its month's bucket
    /// (`None`: a metric counted a month at a time). Each event counts only if recorded by the
    /// end of its month (or `as_of`), as [`Self::value`] counts a month.
    fn monthly_flow(
        &self,
        metric: Metric,
        scope: Scope,
        months: &[NaiveDate],
        as_of: NaiveDate,
    ) -> Option<Vec<Option<f64>>> {
        use Metric::*;
        let first = *months.first()?;
        let ordinal = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        // The bucket of a day, and the last day a fact of that month may be recorded by.
        let slot = |d: NaiveDate| -> Option<(usize, NaiveDate)> {
            if d > as_of || d < first {
                return None;
            }
            let i = usize::try_from(ordinal(d) - ordinal(first)).ok()?;
            (i < months.len()).then(|| (i, Period::month_of(d).to.min(as_of)))
        };
        let mut counts = vec![0.0_f64; months.len()];
        let mut add = |i: usize, n: f64| {
            if let Some(c) = counts.get_mut(i) {
                *c += n;
            }
        };
        let counts = match metric {
            ProjectsStarted | ProjectsLedByCommunity => {
                for p in self.projects_of(scope) {
                    let Some((i, by)) = slot(p.started_on) else {
                        continue;
                    };
                    if p.recorded_on > by {
                        continue;
                    }
                    if metric == ProjectsLedByCommunity && !self.led_by_community(p) {
                        continue;
                    }
                    add(i, 1.0);
                }
                counts
            }
            ProjectsCompleted => {
                for p in self.projects_of(scope) {
                    let mut previous = None;
                    for (on, status) in &p.statuses {
                        if *status == ProjectStatus::Completed
                            && previous != Some(ProjectStatus::Completed)
                            && let Some((i, _)) = slot(*on)
                        {
                            add(i, 1.0);
                        }
                        previous = Some(*status);
                    }
                }
                counts
            }
            CoachingSessions => {
                for c in self
                    .coaching
                    .iter()
                    .filter(|c| in_scope(scope, c.organisation_id))
                {
                    if let Some((i, _)) = slot(c.held_on) {
                        add(i, 1.0);
                    }
                }
                counts
            }
            ProjectsCoached => {
                for (c, previous) in self.coaching_with_previous(
                    scope,
                    Period {
                        from: first,
                        to: as_of,
                    },
                ) {
                    if let Some((i, _)) = slot(c.held_on)
                        && previous.first_since(scope, first_of_month(c.held_on))
                    {
                        add(i, 1.0);
                    }
                }
                counts
            }
            PeopleTrained => {
                for (a, previous) in self.attendance_with_previous(
                    scope,
                    Period {
                        from: first,
                        to: as_of,
                    },
                ) {
                    if let Some((i, _)) = slot(a.on)
                        && previous.first_since(scope, first_of_month(a.on))
                    {
                        add(i, 1.0);
                    }
                }
                counts
            }
            PeopleMovedUp => {
                for rise in self.rises(
                    scope,
                    Period {
                        from: first,
                        to: as_of,
                    },
                ) {
                    if let Some((i, _)) = slot(rise.on)
                        && rise.previous.first_since(scope, first_of_month(rise.on))
                    {
                        add(i, 1.0);
                    }
                }
                counts
            }
            QiCafes => {
                for e in self.cafes(
                    scope,
                    Period {
                        from: first,
                        to: as_of,
                    },
                ) {
                    if let Some((i, _)) = slot(e.on) {
                        add(i, 1.0);
                    }
                }
                counts
            }
            TrainingSessions => {
                for c in self
                    .cohorts
                    .iter()
                    .filter(|c| in_scope(scope, c.provider_organisation_id))
                {
                    for d in &c.sessions {
                        if let Some((i, _)) = slot(*d) {
                            add(i, 1.0);
                        }
                    }
                }
                counts
            }
            PlacesOffered | PlacesAllocated | PlacesTaken | PlacesUnused => {
                let mut offered = vec![0.0_f64; months.len()];
                let mut taken = vec![0.0_f64; months.len()];
                let mut allocated = vec![0.0_f64; months.len()];
                for c in &self.cohorts {
                    let Some((i, _)) = slot(c.starts_on) else {
                        continue;
                    };
                    let places: i64 = match scope {
                        None => i64::from(c.capacity),
                        Some(org) => c
                            .allocations
                            .iter()
                            .filter(|(o, _)| *o == org)
                            .map(|(_, n)| i64::from(*n))
                            .sum(),
                    };
                    if let Some(o) = offered.get_mut(i) {
                        *o += places as f64;
                    }
                }
                for e in self
                    .enrolments
                    .iter()
                    .filter(|e| in_scope(scope, e.organisation_id))
                {
                    let Some((i, by)) = e.cohort_starts_on.and_then(slot) else {
                        continue;
                    };
                    if !e.held_on(by) {
                        continue;
                    }
                    if let Some(a) = allocated.get_mut(i) {
                        *a += 1.0;
                    }
                    if e.first_attended.is_some_and(|d| d <= by)
                        && let Some(t) = taken.get_mut(i)
                    {
                        *t += 1.0;
                    }
                }
                match metric {
                    PlacesOffered => offered,
                    PlacesAllocated => allocated,
                    PlacesTaken => taken,
                    _ => offered
                        .iter()
                        .zip(&taken)
                        .map(|(o, t)| (o - t).max(0.0))
                        .collect(),
                }
            }
            _ => return None,
        };
        Some(counts.into_iter().map(Some).collect())
    }

    fn spans_of(&self, person_id: i64) -> &[TierSpan] {
        let start = self.tier_spans.partition_point(|s| s.person_id < person_id);
        let end = self
            .tier_spans
            .partition_point(|s| s.person_id <= person_id);
        self.tier_spans.get(start..end).unwrap_or_default()
    }

    /// Led by the community of practice: its lead held the Live or Lead tier when it started.
    fn led_by_community(&self, p: &ProjectFact) -> bool {
        p.lead_person_id.is_some_and(|lead| {
            matches!(
                self.tier_of(lead, p.started_on),
                Some(Tier::Live | Tier::Lead)
            )
        })
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
        self.prepared.in_tiers(scope, day, tiers)
    }

    /// The rises in the scope over the range, in day order.
    pub(super) fn rises(&self, scope: Scope, range: Period) -> impl Iterator<Item = &Rise> {
        self.prepared
            .rises_in(range.from, range.to)
            .iter()
            .filter(move |r| in_scope(scope, r.organisation_id))
    }

    /// People moving up a tier in the range, each counted once.
    fn moved_up(&self, scope: Scope, range: Period) -> usize {
        self.rises(scope, range)
            .filter(|r| r.previous.first_since(scope, range.from))
            .count()
    }

    fn attendance_in(&self, range: Period) -> std::ops::Range<usize> {
        let start = self.attendance.partition_point(|a| a.on < range.from);
        let end = self.attendance.partition_point(|a| a.on <= range.to);
        start..end.max(start)
    }

    /// The attendance records in the scope over the range, each with the day of the person's
    /// previous one.
    pub(super) fn attendance_with_previous(
        &self,
        scope: Scope,
        range: Period,
    ) -> impl Iterator<Item = (&AttendanceFact, Previous)> {
        let slice = self.attendance_in(range);
        let records = self.attendance.get(slice.clone()).unwrap_or_default();
        let previous = self
            .prepared
            .attendance_previous
            .get(slice)
            .unwrap_or_default();
        records
            .iter()
            .zip(previous.iter().copied())
            .filter(move |(a, _)| in_scope(scope, a.organisation_id))
    }

    /// People who attended training in the range, each counted once.
    fn people_trained(&self, scope: Scope, range: Period) -> usize {
        self.attendance_with_previous(scope, range)
            .filter(|(_, previous)| previous.first_since(scope, range.from))
            .count()
    }

    /// Each session held in the range, with its cohort.
    /// QI cafés held in the range, by the organisations in scope.
    fn cafes(&self, scope: Scope, range: Period) -> impl Iterator<Item = &super::facts::EventFact> {
        let start = self.events.partition_point(|e| e.on < range.from);
        let end = self.events.partition_point(|e| e.on <= range.to);
        self.events
            .get(start..end.max(start))
            .unwrap_or_default()
            .iter()
            .filter(move |e| {
                e.kind == crate::event::EventKind::QiCafe && in_scope(scope, e.organisation_id)
            })
    }

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

    /// Places on cohorts starting in the range given to a person by `day` (`taken`: and
    /// attended by then).
    fn places(&self, scope: Scope, range: Period, day: NaiveDate, taken: bool) -> usize {
        // Kept in order of cohort start (no start, `None`, first).
        let start = self
            .enrolments
            .partition_point(|e| e.cohort_starts_on < Some(range.from));
        let end = self
            .enrolments
            .partition_point(|e| e.cohort_starts_on <= Some(range.to))
            .max(start);
        self.enrolments
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter(|e| in_scope(scope, e.organisation_id) && e.held_on(day))
            .filter(|e| !taken || e.first_attended.is_some_and(|d| d <= day))
            .count()
    }

    /// The projects led by the organisation (all, for the partnership): one slice, as they
    /// are kept in order of lead organisation.
    fn projects_of(&self, scope: Scope) -> impl Iterator<Item = &ProjectFact> {
        let all = self.projects.as_slice();
        let slice = match scope {
            None => all,
            Some(org) => {
                let start = all.partition_point(|p| p.lead_organisation_id < org);
                let end = all.partition_point(|p| p.lead_organisation_id <= org);
                all.get(start..end).unwrap_or_default()
            }
        };
        slice.iter()
    }

    fn recorded_by(&self, scope: Scope, day: NaiveDate) -> impl Iterator<Item = &ProjectFact> {
        self.projects_of(scope)
            .filter(move |p| p.recorded_on <= day)
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

    fn coaching_in(&self, scope: Scope, range: Period) -> impl Iterator<Item = &CoachingFact> {
        self.coaching_with_previous(scope, range).map(|(c, _)| c)
    }

    /// The coaching sessions in the scope over the range, each with the day of its project's
    /// previous session.
    fn coaching_with_previous(
        &self,
        scope: Scope,
        range: Period,
    ) -> impl Iterator<Item = (&CoachingFact, Previous)> {
        let start = self.coaching.partition_point(|c| c.held_on < range.from);
        let end = self
            .coaching
            .partition_point(|c| c.held_on <= range.to)
            .max(start);
        let sessions = self.coaching.get(start..end).unwrap_or_default();
        let previous = self
            .prepared
            .coaching_previous
            .get(start..end)
            .unwrap_or_default();
        sessions
            .iter()
            .zip(previous.iter().copied())
            .filter(move |(c, _)| in_scope(scope, c.organisation_id))
    }
}

fn in_scope(scope: Scope, organisation_id: i64) -> bool {
    scope.is_none_or(|id| id == organisation_id)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// How a project stock's figure comes from its weights.
#[derive(Debug, Clone, Copy)]
enum StockKind {
    /// The weights added up: a count, or a sum of money or carbon.
    Total,
    /// The first weights as a share of the second.
    Share,
}

impl StockKind {
    fn finish(self, num: f64, den: f64) -> Option<f64> {
        match self {
            Self::Total => Some(num),
            Self::Share => (den > 0.0).then(|| num * 100.0 / den),
        }
    }
}

/// The metrics counted over projects on a day, each project weighing in by its state then
/// ([`PROJECT_STOCKS`]), and how each figure comes from the weights.
fn project_stock(metric: Metric) -> Option<StockKind> {
    PROJECT_STOCKS
        .contains(&metric)
        .then(|| match metric.unit() {
            MetricUnit::Percent => StockKind::Share,
            MetricUnit::Count | MetricUnit::KgCo2e | MetricUnit::Pounds => StockKind::Total,
        })
}

/// What one project adds to a project stock at the end of `day`: (to the figure, to the
/// whole a share is of).
pub(super) fn project_stock_weight(metric: Metric, p: &ProjectFact, day: NaiveDate) -> (f64, f64) {
    use Metric::*;
    let one = |b: bool| if b { 1.0 } else { 0.0 };
    let recorded = p.recorded_on <= day;
    let status = p.status_on(day);
    // Recorded and not abandoned: the projects a share of "projects" is of.
    let current = recorded && status != Some(ProjectStatus::Abandoned);
    let completed = status == Some(ProjectStatus::Completed);
    let improved = || completed && p.score_on(day).is_some_and(|s| s >= 30);
    let a = p.attributes_on(day);
    match metric {
        ProjectsProposed => (one(status == Some(ProjectStatus::Proposed)), 0.0),
        ProjectsActive => (one(status == Some(ProjectStatus::Active)), 0.0),
        ProjectsCompletedToDate => (one(completed), 0.0),
        ProjectsAbandoned => (one(status == Some(ProjectStatus::Abandoned)), 0.0),
        CompletedImproved => (one(improved()), one(completed)),
        CompletedImprovedSupported => (
            one(improved() && p.evidence_on(day).supported),
            one(completed),
        ),
        InvolvementShare => (one(current && a.involvement), one(current)),
        SustainabilityShare => (one(current && a.sustainability), one(current)),
        Co2eSaved if current && a.sustainability => (a.co2e_kg_per_year.unwrap_or(0.0), 0.0),
        MoneySaved if current && a.sustainability => (a.money_per_year.unwrap_or(0.0), 0.0),
        OutcomeMeasuresImproving if recorded => {
            (f64::from(p.evidence_on(day).improving_outcomes), 0.0)
        }
        ProjectsWithImprovingOutcome => (
            one(recorded && p.evidence_on(day).improving_outcomes > 0),
            0.0,
        ),
        ProjectsSustained => (
            one(completed && p.lasting_on(day) == Some(Lasting::Sustained)),
            0.0,
        ),
        SpreadUnit => (one(recorded && a.spread == Spread::Unit), 0.0),
        SpreadOrganisation => (one(recorded && a.spread == Spread::Organisation), 0.0),
        SpreadPartnership => (one(recorded && a.spread == Spread::Partnership), 0.0),
        SpreadBeyond => (one(recorded && a.spread == Spread::Beyond), 0.0),
        _ => (0.0, 0.0),
    }
}

/// Who or what a figure counts, for the list behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Members {
    /// The projects counted, by id, in order.
    Projects(Vec<i64>),
    /// The people counted, with the organisation each is counted in, by id.
    People(Vec<(i64, i64)>),
    /// A figure that is not a count of projects or people (places, sessions, shares of
    /// sessions, the index): nothing to list.
    NotListed,
}

impl Facts {
    /// What `value` counts for the same arguments: the projects or people behind the figure
    /// (for a share, those in its top line).
    pub fn members(
        &self,
        metric: Metric,
        scope: Scope,
        period: Period,
        as_of: NaiveDate,
    ) -> Members {
        use Metric::*;
        if period.from > as_of || period.from > period.to {
            return Members::NotListed;
        }
        let day = period.to.min(as_of);
        let range = Period {
            from: period.from,
            to: day,
        };
        let projects = |ids: Vec<i64>| {
            let mut ids = ids;
            ids.sort_unstable();
            ids.dedup();
            Members::Projects(ids)
        };
        let people = |mut pairs: Vec<(i64, i64)>| {
            pairs.sort_unstable();
            pairs.dedup_by_key(|(person, _)| *person);
            Members::People(pairs)
        };
        if project_stock(metric).is_some() {
            return projects(
                self.projects_of(scope)
                    .filter(|p| project_stock_weight(metric, p, day).0 != 0.0)
                    .map(|p| p.id)
                    .collect(),
            );
        }
        match metric {
            PeopleLearn | PeopleLive | PeopleLead => {
                let tier = match metric {
                    PeopleLearn => Tier::Learn,
                    PeopleLive => Tier::Live,
                    _ => Tier::Lead,
                };
                people(
                    self.tier_spans
                        .iter()
                        .filter(|s| s.tier == tier && in_scope(scope, s.organisation_id))
                        .filter(|s| s.held_on(day))
                        .map(|s| (s.person_id, s.organisation_id))
                        .collect(),
                )
            }
            PeopleMovedUp => people(
                self.rises(scope, range)
                    .map(|r| (r.person_id, r.organisation_id))
                    .collect(),
            ),
            PeopleTrained => people(
                self.attendance_with_previous(scope, range)
                    .map(|(a, _)| (a.person_id, a.organisation_id))
                    .collect(),
            ),
            ProjectsStarted => projects(self.started(scope, range, day).map(|p| p.id).collect()),
            ProjectsCompleted => projects(
                self.projects_of(scope)
                    .filter(|p| p.completions_in(range.from, range.to) > 0)
                    .map(|p| p.id)
                    .collect(),
            ),
            ProjectsLedByCommunity => projects(
                self.started(scope, range, day)
                    .filter(|p| self.led_by_community(p))
                    .map(|p| p.id)
                    .collect(),
            ),
            ProjectsCoached | CoachingSessions => projects(
                self.coaching_in(scope, range)
                    .map(|c| c.project_id)
                    .collect(),
            ),
            _ => Members::NotListed,
        }
    }
}
