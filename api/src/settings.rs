//! Run-time configuration: defaults, then an optional TOML file, then `QI_*` environment variables.
//!
//! Nothing here is fixed at compile time: the same binary serves a laptop demo (SQLite in `./data`)
//! and a deployment (PostgreSQL, several nodes), chosen by the database URL alone.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// host:port to listen on (`QI_BIND`). Port 0 picks a free port (tests).
    pub bind: String,
    /// `sqlite://...` or `postgres://...` (`QI_DATABASE_URL`). Default: an SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Where the default SQLite database lives (`QI_DATA_DIR`).
    pub data_dir: PathBuf,
    /// The key that signs access tokens (`QI_JWT_SECRET`, at least 32 bytes). If absent, the key
    /// file (`auth.key_file`) is used, made on first run.
    pub jwt_secret: Option<SecretString>,
    /// Minutes an access token lives.
    pub access_token_minutes: u32,
    /// Days a refresh token lives.
    pub refresh_token_days: u32,
    /// Days an invitation link stays valid.
    pub invitation_days: u32,
    /// The `tracing` filter (`QI_LOG`), for example `info` or `qi_api=debug,info`.
    pub log: String,
    /// Log as JSON lines (for log shippers) instead of text.
    pub log_json: bool,
    /// The built web app (trunk's `dist` folder).
    pub web_dir: PathBuf,
    /// The address people use to reach the platform, for links in invitations and the log.
    pub public_url: Option<String>,
    /// Largest JSON request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Database connection pool size.
    pub db_max_connections: u32,
    /// How long a node keeps a page of a project list it has read, while no project changes
    /// (`QI_LIST_CACHE_SECONDS`; 0: read every page from the database).
    pub list_cache_seconds: u64,
    /// How long a node may count the dashboard from the facts it read, while no write goes
    /// through it (`QI_DASHBOARD_CACHE_SECONDS`): other nodes' changes show within this bound.
    pub dashboard_cache_seconds: u64,
    /// HTTP worker threads (default: one per CPU core).
    pub workers: Option<usize>,
    /// Seed the demo partnership into an empty database on start (`qi serve --demo`).
    pub demo: bool,
    /// First run only: create this partnership admin instead of printing a set-up link.
    pub bootstrap: Bootstrap,
    /// Sign-in throttling, the signing key's file, session lifetimes (`QI_AUTH__*`).
    #[serde(default)]
    pub auth: AuthSettings,
    /// The SMTP server mail is sent through (`QI_SMTP_URL`): `smtp://user:pass@host:587` sends
    /// with STARTTLS when `?tls=required` is added, `smtps://host:465` over TLS, `smtp://host:25`
    /// in the clear (a relay on the same network). None: mail waits in the outbox, where admins
    /// read it in the app.
    pub smtp_url: Option<SecretString>,
    /// Who mail comes from (`QI_MAIL_FROM`), such as `QI Commons <qi@partnership.nhs.uk>`.
    pub mail_from: String,
    /// How the outbox is delivered (`QI_MAIL__*`).
    #[serde(default)]
    pub mail: MailSettings,
    /// Where submissions' files are kept, and how large they may be (`QI_UPLOADS__*`).
    #[serde(default)]
    pub uploads: UploadSettings,
    /// How long the changes feed keeps its changes (`QI_CHANGES__*`).
    #[serde(default)]
    pub changes: ChangesSettings,
    /// How webhooks are delivered (`QI_WEBHOOKS__*`).
    #[serde(default)]
    pub webhooks: WebhookSettings,
}

/// The changes feed's retention (`QI_CHANGES__RETENTION_DAYS`, ...). A cursor older than what
/// is kept answers 410: its reader loads everything again (`docs/integrations.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ChangesSettings {
    /// Changes older than this many days are removed.
    pub retention_days: u32,
    /// How often a node removes them, in seconds (every node does; it is the same work).
    pub prune_check_seconds: u64,
}

impl Default for ChangesSettings {
    fn default() -> Self {
        Self {
            retention_days: 90,
            prune_check_seconds: 3600,
        }
    }
}

