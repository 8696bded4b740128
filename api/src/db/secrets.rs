//! Values kept in the database so that every node of a deployment shares them: the one-time
//! set-up token's hash and the token-signing key's fingerprint. The signing key itself is kept
//! outside the database (`auth::signing_key`).

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};

use super::entity::server_secret;

/// Where versions before issue 14 kept the signing key; moved to the key file on start.
pub const JWT_SECRET: &str = "jwt_secret";
pub const JWT_KEY_FINGERPRINT: &str = "jwt_key_fingerprint";
pub const SETUP_TOKEN_HASH: &str = "setup_token_hash";

pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Option<String>, DbErr> {
    Ok(server_secret::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .map(|s| s.value))
}

/// Stores `value` unless a value is already there, and returns whichever is stored: when several
/// nodes start at once, they all end up with the first one's secret.
pub async fn get_or_insert(
    db: &impl ConnectionTrait,
    name: &str,
    value: String,
) -> Result<String, DbErr> {
    let row = server_secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(value),
        created_at: Set(Utc::now()),
    };
    server_secret::Entity::insert(row)
        .on_conflict_do_nothing_on([server_secret::Column::Name])
        .exec(db)
        .await?;
    get(db, name)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(name.to_owned()))
}

pub async fn put(db: &impl ConnectionTrait, name: &str, value: String) -> Result<(), DbErr> {
    let row = server_secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(value),
        created_at: Set(Utc::now()),
    };
    server_secret::Entity::insert(row)
        .on_conflict(
            OnConflict::column(server_secret::Column::Name)
                .update_columns([server_secret::Column::Value])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    server_secret::Entity::delete_by_id(name.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
