//! `qi pull` end to end: the real server with two organisations' data, a token of A, and a pull
//! into a fresh database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set) compared row
//! for row, column for column, with what the token reads through the export endpoints; then
//! changes of every kind and a second pull; then a pull killed mid-load and resumed.
//!
//! The pull runs in this process (`qi_api::pull::run`) and is killed by aborting its task: the
//! `qi` binary is not built before these tests, and an aborted task drops its open transaction
//! as a killed process would (nothing after the last commit is kept).

use std::time::Duration;

use qi_api::pull::{
    PullOptions,
    client::ClientError,
    target::{self, Phase},
};
use qi_shared::{
    capability::{PersonTier, coaching::CoachingSession},
    event::{Booking, Event},
    export::ExportedPoint,
    measure::Measure,
    project::{Project, ProjectSummary},
    training::{CohortSummary, Course, Enrolment},
};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{
    changes::{project, replace, settled, token},
    events::event_body,
    helpers::{Cast, TestApp, cast, spawn_app_with_db},
    measures::count_measure,
    training::{cohort_body, course_body},
};

/// A fresh, empty database for the copy, and its URL.
async fn fresh_target() -> (String, DatabaseConnection) {
    let suffix: u64 = rand::random();
    let url = match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            let server = server.trim_end_matches('/');
            // Named like the server's test databases, so the test script's clean-up drops it.
            let name = format!("qi_test_pull_{suffix:016x}");
            let admin = Database::connect(format!("{server}/postgres"))
                .await
                .expect("connect to the PostgreSQL server");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the copy's database");
            admin.close().await.ok();
            format!("{server}/{name}")
        }
        None => {
            let path = std::env::temp_dir().join(format!("qi-pull-{suffix:016x}.db"));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    };
    // Opened after the pull has made its tables, to read them back.
    let db = qi_api::db::connect(&url, 2)
        .await
        .expect("open the copy's database");
    (url, db)
}

fn options(app: &TestApp, token: &str, into: &str) -> PullOptions {
    let mut options = PullOptions::new(
        app.address.clone(),
        SecretString::from(token.to_owned()),
        into.to_owned(),
    );
    options.progress = false;
    options.backoff = Duration::from_millis(20);
    options
}

/// A bulk export read as the token reads it, in id order: none if its scopes do not cover it.
async fn export<T: DeserializeOwned>(app: &TestApp, token: &str, collection: &str) -> Vec<T> {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/export/{collection}?format=ndjson")))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers");
    if response.status() == reqwest::StatusCode::FORBIDDEN {
        return Vec::new();
    }
    let body = response.text().await.expect("the export");
    body.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).expect("a row"))
        .collect()
}

/// The copy equals what the token reads now: every project, measure (with its points and
/// annotations), data point, course, cohort, event, enrolment, booking, coaching session and
/// capability tier, every column.
async fn assert_copy_equals_source(app: &TestApp, token: &str, copy: &DatabaseConnection) {
    let mut enrolments: Vec<Enrolment> = export(app, token, "enrolments").await;
    enrolments.sort_by_key(|e| e.id);
    assert_eq!(
        target::rows::<Enrolment>(copy, &target::ENROLMENTS)
            .await
            .expect("the copy's enrolments"),
        enrolments
    );
    let mut bookings: Vec<Booking> = export(app, token, "bookings").await;
    bookings.sort_by_key(|b| b.id);
    assert_eq!(
        target::rows::<Booking>(copy, &target::BOOKINGS)
            .await
            .expect("the copy's bookings"),
        bookings
    );
    assert_eq!(
        target::rows::<CoachingSession>(copy, &target::COACHING_SESSIONS)
            .await
            .expect("the copy's coaching sessions"),
        export::<CoachingSession>(app, token, "coaching-sessions").await
    );
    assert_eq!(
        target::rows::<PersonTier>(copy, &target::CAPABILITY_TIERS)
            .await
            .expect("the copy's tiers"),
        export::<PersonTier>(app, token, "capability-tiers").await
    );
    assert_eq!(
        target::rows::<Course>(copy, &target::COURSES)
            .await
            .expect("the copy's courses"),
        export::<Course>(app, token, "courses").await
    );
    assert_eq!(
        target::rows::<CohortSummary>(copy, &target::COHORTS)
            .await
            .expect("the copy's cohorts"),
        export::<CohortSummary>(app, token, "cohorts").await
    );
    assert_eq!(
        target::rows::<Event>(copy, &target::EVENTS)
            .await
            .expect("the copy's events"),
        export::<Event>(app, token, "events").await
    );
    let mut projects: Vec<ProjectSummary> = export(app, token, "projects").await;
    projects.sort_by_key(|p| p.id);
    assert_eq!(
        target::projects(copy).await.expect("the copy's projects"),
        projects
    );
    let mut measures: Vec<Measure> = export(app, token, "measures").await;
    measures.sort_by_key(|m| m.id);
    assert_eq!(
        target::measures(copy).await.expect("the copy's measures"),
        measures
    );
    let mut points: Vec<ExportedPoint> = export(app, token, "measure-points").await;
    points.sort_by_key(|p| p.id);
    assert_eq!(
        target::points(copy).await.expect("the copy's points"),
        points
    );
}

