//! Bench data and timings for the tier counts: adds people, training (courses, cohorts,
//! sessions, enrolments, attendance: the training tables' contract columns) and their tier
//! periods to a database that already has the demo partnership (`qi seed-demo`), then times
//! `GET /api/v1/capability/tiers/counts`'s query (`db::capability::counts_at`) for several days.
//! Used by `scripts/bench-tiers.sh`; not part of the server.
//!
//!   QI_DATABASE_URL=sqlite://bench.db cargo run --release --example bench_tiers -- 50000 1000000 200
//!
//! Arguments: people (50,000), attendance records (1,000,000), runs per timing (200).
//! The people spread over the demo organisations; each enrols on two or three cohorts of
//! eight sessions (until the attendance records are made) and completes most past ones. Their
//! periods come from `qi_shared::capability::timeline` over those completions, a project membership
//! for about half and coaching for a few, exactly as `facts_changed` builds a first history.
//! Deterministic: the same arguments give the same data.
//!
//! Measured 2026-12-01 (debug build, 2 shared cores, another build running; 32,006 periods,
//! 24,588 people holding a tier today), p50 / p99 over 200 runs for days from a year ago to
//! today: all organisations SQLite 20-34 ms / 44-64 ms, PostgreSQL 14-15 ms / 20-30 ms; one
//! organisation about 1.3 ms / 2-6 ms on both. PostgreSQL scans the table (most rows match).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate, TimeDelta, Utc};
use qi_api::db::{
    self,
    capability::{self, counts_at, end_of, start_of},
    entity::{capability::tier_period, organisation, person},
};
use qi_shared::{
    capability::{CompletedCourse, Membership, Tier, TierFacts, TierRules, TierSource, timeline},
    person::PersonStatus,
    project::{ProjectStatus, TeamRole},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
};

const SESSIONS_PER_COHORT: u64 = 8;
const COHORTS: i64 = 300;
const COURSES: &[(&str, Tier)] = &[
    ("QI Fundamentals", Tier::Learn),
    ("QI e-learning: the Model for Improvement", Tier::Learn),
    ("Improvement Practitioner", Tier::Live),
    ("Measurement for Improvement", Tier::Live),
    ("QI Coach Development", Tier::Lead),
    ("Faculty: teaching QI", Tier::Lead),
];

/// The next id of a table (the bench writes ids itself, to link rows without reading them back).
async fn next_id(db: &impl ConnectionTrait, table: &'static str) -> anyhow::Result<i64> {
    let row = db
        .query_one(
            &Query::select()
                .expr_as(Expr::col("id").max(), "m")
                .from(table)
                .to_owned(),
        )
        .await?;
    let max: Option<i64> = match row {
        Some(row) => row.try_get("", "m")?,
        None => None,
    };
    Ok(max.unwrap_or(0) + 1)
}

