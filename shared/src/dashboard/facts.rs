//! The dated facts every metric is counted from: the server reads them from the database, and
//! [`super::compute`] counts them for any scope, period and "as of" day. Each fact carries the
//! day it became true, so a count as of a past day leaves out whatever came later.
//!
//! Days are UK calendar days (`uk_time::day_of`), as the rest of the app shows them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::prepared::Prepared;

use crate::{
    capability::Tier,
    follow_up::Lasting,
    measure::MeasureType,
    project::{ProjectStatus, ProjectType, QualityDimension, Spread},
    spc::{ImprovementDirection, SeriesPoint},
};

/// A stretch of days a person held a tier, in one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierSpan {
    pub person_id: i64,
    pub organisation_id: i64,
    pub tier: Tier,
    /// The first day held (the day it was granted).
    pub from: NaiveDate,
    /// The day it ended (no longer held at the end of it); `None`: held now.
    pub to: Option<NaiveDate>,
}

impl TierSpan {
    /// Held at the end of `day`.
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| to > day)
    }
}

/// One measure of a project, for the evidence of improvement.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureFact {
    pub measure_type: MeasureType,
    pub direction: ImprovementDirection,
    /// In date order.
    pub points: Vec<SeriesPoint>,
    /// Phase changes, in date order.
    pub phase_changes: Vec<NaiveDate>,
}

impl MeasureFact {
    /// Its points and phase changes up to `day`, judged as the evidence check does.
    pub fn signal_on(&self, day: NaiveDate) -> Option<crate::evidence::Signal> {
        let upto = self.points.partition_point(|p| p.date <= day);
        let points = self.points.get(..upto).unwrap_or_default();
        let changes = self.phase_changes.partition_point(|d| *d <= day);
        let changes = self.phase_changes.get(..changes).unwrap_or_default();
        crate::evidence::judge_series(points, changes, self.direction).map(|j| j.signal)
    }
}

/// A project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFact {
    pub id: i64,
    pub lead_organisation_id: i64,
    pub lead_person_id: Option<i64>,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// Its start date, or the day it was recorded.
    pub started_on: NaiveDate,
    /// Every status it has had, from the day it was set, in date order.
    pub statuses: Vec<(NaiveDate, ProjectStatus)>,
    /// Every progress score (tenths), from the day it was given, in date order.
    pub scores: Vec<(NaiveDate, i32)>,
    /// Its involvement, sustainability, savings and spread from each day they were set, in
    /// date order.
    pub attributes: Vec<(NaiveDate, ProjectAttributes)>,
    /// Organisations named as adopting it, each with the day it was named.
    pub adopters: Vec<(i64, NaiveDate)>,
    /// Its type and the quality dimensions it serves, as recorded now: a classification, not
    /// counted as of a day.
    pub project_type: ProjectType,
    pub quality_dimensions: Vec<QualityDimension>,
    pub measures: Vec<MeasureFact>,
    /// Its follow-ups, in the order [`crate::follow_up::latest`] reads them (by the day each
    /// was judged, the 12-month one last on a tie).
    pub follow_ups: Vec<FollowUpFact>,
    /// What its measures showed from each day they changed: [`Facts::new`] works it out (leave
    /// it empty).
    pub evidence: Vec<(NaiveDate, Evidence)>,
}

/// A follow-up of a completed project ("did it last?", `crate::follow_up`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpFact {
    /// The day it was judged.
    pub recorded_on: NaiveDate,
    /// The completion it follows.
    pub completed_on: NaiveDate,
    pub lasting: Lasting,
}

/// What a project records of patient involvement, sustainability and spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectAttributes {
    pub involvement: bool,
    pub sustainability: bool,
    pub co2e_kg_per_year: Option<f64>,
    pub money_per_year: Option<f64>,
    pub spread: Spread,
}

