//! A load on the lists people read around comments, the bulletin, events and submissions, with
//! comments being written at the same time (issue 17): used by `scripts/bench-talk.sh`; not part
//! of the server.
//!
//!   cargo run --release --example load_talk -- --base http://127.0.0.1:18095 --seconds 20 --writes 0,5
//!
//! Needs the demo partnership (`qi seed-demo`). It signs in the demo partnership admin (to find
//! the data: people, projects and their teams, measures, events, bulletins, threads), then up to
//! `--people` people, one of each organisation in turn (the named demo logins first), each with
//! their own token, and finds which projects each may see. Then, for each write rate in turn:
//!
//! - `--connections` readers send requests back to back (a closed loop, as wrk does: the most the
//!   server can serve). Each reader is bound to one person at a time and moves on to another
//!   person every 40 requests (so every person signed in reads). Each request is picked at
//!   random: a page of a project's comment threads (35 %: half on a project known to have
//!   comments, half on a random id of 1 to a twentieth beyond the last, which is 404 for
//!   projects the person may not see, or that do not exist; random page, page size, measure or
//!   offers filter), the bulletin list (10 %), a bulletin (10 %: drafts are 404 unless the
//!   person edits them), the Atom feed without signing in (5 %), the events list (20 %:
//!   upcoming, past or all, a kind, a word, a page), an event's submissions (10 %: mostly the
//!   celebrations, which have calls; others are 404), or the person's notifications (10 %);
//! - a writer starts comment writes at a fixed rate whatever the answers (an open loop: a write's
//!   time is counted from when it was due, so a stalled server shows as slow writes, not as
//!   fewer), each as a random person on a random project they may see: a new thread (55 %), a
//!   reply to a thread (30 %), or an edit of a comment that person wrote earlier in the run
//!   (15 %). Bodies are random Markdown; one comment or edit in five mentions one or two of the
//!   project's team (people who may see it), who are then notified;
//! - `/api/health` is asked 10 times a second, also in an open loop: how long the server takes
//!   to answer anything at all.
//!
//! Every answer is counted by kind and status. 404 (a project, event, call or bulletin the
//! person may not see, or that does not exist) is expected; any other non-2xx, and any request
//! with no answer within 10 s, is an error. The report is a Markdown table a phase, with the load
//! average at the start and end of the phase.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::bail;
use clap::Parser;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use reqwest::Client;
use serde_json::{Value, json};

#[path = "common/mod.rs"]
mod common;
use common::{Tally, get_json, header, load_average, sign_in};

#[derive(Parser, Debug, Clone)]
struct Args {
    /// The server, e.g. http://127.0.0.1:18095.
    #[arg(long)]
    base: String,
    /// Seconds each write rate runs (after `--warm-up`).
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Seconds of the same load before each measured phase, not counted.
    #[arg(long, default_value_t = 3)]
    warm_up: u64,
    /// Readers sending requests back to back.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Comment write rates to measure in turn, per second.
    #[arg(long, value_delimiter = ',', default_value = "0,5")]
    writes: Vec<f64>,
    /// People signed in (one an organisation in turn).
    #[arg(long, default_value_t = 30)]
    people: usize,
    #[arg(long, default_value = "admin@demo.qicommons.org")]
    admin_email: String,
    /// `ADMIN_PASSWORD` in api/src/demo/mod.rs.
    #[arg(long, default_value = "demo-admin-password")]
    admin_password: String,
    /// The password of every other demo person (`DEMO_PASSWORD`).
    #[arg(long, default_value = "demo-password")]
    password: String,
    /// A label for the report's rows (the store).
    #[arg(long, default_value = "")]
    label: String,
}

