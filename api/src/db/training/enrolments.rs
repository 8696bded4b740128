//! Places and the waiting list.
//!
//! Every change of who holds a place happens in a transaction that first locks the cohort
//! ([`lock_cohort`]), so places are counted by one request at a time and a cohort is never
//! over-booked however many people enrol at once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{
    access::Actor,
    export::EnrolmentExportQuery,
    person::Role,
    training::{Enrolment, EnrolmentStatus, rules},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TryIntoModel,
    sea_query::{Expr, ExprTrait, LockType, Query},
};

use super::people;
use crate::db::entity::training::{
    attendance, cohort, cohort_allocation, cohort_facilitator, cohort_session, course, enrolment,
};

/// Locks the cohort for the rest of the transaction and moves its enrolment counter on; gives
/// the cohort back with the new counter, the number the next enrolment takes.
///
/// On PostgreSQL the row is locked `FOR UPDATE`, so a second enrolment waits here until the first
/// commits. SQLite has no row locks, but this update, the transaction's first statement, takes
/// the database's single write lock, which serialises the same way.
pub async fn lock_cohort(
    txn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<cohort::Model>, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres
        && cohort::Entity::find_by_id(id)
            .lock(LockType::Update)
            .one(txn)
            .await?
            .is_none()
    {
        return Ok(None);
    }
    cohort::Entity::update_many()
        .col_expr(
            cohort::Column::EnrolSeq,
            Expr::col(cohort::Column::EnrolSeq).add(1),
        )
        .filter(cohort::Column::Id.eq(id))
        .exec(txn)
        .await?;
    cohort::Entity::find_by_id(id).one(txn).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<enrolment::Model>, DbErr> {
    enrolment::Entity::find_by_id(id).one(db).await
}

/// A cohort's enrolments in the order people asked.
async fn rows(db: &impl ConnectionTrait, cohort_id: i64) -> Result<Vec<enrolment::Model>, DbErr> {
    enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(cohort_id))
        .order_by_asc(enrolment::Column::Seq)
        .order_by_asc(enrolment::Column::Id)
        .all(db)
        .await
}

/// The cohort's places as the placement rules see them.
pub async fn places(
    db: &impl ConnectionTrait,
    cohort: &cohort::Model,
) -> Result<rules::Places, DbErr> {
    let allocations = cohort_allocation::Entity::find()
        .filter(cohort_allocation::Column::CohortId.eq(cohort.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.organisation_id, u32::try_from(a.places).unwrap_or(0)))
        .collect();
    let mut taken: HashMap<i64, u32> = HashMap::new();
    for e in rows(db, cohort.id).await? {
        if e.status.holds_place() {
            *taken.entry(e.organisation_id).or_default() += 1;
        }
    }
    Ok(rules::Places {
        capacity: u32::try_from(cohort.capacity).unwrap_or(0),
        partnership_wide: cohort.partnership_wide,
        released: cohort.places_released,
        allocations,
        taken,
    })
}

/// Why an enrolment was refused.
#[derive(Debug)]
pub enum Refused {
    /// The person already holds a place or waits for one.
    AlreadyEnrolled,
    Db(DbErr),
}

impl From<DbErr> for Refused {
    fn from(err: DbErr) -> Self {
        Self::Db(err)
    }
}

