//! Refresh tokens and invitation tokens, and the access stamps that revoke access tokens. Only
//! SHA-256 hashes of tokens are stored: a copy of the database gives nobody a usable token.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use sha2::{Digest, Sha256};

use qi_shared::person::PersonStatus;

use super::entity::{email_change, invitation, password_reset, person, refresh_token};

/// A new random token: 256 bits, hex-encoded.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A session: the refresh tokens descending from one sign-in.
#[derive(Debug, Clone)]
pub struct Session {
    pub family: String,
    pub started_at: DateTime<Utc>,
}

/// How long refresh tokens and the sessions they belong to live.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// One refresh token, from when it is issued.
    pub token: Duration,
    /// A session, from its sign-in, however often it is refreshed.
    pub session: Duration,
}

/// Issues a refresh token in `session` (a new session for a fresh sign-in). It expires with
/// its session, if that comes first.
pub async fn issue_refresh(
    db: &impl ConnectionTrait,
    person_id: i64,
    session: Option<Session>,
    lifetimes: Lifetimes,
) -> Result<String, DbErr> {
    let token = generate();
    let now = Utc::now();
    let session = session.unwrap_or_else(|| Session {
        family: generate(),
        started_at: now,
    });
    refresh_token::ActiveModel {
        person_id: Set(person_id),
        token_hash: Set(hash(&token)),
        family: Set(session.family),
        expires_at: Set(std::cmp::min(
            now + lifetimes.token,
            session.started_at + lifetimes.session,
        )),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        session_started_at: Set(Some(session.started_at)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// What spending a refresh token found.
pub enum Spent {
    /// The token was good and is now spent; issue the next one in `session`.
    Ok { person_id: i64, session: Session },
    /// Unknown, expired or revoked, or its session is over.
    Invalid,
    /// Already spent: someone else has it. Its whole family has been revoked.
    Reused,
}

/// Spends a refresh token, exactly once even when two requests race with it.
pub async fn spend_refresh(
    db: &impl ConnectionTrait,
    token: &str,
    session_lifetime: Duration,
) -> Result<Spent, DbErr> {
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash(token)))
        .one(db)
        .await?
    else {
        return Ok(Spent::Invalid);
    };
    let now = Utc::now();
    // Checked here as well as in `expires_at`, so a shorter configured lifetime applies to the
    // sessions already running.
    let started_at = row.session_started_at.unwrap_or(row.created_at);
    if row.revoked_at.is_some() || row.expires_at <= now || started_at + session_lifetime <= now {
        return Ok(Spent::Invalid);
    }
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if spent.rows_affected == 1 {
        Ok(Spent::Ok {
            person_id: row.person_id,
            session: Session {
                family: row.family,
                started_at,
            },
        })
    } else {
        revoke_family(db, &row.family).await?;
        Ok(Spent::Reused)
    }
}

async fn revoke_family(db: &impl ConnectionTrait, family: &str) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Family.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Signs out the session a refresh token belongs to. Unknown tokens are ignored.
pub async fn revoke_refresh(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    if let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash(token)))
        .one(db)
        .await?
    {
        revoke_family(db, &row.family).await?;
    }
    Ok(())
}

/// A person's access stamp, if they may be signed in (their account is active).
pub async fn access_stamp(db: &impl ConnectionTrait, person_id: i64) -> Result<Option<i64>, DbErr> {
    let found = person::Entity::find_by_id(person_id).one(db).await?;
    Ok(found
        .filter(|p| p.status == PersonStatus::Active)
        .map(|p| p.access_stamp))
}

/// The update that moves a person's access stamp on, making every access token signed before
/// it stop working. Add it to any update that changes what a token says (roles, organisation)
/// or whether the person may be signed in at all.
pub fn stamp_moves_on(
    update: sea_orm::UpdateMany<person::Entity>,
) -> sea_orm::UpdateMany<person::Entity> {
    update.col_expr(
        person::Column::AccessStamp,
        Expr::col(person::Column::AccessStamp).add(1),
    )
}

