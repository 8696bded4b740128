//! Persistence of capability: the tier rules, overrides, each person's tier over time, and
//! coaching sessions.
//!
//! A person's tier is kept as periods in `tier_periods`. [`facts_changed`] derives the tier from
//! the record now and opens a new period only when the tier (or where it came from, or the
//! person's organisation) changes; the first time a person is assessed their history is built
//! from the dates of their facts, so it reads as it happened.

pub mod coaching;
pub mod record;

use qi_shared::uk_time;
use std::collections::{HashMap, HashSet};

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
    sea_query::{CaseStatement, Expr, ExprTrait, Order, Query},
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

/// How many people's records are read (and their changes written) at once: a few queries per
/// chunk whatever its size, and few enough ids to stay well inside the bind-parameter limits
/// of SQLite (32,766) and PostgreSQL (65,535).
const CHUNK: usize = 1000;

/// What a person's record says, for the rules: completed courses (the training tables),
/// project memberships with their projects' status history, and coaching sessions given.
pub async fn facts(db: &impl ConnectionTrait, person_id: i64) -> Result<TierFacts, DbErr> {
    Ok(facts_of(db, &[person_id])
        .await?
        .remove(&person_id)
        .unwrap_or_default())
}

/// [`facts`] for several people in four queries (people with no facts are left out).
async fn facts_of(
    db: &impl ConnectionTrait,
    people: &[i64],
) -> Result<HashMap<i64, TierFacts>, DbErr> {
    let mut facts: HashMap<i64, TierFacts> = HashMap::new();
    for row in db
        .query_all(
            &Query::select()
                .column(("enrolments", "person_id"))
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
                .and_where(Expr::col(("enrolments", "person_id")).is_in(people.to_vec()))
                .and_where(Expr::col(("enrolments", "completed_on")).is_not_null())
                .order_by(("enrolments", "id"), Order::Asc)
                .to_owned(),
        )
        .await?
    {
        let tier: Tier = row.try_get("", "tier")?;
        facts
            .entry(row.try_get("", "person_id")?)
            .or_default()
            .completions
            .push(CompletedCourse {
                title: row.try_get("", "title")?,
                tier,
                completed_on: row.try_get("", "completed_on")?,
            });
    }

    let mut members: Vec<(i64, Membership)> = Vec::new();
    let mut starts: HashMap<i64, NaiveDate> = HashMap::new();
    for row in db
        .query_all(
            &Query::select()
                .column(("project_members", "person_id"))
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
                .and_where(Expr::col(("project_members", "person_id")).is_in(people.to_vec()))
                .order_by(("projects", "id"), Order::Asc)
                .to_owned(),
        )
        .await?
    {
        let id: i64 = row.try_get("", "id")?;
        let role: TeamRole = row.try_get("", "role")?;
        let status: ProjectStatus = row.try_get("", "status")?;
        let created_at: DateTime<Utc> = row.try_get("", "created_at")?;
        if let Some(start) = row.try_get::<Option<NaiveDate>>("", "start_date")? {
            starts.insert(id, start);
        }
        members.push((
            row.try_get("", "person_id")?,
            Membership {
                project_id: id,
                project_title: row.try_get("", "title")?,
                role,
                // Filled in below; a project without a recorded change has had its status
                // since it was created.
                statuses: vec![(status, day_of(created_at))],
            },
        ));
    }
    if !members.is_empty() {
        let mut ids: Vec<i64> = members.iter().map(|(_, m)| m.project_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut changes: HashMap<i64, Vec<(ProjectStatus, NaiveDate)>> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for row in db
                .query_all(
                    &Query::select()
                        .columns(["project_id", "status", "changed_at"])
                        .from("project_status_changes")
                        .and_where(Expr::col("project_id").is_in(chunk.to_vec()))
                        .order_by("changed_at", Order::Asc)
                        .to_owned(),
                )
                .await?
            {
                let status: ProjectStatus = row.try_get("", "status")?;
                let at: DateTime<Utc> = row.try_get("", "changed_at")?;
                changes
                    .entry(row.try_get("", "project_id")?)
                    .or_default()
                    .push((status, day_of(at)));
            }
        }
        for (person_id, mut m) in members {
            if let Some(history) = changes.get(&m.project_id) {
                m.statuses.clone_from(history);
            }
            // A project recorded as active after its start date (registered once under way,
            // or marked active late) was active from its start.
            if let Some(start) = starts.get(&m.project_id) {
                for (status, on) in &mut m.statuses {
                    if *status == ProjectStatus::Active && start < on {
                        *on = *start;
                    }
                }
            }
            facts.entry(person_id).or_default().memberships.push(m);
        }
    }

    for row in db
        .query_all(
            &Query::select()
                .columns(["coach_id", "held_on"])
                .from("coaching_sessions")
                .and_where(Expr::col("coach_id").is_in(people.to_vec()))
                .to_owned(),
        )
        .await?
    {
        facts
            .entry(row.try_get("", "coach_id")?)
            .or_default()
            .sessions_given
            .push(row.try_get("", "held_on")?);
    }
    Ok(facts)
}

