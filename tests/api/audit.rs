//! Integration tests of the audit log and of API tokens' rate limits: a person's write, a
//! token's write, a token made and revoked, a role change and an export each leave an entry
//! naming who, what, which object and from where; admins see their own organisation's; the
//! filters, the pages and the CSV export; and a token over its limit is answered 429 while
//! another token and people carry on.

use chrono::{Duration, Utc};
use qi_shared::{
    api_token::ApiTokenCreated,
    audit::{AuditActor, AuditEntry, AuditPage},
    measure::Measure,
    person::Role,
    project::Project,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, cast, fields, spawn_app, spawn_app_with, spawn_app_with_db},
    measures::count_measure,
};

fn token_body(scopes: &[&str]) -> Value {
    json!({
        "name": "Theatre dashboard feed",
        "scopes": scopes,
        "expires_on": (Utc::now() + Duration::days(90)).date_naive(),
    })
}

async fn log(app: &TestApp, token: &str, query: &str) -> AuditPage {
    app.get(&format!("/api/v1/audit-log?per_page=100&{query}"), token)
        .await
        .expect(200)
}

/// The newest entry of an operation in a page.
fn find<'a>(page: &'a AuditPage, method: &str, operation: &str) -> &'a AuditEntry {
    page.items
        .iter()
        .find(|e| e.method == method && e.operation == operation)
        .unwrap_or_else(|| panic!("no {method} {operation} in {:#?}", page.items))
}

