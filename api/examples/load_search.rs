//! Search and the finder of similar work under load, as many people would use them, with
//! writes going on: used by `scripts/bench-search.sh`; not part of the server.
//!
//!   cargo run --release --example load_search -- --base http://127.0.0.1:18091 --seconds 20 --writes 0,2
//!
//! Needs the demo partnership and the bench projects (`qi seed-demo`, then
//! `api/examples/bench_projects.rs`). It signs in people as `load_mix` does (the partnership
//! admin, the named demo logins, then one person of each organisation in turn, up to
//! `--people`), each with their own token, so every request is answered over a different set
//! of visible projects. Then, for each write rate in turn:
//!
//! - readers ask, each request picked at random, never the same one over and over (the search
//!   has no page cache, but a repeated request would still measure warm CPU caches and nothing
//!   of the spread of postings' lengths):
//!   - half `GET /search`: one to three words of [`WORDS`] (the bench data's themes and topics,
//!     other forms of them that the stemmer makes one, names the thesaurus maps, and a few that
//!     no project has), a status in a fifth, a theme in a fifth, an organisation in a tenth;
//!     page 1, 2 or 3;
//!   - a quarter `POST /search/similar` (`/projects/similar` on the first servers that had it)
//!     with a draft made of random phrases (a title of 4 to 8 words, an aim of 10 to 20, a
//!     problem in half of them): "has this been done before?";
//!   - a quarter `GET /projects/{id}/similar` for a random project of those that exist: a 404
//!     (a project the person may not see) is expected, and shown apart;
//!
//!   either `--connections` readers back to back, each bound to one person (a closed loop: the
//!   most the server serves), or, with `--read-rate`, that many a second as random people, on
//!   time whatever the answers (an open loop: the latency people see at that traffic);
//! - a writer starts writes at a fixed rate, as the partnership admin, on random projects (an
//!   open loop: a write's time counts from when it was due): half score changes, half edits
//!   that give the project a new problem (read, then `PUT` with `If-Match`; one in twenty sends
//!   the version before, on purpose, and must get 412). The edits change the project's
//!   document, so the index's postings are being changed while the readers rank over them;
//! - `/api/health` 20 times a second beside them: how long the server takes to answer anything.
//!
//! Every answer is counted by kind and status: 404 and 412 are expected; any other non-2xx,
//! and any request unanswered within 10 s, is an error. The report is a Markdown table a phase,
//! with the load average when it began.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::bail;
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
    /// The server, e.g. http://127.0.0.1:18091.
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
    /// as a random one of the people, on time whatever the answers.
    #[arg(long)]
    read_rate: Option<f64>,
    /// Write rates to measure in turn, per second.
    #[arg(long, value_delimiter = ',', default_value = "0,2")]
    writes: Vec<f64>,
    /// People signed in (one an organisation first).
    #[arg(long, default_value_t = 40)]
    people: usize,
    /// The server's process id, to report its memory (resident set) after each phase.
    #[arg(long)]
    server_pid: Option<u32>,
    #[arg(long, default_value = "admin@demo.qicommons.org")]
    admin_email: String,
    #[arg(long, default_value = "demo-admin-password")]
    admin_password: String,
    /// The password of every other demo person.
    #[arg(long, default_value = "demo-password")]
    password: String,
    /// A label for the report's rows (the store, the loop).
    #[arg(long, default_value = "")]
    label: String,
}

/// What a request was, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Search,
    Draft,
    Related,
    Health,
    Score,
    Edit,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Search => "search",
            Kind::Draft => "similar to a draft",
            Kind::Related => "similar to a project",
            Kind::Health => "`/api/health`",
            Kind::Score => "write: score",
            Kind::Edit => "write: edit (If-Match)",
        }
    }

    fn is_read(self) -> bool {
        matches!(self, Kind::Search | Kind::Draft | Kind::Related)
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
    /// How many projects there are (their ids run from 1, without gaps).
    projects: i64,
    /// Where the finder for a draft is (see [`draft_url`]).
    draft_url: String,
}

