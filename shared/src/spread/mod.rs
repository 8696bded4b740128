//! Adoption and spread: an organisation (or a unit in it) takes up the changes of a project, or
//! of an innovation from outside the partnership such as PINCER, and moves through dated stages
//! (considering, testing, adopted, sustained, dropped). A project's spread level is derived from
//! its adoptions as they stood on any day, unless someone set it by hand with a reason; both are
//! kept with their dates, so spread has a history and "as of" works on it.
//!
//! The rule, in [`derived_on`]: an adoption counts on a day when its latest stage by then is
//! adopted or sustained (considering and testing are not spread yet; dropped is spread undone).
//! Counting adoptions by someone outside the partnership make it "beyond the partnership", by
//! another partner organisation "other partner organisations", by another unit of the lead
//! organisation "its whole organisation"; with none it is "its unit only".

pub mod network;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    project::{OrganisationRef, Spread},
    training::PersonRef,
    validation::{paragraphs, text},
};

wire_enum! {
    /// Where an adoption stands.
    AdoptionStage {
        Considering => "considering", "Considering";
        Testing => "testing", "Testing";
        Adopted => "adopted", "Adopted";
        Sustained => "sustained", "Sustained";
        Dropped => "dropped", "Dropped";
    }
}

impl AdoptionStage {
    /// The change has spread to the adopter at this stage.
    pub fn counts(self) -> bool {
        matches!(self, Self::Adopted | Self::Sustained)
    }
}

pub const MAX_UNIT: usize = 100;
pub const MAX_OUTSIDE_ADOPTER: usize = 200;
pub const MAX_NOTE: usize = 2000;
pub const MAX_REASON: usize = 500;
pub const MAX_CHANGE_IDEAS: usize = 30;
pub const MAX_INNOVATION_NAME: usize = 200;
pub const MAX_INNOVATION_SOURCE: usize = 200;
pub const MAX_INNOVATION_DESCRIPTION: usize = 4000;

/// A project an adoption names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectLink {
    pub id: i64,
    pub title: String,
    pub lead_organisation: OrganisationRef,
}

/// An innovation from outside the partnership, as an adoption names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InnovationRef {
    pub id: i64,
    pub name: String,
}

/// A change idea of the original project that the adopter took up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeIdeaRef {
    pub id: i64,
    pub text: String,
}

/// One stage of an adoption, from the day it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageEntry {
    pub stage: AdoptionStage,
    /// The day it was reached.
    pub on: NaiveDate,
    pub note: String,
    /// Who recorded it (none for adoptions carried over from before stages were kept).
    pub recorded_by: Option<PersonRef>,
    pub recorded_at: DateTime<Utc>,
}

/// An organisation, a unit in it, or someone outside the partnership taking up a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adoption {
    pub id: i64,
    /// The partnership project whose changes are adopted (this or `innovation`).
    pub project: Option<ProjectLink>,
    /// The outside innovation adopted (this or `project`).
    pub innovation: Option<InnovationRef>,
    /// The adopting partner organisation (this or `outside_adopter`).
    pub organisation: Option<OrganisationRef>,
    /// An adopter outside the partnership, by name.
    pub outside_adopter: Option<String>,
    /// The ward, team or practice within the adopter, if it is one.
    pub unit: Option<String>,
    /// The adopter's own project, with its own measures, if it has one and the reader may see it.
    pub adopting_project: Option<ProjectLink>,
    /// The original project's change ideas taken up (none named: the project as a whole).
    pub change_ideas: Vec<ChangeIdeaRef>,
    /// Its latest stage, and the day it was reached.
    pub stage: AdoptionStage,
    pub since: NaiveDate,
    /// Every stage in date order.
    pub stages: Vec<StageEntry>,
    /// The asker may record its next stage or remove it: the adopter's people, the original
    /// project's team and its lead organisation's admins, and partnership admins.
    pub can_change: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of adoptions.
pub type AdoptionPage = crate::page::Page<Adoption>;

impl crate::page::Listed for Adoption {
    const PAGE: &'static str = "AdoptionPage";
    const PAGE_DESCRIPTION: &'static str = "One page of adoptions.";
}

