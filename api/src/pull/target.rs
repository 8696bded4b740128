//! The partner's copy: flat tables a warehouse team can query (documented, column by column, in
//! `docs/integrations.md`, "qi pull"), made if missing on SQLite and PostgreSQL alike, and the
//! writes that keep them equal to what the token reads.
//!
//! Each table is described once ([`Table`]): its columns, their types, and where each value
//! sits in the API's JSON for the row. Rows are written from that JSON and read back into it, so
//! a column can neither be forgotten on the way in nor differ on the way out.

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    changes::Position,
    export::ExportedPoint,
    measure::{Annotation, DataPoint, Measure},
    project::ProjectSummary,
};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, QueryResult, Statement,
    sea_query::{Expr, ExprTrait, OnConflict, Query, SimpleExpr, Value},
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value as Json};

/// A column's type. Times and dates are `TIMESTAMPTZ` and `DATE` on PostgreSQL, and RFC 3339
/// and ISO 8601 text on SQLite (which has no such types); lists are `JSONB` or JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Real,
    Bool,
    Timestamp,
    Date,
    Json,
}

struct Column {
    name: &'static str,
    /// Where the value is in the row's JSON (`/lead_organisation/id`).
    pointer: &'static str,
    kind: Kind,
    nullable: bool,
}

const fn col(name: &'static str, pointer: &'static str, kind: Kind) -> Column {
    Column {
        name,
        pointer,
        kind,
        nullable: false,
    }
}

const fn null(name: &'static str, pointer: &'static str, kind: Kind) -> Column {
    Column {
        name,
        pointer,
        kind,
        nullable: true,
    }
}

/// A table of the copy; its first column is the key (`id`, or `person_id` for tiers).
pub struct Table {
    pub name: &'static str,
    columns: &'static [Column],
    /// Indexes on (`column`) besides the key.
    indexed: &'static [&'static str],
}

/// Projects as the projects list shows them (`ProjectSummary`).
pub const PROJECTS: Table = Table {
    name: "qi_projects",
    columns: &[
        col("id", "/id", Kind::Int),
        col("title", "/title", Kind::Text),
        col("aim", "/aim", Kind::Text),
        col("lead_organisation_id", "/lead_organisation/id", Kind::Int),
        col(
            "lead_organisation_name",
            "/lead_organisation/name",
            Kind::Text,
        ),
        col("partner_count", "/partner_count", Kind::Int),
        col("tags", "/tags", Kind::Json),
        col("status", "/status", Kind::Text),
        col("project_type", "/project_type", Kind::Text),
        col("quality_dimensions", "/quality_dimensions", Kind::Json),
        col("spread", "/spread", Kind::Text),
        col("visibility", "/visibility", Kind::Text),
        null("score", "/score", Kind::Real),
        col("involvement", "/involvement", Kind::Bool),
        col("sustainability", "/sustainability", Kind::Bool),
        col("awards", "/awards", Kind::Json),
        col("updated_at", "/updated_at", Kind::Timestamp),
    ],
    indexed: &["lead_organisation_id"],
};

/// Measures' definitions (`Measure` without its points and annotations).
pub const MEASURES: Table = Table {
    name: "qi_measures",
    columns: &[
        col("id", "/id", Kind::Int),
        col("project_id", "/project_id", Kind::Int),
        col("name", "/name", Kind::Text),
        col("measure_type", "/type", Kind::Text),
        col(
            "operational_definition",
            "/operational_definition",
            Kind::Text,
        ),
        col("unit", "/unit", Kind::Text),
        null("rate_per", "/rate_per", Kind::Int),
        col("numerator_definition", "/numerator_definition", Kind::Text),
        col(
            "denominator_definition",
            "/denominator_definition",
            Kind::Text,
        ),
        col(
            "improvement_direction",
            "/improvement_direction",
            Kind::Text,
        ),
        null("target", "/target", Kind::Real),
        col("frequency", "/frequency", Kind::Text),
        col("change_idea_ids", "/change_idea_ids", Kind::Json),
        col("version", "/version", Kind::Int),
        col("created_at", "/created_at", Kind::Timestamp),
        col("updated_at", "/updated_at", Kind::Timestamp),
    ],
    indexed: &["project_id"],
};

