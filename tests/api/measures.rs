use qi_shared::{
    improvement::{DriverDiagram, PdsaCycle},
    measure::{Annotation, DataPoint, MAX_POINTS, Measure, MeasureSummary, PointsImported},
    project::{Project, Visibility},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, Cast, TestApp, cast, fields, spawn_app};

/// An answer and the ETag it came with.
struct Tagged {
    etag: Option<String>,
    answer: Answer,
}

impl TestApp {
    /// Any request, with `If-Match` when given; the body, if any, as JSON.
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: Option<Value>,
    ) -> Tagged {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(version) = if_match {
            request = request.header("If-Match", version);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        tagged(request).await
    }

    /// A CSV import: `body` as `text/csv`.
    async fn import(
        &self,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Tagged {
        let mut request = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body);
        if let Some(version) = if_match {
            request = request.header("If-Match", version);
        }
        tagged(request).await
    }
}

async fn tagged(request: reqwest::RequestBuilder) -> Tagged {
    let response = request.send().await.expect("the server answers");
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Tagged {
        etag,
        answer: Answer::from(response).await,
    }
}

fn tag(version: i64) -> String {
    format!("\"{version}\"")
}

fn diagram() -> Value {
    json!({"primary_drivers": [
        {"text": "Reliable falls risk assessment", "change_ideas": [{"text": "Admission checklist"}, {"text": "Bed rails audit"}]}
    ]})
}

/// A project of the cast's organisation A led by `member_a`, coached by `coach_a`, with a driver
/// diagram of two change ideas.
async fn project(app: &TestApp, c: &Cast, visibility: Visibility) -> (Project, Vec<i64>) {
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "lead_organisation_id": c.org_a.id,
                   "visibility": visibility,
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"}, {"person_id": c.coach_a.0.id, "role": "coach"}]}),
        )
        .await
        .expect(201);
    let saved: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", project.id),
            &c.member_a.1,
            Some(tag(project.version)),
            diagram(),
        )
        .await
        .expect(200);
    let ideas = saved
        .change_ideas()
        .into_iter()
        .filter_map(|(idea, _, _)| idea.id)
        .collect();
    (project, ideas)
}

fn rate_measure(ideas: &[i64]) -> Value {
    json!({
        "name": "Falls per 1,000 occupied bed days",
        "type": "outcome",
        "operational_definition": "Inpatient falls reported on Datix, over occupied bed days at midnight, by calendar month",
        "unit": "rate",
        "rate_per": 1000,
        "numerator_definition": "Falls reported on Datix",
        "denominator_definition": "Occupied bed days",
        "improvement_direction": "decrease",
        "target": 4.5,
        "frequency": "monthly",
        "change_idea_ids": ideas,
    })
}

pub fn count_measure() -> Value {
    json!({
        "name": "Risk assessments done within 24 hours",
        "type": "process",
        "operational_definition": "Falls risk assessments completed within 24 hours of admission, per week",
        "unit": "count",
        "improvement_direction": "increase",
        "frequency": "weekly",
    })
}

fn with(mut body: Value, change: Value) -> Value {
    for (key, value) in change.as_object().into_iter().flatten() {
        if value.is_null() {
            body.as_object_mut().map(|o| o.remove(key));
        } else {
            body[key] = value.clone();
        }
    }
    body
}

