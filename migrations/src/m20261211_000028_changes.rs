//! The changes feed (issue 18, `docs/integrations.md`): a row for every create, update and
//! delete of a fed object (projects, measures), written by triggers in the writing transaction,
//! so no code path can change an object without it. Each row keeps the object's audience (its
//! visibility and lead and partner organisations) before and after the change, so the feed
//! decides for each reader whether to send the object, a tombstone or nothing, without looking
//! back. On PostgreSQL each row also keeps its transaction's id (`xid`): the feed serves rows in
//! `(xid, id)` order and only below the oldest transaction still running, so a transaction that
//! commits late cannot put a row behind a reader's cursor. On SQLite (one writer at a time) `xid`
//! is 0 and the id alone orders.
//!
//! Measures are fed whole (definition, data, annotations): every change to a measure's data
//! moves its row on (`db::measures::bump`), so the `measures` trigger sees it. A measure's
//! audience is its project's, so a change of a project's visibility or organisations records a
//! change of each of its measures too.

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The organisations whose admins may read project `p` (an SQL expression): its lead and
/// partners, as `,1,7,`.
fn sqlite_organisations(p: &str) -> String {
    format!(
        "(SELECT ',' || group_concat(organisation_id, ',') || ',' FROM project_organisations \
         WHERE project_id = {p} AND kind IN ('lead', 'partner'))"
    )
}

/// A statement adding to `changes`: `rows` gives the type, the id, whether deleted, the
/// audience before and after, and (after `FROM`, if any) which rows.
fn sqlite_insert(rows: &str) -> String {
    format!(
        "INSERT INTO changes (xid, object_type, object_id, deleted, before_visibility, \
         before_organisations, after_visibility, after_organisations, changed_at) \
         SELECT 0, {rows}"
    )
}

/// The SQLite triggers, one statement each.
fn sqlite_triggers() -> Vec<String> {
    let now = "CAST(strftime('%s', 'now') AS INTEGER)";
    let orgs = sqlite_organisations;
    let vis = |p: &str| format!("(SELECT visibility FROM projects WHERE id = {p})");
    // Project `p`'s audience as it is now.
    let current = |p: &str| format!("{}, {}", vis(p), orgs(p));
    let project = |p: &str, deleted: bool, before: &str, after: &str| {
        sqlite_insert(&format!(
            "'project', {p}, {deleted}, {before}, {after}, {now}"
        ))
    };
    // Each measure of project `p`, when `when` holds.
    let measures = |p: &str, before: &str, after: &str, when: &str| {
        sqlite_insert(&format!(
            "'measure', m.id, FALSE, {before}, {after}, {now} FROM measures m \
             WHERE m.project_id = {p} AND {when}"
        ))
    };
    let measure = |m: &str, deleted: bool, before: &str, after: &str| {
        sqlite_insert(&format!(
            "'measure', {m}, {deleted}, {before}, {after}, {now}"
        ))
    };
    // A project's organisations before a row of `project_organisations` was added (all but
    // it) or removed (all and it).
    let without_new = "(SELECT ',' || group_concat(organisation_id, ',') || ',' \
         FROM project_organisations WHERE project_id = NEW.project_id \
         AND kind IN ('lead', 'partner') \
         AND NOT (organisation_id = NEW.organisation_id AND kind = NEW.kind))";
    let with_old = "(SELECT ',' || group_concat(organisation_id, ',') || ',' FROM \
         (SELECT organisation_id FROM project_organisations WHERE project_id = OLD.project_id \
          AND kind IN ('lead', 'partner') UNION ALL SELECT OLD.organisation_id))";
    let trigger = |name: &str, event: &str, when: &str, body: &[String]| {
        format!(
            "CREATE TRIGGER changes_{name} AFTER {event} FOR EACH ROW {when} BEGIN {}; END",
            body.join("; ")
        )
    };
    let party = |row: &str| format!("WHEN {row}.kind IN ('lead', 'partner')");
    let new_before = format!("{}, {without_new}", vis("NEW.project_id"));
    let old_before = format!("{}, {with_old}", vis("OLD.project_id"));
    vec![
        trigger(
            "project_insert",
            "INSERT ON projects",
            "",
            &[project(
                "NEW.id",
                false,
                "NULL, NULL",
                &format!("NEW.visibility, {}", orgs("NEW.id")),
            )],
        ),
        trigger(
            "project_update",
            "UPDATE ON projects",
            "",
            &[
                project(
                    "NEW.id",
                    false,
                    &format!("OLD.visibility, {}", orgs("NEW.id")),
                    &format!("NEW.visibility, {}", orgs("NEW.id")),
                ),
                measures(
                    "NEW.id",
                    &format!("OLD.visibility, {}", orgs("NEW.id")),
                    &format!("NEW.visibility, {}", orgs("NEW.id")),
                    "OLD.visibility <> NEW.visibility",
                ),
            ],
        ),
        trigger(
            "project_delete",
            "DELETE ON projects",
            "",
            &[project(
                "OLD.id",
                true,
                &format!("OLD.visibility, {}", orgs("OLD.id")),
                "NULL, NULL",
            )],
        ),
        trigger(
            "project_organisation_insert",
            "INSERT ON project_organisations",
            &party("NEW"),
            &[
                project(
                    "NEW.project_id",
                    false,
                    &new_before,
                    &current("NEW.project_id"),
                ),
                measures(
                    "NEW.project_id",
                    &new_before,
                    &current("NEW.project_id"),
                    "TRUE",
                ),
            ],
        ),
        trigger(
            "project_organisation_delete",
            "DELETE ON project_organisations",
            &party("OLD"),
            &[
                project(
                    "OLD.project_id",
                    false,
                    &old_before,
                    &current("OLD.project_id"),
                ),
                measures(
                    "OLD.project_id",
                    &old_before,
                    &current("OLD.project_id"),
                    "TRUE",
                ),
            ],
        ),
        trigger(
            "project_tag_insert",
            "INSERT ON project_tags",
            "",
            &[project(
                "NEW.project_id",
                false,
                &current("NEW.project_id"),
                &current("NEW.project_id"),
            )],
        ),
        trigger(
            "project_tag_delete",
            "DELETE ON project_tags",
            "",
            &[project(
                "OLD.project_id",
                false,
                &current("OLD.project_id"),
                &current("OLD.project_id"),
            )],
        ),
        trigger(
            "measure_insert",
            "INSERT ON measures",
            "",
            &[measure(
                "NEW.id",
                false,
                "NULL, NULL",
                &current("NEW.project_id"),
            )],
        ),
        trigger(
            "measure_update",
            "UPDATE ON measures",
            "",
            &[measure(
                "NEW.id",
                false,
                &current("NEW.project_id"),
                &current("NEW.project_id"),
            )],
        ),
        trigger(
            "measure_delete",
            "DELETE ON measures",
            "",
            &[measure(
                "OLD.id",
                true,
                &current("OLD.project_id"),
                "NULL, NULL",
            )],
        ),
    ]
}

