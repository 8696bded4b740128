//! The problem-document promise: every failure is `application/problem+json`, and no input
//! causes a 5xx.

use reqwest::Method;

use serde_json::json;

use crate::helpers::{fields, spawn_app};

#[tokio::test]
async fn unknown_api_routes_and_methods_answer_with_a_problem() {
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/api/v1/no-such-thing"),
        (Method::GET, "/api/nothing"),
        (Method::GET, "/api/v1/organisations/12/unknown"),
        (Method::GET, "/api/v1/projects/"),
    ] {
        let problem = app
            .call(method.clone(), path, Some(&app.admin), None)
            .await
            .problem(404);
        assert_eq!(problem.code, "not_found", "{method} {path}");
    }
}

#[tokio::test]
async fn a_method_an_endpoint_does_not_have_is_405_with_the_methods_it_has() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/me", "GET, PATCH"),
        (Method::PUT, "/api/v1/auth/login", "POST"),
        (Method::DELETE, "/api/v1/projects", "GET, POST"),
        (Method::PATCH, "/api/v1/projects/12", "GET, PUT"),
        (Method::POST, "/api/v1/measures/3/points/9", "PUT, DELETE"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&app.admin)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(
            response
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = spawn_app().await;
    let huge = format!(
        "{{\"name\":\"{}\",\"ods_code\":\"ABC\",\"org_type\":\"other\"}}",
        "x".repeat(200 * 1024)
    );
    let problem = app
        .post_raw(
            "/api/v1/organisations",
            Some(&app.admin),
            "application/json",
            huge,
        )
        .await
        .problem(413);
    assert_eq!(problem.code, "payload_too_large");
}

#[tokio::test]
async fn bad_query_strings_name_the_parameter() {
    let app = spawn_app().await;
    for (query, parameter) in [
        ("page=abc", "page"),
        ("per_page=-5", "per_page"),
        ("org_type=hospital", "org_type"),
        ("status=deleted", "status"),
    ] {
        let problem = app
            .get(&format!("/api/v1/organisations?{query}"), &app.admin)
            .await
            .problem(400);
        assert_eq!(problem.code, "invalid_query");
        assert!(
            problem
                .detail
                .as_deref()
                .unwrap_or("")
                .contains(&format!("`{parameter}`")),
            "{query}: {problem:?}"
        );
    }
    let out_of_range = app
        .get("/api/v1/organisations?per_page=1000", &app.admin)
        .await
        .problem(422);
    assert_eq!(out_of_range.errors[0].field, "per_page");
}

#[tokio::test]
async fn a_page_far_past_the_end_is_refused_on_every_paged_list_not_a_dropped_connection() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/projects",
        "/api/v1/library",
        "/api/v1/people",
        "/api/v1/organisations",
        "/api/v1/courses",
        "/api/v1/cohorts",
        "/api/v1/capability/caseload",
        "/api/v1/capability/coverage",
    ] {
        for page in ["18446744073709551615", "1000001"] {
            let problem = app
                .get(&format!("{path}?page={page}"), &app.admin)
                .await
                .problem(422);
            assert_eq!(problem.errors[0].field, "page", "{path}?page={page}");
        }
    }
}

#[tokio::test]
async fn hostile_input_never_causes_a_server_error() {
    let app = spawn_app().await;
    let bodies = [
        "",
        "null",
        "{}",
        "[]",
        "\"string\"",
        "{\"name\": null}",
        "{\"name\": \"\\u0000\", \"ods_code\": \"\\u0000\", \"org_type\": \"other\"}",
        "{\"name\": [1,2], \"email\": {\"a\": 1}}",
        "{\"organisation_id\": 99999999999999999999}",
        "{\"organisation_id\": -1, \"name\": \"a\", \"email\": \"a@b.co\", \"job_role\": \"x\"}",
        "{\"roles\": [\"emperor\"]}",
        "{\"token\": \"' OR 1=1 --\", \"password\": \"aaaaaaaaaaaaaaaaaaa\"}",
        "{\"name\": \"Robert'); DROP TABLE organisations;--\", \"ods_code\": \"ABC\", \"org_type\": \"other\"}",
    ];
    let endpoints = [
        (Method::POST, "/api/v1/auth/login"),
        (Method::POST, "/api/v1/auth/refresh"),
        (Method::POST, "/api/v1/auth/logout"),
        (Method::POST, "/api/v1/setup"),
        (Method::POST, "/api/v1/invitations/accept"),
        (Method::PATCH, "/api/v1/me"),
        (Method::PATCH, "/api/v1/partnership"),
        (Method::POST, "/api/v1/organisations"),
        (Method::PATCH, "/api/v1/organisations/1"),
        (Method::POST, "/api/v1/people"),
        (Method::PATCH, "/api/v1/people/1"),
        (Method::PUT, "/api/v1/people/2/roles"),
    ];
    for (method, path) in &endpoints {
        for body in bodies {
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(&app.admin)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert!(
                status.is_client_error() || status.is_success(),
                "{method} {path} with {body:?} gave {status}"
            );
            if status.is_client_error() {
                assert_eq!(
                    response.headers()["content-type"],
                    "application/problem+json",
                    "{method} {path} with {body:?}"
                );
            }
        }
    }
    for path in [
        "/api/v1/organisations/abc",
        "/api/v1/organisations/99999999999999999999",
        "/api/v1/organisations/-1",
        "/api/v1/people/1.5",
        "/api/v1/invitations/%00",
        "/api/v1/organisations?q=%25%27%22%5C",
        "/api/v1/people?role=&status=",
    ] {
        let answer = app.get(path, &app.admin).await;
        assert!(
            answer.status.as_u16() < 500,
            "GET {path} gave {}",
            answer.status
        );
    }
    // The organisations table survived the SQL in the names above.
    let _: serde_json::Value = app
        .get("/api/v1/organisations", &app.admin)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_refused_naming_the_body() {
    let app = spawn_app().await;
    // serde would read a struct from an array of its fields in order.
    for body in [
        json!([null, null]),
        json!(["Someone Else", "Nurse"]),
        json!(7),
    ] {
        let problem = app
            .patch("/api/v1/me", &app.admin, body.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), ["body"], "{body}");
    }
}

#[tokio::test]
async fn a_whole_number_written_with_a_decimal_point_is_taken_as_that_integer() {
    let app = spawn_app().await;
    let rules: serde_json::Value = app
        .call(
            Method::PUT,
            "/api/v1/capability/rules",
            Some(&app.admin),
            Some(json!({"live_min_projects": 2.0, "lead_min_coaching_sessions": 4e0})),
        )
        .await
        .expect(200);
    assert_eq!(rules["live_min_projects"], 2);
    assert_eq!(rules["lead_min_coaching_sessions"], 4);
    let problem = app
        .call(
            Method::PUT,
            "/api/v1/capability/rules",
            Some(&app.admin),
            Some(json!({"live_min_projects": 2.5})),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["live_min_projects"]);
}
