//! Demo training: courses at each tier, past cohorts with attendance and completions, and
//! cohorts still to come with enrolments and a waiting list.
//!
//! The spread is a real partnership's: most staff have done a Learn course (the e-module or the
//! face-to-face day), fewer the Live practitioner programme, a handful the Lead coach
//! development. Completions follow from the attendance recorded, by each course's rule, so the
//! demo's registers and its tiers agree. Deterministic: people are chosen by their order.

use qi_shared::uk_time;
use std::collections::HashSet;

use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, Utc};
use qi_shared::{
    capability::Tier,
    person::Role,
    training::{
        AllocationInput, CohortInput, CourseInput, Delivery, EnrolmentStatus, SessionInput, rules,
    },
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};

use crate::db::{
    self,
    entity::{
        organisation, person, person_role,
        training::{attendance, enrolment},
    },
};

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// 09:30 on `day`, UK time.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    uk_time::instant(day.and_hms_opt(9, 30, 0).unwrap_or_default())
}

struct Person {
    id: i64,
    organisation_id: i64,
    coach: bool,
    admin: bool,
    email: String,
}

/// A cohort to write: its definition and who took part, with how many sessions each attended
/// (`None`: withdrew).
struct Run {
    course: usize,
    input: CohortInput,
    attendees: Vec<(usize, Option<usize>)>,
}

fn course(
    title: &str,
    tier: Tier,
    hours: f64,
    delivery: Delivery,
    percent: u8,
    provider: i64,
    description: &str,
) -> CourseInput {
    CourseInput {
        title: title.to_owned(),
        tier,
        description: description.to_owned(),
        provider_organisation_id: provider,
        length_hours: hours,
        delivery,
        attendance_percent: percent,
    }
}

/// A cohort starting on `start` with `sessions` sessions a week apart.
fn cohort(
    name: &str,
    start: NaiveDate,
    sessions: u64,
    capacity: u32,
    venue: &str,
    facilitators: Vec<i64>,
) -> CohortInput {
    let online = venue.is_empty();
    CohortInput {
        name: name.to_owned(),
        start_date: start,
        end_date: after(start, 7 * sessions.saturating_sub(1)),
        venue: venue.to_owned(),
        online_link: if online {
            "https://meet.demo.qicommons.org/qi-learning".to_owned()
        } else {
            String::new()
        },
        capacity,
        facilitator_ids: facilitators,
        partnership_wide: false,
        allocations: Vec::new(),
        sessions: (0..sessions)
            .map(|i| SessionInput {
                id: None,
                title: format!("Session {}", i + 1),
                starts_at: morning(after(start, 7 * i)),
                length_minutes: if sessions == 1 { 120 } else { 180 },
            })
            .collect(),
    }
}

/// Who attended how much: most of a past cohort completes; every 9th attends too little and
/// every 13th withdraws.
fn attendance_of(k: usize, sessions: usize) -> Option<usize> {
    if k % 13 == 7 {
        None
    } else if k % 9 == 8 {
        Some(sessions.saturating_sub(2).min(sessions.saturating_sub(1)))
    } else {
        Some(sessions)
    }
}

pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let mut coaches = HashSet::new();
    let mut admins = HashSet::new();
    for role in person_role::Entity::find().all(db).await? {
        match role.role {
            Role::Coach => coaches.insert(role.person_id),
            Role::OrganisationAdmin | Role::PartnershipAdmin => admins.insert(role.person_id),
            _ => false,
        };
    }
    let people: Vec<Person> = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| Person {
            coach: coaches.contains(&p.id),
            admin: admins.contains(&p.id),
            id: p.id,
            organisation_id: p.organisation_id,
            email: p.email,
        })
        .collect();
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    // The partnership's QI team (the first organisation) and the largest trust.
    let (Some(icb), Some(northmoor)) = (orgs.first(), orgs.get(1)) else {
        return Ok(());
    };
    let find = |email: &str| people.iter().position(|p| p.email == email);
    let grace = find("member@demo.qicommons.org");
    let tom = find("coach@demo.qicommons.org");
    let priya = find("qi.lead@demo.qicommons.org");
    let id_of = |i: Option<usize>| i.and_then(|i| people.get(i)).map(|p| p.id);
    let faculty: Vec<i64> = [tom, priya].into_iter().filter_map(id_of).collect();

    let courses = [
        course(
            "QI Fundamentals e-module",
            Tier::Learn,
            2.0,
            Delivery::Online,
            100,
            icb.id,
            "A self-paced introduction to quality improvement: the Model for Improvement, aims, measures and PDSA cycles. Finish with the live wrap-up session.",
        ),
        course(
            "QI Fundamentals",
            Tier::Learn,
            6.0,
            Delivery::FaceToFace,
            75,
            northmoor.id,
            "A face-to-face day in three parts: understanding the system, the Model for Improvement, and measuring for improvement with run charts.",
        ),
        course(
            "Improvement Practitioner",
            Tier::Live,
            24.0,
            Delivery::Blended,
            75,
            icb.id,
            "Four workshops while you run a project of your own: driver diagrams, PDSA cycles, SPC charts and spreading what works.",
        ),
        course(
            "QI Coach Development",
            Tier::Lead,
            18.0,
            Delivery::FaceToFace,
            100,
            icb.id,
            "For experienced practitioners who will coach project teams: coaching models (GROW, CLEAR, OSCAR), facilitation and teaching QI.",
        ),
    ];
    let mut course_ids = Vec::new();
    for c in &courses {
        course_ids.push(db::training::courses::create(db, c).await?);
    }

    // Learn: about 60% of people, in e-module (monthly) and face-to-face (quarterly) cohorts.
    let learners: Vec<usize> = (0..people.len())
        .filter(|i| i * 7 % 10 < 6 || Some(*i) == grace || Some(*i) == tom || Some(*i) == priya)
        .collect();
    let (online, f2f): (Vec<usize>, Vec<usize>) = learners.iter().partition(|i| *i % 3 != 0);
    let mut runs = Vec::new();
    let e_waves = 8;
    for w in 0..e_waves {
        let start = after(date(2025, 2, 3), 56 * w as u64);
        let attendees: Vec<usize> = online.iter().copied().skip(w).step_by(e_waves).collect();
        runs.push(Run {
            course: 0,
            input: cohort(
                &format!("Wave {}", w + 1),
                start,
                1,
                40,
                "",
                faculty.clone(),
            ),
            attendees: attendees
                .iter()
                .enumerate()
                .map(|(k, p)| (*p, attendance_of(k, 1)))
                .collect(),
        });
    }
    let f_waves = 4;
    for w in 0..f_waves {
        let start = after(date(2025, 3, 10), 140 * w as u64);
        let attendees: Vec<usize> = f2f.iter().copied().skip(w).step_by(f_waves).collect();
        runs.push(Run {
            course: 1,
            input: cohort(
                &format!("Cohort {}", w + 1),
                start,
                3,
                40,
                "Education centre, Northmoor General",
                faculty.clone(),
            ),
            attendees: attendees
                .iter()
                .enumerate()
                .map(|(k, p)| (*p, attendance_of(k, 3)))
                .collect(),
        });
    }
    // Live: one learner in five, after their Learn course.
    let practitioners: Vec<usize> = learners
        .iter()
        .copied()
        .filter(|i| {
            i % 7 == 1
                || people
                    .get(*i)
                    .is_some_and(|p| p.coach || (p.admin && i % 3 == 0))
                || Some(*i) == tom
        })
        .filter(|i| Some(*i) != grace)
        .collect();
    for w in 0..2 {
        let start = after(date(2025, 9, 1), 182 * w as u64);
        let attendees: Vec<usize> = practitioners.iter().copied().skip(w).step_by(2).collect();
        runs.push(Run {
            course: 2,
            input: cohort(
                &format!("Programme {}", w + 1),
                start,
                4,
                60,
                "Partnership offices, Eastvale",
                faculty.clone(),
            ),
            attendees: attendees
                .iter()
                .enumerate()
                .map(|(k, p)| (*p, attendance_of(k, 4)))
                .collect(),
        });
    }
    // Lead: the coaches and a few QI leads.
    let coaches_cohort: Vec<usize> = practitioners
        .iter()
        .copied()
        .filter(|i| {
            (people.get(*i).is_some_and(|p| p.coach) && i % 2 == 0)
                || Some(*i) == tom
                || (people.get(*i).is_some_and(|p| p.admin) && i % 9 == 0)
                || Some(*i) == priya
        })
        .collect();
    runs.push(Run {
        course: 3,
        input: cohort(
            "Faculty 2026",
            date(2026, 5, 11),
            3,
            20,
            "Partnership offices, Eastvale",
            faculty.clone(),
        ),
        attendees: coaches_cohort.iter().map(|p| (*p, Some(3))).collect(),
    });

    for run in &runs {
        write_past(
            db,
            &people,
            run,
            course_ids.get(run.course).copied(),
            &courses[run.course],
        )
        .await
        .with_context(|| format!("seeding the demo cohort {}", run.input.name))?;
    }

    let providers: Vec<i64> = courses.iter().map(|c| c.provider_organisation_id).collect();
    future(
        db,
        &people,
        &orgs,
        (&course_ids, &providers),
        (&learners, &practitioners),
        (grace, &faculty),
    )
    .await
}