async fn create_measure(app: &TestApp, token: &str, project_id: i64, body: Value) -> Measure {
    app.post(
        &format!("/api/v1/projects/{project_id}/measures"),
        token,
        body,
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn a_team_defines_a_measure_enters_its_data_and_reads_it_back() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, ideas) = project(&app, &c, Visibility::Partnership).await;
    let before: Project = app
        .get(&format!("/api/v1/projects/{}", p.id), &c.member_a.1)
        .await
        .expect(200);

    // Create: the answer names where it is and its version.
    let created = app
        .send(
            Method::POST,
            &format!("/api/v1/projects/{}/measures", p.id),
            Some(&c.member_a.1),
            None,
            Some(rate_measure(&ideas)),
        )
        .await;
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    let measure: Measure = created.answer.expect(201);
    assert_eq!(
        (
            measure.rate_per,
            measure.change_idea_ids.clone(),
            measure.points.len()
        ),
        (Some(1000), ideas.clone(), 0)
    );
    let path = format!("/api/v1/measures/{}", measure.id);

    // Points one by one: a value, a gap, and a numerator and denominator whose value is worked out.
    let points = format!("{path}/points");
    for body in [
        json!({"date": "2026-03-01", "numerator": 9, "denominator": 1800, "note": "New checklist"}),
        json!({"date": "2026-01-01", "value": 6.2}),
        json!({"date": "2026-02-01"}),
    ] {
        let added = app
            .send(Method::POST, &points, Some(&c.member_a.1), None, Some(body))
            .await;
        assert!(added.etag.is_some(), "the measure's new version");
        let _: DataPoint = added.answer.expect(201);
    }

    // A partner organisation's member reads it, the points in date order.
    let read = app
        .send(Method::GET, &path, Some(&c.member_b.1), None, None)
        .await;
    assert_eq!(read.etag.as_deref(), Some("\"4\""));
    let measure: Measure = read.answer.expect(200);
    let data: Vec<(String, Option<f64>)> = measure
        .points
        .iter()
        .map(|p| (p.date.to_string(), p.value))
        .collect();
    assert_eq!(
        data,
        [
            ("2026-01-01".to_owned(), Some(6.2)),
            ("2026-02-01".to_owned(), None),
            ("2026-03-01".to_owned(), Some(5.0)),
        ]
    );
    let list: Vec<MeasureSummary> = app
        .get(
            &format!("/api/v1/projects/{}/measures", p.id),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].point_count,
            list[0].first_date.map(|d| d.to_string()),
            list[0].last_date.map(|d| d.to_string())
        ),
        (
            3,
            Some("2026-01-01".to_owned()),
            Some("2026-03-01".to_owned())
        )
    );

    // Change the definition: per 100 bed days instead, so the worked-out value follows.
    let changed: Measure = app
        .put_with(
            &path,
            &c.coach_a.1,
            Some(tag(measure.version)),
            with(rate_measure(&ideas[..1]), json!({"rate_per": 100})),
        )
        .await
        .expect(200);
    assert_eq!(changed.version, measure.version + 1);
    assert_eq!(changed.change_idea_ids, ideas[..1]);
    assert_eq!(changed.points[2].value, Some(0.5));
    assert_eq!(changed.points[0].value, Some(6.2), "a plain value stays");

    // Change one point, then remove another.
    let first = &changed.points[0];
    let edited = app
        .send(
            Method::PUT,
            &format!("{points}/{}", first.id),
            Some(&c.admin_a.1),
            Some(&tag(changed.version)),
            Some(json!({"date": "2026-01-01", "value": 6.4, "note": "Corrected from Datix"})),
        )
        .await;
    assert_eq!(edited.etag, Some(tag(changed.version + 1)));
    let point: DataPoint = edited.answer.expect(200);
    assert_eq!(
        (point.value, point.note.as_str()),
        (Some(6.4), "Corrected from Datix")
    );
    let removed = app
        .send(
            Method::DELETE,
            &format!("{points}/{}", changed.points[1].id),
            Some(&c.member_a.1),
            Some(&tag(changed.version + 1)),
            None,
        )
        .await;
    assert_eq!(removed.answer.status, 204);
    assert_eq!(removed.etag, Some(tag(changed.version + 2)));
    let now: Measure = app.get(&path, &c.member_a.1).await.expect(200);
    assert_eq!(now.points.len(), 2);

    // Each change marked the project changed for the lists, without moving its own version.
    let after: Project = app
        .get(&format!("/api/v1/projects/{}", p.id), &c.member_a.1)
        .await
        .expect(200);
    assert!(after.updated_at > before.updated_at);
    assert_eq!(after.version, before.version);
}

#[tokio::test]
async fn bad_measures_are_refused_field_by_field() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, ideas) = project(&app, &c, Visibility::Partnership).await;
    let (other, foreign) = project(&app, &c, Visibility::Partnership).await;
    let diagram: DriverDiagram = app
        .get(
            &format!("/api/v1/projects/{}/driver-diagram", p.id),
            &c.member_a.1,
        )
        .await
        .expect(200);
    let primary = diagram.primary_drivers[0].id.unwrap();
    assert_ne!(other.id, p.id);
    let path = format!("/api/v1/projects/{}/measures", p.id);
    let rate = rate_measure(&ideas);
    let count = count_measure();
    let cases = [
        (with(count.clone(), json!({"name": " "})), "name"),
        (with(count.clone(), json!({"name": null})), "name"),
        (
            with(count.clone(), json!({"operational_definition": ""})),
            "operational_definition",
        ),
        (with(count.clone(), json!({"type": "driver"})), "type"),
        (with(count.clone(), json!({"unit": "litres"})), "unit"),
        (
            with(count.clone(), json!({"improvement_direction": "up"})),
            "improvement_direction",
        ),
        (
            with(count.clone(), json!({"frequency": "hourly"})),
            "frequency",
        ),
        (with(count.clone(), json!({"target": "five"})), "target"),
        (with(rate.clone(), json!({"rate_per": null})), "rate_per"),
        (with(rate.clone(), json!({"rate_per": 0})), "rate_per"),
        (with(rate.clone(), json!({"rate_per": -5})), "rate_per"),
        (with(count.clone(), json!({"rate_per": 1000})), "rate_per"),
        (
            with(count.clone(), json!({"numerator_definition": "Falls"})),
            "numerator_definition",
        ),
        (
            with(
                rate.clone(),
                json!({"unit": "percentage", "rate_per": null, "denominator_definition": ""}),
            ),
            "denominator_definition",
        ),
        (
            with(
                count.clone(),
                json!({"change_idea_ids": [ideas[0], foreign[0]]}),
            ),
            "change_idea_ids[1]",
        ),
        (
            with(count.clone(), json!({"change_idea_ids": [primary]})),
            "change_idea_ids[0]",
        ),
        (
            with(
                count.clone(),
                json!({"change_idea_ids": [ideas[0], ideas[0]]}),
            ),
            "change_idea_ids[1]",
        ),
        (
            with(count.clone(), json!({"change_idea_ids": "all"})),
            "change_idea_ids",
        ),
    ];
    for (body, field) in cases {
        let problem = app
            .post(&path, &c.member_a.1, body.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{body}");
    }
    let none: Vec<MeasureSummary> = app.get(&path, &c.member_a.1).await.expect(200);
    assert!(none.is_empty(), "nothing was made by the refused requests");
}

