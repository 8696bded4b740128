//! Mail delivery by the real `qi` binary (issue 16's reliability tests): killed with SIGKILL in
//! the middle of delivering, then started again, it delivers every message at least once, and
//! at most the one it was sending when it died twice; a malformed SMTP URL stops it at start.
//! The SMTP server is the tests' real one (`tests/mail/smtpd.sh`, aiosmtpd).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::{
    collections::HashSet,
    io::BufRead,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use common::{free_port, qi_serve, sign_in, wait_until_ready};

/// Messages queued before the kill.
const MESSAGES: usize = 150;

struct Smtp {
    port: u16,
    dir: PathBuf,
    child: Child,
}

impl Smtp {
    fn start() -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("qi-smtp-kill-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/mail/smtpd.sh");
        let mut child = Command::new("bash")
            .arg(script)
            .arg(port.to_string())
            .arg(&dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let stdout = child.stdout.take().unwrap();
        assert!(
            std::io::BufReader::new(stdout)
                .lines()
                .any(|l| l.is_ok_and(|l| l == "ready")),
            "the SMTP server did not start"
        );
        Self { port, dir, child }
    }

    /// The Message-ID of everything received, in order.
    fn received(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.dir.join("messages.jsonl")).unwrap_or_default();
        // The server may be writing the last line as it is read: a line counts once it ends.
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        complete
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["message_id"].as_str().unwrap().to_owned()
            })
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn node(database_url: &str, smtp_url: &str, port: u16) -> Child {
    qi_serve(port)
        .env("QI_DATABASE_URL", database_url)
        .env("QI_SMTP_URL", smtp_url)
        .env("QI_MAIL__POLL_MILLIS", "100")
        // The message a killed node held goes again this long after it was taken.
        .env("QI_MAIL__LEASE_SECONDS", "3")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start qi")
}

#[tokio::test]
async fn sigkill_mid_delivery_loses_no_message_and_doubles_at_most_the_one_in_flight() {
    let dir = std::env::temp_dir().join(format!("qi-mail-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = format!("sqlite://{}?mode=rwc", dir.join("qi.db").display());
    let smtp = Smtp::start();
    let client = reqwest::Client::new();

    // Queue the messages with the SMTP server out of reach, so they wait together.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = node(&database_url, "smtp://127.0.0.1:9", port);
    wait_until_ready(&client, &base).await;
    let token = sign_in(&client, &base).await;
    let me: Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let organisation = me["organisation_id"].as_i64().unwrap();
    for i in 0..MESSAGES {
        let answer = client
            .post(format!("{base}/api/v1/people"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("Kill Test {i}"), "email": format!("kill.{i}@example.nhs.uk"),
                "organisation_id": organisation, "job_role": "Nurse", "roles": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
    }
    first.kill().ok();
    first.wait().ok();

    // Deliver, and kill the node once some have gone.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let mut second = node(&database_url, &smtp_url, port);
    wait_until_ready(&client, &base).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while smtp.received().len() < MESSAGES / 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let status = Command::new("kill")
        .args(["-KILL", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    second.wait().ok();
    let at_kill = smtp.received().len();
    assert!(
        at_kill < MESSAGES,
        "the kill came mid-delivery ({at_kill} of {MESSAGES} received)"
    );

    // Started again, it sends the rest, and the one it held goes again after its lease.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut third = node(&database_url, &smtp_url, port);
    wait_until_ready(&client, &base).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let distinct: HashSet<String> = smtp.received().into_iter().collect();
        if distinct.len() >= MESSAGES || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A lease's length more, for a message taken again late.
    tokio::time::sleep(Duration::from_secs(4)).await;
    third.kill().ok();
    third.wait().ok();
    let received = smtp.received();
    let distinct: HashSet<&String> = received.iter().collect();
    let duplicates = received.len() - distinct.len();
    eprintln!(
        "mail after SIGKILL: {} received, {} distinct, {duplicates} duplicates ({at_kill} before the kill)",
        received.len(),
        distinct.len()
    );
    assert_eq!(distinct.len(), MESSAGES, "every message delivered");
    assert!(
        duplicates <= 1,
        "at most the message in flight goes twice: {duplicates}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_malformed_smtp_url_stops_the_server_at_start_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("qi-mail-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = qi_serve(free_port())
        .env(
            "QI_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("qi.db").display()),
        )
        .env("QI_SMTP_URL", "smtp//no-scheme:port")
        .output()
        .expect("run qi");
    std::fs::remove_dir_all(&dir).ok();
    assert!(!output.status.success(), "the server must not start");
    let said = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("QI_SMTP_URL"), "{said}");
}
