//! The course catalogue.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use qi_shared::{
    access::Actor,
    capability::Tier,
    training::{Course, CourseInput, CourseQuery, rules},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{like_pattern, organisation_names};
use crate::db::entity::training::{cohort, course};

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<course::Model>, DbErr> {
    course::Entity::find_by_id(id).one(db).await
}

fn set_fields(model: &mut course::ActiveModel, input: &CourseInput) {
    model.title = Set(input.title.clone());
    model.tier = Set(input.tier);
    model.description = Set(input.description.clone());
    model.provider_organisation_id = Set(input.provider_organisation_id);
    model.length_hours = Set(input.length_hours);
    model.delivery = Set(input.delivery);
    model.attendance_percent = Set(i32::from(input.attendance_percent));
}

pub async fn create(db: &impl ConnectionTrait, input: &CourseInput) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut model = course::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_fields(&mut model, input);
    Ok(model.insert(db).await?.id)
}

/// Replaces a course's details if it is still at `version`. `Ok(false)`: someone changed it
/// first.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    input: &CourseInput,
) -> Result<bool, DbErr> {
    let mut model = <course::ActiveModel as Default>::default();
    set_fields(&mut model, input);
    model.updated_at = Set(Utc::now());
    model.version = Set(version + 1);
    // The version check and the write are one statement, so two editors cannot both win.
    let result = course::Entity::update_many()
        .set(model)
        .filter(course::Column::Id.eq(id))
        .filter(course::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes a course with its cohorts (the caller checks none has anyone enrolled).
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    course::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The course as the API shows it to `actor`.
pub async fn dto(
    db: &impl ConnectionTrait,
    actor: &Actor,
    models: Vec<course::Model>,
    today: NaiveDate,
) -> Result<Vec<Course>, DbErr> {
    let names = organisation_names(db, models.iter().map(|m| m.provider_organisation_id)).await?;
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let upcoming: HashMap<i64, i64> = if ids.is_empty() {
        HashMap::new()
    } else {
        cohort::Entity::find()
            .select_only()
            .column(cohort::Column::CourseId)
            .column_as(cohort::Column::Id.count(), "n")
            .filter(cohort::Column::CourseId.is_in(ids))
            .filter(cohort::Column::EndDate.gte(today))
            .group_by(cohort::Column::CourseId)
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(models
        .into_iter()
        .map(|m| Course {
            id: m.id,
            provider_name: names
                .get(&m.provider_organisation_id)
                .cloned()
                .unwrap_or_default(),
            tier: m.tier,
            delivery: m.delivery,
            attendance_percent: u8::try_from(m.attendance_percent).unwrap_or(100),
            upcoming_cohorts: upcoming
                .get(&m.id)
                .and_then(|n| u64::try_from(*n).ok())
                .unwrap_or(0),
            can_manage: rules::can_manage_course(actor, m.provider_organisation_id),
            provider_organisation_id: m.provider_organisation_id,
            length_hours: m.length_hours,
            title: m.title,
            description: m.description,
            version: m.version,
        })
        .collect())
}

/// The courses of `tier` and `provider` (each if given): the catalogue's and the export's
/// filters. Everyone signed in reads every course.
pub fn matching(tier: Option<Tier>, provider: Option<i64>) -> Condition {
    Condition::all()
        .add_option(tier.map(|t| course::Column::Tier.eq(t)))
        .add_option(provider.map(|p| course::Column::ProviderOrganisationId.eq(p)))
}

/// Up to `limit` courses that meet `condition` with ids above `after`, in id order, each as the
/// catalogue shows it to `actor`: one page of a bulk export.
pub async fn after(
    db: &impl ConnectionTrait,
    actor: &Actor,
    condition: Condition,
    (after, limit): (i64, u64),
    today: NaiveDate,
) -> Result<Vec<Course>, DbErr> {
    let models = course::Entity::find()
        .filter(condition)
        .filter(course::Column::Id.gt(after))
        .order_by_asc(course::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    dto(db, actor, models, today).await
}

/// A page of the catalogue, by tier then title, and the number of courses matching.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &CourseQuery,
    (page, per_page): (u64, u64),
    today: NaiveDate,
) -> Result<(Vec<Course>, u64), DbErr> {
    let mut condition = matching(query.tier, query.provider_organisation_id);
    if let Some(words) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(words);
        let like = |column: course::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        condition = condition.add(
            Condition::any()
                .add(like(course::Column::Title))
                .add(like(course::Column::Description)),
        );
    }
    let select = course::Entity::find().filter(condition);
    let total = select.clone().count(db).await?;
    let models = select
        .order_by_asc(course::Column::Tier)
        .order_by_asc(course::Column::Title)
        .order_by_asc(course::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((dto(db, actor, models, today).await?, total))
}

/// Whether any of the course's cohorts has had anyone enrolled.
pub async fn has_enrolments(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    use crate::db::entity::training::enrolment;
    let cohorts: Vec<i64> = cohort::Entity::find()
        .select_only()
        .column(cohort::Column::Id)
        .filter(cohort::Column::CourseId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    if cohorts.is_empty() {
        return Ok(false);
    }
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.is_in(cohorts))
        .count(db)
        .await?
        > 0)
}
