//! The board pack's own rows: each row's narrative per scope and month, and the measures each
//! scope's pack shows. A scope is an organisation (`Some(id)`) or the partnership (`None`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    chart::unit_label,
    dashboard::board_pack::{MeasureChoice, Narrative, PackMeasure, RowKey},
    project::Visibility,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Condition,
};

use super::entity::{
    board_pack_measure, board_pack_narrative, measure, measure_point, person, project,
    project_organisation,
};

/// Only these projects' measures may be chosen: everyone who reads a pack may see them.
pub const SHAREABLE: [Visibility; 2] = [Visibility::Partnership, Visibility::Public];

fn scope_is(
    column: impl ColumnTrait,
    organisation_id: Option<i64>,
) -> sea_orm::sea_query::SimpleExpr {
    match organisation_id {
        Some(id) => column.eq(id),
        None => column.is_null(),
    }
}

/// The narratives of a scope's pack for a month, by row key.
pub async fn narratives(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
    month: NaiveDate,
) -> Result<Vec<(String, Narrative)>, DbErr> {
    let rows = board_pack_narrative::Entity::find()
        .filter(scope_is(
            board_pack_narrative::Column::OrganisationId,
            organisation_id,
        ))
        .filter(board_pack_narrative::Column::Month.eq(month))
        .order_by_asc(board_pack_narrative::Column::Id)
        .all(db)
        .await?;
    let authors: Vec<i64> = rows.iter().map(|r| r.updated_by).collect();
    let names: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(authors))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let narrative = Narrative {
                updated_by_name: names.get(&r.updated_by).cloned().unwrap_or_default(),
                text: r.narrative,
                updated_by: r.updated_by,
                updated_at: r.updated_at,
            };
            (r.row_key, narrative)
        })
        .collect())
}

