//! Integration tests of the strategy targets: setting, changing and removing them with
//! If-Match, their history, who may set which, the answers to bad input, and their progress
//! counted from the real tables as of days before, during and after their period.

use qi_shared::dashboard::{
    MetricSeries,
    target::{TargetAction, TargetDetail, TargetList, TargetStatus},
};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, cast, fields, spawn_app, spawn_app_with_db};

const TARGETS: &str = "/api/v1/dashboard/targets";

fn coached(organisation_id: Option<i64>, value: f64) -> Value {
    json!({"organisation_id": organisation_id, "metric": "projects_coached",
           "comparator": "at_least", "value": value,
           "period_from": "2026-01-01", "period_to": "2026-12-31",
           "label": "40 projects coached"})
}

async fn delete_if_match(app: &TestApp, path: &str, token: &str, version: Option<i64>) -> u16 {
    let mut request = app.client.delete(app.url(path)).bearer_auth(token);
    if let Some(version) = version {
        request = request.header("If-Match", format!("\"{version}\""));
    }
    request
        .send()
        .await
        .expect("the server answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_target_is_set_changed_and_removed_with_its_history_kept() {
    let app = spawn_app().await;
    // Arrange: the partnership admin sets the partnership's target.
    let created: TargetDetail = app
        .post(TARGETS, &app.admin, coached(None, 40.0))
        .await
        .expect(201);
    let target = &created.target;
    let path = format!("{TARGETS}/{}", target.id);
    assert_eq!(target.version, 1);
    assert_eq!(target.definition.organisation_id, None);
    assert_eq!(target.definition.label, "40 projects coached");
    assert_eq!(created.history.len(), 1);

    // Changing needs the version loaded: none is 428, an old one 412.
    let changed = coached(None, 45.0);
    app.call(Method::PUT, &path, Some(&app.admin), Some(changed.clone()))
        .await
        .problem(428);
    let updated: TargetDetail = app
        .put_if_match(&path, &app.admin, 1, changed.clone())
        .await
        .expect(200);
    assert_eq!(updated.target.version, 2);
    assert_eq!(updated.target.definition.value, 45.0);
    app.put_if_match(&path, &app.admin, 1, coached(None, 50.0))
        .await
        .problem(412);

    // The history: newest first, what it was after each change, and who made it.
    let shown: TargetDetail = app.get(&path, &app.admin).await.expect(200);
    let actions: Vec<(TargetAction, i64, f64)> = shown
        .history
        .iter()
        .map(|c| (c.action, c.version, c.definition.value))
        .collect();
    assert_eq!(
        actions,
        vec![
            (TargetAction::Updated, 2, 45.0),
            (TargetAction::Created, 1, 40.0)
        ]
    );
    assert!(shown.history.iter().all(|c| !c.changed_by_name.is_empty()));

    // Removing: If-Match too; then it is gone from the list and its page.
    assert_eq!(delete_if_match(&app, &path, &app.admin, None).await, 428);
    assert_eq!(delete_if_match(&app, &path, &app.admin, Some(1)).await, 412);
    assert_eq!(delete_if_match(&app, &path, &app.admin, Some(2)).await, 204);
    app.get(&path, &app.admin).await.problem(404);
    let list: TargetList = app.get(TARGETS, &app.admin).await.expect(200);
    assert!(list.items.is_empty());
}

#[tokio::test]
async fn the_history_keeps_a_removed_target() {
    let (app, db) = spawn_app_with_db().await;
    let created: TargetDetail = app
        .post(TARGETS, &app.admin, coached(None, 40.0))
        .await
        .expect(201);
    let path = format!("{TARGETS}/{}", created.target.id);
    assert_eq!(delete_if_match(&app, &path, &app.admin, Some(1)).await, 204);
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT action FROM strategy_target_changes WHERE target_id = {} ORDER BY version",
                created.target.id
            ),
        ))
        .await
        .expect("the history");
    let actions: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "action").expect("an action"))
        .collect();
    assert_eq!(actions, vec!["created", "deleted"]);
}

