//! Integration tests of bulk export: a caller exports exactly what the lists show them, each row
//! as the collection's own endpoint shows it; CSV for spreadsheets starts with a byte-order mark
//! and cannot carry a formula; filters, formats and scopes are checked.

use chrono::{Duration, Utc};
use qi_shared::{api_token::ApiTokenCreated, project::Project};
use serde_json::{Value, json};

use crate::helpers::{TestApp, cast};

/// An export's answer: status, content type, disposition and the body as text.
struct Export {
    status: u16,
    content_type: String,
    disposition: String,
    text: String,
}

impl Export {
    /// The NDJSON lines as JSON values.
    fn rows(&self) -> Vec<Value> {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.content_type, "application/x-ndjson");
        self.text
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect()
    }

    fn ids(&self) -> Vec<i64> {
        self.rows()
            .iter()
            .map(|row| row["id"].as_i64().expect("an id"))
            .collect()
    }

    /// The CSV records after the byte-order mark, header first.
    fn csv(&self) -> Vec<Vec<String>> {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.content_type, "text/csv; charset=utf-8");
        let text = self
            .text
            .strip_prefix('\u{feff}')
            .expect("a CSV export starts with the byte-order mark");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
            .collect()
    }
}

async fn export(app: &TestApp, path: &str, token: Option<&str>) -> Export {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = response.status().as_u16();
    // As bytes: `text()` would take the byte-order mark off.
    let bytes = response.bytes().await.expect("the whole body");
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    Export {
        status,
        content_type,
        disposition,
        text,
    }
}

async fn token(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let created: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin,
            json!({
                "name": "Trust data warehouse",
                "scopes": scopes,
                "expires_on": (Utc::now() + Duration::days(90)).date_naive(),
            }),
        )
        .await
        .expect(201);
    created.secret
}

async fn project(app: &TestApp, token: &str, organisation: i64, body: Value) -> Project {
    let mut project = json!({
        "title": "Falls on ward 7",
        "aim": "Cut inpatient falls by a third by June 2027",
        "lead_organisation_id": organisation,
        "status": "active",
        "visibility": "partnership",
    });
    for (key, value) in body.as_object().into_iter().flatten() {
        project[key] = value.clone();
    }
    app.post("/api/v1/projects", token, project)
        .await
        .expect(201)
}

/// Every item of the projects list for `token`, in id order.
async fn listed(app: &TestApp, token: &str) -> Vec<Value> {
    let page: Value = app
        .get("/api/v1/projects?per_page=100", token)
        .await
        .expect(200);
    let mut items = page["items"].as_array().expect("items").clone();
    items.sort_by_key(|item| item["id"].as_i64());
    items
}

#[tokio::test]
async fn a_token_exports_exactly_the_projects_the_list_shows_it() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, member_b) = &c.member_b;
    let mut hidden = Vec::new();
    for (token, organisation) in [(member_a, c.org_a.id), (member_b, c.org_b.id)] {
        for visibility in ["team", "organisation", "partnership", "public"] {
            let p = project(
                &app,
                token,
                organisation,
                json!({"title": format!("Falls ({visibility})"), "visibility": visibility, "tags": ["Falls"]}),
            )
            .await;
            if organisation == c.org_b.id && matches!(visibility, "team" | "organisation") {
                hidden.push(p.id);
            }
        }
    }
    let read = token(&app, admin_a, &["read_projects"]).await;

    let answer = export(&app, "/api/v1/export/projects", Some(&read)).await;
    assert_eq!(
        answer.disposition,
        "attachment; filename=\"projects.ndjson\""
    );
    let rows = answer.rows();
    assert_eq!(
        rows,
        listed(&app, &read).await,
        "rows as the list shows them"
    );
    assert_eq!(rows.len(), 6);
    let ids = answer.ids();
    assert!(
        hidden.iter().all(|id| !ids.contains(id)),
        "B's private ones"
    );
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in id order");

    // A person exports what they may read, no more: B's member sees their own team's.
    let theirs = export(&app, "/api/v1/export/projects", Some(member_b)).await;
    assert_eq!(theirs.rows(), listed(&app, member_b).await);
    assert!(theirs.ids().contains(&hidden[0]));
    // The partnership admin, everything.
    assert_eq!(
        export(&app, "/api/v1/export/projects", Some(&app.admin))
            .await
            .ids()
            .len(),
        8
    );
}

