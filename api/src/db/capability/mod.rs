//! Persistence of capability: the tier rules, overrides, each person's tier over time, and
//! coaching sessions.
//!
//! A person's tier is kept as periods in `tier_periods`. [`facts_changed`] derives the tier from
//! the record now and opens a new period only when the tier (or where it came from, or the
//! person's organisation) changes; the first time a person is assessed their history is built
//! from the dates of their facts, so it reads as it happened.

pub mod coaching;
pub mod record;
mod tiers;

use tiers::period_dto;
pub use tiers::{facts, facts_changed, refresh_everyone};

use qi_shared::uk_time;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::capability::{
    OrganisationTierCount, PersonTier, Tier, TierCount, TierOverride, TierPeriod, TierRules, assess,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};

use super::entity::{
    capability::{tier_override, tier_period, tier_rule},
    organisation, person,
};

/// Midnight (UK) at the start of `day`.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    uk_time::start_of_day(day)
}

/// The instant a day ends: midnight (UK) at the start of the next.
pub fn end_of(day: NaiveDate) -> DateTime<Utc> {
    uk_time::end_of_day(day)
}

/// The partnership's rules: the defaults until an admin saves some.
pub async fn rules(db: &impl ConnectionTrait, partnership_id: i64) -> Result<TierRules, DbErr> {
    let row = tier_rule::Entity::find_by_id(partnership_id)
        .one(db)
        .await?;
    Ok(row
        .and_then(|r| serde_json::from_str(&r.rules).ok())
        .unwrap_or_default())
}

/// Saves the rules (already checked), to apply from now on.
pub async fn save_rules(
    db: &impl ConnectionTrait,
    partnership_id: i64,
    rules: &TierRules,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let json = serde_json::to_string(rules).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = tier_rule::ActiveModel {
        partnership_id: Set(partnership_id),
        rules: Set(json),
        updated_by: Set(by),
        updated_at: Set(now),
    };
    if tier_rule::Entity::find_by_id(partnership_id)
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

fn day_of(at: DateTime<Utc>) -> NaiveDate {
    uk_time::day_of(at)
}

/// Sets a person's tier by hand, then refreshes it.
pub async fn set_override(
    db: &impl ConnectionTrait,
    person_id: i64,
    tier: Tier,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    tier_override::Entity::delete_by_id(person_id)
        .exec(db)
        .await?;
    tier_override::ActiveModel {
        person_id: Set(person_id),
        tier: Set(tier),
        reason: Set(reason.to_owned()),
        set_by: Set(by),
        set_at: Set(now),
    }
    .insert(db)
    .await?;
    facts_changed(db, [person_id], now).await
}

/// Clears an override (the derived tier applies again); `false` if there was none.
pub async fn clear_override(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let deleted = tier_override::Entity::delete_by_id(person_id)
        .exec(db)
        .await?
        .rows_affected;
    if deleted > 0 {
        facts_changed(db, [person_id], now).await?;
    }
    Ok(deleted > 0)
}

/// A person's tier now: held, derived (as of `now`), override and history.
pub async fn person_tier(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<PersonTier>, DbErr> {
    let people = person::Entity::find_by_id(person_id).all(db).await?;
    Ok(tiers_of(db, people, now).await?.pop())
}

/// Up to `limit` people that meet `condition` with ids above `after`, in id order, each with
/// their tier as [`person_tier`] shows it: one page of a bulk export.
pub async fn tiers_after(
    db: &impl ConnectionTrait,
    condition: Condition,
    after: i64,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<PersonTier>, DbErr> {
    let people = person::Entity::find()
        .filter(condition)
        .filter(person::Column::Id.gt(after))
        .order_by_asc(person::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    tiers_of(db, people, now).await
}

/// `people`'s tiers, in their order, in a few queries whatever their number (at most
/// [`tiers::CHUNK`] of them): a person whose organisation has gone is left out.
async fn tiers_of(
    db: &impl ConnectionTrait,
    people: Vec<person::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<PersonTier>, DbErr> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let organisations: HashSet<i64> = people.iter().map(|p| p.organisation_id).collect();
    let partnership_of: HashMap<i64, i64> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisations))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.partnership_id))
        .collect();
    let mut rules_of: HashMap<i64, TierRules> = HashMap::new();
    for partnership in partnership_of.values() {
        if !rules_of.contains_key(partnership) {
            rules_of.insert(*partnership, rules(db, *partnership).await?);
        }
    }
    let mut facts = tiers::facts_of(db, &ids).await?;
    let mut overrides: HashMap<i64, tier_override::Model> = tier_override::Entity::find()
        .filter(tier_override::Column::PersonId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.person_id, o))
        .collect();
    let setters: HashSet<i64> = overrides.values().map(|o| o.set_by).collect();
    let setter_names: HashMap<i64, String> = if setters.is_empty() {
        HashMap::new()
    } else {
        person::Entity::find()
            .filter(person::Column::Id.is_in(setters))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect()
    };
    let mut histories: HashMap<i64, Vec<TierPeriod>> = HashMap::new();
    for period in tier_period::Entity::find()
        .filter(tier_period::Column::PersonId.is_in(ids))
        .order_by_desc(tier_period::Column::ValidFrom)
        .order_by_desc(tier_period::Column::Id)
        .all(db)
        .await?
    {
        histories
            .entry(period.person_id)
            .or_default()
            .push(period_dto(period));
    }
    let today = day_of(now);
    Ok(people
        .into_iter()
        .filter_map(|person| {
            let rules = rules_of.get(partnership_of.get(&person.organisation_id)?)?;
            let derived = assess(&facts.remove(&person.id).unwrap_or_default(), rules, today);
            let tier_override = overrides.remove(&person.id).map(|o| TierOverride {
                set_by_name: setter_names.get(&o.set_by).cloned().unwrap_or_default(),
                tier: o.tier,
                reason: o.reason,
                set_by_id: o.set_by,
                set_at: o.set_at,
            });
            Some(PersonTier {
                person_id: person.id,
                tier: tier_override.as_ref().map(|o| o.tier).or(derived.tier),
                derived,
                tier_override,
                history: histories.remove(&person.id).unwrap_or_default(),
                name: person.name,
                organisation_id: person.organisation_id,
            })
        })
        .collect())
}

