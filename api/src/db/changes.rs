//! The changes feed's rows (migration 28 writes them by trigger; `docs/integrations.md`): read in
//! `(xid, id)` order, never past the oldest transaction still running, and the objects they
//! name as a reader may see them now.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{
    access::Actor,
    changes::{
        self, Audience, Change, ChangeOp, ChangePage, ChangeType, Decision, Position, Recorded,
    },
    event::Event,
    measure::Measure,
    project::ProjectSummary,
    training::{CohortSummary, Course},
    uk_time,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Statement,
};

use crate::db::{
    self,
    entity::{
        events::event,
        project,
        training::{cohort, course},
    },
};

/// Rows after a position, in order. `{horizon}`: PostgreSQL's oldest running transaction, read
/// in the same statement (so the same snapshot) as the rows; every transaction below it has
/// committed or rolled back, so no row can appear below it later.
const PAGE: &str = "SELECT id, xid, object_type, object_id, deleted, before_visibility, \
    before_organisations, after_visibility, after_organisations FROM changes \
    WHERE {after} AND object_type IN ({types}) ORDER BY xid, id LIMIT $3";

/// After the cursor on PostgreSQL: by row value, which its B-tree seeks on, below the horizon.
const PG_AFTER: &str = "(xid, id) > ($1, $2) AND xid < {horizon}";

/// After the cursor on SQLite, where one writer at a time writes every row with `xid` 0 (so the
/// order is the id's alone). Said this way because SQLite's planner does not seek on a row-value
/// comparison: it read the index from its start up to the cursor, 46 ms a page at the 300,000th
/// change against 2 ms this way. `$1` (the cursor's `xid`, 0 from this store) keeps the
/// parameters those of PostgreSQL's form.
const SQLITE_AFTER: &str = "xid = 0 AND id > $2 AND $1 >= 0";

const PG_HORIZON: &str = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

/// A page of the feed as `actor` reads it (an API token, or a webhook, each an admin of its
/// organisation): up to `limit` rows of `types` after `since`, decided for the actor's
/// organisation (`changes::decide`) and each object read as it is now. The changes feed and
/// webhooks' fan-out both read through here, so they send the same things.
pub async fn read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    since: Position,
    types: &[ChangeType],
    limit: u64,
) -> Result<ChangePage, DbErr> {
    let rows = after(db, since, types, limit).await?;
    let more = rows.len() as u64 == limit;
    let next = rows.last().map_or(since, |(position, _)| *position);
    let recorded: Vec<_> = rows.into_iter().map(|(_, row)| row).collect();
    let decisions = changes::decide(&recorded, actor.organisation_id);
    Ok(ChangePage {
        changes: current(db, actor, decisions).await?,
        next,
        more,
    })
}

/// The decisions as changes, each object read as it is now. One the reader may no longer read
/// now (a change past the page hid it) is left out: that change's own page sends its tombstone.
async fn current(
    db: &impl ConnectionTrait,
    actor: &Actor,
    decisions: Vec<Decision>,
) -> Result<Vec<Change>, DbErr> {
    let wanted = |kind: ChangeType| -> Vec<i64> {
        decisions
            .iter()
            .filter_map(|d| match d {
                Decision::Upsert(t, id) if *t == kind => Some(*id),
                _ => None,
            })
            .collect()
    };
    fn by_id<T>(rows: Vec<T>, id: impl Fn(&T) -> i64) -> HashMap<i64, T> {
        rows.into_iter().map(|row| (id(&row), row)).collect()
    }
    let mut projects = by_id(
        projects(db, actor, &wanted(ChangeType::Project)).await?,
        |p| p.id,
    );
    let mut measures = by_id(
        measures(db, actor, &wanted(ChangeType::Measure)).await?,
        |m| m.id,
    );
    let mut courses = by_id(
        courses(db, actor, &wanted(ChangeType::Course)).await?,
        |c| c.id,
    );
    let mut cohorts = by_id(cohorts(db, &wanted(ChangeType::Cohort)).await?, |c| c.id);
    let mut events = by_id(events(db, actor, &wanted(ChangeType::Event)).await?, |e| {
        e.id
    });
    Ok(decisions
        .into_iter()
        .filter_map(|decision| {
            let (object_type, id) = match decision {
                Decision::Tombstone(object_type, id, reason) => {
                    return Some(Change {
                        reason: Some(reason),
                        ..Change::bare(ChangeOp::Delete, object_type, id)
                    });
                }
                Decision::Upsert(object_type, id) => (object_type, id),
            };
            let bare = Change::bare(ChangeOp::Upsert, object_type, id);
            Some(match object_type {
                ChangeType::Project => Change {
                    project: Some(projects.remove(&id)?),
                    ..bare
                },
                ChangeType::Measure => Change {
                    measure: Some(measures.remove(&id)?),
                    ..bare
                },
                ChangeType::Course => Change {
                    course: Some(courses.remove(&id)?),
                    ..bare
                },
                ChangeType::Cohort => Change {
                    cohort: Some(cohorts.remove(&id)?),
                    ..bare
                },
                ChangeType::Event => Change {
                    event: Some(events.remove(&id)?),
                    ..bare
                },
            })
        })
        .collect())
}

