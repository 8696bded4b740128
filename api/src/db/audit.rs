//! The audit log (see `docs/integrations.md`, "Audit log"): appended to by
//! `middleware::audit` after every write that succeeded and every data export; read by admins,
//! newest first, in pages or whole as CSV.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qi_shared::{
    audit::{AuditActor, AuditEntry, AuditQuery},
    project::OrganisationRef,
    uk_time,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::{
    db::entity::{api_token, audit_log, organisation, person},
    state::AppState,
};

/// The longest path and query kept: more is cut (a path this long is an attack, not a page).
const MAX_TEXT: usize = 2000;

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub person_id: Option<i64>,
    pub api_token_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub client: Option<String>,
    pub method: String,
    pub operation: String,
    pub path: String,
    pub query: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
    pub status: u16,
}

fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Appends an entry in a write of its own (after the request's, which has committed).
pub async fn append(state: &AppState, entry: NewEntry) -> Result<(), DbErr> {
    let txn = state.begin_write().await?;
    audit_log::ActiveModel {
        at: Set(entry.at),
        person_id: Set(entry.person_id),
        api_token_id: Set(entry.api_token_id),
        organisation_id: Set(entry.organisation_id),
        client: Set(entry.client.map(|c| cut(c, 45))),
        method: Set(cut(entry.method, 10)),
        operation: Set(cut(entry.operation, 300)),
        path: Set(cut(entry.path, MAX_TEXT)),
        query: Set(entry.query.map(|q| cut(q, MAX_TEXT))),
        object_type: Set(entry.object_type.map(|t| cut(t, 50))),
        object_id: Set(entry.object_id),
        status: Set(i16::try_from(entry.status).unwrap_or(i16::MAX)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await
}

/// Which entries a reader may see: every one (partnership admins), or those of one
/// organisation's people and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visible {
    All,
    Organisation(i64),
}

fn filtered(visible: Visible, query: &AuditQuery) -> Select<audit_log::Entity> {
    let mut select = audit_log::Entity::find();
    if let Visible::Organisation(id) = visible {
        select = select.filter(audit_log::Column::OrganisationId.eq(id));
    }
    if let Some(id) = query.organisation_id {
        select = select.filter(audit_log::Column::OrganisationId.eq(id));
    }
    if let Some(id) = query.person_id {
        select = select.filter(audit_log::Column::PersonId.eq(id));
    }
    if let Some(id) = query.api_token_id {
        select = select.filter(audit_log::Column::ApiTokenId.eq(id));
    }
    if let Some(kind) = &query.object_type {
        select = select.filter(audit_log::Column::ObjectType.eq(kind.as_str()));
    }
    if let Some(from) = query.from {
        select = select.filter(audit_log::Column::At.gte(uk_time::start_of_day(from)));
    }
    if let Some(to) = query.to {
        select = select.filter(audit_log::Column::At.lt(uk_time::end_of_day(to)));
    }
    select
}

/// One page of the entries, newest first, and how many there are in all.
pub async fn list(
    db: &impl ConnectionTrait,
    visible: Visible,
    query: &AuditQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<AuditEntry>, u64), DbErr> {
    let select = filtered(visible, query);
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(audit_log::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((dtos(db, rows).await?, total))
}

/// The next `limit` entries older than `before` (all, from the newest, when none): the export
/// reads the log in these pages, each found by the index rather than skipped past.
pub async fn older(
    db: &impl ConnectionTrait,
    visible: Visible,
    query: &AuditQuery,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<AuditEntry>, DbErr> {
    let mut select = filtered(visible, query);
    if let Some(before) = before {
        select = select.filter(audit_log::Column::Id.lt(before));
    }
    let rows = select
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    dtos(db, rows).await
}

/// Names by id, read for a page at once.
async fn names<E>(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
    column: E::Column,
    name: impl Fn(E::Model) -> (i64, String),
) -> Result<HashMap<i64, String>, DbErr>
where
    E: EntityTrait,
{
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find()
        .filter(column.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(name)
        .collect())
}

/// Entries as admins see them, with the names of whoever they name as they are now (an entry
/// keeps ids only; one whose person or token is gone says so).
async fn dtos(
    db: &impl ConnectionTrait,
    rows: Vec<audit_log::Model>,
) -> Result<Vec<AuditEntry>, DbErr> {
    let people = names::<person::Entity>(
        db,
        rows.iter().filter_map(|r| r.person_id),
        person::Column::Id,
        |p| (p.id, p.name),
    )
    .await?;
    let tokens = names::<api_token::Entity>(
        db,
        rows.iter().filter_map(|r| r.api_token_id),
        api_token::Column::Id,
        |t| (t.id, t.name),
    )
    .await?;
    let organisations = names::<organisation::Entity>(
        db,
        rows.iter().filter_map(|r| r.organisation_id),
        organisation::Column::Id,
        |o| (o.id, o.name),
    )
    .await?;
    let named = |names: &HashMap<i64, String>, id: i64, what: &str| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("{what} {id} (deleted)"))
    };
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor: match (r.person_id, r.api_token_id) {
                (Some(id), _) => AuditActor::Person {
                    id,
                    name: named(&people, id, "Person"),
                },
                (None, Some(id)) => AuditActor::Token {
                    id,
                    name: named(&tokens, id, "Token"),
                },
                (None, None) => AuditActor::Nobody,
            },
            organisation: r.organisation_id.map(|id| OrganisationRef {
                id,
                name: named(&organisations, id, "Organisation"),
            }),
            client: r.client,
            method: r.method,
            operation: r.operation,
            path: r.path,
            query: r.query,
            object_type: r.object_type,
            object_id: r.object_id,
            status: u16::try_from(r.status).unwrap_or_default(),
        })
        .collect())
}