#[tokio::test]
async fn bad_points_are_refused_field_by_field_and_a_date_is_taken_once() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let percentage = create_measure(
        &app,
        token,
        p.id,
        with(
            rate_measure(&[]),
            json!({"unit": "percentage", "rate_per": null}),
        ),
    )
    .await;
    let count = create_measure(&app, token, p.id, count_measure()).await;
    let on = |m: &Measure| format!("/api/v1/measures/{}/points", m.id);
    let cases = [
        (
            &percentage,
            json!({"date": "2026-01-01", "numerator": 3, "denominator": 0}),
            "denominator",
        ),
        (
            &percentage,
            json!({"date": "2026-01-01", "numerator": 3}),
            "denominator",
        ),
        (
            &percentage,
            json!({"date": "2026-01-01", "numerator": -1, "denominator": 4}),
            "numerator",
        ),
        (
            &percentage,
            json!({"date": "2026-01-01", "value": 30, "numerator": 1, "denominator": 4}),
            "value",
        ),
        (
            &count,
            json!({"date": "2026-01-01", "numerator": 1, "denominator": 4}),
            "numerator",
        ),
        (&count, json!({"date": "2024-02-30", "value": 1}), "date"),
        (&count, json!({"date": "01/02/2024", "value": 1}), "date"),
        (&count, json!({"value": 1}), "date"),
        (
            &count,
            json!({"date": "2026-01-01", "value": "12"}),
            "value",
        ),
        (
            &count,
            json!({"date": "2026-01-01", "value": "NaN"}),
            "value",
        ),
        (
            &count,
            json!({"date": "2026-01-01", "value": 1, "note": "x".repeat(1001)}),
            "note",
        ),
    ];
    for (measure, body, field) in cases {
        let problem = app
            .post(&on(measure), token, body.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{body}");
    }

    // One point per date: a second on the same date, or a point moved onto it, is a conflict.
    let first: DataPoint = app
        .post(
            &on(&count),
            token,
            json!({"date": "2026-01-01", "value": 4}),
        )
        .await
        .expect(201);
    let problem = app
        .post(
            &on(&count),
            token,
            json!({"date": "2026-01-01", "value": 5}),
        )
        .await
        .problem(409);
    assert_eq!(
        (problem.code.as_str(), fields(&problem)),
        ("duplicate_date", vec!["date"])
    );
    let second: DataPoint = app
        .post(
            &on(&count),
            token,
            json!({"date": "2026-01-08", "value": 5}),
        )
        .await
        .expect(201);
    let now: Measure = app
        .get(&format!("/api/v1/measures/{}", count.id), token)
        .await
        .expect(200);
    let problem = app
        .put_with(
            &format!("{}/{}", on(&count), second.id),
            token,
            Some(tag(now.version)),
            json!({"date": "2026-01-01", "value": 5}),
        )
        .await
        .problem(409);
    assert_eq!(fields(&problem), ["date"]);
    assert_eq!(now.points[0].id, first.id);

    // A measure with points given as fractions stays a fraction.
    app.post(
        &on(&percentage),
        token,
        json!({"date": "2026-01-01", "numerator": 1, "denominator": 4}),
    )
    .await
    .expect::<DataPoint>(201);
    let current: Measure = app
        .get(&format!("/api/v1/measures/{}", percentage.id), token)
        .await
        .expect(200);
    let problem = app
        .put_with(
            &format!("/api/v1/measures/{}", percentage.id),
            token,
            Some(tag(current.version)),
            count_measure(),
        )
        .await
        .problem(409);
    assert_eq!(
        (problem.code.as_str(), fields(&problem)),
        ("measure_has_fractions", vec!["unit"])
    );
    let unchanged: Measure = app
        .get(&format!("/api/v1/measures/{}", percentage.id), token)
        .await
        .expect(200);
    assert_eq!(
        (unchanged.version, unchanged.unit),
        (current.version, current.unit),
        "nothing changed"
    );
}

#[tokio::test]
async fn a_grid_saves_every_point_or_none() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let measure = create_measure(
        &app,
        token,
        p.id,
        with(
            rate_measure(&[]),
            json!({"unit": "percentage", "rate_per": null}),
        ),
    )
    .await;
    let path = format!("/api/v1/measures/{}/points", measure.id);
    let good = json!({"points": [
        {"date": "2026-01-01", "numerator": 12, "denominator": 48},
        {"date": "2026-02-01", "value": 30},
        {"date": "2026-03-01"},
    ]});
    let saved: Measure = app
        .put_with(&path, token, Some(tag(measure.version)), good.clone())
        .await
        .expect(200);
    let values: Vec<Option<f64>> = saved.points.iter().map(|p| p.value).collect();
    assert_eq!(values, [Some(25.0), Some(30.0), None]);

    let bad = json!({"points": [
        {"date": "2026-01-01", "value": 10},
        {"date": "2026-02-01", "numerator": 1, "denominator": 0},
        {"date": "2026-03-01", "value": 20},
        {"date": "2026-01-01", "value": 40},
    ]});
    let problem = app
        .put_with(&path, token, Some(tag(saved.version)), bad)
        .await
        .problem(422);
    assert_eq!(
        fields(&problem),
        ["points[1].denominator", "points[3].date"]
    );
    let problem = app
        .put_with(
            &path,
            token,
            Some(tag(saved.version)),
            json!({"points": [{"date": "2026-01-01"}, {"date": "someday"}]}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["points[1].date"]);
    app.put_with(&path, token, Some(tag(measure.version)), good.clone())
        .await
        .problem(412);
    app.put_with(&path, token, None, good).await.problem(428);
    let now: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), token)
        .await
        .expect(200);
    assert_eq!(
        (now.version, now.points.len()),
        (saved.version, 3),
        "the refused grids changed nothing"
    );

    let emptied: Measure = app
        .put_with(&path, token, Some(tag(now.version)), json!({"points": []}))
        .await
        .expect(200);
    assert!(emptied.points.is_empty());
}