/// Inserts rows of plain values into `table`, a few thousand values at a time.
async fn insert_rows(
    db: &impl ConnectionTrait,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<SimpleExpr>>,
) -> anyhow::Result<()> {
    let per = (30_000 / columns.len()).max(1);
    for chunk in rows.chunks(per) {
        let mut insert = Query::insert()
            .into_table(table)
            .columns(columns.iter().copied())
            .to_owned();
        for row in chunk {
            insert
                .values(row.clone())
                .context("a row of the right width")?;
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| -> anyhow::Result<u64> {
        args.get(i)
            .map(|a| a.parse::<u64>())
            .transpose()
            .context("a whole number")
            .map(|n| n.unwrap_or(default))
    };
    let (people_n, attendance_n, runs) = (arg(0, 50_000)?, arg(1, 1_000_000)?, arg(2, 200)?);
    let url = std::env::var("QI_DATABASE_URL").context("set QI_DATABASE_URL")?;
    let db = db::connect(&url, 2).await?;
    db::migrate(&db).await?;
    let organisations: Vec<i64> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .filter(organisation::Column::ArchivedAt.is_null())
        .into_tuple()
        .all(&db)
        .await?;
    if organisations.len() < 2 {
        bail!("seed the demo partnership first: qi seed-demo");
    }
    let now = Utc::now();
    let today = now.date_naive();
    let two_years_ago = today - Days::new(730);
    let mut rng = StdRng::seed_from_u64(6);
    let started = Instant::now();
    let txn = db.begin().await?;

    // People, in the organisations with a skew (the first ones are the big trusts).
    let first_person = next_id(&txn, "people").await?;
    let mut people = Vec::with_capacity(people_n as usize);
    let mut rows = Vec::with_capacity(people_n as usize);
    for i in 0..people_n as i64 {
        let (a, b) = (
            rng.gen_range(0..organisations.len()),
            rng.gen_range(0..organisations.len()),
        );
        let org = organisations[a.min(b)];
        let id = first_person + i;
        people.push((id, org));
        let email = format!("bench{i}@bench.example.org");
        rows.push(person::ActiveModel {
            id: Set(id),
            name: Set(format!("Bench Person {i}")),
            email: Set(email.clone()),
            email_normalised: Set(email),
            organisation_id: Set(org),
            job_role: Set("Staff nurse".to_owned()),
            expertise: Set(String::new()),
            status: Set(PersonStatus::Active),
            password_hash: Set(None),
            access_stamp: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    for chunk in rows.chunks(2000) {
        person::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }

    // Courses, cohorts over the last two years, and their sessions.
    let first_course = next_id(&txn, "courses").await?;
    insert_rows(
        &txn,
        "courses",
        &[
            "id",
            "title",
            "tier",
            "provider_organisation_id",
            "description",
            "length_hours",
            "delivery",
            "attendance_percent",
            "created_at",
            "updated_at",
        ],
        COURSES
            .iter()
            .enumerate()
            .map(|(i, (title, tier))| {
                vec![
                    (first_course + i as i64).into(),
                    format!("{title} (bench)").into(),
                    tier.as_str().into(),
                    organisations[0].into(),
                    "".into(),
                    6.0.into(),
                    "face_to_face".into(),
                    75.into(),
                    now.into(),
                    now.into(),
                ]
            })
            .collect(),
    )
    .await?;
    let first_cohort = next_id(&txn, "cohorts").await?;
    let first_session = next_id(&txn, "cohort_sessions").await?;
    // (course index, end date, first session id)
    let mut cohorts = Vec::new();
    let (mut cohort_rows, mut session_rows) = (Vec::new(), Vec::new());
    for c in 0..COHORTS {
        let course = (c as usize * 7) % COURSES.len();
        let start = two_years_ago + Days::new((c as u64 * 797) % 700);
        let end = start + Days::new(SESSIONS_PER_COHORT * 7);
        let id = first_cohort + c;
        let session0 = first_session + c * SESSIONS_PER_COHORT as i64;
        cohorts.push((course, end, session0));
        cohort_rows.push(vec![
            id.into(),
            (first_course + course as i64).into(),
            format!("Bench wave {c}").into(),
            start.into(),
            end.into(),
            "Education centre".into(),
            "".into(),
            40.into(),
            false.into(),
            false.into(),
            0.into(),
            now.into(),
        ]);
        for s in 0..SESSIONS_PER_COHORT {
            session_rows.push(vec![
                (session0 + s as i64).into(),
                id.into(),
                (start_of(start + Days::new(s * 7)) + TimeDelta::hours(9)).into(),
                format!("Session {}", s + 1).into(),
                180.into(),
            ]);
        }
    }
    insert_rows(
        &txn,
        "cohorts",
        &[
            "id",
            "course_id",
            "name",
            "start_date",
            "end_date",
            "venue",
            "online_link",
            "capacity",
            "partnership_wide",
            "places_released",
            "enrol_seq",
            "created_at",
        ],
        cohort_rows,
    )
    .await?;
    insert_rows(
        &txn,
        "cohort_sessions",
        &["id", "cohort_id", "starts_at", "title", "length_minutes"],
        session_rows,
    )
    .await?;

    // Enrolments and attendance until the records are made; completions become the facts.
    let first_enrolment = next_id(&txn, "enrolments").await?;
    let mut facts: Vec<TierFacts> = vec![TierFacts::default(); people.len()];
    let (mut enrolments, mut attendance) = (Vec::new(), Vec::new());
    let mut made = 0_u64;
    // A person enrols on a cohort once (the enrolments' unique key).
    let mut chosen = std::collections::HashSet::new();
    'people: for round in 0..3 {
        for (i, (person_id, org)) in people.iter().enumerate() {
            if made >= attendance_n {
                break 'people;
            }
            if round == 2 && i % 2 == 0 {
                continue;
            }
            let c = rng.gen_range(0..COHORTS) as usize;
            if !chosen.insert((i, c)) {
                continue;
            }
            let (course, end, session0) = cohorts[c];
            let done = end < today && rng.gen_bool(0.75);
            let id = first_enrolment + enrolments.len() as i64;
            enrolments.push(vec![
                id.into(),
                (first_cohort + c as i64).into(),
                (*person_id).into(),
                (*org).into(),
                if done { "completed" } else { "enrolled" }.into(),
                if done { Some(end) } else { None }.into(),
                id.into(),
                (*person_id).into(),
                now.into(),
                now.into(),
            ]);
            if done {
                facts[i].completions.push(CompletedCourse {
                    title: COURSES[course].0.to_owned(),
                    tier: COURSES[course].1,
                    completed_on: end,
                });
            }
            for s in 0..SESSIONS_PER_COHORT as i64 {
                attendance.push(vec![
                    (session0 + s).into(),
                    (*person_id).into(),
                    rng.gen_bool(0.85).into(),
                    (*person_id).into(),
                    now.into(),
                ]);
            }
            made += SESSIONS_PER_COHORT;
        }
    }
    let enrolment_count = enrolments.len();
    insert_rows(
        &txn,
        "enrolments",
        &[
            "id",
            "cohort_id",
            "person_id",
            "organisation_id",
            "status",
            "completed_on",
            "seq",
            "enrolled_by",
            "created_at",
            "updated_at",
        ],
        enrolments,
    )
    .await?;
    // A person enrolled twice on one cohort attends its sessions once.
    attendance.sort_by_key(|row| format!("{row:?}"));
    let mut seen = std::collections::HashSet::new();
    attendance.retain(|row| seen.insert(format!("{:?}{:?}", row[0], row[1])));
    let attendance_count = attendance.len();
    insert_rows(
        &txn,
        "attendance",
        &[
            "session_id",
            "person_id",
            "present",
            "recorded_by",
            "recorded_at",
        ],
        attendance,
    )
    .await?;

    // Projects for about half, coaching for a few; then each person's periods.
    let rules = TierRules::default();
    let mut periods = Vec::new();
    for (i, (person_id, org)) in people.iter().enumerate() {
        let f = &mut facts[i];
        if rng.gen_bool(0.5) {
            let on = two_years_ago + Days::new(rng.gen_range(0..730));
            f.memberships.push(Membership {
                project_id: 0,
                role: TeamRole::Member,
                statuses: vec![(ProjectStatus::Active, on)],
            });
        }
        if rng.gen_bool(0.05) {
            for _ in 0..rng.gen_range(1..6) {
                f.sessions_given
                    .push(two_years_ago + Days::new(rng.gen_range(0..730)));
            }
        }
        let mut previous: Option<usize> = None;
        for (day, assessment) in timeline(f, &rules, today) {
            if let Some(p) = previous {
                let row: &mut tier_period::ActiveModel = &mut periods[p];
                row.valid_to = Set(Some(start_of(day)));
            }
            previous = None;
            if let Some(tier) = assessment.tier {
                previous = Some(periods.len());
                periods.push(tier_period::ActiveModel {
                    person_id: Set(*person_id),
                    organisation_id: Set(*org),
                    tier: Set(tier),
                    reasons: Set(serde_json::to_string(&assessment.reasons)?),
                    source: Set(TierSource::Derived),
                    valid_from: Set(start_of(day)),
                    valid_to: Set(None),
                    ..Default::default()
                });
            }
        }
    }
    let period_count = periods.len();
    for chunk in periods.chunks(3000) {
        tier_period::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    // Fresh statistics, as a live database would have.
    db.execute_unprepared("ANALYZE").await?;
    println!(
        "added {people_n} people, {enrolment_count} enrolments, {attendance_count} attendance records and {period_count} tier periods in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    // The counts as of several days, for the partnership and for one organisation.
    let days: Vec<NaiveDate> = [730, 365, 180, 90, 30, 0]
        .iter()
        .map(|d| today - Days::new(*d))
        .collect();
    let one = people.first().map(|p| p.1);
    for organisation_id in [None, one] {
        for day in &days {
            let at = end_of(*day);
            let mut times = Vec::with_capacity(runs as usize);
            let mut total = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let counts = counts_at(&db, at, organisation_id).await?;
                times.push(t.elapsed());
                total = counts.values().map(|c| c.total()).sum::<u64>();
            }
            times.sort();
            println!(
                "counts as of {day} ({}): {total} people with a tier; p50 {:.2} ms, p99 {:.2} ms over {runs} runs",
                organisation_id.map_or("all organisations".to_owned(), |o| format!(
                    "organisation {o}"
                )),
                percentile(&times, 0.5).as_secs_f64() * 1000.0,
                percentile(&times, 0.99).as_secs_f64() * 1000.0,
            );
        }
    }

    // A rule change derives everyone's tier again (PUT /api/v1/capability/rules), in one
    // transaction as the handler does; rolled back, so another run finds the same data.
    let partnership_id = organisation::Entity::find_by_id(organisations[0])
        .one(&db)
        .await?
        .map(|o| o.partnership_id)
        .context("the demo partnership")?;
    for (label, rules) in [
        (
            "Lead needs 5 coaching sessions",
            TierRules {
                lead_min_coaching_sessions: 5,
                ..TierRules::default()
            },
        ),
        (
            "Learn needs a Live-tier course",
            TierRules {
                learn_course_tiers: vec![Tier::Live],
                ..TierRules::default()
            },
        ),
    ] {
        let txn = db.begin().await?;
        let t = Instant::now();
        capability::save_rules(&txn, partnership_id, &rules, 1, now).await?;
        let changed = capability::refresh_everyone(&txn, partnership_id, now).await?;
        let took = t.elapsed();
        txn.rollback().await?;
        println!(
            "rule change ({label}): {changed} people's tiers changed, {:.2} s",
            took.as_secs_f64()
        );
    }
    Ok(())
}