/// The PostgreSQL functions and triggers, one statement each.
const POSTGRES: &[&str] = &[
    "CREATE FUNCTION qi_project_organisations(p bigint) RETURNS text LANGUAGE sql STABLE AS $$ \
       SELECT ',' || string_agg(organisation_id::text, ',') || ',' FROM project_organisations \
       WHERE project_id = p AND kind IN ('lead', 'partner') $$",
    "CREATE FUNCTION qi_change(t text, object bigint, deleted boolean, before_vis text, \
       before_orgs text, after_vis text, after_orgs text) RETURNS void LANGUAGE sql AS $$ \
       INSERT INTO changes (xid, object_type, object_id, deleted, before_visibility, \
         before_organisations, after_visibility, after_organisations, changed_at) \
       VALUES (pg_current_xact_id()::text::bigint, t, object, deleted, before_vis, before_orgs, \
         after_vis, after_orgs, extract(epoch FROM now())::bigint) $$",
    // A change of a project's audience is a change of each of its measures'.
    "CREATE FUNCTION qi_measures_changed(p bigint, before_vis text, before_orgs text, \
       after_vis text, after_orgs text) RETURNS void LANGUAGE sql AS $$ \
       INSERT INTO changes (xid, object_type, object_id, deleted, before_visibility, \
         before_organisations, after_visibility, after_organisations, changed_at) \
       SELECT pg_current_xact_id()::text::bigint, 'measure', id, FALSE, before_vis, \
         before_orgs, after_vis, after_orgs, extract(epoch FROM now())::bigint \
       FROM measures WHERE project_id = p $$",
    "CREATE FUNCTION qi_changes_project() RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE orgs text; \
     BEGIN \
       IF TG_OP = 'DELETE' THEN \
         PERFORM qi_change('project', OLD.id, TRUE, OLD.visibility, \
           qi_project_organisations(OLD.id), NULL, NULL); \
         RETURN NULL; \
       END IF; \
       orgs := qi_project_organisations(NEW.id); \
       IF TG_OP = 'INSERT' THEN \
         PERFORM qi_change('project', NEW.id, FALSE, NULL, NULL, NEW.visibility, orgs); \
       ELSE \
         PERFORM qi_change('project', NEW.id, FALSE, OLD.visibility, orgs, NEW.visibility, orgs); \
         IF OLD.visibility IS DISTINCT FROM NEW.visibility THEN \
           PERFORM qi_measures_changed(NEW.id, OLD.visibility, orgs, NEW.visibility, orgs); \
         END IF; \
       END IF; \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER changes_project AFTER INSERT OR UPDATE OR DELETE ON projects \
     FOR EACH ROW EXECUTE FUNCTION qi_changes_project()",
    "CREATE FUNCTION qi_changes_project_organisation() RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE p bigint; vis text; before_orgs text; after_orgs text; \
     BEGIN \
       IF TG_OP = 'INSERT' THEN \
         p := NEW.project_id; \
         SELECT ',' || string_agg(organisation_id::text, ',') || ',' INTO before_orgs \
           FROM project_organisations WHERE project_id = p AND kind IN ('lead', 'partner') \
           AND NOT (organisation_id = NEW.organisation_id AND kind = NEW.kind); \
       ELSE \
         p := OLD.project_id; \
         SELECT ',' || string_agg(o::text, ',') || ',' INTO before_orgs FROM \
           (SELECT organisation_id AS o FROM project_organisations WHERE project_id = p \
            AND kind IN ('lead', 'partner') UNION ALL SELECT OLD.organisation_id) AS parties; \
       END IF; \
       SELECT visibility INTO vis FROM projects WHERE id = p; \
       IF vis IS NULL THEN RETURN NULL; END IF; \
       after_orgs := qi_project_organisations(p); \
       PERFORM qi_change('project', p, FALSE, vis, before_orgs, vis, after_orgs); \
       PERFORM qi_measures_changed(p, vis, before_orgs, vis, after_orgs); \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER changes_project_organisation_insert AFTER INSERT ON project_organisations \
     FOR EACH ROW WHEN (NEW.kind IN ('lead', 'partner')) \
     EXECUTE FUNCTION qi_changes_project_organisation()",
    "CREATE TRIGGER changes_project_organisation_delete AFTER DELETE ON project_organisations \
     FOR EACH ROW WHEN (OLD.kind IN ('lead', 'partner')) \
     EXECUTE FUNCTION qi_changes_project_organisation()",
    "CREATE FUNCTION qi_changes_project_tag() RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE p bigint; vis text; orgs text; \
     BEGIN \
       IF TG_OP = 'INSERT' THEN p := NEW.project_id; ELSE p := OLD.project_id; END IF; \
       SELECT visibility INTO vis FROM projects WHERE id = p; \
       IF vis IS NULL THEN RETURN NULL; END IF; \
       orgs := qi_project_organisations(p); \
       PERFORM qi_change('project', p, FALSE, vis, orgs, vis, orgs); \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER changes_project_tag AFTER INSERT OR DELETE ON project_tags \
     FOR EACH ROW EXECUTE FUNCTION qi_changes_project_tag()",
    "CREATE FUNCTION qi_changes_measure() RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE p bigint; vis text; orgs text; \
     BEGIN \
       IF TG_OP = 'DELETE' THEN p := OLD.project_id; ELSE p := NEW.project_id; END IF; \
       SELECT visibility INTO vis FROM projects WHERE id = p; \
       orgs := qi_project_organisations(p); \
       IF TG_OP = 'INSERT' THEN \
         PERFORM qi_change('measure', NEW.id, FALSE, NULL, NULL, vis, orgs); \
       ELSIF TG_OP = 'UPDATE' THEN \
         PERFORM qi_change('measure', NEW.id, FALSE, vis, orgs, vis, orgs); \
       ELSE \
         PERFORM qi_change('measure', OLD.id, TRUE, vis, orgs, NULL, NULL); \
       END IF; \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER changes_measure AFTER INSERT OR UPDATE OR DELETE ON measures \
     FOR EACH ROW EXECUTE FUNCTION qi_changes_measure()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("changes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("xid"))
                    .col(string_len("object_type", 16))
                    .col(big_integer("object_id"))
                    .col(boolean("deleted"))
                    .col(string_len_null("before_visibility", 16))
                    .col(text_null("before_organisations"))
                    .col(string_len_null("after_visibility", 16))
                    .col(text_null("after_organisations"))
                    // Unix seconds: written by the triggers of both stores alike, and compared
                    // as a number when old rows are removed.
                    .col(big_integer("changed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("changes_in_order")
                    .table("changes")
                    .col("xid")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            for sql in POSTGRES {
                db.execute_unprepared(sql).await?;
            }
        } else {
            for sql in sqlite_triggers() {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            for sql in [
                "DROP TRIGGER IF EXISTS changes_measure ON measures",
                "DROP TRIGGER IF EXISTS changes_project_tag ON project_tags",
                "DROP TRIGGER IF EXISTS changes_project_organisation_insert ON project_organisations",
                "DROP TRIGGER IF EXISTS changes_project_organisation_delete ON project_organisations",
                "DROP TRIGGER IF EXISTS changes_project ON projects",
                "DROP FUNCTION IF EXISTS qi_changes_measure, qi_changes_project_tag, \
                 qi_changes_project_organisation, qi_changes_project, qi_measures_changed, \
                 qi_change, qi_project_organisations",
            ] {
                db.execute_unprepared(sql).await?;
            }
        } else {
            for name in [
                "project_insert",
                "project_update",
                "project_delete",
                "project_organisation_insert",
                "project_organisation_delete",
                "project_tag_insert",
                "project_tag_delete",
                "measure_insert",
                "measure_update",
                "measure_delete",
            ] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS changes_{name}"))
                    .await?;
            }
        }
        manager
            .drop_table(Table::drop().table("changes").to_owned())
            .await
    }
}
