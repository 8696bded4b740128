//! Cohorts of a course with their facilitators, place allocations and sessions.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use qi_shared::{
    access::Actor,
    capability::Tier,
    person::PersonStatus,
    training::{
        Allocation, Cohort, CohortInput, CohortQuery, CohortSummary, EnrolmentStatus, PersonRef,
        Session, When, rules,
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{enrolments, organisation_names, people};
use crate::db::entity::{
    organisation, person,
    training::{cohort, cohort_allocation, cohort_facilitator, cohort_session, course, enrolment},
};

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<cohort::Model>, DbErr> {
    cohort::Entity::find_by_id(id).one(db).await
}

pub async fn session(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<cohort_session::Model>, DbErr> {
    cohort_session::Entity::find_by_id(id).one(db).await
}

/// A cohort's sessions in time order.
pub async fn sessions(
    db: &impl ConnectionTrait,
    cohort_id: i64,
) -> Result<Vec<cohort_session::Model>, DbErr> {
    cohort_session::Entity::find()
        .filter(cohort_session::Column::CohortId.eq(cohort_id))
        .order_by_asc(cohort_session::Column::StartsAt)
        .order_by_asc(cohort_session::Column::Id)
        .all(db)
        .await
}

pub async fn facilitator_ids(db: &impl ConnectionTrait, cohort_id: i64) -> Result<Vec<i64>, DbErr> {
    cohort_facilitator::Entity::find()
        .select_only()
        .column(cohort_facilitator::Column::PersonId)
        .filter(cohort_facilitator::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await
}

pub async fn allocations(
    db: &impl ConnectionTrait,
    cohort_id: i64,
) -> Result<Vec<cohort_allocation::Model>, DbErr> {
    cohort_allocation::Entity::find()
        .filter(cohort_allocation::Column::CohortId.eq(cohort_id))
        .all(db)
        .await
}

/// The positions in `ids` of people who do not exist (or are deactivated).
pub async fn missing_people(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<usize>, DbErr> {
    let found = people(db, ids.iter().copied()).await?;
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| {
            found
                .get(id)
                .is_none_or(|p| p.status == PersonStatus::Deactivated)
        })
        .map(|(i, _)| i)
        .collect())
}

/// The positions in `ids` of organisations that do not exist or are archived.
pub async fn missing_organisations(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<usize>, DbErr> {
    let found: HashSet<i64> = if ids.is_empty() {
        HashSet::new()
    } else {
        organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(ids.to_vec()))
            .filter(organisation::Column::ArchivedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect()
    };
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id))
        .map(|(i, _)| i)
        .collect())
}

fn set_fields(model: &mut cohort::ActiveModel, input: &CohortInput) {
    model.name = Set(input.name.clone());
    model.start_date = Set(input.start_date);
    model.end_date = Set(input.end_date);
    model.venue = Set(input.venue.clone());
    model.online_link = Set(input.online_link.clone());
    model.capacity = Set(i32::try_from(input.capacity).unwrap_or(i32::MAX));
    model.partnership_wide = Set(input.partnership_wide);
}

