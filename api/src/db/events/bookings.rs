//! Bookings and the waiting list.
//!
//! Every change of who holds a place happens in a transaction that first locks the event
//! ([`lock_event`]), so places are counted by one request at a time and an event is never
//! over-booked however many people book at once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{
    access::Actor,
    event::{Booking, BookingStatus, MyBooking, rules},
    export::BookingExportQuery,
    person::Role,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TryIntoModel,
    sea_query::{Expr, ExprTrait, LockType, Query},
};

use crate::db::entity::events::{booking, event};
use crate::db::training::{organisation_names, people};

/// Locks the event for the rest of the transaction and moves its booking counter on; gives the
/// event back with the new counter, the number the next booking takes.
///
/// On PostgreSQL the row is locked `FOR UPDATE`, so a second booking waits here until the first
/// commits. SQLite has no row locks, but this update, the transaction's first statement, takes
/// the database's single write lock, which serialises the same way.
pub async fn lock_event(
    txn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<event::Model>, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres
        && event::Entity::find_by_id(id)
            .lock(LockType::Update)
            .one(txn)
            .await?
            .is_none()
    {
        return Ok(None);
    }
    event::Entity::update_many()
        .col_expr(
            event::Column::BookSeq,
            Expr::col(event::Column::BookSeq).add(1),
        )
        .filter(event::Column::Id.eq(id))
        .exec(txn)
        .await?;
    event::Entity::find_by_id(id).one(txn).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<booking::Model>, DbErr> {
    booking::Entity::find_by_id(id).one(db).await
}

/// An event's bookings in the order they were made.
async fn rows(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<booking::Model>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::EventId.eq(event_id))
        .order_by_asc(booking::Column::Seq)
        .order_by_asc(booking::Column::Id)
        .all(db)
        .await
}

async fn taken(db: &impl ConnectionTrait, event_id: i64) -> Result<u64, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::EventId.eq(event_id))
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .count(db)
        .await
}

/// A booking's place in the waiting list, from 1 (none unless it waits).
pub async fn position(
    db: &impl ConnectionTrait,
    booking: &booking::Model,
) -> Result<Option<u32>, DbErr> {
    if booking.status != BookingStatus::Waitlisted {
        return Ok(None);
    }
    let ahead = booking::Entity::find()
        .filter(booking::Column::EventId.eq(booking.event_id))
        .filter(booking::Column::Status.eq(BookingStatus::Waitlisted))
        .filter(booking::Column::Seq.lt(booking.seq))
        .count(db)
        .await?;
    Ok(Some(u32::try_from(ahead + 1).unwrap_or(u32::MAX)))
}

pub async fn mine(db: &impl ConnectionTrait, b: &booking::Model) -> Result<MyBooking, DbErr> {
    Ok(MyBooking {
        id: b.id,
        status: b.status,
        position: position(db, b).await?,
        attended: b.attended,
    })
}

/// A person's bookings (not cancelled) of these events, by event.
pub async fn mine_for(
    db: &impl ConnectionTrait,
    person_id: i64,
    event_ids: &[i64],
) -> Result<HashMap<i64, MyBooking>, DbErr> {
    if event_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = booking::Entity::find()
        .filter(booking::Column::PersonId.eq(person_id))
        .filter(booking::Column::EventId.is_in(event_ids.to_vec()))
        .filter(booking::Column::Status.ne(BookingStatus::Cancelled))
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for b in found {
        out.insert(b.event_id, mine(db, &b).await?);
    }
    Ok(out)
}

/// Why a booking was refused.
#[derive(Debug)]
pub enum Refused {
    /// Already holds a place or waits for one.
    AlreadyBooked,
    Db(DbErr),
}

impl From<DbErr> for Refused {
    fn from(err: DbErr) -> Self {
        Self::Db(err)
    }
}

/// Who is booking: a person of the partnership, or a guest.
pub enum Booker<'a> {
    Person {
        person_id: i64,
        organisation_id: i64,
    },
    Guest {
        name: &'a str,
        email: &'a str,
        cancel_token_hash: &'a str,
    },
}

