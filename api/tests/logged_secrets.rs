//! What the real `qi` binary writes to its log: who signed in and who failed, but never a
//! password, an invitation token or a set-up token, even with every request logged.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::process::Stdio;

use serde_json::{Value, json};

use common::{EMAIL, PASSWORD, free_port, qi_serve, wait_until_ready};

const WRONG_PASSWORD: &str = "a-wrong-password-nobody-may-read";

#[tokio::test]
async fn the_log_names_sign_ins_but_never_passwords_or_tokens() {
    let dir = std::env::temp_dir().join(format!("qi-logging-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("qi.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = qi_serve(port)
        .env("QI_DATA_DIR", &dir)
        // Every request is logged at debug, with its span.
        .env("QI_LOG", "debug")
        .env("QI_LOG_JSON", "true")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .expect("start qi");

    let client = reqwest::Client::new();
    wait_until_ready(&client, &base).await;
    let login = |password: &'static str| {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": EMAIL, "password": password}))
            .send()
    };
    assert_eq!(login(WRONG_PASSWORD).await.unwrap().status(), 401);
    let tokens: Value = login(PASSWORD).await.unwrap().json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let me: Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sent: Value = client
        .post(format!("{base}/api/v1/people"))
        .bearer_auth(access)
        .json(&json!({"name": "Sam Example", "email": "sam@example.org", "organisation_id": me["organisation_id"], "job_role": "Staff nurse", "roles": []}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = sent["invitation_link"].as_str().unwrap();
    let token = link.rsplit('/').next().unwrap().to_owned();
    // The invitation's page in the app and in the API, and a set-up link.
    for path in [
        format!("/invitations/{token}"),
        format!("/api/v1/invitations/{token}"),
        format!("/setup?token={token}"),
    ] {
        client.get(format!("{base}{path}")).send().await.unwrap();
    }

    server.kill().ok();
    server.wait().ok();
    let logged = std::fs::read_to_string(&log_path).unwrap();
    std::fs::remove_dir_all(&dir).ok();

    assert!(logged.contains("signed in"), "a good sign-in is logged");
    assert!(
        logged.contains("sign-in refused") && logged.contains("wrong password"),
        "a failed one too"
    );
    assert!(
        logged.contains("/api/v1/invitations/***"),
        "the invitation's request is logged, masked"
    );
    for secret in [WRONG_PASSWORD, PASSWORD, token.as_str()] {
        assert!(
            !logged.contains(secret),
            "{secret:?} is in the log:\n{logged}"
        );
    }
}