fn reasons_json(reasons: &[String]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".to_owned())
}

fn period_dto(p: tier_period::Model) -> TierPeriod {
    TierPeriod {
        tier: p.tier,
        reasons: serde_json::from_str(&p.reasons).unwrap_or_default(),
        source: p.source,
        organisation_id: p.organisation_id,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
    }
}

fn new_period(
    person: &person::Model,
    tier: Tier,
    reasons: &[String],
    source: TierSource,
    from: DateTime<Utc>,
) -> tier_period::ActiveModel {
    tier_period::ActiveModel {
        person_id: Set(person.id),
        organisation_id: Set(person.organisation_id),
        tier: Set(tier),
        reasons: Set(reasons_json(reasons)),
        source: Set(source),
        valid_from: Set(from),
        valid_to: Set(None),
        ..Default::default()
    }
}

/// The sentence an override period carries.
fn override_reason(o: &tier_override::Model) -> String {
    format!(
        "Set by hand on {}: {}",
        long_date(day_of(o.set_at)),
        o.reason
    )
}

/// The one place to call when a fact that tiers are derived from changes: a completion, a
/// project's team or status, a coaching session, an override, a move to another organisation.
/// Derives the tier of each person named (once each) from their record as it is now and, when
/// it differs from the tier they hold, records the change (dated `now`). Call it in the
/// transaction that changed the fact, so the tier and the fact never disagree.
pub async fn facts_changed(
    db: &impl ConnectionTrait,
    people: impl IntoIterator<Item = i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = people
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in ids.chunks(CHUNK) {
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .order_by_asc(person::Column::Id)
            .all(db)
            .await?;
        let organisations: Vec<i64> = people.iter().map(|p| p.organisation_id).collect();
        let partnerships: HashMap<i64, i64> = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(organisations))
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::PartnershipId)
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        // One deployment serves one partnership, but the rules are kept per partnership.
        let mut by_partnership: HashMap<i64, Vec<person::Model>> = HashMap::new();
        for person in people {
            if let Some(partnership) = partnerships.get(&person.organisation_id) {
                by_partnership.entry(*partnership).or_default().push(person);
            }
        }
        for (partnership_id, people) in by_partnership {
            let rules = rules(db, partnership_id).await?;
            refresh_people(db, &people, &rules, now).await?;
        }
    }
    Ok(())
}

/// What refreshing one person's tier writes.
enum Change {
    /// Their tier and its source stand; the reasons now read differently.
    Reasons(i64, String),
    /// Close their open period (if any) and open these (a first history, or a new tier).
    Periods(Option<i64>, Vec<tier_period::ActiveModel>),
}

/// Works out [`Change`] for one person from what was read for their chunk.
fn change_for(
    person: &person::Model,
    facts: &TierFacts,
    manual: Option<&tier_override::Model>,
    current: Option<&tier_period::Model>,
    has_history: bool,
    rules: &TierRules,
    now: DateTime<Utc>,
) -> Option<Change> {
    if current.is_none() && manual.is_none() && !has_history {
        // Not yet Learn, and never was: nothing to write.
        let rows = backfill(person, facts, rules, now);
        return (!rows.is_empty()).then_some(Change::Periods(None, rows));
    }
    let (tier, reasons, source) = match manual {
        Some(o) => (Some(o.tier), vec![override_reason(o)], TierSource::Override),
        None => {
            let Assessment { tier, reasons } = assess(facts, rules, day_of(now));
            (tier, reasons, TierSource::Derived)
        }
    };
    match (current, tier) {
        (Some(period), Some(tier))
            if period.tier == tier
                && period.source == source
                && period.organisation_id == person.organisation_id =>
        {
            let json = reasons_json(&reasons);
            (period.reasons != json).then_some(Change::Reasons(period.id, json))
        }
        (None, None) => None,
        (current, tier) => Some(Change::Periods(
            current.map(|p| p.id),
            tier.map(|tier| new_period(person, tier, &reasons, source, now))
                .into_iter()
                .collect(),
        )),
    }
}