/// `input`, partnership-wide if any of `who` (indices into `people`) is not of the provider
/// organisation: only such a cohort takes people of other organisations.
fn open_to_all(
    mut input: CohortInput,
    provider_organisation_id: i64,
    mut who: impl Iterator<Item = usize>,
    people: &[Person],
) -> CohortInput {
    if who.any(|i| {
        people
            .get(i)
            .is_some_and(|p| p.organisation_id != provider_organisation_id)
    }) {
        input.partnership_wide = true;
    }
    input
}

/// The places a partnership cohort set aside for each organisation: one more than it used, as
/// programmes offer each partner a few places and not all are taken (within the capacity).
fn allocations(input: &CohortInput, run: &Run, people: &[Person]) -> Vec<AllocationInput> {
    let mut per_org: std::collections::BTreeMap<i64, u32> = Default::default();
    for (i, _) in &run.attendees {
        if let Some(p) = people.get(*i) {
            *per_org.entry(p.organisation_id).or_default() += 1;
        }
    }
    let mut left = input.capacity;
    per_org
        .into_iter()
        .filter_map(|(organisation_id, used)| {
            let places = (used + 1).min(left);
            left -= places;
            (places > 0).then_some(AllocationInput {
                organisation_id,
                places,
            })
        })
        .collect()
}