/// Up to `limit` recorded changes of `types` after `since`, each with its position.
pub async fn after(
    db: &impl ConnectionTrait,
    since: Position,
    types: &[ChangeType],
    limit: u64,
) -> Result<Vec<(Position, Recorded)>, DbErr> {
    if types.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    // The types are the enum's own names, never input.
    let types = types
        .iter()
        .map(|t| format!("'{}'", t.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = PAGE.replace("{types}", &types);
    let sql = match backend {
        DbBackend::Postgres => sql
            .replace("{after}", PG_AFTER)
            .replace("{horizon}", PG_HORIZON),
        // One writer at a time: whatever is written is in order. SQLite numbers `?n` as given.
        _ => sql
            .replace("{after}", SQLITE_AFTER)
            .replace("$1", "?1")
            .replace("$2", "?2")
            .replace("$3", "?3"),
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                since.xid.into(),
                since.id.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let text = |column: &str| row.try_get::<Option<String>>("", column);
            let object_type: String = row.try_get("", "object_type")?;
            let object_type = ChangeType::parse(&object_type)
                .ok_or_else(|| DbErr::Type(format!("unknown change type {object_type}")))?;
            let position = Position {
                xid: row.try_get("", "xid")?,
                id: row.try_get("", "id")?,
            };
            let recorded = Recorded {
                object_type,
                id: row.try_get("", "object_id")?,
                deleted: row.try_get("", "deleted")?,
                before: Audience::from_stored(
                    text("before_visibility")?.as_deref(),
                    text("before_organisations")?.as_deref(),
                ),
                after: Audience::from_stored(
                    text("after_visibility")?.as_deref(),
                    text("after_organisations")?.as_deref(),
                ),
            };
            Ok((position, recorded))
        })
        .collect()
}

/// The feed's position now: asking `since` it gives every change made after this moment, and
/// none made before (a copy loaded in bulk after taking it misses nothing).
pub async fn now(db: &impl ConnectionTrait) -> Result<Position, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!("SELECT {PG_HORIZON} - 1 AS xid, CAST(0 AS bigint) AS id"),
        _ => "SELECT CAST(0 AS bigint) AS xid, COALESCE(MAX(id), 0) AS id FROM changes".to_owned(),
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the feed's position".to_owned()))?;
    let xid: i64 = row.try_get("", "xid")?;
    let id: i64 = row.try_get("", "id")?;
    // On PostgreSQL every row of a transaction below the horizon is already there: past all of
    // them is past the last id.
    let id = if backend == DbBackend::Postgres {
        i64::MAX
    } else {
        id
    };
    Ok(Position { xid, id })
}

