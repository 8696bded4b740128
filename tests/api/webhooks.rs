//! Webhooks: registering (valid addresses only), who may see and change them, and delivery to a
//! real receiver on 127.0.0.1 (signed, in order, only what the organisation may read, retried,
//! the webhook turned off when it keeps failing, nothing lost across a restart).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::Utc;
use qi_shared::{
    api_token::ApiTokenCreated,
    changes::{ChangeOp, ChangeType, TombstoneReason},
    measure::Measure,
    notification::{NotificationKind, NotificationPage},
    project::Project,
    webhook::{
        self, Delivery, DeliveryPage, DeliveryStatus, Webhook, WebhookCreated, WebhookEvent,
        WebhookEventKind,
    },
};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use crate::{
    helpers::{
        TestApp, cast, fields, fresh_database, spawn_app, spawn_app_with, spawn_app_with_db_with,
        test_settings,
    },
    measures::count_measure,
    projects::as_input,
};

/// One request the receiver took.
#[derive(Debug, Clone)]
struct Got {
    headers: HashMap<String, String>,
    body: String,
    answered: u16,
}

/// A real HTTP receiver on 127.0.0.1: records every request and answers 200, or 500 while told
/// to fail (`fail(n)`: the next n requests).
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    failures: Arc<AtomicU32>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("an address").port();
        let receiver = Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/qi"),
            got: Arc::default(),
            failures: Arc::default(),
        };
        let serving = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let serving = serving.clone();
                tokio::spawn(async move { serving.answer(stream).await });
            }
        });
        receiver
    }

    fn fail(&self, n: u32) {
        self.failures.store(n, Ordering::SeqCst);
    }

    async fn answer(&self, mut stream: tokio::net::TcpStream) {
        let mut data = Vec::new();
        let mut buffer = [0u8; 8192];
        let head_end = loop {
            let Ok(n) = stream.read(&mut buffer).await else {
                return;
            };
            if n == 0 {
                return;
            }
            data.extend_from_slice(&buffer[..n]);
            if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8_lossy(&data[..head_end]).to_string();
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        while data.len() < head_end + length {
            let Ok(n) = stream.read(&mut buffer).await else {
                return;
            };
            if n == 0 {
                return;
            }
            data.extend_from_slice(&buffer[..n]);
        }
        let body = String::from_utf8_lossy(&data[head_end..head_end + length]).to_string();
        let failing = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let (answered, text) = if failing {
            (500, "receiver down for maintenance")
        } else {
            (200, "ok")
        };
        self.got.lock().expect("the log").push(Got {
            headers,
            body,
            answered,
        });
        let reason = if answered == 200 {
            "OK"
        } else {
            "Internal Server Error"
        };
        let response = format!(
            "HTTP/1.1 {answered} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
            text.len()
        );
        stream.write_all(response.as_bytes()).await.ok();
        stream.shutdown().await.ok();
    }

    /// The requests answered 200, as events with their raw request.
    fn delivered(&self) -> Vec<(WebhookEvent, Got)> {
        self.got
            .lock()
            .expect("the log")
            .iter()
            .filter(|g| g.answered == 200)
            .map(|g| (serde_json::from_str(&g.body).expect("an event"), g.clone()))
            .collect()
    }

    /// Waits (up to 60 s: on PostgreSQL the feed waits for other tests' open transactions)
    /// until `done` holds of what was delivered.
    async fn until(&self, what: &str, done: impl Fn(&[(WebhookEvent, Got)]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(&self.delivered()) {
            assert!(
                Instant::now() < deadline,
                "{what} did not arrive within 60 s: {:#?}",
                self.delivered()
                    .iter()
                    .map(|(e, _)| e.clone())
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn input(name: &str, url: &str, types: &[&str]) -> Value {
    json!({"name": name, "url": url, "change_types": types})
}

async fn register(app: &TestApp, admin: &str, url: &str) -> WebhookCreated {
    app.post(
        "/api/v1/webhooks",
        admin,
        input("Trust data warehouse", url, &["project", "measure"]),
    )
    .await
    .expect(201)
}

async fn project(
    app: &TestApp,
    who: &str,
    organisation: i64,
    title: &str,
    visibility: &str,
) -> Project {
    app.post(
        "/api/v1/projects",
        who,
        json!({
            "title": title,
            "aim": "Cut inpatient falls by a third by June 2027",
            "lead_organisation_id": organisation,
            "status": "active",
            "visibility": visibility,
        }),
    )
    .await
    .expect(201)
}

async fn replace(
    app: &TestApp,
    who: &str,
    project: &Project,
    change: impl FnOnce(&mut Value),
) -> Project {
    let mut body = as_input(project);
    change(&mut body);
    app.put_if_match(
        &format!("/api/v1/projects/{}", project.id),
        who,
        project.version,
        body,
    )
    .await
    .expect(200)
}

async fn log(app: &TestApp, admin: &str, id: i64, query: &str) -> DeliveryPage {
    app.get(&format!("/api/v1/webhooks/{id}/deliveries?{query}"), admin)
        .await
        .expect(200)
}

/// Waits (up to 60 s) until the webhook's log satisfies `done`.
async fn log_until(
    app: &TestApp,
    admin: &str,
    id: i64,
    what: &str,
    done: impl Fn(&[Delivery]) -> bool,
) -> Vec<Delivery> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = log(app, admin, id, "per_page=100").await;
        if done(&page.items) {
            return page.items;
        }
        assert!(
            Instant::now() < deadline,
            "{what} within 60 s: {:#?}",
            page.items
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_webhook_needs_a_name_some_types_and_an_https_or_loopback_address() {
    let app = spawn_app().await;
    let cases = [
        (
            input("Warehouse", "ftp://example.org/hook", &["project"]),
            "url",
            "another scheme",
        ),
        (
            input("Warehouse", "http://example.org/hook", &["project"]),
            "url",
            "plain HTTP off this machine",
        ),
        (
            input("Warehouse", "http://10.1.2.3/hook", &["project"]),
            "url",
            "plain HTTP to a private address",
        ),
        (input("Warehouse", "", &["project"]), "url", "no address"),
        (
            input("  ", "https://example.org/hook", &["project"]),
            "name",
            "a blank name",
        ),
        (
            input("Warehouse", "https://example.org/hook", &[]),
            "change_types",
            "no types",
        ),
    ];
    for (body, field, why) in cases {
        let problem = app
            .post("/api/v1/webhooks", &app.admin, body)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{why}");
    }
    // Not the shape at all: a problem naming the field, never a 5xx.
    let problem = app
        .post(
            "/api/v1/webhooks",
            &app.admin,
            json!({"name": "W", "url": "https://example.org", "change_types": ["meeting"]}),
        )
        .await
        .problem(422);
    assert!(
        fields(&problem)
            .iter()
            .all(|f| f.starts_with("change_types")),
        "{problem:?}"
    );

    let made = register(&app, &app.admin, "https://example.org/hook").await;
    assert!(made.secret.starts_with(webhook::SECRET_PREFIX));
    assert!(made.webhook.enabled);
    assert_eq!(
        made.webhook.change_types,
        [ChangeType::Project, ChangeType::Measure]
    );
    let listed: Vec<Value> = app.get("/api/v1/webhooks", &app.admin).await.expect(200);
    assert_eq!(listed.len(), 1);
    assert!(
        !listed[0].to_string().contains(&made.secret),
        "the secret is shown once only"
    );
    let problem = app
        .put(
            &format!("/api/v1/webhooks/{}", made.webhook.id),
            &app.admin,
            input("W", "http://example.org", &["project"]),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["url"]);
}

#[tokio::test]
async fn only_the_organisations_admins_see_and_change_its_webhooks() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, admin_b) = &c.admin_b;
    let (_, member_a) = &c.member_a;
    let made = register(&app, admin_a, "https://a.example.org/hook").await;
    let id = made.webhook.id;
    assert_eq!(made.webhook.organisation.id, c.org_a.id);

    // Another organisation's admin: as if it were not there.
    for (method, path) in [
        (Method::GET, format!("/api/v1/webhooks/{id}")),
        (Method::PUT, format!("/api/v1/webhooks/{id}")),
        (Method::DELETE, format!("/api/v1/webhooks/{id}")),
        (Method::POST, format!("/api/v1/webhooks/{id}/test")),
        (Method::GET, format!("/api/v1/webhooks/{id}/deliveries")),
    ] {
        let body = (method == Method::PUT)
            .then(|| input("Mine now", "https://b.example.org", &["project"]));
        app.call(method.clone(), &path, Some(admin_b), body)
            .await
            .problem(404);
    }
    let theirs: Vec<Webhook> = app.get("/api/v1/webhooks", admin_b).await.expect(200);
    assert!(theirs.is_empty(), "B sees none of A's: {theirs:?}");
    app.get(
        &format!("/api/v1/webhooks?organisation_id={}", c.org_a.id),
        admin_b,
    )
    .await
    .problem(403);
    app.post(
        "/api/v1/webhooks",
        admin_b,
        json!({"name": "Into A", "url": "https://b.example.org", "change_types": ["project"], "organisation_id": c.org_a.id}),
    )
    .await
    .problem(403);

    // A member who is no admin: refused.
    app.get("/api/v1/webhooks", member_a).await.problem(403);
    app.get(&format!("/api/v1/webhooks/{id}"), member_a)
        .await
        .problem(403);
    app.post(
        "/api/v1/webhooks",
        member_a,
        input("Mine", "https://m.example.org", &["project"]),
    )
    .await
    .problem(403);

    // A token, even of A's admin with every scope: people only.
    let token: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin_a,
            json!({
                "name": "Warehouse",
                "scopes": ["read_projects", "read_measures", "read_training", "read_events", "read_dashboard", "write_measure_data"],
                "expires_on": (Utc::now() + chrono::Duration::days(30)).date_naive(),
            }),
        )
        .await
        .expect(201);
    app.get("/api/v1/webhooks", &token.secret)
        .await
        .problem(403);
    app.get(&format!("/api/v1/webhooks/{id}"), &token.secret)
        .await
        .problem(403);
    app.post(
        &format!("/api/v1/webhooks/{id}/test"),
        &token.secret,
        json!({}),
    )
    .await
    .problem(403);

    // Nobody signed in.
    app.call(Method::GET, "/api/v1/webhooks", None, None)
        .await
        .problem(401);

    // A partnership admin sees every organisation's, and may pick one.
    let all: Vec<Webhook> = app
        .get(
            &format!("/api/v1/webhooks?organisation_id={}", c.org_a.id),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(all.iter().map(|w| w.id).collect::<Vec<_>>(), [id]);

    // A's admin changes and removes it.
    let changed: Webhook = app
        .put(
            &format!("/api/v1/webhooks/{id}"),
            admin_a,
            input("Renamed", "https://a.example.org/v2", &["measure"]),
        )
        .await
        .expect(200);
    assert_eq!(changed.name, "Renamed");
    assert_eq!(changed.change_types, [ChangeType::Measure]);
    let answer = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(admin_a),
            None,
        )
        .await;
    assert_eq!(answer.status.as_u16(), 204, "{}", answer.body);
    app.get(&format!("/api/v1/webhooks/{id}"), admin_a)
        .await
        .problem(404);
}

#[tokio::test]
async fn changes_reach_the_organisations_webhook_signed_and_in_order_and_nothing_private_of_others()
{
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, member_b) = &c.member_b;
    let receiver = Receiver::start().await;
    let made = register(&app, admin_a, &receiver.url).await;

    let upsert_of = |kind: ChangeType, id: i64| {
        move |events: &[(WebhookEvent, Got)]| {
            events.iter().any(|(e, _)| {
                e.change.as_ref().is_some_and(|ch| {
                    ch.op == ChangeOp::Upsert && ch.object_type == kind && ch.id == id
                })
            })
        }
    };

    // Ours: made, changed, a measure made and deleted; each step arrives before the next (a
    // page of the feed sends an object once, where it last changed).
    let ours = project(
        &app,
        member_a,
        c.org_a.id,
        "Falls on ward 7",
        "organisation",
    )
    .await;
    receiver
        .until("the project made", upsert_of(ChangeType::Project, ours.id))
        .await;
    let ours = replace(&app, member_a, &ours, |b| {
        b["title"] = json!("Falls on wards 7 and 8")
    })
    .await;
    receiver
        .until("the project changed", |events| {
            events.iter().any(|(e, _)| {
                e.change
                    .as_ref()
                    .and_then(|ch| ch.project.as_ref())
                    .is_some_and(|p| p.title == "Falls on wards 7 and 8")
            })
        })
        .await;
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{}/measures", ours.id),
            member_a,
            count_measure(),
        )
        .await
        .expect(201);
    receiver
        .until(
            "the measure made",
            upsert_of(ChangeType::Measure, measure.id),
        )
        .await;
    let current: Measure = app
        .get(&format!("/api/v1/measures/{}", measure.id), member_a)
        .await
        .expect(200);
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/measures/{}", measure.id)))
        .bearer_auth(member_a)
        .header("If-Match", format!("\"{}\"", current.version))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(removed.status(), 204);

    // Theirs: one private throughout, one shared and then made private.
    let hidden = project(
        &app,
        member_b,
        c.org_b.id,
        "Riverside private audit",
        "team",
    )
    .await;
    let shared = project(
        &app,
        member_b,
        c.org_b.id,
        "Riverside asthma reviews",
        "partnership",
    )
    .await;
    receiver
        .until(
            "their shared project",
            upsert_of(ChangeType::Project, shared.id),
        )
        .await;
    replace(&app, member_b, &shared, |b| b["visibility"] = json!("team")).await;

    let tombstone = |kind: ChangeType, id: i64, reason: TombstoneReason| {
        move |events: &[(WebhookEvent, Got)]| {
            events.iter().any(|(e, _)| {
                e.change.as_ref().is_some_and(|ch| {
                    ch.op == ChangeOp::Delete
                        && ch.object_type == kind
                        && ch.id == id
                        && ch.reason == Some(reason)
                })
            })
        }
    };
    receiver
        .until(
            "the measure's tombstone",
            tombstone(ChangeType::Measure, measure.id, TombstoneReason::Deleted),
        )
        .await;
    receiver
        .until(
            "the tombstone of what was made private",
            tombstone(
                ChangeType::Project,
                shared.id,
                TombstoneReason::NoLongerVisible,
            ),
        )
        .await;

    let delivered = receiver.delivered();
    let now = Utc::now().timestamp();
    let mut last_id = 0;
    for (event, got) in &delivered {
        // Signed over the exact body with the secret shown at registering.
        let signature = got.headers.get("qi-signature").expect("a signature");
        assert_eq!(
            webhook::verify(&made.secret, signature, got.body.as_bytes(), now, 300),
            Ok(())
        );
        assert_eq!(
            webhook::verify("whsec_other", signature, got.body.as_bytes(), now, 300),
            Err(webhook::SignatureError::Mismatch)
        );
        assert_eq!(
            got.headers.get("qi-delivery-id"),
            Some(&event.id.to_string())
        );
        assert_eq!(
            got.headers.get("qi-event").map(String::as_str),
            Some("change")
        );
        assert_eq!(
            got.headers.get("content-type").map(String::as_str),
            Some("application/json")
        );
        assert_eq!(event.kind, WebhookEventKind::Change);
        assert_eq!(event.webhook_id, made.webhook.id);
        // In the feed's order: each delivery after the one before.
        assert!(
            event.id > last_id,
            "out of order: {} after {last_id}",
            event.id
        );
        last_id = event.id;
        // B's private project never, not even its name.
        let change = event.change.as_ref().expect("a change");
        assert!(
            !(change.object_type == ChangeType::Project && change.id == hidden.id),
            "{change:?}"
        );
        assert!(!got.body.contains("Riverside private audit"));
    }
    // The project made, then changed, then the measure made, then deleted: in that order.
    let position = |pred: &dyn Fn(&WebhookEvent) -> bool| {
        delivered.iter().position(|(e, _)| pred(e)).expect("there")
    };
    let made_at = position(&|e| {
        e.change
            .as_ref()
            .is_some_and(|ch| ch.id == ours.id && ch.object_type == ChangeType::Project)
    });
    let deleted_at = position(&|e| {
        e.change.as_ref().is_some_and(|ch| {
            ch.object_type == ChangeType::Measure
                && ch.id == measure.id
                && ch.op == ChangeOp::Delete
        })
    });
    let measure_at = position(&|e| {
        e.change.as_ref().is_some_and(|ch| {
            ch.object_type == ChangeType::Measure
                && ch.id == measure.id
                && ch.op == ChangeOp::Upsert
        })
    });
    assert!(made_at < measure_at && measure_at < deleted_at);

    // The log has them all, delivered, with the receiver's answer.
    let items = log(&app, admin_a, made.webhook.id, "per_page=100")
        .await
        .items;
    assert_eq!(items.len(), delivered.len());
    assert!(
        items
            .iter()
            .all(|d| d.status == DeliveryStatus::Delivered && d.last_response_code == Some(200))
    );
}

#[tokio::test]
async fn a_failed_delivery_is_tried_again_and_the_log_shows_each_try() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let made = register(&app, &app.admin, &receiver.url).await;
    let id = made.webhook.id;
    receiver.fail(1);

    let test: Delivery = app
        .post(
            &format!("/api/v1/webhooks/{id}/test"),
            &app.admin,
            json!({}),
        )
        .await
        .expect(202);
    assert_eq!(test.kind, WebhookEventKind::Test);
    let items = log_until(&app, &app.admin, id, "the test delivered", |items| {
        items
            .iter()
            .any(|d| d.id == test.id && d.status == DeliveryStatus::Delivered)
    })
    .await;
    let done = items.iter().find(|d| d.id == test.id).expect("the test");
    assert_eq!(done.attempts, 2);
    let codes: Vec<Option<u16>> = done.tries.iter().map(|t| t.response_code).collect();
    assert_eq!(codes, [Some(500), Some(200)]);
    assert!(
        done.tries[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("500"),
        "{:?}",
        done.tries
    );
    assert!(done.delivered_at.is_some());
    let (event, got) = receiver.delivered().pop().expect("delivered");
    assert_eq!(event.id, test.id);
    assert_eq!(event.kind, WebhookEventKind::Test);
    assert!(event.change.is_none());
    assert_eq!(
        got.headers.get("qi-event").map(String::as_str),
        Some("test")
    );
    assert_eq!(got.body, done.body, "the log keeps the exact body");

    // The log: newest first, in pages, filtered by state.
    for _ in 0..2 {
        let _: Delivery = app
            .post(
                &format!("/api/v1/webhooks/{id}/test"),
                &app.admin,
                json!({}),
            )
            .await
            .expect(202);
    }
    log_until(&app, &app.admin, id, "three delivered", |items| {
        items.len() == 3 && items.iter().all(|d| d.status == DeliveryStatus::Delivered)
    })
    .await;
    let first = log(&app, &app.admin, id, "per_page=2").await;
    assert_eq!(first.page.total, 3);
    assert_eq!(first.items.len(), 2);
    assert!(first.items[0].id > first.items[1].id, "newest first");
    let second = log(&app, &app.admin, id, "per_page=2&page=2").await;
    assert_eq!(
        second.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [test.id]
    );
    assert_eq!(
        log(&app, &app.admin, id, "status=delivered")
            .await
            .page
            .total,
        3
    );
    assert_eq!(
        log(&app, &app.admin, id, "status=failed").await.page.total,
        0
    );
    let problem = app
        .get(
            &format!("/api/v1/webhooks/{id}/deliveries?status=lost"),
            &app.admin,
        )
        .await
        .problem(400);
    assert!(format!("{problem:?}").contains("status"), "{problem:?}");
    app.get(
        &format!("/api/v1/webhooks/{id}/deliveries?per_page=0"),
        &app.admin,
    )
    .await
    .problem(422);
    let shown: Webhook = app
        .get(&format!("/api/v1/webhooks/{id}"), &app.admin)
        .await
        .expect(200);
    assert_eq!(
        shown.last_delivery.map(|d| d.status),
        Some(DeliveryStatus::Delivered)
    );
}

#[tokio::test]
async fn a_webhook_that_keeps_failing_is_turned_off_its_admins_told_and_what_waited_goes_when_on_again()
 {
    let app = spawn_app_with(|s| {
        s.webhooks.disable_after_seconds = 2;
        s.webhooks.backoff_max_seconds = 1;
    })
    .await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let receiver = Receiver::start().await;
    receiver.fail(u32::MAX);
    let made = register(&app, admin_a, &receiver.url).await;
    let id = made.webhook.id;
    let ours = project(
        &app,
        member_a,
        c.org_a.id,
        "Sepsis screening in ED",
        "organisation",
    )
    .await;

    let deadline = Instant::now() + Duration::from_secs(60);
    let off = loop {
        let shown: Webhook = app
            .get(&format!("/api/v1/webhooks/{id}"), admin_a)
            .await
            .expect(200);
        if !shown.enabled {
            break shown;
        }
        assert!(
            Instant::now() < deadline,
            "not turned off within 60 s: {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let reason = off.disabled_reason.expect("a reason");
    assert!(reason.contains("failed"), "{reason}");
    assert!(off.disabled_at.is_some());
    let notices: NotificationPage = app
        .get("/api/v1/me/notifications", admin_a)
        .await
        .expect(200);
    let told = notices
        .items
        .iter()
        .find(|n| n.kind == NotificationKind::WebhookDisabled)
        .expect("the admin is told");
    assert!(told.summary.contains("Trust data warehouse"), "{told:?}");
    let member_told: NotificationPage = app
        .get("/api/v1/me/notifications", member_a)
        .await
        .expect(200);
    assert!(
        member_told
            .items
            .iter()
            .all(|n| n.kind != NotificationKind::WebhookDisabled)
    );

    // Off: nothing more is tried.
    let tried = receiver.got.lock().expect("the log").len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        receiver.got.lock().expect("the log").len(),
        tried,
        "tried while off"
    );
    let waiting = log(&app, admin_a, id, "status=failed").await;
    assert_eq!(
        waiting.page.total, 1,
        "the delivery waits: {:?}",
        waiting.items
    );

    // On again, the receiver well: it goes, and the failure is forgotten.
    receiver.fail(0);
    let on: Webhook = app
        .put(&format!("/api/v1/webhooks/{id}"), admin_a, json!({"name": "Trust data warehouse", "url": receiver.url, "change_types": ["project", "measure"], "enabled": true}))
        .await
        .expect(200);
    assert!(on.enabled && on.disabled_reason.is_none() && on.failing_since.is_none());
    receiver
        .until("what waited", |events| {
            events
                .iter()
                .any(|(e, _)| e.change.as_ref().is_some_and(|ch| ch.id == ours.id))
        })
        .await;
}

#[tokio::test]
async fn a_webhook_off_longer_than_changes_are_kept_is_told_it_missed_some() {
    use qi_api::db::entity::webhook_delivery;
    use sea_orm::{
        ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement, sea_query::Expr,
    };

    let (app, db) = spawn_app_with_db_with(|s| {
        s.changes.retention_days = 1;
        s.changes.prune_check_seconds = 1;
    })
    .await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let receiver = Receiver::start().await;
    let made = register(&app, admin_a, &receiver.url).await;
    let id = made.webhook.id;
    let first = project(&app, member_a, c.org_a.id, "Falls huddles", "organisation").await;
    receiver
        .until("the first project", |events| {
            events
                .iter()
                .any(|(e, _)| e.change.as_ref().is_some_and(|ch| ch.id == first.id))
        })
        .await;

    // Off; meanwhile one project made long ago (as far as retention can tell) and one now.
    let settings = |enabled: bool| {
        json!({"name": "Trust data warehouse", "url": receiver.url,
               "change_types": ["project", "measure"], "enabled": enabled})
    };
    let _: Webhook = app
        .put(&format!("/api/v1/webhooks/{id}"), admin_a, settings(false))
        .await
        .expect(200);
    let old = project(
        &app,
        member_a,
        c.org_a.id,
        "Sepsis screening",
        "organisation",
    )
    .await;
    let recent = project(
        &app,
        member_a,
        c.org_a.id,
        "Frailty at home",
        "organisation",
    )
    .await;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE changes SET changed_at = changed_at - 172800 \
             WHERE object_type = 'project' AND object_id IN ({}, {})",
            first.id, old.id
        ),
    ))
    .await
    .expect("backdate the changes");
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::CreatedAt,
            Expr::value(Utc::now() - chrono::Duration::days(2)),
        )
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(&db)
        .await
        .expect("backdate the deliveries");

    // Retention removes the old changes and the delivered deliveries' log with them.
    log_until(&app, admin_a, id, "the old deliveries removed", |items| {
        items.is_empty()
    })
    .await;

    // On again: first told that changes were missed, then what is kept, never the removed one.
    let _: Webhook = app
        .put(&format!("/api/v1/webhooks/{id}"), admin_a, settings(true))
        .await
        .expect(200);
    receiver
        .until("the recent project", |events| {
            events
                .iter()
                .any(|(e, _)| e.change.as_ref().is_some_and(|ch| ch.id == recent.id))
        })
        .await;
    let after: Vec<WebhookEvent> = receiver
        .delivered()
        .into_iter()
        .map(|(e, _)| e)
        .skip_while(|e| e.kind != WebhookEventKind::Missed)
        .collect();
    assert!(!after.is_empty(), "told of the missed changes");
    assert!(after[0].change.is_none());
    assert!(
        !after
            .iter()
            .any(|e| e.change.as_ref().is_some_and(|ch| ch.id == old.id)),
        "a removed change cannot be sent"
    );
    let logged = log(&app, admin_a, id, "per_page=100").await;
    assert!(
        logged
            .items
            .iter()
            .any(|d| d.kind == WebhookEventKind::Missed && d.status == DeliveryStatus::Delivered)
    );
}

