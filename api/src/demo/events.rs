//! Demo events: a year of monthly QI cafés with bookings, guests, attendance and the next three
//! to come; a Making Data Count masterclass series (one session held, two to come, the next one
//! full with a waiting list); a webinar, a primary care roadshow; last year's celebration event
//! and this year's, open for booking. Dates follow today, so the calendar always has a past and
//! a future; who books is chosen by order, so the demo repeats.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc, Weekday};
use qi_shared::{
    event::{
        Audience, EventInput, EventKind, SeriesInput,
        feedback::{FeedbackFormInput, FeedbackInput, guest_respondent},
    },
    uk_time,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::db::{
    self,
    entity::{organisation, person},
    events::bookings::{Booker, Refused},
};

/// The nth `weekday` of the month `day` falls in (n from 1).
fn nth_weekday(day: NaiveDate, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(day.year(), day.month(), weekday, n).unwrap_or(day)
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    uk_time::instant(day.and_hms_opt(hour, minute, 0).unwrap_or_default())
}

const CAFE_THEMES: &[(&str, &str, &str)] = &[
    (
        "Run charts in an hour",
        "measurement",
        "Bring a measure you collect: we will plot it together and read it with the run chart rules.",
    ),
    (
        "Small tests of change",
        "pdsa",
        "How small is small enough? Stories of PDSA cycles that started with one patient, one clinic, one morning.",
    ),
    (
        "Involving patients and carers",
        "patient and public involvement",
        "Two patient partners talk about what made them feel part of a project, and what did not.",
    ),
    (
        "Flow and waiting",
        "flow",
        "Demand, capacity and queues on a ward and in a practice: what the numbers say and what helped.",
    ),
    (
        "Greener care through QI",
        "sustainability",
        "The triple bottom line: projects that cut waste, carbon and cost while improving care.",
    ),
    (
        "Falls prevention: what worked",
        "falls",
        "Three teams share their falls projects, their charts and what they would do differently.",
    ),
    (
        "Driver diagrams without tears",
        "driver diagrams",
        "From an aim to change ideas on one page: a live build with a team starting out.",
    ),
    (
        "SPC for beginners",
        "measurement",
        "Common and special cause variation, and why a red/amber/green table hides both.",
    ),
    (
        "Sustaining the gains",
        "sustainability",
        "What happens after the project ends? Handover, measures that keep running, and ownership.",
    ),
    (
        "Spreading what works",
        "spread",
        "Adoption across organisations: how a change travelled from one practice to eleven.",
    ),
    (
        "Human factors in improvement",
        "patient safety",
        "Why good people make errors, and designing changes that make the right thing easy.",
    ),
    (
        "QI in primary care",
        "primary care",
        "Quick wins and real constraints: improvement in general practice and community teams.",
    ),
    (
        "Measuring what matters to patients",
        "measurement",
        "Patient-reported measures, balancing measures, and asking the people the change is for.",
    ),
    (
        "Coaching conversations",
        "coaching",
        "QI coaches on the questions that unstick a project.",
    ),
    (
        "Planning your project",
        "pdsa",
        "Scoping an aim you can reach in six months, with the Model for Improvement.",
    ),
];

pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let people: Vec<person::Model> = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    let (Some(icb), Some(northmoor)) = (orgs.first(), orgs.get(1)) else {
        return Ok(0);
    };
    let practice = orgs
        .iter()
        .find(|o| o.name.contains("Riverside"))
        .unwrap_or(northmoor);
    let Some(admin) = people.first() else {
        return Ok(0);
    };
    let today = uk_time::day_of(Utc::now());
    let now = Utc::now();
    let grace = people
        .iter()
        .position(|p| p.email == "member@demo.qicommons.org");
    let mut made = 0;

    // Monthly cafés: the second Thursday, twelve months back and three ahead.
    let first_month = today.with_day(1).unwrap_or(today) - Months::new(12);
    for m in 0..16u32 {
        let month = first_month + Months::new(m);
        let day = nth_weekday(month, Weekday::Thu, 2);
        let (title, tag, description) = CAFE_THEMES[m as usize % CAFE_THEMES.len()];
        let input = EventInput {
            title: format!("QI café: {title}"),
            kind: EventKind::QiCafe,
            description: description.to_owned(),
            organiser_organisation_id: icb.id,
            starts_at: at(day, 12, 30),
            ends_at: at(day, 13, 30),
            venue: String::new(),
            online_link: "https://meet.qicommons.example.nhs.uk/qi-cafe".to_owned(),
            capacity: 40,
            audience: Audience::Open,
            tags: vec![tag.to_owned(), "qi café".to_owned()],
            counts_as_training: false,
            series_id: None,
        };
        let past = input.ends_at < now;
        // Busier as the community grows; the next café nearly full.
        let wanted = if past {
            18 + (m as usize * 7) % 15
        } else {
            [36, 22, 9, 4][(m as usize).saturating_sub(12).min(3)]
        };
        let id = event(
            db,
            &input,
            admin.id,
            input.starts_at - chrono::Duration::days(30),
        )
        .await?;
        let guests = if m % 3 == 0 { 2 } else { 1 };
        book_people(
            db,
            id,
            &people,
            m as usize * 11,
            wanted,
            grace.filter(|_| m % 2 == 0 || !past),
        )
        .await?;
        book_guests(db, id, guests, m as usize).await?;
        if past {
            attend(db, id, m as usize).await?;
            feedback(db, id, m as usize, &people).await?;
        }
        made += 1;
    }

    // A masterclass series: one session held last month, two to come.
    let series = db::events::create_series(
        db,
        &SeriesInput {
            title: "Making Data Count masterclasses".to_owned(),
            description: "Three half-days on statistical process control the NHS way: XmR charts, \
                          the rules for special cause, and presenting data to a board."
                .to_owned(),
            organiser_organisation_id: northmoor.id,
        },
        now,
    )
    .await?;
    let sessions = [
        ("XmR charts and their limits", -28i64, 25usize),
        ("Special cause: the four rules", 21, 20),
        ("Data for the board: summary icons", 49, 6),
    ];
    for (i, (title, offset, wanted)) in sessions.into_iter().enumerate() {
        let day = shift(today, offset);
        let input = EventInput {
            title: format!("Masterclass: {title}"),
            kind: EventKind::Masterclass,
            description: "Part of the Making Data Count masterclasses: book this session alone, \
                          or the whole series at once."
                .to_owned(),
            organiser_organisation_id: northmoor.id,
            starts_at: at(day, 9, 30),
            ends_at: at(day, 12, 30),
            venue: "Northmoor Education Centre, Seminar Room 3".to_owned(),
            online_link: String::new(),
            capacity: 20,
            audience: Audience::Partnership,
            tags: vec!["measurement".to_owned(), "spc".to_owned()],
            counts_as_training: true,
            series_id: Some(series.id),
        };
        let id = event(
            db,
            &input,
            admin.id,
            input.starts_at - chrono::Duration::days(45),
        )
        .await?;
        // The next session is full: Grace waits for a place.
        book_people(db, id, &people, 40 + i * 17, wanted, None).await?;
        if i == 1 {
            book_people(db, id, &people, 200, 3, None).await?;
            book_people(db, id, &people, 0, 0, grace).await?;
        }
        if offset < 0 {
            attend(db, id, i).await?;
            feedback(db, id, i, &people).await?;
        }
        made += 1;
    }

    let others = [
        EventInput {
            title: "Webinar: involving patients and the public in QI".to_owned(),
            kind: EventKind::Webinar,
            description: "How to involve patients from the start of a project, with examples from \
                          maternity, mental health and primary care, and the partnership's \
                          payment policy for patient partners."
                .to_owned(),
            organiser_organisation_id: icb.id,
            starts_at: at(shift(today, 10), 14, 0),
            ends_at: at(shift(today, 10), 15, 0),
            venue: String::new(),
            online_link: "https://meet.qicommons.example.nhs.uk/ppi-webinar".to_owned(),
            capacity: 200,
            audience: Audience::Partnership,
            tags: vec!["patient and public involvement".to_owned()],
            counts_as_training: true,
            series_id: None,
        },
        EventInput {
            title: "QI roadshow: Riverside primary care network".to_owned(),
            kind: EventKind::Roadshow,
            description: "The partnership's QI team visits the practices of the network: drop in \
                          to talk through an idea, a measure or a stuck project."
                .to_owned(),
            organiser_organisation_id: practice.id,
            starts_at: at(shift(today, 17), 12, 0),
            ends_at: at(shift(today, 17), 16, 0),
            venue: "Riverside Medical Practice, meeting room".to_owned(),
            online_link: String::new(),
            capacity: 30,
            audience: Audience::Organisation,
            tags: vec!["primary care".to_owned()],
            counts_as_training: false,
            series_id: None,
        },
        EventInput {
            title: format!("QI Celebration {}", today.year() - 1),
            kind: EventKind::Celebration,
            description: "The partnership's annual celebration of improvement: posters, \
                          masterclasses from project teams, and the QI awards."
                .to_owned(),
            organiser_organisation_id: icb.id,
            starts_at: at(nth_weekday(shift(today, -330), Weekday::Wed, 3), 9, 0),
            ends_at: at(nth_weekday(shift(today, -330), Weekday::Wed, 3), 16, 30),
            venue: "Northmoor Conference Centre, Main Hall".to_owned(),
            online_link: String::new(),
            capacity: 150,
            audience: Audience::Open,
            tags: vec!["celebration".to_owned(), "awards".to_owned()],
            counts_as_training: false,
            series_id: None,
        },
        EventInput {
            title: format!("QI Celebration {}", today.year()),
            kind: EventKind::Celebration,
            description: "Save the date: this year's celebration of improvement, with the call \
                          for posters and masterclasses opening soon."
                .to_owned(),
            organiser_organisation_id: icb.id,
            starts_at: at(nth_weekday(shift(today, 35), Weekday::Wed, 3), 9, 0),
            ends_at: at(nth_weekday(shift(today, 35), Weekday::Wed, 3), 16, 30),
            venue: "Northmoor Conference Centre, Main Hall".to_owned(),
            online_link: String::new(),
            capacity: 150,
            audience: Audience::Open,
            tags: vec!["celebration".to_owned(), "awards".to_owned()],
            counts_as_training: false,
            series_id: None,
        },
    ];
    for (i, input) in others.into_iter().enumerate() {
        let past = input.ends_at < now;
        let id = event(
            db,
            &input,
            admin.id,
            input.starts_at - chrono::Duration::days(60),
        )
        .await?;
        let wanted = match input.kind {
            EventKind::Celebration if past => 110,
            EventKind::Celebration => 45,
            EventKind::Webinar => 64,
            _ => 12,
        };
        if input.audience == Audience::Organisation {
            let own: Vec<person::Model> = people
                .iter()
                .filter(|p| p.organisation_id == input.organiser_organisation_id)
                .cloned()
                .collect();
            book_people(db, id, &own, 0, wanted.min(own.len()), None).await?;
        } else {
            book_people(db, id, &people, 300 + i * 29, wanted, None).await?;
        }
        if input.audience == Audience::Open {
            book_guests(db, id, if past { 8 } else { 3 }, 40 + i).await?;
        }
        if past {
            attend(db, id, i).await?;
            feedback(db, id, i, &people).await?;
        }
        made += 1;
    }
    Ok(made)
}

