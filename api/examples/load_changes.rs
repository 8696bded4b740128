//! The changes feed under load, as partners' systems would read it: used by
//! `scripts/bench-changes.sh`; not part of the server.
//!
//!   cargo run --release --example load_changes -- --base http://127.0.0.1:18091 --seconds 20
//!
//! Needs the demo partnership and the bench projects (`qi seed-demo`, then
//! `api/examples/bench_projects.rs`), whose rows the feed holds as changes. As the demo
//! partnership admin it makes one API token for each organisation (every other one reads
//! projects only, the rest projects and measures: different audiences and types), then:
//!
//! 1. **First read**: one token walks the whole feed from the start, 1,000 changes a page,
//!    keeping every page's `next` as a place to start later reads from. The server was started
//!    just before, so this is the least cached the feed gets (the database's own cache holds
//!    what loading the data left in it).
//! 2. **Load**: `--connections` readers back to back, each read a random token from a random
//!    one of those positions (`limit=1000`), while a writer changes project scores at
//!    `--writes` a second (an open loop: each write on time whatever the answers), whose changes
//!    join the feed as it is read. Each read is timed to its last byte; the report says how many
//!    changes the pages held.
//!
//! The feed keeps no cache of its own: every read goes to the database. 404 from the writer
//! (a project no longer there) is expected; any other non-2xx, or no answer in 10 s, is an error.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use clap::Parser;
use qi_shared::changes::{ChangePage, Position};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use reqwest::Client;
use serde_json::{Value, json};

#[path = "common/mod.rs"]
mod common;
use common::{Tally, get_json, header, load_average, sign_in};

#[derive(Parser, Debug, Clone)]
struct Args {
    /// The server, e.g. http://127.0.0.1:18091.
    #[arg(long)]
    base: String,
    /// Seconds the load runs.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Readers asking back to back.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// Score changes a second while they read.
    #[arg(long, default_value_t = 5.0)]
    writes: f64,
    /// Changes a page.
    #[arg(long, default_value_t = 1000)]
    limit: u64,
    /// The label of this run's rows.
    #[arg(long, default_value = "run")]
    label: String,
    #[arg(long, default_value = "admin@demo.qicommons.org")]
    admin_email: String,
    #[arg(long, default_value = "demo-admin-password")]
    admin_password: String,
}

struct World {
    client: Client,
    base: String,
    admin: String,
    tokens: Vec<String>,
    positions: Vec<Position>,
    projects: i64,
    limit: u64,
    changes_served: AtomicU64,
    bytes_served: AtomicU64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let client = Client::builder().timeout(Duration::from_secs(10)).build()?;
    let base = args.base.trim_end_matches('/').to_owned();
    let admin = sign_in(&client, &base, &args.admin_email, &args.admin_password).await?;
    let organisations = organisations(&client, &base, &admin).await?;
    let mut tokens = Vec::new();
    for (n, organisation) in organisations.iter().enumerate() {
        let scopes: &[&str] = if n % 2 == 0 {
            &["read_projects"]
        } else {
            &["read_projects", "read_measures"]
        };
        tokens.push(token(&client, &base, &admin, *organisation, scopes).await?);
    }
    let projects = get_json(
        &client,
        format!("{base}/api/v1/projects?per_page=1"),
        &admin,
    )
    .await
    .ok()
    .and_then(|page| page["total"].as_i64())
    .unwrap_or(100_000)
    .max(1);
    let busy_token = tokens.last().context("no organisations")?.clone();

    // 1. The first read, from the start to the end, in order.
    let mut positions = vec![Position::default()];
    let mut first = Tally::new(&[], 0.90);
    let mut changes = 0usize;
    let walk = Instant::now();
    loop {
        let since = *positions.last().unwrap_or(&Position::default());
        let started = Instant::now();
        let response = client
            .get(format!(
                "{base}/api/v1/changes?since={}&limit={}",
                since.encode(),
                args.limit
            ))
            .bearer_auth(&busy_token)
            .send()
            .await?;
        let status = response.status().as_u16();
        if status != 200 {
            bail!("the first read got {status}");
        }
        let page: ChangePage = response.json().await?;
        first.add(status, micros(started));
        changes += page.changes.len();
        positions.push(page.next);
        if !page.more {
            break;
        }
    }
    let walked = walk.elapsed().as_secs_f64();
    eprintln!(
        "{} tokens; the feed is {} pages of up to {} ({changes} changes for the token that walked it) in {walked:.1} s; {projects} projects",
        tokens.len(),
        positions.len() - 1,
        args.limit,
    );

    let world = Arc::new(World {
        client,
        base,
        admin,
        tokens,
        positions,
        projects,
        limit: args.limit,
        changes_served: AtomicU64::new(0),
        bytes_served: AtomicU64::new(0),
    });

