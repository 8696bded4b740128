//! A mixed load on a running server, as its people would make it: used by
//! `scripts/bench-mix.sh` (and its soak mode); not part of the server.
//!
//!   cargo run --release --example load_mix -- --base http://127.0.0.1:18090 --seconds 20 --writes 0,2,20
//!
//! Needs the demo partnership and the bench projects (`qi seed-demo`, then
//! `api/examples/bench_projects.rs`). It signs in the demo partnership admin, then one person from
//! each organisation (and the named demo logins) up to `--people`, each with its own token. Then,
//! for each write rate in turn:
//!
//! - `--connections` readers, each bound to one person, send requests back to back (a closed
//!   loop, as wrk does: the most the server can serve), each picked at random: a page of the
//!   register (random words, status, theme, organisation, page and sort), a project page (a
//!   random id: some are not visible to that person, some do not exist), `GET /me`, or a page or
//!   project of the public library; or, with `--read-rate`, the same reads started at a fixed
//!   rate as random people (an open loop: the latency people see at that traffic);
//! - a writer starts writes at a fixed rate whatever the answers (an open loop: a write's time is
//!   counted from when it was due, so a stalled server shows as slow writes, not as fewer):
//!   a score change, an edit of a project (read, then `PUT` with `If-Match`; one edit in twenty
//!   sends a version already gone, on purpose, and must get 412) and a data point on a measure;
//! - `/api/health` is asked 20 times a second, also in an open loop, beside the others: how long
//!   the server takes to answer anything at all.
//!
//! With `--spread`, readers ask the spread and discovery reads instead (`spread_read`): a
//! project's spread as of a day, pages of adoptions, the spread network and the dashboard's
//! breakdown by type or quality dimension, each with random ids, days, themes and filters.
//!
//! Before the first rate, readers ask only `/api/health` for a few seconds: what the server
//! serves when the work is nothing.
//!
//! Every answer is counted by kind and status. 404 (a project not visible, or not there), 409 (a
//! point's date already taken) and 412 (the stale edits) are expected; any other non-2xx, and any
//! request that got no answer within 10 s, is an error. The report is a Markdown table a phase
//! (and, with `--window`, a row every `--window` seconds, for a soak).

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::bail;
use chrono::NaiveDate;
use clap::Parser;
use qi_shared::project::Project;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

#[path = "common/mod.rs"]
mod common;
use common::{Tally, get_json, header, load_average, sign_in};

#[derive(Parser, Debug, Clone)]
struct Args {
    /// The server, e.g. http://127.0.0.1:18090.
    #[arg(long)]
    base: String,
    /// Seconds each write rate runs (after `--warm-up`).
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Seconds of the same load before each measured phase, not counted.
    #[arg(long, default_value_t = 3)]
    warm_up: u64,
    /// Readers sending requests back to back.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Instead of `--connections` readers back to back, start this many reads a second, each
    /// as a random one of the people, on time whatever the answers (an open loop, like the
    /// writes): the latency people see at a given traffic, not the most the server can serve.
    #[arg(long)]
    read_rate: Option<f64>,
    /// Write rates to measure in turn, per second.
    #[arg(long, value_delimiter = ',', default_value = "0,2,20")]
    writes: Vec<f64>,
    /// People signed in (one an organisation first).
    #[arg(long, default_value_t = 40)]
    people: usize,
    /// Seconds of the health-only phase (0: none).
    #[arg(long, default_value_t = 5)]
    health_seconds: u64,
    /// Also report every this many seconds of a phase (a soak).
    #[arg(long)]
    window: Option<u64>,
    /// The server's process id, to report its memory (resident set) through the run.
    #[arg(long)]
    server_pid: Option<u32>,
    #[arg(long, default_value = "admin@demo.qicommons.org")]
    admin_email: String,
    #[arg(long, default_value = "demo-admin-password")]
    admin_password: String,
    /// The password of every other demo person.
    #[arg(long, default_value = "demo-password")]
    password: String,
    /// A label for the report's rows (the store, the cache).
    #[arg(long, default_value = "")]
    label: String,
    /// The spread and discovery reads instead of the register's: a project's spread as of a
    /// day, a page of adoptions, the spread network (a theme and period, or one project's path)
    /// and the dashboard's project figures by type or quality dimension.
    #[arg(long)]
    spread: bool,
}