/// A new adoption: of a project or an outside innovation, by a partner organisation or
/// someone outside the partnership, at its first stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdoptionInput {
    /// The project adopted; give this or `innovation_id`.
    #[serde(default)]
    pub project_id: Option<i64>,
    /// The outside innovation adopted; give this or `project_id`.
    #[serde(default)]
    pub innovation_id: Option<i64>,
    /// The adopting partner organisation; give this or `outside_adopter`.
    #[serde(default)]
    pub organisation_id: Option<i64>,
    /// An adopter outside the partnership (1 to 200 characters); give this or
    /// `organisation_id`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub outside_adopter: Option<String>,
    /// The ward, team or practice (at most 100 characters; blank for the whole organisation).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub unit: Option<String>,
    /// The adopter's own project, if it has one.
    #[serde(default)]
    pub adopting_project_id: Option<i64>,
    /// Change ideas of the adopted project taken up (at most 30; none: the project as a whole).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub change_idea_ids: Vec<i64>,
    pub stage: AdoptionStage,
    /// The day the stage was reached; not after today. Today if left out.
    #[serde(default)]
    pub on: Option<NaiveDate>,
    /// At most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub note: Option<String>,
}

/// An adoption as checked: `on` filled in, texts trimmed, change ideas distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdoption {
    pub origin: Origin,
    pub adopter: Adopter,
    pub unit: Option<String>,
    pub adopting_project_id: Option<i64>,
    pub change_idea_ids: Vec<i64>,
    pub stage: NewStage,
}

/// What an adoption takes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Project(i64),
    Innovation(i64),
}

/// Who adopts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adopter {
    Organisation(i64),
    Outside(String),
}

impl AdoptionInput {
    /// Checks every field, `today` being the last day a stage may be dated.
    pub fn validate(&self, today: NaiveDate) -> Result<NewAdoption, FieldErrors> {
        let mut errors = FieldErrors::new();
        let origin = match (self.project_id, self.innovation_id) {
            (Some(p), None) => Some(Origin::Project(p)),
            (None, Some(i)) => Some(Origin::Innovation(i)),
            (None, None) => {
                errors.push("project_id", "Choose the project or the innovation adopted");
                None
            }
            (Some(_), Some(_)) => {
                errors.push(
                    "innovation_id",
                    "An adoption takes up a project or an innovation, not both",
                );
                None
            }
        };
        let outside = self.outside_adopter.as_deref().and_then(|raw| {
            errors.check(
                "outside_adopter",
                text(raw, "the adopter's name", 1, MAX_OUTSIDE_ADOPTER),
            )
        });
        let adopter = match (self.organisation_id, outside, &self.outside_adopter) {
            (Some(o), None, None) => Some(Adopter::Organisation(o)),
            (None, Some(name), _) => Some(Adopter::Outside(name)),
            (None, None, None) => {
                errors.push("organisation_id", "Choose the adopting organisation");
                None
            }
            (Some(_), _, Some(_)) => {
                errors.push(
                    "outside_adopter",
                    "The adopter is a partner organisation or one outside, not both",
                );
                None
            }
            // The outside name was refused above.
            (None, None, Some(_)) | (Some(_), Some(_), None) => None,
        };
        let unit = self.unit.as_deref().and_then(|raw| {
            errors
                .check("unit", text(raw, "the unit", 0, MAX_UNIT))
                .map(|u| (!u.is_empty()).then_some(u))
        });
        if self.change_idea_ids.len() > MAX_CHANGE_IDEAS {
            errors.push(
                "change_idea_ids",
                format!("Name at most {MAX_CHANGE_IDEAS} change ideas"),
            );
        }
        if matches!(origin, Some(Origin::Innovation(_))) && !self.change_idea_ids.is_empty() {
            errors.push(
                "change_idea_ids",
                "Change ideas are a project's: an innovation has none to name",
            );
        }
        if self.adopting_project_id.is_some() && self.adopting_project_id == self.project_id {
            errors.push(
                "adopting_project_id",
                "A project does not adopt its own changes",
            );
        }
        let mut ideas = Vec::new();
        for id in &self.change_idea_ids {
            if !ideas.contains(id) {
                ideas.push(*id);
            }
        }
        let stage = StageInput {
            stage: self.stage,
            on: self.on,
            note: self.note.clone(),
        }
        .validate(today);
        let stage = match stage {
            Ok(s) => Some(s),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        errors.finish(|| {
            Some(NewAdoption {
                origin: origin?,
                adopter: adopter?,
                unit: unit.flatten(),
                adopting_project_id: self.adopting_project_id,
                change_idea_ids: ideas,
                stage: stage?,
            })
        })
    }
}

/// An adoption's next stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageInput {
    pub stage: AdoptionStage,
    /// The day it was reached; not after today. Today if left out.
    #[serde(default)]
    pub on: Option<NaiveDate>,
    /// At most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub note: Option<String>,
}

