//! Dating a demo project's history: the database stamps each status and score with the moment
//! it is saved (the seeding), so the project's past is written afterwards, along its own
//! dates, and the dashboard has two years of history to show on first run.

use anyhow::anyhow;
use chrono::NaiveDate;
use qi_shared::{
    project::{OrganisationPart, ProjectStatus, Spread},
    uk_time,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};

use super::{AS_OF, after};
use crate::db::entity::{
    project, project_attribute_change, project_organisation, project_score, project_status_change,
};

/// When a project with these dates was recorded, took each status and was given each score.
pub(super) struct Timeline {
    pub recorded: NaiveDate,
    /// One day per status, in order.
    pub statuses: Vec<NaiveDate>,
    /// One day per score, in order.
    pub scores: Vec<NaiveDate>,
    /// When its involvement, sustainability and spread were recorded, and its partner and
    /// adopting organisations named: some weeks into the work, as teams add them once it runs.
    pub attributes: NaiveDate,
}

/// The days of a project's history: recorded a month before it starts (a proposal without
/// dates, some weeks before the demo's "today"); active from its start; completed on its end
/// day; abandoned half-way; scores spread evenly from the start to where it is now.
pub(super) fn timeline(
    k: usize,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    statuses: &[ProjectStatus],
    scores: usize,
) -> Timeline {
    let recorded = match start {
        Some(start) => start
            .checked_sub_days(chrono::Days::new(30))
            .unwrap_or(start)
            .min(AS_OF),
        None => AS_OF
            .checked_sub_days(chrono::Days::new(7 + (k * 11 % 60) as u64))
            .unwrap_or(AS_OF),
    };
    let began = start.unwrap_or(recorded).min(AS_OF);
    let finished = end.unwrap_or(AS_OF).min(AS_OF).max(began);
    let half_way = after(began, ((finished - began).num_days() / 2) as usize);
    let days: Vec<NaiveDate> = statuses
        .iter()
        .enumerate()
        .map(|(i, status)| match (i, status) {
            (0, _) => recorded,
            (_, ProjectStatus::Active) => began,
            (_, ProjectStatus::Completed) => finished,
            (_, ProjectStatus::Abandoned) => half_way,
            (_, ProjectStatus::Proposed) => recorded,
        })
        .collect();
    let now = match statuses.last() {
        Some(ProjectStatus::Abandoned) => half_way,
        _ => finished,
    };
    let span = (now - began).num_days().max(0) as usize;
    let score_days = (1..=scores)
        .map(|j| after(began, span * j / scores.max(1)))
        .collect();
    Timeline {
        recorded,
        statuses: days,
        scores: score_days,
        attributes: after(began, (k * 17 % 90) + 14).min(now).max(recorded),
    }
}

/// Writes the timeline over what the seeding stamped.
pub(super) async fn write(
    db: &impl ConnectionTrait,
    id: i64,
    timeline: &Timeline,
) -> anyhow::Result<()> {
    // Midday, so the UK day is the one meant in summer time and winter time alike.
    let at = |day: NaiveDate| uk_time::instant(day.and_hms_opt(12, 0, 0).unwrap_or_default());
    let row = project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow!("the demo project {id} vanished"))?;
    let mut row: project::ActiveModel = row.into();
    row.created_at = Set(at(timeline.recorded));
    row.update(db).await?;
    let changes = project_status_change::Entity::find()
        .filter(project_status_change::Column::ProjectId.eq(id))
        .order_by_asc(project_status_change::Column::Id)
        .all(db)
        .await?;
    for (change, day) in changes.into_iter().zip(&timeline.statuses) {
        let mut change: project_status_change::ActiveModel = change.into();
        change.changed_at = Set(at(*day));
        change.update(db).await?;
    }
    let scores = project_score::Entity::find()
        .filter(project_score::Column::ProjectId.eq(id))
        .order_by_asc(project_score::Column::Id)
        .all(db)
        .await?;
    for (score, day) in scores.into_iter().zip(&timeline.scores) {
        let mut score: project_score::ActiveModel = score.into();
        score.changed_at = Set(at(*day));
        score.update(db).await?;
    }
    // Recorded plain, then the involvement, sustainability and spread it has now.
    let attributes = project_attribute_change::Entity::find()
        .filter(project_attribute_change::Column::ProjectId.eq(id))
        .order_by_asc(project_attribute_change::Column::Id)
        .all(db)
        .await?;
    if let Some(first) = attributes.into_iter().next() {
        let plain = !first.involvement && !first.sustainability && first.spread == Spread::Unit;
        if !plain && timeline.attributes > timeline.recorded {
            project_attribute_change::ActiveModel {
                project_id: Set(id),
                involvement: Set(false),
                sustainability: Set(false),
                co2e_kg_per_year: Set(None),
                money_per_year: Set(None),
                spread: Set(Spread::Unit),
                changed_by: Set(first.changed_by),
                changed_at: Set(at(timeline.recorded)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        let day = if plain {
            timeline.recorded
        } else {
            timeline.attributes
        };
        let mut first: project_attribute_change::ActiveModel = first.into();
        first.changed_at = Set(at(day));
        first.update(db).await?;
    }
    project_organisation::Entity::update_many()
        .col_expr(
            project_organisation::Column::NamedAt,
            Expr::value(at(timeline.recorded)),
        )
        .filter(project_organisation::Column::ProjectId.eq(id))
        .filter(project_organisation::Column::Kind.eq(OrganisationPart::Lead))
        .exec(db)
        .await?;
    project_organisation::Entity::update_many()
        .col_expr(
            project_organisation::Column::NamedAt,
            Expr::value(at(timeline.attributes)),
        )
        .filter(project_organisation::Column::ProjectId.eq(id))
        .filter(project_organisation::Column::Kind.ne(OrganisationPart::Lead))
        .exec(db)
        .await?;
    Ok(())
}
