use serde_json::Value;

use crate::helpers::spawn_app;

const CHECKED_IN: &str = include_str!("../../openapi/openapi.json");

#[tokio::test]
async fn the_served_openapi_document_matches_the_checked_in_one() {
    let app = spawn_app().await;
    let served: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let checked_in: Value = serde_json::from_str(CHECKED_IN).expect("openapi/openapi.json is JSON");
    assert!(
        served == checked_in,
        "openapi/openapi.json is out of date. Regenerate it with:\n    cargo run -q --bin qi -- openapi > openapi/openapi.json"
    );
}

#[tokio::test]
async fn every_operation_documents_its_errors_and_protected_ones_their_security() {
    let doc: Value = serde_json::from_str(CHECKED_IN).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "all endpoints are documented");
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has a summary"
            );
            let responses = op["responses"].as_object().unwrap();
            let public = ["/api/health", "/api/ready", "/api/v1/setup"].contains(&path.as_str())
                || path.starts_with("/api/v1/auth/")
                || path.starts_with("/api/v1/invitations")
                || path.starts_with("/api/v1/library")
                || path.starts_with("/api/v1/analysis");
            if !public {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} documents 401"
                );
                assert!(
                    op["security"].is_array(),
                    "{method} {path} names its security"
                );
            }
            if op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("422") && responses.contains_key("400"),
                    "{method} {path} documents bad input"
                );
            }
        }
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn swagger_ui_is_served_without_the_internet() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger"), "the Swagger UI page");
    assert!(!html.contains("https://"), "no assets from the internet");
}
