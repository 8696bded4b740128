//! `spawn_app()`: the real server on port 0 with its own fresh database, and a `TestApp` with one
//! typed method per endpoint.
//!
//! The database is a temporary SQLite file, or, when `TEST_DATABASE_URL` names a PostgreSQL
//! server (`postgres://postgres@127.0.0.1:5432`), a new database on it for each test.

use std::path::PathBuf;

use qi_api::{
    settings::{AuthSettings, Bootstrap, MailSettings, Settings, UploadSettings, WebhookSettings},
    startup::Application,
};
use qi_shared::{
    auth::TokenResponse,
    organisation::Organisation,
    person::{InvitationSent, Person, Role},
    problem::Problem,
};
use reqwest::{Method, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@partnership.example.org";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const PASSWORD: &str = "a-good-long-password";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The partnership admin made on first run.
    pub admin: String,
    /// The partnership admin's home organisation.
    pub admin_org: i64,
}

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().r#gen();
    format!("{n:016x}")
}

/// The template every PostgreSQL test database of this run is copied from: made and migrated
/// once per test process, named like the test databases so that the test script's clean-up
/// drops it with them.
async fn migrated_template(server: &str) -> &'static str {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("qi_test_template_{}", random_suffix());
            let admin = Database::connect(format!("{server}/postgres"))
                .await
                .expect("connect to the PostgreSQL server");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the template database");
            admin.close().await.ok();
            let db = Database::connect(format!("{server}/{name}"))
                .await
                .expect("connect to the template database");
            qi_api::db::migrate(&db)
                .await
                .expect("migrate the template");
            db.close().await.ok();
            name
        })
        .await
}

/// A fresh database for one test: empty on SQLite; on PostgreSQL, with the schema only.
pub async fn fresh_database() -> String {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            let server = server.trim_end_matches('/');
            let template = migrated_template(server).await;
            let name = format!("qi_test_{}", random_suffix());
            let admin = Database::connect(format!("{server}/postgres"))
                .await
                .expect("connect to the PostgreSQL server");
            // A copy of a database already migrated: running every migration for each test
            // took most of the suite's time on PostgreSQL. Two copies of one template at the
            // same moment can be refused ("being accessed by other users"): try again.
            let mut tries = 0;
            while let Err(e) = admin
                .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .await
            {
                tries += 1;
                assert!(tries < 50, "create a test database: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            admin.close().await.ok();
            format!("{server}/{name}")
        }
        None => {
            let path = std::env::temp_dir().join(format!("qi-test-{}.db", random_suffix()));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    }
}

pub fn test_settings(database_url: String) -> Settings {
    Settings {
        bind: "127.0.0.1:0".to_owned(),
        database_url: Some(database_url),
        data_dir: std::env::temp_dir(),
        jwt_secret: None,
        access_token_minutes: 15,
        refresh_token_days: 30,
        invitation_days: 7,
        log: std::env::var("TEST_LOG").unwrap_or_else(|_| "off".to_owned()),
        log_json: false,
        web_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/dist"),
        public_url: None,
        max_body_bytes: 64 * 1024,
        db_max_connections: 8,
        list_cache_seconds: 5,
        dashboard_cache_seconds: 30,
        workers: Some(1),
        demo: false,
        bootstrap: Bootstrap {
            admin_email: Some(ADMIN_EMAIL.to_owned()),
            admin_password: Some(SecretString::from(ADMIN_PASSWORD)),
            admin_name: "Pat Admin".to_owned(),
            partnership_name: "Test Partnership".to_owned(),
            organisation_name: "Partnership QI team".to_owned(),
            organisation_ods_code: "QQI".to_owned(),
        },
        auth: AuthSettings::default(),
        smtp_url: None,
        mail_from: "QI Commons <qi@partnership.example.org>".to_owned(),
        mail: MailSettings {
            poll_millis: 100,
            // Reminders and digests only where a test asks for them (never before hour 24).
            reminder_hour: 24,
            ..MailSettings::default()
        },
        uploads: UploadSettings::default(),
        changes: Default::default(),
        webhooks: WebhookSettings {
            poll_millis: 100,
            timeout_seconds: 5,
            backoff_base_seconds: 1,
            backoff_max_seconds: 2,
            ..WebhookSettings::default()
        },
    }
}

/// Starts a server with `settings` and returns its base address.
pub async fn start(settings: Settings) -> String {
    if std::env::var("TEST_LOG").is_ok() {
        qi_api::telemetry::init(&settings.log, false);
    }
    let app = Application::build(settings)
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    address
}

/// A server with a fresh database, set up with a partnership admin, who is signed in.
pub async fn spawn_app() -> TestApp {
    let database_url = fresh_database().await;
    let address = start(test_settings(database_url)).await;
    let client = reqwest::Client::new();
    let mut app = TestApp {
        address,
        client,
        admin: String::new(),
        admin_org: 0,
    };
    app.admin = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await.access_token;
    app.admin_org = app.me(&app.admin).await.organisation_id;
    app
}

impl TestApp {
    /// A client of a server already started at `address`, signed in as its partnership admin.
    pub async fn signed_in(address: String) -> Self {
        let mut app = TestApp {
            address,
            client: reqwest::Client::new(),
            admin: String::new(),
            admin_org: 0,
        };
        app.admin = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await.access_token;
        app.admin_org = app.me(&app.admin).await.organisation_id;
        app
    }
}

/// [`spawn_app`] with settings changed by `change` (shorter windows, smaller limits).
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = test_settings(fresh_database().await);
    change(&mut settings);
    let mut app = TestApp {
        address: start(settings).await,
        client: reqwest::Client::new(),
        admin: String::new(),
        admin_org: 0,
    };
    app.admin = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await.access_token;
    app.admin_org = app.me(&app.admin).await.organisation_id;
    app
}

