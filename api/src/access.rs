//! Access to a project and what it owns, decided once per request.
//!
//! A handler on a project or a measure takes one of the guards below instead of `AuthUser`. The
//! guard signs the person in (401), reads the `{id}` of the path, loads the object with its
//! project's access context (one query for a project, two for a measure) and answers 404 when the
//! person may not see it or 403 when they may see it but not change it, all before the handler
//! runs. The rules themselves are `qi_shared::access`'s; lists apply the same rule in SQL
//! (`db::projects::filter`).
//!
//! For an object whose project is found through another row (a coaching session, a PDSA cycle),
//! a handler calls [`visible_project`] or [`editable_project`] with that project's id.

use std::{future::Future, ops::Deref, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use qi_shared::access::ProjectContext;

use crate::{
    auth::{self, AuthUser},
    db::{
        self,
        entity::{measure, project},
    },
    error::{ApiError, ApiResult, not_found},
    extract,
    state::AppState,
};

/// A project, what the access rules know of it, and who asks.
pub struct ProjectAccess {
    pub user: AuthUser,
    pub project: project::Model,
    pub context: ProjectContext,
}

/// A measure, its project's access context, and who asks.
pub struct MeasureAccess {
    pub user: AuthUser,
    pub measure: measure::Model,
    pub context: ProjectContext,
}

/// The project `id` if `user` may see it; 404 (as if it did not exist) otherwise.
pub async fn visible_project(
    state: &AppState,
    user: AuthUser,
    id: i64,
) -> ApiResult<ProjectAccess> {
    match db::projects::context(&state.db, id).await? {
        Some((project, context)) if user.can_view_project(&context) => Ok(ProjectAccess {
            user,
            project,
            context,
        }),
        _ => Err(not_found("Project")),
    }
}

/// The project `id` if `user` may change it: 404 if they may not see it, 403 if only see it.
pub async fn editable_project(
    state: &AppState,
    user: AuthUser,
    id: i64,
) -> ApiResult<ProjectAccess> {
    let access = visible_project(state, user, id).await?;
    check_editable(&access.user, &access.context)?;
    Ok(access)
}

/// The measure `id` if `user` may see its project; 404 otherwise.
pub async fn visible_measure(
    state: &AppState,
    user: AuthUser,
    id: i64,
) -> ApiResult<MeasureAccess> {
    let measure = db::measures::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Measure"))?;
    match db::projects::context(&state.db, measure.project_id).await? {
        Some((_, context)) if user.can_view_project(&context) => Ok(MeasureAccess {
            user,
            measure,
            context,
        }),
        _ => Err(not_found("Measure")),
    }
}

fn check_editable(user: &AuthUser, context: &ProjectContext) -> ApiResult<()> {
    if user.can_edit_project(context) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the project team and its organisations' admins may change it",
        ))
    }
}

/// Guard: a project the signed-in person may see (`/projects/{id}...`).
pub struct VisibleProject(pub ProjectAccess);

/// Guard: a project the signed-in person may change (`/projects/{id}...`).
pub struct EditableProject(pub ProjectAccess);

/// Guard: a measure whose project the signed-in person may see (`/measures/{id}...`).
pub struct VisibleMeasure(pub MeasureAccess);

/// Guard: a measure whose project the signed-in person may change (`/measures/{id}...`).
pub struct EditableMeasure(pub MeasureAccess);

macro_rules! guard {
    ($guard:ident, $access:ident, |$state:ident, $user:ident, $id:ident| $load:expr) => {
        impl Deref for $guard {
            type Target = $access;
            fn deref(&self) -> &$access {
                &self.0
            }
        }

        impl FromRequest for $guard {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let asked = asked(req);
                Box::pin(async move {
                    let ($state, $user, $id) = asked.await?;
                    Ok($guard($load.await?))
                })
            }
        }
    };
}

guard!(VisibleProject, ProjectAccess, |state, user, id| {
    visible_project(&state, user, id)
});
guard!(EditableProject, ProjectAccess, |state, user, id| {
    editable_project(&state, user, id)
});
guard!(VisibleMeasure, MeasureAccess, |state, user, id| {
    visible_measure(&state, user, id)
});
guard!(
    EditableMeasure,
    MeasureAccess,
    |state, user, id| async move {
        let access = visible_measure(&state, user, id).await?;
        check_editable(&access.user, &access.context)?;
        Ok::<_, ApiError>(access)
    }
);

/// Who asks and for which `{id}`, in the order a handler taking `AuthUser` and `Path` would
/// refuse: 401 before 404.
fn asked(
    req: &HttpRequest,
) -> impl Future<Output = ApiResult<(web::Data<AppState>, AuthUser, i64)>> + 'static {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")));
    let user = auth::authenticate(req);
    let id = req
        .match_info()
        .get("id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(extract::invalid_id);
    async move { Ok((state?, user.await?, id?)) }
}