/// Measures' data points, one a row.
pub const POINTS: Table = Table {
    name: "qi_measure_points",
    columns: &[
        col("id", "/id", Kind::Int),
        col("measure_id", "/measure_id", Kind::Int),
        col("project_id", "/project_id", Kind::Int),
        col("date", "/date", Kind::Date),
        null("value", "/value", Kind::Real),
        null("numerator", "/numerator", Kind::Real),
        null("denominator", "/denominator", Kind::Real),
        col("note", "/note", Kind::Text),
    ],
    indexed: &["measure_id"],
};

/// Measures' annotations and phase changes, one a row.
pub const ANNOTATIONS: Table = Table {
    name: "qi_measure_annotations",
    columns: &[
        col("id", "/id", Kind::Int),
        col("measure_id", "/measure_id", Kind::Int),
        col("date", "/date", Kind::Date),
        col("kind", "/kind", Kind::Text),
        col("label", "/label", Kind::Text),
        null("pdsa_cycle_id", "/pdsa_cycle_id", Kind::Int),
    ],
    indexed: &["measure_id"],
};

/// Courses of the training catalogue as the course list shows them (`Course`).
pub const COURSES: Table = Table {
    name: "qi_courses",
    columns: &[
        col("id", "/id", Kind::Int),
        col("title", "/title", Kind::Text),
        col("tier", "/tier", Kind::Text),
        col("description", "/description", Kind::Text),
        col(
            "provider_organisation_id",
            "/provider_organisation_id",
            Kind::Int,
        ),
        col("provider_name", "/provider_name", Kind::Text),
        col("length_hours", "/length_hours", Kind::Real),
        col("delivery", "/delivery", Kind::Text),
        col("attendance_percent", "/attendance_percent", Kind::Int),
        col("upcoming_cohorts", "/upcoming_cohorts", Kind::Int),
        col("can_manage", "/can_manage", Kind::Bool),
        col("version", "/version", Kind::Int),
    ],
    indexed: &["provider_organisation_id"],
};

/// Cohorts of courses as the cohort list shows them (`CohortSummary`).
pub const COHORTS: Table = Table {
    name: "qi_cohorts",
    columns: &[
        col("id", "/id", Kind::Int),
        col("course_id", "/course_id", Kind::Int),
        col("course_title", "/course_title", Kind::Text),
        col("tier", "/tier", Kind::Text),
        col("name", "/name", Kind::Text),
        col("start_date", "/start_date", Kind::Date),
        col("end_date", "/end_date", Kind::Date),
        col("capacity", "/capacity", Kind::Int),
        col("taken", "/taken", Kind::Int),
        col("waiting", "/waiting", Kind::Int),
        col("partnership_wide", "/partnership_wide", Kind::Bool),
    ],
    indexed: &["course_id"],
};

/// Events as the events list shows them (`Event`; a token books nothing, so without
/// `my_booking`).
pub const EVENTS: Table = Table {
    name: "qi_events",
    columns: &[
        col("id", "/id", Kind::Int),
        col("title", "/title", Kind::Text),
        col("kind", "/kind", Kind::Text),
        col("description", "/description", Kind::Text),
        col(
            "organiser_organisation_id",
            "/organiser_organisation_id",
            Kind::Int,
        ),
        col("organiser_name", "/organiser_name", Kind::Text),
        col("starts_at", "/starts_at", Kind::Timestamp),
        col("ends_at", "/ends_at", Kind::Timestamp),
        col("venue", "/venue", Kind::Text),
        col("online_link", "/online_link", Kind::Text),
        col("capacity", "/capacity", Kind::Int),
        col("audience", "/audience", Kind::Text),
        col("tags", "/tags", Kind::Json),
        col("counts_as_training", "/counts_as_training", Kind::Bool),
        null("series_id", "/series_id", Kind::Int),
        null("series_title", "/series_title", Kind::Text),
        col("booked", "/booked", Kind::Int),
        col("waitlisted", "/waitlisted", Kind::Int),
        col("guests", "/guests", Kind::Int),
        col("can_manage", "/can_manage", Kind::Bool),
        col("version", "/version", Kind::Int),
    ],
    indexed: &["organiser_organisation_id", "starts_at"],
};

