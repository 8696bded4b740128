//! The demo partnership (`qi seed-demo`, `qi serve --demo`) has a portfolio of improvement
//! projects worth demonstrating: every status, joint and public projects, driver diagrams, PDSA
//! cycles and score histories, and work of their own for the demo logins.
//!
//! Runs on a temporary SQLite file, or on a new database on the PostgreSQL server named by
//! `TEST_DATABASE_URL` (`postgres://postgres@127.0.0.1:5432`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::{collections::HashMap, time::Instant};

use qi_api::db::entity::{
    bulletins::{bulletin, section},
    comments::comment,
    driver_node,
    events::{booking, event, feedback_answer},
    measure, measure_annotation, measure_point, notification, pdsa_cycle, person, programme,
    programme_measure, project, project_follow_up, project_member, project_organisation,
    project_quality_dimension, project_score,
    submissions::{award, call, reviewer, submission},
    training::{cohort, course},
};
use qi_shared::{
    bulletin::{BulletinStatus, SectionKind},
    changes::{self, ChangeType},
    comment::{CommentKind, OfferStatus},
    event::{BookingStatus, EventKind},
    evidence::{self, EvidenceChart, Signal},
    follow_up::{FollowUpPoint, Held, Lasting},
    notification::NotificationKind,
    project::QualityDimension,
    score::ProgressScore,
    webhook::DeliveryStatus,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

/// A fresh, empty database: (its URL, a temporary folder to remove afterwards, if any).
async fn fresh_database() -> (String, Option<std::path::PathBuf>) {
    let unique = format!(
        "{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            let server = server.trim_end_matches('/');
            let name = format!("qi_demo_seed_{unique}");
            let admin = Database::connect(format!("{server}/postgres"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.ok();
            (format!("{server}/{name}"), None)
        }
        None => {
            let dir = std::env::temp_dir().join(format!("qi-demo-seed-{unique}"));
            let url = format!("sqlite://{}/qi.db?mode=rwc", dir.display());
            (url, Some(dir))
        }
    }
}

async fn person_id(db: &impl ConnectionTrait, email: &str) -> i64 {
    person::Entity::find()
        .filter(person::Column::EmailNormalised.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no demo person {email}"))
        .id
}

async fn projects_in_role(db: &impl ConnectionTrait, person: i64, role: &str) -> u64 {
    project_member::Entity::find()
        .filter(project_member::Column::PersonId.eq(person))
        .filter(project_member::Column::Role.eq(role))
        .count(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_partnership_has_a_portfolio_of_improvement_projects() {
    let (url, dir) = fresh_database().await;
    let db = qi_api::db::connect(&url, 4).await.unwrap();
    qi_api::db::migrate(&db).await.unwrap();
    let uploads = dir
        .clone()
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("qi-demo-uploads-{}", std::process::id()))
        })
        .join("uploads");
    let storage = qi_api::storage::Storage::folder(&uploads, 10 * 1024 * 1024).unwrap();
    let started = Instant::now();
    assert!(qi_api::demo::seed(&db, &storage).await.unwrap());
    let took = started.elapsed();
    // A debug build on a slow machine; release is several times faster.
    assert!(took.as_secs() < 60, "seeding took {took:?}");

    let projects = project::Entity::find().all(&db).await.unwrap();
    assert!(projects.len() >= 140, "{} projects", projects.len());
    let mut statuses: HashMap<&str, usize> = HashMap::new();
    for p in &projects {
        *statuses.entry(p.status.as_str()).or_default() += 1;
    }
    for status in ["proposed", "active", "completed", "abandoned"] {
        assert!(
            statuses.get(status).is_some_and(|n| *n >= 5),
            "{status}: {statuses:?}"
        );
    }
    let public = projects
        .iter()
        .filter(|p| p.visibility.as_str() == "public")
        .count();
    assert!(public >= 15, "{public} public projects");
    for spread in ["unit", "organisation", "partnership", "beyond"] {
        assert!(
            projects.iter().any(|p| p.spread.as_str() == spread),
            "{spread}"
        );
    }
    // Mostly QI projects, with some audits and evaluations; every quality dimension served by
    // several projects, and some projects naming none yet.
    let mut types: HashMap<&str, usize> = HashMap::new();
    for p in &projects {
        *types.entry(p.project_type.as_str()).or_default() += 1;
    }
    assert!(
        types
            .get("qi_project")
            .is_some_and(|n| n * 10 >= projects.len() * 7),
        "{types:?}"
    );
    for kind in ["clinical_audit", "service_evaluation"] {
        assert!(types.get(kind).is_some_and(|n| *n >= 5), "{types:?}");
    }
    let named = project_quality_dimension::Entity::find()
        .all(&db)
        .await
        .unwrap();
    for dimension in QualityDimension::ALL {
        let serving = named.iter().filter(|d| d.dimension == *dimension).count();
        assert!(serving >= 5, "{dimension:?}: {serving} projects");
    }
    let naming: std::collections::HashSet<i64> = named.iter().map(|d| d.project_id).collect();
    let none = projects.len() - naming.len();
    assert!(
        (5..=40).contains(&none),
        "{none} projects name no dimension"
    );
    // The partnership's targets: 20% with patient and public involvement, 25% sustainability.
    let share = |n: usize| n * 100 / projects.len();
    let involved = share(projects.iter().filter(|p| p.involvement).count());
    let sustainable = share(projects.iter().filter(|p| p.sustainability).count());
    assert!(
        (15..=30).contains(&involved),
        "{involved}% involve patients"
    );
    assert!(
        (18..=35).contains(&sustainable),
        "{sustainable}% sustainable"
    );

    let mut joint: Vec<i64> = project_organisation::Entity::find()
        .filter(project_organisation::Column::Kind.eq("partner"))
        .select_only()
        .column(project_organisation::Column::ProjectId)
        .into_tuple()
        .all(&db)
        .await
        .unwrap();
    joint.sort_unstable();
    joint.dedup();
    assert!(joint.len() >= 25, "{} joint projects", joint.len());

    // Every team has one lead and 2 to 6 people.
    let members = project_member::Entity::find().all(&db).await.unwrap();
    for p in &projects {
        let team: Vec<_> = members.iter().filter(|m| m.project_id == p.id).collect();
        assert!(
            (2..=6).contains(&team.len()),
            "{}: {} people",
            p.title,
            team.len()
        );
        assert_eq!(
            team.iter().filter(|m| m.role.as_str() == "lead").count(),
            1,
            "{}",
            p.title
        );
    }

    let mut with_diagram: Vec<i64> = driver_node::Entity::find()
        .select_only()
        .column(driver_node::Column::ProjectId)
        .into_tuple()
        .all(&db)
        .await
        .unwrap();
    with_diagram.sort_unstable();
    with_diagram.dedup();
    assert!(with_diagram.len() >= 60, "{} diagrams", with_diagram.len());
    let cycles = pdsa_cycle::Entity::find().all(&db).await.unwrap();
    assert!(cycles.len() >= 100, "{} PDSA cycles", cycles.len());
    assert!(cycles.iter().any(|c| c.sequence >= 3), "ramps of cycles");
    for decision in ["adopt", "adapt", "abandon"] {
        assert!(
            cycles
                .iter()
                .any(|c| c.act.map(|a| a.as_str()) == Some(decision))
        );
    }

    // Most projects have a score history; completed ones mostly show improvement.
    let scored = project_score::Entity::find()
        .select_only()
        .column(project_score::Column::ProjectId)
        .distinct()
        .count(&db)
        .await
        .unwrap();
    assert!(scored >= 120, "{scored} projects with scores");
    let completed: Vec<_> = projects
        .iter()
        .filter(|p| p.status.as_str() == "completed")
        .collect();
    let improved = completed
        .iter()
        .filter(|p| p.score_tenths.is_some_and(|s| s >= 30))
        .count();
    assert!(
        improved * 4 >= completed.len() * 3,
        "{improved} of {}",
        completed.len()
    );
    assert!(
        projects
            .iter()
            .filter(|p| p.status.as_str() == "proposed")
            .all(|p| p.score_tenths.is_none_or(|s| s <= 15))
    );

    // Measures with data that show every case the charts and the evidence for scores draw.
    let measures = measure::Entity::find().all(&db).await.unwrap();
    for kind in ["outcome", "process", "balancing"] {
        assert!(
            measures
                .iter()
                .filter(|m| m.measure_type.as_str() == kind)
                .count()
                >= 10,
            "{kind} measures"
        );
    }
    let phase_changes = measure_annotation::Entity::find()
        .filter(measure_annotation::Column::Kind.eq("phase_change"))
        .all(&db)
        .await
        .unwrap();
    assert!(
        phase_changes.len() >= 10,
        "{} phase changes",
        phase_changes.len()
    );
    assert!(
        phase_changes.iter().any(|a| a.pdsa_cycle_id.is_some()),
        "a phase change linked to the PDSA cycle that adopted the change"
    );
    let mut signals: HashMap<Signal, usize> = HashMap::new();
    let mut charts: HashMap<Option<EvidenceChart>, usize> = HashMap::new();
    let (mut supported, mut flagged) = (0, 0);
    for p in projects
        .iter()
        .filter(|p| measures.iter().any(|m| m.project_id == p.id))
    {
        let of_project = qi_api::db::measures::of_project(&db, p.id).await.unwrap();
        let score = p.score_tenths.and_then(ProgressScore::from_tenths);
        let evidence = evidence::assess(score, &of_project);
        supported += usize::from(evidence.supported && !evidence.flagged);
        flagged += usize::from(evidence.flagged);
        for m in &evidence.measures {
            *signals.entry(m.signal).or_default() += 1;
            *charts.entry(m.chart).or_default() += 1;
        }
    }
    assert!(
        supported >= 10,
        "{supported} projects with a supported score"
    );
    assert!(flagged >= 3, "{flagged} projects flagged");
    for signal in [Signal::Improvement, Signal::Concern, Signal::NoSignal] {
        assert!(
            signals.get(&signal).is_some_and(|n| *n >= 3),
            "{signal:?}: {signals:?}"
        );
    }
    for chart in [Some(EvidenceChart::Xmr), Some(EvidenceChart::RunChart)] {
        assert!(charts.contains_key(&chart), "{chart:?}: {charts:?}");
    }
    let gaps = measure_point::Entity::find()
        .filter(measure_point::Column::Value.is_null())
        .count(&db)
        .await
        .unwrap();
    assert!(gaps >= 5, "{gaps} gaps");

    // Did it last? Completed projects followed up, some sustained and some not, one overdue.
    let follow_ups = project_follow_up::Entity::find().all(&db).await.unwrap();
    for outcome in [Lasting::Sustained, Lasting::NotSustained] {
        assert!(
            follow_ups.iter().any(|f| f.outcome == outcome),
            "{outcome:?} among {} follow-ups",
            follow_ups.len()
        );
    }
    assert!(
        follow_ups
            .iter()
            .any(|f| f.point == FollowUpPoint::TwelveMonths)
    );
    let mut held = 0;
    let mut overdue = 0;
    for p in projects
        .iter()
        .filter(|p| p.status == qi_shared::project::ProjectStatus::Completed)
    {
        let Some(done) = qi_api::db::follow_ups::completed_on(&db, p.id, p.status)
            .await
            .unwrap()
        else {
            continue;
        };
        let of_project = qi_api::db::measures::of_project(&db, p.id).await.unwrap();
        let check = qi_shared::follow_up::check(&of_project, done);
        held += check
            .measures
            .iter()
            .filter(|m| m.held == Held::Held)
            .count();
        let due = FollowUpPoint::SixMonths.due_on(done);
        overdue += usize::from(
            due <= chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
                && !follow_ups
                    .iter()
                    .any(|f| f.project_id == p.id && f.point == FollowUpPoint::SixMonths),
        );
    }
    assert!(held >= 3, "{held} measures held since completion");
    assert!(overdue >= 1, "a follow-up left overdue");

    // Programmes: like projects of several organisations, each with a measure pooled from
    // theirs that has a year and more of data to chart.
    let programmes = programme::Entity::find().all(&db).await.unwrap();
    assert_eq!(programmes.len(), 3);
    for p in &programmes {
        let members = qi_api::db::programmes::members(&db, &[p.id])
            .await
            .unwrap()
            .remove(&p.id)
            .unwrap_or_default();
        let organisations: std::collections::HashSet<i64> = projects
            .iter()
            .filter(|x| members.contains(&x.id))
            .map(|x| x.lead_organisation_id)
            .collect();
        assert!(organisations.len() >= 2, "{}: {organisations:?}", p.name);
        let measures = programme_measure::Entity::find()
            .filter(programme_measure::Column::ProgrammeId.eq(p.id))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(measures.len(), 1, "{}", p.name);
        let sources = qi_api::db::programmes::sources(&db, measures[0].id)
            .await
            .unwrap();
        assert!(sources.len() >= 2, "{}: {sources:?}", p.name);
        let pooled = qi_api::db::measures::by_ids(&db, &sources).await.unwrap();
        let data: Vec<&[qi_shared::measure::DataPoint]> =
            pooled.iter().map(|m| m.points.as_slice()).collect();
        let m = &measures[0];
        let combined = qi_shared::programme::combine(
            m.unit,
            m.rate_per.and_then(|r| u32::try_from(r).ok()),
            m.frequency,
            &data,
        );
        assert!(combined.points.len() >= 12, "{}: {combined:?}", p.name);
        assert!(
            combined.points.iter().any(|x| x.reporting >= 2),
            "{}: sites pooled",
            p.name
        );
    }
    assert!(
        programmes
            .iter()
            .any(|p| p.status == qi_shared::programme::ProgrammeStatus::Closed)
    );

    // The demo logins have work of their own to show.
    let grace = person_id(&db, "member@demo.qicommons.org").await;
    let tom = person_id(&db, "coach@demo.qicommons.org").await;
    assert!(projects_in_role(&db, grace, "lead").await >= 2);
    assert!(projects_in_role(&db, tom, "coach").await >= 3);

    // A year of events: monthly cafés held with attendance, and more to come.
    let events = event::Entity::find().all(&db).await.unwrap();
    let now = chrono::Utc::now();
    let cafes = |past: bool| {
        events
            .iter()
            .filter(|e| e.kind == EventKind::QiCafe && (e.ends_at < now) == past)
            .count()
    };
    assert!(cafes(true) >= 12, "{} cafés held", cafes(true));
    assert!(cafes(false) >= 3, "{} cafés to come", cafes(false));
    assert!(
        events
            .iter()
            .any(|e| e.kind == EventKind::Celebration && e.ends_at < now)
    );
    assert!(events.iter().filter(|e| e.series_id.is_some()).count() >= 3);
    let bookings = booking::Entity::find().all(&db).await.unwrap();
    let attended = bookings.iter().filter(|b| b.attended).count();
    assert!(attended >= 300, "{attended} attended");
    assert!(bookings.iter().any(|b| b.person_id.is_none()), "guests");
    assert!(
        bookings
            .iter()
            .any(|b| b.person_id == Some(grace) && b.status == BookingStatus::Waitlisted),
        "Grace waits for a masterclass place"
    );
    let answers = feedback_answer::Entity::find().count(&db).await.unwrap();
    assert!(answers >= 150, "{answers} feedback answers");
    let from_guests = feedback_answer::Entity::find()
        .filter(feedback_answer::Column::RespondentName.like("% (guest)"))
        .count(&db)
        .await
        .unwrap();
    assert!(from_guests >= 3, "{from_guests} named answers from guests");

    // Last year's celebration: a closed call, a dozen submissions with their files, each
    // scored by three reviewers, and awards; this year's call open with its first submissions.
    let calls = call::Entity::find().all(&db).await.unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.review_closed_at.is_some())
            .count(),
        1
    );
    let entries = submission::Entity::find().all(&db).await.unwrap();
    assert_eq!(entries.len(), 15, "{} submissions", entries.len());
    for entry in &entries {
        let key = entry
            .file_key
            .as_deref()
            .expect("every demo submission has a file");
        let file = storage.get(key).await.unwrap();
        assert!(file.starts_with(b"%PDF-"));
    }
    let scored = reviewer::Entity::find()
        .filter(reviewer::Column::ReviewedAt.is_not_null())
        .count(&db)
        .await
        .unwrap();
    assert_eq!(scored, 36, "three reviews of each of last year's twelve");
    assert_eq!(award::Entity::find().count(&db).await.unwrap(), 4);
    assert_eq!(entries.iter().filter(|s| s.shortlisted).count(), 5);

    // Comments: threads with replies on a dozen projects, remarks on measures and cycles,
    // offers of help (some accepted), one hidden, some published; Grace is mentioned once.
    let comments = comment::Entity::find().all(&db).await.unwrap();
    assert!(comments.len() >= 30, "{} comments", comments.len());
    assert!(comments.iter().filter(|c| c.parent_id.is_some()).count() >= 10);
    assert!(comments.iter().any(|c| c.measure_id.is_some()));
    assert!(comments.iter().any(|c| c.cycle_id.is_some()));
    assert!(
        comments
            .iter()
            .any(|c| c.kind == CommentKind::Offer && c.offer_status == Some(OfferStatus::Accepted))
    );
    assert_eq!(comments.iter().filter(|c| c.hidden_at.is_some()).count(), 1);
    assert!(comments.iter().any(|c| c.published));
    let mentioned = notification::Entity::find()
        .filter(notification::Column::PersonId.eq(grace))
        .filter(notification::Column::Kind.eq(NotificationKind::Mentioned))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(mentioned, 1);

    // Northmoor's API tokens: one in nightly use, one revoked.
    let tokens = qi_api::db::entity::api_token::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(tokens.len(), 2);
    assert!(
        tokens
            .iter()
            .any(|t| t.last_used_at.is_some() && t.revoked_at.is_none())
    );
    assert!(tokens.iter().any(|t| t.revoked_at.is_some()));
    // Its warehouse can follow the changes feed from the start: every project and measure the
    // demo made is in it, and what Northmoor may read of them comes out.
    let recorded = qi_api::db::changes::after(&db, Default::default(), ChangeType::ALL, 1_000_000)
        .await
        .unwrap();
    let fed = |kind| -> std::collections::BTreeSet<i64> {
        recorded
            .iter()
            .filter(|(_, r)| r.object_type == kind)
            .map(|(_, r)| r.id)
            .collect()
    };
    assert_eq!(fed(ChangeType::Project).len(), projects.len());
    let measures = qi_api::db::entity::measure::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(fed(ChangeType::Measure).len(), measures.len());
    // And every course, cohort and event.
    assert_eq!(
        fed(ChangeType::Course).len(),
        course::Entity::find().all(&db).await.unwrap().len()
    );
    assert_eq!(
        fed(ChangeType::Cohort).len(),
        cohort::Entity::find().all(&db).await.unwrap().len()
    );
    assert_eq!(
        fed(ChangeType::Event).len(),
        event::Entity::find().all(&db).await.unwrap().len()
    );
    assert!(fed(ChangeType::Event).len() > 5);
    let rows: Vec<_> = recorded.into_iter().map(|(_, r)| r).collect();
    let sent = changes::decide(&rows, tokens[0].organisation_id);
    assert!(
        sent.len() > 50 && sent.len() < rows.len(),
        "{} of {} rows",
        sent.len(),
        rows.len()
    );
    // Northmoor's webhook: off (so the demo never calls it), with a log worth reading.
    let hooks = qi_api::db::entity::webhook::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(hooks.len(), 1);
    assert!(!hooks[0].enabled && hooks[0].disabled_reason.is_some());
    let deliveries = qi_api::db::entity::webhook_delivery::Entity::find()
        .all(&db)
        .await
        .unwrap();
    let status = |s| deliveries.iter().filter(|d| d.status == s).count();
    assert_eq!(status(DeliveryStatus::Delivered), 3);
    assert_eq!(status(DeliveryStatus::Failed), 1);
    assert_eq!(status(DeliveryStatus::Pending), 1);
    assert!(
        deliveries
            .iter()
            .any(|d| d.attempts == 2 && d.status == DeliveryStatus::Delivered)
    );
    assert!(
        deliveries
            .iter()
            .all(|d| d.body.contains(&format!("\"id\":{}", d.id)))
    );
    // Their audit log: the tokens made and one revoked, the feed's pushes, a role change and an
    // export, by people and by a token.
    let entries = qi_api::db::entity::audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert!(entries.len() >= 6, "{} audit entries", entries.len());
    assert!(entries.iter().any(|e| e.api_token_id.is_some()));
    assert!(entries.iter().any(|e| e.method == "DELETE"));
    assert!(entries.iter().any(|e| e.operation.ends_with("/roles")));
    assert!(entries.iter().any(|e| e.method == "GET"));
    // The warehouse's nightly exports of staff data are accounted for.
    assert!(
        entries
            .iter()
            .filter(|e| e.operation == "/api/v1/export/capability-tiers")
            .all(|e| e.api_token_id.is_some())
    );
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.operation == "/api/v1/export/capability-tiers")
            .count(),
        3
    );

    // Three published bulletins with projects, events and awards, and a draft.
    let issues = bulletin::Entity::find().all(&db).await.unwrap();
    assert_eq!(
        issues
            .iter()
            .filter(|b| b.status == BulletinStatus::Published)
            .count(),
        3
    );
    assert_eq!(
        issues
            .iter()
            .filter(|b| b.status == BulletinStatus::Draft)
            .count(),
        1
    );
    let sections = section::Entity::find().all(&db).await.unwrap();
    for kind in [
        SectionKind::Text,
        SectionKind::Projects,
        SectionKind::Events,
        SectionKind::Awards,
    ] {
        assert!(
            sections.iter().any(|s| s.kind == kind),
            "a {kind:?} section"
        );
    }

    // Seeding again changes nothing.
    assert!(!qi_api::demo::seed(&db, &storage).await.unwrap());
    assert_eq!(
        project::Entity::find().count(&db).await.unwrap(),
        projects.len() as u64
    );
    db.close().await.ok();
    if let Some(dir) = dir {
        std::fs::remove_dir_all(dir).ok();
    } else if let Some((server, name)) = url.rsplit_once('/') {
        let admin = Database::connect(format!("{server}/postgres"))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .ok();
        admin.close().await.ok();
    }
}

