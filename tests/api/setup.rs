use qi_api::db::{self, secrets, tokens};
use qi_shared::{auth::TokenResponse, partnership::SetupStatus, person::Role};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, fields, fresh_database, start, test_settings};

const TOKEN: &str = "a-set-up-token-the-test-knows";

/// A server on an empty database with no admin configured: it waits to be set up.
async fn unconfigured() -> (String, reqwest::Client) {
    let database_url = fresh_database().await;
    let mut settings = test_settings(database_url.clone());
    settings.bootstrap.admin_email = None;
    settings.bootstrap.admin_password = None;
    let address = start(settings).await;
    // The real token is only in the log; put one the test knows in its place.
    let db = db::connect(&database_url, 1).await.unwrap();
    secrets::put(&db, secrets::SETUP_TOKEN_HASH, tokens::hash(TOKEN))
        .await
        .unwrap();
    (address, reqwest::Client::new())
}

fn setup_body(token: &str) -> Value {
    json!({
        "token": token,
        "partnership_name": "Northmoor ICS",
        "organisation": {"name": "Northmoor ICB", "ods_code": "QNM", "org_type": "other"},
        "name": "Ada Lead",
        "email": "ada@example.org",
        "job_role": "Partnership QI lead",
        "password": "a-good-long-password"
    })
}

async fn call(
    client: &reqwest::Client,
    method: Method,
    url: String,
    body: Option<Value>,
) -> Answer {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    Answer::from(request.send().await.unwrap()).await
}

#[tokio::test]
async fn first_run_set_up_creates_the_first_partnership_admin_once() {
    let (address, client) = unconfigured().await;
    let status: SetupStatus = call(
        &client,
        Method::GET,
        format!("{address}/api/v1/setup"),
        None,
    )
    .await
    .expect(200);
    assert!(!status.set_up);

    call(
        &client,
        Method::POST,
        format!("{address}/api/v1/setup"),
        Some(setup_body("wrong-token")),
    )
    .await
    .problem(403);

    let tokens: TokenResponse = call(
        &client,
        Method::POST,
        format!("{address}/api/v1/setup"),
        Some(setup_body(TOKEN)),
    )
    .await
    .expect(200);
    let me: qi_shared::person::Person = Answer::from(
        client
            .get(format!("{address}/api/v1/me"))
            .bearer_auth(&tokens.access_token)
            .send()
            .await
            .unwrap(),
    )
    .await
    .expect(200);
    assert_eq!(me.roles, vec![Role::PartnershipAdmin, Role::Member]);
    assert_eq!(me.organisation_name, "Northmoor ICB");

    let status: SetupStatus = call(
        &client,
        Method::GET,
        format!("{address}/api/v1/setup"),
        None,
    )
    .await
    .expect(200);
    assert!(status.set_up);
    let problem = call(
        &client,
        Method::POST,
        format!("{address}/api/v1/setup"),
        Some(setup_body(TOKEN)),
    )
    .await
    .problem(409);
    assert_eq!(problem.code, "already_set_up");
}

#[tokio::test]
async fn set_up_reports_every_bad_field() {
    let (address, client) = unconfigured().await;
    let mut body = setup_body(TOKEN);
    body["organisation"]["ods_code"] = json!("?");
    body["email"] = json!("nope");
    body["password"] = json!("short");
    let problem = call(
        &client,
        Method::POST,
        format!("{address}/api/v1/setup"),
        Some(body),
    )
    .await
    .problem(422);
    assert_eq!(
        fields(&problem),
        ["organisation.ods_code", "email", "password"]
    );
    let problem = call(
        &client,
        Method::POST,
        format!("{address}/api/v1/setup"),
        Some(json!({"token": TOKEN})),
    )
    .await
    .problem(422);
    assert_eq!(fields(&problem), ["partnership_name"]);
}
