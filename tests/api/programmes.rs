//! Programmes (issue 19): projects of several organisations grouped under one aim and lead,
//! with measures that pool the projects' like measures into the system's figure; what each
//! reader sees cut to the projects they may see; who may change them; bad input.

use qi_shared::{
    measure::Measure,
    programme::{Programme, ProgrammeMeasure, ProgrammePage},
    project::{Project, Visibility},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Cast, TestApp, cast, fields, spawn_app};

/// A project of `org` led by `lead`, seen by `visibility`.
async fn project(
    app: &TestApp,
    lead: &(qi_shared::person::Person, String),
    org: i64,
    title: &str,
    visibility: &str,
) -> Project {
    app.post(
        "/api/v1/projects",
        &lead.1,
        json!({"title": title, "aim": "Reduce falls by 30% by March", "lead_organisation_id": org,
               "status": "active", "visibility": visibility,
               "team": [{"person_id": lead.0.id, "role": "lead"}]}),
    )
    .await
    .expect(201)
}

/// A monthly measure of `project` in `unit`, with `points` as (date, numerator, denominator)
/// (for a count, the numerator is the value).
async fn measure(
    app: &TestApp,
    token: &str,
    project: i64,
    unit: &str,
    points: &[(&str, f64, f64)],
) -> Measure {
    let mut body = json!({
        "name": format!("Falls ({unit})"),
        "type": "outcome",
        "operational_definition": "Falls on Datix by calendar month",
        "unit": unit,
        "improvement_direction": "decrease",
        "frequency": "monthly",
    });
    if unit == "rate" {
        body["rate_per"] = json!(1000);
    }
    if unit == "rate" || unit == "percentage" {
        body["numerator_definition"] = json!("Falls");
        body["denominator_definition"] = json!("Occupied bed days");
    }
    let made: Measure = app
        .post(&format!("/api/v1/projects/{project}/measures"), token, body)
        .await
        .expect(201);
    let points: Vec<Value> = points
        .iter()
        .map(|(date, n, d)| match unit {
            "count" => json!({"date": date, "value": n}),
            _ => json!({"date": date, "numerator": n, "denominator": d}),
        })
        .collect();
    app.put_if_match(
        &format!("/api/v1/measures/{}/points", made.id),
        token,
        made.version,
        json!({ "points": points }),
    )
    .await
    .expect(200)
}

async fn delete_if_match(app: &TestApp, path: &str, token: &str, version: Option<i64>) -> u16 {
    let mut request = app.client.delete(app.url(path)).bearer_auth(token);
    if let Some(version) = version {
        request = request.header("If-Match", format!("\"{version}\""));
    }
    request.send().await.expect("an answer").status().as_u16()
}

fn programme_body(c: &Cast, name: &str, projects: &[i64]) -> Value {
    json!({
        "name": name,
        "aim": "Reduce inpatient falls across the system by 25% by March 2027",
        "description": "A falls collaborative.",
        "lead_person_id": c.admin_a.0.id,
        "status": "active",
        "started_on": "2026-01-01",
        "project_ids": projects,
    })
}

fn rate_measure(sources: &[i64]) -> Value {
    json!({
        "name": "Falls per 1,000 bed days (system)",
        "definition": "Every ward's falls over its bed days",
        "unit": "rate",
        "rate_per": 1000,
        "improvement_direction": "decrease",
        "frequency": "monthly",
        "source_measure_ids": sources,
    })
}

