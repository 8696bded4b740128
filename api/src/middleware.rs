//! Middleware that every request passes through, and the one place where the per-node caches
//! learn that something changed.
//!
//! The caches (`crate::cache`) hold what was read from the database; a write through this node
//! tells them here, so the person who made it sees it at once, and a write through another node
//! reaches them through the stamps they compare (see `cache::projects`).

use actix_web::{
    HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method,
        header::{self, HeaderValue},
    },
    middleware::Next,
    web,
};
use tracing_actix_web::RequestId;

use crate::state::AppState;

/// After a request that may have changed something (any method but GET, HEAD and OPTIONS), tells
/// the node's caches to look at the database again, so that a person sees their own change at
/// once: before the answer leaves, whatever it is.
pub async fn note_changes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let touches = if req.method().is_safe() {
        Touches::default()
    } else {
        touches(req.path())
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await;
    if let Some(state) = state {
        if touches.project_lists {
            state.project_lists.changed();
        }
        if touches.dashboard_facts {
            let writer = response.as_ref().ok().and_then(|r| {
                r.request()
                    .extensions()
                    .get::<crate::auth::SignedIn>()
                    .map(|s| s.0)
            });
            state.dashboard.changed(writer);
        }
    }
    response
}

/// Puts a token's rate-limit figures (`auth::throttle::RateLimitFigures`, counted when it
/// authenticated) on every answer to it, a 429 included: `RateLimit-Limit` (requests a minute),
/// `RateLimit-Remaining` (requests it may still make at once) and `RateLimit-Reset` (seconds
/// until the whole allowance is back). People's requests carry none.
pub async fn rate_limit_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let figures = response
        .request()
        .extensions()
        .get::<crate::auth::throttle::RateLimitFigures>()
        .copied();
    if let Some(figures) = figures {
        let headers = response.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", u64::from(figures.limit)),
            ("ratelimit-remaining", u64::from(figures.remaining)),
            ("ratelimit-reset", figures.reset_seconds),
        ] {
            headers.insert(
                header::HeaderName::from_static(name),
                HeaderValue::from(value),
            );
        }
    }
    Ok(response)
}

/// Appends an entry to the audit log (`db::audit`) for every request under `/api/v1` that
/// succeeded (2xx) and is a write (POST, PUT, PATCH, DELETE) or a data export (a GET under
/// `/api/v1/export/`, or one answered with CSV): who (the person, the token, or nobody), their
/// organisation, the client's address, the operation, the path, the object and the status.
/// Never a body. Being one middleware, no write's handler can forget it; the entry is written
/// after the handler's own transaction, so a crash between the two loses the entry (see
/// docs/integrations.md). A failure to write it is logged, and the answer still sent: the
/// change it records is already made.
pub async fn audit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let candidate = req.path().starts_with("/api/v1/")
        && (write || *req.method() == Method::GET)
        && !changes_nothing(req.path());
    let response = next.call(req).await?;
    if !candidate || !response.status().is_success() {
        return Ok(response);
    }
    let csv = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let request = response.request();
    let export = !write && (csv || request.path().starts_with("/api/v1/export/"));
    if !write && !export {
        return Ok(response);
    }
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(response);
    };
    let entry = audit_entry(&state, request, &response, export);
    if let Err(error) = crate::db::audit::append(&state, entry).await {
        tracing::error!(error = %error, path = request.path(), "the audit log entry was not written");
    }
    Ok(response)
}

/// POSTs that change nothing anyone acts on, left out of the audit log: the stateless analyses,
/// a bulletin's preview, a session's refresh (every few minutes for everyone signed in; the
/// sign-in that began the session is recorded), and the finder of similar work (asked again
/// each time typing pauses in the new-project form: a read with a body).
fn changes_nothing(path: &str) -> bool {
    path.starts_with("/api/v1/analysis/")
        || path == "/api/v1/bulletins/preview"
        || path == "/api/v1/auth/refresh"
        || path == "/api/v1/search/similar"
}

fn audit_entry<B>(
    state: &AppState,
    request: &actix_web::HttpRequest,
    response: &ServiceResponse<B>,
    export: bool,
) -> crate::db::audit::NewEntry {
    let extensions = request.extensions();
    let person_id = extensions.get::<crate::auth::SignedIn>().map(|s| s.0);
    let api_token_id = extensions.get::<crate::auth::TokenUsed>().map(|t| t.id);
    let organisation_id = extensions
        .get::<crate::auth::ActorOrganisation>()
        .map(|o| o.0)
        .filter(|_| person_id.is_some() || api_token_id.is_some());
    let path = request.path().to_owned();
    let operation = request.match_pattern().unwrap_or_else(|| path.clone());
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let (object_type, object_id) = qi_shared::audit::object_of(&operation, &path, location);
    crate::db::audit::NewEntry {
        at: chrono::Utc::now(),
        person_id,
        api_token_id,
        organisation_id,
        client: state.sign_in.client_address(request).map(|a| a.to_string()),
        method: request.method().as_str().to_owned(),
        operation,
        path,
        query: (export && !request.query_string().is_empty())
            .then(|| request.query_string().to_owned()),
        object_type,
        object_id,
        status: response.status().as_u16(),
    }
}

