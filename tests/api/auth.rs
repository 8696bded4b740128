use chrono::Duration;
use qi_api::auth::jwt::JwtKeys;
use qi_shared::{access::Actor, auth::TokenResponse, person::Role};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, TestApp, fields, fresh_database, spawn_app,
    spawn_app_with, spawn_app_with_db, start, test_settings,
};

#[tokio::test]
async fn login_returns_a_bearer_token_that_opens_me() {
    let app = spawn_app().await;
    let tokens = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 15 * 60);
    assert!(!tokens.refresh_token.is_empty());
    let me = app.me(&tokens.access_token).await;
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.roles, vec![Role::PartnershipAdmin, Role::Member]);
}

#[tokio::test]
async fn login_ignores_the_case_of_the_email() {
    let app = spawn_app().await;
    app.login_ok(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD)
        .await;
}

#[tokio::test]
async fn login_refuses_a_wrong_password_and_an_unknown_email_alike() {
    let app = spawn_app().await;
    let wrong = app
        .login(ADMIN_EMAIL, "not-the-password")
        .await
        .problem(401);
    let unknown = app
        .login("nobody@example.org", ADMIN_PASSWORD)
        .await
        .problem(401);
    assert_eq!(wrong.code, "unauthorized");
    assert_eq!(
        wrong.detail, unknown.detail,
        "the answer must not reveal which emails have accounts"
    );
}

#[tokio::test]
async fn login_rejects_bad_input_with_a_problem_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"email": ADMIN_EMAIL}),
            422,
            Some("password"),
            "missing password",
        ),
        (
            json!({"password": "x"}),
            422,
            Some("email"),
            "missing email",
        ),
        (
            json!({"email": 42, "password": "x"}),
            422,
            Some("email"),
            "email of the wrong type",
        ),
        (json!([]), 422, Some("body"), "not an object"),
    ];
    for (body, status, field, case) in cases {
        let problem = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await
            .problem(status);
        assert_eq!(fields(&problem).first().copied(), field, "{case}");
    }
    let malformed = app
        .post_raw(
            "/api/v1/auth/login",
            None,
            "application/json",
            "{\"email\":",
        )
        .await
        .problem(400);
    assert_eq!(malformed.code, "malformed_json");
    let not_json = app
        .post_raw("/api/v1/auth/login", None, "text/plain", "email=a")
        .await
        .problem(415);
    assert_eq!(not_json.code, "unsupported_media_type");
}

#[tokio::test]
async fn a_configured_signing_key_shorter_than_32_bytes_stops_the_server_at_start() {
    let mut settings = test_settings(fresh_database().await);
    settings.jwt_secret = Some("only-31-bytes-long-secret-value".into());
    let refused = qi_api::startup::Application::build(settings).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("QI_JWT_SECRET is 31 bytes long"),
        "the operator is told what is wrong: {message:?}"
    );
}

#[tokio::test]
async fn protected_endpoints_refuse_missing_bad_tampered_and_expired_tokens() {
    let database_url = fresh_database().await;
    let mut settings = test_settings(database_url);
    let secret = "a-known-secret-for-this-test-only";
    settings.jwt_secret = Some(secret.into());
    let address = start(settings).await;
    let client = reqwest::Client::new();
    let tokens: TokenResponse = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actor = Actor {
        person_id: 1,
        organisation_id: 1,
        roles: vec![Role::PartnershipAdmin, Role::Member],
    };
    let expired = JwtKeys::new(secret.as_bytes(), Duration::seconds(-30))
        .sign(&actor, 0)
        .unwrap();
    let forged = JwtKeys::new(b"somebody-elses-secret-of-length!", Duration::minutes(15))
        .sign(&actor, 0)
        .unwrap();
    let mut tampered = tokens.access_token.clone();
    tampered.truncate(tampered.len() - 2);
    let cases: [(Option<String>, &str); 6] = [
        (None, "no token"),
        (Some("Bearer".to_owned()), "empty bearer"),
        (Some("Basic YWRtaW46YWRtaW4=".to_owned()), "another scheme"),
        (Some(format!("Bearer {tampered}")), "tampered"),
        (Some(format!("Bearer {expired}")), "expired"),
        (Some(format!("Bearer {forged}")), "signed with another key"),
    ];
    for (header, case) in cases {
        let mut request = client.get(format!("{address}/api/v1/me"));
        if let Some(header) = header {
            request = request.header("authorization", header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{case}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{case}"
        );
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{case}");
    }
    let ok = client
        .get(format!("{address}/api/v1/me"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn refresh_rotates_the_token_and_a_reused_token_ends_the_session() {
    let app = spawn_app().await;
    let first = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let second: TokenResponse = app.refresh(&first.refresh_token).await.expect(200);
    assert_ne!(second.refresh_token, first.refresh_token);
    app.me(&second.access_token).await;

    // The first token is spent: using it again looks like theft, so the whole session ends.
    app.refresh(&first.refresh_token).await.problem(401);
    app.refresh(&second.refresh_token).await.problem(401);

    // Another sign-in is a separate session and is unaffected.
    let other = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let _: TokenResponse = app.refresh(&other.refresh_token).await.expect(200);
}

#[tokio::test]
async fn refresh_refuses_unknown_tokens_and_bad_bodies() {
    let app = spawn_app().await;
    app.refresh("not-a-token").await.problem(401);
    let problem = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({})))
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["refresh_token"]);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_yield_at_most_one_session() {
    let app = spawn_app().await;
    let tokens = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let answers =
        futures_util::future::join_all((0..5).map(|_| app.refresh(&tokens.refresh_token))).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    assert!(ok <= 1, "one refresh token was spent {ok} times");
    assert!(answers.iter().all(|a| a.status == 200 || a.status == 401));
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let tokens = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let answer = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": tokens.refresh_token})),
        )
        .await;
    assert_eq!(answer.status, 204);
    app.refresh(&tokens.refresh_token).await.problem(401);
    // Signing out twice is harmless.
    let again = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": tokens.refresh_token})),
        )
        .await;
    assert_eq!(again.status, 204);
}

