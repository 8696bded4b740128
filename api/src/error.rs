//! The API's one error type and how it becomes an HTTP response.
//!
//! Policy: every failure leaves the server as an RFC 9457 problem document
//! (`application/problem+json`) with a stable `code`. Input problems are 4xx and name the failing
//! fields; nothing a client sends may cause a 5xx. A 500 says nothing about its cause to the
//! client: the cause chain goes to the log, under the request's id.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use qi_shared::{FieldError, FieldErrors, problem::Problem};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("bad request: {detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("unauthorised: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found: {0}")]
    NotFound(String),
    /// The path exists, but not with this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("conflict: {detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("If-Match is required")]
    PreconditionRequired,
    #[error("stale version")]
    PreconditionFailed { current_version: i64 },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Too many failed sign-ins, reset requests or API token requests: try again in
    /// `retry_after` seconds (sent as `Retry-After`).
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(&'static str),
    /// What was asked for existed once and is no longer kept (a changes cursor older than the
    /// feed's retention).
    #[error("gone: {0}")]
    Gone(&'static str),
    /// An upload refused before anything is stored: 413 too large, 415 not a type taken, 422
    /// empty or not what it says it is.
    #[error("file refused: {0:?}")]
    FileRefused(qi_shared::event::submission::FileProblem),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Shorthands, so handlers read as what they mean.
pub fn not_found(what: &str) -> ApiError {
    ApiError::NotFound(format!("{what} not found"))
}

pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, message)])
}

pub fn conflict(code: &'static str, field: &str, message: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: message.to_owned(),
        errors: vec![FieldError::new(field, message)],
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors.0)
    }
}

impl From<qi_shared::team::Refusal> for ApiError {
    fn from(refusal: qi_shared::team::Refusal) -> Self {
        match refusal {
            qi_shared::team::Refusal::Forbidden(why) => Self::Forbidden(why),
            qi_shared::team::Refusal::Invalid(errors) => errors.into(),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::db::is_busy(&err) {
            tracing::warn!(error = %err, "database busy");
            return Self::Unavailable("The database is busy: try again in a moment");
        }
        Self::Internal(anyhow::Error::new(err).context("database error"))
    }
}

impl ApiError {
    fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. } | Self::Conflict { code, .. } => code,
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PreconditionRequired => "precondition_required",
            Self::PreconditionFailed { .. } => "version_conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable(_) => "unavailable",
            Self::Gone(_) => "gone",
            Self::FileRefused(_) => "file_refused",
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            Self::Validation(errors) => Some(match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => "Some fields are not valid; see errors".to_owned(),
            }),
            Self::BadRequest { detail, .. } | Self::Conflict { detail, .. } => Some(detail.clone()),
            Self::Unauthorized(detail)
            | Self::Forbidden(detail)
            | Self::Unavailable(detail)
            | Self::Gone(detail) => Some((*detail).to_owned()),
            Self::NotFound(detail) => Some(detail.clone()),
            Self::MethodNotAllowed { allow } => Some(format!("This endpoint answers {allow}")),
            Self::PreconditionRequired => Some(
                "Send the version you are changing as If-Match (the record's ETag), so no one else's change is overwritten"
                    .to_owned(),
            ),
            Self::PreconditionFailed { current_version } => Some(format!(
                "Someone else changed this since you loaded it (it is now at version {current_version}): load it again to see their changes, then make yours"
            )),
            Self::PayloadTooLarge => {
                Some("The request body is larger than the server accepts".to_owned())
            }
            Self::UnsupportedMediaType => {
                Some("Send the body as JSON with Content-Type: application/json".to_owned())
            }
            Self::TooManyRequests { retry_after } => Some(format!(
                "Too many requests: try again in {retry_after} seconds"
            )),
            Self::FileRefused(problem) => Some(problem.message()),
            Self::Internal(_) => None,
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            problem_type: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code().to_owned(),
            errors: match self {
                Self::Validation(errors) | Self::Conflict { errors, .. } => errors.clone(),
                Self::FileRefused(problem) => vec![FieldError::new("file", problem.message())],
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Gone(_) => StatusCode::GONE,
            Self::FileRefused(problem) => {
                use qi_shared::event::submission::FileProblem;
                match problem {
                    FileProblem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    FileProblem::NotAccepted => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    FileProblem::Empty | FileProblem::NotWhatItSays { .. } => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                }
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if matches!(self, Self::Unauthorized(_)) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if let Self::MethodNotAllowed { allow } = self {
            response.insert_header(("Allow", allow.as_str()));
        }
        if let Self::TooManyRequests { retry_after } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header(("Retry-After", "1"));
        }
        if let Self::PreconditionFailed { current_version } = self {
            response.insert_header(("ETag", format!("\"{current_version}\"")));
        }
        response.json(self.problem())
    }
}
