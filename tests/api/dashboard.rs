//! Integration tests of the dashboard: counts from the real tables as of a day, for the
//! partnership and one organisation, a metric's series, the comparison table, a change seen at
//! once, and the answers to bad requests.

use chrono::{Days, Utc};
use qi_shared::{
    capability::PersonTier,
    dashboard::{
        Comparison, Dashboard, MemberKind, Metric, MetricDefinition, MetricMembers, MetricSeries,
    },
    project::Project,
};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, cast, fields, spawn_app_with_db};

fn figure(dashboard: &Dashboard, metric: Metric) -> Option<f64> {
    dashboard
        .metrics
        .iter()
        .find(|m| m.metric == metric)
        .and_then(|m| m.headline)
}

async fn dashboard(app: &TestApp, token: &str, query: &str) -> Dashboard {
    app.get(&format!("/api/v1/dashboard{query}"), token)
        .await
        .expect(200)
}

#[tokio::test]
async fn the_dashboard_counts_what_was_true_on_the_day() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let project = |title: &str, org: i64, lead: i64, status: &str, involvement: bool| {
        json!({"title": title, "aim": "Reduce falls by 30% by March", "lead_organisation_id": org,
               "status": status, "visibility": "team",
               "involvement": {"involved": involvement, "how": if involvement { "Patient panel" } else { "" }},
               "team": [{"person_id": lead, "role": "lead"}]})
    };
    // A completed project of organisation A (active from January, completed in June), and an
    // active one of organisation B (from March). Team-only: the figures count them all the same.
    let a: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            project(
                "Fewer falls",
                c.org_a.id,
                c.member_a.0.id,
                "completed",
                true,
            ),
        )
        .await
        .expect(201);
    let b: Project = app
        .post(
            "/api/v1/projects",
            &c.member_b.1,
            project(
                "Timely reviews",
                c.org_b.id,
                c.member_b.0.id,
                "active",
                false,
            ),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/projects/{}/scores", a.id),
        &c.member_a.1,
        json!({"score": 3.5, "reason": "Falls down a third"}),
    )
    .await
    .expect::<Value>(201);
    for sql in [
        format!(
            "UPDATE projects SET created_at = '2026-01-10T12:00:00Z' WHERE id = {}",
            a.id
        ),
        format!(
            "UPDATE project_status_changes SET changed_at = '2026-06-15T12:00:00Z' WHERE project_id = {}",
            a.id
        ),
        format!(
            "INSERT INTO project_status_changes (project_id, status, changed_by, changed_at) \
             VALUES ({}, 'active', {}, '2026-01-10T12:00:00Z')",
            a.id, c.member_a.0.id
        ),
        format!(
            "UPDATE project_scores SET changed_at = '2026-06-15T12:00:00Z' WHERE project_id = {}",
            a.id
        ),
        format!(
            "UPDATE projects SET created_at = '2026-03-01T12:00:00Z' WHERE id = {}",
            b.id
        ),
        format!(
            "UPDATE project_status_changes SET changed_at = '2026-03-01T12:00:00Z' WHERE project_id = {}",
            b.id
        ),
        format!(
            "UPDATE project_attribute_changes SET changed_at = '2026-01-10T12:00:00Z' WHERE project_id = {}",
            a.id
        ),
        format!(
            "UPDATE project_attribute_changes SET changed_at = '2026-03-01T12:00:00Z' WHERE project_id = {}",
            b.id
        ),
    ] {
        db.execute_unprepared(&sql).await.expect(&sql);
    }

    // Anyone signed in reads the partnership's figures, of another organisation too.
    let token = &c.member_b.1;
    let feb = dashboard(&app, token, "?as_of=2026-02-01").await;
    assert_eq!(figure(&feb, Metric::ProjectsActive), Some(1.0));
    assert_eq!(figure(&feb, Metric::ProjectsCompletedToDate), Some(0.0));
    assert_eq!(
        figure(&feb, Metric::CompletedImproved),
        None,
        "no completed project yet"
    );
    let may = dashboard(&app, token, "?as_of=2026-05-01").await;
    assert_eq!(figure(&may, Metric::ProjectsActive), Some(2.0));
    assert_eq!(figure(&may, Metric::InvolvementShare), Some(50.0));
    let july = dashboard(&app, token, "?as_of=2026-07-01").await;
    assert_eq!(figure(&july, Metric::ProjectsActive), Some(1.0));
    assert_eq!(figure(&july, Metric::ProjectsCompletedToDate), Some(1.0));
    assert_eq!(figure(&july, Metric::CompletedImproved), Some(100.0));
    // No measure shows the improvement, so the evidence check does not support it.
    assert_eq!(figure(&july, Metric::CompletedImprovedSupported), Some(0.0));
    assert_eq!(
        figure(&july, Metric::ProjectsCompleted),
        Some(1.0),
        "in the year to July"
    );
    let only_b = dashboard(
        &app,
        token,
        &format!("?as_of=2026-07-01&organisation_id={}", c.org_b.id),
    )
    .await;
    assert_eq!(only_b.organisation_id, Some(c.org_b.id));
    assert_eq!(figure(&only_b, Metric::ProjectsActive), Some(1.0));
    assert_eq!(figure(&only_b, Metric::ProjectsCompletedToDate), Some(0.0));
    assert_eq!(july.definitions.len(), Metric::ALL.len());
    assert_eq!(july.self_sustainability_parts.len(), 5);

    // The series: one value a month up to the as-of day.
    let series: MetricSeries = app
        .get(
            "/api/v1/dashboard/metrics/projects_completed?from=2026-01-01&to=2026-12-31&as_of=2026-07-31",
            token,
        )
        .await
        .expect(200);
    let values: Vec<Option<f64>> = series.months.iter().map(|m| m.value).collect();
    assert_eq!(
        values,
        vec![
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(1.0),
            Some(0.0)
        ]
    );
    assert_eq!(series.definition.metric, Metric::ProjectsCompleted);

    // The comparison: the partnership, then each organisation by name.
    let table: Comparison = app
        .get("/api/v1/dashboard/organisations?as_of=2026-05-01", token)
        .await
        .expect(200);
    let column = table
        .metrics
        .iter()
        .position(|m| *m == Metric::ProjectsActive)
        .expect("a column of active projects");
    let row = |name: &str| {
        table
            .rows
            .iter()
            .find(|r| r.organisation_name == name)
            .and_then(|r| r.values.get(column).copied().flatten())
    };
    assert_eq!(table.rows.first().and_then(|r| r.organisation_id), None);
    assert_eq!(row("The partnership"), Some(2.0));
    assert_eq!(row("Northmoor Hospitals NHS Trust"), Some(1.0));
    assert_eq!(row("Riverside Surgery"), Some(1.0));

    // Behind the figure: the projects counted, those the reader may see. Both are team-only:
    // organisation B's member sees their own and is told of the other.
    let behind: MetricMembers = app
        .get(
            "/api/v1/dashboard/metrics/projects_active/members?as_of=2026-05-01",
            token,
        )
        .await
        .expect(200);
    assert_eq!(behind.kind, MemberKind::Projects);
    assert_eq!(
        behind.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![b.id]
    );
    assert_eq!((behind.page.total, behind.hidden), (1, 1));
    let june: MetricMembers = app
        .get(
            "/api/v1/dashboard/metrics/projects_completed/members?as_of=2026-07-01&month=2026-06-01",
            &c.member_a.1,
        )
        .await
        .expect(200);
    assert_eq!(
        june.items.first().map(|m| m.name.as_str()),
        Some("Fewer falls")
    );
    assert_eq!(
        (june.from.to_string(), june.to.to_string()),
        ("2026-06-01".to_owned(), "2026-06-30".to_owned())
    );

    // A change through the API: the past stays as it was.
    app.post(
        &format!("/api/v1/projects/{}/scores", a.id),
        &c.member_a.1,
        json!({"score": 2.0, "reason": "The gain did not last"}),
    )
    .await
    .expect::<Value>(201);
    // Others are answered from the facts held, without waiting for a read, until the node has
    // read them again in the background: within seconds.
    let others = dashboard(&app, token, "").await;
    assert_eq!(figure(&others, Metric::CompletedImproved), Some(100.0));
    let mut seen = None;
    for _ in 0..150 {
        seen = figure(&dashboard(&app, token, "").await, Metric::CompletedImproved);
        if seen == Some(0.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, Some(0.0), "others see the change within seconds");
    let today = dashboard(&app, &c.member_a.1, "").await;
    assert_eq!(figure(&today, Metric::CompletedImproved), Some(0.0));
    let july = dashboard(&app, &c.member_a.1, "?as_of=2026-07-01").await;
    assert_eq!(figure(&july, Metric::CompletedImproved), Some(100.0));

    // Patient involvement and an adopting organisation added today: counted from today, and
    // not as of yesterday (their days are kept, as statuses' are).
    let change = project(
        "Timely reviews",
        c.org_b.id,
        c.member_b.0.id,
        "active",
        true,
    );
    app.put_if_match(
        &format!("/api/v1/projects/{}", b.id),
        &c.member_b.1,
        b.version,
        change,
    )
    .await
    .expect::<Project>(200);
    app.post(
        "/api/v1/adoptions",
        &c.member_b.1,
        json!({"project_id": b.id, "organisation_id": c.org_a.id, "stage": "adopted"}),
    )
    .await
    .expect::<Value>(201);
    let after = dashboard(&app, &c.member_b.1, "").await;
    assert_eq!(figure(&after, Metric::InvolvementShare), Some(100.0));
    assert_eq!(figure(&after, Metric::AdoptingOrganisations), Some(1.0));
    let day_before = Utc::now().date_naive() - Days::new(1);
    let before = dashboard(&app, &c.member_b.1, &format!("?as_of={day_before}")).await;
    assert_eq!(figure(&before, Metric::InvolvementShare), Some(50.0));
    assert_eq!(figure(&before, Metric::AdoptingOrganisations), Some(0.0));

    // A person moves up: the coach is made Lead today. The admin who did it sees it at once
    // (their request waits for the facts to be read again).
    let lead_before = figure(&today, Metric::PeopleLead);
    app.call(
        Method::PUT,
        &format!("/api/v1/capability/people/{}/tier/override", c.coach_a.0.id),
        Some(&c.admin_a.1),
        Some(json!({"tier": "lead", "reason": "Trained coach"})),
    )
    .await
    .expect::<PersonTier>(200);
    let now = dashboard(&app, &c.admin_a.1, "").await;
    assert_eq!(
        figure(&now, Metric::PeopleLead),
        lead_before.map(|n| n + 1.0)
    );
    let yesterday = Utc::now().date_naive() - Days::new(1);
    let before = dashboard(&app, &c.admin_a.1, &format!("?as_of={yesterday}")).await;
    assert_eq!(figure(&before, Metric::PeopleLead), lead_before);

    // The people behind it: to their organisation's admin, by name; to others, only a count.
    let leads = |token: String| {
        let app = &app;
        async move {
            app.get("/api/v1/dashboard/metrics/people_lead/members", &token)
                .await
                .expect::<MetricMembers>(200)
        }
    };
    let to_admin = leads(c.admin_a.1.clone()).await;
    assert_eq!(to_admin.kind, MemberKind::People);
    assert!(
        to_admin
            .items
            .iter()
            .any(|m| m.id == c.coach_a.0.id && m.organisation_name == c.org_a.name)
    );
    let to_member = leads(c.member_b.1.clone()).await;
    assert!(to_member.items.iter().all(|m| m.id != c.coach_a.0.id));
    assert!(to_member.hidden >= 1);
    let places: MetricMembers = app
        .get("/api/v1/dashboard/metrics/places_offered/members", token)
        .await
        .expect(200);
    assert_eq!(places.kind, MemberKind::NotListed);
}

