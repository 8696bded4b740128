//! The demo partnership's board pack: a few project measures chosen for the partnership's pack
//! and for Northmoor's, and the narratives of the partnership's latest pack (the last complete
//! month on the day the demo is seeded), so the board pack is alive on first run.

use std::collections::HashMap;

use chrono::{Months, Utc};
use qi_shared::{
    dashboard::{Metric, board_pack::RowKey, first_of_month},
    measure::MeasureType,
    uk_time,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::db::{
    self,
    entity::{measure, measure_point, project},
};

/// The partnership's narratives, as its QI lead would write them for the board.
const METRIC_NARRATIVES: &[(Metric, &str)] = &[
    (
        Metric::PeopleLive,
        "The Live tier keeps growing as the spring cohort completes its projects.",
    ),
    (
        Metric::PeopleTrained,
        "Attendance dipped with winter pressures; the March cohort is already full.",
    ),
    (
        Metric::CompletedImproved,
        "Below the 75% aim: three projects closed early; coaches are reviewing them.",
    ),
    (
        Metric::InvolvementShare,
        "The patient panel now reviews every new project charter.",
    ),
    (
        Metric::ProjectsCoached,
        "Two new coaches from the Lead tier took on caseloads this month.",
    ),
];

const MEASURE_NARRATIVES: &[&str] = &[
    "Sustained since the new checklist went live; spreading to two more wards.",
    "Common cause variation only: the team is testing a second change idea.",
    "Special cause improvement after the rota change; watching for a new baseline.",
    "Data now weekly, so the limits will settle over the next quarter.",
];

/// Chooses the demo's measures and writes the partnership's latest narratives. Returns how
/// many measures were chosen for the partnership.
pub async fn seed(
    db: &impl ConnectionTrait,
    admin_id: i64,
    northmoor: i64,
) -> anyhow::Result<usize> {
    // Outcome measures of projects the whole partnership sees, those with most data first.
    let shared: HashMap<i64, i64> = project::Entity::find()
        .filter(project::Column::Visibility.is_in(db::board_pack::SHAREABLE))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.lead_organisation_id))
        .collect();
    let measures: Vec<measure::Model> = measure::Entity::find()
        .filter(measure::Column::MeasureType.eq(MeasureType::Outcome))
        .all(db)
        .await?
        .into_iter()
        .filter(|m| shared.contains_key(&m.project_id))
        .collect();
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for p in measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.is_in(measures.iter().map(|m| m.id)))
        .all(db)
        .await?
    {
        *counts.entry(p.measure_id).or_default() += 1;
    }
    let mut ranked: Vec<&measure::Model> = measures.iter().collect();
    ranked.sort_by_key(|m| {
        (
            std::cmp::Reverse(counts.get(&m.id).copied().unwrap_or(0)),
            m.id,
        )
    });
    let partnership: Vec<i64> = ranked.iter().take(4).map(|m| m.id).collect();
    let own: Vec<i64> = ranked
        .iter()
        .filter(|m| shared.get(&m.project_id) == Some(&northmoor))
        .take(3)
        .map(|m| m.id)
        .collect();
    let now = Utc::now();
    db::board_pack::replace_measures(db, None, &partnership, admin_id, now).await?;
    db::board_pack::replace_measures(db, Some(northmoor), &own, admin_id, now).await?;

    let this_month = first_of_month(uk_time::day_of(now));
    let month = this_month
        .checked_sub_months(Months::new(1))
        .unwrap_or(this_month);
    let mut narratives: Vec<(RowKey, Option<String>)> = METRIC_NARRATIVES
        .iter()
        .map(|(metric, text)| (RowKey::Metric(*metric), Some((*text).to_owned())))
        .collect();
    narratives.extend(
        partnership
            .iter()
            .zip(MEASURE_NARRATIVES)
            .map(|(id, text)| (RowKey::Measure(*id), Some((*text).to_owned()))),
    );
    db::board_pack::save_narratives(db, None, month, &narratives, admin_id, now).await?;
    Ok(partnership.len())
}