/// What a request was, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    List,
    Project,
    Me,
    Library,
    SpreadView,
    Adoptions,
    Network,
    Breakdown,
    Health,
    Score,
    Edit,
    Point,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::List => "list page",
            Kind::Project => "project page",
            Kind::Me => "`/me`",
            Kind::Library => "library",
            Kind::SpreadView => "a project's spread (`as_of`)",
            Kind::Adoptions => "adoptions page",
            Kind::Network => "spread network",
            Kind::Breakdown => "dashboard breakdown",
            Kind::Health => "`/api/health`",
            Kind::Score => "write: score",
            Kind::Edit => "write: edit (If-Match)",
            Kind::Point => "write: data point",
        }
    }

    fn is_read(self) -> bool {
        matches!(
            self,
            Kind::List
                | Kind::Project
                | Kind::Me
                | Kind::Library
                | Kind::SpreadView
                | Kind::Adoptions
                | Kind::Network
                | Kind::Breakdown
        )
    }
}

/// One answer: its kind, status (0: none within the time-out) and time, and when it finished
/// (from the start of the phase).
#[derive(Clone, Copy)]
struct Sample {
    kind: Kind,
    status: u16,
    micros: u32,
    at: Duration,
}

/// What every request needs to know about the data.
struct World {
    base: String,
    client: Client,
    admin: String,
    /// (token, organisation id) of each person signed in.
    people: Vec<(String, i64)>,
    organisations: Vec<i64>,
    /// About how many projects there are (their ids run from 1).
    projects: i64,
    /// Whether readers ask the spread and discovery reads (`--spread`).
    spread: bool,
    /// Measures the admin may add points to.
    measures: Vec<i64>,
    /// The next data point's date, as days after 1900-01-01 (the same measure never gets a date
    /// twice in a run).
    next_day: AtomicI64,
}

const WORDS: &[&str] = &[
    "falls",
    "fall",
    "sepsis",
    "discharge",
    "flow",
    "pressure",
    "ulcers",
    "medication",
    "safety",
    "deterioration",
    "mental",
    "diabetes",
    "frailty",
    "infection",
    "maternity",
    "access",
    "prescribing",
    "staff",
    "wellbeing",
    "outpatients",
    "emergency",
    "nutrition",
    "dementia",
    "stroke",
    "children",
    "care",
    "homes",
    "cancer",
    "respiratory",
    "theatres",
    "digital",
    "equity",
    "reducing",
    "halving",
    "wards",
    "surgical",
    "community",
    "noon",
    "insulin",
    "delirium",
    "waits",
    "red",
    "ca",
    "zebra",
];
const THEMES: &[&str] = &[
    "falls",
    "sepsis",
    "flow",
    "discharge",
    "pressure ulcers",
    "medication safety",
    "deterioration",
    "mental health",
    "diabetes",
    "frailty",
    "primary care access",
    "staff wellbeing",
    "emergency care",
    "care homes",
    "cancer",
    "equity",
];
const STATUSES: &[&str] = &["proposed", "active", "completed", "abandoned"];
const SORTS: &[&str] = &["updated", "title", "score"];

/// A query of the register, as people use its filters: usually one or two filters, usually the
/// first page.
fn list_query(rng: &mut StdRng, world: &World) -> String {
    let mut query = Vec::new();
    if rng.gen_bool(0.35) {
        let words = if rng.gen_bool(0.2) { 2 } else { 1 };
        let q: Vec<&str> = (0..words)
            .map(|_| *WORDS.choose(rng).unwrap_or(&"falls"))
            .collect();
        query.push(format!("q={}", q.join("+")));
    }
    if rng.gen_bool(0.3) {
        query.push(format!(
            "status={}",
            STATUSES.choose(rng).unwrap_or(&"active")
        ));
    }
    if rng.gen_bool(0.3) {
        let theme = THEMES.choose(rng).unwrap_or(&"falls");
        query.push(format!("theme={}", theme.replace(' ', "+")));
    }
    if rng.gen_bool(0.15)
        && let Some(org) = world.organisations.choose(rng)
    {
        query.push(format!("organisation_id={org}"));
    }
    if rng.gen_bool(0.3) {
        query.push(format!("sort={}", SORTS.choose(rng).unwrap_or(&"updated")));
    }
    let page = match rng.gen_range(0..10) {
        0..=5 => 1,
        6 | 7 => 2,
        _ => rng.gen_range(3..=10),
    };
    if page > 1 {
        query.push(format!("page={page}"));
    }
    query.push(format!(
        "per_page={}",
        if rng.gen_bool(0.8) { 25 } else { 50 }
    ));
    query.join("&")
}

