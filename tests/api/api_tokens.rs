//! Integration tests of API tokens: who makes, lists and revokes them; a token sees what its
//! organisation's admin sees and no more, on the operations its scopes cover only; revoked or
//! expired, it stops at once.

use chrono::{Duration, Utc};
use qi_shared::{
    api_token::{ApiToken, ApiTokenCreated},
    measure::Measure,
    project::Project,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, cast, fields, spawn_app_with_db},
    measures::count_measure,
};

fn token_body(organisation: Option<i64>, scopes: &[&str]) -> Value {
    json!({
        "name": "Trust data warehouse",
        "organisation_id": organisation,
        "scopes": scopes,
        "expires_on": (Utc::now() + Duration::days(90)).date_naive(),
    })
}

async fn project(app: &TestApp, token: &str, organisation: i64, visibility: &str) -> Project {
    app.post(
        "/api/v1/projects",
        token,
        json!({
            "title": format!("Falls on ward 7 ({visibility})"),
            "aim": "Cut inpatient falls by a third by June 2027",
            "lead_organisation_id": organisation,
            "status": "active",
            "visibility": visibility,
        }),
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn a_token_reads_what_its_organisations_admin_reads_within_its_scopes() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    let (_, member_b) = &c.member_b;

    // Who makes them: an organisation's admins for their own, a partnership admin for any.
    app.post(
        "/api/v1/api-tokens",
        member_a,
        token_body(None, &["read_projects"]),
    )
    .await
    .problem(403);
    app.post(
        "/api/v1/api-tokens",
        admin_a,
        token_body(Some(c.org_b.id), &["read_projects"]),
    )
    .await
    .problem(403);
    let mut bad = token_body(None, &[]);
    bad["name"] = json!(" ");
    bad["expires_on"] = json!((Utc::now() + Duration::days(400)).date_naive());
    let bad = app
        .post("/api/v1/api-tokens", admin_a, bad)
        .await
        .problem(422);
    assert_eq!(fields(&bad), ["name", "scopes", "expires_on"]);
    let reader: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin_a,
            token_body(None, &["read_projects", "read_measures"]),
        )
        .await
        .expect(201);
    assert!(reader.secret.starts_with("qi_") && reader.secret.len() > 40);
    assert!(reader.secret.starts_with(&reader.token.prefix));
    assert_eq!(reader.token.organisation.id, c.org_a.id);
    let writer: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            &app.admin,
            token_body(Some(c.org_a.id), &["write_measure_data"]),
        )
        .await
        .expect(201);
    let read = &reader.secret;
    let write = &writer.secret;

    // It sees what admin A sees: the same answer for each project of either organisation.
    let mut ids = Vec::new();
    for (token, organisation) in [(member_a, c.org_a.id), (member_b, c.org_b.id)] {
        for visibility in ["team", "organisation", "partnership"] {
            ids.push(project(&app, token, organisation, visibility).await.id);
        }
    }
    for id in &ids {
        let path = format!("/api/v1/projects/{id}");
        assert_eq!(
            app.get(&path, read).await.status,
            app.get(&path, admin_a).await.status,
            "project {id}"
        );
    }
    assert_eq!(
        app.get(&format!("/api/v1/projects/{}", ids[3]), read)
            .await
            .status,
        404,
        "another organisation's team-only project"
    );
    let list: Value = app
        .get("/api/v1/projects?per_page=100", read)
        .await
        .expect(200);
    let seen: Value = app
        .get("/api/v1/projects?per_page=100", admin_a)
        .await
        .expect(200);
    assert_eq!(list["page"]["total"], seen["page"]["total"]);

    // Its scopes only: no other reads, no writes, nothing about people, no more tokens.
    for (method, path) in [
        (Method::GET, "/api/v1/me".to_owned()),
        (Method::GET, "/api/v1/people".to_owned()),
        (Method::GET, "/api/v1/events".to_owned()),
        (Method::GET, "/api/v1/api-tokens".to_owned()),
    ] {
        let answer = app.call(method.clone(), &path, Some(read), None).await;
        assert_eq!(answer.status, 403, "{method} {path}");
    }
    app.post(
        "/api/v1/api-tokens",
        read,
        token_body(None, &["read_events"]),
    )
    .await
    .problem(403);

    // Writing data: where admin A may, with the write scope only.
    let ours: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", ids[2]),
            member_a,
            count_measure(),
        )
        .await
        .expect(201);
    let theirs: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", ids[3]),
            member_b,
            count_measure(),
        )
        .await
        .expect(201);
    let point = json!({"date": "2026-11-02", "value": 14});
    let points = |m: &Measure| format!("/api/v1/measures/{}/points", m.id);
    app.post(&points(&ours), read, point.clone())
        .await
        .problem(403);
    let _: Value = app
        .post(&points(&ours), write, point.clone())
        .await
        .expect(201);
    app.post(&points(&theirs), write, point.clone())
        .await
        .problem(404);
    let _: Measure = app
        .get(&format!("/api/v1/measures/{}", ours.id), read)
        .await
        .expect(200);
    app.get(&format!("/api/v1/measures/{}", ours.id), write)
        .await
        .problem(403);

    // Lists: each organisation's admins see their own; last use noted.
    let listed: Vec<ApiToken> = app.get("/api/v1/api-tokens", admin_a).await.expect(200);
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| t.last_used_at.is_some()));
    let none: Vec<ApiToken> = app.get("/api/v1/api-tokens", admin_b).await.expect(200);
    assert!(none.is_empty());
    app.get(
        &format!("/api/v1/api-tokens?organisation_id={}", c.org_a.id),
        admin_b,
    )
    .await
    .problem(403);

    // Revoked: at once. Another organisation's admin cannot.
    let revoke = format!("/api/v1/api-tokens/{}", reader.token.id);
    app.call(Method::DELETE, &revoke, Some(admin_b), None)
        .await
        .problem(404);
    let answer = app.call(Method::DELETE, &revoke, Some(admin_a), None).await;
    assert_eq!(answer.status, 204);
    app.get(&format!("/api/v1/projects/{}", ids[2]), read)
        .await
        .problem(401);

    // Expired: at once too.
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(&format!(
        "UPDATE api_tokens SET expires_at = '2026-01-01T00:00:00+00:00' WHERE id = {}",
        writer.token.id
    ))
    .await
    .expect("expire the token");
    app.post(&points(&ours), write, point).await.problem(401);
}