/// Every project's stored level (`projects.spread`) against the level its adoptions and hand
/// settings give today; and the count of projects at each level.
async fn spread_levels(db: &impl ConnectionTrait) -> HashMap<&'static str, usize> {
    use qi_shared::spread::SpreadFacts;
    let today = qi_shared::uk_time::day_of(chrono::Utc::now());
    let mut facts = qi_api::db::spread::facts(db, None).await.unwrap();
    let mut levels: HashMap<&'static str, usize> = HashMap::new();
    for p in project::Entity::find().all(db).await.unwrap() {
        let (adoptions, settings) = facts.remove(&p.id).unwrap_or_default();
        let level = SpreadFacts {
            lead_organisation_id: p.lead_organisation_id,
            adoptions,
            settings,
        }
        .level_on(today);
        assert_eq!(p.spread, level, "project {}", p.id);
        *levels.entry(level.as_str()).or_default() += 1;
    }
    levels
}

#[tokio::test]
async fn the_demo_spreads_through_dated_adoptions_and_the_migration_carries_them_back_and_forth() {
    use qi_api::db::entity::{adoption, adoption_stage, innovation};
    use qi_migrations::{Migrator, MigratorTrait};

    let (url, dir) = fresh_database().await;
    let db = qi_api::db::connect(&url, 4).await.unwrap();
    qi_api::db::migrate(&db).await.unwrap();
    let uploads = dir
        .clone()
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("qi-spread-uploads-{}", std::process::id()))
        })
        .join("uploads");
    let storage = qi_api::storage::Storage::folder(&uploads, 10 * 1024 * 1024).unwrap();
    assert!(qi_api::demo::seed(&db, &storage).await.unwrap());

    // Every stage is used, and every level is reached through adoptions.
    let stages: Vec<String> = adoption_stage::Entity::find()
        .select_only()
        .column(adoption_stage::Column::Stage)
        .distinct()
        .into_tuple()
        .all(&db)
        .await
        .unwrap();
    for stage in ["considering", "testing", "adopted", "sustained", "dropped"] {
        assert!(stages.iter().any(|s| s == stage), "{stage}: {stages:?}");
    }
    let levels = spread_levels(&db).await;
    for level in ["unit", "organisation", "partnership", "beyond"] {
        assert!(
            levels.get(level).is_some_and(|n| *n >= 3),
            "{level}: {levels:?}"
        );
    }
    // Some adopters run the change as a project of their own, so an idea's path goes on.
    let own_projects = adoption::Entity::find()
        .filter(adoption::Column::AdoptingProjectId.is_not_null())
        .count(&db)
        .await
        .unwrap();
    assert!(
        own_projects >= 5,
        "{own_projects} adoptions name the adopter's own project"
    );
    let pincer = innovation::Entity::find()
        .filter(innovation::Column::Name.eq("PINCER"))
        .one(&db)
        .await
        .unwrap()
        .expect("PINCER");
    let of_pincer = adoption::Entity::find()
        .filter(adoption::Column::InnovationId.eq(pincer.id))
        .count(&db)
        .await
        .unwrap();
    assert!(of_pincer >= 2, "{of_pincer} practices adopting PINCER");

    // Stepping back names the adopters on their projects again; stepping forward makes them
    // adoptions again, and every project keeps its level (set by hand where the undated
    // adopters alone would not give it).
    let all = Migrator::migrations();
    let it = all
        .iter()
        .position(|m| m.name() == "m20261215_000033_adoptions")
        .expect("the migration");
    Migrator::down(&db, Some(u32::try_from(all.len() - it).unwrap()))
        .await
        .unwrap();
    let named = project_organisation::Entity::find()
        .filter(project_organisation::Column::Kind.eq("adopter"))
        .count(&db)
        .await
        .unwrap();
    assert!(named > 0);
    Migrator::up(&db, None).await.unwrap();
    let after = spread_levels(&db).await;
    assert_eq!(after, levels);
    let carried = adoption::Entity::find().count(&db).await.unwrap();
    assert_eq!(carried, named, "one adoption for each adopter named");

    db.close().await.ok();
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}
