//! The one way the app talks to the API: relative `/api/v1` URLs, the session's tokens attached,
//! an expired access token renewed once with the refresh token, and every failure mapped to an
//! [`ApiError`] the pages can show (with the server's field errors for forms).
//!
//! The tokens live here, like a cookie jar: the access token in memory, the refresh token in
//! `localStorage` so a session survives a reload. Who is signed in lives in `crate::session`.

#[cfg(not(feature = "entry"))]
pub mod api_tokens;
#[cfg(not(feature = "entry"))]
pub mod audit;
#[cfg(not(feature = "entry"))]
pub mod board_pack;
#[cfg(not(feature = "entry"))]
pub mod bulletins;
#[cfg(not(feature = "entry"))]
pub mod capability;
#[cfg(not(feature = "entry"))]
pub mod comments;
pub mod dashboard;
mod endpoints;
#[cfg(not(feature = "entry"))]
pub mod events;
#[cfg(not(feature = "entry"))]
pub mod exports;
#[cfg(not(feature = "entry"))]
pub mod follow_ups;
pub mod notifications;
#[cfg(not(feature = "entry"))]
pub mod programmes;
#[cfg(not(feature = "entry"))]
pub mod search;
#[cfg(not(feature = "entry"))]
pub mod spread;
#[cfg(not(feature = "entry"))]
pub mod submissions;
#[cfg(not(feature = "entry"))]
pub mod targets;
#[cfg(not(feature = "entry"))]
pub mod training;
#[cfg(not(feature = "entry"))]
pub mod webhooks;

use std::{cell::RefCell, rc::Rc};

use futures_util::lock::Mutex;
use gloo_net::http::{Method, RequestBuilder, Response};
use qi_shared::{FieldError, auth::TokenResponse, problem::Problem};
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;
use yew::Callback;

pub use endpoints::*;

/// `path?query`, or just `path` when every field of the query is left out.
fn with_query(path: &str, query: &impl Serialize) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

const REFRESH_KEY: &str = "qi.refresh_token";
/// Renew the access token this long before it expires, so requests never race its expiry.
const RENEW_EARLY_MS: f64 = 30_000.0;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The session ended (refresh refused); the person must sign in again.
    SessionExpired,
    /// The server answered with a problem document.
    Problem(Problem),
    /// The server's answer could not be understood.
    Unexpected(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem(p) => Some(p.status),
            _ => None,
        }
    }

    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Someone else changed the record since it was loaded.
    pub fn is_stale(&self) -> bool {
        self.status() == Some(412)
    }

    /// The server's field errors, for showing next to each field.
    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            Self::Problem(p) => p.errors.clone(),
            _ => Vec::new(),
        }
    }

    /// A sentence for the person.
    pub fn message(&self) -> String {
        match self {
            Self::Network => {
                "The server could not be reached. Check your connection and try again.".to_owned()
            }
            Self::SessionExpired => "Your session has expired. Sign in again.".to_owned(),
            Self::Problem(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            Self::Unexpected(_) => {
                "Something went wrong. Try again, and tell us if it keeps happening.".to_owned()
            }
        }
    }
}

struct Tokens {
    access: String,
    /// When the access token expires, in `Date.now()` milliseconds.
    expires_at: f64,
}

thread_local! {
    static ACCESS: RefCell<Option<Tokens>> = const { RefCell::new(None) };
    static ON_EXPIRED: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
    // One refresh at a time: a refresh token works once, so two at once would end the session.
    static REFRESHING: Rc<Mutex<()>> = Rc::new(Mutex::new(()));
}