#[tokio::test]
async fn changes_need_the_current_version_as_if_match() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let measure = create_measure(&app, token, p.id, count_measure()).await;
    let path = format!("/api/v1/measures/{}", measure.id);
    let point: DataPoint = app
        .post(
            &format!("{path}/points"),
            token,
            json!({"date": "2026-01-05", "value": 3}),
        )
        .await
        .expect(201);
    let annotation: Annotation = app
        .post(
            &format!("{path}/annotations"),
            token,
            json!({"date": "2026-01-05", "kind": "annotation", "label": "Audit week"}),
        )
        .await
        .expect(201);
    let current = measure.version + 2;
    let stale = tag(measure.version);
    let point_path = format!("{path}/points/{}", point.id);
    let annotation_path = format!("{path}/annotations/{}", annotation.id);
    let point_body = json!({"date": "2026-01-05", "value": 4});
    let annotation_body = json!({"date": "2026-01-05", "kind": "annotation", "label": "Audit"});
    let cases = [
        (Method::PUT, path.clone(), Some(count_measure())),
        (Method::DELETE, path.clone(), None),
        (Method::PUT, point_path.clone(), Some(point_body)),
        (Method::DELETE, point_path, None),
        (Method::PUT, annotation_path.clone(), Some(annotation_body)),
        (Method::DELETE, annotation_path, None),
        (
            Method::PUT,
            format!("{path}/points"),
            Some(json!({"points": []})),
        ),
    ];
    for (method, target, body) in cases {
        let missing = app
            .send(method.clone(), &target, Some(token), None, body.clone())
            .await;
        assert_eq!(
            missing.answer.problem(428).code,
            "precondition_required",
            "{method} {target}"
        );
        let refused = app
            .send(method.clone(), &target, Some(token), Some(&stale), body)
            .await;
        assert_eq!(
            refused.etag,
            Some(tag(current)),
            "{method} {target} names the current version"
        );
        assert_eq!(refused.answer.problem(412).code, "version_conflict");
    }
    let gone = app
        .send(
            Method::DELETE,
            &path,
            Some(token),
            Some(&tag(current)),
            None,
        )
        .await;
    assert_eq!(gone.answer.status, 204);
    app.get(&path, token).await.problem(404);
    let list: Vec<MeasureSummary> = app
        .get(&format!("/api/v1/projects/{}/measures", p.id), token)
        .await
        .expect(200);
    assert!(list.is_empty());
}

#[tokio::test]
async fn if_match_star_or_a_list_naming_the_current_version_lets_a_change_through() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let measure = create_measure(&app, token, p.id, count_measure()).await;
    let path = format!("/api/v1/measures/{}", measure.id);
    let points = format!("{path}/points");
    let v = measure.version;
    // RFC 9110: `*` matches whatever version there is; a list matches if any of it does.
    for (if_match, status) in [
        ("*".to_owned(), 200),
        (format!("\"{}\", W/\"{}\"", v - 1, v + 1), 200),
        (format!("\"{}\", \"not-ours\"", v + 1), 412),
        (format!("W/\"{}\", \"{}\"", v - 1, v + 5), 412),
    ] {
        let answer = app
            .send(
                Method::PUT,
                &points,
                Some(token),
                Some(&if_match),
                Some(json!({"points": []})),
            )
            .await;
        assert_eq!(answer.answer.status, status, "If-Match: {if_match}");
    }
    let gone = app
        .send(Method::DELETE, &path, Some(token), Some("*"), None)
        .await;
    assert_eq!(gone.answer.status, 204);
}

