//! Capability: the Learn / Live / Lead tiers, the partnership's rules that derive a person's
//! tier from their record, and the reasons shown with it; coaching (`coaching`) and a person's
//! own record (`record`). The same name as `api`'s and `web`'s `capability` modules.
//!
//! - [`TierRules`]: the partnership's rules, as data an admin edits ([`TierRules::validate`]).
//! - [`TierFacts`]: what a person's record says (dated completions, project memberships with
//!   their projects' status history, coaching sessions given).
//! - [`assess`]: the tier those facts earn under the rules on a given date, with reasons;
//!   [`timeline`]: every date the tier changed, for a history built from dated facts.
//! - [`Assessment::next`]: the tier above and what it needs (a person's home page shows it).
//! - Wire types of the tier endpoints: [`PersonTier`], [`TierOverride`], [`TierPeriod`],
//!   [`TierCounts`].

pub mod coaching;
mod record;

pub use record::{PersonRecord, ProjectEntry, TrainingEntry};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    project::{ProjectStatus, TeamRole},
    validation::text,
};

wire_enum! {
    /// A rung of the partnership's QI capability ladder (DOMAIN.md, "Capability"). Ordered:
    /// `Learn < Live < Lead`.
    Tier {
        /// Learning QI for the first time.
        Learn => "learn", "Learn";
        /// Applies QI in practice, on a project.
        Live => "live", "Live";
        /// Teaches, coaches or mentors others.
        Lead => "lead", "Lead";
    }
}

wire_enum! {
    /// Where a period of a person's tier came from.
    TierSource {
        /// Derived from their record by the partnership's rules.
        Derived => "derived", "From their record";
        /// Set by hand by an admin, with a reason.
        Override => "override", "Set by an admin";
    }
}

/// What a person is shown as when they have no tier.
pub const NO_TIER_LABEL: &str = "Not yet Learn";

/// The label of a tier that may be absent.
pub fn tier_label(tier: Option<Tier>) -> &'static str {
    tier.map_or(NO_TIER_LABEL, Tier::label)
}

pub const MAX_MIN_PROJECTS: u32 = 50;
pub const MAX_MIN_SESSIONS: u32 = 500;
pub const MAX_OVERRIDE_REASON: usize = 1000;

/// The partnership's rules for deriving a person's tier from their record. Each tier needs the
/// one below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TierRules {
    /// Learn: a completed course of one of these tiers.
    pub learn_course_tiers: Vec<Tier>,
    /// Live: membership of projects that have had one of these statuses...
    pub live_project_statuses: Vec<ProjectStatus>,
    /// ... in one of these team roles ...
    pub live_team_roles: Vec<TeamRole>,
    /// ... at least this many of them.
    pub live_min_projects: u32,
    /// Lead: a completed course of one of these tiers (none: coaching only) ...
    pub lead_course_tiers: Vec<Tier>,
    /// ... or at least this many coaching sessions given.
    pub lead_min_coaching_sessions: u32,
}

impl Default for TierRules {
    fn default() -> Self {
        Self {
            learn_course_tiers: vec![Tier::Learn],
            live_project_statuses: vec![ProjectStatus::Active, ProjectStatus::Completed],
            live_team_roles: vec![TeamRole::Lead, TeamRole::Member, TeamRole::Coach],
            live_min_projects: 1,
            lead_course_tiers: vec![Tier::Lead],
            lead_min_coaching_sessions: 3,
        }
    }
}

fn dedup<T: Ord + Copy>(values: &[T]) -> Vec<T> {
    let mut values = values.to_vec();
    values.sort();
    values.dedup();
    values
}