/// Search words: the bench data's themes and topics (`bench_projects.rs`), other forms of them
/// that stem to one term ("falling", "discharges"), names the thesaurus makes one with them
/// ("bedsores", "a&e", "blood poisoning"'s "septic"), and a few that no project has. Common
/// words ("care", "ward") have postings of tens of thousands of projects, rare ones a few
/// hundred: both kinds are here, as people type both.
const WORDS: &[&str] = &[
    "falls",
    "falling",
    "fall",
    "sepsis",
    "septic",
    "antibiotics",
    "discharge",
    "discharges",
    "delays",
    "noon",
    "flow",
    "pressure",
    "ulcers",
    "bedsores",
    "medicines",
    "medication",
    "omitted",
    "critical",
    "deterioration",
    "unrecognised",
    "mental",
    "health",
    "placements",
    "diabetes",
    "insulin",
    "doses",
    "frailty",
    "frail",
    "older",
    "infection",
    "catheter",
    "maternity",
    "haemorrhage",
    "waiting",
    "waits",
    "appointment",
    "prescribing",
    "staff",
    "sickness",
    "wellbeing",
    "carbon",
    "waste",
    "outpatient",
    "missed",
    "emergency",
    "a&e",
    "nutrition",
    "weight",
    "dementia",
    "delirium",
    "stroke",
    "children",
    "asthma",
    "care",
    "homes",
    "admissions",
    "cancer",
    "diagnosis",
    "copd",
    "readmissions",
    "theatre",
    "referrals",
    "equity",
    "neighbourhoods",
    "ward",
    "wards",
    "surgical",
    "community",
    "gp",
    "reducing",
    "halving",
    "vte",
    "zebra",
    "telehealth",
];
/// The bench data's themes, as a search's theme filter names them.
const THEMES: &[&str] = &[
    "falls",
    "sepsis",
    "flow",
    "discharge",
    "pressure ulcers",
    "medication safety",
    "deterioration",
    "end of life care",
    "mental health",
    "diabetes",
    "frailty",
    "infection prevention",
    "maternity",
    "primary care access",
    "prescribing",
    "staff wellbeing",
    "sustainability",
    "outpatients",
    "emergency care",
    "nutrition",
    "dementia",
    "stroke",
    "children and young people",
    "care homes",
    "learning disabilities",
    "cancer",
    "respiratory",
    "theatres",
    "digital",
    "equity",
];
const STATUSES: &[&str] = &["proposed", "active", "completed", "abandoned"];

/// What a draft's title is made of: the bench's openings, topics and settings, and the words
/// people use for them instead.
const TITLE_PHRASES: &[&str] = &[
    "Reducing",
    "Fewer",
    "Preventing",
    "Halving",
    "Safer",
    "Faster",
    "inpatient falls",
    "patients found on the floor",
    "time to antibiotics in sepsis",
    "blood poisoning",
    "delays to discharge",
    "going home before noon",
    "hospital-acquired pressure ulcers",
    "bedsores",
    "omitted critical medicines",
    "late insulin doses",
    "unrecognised deterioration",
    "out-of-area placements",
    "length of stay for frail older people",
    "catheter-associated infections",
    "postpartum haemorrhage",
    "waits for a routine appointment",
    "high-risk prescribing",
    "staff sickness absence",
    "clinical waste and its carbon",
    "missed outpatient appointments",
    "four-hour waits in A&E",
    "patients losing weight",
    "delirium in people with dementia",
    "door-to-needle time for stroke",
    "asthma admissions in children",
    "admissions from care homes",
    "time to diagnosis of cancer",
    "readmissions with COPD",
    "late starts in theatre",
    "paper referrals",
    "on the acute medical unit",
    "on the orthopaedic wards",
    "in community nursing",
    "across our GP practices",
    "in the children's unit",
    "in our care homes",
    "a virtual ward",
    "a crisis café",
];
/// What a draft's aim and problem are made of, besides the title's phrases.
const AIM_PHRASES: &[&str] = &[
    "Reduce",
    "by 30% by March 2027",
    "by half within a year",
    "so that fewer patients come to harm",
    "for people over 65",
    "measured each week on the run chart",
    "through a daily safety huddle",
    "with a checklist at handover",
    "working with families and carers",
    "using the early warning score",
    "with the pharmacy team",
    "across the whole division",
    "in every ward of the hospital",
    "while keeping length of stay the same",
    "Too many patients",
    "Staff told us",
    "The audit showed",
];
const SCORES: &[f64] = &[1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0];

/// Words of random `phrases`, between `least` and `most` of them.
fn words_of(rng: &mut StdRng, phrases: &[&[&str]], least: usize, most: usize) -> String {
    let wanted = rng.gen_range(least..=most);
    let mut words: Vec<&str> = Vec::with_capacity(wanted + 8);
    while words.len() < wanted {
        let Some(list) = phrases.choose(rng) else {
            break;
        };
        let Some(phrase) = list.choose(rng) else {
            break;
        };
        words.extend(phrase.split_whitespace());
    }
    words.truncate(wanted);
    words.join(" ")
}