#[tokio::test]
async fn a_csv_file_in_either_date_form_imports_and_the_export_reads_back_the_same() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let measure = create_measure(
        &app,
        token,
        p.id,
        with(
            rate_measure(&[]),
            json!({"unit": "percentage", "rate_per": null}),
        ),
    )
    .await;
    let path = format!("/api/v1/measures/{}", measure.id);
    let csv_path = format!("{path}/points.csv");

    // Dates as dd/mm/yyyy, d/m/yyyy and ISO; spaces round numbers; a quoted note; a gap.
    let file = "Date,Numerator,Denominator,Note\r\n\
                01/01/2026, 12 ,48,\r\n\
                1/2/2026,10,40,\"Ward 7 closed, 3 days\"\r\n\
                2026-03-01,,,\r\n";
    let imported = app.import(&csv_path, token, None, file).await;
    assert_eq!(imported.etag, Some(tag(measure.version + 1)));
    let summary: PointsImported = imported.answer.expect(200);
    assert_eq!(
        (
            summary.added,
            summary.updated,
            summary.unchanged,
            summary.removed
        ),
        (3, 0, 0, 0)
    );
    let read: Measure = app.get(&path, token).await.expect(200);
    let data: Vec<(String, Option<f64>, &str)> = read
        .points
        .iter()
        .map(|p| (p.date.to_string(), p.value, p.note.as_str()))
        .collect();
    assert_eq!(
        data,
        [
            ("2026-01-01".to_owned(), Some(25.0), ""),
            ("2026-02-01".to_owned(), Some(25.0), "Ward 7 closed, 3 days"),
            ("2026-03-01".to_owned(), None, ""),
        ]
    );

    // Merging changes the rows' dates and adds the new ones; the rest stay.
    let merged: PointsImported = app
        .import(
            &format!("{csv_path}?mode=merge"),
            token,
            None,
            "date,numerator,denominator\n2026-03-01,1,4\n2026-04-01,2,4\n",
        )
        .await
        .answer
        .expect(200);
    assert_eq!(
        (
            merged.added,
            merged.updated,
            merged.unchanged,
            merged.removed
        ),
        (1, 1, 0, 0)
    );

    // The export: ISO dates, every column, in date order.
    let export = app
        .client
        .get(app.url(&csv_path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = export.text().await.unwrap();
    assert_eq!(
        text,
        "date,value,numerator,denominator,note\r\n\
         2026-01-01,25,12,48,\r\n\
         2026-02-01,25,10,40,\"Ward 7 closed, 3 days\"\r\n\
         2026-03-01,25,1,4,\r\n\
         2026-04-01,50,2,4,\r\n"
    );

    // It reads back the same: replacing the data with it changes nothing, not even a point's id.
    let before: Measure = app.get(&path, token).await.expect(200);
    let replaced: PointsImported = app
        .import(
            &format!("{csv_path}?mode=replace"),
            token,
            Some(&tag(before.version)),
            text.clone(),
        )
        .await
        .answer
        .expect(200);
    assert_eq!(
        (
            replaced.added,
            replaced.updated,
            replaced.unchanged,
            replaced.removed
        ),
        (0, 0, 4, 0)
    );
    let after: Measure = app.get(&path, token).await.expect(200);
    let strip = |m: &Measure| {
        m.points
            .iter()
            .map(|p| {
                (
                    p.id,
                    p.date,
                    p.value,
                    p.numerator,
                    p.denominator,
                    p.note.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&after), strip(&before));

    // Replacing with fewer rows removes the others.
    let fewer: PointsImported = app
        .import(
            &format!("{csv_path}?mode=replace"),
            token,
            Some(&tag(after.version)),
            "date,value\n2026-05-01,40\n",
        )
        .await
        .answer
        .expect(200);
    assert_eq!(
        (fewer.added, fewer.updated, fewer.unchanged, fewer.removed),
        (1, 0, 0, 4)
    );
}

#[tokio::test]
async fn a_csv_file_with_bad_rows_imports_nothing_and_lists_every_one() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let measure = create_measure(&app, token, p.id, count_measure()).await;
    let csv_path = format!("/api/v1/measures/{}/points.csv", measure.id);

    let file = "date,value,note\n\
                2026-01-05,4,\n\
                31/02/2024,5,\n\
                2026-01-19,\"1,234\",\n\
                2026-01-26,four,\n\
                05/01/2026,6,\n";
    let problem = app
        .import(&csv_path, token, None, file)
        .await
        .answer
        .problem(422);
    let listed: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                "rows[3].date",
                "\"31/02/2024\" is not a date (use dd/mm/yyyy or yyyy-mm-dd)"
            ),
            (
                "rows[4].value",
                "\"1,234\" is not a number (leave out thousands separators: 1234, not 1,234; and use a point for decimals)"
            ),
            ("rows[5].value", "\"four\" is not a number"),
            ("rows[6].date", "Row 2 has this date too: one row per date"),
        ]
    );
    let read: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), token)
        .await
        .expect(200);
    assert!(read.points.is_empty(), "nothing was imported");
    assert_eq!(read.version, measure.version);

    // The file as a whole: its header, its size, its encoding, its type, the mode.
    let header = app
        .import(
            &csv_path,
            token,
            None,
            "date,value,colour\n2026-01-05,4,red\n",
        )
        .await
        .answer
        .problem(422);
    assert_eq!(fields(&header), ["rows[1]"]);
    assert!(
        header.errors[0]
            .message
            .contains("Unknown column \"colour\"")
    );
    let no_header = app
        .import(&csv_path, token, None, "2026-01-05,4\n")
        .await
        .answer
        .problem(422);
    assert!(no_header.errors[0].message.contains("header row"));
    let fractions = app
        .import(
            &csv_path,
            token,
            None,
            "date,numerator,denominator\n2026-01-05,1,4\n",
        )
        .await
        .answer
        .problem(422);
    assert_eq!(fields(&fractions), ["rows[2].numerator"]);
    let latin1 = app
        .import(
            &csv_path,
            token,
            None,
            b"date,value,note\n2026-01-05,4,caf\xe9\n".to_vec(),
        )
        .await
        .answer
        .problem(422);
    assert_eq!(fields(&latin1), ["body"]);
    let mut many = String::from("date,value\n");
    let start = chrono::NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
    for day in 0..100_001 {
        many.push_str(&format!("{},1\n", start + chrono::Days::new(day)));
    }
    let too_many = app
        .import(&csv_path, token, None, many)
        .await
        .answer
        .problem(422);
    assert_eq!(fields(&too_many), ["rows"]);
    let huge = format!(
        "date,value,note\n2026-01-05,4,{}\n",
        "x".repeat(5 * 1024 * 1024)
    );
    let too_big = app
        .import(&csv_path, token, None, huge)
        .await
        .answer
        .problem(413);
    assert_eq!(too_big.code, "payload_too_large");
    let json = app
        .post_raw(
            &csv_path,
            Some(token),
            "application/json",
            "{\"csv\": \"\"}",
        )
        .await
        .problem(415);
    assert!(json.detail.unwrap_or_default().contains("text/csv"));
    let replace = app
        .import(
            &format!("{csv_path}?mode=replace"),
            token,
            None,
            "date,value\n2026-01-05,4\n",
        )
        .await
        .answer
        .problem(428);
    assert_eq!(replace.code, "precondition_required");
    let bad_mode = app
        .import(
            &format!("{csv_path}?mode=append"),
            token,
            None,
            "date,value\n2026-01-05,4\n",
        )
        .await
        .answer
        .problem(400);
    assert!(bad_mode.detail.unwrap_or_default().contains("`mode`"));
    let read: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), token)
        .await
        .expect(200);
    assert!(read.points.is_empty() && read.version == measure.version);
}