/// [`spawn_app`] and a connection to the server's database, for facts that have no endpoint (course
/// completions, kept by the training tables) or that no endpoint would write (a bad stored value).
pub async fn spawn_app_with_db() -> (TestApp, DatabaseConnection) {
    spawn_app_with_db_with(|_| {}).await
}

/// [`spawn_app_with_db`] with settings changed by `change`.
pub async fn spawn_app_with_db_with(
    change: impl FnOnce(&mut Settings),
) -> (TestApp, DatabaseConnection) {
    let url = fresh_database().await;
    let mut settings = test_settings(url.clone());
    change(&mut settings);
    let address = start(settings).await;
    let mut app = TestApp {
        address,
        client: reqwest::Client::new(),
        admin: String::new(),
        admin_org: 0,
    };
    app.admin = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await.access_token;
    app.admin_org = app.me(&app.admin).await.organisation_id;
    let db = Database::connect(url)
        .await
        .expect("connect to the test database");
    (app, db)
}

/// A response's status and body, for assertions with a useful message.
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl Answer {
    pub async fn from(response: Response) -> Self {
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Self {
            status,
            content_type,
            body,
        }
    }

    pub fn expect<T: serde::de::DeserializeOwned>(self, status: u16) -> T {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("body does not fit the type: {e}; body: {}", self.body))
    }

    /// Asserts the answer is a problem document with this status and returns it.
    pub fn problem(self, status: u16) -> Problem {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        assert_eq!(
            self.content_type, "application/problem+json",
            "a problem document; body: {}",
            self.body
        );
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("not a problem document: {e}; body: {}", self.body))
    }
}