/// A day of the last three years, as `YYYY-MM-DD`.
fn recent_day(rng: &mut StdRng) -> String {
    let today = chrono::Utc::now().date_naive();
    (today - chrono::Days::new(rng.gen_range(0..3 * 365))).to_string()
}

/// A random spread and discovery read: a project's spread as of a day (a quarter of them today),
/// a page of adoptions (of a project, an organisation or a stage, or all), the network (by theme
/// and period, or one project's path) or the dashboard's breakdown (by type or dimension, of the
/// partnership or one organisation, as of a day).
fn spread_read(rng: &mut StdRng, world: &World) -> (Kind, String, bool) {
    let base = &world.base;
    let organisation = || world.organisations.choose(&mut rand::thread_rng()).copied();
    match rng.gen_range(0..4) {
        0 => {
            let as_of = if rng.gen_bool(0.25) {
                String::new()
            } else {
                format!("?as_of={}", recent_day(rng))
            };
            (
                Kind::SpreadView,
                format!(
                    "{base}/api/v1/projects/{}/spread{as_of}",
                    project_id(rng, world)
                ),
                true,
            )
        }
        1 => {
            let filter = match rng.gen_range(0..4) {
                0 => format!("project_id={}", project_id(rng, world)),
                1 => format!("organisation_id={}", organisation().unwrap_or(1)),
                2 => format!(
                    "stage={}",
                    ["considering", "testing", "adopted", "sustained", "dropped"]
                        .choose(rng)
                        .unwrap_or(&"adopted")
                ),
                _ => String::new(),
            };
            let page = rng.gen_range(1..=5);
            (
                Kind::Adoptions,
                format!("{base}/api/v1/adoptions?{filter}&page={page}"),
                true,
            )
        }
        2 => {
            let query = if rng.gen_bool(0.3) {
                format!("project_id={}", project_id(rng, world))
            } else {
                let mut query = Vec::new();
                if rng.gen_bool(0.6) {
                    let theme = THEMES.choose(rng).unwrap_or(&"falls");
                    query.push(format!("theme={}", theme.replace(' ', "+")));
                }
                if rng.gen_bool(0.5) {
                    let (a, b) = (recent_day(rng), recent_day(rng));
                    let (from, to) = if a <= b { (a, b) } else { (b, a) };
                    query.push(format!("from={from}&to={to}"));
                }
                query.join("&")
            };
            (
                Kind::Network,
                format!("{base}/api/v1/spread/network?{query}"),
                true,
            )
        }
        _ => {
            let by = if rng.gen_bool(0.5) {
                "project_type"
            } else {
                "quality_dimension"
            };
            let mut query = format!("by={by}&as_of={}", recent_day(rng));
            if rng.gen_bool(0.5)
                && let Some(org) = organisation()
            {
                query.push_str(&format!("&organisation_id={org}"));
            }
            (
                Kind::Breakdown,
                format!("{base}/api/v1/dashboard/breakdown?{query}"),
                true,
            )
        }
    }
}

/// A project id: most exist, one in fifty does not.
fn project_id(rng: &mut StdRng, world: &World) -> i64 {
    if rng.gen_range(0..50) == 0 {
        world.projects + rng.gen_range(1..10_000)
    } else {
        rng.gen_range(1..=world.projects)
    }
}

/// Sends `request` and times it from `due` (when it was meant to start).
async fn timed(
    kind: Kind,
    due: Instant,
    start: Instant,
    request: reqwest::RequestBuilder,
) -> Sample {
    let status = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // The body too: a request is done when its answer has arrived.
            match response.bytes().await {
                Ok(_) => status,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    };
    let now = Instant::now();
    Sample {
        kind,
        status,
        micros: u32::try_from(now.duration_since(due).as_micros()).unwrap_or(u32::MAX),
        at: now.duration_since(start),
    }
}

