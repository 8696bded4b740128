//! The dashboard's project figures broken down by project type or by quality dimension: which
//! kinds of work the partnership does, and which parts of quality its projects serve.
//!
//! Each row counts its projects exactly as the dashboard counts every project (the same
//! metrics, the same "as of"). A project serving several dimensions counts in each of their
//! rows, so the dimension rows add up to more than the first row, which counts every project
//! once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Facts, Metric, Scope, facts::ProjectFact};
use crate::{
    FieldErrors,
    project::{ProjectType, QualityDimension},
};

wire_enum! {
    /// What a breakdown's rows are.
    BreakdownBy {
        ProjectType => "project_type", "Project type";
        QualityDimension => "quality_dimension", "Quality dimension";
    }
}

/// The figures a breakdown shows: those counted from projects alone.
pub const BREAKDOWN_METRICS: &[Metric] = &[
    Metric::ProjectsProposed,
    Metric::ProjectsActive,
    Metric::ProjectsCompletedToDate,
    Metric::ProjectsStarted,
    Metric::ProjectsCompleted,
    Metric::CompletedImproved,
    Metric::CompletedImprovedSupported,
    Metric::ProjectsWithImprovingOutcome,
    Metric::ProjectsSustained,
    Metric::InvolvementShare,
    Metric::SustainabilityShare,
    Metric::SpreadOrganisation,
    Metric::SpreadPartnership,
    Metric::SpreadBeyond,
];

/// `?by=quality_dimension&organisation_id=7&as_of=2026-06-30`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BreakdownQuery {
    /// `project_type` when left out.
    pub by: Option<BreakdownBy>,
    /// One organisation's projects (those it leads); the partnership's when left out.
    pub organisation_id: Option<i64>,
    /// Count only what was recorded by the end of this day; today when left out.
    pub as_of: Option<NaiveDate>,
}

impl BreakdownQuery {
    /// What to break down by, and the day.
    pub fn validate(&self, today: NaiveDate) -> Result<(BreakdownBy, NaiveDate), FieldErrors> {
        let as_of = super::DashboardQuery {
            organisation_id: self.organisation_id,
            as_of: self.as_of,
        }
        .day(today)?;
        Ok((self.by.unwrap_or(BreakdownBy::ProjectType), as_of))
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownRow {
    /// The row's type (a breakdown by type); `null` in the first row and by dimension.
    pub project_type: Option<ProjectType>,
    /// The row's dimension (a breakdown by dimension); `null` in the first row and by type.
    pub quality_dimension: Option<QualityDimension>,
    /// "All projects", or the type's or dimension's name.
    pub label: String,
    /// How many projects the row holds, of those recorded by `as_of`.
    pub projects: u64,
    /// In the order of [`Breakdown::metrics`]: a stock on `as_of`, a flow over the year to it.
    pub values: Vec<Option<f64>>,
}

/// The dashboard's project figures by project type or by quality dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub by: BreakdownBy,
    /// `null`: the whole partnership.
    pub organisation_id: Option<i64>,
    pub as_of: NaiveDate,
    /// The columns, in order.
    pub metrics: Vec<Metric>,
    /// Every project first, then each type or dimension in its order.
    pub rows: Vec<BreakdownRow>,
}

/// Breaks the project figures of `scope` down `by` type or dimension, as of `as_of`.
pub fn breakdown(facts: &Facts, by: BreakdownBy, scope: Scope, as_of: NaiveDate) -> Breakdown {
    let row = |project_type: Option<ProjectType>,
               quality_dimension: Option<QualityDimension>,
               label: &str| {
        // One organisation's rows need only its projects: far less to prepare.
        let keep = |p: &ProjectFact| {
            scope.is_none_or(|o| p.lead_organisation_id == o)
                && project_type.is_none_or(|t| p.project_type == t)
                && quality_dimension.is_none_or(|d| p.quality_dimensions.contains(&d))
        };
        let only = facts.projects_only(keep);
        let projects = only
            .projects
            .iter()
            .filter(|p| scope.is_none_or(|o| p.lead_organisation_id == o) && p.recorded_on <= as_of)
            .count();
        BreakdownRow {
            project_type,
            quality_dimension,
            label: label.to_owned(),
            projects: projects as u64,
            values: BREAKDOWN_METRICS
                .iter()
                .map(|m| only.headline(*m, scope, as_of))
                .collect(),
        }
    };
    let mut rows = vec![row(None, None, "All projects")];
    match by {
        BreakdownBy::ProjectType => rows.extend(
            ProjectType::ALL
                .iter()
                .map(|t| row(Some(*t), None, t.label())),
        ),
        BreakdownBy::QualityDimension => rows.extend(
            QualityDimension::ALL
                .iter()
                .map(|d| row(None, Some(*d), d.label())),
        ),
    }
    Breakdown {
        by,
        organisation_id: scope,
        as_of,
        metrics: BREAKDOWN_METRICS.to_vec(),
        rows,
    }
}