#[tokio::test]
async fn writes_tokens_roles_and_exports_are_logged_for_their_organisations_admins() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (admin_a_person, admin_a) = &c.admin_a;
    let (member_a_person, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    let (member_b_person, member_b) = &c.member_b;

    // A person's write.
    let project: Project = app
        .post(
            "/api/v1/projects",
            member_a,
            json!({
                "title": "Falls on ward 7",
                "aim": "Cut inpatient falls by a third by June 2027",
                "lead_organisation_id": c.org_a.id,
                "status": "active",
                "visibility": "partnership",
            }),
        )
        .await
        .expect(201);
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", project.id),
            member_a,
            count_measure(),
        )
        .await
        .expect(201);
    // Organisation B's own write, which A's admins must not see.
    let _: Project = app
        .post(
            "/api/v1/projects",
            member_b,
            json!({
                "title": "Repeat prescriptions",
                "aim": "Halve the days a repeat prescription takes by March 2027",
                "lead_organisation_id": c.org_b.id,
                "status": "active",
                "visibility": "organisation",
            }),
        )
        .await
        .expect(201);

    // A token made, writing a data point, revoked.
    let made: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin_a,
            token_body(&["write_measure_data"]),
        )
        .await
        .expect(201);
    let point: Value = app
        .post(
            &format!("/api/v1/measures/{}/points", measure.id),
            &made.secret,
            json!({"date": "2026-11-02", "value": 14}),
        )
        .await
        .expect(201);
    let revoke = format!("/api/v1/api-tokens/{}", made.token.id);
    let answer = app.call(Method::DELETE, &revoke, Some(admin_a), None).await;
    assert_eq!(answer.status, 204);

    // A role change, and an export.
    let answer = app
        .put_roles(admin_a, member_a_person.id, &[Role::Coach])
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/measures/{}/points.csv", measure.id)))
        .bearer_auth(admin_a)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);

    // A failed write leaves nothing.
    app.post("/api/v1/api-tokens", admin_a, token_body(&[]))
        .await
        .problem(422);

    let a = log(&app, admin_a, "").await;
    let person = |p: &qi_shared::person::Person| AuditActor::Person {
        id: p.id,
        name: p.name.clone(),
    };
    let created = find(&a, "POST", "/api/v1/projects");
    assert_eq!(created.actor, person(member_a_person));
    assert_eq!(created.path, "/api/v1/projects");
    assert_eq!(created.object_type.as_deref(), Some("projects"));
    assert_eq!(created.status, 201);
    assert_eq!(created.client.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        created.organisation.as_ref().map(|o| o.id),
        Some(c.org_a.id)
    );

    let token_made = find(&a, "POST", "/api/v1/api-tokens");
    assert_eq!(token_made.actor, person(admin_a_person));
    assert_eq!(token_made.object_type.as_deref(), Some("api-tokens"));
    assert_eq!(token_made.object_id, Some(made.token.id), "from Location");

    let pushed = find(&a, "POST", "/api/v1/measures/{id}/points");
    assert_eq!(
        pushed.actor,
        AuditActor::Token {
            id: made.token.id,
            name: "Theatre dashboard feed".into(),
        }
    );
    assert_eq!(pushed.organisation.as_ref().map(|o| o.id), Some(c.org_a.id));
    assert_eq!(
        pushed.path,
        format!("/api/v1/measures/{}/points", measure.id)
    );
    assert_eq!(pushed.object_type.as_deref(), Some("points"));
    assert_eq!(pushed.object_id, point["id"].as_i64());
    assert_eq!(pushed.client.as_deref(), Some("127.0.0.1"));

    let revoked = find(&a, "DELETE", "/api/v1/api-tokens/{id}");
    assert_eq!(revoked.actor, person(admin_a_person));
    assert_eq!(revoked.object_id, Some(made.token.id));
    assert_eq!(revoked.status, 204);

    let roles = find(&a, "PUT", "/api/v1/people/{id}/roles");
    assert_eq!(roles.actor, person(admin_a_person));
    assert_eq!(roles.object_type.as_deref(), Some("people"));
    assert_eq!(roles.object_id, Some(member_a_person.id));

    let exported = find(&a, "GET", "/api/v1/measures/{id}/points.csv");
    assert_eq!(exported.actor, person(admin_a_person));
    assert_eq!(exported.object_type.as_deref(), Some("measures"));
    assert_eq!(exported.object_id, Some(measure.id));

    // Only A's: B's project and the partnership admin's doings are not there; nothing failed.
    assert!(
        a.items
            .iter()
            .all(|e| e.organisation.as_ref().map(|o| o.id) == Some(c.org_a.id)),
        "{:#?}",
        a.items
    );
    assert!(a.items.iter().all(|e| e.status < 300));
    assert_eq!(
        a.items
            .iter()
            .filter(|e| e.operation == "/api/v1/api-tokens")
            .count(),
        1
    );
    assert!(a.items.iter().all(|e| e.actor != person(member_b_person)));
    let b = log(&app, admin_b, "").await;
    assert!(
        b.items
            .iter()
            .all(|e| e.organisation.as_ref().map(|o| o.id) == Some(c.org_b.id))
    );
    assert!(b.items.iter().any(|e| e.actor == person(member_b_person)));
    app.get(
        &format!("/api/v1/audit-log?organisation_id={}", c.org_a.id),
        admin_b,
    )
    .await
    .problem(403);
    // The partnership admin sees everyone's, nobody's (sign-ins) too.
    let all = log(&app, &app.admin, "").await;
    assert!(all.page.total > a.page.total + b.page.total);
    assert!(all.items.iter().any(|e| e.actor == AuditActor::Nobody));
    let only_a = log(&app, &app.admin, &format!("organisation_id={}", c.org_a.id)).await;
    assert_eq!(only_a.page.total, a.page.total);

    // Members and tokens may not read it.
    app.get("/api/v1/audit-log", member_b).await.problem(403);
    let reader: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin_b,
            token_body(&["read_projects"]),
        )
        .await
        .expect(201);
    app.get("/api/v1/audit-log", &reader.secret)
        .await
        .problem(403);
    app.get("/api/v1/audit-log/export", &reader.secret)
        .await
        .problem(403);

    // Filters.
    let by_token = log(&app, admin_a, &format!("api_token_id={}", made.token.id)).await;
    assert_eq!(by_token.page.total, 1);
    let by_person = log(&app, admin_a, &format!("person_id={}", admin_a_person.id)).await;
    assert!(
        by_person
            .items
            .iter()
            .all(|e| e.actor == person(admin_a_person))
    );
    assert_eq!(by_person.page.total, 4, "{:#?}", by_person.items);
    let tokens = log(&app, admin_a, "object_type=api-tokens").await;
    assert_eq!(tokens.page.total, 2);
    let today = qi_shared::uk_time::day_of(Utc::now());
    let on = log(&app, admin_a, &format!("from={today}&to={today}")).await;
    assert_eq!(on.page.total, a.page.total);
    let later = log(
        &app,
        admin_a,
        &format!("from={}", today + Duration::days(1)),
    )
    .await;
    assert_eq!(later.page.total, 0);
    let earlier = log(&app, admin_a, &format!("to={}", today - Duration::days(1))).await;
    assert_eq!(earlier.page.total, 0);

    // Bad filters: named.
    let bad = app
        .get("/api/v1/audit-log?person_id=abc", admin_a)
        .await
        .problem(400);
    assert!(
        bad.detail.as_deref().unwrap_or("").contains("person_id"),
        "{bad:?}"
    );
    let bad = app
        .get(
            &format!(
                "/api/v1/audit-log?from={today}&to={}",
                today - Duration::days(1)
            ),
            admin_a,
        )
        .await
        .problem(422);
    assert_eq!(fields(&bad), ["from"]);
    let bad = app
        .get("/api/v1/audit-log?object_type=Api%20Tokens", admin_a)
        .await
        .problem(422);
    assert_eq!(fields(&bad), ["object_type"]);
    app.get("/api/v1/audit-log/export?format=pdf", admin_a)
        .await
        .problem(400);

    // Pages: newest first, every entry once.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let part: AuditPage = app
            .get(
                &format!("/api/v1/audit-log?per_page=2&page={page}"),
                admin_a,
            )
            .await
            .expect(200);
        assert_eq!(part.page.total, a.page.total);
        seen.extend(part.items.iter().map(|e| e.id));
    }
    let newest: Vec<i64> = a.items.iter().take(6).map(|e| e.id).collect();
    assert_eq!(seen, newest);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));

    // The export: every entry chosen, as CSV, and the export itself logged with its query.
    let response = app
        .client
        .get(app.url("/api/v1/audit-log/export?format=csv&object_type=api-tokens"))
        .bearer_auth(admin_a)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    // Bytes, not `text()`, which drops the byte order mark.
    let text = String::from_utf8(response.bytes().await.unwrap().to_vec()).unwrap();
    assert!(text.starts_with("\u{feff}id,at,actor_kind,actor_id,actor_name,"));
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].contains(",DELETE,/api/v1/api-tokens/{id},"),
        "{text}"
    );
    assert!(lines[2].contains(",POST,/api/v1/api-tokens,"), "{text}");
    let after = log(&app, admin_a, "").await;
    let export = find(&after, "GET", "/api/v1/audit-log/export");
    assert_eq!(export.actor, person(admin_a_person));
    assert_eq!(
        export.query.as_deref(),
        Some("format=csv&object_type=api-tokens")
    );
    // The whole log: every entry so far.
    let response = app
        .client
        .get(app.url("/api/v1/audit-log/export"))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    let all = log(&app, &app.admin, "").await;
    assert_eq!(
        text.trim_end().split("\r\n").count() as u64,
        all.page.total, // the header, and every entry but this export's own
    );
}