#[tokio::test]
async fn a_replaced_secret_signs_beside_the_new_one_for_a_while() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    let receiver = Receiver::start().await;
    let made = register(&app, admin_a, &receiver.url).await;
    let id = made.webhook.id;
    let path = format!("/api/v1/webhooks/{id}/secret");

    // Only its organisation's admins (and partnership admins) replace it: not a member, not
    // another organisation's admin, not an API token, not someone signed out.
    app.post(&path, member_a, json!({})).await.problem(403);
    app.post(&path, admin_b, json!({})).await.problem(404);
    let token: ApiTokenCreated = app
        .post(
            "/api/v1/api-tokens",
            admin_a,
            json!({"name": "Warehouse", "scopes": ["read_projects", "read_training", "read_events"],
                   "expires_on": (Utc::now() + chrono::Duration::days(30)).date_naive()}),
        )
        .await
        .expect(201);
    app.post(&path, &token.secret, json!({})).await.problem(403);
    app.call(Method::POST, &path, None, None).await.problem(401);
    let replaced: WebhookCreated = app.post(&path, admin_a, json!({})).await.expect(200);
    assert_ne!(replaced.secret, made.secret);
    assert!(replaced.secret.starts_with(webhook::SECRET_PREFIX));
    let until = replaced
        .webhook
        .previous_secret_until
        .expect("the old secret's time");
    let day = chrono::Duration::days(1);
    assert!(until > Utc::now() + day - chrono::Duration::minutes(5) && until <= Utc::now() + day);
    let shown: Webhook = app
        .get(&format!("/api/v1/webhooks/{id}"), admin_a)
        .await
        .expect(200);
    assert_eq!(shown.previous_secret_until, Some(until));

    // A delivery now verifies with either secret: the receiver may still hold the old one.
    let ours = project(&app, member_a, c.org_a.id, "Falls huddles", "organisation").await;
    receiver
        .until("the project", |events| {
            events
                .iter()
                .any(|(e, _)| e.change.as_ref().is_some_and(|ch| ch.id == ours.id))
        })
        .await;
    let (_, got) = receiver
        .delivered()
        .into_iter()
        .find(|(e, _)| e.change.as_ref().is_some_and(|ch| ch.id == ours.id))
        .expect("delivered");
    let signature = got.headers.get("qi-signature").expect("signed");
    assert_eq!(signature.matches("v1=").count(), 2, "{signature}");
    let now = Utc::now().timestamp();
    for secret in [&replaced.secret, &made.secret] {
        assert_eq!(
            webhook::verify(secret, signature, got.body.as_bytes(), now, 300),
            Ok(())
        );
    }

    // Replaced again: the first secret no longer signs.
    let again: WebhookCreated = app.post(&path, admin_a, json!({})).await.expect(200);
    let test: Delivery = app
        .post(&format!("/api/v1/webhooks/{id}/test"), admin_a, json!({}))
        .await
        .expect(202);
    receiver
        .until("the test", |events| {
            events.iter().any(|(e, _)| e.id == test.id)
        })
        .await;
    let (_, got) = receiver
        .delivered()
        .into_iter()
        .find(|(e, _)| e.id == test.id)
        .expect("delivered");
    let signature = got.headers.get("qi-signature").expect("signed");
    let verifies = |secret: &str| {
        webhook::verify(
            secret,
            signature,
            got.body.as_bytes(),
            Utc::now().timestamp(),
            300,
        )
    };
    assert_eq!(verifies(&again.secret), Ok(()));
    assert_eq!(verifies(&replaced.secret), Ok(()));
    assert_eq!(
        verifies(&made.secret),
        Err(webhook::SignatureError::Mismatch)
    );
}

