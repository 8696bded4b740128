//! The changes feed carries training and events too (issue 18): courses, cohorts and events, as
//! their lists show them. Triggers add a row to `changes` (migration 28) for every insert, update
//! and delete of each, and for every change of what their list rows count or name: a cohort's
//! enrolments (its places taken and waiting), a course's cohorts (its upcoming cohorts), an
//! event's bookings and tags, a series' title, an organisation's name (also a project's lead
//! organisation's). A row counted for an object that is itself being deleted (a cascade) is not
//! added, so the object's last change in the feed is its delete.
//!
//! Audiences: the catalogue and its cohorts are the whole partnership's; an event is the
//! partnership's unless it is for its organising organisation only (stored as that visibility
//! with the organiser, as a project's is).
//!
//! Each trigger is written once, as statements over `NEW` and `OLD`, and made an SQLite trigger
//! or a PostgreSQL trigger function from them.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Everyone in the partnership may read it: a visibility and no organisations.
const OPEN: &str = "'partnership', NULL";

/// An event row `r`'s audience as a visibility and organisations.
fn event_audience(r: &str) -> String {
    format!(
        "CASE {r}.audience WHEN 'organisation' THEN 'organisation' ELSE 'partnership' END, \
         ',' || {r}.organiser_organisation_id || ','"
    )
}

/// One trigger: after `event` (`INSERT ON courses`), when `when` holds (an `UPDATE`'s only), run
/// `statements`, each made by [`Store::insert`].
struct Trigger {
    name: &'static str,
    event: &'static str,
    when: Option<&'static str>,
    statements: Vec<Row>,
}

/// A statement adding to `changes`: the type, the id, whether deleted, the audience before and
/// after, and (after `FROM`, if any) which rows.
struct Row {
    object_type: &'static str,
    id: String,
    deleted: bool,
    before: String,
    after: String,
    from: String,
}

fn row(object_type: &'static str, id: &str, before: &str, after: &str) -> Row {
    Row {
        object_type,
        id: id.to_owned(),
        deleted: false,
        before: before.to_owned(),
        after: after.to_owned(),
        from: String::new(),
    }
}

impl Row {
    fn deleted(mut self) -> Row {
        self.deleted = true;
        self
    }

    fn from(mut self, from: String) -> Row {
        self.from = format!(" {from}");
        self
    }

    /// The statement on `backend`.
    fn sql(&self, backend: DbBackend) -> String {
        let (xid, now) = if backend == DbBackend::Postgres {
            (
                "pg_current_xact_id()::text::bigint",
                "extract(epoch FROM now())::bigint",
            )
        } else {
            ("0", "CAST(strftime('%s', 'now') AS INTEGER)")
        };
        let Row {
            object_type,
            id,
            deleted,
            before,
            after,
            from,
        } = self;
        format!(
            "INSERT INTO changes (xid, object_type, object_id, deleted, before_visibility, \
             before_organisations, after_visibility, after_organisations, changed_at) \
             SELECT {xid}, '{object_type}', {id}, {deleted}, {before}, {after}, {now}{from}"
        )
    }
}

/// Only while `table` still has the row `id` (a cascade deleting it changes nothing of it).
fn while_exists(table: &str, id: &str) -> String {
    format!("WHERE EXISTS (SELECT 1 FROM {table} WHERE id = {id})")
}

/// Each event `e` of the rows `FROM events e ...`, unchanged in audience.
fn events_where(condition: &str) -> Row {
    let audience = event_audience("e");
    row("event", "e.id", &audience, &audience).from(format!("FROM events e WHERE {condition}"))
}

