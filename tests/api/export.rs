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
    let led_by_b = project(&app, &c.member_b.1, c.org_b.id, json!({})).await;
    let _: Value = app
        .put(
            &format!("/api/v1/projects/{}/spread", led_by_b.id),
            &c.member_b.1,
            json!({"level": "organisation", "reason": "Every ward took it up before we recorded adoptions"}),
        )
        .await
        .expect(200);
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
        "/api/v1/export/events",
        "/api/v1/export/courses",
        "/api/v1/export/cohorts",
        "/api/v1/export/capability-tiers",
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

/// Every item of a paged list (`path` with its query, without `page`), all pages, in id order
/// (`key` names the id).
async fn every_page(app: &TestApp, path: &str, token: &str, key: &str) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    for page in 1.. {
        let answer: Value = app
            .get(&format!("{path}{separator}per_page=100&page={page}"), token)
            .await
            .expect(200);
        let got = answer["items"].as_array().expect("items").clone();
        let done = got.len() < 100;
        items.extend(got);
        if done {
            break;
        }
    }
    items.sort_by_key(|item| item[key].as_i64());
    items
}

/// The audit log's entries of `GET operation` that `admin` may read.
async fn audited(app: &TestApp, admin: &str, operation: &str) -> Vec<qi_shared::audit::AuditEntry> {
    let page: qi_shared::audit::AuditPage = app
        .get("/api/v1/audit-log?per_page=100", admin)
        .await
        .expect(200);
    page.items
        .into_iter()
        .filter(|e| e.method == "GET" && e.operation == operation)
        .collect()
}

fn at(days: i64, hour: i64) -> chrono::DateTime<Utc> {
    let midnight = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    midnight + Duration::days(days) + Duration::hours(hour)
}