async fn measure_with_data(app: &TestApp, who: &str, project: i64, weeks: u32) -> Measure {
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{project}/measures"),
            who,
            count_measure(),
        )
        .await
        .expect(201);
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).expect("a date");
    let points: Vec<Value> = (0..weeks)
        .map(|w| {
            json!({
                "date": start + chrono::Duration::weeks(w.into()),
                "value": w * 7 % 23,
                "note": if w % 5 == 0 { "=audit week" } else { "" },
            })
        })
        .collect();
    let measure: Measure = app
        .put_if_match(
            &format!("/api/v1/measures/{}/points", measure.id),
            who,
            measure.version,
            json!({ "points": points }),
        )
        .await
        .expect(200);
    let _: Value = app
        .post(
            &format!("/api/v1/measures/{}/annotations", measure.id),
            who,
            json!({"date": start, "kind": "phase_change", "label": "New falls bundle"}),
        )
        .await
        .expect(201);
    measure
}

/// A project as it is now (its version moves with every change).
async fn now(app: &TestApp, who: &str, id: i64) -> Project {
    app.get(&format!("/api/v1/projects/{id}"), who)
        .await
        .expect(200)
}

async fn delete_measure(app: &TestApp, who: &str, id: i64) {
    let current: Measure = app
        .get(&format!("/api/v1/measures/{id}"), who)
        .await
        .expect(200);
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/measures/{id}")))
        .bearer_auth(who)
        .header("If-Match", format!("\"{}\"", current.version))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(removed.status(), 204);
}

struct World {
    ours: Project,
    open: Project,
    hidden: Project,
    our_measure: Measure,
    open_measure: Measure,
    hidden_measure: Measure,
    course: Course,
    cohort: i64,
    our_event: Event,
    open_event: Event,
    their_event: Event,
}

/// A's project (organisation only) and B's open and private ones, each with a measure with data;
/// B's course with a cohort in which A's member has a place; A's event, B's open event (A's
/// member booked) and B's event for its own people.
async fn world(app: &TestApp, c: &Cast) -> World {
    let (a, b) = (&c.member_a.1, &c.member_b.1);
    let (admin_a, admin_b) = (&c.admin_a.1, &c.admin_b.1);
    let course: Course = app
        .post("/api/v1/courses", admin_b, course_body(c.org_b.id))
        .await
        .expect(201);
    let cohort: Value = app
        .post(
            &format!("/api/v1/courses/{}/cohorts", course.id),
            admin_b,
            cohort_body(8),
        )
        .await
        .expect(201);
    let cohort = cohort["id"].as_i64().expect("a cohort id");
    let _: Value = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/enrolments"),
            a,
            json!({}),
        )
        .await
        .expect(201);
    let our_event: Event = app
        .post(
            "/api/v1/events",
            admin_a,
            event_body(c.org_a.id, 30, "organisation"),
        )
        .await
        .expect(201);
    let open_event: Event = app
        .post(
            "/api/v1/events",
            admin_b,
            event_body(c.org_b.id, 30, "partnership"),
        )
        .await
        .expect(201);
    let their_event: Event = app
        .post(
            "/api/v1/events",
            admin_b,
            event_body(c.org_b.id, 30, "organisation"),
        )
        .await
        .expect(201);
    for event in [&open_event, &our_event] {
        let _: Value = app
            .post(
                &format!("/api/v1/events/{}/bookings", event.id),
                a,
                json!({}),
            )
            .await
            .expect(201);
    }
    let ours = project(app, a, c.org_a.id, "Falls on ward 7", "organisation").await;
    let open = project(
        app,
        b,
        c.org_b.id,
        "Riverside asthma reviews",
        "partnership",
    )
    .await;
    let hidden = project(app, b, c.org_b.id, "Riverside private audit", "team").await;
    World {
        our_measure: measure_with_data(app, a, ours.id, 30).await,
        open_measure: measure_with_data(app, b, open.id, 12).await,
        hidden_measure: measure_with_data(app, b, hidden.id, 8).await,
        ours,
        open,
        hidden,
        course,
        cohort,
        our_event,
        open_event,
        their_event,
    }
}

