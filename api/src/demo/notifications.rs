//! The demo's notifications: what the named demo people would have been told lately (score
//! changes on projects they lead, coaching sessions on their projects, their training places),
//! in the app and as mail in the outbox, written by the same notices the server sends. The
//! demo has no SMTP server, so its outbox shows mail waiting to be read, as a new deployment's
//! would.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use qi_shared::{
    notification::NotificationKind, project::TeamRole, score::ProgressScore,
    training::EnrolmentStatus,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use crate::{
    db::entity::{
        capability::coaching_session, mail_outbox, notification, person, project, project_member,
        project_score, training,
    },
    mail::{Mail, Templates, notices},
    settings::MailSettings,
};

/// The demo people whose news is seeded.
const TOLD: &[&str] = &[
    super::ADMIN_EMAIL,
    "qi.lead@demo.qicommons.org",
    "coach@demo.qicommons.org",
    "member@demo.qicommons.org",
];

pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let mail = Mail {
        templates: Templates::new(),
        transport: None,
        from: "QI Commons <qi@demo.qicommons.org>".parse::<Mailbox>()?,
        settings: MailSettings::default(),
        public_url: "http://127.0.0.1:8080".to_owned(),
    };
    let people = person::Entity::find()
        .filter(person::Column::Email.is_in(TOLD.iter().copied()))
        .all(db)
        .await?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let memberships = project_member::Entity::find()
        .filter(project_member::Column::PersonId.is_in(ids.clone()))
        .all(db)
        .await?;
    let project_ids: Vec<i64> = memberships.iter().map(|m| m.project_id).collect();
    let titles: HashMap<i64, String> = project::Entity::find()
        .filter(project::Column::Id.is_in(project_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let team_of = |project_id: i64| -> Vec<(i64, TeamRole)> {
        memberships
            .iter()
            .filter(|m| m.project_id == project_id)
            .map(|m| (m.person_id, m.role))
            .collect()
    };

    // Oldest first, so the newest notice is the newest row.
    let mut scores = project_score::Entity::find()
        .filter(project_score::Column::ProjectId.is_in(project_ids.clone()))
        .order_by_desc(project_score::Column::ChangedAt)
        .limit(6)
        .all(db)
        .await?;
    scores.reverse();
    for s in scores {
        let (Some(title), Some(score)) = (
            titles.get(&s.project_id),
            ProgressScore::from_tenths(s.score_tenths),
        ) else {
            continue;
        };
        let team = team_of(s.project_id);
        let project = notices::ProjectTeam {
            id: s.project_id,
            title,
            team: &team,
        };
        let mark = Mark::now(db).await?;
        notices::score_changed(&mail, db, &project, s.changed_by, score, &s.reason).await?;
        mark.date(db, s.changed_at).await?;
    }
    let mut sessions = coaching_session::Entity::find()
        .filter(coaching_session::Column::ProjectId.is_in(project_ids))
        .order_by_desc(coaching_session::Column::HeldOn)
        .limit(6)
        .all(db)
        .await?;
    sessions.reverse();
    for s in sessions {
        let Some(title) = titles.get(&s.project_id) else {
            continue;
        };
        let team = team_of(s.project_id);
        let project = notices::ProjectTeam {
            id: s.project_id,
            title,
            team: &team,
        };
        let mark = Mark::now(db).await?;
        notices::coaching_recorded(&mail, db, &project, s.coach_id, s.held_on).await?;
        // Written up by the coach at the end of the session's day.
        let written = s
            .held_on
            .and_hms_opt(16, 30, 0)
            .map_or(s.created_at, qi_shared::uk_time::instant);
        mark.date(db, written).await?;
    }
    let places = training::enrolment::Entity::find()
        .filter(training::enrolment::Column::PersonId.is_in(ids.clone()))
        .filter(training::enrolment::Column::Status.eq(EnrolmentStatus::Enrolled))
        .limit(4)
        .all(db)
        .await?;
    for e in places {
        let Some(cohort) = training::cohort::Entity::find_by_id(e.cohort_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let Some(course) = training::course::Entity::find_by_id(cohort.course_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let mark = Mark::now(db).await?;
        notices::places(
            &mail,
            db,
            NotificationKind::PlaceConfirmed,
            &[e.person_id],
            &cohort,
            &course,
        )
        .await?;
        mark.date(db, e.placed_at.unwrap_or(e.created_at)).await?;
    }
    read_all_but_the_newest(db, &ids).await?;
    Ok(())
}

/// The notices written after it was made, to date them when their cause happened.
struct Mark {
    notification: i64,
    mail: i64,
}

impl Mark {
    async fn now(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let last = |id: Option<notification::Model>| id.map_or(0, |n| n.id);
        Ok(Self {
            notification: last(
                notification::Entity::find()
                    .order_by_desc(notification::Column::Id)
                    .one(db)
                    .await?,
            ),
            mail: mail_outbox::Entity::find()
                .order_by_desc(mail_outbox::Column::Id)
                .one(db)
                .await?
                .map_or(0, |m| m.id),
        })
    }

    async fn date(self, db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<(), DbErr> {
        notification::Entity::update_many()
            .col_expr(notification::Column::CreatedAt, Expr::value(at))
            .filter(notification::Column::Id.gt(self.notification))
            .exec(db)
            .await?;
        mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::CreatedAt, Expr::value(at))
            .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(at))
            .filter(mail_outbox::Column::Id.gt(self.mail))
            .exec(db)
            .await?;
        Ok(())
    }
}

/// Each person has read all but their two newest, as someone who uses the app would have.
async fn read_all_but_the_newest(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    for &id in ids {
        let newest: Vec<i64> = notification::Entity::find()
            .filter(notification::Column::PersonId.eq(id))
            .order_by_desc(notification::Column::CreatedAt)
            .limit(2)
            .all(db)
            .await?
            .into_iter()
            .map(|n| n.id)
            .collect();
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
            .filter(notification::Column::PersonId.eq(id))
            .filter(notification::Column::Id.is_not_in(newest))
            .exec(db)
            .await?;
    }
    Ok(())
}