pub async fn create(
    db: &impl ConnectionTrait,
    course_id: i64,
    input: &CohortInput,
) -> Result<i64, DbErr> {
    let mut model = cohort::ActiveModel {
        course_id: Set(course_id),
        places_released: Set(false),
        enrol_seq: Set(0),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    set_fields(&mut model, input);
    let id = model.insert(db).await?.id;
    write_parts(db, id, input).await?;
    Ok(id)
}

/// Changes a cohort; sessions sent with an id keep their attendance, the others left out are
/// removed with theirs. The caller checks the session ids are this cohort's.
/// Replaces a cohort's details and moves it to the next version (the caller holds its lock and
/// has checked the version it was sent).
pub async fn update(
    db: &impl ConnectionTrait,
    current: cohort::Model,
    input: &CohortInput,
) -> Result<(), DbErr> {
    let id = current.id;
    let version = current.version;
    let mut model: cohort::ActiveModel = current.into();
    set_fields(&mut model, input);
    model.version = Set(version + 1);
    model.update(db).await?;
    cohort_facilitator::Entity::delete_many()
        .filter(cohort_facilitator::Column::CohortId.eq(id))
        .exec(db)
        .await?;
    cohort_allocation::Entity::delete_many()
        .filter(cohort_allocation::Column::CohortId.eq(id))
        .exec(db)
        .await?;
    let kept: Vec<i64> = input.sessions.iter().filter_map(|s| s.id).collect();
    cohort_session::Entity::delete_many()
        .filter(cohort_session::Column::CohortId.eq(id))
        .filter(cohort_session::Column::Id.is_not_in(kept))
        .exec(db)
        .await?;
    write_parts(db, id, input).await
}

async fn write_parts(db: &impl ConnectionTrait, id: i64, input: &CohortInput) -> Result<(), DbErr> {
    if !input.facilitator_ids.is_empty() {
        cohort_facilitator::Entity::insert_many(input.facilitator_ids.iter().map(|p| {
            cohort_facilitator::ActiveModel {
                cohort_id: Set(id),
                person_id: Set(*p),
            }
        }))
        .exec(db)
        .await?;
    }
    if !input.allocations.is_empty() {
        cohort_allocation::Entity::insert_many(input.allocations.iter().map(|a| {
            cohort_allocation::ActiveModel {
                cohort_id: Set(id),
                organisation_id: Set(a.organisation_id),
                places: Set(i32::try_from(a.places).unwrap_or(i32::MAX)),
            }
        }))
        .exec(db)
        .await?;
    }
    for s in &input.sessions {
        let mut model = cohort_session::ActiveModel {
            cohort_id: Set(id),
            title: Set(s.title.clone()),
            starts_at: Set(s.starts_at),
            length_minutes: Set(i32::try_from(s.length_minutes).unwrap_or(i32::MAX)),
            ..Default::default()
        };
        match s.id {
            Some(session_id) => {
                model.id = Set(session_id);
                model.update(db).await?;
            }
            None => {
                model.insert(db).await?;
            }
        }
    }
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    cohort::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn release_places(db: &impl ConnectionTrait, cohort: cohort::Model) -> Result<(), DbErr> {
    let mut model: cohort::ActiveModel = cohort.into();
    model.places_released = Set(true);
    model.update(db).await?;
    Ok(())
}

/// Places held and people waiting, per cohort.
async fn counts(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, (u32, u32)>, DbErr> {
    let mut counts: HashMap<i64, (u32, u32)> = HashMap::new();
    if ids.is_empty() {
        return Ok(counts);
    }
    let rows: Vec<(i64, EnrolmentStatus, i64)> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::CohortId)
        .column(enrolment::Column::Status)
        .column_as(enrolment::Column::Id.count(), "n")
        .filter(enrolment::Column::CohortId.is_in(ids))
        .group_by(enrolment::Column::CohortId)
        .group_by(enrolment::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    for (cohort_id, status, n) in rows {
        let n = u32::try_from(n).unwrap_or(0);
        let entry = counts.entry(cohort_id).or_default();
        match status {
            s if s.holds_place() => entry.0 += n,
            EnrolmentStatus::Waitlisted => entry.1 += n,
            _ => {}
        }
    }
    Ok(counts)
}

pub async fn summaries(
    db: &impl ConnectionTrait,
    models: Vec<cohort::Model>,
) -> Result<Vec<CohortSummary>, DbErr> {
    let course_ids: HashSet<i64> = models.iter().map(|m| m.course_id).collect();
    let courses: HashMap<i64, course::Model> = course::Entity::find()
        .filter(course::Column::Id.is_in(course_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let counts = counts(db, models.iter().map(|m| m.id).collect()).await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let course = courses.get(&m.course_id);
            let (taken, waiting) = counts.get(&m.id).copied().unwrap_or_default();
            CohortSummary {
                id: m.id,
                course_id: m.course_id,
                course_title: course.map(|c| c.title.clone()).unwrap_or_default(),
                tier: course.map_or(Tier::Learn, |c| c.tier),
                name: m.name,
                start_date: m.start_date,
                end_date: m.end_date,
                capacity: u32::try_from(m.capacity).unwrap_or(0),
                taken,
                waiting,
                partnership_wide: m.partnership_wide,
            }
        })
        .collect())
}

/// The cohorts of `course_id` and `when` (each if given) on `today`: the list's and the
/// export's filters. Everyone signed in reads every cohort.
pub fn matching(course_id: Option<i64>, when: Option<When>, today: NaiveDate) -> Condition {
    Condition::all()
        .add_option(course_id.map(|c| cohort::Column::CourseId.eq(c)))
        .add_option(when.map(|w| match w {
            When::Upcoming => cohort::Column::EndDate.gte(today),
            When::Past => cohort::Column::EndDate.lt(today),
        }))
}

/// Up to `limit` cohorts that meet `condition` with ids above `after`, in id order, each as the
/// list shows it: one page of a bulk export.
pub async fn after(
    db: &impl ConnectionTrait,
    condition: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<CohortSummary>, DbErr> {
    let models = cohort::Entity::find()
        .filter(condition)
        .filter(cohort::Column::Id.gt(after))
        .order_by_asc(cohort::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    summaries(db, models).await
}

/// A page of cohorts: upcoming ones soonest first, past ones latest first.
pub async fn list(
    db: &impl ConnectionTrait,
    query: &CohortQuery,
    (page, per_page): (u64, u64),
    today: NaiveDate,
) -> Result<(Vec<CohortSummary>, u64), DbErr> {
    let condition = matching(query.course_id, query.when, today);
    let select = cohort::Entity::find().filter(condition);
    let total = select.clone().count(db).await?;
    let select = if query.when == Some(When::Past) {
        select.order_by_desc(cohort::Column::StartDate)
    } else {
        select.order_by_asc(cohort::Column::StartDate)
    };
    let models = select
        .order_by_asc(cohort::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((summaries(db, models).await?, total))
}

/// Whether `actor` facilitates the cohort.
pub async fn facilitates(
    db: &impl ConnectionTrait,
    cohort_id: i64,
    person_id: i64,
) -> Result<bool, DbErr> {
    Ok(
        cohort_facilitator::Entity::find_by_id((cohort_id, person_id))
            .one(db)
            .await?
            .is_some(),
    )
}

/// The whole cohort as `actor` sees it.
pub async fn detail(
    db: &impl ConnectionTrait,
    actor: &Actor,
    model: cohort::Model,
    course: &course::Model,
) -> Result<Cohort, DbErr> {
    let id = model.id;
    let can_manage = rules::can_manage_course(actor, course.provider_organisation_id);
    let can_enrol = rules::open_to(
        model.partnership_wide,
        course.provider_organisation_id,
        actor.organisation_id,
    );
    let facilitator_ids = facilitator_ids(db, id).await?;
    let facilitating = facilitator_ids.contains(&actor.person_id);
    let mut facilitators: Vec<PersonRef> = people(db, facilitator_ids)
        .await?
        .into_values()
        .map(|p: person::Model| PersonRef {
            id: p.id,
            name: p.name,
            organisation_id: p.organisation_id,
        })
        .collect();
    facilitators.sort_by(|a, b| a.name.cmp(&b.name));
    let sessions = sessions(db, id)
        .await?
        .into_iter()
        .map(|s| Session {
            id: s.id,
            title: s.title,
            starts_at: s.starts_at,
            length_minutes: u32::try_from(s.length_minutes).unwrap_or(0),
        })
        .collect();
    let places = enrolments::places(db, &model).await?;
    let allocation_rows = allocations(db, id).await?;
    let names = organisation_names(db, allocation_rows.iter().map(|a| a.organisation_id)).await?;
    let mut allocations: Vec<Allocation> = allocation_rows
        .into_iter()
        .map(|a| Allocation {
            organisation_name: names.get(&a.organisation_id).cloned().unwrap_or_default(),
            places: u32::try_from(a.places).unwrap_or(0),
            taken: places.taken.get(&a.organisation_id).copied().unwrap_or(0),
            organisation_id: a.organisation_id,
        })
        .collect();
    allocations.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
    let my_enrolment = enrolments::list(db, id)
        .await?
        .into_iter()
        .find(|e| e.person_id == actor.person_id);
    let venue = model.venue.clone();
    let online_link = model.online_link.clone();
    let places_released = model.places_released;
    let version = model.version;
    let summary = summaries(db, vec![model])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| DbErr::RecordNotFound("cohort".to_owned()))?;
    Ok(Cohort {
        summary,
        venue,
        online_link,
        places_released,
        facilitators,
        sessions,
        allocations,
        my_enrolment,
        can_manage,
        can_enrol,
        can_record_attendance: can_manage || facilitating,
        version,
    })
}