/// People per tier per organisation at instant `at`: one range query over `tier_periods`
/// (`tier_periods_as_of`, or `tier_periods_by_organisation` for one organisation).
pub async fn counts_at(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    organisation_id: Option<i64>,
) -> Result<HashMap<i64, TierCount>, DbErr> {
    let mut query = Query::select();
    query
        .column("organisation_id")
        .column("tier")
        .expr_as(Expr::col("id").count(), "n")
        .from("tier_periods")
        .and_where(Expr::col("valid_from").lt(at))
        .and_where(
            Expr::col("valid_to")
                .is_null()
                .or(Expr::col("valid_to").gte(at)),
        )
        .group_by_col("organisation_id")
        .group_by_col("tier");
    if let Some(id) = organisation_id {
        query.and_where(Expr::col("organisation_id").eq(id));
    }
    let mut counts: HashMap<i64, TierCount> = HashMap::new();
    for row in db.query_all(&query).await? {
        let tier: Tier = row.try_get("", "tier")?;
        let n: i64 = row.try_get("", "n")?;
        counts
            .entry(row.try_get("", "organisation_id")?)
            .or_default()
            .add(tier, u64::try_from(n).unwrap_or(0));
    }
    Ok(counts)
}

/// Counts at the end of `as_of`, for every organisation of the partnership (or one), by name.
pub async fn counts(
    db: &impl ConnectionTrait,
    partnership_id: i64,
    as_of: NaiveDate,
    organisation_id: Option<i64>,
) -> Result<(Vec<OrganisationTierCount>, TierCount), DbErr> {
    let mut counts = counts_at(db, end_of(as_of), organisation_id).await?;
    let mut orgs = organisation::Entity::find()
        .filter(organisation::Column::PartnershipId.eq(partnership_id))
        .order_by_asc(organisation::Column::Name);
    if let Some(id) = organisation_id {
        orgs = orgs.filter(organisation::Column::Id.eq(id));
    }
    let mut total = TierCount::default();
    let rows = orgs
        .all(db)
        .await?
        .into_iter()
        .map(|o| {
            let c = counts.remove(&o.id).unwrap_or_default();
            total.learn += c.learn;
            total.live += c.live;
            total.lead += c.lead;
            OrganisationTierCount {
                organisation_id: o.id,
                organisation_name: o.name,
                counts: c,
            }
        })
        .collect();
    Ok((rows, total))
}