/// A draft of a new project, as someone writes it before the finder answers.
fn draft(rng: &mut StdRng) -> Value {
    let title = words_of(rng, &[TITLE_PHRASES], 4, 8);
    let aim = words_of(rng, &[AIM_PHRASES, TITLE_PHRASES], 10, 20);
    let problem = if rng.gen_bool(0.5) {
        words_of(rng, &[AIM_PHRASES, TITLE_PHRASES], 6, 25)
    } else {
        String::new()
    };
    json!({"title": title, "problem": problem, "aim": aim})
}

/// A search's query string, as people use the search page: a word or a few, sometimes a
/// filter, usually the first page.
fn search_query(rng: &mut StdRng, world: &World) -> Vec<(&'static str, String)> {
    let count = match rng.gen_range(0..10) {
        0..=4 => 1,
        5..=7 => 2,
        _ => 3,
    };
    let mut words: Vec<&str> = Vec::with_capacity(count);
    while words.len() < count {
        if let Some(word) = WORDS.choose(rng)
            && !words.contains(word)
        {
            words.push(word);
        }
    }
    let mut query = vec![("q", words.join(" "))];
    if rng.gen_bool(0.2)
        && let Some(status) = STATUSES.choose(rng)
    {
        query.push(("status", (*status).to_owned()));
    }
    if rng.gen_bool(0.2)
        && let Some(theme) = THEMES.choose(rng)
    {
        query.push(("theme", (*theme).to_owned()));
    }
    if rng.gen_bool(0.1)
        && let Some(organisation) = world.organisations.choose(rng)
    {
        query.push(("organisation_id", organisation.to_string()));
    }
    let page = match rng.gen_range(0..20) {
        0..=11 => 1,
        12..=16 => 2,
        _ => 3,
    };
    if page > 1 {
        query.push(("page", page.to_string()));
    }
    if rng.gen_bool(0.2) {
        query.push(("per_page", "50".to_owned()));
    }
    query
}

/// A random read as `person`: a search, the finder for a draft, or a project's similar work.
fn read_request(rng: &mut StdRng, world: &World, person: usize) -> (Kind, reqwest::RequestBuilder) {
    let (token, _) = &world.people[person % world.people.len()];
    let base = &world.base;
    let (kind, request) = match rng.gen_range(0..4) {
        0 | 1 => (
            Kind::Search,
            world.client.get(format!(
                "{base}/api/v1/search?{}",
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(search_query(rng, world))
                    .finish()
            )),
        ),
        2 => (
            Kind::Draft,
            world.client.post(&world.draft_url).json(&draft(rng)),
        ),
        _ => (
            Kind::Related,
            world.client.get(format!(
                "{base}/api/v1/projects/{}/similar",
                rng.gen_range(1..=world.projects)
            )),
        ),
    };
    (kind, request.bearer_auth(token))
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
    sample_at(kind, status, due, start)
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

/// One reader: requests back to back as `person` until `stop`.
async fn reader(
    world: Arc<World>,
    person: usize,
    seed: u64,
    start: Instant,
    stop: Arc<AtomicBool>,
) -> Vec<Sample> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut samples = Vec::with_capacity(16_384);
    while !stop.load(Ordering::Relaxed) {
        let (kind, request) = read_request(&mut rng, &world, person);
        let now = Instant::now();
        samples.push(timed(kind, now, start, request).await);
    }
    samples
}

/// One write, as the admin: a score change, or an edit that gives a project a new problem.
async fn write(world: Arc<World>, seed: u64, due: Instant, start: Instant) -> Sample {
    let mut rng = StdRng::seed_from_u64(seed);
    let base = &world.base;
    let id = rng.gen_range(1..=world.projects);
    if rng.gen_bool(0.5) {
        let score = SCORES.choose(&mut rng).copied().unwrap_or(2.0);
        let request = world
            .client
            .post(format!("{base}/api/v1/projects/{id}/scores"))
            .bearer_auth(&world.admin)
            .json(&json!({"score": score, "reason": "Reviewed at the load test's huddle"}));
        return timed(Kind::Score, due, start, request).await;
    }
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
        Ok(response) => return sample_at(Kind::Edit, response.status().as_u16(), due, start),
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
    // New words, so the edit moves postings (a change that keeps the text keeps them).
    input.problem = words_of(&mut rng, &[AIM_PHRASES, TITLE_PHRASES], 8, 30);
    let request = world
        .client
        .put(format!("{base}/api/v1/projects/{id}"))
        .bearer_auth(&world.admin)
        .header("If-Match", format!("\"{version}\""))
        .json(&input);
    timed(Kind::Edit, due, start, request).await
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
                    timed(Kind::Health, due, start, request).await
                }
                Open::Reads => {
                    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(n));
                    let person = rng.gen_range(0..world.people.len());
                    let (kind, request) = read_request(&mut rng, &world, person);
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

