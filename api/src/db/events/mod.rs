//! Persistence of events: the events with their tags and series ([`self`]), and bookings with
//! the waiting list and attendance ([`bookings`]).

pub mod bookings;
pub mod feedback;
pub mod submissions;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{
    access::Actor,
    event::{
        Audience, BookingStatus, Event, EventInput, EventQuery, EventWhen, Series, SeriesInput,
        rules,
    },
    export::EventFilter,
    uk_time,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};

use super::entity::events::{booking, event, event_tag, series};
use super::training::{like_pattern, organisation_names};

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<event::Model>, DbErr> {
    event::Entity::find_by_id(id).one(db).await
}

fn set_fields(model: &mut event::ActiveModel, input: &EventInput) {
    model.title = Set(input.title.clone());
    model.kind = Set(input.kind);
    model.description = Set(input.description.clone());
    model.organiser_organisation_id = Set(input.organiser_organisation_id);
    model.starts_at = Set(input.starts_at);
    model.ends_at = Set(input.ends_at);
    model.venue = Set(input.venue.clone());
    model.online_link = Set(input.online_link.clone());
    model.capacity = Set(i32::try_from(input.capacity).unwrap_or(i32::MAX));
    model.audience = Set(input.audience);
    model.counts_as_training = Set(input.counts_as_training);
    model.series_id = Set(input.series_id);
}

