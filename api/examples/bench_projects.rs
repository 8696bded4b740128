//! Bench data: adds many improvement projects to a database that already has the demo
//! partnership (`qi seed-demo`), written straight to the tables in large batches. Used by
//! `scripts/bench-projects.sh`; not part of the server.
//!
//!   QI_DATABASE_URL=sqlite://bench.db cargo run --release --example bench_projects -- 100000
//!
//! The projects spread like a real register: led by organisations in proportion to their staff,
//! a mix of statuses, visibilities and scores, one to three themes each (some far more common
//! than others), a team from the lead's organisation, partner organisations on some and an adoption
//! by another organisation (at a dated stage) on one in twenty. The demo member
//! (member@demo.qicommons.org) is in the team of a few dozen and the demo
//! coach coaches a few hundred. Deterministic: the same count gives the same projects.

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Duration, Utc};
use qi_api::db::{
    self,
    entity::{
        adoption, adoption_stage, organisation, person, project, project_member,
        project_organisation, project_quality_dimension, project_score, project_status_change,
        project_tag,
    },
};
use qi_shared::project::{
    OrganisationPart, ProjectStatus, ProjectType, QualityDimension, Spread, TeamRole, Visibility,
};
use qi_shared::spread::AdoptionStage;
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
    sea_query::{Expr, Func},
};

/// Themes (tags) with how often they come up, and a topic for titles and aims.
const THEMES: &[(&str, u32, &str)] = &[
    ("falls", 60, "inpatient falls"),
    ("sepsis", 40, "time to antibiotics in sepsis"),
    ("flow", 70, "delays to discharge"),
    ("discharge", 50, "discharges before noon"),
    ("pressure ulcers", 35, "hospital-acquired pressure ulcers"),
    ("medication safety", 45, "omitted critical medicines"),
    ("deterioration", 30, "unrecognised deterioration"),
    (
        "end of life care",
        20,
        "unplanned deaths outside the preferred place",
    ),
    ("mental health", 40, "out-of-area placements"),
    ("diabetes", 30, "missed insulin doses"),
    ("frailty", 35, "length of stay for frail older people"),
    ("infection prevention", 25, "catheter-associated infections"),
    ("maternity", 20, "postpartum haemorrhage"),
    ("primary care access", 40, "waits for a routine appointment"),
    ("prescribing", 25, "high-risk prescribing"),
    ("staff wellbeing", 30, "staff sickness absence"),
    ("sustainability", 20, "clinical waste and its carbon"),
    ("outpatients", 30, "missed outpatient appointments"),
    (
        "emergency care",
        35,
        "four-hour waits in the emergency department",
    ),
    ("nutrition", 15, "patients losing weight on the ward"),
    ("dementia", 20, "delirium in people with dementia"),
    ("stroke", 15, "door-to-needle time for stroke"),
    (
        "children and young people",
        20,
        "asthma admissions in children",
    ),
    ("care homes", 20, "avoidable admissions from care homes"),
    ("learning disabilities", 10, "missed annual health checks"),
    ("cancer", 20, "time to diagnosis of cancer"),
    ("respiratory", 15, "readmissions with COPD"),
    ("theatres", 20, "late starts in theatre"),
    ("digital", 15, "paper referrals"),
    ("equity", 15, "unequal waits between neighbourhoods"),
];
const OPENINGS: &[&str] = &[
    "Reducing",
    "Cutting",
    "Fewer",
    "Tackling",
    "Preventing",
    "Halving",
];
const SETTINGS: &[&str] = &[
    "on the acute medical unit",
    "on the orthopaedic wards",
    "in older people's services",
    "across the surgical division",
    "in the emergency department",
    "in community nursing",
    "across our GP practices",
    "in the inpatient wards",
    "in the children's unit",
    "in our care homes",
];
const MONTHS: &[&str] = &["March", "June", "September", "December"];

fn pick_weighted<'a>(rng: &mut StdRng, themes: &'a [(&'a str, u32, &'a str)], total: u32) -> usize {
    let mut n = rng.gen_range(0..total);
    for (i, (_, weight, _)) in themes.iter().enumerate() {
        if n < *weight {
            return i;
        }
        n -= weight;
    }
    themes.len() - 1
}