/// A stage as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStage {
    pub stage: AdoptionStage,
    pub on: NaiveDate,
    pub note: String,
}

impl StageInput {
    pub fn validate(&self, today: NaiveDate) -> Result<NewStage, FieldErrors> {
        let mut errors = FieldErrors::new();
        let on = self.on.unwrap_or(today);
        if on > today {
            errors.push(
                "on",
                "A stage is recorded once it is reached: not after today",
            );
        }
        let note = errors.check(
            "note",
            paragraphs(self.note.as_deref().unwrap_or(""), "A note", MAX_NOTE),
        );
        errors.finish(|| {
            Some(NewStage {
                stage: self.stage,
                on,
                note: note?,
            })
        })
    }
}

/// A project's spread level set by hand, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpreadSetting {
    pub level: Spread,
    /// Why the adoptions do not tell it (1 to 500 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub reason: String,
}

impl SpreadSetting {
    pub fn validate(&self) -> Result<SpreadSetting, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", text(&self.reason, "a reason", 1, MAX_REASON));
        errors.finish(|| {
            Some(SpreadSetting {
                level: self.level,
                reason: reason?,
            })
        })
    }
}

/// A hand setting as recorded: a level with its reason, or back to what the adoptions say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpreadSet {
    /// None: the hand setting was withdrawn, and the adoptions tell the level again.
    pub level: Option<Spread>,
    pub reason: String,
    pub by: Option<PersonRef>,
    pub on: NaiveDate,
}

/// One step of a project's spread: the level from a day, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpreadStep {
    pub from: NaiveDate,
    pub level: Spread,
    /// Set by hand (with `reason`), rather than derived from adoptions.
    pub by_hand: bool,
    pub reason: String,
}

/// A project's spread as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpreadView {
    pub project_id: i64,
    pub as_of: NaiveDate,
    /// The level that day: the hand setting if there was one, else `derived`.
    pub level: Spread,
    /// What the adoptions said that day.
    pub derived: Spread,
    /// The hand setting in force that day, if any.
    pub set_by_hand: Option<SpreadSet>,
    /// Adoptions counting that day (adopted or sustained).
    pub counting_adoptions: u32,
    /// Every change of level up to that day, oldest first.
    pub history: Vec<SpreadStep>,
    /// The asker may set the level by hand (those who may change the project).
    pub can_set: bool,
}

/// Optional `as_of` for a project's spread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct SpreadQuery {
    /// The day to show it as of (today if left out).
    pub as_of: Option<NaiveDate>,
}

/// Filters of the list of adoptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AdoptionQuery {
    /// Adoptions of this project's changes.
    pub project_id: Option<i64>,
    /// Adoptions of this outside innovation.
    pub innovation_id: Option<i64>,
    /// Adoptions by this organisation.
    pub organisation_id: Option<i64>,
    /// At this latest stage.
    pub stage: Option<AdoptionStage>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// An innovation from outside the partnership that partners adopt (a national programme such
/// as PINCER, a NICE-endorsed tool, another system's published change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Innovation {
    pub id: i64,
    pub name: String,
    /// Who runs or published it.
    pub source: String,
    pub description: String,
    /// Adoptions by partner organisations, at any stage.
    pub adoptions: u32,
    pub created_at: DateTime<Utc>,
}

/// One page of outside innovations.
pub type InnovationPage = crate::page::Page<Innovation>;

impl crate::page::Listed for Innovation {
    const PAGE: &'static str = "InnovationPage";
    const PAGE_DESCRIPTION: &'static str = "One page of outside innovations.";
}

/// A new outside innovation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InnovationInput {
    /// 1 to 200 characters, not already used.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// Who runs or published it (at most 200 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub source: String,
    /// At most 4,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub description: String,
}

impl InnovationInput {
    pub fn validate(&self) -> Result<InnovationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_INNOVATION_NAME));
        let source = errors.check(
            "source",
            text(&self.source, "the source", 0, MAX_INNOVATION_SOURCE),
        );
        let description = errors.check(
            "description",
            paragraphs(
                &self.description,
                "A description",
                MAX_INNOVATION_DESCRIPTION,
            ),
        );
        errors.finish(|| {
            Some(InnovationInput {
                name: name?,
                source: source?,
                description: description?,
            })
        })
    }
}

