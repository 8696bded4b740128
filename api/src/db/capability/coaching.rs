//! Coaching sessions, a coach's caseload and an organisation's coaching coverage.
//!
//! Sessions come back whole (notes and actions included); the handlers redact them for whoever
//! may not read them (`qi_shared::capability::coaching::can_read_notes`).

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use qi_shared::{
    access::Actor,
    capability::coaching::{
        COVERAGE_DAYS, CaseloadEntry, CoachingSession, CoachingSessionInput, Coverage,
        CoverageEntry,
    },
    export::CoachingExportQuery,
    page::PageInfo,
    project::{ProjectStatus, TeamRole},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Order, Query},
};

use super::facts_changed;
use crate::db::{
    entity::{capability::coaching_session, person, project, project_member},
    projects,
};

pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<coaching_session::Model>, DbErr> {
    coaching_session::Entity::find_by_id(id).one(db).await
}

/// Sessions as the wire shows them, with their project's title and coach's name.
async fn dtos(
    db: &impl ConnectionTrait,
    rows: Vec<coaching_session::Model>,
) -> Result<Vec<CoachingSession>, DbErr> {
    let mut project_ids: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
    project_ids.sort_unstable();
    project_ids.dedup();
    let mut coach_ids: Vec<i64> = rows.iter().map(|r| r.coach_id).collect();
    coach_ids.sort_unstable();
    coach_ids.dedup();
    let titles: HashMap<i64, String> = project::Entity::find()
        .filter(project::Column::Id.is_in(project_ids))
        .select_only()
        .column(project::Column::Id)
        .column(project::Column::Title)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(coach_ids))
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Name)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| CoachingSession {
            id: r.id,
            project_id: r.project_id,
            project_title: titles.get(&r.project_id).cloned().unwrap_or_default(),
            coach_id: r.coach_id,
            coach_name: names.get(&r.coach_id).cloned().unwrap_or_default(),
            held_on: r.held_on,
            minutes: u32::try_from(r.minutes).unwrap_or(0),
            model: r.model,
            notes: Some(r.notes),
            actions: Some(r.actions),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<CoachingSession>, DbErr> {
    let Some(row) = find(db, id).await? else {
        return Ok(None);
    };
    Ok(dtos(db, vec![row]).await?.into_iter().next())
}

/// A page of a project's sessions, newest first, and how many there are.
pub async fn of_project(
    db: &impl ConnectionTrait,
    project_id: i64,
    page: u64,
    per_page: u64,
) -> Result<(Vec<CoachingSession>, u64), DbErr> {
    let query = coaching_session::Entity::find()
        .filter(coaching_session::Column::ProjectId.eq(project_id))
        .order_by_desc(coaching_session::Column::HeldOn)
        .order_by_desc(coaching_session::Column::Id);
    let total = query.clone().count(db).await?;
    let rows = query
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((dtos(db, rows).await?, total))
}

/// The ids of the projects `viewer` may see, as a subquery.
fn visible_ids(viewer: &Actor) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((project::Entity, project::Column::Id))
        .from(project::Entity)
        .cond_where(projects::visible(viewer))
        .to_owned()
}

/// Every session a person gave (as coach) on a project `viewer` may see, newest first.
pub async fn given_by(
    db: &impl ConnectionTrait,
    coach_id: i64,
    viewer: &Actor,
) -> Result<Vec<CoachingSession>, DbErr> {
    let rows = coaching_session::Entity::find()
        .filter(coaching_session::Column::CoachId.eq(coach_id))
        .filter(coaching_session::Column::ProjectId.in_subquery(visible_ids(viewer)))
        .order_by_desc(coaching_session::Column::HeldOn)
        .all(db)
        .await?;
    dtos(db, rows).await
}

/// Every session held with the teams of these projects by someone else, newest first.
pub async fn received_on(
    db: &impl ConnectionTrait,
    project_ids: Vec<i64>,
    person_id: i64,
) -> Result<Vec<CoachingSession>, DbErr> {
    let rows = coaching_session::Entity::find()
        .filter(coaching_session::Column::ProjectId.is_in(project_ids))
        .filter(coaching_session::Column::CoachId.ne(person_id))
        .order_by_desc(coaching_session::Column::HeldOn)
        .all(db)
        .await?;
    dtos(db, rows).await
}

/// The latest `limit` sessions a person gave or their projects' teams received, on projects
/// `viewer` may see, newest first; and how many there are.
pub async fn of_person(
    db: &impl ConnectionTrait,
    person_id: i64,
    viewer: &Actor,
    limit: u64,
) -> Result<(Vec<CoachingSession>, u64), DbErr> {
    let on_team = Query::select()
        .column("project_id")
        .from("project_members")
        .and_where(Expr::col("person_id").eq(person_id))
        .to_owned();
    let query = coaching_session::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(coaching_session::Column::CoachId.eq(person_id))
                .add(coaching_session::Column::ProjectId.in_subquery(on_team)),
        )
        .filter(coaching_session::Column::ProjectId.in_subquery(visible_ids(viewer)));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(coaching_session::Column::HeldOn)
        .order_by_desc(coaching_session::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((dtos(db, rows).await?, total))
}

