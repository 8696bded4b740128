//! What the tests of the real `qi` binary share: a free port, the command that starts the
//! server with a first admin and no web app, waiting until it is ready, and signing in.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::{
    net::TcpListener,
    process::Command,
    time::{Duration, Instant},
};

use serde_json::{Value, json};

/// The first admin's sign-in, set up at the server's first start.
pub const EMAIL: &str = "admin@example.org";
pub const PASSWORD: &str = "binary-test-password";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `qi serve` on `port`, logging warnings, with the first admin's sign-in and no web app; the
/// caller names its database (or data folder) and where the output goes.
pub fn qi_serve(port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qi"));
    command
        .arg("serve")
        .env("QI_BIND", format!("127.0.0.1:{port}"))
        .env("QI_WEB_DIR", "/nonexistent")
        .env("QI_LOG", "warn")
        .env("QI_BOOTSTRAP__ADMIN_EMAIL", EMAIL)
        .env("QI_BOOTSTRAP__ADMIN_PASSWORD", PASSWORD);
    command
}

/// Waits up to a minute for the server at `base` to say it is ready.
pub async fn wait_until_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("{base}/api/ready"))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first admin's access token.
pub async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}