/// What a request was, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Comments,
    Bulletins,
    Bulletin,
    Feed,
    Events,
    Submissions,
    Notifications,
    Health,
    NewThread,
    Reply,
    Edit,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Comments => "`GET /projects/{id}/comments`",
            Kind::Bulletins => "`GET /bulletins`",
            Kind::Bulletin => "`GET /bulletins/{id}`",
            Kind::Feed => "`GET /bulletins/feed.atom` (anonymous)",
            Kind::Events => "`GET /events`",
            Kind::Submissions => "`GET /events/{id}/submissions`",
            Kind::Notifications => "`GET /me/notifications`",
            Kind::Health => "`/api/health`",
            Kind::NewThread => "write: `POST` a new thread",
            Kind::Reply => "write: `POST` a reply",
            Kind::Edit => "write: `PUT /comments/{id}` (own)",
        }
    }

    fn is_read(self) -> bool {
        !matches!(
            self,
            Kind::Health | Kind::NewThread | Kind::Reply | Kind::Edit
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

/// A person signed in.
struct Person {
    id: i64,
    token: String,
    /// Projects this person may see (and so comment on).
    visible: Vec<i64>,
}

/// What every request needs to know about the data, and what the writes add to it.
struct World {
    base: String,
    client: Client,
    people: Vec<Person>,
    /// The greatest project id.
    projects: i64,
    /// Each project's team (the people mentioned), active people only.
    teams: HashMap<i64, Vec<i64>>,
    /// Each project's measures (the comments' measure filter).
    measures: HashMap<i64, Vec<i64>>,
    events: Vec<i64>,
    /// Events with a call for submissions (the celebrations).
    calls: Vec<i64>,
    bulletins: Vec<i64>,
    /// Threads to reply to: (project, comment).
    threads: Mutex<Vec<(i64, i64)>>,
    /// Projects with comments.
    talked: Mutex<Vec<i64>>,
    /// Comments written in this run: (comment, index of its author in `people`).
    written: Mutex<Vec<(i64, usize)>>,
}

const WORDS: &[&str] = &[
    "falls",
    "sepsis",
    "discharge",
    "flow",
    "pressure",
    "ulcers",
    "medication",
    "safety",
    "huddle",
    "frailty",
    "dementia",
    "insulin",
    "delirium",
    "waits",
    "theatres",
    "wellbeing",
    "nutrition",
    "stroke",
    "children",
    "care",
    "homes",
    "ward",
    "PDSA",
    "run",
    "chart",
    "baseline",
    "median",
    "shift",
    "spread",
    "teach-back",
];
const EVENT_WORDS: &[&str] = &[
    "cafe",
    "webinar",
    "masterclass",
    "roadshow",
    "celebration",
    "falls",
    "sepsis",
    "flow",
    "measurement",
    "spread",
    "zebra",
];
const EVENT_KINDS: &[&str] = &[
    "qi_cafe",
    "webinar",
    "masterclass",
    "roadshow",
    "workshop",
    "celebration",
];

fn word(rng: &mut StdRng) -> &'static str {
    WORDS.choose(rng).copied().unwrap_or("falls")
}

/// Some random Markdown, as people write it: a sentence or two, sometimes emphasis, a list or a
/// link.
fn body(rng: &mut StdRng) -> String {
    let mut text = format!(
        "We tried the {} {} on our {} and the {} moved: {} {} next week.",
        word(rng),
        word(rng),
        word(rng),
        word(rng),
        word(rng),
        word(rng)
    );
    match rng.gen_range(0..6) {
        0 => text.push_str(&format!(" **{}** first, then _{}_.", word(rng), word(rng))),
        1 => text.push_str(&format!(
            "\n\n- {} {}\n- {} {}\n- {}",
            word(rng),
            word(rng),
            word(rng),
            word(rng),
            word(rng)
        )),
        2 => text.push_str(&format!(
            " See [the {} guide](https://example.org/{}).",
            word(rng),
            rng.gen_range(1..1000)
        )),
        _ => {}
    }
    text
}

/// A page number as people page: mostly the first.
fn page(rng: &mut StdRng) -> u32 {
    match rng.gen_range(0..10) {
        0..=6 => 1,
        7 | 8 => 2,
        _ => rng.gen_range(3..=5),
    }
}

/// Sends `request` and times it from `due` (when it was meant to start); with the body if
/// `keep` (a write's answer, for the new comment's id).
async fn timed(
    kind: Kind,
    due: Instant,
    start: Instant,
    request: reqwest::RequestBuilder,
    keep: bool,
) -> (Sample, Option<Value>) {
    let mut kept = None;
    let status = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // The body too: a request is done when its answer has arrived.
            match response.bytes().await {
                Ok(bytes) => {
                    if keep {
                        kept = serde_json::from_slice(&bytes).ok();
                    }
                    status
                }
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    };
    (sample_at(kind, status, due, start), kept)
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

/// A random read as `person`.
fn read_request(rng: &mut StdRng, world: &World, person: usize) -> (Kind, reqwest::RequestBuilder) {
    let token = &world.people[person % world.people.len()].token;
    let base = &world.base;
    let (kind, url, signed_in) = match rng.gen_range(0..100) {
        0..=34 => {
            let known = world
                .talked
                .lock()
                .ok()
                .and_then(|t| t.choose(rng).copied());
            let id = match known {
                Some(id) if rng.gen_bool(0.5) => id,
                _ => rng.gen_range(1..=world.projects + world.projects / 20 + 1),
            };
            let mut query = vec![format!("page={}", page(rng))];
            if rng.gen_bool(0.5) {
                query.push(format!(
                    "per_page={}",
                    [10, 20, 50].choose(rng).copied().unwrap_or(20)
                ));
            }
            if rng.gen_bool(0.1)
                && let Some(measure) = world.measures.get(&id).and_then(|m| m.choose(rng))
            {
                query.push(format!("measure_id={measure}"));
            } else if rng.gen_bool(0.1) {
                query.push("offers=true".to_owned());
            }
            (
                Kind::Comments,
                format!("{base}/api/v1/projects/{id}/comments?{}", query.join("&")),
                true,
            )
        }
        35..=44 => {
            let mut query = format!("page={}", if rng.gen_bool(0.8) { 1 } else { 2 });
            if rng.gen_bool(0.3) {
                query.push_str("&per_page=5");
            }
            (
                Kind::Bulletins,
                format!("{base}/api/v1/bulletins?{query}"),
                true,
            )
        }
        45..=54 => {
            let id = match world.bulletins.choose(rng) {
                Some(id) if rng.gen_bool(0.95) => *id,
                _ => rng.gen_range(1..=100),
            };
            (
                Kind::Bulletin,
                format!("{base}/api/v1/bulletins/{id}"),
                true,
            )
        }
        55..=59 => (
            Kind::Feed,
            format!("{base}/api/v1/bulletins/feed.atom"),
            false,
        ),
        60..=79 => {
            let mut query = Vec::new();
            match rng.gen_range(0..10) {
                0..=5 => query.push("when=upcoming".to_owned()),
                6..=8 => query.push("when=past".to_owned()),
                _ => {}
            }
            if rng.gen_bool(0.3) {
                query.push(format!(
                    "kind={}",
                    EVENT_KINDS.choose(rng).copied().unwrap_or("webinar")
                ));
            }
            if rng.gen_bool(0.2) {
                query.push(format!(
                    "q={}",
                    EVENT_WORDS.choose(rng).copied().unwrap_or("falls")
                ));
            }
            query.push(format!("page={}", page(rng)));
            (
                Kind::Events,
                format!("{base}/api/v1/events?{}", query.join("&")),
                true,
            )
        }
        80..=89 => {
            let id = if rng.gen_bool(0.7) {
                world.calls.choose(rng)
            } else {
                world.events.choose(rng)
            }
            .copied()
            .unwrap_or(1);
            (
                Kind::Submissions,
                format!("{base}/api/v1/events/{id}/submissions?page={}", page(rng)),
                true,
            )
        }
        _ => {
            let mut query = format!("page={}", if rng.gen_bool(0.85) { 1 } else { 2 });
            if rng.gen_bool(0.2) {
                query.push_str("&unread=true");
            }
            (
                Kind::Notifications,
                format!("{base}/api/v1/me/notifications?{query}"),
                true,
            )
        }
    };
    let mut request = world.client.get(url);
    if signed_in {
        request = request.bearer_auth(token);
    }
    (kind, request)
}

/// One reader: requests back to back, as one person after another, until `stop`.
async fn reader(
    world: Arc<World>,
    index: usize,
    connections: usize,
    seed: u64,
    start: Instant,
    stop: Arc<AtomicBool>,
) -> Vec<Sample> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut samples = Vec::with_capacity(16_384);
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        // Reader i is person i, then i + connections, and so on: each person signed in reads.
        let person = index + connections * (n / 40);
        let (kind, request) = read_request(&mut rng, &world, person);
        let now = Instant::now();
        samples.push(timed(kind, now, start, request, false).await.0);
        n += 1;
    }
    samples
}