/// Which caches a write to `path` may make stale.
#[derive(Debug, Default, PartialEq, Eq)]
struct Touches {
    project_lists: bool,
    dashboard_facts: bool,
}

/// A write may change what the caches hold unless it is one of the few known not to: the
/// stateless analyses, signing in and out, and the dashboard's own targets, narratives and
/// chosen measures (kept in tables the caches never read). Reading the dashboard's facts again
/// takes seconds at scale, and its writer waits for it, so those writes must not cause it; a
/// profile change may rename a project's lead in a list, but names are not among the facts.
/// Anything not listed counts as a change: a new kind of write is safe by default.
fn touches(path: &str) -> Touches {
    let under = |prefix: &str| path.starts_with(prefix);
    // Comments and bulletins change no project and no fact the dashboard counts.
    let talk =
        under("/api/v1/comments/") || under("/api/v1/bulletins") || path.ends_with("/comments");
    if talk
        || under("/api/v1/analysis/")
        || under("/api/v1/auth/")
        || under("/api/v1/dashboard/")
        || under("/api/v1/search/")
    {
        return Touches::default();
    }
    Touches {
        project_lists: true,
        dashboard_facts: path != "/api/v1/me",
    }
}

/// Adds the request's id (also in every log line of the request) to the response, so a person
/// reporting a problem can quote it. Static files also get their cache policy here.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let path = req.path().to_owned();
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(header::HeaderName::from_static("x-request-id"), value);
    }
    if !path.starts_with("/api")
        && !headers.contains_key(header::CACHE_CONTROL)
        && is_hashed_asset(&path)
    {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    if path == "/" || path.ends_with("/index.html") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    Ok(response)
}

/// trunk names built assets `name-<hash>.ext`, the hash a 64-bit number in hex without leading
/// zeros (so one build in sixteen has 15 digits, not 16): their content never changes under
/// that name. Twelve digits or more: shorter is a chance of one in 65,536 per asset.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// Headers every response carries, whatever answers it: no MIME sniffing, no referrer sent to
/// other sites, never framed by another site (clickjacking), and, when the platform is served
/// over HTTPS (`public_url`), HSTS so browsers keep to it.
pub fn security_headers(https: bool) -> actix_web::middleware::DefaultHeaders {
    let headers = actix_web::middleware::DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"));
    if https {
        headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
    } else {
        headers
    }
}

/// Puts the app page's Content-Security-Policy (`web_app::PagePolicy`) on every HTML page
/// answered outside `/api` (Swagger UI under `/api/docs` keeps the plain one: it has inline
/// scripts of its own).
pub async fn page_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = (!req.path().starts_with("/api"))
        .then(|| {
            req.app_data::<web::Data<crate::web_app::PagePolicy>>()
                .cloned()
        })
        .flatten();
    let mut response = next.call(req).await?;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html
        && let Some(policy) = policy
        && let Ok(value) = HeaderValue::from_str(&policy.0)
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::{Touches, touches};

    #[test]
    fn posts_that_change_nothing_are_left_out_of_the_audit_log() {
        for path in [
            "/api/v1/analysis/spc",
            "/api/v1/bulletins/preview",
            "/api/v1/auth/refresh",
            "/api/v1/search/similar",
        ] {
            assert!(super::changes_nothing(path), "{path}");
        }
        for path in [
            "/api/v1/auth/login",
            "/api/v1/bulletins",
            "/api/v1/people/3/roles",
            "/api/v1/api-tokens",
        ] {
            assert!(!super::changes_nothing(path), "{path}");
        }
    }

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(super::is_hashed_asset("/qi-web-3c1b2a9f0d4e5f67_bg.wasm"));
        assert!(super::is_hashed_asset("/qi-web-3c1b2a9f0d4e5f67.js"));
        // A hash whose first digit was 0, written without it.
        assert!(super::is_hashed_asset("/qi-web-8f8e18b3b4ea674_bg.wasm"));
        assert!(!super::is_hashed_asset("/qi-web-cafe.js"));
        assert!(!super::is_hashed_asset("/index.html"));
    }

    #[test]
    fn only_writes_known_to_change_nothing_cached_spare_the_caches() {
        let both = Touches {
            project_lists: true,
            dashboard_facts: true,
        };
        for path in [
            "/api/v1/projects/7",
            "/api/v1/measures/3/points",
            "/api/v1/enrolments/2/withdraw",
            "/api/v1/capability/people/4/tier/override",
            "/api/v1/organisations",
            "/api/v1/setup",
            "/api/v1/something-new",
        ] {
            assert_eq!(touches(path), both, "{path}");
        }
        for path in [
            "/api/v1/analysis/spc",
            "/api/v1/auth/login",
            "/api/v1/dashboard/targets/3",
            "/api/v1/dashboard/board-pack/narratives",
            "/api/v1/search/similar",
        ] {
            assert_eq!(touches(path), Touches::default(), "{path}");
        }
        assert_eq!(
            touches("/api/v1/me"),
            Touches {
                project_lists: true,
                dashboard_facts: false,
            }
        );
    }
}
