//! Webhooks and their deliveries (`docs/integrations.md`, "Webhooks"): registered, changed and
//! listed by admins; fanned out from the changes feed and delivered by `webhooks::worker`.
//!
//! `webhook_deliveries` is the outbox and the delivery log in one. Fan-out writes a webhook's
//! deliveries and moves its feed position in one transaction (nothing lost on a restart, nothing
//! written twice). Delivery takes the oldest undelivered row of each enabled webhook with a
//! lease, so a receiver sees its changes in the feed's order, and records each attempt at once.

use chrono::{DateTime, Duration, Utc};
use qi_shared::{
    changes::{ChangeType, Position},
    person::Role,
    project::OrganisationRef,
    webhook::{
        Attempt, Delivery, DeliveryStatus, KEPT_ATTEMPTS, SECRET_PREFIX, Webhook, WebhookEvent,
        WebhookEventKind, WebhookInput,
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, sea_query::Expr,
};

use crate::db::{
    self,
    entity::{organisation, person, person_role, webhook, webhook_delivery},
    tokens,
};

fn types_text(types: &[ChangeType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn types(hook: &webhook::Model) -> Vec<ChangeType> {
    hook.change_types
        .split(',')
        .filter_map(ChangeType::parse)
        .collect()
}

/// Registers a webhook, starting at `position` (the feed's position now: it is sent what
/// changes from here on, not the past); gives it back with its secret.
pub async fn create(
    txn: &impl ConnectionTrait,
    input: &WebhookInput,
    organisation_id: i64,
    created_by: i64,
    position: Position,
    now: DateTime<Utc>,
) -> Result<(webhook::Model, String), DbErr> {
    let secret = format!("{SECRET_PREFIX}{}", tokens::generate());
    let model = webhook::ActiveModel {
        organisation_id: Set(organisation_id),
        name: Set(input.name.clone()),
        url: Set(input.url.clone()),
        change_types: Set(types_text(&input.change_types)),
        secret: Set(secret.clone()),
        enabled: Set(input.enabled),
        disabled_reason: Set(None),
        disabled_at: Set((!input.enabled).then_some(now)),
        position_xid: Set(position.xid),
        position_id: Set(position.id),
        failing_since: Set(None),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok((model, secret))
}

/// Gives a webhook a new secret, the old one signing beside it until `overlap_until`; gives it
/// back with the new secret.
pub async fn replace_secret(
    txn: &impl ConnectionTrait,
    hook: webhook::Model,
    overlap_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(webhook::Model, String), DbErr> {
    let secret = format!("{SECRET_PREFIX}{}", tokens::generate());
    let previous = hook.secret.clone();
    let mut row: webhook::ActiveModel = hook.into();
    row.secret = Set(secret.clone());
    row.previous_secret = Set(Some(previous));
    row.previous_secret_until = Set(Some(overlap_until));
    row.updated_at = Set(now);
    Ok((row.update(txn).await?, secret))
}

/// The webhooks of one organisation, or of every one (`None`), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<webhook::Model>, DbErr> {
    let mut query = webhook::Entity::find().order_by_desc(webhook::Column::Id);
    if let Some(id) = organisation_id {
        query = query.filter(webhook::Column::OrganisationId.eq(id));
    }
    query.all(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<webhook::Model>, DbErr> {
    webhook::Entity::find_by_id(id).one(db).await
}

/// Changes a webhook. Turning it on again forgets its failures and makes what waited due at
/// once; turning it off (an admin's choice) keeps what waits, to go when it is on again.
pub async fn update(
    txn: &impl ConnectionTrait,
    hook: webhook::Model,
    input: &WebhookInput,
    now: DateTime<Utc>,
) -> Result<webhook::Model, DbErr> {
    let was_enabled = hook.enabled;
    let id = hook.id;
    let mut row: webhook::ActiveModel = hook.into();
    row.name = Set(input.name.clone());
    row.url = Set(input.url.clone());
    row.change_types = Set(types_text(&input.change_types));
    row.enabled = Set(input.enabled);
    row.updated_at = Set(now);
    if input.enabled && !was_enabled {
        row.disabled_reason = Set(None);
        row.disabled_at = Set(None);
        row.failing_since = Set(None);
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now))
            .filter(webhook_delivery::Column::WebhookId.eq(id))
            .filter(webhook_delivery::Column::Status.ne(DeliveryStatus::Delivered))
            .exec(txn)
            .await?;
    } else if !input.enabled && was_enabled {
        row.disabled_reason = Set(None);
        row.disabled_at = Set(Some(now));
    }
    row.update(txn).await
}

/// Removes a webhook and its log.
pub async fn delete(txn: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(txn)
        .await?;
    webhook::Entity::delete_by_id(id).exec(txn).await?;
    Ok(())
}

/// Writes a delivery of `change` (none for a test), its body naming its own id, made `now`.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    webhook_id: i64,
    kind: WebhookEventKind,
    change: Option<qi_shared::changes::Change>,
    now: DateTime<Utc>,
) -> Result<webhook_delivery::Model, DbErr> {
    let row = webhook_delivery::ActiveModel {
        webhook_id: Set(webhook_id),
        kind: Set(kind),
        body: Set(String::new()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_response_code: Set(None),
        last_error: Set(None),
        last_duration_ms: Set(None),
        tries: Set("[]".to_owned()),
        delivered_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let event = WebhookEvent {
        id: row.id,
        kind,
        webhook_id,
        created_at: now,
        change,
    };
    let body = serde_json::to_string(&event)
        .map_err(|e| DbErr::Custom(format!("a webhook's body: {e}")))?;
    let mut row: webhook_delivery::ActiveModel = row.into();
    row.body = Set(body);
    row.update(txn).await
}

/// A test delivery, due at once (behind any the webhook has waiting, to keep their order).
pub async fn enqueue_test(
    txn: &impl ConnectionTrait,
    webhook_id: i64,
    now: DateTime<Utc>,
) -> Result<webhook_delivery::Model, DbErr> {
    enqueue(txn, webhook_id, WebhookEventKind::Test, None, now).await
}

/// Fans out the changes after an enabled webhook's position: up to `batch` rows of the feed,
/// decided for its organisation as the changes feed decides them for a token, one delivery per
/// change, and the position moved past the rows read, all in the caller's transaction. `None`
/// if the webhook is not there to fan out (off, removed, or held by another node); else whether
/// the feed had more.
pub async fn fan_out(
    txn: &impl ConnectionTrait,
    id: i64,
    batch: u64,
    now: DateTime<Utc>,
) -> Result<Option<bool>, DbErr> {
    let Some(hook) = take_webhook(txn, id).await? else {
        return Ok(None);
    };
    let mut since = Position {
        xid: hook.position_xid,
        id: hook.position_id,
    };
    // Off for longer than changes are kept: what was removed meanwhile cannot be sent, so the
    // receiver is told to load again, and is sent what is kept from there on.
    if let Some(through) = db::changes::pruned_through(txn)
        .await?
        .filter(|through| since < *through)
    {
        enqueue(txn, hook.id, WebhookEventKind::Missed, None, now).await?;
        move_position(txn, hook.id, through).await?;
        since = through;
    }
    let actor = crate::auth::system_actor(hook.organisation_id);
    let page = db::changes::read(txn, &actor, since, &types(&hook), batch).await?;
    for change in page.changes {
        enqueue(txn, hook.id, WebhookEventKind::Change, Some(change), now).await?;
    }
    if page.next != since {
        move_position(txn, hook.id, page.next).await?;
    }
    Ok(Some(page.more))
}

async fn move_position(txn: &impl ConnectionTrait, id: i64, to: Position) -> Result<(), DbErr> {
    webhook::Entity::update_many()
        .col_expr(webhook::Column::PositionXid, Expr::value(to.xid))
        .col_expr(webhook::Column::PositionId, Expr::value(to.id))
        .filter(webhook::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Removes the deliveries made before `before` (their log goes with them), as the changes feed
/// keeps its changes: the log shows what retention keeps. Deliveries still to be made are kept
/// whatever their age (a webhook turned off keeps what waited, to send when it is on again).
/// Returns how many went.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Delivered))
        .filter(webhook_delivery::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// The webhook's row, if it is enabled, held for this transaction. On PostgreSQL a row another
/// node holds is skipped (`SKIP LOCKED`), so two nodes never fan one webhook out at once; on
/// SQLite writers take turns.
async fn take_webhook(
    txn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<webhook::Model>, DbErr> {
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        let held = txn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT id FROM webhooks WHERE id = $1 AND enabled FOR UPDATE SKIP LOCKED",
                [id.into()],
            ))
            .await?;
        if held.is_none() {
            return Ok(None);
        }
    }
    Ok(find(txn, id).await?.filter(|h| h.enabled))
}

/// The ids of the webhooks that are on.
pub async fn enabled(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    webhook::Entity::find()
        .select_only()
        .column(webhook::Column::Id)
        .filter(webhook::Column::Enabled.eq(true))
        .order_by_asc(webhook::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Of each enabled webhook, its oldest delivery not yet made, if it is due and nobody holds it:
/// so one webhook's deliveries go one at a time, in order.
const TAKE: &str = "UPDATE webhook_deliveries SET lease_until = $1 WHERE id IN (\
    SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
    WHERE w.enabled = $4 AND d.status <> 'delivered' AND d.next_attempt_at <= $2 \
    AND (d.lease_until IS NULL OR d.lease_until < $2) \
    AND d.id = (SELECT MIN(e.id) FROM webhook_deliveries e \
        WHERE e.webhook_id = d.webhook_id AND e.status <> 'delivered') \
    ORDER BY d.id LIMIT $3 {lock}) RETURNING id";

/// Takes up to `limit` deliveries due (at most one a webhook), holding them for `lease`; with
/// the webhook each goes to.
pub async fn take(
    db: &impl ConnectionTrait,
    limit: u64,
    lease: Duration,
) -> Result<Vec<(webhook_delivery::Model, webhook::Model)>, DbErr> {
    let now = Utc::now();
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => TAKE.replace("{lock}", "FOR UPDATE OF d SKIP LOCKED"),
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
                true.into(),
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
    let deliveries = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Id.is_in(ids))
        .order_by_asc(webhook_delivery::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(deliveries.len());
    for delivery in deliveries {
        if let Some(hook) = find(db, delivery.webhook_id).await? {
            out.push((delivery, hook));
        }
    }
    Ok(out)
}

/// The delivery's log with `attempt` added (the latest [`KEPT_ATTEMPTS`] kept).
fn with_try(delivery: &webhook_delivery::Model, attempt: &Attempt) -> String {
    let mut tries: Vec<Attempt> = serde_json::from_str(&delivery.tries).unwrap_or_default();
    tries.push(attempt.clone());
    let skip = tries.len().saturating_sub(KEPT_ATTEMPTS);
    serde_json::to_string(&tries[skip..]).unwrap_or_else(|_| "[]".to_owned())
}

/// Records an attempt: delivered, or failed and due again at `retry_at`. On a success the
/// webhook's failures are forgotten; on a failure its failing time starts if it had not.
pub async fn record(
    txn: &impl ConnectionTrait,
    delivery: &webhook_delivery::Model,
    attempt: &Attempt,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let status = if retry_at.is_none() {
        DeliveryStatus::Delivered
    } else {
        DeliveryStatus::Failed
    };
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(status))
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::value(delivery.attempts + 1),
        )
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(retry_at.unwrap_or(attempt.at)),
        )
        .col_expr(
            webhook_delivery::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_delivery::Column::LastResponseCode,
            Expr::value(attempt.response_code.map(i32::from)),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(attempt.error.clone()),
        )
        .col_expr(
            webhook_delivery::Column::LastDurationMs,
            Expr::value(Some(attempt.duration_ms)),
        )
        .col_expr(
            webhook_delivery::Column::Tries,
            Expr::value(with_try(delivery, attempt)),
        )
        .col_expr(
            webhook_delivery::Column::DeliveredAt,
            Expr::value(retry_at.is_none().then_some(attempt.at)),
        )
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .exec(txn)
        .await?;
    let failing_since = match retry_at {
        None => None,
        Some(_) => Some(
            find(txn, delivery.webhook_id)
                .await?
                .and_then(|h| h.failing_since)
                .unwrap_or(attempt.at),
        ),
    };
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailingSince, Expr::value(failing_since))
        .filter(webhook::Column::Id.eq(delivery.webhook_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Turns a webhook off for failing, with why. `false` if it was off already.
pub async fn disable(
    txn: &impl ConnectionTrait,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = webhook::Entity::update_many()
        .col_expr(webhook::Column::Enabled, Expr::value(false))
        .col_expr(webhook::Column::DisabledReason, Expr::value(reason))
        .col_expr(webhook::Column::DisabledAt, Expr::value(now))
        .col_expr(webhook::Column::UpdatedAt, Expr::value(now))
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::Enabled.eq(true))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The admins of an organisation (its own; partnership admins are told of their own
/// organisation's only), to tell of its webhooks.
pub async fn admins_of(db: &impl ConnectionTrait, organisation_id: i64) -> Result<Vec<i64>, DbErr> {
    let admins: Vec<i64> = person_role::Entity::find()
        .select_only()
        .column(person_role::Column::PersonId)
        .filter(person_role::Column::Role.eq(Role::OrganisationAdmin))
        .into_tuple()
        .all(db)
        .await?;
    person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .filter(person::Column::Id.is_in(admins))
        .order_by_asc(person::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

impl From<webhook_delivery::Model> for Delivery {
    fn from(d: webhook_delivery::Model) -> Self {
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            kind: d.kind,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_response_code: d.last_response_code.and_then(|c| u16::try_from(c).ok()),
            last_error: d.last_error,
            last_duration_ms: d.last_duration_ms,
            tries: serde_json::from_str(&d.tries).unwrap_or_default(),
            delivered_at: d.delivered_at,
            created_at: d.created_at,
            body: d.body,
        }
    }
}

/// A page of a webhook's deliveries, newest first, of one status or all; and how many there are.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    webhook_id: i64,
    status: Option<DeliveryStatus>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Delivery>, u64), DbErr> {
    let mut query =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(webhook_id));
    if let Some(status) = status {
        query = query.filter(webhook_delivery::Column::Status.eq(status));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(webhook_delivery::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items.into_iter().map(Into::into).collect(), total))
}

/// Webhooks as their admins see them, each with its latest delivery.
pub async fn dtos(
    db: &impl ConnectionTrait,
    found: Vec<webhook::Model>,
) -> Result<Vec<Webhook>, DbErr> {
    let mut out = Vec::with_capacity(found.len());
    for h in found {
        let organisation = organisation::Entity::find_by_id(h.organisation_id)
            .one(db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let maker = person::Entity::find_by_id(h.created_by)
            .one(db)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let last_delivery = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::WebhookId.eq(h.id))
            .order_by_desc(webhook_delivery::Column::Id)
            .one(db)
            .await?
            .map(Delivery::from);
        out.push(Webhook {
            id: h.id,
            change_types: types(&h),
            name: h.name,
            url: h.url,
            organisation: OrganisationRef {
                id: h.organisation_id,
                name: organisation,
            },
            enabled: h.enabled,
            disabled_reason: h.disabled_reason,
            disabled_at: h.disabled_at,
            failing_since: h.failing_since,
            previous_secret_until: h.previous_secret_until.filter(|until| *until > Utc::now()),
            last_delivery,
            created_by: maker,
            created_at: h.created_at,
            updated_at: h.updated_at,
        });
    }
    Ok(out)
}
