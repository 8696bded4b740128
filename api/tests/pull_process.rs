//! `qi pull` as a partner runs it: the real binary against the real server, killed with SIGKILL
//! part way through its bulk load and run again, ends with a copy equal to what its token reads
//! through the API. (`tests/api/pull.rs` tests the rest in-process, on both stores.)

#![allow(clippy::expect_used, clippy::unwrap_used)] // A test that cannot set itself up should stop.

mod common;

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use chrono::Utc;
use qi_api::pull::target::{self, Phase};
use qi_shared::project::ProjectSummary;
use sea_orm::Database;
use serde_json::{Value, json};

use common::{free_port, qi_serve, sign_in, wait_until_ready};

#[tokio::test]
async fn a_pull_killed_with_sigkill_mid_load_resumes_and_ends_equal() {
    let dir = std::env::temp_dir().join(format!(
        "qi-pull-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut server = qi_serve(port)
        .env(
            "QI_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("qi.db").display()),
        )
        .env("QI_AUTH__TOKEN_REQUESTS_PER_MINUTE", "1000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start qi");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    wait_until_ready(&client, &base).await;
    let admin = sign_in(&client, &base).await;
    let me: Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let organisation = me["organisation_id"].as_i64().unwrap();

    // Enough projects that a load of one row a transaction is caught part way.
    let mut ids = Vec::new();
    for chunk in 0..100 {
        let made = futures_util::future::join_all((0..8).map(|n| {
            client
                .post(format!("{base}/api/v1/projects"))
                .bearer_auth(&admin)
                .json(&json!({
                    "title": format!("Ward {chunk}-{n} falls huddles"),
                    "aim": "Cut inpatient falls by a third by June 2027",
                    "lead_organisation_id": organisation,
                    "status": "active",
                    "visibility": if n % 3 == 0 { "organisation" } else { "partnership" },
                }))
                .send()
        }))
        .await;
        for answer in made {
            let project: Value = answer.unwrap().json().await.unwrap();
            ids.push(project["id"].as_i64().expect("a project"));
        }
    }
    let made: Value = client
        .post(format!("{base}/api/v1/api-tokens"))
        .bearer_auth(&admin)
        .json(&json!({
            "name": "Trust data warehouse",
            "scopes": ["read_projects", "read_measures"],
            "expires_on": (Utc::now() + chrono::Duration::days(30)).date_naive(),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = made["secret"].as_str().expect("the secret").to_owned();
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{secret}\n")).unwrap();
    let into = format!("sqlite://{}?mode=rwc", dir.join("copy.db").display());
    let pull = |batch_rows: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_qi"));
        command
            .args([
                "pull",
                "--from",
                &base,
                "--into",
                &into,
                "--batch-rows",
                batch_rows,
            ])
            .arg("--token-file")
            .arg(&token_file)
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };

    let mut first = pull("1").spawn().expect("start qi pull");
    let copy = Database::connect(into.clone()).await.unwrap();
    let mut killed_at = None;
    for _ in 0..20_000 {
        // The copy may be busy with the pull's write: then look again.
        if let Ok(Some(state)) = target::state(&copy).await
            && state.phase == Phase::Projects
            && state.rows_loaded > 0
        {
            first.kill().expect("SIGKILL");
            killed_at = Some(state);
            break;
        }
        assert!(
            first.try_wait().unwrap().is_none(),
            "the pull ended before it was seen part way"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.wait().unwrap();
    let killed_at = killed_at.expect("the pull was seen mid-load");
    let state = target::state(&copy).await.unwrap().expect("its state kept");
    assert_eq!(state.phase, Phase::Projects, "killed before the load ended");
    assert!(state.rows_loaded >= killed_at.rows_loaded);
    assert!((state.rows_loaded as usize) < ids.len());

    // While it was down: one project's score changed (it has been copied already).
    let answer = client
        .post(format!("{base}/api/v1/projects/{}/scores", ids[0]))
        .bearer_auth(&admin)
        .json(&json!({"score": 4.5, "reason": "Sustained for three months"}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    let resumed = pull("200").output().expect("run qi pull again");
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(!String::from_utf8_lossy(&resumed.stderr).contains(&secret));

    let body = client
        .get(format!("{base}/api/v1/export/projects"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut source: Vec<ProjectSummary> = body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    source.sort_by_key(|p| p.id);
    assert_eq!(source.len(), ids.len());
    let copied = target::projects(&copy).await.unwrap();
    assert_eq!(copied, source);
    let scored = copied
        .iter()
        .find(|p| p.id == ids[0])
        .expect("the scored project");
    assert_eq!(scored.score.map(|s| s.tenths()), Some(45));

    drop(copy);
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
}
