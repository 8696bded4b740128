//! Mail under load (issue 16): used by `scripts/bench-mail.sh`; not part of the server.
//!
//!   cargo run --release --example load_mail -- --mode deliver --base http://127.0.0.1:18096 \
//!       --count 1000 --smtp-file /tmp/mail/messages.jsonl
//!
//! Needs the demo partnership (`qi seed-demo`) and signs in its partnership admin. Three modes:
//!
//! - `deliver`: queues `--count` invitations (`POST /people`, each a new invited person of a
//!   demo organisation in turn, so each one message in the outbox), `--connections` at once,
//!   spread over the `--base` servers in turn, and watches the SMTP server's file
//!   (`tests/mail/smtpd.py` appends a JSON line a message) until every one has arrived. It
//!   reports how long queueing took, when the last message arrived, the messages a second from
//!   the first queued to the last received, the rate after queueing had finished (the backlog
//!   draining), and each message's time from its invitation's answer to its arrival.
//! - `outbox`: `--connections` readers ask back to back for `GET /admin/outbox` with random
//!   filters (a status in 60 %, an address search in 25 %, a page size of 10, 25, 50 or 100, a
//!   page: mostly the first, sometimes one of the last) and now and then the summary
//!   (`GET /admin/outbox/summary`, 10 %), while invitations are written at `--writes` a second
//!   (an open loop: a write's time counts from when it was due) and delivered.
//! - `resets`: `--count` password-reset requests (`POST /auth/password-reset`), half for
//!   addresses of active people (from `GET /people`) and half for addresses with no account on
//!   the same domains, in a random order, `--connections` at a time (1: one after another, the
//!   cleanest timing). The first 50 are a warm-up, not counted. It reports each group's
//!   median, p90 and mean, their differences, and how often a known address's request took
//!   longer than an unknown one's (0.5: the two cannot be told apart by their times).
//!
//! Times are from this tool's clock, so they include its own queueing on the same cores.
//! Every answer is counted by status: anything but the expected one (201 for invitations, 200
//! for reads, 202 for resets), or no answer within 10 s, is an error.

use std::{
    collections::HashMap,
    io::{Read, Seek, SeekFrom},
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use reqwest::Client;
use serde_json::{Value, json};

#[path = "common/mod.rs"]
mod common;
use common::{get_json, load_average, sign_in};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Mode {
    Deliver,
    Outbox,
    Resets,
}

#[derive(Parser, Debug, Clone)]
struct Args {
    #[arg(long, value_enum)]
    mode: Mode,
    /// The servers, e.g. http://127.0.0.1:18096 (comma-separated: requests go to each in turn).
    #[arg(long, value_delimiter = ',', required = true)]
    base: Vec<String>,
    /// Messages to queue (`deliver`) or reset requests to send (`resets`).
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Requests in flight at once (readers, for `outbox`).
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// The test SMTP server's messages.jsonl, to see what arrived.
    #[arg(long)]
    smtp_file: Option<PathBuf>,
    /// `outbox`: seconds measured, after `--warm-up`.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    #[arg(long, default_value_t = 3)]
    warm_up: u64,
    /// `outbox`: invitations written a second meanwhile.
    #[arg(long, default_value_t = 5.0)]
    writes: f64,
    /// `deliver`: give up waiting for the messages after this many seconds.
    #[arg(long, default_value_t = 900)]
    patience: u64,
    /// A label for the report's rows.
    #[arg(long, default_value = "")]
    label: String,
    #[arg(long, default_value = "admin@demo.qicommons.org")]
    admin_email: String,
    /// `ADMIN_PASSWORD` in api/src/demo/mod.rs.
    #[arg(long, default_value = "demo-admin-password")]
    admin_password: String,
}

/// The `q`-th quantile of sorted times (µs), in ms.
fn quantile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index] as f64 / 1000.0
}

