//! Whether a project's own measures support its progress score: for its team (coaches included)
//! and its organisations' admins, the people who can act on a flag. Others who may see the
//! project get 403; the rules are in `qi_shared::evidence`.

use actix_web::{HttpResponse, get, web};
use qi_shared::{
    evidence::{self, ScoreEvidence},
    follow_up,
    problem::Problem,
    score::ProgressScore,
};

use crate::{
    access::{ProjectAccess, VisibleProject},
    db,
    error::{ApiError, ApiResult},
    state::AppState,
};

/// Whether the project's measures support its progress score. A score of 3.0 or more with no
/// outcome or process measure showing improvement (special cause improvement on an XmR chart, or
/// a run chart signal the right way for a measure with fewer than 12 values) is flagged "not yet
/// supported by the data", with the reason; each measure says what its data shows. A score of
/// 4.5 or more claims the improvement lasts: it is flagged too until the project's latest
/// follow-up found it sustained.
#[utoipa::path(
    tag = "projects",
    operation_id = "project_evidence",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Project id")),
    responses(
        (status = 200, description = "The score, whether the data supports it, and each measure's signal", body = ScoreEvidence),
        (status = 403, description = "Not in its team nor an admin of its organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/evidence")]
pub async fn show(
    state: web::Data<AppState>,
    VisibleProject(ProjectAccess {
        user,
        project,
        context,
    }): VisibleProject,
) -> ApiResult<HttpResponse> {
    if !user.can_edit_project(&context) {
        return Err(ApiError::Forbidden(
            "Only the project team and its organisations' admins may see the evidence for its score",
        ));
    }
    let score = project.score_tenths.and_then(ProgressScore::from_tenths);
    let measures = db::measures::of_project(&state.db, project.id).await?;
    let lasting = match db::follow_ups::completed_on(&state.db, project.id, project.status).await? {
        Some(completed_on) => {
            let recorded = db::follow_ups::recorded(&state.db, project.id, completed_on).await?;
            follow_up::latest(&recorded).map(|f| f.outcome)
        }
        None => None,
    };
    Ok(HttpResponse::Ok().json(evidence::assess(score, &measures).with_follow_up(lasting)))
}