/// Places on cohorts (`Enrolment`), replaced whole on every run: not in the changes feed.
pub const ENROLMENTS: Table = Table {
    name: "qi_enrolments",
    columns: &[
        col("id", "/id", Kind::Int),
        col("cohort_id", "/cohort_id", Kind::Int),
        col("person_id", "/person_id", Kind::Int),
        col("person_name", "/person_name", Kind::Text),
        col("organisation_id", "/organisation_id", Kind::Int),
        col("status", "/status", Kind::Text),
        null("waiting_position", "/waiting_position", Kind::Int),
        null("completed_on", "/completed_on", Kind::Date),
        col("attended", "/attended", Kind::Int),
    ],
    indexed: &["cohort_id", "person_id"],
};

/// Bookings of the events the token's organisation runs (`Booking`), replaced whole on every
/// run.
pub const BOOKINGS: Table = Table {
    name: "qi_bookings",
    columns: &[
        col("id", "/id", Kind::Int),
        col("event_id", "/event_id", Kind::Int),
        null("person_id", "/person_id", Kind::Int),
        col("name", "/name", Kind::Text),
        col("email", "/email", Kind::Text),
        null("organisation_name", "/organisation_name", Kind::Text),
        col("guest", "/guest", Kind::Bool),
        col("status", "/status", Kind::Text),
        null("position", "/position", Kind::Int),
        col("attended", "/attended", Kind::Bool),
        col("booked_at", "/booked_at", Kind::Timestamp),
    ],
    indexed: &["event_id"],
};

/// Coaching sessions on the projects the token may read (`CoachingSession`; never their notes),
/// replaced whole on every run.
pub const COACHING_SESSIONS: Table = Table {
    name: "qi_coaching_sessions",
    columns: &[
        col("id", "/id", Kind::Int),
        col("project_id", "/project_id", Kind::Int),
        col("project_title", "/project_title", Kind::Text),
        col("coach_id", "/coach_id", Kind::Int),
        col("coach_name", "/coach_name", Kind::Text),
        col("held_on", "/held_on", Kind::Date),
        col("minutes", "/minutes", Kind::Int),
        col("model", "/model", Kind::Text),
        null("notes", "/notes", Kind::Text),
        null("actions", "/actions", Kind::Text),
        col("created_at", "/created_at", Kind::Timestamp),
        col("updated_at", "/updated_at", Kind::Timestamp),
    ],
    indexed: &["project_id"],
};

/// Each person's capability tier (`PersonTier`), worked out as of the run and replaced whole.
pub const CAPABILITY_TIERS: Table = Table {
    name: "qi_capability_tiers",
    columns: &[
        col("person_id", "/person_id", Kind::Int),
        col("name", "/name", Kind::Text),
        col("organisation_id", "/organisation_id", Kind::Int),
        null("tier", "/tier", Kind::Text),
        null("derived_tier", "/derived/tier", Kind::Text),
        col("derived_reasons", "/derived/reasons", Kind::Json),
        null("tier_override", "/override", Kind::Json),
        col("history", "/history", Kind::Json),
    ],
    indexed: &["organisation_id"],
};

const STATE: &str = "qi_pull_state";

/// Makes the copy's tables and indexes if they are missing, and adds the columns a copy made by
/// an earlier version lacks. Gives back the tables that gained columns: their rows hold no
/// value there until they are read again.
pub async fn create(db: &impl ConnectionTrait) -> Result<Vec<&'static str>, DbErr> {
    let backend = db.get_database_backend();
    let timestamp = sql_type(backend, Kind::Timestamp);
    let mut upgraded = Vec::new();
    db.execute_unprepared(&format!(
        "CREATE TABLE IF NOT EXISTS {STATE} (
            source TEXT PRIMARY KEY,
            cursor TEXT NOT NULL,
            phase TEXT NOT NULL,
            loaded_after BIGINT NOT NULL,
            rows_loaded BIGINT NOT NULL,
            changes_applied BIGINT NOT NULL,
            started_at {timestamp} NOT NULL,
            finished_at {timestamp}
        )"
    ))
    .await?;
    for table in [
        &PROJECTS,
        &MEASURES,
        &POINTS,
        &ANNOTATIONS,
        &COURSES,
        &COHORTS,
        &EVENTS,
        &ENROLMENTS,
        &BOOKINGS,
        &COACHING_SESSIONS,
        &CAPABILITY_TIERS,
    ] {
        let columns: Vec<String> = table
            .columns
            .iter()
            .enumerate()
            .map(|(at, c)| {
                let key = if at == 0 { " PRIMARY KEY" } else { "" };
                let not_null = if c.nullable { "" } else { " NOT NULL" };
                format!("{} {}{not_null}{key}", c.name, sql_type(backend, c.kind))
            })
            .collect();
        db.execute_unprepared(&format!(
            "CREATE TABLE IF NOT EXISTS {} ({})",
            table.name,
            columns.join(", ")
        ))
        .await?;
        for column in table.indexed {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {0}_{1} ON {0} ({1})",
                table.name, column
            ))
            .await?;
        }
        if add_missing_columns(db, table).await? {
            upgraded.push(table.name);
        }
    }
    Ok(upgraded)
}