/// A random read as `person`: a page of the register, a project page, `/me` or the library.
fn read_request(
    rng: &mut StdRng,
    world: &World,
    person: usize,
    health_only: bool,
) -> (Kind, reqwest::RequestBuilder) {
    let (token, _) = &world.people[person % world.people.len()];
    let base = &world.base;
    let (kind, url, signed_in) = if health_only {
        (Kind::Health, format!("{base}/api/health"), false)
    } else if world.spread {
        spread_read(rng, world)
    } else {
        match rng.gen_range(0..100) {
            0..=49 => (
                Kind::List,
                format!("{base}/api/v1/projects?{}", list_query(rng, world)),
                true,
            ),
            50..=74 => (
                Kind::Project,
                format!("{base}/api/v1/projects/{}", project_id(rng, world)),
                true,
            ),
            75..=84 => (Kind::Me, format!("{base}/api/v1/me"), true),
            85..=94 => (
                Kind::Library,
                format!("{base}/api/v1/library?{}", list_query(rng, world)),
                false,
            ),
            _ => (
                Kind::Library,
                format!("{base}/api/v1/library/{}", project_id(rng, world)),
                false,
            ),
        }
    };
    let mut request = world.client.get(url);
    if signed_in {
        request = request.bearer_auth(token);
    }
    (kind, request)
}

/// One reader: requests back to back as `person` until `stop`.
async fn reader(
    world: Arc<World>,
    person: usize,
    seed: u64,
    start: Instant,
    stop: Arc<AtomicBool>,
    health_only: bool,
) -> Vec<Sample> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut samples = Vec::with_capacity(16_384);
    while !stop.load(Ordering::Relaxed) {
        let (kind, request) = read_request(&mut rng, &world, person, health_only);
        let now = Instant::now();
        samples.push(timed(kind, now, start, request).await);
    }
    samples
}

/// One write, as the admin: a score, an edit or a data point.
async fn write(world: Arc<World>, seed: u64, due: Instant, start: Instant) -> Sample {
    let mut rng = StdRng::seed_from_u64(seed);
    let base = &world.base;
    let id = rng.gen_range(1..=world.projects);
    match rng.gen_range(0..3) {
        0 => {
            let score = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
                .choose(&mut rng)
                .copied()
                .unwrap_or(2.0);
            let request = world
                .client
                .post(format!("{base}/api/v1/projects/{id}/scores"))
                .bearer_auth(&world.admin)
                .json(&json!({"score": score, "reason": "Reviewed at the load test's huddle"}));
            timed(Kind::Score, due, start, request).await
        }
        1 => {
            let stale = rng.gen_range(0..20) == 0;
            let read = world
                .client
                .get(format!("{base}/api/v1/projects/{id}"))
                .bearer_auth(&world.admin)
                .send()
                .await;
            let project = match read {
                Ok(response) if response.status() == StatusCode::OK => {
                    response.json::<Project>().await.ok()
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    return sample_at(Kind::Edit, status, due, start);
                }
                Err(_) => None,
            };
            let Some(project) = project else {
                return sample_at(Kind::Edit, 0, due, start);
            };
            let version = if stale {
                project.version - 1
            } else {
                project.version
            };
            let mut input = project.input();
            input.problem = format!("{} (checked {})", project.title, rng.gen_range(0..1000));
            let request = world
                .client
                .put(format!("{base}/api/v1/projects/{id}"))
                .bearer_auth(&world.admin)
                .header("If-Match", format!("\"{version}\""))
                .json(&input);
            timed(Kind::Edit, due, start, request).await
        }
        _ => {
            let Some(measure) = world.measures.choose(&mut rng).copied() else {
                return sample_at(Kind::Point, 0, due, start);
            };
            let day = world.next_day.fetch_add(1, Ordering::Relaxed);
            let date = NaiveDate::from_ymd_opt(1900, 1, 1)
                .and_then(|d| {
                    d.checked_add_days(chrono::Days::new(u64::try_from(day).unwrap_or(0)))
                })
                .unwrap_or_default();
            let request = world
                .client
                .post(format!("{base}/api/v1/measures/{measure}/points"))
                .bearer_auth(&world.admin)
                .json(&json!({"date": date, "value": rng.gen_range(0..100), "note": ""}));
            timed(Kind::Point, due, start, request).await
        }
    }
}

