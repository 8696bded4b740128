//! The dated facts every metric is counted from: the server reads them from the database, and
//! [`super::compute`] counts them for any scope, period and "as of" day. Each fact carries the
//! day it became true, so a count as of a past day leaves out whatever came later.
//!
//! Days are UK calendar days (`uk_time::day_of`), as the rest of the app shows them.

use chrono::NaiveDate;

use crate::{
    capability::Tier,
    measure::MeasureType,
    project::{ProjectStatus, Spread},
    spc::{ImprovementDirection, SeriesPoint},
    training::EnrolmentStatus,
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
    pub involvement: bool,
    pub sustainability: bool,
    pub co2e_kg_per_year: Option<f64>,
    pub money_per_year: Option<f64>,
    pub spread: Spread,
    /// Organisations named as adopting it.
    pub adopters: Vec<i64>,
    pub measures: Vec<MeasureFact>,
}

impl ProjectFact {
    /// Its status at the end of `day`; `None` before it was recorded.
    pub fn status_on(&self, day: NaiveDate) -> Option<ProjectStatus> {
        latest_on(&self.statuses, day).copied()
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
    pub status: EnrolmentStatus,
    pub enrolled_on: NaiveDate,
    /// The first day they were marked present at a session of the cohort.
    pub first_attended: Option<NaiveDate>,
}

/// A person marked present at a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendanceFact {
    pub on: NaiveDate,
    pub person_id: i64,
    /// The organisation their place belongs to.
    pub organisation_id: i64,
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
}

impl Facts {
    pub fn new(
        mut tier_spans: Vec<TierSpan>,
        mut projects: Vec<ProjectFact>,
        mut coaching: Vec<CoachingFact>,
        mut cohorts: Vec<CohortFact>,
        enrolments: Vec<EnrolmentFact>,
        mut attendance: Vec<AttendanceFact>,
    ) -> Self {
        tier_spans.sort_by_key(|s| (s.person_id, s.from));
        for p in &mut projects {
            p.statuses.sort_by_key(|(on, _)| *on);
            p.scores.sort_by_key(|(on, _)| *on);
        }
        projects.sort_by_key(|p| p.id);
        coaching.sort_by_key(|c| c.held_on);
        for c in &mut cohorts {
            c.sessions.sort();
        }
        cohorts.sort_by_key(|c| c.id);
        attendance.sort_by_key(|a| a.on);
        Self {
            tier_spans,
            projects,
            coaching,
            cohorts,
            enrolments,
            attendance,
        }
    }

    /// The first day any fact is dated: where a series can usefully start.
    pub fn first_day(&self) -> Option<NaiveDate> {
        let days = self
            .projects
            .iter()
            .map(|p| p.recorded_on)
            .chain(self.tier_spans.iter().map(|s| s.from))
            .chain(self.coaching.first().map(|c| c.held_on))
            .chain(self.attendance.first().map(|a| a.on));
        days.min()
    }

    pub fn project_count(&self) -> usize {
        self.projects.len()
    }
}