fn mean(times: &[u64]) -> f64 {
    times.iter().sum::<u64>() as f64 / times.len().max(1) as f64 / 1000.0
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Every item of a paged list, 100 a page.
async fn all_items(
    client: &Client,
    base: &str,
    path: &str,
    token: &str,
) -> anyhow::Result<Vec<Value>> {
    let mut items = Vec::new();
    for page in 1..=500 {
        let body = get_json(
            client,
            format!("{base}/api/v1/{path}?per_page=100&page={page}"),
            token,
        )
        .await?;
        let got = body["items"].as_array().cloned().unwrap_or_default();
        let done = got.len() < 100;
        items.extend(got);
        if done {
            break;
        }
    }
    Ok(items)
}

/// What arrived at the SMTP server: each recipient with when this tool first saw it (the file
/// is read every 20 ms, so arrivals are late by up to that).
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<HashMap<String, Instant>>>);

impl Arrivals {
    /// Follows `path` until `stop`, reading complete lines only (a message may be half written).
    fn watch(&self, path: PathBuf, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
        let seen = self.0.clone();
        tokio::spawn(async move {
            let mut offset = 0u64;
            let mut pending = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                if let Ok(mut file) = std::fs::File::open(&path)
                    && file.seek(SeekFrom::Start(offset)).is_ok()
                {
                    let mut fresh = Vec::new();
                    if let Ok(n) = file.read_to_end(&mut fresh) {
                        offset += n as u64;
                        pending.extend_from_slice(&fresh);
                    }
                    if let Some(end) = pending.iter().rposition(|b| *b == b'\n') {
                        let now = Instant::now();
                        let lines: Vec<u8> = pending.drain(..=end).collect();
                        let mut seen = seen
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        for line in lines.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                            if let Ok(message) = serde_json::from_slice::<Value>(line) {
                                for to in message["to"].as_array().into_iter().flatten() {
                                    if let Some(to) = to.as_str() {
                                        seen.entry(to.to_lowercase()).or_insert(now);
                                    }
                                }
                            }
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    }

    fn get(&self, address: &str) -> Option<Instant> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(address)
            .copied()
    }
}

struct Admin {
    client: Client,
    bases: Vec<String>,
    token: String,
    organisations: Vec<i64>,
    /// Tells this run's addresses from earlier runs' on the same database.
    tag: String,
    next: AtomicUsize,
}

impl Admin {
    async fn new(args: &Args) -> anyhow::Result<Self> {
        let client = Client::builder()
            .timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(args.connections + 64)
            .build()?;
        let bases: Vec<String> = args
            .base
            .iter()
            .map(|b| b.trim_end_matches('/').to_owned())
            .collect();
        let token = sign_in(&client, &bases[0], &args.admin_email, &args.admin_password).await?;
        let organisations: Vec<i64> = all_items(&client, &bases[0], "organisations", &token)
            .await?
            .iter()
            .filter_map(|o| o["id"].as_i64())
            .collect();
        if organisations.is_empty() {
            bail!("no organisations: load the demo partnership first (qi seed-demo)");
        }
        let tag = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() % 0xff_ffff_ffff)
                .unwrap_or(0)
        );
        Ok(Self {
            client,
            bases,
            token,
            organisations,
            tag,
            next: AtomicUsize::new(0),
        })
    }

    /// The next server, in turn.
    fn base(&self, i: usize) -> &str {
        &self.bases[i % self.bases.len()]
    }

    /// Invites a new person (one message in the outbox): their address, the status and when
    /// the answer came.
    async fn invite(&self) -> (String, u16, Instant) {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        let email = format!("bench.{}.{i}@mail-bench.example.org", self.tag);
        let organisation = self.organisations[i % self.organisations.len()];
        let status = match self
            .client
            .post(format!("{}/api/v1/people", self.base(i)))
            .bearer_auth(&self.token)
            .json(&json!({
                "name": format!("Bench Invitee {i}"),
                "email": email,
                "organisation_id": organisation,
                "job_role": "Staff nurse",
                "roles": [],
            }))
            .send()
            .await
        {
            Ok(response) => {
                let status = response.status().as_u16();
                if response.bytes().await.is_ok() {
                    status
                } else {
                    0
                }
            }
            Err(_) => 0,
        };
        (email, status, Instant::now())
    }
}

async fn deliver(args: &Args) -> anyhow::Result<()> {
    let admin = Arc::new(Admin::new(args).await?);
    let arrivals = Arrivals::default();
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = arrivals.watch(
        args.smtp_file.clone().context("--smtp-file is needed")?,
        stop.clone(),
    );
    // Start from an empty outbox (the demo's waiting mail, earlier runs' mail), twice in a row.
    let mut empty = 0;
    let deadline = Instant::now() + Duration::from_secs(args.patience);
    while empty < 2 && Instant::now() < deadline {
        let summary = get_json(
            &admin.client,
            format!("{}/api/v1/admin/outbox/summary", admin.bases[0]),
            &admin.token,
        )
        .await?;
        let waiting =
            summary["queued"].as_u64().unwrap_or(0) + summary["sending"].as_u64().unwrap_or(0);
        empty = if waiting == 0 { empty + 1 } else { 0 };
        if empty < 2 {
            eprintln!("waiting for {waiting} messages already in the outbox to go");
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    let load_before = load_average();
    let start = Instant::now();
    let left = Arc::new(AtomicUsize::new(args.count));
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let (admin, left) = (admin.clone(), left.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            while left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                done.push(admin.invite().await);
            }
            done
        }));
    }
    let mut queued = Vec::new();
    for task in tasks {
        queued.extend(task.await?);
    }
    let queued_at = Instant::now();
    let errors = queued.iter().filter(|q| q.1 != 201).count();
    queued.retain(|q| q.1 == 201);
    let received_by_then = queued
        .iter()
        .filter(|q| arrivals.get(&q.0).is_some())
        .count();
    let first = queued.iter().map(|q| q.2).min().unwrap_or(start);
    let deadline = Instant::now() + Duration::from_secs(args.patience);
    while queued.iter().any(|q| arrivals.get(&q.0).is_none()) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    watcher.await?;
    let load_after = load_average();
    let arrived: Vec<(Instant, Instant)> = queued
        .iter()
        .filter_map(|q| arrivals.get(&q.0).map(|at| (q.2, at)))
        .collect();
    let last = arrived.iter().map(|a| a.1).max().unwrap_or(queued_at);
    let mut latencies: Vec<u64> = arrived
        .iter()
        .map(|(answered, at)| micros(at.saturating_duration_since(*answered)))
        .collect();
    latencies.sort_unstable();
    let span = last.duration_since(first).as_secs_f64();
    let queueing = queued_at.duration_since(start).as_secs_f64();
    let drain = last.saturating_duration_since(queued_at).as_secs_f64();
    println!(
        "| run (load before → after) | queued | queueing s (per s) | received | first queued → last received, s | delivered per s | per s after queueing | queued → received p50 / p95 / max, s | errors |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {} (load {load_before} → {load_after}) | {} | {:.1} ({:.0}) | {} | {:.1} | **{:.1}** | {:.1} | {:.2} / {:.2} / {:.2} | {} |",
        args.label,
        queued.len(),
        queueing,
        queued.len() as f64 / queueing,
        arrived.len(),
        span,
        arrived.len() as f64 / span,
        if drain > 0.0 {
            (arrived.len() - received_by_then) as f64 / drain
        } else {
            0.0
        },
        quantile(&latencies, 0.5) / 1000.0,
        quantile(&latencies, 0.95) / 1000.0,
        quantile(&latencies, 1.0) / 1000.0,
        errors + (queued.len() - arrived.len()),
    );
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
enum Ask {
    All,
    Status,
    Search,
    LastPages,
    Summary,
    Invite,
}