#[tokio::test]
async fn a_programme_pools_its_projects_measures_for_everyone_and_only_its_managers_change_it() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let ward_a = project(
        &app,
        &c.member_a,
        c.org_a.id,
        "Falls on ward 7",
        "partnership",
    )
    .await;
    let surgery_b = project(
        &app,
        &c.member_b,
        c.org_b.id,
        "Falls at home",
        "partnership",
    )
    .await;
    let private = project(&app, &c.member_a, c.org_a.id, "Falls on ward 9", "team").await;
    let rate_a = measure(
        &app,
        &c.member_a.1,
        ward_a.id,
        "rate",
        &[("2026-01-01", 5.0, 500.0), ("2026-02-01", 4.0, 500.0)],
    )
    .await;
    // Dated at the month's end: pooled by the month it is in.
    let rate_b = measure(
        &app,
        &c.member_b.1,
        surgery_b.id,
        "rate",
        &[("2026-01-31", 7.0, 3500.0), ("2026-03-01", 2.0, 1000.0)],
    )
    .await;
    let percent_b = measure(&app, &c.member_b.1, surgery_b.id, "percentage", &[]).await;
    let rate_private = measure(
        &app,
        &c.member_a.1,
        private.id,
        "rate",
        &[("2026-01-01", 1.0, 100.0)],
    )
    .await;

    // Who may start one: organisation and partnership admins, not members; never signed out.
    let body = programme_body(&c, "Reducing inpatient falls", &[ward_a.id, surgery_b.id]);
    let refused = app
        .post("/api/v1/programmes", &c.member_a.1, body.clone())
        .await
        .problem(403);
    assert!(
        refused
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("admins"),
        "{refused:?}"
    );
    let signed_out = app
        .call(Method::POST, "/api/v1/programmes", None, Some(body.clone()))
        .await;
    assert_eq!(signed_out.status, 401);
    let made: Programme = app
        .post("/api/v1/programmes", &c.admin_a.1, body.clone())
        .await
        .expect(201);
    assert_eq!(made.lead.id, c.admin_a.0.id);
    assert_eq!(made.lead_organisation.id, c.org_a.id);
    assert_eq!(made.projects.len(), 2);
    assert!(made.may_manage);
    let path = format!("/api/v1/programmes/{}", made.id);

    // Bad input, each naming its field; a taken name is a conflict.
    let again = app
        .post("/api/v1/programmes", &c.admin_b.1, body.clone())
        .await
        .problem(409);
    assert_eq!(fields(&again), ["name"]);
    for (change, field) in [
        (json!({"name": "  "}), "name"),
        (json!({"aim": ""}), "aim"),
        (json!({"lead_person_id": 999_999}), "lead_person_id"),
        (json!({"project_ids": [private.id]}), "project_ids[0]"),
        (json!({"project_ids": [999_999]}), "project_ids[0]"),
        (
            json!({"project_ids": [ward_a.id, ward_a.id]}),
            "project_ids[1]",
        ),
    ] {
        let mut bad = programme_body(&c, "Another", &[]);
        for (k, v) in change.as_object().expect("an object") {
            bad[k] = v.clone();
        }
        let problem = app
            .post("/api/v1/programmes", &c.admin_a.1, bad)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{change}");
    }
    let team_only = app
        .post(
            "/api/v1/programmes",
            &c.admin_a.1,
            programme_body(&c, "Another", &[private.id]),
        )
        .await
        .problem(422);
    assert!(team_only.errors[0].message.contains("whole partnership"));

    // A measure pooled from like measures: the system's rate, not the mean of the sites'.
    let measures = format!("{path}/measures");
    for (sources, field) in [
        (vec![percent_b.id], "source_measure_ids[0]"),
        (vec![rate_private.id], "source_measure_ids[0]"),
        (vec![rate_a.id, rate_a.id], "source_measure_ids[1]"),
        (vec![], "source_measure_ids"),
    ] {
        let problem = app
            .post(&measures, &c.admin_a.1, rate_measure(&sources))
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{sources:?}");
    }
    let mut time = rate_measure(&[rate_a.id]);
    time["unit"] = json!("time");
    time["rate_per"] = Value::Null;
    let problem = app.post(&measures, &c.admin_a.1, time).await.problem(422);
    assert_eq!(fields(&problem), ["unit"]);
    let refused = app
        .post(&measures, &c.member_b.1, rate_measure(&[rate_b.id]))
        .await
        .problem(403);
    assert!(
        refused
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("lead")
    );
    let pooled: ProgrammeMeasure = app
        .post(
            &measures,
            &c.admin_a.1,
            rate_measure(&[rate_a.id, rate_b.id]),
        )
        .await
        .expect(201);
    let with_measure: Programme = app.get(&path, &c.admin_a.1).await.expect(200);
    assert_eq!(with_measure.measures, std::slice::from_ref(&pooled));
    let values: Vec<(String, f64, u32)> = pooled
        .points
        .iter()
        .map(|p| {
            (
                p.date.to_string(),
                (p.value * 1000.0).round() / 1000.0,
                p.reporting,
            )
        })
        .collect();
    // January: 12 falls in 4,000 bed days; February and March one site each.
    assert_eq!(
        values,
        [
            ("2026-01-01".to_owned(), 3.0, 2),
            ("2026-02-01".to_owned(), 8.0, 1),
            ("2026-03-01".to_owned(), 2.0, 1)
        ]
    );
    assert_eq!(pooled.sources.len(), 2);

    // Everyone signed in reads it; only its managers change it.
    let read: Programme = app.get(&path, &c.member_b.1).await.expect(200);
    assert!(!read.may_manage);
    assert_eq!(read.measures[0].points.len(), 3);
    assert_eq!(app.call(Method::GET, &path, None, None).await.status, 401);
    let problem = app
        .put_if_match(&path, &c.member_b.1, read.version, body.clone())
        .await
        .problem(403);
    assert!(
        problem
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("lead")
    );
    assert_eq!(
        delete_if_match(&app, &path, &c.admin_b.1, Some(read.version)).await,
        403
    );
    assert_eq!(
        app.get("/api/v1/programmes/999999", &c.member_b.1)
            .await
            .status,
        404
    );

    // A partner's system reads programmes with a token that may read projects, and only then.
    let mut tokens = Vec::new();
    for scopes in [["read_projects"], ["read_measures"]] {
        let made: qi_shared::api_token::ApiTokenCreated = app
            .post(
                "/api/v1/api-tokens",
                &c.admin_b.1,
                json!({"name": "Warehouse", "organisation_id": c.org_b.id, "scopes": scopes,
                       "expires_on": (chrono::Utc::now() + chrono::Duration::days(30)).date_naive()}),
            )
            .await
            .expect(201);
        tokens.push(made.secret);
    }
    let by_system: Programme = app.get(&path, &tokens[0]).await.expect(200);
    assert_eq!(by_system.projects.len(), 2);
    assert!(!by_system.may_manage);
    assert_eq!(app.get(&path, &tokens[1]).await.status, 403);
    assert_eq!(
        app.put_if_match(&path, &tokens[0], read.version, body.clone())
            .await
            .status,
        403
    );

    // The list: counts of what the reader may see, and its filters.
    let list: ProgrammePage = app
        .get("/api/v1/programmes", &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(list.page.total, 1);
    let item = &list.items[0];
    assert_eq!(
        (
            item.project_count,
            item.organisation_count,
            item.measure_count
        ),
        (2, 2, 1)
    );
    for (query, total) in [
        ("q=INPATIENT", 1),
        ("q=sepsis", 0),
        ("status=closed", 0),
        ("status=active", 1),
        (&*format!("project_id={}", ward_a.id), 1),
    ] {
        let page: ProgrammePage = app
            .get(&format!("/api/v1/programmes?{query}"), &c.member_b.1)
            .await
            .expect(200);
        assert_eq!(page.page.total, total, "{query}");
    }
    let problem = app
        .get(
            &format!("/api/v1/programmes?project_id={}", private.id),
            &c.member_b.1,
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["project_id"]);
    assert_eq!(
        app.get("/api/v1/programmes?status=paused", &c.member_b.1)
            .await
            .status,
        400
    );

    // Changes go from the version read: none is 428, an old one 412.
    let mut renamed = body.clone();
    renamed["name"] = json!("Reducing inpatient falls across the system");
    let missing = app
        .call(
            Method::PUT,
            &path,
            Some(&c.admin_a.1),
            Some(renamed.clone()),
        )
        .await;
    assert_eq!(missing.status, 428);
    app.put_if_match(&path, &c.admin_a.1, made.version, renamed.clone())
        .await
        .problem(412);
    let changed: Programme = app
        .put_if_match(&path, &c.admin_a.1, with_measure.version, renamed)
        .await
        .expect(200);
    assert_eq!(changed.name, "Reducing inpatient falls across the system");
    assert_eq!(changed.measures.len(), 1);
}

