//! The mail outbox: messages written in the same transaction as the change they tell of, then
//! taken, sent and marked by the delivery worker (`mail::worker`).
//!
//! A worker takes a message by setting it `sending` with a lease (`locked_until`). On
//! PostgreSQL the taking skips rows another node's taking holds (`FOR UPDATE SKIP LOCKED`), so
//! with several nodes each message is taken by one; a node that dies while sending leaves its
//! messages to be taken again when their lease ends (sent at least once).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
    sea_query::{Expr, ExprTrait},
};

use qi_shared::notification::{NotificationKind, OutboxMessage, OutboxStatus, OutboxSummary};

use super::entity::mail_outbox;

/// A message to put in the outbox.
pub struct NewMessage<'a> {
    pub person_id: Option<i64>,
    pub kind: NotificationKind,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    /// `<random@host>`: the same on every attempt.
    pub message_id: String,
    /// iCalendar text to attach.
    pub calendar: Option<String>,
}

pub async fn enqueue(db: &impl ConnectionTrait, new: NewMessage<'_>) -> Result<i64, DbErr> {
    let now = Utc::now();
    let row = mail_outbox::ActiveModel {
        person_id: Set(new.person_id),
        kind: Set(new.kind),
        to_address: Set(new.to_address.to_owned()),
        subject: Set(new.subject.to_owned()),
        text_body: Set(new.text_body.to_owned()),
        html_body: Set(new.html_body.to_owned()),
        message_id: Set(new.message_id),
        status: Set(OutboxStatus::Queued),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        calendar: Set(new.calendar),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

const TAKE: &str = "UPDATE mail_outbox SET status = 'sending', locked_until = $1 WHERE id IN (\
    SELECT id FROM mail_outbox WHERE (status = 'queued' AND next_attempt_at <= $2) \
    OR (status = 'sending' AND locked_until < $2) ORDER BY id LIMIT $3 {lock}) RETURNING id";

/// Takes up to `limit` messages due to be sent (or whose sender's lease ran out), holding
/// them for `lease`. Oldest first.
pub async fn take(
    db: &impl ConnectionTrait,
    limit: u64,
    lease: Duration,
) -> Result<Vec<mail_outbox::Model>, DbErr> {
    let now = Utc::now();
    let backend = db.get_database_backend();
    // PostgreSQL: nodes taking at once skip each other's rows. SQLite: one node writes the
    // file, its writes taking turns (`db::WriteTurns`); it numbers parameters `?1`.
    let sql = match backend {
        DbBackend::Postgres => TAKE.replace("{lock}", "FOR UPDATE SKIP LOCKED"),
        _ => TAKE.replace("{lock}", "").replace('$', "?"),
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                (now + lease).into(),
                now.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        ))
        .await?;
    let ids = rows
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Id.is_in(ids))
        .order_by_asc(mail_outbox::Column::Id)
        .all(db)
        .await
}

/// The SMTP server took the message. Messages whose link is as good as a password keep only a
/// note of it once sent.
pub async fn sent(db: &impl ConnectionTrait, message: &mail_outbox::Model) -> Result<(), DbErr> {
    let mut update = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(OutboxStatus::Sent))
        .col_expr(mail_outbox::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        );
    if carries_a_key(message.kind) {
        let note = "Sent. Its link works like a password until used, so it is not kept here.";
        update = update
            .col_expr(mail_outbox::Column::TextBody, Expr::value(note))
            .col_expr(
                mail_outbox::Column::HtmlBody,
                Expr::value(format!("<p>{note}</p>")),
            );
    }
    update
        .filter(mail_outbox::Column::Id.eq(message.id))
        .exec(db)
        .await?;
    Ok(())
}

fn carries_a_key(kind: NotificationKind) -> bool {
    matches!(
        kind,
        NotificationKind::Invitation
            | NotificationKind::PasswordReset
            | NotificationKind::EmailConfirmation
    )
}

/// The SMTP server refused the message: for good (`retry_at` None), or for now.
pub async fn refused(
    db: &impl ConnectionTrait,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let (status, next) = match retry_at {
        Some(at) => (OutboxStatus::Queued, at),
        None => (OutboxStatus::Failed, Utc::now()),
    };
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(status))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The SMTP server could not be reached: the messages go back to wait, their attempts not
/// counted (an outage is not the message's fault).
pub async fn put_back(db: &impl ConnectionTrait, ids: &[i64], error: &str) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::Status,
            Expr::value(OutboxStatus::Queued),
        )
        .col_expr(
            mail_outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .filter(mail_outbox::Column::Id.is_in(ids.iter().copied()))
        .filter(mail_outbox::Column::Status.eq(OutboxStatus::Sending))
        .exec(db)
        .await?;
    Ok(())
}

/// An admin's "try again": a failed or waiting message is sent at once. False if there is no
/// such message, or it is sent or being sent.
pub async fn retry(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let done = mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::Status,
            Expr::value(OutboxStatus::Queued),
        )
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(mail_outbox::Column::Attempts, Expr::value(0))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::Status.is_in([OutboxStatus::Failed, OutboxStatus::Queued]))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

impl From<mail_outbox::Model> for OutboxMessage {
    fn from(m: mail_outbox::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            to_address: m.to_address,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
            text_body: m.text_body,
        }
    }
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<OutboxMessage>, DbErr> {
    Ok(mail_outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Into::into))
}

/// A page of the outbox, newest first, of one status or all; and how many there are.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<OutboxStatus>,
    to: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<OutboxMessage>, u64), DbErr> {
    let mut query = mail_outbox::Entity::find();
    if let Some(status) = status {
        query = query.filter(mail_outbox::Column::Status.eq(status));
    }
    if let Some(to) = to {
        query = query.filter(mail_outbox::Column::ToAddress.contains(to));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(mail_outbox::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items.into_iter().map(Into::into).collect(), total))
}

pub async fn summary(db: &impl ConnectionTrait, delivering: bool) -> Result<OutboxSummary, DbErr> {
    let count = |status: OutboxStatus| {
        mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq(status))
            .count(db)
    };
    Ok(OutboxSummary {
        delivering,
        queued: count(OutboxStatus::Queued).await?,
        sending: count(OutboxStatus::Sending).await?,
        sent: count(OutboxStatus::Sent).await?,
        failed: count(OutboxStatus::Failed).await?,
    })
}
