//! Reads the dated facts the partnership's metrics are counted from (`qi_shared::dashboard`),
//! with a few narrow queries over whole tables: only the columns the counting needs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    capability::Tier,
    dashboard::{
        Facts,
        facts::{
            AttendanceFact, CoachingFact, CohortFact, EnrolmentFact, EventFact, MeasureFact,
            ProjectAttributes, ProjectFact, TierSpan,
        },
    },
    event::EventKind,
    measure::{AnnotationKind, MeasureType},
    project::{ProjectStatus, ProjectType, QualityDimension, Spread, TeamRole},
    spc::{ImprovementDirection, SeriesPoint},
    spread::SpreadFacts,
    training::EnrolmentStatus,
    uk_time::day_of,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::entity::{
    capability::{coaching_session, tier_period},
    events::{booking, event},
    measure, measure_annotation, measure_point, person, project, project_attribute_change,
    project_member, project_quality_dimension, project_score, project_status_change,
    training::{
        attendance, cohort, cohort_allocation, cohort_facilitator, cohort_session, course,
        enrolment,
    },
};

/// Every fact of the partnership (one per deployment).
pub async fn facts(db: &impl ConnectionTrait) -> Result<Facts, DbErr> {
    let spans = tier_spans(db).await?;
    let projects = projects(db).await?;
    let coaching = coaching(db, &projects).await?;
    let (cohorts, enrolments, mut attendance) = training(db).await?;
    attendance.extend(training_events(db).await?);
    Ok(
        Facts::new(spans, projects, coaching, cohorts, enrolments, attendance)
            .with_events(events_held(db).await?),
    )
}

type SpanRow = (i64, i64, Tier, DateTime<Utc>, Option<DateTime<Utc>>);

async fn tier_spans(db: &impl ConnectionTrait) -> Result<Vec<TierSpan>, DbErr> {
    let rows: Vec<SpanRow> = tier_period::Entity::find()
        .select_only()
        .columns([
            tier_period::Column::PersonId,
            tier_period::Column::OrganisationId,
            tier_period::Column::Tier,
            tier_period::Column::ValidFrom,
            tier_period::Column::ValidTo,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(person_id, organisation_id, tier, from, to)| TierSpan {
            person_id,
            organisation_id,
            tier,
            from: day_of(from),
            to: to.map(day_of),
        })
        // A tier held for less than a day was never held at the end of one.
        .filter(|s| s.to.is_none_or(|to| to > s.from))
        .collect())
}

type ProjectRow = (
    i64,
    i64,
    DateTime<Utc>,
    Option<NaiveDate>,
    bool,
    bool,
    Option<f64>,
    Option<f64>,
    Spread,
    ProjectType,
);