impl Ask {
    fn name(self) -> &'static str {
        match self {
            Ask::All => "`GET /admin/outbox`, no filter",
            Ask::Status => "`GET /admin/outbox?status=`",
            Ask::Search => "`GET /admin/outbox?to=` (and a status in half)",
            Ask::LastPages => "`GET /admin/outbox`, one of the last pages",
            Ask::Summary => "`GET /admin/outbox/summary`",
            Ask::Invite => "write: `POST /people` (an invitation, one message)",
        }
    }
}

/// A random outbox request: its kind and query.
fn outbox_request(
    rng: &mut StdRng,
    totals: &HashMap<&'static str, u64>,
    searches: &[String],
) -> (Ask, String) {
    if rng.gen_bool(0.1) {
        return (Ask::Summary, "admin/outbox/summary".to_owned());
    }
    let per_page = *[10u64, 25, 25, 50, 100].choose(rng).unwrap_or(&25);
    let mut query = vec![format!("per_page={per_page}")];
    let roll = rng.gen_range(0..100);
    let status = if roll < 60 || (roll >= 75 && rng.gen_bool(0.5)) {
        // Mostly the ones an admin looks at: failed, queued; sent is the largest.
        Some(
            *["sent", "failed", "failed", "queued", "queued", "sending"]
                .choose(rng)
                .unwrap_or(&"failed"),
        )
    } else {
        None
    };
    if let Some(status) = status {
        query.push(format!("status={status}"));
    }
    let total = status.map_or(totals["all"], |s| totals.get(s).copied().unwrap_or(0));
    let pages = total.div_ceil(per_page).max(1);
    let mut kind = if status.is_some() {
        Ask::Status
    } else {
        Ask::All
    };
    if roll >= 75 {
        kind = Ask::Search;
        query.push(format!(
            "to={}",
            searches.choose(rng).map_or("nhs", String::as_str)
        ));
        query.push("page=1".to_owned());
    } else if rng.gen_bool(0.1) && pages > 3 {
        kind = Ask::LastPages;
        query.push(format!(
            "page={}",
            rng.gen_range(pages.saturating_sub(3).max(1)..=pages)
        ));
    } else {
        let page = match rng.gen_range(0..10) {
            0..=6 => 1,
            7 | 8 => 2,
            _ => rng.gen_range(3..=10),
        };
        query.push(format!("page={}", page.min(pages)));
    }
    (kind, format!("admin/outbox?{}", query.join("&")))
}

