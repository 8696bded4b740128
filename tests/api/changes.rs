//! Integration tests of the changes feed: a token follows what it may read, in order, with
//! tombstones for what is deleted or stops being readable, and never learns of another
//! organisation's private objects; on PostgreSQL, transactions that commit out of order lose
//! nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, Utc};
use qi_shared::{
    api_token::ApiTokenCreated,
    changes::{Change, ChangeCursor, ChangeOp, ChangePage, ChangeType, Position, TombstoneReason},
    event::Event,
    measure::Measure,
    project::Project,
    training::{Cohort, CohortSummary, Course},
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};

use crate::{
    events::event_body,
    helpers::{TestApp, cast, spawn_app_with, spawn_app_with_db, spawn_app_with_db_with},
    measures::count_measure,
    projects::as_input,
    training::{cohort_body, course_body},
};

pub(crate) async fn token(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let made: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin,
            json!({
                "name": "Trust data warehouse",
                "scopes": scopes,
                "expires_on": (Utc::now() + Duration::days(30)).date_naive(),
            }),
        )
        .await
        .expect(201);
    made.secret
}

pub(crate) async fn project(
    app: &TestApp,
    who: &str,
    organisation: i64,
    title: &str,
    visibility: &str,
) -> Project {
    app.post(
        "/api/v1/projects",
        who,
        json!({
            "title": title,
            "aim": "Cut inpatient falls by a third by June 2027",
            "lead_organisation_id": organisation,
            "status": "active",
            "visibility": visibility,
        }),
    )
    .await
    .expect(201)
}

/// Every change from `since` to the end of the feed now, `limit` a page, and where it ended.
async fn follow(
    app: &TestApp,
    token: &str,
    since: Position,
    limit: u64,
) -> (Vec<Change>, Position) {
    let mut changes = Vec::new();
    let mut since = since;
    loop {
        let page: ChangePage = app
            .get(
                &format!("/api/v1/changes?since={}&limit={limit}", since.encode()),
                token,
            )
            .await
            .expect(200);
        changes.extend(page.changes);
        since = page.next;
        if !page.more {
            return (changes, since);
        }
    }
}

/// Waits until the feed may serve every transaction committed so far. On PostgreSQL it serves
/// only below the oldest transaction still running on the server, and other tests (in other
/// databases of the same server) hold transactions open: wait until a transaction begun now
/// is below that horizon. On SQLite what is committed is served at once.
pub(crate) async fn settled(db: &DatabaseConnection) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let query = |sql: &str| Statement::from_string(DbBackend::Postgres, sql.to_owned());
    let txn = db.begin().await.expect("begin");
    let mark: i64 = txn
        .query_one_raw(query("SELECT pg_current_xact_id()::text::bigint AS x"))
        .await
        .expect("an xid")
        .and_then(|row| row.try_get("", "x").ok())
        .expect("an xid");
    txn.commit().await.expect("commit");
    // A minute: under CI's load a test database's migrations (one transaction) or a bulk load
    // can hold the horizon for seconds.
    for _ in 0..1200 {
        let horizon: i64 = db
            .query_one_raw(query(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS x",
            ))
            .await
            .expect("the horizon")
            .and_then(|row| row.try_get("", "x").ok())
            .expect("the horizon");
        if horizon > mark {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Which transactions, so that a failure says what held the feed back.
    let open = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT datname, state, EXTRACT(EPOCH FROM now() - xact_start)::text AS age, \
             left(query, 200) AS query FROM pg_stat_activity \
             WHERE backend_xid IS NOT NULL AND backend_xid::text::bigint <= $1",
            [mark.into()],
        ))
        .await
        .expect("the open transactions")
        .iter()
        .map(|row| {
            let text = |column: &str| row.try_get::<Option<String>>("", column).ok().flatten();
            format!(
                "{:?} {:?} for {:?} s: {:?}",
                text("datname"),
                text("state"),
                text("age"),
                text("query")
            )
        })
        .collect::<Vec<_>>();
    panic!("a transaction on the server stayed open for a minute: {open:#?}");
}

