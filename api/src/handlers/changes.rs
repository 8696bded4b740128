//! The changes feed for partners' systems (`docs/integrations.md`): what changed since a
//! cursor, of what an API token may read, in order, with tombstones for what was deleted or
//! stopped being readable.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use qi_shared::{
    api_token::TokenScope,
    changes::{self, ChangeCursor, ChangePage, ChangeType, Position},
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
    if token.scopes.contains(&TokenScope::ReadTraining) {
        types.extend([ChangeType::Course, ChangeType::Cohort]);
    }
    if token.scopes.contains(&TokenScope::ReadEvents) {
        types.push(ChangeType::Event);
    }
    Ok(types)
}

/// Changes since a cursor, oldest first: each an object to store as it is now (`upsert`), or
/// one to remove (`delete`, with why). Follow `next` while `more`; then ask again later from
/// the last `next`. Only for API tokens: projects need `read_projects`, measures
/// `read_measures`, courses and cohorts `read_training`, events `read_events`.
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
    let page = db::changes::read(&state.db, &user, since, &types, limit).await?;
    Ok(HttpResponse::Ok().json(page))
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
