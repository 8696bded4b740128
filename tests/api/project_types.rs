//! A project's type of work and the quality dimensions it serves (issue 19): recorded and
//! changed with the project, filters of the register and the export, and the dashboard's
//! project figures broken down by each.

use chrono::{Days, Utc};
use qi_shared::{
    dashboard::{Breakdown, BreakdownBy, Metric},
    project::{Project, ProjectPage, ProjectType, QualityDimension},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, cast, fields, spawn_app};

fn project(title: &str, org: i64, lead: i64, extra: Value) -> Value {
    let mut body = json!({
        "title": title,
        "aim": "Reduce harm by 30% by March 2027",
        "lead_organisation_id": org,
        "status": "active",
        "visibility": "partnership",
        "team": [{"person_id": lead, "role": "lead"}]
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let page: ProjectPage = app
        .get(&format!("/api/v1/projects?per_page=100&{query}"), token)
        .await
        .expect(200);
    page.items.iter().map(|p| p.id).collect()
}

/// The ids an NDJSON export holds.
async fn exported(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/export/projects?{query}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.expect("a body");
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|row| row["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn a_project_records_its_type_and_the_dimensions_it_serves() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (me, token) = (&c.member_a.0, c.member_a.1.as_str());
    let audit: Project = app
        .post(
            "/api/v1/projects",
            token,
            project(
                "Sepsis six within the hour: re-audit",
                c.org_a.id,
                me.id,
                json!({"project_type": "clinical_audit", "quality_dimensions": ["equity", "safe"]}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(audit.project_type, ProjectType::ClinicalAudit);
    assert_eq!(
        audit.quality_dimensions,
        [QualityDimension::Safe, QualityDimension::Equity],
        "kept in their own order"
    );
    // Left out: a QI project serving none named.
    let plain: Project = app
        .post(
            "/api/v1/projects",
            token,
            project("Fewer falls", c.org_a.id, me.id, json!({})),
        )
        .await
        .expect(201);
    assert_eq!(plain.project_type, ProjectType::QiProject);
    assert!(plain.quality_dimensions.is_empty());

    // Changed with the project, and read back as saved.
    let mut input = audit.input();
    input.project_type = ProjectType::ServiceEvaluation;
    input.quality_dimensions = vec![QualityDimension::Caring];
    let body = serde_json::to_value(&input).expect("an input");
    let changed: Project = app
        .put_if_match(
            &format!("/api/v1/projects/{}", audit.id),
            token,
            audit.version,
            body,
        )
        .await
        .expect(200);
    assert_eq!(changed.project_type, ProjectType::ServiceEvaluation);
    assert_eq!(changed.quality_dimensions, [QualityDimension::Caring]);
    let read: Project = app
        .get(&format!("/api/v1/projects/{}", audit.id), token)
        .await
        .expect(200);
    assert_eq!(read.quality_dimensions, [QualityDimension::Caring]);
    assert_eq!(read.project_type, ProjectType::ServiceEvaluation);

    // Bad input names the field, and nothing is saved.
    for (extra, field) in [
        (
            json!({"quality_dimensions": ["safe", "safe"]}),
            "quality_dimensions[1]",
        ),
        (
            json!({"quality_dimensions": ["kind"]}),
            "quality_dimensions[0]",
        ),
        (json!({"project_type": "audit"}), "project_type"),
        (json!({"quality_dimensions": "safe"}), "quality_dimensions"),
    ] {
        let problem = app
            .post(
                "/api/v1/projects",
                token,
                project("Bad", c.org_a.id, me.id, extra.clone()),
            )
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{extra}");
    }
    let again: Project = app
        .get(&format!("/api/v1/projects/{}", audit.id), token)
        .await
        .expect(200);
    assert_eq!(again.version, changed.version);
}

#[tokio::test]
async fn the_register_and_the_export_filter_by_type_and_dimension() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (me, token) = (&c.member_a.0, c.member_a.1.as_str());
    let create = |title: &'static str, extra: Value| {
        let app = &app;
        async move {
            let p: Project = app
                .post(
                    "/api/v1/projects",
                    token,
                    project(title, c.org_a.id, me.id, extra),
                )
                .await
                .expect(201);
            p.id
        }
    };
    let audit = create(
        "Antibiotic prescribing audit",
        json!({"project_type": "clinical_audit", "quality_dimensions": ["safe", "effective"]}),
    )
    .await;
    let equity = create(
        "Annual health checks for people with a learning disability",
        json!({"quality_dimensions": ["equity"]}),
    )
    .await;
    let hidden = create(
        "Restraint audit on the ward",
        json!({"project_type": "clinical_audit", "quality_dimensions": ["safe"], "visibility": "team"}),
    )
    .await;

    assert_eq!(
        ids(&app, token, "project_type=clinical_audit&sort=title").await,
        [audit, hidden]
    );
    assert_eq!(ids(&app, token, "quality_dimension=equity").await, [equity]);
    assert_eq!(
        ids(
            &app,
            token,
            "quality_dimension=safe&project_type=clinical_audit&sort=title"
        )
        .await,
        [audit, hidden]
    );
    assert!(
        ids(&app, token, "project_type=service_evaluation")
            .await
            .is_empty()
    );
    // Another organisation's member never sees the team-only audit, filtered or not.
    let theirs = &c.member_b.1;
    assert_eq!(
        ids(&app, theirs, "project_type=clinical_audit").await,
        [audit]
    );
    assert_eq!(ids(&app, theirs, "quality_dimension=safe").await, [audit]);

    // The list says each project's type and dimensions.
    let page: ProjectPage = app
        .get("/api/v1/projects?quality_dimension=effective", token)
        .await
        .expect(200);
    let first = page
        .items
        .first()
        .map(|p| (p.project_type, p.quality_dimensions.clone()));
    assert_eq!(
        first,
        Some((
            ProjectType::ClinicalAudit,
            vec![QualityDimension::Safe, QualityDimension::Effective]
        ))
    );

    // The export filters alike, on SQL.
    let mut audits = exported(&app, &app.admin, "project_type=clinical_audit").await;
    audits.sort_unstable();
    assert_eq!(audits, [audit, hidden]);
    assert_eq!(
        exported(&app, theirs, "quality_dimension=safe").await,
        [audit]
    );
    assert_eq!(
        exported(&app, token, "quality_dimension=equity").await,
        [equity]
    );
    let csv = app
        .client
        .get(app.url("/api/v1/export/projects?format=csv&quality_dimension=equity"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers")
        .text()
        .await
        .expect("a body");
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let row: Vec<String> = reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let cell = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i).cloned())
    };
    assert_eq!(cell("project_type").as_deref(), Some("qi_project"));
    assert_eq!(cell("quality_dimensions").as_deref(), Some("equity"));

    for query in ["project_type=audit", "quality_dimension=kind"] {
        app.get(&format!("/api/v1/projects?{query}"), token)
            .await
            .problem(400);
        app.get(&format!("/api/v1/export/projects?{query}"), token)
            .await
            .problem(400);
    }
}

#[tokio::test]
async fn the_dashboard_breaks_project_figures_down_by_type_and_dimension() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (me, token) = (&c.member_a.0, c.member_a.1.as_str());
    for (title, org, lead, extra) in [
        (
            "Sepsis audit",
            c.org_a.id,
            me.id,
            json!({"project_type": "clinical_audit", "quality_dimensions": ["safe"]}),
        ),
        (
            "Fewer falls",
            c.org_a.id,
            me.id,
            json!({"status": "completed", "quality_dimensions": ["safe", "equity"]}),
        ),
        (
            "Evaluating the virtual ward",
            c.org_a.id,
            me.id,
            json!({"project_type": "service_evaluation", "status": "proposed", "visibility": "team"}),
        ),
        (
            "Kinder discharge letters",
            c.org_b.id,
            c.member_b.0.id,
            json!({"quality_dimensions": ["caring"]}),
        ),
    ] {
        let author = if org == c.org_a.id {
            token
        } else {
            c.member_b.1.as_str()
        };
        app.post("/api/v1/projects", author, project(title, org, lead, extra))
            .await
            .expect::<Project>(201);
    }
    let column = |table: &Breakdown, metric: Metric| {
        let i = table.metrics.iter().position(|m| *m == metric);
        table
            .rows
            .iter()
            .map(|r| i.and_then(|i| r.values.get(i).copied().flatten()))
            .collect::<Vec<_>>()
    };

    // By type, the default: all four, then each type (the team-only one counts too: figures
    // are counts, not lists).
    let by_type: Breakdown = app
        .get("/api/v1/dashboard/breakdown", &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(by_type.by, BreakdownBy::ProjectType);
    let rows: Vec<_> = by_type
        .rows
        .iter()
        .map(|r| (r.project_type, r.projects))
        .collect();
    assert_eq!(
        rows,
        [
            (None, 4),
            (Some(ProjectType::QiProject), 2),
            (Some(ProjectType::ClinicalAudit), 1),
            (Some(ProjectType::ServiceEvaluation), 1),
        ]
    );
    assert_eq!(
        column(&by_type, Metric::ProjectsActive),
        [Some(2.0), Some(1.0), Some(1.0), Some(0.0)]
    );
    assert_eq!(
        column(&by_type, Metric::ProjectsCompletedToDate),
        [Some(1.0), Some(1.0), Some(0.0), Some(0.0)]
    );

    // By dimension: a project counts in each dimension it serves.
    let by_dimension: Breakdown = app
        .get("/api/v1/dashboard/breakdown?by=quality_dimension", token)
        .await
        .expect(200);
    let rows: Vec<_> = by_dimension
        .rows
        .iter()
        .map(|r| (r.quality_dimension, r.projects))
        .collect();
    assert_eq!(
        rows,
        [
            (None, 4),
            (Some(QualityDimension::Safe), 2),
            (Some(QualityDimension::Effective), 0),
            (Some(QualityDimension::Caring), 1),
            (Some(QualityDimension::Responsive), 0),
            (Some(QualityDimension::WellLed), 0),
            (Some(QualityDimension::Equity), 1),
        ]
    );
    // One organisation's: the projects it leads.
    let of_b: Breakdown = app
        .get(
            &format!(
                "/api/v1/dashboard/breakdown?by=quality_dimension&organisation_id={}",
                c.org_b.id
            ),
            token,
        )
        .await
        .expect(200);
    let counts: Vec<u64> = of_b.rows.iter().map(|r| r.projects).collect();
    assert_eq!(counts, [1, 0, 0, 1, 0, 0, 0]);
    // As of a day before any was recorded: nothing.
    let before: Breakdown = app
        .get("/api/v1/dashboard/breakdown?as_of=2020-01-01", token)
        .await
        .expect(200);
    assert!(before.rows.iter().all(|r| r.projects == 0));

    let tomorrow = Utc::now().date_naive() + Days::new(1);
    for (query, status, field) in [
        (format!("as_of={tomorrow}"), 422, Some("as_of")),
        (
            "organisation_id=999999".to_owned(),
            422,
            Some("organisation_id"),
        ),
        ("by=colour".to_owned(), 400, None),
        ("as_of=yesterday".to_owned(), 400, None),
    ] {
        let problem = app
            .get(&format!("/api/v1/dashboard/breakdown?{query}"), token)
            .await
            .problem(status);
        if let Some(field) = field {
            assert_eq!(fields(&problem), [field], "{query}");
        }
    }
    app.call(Method::GET, "/api/v1/dashboard/breakdown", None, None)
        .await
        .problem(401);
}
