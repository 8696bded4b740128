//! Building and running the application: bind, connect, migrate, bootstrap, serve.

use std::net::TcpListener;

use actix_web::{App, HttpServer, dev::Server, middleware, web};
use anyhow::Context;
use chrono::Duration;
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{jwt::JwtKeys, password, signing_key, throttle::SignInThrottle},
    bootstrap,
    cache::PersonCache,
    db::{self, tokens::Lifetimes},
    extract, routes,
    settings::Settings,
    state::AppState,
    telemetry, web_app,
};

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
}

impl Application {
    /// Binds the listener (port 0 picks a free one), connects to and migrates the database,
    /// prepares first-run set-up, and builds the server without starting it.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        if let Some(secret) = &settings.jwt_secret {
            signing_key::check_length(secret)?;
        }
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let db = db::connect(&settings.database_url(), settings.db_max_connections).await?;
        db::migrate(&db).await?;
        let storage = crate::storage::Storage::open(&settings)?;
        if settings.demo {
            seed_demo(&db, &storage).await?;
        }

        let public_url = settings.public_url(port);
        let secret = signing_key::load(&settings, &db).await?;
        password::limit_concurrency(
            settings
                .auth
                .hashing_concurrency
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, Into::into)),
        );
        bootstrap::first_run(&db, &settings.bootstrap, &public_url).await?;
        let mail = crate::mail::Mail::new(&settings, &public_url)?;

        let state = web::Data::new(AppState {
            writes: db::WriteTurns::open(&settings.database_url(), &db).await?,
            db: db.clone(),
            keys: JwtKeys::new(
                secret.expose_secret().as_bytes(),
                Duration::minutes(settings.access_token_minutes.into()),
            ),
            refresh_lifetimes: Lifetimes {
                token: Duration::days(settings.refresh_token_days.into()),
                session: Duration::days(settings.auth.session_days.into()),
            },
            invitation_lifetime: Duration::days(settings.invitation_days.into()),
            public_url: public_url.clone(),
            people: PersonCache::new(std::time::Duration::from_secs(
                settings.auth.stamp_cache_seconds,
            )),
            sign_in: SignInThrottle::new(&settings.auth),
            catalogue: Default::default(),
            experts: Default::default(),
            project_lists: crate::cache::ListCache::new(std::time::Duration::from_secs(
                settings.list_cache_seconds,
            )),
            dashboard: crate::cache::FactsCache::new(std::time::Duration::from_secs(
                settings.dashboard_cache_seconds,
            )),
            mail,
            resets: crate::auth::throttle::ResetLimits::new(&settings.auth),
            token_limits: crate::auth::throttle::TokenLimits::new(&settings.auth),
            storage,
            webhooks: settings.webhooks.clone(),
        });
        crate::mail::worker::start(state.clone());
        crate::webhooks::worker::start(state.clone())?;
        crate::mail::schedule::start(state.clone());
        crate::retention::start(state.clone(), settings.changes.clone());
        // The register's index is read before the first list asks for it (a few seconds for
        // 100,000 projects), while the server already answers.
        state.project_lists.warm(&db);
        let openapi = routes::openapi();
        let web_dir = settings.web_dir.clone();
        if !web_dir.join("index.html").exists() {
            tracing::warn!(dir = %web_dir.display(), "the web app is not built: run `trunk build --release --config Trunkfile.toml`");
        }
        let max_body = settings.max_body_bytes;
        let https = public_url.starts_with("https://");

        let workers = settings.workers;
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .wrap(crate::middleware::security_headers(https))
                .wrap(middleware::from_fn(crate::middleware::page_policy))
                .wrap(middleware::from_fn(crate::middleware::note_changes))
                .wrap(middleware::from_fn(crate::middleware::audit))
                .wrap(middleware::from_fn(crate::middleware::rate_limit_headers))
                .wrap(middleware::from_fn(crate::middleware::request_id_header))
                .wrap(TracingLogger::<telemetry::TokensMasked>::new())
                .wrap(middleware::Compress::default())
                .app_data(state.clone())
                .app_data(extract::payload_config(max_body))
                .app_data(web::PathConfig::default().error_handler(extract::path_error))
                // Before the `/api` scope, which would otherwise answer these paths with a 404.
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi.clone()),
                )
                .into_utoipa_app()
                .configure(routes::configure)
                .split_for_parts();
            app.configure(|cfg| web_app::configure(cfg, &web_dir))
        })
        // actix-web stops accepting on SIGTERM/SIGINT and lets in-flight requests finish.
        .shutdown_timeout(30);
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        tracing::info!(%public_url, "QI Commons is listening");
        Ok(Self { port, server, db })
    }

    /// Stops the HTTP server (tests stopping a node).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Seeds the demo partnership into an empty database (and says how to sign in).
#[cfg(feature = "demo")]
pub async fn seed_demo(
    db: &DatabaseConnection,
    storage: &crate::storage::Storage,
) -> anyhow::Result<()> {
    if crate::demo::seed(db, storage).await? {
        tracing::info!(
            "seeded the demo partnership; sign in as {} / {}",
            crate::demo::ADMIN_EMAIL,
            crate::demo::ADMIN_PASSWORD
        );
    } else {
        tracing::info!("the database already has data; demo data not seeded");
    }
    Ok(())
}

#[cfg(not(feature = "demo"))]
pub async fn seed_demo(_: &DatabaseConnection, _: &crate::storage::Storage) -> anyhow::Result<()> {
    anyhow::bail!("this build of qi has no demo data (it was built without the `demo` feature)")
}