impl TierRules {
    /// Checks the rules as sent; the lists come back sorted without repeats.
    pub fn validate(&self) -> Result<TierRules, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.learn_course_tiers.is_empty() {
            errors.push(
                "learn_course_tiers",
                "Choose at least one course tier that counts for Learn",
            );
        }
        if self.live_project_statuses.is_empty() {
            errors.push(
                "live_project_statuses",
                "Choose at least one project status that counts for Live",
            );
        }
        if self.live_team_roles.is_empty() {
            errors.push(
                "live_team_roles",
                "Choose at least one team role that counts for Live",
            );
        }
        if !(1..=MAX_MIN_PROJECTS).contains(&self.live_min_projects) {
            errors.push(
                "live_min_projects",
                format!("The number of projects must be between 1 and {MAX_MIN_PROJECTS}"),
            );
        }
        if !(1..=MAX_MIN_SESSIONS).contains(&self.lead_min_coaching_sessions) {
            errors.push(
                "lead_min_coaching_sessions",
                format!("The number of coaching sessions must be between 1 and {MAX_MIN_SESSIONS}"),
            );
        }
        errors.finish(|| {
            Some(TierRules {
                learn_course_tiers: dedup(&self.learn_course_tiers),
                live_project_statuses: dedup(&self.live_project_statuses),
                live_team_roles: dedup(&self.live_team_roles),
                live_min_projects: self.live_min_projects,
                lead_course_tiers: dedup(&self.lead_course_tiers),
                lead_min_coaching_sessions: self.lead_min_coaching_sessions,
            })
        })
    }
}

/// A course the person completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletedCourse {
    pub title: String,
    pub tier: Tier,
    pub completed_on: NaiveDate,
}

/// A project the person is on, with its status history (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub project_id: i64,
    pub role: TeamRole,
    /// Each status the project took and the day it took it.
    pub statuses: Vec<(ProjectStatus, NaiveDate)>,
}

impl Membership {
    /// The project's status at the end of `as_of` (`None` before it existed).
    pub fn status_on(&self, as_of: NaiveDate) -> Option<ProjectStatus> {
        self.statuses
            .iter()
            .filter(|(_, on)| *on <= as_of)
            .max_by_key(|(_, on)| *on)
            .map(|(status, _)| *status)
    }

    /// The first day this membership counted under the rules: the day the project first took a
    /// status that counts. Once it counted it keeps counting (what a person did stays done).
    pub fn counts_from(&self, rules: &TierRules) -> Option<NaiveDate> {
        if !rules.live_team_roles.contains(&self.role) {
            return None;
        }
        self.statuses
            .iter()
            .filter(|(status, _)| rules.live_project_statuses.contains(status))
            .map(|(_, on)| *on)
            .min()
    }
}

/// Everything in a person's record that the rules look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierFacts {
    pub completions: Vec<CompletedCourse>,
    pub memberships: Vec<Membership>,
    /// The day of each coaching session the person gave.
    pub sessions_given: Vec<NaiveDate>,
}

/// The tier a record earns and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// `None`: not yet Learn.
    pub tier: Option<Tier>,
    /// One sentence per tier reached (`Live: member of 2 active or completed projects`),
    /// then what the next tier needs.
    pub reasons: Vec<String>,
}

/// The tier above `tier` (`None`: not yet Learn, so Learn); `None` above Lead.
pub fn tier_above(tier: Option<Tier>) -> Option<Tier> {
    match tier {
        None => Some(Tier::Learn),
        Some(Tier::Learn) => Some(Tier::Live),
        Some(Tier::Live) => Some(Tier::Lead),
        Some(Tier::Lead) => None,
    }
}

/// The next tier up and what a person's record still needs for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextTier {
    pub tier: Tier,
    /// `needs a completed Learn course`, as the rules say it.
    pub needs: String,
}

/// The sentence [`assess`] ends with below Lead: what the next tier needs.
fn not_yet(tier: Tier, needs: &str) -> String {
    format!("Not yet {}: {needs}", tier.label())
}

impl Assessment {
    /// The tier above the one assessed and what it needs (the last of the reasons); `None` at
    /// Lead.
    pub fn next(&self) -> Option<NextTier> {
        let tier = tier_above(self.tier)?;
        let prefix = not_yet(tier, "");
        let needs = self.reasons.last()?.strip_prefix(&prefix)?;
        Some(NextTier {
            tier,
            needs: needs.to_owned(),
        })
    }

    /// The reasons for the tiers reached, without what the next one needs.
    pub fn reached(&self) -> &[String] {
        match self.next() {
            Some(_) => self.reasons.split_last().map_or(&[], |(_, rest)| rest),
            None => &self.reasons,
        }
    }
}

