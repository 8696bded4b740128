//! One function per API endpoint the app uses.

use gloo_net::http::Method;
use qi_shared::{
    auth::{AcceptInvitation, LoginRequest, RefreshRequest, SetupRequest, TokenResponse},
    organisation::{NewOrganisation, Organisation, OrganisationPage, OrganisationUpdate},
    partnership::{Partnership, SetupStatus},
    person::{
        InvitationDetails, InvitationSent, NewInvitation, Person, PersonPage, PersonUpdate, Role,
        RolesUpdate,
    },
};
use serde::Serialize;

use qi_shared::{
    evidence::ScoreEvidence,
    improvement::{DriverDiagram, PdsaCycle, PdsaInput},
    project::{Project, ProjectInput, ProjectPage, ProjectQuery, ScoreChange, ScoreInput},
    team::TeamInvitationPage,
};

use super::{
    ApiError, call, call_if_match, clear_tokens, public, store_tokens, stored_refresh_token,
    with_query,
};

const NO_BODY: Option<&()> = None;

/// Signs in and keeps the session's tokens.
pub async fn login(email: &str, password: &str) -> Result<(), ApiError> {
    let body = LoginRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    let tokens: TokenResponse = public(Method::POST, "/api/v1/auth/login", Some(&body)).await?;
    store_tokens(&tokens);
    Ok(())
}

/// Signs out: the server revokes the session; the tokens are forgotten whatever it says.
pub async fn logout() {
    if let Some(refresh_token) = stored_refresh_token() {
        let body = RefreshRequest { refresh_token };
        let _: Result<(), ApiError> =
            public(Method::POST, "/api/v1/auth/logout", Some(&body)).await;
    }
    clear_tokens();
}

pub async fn me() -> Result<Person, ApiError> {
    call(Method::GET, "/api/v1/me", NO_BODY).await
}

pub async fn update_me(change: &PersonUpdate) -> Result<Person, ApiError> {
    call(Method::PATCH, "/api/v1/me", Some(change)).await
}

/// The signed-in person's home page: their projects, measures due, coaching, courses and tier.
pub async fn home() -> Result<qi_shared::home::Home, ApiError> {
    call(Method::GET, "/api/v1/me/home", NO_BODY).await
}

pub async fn partnership() -> Result<Partnership, ApiError> {
    call(Method::GET, "/api/v1/partnership", NO_BODY).await
}

pub async fn setup_status() -> Result<SetupStatus, ApiError> {
    public(Method::GET, "/api/v1/setup", NO_BODY).await
}

pub async fn setup(request: &SetupRequest) -> Result<(), ApiError> {
    let tokens: TokenResponse = public(Method::POST, "/api/v1/setup", Some(request)).await?;
    store_tokens(&tokens);
    Ok(())
}

pub async fn invitation(token: &str) -> Result<InvitationDetails, ApiError> {
    public(
        Method::GET,
        &format!("/api/v1/invitations/{token}"),
        NO_BODY,
    )
    .await
}

/// Sets the invitee's password and signs them in.
pub async fn accept_invitation(token: &str, password: &str) -> Result<(), ApiError> {
    let body = AcceptInvitation {
        token: token.to_owned(),
        password: password.to_owned(),
    };
    let tokens: TokenResponse =
        public(Method::POST, "/api/v1/invitations/accept", Some(&body)).await?;
    store_tokens(&tokens);
    Ok(())
}

/// Filters of the organisations list, as in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct OrganisationQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
}

pub async fn organisations(query: &OrganisationQuery) -> Result<OrganisationPage, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/organisations", query),
        NO_BODY,
    )
    .await
}

pub async fn organisation(id: i64) -> Result<Organisation, ApiError> {
    call(Method::GET, &format!("/api/v1/organisations/{id}"), NO_BODY).await
}

pub async fn create_organisation(new: &NewOrganisation) -> Result<Organisation, ApiError> {
    call(Method::POST, "/api/v1/organisations", Some(new)).await
}

pub async fn update_organisation(
    id: i64,
    change: &OrganisationUpdate,
) -> Result<Organisation, ApiError> {
    call(
        Method::PATCH,
        &format!("/api/v1/organisations/{id}"),
        Some(change),
    )
    .await
}