fn sample_at(kind: Kind, status: u16, due: Instant, start: Instant) -> Sample {
    let now = Instant::now();
    Sample {
        kind,
        status,
        micros: u32::try_from(now.duration_since(due).as_micros()).unwrap_or(u32::MAX),
        at: now.duration_since(start),
    }
}

/// What an open loop starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Writes,
    /// Reads as a random person each (`--read-rate`).
    Reads,
    Health,
}

/// Starts `per_second` requests a second until `stop`, each on time whatever the others do.
async fn writer(
    world: Arc<World>,
    per_second: f64,
    seed: u64,
    start: Instant,
    stop: Arc<AtomicBool>,
    what: Open,
) -> Vec<Sample> {
    if per_second <= 0.0 {
        return Vec::new();
    }
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / per_second));
    let mut tasks = Vec::new();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let due = ticks.tick().await.into_std();
        n += 1;
        let world = world.clone();
        tasks.push(tokio::spawn(async move {
            match what {
                Open::Health => {
                    let request = world.client.get(format!("{}/api/health", world.base));
                    timed(Kind::Health, due, start, request).await
                }
                Open::Reads => {
                    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(n));
                    let person = rng.gen_range(0..world.people.len());
                    let (kind, request) = read_request(&mut rng, &world, person, false);
                    timed(kind, due, start, request).await
                }
                Open::Writes => write(world, seed.wrapping_add(n), due, start).await,
            }
        }));
    }
    let mut samples = Vec::with_capacity(tasks.len());
    for task in tasks {
        if let Ok(sample) = task.await {
            samples.push(sample);
        }
    }
    samples
}

/// Runs one phase: readers, the writer at `per_second` and the health probe, for
/// `warm_up + seconds`; returns the samples of the measured part, timed from its start.
async fn phase(
    world: &Arc<World>,
    args: &Args,
    per_second: f64,
    health_only: bool,
    seconds: u64,
) -> (Vec<Sample>, Duration, Vec<(u64, u64)>) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut readers = Vec::new();
    let open_reads = args.read_rate.filter(|_| !health_only);
    if let Some(rate) = open_reads {
        readers.push(tokio::spawn(writer(
            world.clone(),
            rate,
            rand::random(),
            start,
            stop.clone(),
            Open::Reads,
        )));
    }
    for i in 0..if open_reads.is_some() {
        0
    } else {
        args.connections
    } {
        readers.push(tokio::spawn(reader(
            world.clone(),
            i,
            rand::random(),
            start,
            stop.clone(),
            health_only,
        )));
    }
    let writes = tokio::spawn(writer(
        world.clone(),
        if health_only { 0.0 } else { per_second },
        rand::random(),
        start,
        stop.clone(),
        Open::Writes,
    ));
    let probe = tokio::spawn(writer(
        world.clone(),
        if health_only { 0.0 } else { 20.0 },
        0,
        start,
        stop.clone(),
        Open::Health,
    ));
    let warm_up = Duration::from_secs(if health_only { 1 } else { args.warm_up });
    let measured = Duration::from_secs(seconds);
    let mut rss = Vec::new();
    let began = Instant::now();
    while began.elapsed() < warm_up + measured {
        if let Some(pid) = args.server_pid
            && began.elapsed() >= warm_up
        {
            rss.push((resident_kib(pid, "VmRSS:"), resident_kib(pid, "RssAnon:")));
        }
        tokio::time::sleep(
            Duration::from_secs(1).min((warm_up + measured).saturating_sub(began.elapsed())),
        )
        .await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for task in readers {
        samples.extend(task.await.unwrap_or_default());
    }
    samples.extend(writes.await.unwrap_or_default());
    samples.extend(probe.await.unwrap_or_default());
    // Only what finished inside the measured part, timed from its start. (Requests still under
    // way at the end are counted by their readers when they finish, so cut at the end.)
    let samples: Vec<Sample> = samples
        .into_iter()
        .filter(|s| s.at >= warm_up && s.at <= warm_up + measured)
        .map(|s| Sample {
            at: s.at - warm_up,
            ..s
        })
        .collect();
    // Resident memory counts the SQLite file's pages once for each connection that maps them;
    // the anonymous part (the heap) is what would grow with a leak.
    if let (Some(first), Some(last)) = (rss.first(), rss.last()) {
        let peak = |of: fn(&(u64, u64)) -> u64| rss.iter().map(of).max().unwrap_or_default();
        println!(
            "\nServer memory, resident (of which anonymous): {} ({}) MiB at the start, {} ({}) MiB at the end, {} ({}) MiB at most.",
            first.0 / 1024,
            first.1 / 1024,
            last.0 / 1024,
            last.1 / 1024,
            peak(|r| r.0) / 1024,
            peak(|r| r.1) / 1024
        );
    }
    (samples, measured, rss)
}

