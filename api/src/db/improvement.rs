//! Driver diagrams and PDSA cycles.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use qi_shared::improvement::{
    ChangeIdeaNode, DriverDiagram, DriverKind, PdsaCycle, PdsaInput, PrimaryDriver, SecondaryDriver,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::entity::{driver_node, pdsa_cycle, project};

/// A project's driver diagram, built from its nodes.
pub async fn diagram(
    db: &impl ConnectionTrait,
    project_id: i64,
    aim: String,
) -> Result<DriverDiagram, DbErr> {
    let nodes = driver_node::Entity::find()
        .filter(driver_node::Column::ProjectId.eq(project_id))
        .order_by_asc(driver_node::Column::Position)
        .all(db)
        .await?;
    let children = |parent: i64, kind: DriverKind| {
        nodes
            .iter()
            .filter(move |n| n.parent_id == Some(parent) && n.kind == kind)
    };
    let idea = |n: &driver_node::Model| ChangeIdeaNode {
        id: Some(n.id),
        text: n.text.clone(),
    };
    let primary_drivers = nodes
        .iter()
        .filter(|n| n.parent_id.is_none() && n.kind == DriverKind::Primary)
        .map(|p| PrimaryDriver {
            id: Some(p.id),
            text: p.text.clone(),
            secondary_drivers: children(p.id, DriverKind::Secondary)
                .map(|s| SecondaryDriver {
                    id: Some(s.id),
                    text: s.text.clone(),
                    change_ideas: children(s.id, DriverKind::ChangeIdea).map(idea).collect(),
                })
                .collect(),
            change_ideas: children(p.id, DriverKind::ChangeIdea).map(idea).collect(),
        })
        .collect();
    Ok(DriverDiagram {
        aim,
        primary_drivers,
    })
}

/// Why a new diagram cannot replace the old one.
pub enum DiagramError {
    /// A node id that is not this project's node of that level (the field names it).
    UnknownNode(String),
    /// The new diagram leaves out change ideas that PDSA cycles test.
    RemovesTestedIdeas(Vec<String>),
    Db(DbErr),
}

impl From<DbErr> for DiagramError {
    fn from(err: DbErr) -> Self {
        Self::Db(err)
    }
}

/// A node of a diagram as sent, flattened: (field, id, kind, parent's index, text).
type FlatNode = (String, Option<i64>, DriverKind, Option<usize>, String);

