//! Demo improvement projects: about 150 across the partnership's organisations, each with a team,
//! a status history and usually a score history; most that have started also have a driver
//! diagram and a ramp of PDSA cycles.
//!
//! Every choice is derived from the project's place `n` in a fixed order by small arithmetic
//! sequences, never from random numbers, so every seed gives the same data and demos and
//! screenshots repeat. The words come from `project_texts`; this file decides who, when, how far
//! and how well. Everything is written through the ordinary persistence functions, so the demo
//! data is exactly what the API would have stored.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, anyhow};
use chrono::{Days, NaiveDate};
use qi_shared::{
    FieldErrors,
    improvement::{
        ActDecision, ChangeIdeaNode, DriverDiagram, PdsaInput, PrimaryDriver, SecondaryDriver,
    },
    organisation::OrganisationType,
    person::Role,
    project::{
        Involvement, ProjectInput, ProjectStatus, Spread, Sustainability, TeamMemberInput,
        TeamRole, Visibility,
    },
    score::ProgressScore,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::project_texts::{self as texts, Brief, Setting, THEMES, Theme};
use crate::db::{
    self,
    entity::{organisation, person, person_role, project},
    improvement::DiagramError,
};

pub(super) mod adoptions;
mod classify;
mod history;
mod improvement;
mod plan;
mod roster;
mod scores;

pub(super) use adoptions::note as adoption_note;
use improvement::*;
use plan::*;
use roster::*;
use scores::*;

const GRACE: &str = "member@demo.qicommons.org";
const TOM: &str = "coach@demo.qicommons.org";
const SAM: &str = "gp.lead@demo.qicommons.org";

/// Projects led by named demo logins, so signing in as them shows work of their own.
const NAMED_LEADS: &[(&str, &str)] = &[
    ("Reducing falls on ward 7 (care of older people)", GRACE),
    ("Zero avoidable pressure ulcers on ward 7", GRACE),
    (
        "Hydration for patients living with dementia on ward 7",
        GRACE,
    ),
    ("Total triage: an answer on the day for every request", SAM),
];

/// The day the demo portfolio is written as of: statuses, dates and PDSA cycles are consistent
/// with it (nothing completed in the future), whenever the demo is seeded.
pub(super) const AS_OF: NaiveDate = date(2026, 11, 23);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

fn after(day: NaiveDate, days: usize) -> NaiveDate {
    day.checked_add_days(Days::new(days as u64)).unwrap_or(day)
}

/// Statuses repeat every 20 projects: 9 active, 6 completed, 3 proposed, 2 abandoned, about the
/// mix of a real partnership's portfolio.
const STATUS_PATTERN: [ProjectStatus; 20] = {
    use ProjectStatus::{Abandoned as X, Active as A, Completed as C, Proposed as P};
    [A, C, A, P, A, C, A, X, C, A, A, P, C, A, C, A, P, A, C, X]
};

/// Acute projects go to the three trusts in this turn: Northmoor, the largest and the demo
/// logins' own, leads a few more than the others.
const ACUTE_TURNS: [usize; 7] = [0, 1, 2, 0, 1, 2, 0];

/// Job titles senior enough to sponsor a project.
const SPONSOR_JOBS: &[&str] = &[
    "QI lead",
    "Head of Quality Improvement",
    "Matron",
    "Consultant",
    "Ward sister",
    "Ward manager",
    "Consultant psychiatrist",
    "Community matron",
    "Team manager",
    "GP",
    "GP partner",
    "Practice manager",
];

/// Final scores of completed projects, in turn: most show at least modest improvement (the
/// partnership target is 75% at 3.0 or more), a few outstanding, one in twelve none.
const COMPLETED_SCORES: [i32; 12] = [30, 35, 40, 45, 30, 50, 35, 25, 40, 30, 45, 35];

/// Everything about one demo project, decided before anything is written.
struct Plan {
    input: ProjectInput,
    lead: i64,
    /// The statuses it went through, in order; it is created with the first.
    statuses: Vec<ProjectStatus>,
    /// (score, reason, who set it), oldest first.
    scores: Vec<(ProgressScore, String, i64)>,
    diagram: Option<DriverDiagram>,
    /// Cycles with the index of the change idea they test, in the diagram's order.
    cycles: Vec<(usize, PdsaInput)>,
    /// How far its changes spread, and the partner organisations that adopted them.
    spread: Spread,
    adopters: Vec<i64>,
    /// Its kind of setting, for the name of the unit that adopts it within its organisation.
    setting: Setting,
}

/// Seeds the demo projects (inside the demo transaction, after organisations and people).
/// Returns how many it made.
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let roster = Roster::load(db).await?;
    let mut turns = Turns::default();
    let rounds = THEMES.iter().map(|t| t.projects.len()).max().unwrap_or(0);
    let mut n = 0;
    // One project of each theme per round, so recent projects in a list are a mix of themes.
    for round in 0..rounds {
        for theme in THEMES {
            let Some(brief) = theme.projects.get(round) else {
                continue;
            };
            let plan = plan(n, theme, brief, &roster, &mut turns)
                .with_context(|| format!("planning the demo project {:?}", brief.title))?;
            write(db, plan)
                .await
                .with_context(|| format!("writing the demo project {:?}", brief.title))?;
            n += 1;
        }
    }
    adoptions::link_own_projects(db).await?;
    Ok(n)
}