#[tokio::test]
async fn phase_changes_and_annotations_mark_the_chart_and_link_the_projects_cycles() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, ideas) = project(&app, &c, Visibility::Partnership).await;
    let (other, other_ideas) = project(&app, &c, Visibility::Partnership).await;
    let token = &c.member_a.1;
    let cycle: PdsaCycle = app
        .post(
            &format!("/api/v1/projects/{}/cycles", p.id),
            token,
            json!({"change_idea_id": ideas[0], "objective": "Try the checklist on ward 7"}),
        )
        .await
        .expect(201);
    let foreign: PdsaCycle = app
        .post(
            &format!("/api/v1/projects/{}/cycles", other.id),
            token,
            json!({"change_idea_id": other_ideas[0], "objective": "Elsewhere"}),
        )
        .await
        .expect(201);
    let measure = create_measure(&app, token, p.id, rate_measure(&ideas)).await;
    let path = format!("/api/v1/measures/{}/annotations", measure.id);

    let phase: Annotation = app
        .post(
            &path,
            token,
            json!({"date": "2026-03-01", "kind": "phase_change", "label": "Checklist on every ward", "pdsa_cycle_id": cycle.id}),
        )
        .await
        .expect(201);
    let note: Annotation = app
        .post(
            &path,
            token,
            json!({"date": "2026-02-01", "kind": "annotation", "label": "Datix outage"}),
        )
        .await
        .expect(201);
    // Another note on the phase change's date is fine; another phase change is not.
    app.post(
        &path,
        token,
        json!({"date": "2026-03-01", "kind": "annotation", "label": "Audit"}),
    )
    .await
    .expect::<Annotation>(201);
    let problem = app
        .post(
            &path,
            token,
            json!({"date": "2026-03-01", "kind": "phase_change", "label": "Again"}),
        )
        .await
        .problem(409);
    assert_eq!(fields(&problem), ["date"]);
    for (body, field) in [
        (
            json!({"date": "2026-03-01", "kind": "annotation", "label": "x", "pdsa_cycle_id": foreign.id}),
            "pdsa_cycle_id",
        ),
        (
            json!({"date": "2026-03-01", "kind": "annotation", "label": " "}),
            "label",
        ),
        (
            json!({"date": "2026-03-01", "kind": "rebase", "label": "x"}),
            "kind",
        ),
        (
            json!({"date": "March", "kind": "annotation", "label": "x"}),
            "date",
        ),
    ] {
        let problem = app.post(&path, token, body.clone()).await.problem(422);
        assert_eq!(fields(&problem), [field], "{body}");
    }

    let read: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), token)
        .await
        .expect(200);
    let marks: Vec<(String, &str)> = read
        .annotations
        .iter()
        .map(|a| (a.date.to_string(), a.label.as_str()))
        .collect();
    assert_eq!(
        marks,
        [
            ("2026-02-01".to_owned(), "Datix outage"),
            ("2026-03-01".to_owned(), "Checklist on every ward"),
            ("2026-03-01".to_owned(), "Audit"),
        ]
    );
    assert_eq!(
        read.phase_change_dates()
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
        ["2026-03-01"]
    );

    // Move the note; then remove the cycle: the phase change stays, unlinked.
    let moved: Annotation = app
        .put_with(
            &format!("{path}/{}", note.id),
            token,
            Some(tag(read.version)),
            json!({"date": "2026-02-08", "kind": "annotation", "label": "Datix outage (a week)"}),
        )
        .await
        .expect(200);
    assert_eq!(moved.date.to_string(), "2026-02-08");
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/projects/{}/cycles/{}", p.id, cycle.id),
            Some(token),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    let read: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), token)
        .await
        .expect(200);
    let kept = read.annotations.iter().find(|a| a.id == phase.id).unwrap();
    assert_eq!(kept.pdsa_cycle_id, None);

    // A change idea taken out of the driver diagram stops being linked.
    let mut diagram: Value = app
        .get(&format!("/api/v1/projects/{}/driver-diagram", p.id), token)
        .await
        .expect(200);
    diagram["primary_drivers"][0]["change_ideas"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let project: Project = app
        .get(&format!("/api/v1/projects/{}", p.id), token)
        .await
        .expect(200);
    app.put_with(
        &format!("/api/v1/projects/{}/driver-diagram", p.id),
        token,
        Some(tag(project.version)),
        diagram,
    )
    .await
    .expect::<DriverDiagram>(200);
    let read: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), token)
        .await
        .expect(200);
    assert_eq!(read.change_idea_ids, ideas[1..]);

    let removed = app
        .send(
            Method::DELETE,
            &format!("{path}/{}", note.id),
            Some(token),
            Some(&tag(read.version)),
            None,
        )
        .await;
    assert_eq!(removed.answer.status, 204);
    app.put_with(
        &format!("{path}/{}", note.id),
        token,
        Some(tag(read.version + 1)),
        json!({"date": "2026-02-08", "kind": "annotation", "label": "x"}),
    )
    .await
    .problem(404);
}