/// Called when the session ends without the person signing out (set by the session provider).
pub fn on_session_expired(callback: Callback<()>) {
    ON_EXPIRED.with(|c| *c.borrow_mut() = Some(callback));
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Keeps a new session's tokens.
pub fn store_tokens(tokens: &TokenResponse) {
    let expires_at = now() + tokens.expires_in as f64 * 1000.0;
    ACCESS.with(|a| {
        *a.borrow_mut() = Some(Tokens {
            access: tokens.access_token.clone(),
            expires_at,
        })
    });
    // If storage is unavailable (private mode), the session just will not survive a reload.
    // JSON-encoded, as the app has always kept it, so a session from an earlier release carries on.
    if let (Some(storage), Ok(json)) = (
        local_storage(),
        js_sys::JSON::stringify(&JsValue::from_str(&tokens.refresh_token)),
    ) {
        let _ = storage.set_item(REFRESH_KEY, &String::from(json));
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Forgets the session's tokens.
pub fn clear_tokens() {
    ACCESS.with(|a| *a.borrow_mut() = None);
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(REFRESH_KEY);
    }
}

pub fn stored_refresh_token() -> Option<String> {
    let json = local_storage()?.get_item(REFRESH_KEY).ok()??;
    js_sys::JSON::parse(&json).ok()?.as_string()
}

fn current_access(fresh_only: bool) -> Option<String> {
    ACCESS.with(|a| {
        a.borrow()
            .as_ref()
            .filter(|t| !fresh_only || t.expires_at - RENEW_EARLY_MS > now())
            .map(|t| t.access.clone())
    })
}

/// Renews the access token with the stored refresh token. `Ok(false)`: the session is over.
pub async fn renew() -> Result<bool, ApiError> {
    let lock = REFRESHING.with(Rc::clone);
    let _guard = lock.lock().await;
    // Someone else renewed it while we waited.
    if current_access(true).is_some() {
        return Ok(true);
    }
    let Some(refresh_token) = stored_refresh_token() else {
        return Ok(false);
    };
    let body = qi_shared::auth::RefreshRequest { refresh_token };
    match send::<_, TokenResponse>(Method::POST, "/api/v1/auth/refresh", Some(&body), None).await {
        Ok(tokens) => {
            store_tokens(&tokens);
            Ok(true)
        }
        Err(ApiError::Problem(p)) if p.status == 401 => {
            clear_tokens();
            Ok(false)
        }
        Err(other) => Err(other),
    }
}

// The request path is written once, for JSON text in and out: only writing a body and reading
// an answer are per type. Generic all the way down, it was compiled again for every endpoint's
// body and answer types (6 % of the wasm; docs/performance.md, the weight).

/// An answer's JSON text; `None` when there is none (204).
type Answer = Result<Option<String>, ApiError>;

/// Writes a body into browser values, then the browser's JSON.stringify: serde_json's writer
/// would be compiled into every body type.
fn to_json<B: Serialize>(body: Option<&B>) -> Result<Option<String>, String> {
    let Some(body) = body else {
        return Ok(None);
    };
    // JSON's rules: None as null (not left out), maps as objects.
    let value = body
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())?;
    js_sys::JSON::stringify(&value)
        .map(|json| Some(String::from(json)))
        .map_err(|_| "the request could not be written".to_owned())
}

/// Reads an answer the same way round: the browser's JSON.parse, then only the walk over its
/// values into `T` is compiled per type, where serde_json's parser was inlined into every one.
fn from_json<T: DeserializeOwned>(text: Option<String>) -> Result<T, String> {
    let value = match text {
        Some(text) => {
            js_sys::JSON::parse(&text).map_err(|_| "the answer is not JSON".to_owned())?
        }
        None => JsValue::NULL,
    };
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
    token: Option<&str>,
) -> Result<T, ApiError> {
    let body = to_json(body).map_err(ApiError::Unexpected)?;
    from_json(send_json(method, path, body, token, None).await?).map_err(ApiError::Unexpected)
}

async fn send_json(
    method: Method,
    path: &str,
    body: Option<String>,
    token: Option<&str>,
    version: Option<i64>,
) -> Answer {
    let mut request = RequestBuilder::new(path)
        .method(method)
        .header("Accept", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(version) = version {
        request = request.header("If-Match", &format!("\"{version}\""));
    }
    let request = match body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body),
        None => request.build(),
    }
    .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let status = response.status();
    if status == 204 {
        return Ok(None);
    }
    if response.ok() {
        // An answer with no body (202 Accepted) reads as no answer, like a 204.
        return response
            .text()
            .await
            .map(|text| Some(text).filter(|t| !t.is_empty()))
            .map_err(|e| ApiError::Unexpected(e.to_string()));
    }
    Err(problem(response).await)
}

/// The problem document of a failed answer.
async fn problem(response: Response) -> ApiError {
    match response
        .text()
        .await
        .map(|text| from_json::<Problem>(Some(text)))
    {
        Ok(Ok(problem)) => ApiError::Problem(problem),
        _ => ApiError::Unexpected(format!("HTTP {}", response.status())),
    }
}

/// A call as the signed-in person: renews the access token when needed, and reports an ended
/// session to the session provider.
async fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    call_if_match(method, path, body, None).await
}

/// A call that changes a record only if it is still at `version` (else a 412 problem).
async fn call_if_match<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
    version: Option<i64>,
) -> Result<T, ApiError> {
    let body = to_json(body).map_err(ApiError::Unexpected)?;
    from_json(call_json(method, path, body, version).await?).map_err(ApiError::Unexpected)
}

