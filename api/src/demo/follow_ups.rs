//! Demo follow-ups ("did it last?"): completed demo projects whose teams kept collecting their
//! monthly data after completion, and recorded what they found at 6 and 12 months.
//!
//! Most improvements hold at their new level; one project in four slips back towards where it
//! started, so the check shows both. A quarter of the follow-ups that have fallen due are left
//! unrecorded, so the project page shows one overdue. The outcome recorded is the one the check
//! of the measures suggests, as a team reading its charts would.

use chrono::{Datelike, Days, Months, NaiveDate};
use qi_shared::{
    follow_up::{self, FollowUpPoint, Lasting, NewFollowUp},
    measure::{Frequency, Measure, MeasureType, Unit},
    project::{ProjectStatus, TeamRole},
    spc::ImprovementDirection,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::projects::AS_OF;
use crate::db::{
    self,
    entity::{measure_point, project, project_member},
};

/// The most months of data kept after completion: enough for the 12-month follow-up.
const MONTHS_AFTER: u32 = 13;

const NOTES: [(Lasting, &str); 6] = [
    (
        Lasting::Sustained,
        "Held at the new level through the winter. The change is now in the ward's induction pack and the monthly huddle still reviews the chart.",
    ),
    (
        Lasting::Sustained,
        "Still within the new limits. Ownership has passed to the matron and the audit runs without the project team.",
    ),
    (
        Lasting::Partly,
        "The main measure has held, but the process measure drifted when the link nurse left. A refresher is planned for the new starters.",
    ),
    (
        Lasting::Partly,
        "No data since completion on one measure, so we could only judge part of it. The team thinks it has held.",
    ),
    (
        Lasting::NotSustained,
        "Slipped back after the rota changed and the checklist stopped being used. Restarting PDSA cycles with the night team.",
    ),
    (
        Lasting::NotSustained,
        "Back to where we started by the spring. We are looking at what kept it going during the project and what stopped.",
    ),
];

/// Extends the completed projects' data past completion and records their follow-ups. Returns
/// how many follow-ups it recorded.
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let completed = project::Entity::find()
        .filter(project::Column::Status.eq(ProjectStatus::Completed))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let mut recorded = 0;
    for (k, p) in completed.iter().enumerate() {
        let Some(completed_on) = db::follow_ups::completed_on(db, p.id, p.status).await? else {
            continue;
        };
        let slipping = k % 4 == 3;
        for measure in db::measures::of_project(db, p.id).await? {
            continue_data(db, &measure, completed_on, slipping, k).await?;
        }
        let Some(lead) = lead_of(db, p.id).await? else {
            continue;
        };
        let measures = db::measures::of_project(db, p.id).await?;
        for &point in FollowUpPoint::ALL {
            let due_on = point.due_on(completed_on);
            let kept = match point {
                FollowUpPoint::SixMonths => k % 4 != 1,
                FollowUpPoint::TwelveMonths => k % 2 == 0,
            };
            if due_on > AS_OF || !kept {
                continue;
            }
            let recorded_on = (due_on + Days::new((k % 12) as u64)).min(AS_OF);
            // The data as the team saw it that day.
            let then: Vec<Measure> = measures
                .iter()
                .map(|m| Measure {
                    points: m
                        .points
                        .iter()
                        .filter(|p| p.date <= recorded_on)
                        .cloned()
                        .collect(),
                    ..m.clone()
                })
                .collect();
            let check = follow_up::check(&then, completed_on);
            let outcome = check.suggested.unwrap_or(Lasting::Partly);
            let notes: Vec<&str> = NOTES
                .iter()
                .filter(|(l, _)| *l == outcome)
                .map(|(_, n)| *n)
                .collect();
            let note = notes.get(k % notes.len().max(1)).copied().unwrap_or("");
            let new = NewFollowUp {
                point,
                completed_on,
                outcome,
                recorded_on,
                note: note.to_owned(),
            };
            db::follow_ups::record(db, p.id, &new, &check, lead).await?;
            recorded += 1;
        }
    }
    Ok(recorded)
}

async fn lead_of(db: &impl ConnectionTrait, project_id: i64) -> anyhow::Result<Option<i64>> {
    Ok(project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::Role.eq(TeamRole::Lead))
        .order_by_asc(project_member::Column::PersonId)
        .one(db)
        .await?
        .map(|m| m.person_id))
}

/// The months after completion, up to the demo's today: at the level of the last six months
/// (a little noise), or drifting back to the first six months' level when `slipping`.
async fn continue_data(
    db: &impl ConnectionTrait,
    measure: &Measure,
    completed_on: NaiveDate,
    slipping: bool,
    k: usize,
) -> anyhow::Result<()> {
    let counted = measure.measure_type != MeasureType::Balancing
        && measure.improvement_direction != ImprovementDirection::Neutral;
    let values: Vec<f64> = measure.points.iter().filter_map(|p| p.value).collect();
    let (Some(last), true, true) = (
        measure.points.last(),
        counted && measure.frequency == Frequency::Monthly,
        values.len() >= 12,
    ) else {
        return Ok(());
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let before = mean(&values[..6]);
    let after = mean(&values[values.len() - 6..]);
    let first = last
        .date
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .unwrap_or(last.date);
    let end = completed_on
        .checked_add_months(Months::new(MONTHS_AFTER))
        .unwrap_or(AS_OF)
        .min(AS_OF);
    let spread = (after - before).abs().max(after.abs() * 0.05);
    const WOBBLE: [f64; 6] = [0.0, 0.15, -0.1, 0.05, -0.15, 0.1];
    let mut rows = Vec::new();
    let mut month = first;
    let mut i = 0usize;
    while month <= end {
        let level = if slipping {
            // Back to where it started over six months.
            after + (before - after) * ((i + 1) as f64 / 6.0).min(1.0)
        } else {
            after
        };
        let mut value = level + spread * WOBBLE[(i + k) % WOBBLE.len()];
        value = value.max(0.0);
        if measure.unit == Unit::Percentage {
            value = value.min(100.0);
        }
        // Over the denominator the team last counted, as it would go on counting.
        let (value, numerator, denominator) = match last.denominator {
            Some(d) => super::measures::counted(measure.unit, value, d),
            None => ((value * 10.0).round() / 10.0, None, None),
        };
        rows.push(measure_point::ActiveModel {
            measure_id: Set(measure.id),
            period_date: Set(month),
            value: Set(Some(value)),
            numerator: Set(numerator),
            denominator: Set(denominator),
            note: Set(String::new()),
            ..Default::default()
        });
        i += 1;
        month = match month.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    if !rows.is_empty() {
        measure_point::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