#[tokio::test]
async fn who_sees_and_changes_a_measure_follows_its_project() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, colleague) = app.person("colleague.a@example.org", c.org_a.id, &[]).await;

    for visibility in Visibility::ALL {
        let (p, _) = project(&app, &c, *visibility).await;
        let measure = create_measure(&app, &c.member_a.1, p.id, count_measure()).await;
        let private = *visibility == Visibility::Team;
        let organisational = matches!(visibility, Visibility::Team | Visibility::Organisation);
        // (who, may see, may change)
        let matrix = [
            ("the team lead", &c.member_a.1, true, true),
            ("the team's coach", &c.coach_a.1, true, true),
            ("the lead organisation's admin", &c.admin_a.1, true, true),
            (
                "a colleague in the lead organisation",
                &colleague,
                !private,
                false,
            ),
            (
                "a member of another organisation",
                &c.member_b.1,
                !organisational,
                false,
            ),
            (
                "another organisation's admin",
                &c.admin_b.1,
                !organisational,
                false,
            ),
            ("the partnership admin", &app.admin, true, true),
        ];
        for (i, (who, token, may_see, may_change)) in matrix.into_iter().enumerate() {
            let seen = if may_see { 200 } else { 404 };
            for path in [
                format!("/api/v1/projects/{}/measures", p.id),
                format!("/api/v1/measures/{}", measure.id),
                format!("/api/v1/measures/{}/points.csv", measure.id),
            ] {
                assert_eq!(
                    app.get(&path, token).await.status.as_u16(),
                    seen,
                    "{visibility:?}: {who} reads {path}"
                );
            }
            let changed = match (may_see, may_change) {
                (true, true) => 201,
                (true, false) => 403,
                (false, _) => 404,
            };
            let day = format!("2026-01-{:02}", i + 1);
            let point = app
                .post(
                    &format!("/api/v1/measures/{}/points", measure.id),
                    token,
                    json!({"date": day, "value": 1}),
                )
                .await;
            assert_eq!(
                point.status.as_u16(),
                changed,
                "{visibility:?}: {who} adds a point"
            );
            let made = app
                .post(
                    &format!("/api/v1/projects/{}/measures", p.id),
                    token,
                    count_measure(),
                )
                .await;
            assert_eq!(
                made.status.as_u16(),
                changed,
                "{visibility:?}: {who} adds a measure"
            );
            if !may_change {
                let current: Measure = app
                    .get(&format!("/api/v1/measures/{}", measure.id), &c.member_a.1)
                    .await
                    .expect(200);
                let answer = app
                    .send(
                        Method::DELETE,
                        &format!("/api/v1/measures/{}", measure.id),
                        Some(token),
                        Some(&tag(current.version)),
                        None,
                    )
                    .await;
                assert_eq!(
                    answer.answer.status.as_u16(),
                    if may_see { 403 } else { 404 },
                    "{visibility:?}: {who} removes the measure"
                );
            }
        }

        // Without signing in: nothing, except a public project's measures in the library.
        for path in [
            format!("/api/v1/projects/{}/measures", p.id),
            format!("/api/v1/measures/{}", measure.id),
            format!("/api/v1/measures/{}/points.csv", measure.id),
        ] {
            app.call(Method::GET, &path, None, None).await.problem(401);
        }
        app.call(
            Method::POST,
            &format!("/api/v1/measures/{}/points", measure.id),
            None,
            Some(json!({"date": "2026-02-01", "value": 1})),
        )
        .await
        .problem(401);
        let public = *visibility == Visibility::Public;
        let library = app
            .call(
                Method::GET,
                &format!("/api/v1/library/{}/measures", p.id),
                None,
                None,
            )
            .await;
        assert_eq!(
            library.status.as_u16(),
            if public { 200 } else { 404 },
            "{visibility:?} in the library"
        );
        let one = app
            .call(
                Method::GET,
                &format!("/api/v1/library/{}/measures/{}", p.id, measure.id),
                None,
                None,
            )
            .await;
        if public {
            let read: Measure = one.expect(200);
            assert_eq!(
                read.points.len(),
                4,
                "the points of the four who may add them"
            );
        } else {
            one.problem(404);
        }
    }
}

