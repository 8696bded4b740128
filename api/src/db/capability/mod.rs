//! Persistence of capability: the tier rules, overrides, each person's tier over time, and
//! coaching sessions.
//!
//! A person's tier is kept as periods in `tier_periods`. [`refresh_tier`] derives the tier from
//! the record now and opens a new period only when the tier (or where it came from, or the
//! person's organisation) changes; the first time a person is assessed their history is built
//! from the dates of their facts, so it reads as it happened.

pub mod coaching;
pub mod record;

use qi_shared::uk_time;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    project::{ProjectStatus, TeamRole},
    tier::{
        Assessment, CompletedCourse, Membership, OrganisationTierCount, PersonTier, Tier,
        TierCount, TierFacts, TierOverride, TierPeriod, TierRules, TierSource, assess, long_date,
        timeline,
    },
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Order, Query},
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

/// The partnership a person's organisation belongs to, with the person.
async fn person_and_partnership(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Option<(person::Model, i64)>, DbErr> {
    let Some(person) = person::Entity::find_by_id(person_id).one(db).await? else {
        return Ok(None);
    };
    let partnership = organisation::Entity::find_by_id(person.organisation_id)
        .one(db)
        .await?
        .map(|o| o.partnership_id);
    Ok(partnership.map(|p| (person, p)))
}

fn day_of(at: DateTime<Utc>) -> NaiveDate {
    uk_time::day_of(at)
}

/// What a person's record says, for the rules: completed courses (the training tables),
/// project memberships with their projects' status history, and coaching sessions given.
pub async fn facts(db: &impl ConnectionTrait, person_id: i64) -> Result<TierFacts, DbErr> {
    let completions = db
        .query_all(
            &Query::select()
                .column(("courses", "title"))
                .column(("courses", "tier"))
                .column(("enrolments", "completed_on"))
                .from("enrolments")
                .inner_join(
                    "cohorts",
                    Expr::col(("cohorts", "id")).equals(("enrolments", "cohort_id")),
                )
                .inner_join(
                    "courses",
                    Expr::col(("courses", "id")).equals(("cohorts", "course_id")),
                )
                .and_where(Expr::col(("enrolments", "person_id")).eq(person_id))
                .and_where(Expr::col(("enrolments", "completed_on")).is_not_null())
                .to_owned(),
        )
        .await?
        .into_iter()
        .filter_map(|row| {
            let tier = Tier::parse(&row.try_get::<String>("", "tier").ok()?)?;
            Some(CompletedCourse {
                title: row.try_get("", "title").ok()?,
                tier,
                completed_on: row.try_get("", "completed_on").ok()?,
            })
        })
        .collect();

    let projects = db
        .query_all(
            &Query::select()
                .column(("projects", "id"))
                .column(("projects", "title"))
                .column(("projects", "status"))
                .column(("projects", "created_at"))
                .column(("projects", "start_date"))
                .column(("project_members", "role"))
                .from("project_members")
                .inner_join(
                    "projects",
                    Expr::col(("projects", "id")).equals(("project_members", "project_id")),
                )
                .and_where(Expr::col(("project_members", "person_id")).eq(person_id))
                .to_owned(),
        )
        .await?;
    let mut memberships = Vec::with_capacity(projects.len());
    let mut starts: HashMap<i64, NaiveDate> = HashMap::new();
    for row in projects {
        let id: i64 = row.try_get("", "id")?;
        let (Some(role), Some(status)) = (
            TeamRole::parse(&row.try_get::<String>("", "role")?),
            ProjectStatus::parse(&row.try_get::<String>("", "status")?),
        ) else {
            continue;
        };
        let created_at: DateTime<Utc> = row.try_get("", "created_at")?;
        if let Some(start) = row.try_get::<Option<NaiveDate>>("", "start_date")? {
            starts.insert(id, start);
        }
        memberships.push(Membership {
            project_id: id,
            project_title: row.try_get("", "title")?,
            role,
            // Filled in below; a project without a recorded change has had its status since it
            // was created.
            statuses: vec![(status, day_of(created_at))],
        });
    }
    if !memberships.is_empty() {
        let ids: Vec<i64> = memberships.iter().map(|m| m.project_id).collect();
        let mut changes: HashMap<i64, Vec<(ProjectStatus, NaiveDate)>> = HashMap::new();
        for row in db
            .query_all(
                &Query::select()
                    .columns(["project_id", "status", "changed_at"])
                    .from("project_status_changes")
                    .and_where(Expr::col("project_id").is_in(ids))
                    .order_by("changed_at", Order::Asc)
                    .to_owned(),
            )
            .await?
        {
            let Some(status) = ProjectStatus::parse(&row.try_get::<String>("", "status")?) else {
                continue;
            };
            let at: DateTime<Utc> = row.try_get("", "changed_at")?;
            changes
                .entry(row.try_get("", "project_id")?)
                .or_default()
                .push((status, day_of(at)));
        }
        for m in &mut memberships {
            if let Some(history) = changes.remove(&m.project_id) {
                m.statuses = history;
            }
            // A project recorded as active after its start date (registered once under way, or
            // marked active late) was active from its start.
            if let Some(start) = starts.get(&m.project_id) {
                for (status, on) in &mut m.statuses {
                    if *status == ProjectStatus::Active && start < on {
                        *on = *start;
                    }
                }
            }
        }
    }

    let sessions_given = db
        .query_all(
            &Query::select()
                .column("held_on")
                .from("coaching_sessions")
                .and_where(Expr::col("coach_id").eq(person_id))
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| row.try_get::<NaiveDate>("", "held_on"))
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(TierFacts {
        completions,
        memberships,
        sessions_given,
    })
}

fn reasons_json(reasons: &[String]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".to_owned())
}

fn period_dto(p: tier_period::Model) -> Option<TierPeriod> {
    Some(TierPeriod {
        tier: Tier::parse(&p.tier)?,
        reasons: serde_json::from_str(&p.reasons).unwrap_or_default(),
        source: TierSource::parse(&p.source)?,
        organisation_id: p.organisation_id,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
    })
}

async fn open_period(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Option<tier_period::Model>, DbErr> {
    tier_period::Entity::find()
        .filter(tier_period::Column::PersonId.eq(person_id))
        .filter(tier_period::Column::ValidTo.is_null())
        .order_by_desc(tier_period::Column::ValidFrom)
        .one(db)
        .await
}

async fn close(
    db: &impl ConnectionTrait,
    period: tier_period::Model,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut active: tier_period::ActiveModel = period.into();
    active.valid_to = Set(Some(at));
    active.update(db).await?;
    Ok(())
}

async fn open(
    db: &impl ConnectionTrait,
    person: &person::Model,
    tier: Tier,
    reasons: &[String],
    source: TierSource,
    from: DateTime<Utc>,
) -> Result<(), DbErr> {
    tier_period::ActiveModel {
        person_id: Set(person.id),
        organisation_id: Set(person.organisation_id),
        tier: Set(tier.as_str().to_owned()),
        reasons: Set(reasons_json(reasons)),
        source: Set(source.as_str().to_owned()),
        valid_from: Set(from),
        valid_to: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The sentence an override period carries.
fn override_reason(o: &tier_override::Model) -> String {
    format!(
        "Set by hand on {}: {}",
        long_date(day_of(o.set_at)),
        o.reason
    )
}

/// Derives the person's tier from their record as it is now and, when it differs from the
/// tier they hold, records the change (dated `now`). Called after anything that can move a
/// person between tiers: a completion, a project's team or status, a coaching session, an
/// override, the rules.
pub async fn refresh_tier(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some((person, partnership_id)) = person_and_partnership(db, person_id).await? else {
        return Ok(());
    };
    let rules = rules(db, partnership_id).await?;
    refresh_with(db, &person, &rules, now).await
}

/// [`refresh_tier`] with the person and rules already loaded (a batch loads the rules once).
async fn refresh_with(
    db: &impl ConnectionTrait,
    person: &person::Model,
    rules: &TierRules,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let facts = facts(db, person.id).await?;
    let manual = tier_override::Entity::find_by_id(person.id).one(db).await?;
    let current = open_period(db, person.id).await?;

    if current.is_none() && manual.is_none() {
        let has_history = tier_period::Entity::find()
            .filter(tier_period::Column::PersonId.eq(person.id))
            .select_only()
            .column(tier_period::Column::Id)
            .into_tuple::<i64>()
            .one(db)
            .await?
            .is_some();
        if !has_history {
            return backfill(db, person, &facts, rules, now).await;
        }
    }

    let (tier, reasons, source) = match &manual {
        Some(o) => (
            Tier::parse(&o.tier),
            vec![override_reason(o)],
            TierSource::Override,
        ),
        None => {
            let Assessment { tier, reasons } = assess(&facts, rules, day_of(now));
            (tier, reasons, TierSource::Derived)
        }
    };
    match (current, tier) {
        (Some(period), Some(tier))
            if period.tier == tier.as_str()
                && period.source == source.as_str()
                && period.organisation_id == person.organisation_id =>
        {
            let json = reasons_json(&reasons);
            if period.reasons != json {
                let mut active: tier_period::ActiveModel = period.into();
                active.reasons = Set(json);
                active.update(db).await?;
            }
        }
        (current, tier) => {
            if let Some(period) = current {
                close(db, period, now).await?;
            }
            if let Some(tier) = tier {
                open(db, person, tier, &reasons, source, now).await?;
            }
        }
    }
    Ok(())
}

/// A first history, from the dates of the facts: each change opens a period at the start of
/// its day (never after `now`).
async fn backfill(
    db: &impl ConnectionTrait,
    person: &person::Model,
    facts: &TierFacts,
    rules: &TierRules,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let changes = timeline(facts, rules, day_of(now));
    let mut rows: Vec<tier_period::ActiveModel> = Vec::with_capacity(changes.len());
    for (day, assessment) in changes {
        let from = std::cmp::min(start_of(day), now);
        if let Some(previous) = rows.last_mut() {
            previous.valid_to = Set(Some(from));
        }
        if let Some(tier) = assessment.tier {
            rows.push(tier_period::ActiveModel {
                person_id: Set(person.id),
                organisation_id: Set(person.organisation_id),
                tier: Set(tier.as_str().to_owned()),
                reasons: Set(reasons_json(&assessment.reasons)),
                source: Set(TierSource::Derived.as_str().to_owned()),
                valid_from: Set(from),
                valid_to: Set(None),
                ..Default::default()
            });
        }
    }
    if !rows.is_empty() {
        tier_period::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Refreshes everyone in the partnership (after its rules change).
pub async fn refresh_everyone(
    db: &impl ConnectionTrait,
    partnership_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let rules = rules(db, partnership_id).await?;
    let org_ids: Vec<i64> = organisation::Entity::find()
        .filter(organisation::Column::PartnershipId.eq(partnership_id))
        .select_only()
        .column(organisation::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let people = person::Entity::find()
        .filter(person::Column::OrganisationId.is_in(org_ids))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?;
    for person in &people {
        refresh_with(db, person, &rules, now).await?;
    }
    Ok(people.len() as u64)
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
        tier: Set(tier.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        set_by: Set(by),
        set_at: Set(now),
    }
    .insert(db)
    .await?;
    refresh_tier(db, person_id, now).await
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
        refresh_tier(db, person_id, now).await?;
    }
    Ok(deleted > 0)
}

/// A person's tier now: held, derived (as of `now`), override and history.
pub async fn person_tier(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<PersonTier>, DbErr> {
    let Some((person, partnership_id)) = person_and_partnership(db, person_id).await? else {
        return Ok(None);
    };
    let rules = rules(db, partnership_id).await?;
    let derived = assess(&facts(db, person_id).await?, &rules, day_of(now));
    let tier_override = match tier_override::Entity::find_by_id(person_id).one(db).await? {
        Some(o) => {
            let set_by_name = person::Entity::find_by_id(o.set_by)
                .one(db)
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            Tier::parse(&o.tier).map(|tier| TierOverride {
                tier,
                reason: o.reason,
                set_by_id: o.set_by,
                set_by_name,
                set_at: o.set_at,
            })
        }
        None => None,
    };
    let history: Vec<TierPeriod> = tier_period::Entity::find()
        .filter(tier_period::Column::PersonId.eq(person_id))
        .order_by_desc(tier_period::Column::ValidFrom)
        .order_by_desc(tier_period::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(period_dto)
        .collect();
    Ok(Some(PersonTier {
        person_id,
        name: person.name,
        organisation_id: person.organisation_id,
        tier: tier_override.as_ref().map(|o| o.tier).or(derived.tier),
        derived,
        tier_override,
        history,
    }))
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
        let Some(tier) = Tier::parse(&row.try_get::<String>("", "tier")?) else {
            continue;
        };
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