async fn projects(db: &impl ConnectionTrait) -> Result<Vec<ProjectFact>, DbErr> {
    use project::Column as C;
    let rows: Vec<ProjectRow> = project::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::LeadOrganisationId,
            C::CreatedAt,
            C::StartDate,
            C::Involvement,
            C::Sustainability,
            C::Co2eKgPerYear,
            C::MoneyPerYear,
            C::Spread,
            C::ProjectType,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut by_id: HashMap<i64, ProjectFact> = rows
        .into_iter()
        .map(
            |(
                id,
                org,
                created,
                start,
                involvement,
                sustainability,
                co2e,
                money,
                spread,
                project_type,
            )| {
                let recorded_on = day_of(created);
                (
                    id,
                    ProjectFact {
                        id,
                        lead_organisation_id: org,
                        lead_person_id: None,
                        recorded_on,
                        started_on: start.unwrap_or(recorded_on),
                        statuses: Vec::new(),
                        scores: Vec::new(),
                        // As now from the day it was recorded, unless its history says
                        // otherwise (projects written straight to the database have none).
                        attributes: vec![(
                            recorded_on,
                            ProjectAttributes {
                                involvement,
                                sustainability,
                                co2e_kg_per_year: co2e,
                                money_per_year: money,
                                spread,
                            },
                        )],
                        adopters: Vec::new(),
                        project_type,
                        quality_dimensions: Vec::new(),
                        measures: Vec::new(),
                        evidence: Vec::new(),
                        follow_ups: Vec::new(),
                    },
                )
            },
        )
        .collect();

    let dimensions: Vec<(i64, QualityDimension)> = project_quality_dimension::Entity::find()
        .select_only()
        .columns([
            project_quality_dimension::Column::ProjectId,
            project_quality_dimension::Column::Dimension,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (project_id, dimension) in dimensions {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.quality_dimensions.push(dimension);
        }
    }

    let leads: Vec<(i64, i64)> = project_member::Entity::find()
        .select_only()
        .columns([
            project_member::Column::ProjectId,
            project_member::Column::PersonId,
        ])
        .filter(project_member::Column::Role.eq(TeamRole::Lead))
        .into_tuple()
        .all(db)
        .await?;
    for (project_id, person_id) in leads {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.lead_person_id = Some(person_id);
        }
    }

    let statuses: Vec<(i64, ProjectStatus, DateTime<Utc>)> = project_status_change::Entity::find()
        .select_only()
        .columns([
            project_status_change::Column::ProjectId,
            project_status_change::Column::Status,
            project_status_change::Column::ChangedAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (project_id, status, at) in statuses {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.statuses.push((day_of(at), status));
        }
    }

    let scores: Vec<(i64, i32, DateTime<Utc>)> = project_score::Entity::find()
        .select_only()
        .columns([
            project_score::Column::ProjectId,
            project_score::Column::ScoreTenths,
            project_score::Column::ChangedAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (project_id, score, at) in scores {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.scores.push((day_of(at), score));
        }
    }

    type AttributeRow = (
        i64,
        bool,
        bool,
        Option<f64>,
        Option<f64>,
        Spread,
        DateTime<Utc>,
    );
    let attributes: Vec<AttributeRow> = project_attribute_change::Entity::find()
        .select_only()
        .columns([
            project_attribute_change::Column::ProjectId,
            project_attribute_change::Column::Involvement,
            project_attribute_change::Column::Sustainability,
            project_attribute_change::Column::Co2eKgPerYear,
            project_attribute_change::Column::MoneyPerYear,
            project_attribute_change::Column::Spread,
            project_attribute_change::Column::ChangedAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut histories: HashMap<i64, Vec<(NaiveDate, ProjectAttributes)>> = HashMap::new();
    for (project_id, involvement, sustainability, co2e, money, spread, at) in attributes {
        histories.entry(project_id).or_default().push((
            day_of(at),
            ProjectAttributes {
                involvement,
                sustainability,
                co2e_kg_per_year: co2e,
                money_per_year: money,
                spread,
            },
        ));
    }
    for (project_id, history) in histories {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.attributes = history;
        }
    }

    // Spread comes from dated adoptions and hand settings (`qi_shared::spread`), not from the
    // level each save recorded: a stage is dated when it was reached, which may be before it was
    // recorded.
    let today = day_of(Utc::now());
    let mut spread = crate::db::spread::facts(db, None).await?;
    for p in by_id.values_mut() {
        let (adoptions, settings) = spread.remove(&p.id).unwrap_or_default();
        let facts = SpreadFacts {
            lead_organisation_id: p.lead_organisation_id,
            adoptions,
            settings,
        };
        p.set_spread(&facts.timeline(today));
        p.adopters = facts
            .adoptions
            .iter()
            .filter_map(|a| Some((a.organisation_id?, a.first_counted()?)))
            .collect();
    }

    for (project_id, found) in crate::db::follow_ups::facts(db).await? {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.follow_ups = found;
        }
    }

    for (project_id, m) in measures(db).await? {
        if let Some(p) = by_id.get_mut(&project_id) {
            p.measures.push(m);
        }
    }
    Ok(by_id.into_values().collect())
}

/// Outcome and process measures (the only ones a metric reads), by project.
async fn measures(db: &impl ConnectionTrait) -> Result<Vec<(i64, MeasureFact)>, DbErr> {
    let rows: Vec<(i64, i64, MeasureType, ImprovementDirection)> = measure::Entity::find()
        .select_only()
        .columns([
            measure::Column::Id,
            measure::Column::ProjectId,
            measure::Column::MeasureType,
            measure::Column::ImprovementDirection,
        ])
        .filter(measure::Column::MeasureType.is_in([MeasureType::Outcome, MeasureType::Process]))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_id: HashMap<i64, (i64, MeasureFact)> = rows
        .into_iter()
        .map(|(id, project_id, measure_type, direction)| {
            (
                id,
                (
                    project_id,
                    MeasureFact {
                        measure_type,
                        direction,
                        points: Vec::new(),
                        phase_changes: Vec::new(),
                    },
                ),
            )
        })
        .collect();
    let points: Vec<(i64, NaiveDate, Option<f64>)> = measure_point::Entity::find()
        .select_only()
        .columns([
            measure_point::Column::MeasureId,
            measure_point::Column::PeriodDate,
            measure_point::Column::Value,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (measure_id, date, value) in points {
        if let Some((_, m)) = by_id.get_mut(&measure_id) {
            m.points.push(SeriesPoint { date, value });
        }
    }
    let changes: Vec<(i64, NaiveDate)> = measure_annotation::Entity::find()
        .select_only()
        .columns([
            measure_annotation::Column::MeasureId,
            measure_annotation::Column::AnnotationDate,
        ])
        .filter(measure_annotation::Column::Kind.eq(AnnotationKind::PhaseChange))
        .into_tuple()
        .all(db)
        .await?;
    for (measure_id, date) in changes {
        if let Some((_, m)) = by_id.get_mut(&measure_id) {
            m.phase_changes.push(date);
        }
    }
    Ok(by_id
        .into_values()
        .map(|(project_id, mut m)| {
            m.points.sort_by_key(|p| p.date);
            m.phase_changes.sort();
            (project_id, m)
        })
        .collect())
}

async fn coaching(
    db: &impl ConnectionTrait,
    projects: &[ProjectFact],
) -> Result<Vec<CoachingFact>, DbErr> {
    let org_of: HashMap<i64, i64> = projects
        .iter()
        .map(|p| (p.id, p.lead_organisation_id))
        .collect();
    let rows: Vec<(i64, i64, NaiveDate)> = coaching_session::Entity::find()
        .select_only()
        .columns([
            coaching_session::Column::ProjectId,
            coaching_session::Column::CoachId,
            coaching_session::Column::HeldOn,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(project_id, coach_id, held_on)| {
            Some(CoachingFact {
                held_on,
                project_id,
                organisation_id: *org_of.get(&project_id)?,
                coach_id,
            })
        })
        .collect())
}

async fn training(
    db: &impl ConnectionTrait,
) -> Result<(Vec<CohortFact>, Vec<EnrolmentFact>, Vec<AttendanceFact>), DbErr> {
    let providers: HashMap<i64, i64> = course::Entity::find()
        .select_only()
        .columns([course::Column::Id, course::Column::ProviderOrganisationId])
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<(i64, i64, NaiveDate, i32)> = cohort::Entity::find()
        .select_only()
        .columns([
            cohort::Column::Id,
            cohort::Column::CourseId,
            cohort::Column::StartDate,
            cohort::Column::Capacity,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut cohorts: HashMap<i64, CohortFact> = rows
        .into_iter()
        .filter_map(|(id, course_id, starts_on, capacity)| {
            Some((
                id,
                CohortFact {
                    id,
                    starts_on,
                    provider_organisation_id: *providers.get(&course_id)?,
                    capacity,
                    allocations: Vec::new(),
                    facilitators: Vec::new(),
                    sessions: Vec::new(),
                },
            ))
        })
        .collect();
    let allocations: Vec<(i64, i64, i32)> = cohort_allocation::Entity::find()
        .select_only()
        .columns([
            cohort_allocation::Column::CohortId,
            cohort_allocation::Column::OrganisationId,
            cohort_allocation::Column::Places,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (cohort_id, organisation_id, places) in allocations {
        if let Some(c) = cohorts.get_mut(&cohort_id) {
            c.allocations.push((organisation_id, places));
        }
    }
    let facilitators: Vec<(i64, i64)> = cohort_facilitator::Entity::find()
        .select_only()
        .columns([
            cohort_facilitator::Column::CohortId,
            cohort_facilitator::Column::PersonId,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (cohort_id, person_id) in facilitators {
        if let Some(c) = cohorts.get_mut(&cohort_id) {
            c.facilitators.push(person_id);
        }
    }
    let sessions: Vec<(i64, i64, DateTime<Utc>)> = cohort_session::Entity::find()
        .select_only()
        .columns([
            cohort_session::Column::Id,
            cohort_session::Column::CohortId,
            cohort_session::Column::StartsAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut session_of: HashMap<i64, (i64, NaiveDate)> = HashMap::with_capacity(sessions.len());
    for (id, cohort_id, starts_at) in sessions {
        let day = day_of(starts_at);
        session_of.insert(id, (cohort_id, day));
        if let Some(c) = cohorts.get_mut(&cohort_id) {
            c.sessions.push(day);
        }
    }

    type EnrolmentRow = (
        i64,
        i64,
        i64,
        EnrolmentStatus,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<EnrolmentRow> = enrolment::Entity::find()
        .select_only()
        .columns([
            enrolment::Column::CohortId,
            enrolment::Column::PersonId,
            enrolment::Column::OrganisationId,
            enrolment::Column::Status,
            enrolment::Column::CreatedAt,
            enrolment::Column::PlacedAt,
            enrolment::Column::WithdrawnAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut enrolments: HashMap<(i64, i64), EnrolmentFact> = rows
        .into_iter()
        .map(
            |(cohort_id, person_id, organisation_id, status, created, placed, withdrawn)| {
                // Rows from before the days were kept: a place held now was held from creation.
                let holds = matches!(
                    status,
                    EnrolmentStatus::Enrolled | EnrolmentStatus::Completed
                );
                let placed = placed.or_else(|| holds.then_some(created));
                (
                    (cohort_id, person_id),
                    EnrolmentFact {
                        cohort_id,
                        person_id,
                        organisation_id,
                        placed_on: placed.map(day_of),
                        withdrawn_on: withdrawn.map(day_of),
                        first_attended: None,
                        cohort_starts_on: None,
                    },
                )
            },
        )
        .collect();

    let present: Vec<(i64, i64)> = attendance::Entity::find()
        .select_only()
        .columns([attendance::Column::SessionId, attendance::Column::PersonId])
        .filter(attendance::Column::Present.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let mut attended = Vec::with_capacity(present.len());
    for (session_id, person_id) in present {
        let Some((cohort_id, on)) = session_of.get(&session_id).copied() else {
            continue;
        };
        // Attendance is recorded against a place; without one (an enrolment since removed) the
        // person still attended, counted in no organisation's figures but the partnership's.
        let organisation_id = match enrolments.get_mut(&(cohort_id, person_id)) {
            Some(e) => {
                e.first_attended = Some(e.first_attended.map_or(on, |d| d.min(on)));
                e.organisation_id
            }
            None => 0,
        };
        attended.push(AttendanceFact {
            on,
            person_id,
            organisation_id,
        });
    }
    Ok((
        cohorts.into_values().collect(),
        enrolments.into_values().collect(),
        attended,
    ))
}

/// Every event, on its day (an event is deleted, not kept, when it is called off).
async fn events_held(db: &impl ConnectionTrait) -> Result<Vec<EventFact>, DbErr> {
    let rows: Vec<(DateTime<Utc>, i64, EventKind)> = event::Entity::find()
        .select_only()
        .columns([
            event::Column::StartsAt,
            event::Column::OrganiserOrganisationId,
            event::Column::Kind,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(at, organisation_id, kind)| EventFact {
            on: day_of(at),
            organisation_id,
            kind,
        })
        .collect())
}

/// Attendance at events marked as training, by people of the partnership (guests are not
/// counted), in the organisation they booked from, on the event's day.
async fn training_events(db: &impl ConnectionTrait) -> Result<Vec<AttendanceFact>, DbErr> {
    let days: HashMap<i64, NaiveDate> = event::Entity::find()
        .select_only()
        .columns([event::Column::Id, event::Column::StartsAt])
        .filter(event::Column::CountsAsTraining.eq(true))
        .into_tuple::<(i64, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, at)| (id, day_of(at)))
        .collect();
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = booking::Entity::find()
        .select_only()
        .columns([
            booking::Column::EventId,
            booking::Column::PersonId,
            booking::Column::OrganisationId,
        ])
        .filter(booking::Column::Attended.eq(true))
        .filter(booking::Column::EventId.is_in(days.keys().copied().collect::<Vec<_>>()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(event_id, person_id, organisation_id)| {
            Some(AttendanceFact {
                on: *days.get(&event_id)?,
                person_id: person_id?,
                organisation_id: organisation_id.unwrap_or(0),
            })
        })
        .collect())
}

/// The names of the people `ids`.
pub async fn people_named(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = person::Entity::find()
        .select_only()
        .columns([person::Column::Id, person::Column::Name])
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
