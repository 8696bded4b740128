use chrono::Duration;
use qi_api::auth::jwt::JwtKeys;
use qi_shared::{access::Actor, auth::TokenResponse, person::Role};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, fields, fresh_database, spawn_app, start, test_settings,
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
        .sign(&actor)
        .unwrap();
    let forged = JwtKeys::new(b"somebody-elses-secret-of-length!", Duration::minutes(15))
        .sign(&actor)
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