/// Adds the columns of `table` its stored table lacks, each able to hold null (SQLite adds no
/// `NOT NULL` column without a default, and the rows have no value yet). Whether it added any.
async fn add_missing_columns(db: &impl ConnectionTrait, table: &Table) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let mut added = false;
    for column in table.columns {
        // Asking for the column is the one test both databases answer alike.
        let probe = format!("SELECT {} FROM {} WHERE 1 = 0", column.name, table.name);
        if db.execute_unprepared(&probe).await.is_ok() {
            continue;
        }
        db.execute_unprepared(&format!(
            "ALTER TABLE {} ADD COLUMN {} {}",
            table.name,
            column.name,
            sql_type(backend, column.kind)
        ))
        .await?;
        added = true;
    }
    Ok(added)
}

fn sql_type(backend: DbBackend, kind: Kind) -> &'static str {
    let postgres = backend == DbBackend::Postgres;
    match kind {
        Kind::Int => "BIGINT",
        Kind::Text => "TEXT",
        Kind::Real => "DOUBLE PRECISION",
        Kind::Bool => "BOOLEAN",
        Kind::Timestamp if postgres => "TIMESTAMPTZ",
        Kind::Date if postgres => "DATE",
        Kind::Json if postgres => "JSONB",
        Kind::Timestamp | Kind::Date | Kind::Json => "TEXT",
    }
}

/// Where a pull is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Loading projects in bulk.
    Projects,
    /// Loading measures (with their points and annotations) in bulk.
    Measures,
    /// Loading courses, cohorts and events in bulk.
    Courses,
    Cohorts,
    Events,
    /// The bulk load is done: following the feed.
    Feed,
}

impl Phase {
    /// In the order a first pull goes through them.
    pub const ALL: [Phase; 6] = [
        Phase::Projects,
        Phase::Measures,
        Phase::Courses,
        Phase::Cohorts,
        Phase::Events,
        Phase::Feed,
    ];

    /// Its name in `qi_pull_state`, and for a loading phase the export it loads.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Projects => "projects",
            Phase::Measures => "measures",
            Phase::Courses => "courses",
            Phase::Cohorts => "cohorts",
            Phase::Events => "events",
            Phase::Feed => "feed",
        }
    }

    fn parse(text: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The phase after this one (the feed is the last).
    pub fn next(self) -> Phase {
        Phase::ALL
            .into_iter()
            .skip_while(|p| *p != self)
            .nth(1)
            .unwrap_or(Phase::Feed)
    }
}

/// `qi_pull_state`'s row: saved in the same transaction as the rows it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct PullState {
    /// The server copied (its base URL).
    pub source: String,
    /// Where to follow the feed from: taken before the bulk load, then each page's `next`.
    pub cursor: Position,
    pub phase: Phase,
    /// During the bulk load: the last id of the phase's collection written.
    pub loaded_after: i64,
    /// Rows written by the bulk load, and changes applied from the feed, over all runs.
    pub rows_loaded: i64,
    pub changes_applied: i64,
    pub started_at: DateTime<Utc>,
    /// When a run last reached the end of the feed.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The copy's state, if a pull has begun.
