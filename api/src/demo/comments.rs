//! Demo comments and peer support: on a dozen of the register's projects, questions from
//! colleagues in other organisations with the team's replies, remarks on a measure's chart and
//! on a PDSA cycle, offers of help (some accepted), one comment hidden by its organisation's QI
//! lead, and on public projects one comment published to the library. The demo coach mentions
//! the demo member on one project, so her notifications show the mention. Chosen by order, so
//! the demo repeats.

use chrono::{Duration, Utc};
use qi_shared::{
    comment::{CommentInput, OfferStatus},
    notification::NotificationKind,
    project::{ProjectStatus, TeamRole, Visibility},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::{
    self,
    entity::{measure, pdsa_cycle, person, project, project_member},
    notifications::NewNotification,
};

/// A colleague's question and the team's answer.
const QUESTIONS: &[(&str, &str)] = &[
    (
        "How did you get the night staff on board? We tried something similar on our wards and \
         the change held in the day but not overnight.",
        "We asked two night-shift nurses to run the second PDSA cycle themselves. Once it was \
         *their* test the rest followed. Happy to put you in touch.",
    ),
    (
        "Is your denominator all admissions or only those over 65? I'd like to compare with our \
         figures.",
        "All adult admissions: the operational definition is on the measure. We looked at the \
         over-65s separately in cycle 3 and the picture was the same.",
    ),
    (
        "This is really useful. Did you need any extra staffing to keep the huddles going?",
        "No extra posts: we moved the huddle to 08:45 so it overlaps with handover, and it takes \
         ten minutes.",
    ),
    (
        "Have you shared the patient information leaflet anywhere? Our practice nurses would \
         love to see it.",
        "It's attached to the project's last PDSA cycle. Please adapt it, and tell us what you \
         change!",
    ),
];

/// Remarks on a measure's chart.
const ON_MEASURES: &[&str] = &[
    "Eight points in a row above the centre line since the change: that's a shift, not luck. \
     Worth marking the phase change on the chart.",
    "The last two months look like they're drifting back. Is the change still being done on \
     every shift?",
    "Lovely run chart. Could you add the target line so the board can see how close you are?",
];

/// Remarks on a PDSA cycle.
const ON_CYCLES: &[&str] = &[
    "Good small test: one ward, one week. What made you choose to adapt rather than adopt?",
    "The prediction was spot on. Next time it might help to write down *how much* you expect it \
     to change.",
];

/// Offers of help.
const OFFERS: &[&str] = &[
    "I led the same change at our trust last year and can share our audit tool and what went \
     wrong the first time.",
    "I'm a QI coach with time this quarter: happy to join a couple of your huddles and help with \
     the SPC charts.",
    "Our pharmacy team has data that might help your baseline. Shall I send it over?",
];

pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let projects: Vec<project::Model> = project::Entity::find()
        .filter(project::Column::Visibility.is_in([Visibility::Partnership, Visibility::Public]))
        .filter(project::Column::Status.is_in([ProjectStatus::Active, ProjectStatus::Completed]))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let members = project_member::Entity::find().all(db).await?;
    let people: Vec<person::Model> = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    let by_email = |email: &str| people.iter().find(|p| p.email == email).map(|p| p.id);
    let (Some(coach), Some(member), Some(qi_lead)) = (
        by_email("coach@demo.qicommons.org"),
        by_email("member@demo.qicommons.org"),
        by_email("qi.lead@demo.qicommons.org"),
    ) else {
        return Ok(0);
    };
    let now = Utc::now();
    let mut written = 0;
    let mut mentioned = false;
    let mut hidden = false;
    for (n, p) in projects.iter().take(12).enumerate() {
        let team: Vec<&project_member::Model> =
            members.iter().filter(|m| m.project_id == p.id).collect();
        let Some(lead) = team
            .iter()
            .find(|m| m.role == TeamRole::Lead)
            .or(team.first())
            .map(|m| m.person_id)
        else {
            continue;
        };
        // A colleague from another organisation, different for each project.
        let lead_org = people
            .iter()
            .find(|x| x.id == lead)
            .map(|x| x.organisation_id);
        let outsiders: Vec<i64> = people
            .iter()
            .filter(|x| {
                Some(x.organisation_id) != lead_org && !team.iter().any(|m| m.person_id == x.id)
            })
            .map(|x| x.id)
            .collect();
        let Some(&colleague) = outsiders.get((n * 7) % outsiders.len().max(1)) else {
            continue;
        };
        let started = now - Duration::days(60 - 4 * i64::try_from(n).unwrap_or(0));
        let write = |author: i64, input: CommentInput, days: i64| {
            let at = started + Duration::days(days);
            async move { db::comments::insert(db, p.id, author, &input, at).await }
        };

        let (question, answer) = QUESTIONS[n % QUESTIONS.len()];
        let head = write(
            colleague,
            CommentInput {
                body: question.to_owned(),
                ..Default::default()
            },
            0,
        )
        .await?;
        write(
            lead,
            CommentInput {
                body: answer.to_owned(),
                parent_id: Some(head.id),
                ..Default::default()
            },
            1,
        )
        .await?;
        written += 2;
        if p.visibility == Visibility::Public {
            db::comments::save(db, head.clone(), |c| c.published = Set(true)).await?;
        }

        let first_measure = measure::Entity::find()
            .filter(measure::Column::ProjectId.eq(p.id))
            .order_by_asc(measure::Column::Id)
            .one(db)
            .await?;
        if let Some(m) = first_measure {
            let remark = if !mentioned && p.visibility != Visibility::Team {
                mentioned = true;
                format!(
                    "{} @Grace Lee, you ran the same audit on ward 7: does this match what you saw?",
                    ON_MEASURES[n % ON_MEASURES.len()]
                )
            } else {
                ON_MEASURES[n % ON_MEASURES.len()].to_owned()
            };
            let mentions = if remark.contains("@Grace Lee") {
                vec![member]
            } else {
                Vec::new()
            };
            let on_measure = write(
                coach,
                CommentInput {
                    body: remark,
                    measure_id: Some(m.id),
                    mentions: mentions.clone(),
                    ..Default::default()
                },
                3,
            )
            .await?;
            written += 1;
            if !mentions.is_empty() {
                let link = format!("/projects/{}#comment-{}", p.id, on_measure.id);
                let summary = format!(
                    "Tom Okafor mentioned you in a comment on {}: \u{201c}{}\u{201d}",
                    p.title,
                    crate::markdown::excerpt(&on_measure.body, 160)
                );
                db::notifications::insert(
                    db,
                    NewNotification {
                        person_id: member,
                        kind: NotificationKind::Mentioned,
                        subject: &format!("Tom Okafor mentioned you on {}", p.title),
                        summary: &summary,
                        link: &link,
                    },
                )
                .await?;
            }
        }

        let first_cycle = pdsa_cycle::Entity::find()
            .filter(pdsa_cycle::Column::ProjectId.eq(p.id))
            .order_by_asc(pdsa_cycle::Column::Id)
            .one(db)
            .await?;
        if let Some(cycle) = first_cycle.filter(|_| n % 2 == 0) {
            write(
                qi_lead,
                CommentInput {
                    body: ON_CYCLES[n % ON_CYCLES.len()].to_owned(),
                    cycle_id: Some(cycle.id),
                    ..Default::default()
                },
                5,
            )
            .await?;
            written += 1;
        }

        if n % 3 == 0 {
            let helper = outsiders
                .get((n * 11 + 3) % outsiders.len().max(1))
                .copied()
                .unwrap_or(colleague);
            let offer = write(
                helper,
                CommentInput {
                    body: OFFERS[(n / 3) % OFFERS.len()].to_owned(),
                    offer: true,
                    ..Default::default()
                },
                8,
            )
            .await?;
            written += 1;
            if n % 2 == 0 {
                db::comments::save(db, offer, |c| {
                    c.offer_status = Set(Some(OfferStatus::Accepted))
                })
                .await?;
            }
        }

        if !hidden && n == 4 {
            hidden = true;
            let off_topic = write(
                colleague,
                CommentInput {
                    body: "Does anyone know if the car park barrier on level 2 is fixed yet?"
                        .to_owned(),
                    ..Default::default()
                },
                9,
            )
            .await?;
            let moderator = p.lead_organisation_id;
            let admin = people
                .iter()
                .find(|x| x.organisation_id == moderator && x.job_role == "QI lead")
                .map_or(qi_lead, |x| x.id);
            db::comments::save(db, off_topic, |c| {
                c.hidden_by = Set(Some(admin));
                c.hidden_reason = Set(Some(
                    "Not about this project: please ask on the estates noticeboard".to_owned(),
                ));
                c.hidden_at = Set(Some(started + Duration::days(10)));
            })
            .await?;
            written += 1;
        }
    }
    Ok(written)
}
