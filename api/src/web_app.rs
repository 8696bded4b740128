//! Serving the built web app: static files, and `index.html` for every other non-API path so
//! that deep links (`/organisations/42`) load the app, which then routes on the client.
//!
//! The pages a person sees before signing in (sign-in, first-run setup, accepting an invitation)
//! get a small build of their own instead, `entry/index.html` (see `Trunkfile.entry.toml`), when
//! it is built: a first visit loads a fraction of the full app. The two share the session through
//! the stored refresh token and cross with a page load.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::{
    HttpResponse,
    dev::{ServiceRequest, ServiceResponse, fn_service},
    http::header::{self, CacheControl, CacheDirective, HeaderValue},
    web,
};

pub fn configure(cfg: &mut web::ServiceConfig, web_dir: &Path) {
    let assets = web_dir.to_path_buf();
    cfg.app_data(web::Data::new(WebDir(assets)));
    if let Some(policy) = content_security_policy(web_dir) {
        cfg.app_data(web::Data::new(PagePolicy(policy)));
    }
    // The entry build's assets are in its folder, `/entry/`.
    cfg.service(
        web::resource(r"/{name:(?:entry/)?[^/]+\.(?:wasm|js|css)}")
            .route(web::get().to(precompressed)),
    );
    let pages = Pages {
        full: web_dir.join("index.html"),
        entry: web_dir.join(ENTRY_DIR).join("index.html"),
    };
    let fallback = fn_service(move |req: ServiceRequest| {
        let index = pages.for_path(req.path());
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

/// The entry build's folder inside the web app's (its assets' URLs start `/entry/`).
const ENTRY_DIR: &str = "entry";

/// The two builds' pages.
#[derive(Clone)]
struct Pages {
    full: PathBuf,
    entry: PathBuf,
}

impl Pages {
    /// The page for an address: the entry build's for its own pages when it is built, otherwise
    /// the full app, which has every page.
    fn for_path(&self, path: &str) -> PathBuf {
        if is_entry_path(path) && self.entry.is_file() {
            self.entry.clone()
        } else {
            self.full.clone()
        }
    }
}

/// The addresses the entry build answers, exactly as its routes match them (`web/src/route.rs`:
/// `/sign-in`, `/setup`, `/forgot-password`, `/invitations/:token`, `/reset-password/:token`,
/// `/confirm-email/:token`). It must be exact: the entry app sends any other
/// address it is asked for to the full app with a page load, which would come back here.
pub fn is_entry_path(path: &str) -> bool {
    match path {
        "/sign-in" | "/setup" | "/forgot-password" => true,
        _ => ["/invitations/", "/reset-password/", "/confirm-email/"]
            .iter()
            .any(|prefix| {
                path.strip_prefix(prefix)
                    .is_some_and(|token| !token.is_empty() && !token.contains('/'))
            }),
    }
}

/// The app page's Content-Security-Policy (see [`content_security_policy`]), which
/// `middleware::page_policy` puts on every HTML page the server answers outside `/api`.
pub struct PagePolicy(pub String);

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

/// The Content-Security-Policy of the app's pages: scripts only from this server, plus trunk's
/// inline bootstrap script of each build by its hash (read from the built `index.html` and
/// `entry/index.html`, so a new build needs no configuration); the wasm may be compiled
/// (`wasm-unsafe-eval`); styles, images and API calls only from here; no plugins, no `<base>`,
/// never framed. `None` when the app is not built (the page that says so has no script).
pub fn content_security_policy(web_dir: &Path) -> Option<String> {
    let index = std::fs::read_to_string(web_dir.join("index.html")).ok()?;
    let entry = std::fs::read_to_string(web_dir.join(ENTRY_DIR).join("index.html"));
    let mut hashes = inline_script_hashes(&index);
    // One policy for both pages: each allows only the two builds' own bootstraps.
    for hash in entry
        .as_deref()
        .map(inline_script_hashes)
        .unwrap_or_default()
    {
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
    }
    Some(format!(
        "default-src 'self'; script-src 'self' {} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        hashes.join(" ")
    ))
}

/// The CSP source of every inline script of a page, by its SHA-256.
fn inline_script_hashes(page: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    page.split("<script")
        .skip(1)
        .filter_map(|tag| {
            let (attributes, rest) = tag.split_once('>')?;
            // Scripts loaded by `src` are covered by 'self'.
            if attributes.contains("src=") {
                return None;
            }
            let (body, _) = rest.split_once("</script>")?;
            let digest = Sha256::digest(body.as_bytes());
            Some(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_entry_path;

    #[test]
    fn only_the_entry_builds_own_pages_are_entry_paths() {
        for (path, entry) in [
            ("/sign-in", true),
            ("/setup", true),
            ("/invitations/abc123", true),
            ("/forgot-password", true),
            ("/reset-password/abc123", true),
            ("/reset-password/", false),
            ("/confirm-email/abc123", true),
            ("/confirm-email/abc/more", false),
            ("/invitations/", false),
            ("/invitations/abc/more", false),
            ("/sign-in/", false),
            ("/sign-in/more", false),
            ("/", false),
            ("/projects", false),
            ("/library", false),
            ("/setup-more", false),
        ] {
            assert_eq!(is_entry_path(path), entry, "{path}");
        }
    }
}
