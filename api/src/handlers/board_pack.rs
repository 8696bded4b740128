//! The board pack: the partnership's or one organisation's report to its board for a month, as
//! JSON, a printable HTML page, a PDF and a CSV of its table; and the parts people write: each
//! row's narrative and the project measures the pack shows.
//!
//! Every signed-in person reads every pack, as they read the dashboard. Partnership admins
//! write the partnership's pack (and any organisation's), an organisation's admins their own
//! organisation's (`Actor::can_edit_board_pack_for`). Only measures of projects shared with the
//! whole partnership may be chosen, so that everyone who reads the pack may see them.

use std::sync::Arc;

use actix_web::{HttpResponse, get, http::header, put, web};
use chrono::Utc;
use qi_shared::{
    dashboard::{
        Facts,
        board_pack::{
            self, BoardPack, BoardPackQuery, MeasureChoices, NarrativesInput, PackInput,
            PackMeasures, PackMeasuresInput, ScopeQuery, ValidBoardPackQuery,
        },
        target::TargetDefinition,
    },
    problem::Problem,
    uk_time,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    board_pack::{html, pdf},
    db,
    error::{ApiError, ApiResult, invalid},
    extract::{Json, Query},
    state::AppState,
};

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(show)
        .service(show_html)
        .service(show_pdf)
        .service(show_csv)
        .service(save_narratives)
        .service(measure_choices)
        .service(choose_measures);
}

/// 403 unless `user` may write this scope's pack.
fn may_edit(user: &AuthUser, organisation_id: Option<i64>) -> ApiResult<()> {
    if user.can_edit_board_pack_for(organisation_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only partnership admins, and an organisation's admins for their own organisation, may change its board pack",
        ))
    }
}

/// The organisation's name (else a 422 naming the field); `None` for the partnership.
async fn organisation_name(state: &AppState, id: Option<i64>) -> ApiResult<Option<String>> {
    match id {
        None => Ok(None),
        Some(id) => Ok(Some(
            db::organisations::find(&state.db, id)
                .await?
                .ok_or_else(|| invalid("organisation_id", "No such organisation"))?
                .name,
        )),
    }
}

/// Counts and draws on a blocking thread: a pack counts a dozen metrics over 24 months and may
/// draw a PDF, which a worker serving requests should not spend its time on.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    web::block(work)
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("building the board pack")))
}

/// Everything a pack is built from, read from the database: the facts, what goes with them,
/// and the scope's targets covering the as-of day (their progress is counted with the rest).
struct Inputs {
    facts: Arc<Facts>,
    input: PackInput,
    targets: Vec<(i64, TargetDefinition)>,
}

impl Inputs {
    /// Counts the targets' progress and builds the pack: CPU work, for a blocking thread.
    fn build(self) -> BoardPack {
        let Self {
            facts,
            mut input,
            targets,
        } = self;
        input.targets = targets
            .iter()
            .map(|(id, t)| board_pack::board_target(&facts, *id, t, input.as_of))
            .collect();
        board_pack::build(&facts, input)
    }
}

async fn inputs(state: &AppState, query: BoardPackQuery, reader: i64) -> ApiResult<Inputs> {
    let ValidBoardPackQuery {
        organisation_id,
        month,
        as_of,
    } = query.validate(uk_time::day_of(Utc::now()))?;
    let organisation_name = organisation_name(state, organisation_id).await?;
    let partnership_name = db::partnership::get(&state.db)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let measures = db::board_pack::chosen_measures(&state.db, organisation_id).await?;
    let narratives = db::board_pack::narratives(&state.db, organisation_id, month).await?;
    // The scope's own targets covering the day, the latest to start first (the one a metric's
    // chart draws, as `db::targets::covering` picks it).
    let mut targets: Vec<_> = db::targets::list(&state.db, organisation_id)
        .await?
        .into_iter()
        .filter(|t| t.organisation_id == organisation_id)
        .map(|t| (t.id, db::targets::definition(&t)))
        .filter(|(_, t)| t.covers(as_of))
        .collect();
    targets.sort_by(|(a_id, a), (b_id, b)| (b.period_from, a_id).cmp(&(a.period_from, b_id)));
    let facts = state.dashboard.facts(&state.db, Some(reader)).await?;
    Ok(Inputs {
        facts,
        input: PackInput {
            organisation_id,
            organisation_name,
            partnership_name,
            month,
            as_of,
            generated_at: Utc::now(),
            measures,
            narratives,
            targets: Vec::new(),
        },
        targets,
    })
}

async fn build(state: &AppState, query: BoardPackQuery, reader: i64) -> ApiResult<BoardPack> {
    let inputs = inputs(state, query, reader).await?;
    blocking(move || inputs.build()).await
}

/// The board pack for the partnership or one organisation and a month: each headline metric
/// and each metric with a target (the month's figure, its target, its variation and assurance
/// icons over 24 months, its narrative and its chart's points), then each chosen project
/// measure (its latest point by the as-of day), and the scope's targets with their progress.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "show_board_pack",
    security(("bearer" = [])),
    params(BoardPackQuery),
    responses(
        (status = 200, description = "The board pack", body = BoardPack),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The month is malformed or in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/board-pack")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<BoardPackQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(build(&state, query, user.0.person_id).await?))
}

/// The board pack as one printable HTML page: inline CSS (an A4 print stylesheet) and inline
/// SVG charts, nothing fetched, so it can be saved, mailed and printed as it is.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "board_pack_html",
    security(("bearer" = [])),
    params(BoardPackQuery),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The month is malformed or in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/board-pack/html")]