fn triggers() -> Vec<Trigger> {
    let trigger = |name, event, when, statements| Trigger {
        name,
        event,
        when,
        statements,
    };
    let no_object = "NULL, NULL";
    vec![
        // Courses: a title or tier is shown on each of its cohorts.
        trigger(
            "course_insert",
            "INSERT ON courses",
            None,
            vec![row("course", "NEW.id", no_object, OPEN)],
        ),
        trigger(
            "course_update",
            "UPDATE ON courses",
            None,
            vec![
                row("course", "NEW.id", OPEN, OPEN),
                row("cohort", "c.id", OPEN, OPEN).from(
                    "FROM cohorts c WHERE c.course_id = NEW.id \
                     AND (OLD.title <> NEW.title OR OLD.tier <> NEW.tier)"
                        .to_owned(),
                ),
            ],
        ),
        trigger(
            "course_delete",
            "DELETE ON courses",
            None,
            vec![row("course", "OLD.id", OPEN, no_object).deleted()],
        ),
        // Cohorts: the course counts its upcoming ones.
        trigger(
            "cohort_insert",
            "INSERT ON cohorts",
            None,
            vec![
                row("cohort", "NEW.id", no_object, OPEN),
                row("course", "NEW.course_id", OPEN, OPEN)
                    .from(while_exists("courses", "NEW.course_id")),
            ],
        ),
        trigger(
            "cohort_update",
            "UPDATE ON cohorts",
            None,
            vec![
                row("cohort", "NEW.id", OPEN, OPEN),
                row("course", "NEW.course_id", OPEN, OPEN).from(format!(
                    "{} AND (OLD.end_date <> NEW.end_date OR OLD.course_id <> NEW.course_id)",
                    while_exists("courses", "NEW.course_id")
                )),
                row("course", "OLD.course_id", OPEN, OPEN).from(format!(
                    "{} AND OLD.course_id <> NEW.course_id",
                    while_exists("courses", "OLD.course_id")
                )),
            ],
        ),
        trigger(
            "cohort_delete",
            "DELETE ON cohorts",
            None,
            vec![
                row("cohort", "OLD.id", OPEN, no_object).deleted(),
                row("course", "OLD.course_id", OPEN, OPEN)
                    .from(while_exists("courses", "OLD.course_id")),
            ],
        ),
        // Enrolments: a cohort counts its places taken and its waiting list.
        trigger(
            "enrolment_insert",
            "INSERT ON enrolments",
            None,
            vec![
                row("cohort", "NEW.cohort_id", OPEN, OPEN)
                    .from(while_exists("cohorts", "NEW.cohort_id")),
            ],
        ),
        trigger(
            "enrolment_update",
            "UPDATE ON enrolments",
            Some("OLD.status <> NEW.status OR OLD.cohort_id <> NEW.cohort_id"),
            vec![
                row("cohort", "NEW.cohort_id", OPEN, OPEN)
                    .from(while_exists("cohorts", "NEW.cohort_id")),
                row("cohort", "OLD.cohort_id", OPEN, OPEN).from(format!(
                    "{} AND OLD.cohort_id <> NEW.cohort_id",
                    while_exists("cohorts", "OLD.cohort_id")
                )),
            ],
        ),
        trigger(
            "enrolment_delete",
            "DELETE ON enrolments",
            None,
            vec![
                row("cohort", "OLD.cohort_id", OPEN, OPEN)
                    .from(while_exists("cohorts", "OLD.cohort_id")),
            ],
        ),
        // Events, their audience as it was and as it is.
        trigger(
            "event_insert",
            "INSERT ON events",
            None,
            vec![row("event", "NEW.id", no_object, &event_audience("NEW"))],
        ),
        trigger(
            "event_update",
            "UPDATE ON events",
            None,
            vec![row(
                "event",
                "NEW.id",
                &event_audience("OLD"),
                &event_audience("NEW"),
            )],
        ),
        trigger(
            "event_delete",
            "DELETE ON events",
            None,
            vec![row("event", "OLD.id", &event_audience("OLD"), no_object).deleted()],
        ),
        // An event shows its tags, its places booked, waiting and taken by guests.
        trigger(
            "event_tag_insert",
            "INSERT ON event_tags",
            None,
            vec![events_where("e.id = NEW.event_id")],
        ),
        trigger(
            "event_tag_delete",
            "DELETE ON event_tags",
            None,
            vec![events_where("e.id = OLD.event_id")],
        ),
        trigger(
            "event_booking_insert",
            "INSERT ON event_bookings",
            None,
            vec![events_where("e.id = NEW.event_id")],
        ),
        trigger(
            "event_booking_update",
            "UPDATE ON event_bookings",
            Some("OLD.status <> NEW.status OR OLD.attended <> NEW.attended"),
            vec![events_where("e.id = NEW.event_id")],
        ),
        trigger(
            "event_booking_delete",
            "DELETE ON event_bookings",
            None,
            vec![events_where("e.id = OLD.event_id")],
        ),
        // An event shows its series' title.
        trigger(
            "event_series_update",
            "UPDATE ON event_series",
            Some("OLD.title <> NEW.title"),
            vec![events_where("e.series_id = NEW.id")],
        ),
        // Courses name their provider, events their organiser, projects their lead.
        trigger(
            "organisation_rename",
            "UPDATE ON organisations",
            Some("OLD.name <> NEW.name"),
            vec![
                row("course", "c.id", OPEN, OPEN)
                    .from("FROM courses c WHERE c.provider_organisation_id = NEW.id".to_owned()),
                events_where("e.organiser_organisation_id = NEW.id"),
                row(
                    "project",
                    "p.id",
                    "p.visibility, qi_project_organisations(p.id)",
                    "p.visibility, qi_project_organisations(p.id)",
                )
                .from("FROM projects p WHERE p.lead_organisation_id = NEW.id".to_owned()),
            ],
        ),
    ]
}