/// Whom a comment on `project` by `author` mentions: usually nobody, one in five one or two of
/// the project's team.
fn mentions(rng: &mut StdRng, world: &World, project: i64, author: i64) -> Vec<i64> {
    if !rng.gen_bool(0.2) {
        return Vec::new();
    }
    let team: Vec<i64> = world
        .teams
        .get(&project)
        .map(|t| t.iter().copied().filter(|p| *p != author).collect())
        .unwrap_or_default();
    let how_many = rng.gen_range(1..=2).min(team.len());
    team.choose_multiple(rng, how_many).copied().collect()
}

/// One comment write as a random person: a new thread, a reply or an edit of their own.
async fn write(world: Arc<World>, seed: u64, due: Instant, start: Instant) -> Sample {
    let mut rng = StdRng::seed_from_u64(seed);
    let base = &world.base;
    let roll = rng.gen_range(0..100);
    if roll >= 85 {
        let own = world
            .written
            .lock()
            .ok()
            .and_then(|w| w.choose(&mut rng).copied());
        if let Some((comment, author)) = own
            && let Some(person) = world.people.get(author)
        {
            let project = world
                .threads
                .lock()
                .ok()
                .and_then(|t| t.iter().find(|(_, c)| *c == comment).map(|(p, _)| *p));
            let mentioned = project
                .map(|p| mentions(&mut rng, &world, p, person.id))
                .unwrap_or_default();
            let request = world
                .client
                .put(format!("{base}/api/v1/comments/{comment}"))
                .bearer_auth(&person.token)
                .json(&json!({"body": body(&mut rng), "mentions": mentioned}));
            return timed(Kind::Edit, due, start, request, false).await.0;
        }
    }
    // A person who may see some project, and one of those projects.
    let Some((author, person)) = world
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.visible.is_empty())
        .collect::<Vec<_>>()
        .choose(&mut rng)
        .copied()
    else {
        return sample_at(Kind::NewThread, 0, due, start);
    };
    let Some(project) = person.visible.choose(&mut rng).copied() else {
        return sample_at(Kind::NewThread, 0, due, start);
    };
    let parent = if roll >= 55 {
        world.threads.lock().ok().and_then(|t| {
            t.iter()
                .filter(|(p, _)| *p == project)
                .map(|(_, c)| *c)
                .collect::<Vec<_>>()
                .choose(&mut rng)
                .copied()
        })
    } else {
        None
    };
    let mut input = json!({
        "body": body(&mut rng),
        "mentions": mentions(&mut rng, &world, project, person.id),
    });
    if let Some(parent) = parent {
        input["parent_id"] = json!(parent);
    }
    let kind = if parent.is_some() {
        Kind::Reply
    } else {
        Kind::NewThread
    };
    let request = world
        .client
        .post(format!("{base}/api/v1/projects/{project}/comments"))
        .bearer_auth(&person.token)
        .json(&input);
    let (sample, answer) = timed(kind, due, start, request, true).await;
    if let Some(id) = answer.as_ref().and_then(|a| a["id"].as_i64()) {
        if let Ok(mut written) = world.written.lock() {
            written.push((id, author));
        }
        if parent.is_none() {
            if let Ok(mut threads) = world.threads.lock() {
                threads.push((project, id));
            }
            if let Ok(mut talked) = world.talked.lock()
                && !talked.contains(&project)
            {
                talked.push(project);
            }
        }
    }
    sample
}

