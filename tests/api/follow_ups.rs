//! "Did it last?" (issue 19): a completed project's follow-ups at 6 and 12 months, its measures
//! checked by the SPC engine, recorded by its team, counted on the dashboard and held against a
//! score of 4.5; and the reminder to its leads when one falls due.

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use qi_api::db::entity::project_status_change;
use qi_shared::{
    dashboard::{Dashboard, Metric},
    evidence::ScoreEvidence,
    follow_up::{FollowUps, Held, Lasting},
    measure::Measure,
    project::Project,
    uk_time::day_of,
};
use reqwest::Method;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr,
};
use serde_json::{Value, json};

use crate::helpers::{Cast, SmtpServer, TestApp, cast, fields, spawn_app_with_db_with};

/// The first of the month `n` months before this one.
fn months_ago(n: u32) -> NaiveDate {
    let today = day_of(Utc::now());
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|first| first.checked_sub_months(Months::new(n)))
        .expect("a month")
}

/// The day the projects here were completed: 10 days into the month 7 months ago, so the
/// 6-month follow-up has fallen due (about three weeks ago) and the 12-month one is not open.
fn completed_on() -> NaiveDate {
    months_ago(7) + Days::new(9)
}

/// A completed project of organisation A led by `member_a`, coached by `coach_a`, seen by
/// `visibility`, completed on [`completed_on`].
async fn completed_project(
    app: &TestApp,
    db: &DatabaseConnection,
    c: &Cast,
    title: &str,
    visibility: &str,
) -> Project {
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": title, "aim": "Reduce falls by 30% by March", "lead_organisation_id": c.org_a.id,
                   "status": "completed", "visibility": visibility,
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"}, {"person_id": c.coach_a.0.id, "role": "coach"}]}),
        )
        .await
        .expect(201);
    complete_on(db, project.id, completed_on()).await;
    project
}

async fn complete_on(db: &DatabaseConnection, project_id: i64, day: NaiveDate) {
    let at = day.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    project_status_change::Entity::update_many()
        .col_expr(project_status_change::Column::ChangedAt, Expr::value(at))
        .filter(project_status_change::Column::ProjectId.eq(project_id))
        .exec(db)
        .await
        .expect("backdate the completion");
}

/// Falls a month: 12 months at about 8, a falls bundle (a phase change) and 12 at about 5, all
/// before completion; then the months since, `since`.
async fn falls_measure(app: &TestApp, token: &str, project_id: i64, since: &[f64]) -> Measure {
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{project_id}/measures"),
            token,
            json!({
                "name": "Inpatient falls",
                "type": "outcome",
                "operational_definition": "Inpatient falls on the ward, by calendar month",
                "unit": "count",
                "improvement_direction": "decrease",
                "frequency": "monthly",
            }),
        )
        .await
        .expect(201);
    let before = [
        8.0, 7.0, 9.0, 8.0, 7.0, 8.0, 9.0, 7.0, 8.0, 8.0, 9.0, 7.0, 5.0, 4.0, 5.0, 6.0, 5.0, 4.0,
        5.0, 5.0, 6.0, 4.0, 5.0, 5.0,
    ];
    // The 24 months before completion end with the month it was completed in.
    let first = months_ago(7 + 23);
    let month = |n: usize| {
        first
            .checked_add_months(Months::new(n as u32))
            .expect("a month")
    };
    let points: Vec<Value> = before
        .iter()
        .chain(since)
        .enumerate()
        .map(|(n, value)| json!({"date": month(n), "value": value}))
        .collect();
    let measure: Measure = app
        .put_with(
            &format!("/api/v1/measures/{}/points", measure.id),
            token,
            Some(format!("\"{}\"", measure.version)),
            json!({ "points": points }),
        )
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/measures/{}/annotations", measure.id),
        token,
        json!({"date": month(12), "kind": "phase_change", "label": "Falls bundle on every bay"}),
    )
    .await
    .expect::<Value>(201);
    measure
}