/// SQLite has no functions of its own: `qi_project_organisations(x)` is written out.
fn sqlite_project_organisations(sql: &str) -> String {
    sql.replace(
        "qi_project_organisations(p.id)",
        "(SELECT ',' || group_concat(organisation_id, ',') || ',' FROM project_organisations \
         WHERE project_id = p.id AND kind IN ('lead', 'partner'))",
    )
}

fn sqlite(trigger: &Trigger) -> String {
    let when = trigger
        .when
        .map(|w| format!(" WHEN {w}"))
        .unwrap_or_default();
    let body: Vec<String> = trigger
        .statements
        .iter()
        .map(|s| sqlite_project_organisations(&s.sql(DbBackend::Sqlite)))
        .collect();
    format!(
        "CREATE TRIGGER changes_{} AFTER {} FOR EACH ROW{when} BEGIN {}; END",
        trigger.name,
        trigger.event,
        body.join("; ")
    )
}

fn postgres(trigger: &Trigger) -> [String; 2] {
    let body: Vec<String> = trigger
        .statements
        .iter()
        .map(|s| s.sql(DbBackend::Postgres))
        .collect();
    let when = trigger
        .when
        .map(|w| format!(" WHEN ({w})"))
        .unwrap_or_default();
    [
        format!(
            "CREATE FUNCTION qi_changes_{}() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN {}; RETURN NULL; END $$",
            trigger.name,
            body.join("; ")
        ),
        format!(
            "CREATE TRIGGER changes_{0} AFTER {1} FOR EACH ROW{when} \
             EXECUTE FUNCTION qi_changes_{0}()",
            trigger.name, trigger.event
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres_store = manager.get_database_backend() == DbBackend::Postgres;
        for trigger in triggers() {
            if postgres_store {
                for sql in postgres(&trigger) {
                    db.execute_unprepared(&sql).await?;
                }
            } else {
                db.execute_unprepared(&sqlite(&trigger)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres_store = manager.get_database_backend() == DbBackend::Postgres;
        for trigger in triggers() {
            let name = trigger.name;
            if postgres_store {
                let table = trigger.event.rsplit(' ').next().unwrap_or_default();
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS changes_{name} ON {table}"))
                    .await?;
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS qi_changes_{name}"))
                    .await?;
            } else {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS changes_{name}"))
                    .await?;
            }
        }
        Ok(())
    }
}
