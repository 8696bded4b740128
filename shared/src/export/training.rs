//! The training exports: courses and cohorts (as their lists show them) and each person's
//! capability tier (as `GET /capability/people/{id}/tier` shows it).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{CsvRow, ExportFormat, csv_text, joined};
use crate::{
    capability::{PersonTier, Tier, coaching::CoachingSession},
    training::{CohortSummary, Course, Enrolment, EnrolmentStatus, When},
};

/// Which courses an export holds: the course list's filters but its word search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CourseExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_organisation_id: Option<i64>,
}

/// Which cohorts an export holds: the cohort list's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CohortExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_id: Option<i64>,
    /// Upcoming (last day today or later) or past; both if not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
}

/// Whose tiers an export holds. A person's tier is worked out as it is read (an override, or
/// what their record earns today), so it is not a filter: the export's rows are people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TierExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Only this organisation's people (of those you may see).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
}

/// Which enrolments an export holds, of those the caller may see (their own; as an
/// organisation's admin or its token, its people's and everyone's on the courses it runs; as a
/// facilitator, everyone's on their cohorts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct EnrolmentExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Only this cohort's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort_id: Option<i64>,
    /// Only the people of this organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EnrolmentStatus>,
}

/// Which coaching sessions an export holds: those on the projects the caller may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CoachingExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Only this project's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<i64>,
    /// Only this coach's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coach_id: Option<i64>,
}

impl CsvRow for Enrolment {
    const HEADER: &'static [&'static str] = &[
        "id",
        "cohort_id",
        "person_id",
        "person_name",
        "organisation_id",
        "status",
        "waiting_position",
        "completed_on",
        "attended",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            self.cohort_id.to_string().into(),
            self.person_id.to_string().into(),
            csv_text(&self.person_name),
            self.organisation_id.to_string().into(),
            self.status.as_str().into(),
            self.waiting_position
                .map(|p| p.to_string())
                .unwrap_or_default()
                .into(),
            self.completed_on
                .map(|d| d.to_string())
                .unwrap_or_default()
                .into(),
            self.attended.to_string().into(),
        ]
    }
}

impl CsvRow for CoachingSession {
    const HEADER: &'static [&'static str] = &[
        "id",
        "project_id",
        "project_title",
        "coach_id",
        "coach_name",
        "held_on",
        "minutes",
        "model",
        "notes",
        "actions",
        "created_at",
        "updated_at",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            self.project_id.to_string().into(),
            csv_text(&self.project_title),
            self.coach_id.to_string().into(),
            csv_text(&self.coach_name),
            self.held_on.to_string().into(),
            self.minutes.to_string().into(),
            self.model.as_str().into(),
            self.notes.as_deref().map(csv_text).unwrap_or_default(),
            self.actions.as_deref().map(csv_text).unwrap_or_default(),
            self.created_at.to_rfc3339().into(),
            self.updated_at.to_rfc3339().into(),
        ]
    }
}

impl CsvRow for Course {
    const HEADER: &'static [&'static str] = &[
        "id",
        "title",
        "tier",
        "description",
        "provider_organisation_id",
        "provider_name",
        "length_hours",
        "delivery",
        "attendance_percent",
        "upcoming_cohorts",
        "can_manage",
        "version",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            csv_text(&self.title),
            self.tier.as_str().into(),
            csv_text(&self.description),
            self.provider_organisation_id.to_string().into(),
            csv_text(&self.provider_name),
            self.length_hours.to_string().into(),
            self.delivery.as_str().into(),
            self.attendance_percent.to_string().into(),
            self.upcoming_cohorts.to_string().into(),
            self.can_manage.to_string().into(),
            self.version.to_string().into(),
        ]
    }
}

impl CsvRow for CohortSummary {
    const HEADER: &'static [&'static str] = &[
        "id",
        "course_id",
        "course_title",
        "tier",
        "name",
        "start_date",
        "end_date",
        "capacity",
        "taken",
        "waiting",
        "partnership_wide",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            self.course_id.to_string().into(),
            csv_text(&self.course_title),
            self.tier.as_str().into(),
            csv_text(&self.name),
            self.start_date.to_string().into(),
            self.end_date.to_string().into(),
            self.capacity.to_string().into(),
            self.taken.to_string().into(),
            self.waiting.to_string().into(),
            self.partnership_wide.to_string().into(),
        ]
    }
}