/// A node on its own runtime, so that stopping it stops its workers too (as a process would).
struct Node {
    address: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Node {
    fn start(settings: qi_api::settings::Settings) -> Node {
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let app = qi_api::startup::Application::build(settings)
                    .await
                    .expect("a node");
                address_tx
                    .send(format!("http://127.0.0.1:{}", app.port()))
                    .expect("told");
                let handle = app.handle();
                let server = tokio::spawn(app.run_until_stopped());
                stopped.await.ok();
                handle.stop(false).await;
                server.await.ok();
            });
            // Dropping the runtime ends its worker tasks wherever they were.
            drop(runtime);
        });
        let address = address_rx.recv().expect("the node's address");
        Node {
            address,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the node stopped");
        }
    }
}

#[tokio::test]
async fn deliveries_waiting_when_a_node_stops_are_made_by_the_next() {
    let url = fresh_database().await;
    let receiver = Receiver::start().await;
    receiver.fail(u32::MAX);
    let first = Node::start(test_settings(url.clone()));
    let app = TestApp::signed_in(first.address.clone()).await;
    let made = register(&app, &app.admin, &receiver.url).await;
    let id = made.webhook.id;
    let org = app.admin_org;
    let mut titles = Vec::new();
    for n in 1..=3 {
        let title = format!("Discharge before noon, ward {n}");
        project(&app, &app.admin, org, &title, "organisation").await;
        titles.push(title);
    }
    log_until(
        &app,
        &app.admin,
        id,
        "three deliveries waiting, one tried",
        |items| items.len() == 3 && items.iter().any(|d| d.attempts >= 1),
    )
    .await;
    first.stop();

    receiver.fail(0);
    let second = Node::start(test_settings(url));
    let app = TestApp::signed_in(second.address.clone()).await;
    receiver
        .until("every change", |events| {
            titles.iter().all(|t| {
                events.iter().any(|(e, _)| {
                    e.change
                        .as_ref()
                        .and_then(|c| c.project.as_ref())
                        .is_some_and(|p| &p.title == t)
                })
            })
        })
        .await;
    let items = log(&app, &app.admin, id, "per_page=100").await.items;
    assert_eq!(items.len(), 3, "none lost, none doubled: {items:?}");
    assert!(items.iter().all(|d| d.status == DeliveryStatus::Delivered));
    let ids: Vec<i64> = receiver.delivered().iter().map(|(e, _)| e.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "in order");
    second.stop();
}