/// Writes a past cohort: its enrolments, attendance and completions, in bulk.
async fn write_past(
    db: &impl ConnectionTrait,
    people: &[Person],
    run: &Run,
    course_id: Option<i64>,
    course: &CourseInput,
) -> anyhow::Result<()> {
    let Some(course_id) = course_id else {
        return Ok(());
    };
    let mut input = open_to_all(
        run.input.clone(),
        course.provider_organisation_id,
        run.attendees.iter().map(|(i, _)| *i),
        people,
    );
    if input.partnership_wide && input.allocations.is_empty() {
        input.allocations = allocations(&input, run, people);
    }
    let cohort_id = db::training::cohorts::create(db, course_id, &input).await?;
    let sessions = db::training::cohorts::sessions(db, cohort_id).await?;
    let mut enrolments = Vec::new();
    let mut marks = Vec::new();
    for (seq, (index, attended)) in run.attendees.iter().enumerate() {
        let Some(person) = people.get(*index) else {
            continue;
        };
        let created = morning(run.input.start_date) - chrono::Duration::days(30);
        let dates: Vec<NaiveDate> = sessions
            .iter()
            .take(attended.unwrap_or(0))
            .map(|s| uk_time::day_of(s.starts_at))
            .collect();
        let completed_on = rules::completed_on(sessions.len(), course.attendance_percent, &dates);
        let status = match (attended, completed_on) {
            (None, _) => EnrolmentStatus::Withdrawn,
            (_, Some(_)) => EnrolmentStatus::Completed,
            _ => EnrolmentStatus::Enrolled,
        };
        if attended.is_some() {
            for (k, s) in sessions.iter().enumerate() {
                marks.push(attendance::ActiveModel {
                    session_id: Set(s.id),
                    person_id: Set(person.id),
                    present: Set(k < attended.unwrap_or(0)),
                    recorded_by: Set(person.id),
                    recorded_at: Set(s.starts_at),
                });
            }
        }
        enrolments.push(enrolment::ActiveModel {
            cohort_id: Set(cohort_id),
            person_id: Set(person.id),
            organisation_id: Set(person.organisation_id),
            status: Set(status),
            seq: Set(i64::try_from(seq).unwrap_or(0) + 1),
            completed_on: Set(completed_on),
            enrolled_by: Set(person.id),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        });
    }
    if !enrolments.is_empty() {
        enrolment::Entity::insert_many(enrolments)
            .exec_without_returning(db)
            .await?;
    }
    for chunk in marks.chunks(1000) {
        attendance::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Cohorts still to come (in 2027, whenever the demo is started), with enrolments made the way
/// the API makes them, so places, allocations and the waiting list are as they would be.
async fn future(
    db: &impl ConnectionTrait,
    people: &[Person],
    orgs: &[organisation::Model],
    (course_ids, providers): (&[i64], &[i64]),
    (learners, practitioners): (&[usize], &[usize]),
    (grace, faculty): (Option<usize>, &[i64]),
) -> anyhow::Result<()> {
    let now = Utc::now();
    let not_yet: Vec<usize> = (0..people.len())
        .filter(|i| !learners.contains(i))
        .collect();
    let mut shared = cohort(
        "Partnership cohort, February 2027",
        date(2027, 2, 8),
        3,
        12,
        "Education centre, Northmoor General",
        faculty.to_vec(),
    );
    shared.partnership_wide = true;
    // Three places for each of the first four trusts: "places offered to each partner".
    shared.allocations = orgs
        .iter()
        .skip(1)
        .take(4)
        .map(|o| AllocationInput {
            organisation_id: o.id,
            places: 3,
        })
        .collect();
    let mut practitioner = cohort(
        "Programme 3",
        date(2027, 3, 1),
        4,
        16,
        "Partnership offices, Eastvale",
        faculty.to_vec(),
    );
    practitioner
        .sessions
        .iter_mut()
        .for_each(|s| s.title = "Workshop".to_owned());
    let plans: [(usize, CohortInput, Vec<usize>); 4] = [
        (
            0,
            cohort("Wave 9", date(2027, 1, 18), 1, 40, "", faculty.to_vec()),
            not_yet.iter().copied().step_by(4).take(14).collect(),
        ),
        // More ask than there are places (or allocations): a waiting list.
        (
            1,
            shared,
            not_yet
                .iter()
                .copied()
                .skip(1)
                .step_by(3)
                .take(18)
                .collect(),
        ),
        (
            2,
            practitioner,
            grace
                .into_iter()
                .chain(
                    learners
                        .iter()
                        .copied()
                        .filter(|i| !practitioners.contains(i) && Some(*i) != grace)
                        .step_by(6)
                        .take(9),
                )
                .collect(),
        ),
        (
            3,
            cohort(
                "Faculty 2027",
                date(2027, 5, 10),
                3,
                8,
                "Partnership offices, Eastvale",
                faculty.to_vec(),
            ),
            practitioners
                .iter()
                .copied()
                .filter(|i| i % 7 == 3)
                .take(3)
                .collect(),
        ),
    ];
    for (course, input, who) in plans {
        let (Some(course_id), Some(provider)) = (course_ids.get(course), providers.get(course))
        else {
            continue;
        };
        let input = open_to_all(input, *provider, who.iter().copied(), people);
        let cohort_id = db::training::cohorts::create(db, *course_id, &input).await?;
        for index in who {
            let Some(person) = people.get(index) else {
                continue;
            };
            let Some(locked) = db::training::enrolments::lock_cohort(db, cohort_id).await? else {
                continue;
            };
            db::training::enrolments::enrol(
                db,
                &locked,
                (person.id, person.organisation_id),
                person.id,
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!("enrolling a demo person: {e:?}"))?;
        }
    }
    Ok(())
}