#[tokio::test]
async fn a_pull_copies_what_the_token_reads_and_follows_its_changes() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let w = world(&app, &c).await;
    let feed = token(
        &app,
        &c.admin_a.1,
        &[
            "read_projects",
            "read_measures",
            "read_training",
            "read_events",
        ],
    )
    .await;
    let (into, copy) = fresh_target().await;

    settled(&db).await;
    let first = qi_api::pull::run(&options(&app, &feed, &into))
        .await
        .expect("the first pull");
    // Two projects, two measures, their points and annotations: B's private one left out; the
    // course, its cohort, and two events: B's own left out.
    assert_eq!(first.rows_loaded, 2 + 2 + 30 + 12 + 2 + 1 + 1 + 2);
    // Read whole: A's member's place, the booking of A's event, and A's three people's tiers.
    assert_eq!(first.rows_refreshed, 1 + 1 + 3);
    assert_copy_equals_source(&app, &feed, &copy).await;
    let projects = target::projects(&copy).await.expect("projects");
    assert_eq!(
        projects.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![w.ours.id, w.open.id]
    );
    let measures = target::measures(&copy).await.expect("measures");
    assert!(!measures.iter().any(|m| m.id == w.hidden_measure.id));
    let state = target::state(&copy)
        .await
        .expect("the state")
        .expect("kept");
    assert_eq!(state.phase, Phase::Feed);
    assert!(state.finished_at.is_some());

    // Every kind of change: B makes its open project private (it goes, with its measure), and
    // lets A in as a partner on the private one (it comes, with its measure); A renames its
    // project, adds data, deletes its measure and makes a new one.
    let open = now(&app, &c.member_b.1, w.open.id).await;
    replace(&app, &c.member_b.1, &open, |p| {
        p["visibility"] = json!("team")
    })
    .await;
    let hidden = now(&app, &c.member_b.1, w.hidden.id).await;
    replace(&app, &c.member_b.1, &hidden, |p| {
        p["partner_organisation_ids"] = json!([c.org_a.id])
    })
    .await;
    let ours = now(&app, &c.member_a.1, w.ours.id).await;
    let ours = replace(&app, &c.member_a.1, &ours, |p| {
        p["title"] = json!("Falls on wards 7 and 8")
    })
    .await;
    delete_measure(&app, &c.member_a.1, w.our_measure.id).await;
    let new_measure = measure_with_data(&app, &c.member_a.1, ours.id, 5).await;
    let _: Value = app
        .post(
            &format!("/api/v1/measures/{}/points", new_measure.id),
            &c.member_a.1,
            json!({"date": "2026-11-02", "value": 14}),
        )
        .await
        .expect(201);
    let another = project(&app, &c.member_b.1, c.org_b.id, "Frailty at home", "public").await;
    // Training and events: B renames its course and A's admin takes a second place on the
    // cohort; B keeps its open event for its own people and opens the other to everyone; A
    // removes its event.
    let mut renamed = course_body(c.org_b.id);
    renamed["title"] = json!("QI Fundamentals (two days)");
    let _: Course = app
        .put_if_match(
            &format!("/api/v1/courses/{}", w.course.id),
            &c.admin_b.1,
            w.course.version,
            renamed,
        )
        .await
        .expect(200);
    let _: Value = app
        .post(
            &format!("/api/v1/cohorts/{}/enrolments", w.cohort),
            &c.admin_a.1,
            json!({}),
        )
        .await
        .expect(201);
    for (event, audience) in [
        (&w.open_event, "organisation"),
        (&w.their_event, "partnership"),
    ] {
        let _: Event = app
            .put_if_match(
                &format!("/api/v1/events/{}", event.id),
                &c.admin_b.1,
                event.version,
                event_body(c.org_b.id, 30, audience),
            )
            .await
            .expect(200);
    }
    let removed = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/events/{}", w.our_event.id),
            Some(&c.admin_a.1),
            None,
        )
        .await;
    assert_eq!(removed.status.as_u16(), 204);

    settled(&db).await;
    let second = qi_api::pull::run(&options(&app, &feed, &into))
        .await
        .expect("the second pull");
    assert_eq!(second.rows_loaded, 0, "later pulls follow the feed only");
    assert!(second.changes_applied > 0);
    assert_copy_equals_source(&app, &feed, &copy).await;
    let ids: Vec<i64> = target::projects(&copy)
        .await
        .expect("projects")
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, vec![w.ours.id, w.hidden.id, another.id]);
    let measure_ids: Vec<i64> = target::measures(&copy)
        .await
        .expect("measures")
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(measure_ids, vec![w.hidden_measure.id, new_measure.id]);
    assert!(
        !target::points(&copy)
            .await
            .expect("points")
            .iter()
            .any(|p| p.measure_id == w.open_measure.id || p.measure_id == w.our_measure.id),
        "the points of measures gone went with them"
    );
    let events: Vec<i64> = target::rows::<Event>(&copy, &target::EVENTS)
        .await
        .expect("events")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(events, vec![w.their_event.id]);
    assert!(
        target::rows::<Booking>(&copy, &target::BOOKINGS)
            .await
            .expect("bookings")
            .is_empty(),
        "the booking of the removed event went with it"
    );
    let cohorts = target::rows::<CohortSummary>(&copy, &target::COHORTS)
        .await
        .expect("cohorts");
    assert_eq!(
        (cohorts[0].taken, cohorts[0].course_title.as_str()),
        (2, "QI Fundamentals (two days)")
    );

    // Nothing new: a pull that changes nothing.
    settled(&db).await;
    let third = qi_api::pull::run(&options(&app, &feed, &into))
        .await
        .expect("the third pull");
    assert_eq!((third.rows_loaded, third.changes_applied), (0, 0));
    assert_copy_equals_source(&app, &feed, &copy).await;

    let projects = target::projects(&copy).await.expect("projects").len() as u64;
    // A copy made before projects had a type and quality dimensions gains the columns, and
    // its projects are read whole again to fill them.
    for column in ["project_type", "quality_dimensions"] {
        copy.execute_unprepared(&format!("ALTER TABLE qi_projects DROP COLUMN {column}"))
            .await
            .expect("an older copy");
    }
    let fourth = qi_api::pull::run(&options(&app, &feed, &into))
        .await
        .expect("the pull into an older copy");
    assert_eq!(fourth.rows_refreshed, third.rows_refreshed + projects);
    assert_copy_equals_source(&app, &feed, &copy).await;
}