fn shift(day: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        day.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(day)
}

async fn event(
    db: &impl ConnectionTrait,
    input: &EventInput,
    by: i64,
    created: DateTime<Utc>,
) -> anyhow::Result<i64> {
    Ok(db::events::create(db, input, by, created).await?)
}

/// `count` people from `start` in a stride through the partnership, then `also`.
async fn book_people(
    db: &impl ConnectionTrait,
    event_id: i64,
    people: &[person::Model],
    start: usize,
    count: usize,
    also: Option<usize>,
) -> anyhow::Result<()> {
    if people.is_empty() {
        return Ok(());
    }
    let mut chosen: Vec<usize> = (0..count).map(|k| (start + k * 7) % people.len()).collect();
    chosen.extend(also);
    for i in chosen {
        let p = &people[i];
        let Some(locked) = db::events::bookings::lock_event(db, event_id).await? else {
            return Ok(());
        };
        let booker = Booker::Person {
            person_id: p.id,
            organisation_id: p.organisation_id,
        };
        match db::events::bookings::book(db, &locked, booker, locked.created_at).await {
            // Someone chosen twice keeps their first booking.
            Ok(_) | Err(Refused::AlreadyBooked) => {}
            Err(Refused::Db(err)) => return Err(err.into()),
        }
    }
    Ok(())
}