/// Ends every session of a person (on deactivation).
pub async fn revoke_all_for(db: &impl ConnectionTrait, person_id: i64) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::PersonId.eq(person_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Creates an invitation for a person, replacing any earlier unaccepted one.
pub async fn create_invitation(
    db: &impl ConnectionTrait,
    person_id: i64,
    invited_by: i64,
    lifetime: Duration,
) -> Result<(String, DateTime<Utc>), DbErr> {
    invitation::Entity::delete_many()
        .filter(invitation::Column::PersonId.eq(person_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(db)
        .await?;
    let token = generate();
    let now = Utc::now();
    let expires_at = now + lifetime;
    invitation::ActiveModel {
        person_id: Set(person_id),
        token_hash: Set(hash(&token)),
        invited_by: Set(invited_by),
        expires_at: Set(expires_at),
        accepted_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, expires_at))
}

/// An invitation that can still be accepted.
pub async fn open_invitation(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<invitation::Model>, DbErr> {
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(hash(token)))
        .one(db)
        .await?;
    Ok(found.filter(|i| i.accepted_at.is_none() && i.expires_at > Utc::now()))
}

/// Marks an invitation accepted; `false` if another request accepted it first.
pub async fn accept_invitation(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Utc::now()))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A table of one-time tokens (password resets, email changes): the columns spending one
/// needs, and whether a row can still be spent.
trait OneTime: EntityTrait {
    const ID: Self::Column;
    const PERSON: Self::Column;
    const HASH: Self::Column;
    const USED: Self::Column;
    fn id(row: &Self::Model) -> i64;
    fn open(row: &Self::Model, now: DateTime<Utc>) -> bool;
}

impl OneTime for password_reset::Entity {
    const ID: password_reset::Column = password_reset::Column::Id;
    const PERSON: password_reset::Column = password_reset::Column::PersonId;
    const HASH: password_reset::Column = password_reset::Column::TokenHash;
    const USED: password_reset::Column = password_reset::Column::UsedAt;
    fn id(row: &password_reset::Model) -> i64 {
        row.id
    }
    fn open(row: &password_reset::Model, now: DateTime<Utc>) -> bool {
        row.used_at.is_none() && row.expires_at > now
    }
}

impl OneTime for email_change::Entity {
    const ID: email_change::Column = email_change::Column::Id;
    const PERSON: email_change::Column = email_change::Column::PersonId;
    const HASH: email_change::Column = email_change::Column::TokenHash;
    const USED: email_change::Column = email_change::Column::UsedAt;
    fn id(row: &email_change::Model) -> i64 {
        row.id
    }
    fn open(row: &email_change::Model, now: DateTime<Utc>) -> bool {
        row.used_at.is_none() && row.expires_at > now
    }
}

/// Forgets a person's unused tokens of this kind: only the newest link works.
async fn forget_unused<E: OneTime>(db: &impl ConnectionTrait, person_id: i64) -> Result<(), DbErr> {
    E::delete_many()
        .filter(E::PERSON.eq(person_id))
        .filter(E::USED.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Spends a token, once even when two requests race with it: its row, if it was spendable.
async fn spend<E: OneTime>(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<E::Model>, DbErr> {
    let now = Utc::now();
    let Some(row) = E::find()
        .filter(E::HASH.eq(hash(token)))
        .one(db)
        .await?
        .filter(|r| E::open(r, now))
    else {
        return Ok(None);
    };
    let spent = E::update_many()
        .col_expr(E::USED, Expr::value(now))
        .filter(E::ID.eq(E::id(&row)))
        .filter(E::USED.is_null())
        .exec(db)
        .await?;
    Ok((spent.rows_affected == 1).then_some(row))
}

/// A password-reset token for a person, replacing any earlier unused one (only the newest
/// link works).
pub async fn create_password_reset(
    db: &impl ConnectionTrait,
    person_id: i64,
    lifetime: Duration,
) -> Result<String, DbErr> {
    forget_unused::<password_reset::Entity>(db, person_id).await?;
    let token = generate();
    let now = Utc::now();
    password_reset::ActiveModel {
        person_id: Set(person_id),
        token_hash: Set(hash(&token)),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Spends a password-reset token, once even when two requests race with it: whose it was.
pub async fn spend_password_reset(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<i64>, DbErr> {
    Ok(spend::<password_reset::Entity>(db, token)
        .await?
        .map(|row| row.person_id))
}

/// A token confirming a new email address, replacing any earlier unconfirmed one.
pub async fn create_email_change(
    db: &impl ConnectionTrait,
    person_id: i64,
    new_email: &str,
    lifetime: Duration,
) -> Result<String, DbErr> {
    forget_unused::<email_change::Entity>(db, person_id).await?;
    let token = generate();
    let now = Utc::now();
    email_change::ActiveModel {
        person_id: Set(person_id),
        token_hash: Set(hash(&token)),
        new_email: Set(new_email.to_owned()),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Spends an email-change token: whose it was and the address it confirms.
pub async fn spend_email_change(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(i64, String)>, DbErr> {
    Ok(spend::<email_change::Entity>(db, token)
        .await?
        .map(|row| (row.person_id, row.new_email)))
}
