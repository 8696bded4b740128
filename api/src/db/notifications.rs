//! A person's notifications in the app, and how they chose to hear of each kind.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr, sea_query::OnConflict,
};

use qi_shared::notification::{Channel, Notification, NotificationKind, NotificationSetting};

use super::entity::{notification, notification_setting};

/// How `person_id` hears of `kind`: their choice, or the kind's default.
pub async fn channel(
    db: &impl ConnectionTrait,
    person_id: i64,
    kind: NotificationKind,
) -> Result<Channel, DbErr> {
    if kind.is_security() {
        return Ok(Channel::Email);
    }
    Ok(notification_setting::Entity::find_by_id((person_id, kind))
        .one(db)
        .await?
        .map_or(kind.default_channel(), |s| s.channel))
}

/// Every kind and how this person hears of it, security kinds first (fixed).
pub async fn settings(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<NotificationSetting>, DbErr> {
    let chosen = notification_setting::Entity::find()
        .filter(notification_setting::Column::PersonId.eq(person_id))
        .all(db)
        .await?;
    Ok(NotificationKind::ALL
        .iter()
        .filter(|k| **k != NotificationKind::Invitation)
        .map(|&kind| NotificationSetting {
            kind,
            channel: chosen
                .iter()
                .find(|c| c.kind == kind && !kind.is_security())
                .map_or(kind.default_channel(), |c| c.channel),
            locked: kind.is_security(),
        })
        .collect())
}

pub async fn choose(
    db: &impl ConnectionTrait,
    person_id: i64,
    choices: &[(NotificationKind, Channel)],
) -> Result<(), DbErr> {
    for &(kind, channel) in choices {
        notification_setting::Entity::insert(notification_setting::ActiveModel {
            person_id: Set(person_id),
            kind: Set(kind),
            channel: Set(channel),
        })
        .on_conflict(
            OnConflict::columns([
                notification_setting::Column::PersonId,
                notification_setting::Column::Kind,
            ])
            .update_column(notification_setting::Column::Channel)
            .to_owned(),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A notification in the app.
pub struct NewNotification<'a> {
    pub person_id: i64,
    pub kind: NotificationKind,
    pub subject: &'a str,
    pub summary: &'a str,
    pub link: &'a str,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewNotification<'_>) -> Result<(), DbErr> {
    notification::ActiveModel {
        person_id: Set(new.person_id),
        kind: Set(new.kind),
        subject: Set(new.subject.to_owned()),
        summary: Set(new.summary.to_owned()),
        link: Set(new.link.to_owned()),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

impl From<notification::Model> for Notification {
    fn from(m: notification::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            subject: m.subject,
            summary: m.summary,
            link: m.link,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// A page of a person's notifications, newest first (only the unread ones if asked), and
/// how many there are.
pub async fn list(
    db: &impl ConnectionTrait,
    person_id: i64,
    unread_only: bool,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Notification>, u64), DbErr> {
    let mut query =
        notification::Entity::find().filter(notification::Column::PersonId.eq(person_id));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items.into_iter().map(Into::into).collect(), total))
}

pub async fn unread(db: &impl ConnectionTrait, person_id: i64) -> Result<u64, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::PersonId.eq(person_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// Marks one of a person's notifications read (`id`), or all of them. False if `id` is not
/// theirs.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    person_id: i64,
    id: Option<i64>,
) -> Result<bool, DbErr> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::PersonId.eq(person_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        let theirs = notification::Entity::find_by_id(id)
            .filter(notification::Column::PersonId.eq(person_id))
            .one(db)
            .await?
            .is_some();
        if !theirs {
            return Ok(false);
        }
        update = update.filter(notification::Column::Id.eq(id));
    }
    update.exec(db).await?;
    Ok(true)
}

/// Claims a scheduled job's run for a period (`data_due` on a day, `weekly_digest` in a week):
/// true for the one node that claims it first.
pub async fn claim_run(
    db: &impl ConnectionTrait,
    job: &str,
    period: chrono::NaiveDate,
) -> Result<bool, DbErr> {
    use sea_orm::{DbBackend, Statement};
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO notification_runs (job, period, ran_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        }
        _ => "INSERT OR IGNORE INTO notification_runs (job, period, ran_at) VALUES (?, ?, ?)",
    };
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [job.into(), period.into(), Utc::now().into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The subjects of a person's notifications since `since`, newest first (for the digest).
pub async fn subjects_since(
    db: &impl ConnectionTrait,
    person_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    Ok(notification::Entity::find()
        .filter(notification::Column::PersonId.eq(person_id))
        .filter(notification::Column::CreatedAt.gte(since))
        .filter(notification::Column::Kind.ne(NotificationKind::WeeklyDigest))
        .order_by_desc(notification::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.subject)
        .collect())
}

/// Those who asked for the digest (by email or in the app).
pub async fn digest_readers(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    notification_setting::Entity::find()
        .filter(notification_setting::Column::Kind.eq(NotificationKind::WeeklyDigest))
        .filter(notification_setting::Column::Channel.ne(Channel::None))
        .select_only()
        .column(notification_setting::Column::PersonId)
        .into_tuple::<i64>()
        .all(db)
        .await
}