impl Default for ProjectAttributes {
    /// What a new project form starts with: none of them, its unit only.
    fn default() -> Self {
        Self {
            involvement: false,
            sustainability: false,
            co2e_kg_per_year: None,
            money_per_year: None,
            spread: Spread::Unit,
        }
    }
}

/// What a project's measures show on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Outcome measures showing improvement.
    pub improving_outcomes: u32,
    /// An outcome or process measure shows improvement (the evidence check's rule).
    pub supported: bool,
}

impl ProjectFact {
    /// What its measures showed at the end of `day`.
    pub fn evidence_on(&self, day: NaiveDate) -> Evidence {
        latest_on(&self.evidence, day).copied().unwrap_or_default()
    }

    /// Works out [`Self::evidence`]: the measures' data judged, as the evidence check judges
    /// it, on each day a point was added from the tenth value on (before that there is too
    /// little to judge, and phase changes only count once points follow them).
    fn judge_measures(&mut self) {
        let mut days: Vec<NaiveDate> = self
            .measures
            .iter()
            .flat_map(|m| {
                let mut values = 0;
                m.points.iter().filter_map(move |p| {
                    values += usize::from(p.value.is_some());
                    (values >= crate::evidence::MIN_VALUES_FOR_RUN_CHART).then_some(p.date)
                })
            })
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut previous = Evidence::default();
        let mut timeline = Vec::new();
        for day in days {
            let mut now = Evidence::default();
            for m in &self.measures {
                if m.signal_on(day) == Some(crate::evidence::Signal::Improvement) {
                    match m.measure_type {
                        MeasureType::Outcome => {
                            now.improving_outcomes += 1;
                            now.supported = true;
                        }
                        MeasureType::Process => now.supported = true,
                        MeasureType::Balancing => {}
                    }
                }
            }
            if now != previous {
                timeline.push((day, now));
                previous = now;
            }
        }
        self.evidence = timeline;
    }

    /// What the latest follow-up of the completion in force at the end of `day`, recorded by
    /// then, found: `None` unless it was completed then. A follow-up of an earlier completion
    /// (the project was reopened since) says nothing of this one.
    pub fn lasting_on(&self, day: NaiveDate) -> Option<Lasting> {
        let after = self.statuses.partition_point(|(on, _)| *on <= day);
        let (completed_on, status) = after.checked_sub(1).and_then(|i| self.statuses.get(i))?;
        if *status != ProjectStatus::Completed {
            return None;
        }
        self.follow_ups
            .iter()
            .rfind(|f| f.recorded_on <= day && f.completed_on == *completed_on)
            .map(|f| f.lasting)
    }

    /// Its status at the end of `day`; `None` before it was recorded.
    pub fn status_on(&self, day: NaiveDate) -> Option<ProjectStatus> {
        latest_on(&self.statuses, day).copied()
    }

    /// Its involvement, sustainability, savings and spread at the end of `day` (as first
    /// recorded, before then).
    pub fn attributes_on(&self, day: NaiveDate) -> ProjectAttributes {
        latest_on(&self.attributes, day)
            .or_else(|| self.attributes.first().map(|(_, a)| a))
            .copied()
            .unwrap_or_default()
    }

    /// Puts its spread level from each day of `timeline` (the days it changed, with the level
    /// from then; its unit only before the first) into its attributes, in place of the levels
    /// its saves recorded.
    pub fn set_spread(&mut self, timeline: &[(NaiveDate, Spread)]) {
        let spread_on = |day: NaiveDate| latest_on(timeline, day).copied().unwrap_or(Spread::Unit);
        let mut days: Vec<NaiveDate> = self
            .attributes
            .iter()
            .map(|(d, _)| *d)
            .chain(timeline.iter().map(|(d, _)| *d))
            .collect();
        days.sort_unstable();
        days.dedup();
        let merged = days
            .into_iter()
            .map(|day| {
                let mut attributes = self.attributes_on(day);
                attributes.spread = spread_on(day);
                (day, attributes)
            })
            .collect();
        self.attributes = merged;
    }