#[tokio::test]
async fn project_filters_narrow_the_export_as_the_list() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (member_a_person, member_a) = &c.member_a;
    let falls = project(
        &app,
        member_a,
        c.org_a.id,
        json!({"tags": ["Falls"], "involvement": {"involved": true, "how": "A patient panel"}}),
    )
    .await;
    let done = project(
        &app,
        member_a,
        c.org_a.id,
        json!({"title": "Discharge", "status": "proposed", "visibility": "organisation"}),
    )
    .await;
    let led_by_b = project(
        &app,
        &c.member_b.1,
        c.org_b.id,
        json!({"spread": "organisation"}),
    )
    .await;
    let read = token(&app, admin_a, &["read_projects"]).await;
    let ids = |query: &str| {
        let query = query.to_owned();
        let (app, read) = (&app, &read);
        async move {
            export(app, &format!("/api/v1/export/projects?{query}"), Some(read))
                .await
                .ids()
        }
    };
    assert_eq!(ids("status=proposed").await, [done.id]);
    assert_eq!(ids("theme=%20FALLS").await, [falls.id]);
    assert_eq!(ids("visibility=organisation").await, [done.id]);
    assert_eq!(ids("spread=organisation").await, [led_by_b.id]);
    assert_eq!(ids("involvement=true").await, [falls.id]);
    let organisation = format!("organisation_id={}", c.org_a.id);
    assert_eq!(ids(&organisation).await, [falls.id, done.id]);
    let member = format!("member_id={}", member_a_person.id);
    assert_eq!(ids(&member).await, [falls.id, done.id]);
    assert!(ids("updated_since=2999-01-01T00:00:00Z").await.is_empty());
    assert_eq!(ids("updated_since=2000-01-01T00:00:00Z").await.len(), 3);
    assert_eq!(ids("score_min=3.0").await, Vec::<i64>::new());
}

#[tokio::test]
async fn csv_starts_with_a_bom_neutralises_formulas_and_keeps_numbers() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, member_a) = &c.member_a;
    let p = project(
        &app,
        member_a,
        c.org_a.id,
        json!({"title": "=HYPERLINK(\"http://evil.example\",\"Click\")", "tags": ["falls", "older people"]}),
    )
    .await;
    let answer = export(&app, "/api/v1/export/projects?format=csv", Some(member_a)).await;
    assert_eq!(answer.disposition, "attachment; filename=\"projects.csv\"");
    let records = answer.csv();
    assert_eq!(records[0][..3], ["id", "title", "aim"]);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1][0], p.id.to_string());
    assert_eq!(
        records[1][1],
        "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    );
    assert_eq!(records[1][6], "falls;older people");

    // A measure: a negative value stays a number; a note that could run is neutralised.
    let measure: Value = app
        .post(
            &format!("/api/v1/projects/{}/measures", p.id),
            member_a,
            crate::measures::count_measure(),
        )
        .await
        .expect(201);
    let measure_id = measure["id"].as_i64().expect("an id");
    app.post(
        &format!("/api/v1/measures/{measure_id}/points"),
        member_a,
        json!({"date": "2026-01-05", "value": -3.5, "note": "-2 after the audit"}),
    )
    .await
    .expect::<Value>(201);
    let points = export(
        &app,
        "/api/v1/export/measure-points?format=csv",
        Some(member_a),
    )
    .await
    .csv();
    assert_eq!(
        points[0],
        [
            "measure_id",
            "project_id",
            "id",
            "date",
            "value",
            "numerator",
            "denominator",
            "note"
        ]
    );
    assert_eq!(points[1][0], measure_id.to_string());
    assert_eq!(points[1][1], p.id.to_string());
    assert_eq!(points[1][3], "2026-01-05");
    assert_eq!(points[1][4], "-3.5");
    assert_eq!(points[1][7], "'-2 after the audit");
    let measures = export(&app, "/api/v1/export/measures?format=csv", Some(member_a))
        .await
        .csv();
    assert_eq!(measures.len(), 2);
    assert_eq!(measures[1][2], "Risk assessments done within 24 hours");
}