/// What a copy kept from the feed holds: each object's last upsert, tombstones applied.
fn apply(copy: &mut BTreeMap<(ChangeType, i64), Change>, changes: &[Change]) {
    for change in changes {
        let key = (change.object_type, change.id);
        match change.op {
            ChangeOp::Upsert => {
                copy.insert(key, change.clone());
            }
            ChangeOp::Delete => {
                copy.remove(&key);
            }
        }
    }
}

fn ids(changes: &[Change], op: ChangeOp, object_type: ChangeType) -> BTreeSet<i64> {
    changes
        .iter()
        .filter(|c| c.op == op && c.object_type == object_type)
        .map(|c| c.id)
        .collect()
}

pub(crate) async fn replace(
    app: &TestApp,
    who: &str,
    project: &Project,
    change: impl FnOnce(&mut Value),
) -> Project {
    let mut body = as_input(project);
    change(&mut body);
    app.put_if_match(
        &format!("/api/v1/projects/{}", project.id),
        who,
        project.version,
        body,
    )
    .await
    .expect(200)
}

#[tokio::test]
async fn a_token_follows_what_it_may_read_with_tombstones_for_what_it_loses() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, member_b) = &c.member_b;
    let feed = token(&app, admin_a, &["read_projects", "read_measures"]).await;
    let projects_only = token(&app, admin_a, &["read_projects"]).await;

    // Only tokens, whose scopes read what the feed carries; cursors and limits checked.
    app.get("/api/v1/changes", admin_a).await.problem(403);
    app.get("/api/v1/changes/cursor", member_a)
        .await
        .problem(403);
    let dashboard_only = token(&app, admin_a, &["read_dashboard"]).await;
    app.get("/api/v1/changes", &dashboard_only)
        .await
        .problem(403);
    for bad in [
        "since=xyz",
        "since=2000",
        "limit=0",
        "limit=1001",
        "limit=many",
    ] {
        let problem = app
            .get(&format!("/api/v1/changes?{bad}"), &feed)
            .await
            .problem(400);
        let field = bad.split('=').next().unwrap_or_default();
        assert!(
            problem
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains(field),
            "{bad}: {problem:?}"
        );
    }
    app.get("/api/v1/changes", "qi_0000").await.problem(401);

    let start: ChangeCursor = app.get("/api/v1/changes/cursor", &feed).await.expect(200);

    // Ours, theirs in private, theirs open; a measure of ours with data.
    let ours = project(
        &app,
        member_a,
        c.org_a.id,
        "Falls on ward 7",
        "organisation",
    )
    .await;
    let hidden = project(
        &app,
        member_b,
        c.org_b.id,
        "Riverside private audit",
        "team",
    )
    .await;
    let open = project(
        &app,
        member_b,
        c.org_b.id,
        "Riverside asthma reviews",
        "partnership",
    )
    .await;
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", ours.id),
            member_a,
            count_measure(),
        )
        .await
        .expect(201);
    let _: Value = app
        .post(
            &format!("/api/v1/measures/{}/points", measure.id),
            member_a,
            json!({"date": "2026-11-02", "value": 14}),
        )
        .await
        .expect(201);
    let theirs_measure: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", hidden.id),
            member_b,
            count_measure(),
        )
        .await
        .expect(201);

    settled(&db).await;
    let (first, next) = follow(&app, &feed, start.cursor, 100).await;
    assert_eq!(
        ids(&first, ChangeOp::Upsert, ChangeType::Project),
        BTreeSet::from([ours.id, open.id])
    );
    assert_eq!(
        ids(&first, ChangeOp::Upsert, ChangeType::Measure),
        BTreeSet::from([measure.id])
    );
    assert!(
        first.iter().all(|c| c.op == ChangeOp::Upsert),
        "nothing to remove yet"
    );
    assert!(
        !first.iter().any(
            |c| (c.object_type, c.id) == (ChangeType::Project, hidden.id)
                || (c.object_type, c.id) == (ChangeType::Measure, theirs_measure.id)
        ),
        "another organisation's private project and its measure are never named"
    );
    // The objects are as the API shows them now: the measure with its point.
    let sent = first
        .iter()
        .rev()
        .find_map(|c| c.measure.clone())
        .expect("the measure");
    let shown: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), &feed)
        .await
        .expect(200);
    assert_eq!(sent, shown);
    assert_eq!(sent.points.len(), 1);
    // Page by page, the same copy.
    settled(&db).await;
    let (paged, paged_next) = follow(&app, &feed, start.cursor, 1).await;
    let (mut whole, mut one_by_one) = (BTreeMap::new(), BTreeMap::new());
    apply(&mut whole, &first);
    apply(&mut one_by_one, &paged);
    assert_eq!(whole, one_by_one);
    assert_eq!(paged_next, next);
    // A token that reads projects only gets no measures.
    let (projects, _) = follow(&app, &projects_only, start.cursor, 100).await;
    assert!(
        projects
            .iter()
            .all(|c| c.object_type == ChangeType::Project)
    );
    assert!(!projects.is_empty());

    // The open project made private to Riverside, the hidden one joined by us as partner, our
    // measure deleted.
    replace(&app, member_b, &open, |p| p["visibility"] = json!("team")).await;
    replace(&app, member_b, &hidden, |p| {
        p["partner_organisation_ids"] = json!([c.org_a.id])
    })
    .await;
    let current: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), member_a)
        .await
        .expect(200);
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/measures/{}", measure.id)))
        .bearer_auth(member_a)
        .header("If-Match", format!("\"{}\"", current.version))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(removed.status(), 204);

    settled(&db).await;
    let (second, after_second) = follow(&app, &feed, next, 100).await;
    let tombstone = |object_type, id| {
        second
            .iter()
            .find(|c| c.op == ChangeOp::Delete && (c.object_type, c.id) == (object_type, id))
            .and_then(|c| c.reason)
    };
    assert_eq!(
        tombstone(ChangeType::Project, open.id),
        Some(TombstoneReason::NoLongerVisible)
    );
    assert_eq!(
        tombstone(ChangeType::Measure, measure.id),
        Some(TombstoneReason::Deleted)
    );
    assert_eq!(
        ids(&second, ChangeOp::Upsert, ChangeType::Project),
        BTreeSet::from([ours.id, hidden.id]),
        "ours (its measure went) and the one we joined"
    );
    assert_eq!(
        ids(&second, ChangeOp::Upsert, ChangeType::Measure),
        BTreeSet::from([theirs_measure.id]),
        "the joined project's measure comes with it"
    );

    // Riverside leaves us out again: both go from our copy.
    let hidden_now: Project = app
        .get(&format!("/api/v1/projects/{}", hidden.id), member_b)
        .await
        .expect(200);
    replace(&app, member_b, &hidden_now, |p| {
        p["partner_organisation_ids"] = json!([])
    })
    .await;
    settled(&db).await;
    let (third, _) = follow(&app, &feed, after_second, 100).await;
    assert_eq!(
        ids(&third, ChangeOp::Delete, ChangeType::Project),
        BTreeSet::from([hidden.id])
    );
    assert_eq!(
        ids(&third, ChangeOp::Delete, ChangeType::Measure),
        BTreeSet::from([theirs_measure.id])
    );

    // The copy made from the start equals what the token lists now.
    let mut copy = BTreeMap::new();
    for changes in [&first, &second, &third] {
        apply(&mut copy, changes);
    }
    let listed: Value = app
        .get("/api/v1/projects?per_page=100", &feed)
        .await
        .expect(200);
    let listed: BTreeSet<i64> = listed["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let copied: BTreeSet<i64> = copy
        .keys()
        .filter(|(t, _)| *t == ChangeType::Project)
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(copied, listed);
    for change in copy
        .values()
        .filter(|c| c.object_type == ChangeType::Project)
    {
        let shown: Value = app
            .get("/api/v1/projects?per_page=100", &feed)
            .await
            .expect(200);
        let item = shown["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["id"].as_i64() == Some(change.id))
            .cloned();
        assert_eq!(
            item,
            Some(serde_json::to_value(&change.project).unwrap_or_default())
        );
    }
}

/// Every item of a list, as the token reads it, by id.
async fn every_item<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    token: &str,
    path: &str,
    id: impl Fn(&T) -> i64,
) -> BTreeMap<i64, T> {
    let mut items = BTreeMap::new();
    for page in 1.. {
        let listed: Value = app
            .get(&format!("{path}?per_page=100&page={page}"), token)
            .await
            .expect(200);
        let rows = listed["items"].as_array().cloned().unwrap_or_default();
        for row in &rows {
            let item: T = serde_json::from_value(row.clone()).expect("a list item");
            items.insert(id(&item), item);
        }
        if rows.len() < 100 {
            return items;
        }
    }
    items
}

