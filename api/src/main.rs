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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    if let Command::Openapi = command {
        println!("{}", qi_api::routes::openapi().to_pretty_json()?);
        return Ok(());
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
        Command::Openapi => {}
    }
    Ok(())
}

async fn seed_demo(settings: &Settings) -> anyhow::Result<()> {
    let db = db::connect(&settings.database_url(), 4).await?;
    db::migrate(&db).await?;
    startup::seed_demo(&db, &qi_api::storage::Storage::open(settings)?).await
}