/// Replaces a project's diagram (call inside a transaction, after checking the project version).
/// Nodes sent with their id keep it, so the cycles of a change idea stay with it.
pub async fn replace_diagram(
    db: &impl ConnectionTrait,
    project_id: i64,
    diagram: &DriverDiagram,
) -> Result<(), DiagramError> {
    let existing: HashMap<i64, driver_node::Model> = driver_node::Entity::find()
        .filter(driver_node::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();

    // Parents are referred to by their index in this list.
    let mut flat: Vec<FlatNode> = Vec::new();
    for (p, primary) in diagram.primary_drivers.iter().enumerate() {
        let base = format!("primary_drivers[{p}]");
        let pi = flat.len();
        flat.push((
            format!("{base}.id"),
            primary.id,
            DriverKind::Primary,
            None,
            primary.text.clone(),
        ));
        for (s, secondary) in primary.secondary_drivers.iter().enumerate() {
            let si = flat.len();
            let sbase = format!("{base}.secondary_drivers[{s}]");
            flat.push((
                format!("{sbase}.id"),
                secondary.id,
                DriverKind::Secondary,
                Some(pi),
                secondary.text.clone(),
            ));
            for (c, idea) in secondary.change_ideas.iter().enumerate() {
                flat.push((
                    format!("{sbase}.change_ideas[{c}].id"),
                    idea.id,
                    DriverKind::ChangeIdea,
                    Some(si),
                    idea.text.clone(),
                ));
            }
        }
        for (c, idea) in primary.change_ideas.iter().enumerate() {
            flat.push((
                format!("{base}.change_ideas[{c}].id"),
                idea.id,
                DriverKind::ChangeIdea,
                Some(pi),
                idea.text.clone(),
            ));
        }
    }
    let mut kept = HashSet::new();
    for (field, id, kind, _, _) in &flat {
        if let Some(id) = id {
            let known = existing.get(id).is_some_and(|n| n.kind == *kind);
            if !known || !kept.insert(*id) {
                return Err(DiagramError::UnknownNode(field.clone()));
            }
        }
    }
    let removed: Vec<i64> = existing
        .keys()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect();
    if !removed.is_empty() {
        let tested: Vec<i64> = pdsa_cycle::Entity::find()
            .filter(pdsa_cycle::Column::ChangeIdeaId.is_in(removed.clone()))
            .select_only()
            .column(pdsa_cycle::Column::ChangeIdeaId)
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        if !tested.is_empty() {
            let names = tested
                .iter()
                .filter_map(|id| existing.get(id).map(|n| n.text.clone()))
                .collect();
            return Err(DiagramError::RemovesTestedIdeas(names));
        }
        driver_node::Entity::delete_many()
            .filter(driver_node::Column::Id.is_in(removed))
            .exec(db)
            .await?;
    }
    let mut ids: Vec<i64> = Vec::with_capacity(flat.len());
    for (position, (_, id, kind, parent, text)) in flat.into_iter().enumerate() {
        let parent_id = parent.and_then(|i| ids.get(i).copied());
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let saved = match id {
            Some(id) => {
                driver_node::Entity::update_many()
                    .col_expr(driver_node::Column::Text, Expr::value(text))
                    .col_expr(driver_node::Column::ParentId, Expr::value(parent_id))
                    .col_expr(driver_node::Column::Position, Expr::value(position))
                    .filter(driver_node::Column::Id.eq(id))
                    .exec(db)
                    .await?;
                id
            }
            None => {
                driver_node::ActiveModel {
                    project_id: Set(project_id),
                    parent_id: Set(parent_id),
                    kind: Set(kind),
                    text: Set(text),
                    position: Set(position),
                    ..Default::default()
                }
                .insert(db)
                .await?
                .id
            }
        };
        ids.push(saved);
    }
    Ok(())
}

/// Marks a project changed: its version moves on, so stale edits of it are refused.
pub async fn touch_project(
    db: &impl ConnectionTrait,
    project_id: i64,
    version: i64,
) -> Result<bool, DbErr> {
    let result = project::Entity::update_many()
        .col_expr(
            project::Column::Version,
            Expr::col(project::Column::Version).add(1),
        )
        .col_expr(project::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(project::Column::Id.eq(project_id))
        .filter(project::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Is `id` a change idea of this project?
pub async fn is_change_idea(
    db: &impl ConnectionTrait,
    project_id: i64,
    id: i64,
) -> Result<bool, DbErr> {
    Ok(driver_node::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|n| n.project_id == project_id && n.kind == DriverKind::ChangeIdea))
}

fn to_dto(m: pdsa_cycle::Model, ideas: &HashMap<i64, String>) -> PdsaCycle {
    PdsaCycle {
        id: m.id,
        change_idea_id: m.change_idea_id,
        change_idea: ideas.get(&m.change_idea_id).cloned().unwrap_or_default(),
        sequence: m.sequence,
        objective: m.objective,
        questions: m.questions,
        predictions: m.predictions,
        plan: m.plan,
        data_to_collect: m.data_to_collect,
        start_date: m.start_date,
        what_happened: m.what_happened,
        problems: m.problems,
        study: m.study,
        act: m.act,
        next_step: m.next_step,
        end_date: m.end_date,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A project's cycles, in diagram order of their change ideas, each ramp in sequence.
pub async fn cycles(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<PdsaCycle>, DbErr> {
    let nodes = driver_node::Entity::find()
        .filter(driver_node::Column::ProjectId.eq(project_id))
        .filter(driver_node::Column::Kind.eq(DriverKind::ChangeIdea))
        .all(db)
        .await?;
    let order: HashMap<i64, i32> = nodes.iter().map(|n| (n.id, n.position)).collect();
    let ideas: HashMap<i64, String> = nodes.into_iter().map(|n| (n.id, n.text)).collect();
    let mut rows = pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::ProjectId.eq(project_id))
        .all(db)
        .await?;
    rows.sort_by_key(|c| {
        (
            order.get(&c.change_idea_id).copied().unwrap_or(i32::MAX),
            c.sequence,
        )
    });
    Ok(rows.into_iter().map(|c| to_dto(c, &ideas)).collect())
}

pub async fn cycle(
    db: &impl ConnectionTrait,
    project_id: i64,
    id: i64,
) -> Result<Option<PdsaCycle>, DbErr> {
    Ok(cycles(db, project_id)
        .await?
        .into_iter()
        .find(|c| c.id == id))
}

async fn next_sequence(db: &impl ConnectionTrait, change_idea_id: i64) -> Result<i32, DbErr> {
    let count = pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::ChangeIdeaId.eq(change_idea_id))
        .count(db)
        .await?;
    Ok(i32::try_from(count).unwrap_or(i32::MAX - 1) + 1)
}

fn apply(active: &mut pdsa_cycle::ActiveModel, input: &PdsaInput) {
    active.change_idea_id = Set(input.change_idea_id);
    active.objective = Set(input.objective.clone());
    active.questions = Set(input.questions.clone());
    active.predictions = Set(input.predictions.clone());
    active.plan = Set(input.plan.clone());
    active.data_to_collect = Set(input.data_to_collect.clone());
    active.start_date = Set(input.start_date);
    active.what_happened = Set(input.what_happened.clone());
    active.problems = Set(input.problems.clone());
    active.study = Set(input.study.clone());
    active.act = Set(input.act);
    active.next_step = Set(input.next_step.clone());
    active.end_date = Set(input.end_date);
}

/// Adds a cycle at the end of its change idea's ramp (call inside a transaction).
pub async fn create_cycle(
    db: &impl ConnectionTrait,
    project_id: i64,
    input: &PdsaInput,
    by: i64,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut active = pdsa_cycle::ActiveModel {
        project_id: Set(project_id),
        sequence: Set(next_sequence(db, input.change_idea_id).await?),
        version: Set(1),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, input);
    let id = active.insert(db).await?.id;
    // Its Study and Act are searched with the project (`crate::cache::register`).
    super::measures::touch_project(db, project_id).await?;
    Ok(id)
}

/// Changes a cycle if it is still at `version`; `Ok(false)` if someone changed it first.
pub async fn update_cycle(
    db: &impl ConnectionTrait,
    project_id: i64,
    current: &PdsaCycle,
    version: i64,
    input: &PdsaInput,
) -> Result<bool, DbErr> {
    let mut active = <pdsa_cycle::ActiveModel as Default>::default();
    apply(&mut active, input);
    if input.change_idea_id != current.change_idea_id {
        // Moved to another change idea: it joins the end of that ramp.
        active.sequence = Set(next_sequence(db, input.change_idea_id).await?);
    }
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    let result = pdsa_cycle::Entity::update_many()
        .set(active)
        .filter(pdsa_cycle::Column::Id.eq(current.id))
        .filter(pdsa_cycle::Column::Version.eq(version))
        .exec(db)
        .await?;
    super::measures::touch_project(db, project_id).await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete_cycle(
    db: &impl ConnectionTrait,
    project_id: i64,
    id: i64,
) -> Result<(), DbErr> {
    pdsa_cycle::Entity::delete_by_id(id).exec(db).await?;
    super::measures::touch_project(db, project_id).await?;
    Ok(())
}