fn any<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn pick<T: Copy>(rng: &mut StdRng, weights: &[(T, u32)]) -> T {
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    let mut n = rng.gen_range(0..total);
    for (value, weight) in weights {
        if n < *weight {
            return *value;
        }
        n -= weight;
    }
    weights[weights.len() - 1].0
}

#[derive(Default)]
struct Batch {
    projects: Vec<project::ActiveModel>,
    organisations: Vec<project_organisation::ActiveModel>,
    members: Vec<project_member::ActiveModel>,
    tags: Vec<project_tag::ActiveModel>,
    dimensions: Vec<project_quality_dimension::ActiveModel>,
    adoptions: Vec<adoption::ActiveModel>,
    stages: Vec<adoption_stage::ActiveModel>,
    statuses: Vec<project_status_change::ActiveModel>,
    scores: Vec<project_score::ActiveModel>,
}

/// Inserts `rows` a few hundred at a time (well inside SQLite's limit on bound values).
macro_rules! insert_all {
    ($db:expr, $entity:ty, $rows:expr, $per:expr) => {{
        let mut rows = std::mem::take(&mut $rows);
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min($per));
            <$entity>::insert_many(rows)
                .exec_without_returning($db)
                .await?;
            rows = rest;
        }
    }};
}

async fn write(db: &impl ConnectionTrait, batch: &mut Batch) -> anyhow::Result<()> {
    insert_all!(db, project::Entity, batch.projects, 1000);
    insert_all!(db, project_organisation::Entity, batch.organisations, 5000);
    insert_all!(db, project_member::Entity, batch.members, 5000);
    insert_all!(db, project_tag::Entity, batch.tags, 8000);
    insert_all!(
        db,
        project_quality_dimension::Entity,
        batch.dimensions,
        8000
    );
    insert_all!(db, project_status_change::Entity, batch.statuses, 5000);
    insert_all!(db, adoption::Entity, batch.adoptions, 2000);
    insert_all!(db, adoption_stage::Entity, batch.stages, 2000);
    insert_all!(db, project_score::Entity, batch.scores, 4000);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = std::env::var("QI_DATABASE_URL").context("set QI_DATABASE_URL")?;
    let db = db::connect(&url, 2).await?;
    db::migrate(&db).await?;
    let count: i64 = args
        .first()
        .map(|n| n.parse())
        .transpose()
        .context("the number of projects")?
        .unwrap_or(100_000);

    let people: Vec<(i64, i64, String)> = person::Entity::find()
        .select_only()
        .columns([
            person::Column::Id,
            person::Column::OrganisationId,
            person::Column::Email,
        ])
        .filter(person::Column::Status.eq("active"))
        .into_tuple()
        .all(&db)
        .await?;
    let organisations: Vec<i64> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .filter(organisation::Column::ArchivedAt.is_null())
        .into_tuple()
        .all(&db)
        .await?;
    if people.len() < 10 || organisations.len() < 2 {
        bail!("seed the demo partnership first: qi seed-demo");
    }
    let find = |email: &str| people.iter().find(|p| p.2 == email).map(|p| (p.0, p.1));
    let member = find("member@demo.qicommons.org");
    let coach = find("coach@demo.qicommons.org");
    let mut staff: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (id, org, _) in &people {
        staff.entry(*org).or_default().push(*id);
    }
    let max_id: Option<i64> = project::Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(project::Column::Id)))
        .into_tuple::<Option<i64>>()
        .one(&db)
        .await?
        .flatten();
    let first = max_id.unwrap_or(0) + 1;
    let mut adoption_id: i64 = adoption::Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(adoption::Column::Id)))
        .into_tuple::<Option<i64>>()
        .one(&db)
        .await?
        .flatten()
        .unwrap_or(0);

    let mut rng = StdRng::seed_from_u64(4);
    let total_weight: u32 = THEMES.iter().map(|t| t.1).sum();
    let now = Utc::now();
    let epoch = now - Duration::days(3 * 365);
    let span = (now - epoch).num_seconds();
    let started = Instant::now();
    let mut batch = Batch::default();
    let mut txn = db.begin().await?;
    for id in first..first + count {
        // The lead is anyone; their organisation leads (so big organisations lead more).
        let (lead, lead_org, _) = people[rng.gen_range(0..people.len())].clone();
        let mut theme_ids = vec![pick_weighted(&mut rng, THEMES, total_weight)];
        for _ in 0..rng.gen_range(0..3) {
            let other = pick_weighted(&mut rng, THEMES, total_weight);
            if !theme_ids.contains(&other) {
                theme_ids.push(other);
            }
        }
        let tags: Vec<&str> = theme_ids.iter().map(|i| THEMES[*i].0).collect();
        let topic = THEMES[theme_ids[0]].2;
        let setting = any(&mut rng, SETTINGS);
        let title = format!("{} {topic} {setting}", any(&mut rng, OPENINGS));
        let aim = format!(
            "Reduce {topic} by {}% {setting} by {} {}",
            rng.gen_range(2..10) * 5,
            any(&mut rng, MONTHS),
            rng.gen_range(2026..2029)
        );
        let status = pick(
            &mut rng,
            &[
                (ProjectStatus::Proposed, 15),
                (ProjectStatus::Active, 45),
                (ProjectStatus::Completed, 30),
                (ProjectStatus::Abandoned, 10),
            ],
        );
        let visibility = pick(
            &mut rng,
            &[
                (Visibility::Team, 10),
                (Visibility::Organisation, 25),
                (Visibility::Partnership, 50),
                (Visibility::Public, 15),
            ],
        );
        let spread = pick(
            &mut rng,
            &[
                (Spread::Unit, 50),
                (Spread::Organisation, 30),
                (Spread::Partnership, 15),
                (Spread::Beyond, 5),
            ],
        );
        let created_at = epoch + Duration::seconds(rng.gen_range(0..span));
        let updated_at =
            created_at + Duration::seconds(rng.gen_range(0..=(now - created_at).num_seconds()));
        let score = (status != ProjectStatus::Proposed && rng.gen_bool(0.8))
            .then(|| rng.gen_range(2..=10) * 5);
        let involvement = rng.gen_bool(0.3);
        let sustainability = rng.gen_bool(0.2);
        let project_type = pick(
            &mut rng,
            &[
                (ProjectType::QiProject, 75),
                (ProjectType::ClinicalAudit, 15),
                (ProjectType::ServiceEvaluation, 10),
            ],
        );
        let search_text = db::projects::search_text(&title, &aim, &tags);
        batch.projects.push(project::ActiveModel {
            id: Set(id),
            title: Set(title),
            problem: Set(format!("Too many {topic} {setting}.")),
            aim: Set(aim),
            lead_organisation_id: Set(lead_org),
            start_date: Set(Some(created_at.date_naive())),
            expected_end_date: Set(None),
            status: Set(status),
            involvement: Set(involvement),
            involvement_how: Set(if involvement {
                "A patient panel reviews each change".to_owned()
            } else {
                String::new()
            }),
            sustainability: Set(sustainability),
            sustainability_description: Set(String::new()),
            co2e_kg_per_year: Set(sustainability.then_some(1200.0)),
            money_per_year: Set(None),
            spread: Set(spread),
            visibility: Set(visibility),
            project_type: Set(project_type),
            score_tenths: Set(score),
            search_text: Set(search_text),
            version: Set(1),
            created_by: Set(lead),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
        });
        let mut orgs = vec![(lead_org, OrganisationPart::Lead)];
        if rng.gen_bool(0.2) {
            for _ in 0..rng.gen_range(1..=2) {
                let org = organisations[rng.gen_range(0..organisations.len())];
                if !orgs.iter().any(|(o, _)| *o == org) {
                    orgs.push((org, OrganisationPart::Partner));
                }
            }
        }
        // One project in twenty is adopted by another organisation (the spread network's
        // links), at a stage reached some days after it was recorded.
        if rng.gen_bool(0.05) {
            let org = organisations[rng.gen_range(0..organisations.len())];
            if !orgs.iter().any(|(o, _)| *o == org) {
                adoption_id += 1;
                batch.adoptions.push(adoption::ActiveModel {
                    id: Set(adoption_id),
                    project_id: Set(Some(id)),
                    innovation_id: Set(None),
                    organisation_id: Set(Some(org)),
                    outside_adopter: Set(None),
                    unit: Set(None),
                    adopting_project_id: Set(None),
                    created_by: Set(Some(lead)),
                    created_at: Set(created_at),
                    updated_at: Set(created_at),
                });
                let reached = (created_at
                    + Duration::days(rng.gen_range(0..=(now - created_at).num_days())))
                .date_naive();
                batch.stages.push(adoption_stage::ActiveModel {
                    adoption_id: Set(adoption_id),
                    stage: Set(pick(
                        &mut rng,
                        &[
                            (AdoptionStage::Considering, 15),
                            (AdoptionStage::Testing, 25),
                            (AdoptionStage::Adopted, 45),
                            (AdoptionStage::Sustained, 10),
                            (AdoptionStage::Dropped, 5),
                        ],
                    )),
                    stage_on: Set(reached),
                    note: Set(String::new()),
                    recorded_by: Set(Some(lead)),
                    recorded_at: Set(created_at),
                    ..Default::default()
                });
            }
        }
        for (organisation_id, kind) in orgs {
            batch.organisations.push(project_organisation::ActiveModel {
                project_id: Set(id),
                organisation_id: Set(organisation_id),
                kind: Set(kind),
                named_at: Set(None),
            });
        }
        let colleagues = &staff[&lead_org];
        let mut team = vec![(lead, TeamRole::Lead)];
        for _ in 0..rng.gen_range(0..=3) {
            let person = *any(&mut rng, colleagues);
            if !team.iter().any(|(p, _)| *p == person) {
                team.push((person, TeamRole::Member));
            }
        }
        if let Some((member_id, member_org)) = member
            && member_org == lead_org
            && rng.gen_bool(0.002)
            && !team.iter().any(|(p, _)| *p == member_id)
        {
            team.push((member_id, TeamRole::Member));
        }
        if let Some((coach_id, _)) = coach
            && rng.gen_bool(0.004)
            && !team.iter().any(|(p, _)| *p == coach_id)
        {
            team.push((coach_id, TeamRole::Coach));
        } else if rng.gen_bool(0.3) {
            let person = *any(&mut rng, colleagues);
            if !team.iter().any(|(p, _)| *p == person) {
                team.push((person, TeamRole::Coach));
            }
        }
        for (person_id, role) in team {
            batch.members.push(project_member::ActiveModel {
                project_id: Set(id),
                person_id: Set(person_id),
                role: Set(role),
            });
        }
        for tag in tags {
            batch.tags.push(project_tag::ActiveModel {
                project_id: Set(id),
                tag: Set(tag.to_owned()),
            });
        }
        // Most projects serve one or two dimensions; some name none.
        for dimension in QualityDimension::ALL {
            if rng.gen_bool(0.25) {
                batch
                    .dimensions
                    .push(project_quality_dimension::ActiveModel {
                        project_id: Set(id),
                        dimension: Set(*dimension),
                    });
            }
        }
        batch.statuses.push(project_status_change::ActiveModel {
            project_id: Set(id),
            status: Set(status),
            changed_by: Set(lead),
            changed_at: Set(created_at),
            ..Default::default()
        });
        if let Some(score) = score {
            batch.scores.push(project_score::ActiveModel {
                project_id: Set(id),
                score_tenths: Set(score),
                reason: Set("Reviewed at the monthly huddle".to_owned()),
                changed_by: Set(lead),
                changed_at: Set(updated_at),
                ..Default::default()
            });
        }
        if (id - first + 1) % 5000 == 0 {
            write(&txn, &mut batch).await?;
            txn.commit().await?;
            txn = db.begin().await?;
            eprintln!(
                "{} projects ({:.0} s)",
                id - first + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    write(&txn, &mut batch).await?;
    txn.commit().await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // The ids were given, not drawn from the sequence: move it past them.
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('projects', 'id'), (SELECT max(id) FROM projects))",
        )
        .await?;
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('adoptions', 'id'), \
             (SELECT coalesce(max(id), 1) FROM adoptions))",
        )
        .await?;
        // Fresh planner statistics and visibility map, as autovacuum makes soon after a bulk
        // load (SQLite has no statistics unless asked: it is left as a server would find it).
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    eprintln!(
        "added {count} projects in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
