//! Bench data and timings for the dashboard (`scripts/bench-dashboard.sh`); not part of the
//! server.
//!
//!   QI_DATABASE_URL=sqlite://bench.db cargo run --release --example bench_dashboard -- measures 20000
//!   cargo run --release --example bench_dashboard -- http http://127.0.0.1:18091 200
//!
//! `measures N`: gives N of the projects already there (the bench projects) an outcome measure
//! of 24 monthly values each, about a third of them stepping up after their first year, so the
//! metrics that judge measures by their SPC rules have work to do. Deterministic.
//!
//! `http BASE RUNS`: signs in the demo partnership admin and asks, one after another, the
//! partnership's dashboard, one organisation's (a different one each time), a metric's 36-month
//! series (a different metric each time) and the comparison table, each for RUNS distinct
//! "as of" days (today, then a day earlier each run), so no two requests count the same thing.
//! Prints p50, p99 and the slowest of each. Then the partnership's and one organisation's again
//! for RUNS days not asked before, while another person (the demo QI lead) sets and removes a
//! tier override twice a second (each write changes the facts, so the node reads them again in
//! the background, on the same cores). The
//! first request reads the facts from the database; it is reported apart (the read), and so is
//! the admin's request after a write of their own (which waits for the facts to be read again).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use chrono::{Days, Months, Utc};
use qi_api::db::{
    self,
    entity::{measure, measure_point, project},
};
use qi_shared::{
    dashboard::Metric,
    measure::{Frequency, MeasureType, Unit},
    spc::ImprovementDirection,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{ActiveValue::Set, EntityTrait, QuerySelect, TransactionTrait};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("measures") => {
            let n: usize = args.get(1).map_or(Ok(20_000), |a| a.parse())?;
            measures(n).await
        }
        Some("http") => {
            let base = args.get(1).context("the server's address")?;
            let runs: usize = args.get(2).map_or(Ok(200), |a| a.parse())?;
            http(base, runs).await
        }
        _ => bail!("usage: bench_dashboard measures N | http BASE RUNS"),
    }
}

