//! A person's capability record: their tier with its reasons and history, their training, their
//! projects and the coaching they gave and received. They may download it (JSON or CSV).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{PersonTier, tier_label};
use crate::{
    capability::coaching::CoachingSession,
    project::{ProjectStatus, TeamRole},
};

/// One enrolment on a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingEntry {
    pub course_title: String,
    /// The course's tier (`learn`, `live`, `lead`) as recorded.
    pub course_tier: String,
    pub cohort_name: String,
    pub start_date: Option<NaiveDate>,
    /// `enrolled`, `waitlisted`, `withdrawn` or `completed`.
    pub status: String,
    pub completed_on: Option<NaiveDate>,
    pub sessions_attended: u64,
}

/// One project the person is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectEntry {
    pub project_id: i64,
    pub title: String,
    pub role: TeamRole,
    pub status: ProjectStatus,
}

/// A person's capability record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRecord {
    pub person_id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub job_role: String,
    pub tier: PersonTier,
    pub training: Vec<TrainingEntry>,
    pub projects: Vec<ProjectEntry>,
    /// Sessions they gave as a coach, newest first.
    pub coaching_given: Vec<CoachingSession>,
    /// Sessions others gave their projects' teams, newest first.
    pub coaching_received: Vec<CoachingSession>,
}

fn csv_field(value: &str) -> String {
    // A leading = + - @ would be read as a formula by a spreadsheet.
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

impl PersonRecord {
    /// The record as one CSV table: `section,date,item,detail`, one row per fact.
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<[String; 4]> = vec![[
            "section".into(),
            "date".into(),
            "item".into(),
            "detail".into(),
        ]];
        rows.push([
            "tier".into(),
            String::new(),
            tier_label(self.tier.tier).into(),
            self.tier.derived.reasons.join("; "),
        ]);
        if let Some(o) = &self.tier.tier_override {
            rows.push([
                "override".into(),
                crate::uk_time::day_of(o.set_at).to_string(),
                o.tier.label().into(),
                format!("{} (set by {})", o.reason, o.set_by_name),
            ]);
        }
        for p in &self.tier.history {
            rows.push([
                "tier_history".into(),
                crate::uk_time::day_of(p.valid_from).to_string(),
                p.tier.label().into(),
                format!(
                    "{} until {}: {}",
                    p.source.label(),
                    p.valid_to
                        .map_or("now".to_owned(), |t| crate::uk_time::day_of(t).to_string()),
                    p.reasons.join("; ")
                ),
            ]);
        }
        for t in &self.training {
            rows.push([
                "training".into(),
                t.completed_on
                    .or(t.start_date)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                t.course_title.clone(),
                format!(
                    "{} ({}), {}, {} sessions attended",
                    t.cohort_name, t.course_tier, t.status, t.sessions_attended
                ),
            ]);
        }
        for p in &self.projects {
            rows.push([
                "project".into(),
                String::new(),
                p.title.clone(),
                format!("{}, {}", p.role.label(), p.status.label()),
            ]);
        }
        for (section, sessions) in [
            ("coaching_given", &self.coaching_given),
            ("coaching_received", &self.coaching_received),
        ] {
            for s in sessions {
                rows.push([
                    section.into(),
                    s.held_on.to_string(),
                    s.project_title.clone(),
                    format!(
                        "{} minutes, {}, coach {}",
                        s.minutes,
                        s.model.label(),
                        s.coach_name
                    ),
                ]);
            }
        }
        let mut out = String::new();
        for row in rows {
            let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }
}