/// What a copy kept from the feed holds of one type, by id.
fn copied<T>(
    copy: &BTreeMap<(ChangeType, i64), Change>,
    object_type: ChangeType,
    object: impl Fn(&Change) -> Option<T>,
) -> BTreeMap<i64, T> {
    copy.iter()
        .filter(|((t, _), _)| *t == object_type)
        .filter_map(|((_, id), change)| Some((*id, object(change)?)))
        .collect()
}

#[tokio::test]
async fn training_and_events_are_fed_as_their_lists_show_them() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, admin_b) = &c.admin_b;
    let (_, member_a) = &c.member_a;
    let feed = token(&app, admin_a, &["read_training", "read_events"]).await;
    let start: ChangeCursor = app.get("/api/v1/changes/cursor", &feed).await.expect(200);

    // Riverside's course with two cohorts (one of ours takes a place), an event open to the
    // partnership (one of ours books) and one for Riverside's people only.
    let course: Course = app
        .post("/api/v1/courses", admin_b, course_body(c.org_b.id))
        .await
        .expect(201);
    let cohorts = format!("/api/v1/courses/{}/cohorts", course.id);
    let cohort: Cohort = app
        .post(&cohorts, admin_b, cohort_body(2))
        .await
        .expect(201);
    let spare: Cohort = app
        .post(&cohorts, admin_b, cohort_body(2))
        .await
        .expect(201);
    let _: Value = app
        .post(
            &format!("/api/v1/cohorts/{}/enrolments", cohort.summary.id),
            member_a,
            json!({}),
        )
        .await
        .expect(201);
    let open: Event = app
        .post(
            "/api/v1/events",
            admin_b,
            event_body(c.org_b.id, 20, "partnership"),
        )
        .await
        .expect(201);
    let private: Event = app
        .post(
            "/api/v1/events",
            admin_b,
            event_body(c.org_b.id, 20, "organisation"),
        )
        .await
        .expect(201);
    let _: Value = app
        .post(
            &format!("/api/v1/events/{}/bookings", open.id),
            member_a,
            json!({}),
        )
        .await
        .expect(201);

    settled(&db).await;
    let (first, next) = follow(&app, &feed, start.cursor, 100).await;
    assert!(
        !first
            .iter()
            .any(|c| (c.object_type, c.id) == (ChangeType::Event, private.id)),
        "another organisation's own event is never named"
    );
    let mut copy = BTreeMap::new();
    apply(&mut copy, &first);
    let cohorts_now = copied(&copy, ChangeType::Cohort, |c| c.cohort.clone());
    assert_eq!(cohorts_now[&cohort.summary.id].taken, 1, "the place taken");
    let courses_now = copied(&copy, ChangeType::Course, |c| c.course.clone());
    assert_eq!(courses_now[&course.id].upcoming_cohorts, 2);
    let events_now = copied(&copy, ChangeType::Event, |c| c.event.clone());
    assert_eq!(events_now[&open.id].booked, 1, "the place booked");
    let shown: Event = app
        .get(&format!("/api/v1/events/{}", open.id), &feed)
        .await
        .expect(200);
    assert_eq!(events_now[&open.id], shown);
    // A token reading training alone gets no events.
    let training_only = token(&app, admin_a, &["read_training"]).await;
    let (training, _) = follow(&app, &training_only, start.cursor, 100).await;
    assert!(
        training
            .iter()
            .all(|c| matches!(c.object_type, ChangeType::Course | ChangeType::Cohort))
    );
    assert!(!training.is_empty());

    // The course renamed (its cohorts show the title), the spare cohort removed, the open
    // event kept for Riverside's people from now on, the private one removed.
    let mut renamed = course_body(c.org_b.id);
    renamed["title"] = json!("QI Fundamentals (two days)");
    let _: Course = app
        .put_if_match(
            &format!("/api/v1/courses/{}", course.id),
            admin_b,
            course.version,
            renamed,
        )
        .await
        .expect(200);
    let removed = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/cohorts/{}", spare.summary.id),
            Some(admin_b),
            None,
        )
        .await;
    assert_eq!(removed.status.as_u16(), 204);
    let mut closed = event_body(c.org_b.id, 20, "organisation");
    closed["title"] = json!(open.title);
    let _: Event = app
        .put_if_match(
            &format!("/api/v1/events/{}", open.id),
            admin_b,
            open.version,
            closed,
        )
        .await
        .expect(200);
    for event in [private.id] {
        let removed = app
            .call(
                reqwest::Method::DELETE,
                &format!("/api/v1/events/{event}"),
                Some(admin_b),
                None,
            )
            .await;
        assert_eq!(removed.status.as_u16(), 204);
    }

    // Riverside renamed: the course names its provider by the new name.
    let _: Value = app
        .patch(
            &format!("/api/v1/organisations/{}", c.org_b.id),
            &app.admin,
            json!({"name": "Riverside Medical Practice"}),
        )
        .await
        .expect(200);

    settled(&db).await;
    let (second, _) = follow(&app, &feed, next, 100).await;
    let tombstone = |object_type, id| {
        second
            .iter()
            .find(|c| c.op == ChangeOp::Delete && (c.object_type, c.id) == (object_type, id))
            .and_then(|c| c.reason)
    };
    assert_eq!(
        tombstone(ChangeType::Cohort, spare.summary.id),
        Some(TombstoneReason::Deleted)
    );
    assert_eq!(
        tombstone(ChangeType::Event, open.id),
        Some(TombstoneReason::NoLongerVisible)
    );
    assert!(
        !second
            .iter()
            .any(|c| (c.object_type, c.id) == (ChangeType::Event, private.id)),
        "nor is its removal"
    );
    apply(&mut copy, &second);

    // The copy kept from the feed is what the token's lists show now, field for field.
    assert_eq!(
        copied(&copy, ChangeType::Course, |c| c.course.clone()),
        every_item(&app, &feed, "/api/v1/courses", |c: &Course| c.id).await
    );
    let cohorts_now = copied(&copy, ChangeType::Cohort, |c| c.cohort.clone());
    assert_eq!(
        cohorts_now,
        every_item(&app, &feed, "/api/v1/cohorts", |c: &CohortSummary| c.id).await
    );
    assert_eq!(
        cohorts_now[&cohort.summary.id].course_title,
        "QI Fundamentals (two days)"
    );
    assert_eq!(
        copied(&copy, ChangeType::Course, |c| c.course.clone())[&course.id].provider_name,
        "Riverside Medical Practice"
    );
    assert_eq!(
        copied(&copy, ChangeType::Event, |c| c.event.clone()),
        every_item(&app, &feed, "/api/v1/events", |e: &Event| e.id).await
    );
}