#[tokio::test]
async fn events_export_as_the_list_shows_each_caller_every_page() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    // 1,001 of A's open to the partnership: two pages of an export, eleven of the list.
    for i in 0..1001 {
        let mut body = crate::events::event_body(c.org_a.id, 20, "partnership");
        body["title"] = json!(format!("QI café {i}"));
        body["starts_at"] = json!(at(i % 60, 12));
        body["ends_at"] = json!(at(i % 60, 13));
        app.post("/api/v1/events", admin_a, body)
            .await
            .expect::<Value>(201);
    }
    let mut webinar = crate::events::event_body(c.org_b.id, 50, "partnership");
    webinar["title"] = json!("=HYPERLINK(\"http://evil.example\",\"Book\")");
    webinar["kind"] = json!("webinar");
    webinar["tags"] = json!(["PDSA"]);
    webinar["starts_at"] = json!(at(90, 10));
    webinar["ends_at"] = json!(at(90, 11));
    let webinar: Value = app
        .post("/api/v1/events", admin_b, webinar)
        .await
        .expect(201);
    let mut private = crate::events::event_body(c.org_b.id, 10, "organisation");
    private["title"] = json!("Riverside's own huddle");
    let private: Value = app
        .post("/api/v1/events", admin_b, private)
        .await
        .expect(201);
    // A booking: each caller's row shows their own.
    let booked = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/events/{}/bookings", webinar["id"]),
            Some(member_a),
            None,
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    let read = token(&app, admin_a, &["read_events"]).await;

    let answer = export(&app, "/api/v1/export/events", Some(&read)).await;
    assert_eq!(answer.disposition, "attachment; filename=\"events.ndjson\"");
    let rows = answer.rows();
    assert_eq!(rows.len(), 1002, "A's 1,001 and B's webinar");
    assert_eq!(rows, every_page(&app, "/api/v1/events", &read, "id").await);
    assert!(
        !answer
            .ids()
            .contains(&private["id"].as_i64().expect("an id"))
    );
    assert!(answer.ids().windows(2).all(|w| w[0] < w[1]), "in id order");
    assert_eq!(rows[0]["can_manage"], true, "the token acts as A's admin");

    // A person: their own booking in their rows, as in their list.
    let theirs = export(&app, "/api/v1/export/events", Some(member_a))
        .await
        .rows();
    assert_eq!(
        theirs,
        every_page(&app, "/api/v1/events", member_a, "id").await
    );
    let mine = theirs
        .iter()
        .find(|e| e["id"] == webinar["id"])
        .expect("the webinar");
    assert_eq!(mine["my_booking"]["status"], "booked");
    // B's admin sees B's own organisation-only event.
    let b = export(&app, "/api/v1/export/events", Some(admin_b)).await;
    assert!(b.ids().contains(&private["id"].as_i64().expect("an id")));

    // Filters as the list's.
    let organisation = format!("organisation_id={}", c.org_b.id);
    let from_to = format!(
        "from={}&to={}",
        at(3, 0).date_naive(),
        at(4, 0).date_naive()
    );
    for query in [
        "kind=webinar",
        "tag=%20pdsa",
        organisation.as_str(),
        from_to.as_str(),
    ] {
        let exported = export(&app, &format!("/api/v1/export/events?{query}"), Some(&read))
            .await
            .rows();
        let listed = every_page(&app, &format!("/api/v1/events?{query}"), &read, "id").await;
        assert!(!exported.is_empty(), "{query}");
        assert_eq!(exported, listed, "{query}");
    }
    let since = |t: &str| format!("/api/v1/export/events?updated_since={t}");
    assert!(
        export(&app, &since("2999-01-01T00:00:00Z"), Some(&read))
            .await
            .rows()
            .is_empty()
    );
    assert_eq!(
        export(&app, &since("2000-01-01T00:00:00Z"), Some(&read))
            .await
            .rows()
            .len(),
        1002
    );

    // CSV: the byte-order mark, a header, formulas neutralised.
    let csv = export(
        &app,
        "/api/v1/export/events?format=csv&kind=webinar",
        Some(&read),
    )
    .await
    .csv();
    assert_eq!(csv[0][..3], ["id", "title", "kind"]);
    assert_eq!(csv.len(), 2);
    assert_eq!(csv[1][1], "'=HYPERLINK(\"http://evil.example\",\"Book\")");
    assert_eq!(csv[1][12], "pdsa");

    // Scope, bad parameters, and the audit log.
    let training_only = token(&app, admin_a, &["read_training"]).await;
    let refused = export(&app, "/api/v1/export/events", Some(&training_only)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.content_type, "application/problem+json");
    for (query, status, field) in [
        ("kind=party", 400, "kind"),
        ("from=yesterday", 400, "from"),
        ("from=2026-12-02&to=2026-12-01", 422, "to"),
        ("updated_since=today", 400, "updated_since"),
    ] {
        let bad = export(&app, &format!("/api/v1/export/events?{query}"), Some(&read)).await;
        assert_eq!(bad.status, status, "{query}: {}", bad.text);
        assert_eq!(bad.content_type, "application/problem+json", "{query}");
        assert!(bad.text.contains(field), "{query}: {}", bad.text);
    }
    let long_tag = format!("/api/v1/export/events?tag={}", "x".repeat(51));
    let long = export(&app, &long_tag, Some(&read)).await;
    assert_eq!(long.status, 422);
    assert!(long.text.contains("\"tag\""), "{}", long.text);
    let logged = audited(&app, admin_a, "/api/v1/export/events").await;
    assert!(
        logged.iter().any(
            |e| matches!(e.actor, qi_shared::audit::AuditActor::Token { .. })
                && e.query.as_deref() == Some("format=csv&kind=webinar")
        ),
        "{logged:#?}"
    );
}

