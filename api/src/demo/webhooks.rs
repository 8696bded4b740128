//! A demo webhook: Northmoor's integration hub, which received the first changes, had a bad
//! night (a 503, then a success), and was turned off when its address stopped answering. It
//! stays off, so the demo never calls the address; its page shows a log worth reading.

use chrono::{Duration, Utc};
use qi_shared::{
    changes::{Change, ChangeOp, ChangeType},
    webhook::{Attempt, WebhookEventKind, WebhookInput},
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

use crate::db::{self, entity::project};

pub async fn seed(
    db: &impl ConnectionTrait,
    admin_id: i64,
    organisation_id: i64,
) -> anyhow::Result<usize> {
    let now = Utc::now();
    let began = now - Duration::days(6);
    let input = WebhookInput {
        name: "Northmoor integration hub".to_owned(),
        url: "https://integration.northmoor.example.nhs.uk/hooks/qi-commons".to_owned(),
        change_types: vec![ChangeType::Project, ChangeType::Measure],
        organisation_id: Some(organisation_id),
        enabled: true,
    };
    let position = db::changes::now(db).await?;
    let (hook, _secret) =
        db::webhooks::create(db, &input, organisation_id, admin_id, position, began).await?;
    // What it was sent: Northmoor's first projects, as the feed gives a project. (Read
    // directly: the feed itself serves the seeding transaction's rows only once it commits.)
    let actor = crate::auth::system_actor(organisation_id);
    let ids: Vec<i64> = project::Entity::find()
        .select_only()
        .column(project::Column::Id)
        .order_by_asc(project::Column::Id)
        .limit(40)
        .into_tuple()
        .all(db)
        .await?;
    let sent = db::changes::projects(db, &actor, &ids).await?;
    let answered = |at, code: Option<u16>, error: Option<&str>, ms| Attempt {
        at,
        response_code: code,
        error: error.map(str::to_owned),
        duration_ms: ms,
    };
    let mut made = 0;
    for (i, summary) in sent.into_iter().take(5).enumerate() {
        let bare = Change::bare(ChangeOp::Upsert, ChangeType::Project, summary.id);
        let change = Change {
            project: Some(summary),
            ..bare
        };
        let at = began + Duration::hours(2 + 20 * i as i64);
        let delivery =
            db::webhooks::enqueue(db, hook.id, WebhookEventKind::Change, Some(change), at).await?;
        let tries: Vec<(Attempt, bool)> = match i {
            // A bad night at the hub: refused once, taken on the next try.
            2 => vec![
                (
                    answered(
                        at,
                        Some(503),
                        Some("answered 503: Service Unavailable"),
                        184,
                    ),
                    true,
                ),
                (
                    answered(at + Duration::seconds(10), Some(200), None, 96),
                    false,
                ),
            ],
            // Its address stopped answering: still waiting, kept for when it is on again.
            3 => vec![(
                answered(
                    at,
                    None,
                    Some("could not connect: connection refused"),
                    3012,
                ),
                true,
            )],
            // Behind it, in order: not tried yet.
            4 => vec![],
            _ => vec![(answered(at, Some(200), None, 88 + 7 * i as i64), false)],
        };
        let mut row = delivery;
        for (attempt, failed) in tries {
            let retry_at = failed.then(|| attempt.at + Duration::seconds(10));
            db::webhooks::record(db, &row, &attempt, retry_at).await?;
            row = crate::db::entity::webhook_delivery::Entity::find_by_id(row.id)
                .one(db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the demo delivery {}", row.id))?;
        }
        made += 1;
    }
    db::webhooks::disable(
        db,
        hook.id,
        "its deliveries failed for 1 day without a success (the last: could not connect: \
         connection refused)",
        now - Duration::days(1),
    )
    .await?;
    Ok(made)
}
