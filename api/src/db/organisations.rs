//! Partner organisations.

use std::collections::HashMap;

use chrono::Utc;
use qi_shared::organisation::{
    Organisation, OrganisationType, ValidOrganisation, ValidOrganisationUpdate,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use super::{entity::organisation, entity::person, like_pattern};

/// Which organisations a list shows.
#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    /// Words in the name or the ODS code.
    pub q: Option<String>,
    pub org_type: Option<OrganisationType>,
    /// `None`: active only; `Some(true)`: archived only; `Some(false)`: all.
    pub archived: ArchivedFilter,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum ArchivedFilter {
    #[default]
    Active,
    Archived,
    All,
}

fn to_dto(m: organisation::Model, people_count: u64) -> Organisation {
    Organisation {
        id: m.id,
        name: m.name,
        ods_code: m.ods_code,
        org_type: m.org_type,
        archived_at: m.archived_at,
        people_count,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

#[derive(FromQueryResult)]
struct Count {
    organisation_id: i64,
    people: i64,
}

async fn people_counts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, u64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = person::Entity::find()
        .select_only()
        .column(person::Column::OrganisationId)
        .column_as(person::Column::Id.count(), "people")
        .filter(person::Column::OrganisationId.is_in(ids.iter().copied()))
        .group_by(person::Column::OrganisationId)
        .into_model::<Count>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| (c.organisation_id, u64::try_from(c.people).unwrap_or(0)))
        .collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Organisation>, u64), DbErr> {
    let mut condition = Condition::all();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = like_pattern(q);
        condition = condition.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(organisation::Column::Name)))
                        .like(LikeExpr::new(pattern.as_str()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(organisation::Column::OdsCode)))
                        .like(LikeExpr::new(pattern.as_str()).escape('\\')),
                ),
        );
    }
    if let Some(org_type) = filter.org_type {
        condition = condition.add(organisation::Column::OrgType.eq(org_type));
    }
    condition = match filter.archived {
        ArchivedFilter::Active => condition.add(organisation::Column::ArchivedAt.is_null()),
        ArchivedFilter::Archived => condition.add(organisation::Column::ArchivedAt.is_not_null()),
        ArchivedFilter::All => condition,
    };
    let query = organisation::Entity::find()
        .filter(condition)
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id);
    let total = query.clone().count(db).await?;
    let models = query
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let counts = people_counts(db, &ids).await?;
    let items = models.into_iter().map(|m| {
        let count = counts.get(&m.id).copied().unwrap_or(0);
        to_dto(m, count)
    });
    Ok((items.collect(), total))
}

/// Every organisation's id and name, by name (archived ones too: their history counts).
pub async fn names(db: &impl ConnectionTrait) -> Result<Vec<(i64, String)>, DbErr> {
    organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Name])
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id).one(db).await
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Organisation>, DbErr> {
    let Some(model) = find(db, id).await? else {
        return Ok(None);
    };
    let count = people_counts(db, &[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(Some(to_dto(model, count)))
}

pub async fn create(
    db: &impl ConnectionTrait,
    partnership_id: i64,
    new: &ValidOrganisation,
) -> Result<Organisation, DbErr> {
    let now = Utc::now();
    let model = organisation::ActiveModel {
        partnership_id: Set(partnership_id),
        name: Set(new.name.clone()),
        ods_code: Set(new.ods_code.as_str().to_owned()),
        org_type: Set(new.org_type),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(to_dto(model, 0))
}

pub async fn update(
    db: &impl ConnectionTrait,
    model: organisation::Model,
    change: &ValidOrganisationUpdate,
) -> Result<Organisation, DbErr> {
    let id = model.id;
    let mut active: organisation::ActiveModel = model.into();
    if let Some(name) = &change.name {
        active.name = Set(name.clone());
    }
    if let Some(code) = &change.ods_code {
        active.ods_code = Set(code.as_str().to_owned());
    }
    if let Some(org_type) = change.org_type {
        active.org_type = Set(org_type);
    }
    active.updated_at = Set(Utc::now());
    let model = active.update(db).await?;
    let count = people_counts(db, &[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(to_dto(model, count))
}

pub async fn set_archived(
    db: &impl ConnectionTrait,
    model: organisation::Model,
    archived: bool,
) -> Result<Organisation, DbErr> {
    let id = model.id;
    let mut active: organisation::ActiveModel = model.into();
    let now = Utc::now();
    active.archived_at = Set(archived.then_some(now));
    active.updated_at = Set(now);
    let model = active.update(db).await?;
    let count = people_counts(db, &[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(to_dto(model, count))
}

/// Number of people whose home organisation this is.
pub async fn people_count(db: &impl ConnectionTrait, id: i64) -> Result<u64, DbErr> {
    person::Entity::find()
        .filter(person::Column::OrganisationId.eq(id))
        .count(db)
        .await
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    organisation::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
