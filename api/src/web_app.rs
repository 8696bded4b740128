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

use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig, web_dir: &Path) {
    let assets = web_dir.to_path_buf();
    cfg.app_data(web::Data::new(WebDir(assets)));
    cfg.service(
        web::resource(r"/{name:[^/]+\.(?:wasm|js|css)}").route(web::get().to(precompressed)),
    );
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

struct WebDir(PathBuf);

/// Serves a built asset compressed ahead of time (`name.br` at brotli's best, `name.gz`), when
/// the browser accepts it and the build made one: far smaller than what compressing on the fly
/// can afford. Otherwise the plain file, which the Compress middleware compresses as it goes.
async fn precompressed(
    req: actix_web::HttpRequest,
    dir: web::Data<WebDir>,
    name: web::Path<String>,
) -> actix_web::Result<HttpResponse> {
    use actix_web::http::header::ContentEncoding;
    let accepts = |encoding: &str| {
        req.headers()
            .get_all(header::ACCEPT_ENCODING)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|e| e.split(';').next().is_some_and(|e| e.trim() == encoding))
    };
    let plain = dir.0.join(name.as_str());
    let content_type = actix_files::file_extension_to_mime(
        plain.extension().and_then(|e| e.to_str()).unwrap_or(""),
    );
    for (encoding, suffix, accepted) in [
        (ContentEncoding::Brotli, "br", accepts("br")),
        (ContentEncoding::Gzip, "gz", accepts("gzip")),
    ] {
        let packed = dir.0.join(format!("{}.{suffix}", name.as_str()));
        if accepted && packed.is_file() {
            let file = NamedFile::open_async(&packed)
                .await?
                .set_content_type(content_type.clone())
                .set_content_encoding(encoding);
            let mut response = file.into_response(&req);
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            return Ok(response);
        }
    }
    Ok(NamedFile::open_async(&plain).await?.into_response(&req))
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

/// After a request that may have changed something (any method but GET, HEAD and OPTIONS), tells
/// the node's caches to look at the database again, so that a person sees their own change at
/// once: before the answer leaves, whatever it is.
pub async fn note_changes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let changes = !req.method().is_safe();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await;
    if changes && let Some(state) = state {
        state.project_lists.changed();
    }
    response
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