/// The fields a problem document names.
pub fn fields(problem: &Problem) -> Vec<&str> {
    problem.errors.iter().map(|e| e.field.as_str()).collect()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Any request: `token` is sent as a bearer token, `body` as JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::from(request.send().await.expect("the server answers")).await
    }

    /// PUT as a change to the record at `version` (sent as `If-Match`).
    pub async fn put_if_match(&self, path: &str, token: &str, version: i64, body: Value) -> Answer {
        let request = self
            .client
            .put(self.url(path))
            .bearer_auth(token)
            .header("If-Match", format!("\"{version}\""))
            .json(&body);
        Answer::from(request.send().await.expect("the server answers")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// POST with a raw body and content type, for malformed-input tests.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send().await.expect("the server answers")).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Answer {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
    }

    pub async fn login_ok(&self, email: &str, password: &str) -> TokenResponse {
        self.login(email, password).await.expect(200)
    }

    pub async fn refresh(&self, refresh_token: &str) -> Answer {
        self.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh_token})),
        )
        .await
    }

    pub async fn me(&self, token: &str) -> Person {
        self.get("/api/v1/me", token).await.expect(200)
    }

    pub async fn create_organisation(
        &self,
        name: &str,
        ods_code: &str,
        org_type: &str,
    ) -> Organisation {
        self.post(
            "/api/v1/organisations",
            &self.admin,
            json!({"name": name, "ods_code": ods_code, "org_type": org_type}),
        )
        .await
        .expect(201)
    }

    pub async fn invite(
        &self,
        token: &str,
        email: &str,
        organisation_id: i64,
        roles: &[Role],
    ) -> Answer {
        self.post(
            "/api/v1/people",
            token,
            json!({"name": "Sam Example", "email": email, "organisation_id": organisation_id, "job_role": "Staff nurse", "roles": roles}),
        )
        .await
    }

    /// Accepts an invitation from its link and returns the new person's tokens.
    pub async fn accept(&self, invitation: &InvitationSent, password: &str) -> Answer {
        let token = invitation
            .invitation_link
            .rsplit('/')
            .next()
            .expect("a token at the end of the link");
        self.call(
            Method::POST,
            "/api/v1/invitations/accept",
            None,
            Some(json!({"token": token, "password": password})),
        )
        .await
    }

    /// A signed-in person in `organisation_id` with `roles`, made by the partnership admin.
    pub async fn person(
        &self,
        email: &str,
        organisation_id: i64,
        roles: &[Role],
    ) -> (Person, String) {
        let sent: InvitationSent = self
            .invite(&self.admin, email, organisation_id, roles)
            .await
            .expect(201);
        let tokens: TokenResponse = self.accept(&sent, PASSWORD).await.expect(200);
        (sent.person, tokens.access_token)
    }
}

/// Two organisations, each with an admin, a coach and a member: the cast of the permission tests.
pub struct Cast {
    pub org_a: Organisation,
    pub org_b: Organisation,
    pub admin_a: (Person, String),
    pub coach_a: (Person, String),
    pub member_a: (Person, String),
    pub admin_b: (Person, String),
    pub member_b: (Person, String),
}

pub async fn cast(app: &TestApp) -> Cast {
    let org_a = app
        .create_organisation("Northmoor Hospitals NHS Trust", "RA1", "acute_trust")
        .await;
    let org_b = app
        .create_organisation("Riverside Surgery", "B82001", "gp_practice")
        .await;
    Cast {
        admin_a: app
            .person("lead.a@example.org", org_a.id, &[Role::OrganisationAdmin])
            .await,
        coach_a: app
            .person("coach.a@example.org", org_a.id, &[Role::Coach])
            .await,
        member_a: app.person("member.a@example.org", org_a.id, &[]).await,
        admin_b: app
            .person("lead.b@example.org", org_b.id, &[Role::OrganisationAdmin])
            .await,
        member_b: app.person("member.b@example.org", org_b.id, &[]).await,
        org_a,
        org_b,
    }
}

impl TestApp {
    /// Accepts every invitation to a project team waiting for the signed-in person; returns
    /// how many.
    pub async fn accept_team_invitations(&self, token: &str) -> usize {
        let me = self.me(token).await;
        let page: Value = self
            .get("/api/v1/team-invitations", token)
            .await
            .expect(200);
        let mine: Vec<i64> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["person_id"].as_i64() == Some(me.id))
            .filter_map(|i| i["id"].as_i64())
            .collect();
        for id in &mine {
            let answer = self
                .call(
                    Method::POST,
                    &format!("/api/v1/team-invitations/{id}/accept"),
                    Some(token),
                    None,
                )
                .await;
            assert_eq!(answer.status.as_u16(), 204, "accepted: {}", answer.body);
        }
        mine.len()
    }

    pub async fn put_roles(&self, token: &str, person_id: i64, roles: &[Role]) -> Answer {
        self.call(
            Method::PUT,
            &format!("/api/v1/people/{person_id}/roles"),
            Some(token),
            Some(json!({"roles": roles})),
        )
        .await
    }
}

/// The tests' real SMTP server (`tests/mail/smtpd.sh`, aiosmtpd) on a free loopback port; what
/// it accepts is read back with [`SmtpServer::received`]. Stopped when dropped.
pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Option<std::process::Child>,
}

/// A message as the SMTP server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// Files sent with it: (file name, content type, content).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