/// Page and size of the innovations list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct InnovationQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// An adoption as the spread rule reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionFact {
    /// The adopting partner organisation; `None` for an adopter outside the partnership.
    pub organisation_id: Option<i64>,
    /// Its stages, in date order (ties in the order recorded).
    pub stages: Vec<(NaiveDate, AdoptionStage)>,
}

impl AdoptionFact {
    /// Its stage at the end of `day`; `None` before its first.
    pub fn stage_on(&self, day: NaiveDate) -> Option<AdoptionStage> {
        self.stages
            .iter()
            .take_while(|(on, _)| *on <= day)
            .last()
            .map(|(_, s)| *s)
    }

    /// It counts as spread at the end of `day`.
    pub fn counts_on(&self, day: NaiveDate) -> bool {
        self.stage_on(day).is_some_and(AdoptionStage::counts)
    }

    /// The first day it counted, if it ever did.
    pub fn first_counted(&self) -> Option<NaiveDate> {
        self.stages
            .iter()
            .find(|(_, s)| s.counts())
            .map(|(d, _)| *d)
    }
}

/// The spread level the adoptions of a project led by `lead_organisation_id` show at the end of
/// `day` (the module's rule).
pub fn derived_on(lead_organisation_id: i64, adoptions: &[AdoptionFact], day: NaiveDate) -> Spread {
    adoptions
        .iter()
        .filter(|a| a.counts_on(day))
        .map(|a| match a.organisation_id {
            None => Spread::Beyond,
            Some(o) if o == lead_organisation_id => Spread::Organisation,
            Some(_) => Spread::Partnership,
        })
        .max()
        .unwrap_or(Spread::Unit)
}

/// A project's spread as the rule reads it: its lead organisation, adoptions and hand settings
/// (each `(day, level)`, `None` withdrawing the setting, in date order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpreadFacts {
    pub lead_organisation_id: i64,
    pub adoptions: Vec<AdoptionFact>,
    pub settings: Vec<(NaiveDate, Option<Spread>)>,
}

impl SpreadFacts {
    /// The hand setting in force at the end of `day`, by its index in `settings`.
    pub fn setting_on(&self, day: NaiveDate) -> Option<usize> {
        let i = self.settings.partition_point(|(on, _)| *on <= day);
        i.checked_sub(1).filter(|&i| {
            self.settings
                .get(i)
                .is_some_and(|(_, level)| level.is_some())
        })
    }

    pub fn derived_on(&self, day: NaiveDate) -> Spread {
        derived_on(self.lead_organisation_id, &self.adoptions, day)
    }

    /// The level at the end of `day`: the hand setting in force, else what the adoptions show.
    pub fn level_on(&self, day: NaiveDate) -> Spread {
        self.setting_on(day)
            .and_then(|i| self.settings.get(i))
            .and_then(|(_, level)| *level)
            .unwrap_or_else(|| self.derived_on(day))
    }