    /// Its latest score (tenths) at the end of `day`.
    pub fn score_on(&self, day: NaiveDate) -> Option<i32> {
        latest_on(&self.scores, day).copied()
    }

    /// The day it was last completed, if it was completed by the end of `day`.
    pub fn completions_in(&self, from: NaiveDate, to: NaiveDate) -> usize {
        let mut previous = None;
        let mut n = 0;
        for (on, status) in &self.statuses {
            if *on > to {
                break;
            }
            if *status == ProjectStatus::Completed
                && previous != Some(ProjectStatus::Completed)
                && *on >= from
            {
                n += 1;
            }
            previous = Some(*status);
        }
        n
    }
}

fn latest_on<T>(dated: &[(NaiveDate, T)], day: NaiveDate) -> Option<&T> {
    let after = dated.partition_point(|(on, _)| *on <= day);
    after
        .checked_sub(1)
        .and_then(|i| dated.get(i))
        .map(|(_, v)| v)
}

/// A coaching session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachingFact {
    pub held_on: NaiveDate,
    pub project_id: i64,
    /// The project's lead organisation.
    pub organisation_id: i64,
    pub coach_id: i64,
}

/// A cohort of a course: its places and sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortFact {
    pub id: i64,
    pub starts_on: NaiveDate,
    /// The organisation that provides the course.
    pub provider_organisation_id: i64,
    /// Its places in all.
    pub capacity: i32,
    /// Places set aside for each organisation.
    pub allocations: Vec<(i64, i32)>,
    pub facilitators: Vec<i64>,
    /// The days its sessions are held, in date order.
    pub sessions: Vec<NaiveDate>,
}

/// A person's place on a cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentFact {
    pub cohort_id: i64,
    pub person_id: i64,
    /// The organisation the place belongs to.
    pub organisation_id: i64,
    /// The day they were given a place (`None`: never; still, or only ever, on the waiting
    /// list).
    pub placed_on: Option<NaiveDate>,
    /// The day they gave it up, if they did.
    pub withdrawn_on: Option<NaiveDate>,
    /// The first day they were marked present at a session of the cohort.
    pub first_attended: Option<NaiveDate>,
    /// The cohort's first day (filled by [`Facts::new`]).
    pub cohort_starts_on: Option<NaiveDate>,
}

impl EnrolmentFact {
    /// Held a place at the end of `day`: given it by then and not given up by then.
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.placed_on.is_some_and(|p| p <= day) && self.withdrawn_on.is_none_or(|w| w > day)
    }
}

/// A person marked present at a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendanceFact {
    pub on: NaiveDate,
    pub person_id: i64,
    /// The organisation their place belongs to.
    pub organisation_id: i64,
}

/// An event that took place (cancelled events are deleted, so every event held counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFact {
    pub on: NaiveDate,
    /// The organisation that ran it.
    pub organisation_id: i64,
    pub kind: crate::event::EventKind,
}

/// Everything the metrics count. Build it with [`Facts::new`], which puts each list in the order
/// the counting relies on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub(super) tier_spans: Vec<TierSpan>,
    pub(super) projects: Vec<ProjectFact>,
    pub(super) coaching: Vec<CoachingFact>,
    pub(super) cohorts: Vec<CohortFact>,
    pub(super) enrolments: Vec<EnrolmentFact>,
    pub(super) attendance: Vec<AttendanceFact>,
    pub(super) events: Vec<EventFact>,
    pub(super) prepared: Prepared,
}