#[tokio::test]
async fn an_organisation_admin_sets_only_their_own_organisations_targets() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (a, b) = (c.org_a.id, c.org_b.id);
    // (who, body, status, why)
    let cases = [
        (
            &c.admin_a.1,
            coached(Some(a), 10.0),
            201,
            "own organisation",
        ),
        (
            &c.admin_a.1,
            coached(Some(b), 10.0),
            403,
            "another organisation",
        ),
        (&c.admin_a.1, coached(None, 10.0), 403, "the partnership"),
        (&c.coach_a.1, coached(Some(a), 10.0), 403, "a coach"),
        (&c.member_a.1, coached(Some(a), 10.0), 403, "a member"),
        (&app.admin, coached(Some(b), 10.0), 201, "partnership admin"),
        (&app.admin, coached(None, 10.0), 201, "partnership admin"),
    ];
    for (token, body, status, why) in cases {
        let answer = app.post(TARGETS, token, body).await;
        assert_eq!(answer.status.as_u16(), status, "{why}: {}", answer.body);
    }
    app.call(Method::POST, TARGETS, None, Some(coached(None, 1.0)))
        .await
        .problem(401);
    app.call(Method::GET, TARGETS, None, None)
        .await
        .problem(401);

    // Everyone signed in reads them all; one organisation's on asking.
    let all: TargetList = app.get(TARGETS, &c.member_b.1).await.expect(200);
    assert_eq!(all.items.len(), 3);
    assert_eq!(
        all.items.first().and_then(|t| t.definition.organisation_id),
        None,
        "the partnership's first"
    );
    let only_b: TargetList = app
        .get(&format!("{TARGETS}?organisation_id={b}"), &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(only_b.items.len(), 1);
    let b_target = only_b.items.first().expect("organisation B's target");
    assert_eq!(
        b_target.organisation_name.as_deref(),
        Some("Riverside Surgery")
    );

    // Changing or removing another organisation's target, or moving one's own to another.
    let path = format!("{TARGETS}/{}", b_target.id);
    app.put_if_match(&path, &c.admin_a.1, 1, coached(Some(b), 12.0))
        .await
        .problem(403);
    assert_eq!(
        delete_if_match(&app, &path, &c.admin_a.1, Some(1)).await,
        403
    );
    let own: TargetList = app
        .get(&format!("{TARGETS}?organisation_id={a}"), &c.admin_a.1)
        .await
        .expect(200);
    let own_path = format!("{TARGETS}/{}", own.items.first().expect("A's target").id);
    app.put_if_match(&own_path, &c.admin_a.1, 1, coached(Some(b), 12.0))
        .await
        .problem(403);
    app.put_if_match(&own_path, &c.admin_a.1, 1, coached(Some(a), 12.0))
        .await
        .expect::<TargetDetail>(200);
    assert_eq!(
        delete_if_match(&app, &path, &c.admin_b.1, Some(1)).await,
        204
    );
}

#[tokio::test]
async fn bad_targets_are_answered_422_with_the_field() {
    let app = spawn_app().await;
    let with = |change: Value| {
        let mut body = coached(None, 40.0);
        if let (Some(body), Some(change)) = (body.as_object_mut(), change.as_object()) {
            body.extend(change.clone());
        }
        body
    };
    let cases = [
        (
            json!({"metric": "happiness"}),
            "metric",
            "an unknown metric",
        ),
        (
            json!({"period_to": "2025-12-31"}),
            "period_to",
            "the end before the start",
        ),
        (json!({"value": -1}), "value", "a negative target"),
        (
            json!({"metric": "involvement_share", "value": 120}),
            "value",
            "a share over 100",
        ),
        (
            json!({"metric": "involvement_share", "per": "month"}),
            "per",
            "a share per month",
        ),
        (
            json!({"comparator": "about"}),
            "comparator",
            "an unknown comparator",
        ),
        (
            json!({"organisation_id": 999999}),
            "organisation_id",
            "no such organisation",
        ),
        (json!({"label": "x".repeat(201)}), "label", "a long label"),
    ];
    for (change, field, why) in cases {
        let problem = app
            .post(TARGETS, &app.admin, with(change))
            .await
            .problem(422);
        assert_eq!(fields(&problem), vec![field], "{why}");
    }
    // A change is checked the same way.
    let created: TargetDetail = app
        .post(TARGETS, &app.admin, coached(None, 40.0))
        .await
        .expect(201);
    let problem = app
        .put_if_match(
            &format!("{TARGETS}/{}", created.target.id),
            &app.admin,
            1,
            with(json!({"value": -5})),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), vec!["value"]);
    app.get(&format!("{TARGETS}?as_of=2999-01-01"), &app.admin)
        .await
        .problem(422);
}