/// How webhooks are fanned out and delivered (`QI_WEBHOOKS__POLL_MILLIS`, ...).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WebhookSettings {
    /// How often a node looks for changes to fan out and deliveries due, when the last look
    /// found nothing, in milliseconds.
    pub poll_millis: u64,
    /// How long a receiver has to answer one delivery, in seconds (connecting included).
    pub timeout_seconds: u64,
    /// The wait after a delivery's first failure, in seconds; doubled after each further one,
    /// up to `backoff_max_seconds`.
    pub backoff_base_seconds: u64,
    pub backoff_max_seconds: u64,
    /// A webhook whose deliveries have failed without a success for this long is turned off
    /// and its organisation's admins are told, in seconds (a day unless set).
    pub disable_after_seconds: u64,
    /// Changes a node fans out of the feed for one webhook at once, and deliveries it takes at
    /// once (at most one a webhook).
    pub batch: u64,
    /// After a webhook's secret is replaced, how long the previous one still signs beside it,
    /// in seconds (a day unless set): the receiver's time to take up the new one.
    pub secret_overlap_seconds: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            poll_millis: 1000,
            timeout_seconds: 10,
            backoff_base_seconds: 10,
            backoff_max_seconds: 3600,
            disable_after_seconds: 86_400,
            batch: 100,
            secret_overlap_seconds: 86_400,
        }
    }
}

/// Where uploaded files are kept (`QI_UPLOADS__URL`, `QI_UPLOADS__MAX_BYTES`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct UploadSettings {
    /// An S3-compatible bucket, `s3://bucket/optional/prefix`, with its endpoint, region and
    /// keys from the usual `AWS_*` variables (`AWS_ENDPOINT`, `AWS_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`). None: the folder
    /// `uploads` in `data_dir`, which suits one node; several nodes need a bucket (or that
    /// folder on storage they share).
    pub url: Option<String>,
    /// More settings of the bucket, by `object_store`'s names, over the `AWS_*` variables:
    /// `QI_UPLOADS__OPTIONS__AWS_ENDPOINT=https://s3.example.nhs.uk`, for example.
    pub options: std::collections::BTreeMap<String, String>,
    /// The largest file a submission takes, in bytes.
    pub max_bytes: u64,
}

impl Default for UploadSettings {
    fn default() -> Self {
        Self {
            url: None,
            options: Default::default(),
            max_bytes: qi_shared::event::submission::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// How the mail outbox is delivered (`QI_MAIL__POLL_MILLIS`, ...).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// How often a node looks for mail to send when nothing woke it, in milliseconds.
    pub poll_millis: u64,
    /// Messages a node takes to send at once.
    pub batch: u64,
    /// How long a node holds a message it is sending, in seconds: if it dies, another node (or
    /// the same one restarted) sends it after this.
    pub lease_seconds: u64,
    /// The wait after a message's first temporary refusal (4xx), in seconds; doubled after
    /// each further one, up to `retry_max_seconds`.
    pub retry_base_seconds: u64,
    pub retry_max_seconds: u64,
    /// Temporary refusals of one message before it is marked failed.
    pub max_attempts: i32,
    /// The longest wait between tries to reach an SMTP server that cannot be reached, in
    /// seconds (the wait starts at one second and doubles). Messages are not marked failed
    /// for an outage: they wait for the server.
    pub outage_max_seconds: u64,
    /// The UK hour from which the day's data-due reminders are written.
    pub reminder_hour: u32,
    /// The day the weekly digest is written (0 Monday to 6 Sunday).
    pub digest_weekday: u32,
    /// How often a node checks whether a reminder or digest is due, in seconds.
    pub schedule_check_seconds: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            poll_millis: 1000,
            batch: 20,
            lease_seconds: 60,
            retry_base_seconds: 30,
            retry_max_seconds: 3600,
            max_attempts: 8,
            outage_max_seconds: 60,
            reminder_hour: 7,
            digest_weekday: 0,
            schedule_check_seconds: 60,
        }
    }
}