async fn measures(n: usize) -> anyhow::Result<()> {
    let url = std::env::var("QI_DATABASE_URL").context("set QI_DATABASE_URL")?;
    let db = db::connect(&url, 2).await?;
    let projects: Vec<(i64, i64)> = project::Entity::find()
        .select_only()
        .columns([project::Column::Id, project::Column::CreatedBy])
        .into_tuple()
        .all(&db)
        .await?;
    if projects.len() < n {
        bail!("add the bench projects first ({} projects)", projects.len());
    }
    let mut rng = StdRng::seed_from_u64(15);
    let now = Utc::now();
    let first = Utc::now().date_naive() - Days::new(3 * 365);
    let started = Instant::now();
    let txn = db.begin().await?;
    let step = projects.len() / n;
    let mut measures = Vec::new();
    let mut points = Vec::new();
    // Ids far above the demo's, so the bench's measures never meet the server's own.
    let chosen = projects.iter().step_by(step.max(1)).take(n).enumerate();
    for (id, (i, (project_id, by))) in (1_000_000_001_i64..).zip(chosen) {
        measures.push(measure::ActiveModel {
            id: Set(id),
            project_id: Set(*project_id),
            name: Set(format!("Bench outcome {i}")),
            measure_type: Set(MeasureType::Outcome),
            operational_definition: Set("Falls per 1,000 occupied bed days".to_owned()),
            unit: Set(Unit::Rate),
            rate_per: Set(Some(1000)),
            numerator_definition: Set(String::new()),
            denominator_definition: Set(String::new()),
            improvement_direction: Set(ImprovementDirection::Decrease),
            target: Set(None),
            frequency: Set(Frequency::Monthly),
            version: Set(1),
            created_by: Set(*by),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let start = first + Days::new(rng.gen_range(0..700));
        let steps = i % 3 == 0;
        for m in 0..24u32 {
            let Some(date) = start.checked_add_months(Months::new(m)) else {
                continue;
            };
            let base = if steps && m >= 12 { 5.0 } else { 8.0 };
            points.push(measure_point::ActiveModel {
                measure_id: Set(id),
                period_date: Set(date),
                value: Set(Some(base + rng.gen_range(-1.0..1.0))),
                numerator: Set(None),
                denominator: Set(None),
                note: Set(String::new()),
                ..Default::default()
            });
        }
    }
    for chunk in measures.chunks(1000) {
        measure::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in points.chunks(2000) {
        measure_point::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    println!(
        "added {} outcome measures with {} points in {:.1} s",
        measures.len(),
        points.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// One row of a table of timings: p50, p99 and the slowest, in milliseconds, and the body's size.
fn print_row(label: &str, mut times: Vec<Duration>, size: usize) {
    times.sort();
    println!(
        "| {label} | {:.1} | {:.1} | {:.1} | {} |",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
        size / 1024
    );
}

/// The path of the `i`th request of a kind.
type PathOf = Box<dyn Fn(usize) -> String>;

async fn http(base: &str, runs: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "admin@demo.qicommons.org", "password": "demo-admin-password"}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("signed in")?
        .to_owned();
    let get = |path: String| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            let started = Instant::now();
            let answer = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await?;
            let status = answer.status();
            let body = answer.bytes().await?;
            if !status.is_success() {
                bail!("{path}: {status} {}", String::from_utf8_lossy(&body));
            }
            anyhow::Ok((started.elapsed(), body.len()))
        }
    };
    let orgs: Value = client
        .get(format!("{base}/api/v1/organisations?per_page=100"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let org_ids: Vec<i64> = orgs["items"]
        .as_array()
        .context("organisations")?
        .iter()
        .filter_map(|o| o["id"].as_i64())
        .collect();
    let today = Utc::now().date_naive();
    let day = move |i: usize| today - Days::new(i as u64 + 1);

    let (read, _) = get(format!("/api/v1/dashboard?as_of={today}")).await?;
    println!(
        "| first request (reads the facts, counts the partnership) | {:.0} ms |",
        read.as_secs_f64() * 1000.0
    );
    let kinds: [(&str, PathOf); 4] = [
        (
            "partnership overview",
            Box::new(move |i| format!("/api/v1/dashboard?as_of={}", day(i))),
        ),
        (
            "one organisation's overview",
            Box::new({
                let org_ids = org_ids.clone();
                move |i| {
                    let org = org_ids.get(i % org_ids.len().max(1)).copied().unwrap_or(1);
                    format!("/api/v1/dashboard?organisation_id={org}&as_of={}", day(i))
                }
            }),
        ),
        (
            "a metric's 36-month series",
            Box::new(move |i| {
                let metric = Metric::ALL
                    .get(i % Metric::ALL.len())
                    .copied()
                    .unwrap_or(Metric::PeopleLearn);
                format!(
                    "/api/v1/dashboard/metrics/{}?as_of={}",
                    metric.as_str(),
                    day(i)
                )
            }),
        ),
        (
            "organisations compared",
            Box::new(move |i| format!("/api/v1/dashboard/organisations?as_of={}", day(i))),
        ),
    ];
    println!("| request ({runs} distinct days each) | p50 ms | p99 ms | slowest ms | body KiB |");
    println!("| --- | --- | --- | --- | --- |");
    for (label, path) in &kinds {
        let mut times = Vec::with_capacity(runs);
        let mut size = 0;
        for i in 0..runs {
            let (t, bytes) = get(path(i)).await?;
            times.push(t);
            size = bytes;
        }
        print_row(label, times, size);
    }
    // The board pack as a PDF with 20 chosen project measures, for distinct months.
    let choices: Value = client
        .get(format!("{base}/api/v1/dashboard/board-pack/measures"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let measure_ids: Vec<i64> = choices["candidates"]
        .as_array()
        .context("the measures that may be chosen")?
        .iter()
        .filter_map(|m| m["measure_id"].as_i64())
        .take(20)
        .collect();
    let chose = client
        .put(format!("{base}/api/v1/dashboard/board-pack/measures"))
        .bearer_auth(&token)
        .json(&json!({"organisation_id": null, "measure_ids": measure_ids}))
        .send()
        .await?;
    if !chose.status().is_success() {
        bail!("choosing the pack's measures: {}", chose.status());
    }
    // The choice was a write by this reader: the first pack waits for the facts to be read.
    let month = |i: usize| {
        today
            .checked_sub_months(Months::new(i as u32 + 1))
            .map(|d| d.format("%Y-%m").to_string())
            .unwrap_or_default()
    };
    get(format!("/api/v1/dashboard/board-pack?month={}", month(0))).await?;
    let months = runs.min(24);
    let mut times = Vec::with_capacity(months);
    let mut size = 0;
    for i in 0..months {
        let (t, bytes) = get(format!(
            "/api/v1/dashboard/board-pack/pdf?month={}",
            month(i)
        ))
        .await?;
        times.push(t);
        size = bytes;
    }
    let label = format!(
        "the board pack as a PDF, {} project measures ({months} distinct months)",
        measure_ids.len()
    );
    print_row(&label, times, size);

    // With writes going on: another person (the QI lead of Northmoor, an organisation admin)
    // moves the demo member up to Live and back twice a second (a tier override, set and
    // removed), while the same kinds are asked again for days not asked before. Each write
    // changes the facts, so the node reads them again in the background (at most every 5 s),
    // on the same cores.
    let sign_in = |email: &'static str| {
        let client = client.clone();
        async move {
            let answer: Value = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": email, "password": "demo-password"}))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(
                answer["access_token"]
                    .as_str()
                    .context("signed in")?
                    .to_owned(),
            )
        }
    };
    let member_token = sign_in("member@demo.qicommons.org").await?;
    let writer_token = sign_in("qi.lead@demo.qicommons.org").await?;
    let member: Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&member_token)
        .send()
        .await?
        .json()
        .await?;
    let override_path = format!(
        "{base}/api/v1/capability/people/{}/tier/override",
        member["id"].as_i64().context("the member's id")?
    );
    let writing = Arc::new(AtomicBool::new(true));
    let writes = Arc::new(AtomicUsize::new(0));
    let writer = tokio::spawn({
        let (client, writing, writes) = (client.clone(), writing.clone(), writes.clone());
        let override_path = override_path.clone();
        async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            let mut n = 0;
            while writing.load(Ordering::Relaxed) {
                tick.tick().await;
                n += 1;
                let sent = if n % 2 == 1 {
                    client
                        .put(&override_path)
                        .bearer_auth(&writer_token)
                        .json(&json!({"tier": "live", "reason": "Bench: leads a project"}))
                        .send()
                        .await
                } else {
                    client
                        .delete(&override_path)
                        .bearer_auth(&writer_token)
                        .send()
                        .await
                };
                if sent.is_ok_and(|r| r.status().is_success()) {
                    writes.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    println!();
    println!("With a write every 0.5 s by another person (a tier override set, then removed):");
    println!();
    println!("| request ({runs} distinct days each) | p50 ms | p99 ms | slowest ms | body KiB |");
    println!("| --- | --- | --- | --- | --- |");
    let started = Instant::now();
    for (label, path) in kinds.iter().take(2) {
        let mut times = Vec::with_capacity(runs);
        let mut size = 0;
        for i in 0..runs {
            let (t, bytes) = get(path(i + runs + 10)).await?;
            times.push(t);
            size = bytes;
        }
        print_row(label, times, size);
    }
    writing.store(false, Ordering::Relaxed);
    writer.await?;
    println!(
        "({} writes in {:.0} s)",
        writes.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    println!();

    // A write that changes the facts, by the reader (the admin moves the member up, then back):
    // their next request waits for the facts to be read again.
    for put in [true, false] {
        let request = if put {
            client
                .put(&override_path)
                .json(&json!({"tier": "live", "reason": "Bench: leads a project"}))
        } else {
            client.delete(&override_path)
        };
        let answer = request.bearer_auth(&token).send().await?;
        if !answer.status().is_success() {
            bail!("the admin's tier override: {}", answer.status());
        }
    }
    let (reread, _) = get(format!("/api/v1/dashboard?as_of={}", day(runs + 1))).await?;
    println!(
        "| the writer's next request, after their write (waits for the facts to be read again) | {:.0} ms |",
        reread.as_secs_f64() * 1000.0
    );
    Ok(())
}