/// Books a place on an event locked by [`lock_event`]: a place if one is free, else the end of
/// the waiting list. Someone who cancelled may book again (at the end of the list).
pub async fn book(
    txn: &impl ConnectionTrait,
    event: &event::Model,
    booker: Booker<'_>,
    now: DateTime<Utc>,
) -> Result<booking::Model, Refused> {
    let free = taken(txn, event.id).await? < u64::try_from(event.capacity).unwrap_or(0);
    let status = if free {
        BookingStatus::Booked
    } else {
        BookingStatus::Waitlisted
    };
    let existing = match &booker {
        Booker::Person { person_id, .. } => {
            booking::Entity::find()
                .filter(booking::Column::EventId.eq(event.id))
                .filter(booking::Column::PersonId.eq(*person_id))
                .one(txn)
                .await?
        }
        Booker::Guest { email, .. } => {
            booking::Entity::find()
                .filter(booking::Column::EventId.eq(event.id))
                .filter(booking::Column::GuestEmail.eq(email.to_lowercase()))
                .one(txn)
                .await?
        }
    };
    let mut model: booking::ActiveModel = match existing {
        Some(b) if b.status != BookingStatus::Cancelled => return Err(Refused::AlreadyBooked),
        Some(b) => b.into(),
        None => booking::ActiveModel {
            event_id: Set(event.id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    match booker {
        Booker::Person {
            person_id,
            organisation_id,
        } => {
            model.person_id = Set(Some(person_id));
            model.organisation_id = Set(Some(organisation_id));
            model.guest_name = Set(None);
            model.guest_email = Set(None);
            model.cancel_token_hash = Set(None);
        }
        Booker::Guest {
            name,
            email,
            cancel_token_hash,
        } => {
            model.person_id = Set(None);
            model.organisation_id = Set(None);
            model.guest_name = Set(Some(name.to_owned()));
            model.guest_email = Set(Some(email.to_lowercase()));
            model.cancel_token_hash = Set(Some(cancel_token_hash.to_owned()));
        }
    }
    model.status = Set(status);
    model.seq = Set(event.book_seq);
    model.attended = Set(false);
    model.placed_at = Set((status == BookingStatus::Booked).then_some(now));
    model.cancelled_at = Set(None);
    model.updated_at = Set(now);
    Ok(model.save(txn).await?.try_into_model()?)
}

/// Cancels a booking (of an event locked by [`lock_event`]) and promotes whoever can take the
/// place it frees; gives back the bookings promoted.
pub async fn cancel(
    txn: &impl ConnectionTrait,
    event: &event::Model,
    booking: booking::Model,
    now: DateTime<Utc>,
) -> Result<Vec<booking::Model>, DbErr> {
    let mut model: booking::ActiveModel = booking.into();
    model.status = Set(BookingStatus::Cancelled);
    model.updated_at = Set(now);
    model.cancelled_at = Set(Some(now));
    model.cancel_token_hash = Set(None);
    model.update(txn).await?;
    promote(txn, event, now).await
}

/// Gives free places to the waiting list in order, in an event locked by [`lock_event`] (after a
/// cancellation, or a capacity raised); gives back the bookings promoted.
pub async fn promote(
    txn: &impl ConnectionTrait,
    event: &event::Model,
    now: DateTime<Utc>,
) -> Result<Vec<booking::Model>, DbErr> {
    let all = rows(txn, event.id).await?;
    let taken = all.iter().filter(|b| b.status.holds_place()).count();
    let free = u32::try_from(event.capacity)
        .unwrap_or(0)
        .saturating_sub(u32::try_from(taken).unwrap_or(u32::MAX));
    let waiting: Vec<i64> = all
        .iter()
        .filter(|b| b.status == BookingStatus::Waitlisted)
        .map(|b| b.id)
        .collect();
    let promoted = rules::promotions(free, &waiting);
    if promoted.is_empty() {
        return Ok(Vec::new());
    }
    booking::Entity::update_many()
        .col_expr(booking::Column::Status, Expr::value(BookingStatus::Booked))
        .col_expr(booking::Column::UpdatedAt, Expr::value(now))
        .col_expr(booking::Column::PlacedAt, Expr::value(now))
        .filter(booking::Column::Id.is_in(promoted.clone()))
        .exec(txn)
        .await?;
    Ok(all
        .into_iter()
        .filter(|b| promoted.contains(&b.id))
        .map(|b| booking::Model {
            status: BookingStatus::Booked,
            placed_at: Some(now),
            ..b
        })
        .collect())
}

/// An event's bookings as its organiser sees them: places, then the waiting list in order, then
/// cancellations.
pub async fn list(db: &impl ConnectionTrait, event_id: i64) -> Result<Vec<Booking>, DbErr> {
    let all = rows(db, event_id).await?;
    let people = people(db, all.iter().filter_map(|b| b.person_id)).await?;
    let names = organisation_names(db, all.iter().filter_map(|b| b.organisation_id)).await?;
    let rank = |s: BookingStatus| match s {
        BookingStatus::Booked => 0,
        BookingStatus::Waitlisted => 1,
        BookingStatus::Cancelled => 2,
    };
    let mut waiting = 0u32;
    let mut out: Vec<Booking> = Vec::with_capacity(all.len());
    let mut sorted = all;
    sorted.sort_by_key(|b| (rank(b.status), b.seq, b.id));
    for b in sorted {
        let person = b.person_id.and_then(|id| people.get(&id));
        let position = (b.status == BookingStatus::Waitlisted).then(|| {
            waiting += 1;
            waiting
        });
        out.push(Booking {
            id: b.id,
            event_id: b.event_id,
            person_id: b.person_id,
            name: person
                .map(|p| p.name.clone())
                .or(b.guest_name.clone())
                .unwrap_or_default(),
            email: person
                .map(|p| p.email.clone())
                .or(b.guest_email.clone())
                .unwrap_or_default(),
            organisation_name: b.organisation_id.and_then(|o| names.get(&o).cloned()),
            guest: b.person_id.is_none(),
            status: b.status,
            position,
            attended: b.attended,
            booked_at: b.created_at,
        });
    }
    Ok(out)
}

/// Marks attendance; gives back the index of the first mark naming a booking of another event
/// (and marks nothing), or `None` when every mark was kept.
pub async fn mark(
    txn: &impl ConnectionTrait,
    event_id: i64,
    marks: &[(i64, bool)],
    now: DateTime<Utc>,
) -> Result<Option<usize>, DbErr> {
    let ids: Vec<i64> = marks.iter().map(|(id, _)| *id).collect();
    let known: Vec<i64> = booking::Entity::find()
        .select_only()
        .column(booking::Column::Id)
        .filter(booking::Column::EventId.eq(event_id))
        .filter(booking::Column::Id.is_in(ids))
        .into_tuple()
        .all(txn)
        .await?;
    if let Some(i) = marks.iter().position(|(id, _)| !known.contains(id)) {
        return Ok(Some(i));
    }
    for attended in [true, false] {
        let ids: Vec<i64> = marks
            .iter()
            .filter(|(_, a)| *a == attended)
            .map(|(id, _)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        booking::Entity::update_many()
            .col_expr(booking::Column::Attended, Expr::value(attended))
            .col_expr(booking::Column::UpdatedAt, Expr::value(now))
            .filter(booking::Column::Id.is_in(ids))
            .exec(txn)
            .await?;
    }
    Ok(None)
}

/// An event's bookings that stand: places and the waiting list.
pub async fn standing(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> Result<Vec<booking::Model>, DbErr> {
    Ok(rows(db, event_id)
        .await?
        .into_iter()
        .filter(|b| b.status != BookingStatus::Cancelled)
        .collect())
}

/// A person's standing booking of an event, if they were marked as attending it.
pub async fn attended_by(
    db: &impl ConnectionTrait,
    event_id: i64,
    person_id: i64,
) -> Result<Option<booking::Model>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::EventId.eq(event_id))
        .filter(booking::Column::PersonId.eq(person_id))
        .filter(booking::Column::Status.ne(BookingStatus::Cancelled))
        .filter(booking::Column::Attended.eq(true))
        .one(db)
        .await
}

/// The booking a guest's cancel link names, if it still stands.
pub async fn by_cancel_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<booking::Model>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::CancelTokenHash.eq(token_hash))
        .filter(booking::Column::Status.ne(BookingStatus::Cancelled))
        .one(db)
        .await
}

/// A person's bookings that stand, with their events.
pub async fn of_person(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<(booking::Model, event::Model)>, DbErr> {
    let found = booking::Entity::find()
        .filter(booking::Column::PersonId.eq(person_id))
        .filter(booking::Column::Status.ne(BookingStatus::Cancelled))
        .all(db)
        .await?;
    let ids: Vec<i64> = found.iter().map(|b| b.event_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let events: HashMap<i64, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(found
        .into_iter()
        .filter_map(|b| events.get(&b.event_id).cloned().map(|e| (b, e)))
        .collect())
}

/// Gives a guest's booking a new cancel link (the old one stops working): the hash is kept, the
/// link goes to the guest by email.
pub async fn renew_cancel_token(
    txn: &impl ConnectionTrait,
    booking_id: i64,
    token_hash: &str,
) -> Result<(), DbErr> {
    booking::Entity::update_many()
        .col_expr(booking::Column::CancelTokenHash, Expr::value(token_hash))
        .filter(booking::Column::Id.eq(booking_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The bookings an export holds, as a condition on `event_bookings`: those of the events
/// `actor` manages (the bookings list's rule: an organisation's admin, or its token, the events
/// it organises; a partnership admin all), narrowed by the export's filters.
pub fn exported(actor: &Actor, query: &BookingExportQuery) -> Condition {
    let managed = if actor.is_partnership_admin() {
        Condition::all()
    } else if actor.has(Role::OrganisationAdmin) {
        let organised = Query::select()
            .column(event::Column::Id)
            .from(event::Entity)
            .and_where(event::Column::OrganiserOrganisationId.eq(actor.organisation_id))
            .to_owned();
        Condition::all().add(booking::Column::EventId.in_subquery(organised))
    } else {
        // Nobody else manages an event: an empty export, not a refusal.
        Condition::all().add(Expr::value(false))
    };
    managed
        .add_option(query.event_id.map(|e| booking::Column::EventId.eq(e)))
        .add_option(query.status.map(|s| booking::Column::Status.eq(s)))
}

/// The bookings `condition` keeps of the next events after `after` (by id), up to `events`
/// events, each event's as its bookings list shows them (places, the waiting list in order,
/// then cancellations). A page always holds whole events, so an export follows event ids.
pub async fn of_events_after(
    db: &impl ConnectionTrait,
    condition: Condition,
    after: i64,
    events: u64,
) -> Result<Vec<Booking>, DbErr> {
    crate::db::in_whole_groups::<booking::Entity, _, _, _>(
        db,
        condition,
        (booking::Column::Id, booking::Column::EventId),
        (after, events),
        |event| list(db, event),
        |b| b.id,
    )
    .await
}
