use crate::helpers::spawn_app;

fn built() -> String {
    let index = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist/index.html");
    std::fs::read_to_string(&index)
        .unwrap_or_else(|_| panic!("the web app is not built: run `trunk build --release --config Trunkfile.toml` (scripts/test.sh does)"))
}

/// The small build of the pages before signing in (Trunkfile.entry.toml), which
/// `trunk build --release --config Trunkfile.toml` builds into web/dist/entry.
fn built_entry() -> String {
    let index =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist/entry/index.html");
    std::fs::read_to_string(&index)
        .unwrap_or_else(|_| panic!("the entry build is missing: run `trunk build --release --config Trunkfile.toml`, which builds it too"))
}

#[tokio::test]
async fn the_web_app_is_served_at_the_root_and_at_deep_links() {
    let index = built();
    let app = spawn_app().await;
    for path in ["/", "/organisations/42", "/projects", "/library/3"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "no-cache",
            "{path}: index.html is never cached"
        );
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(response.text().await.unwrap(), index, "{path}");
    }
}

#[tokio::test]
async fn the_pages_before_signing_in_get_the_small_entry_build() {
    let (index, entry) = (built(), built_entry());
    assert_ne!(index, entry);
    let app = spawn_app().await;
    for (path, page, which) in [
        ("/sign-in", &entry, "the entry build"),
        ("/setup", &entry, "the entry build"),
        ("/invitations/abc", &entry, "the entry build"),
        ("/projects", &index, "the full app"),
        ("/invitations/abc/more", &index, "the full app"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(&response.text().await.unwrap(), page, "{path}: {which}");
    }

    // Its assets are its own, under /entry/, compressed ahead of time and cached for good.
    let wasm = entry
        .split(['"', '\''])
        .find(|s| s.starts_with("/entry/") && s.ends_with(".wasm"))
        .expect("the entry page loads a wasm under /entry/");
    let response = app
        .client
        .get(app.url(wasm))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{wasm}");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn built_assets_are_cached_for_good_and_compressed() {
    let index = built();
    let app = spawn_app().await;
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist");
    let wasm = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.ends_with(".wasm"))
        .expect("a built wasm file");
    assert!(index.contains(&wasm), "index.html loads {wasm}");
    let response = app
        .client
        .get(app.url(&format!("/{wasm}")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
}

#[tokio::test]
async fn api_paths_never_fall_back_to_the_web_app() {
    built();
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/organisations/42/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn every_answer_carries_the_browser_defence_headers() {
    let app = spawn_app().await;
    for path in ["/api/health", "/api/v1/projects", "/api/v1/no-such-thing"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "same-origin"),
            ("x-frame-options", "DENY"),
            ("content-security-policy", "frame-ancestors 'none'"),
        ] {
            assert_eq!(
                headers.get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{path}: {name}"
            );
        }
        assert!(
            headers.get("strict-transport-security").is_none(),
            "{path}: no HSTS over plain HTTP"
        );
    }
}

#[tokio::test]
async fn the_app_page_allows_only_its_own_scripts_and_its_bootstrap_by_hash() {
    built();
    built_entry();
    let app = spawn_app().await;
    for path in ["/", "/organisations/42", "/sign-in"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        for part in [
            "default-src 'self'",
            "script-src 'self' 'sha256-",
            "'wasm-unsafe-eval'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(part), "{path}: {part} in {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        // One policy for both pages: the full app's bootstrap and the entry build's.
        assert_eq!(policy.matches("'sha256-").count(), 2, "{path}: {policy}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }
}