#[tokio::test]
async fn progress_is_counted_as_of_the_day_against_a_straight_line() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let project = |title: &str, org: i64, lead: i64, involvement: bool| {
        json!({"title": title, "aim": "Reduce falls by 30% by March", "lead_organisation_id": org,
               "status": "active", "visibility": "team",
               "involvement": {"involved": involvement, "how": if involvement { "Patient panel" } else { "" }},
               "team": [{"person_id": lead, "role": "lead"}]})
    };
    // Two projects of organisation A, started on 10 February and 10 May 2026; only the first
    // involves patients.
    let mut ids = Vec::new();
    for (title, involvement) in [("Fewer falls", true), ("Timely reviews", false)] {
        let created: Value = app
            .post(
                "/api/v1/projects",
                &c.member_a.1,
                project(title, c.org_a.id, c.member_a.0.id, involvement),
            )
            .await
            .expect(201);
        ids.push(created["id"].as_i64().expect("an id"));
    }
    for (id, day) in ids.iter().zip(["2026-02-10", "2026-05-10"]) {
        for sql in [
            format!(
                "UPDATE projects SET created_at = '{day}T12:00:00Z', start_date = '{day}' WHERE id = {id}"
            ),
            format!(
                "UPDATE project_status_changes SET changed_at = '{day}T12:00:00Z' WHERE project_id = {id}"
            ),
        ] {
            db.execute_unprepared(&sql).await.expect(&sql);
        }
    }
    // Four projects started in 2026 across the partnership; half of A's involving patients.
    let started: TargetDetail = app
        .post(
            TARGETS,
            &app.admin,
            json!({"metric": "projects_started", "comparator": "at_least", "value": 4,
                   "period_from": "2026-01-01", "period_to": "2026-12-31"}),
        )
        .await
        .expect(201);
    let share: TargetDetail = app
        .post(
            TARGETS,
            &c.admin_a.1,
            json!({"organisation_id": c.org_a.id, "metric": "involvement_share",
                   "comparator": "at_least", "value": 60,
                   "period_from": "2026-01-01", "period_to": "2026-12-31"}),
        )
        .await
        .expect(201);
    assert_eq!(
        started.target.definition.label,
        "At least 4: Projects started"
    );

    let progress = |detail: &TargetDetail| detail.target.progress.clone();
    let on = |day: &str, id: i64| {
        let app = &app;
        let token = c.member_b.1.clone();
        let day = day.to_owned();
        async move {
            let detail: TargetDetail = app
                .get(&format!("{TARGETS}/{id}?as_of={day}"), &token)
                .await
                .expect(200);
            progress(&detail)
        }
    };
    let before = on("2025-12-31", started.target.id).await;
    assert_eq!(before.status, TargetStatus::NotStarted);
    assert_eq!(before.current, None);
    // The end of March: one started, 4 x 90/365 expected.
    let march = on("2026-03-31", started.target.id).await;
    assert_eq!(march.current, Some(1.0));
    let expected = march.expected.expect("an expectation");
    assert!((expected - 4.0 * 90.0 / 365.0).abs() < 1e-9, "{expected}");
    assert_eq!(march.status, TargetStatus::OnTrack);
    // The end of September: two, about three expected.
    let september = on("2026-09-30", started.target.id).await;
    assert_eq!(september.current, Some(2.0));
    assert_eq!(september.status, TargetStatus::NotOnTrack);
    // A's share: all of one project in March, half of two in June.
    let share_march = on("2026-03-31", share.target.id).await;
    assert_eq!(
        (share_march.current, share_march.expected),
        (Some(100.0), Some(60.0))
    );
    assert_eq!(share_march.status, TargetStatus::OnTrack);
    let share_june = on("2026-06-30", share.target.id).await;
    assert_eq!(share_june.current, Some(50.0));
    assert_eq!(share_june.on_track, Some(false));

    // The list shows the same, as of the day asked.
    let list: TargetList = app
        .get(&format!("{TARGETS}?as_of=2026-09-30"), &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(list.items.len(), 2);
    assert!(
        list.items
            .iter()
            .all(|t| t.progress.status == TargetStatus::NotOnTrack)
    );

    // The metric's chart draws the target as a monthly figure: four a year is a third a month.
    let series: MetricSeries = app
        .get(
            "/api/v1/dashboard/metrics/projects_started?as_of=2026-09-30",
            &c.member_b.1,
        )
        .await
        .expect(200);
    let line = series.target.expect("a target line");
    assert!((line - 4.0 / 12.0).abs() < 1e-9, "{line}");
    let own: MetricSeries = app
        .get(
            &format!(
                "/api/v1/dashboard/metrics/involvement_share?as_of=2026-09-30&organisation_id={}",
                c.org_a.id
            ),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert_eq!(own.target, Some(60.0));
    let none: MetricSeries = app
        .get(
            "/api/v1/dashboard/metrics/involvement_share?as_of=2026-09-30",
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert_eq!(none.target, None, "the partnership has no such target");
}