fn path(project: &Project) -> String {
    format!("/api/v1/projects/{}/follow-ups", project.id)
}

#[tokio::test]
async fn a_completed_project_is_followed_up_and_the_finding_counts() {
    let (app, db) = spawn_app_with_db_with(|_| {}).await;
    let c = cast(&app).await;
    let (lead, coach, other) = (&c.member_a.1, &c.coach_a.1, &c.member_b.1);

    // Not completed: no follow-ups, and none to record.
    let active: Project = app
        .post(
            "/api/v1/projects",
            lead,
            json!({"title": "Sepsis screening", "aim": "Screen 95% within the hour", "lead_organisation_id": c.org_a.id,
                   "status": "active", "visibility": "partnership"}),
        )
        .await
        .expect(201);
    let none: FollowUps = app.get(&path(&active), lead).await.expect(200);
    assert_eq!((none.completed_on, none.slots.len()), (None, 0));
    let refused = app
        .put(
            &format!("{}/six_months", path(&active)),
            lead,
            json!({"outcome": "sustained"}),
        )
        .await
        .problem(409);
    assert_eq!(fields(&refused), ["status"]);

    let project = completed_project(&app, &db, &c, "Fewer falls on ward 7", "partnership").await;
    let measure = falls_measure(&app, lead, project.id, &[5.0, 4.0, 5.0, 6.0, 4.0, 5.0]).await;
    app.post(
        &format!("/api/v1/projects/{}/scores", project.id),
        coach,
        json!({"score": 4.5, "reason": "Falls held down since the bundle"}),
    )
    .await
    .expect::<Value>(201);

    let view: FollowUps = app.get(&path(&project), lead).await.expect(200);
    assert_eq!(view.completed_on, Some(completed_on()));
    assert!(view.may_record);
    let due: Vec<_> = view
        .slots
        .iter()
        .map(|s| (s.point.as_str(), s.due_on))
        .collect();
    assert_eq!(
        due,
        [
            ("six_months", completed_on() + Months::new(6)),
            ("twelve_months", completed_on() + Months::new(12)),
        ]
    );
    let check = view.check.expect("the measures checked");
    assert_eq!(check.measures[0].held, Held::Held, "{:?}", check.measures);
    assert_eq!(check.measures[0].values_since, 6);
    assert_eq!(check.suggested, Some(Lasting::Sustained));

    // A score of 4.5 claims the improvement lasts: flagged until a follow-up found it so.
    let evidence: ScoreEvidence = app
        .get(&format!("/api/v1/projects/{}/evidence", project.id), lead)
        .await
        .expect(200);
    assert!(
        evidence.supported && evidence.flagged,
        "{}",
        evidence.reason
    );

    // Bad input: named by its field, nothing recorded.
    let six = format!("{}/six_months", path(&project));
    let tomorrow = day_of(Utc::now()) + Days::new(1);
    for (body, field) in [
        (
            json!({"outcome": "sustained", "recorded_on": tomorrow}),
            "recorded_on",
        ),
        (
            json!({"outcome": "sustained", "note": "x".repeat(2001)}),
            "note",
        ),
        (json!({"outcome": "forever"}), "outcome"),
    ] {
        let problem = app.put(&six, lead, body).await.problem(422);
        assert_eq!(fields(&problem), [field]);
    }
    let early = app
        .put(
            &format!("{}/twelve_months", path(&project)),
            lead,
            json!({"outcome": "sustained"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&early), ["recorded_on"], "not open yet");
    app.put(
        &format!("{}/eighteen_months", path(&project)),
        lead,
        json!({"outcome": "sustained"}),
    )
    .await
    .problem(404);
    // Others who may see it may not record it.
    let view: FollowUps = app.get(&path(&project), other).await.expect(200);
    assert!(!view.may_record && view.slots.iter().all(|s| s.follow_up.is_none()));
    app.put(&six, other, json!({"outcome": "sustained"}))
        .await
        .problem(403);

    let recorded: FollowUps = app
        .put(
            &six,
            lead,
            json!({"outcome": "sustained", "note": "Still about 5 a month"}),
        )
        .await
        .expect(200);
    let found = recorded.slots[0].follow_up.clone().expect("recorded");
    assert_eq!(found.outcome, Lasting::Sustained);
    assert_eq!(found.recorded_on, day_of(Utc::now()));
    assert_eq!(found.recorded_by, c.member_a.0.name);
    assert_eq!(
        found.check.suggested,
        Some(Lasting::Sustained),
        "the check kept"
    );
    let evidence: ScoreEvidence = app
        .get(&format!("/api/v1/projects/{}/evidence", project.id), lead)
        .await
        .expect(200);
    assert!(!evidence.flagged, "{}", evidence.reason);
    assert_eq!(evidence.lasting, Some(Lasting::Sustained));

    // The dashboard counts it for its lead organisation.
    let sustained = |d: &Dashboard| {
        d.metrics
            .iter()
            .find(|m| m.metric == Metric::ProjectsSustained)
            .and_then(|m| m.headline)
    };
    let mine: Dashboard = app
        .get(
            &format!("/api/v1/dashboard?organisation_id={}", c.org_a.id),
            lead,
        )
        .await
        .expect(200);
    assert_eq!(sustained(&mine), Some(1.0));
    let theirs: Dashboard = app
        .get(
            &format!("/api/v1/dashboard?organisation_id={}", c.org_b.id),
            lead,
        )
        .await
        .expect(200);
    assert_eq!(sustained(&theirs), Some(0.0));

    // Corrected in place: one follow-up at six months, as last recorded.
    let corrected: FollowUps = app
        .put(
            &six,
            coach,
            json!({"outcome": "partly", "recorded_on": completed_on() + Months::new(6) - Days::new(20), "note": "Nights slipped"}),
        )
        .await
        .expect(200);
    let found = corrected.slots[0].follow_up.clone().expect("recorded");
    assert_eq!(
        (found.outcome, found.recorded_by.as_str()),
        (Lasting::Partly, c.coach_a.0.name.as_str())
    );
    assert!(corrected.slots[1].follow_up.is_none());
    let evidence: ScoreEvidence = app
        .get(&format!("/api/v1/projects/{}/evidence", project.id), lead)
        .await
        .expect(200);
    assert!(evidence.flagged, "partly sustained does not back 4.5");

    // Falls climb back this month: the check now says so, and the follow-up keeps what the data
    // said when it was recorded.
    app.post(
        &format!("/api/v1/measures/{}/points", measure.id),
        lead,
        json!({"date": months_ago(0), "value": 14.0}),
    )
    .await
    .expect::<Value>(201);
    let later: FollowUps = app.get(&path(&project), lead).await.expect(200);
    let now = later.check.expect("checked");
    assert_eq!(now.measures[0].held, Held::NotHeld, "{:?}", now.measures);
    let kept = later.slots[0].follow_up.clone().expect("recorded");
    assert_eq!(kept.check.measures[0].held, Held::Held);
}

#[tokio::test]
async fn measures_slipping_back_since_completion_are_not_held() {
    let (app, db) = spawn_app_with_db_with(|_| {}).await;
    let c = cast(&app).await;
    let project = completed_project(&app, &db, &c, "Fewer falls on ward 9", "partnership").await;
    falls_measure(
        &app,
        &c.member_a.1,
        project.id,
        &[7.0, 8.0, 9.0, 8.0, 9.0, 10.0],
    )
    .await;
    let view: FollowUps = app.get(&path(&project), &c.member_a.1).await.expect(200);
    let check = view.check.expect("checked");
    assert_eq!(
        check.measures[0].held,
        Held::NotHeld,
        "{:?}",
        check.measures
    );
    assert_eq!(check.suggested, Some(Lasting::NotSustained));
}

#[tokio::test]
async fn follow_ups_are_seen_only_by_those_who_see_the_project() {
    let (app, db) = spawn_app_with_db_with(|_| {}).await;
    let c = cast(&app).await;
    let private = completed_project(&app, &db, &c, "Pressure ulcers", "team").await;
    app.get(&path(&private), &c.member_b.1).await.problem(404);
    app.put(
        &format!("{}/six_months", path(&private)),
        &c.member_b.1,
        json!({"outcome": "sustained"}),
    )
    .await
    .problem(404);
    // Its organisation's admin records it, as for any change to the project.
    app.put(
        &format!("{}/six_months", path(&private)),
        &c.admin_a.1,
        json!({"outcome": "not_sustained"}),
    )
    .await
    .expect::<FollowUps>(200);
    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(json!({"outcome": "sustained"}))),
    ] {
        let path = match method {
            Method::GET => path(&private),
            _ => format!("{}/six_months", path(&private)),
        };
        let answer = app
            .client
            .request(method, app.url(&path))
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(answer.status(), 401, "{path}");
    }
}