pub async fn archive_organisation(id: i64, archive: bool) -> Result<Organisation, ApiError> {
    let action = if archive { "archive" } else { "restore" };
    call(
        Method::POST,
        &format!("/api/v1/organisations/{id}/{action}"),
        NO_BODY,
    )
    .await
}

/// Filters of the people list, as in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct PeopleQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// Left out of the list page's address (the API's default); lists that read every person
    /// ask for its most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
}

pub async fn people(query: &PeopleQuery) -> Result<PersonPage, ApiError> {
    call(Method::GET, &with_query("/api/v1/people", query), NO_BODY).await
}

pub async fn person(id: i64) -> Result<Person, ApiError> {
    call(Method::GET, &format!("/api/v1/people/{id}"), NO_BODY).await
}

pub async fn invite(new: &NewInvitation) -> Result<InvitationSent, ApiError> {
    call(Method::POST, "/api/v1/people", Some(new)).await
}

pub async fn reinvite(id: i64) -> Result<InvitationSent, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/people/{id}/invitation"),
        NO_BODY,
    )
    .await
}

pub async fn set_roles(id: i64, roles: Vec<Role>) -> Result<Person, ApiError> {
    call(
        Method::PUT,
        &format!("/api/v1/people/{id}/roles"),
        Some(&RolesUpdate { roles }),
    )
    .await
}

pub async fn set_active(id: i64, active: bool) -> Result<Person, ApiError> {
    let action = if active { "reactivate" } else { "deactivate" };
    call(
        Method::POST,
        &format!("/api/v1/people/{id}/{action}"),
        NO_BODY,
    )
    .await
}

/// Colleagues across the partnership, to add to a project team.
pub async fn directory(q: &str) -> Result<Vec<qi_shared::person::DirectoryEntry>, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/directory", &[("q", q)]),
        NO_BODY,
    )
    .await
}

pub async fn projects(query: &ProjectQuery) -> Result<ProjectPage, ApiError> {
    call(Method::GET, &with_query("/api/v1/projects", query), NO_BODY).await
}

pub async fn library(query: &ProjectQuery) -> Result<ProjectPage, ApiError> {
    public(Method::GET, &with_query("/api/v1/library", query), NO_BODY).await
}

pub async fn library_project(id: i64) -> Result<Project, ApiError> {
    public(Method::GET, &format!("/api/v1/library/{id}"), NO_BODY).await
}

pub async fn project(id: i64) -> Result<Project, ApiError> {
    call(Method::GET, &format!("/api/v1/projects/{id}"), NO_BODY).await
}

pub async fn create_project(input: &ProjectInput) -> Result<Project, ApiError> {
    call(Method::POST, "/api/v1/projects", Some(input)).await
}

/// Replaces a project's details if it is still at `version`.
pub async fn replace_project(
    id: i64,
    version: i64,
    input: &ProjectInput,
) -> Result<Project, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/projects/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

/// The invitations to project teams the signed-in person may answer.
pub async fn team_invitations(page: u64) -> Result<TeamInvitationPage, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/team-invitations?page={page}"),
        NO_BODY,
    )
    .await
}

/// Accepts (`true`) or declines an invitation to a project team.
pub async fn answer_team_invitation(id: i64, accept: bool) -> Result<(), ApiError> {
    let answer = if accept { "accept" } else { "decline" };
    call(
        Method::POST,
        &format!("/api/v1/team-invitations/{id}/{answer}"),
        NO_BODY,
    )
    .await
}

pub async fn scores(id: i64) -> Result<Vec<ScoreChange>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{id}/scores"),
        NO_BODY,
    )
    .await
}

pub async fn set_score(id: i64, input: &ScoreInput) -> Result<ScoreChange, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/projects/{id}/scores"),
        Some(input),
    )
    .await
}

pub async fn driver_diagram(id: i64) -> Result<DriverDiagram, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{id}/driver-diagram"),
        NO_BODY,
    )
    .await
}

pub async fn replace_driver_diagram(
    id: i64,
    version: i64,
    diagram: &DriverDiagram,
) -> Result<DriverDiagram, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/projects/{id}/driver-diagram"),
        Some(diagram),
        Some(version),
    )
    .await
}

pub async fn cycles(id: i64) -> Result<Vec<PdsaCycle>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{id}/cycles"),
        NO_BODY,
    )
    .await
}