pub async fn state(db: &impl ConnectionTrait) -> anyhow::Result<Option<PullState>> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT source, cursor, phase, loaded_after, rows_loaded, changes_applied, \
                 started_at, finished_at FROM {STATE}"
            ),
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let cursor: String = row.try_get("", "cursor")?;
    let phase: String = row.try_get("", "phase")?;
    Ok(Some(PullState {
        source: row.try_get("", "source")?,
        cursor: Position::decode(&cursor)
            .ok_or_else(|| anyhow::anyhow!("{STATE}.cursor is not a changes cursor: {cursor}"))?,
        phase: Phase::parse(&phase)
            .ok_or_else(|| anyhow::anyhow!("{STATE}.phase is not a phase: {phase}"))?,
        loaded_after: row.try_get("", "loaded_after")?,
        rows_loaded: row.try_get("", "rows_loaded")?,
        changes_applied: row.try_get("", "changes_applied")?,
        started_at: row.try_get("", "started_at")?,
        finished_at: row.try_get("", "finished_at")?,
    }))
}

/// Writes the state (one row: a copy follows one server).
pub async fn save_state(db: &impl ConnectionTrait, state: &PullState) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(STATE)
        .columns([
            "source",
            "cursor",
            "phase",
            "loaded_after",
            "rows_loaded",
            "changes_applied",
            "started_at",
            "finished_at",
        ])
        .values([
            state.source.clone().into(),
            state.cursor.encode().into(),
            state.phase.as_str().into(),
            state.loaded_after.into(),
            state.rows_loaded.into(),
            state.changes_applied.into(),
            state.started_at.into(),
            state.finished_at.into(),
        ])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column("source")
                .update_columns([
                    "cursor",
                    "phase",
                    "loaded_after",
                    "rows_loaded",
                    "changes_applied",
                    "started_at",
                    "finished_at",
                ])
                .to_owned(),
        )
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// Rows a statement writes at most: SQLite allows 32,766 bound values a statement.
const ROWS_A_STATEMENT: usize = 1000;