#[tokio::test]
async fn the_library_shows_only_a_public_projects_own_measures() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (public, _) = project(&app, &c, Visibility::Public).await;
    let (shared, _) = project(&app, &c, Visibility::Partnership).await;
    let theirs = create_measure(&app, &c.member_a.1, shared.id, count_measure()).await;
    app.call(
        Method::GET,
        &format!("/api/v1/library/{}/measures/{}", public.id, theirs.id),
        None,
        None,
    )
    .await
    .problem(404);
    let list: Vec<MeasureSummary> = app
        .call(
            Method::GET,
            &format!("/api/v1/library/{}/measures", public.id),
            None,
            None,
        )
        .await
        .expect(200);
    assert!(list.is_empty());
    // A measure in a project one may not see is as if it did not exist.
    let (private, _) = project(&app, &c, Visibility::Team).await;
    let hidden = create_measure(&app, &c.member_a.1, private.id, count_measure()).await;
    let problem = app
        .get(&format!("/api/v1/measures/{}", hidden.id), &c.member_b.1)
        .await
        .problem(404);
    assert_eq!(problem.detail.as_deref(), Some("Measure not found"));
    app.get("/api/v1/measures/999999", &c.member_a.1)
        .await
        .problem(404);
}

#[tokio::test]
async fn a_file_of_the_most_rows_a_measure_takes_imports_in_one_go() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (p, _) = project(&app, &c, Visibility::Team).await;
    let token = &c.member_a.1;
    let measure = create_measure(&app, token, p.id, count_measure()).await;
    let csv_path = format!("/api/v1/measures/{}/points.csv", measure.id);
    let most = u64::try_from(MAX_POINTS).unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
    let mut file = String::from("date,value\n");
    for day in 0..most {
        file.push_str(&format!(
            "{},{}\n",
            start + chrono::Days::new(day),
            day % 17
        ));
    }

    let imported: PointsImported = app
        .import(&csv_path, token, None, file.clone())
        .await
        .answer
        .expect(200);
    assert_eq!(imported.added, most);
    let list: Vec<MeasureSummary> = app
        .get(&format!("/api/v1/projects/{}/measures", p.id), token)
        .await
        .expect(200);
    assert_eq!(list[0].point_count, most);
    // Again, with a few values changed: only those are written.
    let changed: PointsImported = app
        .import(&csv_path, token, None, file.replace(",16\n", ",160\n"))
        .await
        .answer
        .expect(200);
    assert_eq!(
        (changed.added, changed.updated, changed.unchanged),
        (0, most / 17, most - most / 17)
    );
    // That is as many as a measure takes.
    let full = app
        .import(&csv_path, token, None, "date,value\n2100-01-01,1\n")
        .await
        .answer
        .problem(422);
    assert_eq!(fields(&full), ["rows"]);
    let full = app
        .post(
            &format!("/api/v1/measures/{}/points", measure.id),
            token,
            json!({"date": "2100-01-01", "value": 1}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&full), ["date"]);
}

#[tokio::test]
async fn the_server_draws_a_measures_chart_as_an_svg_file() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (project, _) = project(&app, &c, Visibility::Organisation).await;
    let measure = create_measure(&app, &c.member_a.1, project.id, count_measure()).await;
    let path = format!("/api/v1/measures/{}/chart.svg", measure.id);
    // No data yet: nothing to draw.
    app.get(&path, &c.member_a.1).await.problem(404);
    for day in 1..=14 {
        let _: Value = app
            .post(
                &format!("/api/v1/measures/{}/points", measure.id),
                &c.member_a.1,
                json!({"date": format!("2025-01-{day:02}"), "value": 10 + day % 3}),
            )
            .await
            .expect(201);
    }
    let svg = |chart: &'static str, token: Option<String>| {
        let request = app.client.get(app.url(&format!("{path}{chart}")));
        async move {
            let request = match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            };
            request.send().await.expect("the server answers")
        }
    };
    for (query, drawn) in [
        ("", "Mean"),
        ("?chart=run", "Median"),
        ("?chart=xmr&width=1200", "Mean"),
    ] {
        let response = svg(query, Some(c.coach_a.1.clone())).await;
        assert_eq!(response.status(), 200, "{query}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with("image/svg+xml")),
            "{query}"
        );
        let body = response.text().await.expect("a body");
        assert!(body.starts_with("<svg"), "{query}");
        assert!(
            body.contains("Risk assessments done within 24 hours"),
            "{query}"
        );
        assert!(body.contains(drawn), "{query}: {drawn}");
    }
    // Who may not see the project may not see its chart; bad parameters are named.
    assert_eq!(svg("", Some(c.member_b.1.clone())).await.status(), 404);
    assert_eq!(svg("", None).await.status(), 401);
    let problem = Answer::from(svg("?chart=pie", Some(c.member_a.1.clone())).await)
        .await
        .problem(400);
    assert!(problem.detail.unwrap_or_default().contains("chart"));
}
