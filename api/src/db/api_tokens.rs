//! API tokens (see `docs/integrations.md`): made, listed, found by their secret's hash on every
//! request that carries one, marked used, revoked.

use chrono::{DateTime, Duration, Utc};
use qi_shared::{
    api_token::{ApiToken, ApiTokenInput, SECRET_PREFIX, TokenScope},
    project::OrganisationRef,
    uk_time,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::db::{
    entity::{api_token, organisation, person},
    tokens,
};

/// How often `last_used_at` is written for one token: reading must not become writing.
const USE_NOTED_EVERY: Duration = Duration::minutes(1);

/// Makes a token; gives it back with its secret, which is kept only as a hash.
pub async fn create(
    txn: &impl ConnectionTrait,
    input: &ApiTokenInput,
    organisation_id: i64,
    created_by: i64,
    now: DateTime<Utc>,
) -> Result<(api_token::Model, String), DbErr> {
    let secret = format!("{SECRET_PREFIX}{}", tokens::generate());
    let scopes: Vec<&str> = input.scopes.iter().map(|s| s.as_str()).collect();
    let model = api_token::ActiveModel {
        organisation_id: Set(organisation_id),
        name: Set(input.name.clone()),
        scopes: Set(scopes.join(",")),
        secret_hash: Set(tokens::hash(&secret)),
        prefix: Set(secret.chars().take(10).collect()),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(uk_time::end_of_day(input.expires_on)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok((model, secret))
}

/// The tokens of one organisation, or of every one (`None`), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    organisation_id: Option<i64>,
) -> Result<Vec<api_token::Model>, DbErr> {
    let mut query = api_token::Entity::find().order_by_desc(api_token::Column::Id);
    if let Some(id) = organisation_id {
        query = query.filter(api_token::Column::OrganisationId.eq(id));
    }
    query.all(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<api_token::Model>, DbErr> {
    api_token::Entity::find_by_id(id).one(db).await
}

/// The token whose secret this is, if it works now (not revoked, not expired).
pub async fn working(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<api_token::Model>, DbErr> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::SecretHash.eq(tokens::hash(secret)))
        .one(db)
        .await?
        .filter(|t| t.revoked_at.is_none() && t.expires_at > now))
}

/// Whether this use is to be noted: the last was noted over a minute ago, or never.
pub fn use_to_note(token: &api_token::Model, now: DateTime<Utc>) -> bool {
    token
        .last_used_at
        .is_none_or(|at| now - at >= USE_NOTED_EVERY)
}

/// Notes that the token was used now.
pub async fn note_use(
    txn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Revokes a token (at once: every request looks it up). `Ok(false)`: it was revoked already.
pub async fn revoke(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub fn scopes(token: &api_token::Model) -> Vec<TokenScope> {
    token
        .scopes
        .split(',')
        .filter_map(TokenScope::parse)
        .collect()
}

/// Tokens as their admins see them.
pub async fn dtos(
    db: &impl ConnectionTrait,
    found: Vec<api_token::Model>,
) -> Result<Vec<ApiToken>, DbErr> {
    let mut out = Vec::with_capacity(found.len());
    for t in found {
        let organisation = organisation::Entity::find_by_id(t.organisation_id)
            .one(db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let maker = person::Entity::find_by_id(t.created_by)
            .one(db)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        out.push(ApiToken {
            id: t.id,
            scopes: scopes(&t),
            name: t.name,
            organisation: OrganisationRef {
                id: t.organisation_id,
                name: organisation,
            },
            prefix: t.prefix,
            created_by: maker,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        });
    }
    Ok(out)
}