#[tokio::test]
async fn a_pull_killed_mid_load_carries_on_and_ends_equal() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let feed = token(&app, &c.admin_a.1, &["read_projects", "read_measures"]).await;
    // Enough that the load takes many transactions: 400 projects, 40 measures of 100 points.
    let mut projects = Vec::new();
    for chunk in 0..40 {
        let made = futures_util::future::join_all((0..10).map(|n| {
            let (who, org, visibility) = if n % 2 == 0 {
                (&c.member_a.1, c.org_a.id, "organisation")
            } else {
                (&c.member_b.1, c.org_b.id, "partnership")
            };
            project(&app, who, org, "Sepsis screening in ED", visibility)
        }))
        .await;
        if chunk % 10 == 0 {
            // And B's private ones, never to be copied.
            project(&app, &c.member_b.1, c.org_b.id, "Private", "team").await;
        }
        projects.extend(made);
    }
    for (n, project) in projects.iter().take(40).enumerate() {
        let who = if n % 2 == 0 {
            &c.member_a.1
        } else {
            &c.member_b.1
        };
        measure_with_data(&app, who, project.id, 100).await;
    }
    let (into, copy) = fresh_target().await;
    settled(&db).await;

    let mut small = options(&app, &feed, &into);
    small.batch_rows = 50;
    small.page_size = 20;
    let pull = tokio::spawn(async move { qi_api::pull::run(&small).await });
    // Killed once it has committed some of the measures' rows, before the end of the load.
    let mut killed_at = None;
    for _ in 0..20_000 {
        if let Ok(Some(state)) = target::state(&copy).await
            && state.phase == Phase::Measures
            && state.loaded_after > 0
        {
            pull.abort();
            killed_at = Some(state);
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let _ = pull.await;
    let killed_at = killed_at.expect("the pull was seen mid-load");
    let state = target::state(&copy).await.expect("state").expect("kept");
    assert_ne!(state.phase, Phase::Feed, "killed before the load ended");
    assert!(state.rows_loaded >= killed_at.rows_loaded);

    // Changes while it was down: one of the copied projects renamed, one of B's made private.
    let renamed = now(&app, &c.member_a.1, projects[0].id).await;
    replace(&app, &c.member_a.1, &renamed, |p| {
        p["title"] = json!("Sepsis 6 in ED")
    })
    .await;
    let theirs = now(&app, &c.member_b.1, projects[1].id).await;
    replace(&app, &c.member_b.1, &theirs, |p| {
        p["visibility"] = json!("team")
    })
    .await;

    settled(&db).await;
    let mut again = options(&app, &feed, &into);
    again.batch_rows = 50;
    let resumed = qi_api::pull::run(&again).await.expect("the resumed pull");
    // 400 projects, 40 measures, their 4,000 points and 40 annotations.
    let total = 400 + 40 + 40 * 100 + 40;
    assert!(
        resumed.rows_loaded as i64 + state.rows_loaded <= total,
        "it went on from where it was ({} loaded before, {} after)",
        state.rows_loaded,
        resumed.rows_loaded
    );
    assert_copy_equals_source(&app, &feed, &copy).await;
    let copied = target::projects(&copy).await.expect("projects");
    assert_eq!(copied.len(), 400 - 1);
    assert!(copied.iter().all(|p| p.title != "Private"));
}

#[tokio::test]
async fn a_pull_says_why_it_cannot_read_and_leaves_out_what_its_scopes_do_not_cover() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let w = world(&app, &c).await;
    let (into, copy) = fresh_target().await;

    let wrong = qi_api::pull::run(&options(&app, "qi_0000000000", &into))
        .await
        .expect_err("a wrong token");
    assert!(
        matches!(
            wrong.downcast_ref::<ClientError>(),
            Some(ClientError::Unauthorized)
        ),
        "{wrong:#}"
    );
    let events = token(&app, &c.admin_a.1, &["read_dashboard"]).await;
    let forbidden = qi_api::pull::run(&options(&app, &events, &into))
        .await
        .expect_err("a token that reads nothing the feed carries");
    assert!(
        matches!(
            forbidden.downcast_ref::<ClientError>(),
            Some(ClientError::Forbidden { .. })
        ),
        "{forbidden:#}"
    );
    assert!(
        !format!("{forbidden:#}").contains(&events),
        "the token is never in a message"
    );
    let mut nowhere = options(&app, &events, &into);
    nowhere.from = "http://127.0.0.1:9".to_owned();
    let unreachable = qi_api::pull::run(&nowhere)
        .await
        .expect_err("nothing listens there");
    assert!(
        matches!(
            unreachable.downcast_ref::<ClientError>(),
            Some(ClientError::Unreachable { .. })
        ),
        "{unreachable:#}"
    );
    assert_eq!(target::state(&copy).await.expect("state"), None);

    // Projects only: the measures are left out, the projects copied.
    let projects_only = token(&app, &c.admin_a.1, &["read_projects"]).await;
    settled(&db).await;
    qi_api::pull::run(&options(&app, &projects_only, &into))
        .await
        .expect("a pull of projects");
    let copied: Vec<i64> = target::projects(&copy)
        .await
        .expect("projects")
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(copied, vec![w.ours.id, w.open.id]);
    assert!(target::measures(&copy).await.expect("measures").is_empty());

    // A copy follows one server.
    let mut elsewhere = options(&app, &projects_only, &into);
    elsewhere.from = format!("{}/other", app.address);
    let refused = qi_api::pull::run(&elsewhere)
        .await
        .expect_err("another server into the same copy");
    assert!(
        format!("{refused:#}").contains("is a copy of"),
        "{refused:#}"
    );
}