async fn call_json(
    method: Method,
    path: &str,
    body: Option<String>,
    version: Option<i64>,
) -> Answer {
    for attempt in 0..2 {
        let token = match current_access(true) {
            Some(token) => token,
            None => {
                if !renew().await? {
                    return Err(expired());
                }
                current_access(false).ok_or_else(expired)?
            }
        };
        match send_json(method.clone(), path, body.clone(), Some(&token), version).await {
            // The token was refused early (a server restart with a new key, a clock skew): renew once.
            Err(ApiError::Problem(p)) if p.status == 401 && attempt == 0 => {
                ACCESS.with(|a| *a.borrow_mut() = None);
            }
            other => return other,
        }
    }
    Err(expired())
}

fn expired() -> ApiError {
    clear_tokens();
    if let Some(callback) = ON_EXPIRED.with(|c| c.borrow().clone()) {
        callback.emit(());
    }
    ApiError::SessionExpired
}

/// A call that needs no session.
async fn public<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    send(method, path, body, None).await
}

/// A call that sends or fetches plain text (CSV files), as the signed-in person.
async fn call_text(
    method: Method,
    path: &str,
    body: Option<(&str, &str)>,
) -> Result<String, ApiError> {
    call_text_accepting(method, path, body, "text/csv").await
}

/// [`call_text`], fetching a file of another media type (`text/calendar`).
async fn call_text_accepting(
    method: Method,
    path: &str,
    body: Option<(&str, &str)>,
    accept: &str,
) -> Result<String, ApiError> {
    for attempt in 0..2 {
        let token = match current_access(true) {
            Some(token) => token,
            None => {
                if !renew().await? {
                    return Err(expired());
                }
                current_access(false).ok_or_else(expired)?
            }
        };
        let request = RequestBuilder::new(path)
            .method(method.clone())
            .header("Authorization", &format!("Bearer {token}"));
        let request = match body {
            Some((content_type, text)) => request
                .header("Content-Type", content_type)
                .header("Accept", "application/json")
                .body(text.to_owned()),
            None => request.header("Accept", accept).build(),
        }
        .map_err(|e| ApiError::Unexpected(e.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if response.status() == 401 && attempt == 0 {
            ACCESS.with(|a| *a.borrow_mut() = None);
            continue;
        }
        if response.ok() {
            return response
                .text()
                .await
                .map_err(|e| ApiError::Unexpected(e.to_string()));
        }
        return Err(problem(response).await);
    }
    Err(expired())
}

/// A file's text (a calendar) that needs no session.
async fn public_text(path: &str, accept: &str) -> Result<String, ApiError> {
    let response = RequestBuilder::new(path)
        .method(Method::GET)
        .header("Accept", accept)
        .build()
        .map_err(|e| ApiError::Unexpected(e.to_string()))?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        return response
            .text()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()));
    }
    Err(problem(response).await)
}

/// A file's bytes (a PDF), fetched as the signed-in person.
async fn call_bytes(path: &str) -> Result<Vec<u8>, ApiError> {
    for attempt in 0..2 {
        let token = match current_access(true) {
            Some(token) => token,
            None => {
                if !renew().await? {
                    return Err(expired());
                }
                current_access(false).ok_or_else(expired)?
            }
        };
        let response = RequestBuilder::new(path)
            .method(Method::GET)
            .header("Authorization", &format!("Bearer {token}"))
            .build()
            .map_err(|e| ApiError::Unexpected(e.to_string()))?
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        if response.status() == 401 && attempt == 0 {
            ACCESS.with(|a| *a.borrow_mut() = None);
            continue;
        }
        if response.ok() {
            return response
                .binary()
                .await
                .map_err(|e| ApiError::Unexpected(e.to_string()));
        }
        return Err(problem(response).await);
    }
    Err(expired())
}

/// Sends a file's bytes as the body (an upload), as the signed-in person; answers the JSON text
/// of what the server made of it. The body is the browser's own value (a `File` or its bytes), so
/// the file is not copied through the app on its way out.
async fn call_upload(path: &str, content_type: &str, body: &JsValue) -> Answer {
    for attempt in 0..2 {
        let token = match current_access(true) {
            Some(token) => token,
            None => {
                if !renew().await? {
                    return Err(expired());
                }
                current_access(false).ok_or_else(expired)?
            }
        };
        let response = RequestBuilder::new(path)
            .method(Method::PUT)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Accept", "application/json")
            .header("Content-Type", content_type)
            .body(body.clone())
            .map_err(|e| ApiError::Unexpected(e.to_string()))?
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        if response.status() == 401 && attempt == 0 {
            ACCESS.with(|a| *a.borrow_mut() = None);
            continue;
        }
        if response.ok() {
            return response
                .text()
                .await
                .map(|text| Some(text).filter(|t| !t.is_empty()))
                .map_err(|e| ApiError::Unexpected(e.to_string()));
        }
        return Err(problem(response).await);
    }
    Err(expired())
}
