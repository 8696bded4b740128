//! Deriving tiers from the facts of people's records, and keeping each person's tier periods:
//! [`facts_changed`] is the one place that re-derives them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    capability::{
        Assessment, CompletedCourse, Membership, Tier, TierFacts, TierPeriod, TierRules,
        TierSource, assess, long_date, timeline,
    },
    project::{ProjectStatus, TeamRole},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{CaseStatement, Expr, ExprTrait, Order, Query},
};

use crate::db::entity::{
    capability::{tier_override, tier_period},
    organisation, person,
};

use super::{day_of, rules, start_of};

/// How many people's records are read (and their changes written) at once: a few queries per
/// chunk whatever its size, and few enough ids to stay well inside the bind-parameter limits
/// of SQLite (32,766) and PostgreSQL (65,535).
pub(super) const CHUNK: usize = 1000;

/// What a person's record says, for the rules: completed courses (the training tables),
/// project memberships with their projects' status history, and coaching sessions given.
pub async fn facts(db: &impl ConnectionTrait, person_id: i64) -> Result<TierFacts, DbErr> {
    Ok(facts_of(db, &[person_id])
        .await?
        .remove(&person_id)
        .unwrap_or_default())
}

/// [`facts`] for several people in four queries (people with no facts are left out).
pub(super) async fn facts_of(
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

pub(super) fn reasons_json(reasons: &[String]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".to_owned())
}

pub(super) fn period_dto(p: tier_period::Model) -> TierPeriod {
    TierPeriod {
        tier: p.tier,
        reasons: serde_json::from_str(&p.reasons).unwrap_or_default(),
        source: p.source,
        organisation_id: p.organisation_id,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
    }
}

pub(super) fn new_period(
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
pub(super) fn override_reason(o: &tier_override::Model) -> String {
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
pub(super) enum Change {
    /// Their tier and its source stand; the reasons now read differently.
    Reasons(i64, String),
    /// Close their open period (if any) and open these (a first history, or a new tier).
    Periods(Option<i64>, Vec<tier_period::ActiveModel>),
}

/// Works out [`Change`] for one person from what was read for their chunk.
pub(super) fn change_for(
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
pub(super) fn backfill(
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
pub(super) async fn refresh_people(
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
pub(super) async fn write_changes(
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