#[tokio::test]
async fn a_deactivated_person_can_neither_sign_in_nor_refresh() {
    let app = spawn_app().await;
    let (person, _) = app.person("leaver@example.org", app.admin_org, &[]).await;
    let tokens = app.login_ok("leaver@example.org", PASSWORD).await;
    let _: serde_json::Value = app
        .post(
            &format!("/api/v1/people/{}/deactivate", person.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    app.login("leaver@example.org", PASSWORD).await.problem(401);
    app.refresh(&tokens.refresh_token).await.problem(401);
    app.get("/api/v1/me", &tokens.access_token)
        .await
        .problem(401);
}

// Sign-in throttling (issue 14, item 5).

/// Signs in, for the answer's headers.
async fn sign_in_raw(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Asserts a 429 problem with a `Retry-After` of at most `window` seconds, and returns it.
async fn assert_throttled(response: reqwest::Response, window: u64) -> u64 {
    assert_eq!(response.status(), 429);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=window).contains(&retry_after),
        "Retry-After {retry_after} is within the window of {window} s"
    );
    let problem: qi_shared::problem::Problem = response.json().await.unwrap();
    assert_eq!(problem.code, "too_many_requests");
    retry_after
}

#[tokio::test]
async fn too_many_wrong_passwords_lock_the_account_with_a_429_and_retry_after() {
    let app = spawn_app_with(|s| {
        s.auth.failures_per_account = 3;
        s.auth.throttle_window_seconds = 60;
    })
    .await;
    app.person("bystander@example.org", app.admin_org, &[])
        .await;
    for _ in 0..3 {
        app.login(ADMIN_EMAIL, "not-the-password")
            .await
            .problem(401);
    }
    assert_throttled(sign_in_raw(&app, ADMIN_EMAIL, "not-the-password").await, 60).await;
    assert_throttled(
        sign_in_raw(&app, &ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD).await,
        60,
    )
    .await;

    // Another account is not affected.
    app.login("bystander@example.org", "not-the-password")
        .await
        .problem(401);
    app.login_ok("bystander@example.org", PASSWORD).await;
}

#[tokio::test]
async fn the_right_password_is_refused_during_the_lock_and_works_after_it() {
    let app = spawn_app_with(|s| {
        s.auth.failures_per_account = 3;
        s.auth.throttle_window_seconds = 2;
    })
    .await;
    for _ in 0..3 {
        app.login(ADMIN_EMAIL, "not-the-password")
            .await
            .problem(401);
    }
    let wait = assert_throttled(sign_in_raw(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await, 2).await;
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn wrong_passwords_from_one_address_to_many_accounts_lock_the_address() {
    let app = spawn_app_with(|s| {
        s.auth.failures_per_account = 10;
        s.auth.failures_per_address = 5;
    })
    .await;
    for n in 0..5 {
        app.login(&format!("guess{n}@example.org"), "password1")
            .await
            .problem(401);
    }
    // Every account, from this address, until the lock ends.
    assert_throttled(
        sign_in_raw(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        15 * 60,
    )
    .await;
}

#[tokio::test]
async fn good_sign_ins_are_never_throttled_and_forgive_the_accounts_failures() {
    let app = spawn_app_with(|s| {
        s.auth.failures_per_account = 2;
        s.auth.failures_per_address = 100;
    })
    .await;
    for _ in 0..20 {
        app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }
    for _ in 0..5 {
        app.login(ADMIN_EMAIL, "not-the-password")
            .await
            .problem(401);
        app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_is_cut_off_at_the_limit_not_after_the_burst() {
    let app = spawn_app_with(|s| s.auth.failures_per_account = 5).await;
    let answers =
        futures_util::future::join_all((0..40).map(|_| app.login(ADMIN_EMAIL, "not-the-password")))
            .await;
    let checked = answers.iter().filter(|a| a.status == 401).count();
    let throttled = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!(checked + throttled, 40);
    // Guesses already hashing when the lock came (one per core at most) still get their 401.
    let cores = std::thread::available_parallelism().map_or(2, Into::into);
    assert!(
        checked <= 5 + cores,
        "{checked} guesses were checked, with a limit of 5"
    );
}

// Revocation (issue 14, item 7).

#[tokio::test]
async fn a_deactivated_persons_access_token_stops_working_at_once() {
    let app = spawn_app().await;
    let (person, _) = app.person("leaver@example.org", app.admin_org, &[]).await;
    let tokens = app.login_ok("leaver@example.org", PASSWORD).await;
    let _: serde_json::Value = app
        .get("/api/v1/organisations", &tokens.access_token)
        .await
        .expect(200);

    let _: serde_json::Value = app
        .post(
            &format!("/api/v1/people/{}/deactivate", person.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);

    let refused = app
        .get("/api/v1/organisations", &tokens.access_token)
        .await
        .problem(401);
    assert!(refused.detail.unwrap_or_default().contains("revoked"));
    app.get("/api/v1/projects/1", &tokens.access_token)
        .await
        .problem(401);
    app.refresh(&tokens.refresh_token).await.problem(401);
}

#[tokio::test]
async fn a_removed_role_stops_its_powers_at_once_and_a_refresh_brings_the_new_roles() {
    let app = spawn_app().await;
    let org = app
        .create_organisation("Northmoor Hospitals NHS Trust", "RA1", "acute_trust")
        .await;
    let (lead, _) = app
        .person("lead@example.org", org.id, &[Role::OrganisationAdmin])
        .await;
    let tokens = app.login_ok("lead@example.org", PASSWORD).await;
    let _: serde_json::Value = app
        .invite(&tokens.access_token, "one@example.org", org.id, &[])
        .await
        .expect(201);

    let _: serde_json::Value = app.put_roles(&app.admin, lead.id, &[]).await.expect(200);

    app.invite(&tokens.access_token, "two@example.org", org.id, &[])
        .await
        .problem(401);
    let renewed: TokenResponse = app.refresh(&tokens.refresh_token).await.expect(200);
    assert_eq!(
        app.me(&renewed.access_token).await.roles,
        vec![Role::Member]
    );
    app.invite(&renewed.access_token, "two@example.org", org.id, &[])
        .await
        .problem(403);
}

#[tokio::test]
async fn another_nodes_deactivation_stops_a_token_within_the_stamp_bound() {
    let database_url = fresh_database().await;
    let mut settings = test_settings(database_url.clone());
    settings.auth.stamp_cache_seconds = 1;
    let node = |address: String| TestApp {
        address,
        client: reqwest::Client::new(),
        admin: String::new(),
        admin_org: 0,
    };
    let mut node_a = node(start(settings.clone()).await);
    node_a.admin = node_a
        .login_ok(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .access_token;
    let org = node_a.me(&node_a.admin).await.organisation_id;
    let node_b = node(start(settings).await);
    let (person, token) = node_a.person("leaver@example.org", org, &[]).await;
    // Node B reads the person's stamp, and keeps it for up to a second.
    let _: serde_json::Value = node_b
        .get("/api/v1/organisations", &token)
        .await
        .expect(200);

    let _: serde_json::Value = node_a
        .post(
            &format!("/api/v1/people/{}/deactivate", person.id),
            &node_a.admin,
            json!({}),
        )
        .await
        .expect(200);
    node_a
        .get("/api/v1/organisations", &token)
        .await
        .problem(401);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    node_b
        .get("/api/v1/organisations", &token)
        .await
        .problem(401);
}

// Secrets (issue 14, item 6).

fn scratch_key_file() -> std::path::PathBuf {
    use rand::Rng;
    let n: u64 = rand::thread_rng().r#gen();
    std::env::temp_dir()
        .join(format!("qi-key-{n:016x}"))
        .join("jwt.key")
}

async fn stored_secret_names(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    use sea_orm::EntityTrait;
    qi_api::db::entity::server_secret::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

#[tokio::test]
async fn the_generated_signing_key_is_kept_in_a_private_key_file_that_nodes_share() {
    let database_url = fresh_database().await;
    let key_file = scratch_key_file();
    let mut settings = test_settings(database_url.clone());
    settings.auth.key_file = Some(key_file.clone());
    let first = start(settings.clone()).await;
    let second = start(settings).await;
    let client = reqwest::Client::new();
    let tokens: TokenResponse = client
        .post(format!("{first}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let on_second = client
        .get(format!("{second}/api/v1/me"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        on_second.status(),
        200,
        "a token from one node opens the other"
    );

    let key = std::fs::read_to_string(&key_file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the server's user alone");
    }
    let db = sea_orm::Database::connect(database_url).await.unwrap();
    let names = stored_secret_names(&db).await;
    assert!(!names.contains(&"jwt_secret".to_owned()), "{names:?}");
    let values: Vec<String> = {
        use sea_orm::EntityTrait;
        qi_api::db::entity::server_secret::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.value)
            .collect()
    };
    assert!(
        values.iter().all(|v| !v.contains(key.trim())),
        "the key is nowhere in the database"
    );
}

#[tokio::test]
async fn a_node_with_another_signing_key_refuses_to_start() {
    let database_url = fresh_database().await;
    let mut settings = test_settings(database_url.clone());
    settings.auth.key_file = Some(scratch_key_file());
    start(settings.clone()).await;

    settings.auth.key_file = Some(scratch_key_file());
    let refused = qi_api::startup::Application::build(settings.clone()).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("every node must have the same key"),
        "the operator is told what is wrong: {message:?}"
    );
    // Unless the change is meant.
    settings.auth.accept_new_key = true;
    start(settings).await;
}

#[tokio::test]
async fn a_signing_key_an_older_version_kept_in_the_database_moves_to_the_key_file() {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let database_url = fresh_database().await;
    let db = qi_api::db::connect(&database_url, 1).await.unwrap();
    qi_api::db::migrate(&db).await.unwrap();
    let legacy = "0123456789abcdef".repeat(4);
    qi_api::db::entity::server_secret::Entity::insert(
        qi_api::db::entity::server_secret::ActiveModel {
            name: Set("jwt_secret".to_owned()),
            value: Set(legacy.clone()),
            created_at: Set(chrono::Utc::now()),
        },
    )
    .exec(&db)
    .await
    .unwrap();

    let key_file = scratch_key_file();
    let mut settings = test_settings(database_url);
    settings.auth.key_file = Some(key_file.clone());
    let address = start(settings).await;
    let tokens: TokenResponse = reqwest::Client::new()
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let old_keys = JwtKeys::new(legacy.as_bytes(), Duration::minutes(15));
    assert!(
        old_keys.verify(&tokens.access_token).is_ok(),
        "tokens the old key signed stay good"
    );
    assert_eq!(std::fs::read_to_string(&key_file).unwrap().trim(), legacy);
    assert!(
        !stored_secret_names(&db)
            .await
            .contains(&"jwt_secret".to_owned())
    );
}

#[tokio::test]
async fn a_session_ends_30_days_after_sign_in_however_often_it_is_refreshed() {
    use qi_api::db::entity::refresh_token;
    use sea_orm::{EntityTrait, sea_query::Expr};
    let (app, db) = spawn_app_with_db().await;
    let first = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let second: TokenResponse = app.refresh(&first.refresh_token).await.expect(200);

    // As if that sign-in were 30 days ago, refreshed ever since.
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::SessionStartedAt,
            Expr::value(chrono::Utc::now() - Duration::days(30)),
        )
        .exec(&db)
        .await
        .unwrap();
    app.refresh(&second.refresh_token).await.problem(401);

    // A new sign-in starts a new session.
    let fresh = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let _: TokenResponse = app.refresh(&fresh.refresh_token).await.expect(200);
}

#[tokio::test]
async fn a_refresh_token_expires_with_its_session() {
    let app = spawn_app_with(|s| s.auth.session_days = 0).await;
    let tokens = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.refresh(&tokens.refresh_token).await.problem(401);
}