/// How sign-in defends itself (`QI_AUTH__FAILURES_PER_ACCOUNT`, ...). See docs/security.md.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// The file holding the key that signs access tokens, made (mode 0600) on first run when
    /// `jwt_secret` is not set. Default: `jwt.key` in `data_dir`. Every node of a deployment
    /// needs the same key: give them the same file, or the same `QI_JWT_SECRET`.
    pub key_file: Option<PathBuf>,
    /// Start even though the key differs from the one the database was last used with (its
    /// fingerprint is kept there): set this once when changing the key on purpose.
    pub accept_new_key: bool,
    /// Failed sign-ins to one account, within the window, before it is locked for a while.
    pub failures_per_account: u32,
    /// Failed sign-ins from one client address, within the window, before it is locked.
    pub failures_per_address: u32,
    /// The window failures are counted in, and the first lock's length, in seconds. Each
    /// further lock in a row lasts twice as long as the one before (at most 16 times).
    pub throttle_window_seconds: u64,
    /// Take the client's address from the last `X-Forwarded-For` entry (set this only behind
    /// a proxy that appends it), instead of the connection's peer.
    pub trust_forwarded_for: bool,
    /// Passwords hashed or checked at once; more wait their turn. Default: one per CPU core.
    /// Each takes about 19 MiB of memory while it runs.
    pub hashing_concurrency: Option<usize>,
    /// Days a session lasts from sign-in, however often its refresh token is exchanged.
    pub session_days: u32,
    /// How long a node may trust what it last read of a person's access stamp and status,
    /// in seconds (0: read it on every request). A deactivation or change of roles through
    /// another node takes effect here within this bound; through this node, at once.
    pub stamp_cache_seconds: u64,
    /// Password-reset links asked for one address in an hour; more are refused (429).
    pub resets_per_account: u32,
    /// Password-reset links asked for from one client address in an hour.
    pub resets_per_address: u32,
    /// Requests one API token may make in a minute, on one node
    /// (`QI_AUTH__TOKEN_REQUESTS_PER_MINUTE`); more are answered 429 with `Retry-After`. Spent
    /// evenly: one request back every `60 / n` seconds. With several nodes each counts what
    /// reaches it, so N nodes allow N times this.
    pub token_requests_per_minute: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            key_file: None,
            accept_new_key: false,
            failures_per_account: 10,
            failures_per_address: 100,
            throttle_window_seconds: 15 * 60,
            trust_forwarded_for: false,
            hashing_concurrency: None,
            session_days: 30,
            stamp_cache_seconds: 2,
            resets_per_account: 5,
            resets_per_address: 30,
            token_requests_per_minute: 600,
        }
    }
}

/// The first partnership admin, created on first run when `admin_email` and `admin_password` are set
/// (`QI_BOOTSTRAP__ADMIN_EMAIL`, `QI_BOOTSTRAP__ADMIN_PASSWORD`, ...).
#[derive(Debug, Clone, Deserialize)]
pub struct Bootstrap {
    pub admin_email: Option<String>,
    pub admin_password: Option<SecretString>,
    pub admin_name: String,
    pub partnership_name: String,
    pub organisation_name: String,
    pub organisation_ods_code: String,
}

impl Settings {
    /// Reads the configuration file (if any) and the environment.
    ///
    /// The file is `file` if given, else `$QI_CONFIG`, else `qi.toml` when it exists.
    pub fn load(file: Option<PathBuf>) -> Result<Self, config::ConfigError> {
        let file = file.or_else(|| std::env::var_os("QI_CONFIG").map(PathBuf::from));
        let mut builder = config::Config::builder()
            .set_default("bind", "127.0.0.1:8080")?
            .set_default("data_dir", "data")?
            .set_default("access_token_minutes", 15)?
            .set_default("refresh_token_days", 30)?
            .set_default("invitation_days", 7)?
            .set_default("log", "info")?
            .set_default("log_json", false)?
            .set_default("web_dir", "web/dist")?
            .set_default("max_body_bytes", 256 * 1024)?
            .set_default("db_max_connections", 16)?
            .set_default("list_cache_seconds", 5)?
            .set_default("dashboard_cache_seconds", 30)?
            .set_default("demo", false)?
            .set_default("mail_from", "QI Commons <qi-commons@localhost>")?
            .set_default("bootstrap.admin_name", "Partnership admin")?
            .set_default("bootstrap.partnership_name", "Our partnership")?
            .set_default("bootstrap.organisation_name", "Partnership QI team")?
            .set_default("bootstrap.organisation_ods_code", "QQI")?;
        builder = match file {
            Some(path) => builder.add_source(config::File::from(path)),
            None => builder.add_source(config::File::with_name("qi.toml").required(false)),
        };
        builder
            .add_source(
                config::Environment::with_prefix("QI")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }

    /// The database URL in use: the configured one, or an SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("qi.db").display()
            ),
        }
    }

    /// The signing key's file: the configured one, or `jwt.key` in the data folder.
    pub fn key_file(&self) -> PathBuf {
        self.auth
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("jwt.key"))
    }

    /// The base of links the platform hands out.
    pub fn public_url(&self, bound_port: u16) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = self
                    .bind
                    .rsplit_once(':')
                    .map(|(h, _)| h)
                    .unwrap_or("127.0.0.1");
                let host = if host == "0.0.0.0" || host.is_empty() {
                    "127.0.0.1"
                } else {
                    host
                };
                format!("http://{host}:{bound_port}")
            }
        }
    }
}
