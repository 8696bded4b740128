//! A person's home page (`GET /me/home`): their projects with their latest scores, the measures
//! whose data is due, their coaching sessions, their courses and next training sessions, and their
//! tier with what would take them to the next one.
//!
//! Each list is short (the most pressing or most recent few) with a count of the whole, and
//! links to the page where the rest are.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    capability::{NextTier, PersonTier, Tier, coaching::CoachingSession, tier_above},
    measure::Frequency,
    period::DataDue,
    project::{ProjectStatus, TeamRole},
    score::ProgressScore,
    training::EnrolmentStatus,
};

/// The most projects listed: the most recently updated.
pub const MAX_PROJECTS: u64 = 20;
/// The most measures listed: the most pressing.
pub const MAX_MEASURES: u64 = 20;
/// The most coaching sessions listed: the latest.
pub const MAX_COACHING: u64 = 5;
/// The most courses listed.
pub const MAX_COURSES: u64 = 10;
/// The most training sessions to come listed: the soonest.
pub const MAX_TRAINING_SESSIONS: u64 = 5;

/// A project the person is on the team of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeProject {
    pub id: i64,
    pub title: String,
    /// The person's part in its team.
    pub role: TeamRole,
    pub status: ProjectStatus,
    /// Its latest progress score, if it has one.
    pub score: Option<ProgressScore>,
    pub updated_at: DateTime<Utc>,
}

/// A measure of a proposed or active project the person is on, and when its next data is due
/// (`qi_shared::period::next_due`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeMeasure {
    pub id: i64,
    pub name: String,
    pub project_id: i64,
    pub project_title: String,
    pub frequency: Frequency,
    /// The date of its latest data point (`None`: no data yet).
    pub last_date: Option<NaiveDate>,
    /// The day its next data point is due.
    pub next_due: NaiveDate,
    pub due: DataDue,
}

/// A cohort the person is enrolled in, waiting for or has completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeCourse {
    pub cohort_id: i64,
    pub course_id: i64,
    pub course_title: String,
    pub cohort_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: EnrolmentStatus,
}

/// A training session to come, of a cohort the person holds a place in or waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeTrainingSession {
    pub id: i64,
    pub cohort_id: i64,
    pub course_title: String,
    pub cohort_name: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub length_minutes: u32,
    /// Whether the person holds a place (`enrolled`) or waits for one (`waitlisted`).
    pub status: EnrolmentStatus,
}

/// The person's tier and the step to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeTier {
    /// The tier held (an admin's override wins); `None`: not yet Learn.
    pub tier: Option<Tier>,
    /// Why an admin set the tier, when one did.
    pub override_reason: Option<String>,
    /// Why the record earns the tiers it does, one sentence a tier.
    pub reasons: Vec<String>,
    /// The tier above the one held; `None` at Lead.
    pub next_tier: Option<Tier>,
    /// What the record still needs for `next_tier` under the partnership's rules. `None` when
    /// an admin's override puts the held tier out of step with the record.
    pub next_needs: Option<String>,
}

impl HomeTier {
    /// The home page's view of a person's tier: what they hold, why, and the next step.
    pub fn of(tier: &PersonTier) -> Self {
        let next_tier = tier_above(tier.tier);
        let next_needs = tier
            .derived
            .next()
            .filter(|next| Some(next.tier) == next_tier)
            .map(|NextTier { needs, .. }| needs);
        Self {
            tier: tier.tier,
            override_reason: tier.tier_override.as_ref().map(|o| o.reason.clone()),
            reasons: tier.derived.reached().to_vec(),
            next_tier,
            next_needs,
        }
    }
}

/// A person's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Home {
    /// Projects the person is on the team of, most recently updated first (at most 20).
    pub projects: Vec<HomeProject>,
    /// How many projects the person is on the team of.
    pub project_count: u64,
    /// Measures of the person's proposed and active projects: overdue first, then due, then
    /// the rest, each by the day due (at most 20).
    pub measures: Vec<HomeMeasure>,
    /// How many measures the person's proposed and active projects have.
    pub measure_count: u64,
    /// How many of them are due or overdue.
    pub measures_due: u64,
    /// Coaching sessions the person gave or their projects' teams received, newest first (at
    /// most 5). Without notes or actions: those are read on the project's page.
    pub coaching: Vec<CoachingSession>,
    /// How many such sessions there are.
    pub coaching_count: u64,
    /// The person's cohorts (withdrawn ones left out): those not yet ended, soonest first,
    /// then the rest, latest first (at most 10).
    pub courses: Vec<HomeCourse>,
    /// The soonest training sessions to come in cohorts the person holds a place in or waits
    /// for (at most 5).
    pub training_sessions: Vec<HomeTrainingSession>,
    pub tier: HomeTier,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::{Assessment, TierOverride};

    fn person_tier(held: Option<Tier>, derived: Option<Tier>, reasons: &[&str]) -> PersonTier {
        PersonTier {
            person_id: 1,
            name: "Sam".into(),
            organisation_id: 1,
            tier: held,
            derived: Assessment {
                tier: derived,
                reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            },
            tier_override: (held != derived).then(|| TierOverride {
                tier: held.unwrap_or(Tier::Learn),
                reason: "Teaches QI at the university".into(),
                set_by_id: 2,
                set_by_name: "Alex".into(),
                set_at: DateTime::<Utc>::MIN_UTC,
            }),
            history: vec![],
        }
    }

    const LEARN: &str = "Learn: completed QI Fundamentals on 3 May 2026";
    const NOT_LIVE: &str =
        "Not yet Live: needs membership of 1 project that has been active or completed (has 0)";

    #[test]
    fn a_learner_is_told_what_live_needs() {
        let home = HomeTier::of(&person_tier(
            Some(Tier::Learn),
            Some(Tier::Learn),
            &[LEARN, NOT_LIVE],
        ));
        assert_eq!(home.tier, Some(Tier::Learn));
        assert_eq!(home.reasons, [LEARN]);
        assert_eq!(home.next_tier, Some(Tier::Live));
        assert_eq!(
            home.next_needs.as_deref(),
            Some("needs membership of 1 project that has been active or completed (has 0)")
        );
        assert_eq!(home.override_reason, None);
    }

    #[test]
    fn a_lead_has_no_next_tier() {
        let home = HomeTier::of(&person_tier(
            Some(Tier::Lead),
            Some(Tier::Lead),
            &[LEARN, "Live: ...", "Lead: coached 3 sessions"],
        ));
        assert_eq!(home.next_tier, None);
        assert_eq!(home.next_needs, None);
        assert_eq!(home.reasons.len(), 3);
    }

    #[test]
    fn an_override_above_the_record_names_the_next_tier_without_a_need() {
        let home = HomeTier::of(&person_tier(
            Some(Tier::Live),
            Some(Tier::Learn),
            &[LEARN, NOT_LIVE],
        ));
        assert_eq!(home.tier, Some(Tier::Live));
        assert_eq!(home.next_tier, Some(Tier::Lead));
        assert_eq!(home.next_needs, None);
        assert_eq!(
            home.override_reason.as_deref(),
            Some("Teaches QI at the university")
        );
    }
}