/// Runs one phase: the readers, the writer at `writes` a second and the health probe, for
/// `--warm-up` and `--seconds`; the samples of the measured part, timed from its start.
async fn phase(world: &Arc<World>, args: &Args, writes: f64) -> Vec<Sample> {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::new();
    if let Some(rate) = args.read_rate {
        tasks.push(tokio::spawn(open_loop(
            world.clone(),
            rate,
            rand::random(),
            start,
            stop.clone(),
            Open::Reads,
        )));
    } else {
        for person in 0..args.connections {
            tasks.push(tokio::spawn(reader(
                world.clone(),
                person,
                rand::random(),
                start,
                stop.clone(),
            )));
        }
    }
    for (rate, what) in [(writes, Open::Writes), (20.0, Open::Health)] {
        tasks.push(tokio::spawn(open_loop(
            world.clone(),
            rate,
            rand::random(),
            start,
            stop.clone(),
            what,
        )));
    }
    let warm_up = Duration::from_secs(args.warm_up);
    let measured = Duration::from_secs(args.seconds);
    tokio::time::sleep(warm_up + measured).await;
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap_or_default());
    }
    // Only what finished inside the measured part (requests still under way at the end are
    // counted when they finish, so cut there too).
    samples
        .into_iter()
        .filter(|s| s.at >= warm_up && s.at <= warm_up + measured)
        .map(|s| Sample {
            at: s.at - warm_up,
            ..s
        })
        .collect()
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

/// The statuses this load means to cause (a project the person may not see; the stale edits),
/// and the quantile the report shows between p50 and p99.
const EXPECTED: &[u16] = &[404, 412];
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

/// Signs the people in and finds how many projects there are.
async fn prepare(args: &Args) -> anyhow::Result<World> {
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(args.connections + 64)
        .build()?;
    let base = args.base.trim_end_matches('/').to_owned();
    let admin = sign_in(&client, &base, &args.admin_email, &args.admin_password).await?;
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
    // The named demo logins first (the member and the coach are in many bench teams), then one
    // person of each organisation in turn: each sees a different part of the register.
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
    if people.is_empty() {
        bail!("no one to sign in but the admin: seed the demo partnership first (qi seed-demo)");
    }
    let distinct: BTreeSet<i64> = people.iter().map(|p| p.1).collect();
    // The greatest project id: the admin sees every project, and the bench's ids have no gaps.
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
        // `low` exists and `high` does not.
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
    let draft_url = draft_url(&client, &base, &admin).await?;
    eprintln!(
        "signed in {} people of {} organisations; {total} projects; drafts to {draft_url}",
        people.len(),
        distinct.len(),
    );
    Ok(World {
        base,
        client,
        admin,
        people,
        organisations,
        projects: total,
        draft_url,
    })
}

/// The finder for a draft: `POST /search/similar` on later servers, `POST /projects/similar`
/// on the first; whichever this one answers, so the tool measures either.
async fn draft_url(client: &Client, base: &str, admin: &str) -> anyhow::Result<String> {
    let mut rng = StdRng::seed_from_u64(0);
    for path in ["/api/v1/search/similar", "/api/v1/projects/similar"] {
        let url = format!("{base}{path}");
        let response = client
            .post(&url)
            .bearer_auth(admin)
            .json(&draft(&mut rng))
            .send()
            .await?;
        if response.status().is_success() {
            return Ok(url);
        }
    }
    bail!("neither /api/v1/search/similar nor /api/v1/projects/similar finds similar work")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let world = Arc::new(prepare(&args).await?);
    let readers = match args.read_rate {
        Some(rate) => format!("{rate} reads/s"),
        None => format!("{} readers", args.connections),
    };
    println!("{}", header("404/412", MIDDLE));
    for rate in &args.writes {
        let load = load_average();
        let samples = phase(&world, &args, *rate).await;
        let what = format!("{readers}, {rate} writes/s (load {load})");
        let label = if args.label.is_empty() {
            what
        } else {
            format!("{} {what}", args.label)
        };
        report(
            &label,
            &samples,
            Duration::from_secs(args.seconds).as_secs_f64(),
        );
        if let Some(pid) = args.server_pid {
            eprintln!(
                "server memory after {label}: resident {} MiB, of which anonymous {} MiB",
                resident_kib(pid, "VmRSS:") / 1024,
                resident_kib(pid, "RssAnon:") / 1024
            );
        }
    }
    Ok(())
}