#[tokio::test]
async fn measures_export_as_their_own_page_shows_them_and_points_page_by_page() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, member_b) = &c.member_b;
    let ours = project(&app, member_a, c.org_a.id, json!({})).await;
    let other = project(&app, member_a, c.org_a.id, json!({"title": "Other"})).await;
    let hidden = project(&app, member_b, c.org_b.id, json!({"visibility": "team"})).await;
    let mut measures = Vec::new();
    for p in [&ours, &other, &hidden] {
        let token = if p.id == hidden.id {
            member_b
        } else {
            member_a
        };
        let m: Value = app
            .post(
                &format!("/api/v1/projects/{}/measures", p.id),
                token,
                crate::measures::count_measure(),
            )
            .await
            .expect(201);
        measures.push(m["id"].as_i64().expect("an id"));
    }
    // 2,500 points on the first: three pages of points.
    let mut file = String::from("date,value,note\n");
    let start = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
    for i in 0..2500 {
        file.push_str(&format!(
            "{},{},week {i}\n",
            start + Duration::days(i),
            i % 7
        ));
    }
    let imported = app
        .post_raw(
            &format!("/api/v1/measures/{}/points.csv", measures[0]),
            Some(member_a),
            "text/csv",
            file,
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    app.post(
        &format!("/api/v1/measures/{}/annotations", measures[0]),
        member_a,
        json!({"date": "2000-02-01", "kind": "phase_change", "label": "New checklist"}),
    )
    .await
    .expect::<Value>(201);
    app.post(
        &format!("/api/v1/measures/{}/points", measures[2]),
        member_b,
        json!({"date": "2026-01-05", "value": 1}),
    )
    .await
    .expect::<Value>(201);
    let read = token(&app, admin_a, &["read_measures"]).await;

    let rows = export(&app, "/api/v1/export/measures", Some(&read))
        .await
        .rows();
    assert_eq!(rows.len(), 2, "not B's team-only project's");
    for (row, id) in rows.iter().zip(&measures) {
        let shown: Value = app
            .get(&format!("/api/v1/measures/{id}"), &read)
            .await
            .expect(200);
        assert_eq!(row, &shown);
    }
    assert_eq!(rows[0]["points"].as_array().map(Vec::len), Some(2500));
    let only = export(
        &app,
        &format!("/api/v1/export/measures?project_id={}", other.id),
        Some(&read),
    )
    .await;
    assert_eq!(only.ids(), [measures[1]]);

    let points = export(&app, "/api/v1/export/measure-points", Some(&read)).await;
    let points = points.rows();
    assert_eq!(points.len(), 2500, "every page, and none of B's");
    assert!(
        points
            .windows(2)
            .all(|w| w[0]["id"].as_i64() < w[1]["id"].as_i64())
    );
    let first_shown = &rows[0]["points"][0];
    let first = points
        .iter()
        .find(|p| p["id"] == first_shown["id"])
        .expect("the first point");
    assert_eq!(first["measure_id"], measures[0]);
    assert_eq!(first["project_id"], ours.id);
    for field in ["date", "value", "numerator", "denominator", "note"] {
        assert_eq!(first[field], first_shown[field], "{field}");
    }
    let filtered = |query: String| {
        let (app, read) = (&app, &read);
        async move {
            export(
                app,
                &format!("/api/v1/export/measure-points?{query}"),
                Some(read),
            )
            .await
            .rows()
            .len()
        }
    };
    assert_eq!(filtered(format!("measure_id={}", measures[1])).await, 0);
    assert_eq!(filtered(format!("project_id={}", ours.id)).await, 2500);
    assert_eq!(filtered(format!("measure_id={}", measures[2])).await, 0);
    // B's member reads their own team's, and A's shared with the partnership.
    let theirs = export(&app, "/api/v1/export/measure-points", Some(member_b)).await;
    assert_eq!(theirs.rows().len(), 2501);
}

#[tokio::test]
async fn exports_refuse_a_bad_format_a_missing_scope_and_no_token() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let measures_only = token(&app, admin_a, &["read_measures"]).await;
    for path in [
        "/api/v1/export/projects",
        "/api/v1/export/measures",
        "/api/v1/export/measure-points",
    ] {
        let none = export(&app, path, None).await;
        assert_eq!(none.status, 401, "{path}");
        assert_eq!(none.content_type, "application/problem+json");
        let bad = export(&app, &format!("{path}?format=xlsx"), Some(admin_a)).await;
        assert_eq!(bad.status, 400, "{path}: {}", bad.text);
        assert_eq!(bad.content_type, "application/problem+json");
        let problem: Value = serde_json::from_str(&bad.text).expect("a problem");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("`format`")),
            "{problem}"
        );
    }
    let refused = export(&app, "/api/v1/export/projects", Some(&measures_only)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.content_type, "application/problem+json");
    let allowed = export(&app, "/api/v1/export/measures", Some(&measures_only)).await;
    assert_eq!(allowed.status, 200);
    let score = export(&app, "/api/v1/export/projects?score_min=3.2", Some(admin_a)).await;
    assert_eq!(score.status, 422, "{}", score.text);
    assert!(score.text.contains("score_min"));
}