pub async fn show_html(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<BoardPackQuery>,
) -> ApiResult<HttpResponse> {
    let inputs = inputs(&state, query, user.0.person_id).await?;
    let page = blocking(move || html::render(&inputs.build())).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page))
}

/// The board pack as a PDF (A4), made by the server: the summary table, the targets and the
/// charts, with its font embedded.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "board_pack_pdf",
    security(("bearer" = [])),
    params(BoardPackQuery),
    responses(
        (status = 200, description = "The PDF, as an attachment", body = Vec<u8>, content_type = "application/pdf"),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The month is malformed or in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/board-pack/pdf")]
pub async fn show_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<BoardPackQuery>,
) -> ApiResult<HttpResponse> {
    let inputs = inputs(&state, query, user.0.person_id).await?;
    let (stem, bytes) = blocking(move || {
        let pack = inputs.build();
        (pack.file_stem(), pdf::render(&pack))
    })
    .await?;
    let bytes = bytes.map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{stem}.pdf\""),
        ))
        .body(bytes))
}

/// The board pack's summary table as CSV: UTF-8 with a byte order mark, one row per metric and
/// measure (kind, name, project, date, value, unit, target, variation, assurance, narrative);
/// a cell a spreadsheet would read as a formula starts with an apostrophe.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "board_pack_csv",
    security(("bearer" = [])),
    params(BoardPackQuery),
    responses(
        (status = 200, description = "The table, as an attachment", body = String, content_type = "text/csv"),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The month is malformed or in the future, or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/board-pack/csv")]
pub async fn show_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    Query(query): Query<BoardPackQuery>,
) -> ApiResult<HttpResponse> {
    let pack = build(&state, query, user.0.person_id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.csv\"", pack.file_stem()),
        ))
        .body(board_pack::csv(&pack)))
}

/// Write (or, with empty text, remove) some rows' one-line narratives of a scope's pack for a
/// month. Answers the pack with them.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "save_board_pack_narratives",
    security(("bearer" = [])),
    request_body = NarrativesInput,
    responses(
        (status = 200, description = "The pack, with the narratives saved", body = BoardPack),
        (status = 403, description = "Not an admin of this pack's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (named), or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/dashboard/board-pack/narratives")]
pub async fn save_narratives(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NarrativesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    may_edit(&user, input.organisation_id)?;
    let valid = input.validate(uk_time::day_of(Utc::now()))?;
    organisation_name(&state, valid.organisation_id).await?;
    let txn = state.begin_write().await?;
    db::board_pack::save_narratives(
        &txn,
        valid.organisation_id,
        valid.month,
        &valid.narratives,
        user.person_id,
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    let pack = build(
        &state,
        BoardPackQuery {
            organisation_id: valid.organisation_id,
            month: Some(valid.month.format("%Y-%m").to_string()),
        },
        user.person_id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(pack))
}

/// The measures a scope's pack shows, in order, and those that may be chosen: measures of
/// projects shared with the whole partnership (for an organisation's pack, of the projects it
/// leads or partners).
#[utoipa::path(
    tag = "dashboard",
    operation_id = "board_pack_measure_choices",
    security(("bearer" = [])),
    params(ScopeQuery),
    responses(
        (status = 200, description = "The measures chosen and those that may be", body = MeasureChoices),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dashboard/board-pack/measures")]
pub async fn measure_choices(
    state: web::Data<AppState>,
    _user: AuthUser,
    Query(query): Query<ScopeQuery>,
) -> ApiResult<HttpResponse> {
    organisation_name(&state, query.organisation_id).await?;
    Ok(HttpResponse::Ok().json(MeasureChoices {
        organisation_id: query.organisation_id,
        chosen: db::board_pack::chosen_ids(&state.db, query.organisation_id).await?,
        candidates: db::board_pack::candidates(&state.db, query.organisation_id).await?,
    }))
}

/// Choose the project measures a scope's pack shows, in order (up to 20; an empty list shows
/// none). Each must be a measure of a project shared with the whole partnership (visibility
/// `partnership` or `public`), so that everyone who reads the pack may see it.
#[utoipa::path(
    tag = "dashboard",
    operation_id = "choose_board_pack_measures",
    security(("bearer" = [])),
    request_body = PackMeasuresInput,
    responses(
        (status = 200, description = "The measures chosen", body = PackMeasures),
        (status = 403, description = "Not an admin of this pack's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too many, twice, no such measure, a measure not shared with the partnership (`measure_ids`), or no such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/dashboard/board-pack/measures")]
pub async fn choose_measures(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<PackMeasuresInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    may_edit(&user, input.organisation_id)?;
    let ids = input.validate()?;
    organisation_name(&state, input.organisation_id).await?;
    let (existing, shareable) = db::board_pack::shareable(&state.db, &ids).await?;
    if let Some(missing) = ids.iter().find(|id| !existing.contains(id)) {
        return Err(invalid(
            "measure_ids",
            format!("No such measure: {missing}"),
        ));
    }
    if let Some(hidden) = ids.iter().find(|id| !shareable.contains(id)) {
        return Err(invalid(
            "measure_ids",
            format!(
                "Measure {hidden} belongs to a project not shared with the whole partnership: only measures everyone who reads the pack may see can be chosen"
            ),
        ));
    }
    let txn = state.begin_write().await?;
    db::board_pack::replace_measures(
        &txn,
        input.organisation_id,
        &ids,
        user.person_id,
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(PackMeasures {
        organisation_id: input.organisation_id,
        measure_ids: ids,
    }))
}
