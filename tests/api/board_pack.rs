//! Integration tests of the board pack: its contents for a known partnership, the same pack as
//! HTML (self-contained, printable), CSV (BOM, no formulas) and PDF (parsed back), who may write
//! it, and the answers to bad requests.

use chrono::{Datelike, Months, NaiveDate, Utc};
use qi_shared::{
    dashboard::{Metric, board_pack::BoardPack},
    measure::Measure,
    project::Project,
    spc::VariationIcon,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Cast, TestApp, cast, fields, spawn_app};

/// The last complete month's first day: the pack's default month.
fn last_month() -> NaiveDate {
    let today = qi_shared::uk_time::day_of(Utc::now());
    today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(1)))
        .expect("a month")
}

fn ym(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// A project of organisation A with `visibility`, and a count measure on it whose 20 monthly
/// points end in the last complete month: flat for 12 months, then a step up (special-cause
/// improvement).
async fn project_with_measure(app: &TestApp, c: &Cast, visibility: &str) -> (Project, Measure) {
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Safer discharges", "aim": "Halve readmissions by March", "lead_organisation_id": c.org_a.id,
                   "visibility": visibility,
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"}]}),
        )
        .await
        .expect(201);
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", project.id),
            &c.member_a.1,
            json!({"name": "Days between readmissions", "type": "outcome",
                   "operational_definition": "Days since the last readmission within 30 days, at the month's end",
                   "unit": "count", "improvement_direction": "increase", "target": 15,
                   "frequency": "monthly"}),
        )
        .await
        .expect(201);
    let first = last_month()
        .checked_sub_months(Months::new(19))
        .expect("a month");
    let points: Vec<Value> = (0..20)
        .map(|i| {
            let date = first.checked_add_months(Months::new(i)).expect("a month");
            let value = if i < 12 { 10 + i % 3 } else { 20 };
            json!({"date": date, "value": value})
        })
        .collect();
    let measure: Measure = app
        .put_if_match(
            &format!("/api/v1/measures/{}/points", measure.id),
            &c.member_a.1,
            measure.version,
            json!({"points": points}),
        )
        .await
        .expect(200);
    (project, measure)
}