#[tokio::test]
async fn bad_dashboard_requests_are_answered_with_the_field() {
    let (app, _db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let token = &c.member_a.1;
    let catalogue: Vec<MetricDefinition> = app
        .get("/api/v1/dashboard/metrics", token)
        .await
        .expect(200);
    assert_eq!(catalogue.len(), Metric::ALL.len());
    assert!(catalogue.iter().all(|m| !m.definition.is_empty()));

    let tomorrow = Utc::now().date_naive() + Days::new(1);
    for (path, status, field) in [
        (
            format!("/api/v1/dashboard?as_of={tomorrow}"),
            422,
            Some("as_of"),
        ),
        ("/api/v1/dashboard?as_of=yesterday".to_owned(), 400, None),
        (
            "/api/v1/dashboard?organisation_id=999999".to_owned(),
            422,
            Some("organisation_id"),
        ),
        (
            format!("/api/v1/dashboard/organisations?as_of={tomorrow}"),
            422,
            Some("as_of"),
        ),
        (
            "/api/v1/dashboard/metrics/people_lead?from=2026-06-01&to=2026-01-01".to_owned(),
            422,
            Some("from"),
        ),
        (
            "/api/v1/dashboard/metrics/people_lead?from=2000-01-01&to=2026-01-01".to_owned(),
            422,
            Some("from"),
        ),
        (
            "/api/v1/dashboard/metrics/people_lead?organisation_id=999999".to_owned(),
            422,
            Some("organisation_id"),
        ),
        (
            "/api/v1/dashboard/metrics/people_lead?to=June".to_owned(),
            400,
            None,
        ),
        ("/api/v1/dashboard/metrics/happiness".to_owned(), 404, None),
        (
            "/api/v1/dashboard/metrics/happiness/members".to_owned(),
            404,
            None,
        ),
        (
            format!(
                "/api/v1/dashboard/metrics/people_lead/members?month={}",
                tomorrow + Days::new(40)
            ),
            422,
            Some("month"),
        ),
        (
            "/api/v1/dashboard/metrics/people_lead/members?per_page=0".to_owned(),
            422,
            Some("per_page"),
        ),
        (
            "/api/v1/dashboard/metrics/people_lead/members?organisation_id=999999".to_owned(),
            422,
            Some("organisation_id"),
        ),
    ] {
        let problem = app.get(&path, token).await.problem(status);
        if let Some(field) = field {
            assert_eq!(fields(&problem), vec![field], "{path}");
        }
    }
    for path in [
        "/api/v1/dashboard",
        "/api/v1/dashboard/metrics",
        "/api/v1/dashboard/metrics/people_lead",
        "/api/v1/dashboard/organisations",
        "/api/v1/dashboard/metrics/people_lead/members",
    ] {
        app.call(Method::GET, path, None, None).await.problem(401);
    }
}