/// Records a session (already checked) and refreshes the coach's tier.
pub async fn create(
    db: &impl ConnectionTrait,
    project_id: i64,
    coach_id: i64,
    input: &CoachingSessionInput,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = coaching_session::ActiveModel {
        project_id: Set(project_id),
        coach_id: Set(coach_id),
        held_on: Set(input.held_on),
        minutes: Set(i32::try_from(input.minutes).unwrap_or(i32::MAX)),
        model: Set(input.model),
        notes: Set(input.notes.clone()),
        actions: Set(input.actions.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    facts_changed(db, [coach_id], now).await?;
    Ok(row.id)
}

pub async fn update(
    db: &impl ConnectionTrait,
    row: coaching_session::Model,
    input: &CoachingSessionInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let coach_id = row.coach_id;
    let mut active: coaching_session::ActiveModel = row.into();
    active.held_on = Set(input.held_on);
    active.minutes = Set(i32::try_from(input.minutes).unwrap_or(i32::MAX));
    active.model = Set(input.model);
    active.notes = Set(input.notes.clone());
    active.actions = Set(input.actions.clone());
    active.updated_at = Set(now);
    active.update(db).await?;
    facts_changed(db, [coach_id], now).await
}

pub async fn delete(
    db: &impl ConnectionTrait,
    row: coaching_session::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let coach_id = row.coach_id;
    coaching_session::Entity::delete_by_id(row.id)
        .exec(db)
        .await?;
    facts_changed(db, [coach_id], now).await
}

/// Per project: (sessions, last session day), since `since` when given.
async fn session_stats(
    db: &impl ConnectionTrait,
    project_ids: Vec<i64>,
    since: Option<NaiveDate>,
) -> Result<HashMap<i64, (u64, Option<NaiveDate>)>, DbErr> {
    let mut query = Query::select();
    query
        .column("project_id")
        .expr_as(Expr::col("id").count(), "n")
        .expr_as(Expr::col("held_on").max(), "last")
        .from("coaching_sessions")
        .and_where(Expr::col("project_id").is_in(project_ids))
        .group_by_col("project_id");
    if let Some(since) = since {
        query.and_where(Expr::col("held_on").gte(since));
    }
    let mut stats = HashMap::new();
    for row in db.query_all(&query).await? {
        let n: i64 = row.try_get("", "n")?;
        stats.insert(
            row.try_get::<i64>("", "project_id")?,
            (
                u64::try_from(n).unwrap_or(0),
                row.try_get::<Option<NaiveDate>>("", "last")?,
            ),
        );
    }
    Ok(stats)
}

/// Projects with a coach on their team.
fn coached() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column("project_id")
        .from("project_members")
        .and_where(Expr::col("role").eq(TeamRole::Coach))
        .to_owned()
}

/// A page of `projects` by title: id, title and status of each.
async fn page_by_title(
    db: &impl ConnectionTrait,
    projects: sea_orm::Select<project::Entity>,
    page: u64,
    per_page: u64,
) -> Result<Vec<(i64, String, ProjectStatus)>, DbErr> {
    projects
        .order_by_asc(project::Column::Title)
        .order_by_asc(project::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .select_only()
        .column(project::Column::Id)
        .column(project::Column::Title)
        .column(project::Column::Status)
        .into_tuple()
        .all(db)
        .await
}

/// A page of the projects a person coaches (a `coach` on the team) that `viewer` may see, by
/// title, with their sessions so far, and how many there are in all.
pub async fn caseload(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    coach_id: i64,
    status: Option<ProjectStatus>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<CaseloadEntry>, u64), DbErr> {
    let mut query = project::Entity::find()
        .filter(
            project::Column::Id.in_subquery(
                coached()
                    .and_where(Expr::col("person_id").eq(coach_id))
                    .to_owned(),
            ),
        )
        .filter(projects::visible(viewer));
    if let Some(status) = status {
        query = query.filter(project::Column::Status.eq(status));
    }
    let total = query.clone().count(db).await?;
    let projects = page_by_title(db, query, page, per_page).await?;
    let mut stats = session_stats(db, projects.iter().map(|p| p.0).collect(), None).await?;
    let entries = projects
        .into_iter()
        .map(|(id, title, status)| {
            let (sessions, last) = stats.remove(&id).unwrap_or((0, None));
            CaseloadEntry {
                project_id: id,
                project_title: title,
                status,
                sessions,
                last_session_on: last,
            }
        })
        .collect();
    Ok((entries, total))
}

/// An organisation's active projects (those it leads and `viewer` may see: all of them, for the
/// admins who may ask): how many, how many have a coach and
/// how many had a session in the last [`COVERAGE_DAYS`] days up to `today`, and a page of them
/// by title (only the coached or uncoached ones when `coached` says so) with their coaches.
pub async fn coverage(
    db: &impl ConnectionTrait,
    viewer: &Actor,
    organisation_id: i64,
    today: NaiveDate,
    coached_only: Option<bool>,
    page: u64,
    per_page: u64,
) -> Result<Coverage, DbErr> {
    let since = today
        .checked_sub_days(Days::new(COVERAGE_DAYS as u64))
        .unwrap_or(today);
    let active = project::Entity::find()
        .filter(project::Column::LeadOrganisationId.eq(organisation_id))
        .filter(project::Column::Status.eq(ProjectStatus::Active))
        .filter(projects::visible(viewer));
    let with_coach = project::Column::Id.in_subquery(coached());
    let active_projects = active.clone().count(db).await?;
    let coached_projects = active.clone().filter(with_coach.clone()).count(db).await?;
    let recently_coached_projects = active
        .clone()
        .filter(
            project::Column::Id.in_subquery(
                Query::select()
                    .column("project_id")
                    .from("coaching_sessions")
                    .and_where(Expr::col("held_on").gte(since))
                    .to_owned(),
            ),
        )
        .count(db)
        .await?;
    let (listed, total) = match coached_only {
        None => (active, active_projects),
        Some(true) => (active.filter(with_coach), coached_projects),
        Some(false) => (
            active.filter(project::Column::Id.not_in_subquery(coached())),
            // Two counts a moment apart: a coach added between them must not make it negative.
            active_projects.saturating_sub(coached_projects),
        ),
    };
    let projects = page_by_title(db, listed, page, per_page).await?;
    let ids: Vec<i64> = projects.iter().map(|p| p.0).collect();
    let mut coaches: HashMap<i64, Vec<String>> = HashMap::new();
    for row in db
        .query_all(
            &Query::select()
                .column(("project_members", "project_id"))
                .column(("people", "name"))
                .from("project_members")
                .inner_join(
                    "people",
                    Expr::col(("people", "id")).equals(("project_members", "person_id")),
                )
                .and_where(Expr::col(("project_members", "project_id")).is_in(ids.clone()))
                .and_where(Expr::col(("project_members", "role")).eq(TeamRole::Coach))
                .order_by(("people", "name"), Order::Asc)
                .to_owned(),
        )
        .await?
    {
        coaches
            .entry(row.try_get("", "project_id")?)
            .or_default()
            .push(row.try_get("", "name")?);
    }
    let mut recent = session_stats(db, ids.clone(), Some(since)).await?;
    let mut all = session_stats(db, ids, None).await?;
    Ok(Coverage {
        organisation_id,
        active_projects,
        coached_projects,
        recently_coached_projects,
        projects: projects
            .into_iter()
            .map(|(id, title, _)| CoverageEntry {
                project_id: id,
                project_title: title,
                coaches: coaches.remove(&id).unwrap_or_default(),
                recent_sessions: recent.remove(&id).map_or(0, |s| s.0),
                last_session_on: all.remove(&id).and_then(|s| s.1),
            })
            .collect(),
        page: PageInfo::exact(page, per_page, total),
    })
}

/// The sessions an export holds, as a condition on `coaching_sessions`: those on projects
/// `actor` may see (the projects' own rule), narrowed by the export's filters.
pub fn exported(actor: &Actor, query: &CoachingExportQuery) -> Condition {
    Condition::all()
        .add(coaching_session::Column::ProjectId.in_subquery(visible_ids(actor)))
        .add_option(
            query
                .project_id
                .map(|p| coaching_session::Column::ProjectId.eq(p)),
        )
        .add_option(
            query
                .coach_id
                .map(|c| coaching_session::Column::CoachId.eq(c)),
        )
}

/// The next `limit` sessions `condition` keeps after the id `after`, in id order, each as its
/// project's list shows it to `actor`: notes and agreed actions only on projects whose team the
/// actor is on (`can_read_notes`), so never to an API token.
pub async fn after(
    db: &impl ConnectionTrait,
    actor: &Actor,
    condition: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<CoachingSession>, DbErr> {
    let rows = coaching_session::Entity::find()
        .filter(condition)
        .filter(coaching_session::Column::Id.gt(after))
        .order_by_asc(coaching_session::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut projects: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
    projects.sort_unstable();
    projects.dedup();
    let on_team: std::collections::HashSet<i64> = project_member::Entity::find()
        .select_only()
        .column(project_member::Column::ProjectId)
        .filter(project_member::Column::PersonId.eq(actor.person_id))
        .filter(project_member::Column::ProjectId.is_in(projects))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(dtos(db, rows)
        .await?
        .into_iter()
        .map(|s| {
            if on_team.contains(&s.project_id) {
                s
            } else {
                s.redacted()
            }
        })
        .collect())
}
