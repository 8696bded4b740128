//! What the load examples share: signing in, reading JSON, the machine's load, and the tallies
//! their reports are made of. Each example includes it (`#[path = "common/mod.rs"] mod common;`),
//! as Cargo builds every top-level file of `examples/` as a program of its own.

#![allow(dead_code)] // Each example uses part of it.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use reqwest::Client;
use serde_json::{Value, json};

/// The load average over 1, 5 and 15 minutes, as `/proc/loadavg` says.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The `q`-th quantile of sorted times in µs, in ms.
pub fn quantile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    f64::from(sorted[index]) / 1000.0
}

/// The answers to one kind of request: their times, and how many had each status.
pub struct Tally {
    times: Vec<u32>,
    /// Statuses the load means to cause (a deleted comment's 404, an edit's 412): not errors.
    expected_statuses: &'static [u16],
    /// The quantile between the median and p99 that the report shows (0.90 or 0.95).
    middle: f64,
    expected: u64,
    errors: u64,
    statuses: BTreeMap<u16, u64>,
}

impl Tally {
    pub fn new(expected_statuses: &'static [u16], middle: f64) -> Self {
        Self {
            times: Vec::new(),
            expected_statuses,
            middle,
            expected: 0,
            errors: 0,
            statuses: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// One answer: its status (0: none) and its time in µs.
    pub fn add(&mut self, status: u16, micros: u32) {
        self.times.push(micros);
        *self.statuses.entry(status).or_default() += 1;
        match status {
            200..=299 => {}
            s if self.expected_statuses.contains(&s) => self.expected += 1,
            _ => self.errors += 1,
        }
    }

    /// A row of the report's table (see [`header`]).
    pub fn row(&mut self, label: &str, what: &str, seconds: f64) -> String {
        self.times.sort_unstable();
        let others: Vec<String> = self
            .statuses
            .iter()
            .filter(|(s, _)| !matches!(**s, 200..=299))
            .map(|(s, n)| match s {
                0 => format!("{n}×none"),
                s => format!("{n}×{s}"),
            })
            .collect();
        format!(
            "| {label} | {what} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.1} | {} | {} | {} |",
            self.times.len(),
            self.times.len() as f64 / seconds,
            quantile(&self.times, 0.50),
            quantile(&self.times, self.middle),
            quantile(&self.times, 0.99),
            quantile(&self.times, 1.0),
            self.expected,
            self.errors,
            others.join(" "),
        )
    }
}

/// The report table's header, for tallies made with `expected` and `middle`.
pub fn header(expected: &str, middle: f64) -> String {
    format!(
        "| run | requests | n | per s | p50 ms | p{:.0} ms | p99 ms | max ms | expected {expected} | errors | non-2xx by status |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        middle * 100.0
    )
}

/// Signs in; the access token.
pub async fn sign_in(
    client: &Client,
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("signing in {email}: {}", response.status());
    }
    let body: Value = response.json().await?;
    body["access_token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no access token for {email}"))
}

/// A GET's JSON answer; an error for any status but 2xx.
pub async fn get_json(client: &Client, url: String, token: &str) -> anyhow::Result<Value> {
    let response = client.get(&url).bearer_auth(token).send().await?;
    if !response.status().is_success() {
        bail!("GET {url}: {}", response.status());
    }
    Ok(response.json().await?)
}