/// Fills a template's `{unit}` and `{by}`. Wards take "on": "falls on ward 7".
fn fill(template: &str, unit: &str, by: &str) -> String {
    let mut text = template.to_owned();
    if unit.contains("ward") {
        text = text.replace("in {unit}", "on {unit}");
    }
    let text = text.replace("{unit}", unit).replace("{by}", by);
    let mut chars = text.chars();
    // Templates may start with the unit ("{unit} reported..."): the sentence needs a capital.
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn invalid(what: &str, errors: FieldErrors) -> anyhow::Error {
    let fields: Vec<String> = errors
        .0
        .into_iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    anyhow!("the demo {what} is invalid: {}", fields.join("; "))
}

/// Writes a planned project the way the API would: checked input, created, moved through its
/// statuses, then its diagram, cycles and scores.
async fn write(db: &impl ConnectionTrait, plan: Plan) -> anyhow::Result<()> {
    let mut input = plan.input.validate().map_err(|e| invalid("project", e))?;
    let lead = plan.lead;
    let timeline_of = |id: i64| {
        history::timeline(
            usize::try_from(id).unwrap_or(0),
            input.start_date,
            input.expected_end_date,
            &plan.statuses,
            plan.scores.len(),
        )
    };
    let mut statuses = plan.statuses.clone().into_iter();
    input.status = statuses.next().unwrap_or(ProjectStatus::Proposed);
    let id = db::projects::create(db, &input, lead).await?;
    for status in statuses {
        let current = project::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| anyhow!("the demo project {id} vanished"))?;
        let version = current.version;
        input.status = status;
        if !db::projects::update(db, current, version, &input, lead).await? {
            return Err(anyhow!("the demo project {id} changed while it was seeded"));
        }
    }

    let mut ideas: Vec<i64> = Vec::new();
    if let Some(diagram) = plan.diagram {
        let diagram = diagram
            .validate()
            .map_err(|e| invalid("driver diagram", e))?;
        db::improvement::replace_diagram(db, id, &diagram)
            .await
            .map_err(|e| match e {
                DiagramError::Db(err) => anyhow::Error::from(err),
                DiagramError::UnknownNode(field) => anyhow!("unknown driver diagram node {field}"),
                DiagramError::RemovesTestedIdeas(_) => anyhow!("the diagram removes tested ideas"),
            })?;
        // The saved diagram gives the change ideas their ids, in the order the plan counted them.
        let saved = db::improvement::diagram(db, id, input.aim.clone()).await?;
        ideas = saved
            .change_ideas()
            .iter()
            .filter_map(|(idea, _, _)| idea.id)
            .collect();
        for (idea, mut cycle) in plan.cycles {
            cycle.change_idea_id = *ideas
                .get(idea)
                .ok_or_else(|| anyhow!("the demo diagram has no change idea {idea}"))?;
            let cycle = cycle.validate().map_err(|e| invalid("PDSA cycle", e))?;
            db::improvement::create_cycle(db, id, &cycle, lead).await?;
        }
    }

    let timeline = timeline_of(id);
    for (score, reason, by) in plan.scores {
        db::projects::set_score(db, id, score, &reason, by).await?;
    }
    history::write(db, id, &timeline).await?;
    let spreading = adoptions::Spreading {
        project_id: id,
        lead_organisation_id: input.lead_organisation_id,
        spread: plan.spread,
        adopters: &plan.adopters,
        setting: plan.setting,
        ideas: &ideas,
        by: lead,
    };
    adoptions::write(db, &spreading, &timeline).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_leads_name_real_demo_projects() {
        for (title, _) in NAMED_LEADS {
            assert!(
                THEMES
                    .iter()
                    .any(|t| t.projects.iter().any(|b| b.title == *title)),
                "{title}"
            );
        }
    }

    #[test]
    fn score_histories_rise_to_the_final_score() {
        let theme = &THEMES[0];
        let brief = &theme.projects[0];
        for n in 0..40 {
            for (status, tenths) in [
                (ProjectStatus::Proposed, 15),
                (ProjectStatus::Active, 35),
                (ProjectStatus::Completed, 50),
                (ProjectStatus::Abandoned, 25),
            ] {
                let history =
                    score_history(n, status, tenths, theme, brief, 1, Some(2)).unwrap_or_default();
                assert!(!history.is_empty() && history.len() <= 4);
                assert!(history.windows(2).all(|w| w[0].0 < w[1].0));
                assert_eq!(history.last().map(|h| h.0.tenths()), Some(tenths));
                assert!(history.iter().all(|(_, reason, _)| !reason.contains('{')));
            }
        }
    }

    #[test]
    fn cycles_never_end_after_the_demo_day_and_ramps_grow() {
        let theme = &THEMES[4];
        let brief = &theme.projects[0];
        let diagram = diagram(theme, 0, "aim");
        for k in 0..60 {
            for (status, start, end) in [
                (ProjectStatus::Active, date(2026, 8, 1), date(2027, 6, 1)),
                (ProjectStatus::Active, date(2025, 3, 1), date(2027, 1, 1)),
                (
                    ProjectStatus::Completed,
                    date(2024, 2, 1),
                    date(2024, 11, 1),
                ),
                (ProjectStatus::Abandoned, date(2025, 6, 1), date(2026, 4, 1)),
            ] {
                let ramp = Ramp {
                    k,
                    status,
                    theme,
                    brief,
                    lead: "A",
                    tester: "B",
                };
                let cycles = cycles(&ramp, &diagram, start, end);
                assert!(!cycles.is_empty() && cycles.len() <= 4);
                for (_, cycle) in &cycles {
                    assert!(cycle.start_date.is_some_and(|d| d >= start && d <= AS_OF));
                    assert!(cycle.end_date.is_none_or(|d| d <= AS_OF));
                    assert_eq!(cycle.act.is_some(), cycle.end_date.is_some());
                    assert!(!cycle.objective.contains('{') && !cycle.plan.contains('{'));
                    if status != ProjectStatus::Active {
                        assert!(cycle.end_date.is_some_and(|d| d <= end), "{k} {status:?}");
                    }
                }
                // Within a ramp, sequence follows time.
                let main: Vec<_> = cycles.iter().filter(|(i, _)| *i == 0).collect();
                assert!(
                    main.windows(2)
                        .all(|w| w[0].1.end_date <= w[1].1.start_date)
                );
            }
        }
    }
}