async fn outbox(args: &Args) -> anyhow::Result<()> {
    let admin = Arc::new(Admin::new(args).await?);
    let base = admin.bases[0].clone();
    let summary = get_json(
        &admin.client,
        format!("{base}/api/v1/admin/outbox/summary"),
        &admin.token,
    )
    .await?;
    let mut totals: HashMap<&'static str, u64> = HashMap::new();
    for status in ["queued", "sending", "sent", "failed"] {
        totals.insert(status, summary[status].as_u64().unwrap_or(0));
    }
    totals.insert("all", totals.values().sum());
    // Searches as an admin types them: a whole address, a name's start, a domain, a number.
    let page = get_json(
        &admin.client,
        format!("{base}/api/v1/admin/outbox?per_page=100"),
        &admin.token,
    )
    .await?;
    let mut searches: Vec<String> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["to_address"].as_str())
        .flat_map(|a| {
            let local = a.split('@').next().unwrap_or(a);
            [
                a.to_owned(),
                local.chars().take(5).collect(),
                a.rsplit('@').next().unwrap_or(a).to_owned(),
            ]
        })
        .collect();
    searches.extend(["nhs", "demo", "zzz-nobody", "seed4", "seed12", "bench"].map(str::to_owned));
    searches.sort();
    searches.dedup();
    eprintln!(
        "outbox: {} messages (queued {}, sending {}, sent {}, failed {}); {} searches",
        totals["all"],
        totals["queued"],
        totals["sending"],
        totals["sent"],
        totals["failed"],
        searches.len()
    );
    let arrivals = Arrivals::default();
    let stop_watch = Arc::new(AtomicBool::new(false));
    let watcher = args
        .smtp_file
        .clone()
        .map(|path| arrivals.watch(path, stop_watch.clone()));

    let totals = Arc::new(totals);
    let searches = Arc::new(searches);
    let samples: Arc<Mutex<Vec<(Ask, u16, u64)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let measured_from = start + Duration::from_secs(args.warm_up);
    let end = measured_from + Duration::from_secs(args.seconds);
    let load_before = load_average();
    let mut readers = Vec::new();
    for r in 0..args.connections {
        let (admin, totals, searches, samples, stop) = (
            admin.clone(),
            totals.clone(),
            searches.clone(),
            samples.clone(),
            stop.clone(),
        );
        readers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(r as u64 + 1);
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let (kind, path) = outbox_request(&mut rng, &totals, &searches);
                let base = admin.base(r);
                let t = Instant::now();
                let status = match admin
                    .client
                    .get(format!("{base}/api/v1/{path}"))
                    .bearer_auth(&admin.token)
                    .send()
                    .await
                {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        if response.bytes().await.is_ok() {
                            status
                        } else {
                            0
                        }
                    }
                    Err(_) => 0,
                };
                if t >= measured_from && Instant::now() <= end {
                    mine.push((kind, status, micros(t.elapsed())));
                }
            }
            samples
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(mine);
        }));
    }
    // Invitations on time, whatever the answers.
    let mut writes = Vec::new();
    if args.writes > 0.0 {
        let every = Duration::from_secs_f64(1.0 / args.writes);
        let mut due = start;
        while due < end {
            tokio::time::sleep_until(due.into()).await;
            let admin = admin.clone();
            let at = due;
            writes.push(tokio::spawn(async move {
                let (email, status, answered) = admin.invite().await;
                (at, email, status, answered)
            }));
            due += every;
        }
    }
    tokio::time::sleep_until(end.into()).await;
    stop.store(true, Ordering::Relaxed);
    let load_after = load_average();
    for reader in readers {
        reader.await?;
    }
    let mut invited = Vec::new();
    for write in writes {
        invited.push(write.await?);
    }
    let mut samples = std::mem::take(
        &mut *samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    for (due, _, status, answered) in &invited {
        if *due >= measured_from {
            samples.push((Ask::Invite, *status, micros(answered.duration_since(*due))));
        }
    }
    // Let the last invitations' mail arrive (up to 30 s more) for their delivery times.
    let mut latencies = Vec::new();
    if let Some(watcher) = watcher {
        let deadline = Instant::now() + Duration::from_secs(30);
        let wanted: Vec<&(Instant, String, u16, Instant)> =
            invited.iter().filter(|w| w.2 == 201).collect();
        while wanted.iter().any(|w| arrivals.get(&w.1).is_none()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop_watch.store(true, Ordering::Relaxed);
        watcher.await?;
        latencies = wanted
            .iter()
            .filter_map(|w| {
                arrivals
                    .get(&w.1)
                    .map(|at| micros(at.saturating_duration_since(w.3)))
            })
            .collect();
        latencies.sort_unstable();
        eprintln!(
            "{} of {} invitations' messages arrived",
            latencies.len(),
            wanted.len()
        );
    }

    let seconds = args.seconds as f64;
    let mut by_kind: HashMap<Ask, (Vec<u64>, usize)> = HashMap::new();
    let mut reads = (Vec::new(), 0usize);
    for (kind, status, time) in &samples {
        let ok = if *kind == Ask::Invite {
            *status == 201
        } else {
            *status == 200
        };
        let entry = by_kind.entry(*kind).or_default();
        entry.0.push(*time);
        entry.1 += usize::from(!ok);
        if *kind != Ask::Invite {
            reads.0.push(*time);
            reads.1 += usize::from(!ok);
        }
    }
    let label = format!("{} (load {load_before} → {load_after})", args.label);
    println!("| run | requests | n | per s | p50 ms | p95 ms | p99 ms | max ms | errors |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let row = |what: &str, (times, errors): &mut (Vec<u64>, usize)| {
        times.sort_unstable();
        println!(
            "| {label} | {what} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {errors} |",
            times.len(),
            times.len() as f64 / seconds,
            quantile(times, 0.5),
            quantile(times, 0.95),
            quantile(times, 0.99),
            quantile(times, 1.0),
        );
    };
    row("**all outbox reads**", &mut reads);
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by_key(|k| k.0);
    for (kind, mut tally) in kinds {
        row(kind.name(), &mut tally);
    }
    if !latencies.is_empty() {
        println!(
            "| {label} | invitation answered → its message received (s) | {} | | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            latencies.len(),
            quantile(&latencies, 0.5) / 1000.0,
            quantile(&latencies, 0.95) / 1000.0,
            quantile(&latencies, 0.99) / 1000.0,
            quantile(&latencies, 1.0) / 1000.0,
            invited.iter().filter(|w| w.2 == 201).count() - latencies.len(),
        );
    }
    Ok(())
}

async fn resets(args: &Args) -> anyhow::Result<()> {
    let admin = Admin::new(args).await?;
    let people = all_items(&admin.client, &admin.bases[0], "people", &admin.token).await?;
    let known: Vec<String> = people
        .iter()
        .filter(|p| p["status"] == "active")
        .filter_map(|p| p["email"].as_str().map(str::to_owned))
        .collect();
    if known.is_empty() {
        bail!("nobody active: load the demo partnership first (qi seed-demo)");
    }
    let domains: Vec<String> = known
        .iter()
        .filter_map(|e| e.rsplit('@').next().map(str::to_owned))
        .collect();
    const WARM_UP: usize = 50;
    let mut rng = StdRng::seed_from_u64(16);
    let mut order: Vec<(bool, String)> = (0..args.count + WARM_UP)
        .map(|i| {
            if i % 2 == 0 {
                (true, known.choose(&mut rng).cloned().unwrap_or_default())
            } else {
                let local = known
                    .choose(&mut rng)
                    .and_then(|e| e.split('@').next())
                    .unwrap_or("someone");
                (
                    false,
                    format!(
                        "{local}.{}x{i}@{}",
                        admin.tag,
                        domains
                            .choose(&mut rng)
                            .map_or("example.org", String::as_str)
                    ),
                )
            }
        })
        .collect();
    order.shuffle(&mut rng);
    eprintln!(
        "resets: {} active people's addresses, {} requests after {WARM_UP} not counted",
        known.len(),
        args.count
    );
    let order = Arc::new(order);
    let next = Arc::new(AtomicUsize::new(0));
    let admin = Arc::new(admin);
    let load_before = load_average();
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let (order, next, admin) = (order.clone(), next.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((has_account, email)) = order.get(i) else {
                    break;
                };
                let t = Instant::now();
                let status = match admin
                    .client
                    .post(format!("{}/api/v1/auth/password-reset", admin.base(i)))
                    .json(&json!({ "email": email }))
                    .send()
                    .await
                {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        if response.bytes().await.is_ok() {
                            status
                        } else {
                            0
                        }
                    }
                    Err(_) => 0,
                };
                if i >= WARM_UP {
                    mine.push((*has_account, status, micros(t.elapsed())));
                }
            }
            mine
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await?);
    }
    let load_after = load_average();
    let mut groups = [(Vec::new(), 0usize), (Vec::new(), 0usize)];
    for (has_account, status, time) in &samples {
        let group = &mut groups[usize::from(*has_account)];
        group.0.push(*time);
        group.1 += usize::from(*status != 202);
    }
    for group in &mut groups {
        group.0.sort_unstable();
    }
    let [(unknown, unknown_errors), (known_times, known_errors)] = &groups;
    // How often a known address's request took longer than an unknown one's (ties count half).
    let mut above = 0.0f64;
    for k in known_times {
        let less = unknown.partition_point(|u| u < k);
        let equal = unknown.partition_point(|u| u <= k) - less;
        above += less as f64 + equal as f64 / 2.0;
    }
    let share = above / (known_times.len() * unknown.len()).max(1) as f64;
    let label = format!("{} (load {load_before} → {load_after})", args.label);
    println!("| run | addresses | n | p50 ms | p90 ms | p99 ms | mean ms | not 202 |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (what, times, errors) in [
        ("with an account", known_times, known_errors),
        ("with none", unknown, unknown_errors),
    ] {
        println!(
            "| {label} | {what} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {errors} |",
            times.len(),
            quantile(times, 0.5),
            quantile(times, 0.9),
            quantile(times, 0.99),
            mean(times),
        );
    }
    println!(
        "| {label} | **difference** (with − without) | | {:+.2} | {:+.2} | {:+.2} | {:+.2} | P(with > without) = {share:.3} |",
        quantile(known_times, 0.5) - quantile(unknown, 0.5),
        quantile(known_times, 0.9) - quantile(unknown, 0.9),
        quantile(known_times, 0.99) - quantile(unknown, 0.99),
        mean(known_times) - mean(unknown),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match args.mode {
        Mode::Deliver => deliver(&args).await,
        Mode::Outbox => outbox(&args).await,
        Mode::Resets => resets(&args).await,
    }
}