/// `3 May 2026`.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn tiers_text(tiers: &[Tier]) -> String {
    words(tiers.iter().map(|t| t.label()))
}

fn words<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn statuses_text(statuses: &[ProjectStatus]) -> String {
    words(statuses.iter().map(|s| s.as_str()))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The first course of these tiers completed by `as_of`.
fn first_course<'a>(
    facts: &'a TierFacts,
    tiers: &[Tier],
    as_of: NaiveDate,
) -> Option<&'a CompletedCourse> {
    facts
        .completions
        .iter()
        .filter(|c| tiers.contains(&c.tier) && c.completed_on <= as_of)
        .min_by_key(|c| (c.completed_on, c.title.as_str()))
}

fn completed(course: &CompletedCourse) -> String {
    format!(
        "completed {} on {}",
        course.title,
        long_date(course.completed_on)
    )
}

/// The tier `facts` earn under `rules` at the end of `as_of`, with the reasons.
pub fn assess(facts: &TierFacts, rules: &TierRules, as_of: NaiveDate) -> Assessment {
    let mut reasons = Vec::new();
    let Some(learn_course) = first_course(facts, &rules.learn_course_tiers, as_of) else {
        reasons.push(not_yet(
            Tier::Learn,
            &format!(
                "needs a completed {} course",
                tiers_text(&rules.learn_course_tiers)
            ),
        ));
        return Assessment {
            tier: None,
            reasons,
        };
    };
    reasons.push(format!("Learn: {}", completed(learn_course)));

    let projects: Vec<&Membership> = facts
        .memberships
        .iter()
        .filter(|m| m.counts_from(rules).is_some_and(|from| from <= as_of))
        .collect();
    if projects.len() < rules.live_min_projects as usize {
        reasons.push(not_yet(
            Tier::Live,
            &format!(
                "needs membership of {} that {} been {} (has {})",
                plural(rules.live_min_projects as usize, "project", "projects"),
                if rules.live_min_projects == 1 {
                    "has"
                } else {
                    "have"
                },
                statuses_text(&rules.live_project_statuses),
                projects.len()
            ),
        ));
        return Assessment {
            tier: Some(Tier::Learn),
            reasons,
        };
    }
    // The projects are counted, never named: the reasons are shown to whoever may see the
    // person's tier, who may not be allowed to see every project the person is on.
    reasons.push(format!(
        "Live: {}; member of {}",
        completed(learn_course),
        plural(
            projects.len(),
            &format!("{} project", statuses_text(&rules.live_project_statuses)),
            &format!("{} projects", statuses_text(&rules.live_project_statuses)),
        ),
    ));

    let sessions: Vec<NaiveDate> = facts
        .sessions_given
        .iter()
        .copied()
        .filter(|on| *on <= as_of)
        .collect();
    let coached = sessions.len() >= rules.lead_min_coaching_sessions as usize;
    let lead_course = first_course(facts, &rules.lead_course_tiers, as_of);
    let mut lead = Vec::new();
    if let Some(course) = lead_course {
        lead.push(completed(course));
    }
    if coached {
        let latest = sessions.iter().max().copied().map(long_date);
        lead.push(format!(
            "coached {} (latest on {})",
            plural(sessions.len(), "session", "sessions"),
            latest.unwrap_or_default()
        ));
    }
    if lead.is_empty() {
        let course = if rules.lead_course_tiers.is_empty() {
            String::new()
        } else {
            format!(
                "a completed {} course or ",
                tiers_text(&rules.lead_course_tiers)
            )
        };
        reasons.push(not_yet(
            Tier::Lead,
            &format!(
                "needs {course}{} given (has {})",
                plural(
                    rules.lead_min_coaching_sessions as usize,
                    "coaching session",
                    "coaching sessions"
                ),
                sessions.len()
            ),
        ));
        return Assessment {
            tier: Some(Tier::Live),
            reasons,
        };
    }
    reasons.push(format!("Lead: {}", lead.join("; ")));
    Assessment {
        tier: Some(Tier::Lead),
        reasons,
    }
}