#[tokio::test]
async fn the_export_reads_the_log_page_after_page() {
    let (app, db) = spawn_app_with_db().await;
    use sea_orm::ConnectionTrait;
    let rows: Vec<String> = (0..1203)
        .map(|i| {
            format!(
                "('2026-12-01T10:00:00+00:00', 'PUT', '/api/v1/projects/{{id}}', \
                 '/api/v1/projects/{i}', 'projects', {i}, 200)"
            )
        })
        .collect();
    db.execute_unprepared(&format!(
        "INSERT INTO audit_log (at, method, operation, path, object_type, object_id, status) \
         VALUES {}",
        rows.join(", ")
    ))
    .await
    .expect("log 1,203 writes");
    let text = app
        .client
        .get(app.url("/api/v1/audit-log/export?object_type=projects"))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").skip(1).collect();
    assert_eq!(lines.len(), 1203);
    let ids: Vec<i64> = lines
        .iter()
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, none twice"
    );
}

#[tokio::test]
async fn a_token_over_its_limit_is_answered_429_and_others_carry_on() {
    let app = spawn_app_with(|s| s.auth.token_requests_per_minute = 3).await;
    let token = |name: &'static str| {
        let app = &app;
        async move {
            let mut body = token_body(&["read_projects"]);
            body["name"] = json!(name);
            app.post("/api/v1/api-tokens", &app.admin, body)
                .await
                .expect::<ApiTokenCreated>(201)
                .secret
        }
    };
    let busy = token("Busy warehouse").await;
    let quiet = token("Quiet warehouse").await;
    let get = |secret: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/projects"))
                .bearer_auth(secret)
                .send()
                .await
                .unwrap()
        }
    };
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    for remaining in ["2", "1", "0"] {
        let answer = get(busy.clone()).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(header(&answer, "ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(
            header(&answer, "ratelimit-remaining").as_deref(),
            Some(remaining)
        );
        let reset: u64 = header(&answer, "ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    let refused = get(busy.clone()).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=20).contains(&wait),
        "one request back every 20 s: {wait}"
    );
    assert_eq!(
        header(&refused, "ratelimit-remaining").as_deref(),
        Some("0")
    );
    assert_eq!(header(&refused, "ratelimit-limit").as_deref(), Some("3"));
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "too_many_requests");

    // Another token has its own allowance; people are not limited and see no such headers.
    let other = get(quiet).await;
    assert_eq!(other.status(), 200);
    assert_eq!(header(&other, "ratelimit-remaining").as_deref(), Some("2"));
    for _ in 0..5 {
        let answer = app
            .client
            .get(app.url("/api/v1/projects"))
            .bearer_auth(&app.admin)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(header(&answer, "ratelimit-limit"), None);
    }
}