pub async fn create_cycle(id: i64, input: &PdsaInput) -> Result<PdsaCycle, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/projects/{id}/cycles"),
        Some(input),
    )
    .await
}

pub async fn update_cycle(
    id: i64,
    cycle_id: i64,
    version: i64,
    input: &PdsaInput,
) -> Result<PdsaCycle, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/projects/{id}/cycles/{cycle_id}"),
        Some(input),
        Some(version),
    )
    .await
}

pub async fn delete_cycle(id: i64, cycle_id: i64) -> Result<(), ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/projects/{id}/cycles/{cycle_id}"),
        NO_BODY,
    )
    .await
}

/// Every QI coach in the partnership.
pub async fn coaches() -> Result<Vec<qi_shared::person::DirectoryEntry>, ApiError> {
    call(Method::GET, "/api/v1/directory?coaches=true", NO_BODY).await
}

// Measures, their data and their chart marks.

use qi_shared::measure::{
    Annotation, AnnotationInput, Measure, MeasureInput, MeasureSummary, PointsImported, PointsInput,
};

pub async fn evidence(project_id: i64) -> Result<ScoreEvidence, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{project_id}/evidence"),
        NO_BODY,
    )
    .await
}

pub async fn measures(project_id: i64) -> Result<Vec<MeasureSummary>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/projects/{project_id}/measures"),
        NO_BODY,
    )
    .await
}

pub async fn library_measures(project_id: i64) -> Result<Vec<MeasureSummary>, ApiError> {
    public(
        Method::GET,
        &format!("/api/v1/library/{project_id}/measures"),
        NO_BODY,
    )
    .await
}

pub async fn measure(id: i64) -> Result<Measure, ApiError> {
    call(Method::GET, &format!("/api/v1/measures/{id}"), NO_BODY).await
}

pub async fn library_measure(project_id: i64, id: i64) -> Result<Measure, ApiError> {
    public(
        Method::GET,
        &format!("/api/v1/library/{project_id}/measures/{id}"),
        NO_BODY,
    )
    .await
}

pub async fn create_measure(project_id: i64, input: &MeasureInput) -> Result<Measure, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/projects/{project_id}/measures"),
        Some(input),
    )
    .await
}

pub async fn update_measure(
    id: i64,
    version: i64,
    input: &MeasureInput,
) -> Result<Measure, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/measures/{id}"),
        Some(input),
        Some(version),
    )
    .await
}

/// Removes a measure with its data, if no one has changed it since `version`.
pub async fn delete_measure(id: i64, version: i64) -> Result<(), ApiError> {
    call_if_match(
        Method::DELETE,
        &format!("/api/v1/measures/{id}"),
        NO_BODY,
        Some(version),
    )
    .await
}

/// Replaces all of a measure's data (the grid), if no one has changed it since `version`.
pub async fn replace_points(
    id: i64,
    version: i64,
    points: &PointsInput,
) -> Result<Measure, ApiError> {
    call_if_match(
        Method::PUT,
        &format!("/api/v1/measures/{id}/points"),
        Some(points),
        Some(version),
    )
    .await
}

/// Imports a CSV file, merging it into the data there (nothing is imported if a row is bad).
pub async fn import_points_csv(id: i64, csv: &str) -> Result<PointsImported, ApiError> {
    let text = super::call_text(
        Method::POST,
        &format!("/api/v1/measures/{id}/points.csv?mode=merge"),
        Some(("text/csv", csv)),
    )
    .await?;
    super::from_json(Some(text)).map_err(ApiError::Unexpected)
}

pub async fn export_points_csv(id: i64) -> Result<String, ApiError> {
    super::call_text(
        Method::GET,
        &format!("/api/v1/measures/{id}/points.csv"),
        None,
    )
    .await
}

pub async fn add_annotation(id: i64, input: &AnnotationInput) -> Result<Annotation, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/measures/{id}/annotations"),
        Some(input),
    )
    .await
}

pub async fn delete_annotation(id: i64, annotation_id: i64, version: i64) -> Result<(), ApiError> {
    call_if_match(
        Method::DELETE,
        &format!("/api/v1/measures/{id}/annotations/{annotation_id}"),
        NO_BODY,
        Some(version),
    )
    .await
}
