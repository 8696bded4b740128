//! The real `qi` binary stops on SIGTERM without losing writes it has acknowledged, and without
//! making writes it has not.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::{free_port, qi_serve, sign_in, wait_until_ready};

use serde_json::{Value, json};

fn start(database_url: &str, port: u16) -> Child {
    qi_serve(port)
        .env("QI_DATABASE_URL", database_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start qi")
}

#[tokio::test]
async fn sigterm_finishes_in_flight_writes_and_loses_none() {
    let dir = std::env::temp_dir().join(format!("qi-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = format!("sqlite://{}?mode=rwc", dir.join("qi.db").display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    // No connection reuse: each write is its own connection, so none is cut off between requests.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    let mut server = start(&database_url, port);
    wait_until_ready(&client, &base).await;
    let token = sign_in(&client, &base).await;

    let writes = (0..60).map(|i| {
        let client = client.clone();
        let (base, token) = (base.clone(), token.clone());
        async move {
            // Spread the writes out so SIGTERM lands among them.
            tokio::time::sleep(Duration::from_millis(i * 5)).await;
            let body = json!({"name": format!("Organisation {i}"), "ods_code": format!("SD{i:03}"), "org_type": "other"});
            match client.post(format!("{base}/api/v1/organisations")).bearer_auth(&token).json(&body).send().await {
                Ok(response) => Some(response.status().as_u16()),
                Err(_) => None,
            }
        }
    });
    let pid = server.id();
    let terminate = async {
        tokio::time::sleep(Duration::from_millis(120)).await;
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    let (answers, ()) = tokio::join!(futures_util::future::join_all(writes), terminate);

    let exit = tokio::task::spawn_blocking(move || server.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "qi exits cleanly on SIGTERM: {exit:?}");

    let acknowledged = answers.iter().filter(|a| **a == Some(201)).count();
    assert!(
        answers.iter().all(|a| matches!(a, Some(201) | None)),
        "every answer was a success or no answer: {answers:?}"
    );
    assert!(acknowledged > 0, "some writes finished before the stop");
    assert!(
        acknowledged < answers.len(),
        "the stop came while writes were still arriving"
    );

    // Start again on the same database: exactly the acknowledged writes are there.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&database_url, port);
    wait_until_ready(&client, &base).await;
    let token = sign_in(&client, &base).await;
    let page: Value = client
        .get(format!(
            "{base}/api/v1/organisations?per_page=100&q=Organisation%20"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(page["total"].as_u64().unwrap() as usize, acknowledged);
}
