//! Serving the built web app: static files, and `index.html` for every other non-API path so
//! that deep links (`/organisations/42`) load the app, which then routes on the client.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::{
    HttpMessage, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse, fn_service},
    http::header::{self, CacheControl, CacheDirective, HeaderValue},
    middleware::Next,
    web,
};
use tracing_actix_web::RequestId;

pub fn configure(cfg: &mut web::ServiceConfig, web_dir: &Path) {
    let index = web_dir.join("index.html");
    let fallback = fn_service(move |req: ServiceRequest| {
        let index = index.clone();
        async move { spa_index(req, index).await }
    });
    if web_dir.is_dir() {
        cfg.service(
            Files::new("/", web_dir)
                .index_file("index.html")
                .default_handler(fallback),
        );
    } else {
        // Not built: every page explains how to build it (see `spa_index`).
        cfg.default_service(fallback);
    }
}

/// Any path the files do not have gets the app's `index.html`; never cached, so a new release
/// is picked up at once (its hashed assets can then be cached for good).
async fn spa_index(
    req: ServiceRequest,
    index: PathBuf,
) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let response = match NamedFile::open_async(&index).await {
        Ok(file) => {
            let mut response = file.into_response(&req);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .insert_header(CacheControl(vec![CacheDirective::NoCache]))
            .content_type("text/plain; charset=utf-8")
            .body("The QI Commons web app has not been built. Run: trunk build --release --config Trunkfile.toml"),
    };
    Ok(ServiceResponse::new(req, response))
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

/// trunk names built assets `name-<16 hex>.ext`: their content never changes under that name.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_assets_are_recognised() {
        assert!(super::is_hashed_asset("/qi-web-3c1b2a9f0d4e5f67_bg.wasm"));
        assert!(super::is_hashed_asset("/qi-web-3c1b2a9f0d4e5f67.js"));
        assert!(!super::is_hashed_asset("/index.html"));
    }
}
