//! Search across what a person may see, and the finder of similar work ("has this been done
//! before?"): the answers come from the register's index in memory (`crate::db::search`), over
//! the projects the asker may see only.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use qi_shared::{
    api_token::TokenScope,
    problem::Problem,
    project::OrganisationRef,
    search::{DuplicateReport, ProjectDraft, SearchQuery, SearchResults, SimilarProject},
};

use crate::{
    access::{ProjectAccess, VisibleProject},
    auth::{AuthUser, TokenUsed},
    cache::register::documents,
    db::{
        self,
        search::{Like, Readable},
    },
    error::{ApiError, ApiResult, not_found},
    extract::{Json, Query},
    state::AppState,
};

/// Search projects, measures, courses and events by relevance: every word of `q` (stemmed, so
/// "falls" finds "falling"; and names of one thing alike, so "bedsores" finds "pressure
/// ulcers") in a project's title, themes, aim, problem, change ideas or PDSA learning, a
/// measure's name and definitions, a course's title, tier and description, or an event's
/// title, kind, themes and description; ranked by BM25, with snippets and the counts by kind,
/// organisation, status and theme (a measure counts by its project). Only what the asker may
/// see is searched; an API token finds measures with `read_measures`, courses with
/// `read_training` and events with `read_events`.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of results, most relevant first, with facets", body = SearchResults),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No word to search for, too long a search, or a page out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: AuthUser,
    Query(query): Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let (q, page) = query.validate()?;
    // An API token finds what its scopes read; a person, everything they may see.
    let scopes = req
        .extensions()
        .get::<TokenUsed>()
        .map(|t| t.scopes.clone());
    let may = |scope: TokenScope| scopes.as_ref().is_none_or(|s| s.contains(&scope));
    let readable = Readable {
        measures: may(TokenScope::ReadMeasures),
        courses: may(TokenScope::ReadTraining),
        events: may(TokenScope::ReadEvents),
        people: scopes.is_none(),
    };
    let results = db::search::search(
        &state.db,
        &state.project_lists,
        (&state.catalogue, &state.experts),
        &user,
        &q,
        &query,
        page,
        readable,
    )
    .await?;
    Ok(HttpResponse::Ok().json(results))
}

/// Has this been done before? The projects most like a draft's title, problem and aim, across
/// the partnership (those the asker may see), with why: the words they share, the themes, and
/// how alike (0 to 1). At most 10, none below the threshold; none for a draft with no words.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    request_body = ProjectDraft,
    responses(
        (status = 200, description = "The most similar projects first", body = Vec<SimilarProject>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field too long or with control characters, or too many themes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/search/similar")]
pub async fn similar_to_draft(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ProjectDraft>,
) -> ApiResult<HttpResponse> {
    let draft = body.0;
    draft.validate()?;
    if !draft.has_words() {
        return Ok(HttpResponse::Ok().json(Vec::<SimilarProject>::new()));
    }
    let like = Like {
        title: &draft.title,
        text: &draft.text(),
        tags: &draft.tags,
        measures: &[],
        exclude: None,
    };
    let found = db::search::similar(&state.db, &state.project_lists, &user, like).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Similar work: the projects most like this one (by its title, problem and aim), with why,
/// including the measures they share.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The most similar projects first", body = Vec<SimilarProject>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/similar")]
pub async fn similar_to_project(
    state: web::Data<AppState>,
    project: VisibleProject,
) -> ApiResult<HttpResponse> {
    let VisibleProject(ProjectAccess { user, project, .. }) = project;
    let tags = documents(&state.db, &[project.id])
        .await?
        .remove(&project.id)
        .map(|d| d.tags)
        .unwrap_or_default();
    let measures = db::search::measure_names(&state.db, &[project.id])
        .await?
        .remove(&project.id)
        .unwrap_or_default();
    let text = format!("{}\n{}", project.problem, project.aim);
    let like = Like {
        title: &project.title,
        text: &text,
        tags: &tags,
        measures: &measures,
        exclude: Some(project.id),
    };
    let found = db::search::similar(&state.db, &state.project_lists, &user, like).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Likely duplicates: an organisation's proposed, active and recent projects, each with the
/// projects of other organisations started within a year of it that are most alike (above a
/// threshold). For the organisation's admins (its QI leads) and partnership admins.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The pairs, the most alike first", body = DuplicateReport),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of the organisation nor a partnership admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/duplicates")]
pub async fn duplicates(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let organisation = db::organisations::get(&state.db, *id)
        .await?
        .ok_or_else(|| not_found("Organisation"))?;
    if !user.can_review_duplicates_of(organisation.id) {
        return Err(ApiError::Forbidden(
            "Only the organisation's admins and partnership admins see its likely duplicates",
        ));
    }
    let organisation = OrganisationRef {
        id: organisation.id,
        name: organisation.name,
    };
    let report =
        db::search::duplicates(&state.db, &state.project_lists, &user, organisation).await?;
    Ok(HttpResponse::Ok().json(report))
}