/// Enrols a person in a cohort locked by [`lock_cohort`]: a place if one is free within their
/// organisation's allocation, else the end of the waiting list. Someone who withdrew may enrol
/// again (at the end of the list). Gives back the enrolment's id.
pub async fn enrol(
    txn: &impl ConnectionTrait,
    cohort: &cohort::Model,
    (person_id, organisation_id): (i64, i64),
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, Refused> {
    let places = places(txn, cohort).await?;
    let status = if places.has_place_for(organisation_id) {
        EnrolmentStatus::Enrolled
    } else {
        EnrolmentStatus::Waitlisted
    };
    let existing = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(cohort.id))
        .filter(enrolment::Column::PersonId.eq(person_id))
        .one(txn)
        .await?;
    let mut model = match existing {
        Some(e) if e.status != EnrolmentStatus::Withdrawn => {
            return Err(Refused::AlreadyEnrolled);
        }
        Some(e) => e.into(),
        None => enrolment::ActiveModel {
            cohort_id: Set(cohort.id),
            person_id: Set(person_id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    model.organisation_id = Set(organisation_id);
    model.status = Set(status);
    model.placed_at = Set((status == EnrolmentStatus::Enrolled).then_some(now));
    model.withdrawn_at = Set(None);
    model.seq = Set(cohort.enrol_seq);
    model.completed_on = Set(None);
    model.enrolled_by = Set(by);
    model.updated_at = Set(now);
    Ok(model.save(txn).await?.try_into_model()?.id)
}

/// Withdraws an enrolment (in a cohort locked by [`lock_cohort`]) and promotes whoever can take
/// the place it frees.
pub async fn withdraw(
    txn: &impl ConnectionTrait,
    cohort: &cohort::Model,
    enrolment: enrolment::Model,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let mut model: enrolment::ActiveModel = enrolment.into();
    model.status = Set(EnrolmentStatus::Withdrawn);
    model.completed_on = Set(None);
    model.updated_at = Set(now);
    model.withdrawn_at = Set(Some(now));
    model.update(txn).await?;
    promote(txn, cohort, now).await
}

/// Gives free places to the waiting list in order (see [`rules::promotions`]), in a cohort locked
/// by [`lock_cohort`]; gives back the people promoted.
pub async fn promote(
    txn: &impl ConnectionTrait,
    cohort: &cohort::Model,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let places = places(txn, cohort).await?;
    let waiting: Vec<enrolment::Model> = rows(txn, cohort.id)
        .await?
        .into_iter()
        .filter(|e| e.status == EnrolmentStatus::Waitlisted)
        .collect();
    let queue: Vec<(i64, i64)> = waiting.iter().map(|e| (e.id, e.organisation_id)).collect();
    let promoted = rules::promotions(&places, &queue);
    if !promoted.is_empty() {
        enrolment::Entity::update_many()
            .col_expr(
                enrolment::Column::Status,
                Expr::value(EnrolmentStatus::Enrolled),
            )
            .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
            .col_expr(enrolment::Column::PlacedAt, Expr::value(now))
            .filter(enrolment::Column::Id.is_in(promoted.clone()))
            .exec(txn)
            .await?;
    }
    Ok(waiting
        .into_iter()
        .filter(|e| promoted.contains(&e.id))
        .map(|e| e.person_id)
        .collect())
}

/// Sessions attended per person in a cohort.
pub async fn attended(
    db: &impl ConnectionTrait,
    cohort_id: i64,
) -> Result<HashMap<i64, u32>, DbErr> {
    let session_ids: Vec<i64> = cohort_session::Entity::find()
        .select_only()
        .column(cohort_session::Column::Id)
        .filter(cohort_session::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await?;
    if session_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut counts = HashMap::new();
    for a in attendance::Entity::find()
        .filter(attendance::Column::SessionId.is_in(session_ids))
        .filter(attendance::Column::Present.eq(true))
        .all(db)
        .await?
    {
        *counts.entry(a.person_id).or_default() += 1;
    }
    Ok(counts)
}

/// Every enrolment of a cohort (withdrawn ones too), places first, then the waiting list in
/// order, then withdrawals.
pub async fn list(db: &impl ConnectionTrait, cohort_id: i64) -> Result<Vec<Enrolment>, DbErr> {
    let rows = rows(db, cohort_id).await?;
    let names = people(db, rows.iter().map(|e| e.person_id)).await?;
    let attended = attended(db, cohort_id).await?;
    let mut position = 0;
    let mut list: Vec<Enrolment> = rows
        .into_iter()
        .map(|e| {
            let status = e.status;
            let waiting_position = (status == EnrolmentStatus::Waitlisted).then(|| {
                position += 1;
                position
            });
            Enrolment {
                id: e.id,
                cohort_id: e.cohort_id,
                person_id: e.person_id,
                person_name: names
                    .get(&e.person_id)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                organisation_id: e.organisation_id,
                status,
                waiting_position,
                completed_on: e.completed_on,
                attended: attended.get(&e.person_id).copied().unwrap_or(0),
            }
        })
        .collect();
    let rank = |e: &Enrolment| match e.status {
        EnrolmentStatus::Enrolled | EnrolmentStatus::Completed => 0,
        EnrolmentStatus::Waitlisted => 1,
        EnrolmentStatus::Withdrawn => 2,
    };
    list.sort_by_key(|e| (rank(e), e.waiting_position));
    Ok(list)
}

/// The enrolments `actor` may see, as a condition on `enrolments`: the list's rule
/// (`handlers::training::enrolments::list`) for every cohort at once. Their own; as an
/// organisation's admin (or its token), its people's, and everyone's on the courses it runs; as a
/// facilitator, everyone's on their cohorts; as a partnership admin, all.
pub fn visible(actor: &Actor) -> Condition {
    if actor.is_partnership_admin() {
        return Condition::all();
    }
    let facilitated = Query::select()
        .column(cohort_facilitator::Column::CohortId)
        .from(cohort_facilitator::Entity)
        .and_where(cohort_facilitator::Column::PersonId.eq(actor.person_id))
        .to_owned();
    let mut any = Condition::any()
        .add(enrolment::Column::PersonId.eq(actor.person_id))
        .add(enrolment::Column::CohortId.in_subquery(facilitated));
    if actor.has(Role::OrganisationAdmin) {
        let provided = Query::select()
            .column((cohort::Entity, cohort::Column::Id))
            .from(cohort::Entity)
            .inner_join(
                course::Entity,
                Expr::col((course::Entity, course::Column::Id))
                    .equals((cohort::Entity, cohort::Column::CourseId)),
            )
            .and_where(
                Expr::col((course::Entity, course::Column::ProviderOrganisationId))
                    .eq(actor.organisation_id),
            )
            .to_owned();
        any = any
            .add(enrolment::Column::OrganisationId.eq(actor.organisation_id))
            .add(enrolment::Column::CohortId.in_subquery(provided));
    }
    any
}

/// A cohort's enrolments that `actor` may see ([`visible`]), as its list shows them.
pub async fn visible_of_cohort(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cohort_id: i64,
) -> Result<Vec<Enrolment>, DbErr> {
    let condition = Condition::all()
        .add(visible(actor))
        .add(enrolment::Column::CohortId.eq(cohort_id));
    of_cohorts_after(db, condition, cohort_id - 1, 1).await
}

/// The enrolments an export holds, as a condition on `enrolments`: its filters.
pub fn matching(query: &EnrolmentExportQuery) -> Condition {
    Condition::all()
        .add_option(query.cohort_id.map(|c| enrolment::Column::CohortId.eq(c)))
        .add_option(
            query
                .organisation_id
                .map(|o| enrolment::Column::OrganisationId.eq(o)),
        )
        .add_option(query.status.map(|s| enrolment::Column::Status.eq(s)))
}

/// The enrolments `condition` keeps of the next cohorts after `after` (by id), up to `cohorts`
/// cohorts, each cohort's as its list shows them (places, the waiting list in order, then
/// withdrawals, with their positions and attendance). A page always holds whole cohorts, so an
/// export follows cohort ids.
pub async fn of_cohorts_after(
    db: &impl ConnectionTrait,
    condition: Condition,
    after: i64,
    cohorts: u64,
) -> Result<Vec<Enrolment>, DbErr> {
    crate::db::in_whole_groups::<enrolment::Entity, _, _, _>(
        db,
        condition,
        (enrolment::Column::Id, enrolment::Column::CohortId),
        (after, cohorts),
        |cohort| list(db, cohort),
        |e| e.id,
    )
    .await
}