/// One row a person: the tier they hold and since when, what their record earns and why, and
/// any override (the history stays in NDJSON).
impl CsvRow for PersonTier {
    const HEADER: &'static [&'static str] = &[
        "person_id",
        "name",
        "organisation_id",
        "tier",
        "held_since",
        "derived_tier",
        "derived_reasons",
        "override_tier",
        "override_reason",
        "override_set_by_id",
        "override_set_by_name",
        "override_set_at",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        let tier = |t: Option<Tier>| t.map(Tier::as_str).unwrap_or_default();
        let held_since = self
            .history
            .iter()
            .find(|p| p.valid_to.is_none())
            .map(|p| p.valid_from.to_rfc3339())
            .unwrap_or_default();
        let reasons = joined(self.derived.reasons.iter().map(|r| csv_text(r)));
        let over = self.tier_override.as_ref();
        vec![
            self.person_id.to_string().into(),
            csv_text(&self.name),
            self.organisation_id.to_string().into(),
            tier(self.tier).into(),
            held_since.into(),
            tier(self.derived.tier).into(),
            csv_text(&reasons).into_owned().into(),
            tier(over.map(|o| o.tier)).into(),
            over.map(|o| csv_text(&o.reason)).unwrap_or_default(),
            over.map(|o| o.set_by_id.to_string())
                .unwrap_or_default()
                .into(),
            over.map(|o| csv_text(&o.set_by_name)).unwrap_or_default(),
            over.map(|o| o.set_at.to_rfc3339())
                .unwrap_or_default()
                .into(),
        ]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    use super::*;
    use crate::capability::{Assessment, TierOverride, TierPeriod, TierSource};

    #[test]
    fn a_persons_tier_as_csv_cells() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tier = PersonTier {
            person_id: 7,
            name: "+Sam Patel".to_owned(),
            organisation_id: 2,
            tier: Some(Tier::Live),
            derived: Assessment {
                tier: Some(Tier::Learn),
                reasons: vec!["Learn: completed QI Fundamentals".to_owned()],
            },
            tier_override: Some(TierOverride {
                tier: Tier::Live,
                reason: "=Led the sepsis project".to_owned(),
                set_by_id: 1,
                set_by_name: "Lead".to_owned(),
                set_at: at,
            }),
            history: vec![TierPeriod {
                tier: Tier::Live,
                reasons: Vec::new(),
                source: TierSource::Override,
                organisation_id: 2,
                valid_from: at,
                valid_to: None,
            }],
        };
        let cells = tier.cells();
        assert_eq!(cells.len(), PersonTier::HEADER.len());
        assert_eq!(cells[1], "'+Sam Patel");
        assert_eq!(cells[3], "live");
        assert_eq!(cells[4], at.to_rfc3339());
        assert_eq!(cells[5], "learn");
        assert_eq!(cells[7], "live");
        assert_eq!(cells[8], "'=Led the sepsis project");
        let nobody = PersonTier {
            tier: None,
            derived: Assessment {
                tier: None,
                reasons: Vec::new(),
            },
            tier_override: None,
            history: Vec::new(),
            ..tier
        };
        assert!(nobody.cells()[3..].iter().all(|c| c.is_empty()));
    }

    #[test]
    fn a_cohort_as_csv_cells() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 11).unwrap();
        let cohort = CohortSummary {
            id: 3,
            course_id: 1,
            course_title: "QI Fundamentals".to_owned(),
            tier: Tier::Learn,
            name: "@Wave 1".to_owned(),
            start_date: day,
            end_date: day,
            capacity: 20,
            taken: 2,
            waiting: 0,
            partnership_wide: true,
        };
        let cells = cohort.cells();
        assert_eq!(cells.len(), CohortSummary::HEADER.len());
        assert_eq!(cells[4], "'@Wave 1");
        assert_eq!(cells[5], "2027-01-11");
    }
}