#[tokio::test]
async fn courses_and_cohorts_export_as_their_lists_show_them() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, admin_b) = &c.admin_b;
    let (_, member_b) = &c.member_b;
    let ours: Value = app
        .post(
            "/api/v1/courses",
            admin_a,
            crate::training::course_body(c.org_a.id),
        )
        .await
        .expect(201);
    let mut theirs = crate::training::course_body(c.org_b.id);
    theirs["title"] = json!("@Leading improvement");
    theirs["tier"] = json!("lead");
    let theirs: Value = app
        .post("/api/v1/courses", admin_b, theirs)
        .await
        .expect(201);
    let mut cohorts = Vec::new();
    for (token, course, name) in [
        (admin_a, &ours, "Wave 1"),
        (admin_a, &ours, "-Wave 2"),
        (admin_b, &theirs, "Spring"),
    ] {
        let mut body = crate::training::cohort_body(12);
        body["name"] = json!(name);
        let cohort: Value = app
            .post(
                &format!("/api/v1/courses/{}/cohorts", course["id"]),
                token,
                body,
            )
            .await
            .expect(201);
        cohorts.push(cohort["id"].as_i64().expect("an id"));
    }
    let read = token(&app, admin_a, &["read_training"]).await;

    let courses = export(&app, "/api/v1/export/courses", Some(&read)).await;
    assert_eq!(
        courses.disposition,
        "attachment; filename=\"courses.ndjson\""
    );
    let rows = courses.rows();
    assert_eq!(rows, every_page(&app, "/api/v1/courses", &read, "id").await);
    assert_eq!(rows.len(), 2, "the catalogue is the whole partnership's");
    assert_eq!(
        (
            rows[0]["can_manage"].as_bool(),
            rows[1]["can_manage"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(rows[0]["upcoming_cohorts"], 2);
    let person = export(&app, "/api/v1/export/courses", Some(member_b))
        .await
        .rows();
    assert_eq!(
        person,
        every_page(&app, "/api/v1/courses", member_b, "id").await
    );
    for query in [
        "tier=lead".to_owned(),
        format!("provider_organisation_id={}", c.org_a.id),
    ] {
        let exported = export(
            &app,
            &format!("/api/v1/export/courses?{query}"),
            Some(&read),
        )
        .await
        .rows();
        assert_eq!(exported.len(), 1, "{query}");
        assert_eq!(
            exported,
            every_page(&app, &format!("/api/v1/courses?{query}"), &read, "id").await
        );
    }

    let exported = export(&app, "/api/v1/export/cohorts", Some(&read))
        .await
        .rows();
    assert_eq!(
        exported,
        every_page(&app, "/api/v1/cohorts", &read, "id").await
    );
    let ids: Vec<i64> = exported.iter().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(ids, cohorts);
    let of_ours = format!("course_id={}", ours["id"]);
    for query in [of_ours.as_str(), "when=upcoming", "when=past"] {
        assert_eq!(
            export(
                &app,
                &format!("/api/v1/export/cohorts?{query}"),
                Some(member_b)
            )
            .await
            .rows(),
            every_page(&app, &format!("/api/v1/cohorts?{query}"), member_b, "id").await,
            "{query}"
        );
    }

    // CSV, scope, bad parameters, audit.
    let csv = export(
        &app,
        "/api/v1/export/courses?format=csv&tier=lead",
        Some(&read),
    )
    .await
    .csv();
    assert_eq!(csv[0][..3], ["id", "title", "tier"]);
    assert_eq!(csv[1][1], "'@Leading improvement");
    let csv = export(&app, "/api/v1/export/cohorts?format=csv", Some(&read))
        .await
        .csv();
    assert_eq!(csv[0][..2], ["id", "course_id"]);
    assert_eq!(csv.len(), 4);
    assert_eq!(csv[2][4], "'-Wave 2");
    let events_only = token(&app, admin_a, &["read_events"]).await;
    for path in ["/api/v1/export/courses", "/api/v1/export/cohorts"] {
        let refused = export(&app, path, Some(&events_only)).await;
        assert_eq!(refused.status, 403, "{path}");
        assert_eq!(refused.content_type, "application/problem+json");
    }
    for (path, field) in [
        ("/api/v1/export/courses?tier=expert", "tier"),
        (
            "/api/v1/export/courses?provider_organisation_id=x",
            "provider_organisation_id",
        ),
        ("/api/v1/export/cohorts?when=soon", "when"),
        ("/api/v1/export/cohorts?course_id=1.5", "course_id"),
    ] {
        let bad = export(&app, path, Some(&read)).await;
        assert_eq!(bad.status, 400, "{path}: {}", bad.text);
        assert_eq!(bad.content_type, "application/problem+json");
        assert!(bad.text.contains(field), "{path}: {}", bad.text);
    }
    assert!(
        !audited(&app, admin_a, "/api/v1/export/courses")
            .await
            .is_empty()
    );
    assert!(
        !audited(&app, admin_a, "/api/v1/export/cohorts")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn capability_tiers_export_only_the_people_the_caller_may_see() {
    let (app, db) = crate::helpers::spawn_app_with_db().await;
    let c = cast(&app).await;
    let (admin_a_person, admin_a) = &c.admin_a;
    let (member_a_person, member_a) = &c.member_a;
    let (member_b_person, _) = &c.member_b;
    let (_, admin_b) = &c.admin_b;
    // A derived tier (a completed course) and overrides, on both sides.
    crate::capability::complete_course(
        &db,
        900,
        member_a_person.id,
        c.org_a.id,
        "learn",
        "2026-05-03",
    )
    .await;
    for (admin, person, reason) in [
        (admin_a, &c.coach_a.0, "=Coached the sepsis collaborative"),
        (
            admin_b,
            member_b_person,
            "Led the practice's access project",
        ),
    ] {
        app.put(
            &format!("/api/v1/capability/people/{}/tier/override", person.id),
            admin,
            json!({"tier": "live", "reason": reason}),
        )
        .await
        .expect::<Value>(200);
    }
    let read = token(&app, admin_a, &["read_training"]).await;

    let answer = export(&app, "/api/v1/export/capability-tiers", Some(&read)).await;
    assert_eq!(
        answer.disposition,
        "attachment; filename=\"capability-tiers.ndjson\""
    );
    let rows = answer.rows();
    let people: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["person_id"].as_i64())
        .collect();
    assert_eq!(
        people,
        [admin_a_person.id, c.coach_a.0.id, member_a_person.id],
        "A's staff, no one else"
    );
    for row in &rows {
        let shown: Value = app
            .get(
                &format!("/api/v1/capability/people/{}/tier", row["person_id"]),
                &read,
            )
            .await
            .expect(200);
        assert_eq!(row, &shown, "as the person's tier page");
    }
    assert_eq!(rows[2]["tier"], "learn");
    assert!(!rows[2]["history"].as_array().expect("history").is_empty());
    assert_eq!(rows[1]["override"]["tier"], "live");

    // A person sees only their own; a partnership admin everyone, or one organisation's.
    let own = export(&app, "/api/v1/export/capability-tiers", Some(member_a))
        .await
        .rows();
    let shown: Value = app
        .get(
            &format!("/api/v1/capability/people/{}/tier", member_a_person.id),
            member_a,
        )
        .await
        .expect(200);
    assert_eq!(own, [shown]);
    let everyone = export(&app, "/api/v1/export/capability-tiers", Some(&app.admin))
        .await
        .rows();
    assert_eq!(everyone.len(), 6, "the first admin and the cast");
    let of_b = export(
        &app,
        &format!(
            "/api/v1/export/capability-tiers?organisation_id={}",
            c.org_b.id
        ),
        Some(&app.admin),
    )
    .await;
    assert_eq!(of_b.rows().len(), 2);
    let not_theirs = export(
        &app,
        &format!(
            "/api/v1/export/capability-tiers?organisation_id={}",
            c.org_b.id
        ),
        Some(&read),
    )
    .await;
    assert!(not_theirs.rows().is_empty(), "B's staff stay B's");

    // CSV: one row a person, the override's reason neutralised.
    let csv = export(
        &app,
        "/api/v1/export/capability-tiers?format=csv",
        Some(&read),
    )
    .await
    .csv();
    assert_eq!(
        csv[0][..4],
        ["person_id", "name", "organisation_id", "tier"]
    );
    assert_eq!(csv.len(), 4);
    assert_eq!(csv[2][3], "live");
    assert_eq!(csv[2][8], "'=Coached the sepsis collaborative");
    assert_eq!(csv[3][5], "learn");

    // Scope, bad parameters, and the audit log: staff data leaving is accounted for.
    let events_only = token(&app, admin_a, &["read_events"]).await;
    let refused = export(&app, "/api/v1/export/capability-tiers", Some(&events_only)).await;
    assert_eq!(refused.status, 403);
    for (query, field) in [
        ("format=pdf", "format"),
        ("organisation_id=all", "organisation_id"),
    ] {
        let bad = export(
            &app,
            &format!("/api/v1/export/capability-tiers?{query}"),
            Some(&read),
        )
        .await;
        assert_eq!(bad.status, 400, "{query}: {}", bad.text);
        assert_eq!(bad.content_type, "application/problem+json");
        assert!(bad.text.contains(field), "{query}: {}", bad.text);
    }
    let logged = audited(&app, admin_a, "/api/v1/export/capability-tiers").await;
    assert!(
        logged.iter().any(
            |e| matches!(e.actor, qi_shared::audit::AuditActor::Token { .. })
                && e.query.as_deref() == Some("format=csv")
        ),
        "{logged:#?}"
    );
    assert!(
        logged.iter().any(|e| matches!(&e.actor, qi_shared::audit::AuditActor::Person { id, .. } if *id == member_a_person.id)),
        "{logged:#?}"
    );
}

/// Every row of a plain JSON list (an array) as the caller reads it.
async fn listed_array(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let rows: Value = app.get(path, token).await.expect(200);
    rows.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn enrolments_bookings_and_coaching_sessions_export_as_their_lists_show_them() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (admin_a, admin_b) = (&c.admin_a.1, &c.admin_b.1);
    let (member_a, member_b) = (&c.member_a.1, &c.member_b.1);

    // Riverside's course and cohort; a person of each organisation takes a place, and one of
    // Northmoor's waits (a cohort of two).
    let course: Value = app
        .post(
            "/api/v1/courses",
            admin_b,
            crate::training::course_body(c.org_b.id),
        )
        .await
        .expect(201);
    let cohort: Value = app
        .post(
            &format!("/api/v1/courses/{}/cohorts", course["id"]),
            admin_b,
            crate::training::cohort_body(2),
        )
        .await
        .expect(201);
    let enrolments = format!("/api/v1/cohorts/{}/enrolments", cohort["id"]);
    for who in [member_a, member_b, &c.coach_a.1] {
        let _: Value = app.post(&enrolments, who, json!({})).await.expect(201);
    }
    let read_a = token(&app, admin_a, &["read_training", "read_events"]).await;
    let read_b = token(&app, admin_b, &["read_training", "read_events"]).await;

    // Northmoor's token: its own people's, with the waiting position; Riverside's (it runs the
    // course): everyone's. Each equal to the cohort's list as that token reads it.
    for (reader, expected) in [(&read_a, 2), (&read_b, 3)] {
        let rows = export(&app, "/api/v1/export/enrolments", Some(reader))
            .await
            .rows();
        assert_eq!(rows.len(), expected);
        assert_eq!(rows, listed_array(&app, &enrolments, reader).await);
    }
    let waiting = export(
        &app,
        "/api/v1/export/enrolments?status=waitlisted",
        Some(&read_a),
    )
    .await
    .rows();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["waiting_position"], 1);
    assert_eq!(waiting[0]["person_id"], c.coach_a.0.id);
    // A person: their own only.
    let own = export(&app, "/api/v1/export/enrolments", Some(member_b))
        .await
        .rows();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["person_id"], c.member_b.0.id);
    let csv = export(&app, "/api/v1/export/enrolments?format=csv", Some(&read_b))
        .await
        .csv();
    assert_eq!(csv[0][..4], ["id", "cohort_id", "person_id", "person_name"]);
    assert_eq!(csv.len(), 4);

    // Riverside's event, booked by a person of each organisation: its bookings are Riverside's
    // to export; Northmoor manages no event and gets none.
    let event: Value = app
        .post(
            "/api/v1/events",
            admin_b,
            crate::events::event_body(c.org_b.id, 10, "partnership"),
        )
        .await
        .expect(201);
    let bookings = format!("/api/v1/events/{}/bookings", event["id"]);
    for who in [member_a, member_b] {
        let _: Value = app.post(&bookings, who, json!({})).await.expect(201);
    }
    let theirs = export(&app, "/api/v1/export/bookings", Some(&read_b))
        .await
        .rows();
    assert_eq!(theirs.len(), 2);
    assert_eq!(theirs, listed_array(&app, &bookings, admin_b).await);
    assert!(
        export(&app, "/api/v1/export/bookings", Some(&read_a))
            .await
            .rows()
            .is_empty()
    );
    assert!(
        export(&app, "/api/v1/export/bookings", Some(member_b))
            .await
            .rows()
            .is_empty(),
        "a person manages no event"
    );
    let csv = export(&app, "/api/v1/export/bookings?format=csv", Some(&read_b))
        .await
        .csv();
    assert_eq!(csv.len(), 3);
    assert!(csv[0].contains(&"email".to_owned()));

    // A coached project of Northmoor's, open to the partnership: Riverside's token reads the
    // sessions without what was said; the coach, on the team, with it.
    let coached = project(
        &app,
        member_a,
        c.org_a.id,
        json!({"team": [{"person_id": c.member_a.0.id, "role": "lead"},
                        {"person_id": c.coach_a.0.id, "role": "coach"}]}),
    )
    .await;
    let hidden = project(
        &app,
        member_a,
        c.org_a.id,
        json!({"visibility": "team",
               "team": [{"person_id": c.member_a.0.id, "role": "lead"},
                        {"person_id": c.coach_a.0.id, "role": "coach"}]}),
    )
    .await;
    for id in [coached.id, hidden.id] {
        let _: Value = app
            .post(
                &format!("/api/v1/projects/{id}/coaching-sessions"),
                &c.coach_a.1,
                json!({"held_on": Utc::now().date_naive(), "minutes": 45, "model": "grow",
                       "notes": "=Talked through the run chart", "actions": "Test the checklist"}),
            )
            .await
            .expect(201);
    }
    let list = |id: i64| format!("/api/v1/projects/{id}/coaching-sessions");
    let sessions = export(&app, "/api/v1/export/coaching-sessions", Some(&read_b))
        .await
        .rows();
    assert_eq!(sessions.len(), 1, "only the project Riverside may see");
    let shown: Value = app.get(&list(coached.id), &read_b).await.expect(200);
    assert_eq!(
        sessions,
        shown["items"].as_array().cloned().unwrap_or_default()
    );
    assert!(sessions[0]["notes"].is_null(), "not on the team");
    let coach = export(
        &app,
        "/api/v1/export/coaching-sessions?format=csv",
        Some(&c.coach_a.1),
    )
    .await
    .csv();
    assert_eq!(coach.len(), 3, "the coach sees both, notes and all");
    let notes = coach[0].iter().position(|h| h == "notes").expect("notes");
    assert_eq!(coach[1][notes], "'=Talked through the run chart");

    // Scopes: training needs read_training, bookings read_events.
    let events_only = token(&app, admin_a, &["read_events"]).await;
    let training_only = token(&app, admin_a, &["read_training"]).await;
    for (path, reader) in [
        ("/api/v1/export/enrolments", &events_only),
        ("/api/v1/export/coaching-sessions", &events_only),
        ("/api/v1/export/bookings", &training_only),
    ] {
        assert_eq!(export(&app, path, Some(reader)).await.status, 403, "{path}");
        assert_eq!(export(&app, path, None).await.status, 401, "{path}");
    }
    let bad = export(
        &app,
        "/api/v1/export/enrolments?status=maybe",
        Some(&read_a),
    )
    .await;
    assert_eq!(bad.status, 400);
    // Staff data leaving the platform is accounted for.
    assert!(
        !audited(&app, admin_a, "/api/v1/export/enrolments")
            .await
            .is_empty(),
        "the export is in the audit log"
    );
}