#[tokio::test]
async fn projects_a_reader_may_not_see_add_nothing_to_what_they_see_and_stay_when_they_write() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let ward_a = project(
        &app,
        &c.member_a,
        c.org_a.id,
        "Falls on ward 7",
        "partnership",
    )
    .await;
    let surgery_b = project(
        &app,
        &c.member_b,
        c.org_b.id,
        "Falls at home",
        "partnership",
    )
    .await;
    let rate_a = measure(
        &app,
        &c.member_a.1,
        ward_a.id,
        "rate",
        &[("2026-01-01", 5.0, 500.0)],
    )
    .await;
    let rate_b = measure(
        &app,
        &c.member_b.1,
        surgery_b.id,
        "rate",
        &[("2026-01-01", 7.0, 3500.0)],
    )
    .await;
    let made: Programme = app
        .post(
            "/api/v1/programmes",
            &c.admin_a.1,
            programme_body(&c, "Falls", &[ward_a.id, surgery_b.id]),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/programmes/{}", made.id);
    let added: ProgrammeMeasure = app
        .post(
            &format!("{path}/measures"),
            &c.admin_a.1,
            rate_measure(&[rate_a.id, rate_b.id]),
        )
        .await
        .expect(201);
    let measure_id = added.id;

    // Surgery B's team closes its project to the team: organisation A no longer sees it, in the
    // programme or in the pooled figure.
    let current: Project = app
        .get(&format!("/api/v1/projects/{}", surgery_b.id), &c.member_b.1)
        .await
        .expect(200);
    let mut input = current.input();
    input.visibility = Visibility::Team;
    let _: Project = app
        .put_if_match(
            &format!("/api/v1/projects/{}", surgery_b.id),
            &c.member_b.1,
            current.version,
            serde_json::to_value(&input).expect("json"),
        )
        .await
        .expect(200);
    let seen: Programme = app.get(&path, &c.admin_a.1).await.expect(200);
    assert_eq!(
        seen.projects.iter().map(|p| p.id).collect::<Vec<_>>(),
        [ward_a.id]
    );
    let pooled = &seen.measures[0];
    assert_eq!(pooled.sources.len(), 1);
    assert_eq!(
        (pooled.points[0].numerator, pooled.points[0].denominator),
        (Some(5.0), Some(500.0))
    );
    let list: ProgrammePage = app
        .get("/api/v1/programmes", &c.admin_a.1)
        .await
        .expect(200);
    assert_eq!(list.items[0].project_count, 1);
    assert_eq!(list.items[0].organisation_count, 1);

    // Organisation A's admin saves the programme and the measure as they see them: B stays in
    // both, as its team still sees.
    let _: Programme = app
        .put_if_match(
            &path,
            &c.admin_a.1,
            seen.version,
            serde_json::to_value(seen.to_input()).expect("json"),
        )
        .await
        .expect(200);
    let changed: ProgrammeMeasure = app
        .put(
            &format!("{path}/measures/{measure_id}"),
            &c.admin_a.1,
            rate_measure(&[rate_a.id]),
        )
        .await
        .expect(200);
    // As the writer sees it: their own project's alone.
    assert_eq!(changed.sources.len(), 1);
    let by_b: Programme = app.get(&path, &c.member_b.1).await.expect(200);
    assert_eq!(by_b.projects.len(), 2);
    assert_eq!(by_b.measures[0].sources.len(), 2);
    assert_eq!(by_b.measures[0].points[0].denominator, Some(4000.0));

    // A partnership admin sees the project closed to its team, and may save the programme with
    // it in (it joined while open); a closed project may not join anew.
    let by_admin: Programme = app.get(&path, &app.admin).await.expect(200);
    assert_eq!(by_admin.projects.len(), 2);
    let kept: Programme = app
        .put_if_match(
            &path,
            &app.admin,
            by_admin.version,
            serde_json::to_value(by_admin.to_input()).expect("json"),
        )
        .await
        .expect(200);
    assert_eq!(kept.projects.len(), 2);
    let other = app
        .post(
            "/api/v1/programmes",
            &c.admin_b.1,
            programme_body(&c, "Falls at home", &[surgery_b.id]),
        )
        .await
        .problem(422);
    assert_eq!(fields(&other), ["project_ids[0]"]);

    // Ward 7 leaves: its measure stops being pooled.
    let mut leaving = programme_body(&c, "Falls", &[]);
    leaving["lead_person_id"] = json!(c.admin_a.0.id);
    let now: Programme = app.get(&path, &c.admin_a.1).await.expect(200);
    let _: Programme = app
        .put_if_match(&path, &c.admin_a.1, now.version, leaving)
        .await
        .expect(200);
    let by_b: Programme = app.get(&path, &c.member_b.1).await.expect(200);
    assert_eq!(
        by_b.projects.iter().map(|p| p.id).collect::<Vec<_>>(),
        [surgery_b.id]
    );
    assert_eq!(by_b.measures[0].sources[0].measure_id, rate_b.id);

    // Removing: a measure (404 once gone), then the programme, from its version only.
    let measure_path = format!("{path}/measures/{measure_id}");
    assert_eq!(
        app.call(Method::DELETE, &measure_path, Some(&c.member_b.1), None)
            .await
            .status,
        403
    );
    assert_eq!(
        app.call(Method::DELETE, &measure_path, Some(&c.admin_a.1), None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.put(&measure_path, &c.admin_a.1, rate_measure(&[rate_b.id]))
            .await
            .status,
        404
    );
    let now: Programme = app.get(&path, &c.admin_a.1).await.expect(200);
    assert!(now.measures.is_empty());
    assert_eq!(delete_if_match(&app, &path, &c.admin_a.1, None).await, 428);
    assert_eq!(
        delete_if_match(&app, &path, &c.admin_a.1, Some(made.version)).await,
        412
    );
    assert_eq!(
        delete_if_match(&app, &path, &c.admin_a.1, Some(now.version)).await,
        204
    );
    assert_eq!(app.get(&path, &c.admin_a.1).await.status, 404);
    // The projects stay.
    let _: Project = app
        .get(&format!("/api/v1/projects/{}", ward_a.id), &c.member_a.1)
        .await
        .expect(200);
}