/// Of the projects `ids`, those `actor` may read now, as the list shows them.
pub async fn projects(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
) -> Result<Vec<ProjectSummary>, DbErr> {
    let readable = readable_projects(db, actor, ids).await?;
    db::projects::summaries_of(db, &readable).await
}

/// Of the measures `ids`, those `actor` may read now (their project's rule), whole.
pub async fn measures(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
) -> Result<Vec<Measure>, DbErr> {
    let measures = db::measures::by_ids(db, ids).await?;
    let mut projects: Vec<i64> = measures.iter().map(|m| m.project_id).collect();
    projects.sort_unstable();
    projects.dedup();
    let readable = readable_projects(db, actor, &projects).await?;
    Ok(measures
        .into_iter()
        .filter(|m| readable.binary_search(&m.project_id).is_ok())
        .collect())
}

/// The courses `ids` as the course list shows them to `actor` (the catalogue is everyone's).
/// A course counts its upcoming cohorts as of today, UK time.
pub async fn courses(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
) -> Result<Vec<Course>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let condition = Condition::all().add(course::Column::Id.is_in(ids.iter().copied()));
    let today = uk_time::day_of(Utc::now());
    db::training::courses::after(db, actor, condition, (0, ids.len() as u64), today).await
}

/// The cohorts `ids` as the cohort list shows them (everyone's).
pub async fn cohorts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<CohortSummary>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let condition = Condition::all().add(cohort::Column::Id.is_in(ids.iter().copied()));
    db::training::cohorts::after(db, condition, 0, ids.len() as u64).await
}

/// Of the events `ids`, those `actor` may read now, as the events list shows them.
pub async fn events(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
) -> Result<Vec<Event>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let condition = Condition::all()
        .add(db::events::visible_to(actor))
        .add(event::Column::Id.is_in(ids.iter().copied()));
    db::events::after(db, actor, condition, 0, ids.len() as u64).await
}

/// Of the projects `ids`, those `actor` may read now, in id order.
async fn readable_projects(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[i64],
) -> Result<Vec<i64>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut readable: Vec<i64> = project::Entity::find()
        .select_only()
        .column(project::Column::Id)
        .filter(project::Column::Id.is_in(ids.iter().copied()))
        .filter(db::projects::visible(actor))
        .into_tuple()
        .all(db)
        .await?;
    readable.sort_unstable();
    Ok(readable)
}

/// Where the feed's values are kept among the server's (`db::secrets`): the newest position
/// removed by retention. A cursor below it may have missed changes.
const PRUNED_THROUGH: &str = "changes_pruned_through";

/// Removes the changes made before `before`, as a prefix of the feed: everything up to the
/// newest old one goes, so what is kept is always the feed from one position on, and a cursor
/// at or past that position misses nothing. Returns how many went.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let params = |sql: &str| match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    let newest_old = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            params(
                "SELECT xid, id FROM changes WHERE changed_at < $1 \
                 ORDER BY xid DESC, id DESC LIMIT 1",
            ),
            [before.timestamp().into()],
        ))
        .await?;
    let Some(row) = newest_old else {
        return Ok(0);
    };
    let through = Position {
        xid: row.try_get("", "xid")?,
        id: row.try_get("", "id")?,
    };
    let removed = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            params("DELETE FROM changes WHERE (xid, id) <= ($1, $2)"),
            [through.xid.into(), through.id.into()],
        ))
        .await?
        .rows_affected();
    // Encoded positions are fixed-width hex, so their text order is their order: the newest
    // marker wins whichever node writes last.
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        params(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value \
             WHERE server_secrets.value < excluded.value",
        ),
        [
            PRUNED_THROUGH.into(),
            through.encode().into(),
            Utc::now().into(),
        ],
    ))
    .await?;
    Ok(removed)
}

/// The newest position retention removed, if it ever removed any.
pub async fn pruned_through(db: &impl ConnectionTrait) -> Result<Option<Position>, DbErr> {
    Ok(db::secrets::get(db, PRUNED_THROUGH)
        .await?
        .as_deref()
        .and_then(Position::decode))
}