async fn put(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> crate::helpers::Answer {
    app.call(Method::PUT, path, token, Some(body)).await
}

async fn raw(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer")
}

#[tokio::test]
async fn the_pack_shows_the_month_s_metrics_the_chosen_measures_and_their_narratives() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (project, measure) = project_with_measure(&app, &c, "partnership").await;
    let month = ym(last_month());

    let chosen: Value = put(
        &app,
        "/api/v1/dashboard/board-pack/measures",
        Some(&app.admin),
        json!({"measure_ids": [measure.id]}),
    )
    .await
    .expect(200);
    assert_eq!(chosen["measure_ids"], json!([measure.id]));
    // A partnership target on the Live tier over the month's year, and one of organisation A's
    // (not the partnership pack's).
    let year = last_month().year();
    for organisation_id in [None, Some(c.org_a.id)] {
        app.post(
            "/api/v1/dashboard/targets",
            &app.admin,
            json!({"organisation_id": organisation_id, "metric": "coaching_sessions", "comparator": "at_least",
                   "value": 24, "period_from": format!("{year}-01-01"), "period_to": format!("{year}-12-31"),
                   "label": "Two coaching sessions a month"}),
        )
        .await
        .expect::<Value>(201);
    }
    let key = format!("measure:{}", measure.id);
    let saved: BoardPack = put(
        &app,
        "/api/v1/dashboard/board-pack/narratives",
        Some(&app.admin),
        json!({"month": month, "narratives": [
            {"row": "metric:people_learn", "text": "=Learning grows steadily"},
            {"row": key, "text": "Stepped up after the new discharge rota"},
        ]}),
    )
    .await
    .expect(200);
    assert_eq!(
        saved.rows.iter().filter(|r| r.narrative.is_some()).count(),
        2
    );

    // JSON: the headline metrics in the catalogue's order, then the measure.
    let pack: BoardPack = app
        .get("/api/v1/dashboard/board-pack", &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(
        pack.month,
        last_month(),
        "the last complete month by default"
    );
    assert_eq!(
        pack.as_of,
        pack.month
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .expect("a day")
    );
    assert_eq!(pack.organisation_id, None);
    assert!(!pack.partnership_name.is_empty());
    let metrics: Vec<Metric> = pack.rows.iter().filter_map(|r| r.metric).collect();
    assert!(metrics.starts_with(&[Metric::PeopleLearn, Metric::PeopleLive, Metric::PeopleLead]));
    assert_eq!(pack.targets.len(), 1, "the partnership's own target");
    let target = &pack.targets[0];
    assert_eq!(target.label, "Two coaching sessions a month");
    assert_eq!(
        (target.current, target.current_text.as_str()),
        (Some(0.0), "0")
    );
    assert!(!target.status.is_empty());
    let coaching = pack
        .rows
        .iter()
        .find(|r| r.metric == Some(Metric::CoachingSessions))
        .expect("a metric with a target is in the pack");
    assert_eq!(coaching.target, Some(2.0), "24 over 12 months");
    let learn = &pack.rows[0];
    assert_eq!(
        learn.narrative.as_ref().map(|n| n.text.as_str()),
        Some("=Learning grows steadily")
    );
    assert_eq!(learn.points.len(), 24);
    let row = pack.rows.last().expect("the measure's row");
    assert_eq!(row.key, key);
    assert_eq!(row.project_title.as_deref(), Some(project.title.as_str()));
    assert_eq!((row.value, row.target), (Some(20.0), Some(15.0)));
    assert_eq!(row.value_date, Some(last_month()));
    assert_eq!(
        row.reading.variation_icon,
        Some(VariationIcon::ImprovementHigh)
    );
    assert!(row.reading.assurance_icon.is_some());
    let narrative = row.narrative.as_ref().expect("a narrative");
    assert_eq!(narrative.text, "Stepped up after the new discharge rota");
    assert!(!narrative.updated_by_name.is_empty());

    // Another month has its own narratives.
    let earlier: BoardPack = app
        .get(
            &format!(
                "/api/v1/dashboard/board-pack?month={}",
                ym(last_month()
                    .checked_sub_months(Months::new(1))
                    .expect("a month"))
            ),
            &c.member_a.1,
        )
        .await
        .expect(200);
    assert!(earlier.rows.iter().all(|r| r.narrative.is_none()));

    // HTML: self-contained and printable on A4.
    let page = raw(&app, "/api/v1/dashboard/board-pack/html", &c.member_a.1).await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let html = page.text().await.expect("text");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4"), "an A4 print stylesheet");
    assert!(html.contains("Stepped up after the new discharge rota"));
    assert!(
        html.contains("Two coaching sessions a month"),
        "the targets"
    );
    assert!(html.contains("<svg"), "inline charts");
    for external in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "no external resource: {external}");
    }

    // CSV: a BOM, a header, one line a row, no formula.
    let csv = raw(&app, "/api/v1/dashboard/board-pack/csv", &c.member_a.1).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    // The bytes: `text()` would drop the BOM as it decodes.
    let bytes = csv.bytes().await.expect("bytes");
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    assert!(text.starts_with("\u{feff}Kind,Name,"));
    assert!(text.contains(",'=Learning grows steadily\n"), "{text}");
    assert_eq!(text.lines().count(), pack.rows.len() + 1);

    // PDF: a valid PDF holding the table's text.
    let pdf = raw(&app, "/api/v1/dashboard/board-pack/pdf", &c.member_a.1).await;
    assert_eq!(pdf.status().as_u16(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"board-pack-{month}.pdf\"")
    );
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    let document = lopdf::Document::load_mem(&bytes).expect("a PDF lopdf reads");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    assert!(pages.len() >= 2, "the table, then the charts");
    let text = document.extract_text(&pages).expect("its text");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Board pack",
        "People in the Learn tier",
        "Days between readmissions",
        "Stepped up after the new discharge rota",
        "Two coaching sessions a month",
    ] {
        assert!(flat.contains(expected), "the PDF says {expected:?}: {flat}");
    }
}