    /// Every day the level changed, with the level from then, up to `until`; a project is at
    /// its unit only before the first.
    pub fn timeline(&self, until: NaiveDate) -> Vec<(NaiveDate, Spread)> {
        let mut days: Vec<NaiveDate> = self
            .adoptions
            .iter()
            .flat_map(|a| a.stages.iter().map(|(d, _)| *d))
            .chain(self.settings.iter().map(|(d, _)| *d))
            .filter(|d| *d <= until)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut steps: Vec<(NaiveDate, Spread)> = Vec::new();
        let mut level = Spread::Unit;
        for day in days {
            let now = self.level_on(day);
            if now != level {
                steps.push((day, now));
                level = now;
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn adoption(
        organisation_id: Option<i64>,
        stages: &[(NaiveDate, AdoptionStage)],
    ) -> AdoptionFact {
        AdoptionFact {
            organisation_id,
            stages: stages.to_vec(),
        }
    }

    #[test]
    fn considering_and_testing_are_not_spread_yet() {
        use AdoptionStage::*;
        let a = [adoption(
            Some(2),
            &[(d(2025, 1, 1), Considering), (d(2025, 2, 1), Testing)],
        )];
        assert_eq!(derived_on(1, &a, d(2025, 3, 1)), Spread::Unit);
    }

    #[test]
    fn the_widest_counting_adopter_sets_the_level_on_each_day() {
        use AdoptionStage::*;
        let a = [
            adoption(Some(1), &[(d(2025, 1, 10), Adopted)]),
            adoption(
                Some(2),
                &[(d(2025, 3, 1), Testing), (d(2025, 5, 1), Adopted)],
            ),
            adoption(None, &[(d(2025, 9, 1), Sustained)]),
        ];
        assert_eq!(derived_on(1, &a, d(2025, 1, 9)), Spread::Unit);
        assert_eq!(derived_on(1, &a, d(2025, 1, 10)), Spread::Organisation);
        assert_eq!(derived_on(1, &a, d(2025, 4, 30)), Spread::Organisation);
        assert_eq!(derived_on(1, &a, d(2025, 5, 1)), Spread::Partnership);
        assert_eq!(derived_on(1, &a, d(2025, 9, 1)), Spread::Beyond);
    }

    #[test]
    fn dropping_an_adoption_takes_its_spread_back() {
        use AdoptionStage::*;
        let a = [adoption(
            Some(2),
            &[(d(2025, 1, 1), Adopted), (d(2025, 6, 1), Dropped)],
        )];
        assert_eq!(derived_on(1, &a, d(2025, 5, 31)), Spread::Partnership);
        assert_eq!(derived_on(1, &a, d(2025, 6, 1)), Spread::Unit);
        assert_eq!(a[0].first_counted(), Some(d(2025, 1, 1)));
    }

    #[test]
    fn a_hand_setting_wins_until_it_is_withdrawn_and_the_history_shows_both() {
        use AdoptionStage::*;
        let facts = SpreadFacts {
            lead_organisation_id: 1,
            adoptions: vec![adoption(Some(2), &[(d(2025, 2, 1), Adopted)])],
            settings: vec![(d(2025, 3, 1), Some(Spread::Beyond)), (d(2025, 4, 1), None)],
        };
        assert_eq!(facts.level_on(d(2025, 1, 1)), Spread::Unit);
        assert_eq!(facts.level_on(d(2025, 2, 15)), Spread::Partnership);
        assert_eq!(facts.level_on(d(2025, 3, 1)), Spread::Beyond);
        assert_eq!(facts.derived_on(d(2025, 3, 1)), Spread::Partnership);
        assert_eq!(facts.setting_on(d(2025, 4, 1)), None);
        assert_eq!(
            facts.timeline(d(2026, 1, 1)),
            vec![
                (d(2025, 2, 1), Spread::Partnership),
                (d(2025, 3, 1), Spread::Beyond),
                (d(2025, 4, 1), Spread::Partnership),
            ]
        );
        assert_eq!(facts.timeline(d(2025, 2, 28)).len(), 1);
    }

    #[test]
    fn an_adoption_names_one_origin_and_one_adopter() {
        let today = d(2026, 1, 1);
        let base = AdoptionInput {
            project_id: Some(1),
            innovation_id: None,
            organisation_id: Some(2),
            outside_adopter: None,
            unit: Some("  Ward 7 ".into()),
            adopting_project_id: None,
            change_idea_ids: vec![3, 3, 4],
            stage: AdoptionStage::Testing,
            on: None,
            note: None,
        };
        let ok = base.validate(today).ok();
        assert_eq!(
            ok.as_ref()
                .map(|a| (a.unit.as_deref(), a.change_idea_ids.as_slice(), a.stage.on)),
            Some((Some("Ward 7"), [3, 4].as_slice(), today))
        );

        let fields = |input: AdoptionInput| -> Vec<String> {
            input
                .validate(today)
                .err()
                .map(|e| e.0.into_iter().map(|f| f.field).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            fields(AdoptionInput {
                innovation_id: Some(9),
                ..base.clone()
            }),
            ["innovation_id"]
        );
        assert_eq!(
            fields(AdoptionInput {
                project_id: None,
                ..base.clone()
            }),
            ["project_id"]
        );
        assert_eq!(
            fields(AdoptionInput {
                outside_adopter: Some("Leeds".into()),
                ..base.clone()
            }),
            ["outside_adopter"]
        );
        assert_eq!(
            fields(AdoptionInput {
                organisation_id: None,
                outside_adopter: Some(" ".into()),
                ..base.clone()
            }),
            ["outside_adopter"]
        );
        assert_eq!(
            fields(AdoptionInput {
                on: Some(d(2026, 1, 2)),
                ..base.clone()
            }),
            ["on"]
        );
        assert_eq!(
            fields(AdoptionInput {
                adopting_project_id: Some(1),
                ..base.clone()
            }),
            ["adopting_project_id"]
        );
        assert_eq!(
            fields(AdoptionInput {
                project_id: None,
                innovation_id: Some(2),
                ..base.clone()
            }),
            ["change_idea_ids"]
        );
    }
}