/// A first history, from the dates of the facts: each change opens a period at the start of
/// its day (never after `now`).
fn backfill(
    person: &person::Model,
    facts: &TierFacts,
    rules: &TierRules,
    now: DateTime<Utc>,
) -> Vec<tier_period::ActiveModel> {
    let changes = timeline(facts, rules, day_of(now));
    let mut rows: Vec<tier_period::ActiveModel> = Vec::with_capacity(changes.len());
    for (day, assessment) in changes {
        let from = std::cmp::min(start_of(day), now);
        if let Some(previous) = rows.last_mut() {
            previous.valid_to = Set(Some(from));
        }
        if let Some(tier) = assessment.tier {
            rows.push(new_period(
                person,
                tier,
                &assessment.reasons,
                TierSource::Derived,
                from,
            ));
        }
    }
    rows
}

/// Refreshes the tiers of `people` (all of one partnership, under `rules`) as
/// [`facts_changed`] does for one, a chunk at a time: each chunk's records are read in a
/// handful of queries and its changes written in a handful more, so re-deriving a whole
/// partnership after a rule change costs queries per thousand people, not per person.
/// Answers how many people's periods changed.
async fn refresh_people(
    db: &impl ConnectionTrait,
    people: &[person::Model],
    rules: &TierRules,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut changed = 0;
    for chunk in people.chunks(CHUNK) {
        let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
        let facts = facts_of(db, &ids).await?;
        let overrides: HashMap<i64, tier_override::Model> = tier_override::Entity::find()
            .filter(tier_override::Column::PersonId.is_in(ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.person_id, o))
            .collect();
        // Oldest first, so a person's latest open period is the one kept.
        let open: HashMap<i64, tier_period::Model> = tier_period::Entity::find()
            .filter(tier_period::Column::PersonId.is_in(ids.clone()))
            .filter(tier_period::Column::ValidTo.is_null())
            .order_by_asc(tier_period::Column::ValidFrom)
            .order_by_asc(tier_period::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.person_id, p))
            .collect();
        let with_history: HashSet<i64> = tier_period::Entity::find()
            .filter(tier_period::Column::PersonId.is_in(ids))
            .select_only()
            .column(tier_period::Column::PersonId)
            .distinct()
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect();

        let mut closes = Vec::new();
        let mut opens = Vec::new();
        let mut reasons = Vec::new();
        let none = TierFacts::default();
        for person in chunk {
            let change = change_for(
                person,
                facts.get(&person.id).unwrap_or(&none),
                overrides.get(&person.id),
                open.get(&person.id),
                with_history.contains(&person.id),
                rules,
                now,
            );
            match change {
                None => continue,
                Some(Change::Reasons(period, json)) => reasons.push((period, json)),
                Some(Change::Periods(close, rows)) => {
                    closes.extend(close);
                    opens.extend(rows);
                }
            }
            changed += 1;
        }
        write_changes(db, closes, opens, reasons, now).await?;
    }
    Ok(changed)
}

/// Writes one chunk's changes: periods closed at `now` in one statement, new periods inserted
/// in batches, and new reasons set with one `CASE` statement per batch.
async fn write_changes(
    db: &impl ConnectionTrait,
    closes: Vec<i64>,
    opens: Vec<tier_period::ActiveModel>,
    reasons: Vec<(i64, String)>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Eight columns a row: 500 rows stay far below the bind-parameter limits.
    const ROWS: usize = 500;
    if !closes.is_empty() {
        tier_period::Entity::update_many()
            .col_expr(tier_period::Column::ValidTo, Expr::value(now))
            .filter(tier_period::Column::Id.is_in(closes))
            .exec(db)
            .await?;
    }
    for batch in opens.chunks(ROWS) {
        tier_period::Entity::insert_many(batch.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for batch in reasons.chunks(ROWS) {
        let mut ids = Vec::with_capacity(batch.len());
        let mut case: Option<CaseStatement> = None;
        for (id, json) in batch {
            ids.push(*id);
            let when = tier_period::Column::Id.eq(*id);
            case = Some(match case {
                None => Expr::case(when, json.clone()),
                Some(case) => case.case(when, json.clone()),
            });
        }
        if let Some(case) = case {
            tier_period::Entity::update_many()
                .col_expr(
                    tier_period::Column::Reasons,
                    case.finally(Expr::col(tier_period::Column::Reasons)).into(),
                )
                .filter(tier_period::Column::Id.is_in(ids))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Refreshes everyone in the partnership (after its rules change); answers how many people's
/// tier periods changed.
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
    refresh_people(db, &people, &rules, now).await
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
            Some(TierOverride {
                tier: o.tier,
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
        .map(period_dto)
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