#[tokio::test]
async fn an_organisation_s_admin_writes_only_their_own_organisation_s_pack() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, measure) = project_with_measure(&app, &c, "public").await;
    let month = ym(last_month());
    let narratives = |organisation_id: Option<i64>| {
        json!({"organisation_id": organisation_id, "month": month,
               "narratives": [{"row": "metric:people_live", "text": "Steady"}]})
    };
    let measures = |organisation_id: Option<i64>| json!({"organisation_id": organisation_id, "measure_ids": [measure.id]});
    let n = "/api/v1/dashboard/board-pack/narratives";
    let m = "/api/v1/dashboard/board-pack/measures";
    let a = Some(c.org_a.id);
    for (who, token, body, path, status) in [
        ("A's admin, A's pack", &c.admin_a.1, narratives(a), n, 200),
        ("A's admin, A's measures", &c.admin_a.1, measures(a), m, 200),
        (
            "A's admin, B's pack",
            &c.admin_a.1,
            narratives(Some(c.org_b.id)),
            n,
            403,
        ),
        (
            "A's admin, the partnership's",
            &c.admin_a.1,
            narratives(None),
            n,
            403,
        ),
        (
            "A's admin, the partnership's measures",
            &c.admin_a.1,
            measures(None),
            m,
            403,
        ),
        ("A's member", &c.member_a.1, narratives(a), n, 403),
        ("A's member, measures", &c.member_a.1, measures(a), m, 403),
        ("A's coach", &c.coach_a.1, narratives(a), n, 403),
        (
            "B's admin, B's pack",
            &c.admin_b.1,
            narratives(Some(c.org_b.id)),
            n,
            200,
        ),
        (
            "the partnership admin, A's pack",
            &app.admin,
            narratives(a),
            n,
            200,
        ),
        (
            "the partnership admin",
            &app.admin,
            narratives(None),
            n,
            200,
        ),
    ] {
        let answer = put(&app, path, Some(token), body).await;
        assert_eq!(answer.status.as_u16(), status, "{who}: {}", answer.body);
    }
    // Everyone signed in reads any pack; nobody signed out reads or writes.
    let pack: BoardPack = app
        .get(
            &format!(
                "/api/v1/dashboard/board-pack?organisation_id={}",
                c.org_a.id
            ),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert_eq!(
        pack.organisation_name.as_deref(),
        Some(c.org_a.name.as_str())
    );
    assert!(pack.rows.iter().any(|r| r.measure_id == Some(measure.id)));
    for path in ["", "/html", "/pdf", "/csv", "/measures"] {
        let answer = app
            .call(
                Method::GET,
                &format!("/api/v1/dashboard/board-pack{path}"),
                None,
                None,
            )
            .await;
        assert_eq!(answer.status.as_u16(), 401, "GET {path}");
    }
    assert_eq!(
        put(&app, n, None, narratives(None)).await.status.as_u16(),
        401
    );
    assert_eq!(
        put(&app, m, None, measures(None)).await.status.as_u16(),
        401
    );
    // The choices for A's pack: A's shared measure, chosen.
    let choices: Value = app
        .get(
            &format!(
                "/api/v1/dashboard/board-pack/measures?organisation_id={}",
                c.org_a.id
            ),
            &c.member_a.1,
        )
        .await
        .expect(200);
    assert_eq!(choices["chosen"], json!([measure.id]));
    assert_eq!(choices["candidates"][0]["measure_id"], json!(measure.id));
}

#[tokio::test]
async fn bad_requests_are_answered_naming_the_field() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, hidden) = project_with_measure(&app, &c, "organisation").await;
    let future = ym(last_month()
        .checked_add_months(Months::new(2))
        .expect("a month"));
    for (query, field) in [
        (format!("month={future}"), "month"),
        ("month=2026-13".to_owned(), "month"),
        ("month=May".to_owned(), "month"),
        ("month=2026-05-01".to_owned(), "month"),
        ("organisation_id=999999".to_owned(), "organisation_id"),
    ] {
        for path in ["", "/html", "/pdf", "/csv"] {
            let problem = app
                .get(
                    &format!("/api/v1/dashboard/board-pack{path}?{query}"),
                    &c.member_a.1,
                )
                .await
                .problem(422);
            assert_eq!(fields(&problem), [field], "{path}?{query}");
        }
    }
    let answer = app
        .get(
            "/api/v1/dashboard/board-pack?organisation_id=abc",
            &c.member_a.1,
        )
        .await;
    assert_eq!(answer.status.as_u16(), 400);

    let month = ym(last_month());
    let n = "/api/v1/dashboard/board-pack/narratives";
    for (body, field) in [
        (
            json!({"month": future, "narratives": [{"row": "metric:people_live", "text": "x"}]}),
            "month",
        ),
        (
            json!({"month": "soon", "narratives": [{"row": "metric:people_live", "text": "x"}]}),
            "month",
        ),
        (
            json!({"month": month, "narratives": [{"row": "metric:nothing", "text": "x"}]}),
            "narratives[0].row",
        ),
        (
            json!({"month": month, "narratives": [{"row": "metric:people_live", "text": "x".repeat(301)}]}),
            "narratives[0].text",
        ),
        (json!({"month": month, "narratives": []}), "narratives"),
        (
            json!({"organisation_id": 999999, "month": month, "narratives": [{"row": "metric:people_live", "text": "x"}]}),
            "organisation_id",
        ),
    ] {
        let problem = put(&app, n, Some(&app.admin), body.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{body}");
    }
    let m = "/api/v1/dashboard/board-pack/measures";
    for (ids, why) in [
        (
            json!([hidden.id]),
            "a project its own organisation alone sees",
        ),
        (json!([999999]), "no such measure"),
        (json!((1..=21).collect::<Vec<i64>>()), "too many"),
    ] {
        let problem = put(&app, m, Some(&app.admin), json!({"measure_ids": ids}))
            .await
            .problem(422);
        assert_eq!(fields(&problem), ["measure_ids"], "{why}");
    }
}
