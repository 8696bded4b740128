//! The changes feed for partners' systems (`docs/integrations.md`): what changed since a
//! cursor, of what an API token may read, in order, with tombstones for what was deleted or
//! stopped being readable.

use std::collections::HashMap;

use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use qi_shared::{
    api_token::TokenScope,
    changes::{self, Change, ChangeCursor, ChangeOp, ChangePage, ChangeType, Decision, Position},
    problem::Problem,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::{AuthUser, TokenUsed},
    db,
    error::{ApiError, ApiResult},
    extract::Query,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next` of the last page read (or the cursor of `GET /changes/cursor`); leave it out
    /// to start from the oldest change kept.
    #[param(value_type = Option<String>, pattern = "^1[0-7][0-9a-f]{15}[0-7][0-9a-f]{15}$")]
    since: Option<Position>,
    /// How many changes to read at most: 1 to 1000, 100 unless given. A page may hold fewer
    /// (changes of what the token may not read are passed over) and still have `more`.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u64>,
}

/// The token's view: an admin of its organisation, and the types its scopes read.
fn reader(req: &HttpRequest, user: &AuthUser) -> ApiResult<Vec<ChangeType>> {
    let token = req
        .extensions()
        .get::<TokenUsed>()
        .cloned()
        .ok_or(ApiError::Forbidden(
            "The changes feed is for API tokens (a system keeping a copy); people use the lists",
        ))?;
    debug_assert_eq!(user.person_id, 0);
    let mut types = Vec::new();
    if token.scopes.contains(&TokenScope::ReadProjects) {
        types.push(ChangeType::Project);
    }
    if token.scopes.contains(&TokenScope::ReadMeasures) {
        types.push(ChangeType::Measure);
    }
    Ok(types)
}

/// Changes since a cursor, oldest first: each an object to store as it is now (`upsert`), or
/// one to remove (`delete`, with why). Follow `next` while `more`; then ask again later from
/// the last `next`. Only for API tokens: projects need `read_projects`, measures
/// `read_measures`.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = ChangePage),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an API token, or its scopes read nothing the feed carries", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The cursor is older than the changes kept: load everything again from a new cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    query: Query<ChangesQuery>,
) -> ApiResult<HttpResponse> {
    let types = reader(&req, &user)?;
    let limit = query.0.limit.unwrap_or(changes::DEFAULT_LIMIT);
    if !(1..=changes::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: format!(
                "Query parameter `limit` is not valid: from 1 to {}",
                changes::MAX_LIMIT
            ),
        });
    }
    let since = query.0.since.unwrap_or_default();
    // A cursor from before what retention removed may have missed changes: its reader must
    // load everything again. No cursor at all means "from the oldest kept".
    if query.0.since.is_some()
        && db::changes::pruned_through(&state.db)
            .await?
            .is_some_and(|through| since < through)
    {
        return Err(ApiError::Gone(
            "This cursor is older than the changes kept (see `changes.retention_days`): take a new cursor, load everything again through the export, then follow the feed from the new cursor",
        ));
    }
    let rows = db::changes::after(&state.db, since, &types, limit).await?;
    let more = rows.len() as u64 == limit;
    let next = rows.last().map_or(since, |(position, _)| *position);
    let recorded: Vec<_> = rows.into_iter().map(|(_, row)| row).collect();
    let decisions = changes::decide(&recorded, user.organisation_id);
    let changes = current(&state, &user, decisions).await?;
    Ok(HttpResponse::Ok().json(ChangePage {
        changes,
        next,
        more,
    }))
}

/// The decisions as changes, each object read as it is now. One the reader may no longer read
/// now (a change past the page hid it) is left out: that change's own page sends its tombstone.
async fn current(
    state: &AppState,
    user: &AuthUser,
    decisions: Vec<Decision>,
) -> ApiResult<Vec<Change>> {
    let wanted = |kind: ChangeType| -> Vec<i64> {
        decisions
            .iter()
            .filter_map(|d| match d {
                Decision::Upsert(t, id) if *t == kind => Some(*id),
                _ => None,
            })
            .collect()
    };
    let mut projects: HashMap<i64, _> =
        db::changes::projects(&state.db, user, &wanted(ChangeType::Project))
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut measures: HashMap<i64, _> =
        db::changes::measures(&state.db, user, &wanted(ChangeType::Measure))
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
    let blank = |op, object_type, id| Change {
        op,
        object_type,
        id,
        reason: None,
        project: None,
        measure: None,
    };
    Ok(decisions
        .into_iter()
        .filter_map(|decision| match decision {
            Decision::Upsert(ChangeType::Project, id) => Some(Change {
                project: Some(projects.remove(&id)?),
                ..blank(ChangeOp::Upsert, ChangeType::Project, id)
            }),
            Decision::Upsert(ChangeType::Measure, id) => Some(Change {
                measure: Some(measures.remove(&id)?),
                ..blank(ChangeOp::Upsert, ChangeType::Measure, id)
            }),
            Decision::Tombstone(object_type, id, reason) => Some(Change {
                reason: Some(reason),
                ..blank(ChangeOp::Delete, object_type, id)
            }),
        })
        .collect())
}

/// The feed's position now. A copy begins here: take this first, then load everything in bulk,
/// then follow the feed from it; a change made during the load comes again, so nothing is
/// missed.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The position now", body = ChangeCursor),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an API token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes/cursor")]
pub async fn cursor(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    reader(&req, &user)?;
    Ok(HttpResponse::Ok().json(ChangeCursor {
        cursor: db::changes::now(&state.db).await?,
    }))
}
