//! People, their roles and their account status.

use std::collections::HashMap;

use chrono::Utc;
use qi_shared::{
    access::Actor,
    person::{Person, PersonStatus, Role, ValidPersonUpdate, normalise_roles},
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};

use super::{
    entity::{organisation, person, person_role},
    like_pattern,
};

/// The fields of a person to create.
pub struct NewPerson<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub organisation_id: i64,
    pub job_role: &'a str,
    pub roles: &'a [Role],
    pub status: PersonStatus,
    pub password_hash: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct PersonFilter {
    /// Words in the name or job role (and the email address, with `q_in_email`).
    pub q: Option<String>,
    /// Also look for `q` in email addresses: for admins, who manage these accounts. Never for
    /// the directory, where it would tell anyone who has an account.
    pub q_in_email: bool,
    pub organisation_id: Option<i64>,
    pub role: Option<Role>,
    pub status: Option<PersonStatus>,
}

/// A person's expertise as stored (one item a line) as a list.
pub fn expertise_of(stored: &str) -> Vec<String> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn to_dto(m: person::Model, organisation_name: String, roles: Vec<Role>) -> Person {
    Person {
        id: m.id,
        name: m.name,
        email: m.email,
        organisation_id: m.organisation_id,
        organisation_name,
        job_role: m.job_role,
        expertise: expertise_of(&m.expertise),
        roles: normalise_roles(&roles),
        status: m.status,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

pub(crate) async fn roles_by_person(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Role>>, DbErr> {
    let rows = person_role::Entity::find()
        .filter(person_role::Column::PersonId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<Role>> = HashMap::new();
    for row in rows {
        map.entry(row.person_id).or_default().push(row.role);
    }
    Ok(map)
}

pub async fn roles_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<Role>, DbErr> {
    Ok(normalise_roles(
        &roles_by_person(db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default(),
    ))
}

async fn to_dtos(
    db: &impl ConnectionTrait,
    rows: Vec<(person::Model, Option<organisation::Model>)>,
) -> Result<Vec<Person>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
    let mut roles = roles_by_person(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|(p, org)| {
            let person_roles = roles.remove(&p.id).unwrap_or_default();
            to_dto(p, org.map(|o| o.name).unwrap_or_default(), person_roles)
        })
        .collect())
}

/// The people whose record `actor` may see: themself, and as an admin of their organisation its
/// people (everyone, for a partnership admin). The rule of [`Actor::can_view_person`], as a
/// query.
pub fn viewable(actor: &Actor) -> Condition {
    if actor.is_partnership_admin() {
        return Condition::all();
    }
    let own = Condition::any().add(person::Column::Id.eq(actor.person_id));
    if actor.has(Role::OrganisationAdmin) {
        own.add(person::Column::OrganisationId.eq(actor.organisation_id))
    } else {
        own
    }
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email_normalised: &str,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::EmailNormalised.eq(email_normalised))
        .one(db)
        .await
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Person>, DbErr> {
    let row = person::Entity::find_by_id(id)
        .find_also_related(organisation::Entity)
        .one(db)
        .await?;
    Ok(to_dtos(db, row.into_iter().collect()).await?.pop())
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &PersonFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Person>, u64), DbErr> {
    let mut condition = Condition::all();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = like_pattern(q);
        let mut any = Condition::any();
        let email = filter.q_in_email.then_some(person::Column::EmailNormalised);
        for column in [person::Column::Name, person::Column::JobRole]
            .into_iter()
            .chain(email)
        {
            any = any.add(
                Expr::expr(Func::lower(Expr::col((person::Entity, column))))
                    .like(LikeExpr::new(pattern.as_str()).escape('\\')),
            );
        }
        condition = condition.add(any);
    }
    if let Some(org) = filter.organisation_id {
        condition = condition.add(person::Column::OrganisationId.eq(org));
    }
    if let Some(status) = filter.status {
        condition = condition.add(person::Column::Status.eq(status));
    }
    if let Some(role) = filter.role.filter(|r| *r != Role::Member) {
        condition = condition.add(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(person_role::Column::PersonId)
                    .from(person_role::Entity)
                    .and_where(person_role::Column::Role.eq(role))
                    .to_owned(),
            ),
        );
    }
    let query = person::Entity::find().filter(condition);
    let total = query.clone().count(db).await?;
    let rows = query
        .find_also_related(organisation::Entity)
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((to_dtos(db, rows).await?, total))
}

pub async fn create(db: &impl ConnectionTrait, new: NewPerson<'_>) -> Result<person::Model, DbErr> {
    let now = Utc::now();
    let model = person::ActiveModel {
        name: Set(new.name.to_owned()),
        email: Set(new.email.to_owned()),
        email_normalised: Set(new.email.to_lowercase()),
        organisation_id: Set(new.organisation_id),
        job_role: Set(new.job_role.to_owned()),
        status: Set(new.status),
        password_hash: Set(new.password_hash),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_roles(db, model.id, new.roles).await?;
    Ok(model)
}

/// Replaces a person's roles. `member` is implied and not stored.
pub async fn set_roles(
    db: &impl ConnectionTrait,
    person_id: i64,
    roles: &[Role],
) -> Result<(), DbErr> {
    person_role::Entity::delete_many()
        .filter(person_role::Column::PersonId.eq(person_id))
        .exec(db)
        .await?;
    let rows: Vec<person_role::ActiveModel> = normalise_roles(roles)
        .into_iter()
        .filter(|r| *r != Role::Member)
        .map(|r| person_role::ActiveModel {
            person_id: Set(person_id),
            role: Set(r),
        })
        .collect();
    if !rows.is_empty() {
        person_role::Entity::insert_many(rows).exec(db).await?;
    }
    touch(db, person_id).await
}

/// Marks a change of roles: access tokens carry roles, so those signed before stop working.
async fn touch(db: &impl ConnectionTrait, person_id: i64) -> Result<(), DbErr> {
    super::tokens::stamp_moves_on(person::Entity::update_many())
        .col_expr(person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(person::Column::Id.eq(person_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn update(
    db: &impl ConnectionTrait,
    model: person::Model,
    change: &ValidPersonUpdate,
) -> Result<(), DbErr> {
    let (person_id, model_organisation) = (model.id, model.organisation_id);
    let mut active: person::ActiveModel = model.into();
    if let Some(name) = &change.name {
        active.name = Set(name.clone());
    }
    if let Some(job_role) = &change.job_role {
        active.job_role = Set(job_role.clone());
    }
    if let Some(expertise) = &change.expertise {
        active.expertise = Set(expertise.join("\n"));
    }
    let moved = change
        .organisation_id
        .filter(|org| *org != model_organisation)
        .inspect(|org| active.organisation_id = Set(*org))
        .is_some();
    let now = Utc::now();
    active.updated_at = Set(now);
    active.update(db).await?;
    if moved {
        // Access tokens carry the organisation: those signed before the move stop working.
        super::tokens::stamp_moves_on(person::Entity::update_many())
            .filter(person::Column::Id.eq(person_id))
            .exec(db)
            .await?;
        // Tier counts are kept per organisation: the period they hold now moves with them,
        // and the one they held stays with the organisation they left.
        super::capability::facts_changed(db, [person_id], now).await?;
    }
    Ok(())
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    person_id: i64,
    status: PersonStatus,
) -> Result<(), DbErr> {
    // Whatever the new status, access tokens signed before it stop working.
    super::tokens::stamp_moves_on(person::Entity::update_many())
        .col_expr(person::Column::Status, Expr::value(status))
        .col_expr(person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(person::Column::Id.eq(person_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_password(
    db: &impl ConnectionTrait,
    person_id: i64,
    password_hash: String,
) -> Result<(), DbErr> {
    person::Entity::update_many()
        .col_expr(person::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(person::Column::Status, Expr::value(PersonStatus::Active))
        .col_expr(person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(person::Column::Id.eq(person_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    person::Entity::find().count(db).await
}

/// A confirmed new email address. The caller checks nobody else has it.
pub async fn set_email(
    db: &impl ConnectionTrait,
    person_id: i64,
    email: &str,
) -> Result<(), DbErr> {
    person::Entity::update_many()
        .col_expr(person::Column::Email, Expr::value(email))
        .col_expr(
            person::Column::EmailNormalised,
            Expr::value(email.to_lowercase()),
        )
        .col_expr(person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(person::Column::Id.eq(person_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes every access token of a person stop working (their refresh tokens are revoked apart).
pub async fn sign_out_everywhere(db: &impl ConnectionTrait, person_id: i64) -> Result<(), DbErr> {
    super::tokens::stamp_moves_on(person::Entity::update_many())
        .filter(person::Column::Id.eq(person_id))
        .exec(db)
        .await?;
    Ok(())
}