async fn set_tags(db: &impl ConnectionTrait, id: i64, tags: &[String]) -> Result<(), DbErr> {
    event_tag::Entity::delete_many()
        .filter(event_tag::Column::EventId.eq(id))
        .exec(db)
        .await?;
    if !tags.is_empty() {
        event_tag::Entity::insert_many(tags.iter().map(|tag| event_tag::ActiveModel {
            event_id: Set(id),
            tag: Set(tag.clone()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Creates an event; `now` is when it was made.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &EventInput,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let mut model = event::ActiveModel {
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        book_seq: Set(0),
        version: Set(1),
        ..Default::default()
    };
    set_fields(&mut model, input);
    let id = model.insert(db).await?.id;
    set_tags(db, id, &input.tags).await?;
    Ok(id)
}

/// Replaces an event's details if it is still at `version`. `Ok(false)`: someone changed it
/// first.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    input: &EventInput,
) -> Result<bool, DbErr> {
    let mut model = <event::ActiveModel as Default>::default();
    set_fields(&mut model, input);
    model.updated_at = Set(Utc::now());
    model.version = Set(version + 1);
    // The version check and the write are one statement, so two editors cannot both win.
    let result = event::Entity::update_many()
        .set(model)
        .filter(event::Column::Id.eq(id))
        .filter(event::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    set_tags(db, id, &input.tags).await?;
    Ok(true)
}

/// Removes an event with its bookings.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    event::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Places taken, people waiting and guests among the places, by event.
async fn counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (u32, u32, u32)>, DbErr> {
    let mut counts: HashMap<i64, (u32, u32, u32)> = HashMap::new();
    if ids.is_empty() {
        return Ok(counts);
    }
    let rows: Vec<(i64, BookingStatus, bool, i64)> = booking::Entity::find()
        .select_only()
        .column(booking::Column::EventId)
        .column(booking::Column::Status)
        .column_as(booking::Column::PersonId.is_null(), "guest")
        .column_as(booking::Column::Id.count(), "n")
        .filter(booking::Column::EventId.is_in(ids.to_vec()))
        .filter(booking::Column::Status.ne(BookingStatus::Cancelled))
        .group_by(booking::Column::EventId)
        .group_by(booking::Column::Status)
        .group_by(Expr::col(booking::Column::PersonId).is_null())
        .into_tuple()
        .all(db)
        .await?;
    for (event_id, status, guest, n) in rows {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let entry = counts.entry(event_id).or_default();
        match status {
            BookingStatus::Booked => {
                entry.0 += n;
                if guest {
                    entry.2 += n;
                }
            }
            BookingStatus::Waitlisted => entry.1 += n,
            BookingStatus::Cancelled => {}
        }
    }
    Ok(counts)
}

/// Tags by event.
async fn tags(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(tags);
    }
    for t in event_tag::Entity::find()
        .filter(event_tag::Column::EventId.is_in(ids.to_vec()))
        .order_by_asc(event_tag::Column::Tag)
        .all(db)
        .await?
    {
        tags.entry(t.event_id).or_default().push(t.tag);
    }
    Ok(tags)
}

/// The events as the API shows them to `actor` (none: someone not signed in).
pub async fn dto(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    models: Vec<event::Model>,
) -> Result<Vec<Event>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let names = organisation_names(db, models.iter().map(|m| m.organiser_organisation_id)).await?;
    let counts = counts(db, &ids).await?;
    let mut tags = tags(db, &ids).await?;
    let series_ids: Vec<i64> = models.iter().filter_map(|m| m.series_id).collect();
    let series_titles: HashMap<i64, String> = if series_ids.is_empty() {
        HashMap::new()
    } else {
        series::Entity::find()
            .filter(series::Column::Id.is_in(series_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect()
    };
    let mine = match actor {
        Some(actor) => bookings::mine_for(db, actor.person_id, &ids).await?,
        None => HashMap::new(),
    };
    Ok(models
        .into_iter()
        .map(|m| {
            let (booked, waitlisted, guests) = counts.get(&m.id).copied().unwrap_or_default();
            Event {
                id: m.id,
                organiser_name: names
                    .get(&m.organiser_organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                tags: tags.remove(&m.id).unwrap_or_default(),
                series_title: m.series_id.and_then(|s| series_titles.get(&s).cloned()),
                my_booking: mine.get(&m.id).cloned(),
                can_manage: actor
                    .is_some_and(|a| rules::can_manage(a, m.organiser_organisation_id)),
                capacity: u32::try_from(m.capacity).unwrap_or(0),
                booked,
                waitlisted,
                guests,
                title: m.title,
                kind: m.kind,
                description: m.description,
                organiser_organisation_id: m.organiser_organisation_id,
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                venue: m.venue,
                online_link: m.online_link,
                audience: m.audience,
                counts_as_training: m.counts_as_training,
                series_id: m.series_id,
                version: m.version,
            }
        })
        .collect())
}

/// One event as the API shows it.
pub async fn one(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    model: event::Model,
) -> Result<Event, DbErr> {
    dto(db, actor, vec![model])
        .await?
        .pop()
        .ok_or_else(|| DbErr::RecordNotFound("event".to_owned()))
}

/// The events `actor` may see: partnership-wide and open events, and organisation events of
/// their own organisation (every event, for a partnership admin). The rule of
/// [`rules::can_see`], as a query.
pub fn visible_to(actor: &Actor) -> Condition {
    if actor.is_partnership_admin() {
        return Condition::all();
    }
    Condition::any()
        .add(event::Column::Audience.ne(Audience::Organisation))
        .add(event::Column::OrganiserOrganisationId.eq(actor.organisation_id))
}

/// The events `filter` keeps, as a condition on `events`: the list's and the export's.
pub fn matching(filter: &EventFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(tag) = &filter.tag {
        condition = condition.add(
            event::Column::Id.in_subquery(
                Query::select()
                    .column(event_tag::Column::EventId)
                    .from(event_tag::Entity)
                    .and_where(event_tag::Column::Tag.eq(tag.as_str()))
                    .to_owned(),
            ),
        );
    }
    condition
        .add_option(filter.kind.map(|k| event::Column::Kind.eq(k)))
        .add_option(
            filter
                .organisation_id
                .map(|o| event::Column::OrganiserOrganisationId.eq(o)),
        )
        .add_option(
            filter
                .from
                .map(|d| event::Column::StartsAt.gte(uk_time::start_of_day(d))),
        )
        .add_option(
            filter
                .to
                .map(|d| event::Column::StartsAt.lt(uk_time::end_of_day(d))),
        )
        .add_option(
            filter
                .updated_since
                .map(|t| event::Column::UpdatedAt.gte(t)),
        )
}

/// A page of the events `actor` may see, kept by `filter` and the list's own word search and
/// upcoming/past, and the number matching.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &EventFilter,
    query: &EventQuery,
    (page, per_page): (u64, u64),
    now: DateTime<Utc>,
) -> Result<(Vec<Event>, u64), DbErr> {
    let mut condition = Condition::all()
        .add(visible_to(actor))
        .add(matching(filter));
    if let Some(words) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(words);
        let like = |column: event::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        condition = condition.add(
            Condition::any()
                .add(like(event::Column::Title))
                .add(like(event::Column::Description)),
        );
    }
    match query.when {
        Some(EventWhen::Upcoming) => condition = condition.add(event::Column::EndsAt.gte(now)),
        Some(EventWhen::Past) => condition = condition.add(event::Column::EndsAt.lt(now)),
        None => {}
    }
    let select = event::Entity::find().filter(condition);
    let total = select.clone().count(db).await?;
    let select = if query.when == Some(EventWhen::Past) {
        select
            .order_by_desc(event::Column::StartsAt)
            .order_by_desc(event::Column::Id)
    } else {
        select
            .order_by_asc(event::Column::StartsAt)
            .order_by_asc(event::Column::Id)
    };
    let models = select
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((dto(db, Some(actor), models).await?, total))
}

/// Up to `limit` events that meet `condition` with ids above `after`, in id order, each as the
/// list shows it to `actor`: one page of a bulk export.
pub async fn after(
    db: &impl ConnectionTrait,
    actor: &Actor,
    condition: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<Event>, DbErr> {
    let models = event::Entity::find()
        .filter(condition)
        .filter(event::Column::Id.gt(after))
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    dto(db, Some(actor), models).await
}

pub async fn find_series(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<series::Model>, DbErr> {
    series::Entity::find_by_id(id).one(db).await
}

pub async fn create_series(
    db: &impl ConnectionTrait,
    input: &SeriesInput,
    now: DateTime<Utc>,
) -> Result<series::Model, DbErr> {
    series::ActiveModel {
        title: Set(input.title.clone()),
        description: Set(input.description.clone()),
        organiser_organisation_id: Set(input.organiser_organisation_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The series' sessions `actor` may see, in time order.
pub async fn series_events(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<Vec<event::Model>, DbErr> {
    event::Entity::find()
        .filter(event::Column::SeriesId.eq(id))
        .filter(visible_to(actor))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await
}

/// Series as the API shows them to `actor`, each with the sessions they may see.
pub async fn series_dto(
    db: &impl ConnectionTrait,
    actor: &Actor,
    models: Vec<series::Model>,
) -> Result<Vec<Series>, DbErr> {
    let names = organisation_names(db, models.iter().map(|m| m.organiser_organisation_id)).await?;
    let mut out = Vec::with_capacity(models.len());
    for m in models {
        let events = series_events(db, actor, m.id).await?;
        out.push(Series {
            id: m.id,
            organiser_name: names
                .get(&m.organiser_organisation_id)
                .cloned()
                .unwrap_or_default(),
            events: dto(db, Some(actor), events).await?,
            can_manage: rules::can_manage(actor, m.organiser_organisation_id),
            organiser_organisation_id: m.organiser_organisation_id,
            title: m.title,
            description: m.description,
        });
    }
    Ok(out)
}

/// Every series, or one organisation's, newest first (at most 200).
pub async fn list_series(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<series::Model>, DbErr> {
    let mut select = series::Entity::find();
    if let Some(organisation) = organisation_id {
        select = select.filter(series::Column::OrganiserOrganisationId.eq(organisation));
    }
    select
        .order_by_desc(series::Column::CreatedAt)
        .order_by_desc(series::Column::Id)
        .limit(200)
        .all(db)
        .await
}