/// A line of the server's `/proc/{pid}/status` (`VmRSS:`, `RssAnon:`) in KiB (0 if it cannot be
/// read).
fn resident_kib(pid: u32, line: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(line))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// The statuses this load means to cause, and the quantile its report shows beside p50 and p99.
const EXPECTED: &[u16] = &[404, 409, 412];
const MIDDLE: f64 = 0.90;

fn tally() -> Tally {
    Tally::new(EXPECTED, MIDDLE)
}

fn report(label: &str, samples: &[Sample], seconds: f64) {
    let mut kinds: BTreeMap<Kind, Tally> = BTreeMap::new();
    let mut reads = tally();
    let mut writes = tally();
    for sample in samples {
        kinds
            .entry(sample.kind)
            .or_insert_with(tally)
            .add(sample.status, sample.micros);
        if sample.kind.is_read() {
            reads.add(sample.status, sample.micros);
        } else if sample.kind != Kind::Health {
            writes.add(sample.status, sample.micros);
        }
    }
    println!("{}", reads.row(label, "**all reads**", seconds));
    for (kind, tally) in &mut kinds {
        println!("{}", tally.row(label, kind.name(), seconds));
    }
    if !writes.is_empty() {
        println!("{}", writes.row(label, "**all writes**", seconds));
    }
}

