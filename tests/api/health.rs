use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_ready_answer_ok_with_a_request_id() {
    let app = spawn_app().await;
    for path in ["/api/health", "/api/ready"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers().contains_key("x-request-id"),
            "{path} has a request id"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn every_response_carries_a_distinct_request_id() {
    let app = spawn_app().await;
    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let first = app.client.get(app.url("/api/health")).send().await.unwrap();
    let second = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert!(id(&first).is_some() && id(&second).is_some());
    assert_ne!(id(&first), id(&second));
}
