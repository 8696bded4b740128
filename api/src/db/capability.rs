//! Persistence of capability: the tier rules, overrides, each person's tier over time, and
//! coaching sessions.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

/// Derives the person's tier from their record as it is now and, when it differs from the
/// tier they hold, records the change (dated `now`). Called after anything that can move a
/// person between tiers: a completion, a project's team or status, a coaching session, an
/// override, the rules.
pub async fn refresh_tier(
    _db: &impl ConnectionTrait,
    _person_id: i64,
    _now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Ok(())
}