/// What an open loop starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Writes,
    Health,
}

/// Starts `per_second` requests a second until `stop`, each on time whatever the others do.
async fn open_loop(
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
                    timed(Kind::Health, due, start, request, false).await.0
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
async fn phase(world: &Arc<World>, args: &Args, per_second: f64) -> (Vec<Sample>, Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut readers = Vec::new();
    for i in 0..args.connections {
        readers.push(tokio::spawn(reader(
            world.clone(),
            i,
            args.connections,
            rand::random(),
            start,
            stop.clone(),
        )));
    }
    let writes = tokio::spawn(open_loop(
        world.clone(),
        per_second,
        rand::random(),
        start,
        stop.clone(),
        Open::Writes,
    ));
    let probe = tokio::spawn(open_loop(
        world.clone(),
        10.0,
        0,
        start,
        stop.clone(),
        Open::Health,
    ));
    let warm_up = Duration::from_secs(args.warm_up);
    let measured = Duration::from_secs(args.seconds);
    tokio::time::sleep(warm_up + measured).await;
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for task in readers {
        samples.extend(task.await.unwrap_or_default());
    }
    samples.extend(writes.await.unwrap_or_default());
    samples.extend(probe.await.unwrap_or_default());
    // Only what finished inside the measured part, timed from its start.
    let samples = samples
        .into_iter()
        .filter(|s| s.at >= warm_up && s.at <= warm_up + measured)
        .map(|s| Sample {
            at: s.at - warm_up,
            ..s
        })
        .collect();
    (samples, measured)
}

/// The statuses this load means to cause, and the quantile its report shows beside p50 and p99.
const EXPECTED: &[u16] = &[404];
const MIDDLE: f64 = 0.95;

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

/// Every item of a paged list (`items`), 100 a page.
async fn all_items(
    client: &Client,
    base: &str,
    path_and_query: &str,
    token: &str,
) -> anyhow::Result<Vec<Value>> {
    let mut items = Vec::new();
    let joint = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    for page in 1..=200 {
        let body = get_json(
            client,
            format!("{base}/api/v1/{path_and_query}{joint}per_page=100&page={page}"),
            token,
        )
        .await?;
        let got = body["items"].as_array().cloned().unwrap_or_default();
        if got.is_empty() {
            break;
        }
        let short = got.len() < 100;
        items.extend(got);
        if short {
            break;
        }
    }
    Ok(items)
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().filter_map(|i| i["id"].as_i64()).collect()
}

/// Signs the people in and finds what the requests need.
async fn prepare(args: &Args) -> anyhow::Result<World> {
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(args.connections + 64)
        .build()?;
    let base = args.base.trim_end_matches('/').to_owned();
    let admin = sign_in(&client, &base, &args.admin_email, &args.admin_password).await?;
    let everyone = all_items(&client, &base, "people", &admin).await?;
    let active_ids: BTreeSet<i64> = everyone
        .iter()
        .filter(|p| p["status"] == "active")
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let active = |p: &&Value| p["status"] == "active" && p["email"] != args.admin_email.as_str();
    // The named demo logins first, then one person of each organisation in turn.
    let mut chosen: Vec<(String, i64, i64)> = Vec::new();
    for named in [
        "member@demo.qicommons.org",
        "coach@demo.qicommons.org",
        "qi.lead@demo.qicommons.org",
        "gp.lead@demo.qicommons.org",
    ] {
        if let Some(p) = everyone.iter().filter(active).find(|p| p["email"] == named) {
            chosen.push((
                named.to_owned(),
                p["id"].as_i64().unwrap_or(0),
                p["organisation_id"].as_i64().unwrap_or(0),
            ));
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
                && !chosen.iter().any(|(e, _, _)| e.as_str() == email)
            {
                chosen.push((
                    email.to_owned(),
                    p["id"].as_i64().unwrap_or(0),
                    p["organisation_id"].as_i64().unwrap_or(0),
                ));
            }
        }
    }
    let mut people = Vec::new();
    let mut distinct = BTreeSet::new();
    for (email, id, organisation) in &chosen {
        let token = match sign_in(&client, &base, email, &args.password).await {
            Ok(token) => token,
            Err(e) => {
                eprintln!("left out: {e:#}");
                continue;
            }
        };
        let visible = ids(&all_items(&client, &base, "projects", &token).await?);
        people.push(Person {
            id: *id,
            token,
            visible,
        });
        distinct.insert(*organisation);
    }
    if people.is_empty() {
        bail!("nobody to sign in: load the demo partnership first (qi seed-demo)");
    }

    // The admin sees every project: their teams, measures and threads.
    let projects = ids(&all_items(&client, &base, "projects", &admin).await?);
    let last = projects.iter().copied().max().unwrap_or(0);
    if last == 0 {
        bail!("no projects: load the demo partnership first (qi seed-demo)");
    }
    let mut teams = HashMap::new();
    let mut measures = HashMap::new();
    let mut threads = Vec::new();
    let mut talked = Vec::new();
    for id in &projects {
        let project = get_json(&client, format!("{base}/api/v1/projects/{id}"), &admin).await?;
        let team: Vec<i64> = project["team"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["person_id"].as_i64())
            .filter(|p| active_ids.contains(p))
            .collect();
        teams.insert(*id, team);
        if let Ok(list) = get_json(
            &client,
            format!("{base}/api/v1/projects/{id}/measures"),
            &admin,
        )
        .await
        {
            measures.insert(*id, ids(list.as_array().map_or(&[], |v| v.as_slice())));
        }
        let comments = get_json(
            &client,
            format!("{base}/api/v1/projects/{id}/comments?per_page=100"),
            &admin,
        )
        .await?;
        let heads: Vec<&Value> = comments["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["deleted"] != true)
            .collect();
        if !heads.is_empty() {
            talked.push(*id);
        }
        threads.extend(
            heads
                .iter()
                .filter_map(|c| c["id"].as_i64())
                .map(|c| (*id, c)),
        );
    }

    let mut events = BTreeMap::new();
    for when in ["upcoming", "past"] {
        for event in all_items(&client, &base, &format!("events?when={when}"), &admin).await? {
            if let Some(id) = event["id"].as_i64() {
                events.insert(id, event["kind"] == "celebration");
            }
        }
    }
    let calls: Vec<i64> = events.iter().filter(|e| *e.1).map(|e| *e.0).collect();
    let events: Vec<i64> = events.into_keys().collect();
    let bulletins = ids(&all_items(&client, &base, "bulletins", &admin).await?);
    eprintln!(
        "signed in {} people of {} organisations (each sees {} to {} projects); {} projects (ids to {last}), \
         {} with comments ({} threads); {} events, {} celebrations; {} bulletins",
        people.len(),
        distinct.len(),
        people.iter().map(|p| p.visible.len()).min().unwrap_or(0),
        people.iter().map(|p| p.visible.len()).max().unwrap_or(0),
        projects.len(),
        talked.len(),
        threads.len(),
        events.len(),
        calls.len(),
        bulletins.len()
    );
    Ok(World {
        base,
        client,
        people,
        projects: last,
        teams,
        measures,
        events,
        calls,
        bulletins,
        threads: Mutex::new(threads),
        talked: Mutex::new(talked),
        written: Mutex::new(Vec::new()),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let world = Arc::new(prepare(&args).await?);
    println!("{}", header("404", MIDDLE));
    for rate in &args.writes {
        let before = load_average();
        let (samples, seconds) = phase(&world, &args, *rate).await;
        let after = load_average();
        let name = format!(
            "{}{rate} writes/s (load {before} → {after})",
            if args.label.is_empty() {
                String::new()
            } else {
                format!("{}, ", args.label)
            }
        );
        report(&name, &samples, seconds.as_secs_f64());
    }
    Ok(())
}