impl Received {
    /// The token at the end of the first link to `path` (`/reset-password/`) in the text.
    pub fn token_after(&self, path: &str) -> String {
        let start = self
            .text
            .find(path)
            .unwrap_or_else(|| panic!("no {path} link in {:?}", self.text))
            + path.len();
        self.text[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect()
    }
}

impl SmtpServer {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("qi-smtp-{}", random_suffix()));
        std::fs::create_dir_all(&dir).expect("a folder for received mail");
        let mut server = Self {
            port,
            dir,
            child: None,
        };
        server.run().await;
        server
    }

    async fn run(&mut self) {
        use std::io::BufRead;
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("mail/smtpd.sh");
        let mut child = std::process::Command::new("bash")
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the SMTP server (tests/mail/smtpd.sh)");
        let stdout = child.stdout.take().expect("its output");
        // The first start installs aiosmtpd: give it time.
        let ready = tokio::task::spawn_blocking(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .any(|l| l.is_ok_and(|l| l == "ready"))
        });
        let ready = tokio::time::timeout(std::time::Duration::from_secs(300), ready)
            .await
            .expect("the SMTP server starts within 5 minutes")
            .expect("its output is read");
        assert!(ready, "the SMTP server did not start");
        self.child = Some(child);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops it (an outage): connections are refused until [`Self::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }

    pub async fn restart(&mut self) {
        self.stop();
        self.run().await;
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let text = std::fs::read_to_string(self.dir.join("messages.jsonl")).unwrap_or_default();
        // The server may be writing the last line as it is read: a line counts once it ends.
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        complete
            .lines()
            .map(|l| serde_json::from_str(l).expect("a received message"))
            .collect()
    }

    /// Waits (up to `seconds`) until `done` holds of what was received.
    pub async fn wait_until(
        &self,
        seconds: u64,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let received = self.received();
            if done(&received) || std::time::Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The latest message to `address` whose subject contains `about`, waiting up to 20 s.
    pub async fn to(&self, address: &str, about: &str) -> Received {
        let fits = |m: &Received| m.to.iter().any(|t| t == address) && m.subject.contains(about);
        self.wait_until(20, |r| r.iter().any(fits))
            .await
            .into_iter()
            .rev()
            .find(fits)
            .unwrap_or_else(|| panic!("no mail to {address} about {about:?} within 20 s"))
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// A server delivering its mail to `smtp`, with `change` made to its settings too.
pub async fn spawn_app_mailing(smtp: &SmtpServer, change: impl FnOnce(&mut Settings)) -> TestApp {
    let url = smtp.url();
    spawn_app_with(move |s| {
        s.smtp_url = Some(SecretString::from(url));
        change(s);
    })
    .await
}

/// The tests' S3-compatible server (`tests/s3/s3.sh`, moto's server) on a free loopback port,
/// with one bucket. Stopped when dropped.
pub struct S3Server {
    pub port: u16,
    pub bucket: String,
    child: std::process::Child,
}

impl S3Server {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("s3/s3.sh");
        let child = std::process::Command::new("bash")
            .arg(script)
            .arg(port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the S3 server (tests/s3/s3.sh)");
        let server = Self {
            port,
            bucket: format!("qi-{}", random_suffix().to_lowercase()),
            child,
        };
        // The first start installs moto: give it time. A bucket is made with an unsigned PUT,
        // which moto takes (as a real store would take a signed one).
        let client = reqwest::Client::new();
        let bucket = format!("{}/{}", server.endpoint(), server.bucket);
        for _ in 0..1500 {
            if let Ok(made) = client.put(&bucket).send().await {
                assert!(made.status().is_success(), "the bucket is made: {made:?}");
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("the S3 server did not start within 5 minutes");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The keys in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        let listing = reqwest::get(format!("{}/{}?list-type=2", self.endpoint(), self.bucket))
            .await
            .expect("the S3 server answers")
            .text()
            .await
            .expect("a listing");
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_owned)
            .collect()
    }

    /// Settings that keep uploads in this server's bucket, under `prefix`.
    pub fn uploads(&self, prefix: &str) -> UploadSettings {
        let options = [
            ("aws_endpoint", self.endpoint()),
            ("aws_allow_http", "true".to_owned()),
            ("aws_region", "eu-west-2".to_owned()),
            ("aws_access_key_id", "test".to_owned()),
            ("aws_secret_access_key", "test".to_owned()),
        ];
        UploadSettings {
            url: Some(format!("s3://{}/{prefix}", self.bucket)),
            options: options
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            ..Default::default()
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