/// Every change of the tier `facts` earn, oldest first, up to and including `until`: the day
/// each facts first earned a (different) tier, and that assessment. Days without a fact cannot
/// change the tier, so only the facts' days are assessed.
pub fn timeline(
    facts: &TierFacts,
    rules: &TierRules,
    until: NaiveDate,
) -> Vec<(NaiveDate, Assessment)> {
    let mut days: Vec<NaiveDate> = facts
        .completions
        .iter()
        .map(|c| c.completed_on)
        .chain(
            facts
                .memberships
                .iter()
                .flat_map(|m| m.statuses.iter().map(|(_, on)| *on)),
        )
        .chain(facts.sessions_given.iter().copied())
        .filter(|day| *day <= until)
        .collect();
    days.sort();
    days.dedup();
    let mut changes: Vec<(NaiveDate, Assessment)> = Vec::new();
    for day in days {
        let assessment = assess(facts, rules, day);
        let previous = changes.last().and_then(|(_, a)| a.tier);
        if assessment.tier != previous {
            changes.push((day, assessment));
        }
    }
    changes
}

/// An admin's override, as sent: the tier to hold and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierOverrideInput {
    pub tier: Tier,
    /// Why the record does not tell the whole story (shown with the tier).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub reason: String,
}

impl TierOverrideInput {
    pub fn validate(&self) -> Result<TierOverrideInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check(
            "reason",
            text(&self.reason, "a reason", 1, MAX_OVERRIDE_REASON),
        );
        errors.finish(|| {
            Some(TierOverrideInput {
                tier: self.tier,
                reason: reason?,
            })
        })
    }
}

/// A tier set by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierOverride {
    pub tier: Tier,
    pub reason: String,
    pub set_by_id: i64,
    pub set_by_name: String,
    pub set_at: DateTime<Utc>,
}

/// A stretch of time a person held a tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierPeriod {
    pub tier: Tier,
    pub reasons: Vec<String>,
    pub source: TierSource,
    pub organisation_id: i64,
    pub valid_from: DateTime<Utc>,
    /// `None`: held now.
    pub valid_to: Option<DateTime<Utc>>,
}

/// A person's tier now: the one they hold (an override wins), what their record earns, and the
/// history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonTier {
    pub person_id: i64,
    pub name: String,
    pub organisation_id: i64,
    /// The tier held: the override's if there is one, else the derived one. `None`: not yet Learn.
    pub tier: Option<Tier>,
    /// What their record earns under the partnership's rules.
    pub derived: Assessment,
    #[serde(rename = "override")]
    pub tier_override: Option<TierOverride>,
    /// Newest first.
    pub history: Vec<TierPeriod>,
}

/// How many people of one organisation held each tier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierCount {
    pub learn: u64,
    pub live: u64,
    pub lead: u64,
}

impl TierCount {
    pub fn add(&mut self, tier: Tier, n: u64) {
        match tier {
            Tier::Learn => self.learn += n,
            Tier::Live => self.live += n,
            Tier::Lead => self.lead += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.learn + self.live + self.lead
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationTierCount {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub counts: TierCount,
}

/// People per tier at the end of a day, per organisation and across the partnership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierCounts {
    pub as_of: NaiveDate,
    /// Every organisation asked for (all, or the one filtered), by name.
    pub organisations: Vec<OrganisationTierCount>,
    pub total: TierCount,
}

/// `?as_of=2026-05-03&organisation_id=7`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TierCountsQuery {
    /// The day (end of day, UTC); today when left out.
    pub as_of: Option<NaiveDate>,
    pub organisation_id: Option<i64>,
}

impl TierCountsQuery {
    /// The day the counts are for: the one asked for, or `today`; never a day to come.
    pub fn day(&self, today: NaiveDate) -> Result<NaiveDate, FieldErrors> {
        let as_of = self.as_of.unwrap_or(today);
        if as_of > today {
            let mut errors = FieldErrors::new();
            errors.push("as_of", "Choose a day that is not in the future");
            return Err(errors);
        }
        Ok(as_of)
    }
}

#[cfg(test)]
mod tests;
