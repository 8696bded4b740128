//! Persistence of calls for submissions: the call and its rubric, the submissions with their
//! files, reviewers and their scores, and awards.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use qi_shared::{
    event::submission::{
        Award, AwardInput, Call, CallInput, Criterion, CriterionScore, FileType, ProjectRef,
        Review, Reviewer, Submission, SubmissionFile, SubmissionInput, SubmissionKind,
        SubmissionQuery, mean_score,
    },
    project::OrganisationRef,
    training::PersonRef,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, Query, SelectStatement},
};

use crate::db::{
    entity::{
        events::event,
        project, project_member,
        submissions::{award, call, criterion, reviewer, score, submission},
    },
    training::{organisation_names, people},
};

/// An event's call and its rubric, in order.
pub async fn call(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> Result<Option<(call::Model, Vec<criterion::Model>)>, DbErr> {
    let Some(call) = call::Entity::find_by_id(event_id).one(db).await? else {
        return Ok(None);
    };
    let criteria = criterion::Entity::find()
        .filter(criterion::Column::EventId.eq(event_id))
        .order_by_asc(criterion::Column::Position)
        .all(db)
        .await?;
    Ok(Some((call, criteria)))
}

pub fn criteria_dto(criteria: &[criterion::Model]) -> Vec<Criterion> {
    criteria
        .iter()
        .map(|c| Criterion {
            id: c.id,
            name: c.name.clone(),
            description: c.description.clone(),
            weight: u8::try_from(c.weight).unwrap_or(1),
        })
        .collect()
}

pub fn kinds(call: &call::Model) -> Vec<SubmissionKind> {
    call.kinds
        .split(',')
        .filter_map(SubmissionKind::parse)
        .collect()
}

/// Whether the rubric as sent is the one kept: same names and weights in the same order.
pub fn same_rubric(kept: &[criterion::Model], sent: &CallInput) -> bool {
    kept.len() == sent.criteria.len()
        && kept
            .iter()
            .zip(&sent.criteria)
            .all(|(k, s)| k.name == s.name && k.weight == i32::from(s.weight))
}

/// Opens or changes an event's call. The rubric is written again unless `keep_rubric` (its
/// criteria and weights are as they were), in which case only the descriptions change.
pub async fn set_call(
    db: &impl ConnectionTrait,
    event_id: i64,
    input: &CallInput,
    keep_rubric: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let kinds = input
        .kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",");
    match call::Entity::find_by_id(event_id).one(db).await? {
        Some(kept) => {
            let mut model: call::ActiveModel = kept.into();
            model.intro = Set(input.intro.clone());
            model.kinds = Set(kinds);
            model.deadline = Set(input.deadline);
            model.updated_at = Set(now);
            model.update(db).await?;
        }
        None => {
            call::ActiveModel {
                event_id: Set(event_id),
                intro: Set(input.intro.clone()),
                kinds: Set(kinds),
                deadline: Set(input.deadline),
                review_closed_at: Set(None),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    if keep_rubric {
        let kept = criterion::Entity::find()
            .filter(criterion::Column::EventId.eq(event_id))
            .order_by_asc(criterion::Column::Position)
            .all(db)
            .await?;
        for (k, s) in kept.into_iter().zip(&input.criteria) {
            let mut k: criterion::ActiveModel = k.into();
            k.description = Set(s.description.clone());
            k.update(db).await?;
        }
        return Ok(());
    }
    criterion::Entity::delete_many()
        .filter(criterion::Column::EventId.eq(event_id))
        .exec(db)
        .await?;
    criterion::Entity::insert_many(input.criteria.iter().enumerate().map(|(i, c)| {
        criterion::ActiveModel {
            event_id: Set(event_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            name: Set(c.name.clone()),
            description: Set(c.description.clone()),
            weight: Set(i32::from(c.weight)),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

pub async fn close_review(
    db: &impl ConnectionTrait,
    event_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    call::Entity::update_many()
        .col_expr(call::Column::ReviewClosedAt, Expr::value(now))
        .filter(call::Column::EventId.eq(event_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The ids of an event's submissions.
fn of_event(event_id: i64) -> SelectStatement {
    Query::select()
        .column(submission::Column::Id)
        .from(submission::Entity)
        .and_where(submission::Column::EventId.eq(event_id))
        .to_owned()
}

/// The ids of the submissions `person_id` is asked to review.
fn reviewing(person_id: i64) -> SelectStatement {
    Query::select()
        .column(reviewer::Column::SubmissionId)
        .from(reviewer::Entity)
        .and_where(reviewer::Column::PersonId.eq(person_id))
        .to_owned()
}

/// Reviews scored in an event's call.
pub async fn reviews_scored(db: &impl ConnectionTrait, event_id: i64) -> Result<u64, DbErr> {
    reviewer::Entity::find()
        .filter(reviewer::Column::ReviewedAt.is_not_null())
        .filter(reviewer::Column::SubmissionId.in_subquery(of_event(event_id)))
        .count(db)
        .await
}

/// The kinds an event's submissions are of.
pub async fn kinds_submitted(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> Result<HashSet<SubmissionKind>, DbErr> {
    Ok(submission::Entity::find()
        .filter(submission::Column::EventId.eq(event_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.kind)
        .collect())
}

/// The call as `person_id` sees it.
pub async fn call_dto(
    db: &impl ConnectionTrait,
    event: &event::Model,
    call: &call::Model,
    criteria: &[criterion::Model],
    person_id: i64,
    can_manage: bool,
    now: DateTime<Utc>,
) -> Result<Call, DbErr> {
    let submissions = submission::Entity::find()
        .filter(submission::Column::EventId.eq(event.id))
        .count(db)
        .await?;
    let mine = reviewer::Entity::find()
        .filter(reviewer::Column::PersonId.eq(person_id))
        .filter(reviewer::Column::SubmissionId.in_subquery(of_event(event.id)))
        .all(db)
        .await?;
    Ok(Call {
        event_id: event.id,
        event_title: event.title.clone(),
        intro: call.intro.clone(),
        kinds: kinds(call),
        deadline: call.deadline,
        criteria: criteria_dto(criteria),
        open: now < call.deadline,
        review_closed_at: call.review_closed_at,
        submissions: u32::try_from(submissions).unwrap_or(u32::MAX),
        can_manage,
        assigned_to_me: u32::try_from(mine.len()).unwrap_or(u32::MAX),
        reviewed_by_me: u32::try_from(mine.iter().filter(|r| r.reviewed_at.is_some()).count())
            .unwrap_or(u32::MAX),
    })
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<submission::Model>, DbErr> {
    submission::Entity::find_by_id(id).one(db).await
}

/// Whether `person_id` is on the team of `project_id`.
pub async fn on_team(
    db: &impl ConnectionTrait,
    project_id: i64,
    person_id: i64,
) -> Result<bool, DbErr> {
    Ok(project_member::Entity::find_by_id((project_id, person_id))
        .one(db)
        .await?
        .is_some())
}

/// The people on a project's team.
pub async fn team_of(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect())
}

/// A submission of the project for the event's call, of this kind, if there is one.
pub async fn existing(
    db: &impl ConnectionTrait,
    event_id: i64,
    project_id: i64,
    kind: SubmissionKind,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut query = submission::Entity::find()
        .filter(submission::Column::EventId.eq(event_id))
        .filter(submission::Column::ProjectId.eq(project_id))
        .filter(submission::Column::Kind.eq(kind));
    if let Some(id) = except {
        query = query.filter(submission::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

pub async fn create(
    db: &impl ConnectionTrait,
    event_id: i64,
    input: &SubmissionInput,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(submission::ActiveModel {
        event_id: Set(event_id),
        project_id: Set(input.project_id),
        kind: Set(input.kind),
        title: Set(input.title.clone()),
        abstract_text: Set(input.abstract_text.clone()),
        submitted_by: Set(by),
        submitted_at: Set(now),
        updated_at: Set(now),
        file_key: Set(None),
        file_name: Set(None),
        file_type: Set(None),
        file_bytes: Set(None),
        file_uploaded_at: Set(None),
        shortlisted: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn update(
    db: &impl ConnectionTrait,
    model: submission::Model,
    input: &SubmissionInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut model: submission::ActiveModel = model.into();
    model.kind = Set(input.kind);
    model.title = Set(input.title.clone());
    model.abstract_text = Set(input.abstract_text.clone());
    model.updated_at = Set(now);
    model.update(db).await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    submission::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The file a submission now names (its key in the object store), and when.
pub async fn set_file(
    db: &impl ConnectionTrait,
    model: submission::Model,
    key: &str,
    name: &str,
    kind: FileType,
    bytes: u64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut model: submission::ActiveModel = model.into();
    model.file_key = Set(Some(key.to_owned()));
    model.file_name = Set(Some(name.to_owned()));
    model.file_type = Set(Some(kind.mime().to_owned()));
    model.file_bytes = Set(Some(i64::try_from(bytes).unwrap_or(i64::MAX)));
    model.file_uploaded_at = Set(Some(now));
    model.updated_at = Set(now);
    model.update(db).await?;
    Ok(())
}

pub async fn set_shortlisted(
    db: &impl ConnectionTrait,
    id: i64,
    shortlisted: bool,
) -> Result<(), DbErr> {
    submission::Entity::update_many()
        .col_expr(submission::Column::Shortlisted, Expr::value(shortlisted))
        .filter(submission::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn reviewers(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
) -> Result<Vec<reviewer::Model>, DbErr> {
    if submission_ids.is_empty() {
        return Ok(Vec::new());
    }
    reviewer::Entity::find()
        .filter(reviewer::Column::SubmissionId.is_in(submission_ids.iter().copied()))
        .order_by_asc(reviewer::Column::AssignedAt)
        .order_by_asc(reviewer::Column::PersonId)
        .all(db)
        .await
}

/// Names a submission's reviewers: those kept keep their reviews, those dropped lose theirs.
pub async fn set_reviewers(
    db: &impl ConnectionTrait,
    submission_id: i64,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let kept: HashSet<i64> = reviewers(db, &[submission_id])
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    let dropped: Vec<i64> = kept
        .iter()
        .copied()
        .filter(|p| !person_ids.contains(p))
        .collect();
    if !dropped.is_empty() {
        score::Entity::delete_many()
            .filter(score::Column::SubmissionId.eq(submission_id))
            .filter(score::Column::PersonId.is_in(dropped.clone()))
            .exec(db)
            .await?;
        reviewer::Entity::delete_many()
            .filter(reviewer::Column::SubmissionId.eq(submission_id))
            .filter(reviewer::Column::PersonId.is_in(dropped))
            .exec(db)
            .await?;
    }
    let added: Vec<reviewer::ActiveModel> = person_ids
        .iter()
        .filter(|p| !kept.contains(p))
        .map(|&person_id| reviewer::ActiveModel {
            submission_id: Set(submission_id),
            person_id: Set(person_id),
            assigned_at: Set(now),
            comment: Set(String::new()),
            score: Set(None),
            reviewed_at: Set(None),
        })
        .collect();
    if !added.is_empty() {
        reviewer::Entity::insert_many(added).exec(db).await?;
    }
    Ok(())
}

/// Keeps a reviewer's scores of a submission (replacing any before) and its weighted score.
pub async fn review(
    db: &impl ConnectionTrait,
    assignment: reviewer::Model,
    scores: &[CriterionScore],
    comment: &str,
    weighted: f64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    score::Entity::delete_many()
        .filter(score::Column::SubmissionId.eq(assignment.submission_id))
        .filter(score::Column::PersonId.eq(assignment.person_id))
        .exec(db)
        .await?;
    score::Entity::insert_many(scores.iter().map(|s| score::ActiveModel {
        submission_id: Set(assignment.submission_id),
        person_id: Set(assignment.person_id),
        criterion_id: Set(s.criterion_id),
        score: Set(i32::from(s.score)),
    }))
    .exec(db)
    .await?;
    let mut model: reviewer::ActiveModel = assignment.into();
    model.comment = Set(comment.to_owned());
    model.score = Set(Some(weighted));
    model.reviewed_at = Set(Some(now));
    model.update(db).await?;
    Ok(())
}

/// The reviews scored of a submission (of one reviewer only, if `only`), as they are shown.
pub async fn reviews(
    db: &impl ConnectionTrait,
    submission_id: i64,
    only: Option<i64>,
) -> Result<Vec<Review>, DbErr> {
    let mut query = reviewer::Entity::find()
        .filter(reviewer::Column::SubmissionId.eq(submission_id))
        .filter(reviewer::Column::ReviewedAt.is_not_null());
    if let Some(person_id) = only {
        query = query.filter(reviewer::Column::PersonId.eq(person_id));
    }
    let rows = query
        .order_by_asc(reviewer::Column::ReviewedAt)
        .all(db)
        .await?;
    let scores = score::Entity::find()
        .filter(score::Column::SubmissionId.eq(submission_id))
        .all(db)
        .await?;
    let names = people(db, rows.iter().map(|r| r.person_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let person = names.get(&r.person_id)?;
            Some(Review {
                submission_id,
                reviewer: PersonRef {
                    id: person.id,
                    name: person.name.clone(),
                    organisation_id: person.organisation_id,
                },
                scores: scores
                    .iter()
                    .filter(|s| s.person_id == r.person_id)
                    .map(|s| CriterionScore {
                        criterion_id: s.criterion_id,
                        score: u8::try_from(s.score).unwrap_or(0),
                    })
                    .collect(),
                comment: r.comment,
                score: r.score.unwrap_or_default(),
                reviewed_at: r.reviewed_at?,
            })
        })
        .collect())
}

/// Which submissions `person_id` may see in a list without managing the event: those they
/// submitted, those of their projects' teams, those they are asked to review, and those
/// awarded.
fn seen_by(person_id: i64) -> Condition {
    Condition::any()
        .add(submission::Column::SubmittedBy.eq(person_id))
        .add(
            submission::Column::ProjectId.in_subquery(
                Query::select()
                    .column(project_member::Column::ProjectId)
                    .from(project_member::Entity)
                    .and_where(project_member::Column::PersonId.eq(person_id))
                    .to_owned(),
            ),
        )
        .add(submission::Column::Id.in_subquery(reviewing(person_id)))
        .add(
            submission::Column::Id.in_subquery(
                Query::select()
                    .column(award::Column::SubmissionId)
                    .from(award::Entity)
                    .to_owned(),
            ),
        )
}

/// A page of an event's submissions that `viewer` may see (all, if they manage the event):
/// for a manager, best scored first once the review is closed, else in the order they came;
/// and how many in all.
pub async fn list(
    db: &impl ConnectionTrait,
    event_id: i64,
    viewer: &Viewer,
    query: &SubmissionQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<submission::Model>, u64), DbErr> {
    let person_id = viewer.person_id;
    let mut select = submission::Entity::find().filter(submission::Column::EventId.eq(event_id));
    if !viewer.manages {
        select = select.filter(seen_by(person_id));
    }
    if let Some(kind) = query.kind {
        select = select.filter(submission::Column::Kind.eq(kind));
    }
    if let Some(shortlisted) = query.shortlisted {
        select = select.filter(submission::Column::Shortlisted.eq(shortlisted));
    }
    if query.assigned_to_me == Some(true) {
        select = select.filter(submission::Column::Id.in_subquery(reviewing(person_id)));
    }
    let total = select.clone().count(db).await?;
    if viewer.manages && viewer.review_closed {
        let mean = Query::select()
            .expr(Func::coalesce([
                Expr::col((reviewer::Entity, reviewer::Column::Score)).avg(),
                Expr::val(-1.0),
            ]))
            .from(reviewer::Entity)
            .and_where(
                Expr::col((reviewer::Entity, reviewer::Column::SubmissionId))
                    .equals((submission::Entity, submission::Column::Id)),
            )
            .to_owned();
        select = select.order_by_desc(Expr::from(mean));
    }
    let items = select
        .order_by_asc(submission::Column::SubmittedAt)
        .order_by_asc(submission::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// The awards of these submissions, or of an event, or of these projects, as shown.
pub enum AwardsOf<'a> {
    Event(i64),
    Submissions(&'a [i64]),
    Projects(&'a [i64]),
}

pub async fn awards(db: &impl ConnectionTrait, of: AwardsOf<'_>) -> Result<Vec<Award>, DbErr> {
    let mut query = award::Entity::find();
    query = match of {
        AwardsOf::Event(id) => query.filter(award::Column::EventId.eq(id)),
        AwardsOf::Submissions(ids) if !ids.is_empty() => {
            query.filter(award::Column::SubmissionId.is_in(ids.iter().copied()))
        }
        AwardsOf::Projects(ids) if !ids.is_empty() => query.filter(
            award::Column::SubmissionId.in_subquery(
                Query::select()
                    .column(submission::Column::Id)
                    .from(submission::Entity)
                    .and_where(submission::Column::ProjectId.is_in(ids.iter().copied()))
                    .to_owned(),
            ),
        ),
        _ => return Ok(Vec::new()),
    };
    let rows = query
        .order_by_desc(award::Column::AwardedAt)
        .order_by_asc(award::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let submissions: HashMap<i64, submission::Model> = submission::Entity::find()
        .filter(submission::Column::Id.is_in(rows.iter().map(|a| a.submission_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let events: HashMap<i64, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(rows.iter().map(|a| a.event_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let projects = project_refs(db, submissions.values().map(|s| s.project_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let s = submissions.get(&a.submission_id)?;
            let e = events.get(&a.event_id)?;
            Some(Award {
                id: a.id,
                event_id: e.id,
                event_title: e.title.clone(),
                event_starts_at: e.starts_at,
                category: a.category,
                level: a.level,
                submission_id: s.id,
                submission_title: s.title.clone(),
                kind: s.kind,
                project: projects.get(&s.project_id)?.clone(),
                awarded_at: a.awarded_at,
            })
        })
        .collect())
}

pub async fn find_award(db: &impl ConnectionTrait, id: i64) -> Result<Option<award::Model>, DbErr> {
    award::Entity::find_by_id(id).one(db).await
}

/// Whether the submission has this category's award already.
pub async fn award_exists(
    db: &impl ConnectionTrait,
    submission_id: i64,
    category: &str,
) -> Result<bool, DbErr> {
    Ok(award::Entity::find()
        .filter(award::Column::SubmissionId.eq(submission_id))
        .filter(award::Column::Category.eq(category))
        .count(db)
        .await?
        > 0)
}

pub async fn give_award(
    db: &impl ConnectionTrait,
    event_id: i64,
    input: &AwardInput,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(award::ActiveModel {
        event_id: Set(event_id),
        submission_id: Set(input.submission_id),
        category: Set(input.category.clone()),
        level: Set(input.level),
        awarded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn delete_award(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    award::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Marks a project as changed (its `updated_at`), so that the project pages and lists every
/// node keeps are read again: an award given or taken away shows on them.
pub async fn touch_project(
    db: &impl ConnectionTrait,
    project_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(project_id))
        .exec(db)
        .await?;
    Ok(())
}

/// These projects as a submission or award names them.
async fn project_refs(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, ProjectRef>, DbErr> {
    let ids: HashSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let projects = project::Entity::find()
        .filter(project::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let names = organisation_names(db, projects.iter().map(|p| p.lead_organisation_id)).await?;
    Ok(projects
        .into_iter()
        .map(|p| {
            (
                p.id,
                ProjectRef {
                    id: p.id,
                    title: p.title,
                    lead_organisation: OrganisationRef {
                        id: p.lead_organisation_id,
                        name: names
                            .get(&p.lead_organisation_id)
                            .cloned()
                            .unwrap_or_default(),
                    },
                },
            )
        })
        .collect())
}

/// Who asks, and what they may see of the event's call.
pub struct Viewer {
    pub person_id: i64,
    pub manages: bool,
    pub call_open: bool,
    pub review_closed: bool,
}

/// These submissions as `viewer` sees them, in the same order.
pub async fn dtos(
    db: &impl ConnectionTrait,
    rows: Vec<submission::Model>,
    viewer: &Viewer,
) -> Result<Vec<Submission>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let projects = project_refs(db, rows.iter().map(|s| s.project_id)).await?;
    let assignments = reviewers(db, &ids).await?;
    let names = people(
        db,
        rows.iter()
            .map(|s| s.submitted_by)
            .chain(assignments.iter().map(|r| r.person_id)),
    )
    .await?;
    let teams: HashSet<i64> = project_member::Entity::find()
        .filter(project_member::Column::PersonId.eq(viewer.person_id))
        .filter(project_member::Column::ProjectId.is_in(rows.iter().map(|s| s.project_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.project_id)
        .collect();
    let awards = awards(db, AwardsOf::Submissions(&ids)).await?;
    let person_ref = |id: i64| {
        names.get(&id).map(|p| PersonRef {
            id: p.id,
            name: p.name.clone(),
            organisation_id: p.organisation_id,
        })
    };
    Ok(rows
        .into_iter()
        .filter_map(|s| {
            let mine: Vec<&reviewer::Model> = assignments
                .iter()
                .filter(|r| r.submission_id == s.id)
                .collect();
            let reviewing = mine.iter().any(|r| r.person_id == viewer.person_id);
            let scored: Vec<f64> = mine.iter().filter_map(|r| r.score).collect();
            let sees_scores = viewer.manages || (reviewing && viewer.review_closed);
            let on_team = s.submitted_by == viewer.person_id || teams.contains(&s.project_id);
            let file = match (&s.file_name, &s.file_type, s.file_bytes, s.file_uploaded_at) {
                (Some(name), Some(kind), Some(bytes), Some(uploaded_at)) => {
                    FileType::from_mime(kind).map(|content_type| SubmissionFile {
                        name: name.clone(),
                        content_type,
                        bytes: u64::try_from(bytes).unwrap_or(0),
                        uploaded_at,
                    })
                }
                _ => None,
            };
            Some(Submission {
                id: s.id,
                event_id: s.event_id,
                project: projects.get(&s.project_id)?.clone(),
                kind: s.kind,
                title: s.title,
                abstract_text: s.abstract_text,
                submitted_by: person_ref(s.submitted_by)?,
                submitted_at: s.submitted_at,
                updated_at: s.updated_at,
                file,
                shortlisted: s.shortlisted
                    && (viewer.manages || (viewer.review_closed && (on_team || reviewing))),
                reviewers: if viewer.manages {
                    mine.iter()
                        .filter_map(|r| {
                            Some(Reviewer {
                                person: person_ref(r.person_id)?,
                                reviewed: r.reviewed_at.is_some(),
                            })
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                reviews: if sees_scores {
                    u32::try_from(scored.len()).unwrap_or(u32::MAX)
                } else {
                    0
                },
                score: if sees_scores {
                    mean_score(&scored)
                } else {
                    None
                },
                awards: awards
                    .iter()
                    .filter(|a| a.submission_id == s.id)
                    .cloned()
                    .collect(),
                can_edit: on_team && viewer.call_open,
                can_review: reviewing && !viewer.call_open && !viewer.review_closed,
                reviewed_by_me: mine
                    .iter()
                    .any(|r| r.person_id == viewer.person_id && r.reviewed_at.is_some()),
                can_manage: viewer.manages,
            })
        })
        .collect())
}

/// Whether `person_id` may see this submission without managing the event (as [`seen_by`]).
pub async fn may_see(
    db: &impl ConnectionTrait,
    model: &submission::Model,
    person_id: i64,
) -> Result<bool, DbErr> {
    Ok(submission::Entity::find()
        .filter(submission::Column::Id.eq(model.id))
        .filter(seen_by(person_id))
        .count(db)
        .await?
        > 0)
}

/// The project as it stands, for its title (a project the team can still see and change).
pub async fn project(db: &impl ConnectionTrait, id: i64) -> Result<Option<project::Model>, DbErr> {
    project::Entity::find_by_id(id).one(db).await
}