/// The lead is told once, by whichever node claims it, when a follow-up falls due; not about
/// one long overdue, nor one already recorded.
#[tokio::test]
async fn the_lead_is_reminded_once_when_a_follow_up_falls_due() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let database = crate::helpers::fresh_database().await;
    let mut settings = crate::helpers::test_settings(database.clone());
    settings.smtp_url = Some(secrecy::SecretString::from(url));
    let app = TestApp::signed_in(crate::helpers::start(settings.clone()).await).await;
    let db = sea_orm::Database::connect(database)
        .await
        .expect("the test database");
    let c = cast(&app).await;
    let due = completed_project(&app, &db, &c, "Fewer falls on ward 7", "partnership").await;
    let long_ago = completed_project(&app, &db, &c, "Hand hygiene in 2023", "partnership").await;
    complete_on(&db, long_ago.id, months_ago(30)).await;
    // Its 6-month follow-up fell due 70 days ago: past the time for a reminder.
    let past = completed_project(&app, &db, &c, "Mouth care audit", "partnership").await;
    let today = day_of(Utc::now());
    complete_on(&db, past.id, today - Days::new(70) - Months::new(6)).await;
    let in_time = completed_project(&app, &db, &c, "Discharge lounge", "partnership").await;
    complete_on(&db, in_time.id, today - Days::new(50) - Months::new(6)).await;
    let recorded = completed_project(&app, &db, &c, "Discharge by noon", "partnership").await;
    app.put(
        &format!("{}/six_months", path(&recorded)),
        &c.member_a.1,
        json!({"outcome": "sustained"}),
    )
    .await
    .expect::<FollowUps>(200);

    // Two nodes whose morning has come.
    settings.mail.reminder_hour = 0;
    settings.mail.schedule_check_seconds = 1;
    crate::helpers::start(settings.clone()).await;
    crate::helpers::start(settings.clone()).await;
    let again = settings;

    let told = smtp.to(&c.member_a.0.email, "Fewer falls on ward 7").await;
    assert!(told.subject.starts_with("Did it last?"), "{}", told.subject);
    assert!(told.text.contains("6-month follow-up"), "{}", told.text);
    assert!(
        told.text
            .contains(&format!("/projects/{}#follow-ups", due.id)),
        "{}",
        told.text
    );
    smtp.to(&c.member_a.0.email, "Discharge lounge").await;

    // Once each, however many runs: the day's run is claimed again by a node started now, and
    // each reminder was claimed with its notice.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    db.execute_unprepared("DELETE FROM notification_runs WHERE job = 'follow_up_due'")
        .await
        .expect("forget the day's run");
    crate::helpers::start(again).await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let mut reminders: Vec<String> = smtp
        .received()
        .into_iter()
        .filter(|m| m.subject.contains("Did it last?"))
        .map(|m| m.subject)
        .collect();
    reminders.sort();
    assert_eq!(
        reminders,
        [
            "Did it last? The 6-month follow-up of Discharge lounge",
            "Did it last? The 6-month follow-up of Fewer falls on ward 7",
        ],
        "once each, to the one lead, for those due in the last 60 days and not recorded"
    );
}