/// Writes (or, for `None`, removes) each row's narrative of a scope's pack for a month.
pub async fn save_narratives(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
    month: NaiveDate,
    narratives: &[(RowKey, Option<String>)],
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for (key, text) in narratives {
        let key = key.to_string();
        let existing = board_pack_narrative::Entity::find()
            .filter(scope_is(
                board_pack_narrative::Column::OrganisationId,
                organisation_id,
            ))
            .filter(board_pack_narrative::Column::Month.eq(month))
            .filter(board_pack_narrative::Column::RowKey.eq(key.as_str()))
            .one(db)
            .await?;
        match (existing, text) {
            (Some(row), None) => {
                board_pack_narrative::Entity::delete_by_id(row.id)
                    .exec(db)
                    .await?;
            }
            (Some(row), Some(text)) => {
                let mut active: board_pack_narrative::ActiveModel = row.into();
                active.narrative = Set(text.clone());
                active.updated_by = Set(person_id);
                active.updated_at = Set(now);
                active.update(db).await?;
            }
            (None, Some(text)) => {
                board_pack_narrative::ActiveModel {
                    organisation_id: Set(organisation_id),
                    month: Set(month),
                    row_key: Set(key),
                    narrative: Set(text.clone()),
                    updated_by: Set(person_id),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
            (None, None) => {}
        }
    }
    Ok(())
}

/// The ids of the measures chosen for a scope's pack, in order.
pub async fn chosen_ids(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<i64>, DbErr> {
    Ok(board_pack_measure::Entity::find()
        .filter(scope_is(
            board_pack_measure::Column::OrganisationId,
            organisation_id,
        ))
        .order_by_asc(board_pack_measure::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.measure_id)
        .collect())
}

/// Which of `ids` are measures of projects every reader may see ([`SHAREABLE`]); and which
/// exist at all. The answer: (existing, shareable).
pub async fn shareable(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<(Vec<i64>, Vec<i64>), DbErr> {
    let measures = measure::Entity::find()
        .filter(measure::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let projects: HashMap<i64, Visibility> = project::Entity::find()
        .filter(project::Column::Id.is_in(measures.iter().map(|m| m.project_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.visibility))
        .collect();
    let existing = measures.iter().map(|m| m.id).collect();
    let shareable = measures
        .iter()
        .filter(|m| {
            projects
                .get(&m.project_id)
                .is_some_and(|v| SHAREABLE.contains(v))
        })
        .map(|m| m.id)
        .collect();
    Ok((existing, shareable))
}

/// Makes `ids` the measures of a scope's pack, in this order.
pub async fn replace_measures(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
    ids: &[i64],
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    board_pack_measure::Entity::delete_many()
        .filter(scope_is(
            board_pack_measure::Column::OrganisationId,
            organisation_id,
        ))
        .exec(db)
        .await?;
    for (position, id) in (0_i32..).zip(ids) {
        board_pack_measure::ActiveModel {
            organisation_id: Set(organisation_id),
            measure_id: Set(*id),
            position: Set(position),
            chosen_by: Set(person_id),
            chosen_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The chosen measures of a scope's pack with their data, in order. A measure whose project is
/// no longer shared with the whole partnership is left out, whatever was chosen.
pub async fn chosen_measures(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<PackMeasure>, DbErr> {
    let ids = chosen_ids(db, organisation_id).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let measures: HashMap<i64, measure::Model> = measure::Entity::find()
        .filter(measure::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let projects: HashMap<i64, project::Model> = project::Entity::find()
        .filter(project::Column::Id.is_in(measures.values().map(|m| m.project_id)))
        .filter(
            Condition::any()
                .add(project::Column::Visibility.eq(Visibility::Partnership))
                .add(project::Column::Visibility.eq(Visibility::Public)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut points: HashMap<i64, Vec<(NaiveDate, Option<f64>)>> = HashMap::new();
    for p in measure_point::Entity::find()
        .filter(measure_point::Column::MeasureId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        points
            .entry(p.measure_id)
            .or_default()
            .push((p.period_date, p.value));
    }
    Ok(ids
        .iter()
        .filter_map(|id| {
            let m = measures.get(id)?;
            let project = projects.get(&m.project_id)?;
            Some(PackMeasure {
                id: m.id,
                project_id: project.id,
                project_title: project.title.clone(),
                name: m.name.clone(),
                unit_label: unit_label(m.unit, m.rate_per.and_then(|r| u32::try_from(r).ok())),
                direction: m.improvement_direction,
                target: m.target,
                points: points.remove(id).unwrap_or_default(),
            })
        })
        .collect())
}

/// The most measures offered to choose from.
const MAX_CHOICES: u64 = 500;

/// Measures that may be chosen for a scope's pack: of projects shared with the whole
/// partnership; for an organisation, of the projects it leads or partners. By project title,
/// then name.
pub async fn candidates(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<MeasureChoice>, DbErr> {
    let mut projects = project::Entity::find().filter(
        Condition::any()
            .add(project::Column::Visibility.eq(Visibility::Partnership))
            .add(project::Column::Visibility.eq(Visibility::Public)),
    );
    if let Some(id) = organisation_id {
        let involved = project_organisation::Entity::find()
            .filter(project_organisation::Column::OrganisationId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.project_id);
        projects = projects.filter(
            Condition::any()
                .add(project::Column::LeadOrganisationId.eq(id))
                .add(project::Column::Id.is_in(involved)),
        );
    }
    let projects: HashMap<i64, String> = projects
        .order_by_desc(project::Column::UpdatedAt)
        .limit(MAX_CHOICES)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let mut choices: Vec<MeasureChoice> = measure::Entity::find()
        .filter(measure::Column::ProjectId.is_in(projects.keys().copied()))
        .limit(MAX_CHOICES)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(MeasureChoice {
                measure_id: m.id,
                project_title: projects.get(&m.project_id)?.clone(),
                project_id: m.project_id,
                name: m.name,
            })
        })
        .collect();
    choices.sort_by(|a, b| {
        (a.project_title.as_str(), a.name.as_str())
            .cmp(&(b.project_title.as_str(), b.name.as_str()))
    });
    Ok(choices)
}
