//! `qi`: the QI Commons server and its operations commands.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use qi_api::{
    db,
    settings::Settings,
    startup::{self, Application},
    telemetry,
};

#[derive(Parser)]
#[command(
    name = "qi",
    version,
    about = "QI Commons: quality improvement for a health and care partnership"
)]
struct Cli {
    /// Configuration file (TOML). Default: $QI_CONFIG, else ./qi.toml if present.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve {
        /// Seed the demo partnership if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Print the OpenAPI document as JSON.
    Openapi,
    /// Seed the demo partnership into an empty database.
    SeedDemo,
    /// Copy everything an API token may read from a QI Commons server into your own SQLite or
    /// PostgreSQL database, then keep it up to date from the changes feed (run it again, from
    /// cron, to catch up). Safe to interrupt: the next run carries on.
    Pull(PullArgs),
}

#[derive(clap::Args)]
struct PullArgs {
    /// The server's address, such as https://qi.example.org.
    #[arg(long)]
    from: String,
    /// A file holding the API token's secret (qi_...); it needs read_projects and read_measures.
    #[arg(long)]
    token_file: PathBuf,
    /// The copy's database: sqlite://copy.db?mode=rwc or postgres://user@host/db.
    #[arg(long)]
    into: String,
    /// Pull once and exit (the default; keeping on is left to cron or a timer).
    #[arg(long)]
    once: bool,
    /// Changes a page of the feed (1 to 1000): for tests.
    #[arg(long, hide = true, default_value_t = qi_shared::changes::MAX_LIMIT)]
    page_size: u64,
    /// Rows a transaction during the bulk load: for tests.
    #[arg(long, hide = true, default_value_t = 2000)]
    batch_rows: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    if let Command::Openapi = command {
        println!("{}", qi_api::routes::openapi().to_pretty_json()?);
        return Ok(());
    }
    // A partner's machine has no server configuration: only what its command line says.
    if let Command::Pull(args) = command {
        telemetry::init("warn", false);
        return pull(args).await;
    }
    let settings = Settings::load(cli.config).context("reading the configuration")?;
    telemetry::init(&settings.log, settings.log_json);
    match command {
        Command::Serve { demo } => {
            let settings = Settings {
                demo: settings.demo || demo,
                ..settings
            };
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await?;
        }
        Command::Migrate => {
            let db = db::connect(&settings.database_url(), 1).await?;
            db::migrate(&db).await?;
            tracing::info!("the database schema is up to date");
        }
        Command::SeedDemo => seed_demo(&settings).await?,
        Command::Openapi | Command::Pull(_) => {}
    }
    Ok(())
}

async fn seed_demo(settings: &Settings) -> anyhow::Result<()> {
    let db = db::connect(&settings.database_url(), 4).await?;
    db::migrate(&db).await?;
    startup::seed_demo(&db, &qi_api::storage::Storage::open(settings)?).await
}

async fn pull(args: PullArgs) -> anyhow::Result<()> {
    let secret = std::fs::read_to_string(&args.token_file)
        .with_context(|| format!("reading the token file {}", args.token_file.display()))?;
    let secret = secret.trim();
    anyhow::ensure!(
        secret.starts_with("qi_"),
        "{} does not hold an API token (qi_...)",
        args.token_file.display()
    );
    // `--once` is what a pull does; it is accepted so that scripts can say so.
    let _ = args.once;
    let mut options = qi_api::pull::PullOptions::new(
        args.from,
        secrecy::SecretString::from(secret.to_owned()),
        args.into,
    );
    anyhow::ensure!(
        (1..=qi_shared::changes::MAX_LIMIT).contains(&args.page_size),
        "--page-size is from 1 to {}",
        qi_shared::changes::MAX_LIMIT
    );
    options.page_size = args.page_size;
    options.batch_rows = args.batch_rows.max(1);
    let summary = qi_api::pull::run(&options).await?;
    eprintln!("{summary}");
    Ok(())
}