const GUESTS: &[(&str, &str)] = &[
    ("Amara Okafor", "amara.okafor@carers-network.example.org"),
    ("Dylan Hughes", "dylan.hughes@northmoor-uni.example.ac.uk"),
    ("Fiona Walsh", "fiona.walsh@healthwatch.example.org"),
    ("Sunil Mehta", "sunil.mehta@hospice.example.org"),
    ("Rachel Green", "rachel.green@council.example.gov.uk"),
    ("Tomasz Nowak", "tomasz.nowak@ambulance.example.nhs.uk"),
    ("Joy Adebayo", "joy.adebayo@pharmacy.example.co.uk"),
    ("Owen Price", "owen.price@voluntary.example.org"),
    ("Leah Shapiro", "leah.shapiro@carehome.example.co.uk"),
    ("Marek Kowalski", "marek.kowalski@dental.example.co.uk"),
];

async fn book_guests(
    db: &impl ConnectionTrait,
    event_id: i64,
    count: usize,
    start: usize,
) -> anyhow::Result<()> {
    for k in 0..count {
        let (name, email) = GUESTS[(start + k) % GUESTS.len()];
        let Some(locked) = db::events::bookings::lock_event(db, event_id).await? else {
            return Ok(());
        };
        let hash = db::tokens::hash(&db::tokens::generate());
        let booker = Booker::Guest {
            name,
            email,
            cancel_token_hash: &hash,
        };
        match db::events::bookings::book(db, &locked, booker, locked.created_at).await {
            Ok(_) | Err(Refused::AlreadyBooked) => {}
            Err(Refused::Db(err)) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Marks about four in five of those holding a place as there.
async fn attend(db: &impl ConnectionTrait, event_id: i64, salt: usize) -> anyhow::Result<()> {
    let marks: Vec<(i64, bool)> = db::events::bookings::list(db, event_id)
        .await?
        .into_iter()
        .filter(|b| b.status.holds_place())
        .enumerate()
        .map(|(k, b)| (b.id, (k + salt) % 5 != 3))
        .collect();
    db::events::bookings::mark(db, event_id, &marks, Utc::now()).await?;
    Ok(())
}

const DIFFERENTLY: &[&str] = &[
    "Plot our weekly falls data as a run chart before the next huddle.",
    "Start with one PDSA cycle on one ward instead of planning the whole rollout.",
    "Ask our patient panel to help write the aim.",
    "Stop using RAG ratings in our monthly report and show the chart instead.",
    "Book a session with a QI coach for our stuck project.",
    "Add a balancing measure for staff time.",
    "Share our project in the library so the other practices can see it.",
    "",
];
const USEFUL: &[&str] = &[
    "The worked example with real ward data.",
    "Hearing from a team that had tried and failed first.",
    "The small-group discussion.",
    "Seeing the chart rules applied live.",
    "",
];

/// A feedback form (anonymous on cafés, named on the rest) answered by about two in three of
/// those who came, guests among them.
async fn feedback(
    db: &impl ConnectionTrait,
    event_id: i64,
    salt: usize,
    people: &[person::Model],
) -> anyhow::Result<()> {
    let anonymous = salt.is_multiple_of(2);
    let form = FeedbackFormInput {
        anonymous,
        questions: vec!["What was most useful?".to_owned()],
    };
    db::events::feedback::set_form(db, event_id, &form, Utc::now()).await?;
    let came = db::events::bookings::list(db, event_id)
        .await?
        .into_iter()
        .filter(|b| b.attended);
    for (k, b) in came.enumerate() {
        if (k + salt) % 3 == 2 {
            continue;
        }
        let rating = [5u8, 4, 5, 4, 3, 5, 4, 2][(k + salt) % 8];
        let answer = FeedbackInput {
            rating,
            different: DIFFERENTLY[(k * 3 + salt) % DIFFERENTLY.len()].to_owned(),
            answers: vec![USEFUL[(k + salt * 2) % USEFUL.len()].to_owned()],
        };
        let name = if anonymous {
            None
        } else if b.guest {
            Some(guest_respondent(&b.name))
        } else {
            people
                .iter()
                .find(|p| Some(p.id) == b.person_id)
                .map(|p| p.name.clone())
        };
        db::events::feedback::answer(db, event_id, b.id, name, &answer).await?;
    }
    Ok(())
}