    // 2. Readers at random positions while the writer writes.
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let readers: Vec<_> = (0..args.connections)
        .map(|n| {
            let (world, stop) = (world.clone(), stop.clone());
            tokio::spawn(reader(world, stop, n as u64))
        })
        .collect();
    let writer = tokio::spawn(writer(world.clone(), args.writes, stop.clone()));
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut reads = Tally::new(&[], 0.90);
    let mut n_reads = 0u64;
    for reader in readers {
        for (status, micros) in reader.await? {
            reads.add(status, micros);
            n_reads += 1;
        }
    }
    let mut writes = Tally::new(&[404], 0.90);
    for (status, micros) in writer.await? {
        writes.add(status, micros);
    }
    let seconds = start.elapsed().as_secs_f64();

    println!("{}", header("404", 0.90));
    println!(
        "{}",
        first.row(
            &args.label,
            &format!("first read, in order, limit={}", args.limit),
            walked
        )
    );
    println!(
        "{}",
        reads.row(
            &args.label,
            &format!(
                "feed page at a random cursor, limit={}, {} readers",
                args.limit, args.connections
            ),
            seconds
        )
    );
    println!(
        "{}",
        writes.row(
            &args.label,
            &format!("write: score ({}/s)", args.writes),
            seconds
        )
    );
    let served = world.changes_served.load(Ordering::Relaxed);
    let bytes = world.bytes_served.load(Ordering::Relaxed);
    println!(
        "\n{}: {:.0} changes a page on average, {:.0} KiB a page; load average {}",
        args.label,
        served as f64 / n_reads.max(1) as f64,
        bytes as f64 / n_reads.max(1) as f64 / 1024.0,
        load_average()
    );
    Ok(())
}

fn micros(started: Instant) -> u32 {
    u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX)
}

/// Every organisation's id.
async fn organisations(client: &Client, base: &str, admin: &str) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for page in 1.. {
        let body = get_json(
            client,
            format!("{base}/api/v1/organisations?per_page=100&page={page}"),
            admin,
        )
        .await?;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        ids.extend(items.iter().filter_map(|o| o["id"].as_i64()));
    }
    Ok(ids)
}

async fn token(
    client: &Client,
    base: &str,
    admin: &str,
    organisation: i64,
    scopes: &[&str],
) -> anyhow::Result<String> {
    let expires = chrono::Utc::now().date_naive() + chrono::Days::new(7);
    let response = client
        .post(format!("{base}/api/v1/api-tokens"))
        .bearer_auth(admin)
        .json(&json!({
            "name": format!("Load test warehouse {organisation}"),
            "organisation_id": organisation,
            "scopes": scopes,
            "expires_on": expires,
        }))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("making a token: {}", response.status());
    }
    let made: Value = response.json().await?;
    made["secret"]
        .as_str()
        .map(str::to_owned)
        .context("no secret")
}

async fn reader(world: Arc<World>, stop: Arc<AtomicBool>, seed: u64) -> Vec<(u16, u32)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut samples = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let (Some(token), Some(since)) = (
            world.tokens.choose(&mut rng),
            world.positions.choose(&mut rng),
        ) else {
            break;
        };
        let started = Instant::now();
        let sent = world
            .client
            .get(format!(
                "{}/api/v1/changes?since={}&limit={}",
                world.base,
                since.encode(),
                world.limit
            ))
            .bearer_auth(token)
            .send()
            .await;
        let status = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(body) => {
                        world
                            .bytes_served
                            .fetch_add(body.len() as u64, Ordering::Relaxed);
                        if let Ok(page) = serde_json::from_slice::<ChangePage>(&body) {
                            world
                                .changes_served
                                .fetch_add(page.changes.len() as u64, Ordering::Relaxed);
                        }
                        status
                    }
                    Err(_) => 0,
                }
            }
            Err(_) => 0,
        };
        samples.push((status, micros(started)));
    }
    samples
}

/// Score changes at `per_second`, each on time whatever the others do.
async fn writer(world: Arc<World>, per_second: f64, stop: Arc<AtomicBool>) -> Vec<(u16, u32)> {
    if per_second <= 0.0 {
        return Vec::new();
    }
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / per_second));
    let mut rng = StdRng::seed_from_u64(7);
    let mut tasks = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let due = ticks.tick().await.into_std();
        let id = rng.gen_range(1..=world.projects);
        let score = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0][rng.gen_range(0..9)];
        let world = world.clone();
        tasks.push(tokio::spawn(async move {
            let sent = world
                .client
                .post(format!("{}/api/v1/projects/{id}/scores", world.base))
                .bearer_auth(&world.admin)
                .json(&json!({"score": score, "reason": "Reviewed at the load test's huddle"}))
                .send()
                .await;
            let status = sent.map(|r| r.status().as_u16()).unwrap_or(0);
            (
                status,
                u32::try_from(due.elapsed().as_micros()).unwrap_or(u32::MAX),
            )
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        if let Ok(sample) = task.await {
            samples.push(sample);
        }
    }
    samples
}