/// Signs the people in and finds what the requests need.
async fn prepare(args: &Args) -> anyhow::Result<World> {
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(args.connections + 64)
        .build()?;
    let base = args.base.trim_end_matches('/').to_owned();
    let admin = sign_in(&client, &base, &args.admin_email, &args.admin_password).await?;
    // One person of each organisation first, the named demo logins among them.
    let mut everyone = Vec::new();
    for page in 1.. {
        let body = get_json(
            &client,
            format!("{base}/api/v1/people?per_page=100&page={page}"),
            &admin,
        )
        .await?;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        everyone.extend(items);
    }
    let active = |p: &&Value| p["status"] == "active" && p["email"] != args.admin_email.as_str();
    let mut chosen: Vec<(String, i64)> = Vec::new();
    for named in [
        "member@demo.qicommons.org",
        "coach@demo.qicommons.org",
        "qi.lead@demo.qicommons.org",
        "gp.lead@demo.qicommons.org",
    ] {
        if let Some(p) = everyone.iter().filter(active).find(|p| p["email"] == named) {
            chosen.push((named.to_owned(), p["organisation_id"].as_i64().unwrap_or(0)));
        }
    }
    let mut organisations: Vec<i64> = everyone
        .iter()
        .filter_map(|p| p["organisation_id"].as_i64())
        .collect();
    organisations.sort_unstable();
    organisations.dedup();
    'rounds: for round in 0..10 {
        for org in &organisations {
            if chosen.len() >= args.people {
                break 'rounds;
            }
            let in_org: Vec<&Value> = everyone
                .iter()
                .filter(active)
                .filter(|p| p["organisation_id"].as_i64() == Some(*org))
                .collect();
            if let Some(p) = in_org.get(round)
                && let Some(email) = p["email"].as_str()
                && !chosen.iter().any(|(e, _)| e.as_str() == email)
            {
                chosen.push((email.to_owned(), *org));
            }
        }
    }
    let mut people = Vec::new();
    for (email, org) in &chosen {
        people.push((sign_in(&client, &base, email, &args.password).await?, *org));
    }
    let distinct: std::collections::BTreeSet<i64> = people.iter().map(|p| p.1).collect();
    // The greatest project id: the admin sees every project, and the bench's ids have no gaps.
    // (Not the list's total: a list counts only up to a limit.)
    let exists = |id: i64| {
        let (client, base, admin) = (&client, &base, &admin);
        async move {
            client
                .get(format!("{base}/api/v1/projects/{id}"))
                .bearer_auth(admin)
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK)
        }
    };
    let mut total = 0;
    if exists(1).await {
        let mut high = 1;
        while exists(high * 2).await {
            high *= 2;
        }
        // `high` exists and `2 × high` does not.
        let (mut low, mut high) = (high, high * 2);
        while high - low > 1 {
            let middle = (low + high) / 2;
            if exists(middle).await {
                low = middle;
            } else {
                high = middle;
            }
        }
        total = low;
    }
    if total < 100 {
        bail!("add the bench projects first (api/examples/bench_projects.rs)");
    }
    // The demo's projects (the lowest ids) have measures.
    let mut measures = Vec::new();
    for id in 1..=300 {
        if measures.len() >= 40 {
            break;
        }
        if let Ok(list) = get_json(
            &client,
            format!("{base}/api/v1/projects/{id}/measures"),
            &admin,
        )
        .await
        {
            measures.extend(
                list.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["id"].as_i64()),
            );
        }
    }
    eprintln!(
        "signed in {} people of {} organisations; {total} projects; {} measures to add points to",
        people.len(),
        distinct.len(),
        measures.len()
    );
    Ok(World {
        base,
        client,
        admin,
        people,
        organisations,
        projects: total,
        spread: args.spread,
        measures,
        // A different stretch of dates each run, so a run's points do not meet the last run's.
        next_day: AtomicI64::new(rand::thread_rng().gen_range(0..40_000) * 3),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let world = Arc::new(prepare(&args).await?);
    let label = |what: String| {
        if args.label.is_empty() {
            what
        } else {
            format!("{} {what}", args.label)
        }
    };
    println!("{}", header("404/409/412", MIDDLE));
    if args.health_seconds > 0 {
        let load = load_average();
        let (samples, seconds, _) = phase(&world, &args, 0.0, true, args.health_seconds).await;
        report(
            &label(format!("health only (load {load})")),
            &samples,
            seconds.as_secs_f64(),
        );
    }
    for rate in &args.writes {
        let load = load_average();
        let (samples, seconds, rss) = phase(&world, &args, *rate, false, args.seconds).await;
        let name = label(format!("{rate} writes/s (load {load})"));
        match args.window {
            Some(window) if window > 0 => {
                let step = window;
                let window = Duration::from_secs(window);
                let mut from = Duration::ZERO;
                while from < seconds {
                    let part: Vec<Sample> = samples
                        .iter()
                        .filter(|s| s.at >= from && s.at < from + window)
                        .copied()
                        .collect();
                    let reads: Vec<Sample> =
                        part.iter().filter(|s| s.kind.is_read()).copied().collect();
                    let mut tally = tally();
                    reads.iter().for_each(|s| tally.add(s.status, s.micros));
                    println!(
                        "{}",
                        tally.row(
                            &name,
                            &format!("reads, {}–{} s", from.as_secs(), (from + window).as_secs()),
                            window.as_secs_f64()
                        )
                    );
                    from += window;
                }
                report(&name, &samples, seconds.as_secs_f64());
                // The server's memory at the end of each window (sampled once a second from the
                // start of the measured part): whether it levels off or keeps growing.
                if !rss.is_empty() {
                    println!(
                        "\n| seconds | resident MiB | of which anonymous MiB |\n| ---: | ---: | ---: |"
                    );
                    for (i, (resident, anonymous)) in rss.iter().enumerate() {
                        let at = u64::try_from(i).unwrap_or(u64::MAX);
                        if at % step == 0 || i + 1 == rss.len() {
                            println!("| {at} | {} | {} |", resident / 1024, anonymous / 1024);
                        }
                    }
                }
            }
            _ => report(&name, &samples, seconds.as_secs_f64()),
        }
    }
    Ok(())
}
