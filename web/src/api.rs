//! Calls to the QI Commons API. Relative URLs: the app is always served by the API's own server.

use gloo_net::http::Request;
use qi_shared::{partnership::SetupStatus, problem::Problem};

/// What can go wrong calling the API, in words for the page.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network(String),
    /// The server answered with a problem document.
    Problem(Problem),
    /// The server answered with something this app does not understand.
    Unexpected(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(e) => write!(f, "The server could not be reached ({e})"),
            Self::Problem(p) => f.write_str(p.detail.as_deref().unwrap_or(&p.title)),
            Self::Unexpected(e) => write!(f, "Unexpected answer from the server ({e})"),
        }
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        response
            .json()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        match response.json::<Problem>().await {
            Ok(problem) => Err(ApiError::Problem(problem)),
            Err(_) => Err(ApiError::Unexpected(format!("HTTP {}", response.status()))),
        }
    }
}

/// Whether the platform has been set up (`GET /api/v1/setup`).
pub async fn setup_status() -> Result<SetupStatus, ApiError> {
    get_json("/api/v1/setup").await
}