impl Facts {
    pub fn new(
        mut tier_spans: Vec<TierSpan>,
        mut projects: Vec<ProjectFact>,
        mut coaching: Vec<CoachingFact>,
        mut cohorts: Vec<CohortFact>,
        mut enrolments: Vec<EnrolmentFact>,
        mut attendance: Vec<AttendanceFact>,
    ) -> Self {
        tier_spans.sort_by_key(|s| (s.person_id, s.from));
        for p in &mut projects {
            p.statuses.sort_by_key(|(on, _)| *on);
            p.scores.sort_by_key(|(on, _)| *on);
            p.attributes.sort_by_key(|(on, _)| *on);
            for m in &mut p.measures {
                m.points.sort_by_key(|p| p.date);
                m.phase_changes.sort_unstable();
            }
            p.judge_measures();
        }
        // By lead organisation, so one organisation's projects are one slice.
        projects.sort_by_key(|p| (p.lead_organisation_id, p.id));
        coaching.sort_by_key(|c| c.held_on);
        for c in &mut cohorts {
            c.sessions.sort();
        }
        cohorts.sort_by_key(|c| c.id);
        let starts: HashMap<i64, NaiveDate> = cohorts.iter().map(|c| (c.id, c.starts_on)).collect();
        for e in &mut enrolments {
            e.cohort_starts_on = starts.get(&e.cohort_id).copied();
        }
        // By cohort start, so the places of cohorts starting in a period are one slice.
        enrolments.sort_by_key(|e| (e.cohort_starts_on, e.cohort_id, e.person_id));
        attendance.sort_by_key(|a| (a.on, a.person_id));
        let prepared = Prepared::new(&tier_spans, &projects, &coaching, &attendance);
        Self {
            tier_spans,
            projects,
            coaching,
            cohorts,
            enrolments,
            attendance,
            events: Vec::new(),
            prepared,
        }
    }

    /// The events that took place, in day order.
    pub fn with_events(mut self, mut events: Vec<EventFact>) -> Self {
        events.sort_by_key(|e| (e.on, e.organisation_id));
        self.events = events;
        self
    }

    /// The first day any fact is dated: where a series can usefully start.
    pub fn first_day(&self) -> Option<NaiveDate> {
        let days = self
            .projects
            .iter()
            .map(|p| p.recorded_on)
            .chain(self.tier_spans.iter().map(|s| s.from))
            .chain(self.coaching.first().map(|c| c.held_on))
            .chain(self.attendance.first().map(|a| a.on))
            .chain(self.events.first().map(|e| e.on));
        days.min()
    }

    /// The month of the first fact: a series starts there, since the months before the
    /// partnership recorded anything are not zeros but nothing (`default` when nothing is).
    pub fn first_month(&self, default: NaiveDate) -> NaiveDate {
        self.first_day()
            .map_or(default, super::compute::first_of_month)
    }

    pub fn project_count(&self) -> usize {
        self.projects.len()
    }

    /// The projects' facts alone, of those `keep` keeps: a breakdown's row counts them as the
    /// dashboard counts every project (`super::breakdown`). Nothing else is kept: the metrics
    /// a breakdown shows read projects only, and a test holds it to that.
    pub(super) fn projects_only(&self, keep: impl Fn(&ProjectFact) -> bool) -> Self {
        // Without their measures: the counting reads what they showed (`evidence`), and the
        // points are most of a project's facts.
        let projects: Vec<ProjectFact> = self
            .projects
            .iter()
            .filter(|p| keep(p))
            .map(|p| ProjectFact {
                id: p.id,
                lead_organisation_id: p.lead_organisation_id,
                lead_person_id: p.lead_person_id,
                recorded_on: p.recorded_on,
                started_on: p.started_on,
                statuses: p.statuses.clone(),
                scores: p.scores.clone(),
                follow_ups: p.follow_ups.clone(),
                attributes: p.attributes.clone(),
                adopters: p.adopters.clone(),
                project_type: p.project_type,
                quality_dimensions: p.quality_dimensions.clone(),
                measures: Vec::new(),
                evidence: p.evidence.clone(),
            })
            .collect();
        let prepared = Prepared::new(&[], &projects, &[], &[]);
        Self {
            projects,
            prepared,
            ..Self::default()
        }
    }
}