/// Many writers in overlapping transactions, committing out of order (some held open on
/// purpose), while a reader follows the feed: every change is seen once, none skipped, none
/// twice. Only PostgreSQL runs transactions side by side; SQLite writes one at a time.
#[tokio::test]
async fn on_postgresql_late_commits_are_never_skipped() {
    let (app, db) = spawn_app_with_db().await;
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let c = cast(&app).await;
    let feed = token(&app, &c.admin_a.1, &["read_projects"]).await;
    let mut projects = Vec::new();
    for n in 0..120 {
        projects.push(
            project(
                &app,
                &c.member_b.1,
                c.org_b.id,
                &format!("Audit {n}"),
                "partnership",
            )
            .await
            .id,
        );
    }
    // The cursor is the server's horizon, which any transaction open elsewhere on the server
    // (other tests' databases) holds back; taken while one is open, it would bring the
    // creations again, each as the project is then (maybe before its change commits). Once
    // the horizon has passed them, the feed from the cursor is exactly the changes below.
    settled(&db).await;
    let start: ChangeCursor = app.get("/api/v1/changes/cursor", &feed).await.expect(200);

    // Eight writers, each changing its share of the projects one transaction at a time, holding
    // each open for a while after writing (so transactions that began earlier commit later).
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let db = db.clone();
            let mine: Vec<i64> = projects.iter().copied().skip(w).step_by(8).collect();
            tokio::spawn(async move {
                for (n, id) in mine.into_iter().enumerate() {
                    let txn = db.begin().await.expect("begin");
                    txn.execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "UPDATE projects SET title = $1 WHERE id = $2",
                        [format!("Audit {id} changed").into(), id.into()],
                    ))
                    .await
                    .expect("update");
                    let hold = if n % 5 == w % 5 {
                        400
                    } else {
                        (w * 7 + n * 13) % 40
                    };
                    tokio::time::sleep(std::time::Duration::from_millis(hold as u64)).await;
                    txn.commit().await.expect("commit");
                }
            })
        })
        .collect();

    // The reader follows all along, a few changes a page.
    let mut seen: Vec<Change> = Vec::new();
    let mut since = start.cursor;
    loop {
        let done = writers.iter().all(|w| w.is_finished());
        let (changes, next) = follow(&app, &feed, since, 7).await;
        seen.extend(changes);
        since = next;
        if done {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for writer in writers {
        writer.await.expect("the writer finished");
    }
    let (rest, _) = follow(&app, &feed, since, 7).await;
    seen.extend(rest);

    let mut times: BTreeMap<i64, usize> = BTreeMap::new();
    for change in &seen {
        assert_eq!(change.op, ChangeOp::Upsert);
        let project = change.project.as_ref().expect("the project");
        assert!(
            project.title.ends_with("changed"),
            "sent once committed: {}",
            project.title
        );
        *times.entry(change.id).or_default() += 1;
    }
    assert_eq!(
        times.keys().copied().collect::<Vec<_>>(),
        projects,
        "every change seen"
    );
    assert!(times.values().all(|n| *n == 1), "none twice: {times:?}");
}

#[tokio::test]
async fn without_any_credentials_the_feed_answers_401() {
    let app = spawn_app_with(|_| {}).await;
    for path in ["/api/v1/changes", "/api/v1/changes/cursor"] {
        let answer = app
            .client
            .get(app.url(path))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(answer.status(), 401, "{path}");
        assert_eq!(
            answer.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_cursor_older_than_the_changes_kept_is_gone() {
    let (app, db) = spawn_app_with_db_with(|s| {
        s.changes.retention_days = 1;
        s.changes.prune_check_seconds = 1;
    })
    .await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let feed = token(&app, admin_a, &["read_projects"]).await;
    let start: ChangeCursor = app.get("/api/v1/changes/cursor", &feed).await.expect(200);
    let old = project(&app, admin_a, c.org_a.id, "Falls huddles", "partnership").await;
    let recent = project(&app, admin_a, c.org_a.id, "Sepsis screening", "partnership").await;
    settled(&db).await;
    let (seen, end) = follow(&app, &feed, start.cursor, 100).await;
    assert!(seen.iter().any(|c| c.id == old.id) && seen.iter().any(|c| c.id == recent.id));

    // The first project's changes made two days ago: past the one day kept.
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE changes SET changed_at = changed_at - 172800 \
             WHERE object_type = 'project' AND object_id = {}",
            old.id
        ),
    ))
    .await
    .expect("backdate the changes");

    let mut gone = None;
    for _ in 0..100 {
        let answer = app
            .get(
                &format!("/api/v1/changes?since={}", start.cursor.encode()),
                &feed,
            )
            .await;
        if answer.status == 410 {
            gone = Some(answer.problem(410));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let gone = gone.expect("the old cursor answers 410 once its changes are removed");
    assert_eq!(gone.code, "gone");
    assert!(
        gone.detail
            .unwrap_or_default()
            .contains("load everything again")
    );

    // A cursor past what was removed misses nothing and still reads; the feed from the oldest
    // kept no longer holds the old project's changes, and still holds the recent one's.
    let _: ChangePage = app
        .get(&format!("/api/v1/changes?since={}", end.encode()), &feed)
        .await
        .expect(200);
    let kept: ChangePage = app
        .get("/api/v1/changes?limit=1000", &feed)
        .await
        .expect(200);
    assert!(!kept.changes.iter().any(|c| c.id == old.id));
    assert!(kept.changes.iter().any(|c| c.id == recent.id));
}