/// Writes rows (the API's JSON), replacing those with the same id.
async fn upsert(db: &impl ConnectionTrait, table: &Table, rows: &[Json]) -> Result<(), DbErr> {
    let names: Vec<&'static str> = table.columns.iter().map(|c| c.name).collect();
    for chunk in rows.chunks(ROWS_A_STATEMENT) {
        let mut insert = Query::insert();
        insert.into_table(table.name).columns(names.iter().copied());
        for row in chunk {
            let values = table
                .columns
                .iter()
                .map(|c| value(c, row.pointer(c.pointer)).map(SimpleExpr::from))
                .collect::<Result<Vec<_>, _>>()?;
            insert
                .values(values)
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        insert.on_conflict(
            OnConflict::column(names[0])
                .update_columns(names.iter().copied().skip(1))
                .to_owned(),
        );
        db.execute(&insert).await?;
    }
    Ok(())
}

/// A column's value from the row's JSON: an error if the API sent something else (a copy that
/// quietly stored a wrong value would be worse than a pull that stops).
fn value(column: &Column, json: Option<&Json>) -> Result<Value, DbErr> {
    let json = json.filter(|j| !j.is_null());
    let wrong = || {
        DbErr::Custom(format!(
            "{}: not a {:?} value: {json:?}",
            column.name, column.kind
        ))
    };
    if json.is_none() && !column.nullable {
        return Err(wrong());
    }
    Ok(match column.kind {
        Kind::Int => Value::BigInt(json.map(|j| j.as_i64().ok_or_else(wrong)).transpose()?),
        Kind::Real => Value::Double(json.map(|j| j.as_f64().ok_or_else(wrong)).transpose()?),
        Kind::Bool => Value::Bool(json.map(|j| j.as_bool().ok_or_else(wrong)).transpose()?),
        Kind::Text => Value::String(
            json.map(|j| j.as_str().map(str::to_owned).ok_or_else(wrong))
                .transpose()?,
        ),
        Kind::Timestamp => json
            .map(|j| {
                j.as_str()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or_else(wrong)
            })
            .transpose()?
            .into(),
        Kind::Date => json
            .map(|j| {
                j.as_str()
                    .and_then(|t| t.parse::<NaiveDate>().ok())
                    .ok_or_else(wrong)
            })
            .transpose()?
            .into(),
        Kind::Json => Value::Json(json.cloned().map(Box::new)),
    })
}

/// Removes the rows whose `column` is one of `ids`.
async fn delete_where(
    db: &impl ConnectionTrait,
    table: &Table,
    column: &'static str,
    ids: &[i64],
) -> Result<(), DbErr> {
    for chunk in ids.chunks(ROWS_A_STATEMENT) {
        let delete = Query::delete()
            .from_table(table.name)
            .and_where(Expr::col(column).is_in(chunk.iter().copied()))
            .to_owned();
        db.execute(&delete).await?;
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(row: &T) -> Result<Json, DbErr> {
    serde_json::to_value(row).map_err(|e| DbErr::Custom(e.to_string()))
}

/// Stores objects that are one row each (projects, courses, cohorts, events) as they are now.
pub async fn upsert_rows<T: serde::Serialize>(
    db: &impl ConnectionTrait,
    table: &Table,
    objects: &[T],
) -> Result<(), DbErr> {
    let rows = objects.iter().map(to_json).collect::<Result<Vec<_>, _>>()?;
    upsert(db, table, &rows).await
}

/// Removes objects that are one row each.
pub async fn delete_rows(
    db: &impl ConnectionTrait,
    table: &Table,
    ids: &[i64],
) -> Result<(), DbErr> {
    delete_where(db, table, "id", ids).await
}

/// Stores measures as they are now: their definitions, and their points and annotations in
/// place of those the copy had. Returns the rows written.
pub async fn upsert_measures(
    db: &impl ConnectionTrait,
    measures: &[Measure],
) -> Result<usize, DbErr> {
    let ids: Vec<i64> = measures.iter().map(|m| m.id).collect();
    let mut definitions = Vec::with_capacity(measures.len());
    let (mut points, mut annotations) = (Vec::new(), Vec::new());
    for measure in measures {
        let mut definition = to_json(measure)?;
        if let Some(object) = definition.as_object_mut() {
            object.remove("points");
            object.remove("annotations");
        }
        definitions.push(definition);
        for point in &measure.points {
            points.push(point_row(measure, point)?);
        }
        for annotation in &measure.annotations {
            annotations.push(annotation_row(measure.id, annotation)?);
        }
    }
    upsert(db, &MEASURES, &definitions).await?;
    delete_where(db, &POINTS, "measure_id", &ids).await?;
    delete_where(db, &ANNOTATIONS, "measure_id", &ids).await?;
    upsert(db, &POINTS, &points).await?;
    upsert(db, &ANNOTATIONS, &annotations).await?;
    Ok(definitions.len() + points.len() + annotations.len())
}

fn point_row(measure: &Measure, point: &DataPoint) -> Result<Json, DbErr> {
    let mut row = to_json(point)?;
    if let Some(object) = row.as_object_mut() {
        object.insert("measure_id".into(), measure.id.into());
        object.insert("project_id".into(), measure.project_id.into());
    }
    Ok(row)
}

fn annotation_row(measure_id: i64, annotation: &Annotation) -> Result<Json, DbErr> {
    let mut row = to_json(annotation)?;
    if let Some(object) = row.as_object_mut() {
        object.insert("measure_id".into(), measure_id.into());
    }
    Ok(row)
}

/// Removes measures, with their points and annotations.
pub async fn delete_measures(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    delete_where(db, &POINTS, "measure_id", ids).await?;
    delete_where(db, &ANNOTATIONS, "measure_id", ids).await?;
    delete_where(db, &MEASURES, "id", ids).await
}

/// Removes projects, and their measures with them: what a reader may no longer read of a
/// project it may no longer read of its measures either, whether or not the feed names them.
pub async fn delete_projects(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    for chunk in ids.chunks(ROWS_A_STATEMENT) {
        let select = Query::select()
            .column("id")
            .from(MEASURES.name)
            .and_where(Expr::col("project_id").is_in(chunk.iter().copied()))
            .to_owned();
        let measures = db
            .query_all(&select)
            .await?
            .iter()
            .map(|row| row.try_get::<i64>("", "id"))
            .collect::<Result<Vec<_>, _>>()?;
        delete_measures(db, &measures).await?;
    }
    delete_where(db, &PROJECTS, "id", ids).await
}

/// The copy's rows of `table`, by id, read back into the API's JSON.
async fn read(db: &impl ConnectionTrait, table: &Table, order: &str) -> anyhow::Result<Vec<Json>> {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT {} FROM {} ORDER BY {order}",
                names.join(", "),
                table.name
            ),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let mut json = Json::Object(Map::new());
            for column in table.columns {
                let value = cell(row, column)?;
                place(&mut json, column.pointer, value);
            }
            Ok(json)
        })
        .collect()
}

fn cell(row: &QueryResult, column: &Column) -> anyhow::Result<Json> {
    let name = column.name;
    Ok(match column.kind {
        Kind::Int => row.try_get::<Option<i64>>("", name)?.into(),
        Kind::Real => row.try_get::<Option<f64>>("", name)?.into(),
        Kind::Bool => row.try_get::<Option<bool>>("", name)?.into(),
        Kind::Text => row.try_get::<Option<String>>("", name)?.into(),
        Kind::Timestamp => serde_json::to_value(row.try_get::<Option<DateTime<Utc>>>("", name)?)?,
        Kind::Date => serde_json::to_value(row.try_get::<Option<NaiveDate>>("", name)?)?,
        Kind::Json => row.try_get::<Option<Json>>("", name)?.unwrap_or(Json::Null),
    })
}

/// Sets `pointer` (`/a/b`) in `json`, making the objects on the way.
fn place(json: &mut Json, pointer: &str, value: Json) {
    let mut at = json;
    let mut keys = pointer.trim_start_matches('/').split('/').peekable();
    while let Some(key) = keys.next() {
        let Some(object) = at.as_object_mut() else {
            return;
        };
        if keys.peek().is_none() {
            object.insert(key.to_owned(), value);
            return;
        }
        at = object
            .entry(key.to_owned())
            .or_insert_with(|| Json::Object(Map::new()));
    }
}

fn parse<T: DeserializeOwned>(row: Json) -> anyhow::Result<T> {
    Ok(serde_json::from_value(row)?)
}

/// The copy's rows of a one-row-an-object table (projects, courses, cohorts, events), by id, as
/// the API's type: what a check compares with the source.
pub async fn rows<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    table: &Table,
) -> anyhow::Result<Vec<T>> {
    let key = table.columns[0].name;
    read(db, table, key).await?.into_iter().map(parse).collect()
}

/// Replaces every row of `table` with `objects` (a collection the feed does not carry, read
/// whole on each run).
pub async fn replace_all<T: serde::Serialize>(
    db: &impl ConnectionTrait,
    table: &Table,
    objects: &[T],
) -> Result<(), DbErr> {
    db.execute(&Query::delete().from_table(table.name).to_owned())
        .await?;
    upsert_rows(db, table, objects).await
}

/// The copy's projects, by id, as the API's type.
pub async fn projects(db: &impl ConnectionTrait) -> anyhow::Result<Vec<ProjectSummary>> {
    rows(db, &PROJECTS).await
}

/// The copy's measures, by id, whole (points and annotations in date order), as the API's type.
pub async fn measures(db: &impl ConnectionTrait) -> anyhow::Result<Vec<Measure>> {
    let mut points: std::collections::HashMap<i64, Vec<Json>> = Default::default();
    for mut row in read(db, &POINTS, "measure_id, date, id").await? {
        let measure = take_id(&mut row, "measure_id");
        if let Some(object) = row.as_object_mut() {
            object.remove("project_id");
        }
        points.entry(measure).or_default().push(row);
    }
    let mut annotations: std::collections::HashMap<i64, Vec<Json>> = Default::default();
    for mut row in read(db, &ANNOTATIONS, "measure_id, date, id").await? {
        let measure = take_id(&mut row, "measure_id");
        annotations.entry(measure).or_default().push(row);
    }
    read(db, &MEASURES, "id")
        .await?
        .into_iter()
        .map(|mut row| {
            let id = row.get("id").and_then(Json::as_i64).unwrap_or_default();
            place(
                &mut row,
                "/points",
                points.remove(&id).unwrap_or_default().into(),
            );
            place(
                &mut row,
                "/annotations",
                annotations.remove(&id).unwrap_or_default().into(),
            );
            parse(row)
        })
        .collect()
}

/// The copy's data points, by id, as the points export shows them.
pub async fn points(db: &impl ConnectionTrait) -> anyhow::Result<Vec<ExportedPoint>> {
    read(db, &POINTS, "id")
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

fn take_id(row: &mut Json, key: &str) -> i64 {
    row.as_object_mut()
        .and_then(|o| o.remove(key))
        .and_then(|v| v.as_i64())
        .unwrap_or_default()
}
