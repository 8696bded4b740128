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
                || path.starts_with("/api/v1/analysis")
                || path == "/api/v1/bulletins/feed.atom";
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

/// Every `$ref` in the document, with where it was found.
fn references<'a>(value: &'a Value, at: &str, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.push((at.to_owned(), target)),
                    _ => references(inner, &format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                references(inner, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_in_the_document_resolves() {
    let doc: Value = serde_json::from_str(CHECKED_IN).unwrap();
    let mut found = Vec::new();
    references(&doc, "", &mut found);
    assert!(found.len() > 100, "the document uses references");
    let unresolved: Vec<_> = found
        .iter()
        .filter(|(_, target)| {
            target
                .strip_prefix('#')
                .and_then(|pointer| doc.pointer(pointer))
                .is_none()
        })
        .collect();
    assert!(
        unresolved.is_empty(),
        "references to nothing (code generators and validators cannot read these): {unresolved:?}"
    );
}

#[tokio::test]
async fn every_paged_list_states_the_page_bounds_the_server_enforces() {
    use qi_shared::page::{MAX_PAGE, MAX_PER_PAGE};
    let doc: Value = serde_json::from_str(CHECKED_IN).unwrap();
    let mut lists = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
            for (name, max) in [("page", MAX_PAGE), ("per_page", MAX_PER_PAGE)] {
                let Some(parameter) = parameters.iter().find(|p| p["name"] == name) else {
                    continue;
                };
                lists += 1;
                let schema = &parameter["schema"];
                assert_eq!(schema["minimum"], 1, "{method} {path}: {name} minimum");
                assert_eq!(schema["maximum"], max, "{method} {path}: {name} maximum");
            }
        }
    }
    assert!(
        lists >= 18,
        "every paged list was looked at ({lists} parameters)"
    );
}

#[tokio::test]
async fn project_list_score_filters_state_the_ihi_scale_steps() {
    let doc: Value = serde_json::from_str(CHECKED_IN).unwrap();
    for path in ["/api/v1/projects", "/api/v1/library"] {
        let parameters = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        for name in ["score_min", "score_max"] {
            let schema = &parameters.iter().find(|p| p["name"] == name).unwrap()["schema"];
            assert_eq!(schema["minimum"], 0.5, "{path} {name}");
            assert_eq!(schema["maximum"], 5.0, "{path} {name}");
            assert_eq!(schema["multipleOf"], 0.5, "{path} {name}");
        }
    }
}

#[tokio::test]
async fn every_text_field_states_the_length_and_characters_the_server_enforces() {
    use qi_shared::capability::{MAX_OVERRIDE_REASON, coaching};
    use qi_shared::validation::{OPTIONAL_TEXT_PATTERN, REQUIRED_TEXT_PATTERN};
    use qi_shared::{improvement, measure, organisation, partnership, person, project, training};
    let doc: Value = serde_json::from_str(CHECKED_IN).unwrap();
    let schemas = &doc["components"]["schemas"];
    // (schema, field, must it be given, the most characters): the limits `validate` applies.
    let required = [
        ("PartnershipUpdate", "name", partnership::MAX_NAME),
        ("SetupRequest", "partnership_name", partnership::MAX_NAME),
        ("SetupRequest", "name", person::MAX_NAME),
        ("SetupRequest", "job_role", person::MAX_JOB_ROLE),
        ("NewOrganisation", "name", organisation::MAX_NAME),
        ("OrganisationUpdate", "name", organisation::MAX_NAME),
        ("NewInvitation", "name", person::MAX_NAME),
        ("NewInvitation", "job_role", person::MAX_JOB_ROLE),
        ("PersonUpdate", "name", person::MAX_NAME),
        ("PersonUpdate", "job_role", person::MAX_JOB_ROLE),
        ("TierOverrideInput", "reason", MAX_OVERRIDE_REASON),
        ("PrimaryDriver", "text", improvement::MAX_NODE_TEXT),
        ("SecondaryDriver", "text", improvement::MAX_NODE_TEXT),
        ("ChangeIdeaNode", "text", improvement::MAX_NODE_TEXT),
        ("PdsaInput", "objective", improvement::MAX_OBJECTIVE),
        ("ProjectInput", "title", project::MAX_TITLE),
        ("ProjectInput", "aim", project::MAX_AIM),
        ("ScoreInput", "reason", project::MAX_SCORE_REASON),
        ("CourseInput", "title", training::MAX_TITLE),
        ("SessionInput", "title", training::MAX_TITLE),
        ("CohortInput", "name", training::MAX_TITLE),
        ("MeasureInput", "name", measure::MAX_NAME),
        (
            "MeasureInput",
            "operational_definition",
            measure::MAX_DEFINITION,
        ),
        ("AnnotationInput", "label", measure::MAX_LABEL),
    ];
    let optional = [
        ("PdsaInput", "questions", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "predictions", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "plan", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "data_to_collect", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "what_happened", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "problems", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "study", improvement::MAX_CYCLE_TEXT),
        ("PdsaInput", "next_step", improvement::MAX_CYCLE_TEXT),
        ("ProjectInput", "problem", project::MAX_PROBLEM),
        ("Involvement", "how", project::MAX_INVOLVEMENT),
        ("Sustainability", "description", project::MAX_SUSTAINABILITY),
        ("CourseInput", "description", training::MAX_DESCRIPTION),
        ("CohortInput", "venue", training::MAX_VENUE),
        ("CohortInput", "online_link", training::MAX_LINK),
        (
            "MeasureInput",
            "numerator_definition",
            measure::MAX_DEFINITION,
        ),
        (
            "MeasureInput",
            "denominator_definition",
            measure::MAX_DEFINITION,
        ),
        ("PointInput", "note", measure::MAX_NOTE),
    ];
    let paragraphs = [
        ("CoachingSessionInput", "notes", coaching::MAX_NOTES),
        ("CoachingSessionInput", "actions", coaching::MAX_ACTIONS),
    ];
    let cases = required
        .iter()
        .map(|&(s, f, max)| (s, f, Some(1), max, REQUIRED_TEXT_PATTERN))
        .chain(
            optional
                .iter()
                .map(|&(s, f, max)| (s, f, None, max, OPTIONAL_TEXT_PATTERN)),
        )
        .chain(
            paragraphs
                .iter()
                .map(|&(s, f, max)| (s, f, None, max, coaching::PARAGRAPHS_PATTERN)),
        );
    for (schema, field, min, max, pattern) in cases {
        let property = &schemas[schema]["properties"][field];
        assert_eq!(property["maxLength"], max, "{schema}.{field} maxLength");
        assert_eq!(
            property["minLength"].as_u64(),
            min,
            "{schema}.{field} minLength"
        );
        assert_eq!(property["pattern"], pattern, "{schema}.{field} pattern");
    }
    for schema in ["NewOrganisation", "OrganisationUpdate"] {
        assert_eq!(
            schemas[schema]["properties"]["ods_code"]["pattern"],
            organisation::ODS_CODE_PATTERN,
            "{schema}.ods_code pattern"
        );
    }
    // A project's tags: how many, and each as `project::normalise_tag` checks it.
    let tags = &schemas["ProjectInput"]["properties"]["tags"];
    assert_eq!(
        tags["maxItems"],
        project::MAX_TAGS,
        "ProjectInput.tags maxItems"
    );
    assert_eq!(tags["items"]["minLength"], 1, "a tag's minLength");
    assert_eq!(
        tags["items"]["maxLength"],
        project::MAX_TAG,
        "a tag's maxLength"
    );
    assert_eq!(
        tags["items"]["pattern"], REQUIRED_TEXT_PATTERN,
        "a tag's pattern"
    );
    // Email addresses' length, and passwords' (their characters are free).
    for schema in ["NewInvitation", "SetupRequest"] {
        assert_eq!(
            schemas[schema]["properties"]["email"]["maxLength"],
            person::MAX_EMAIL,
            "{schema}.email maxLength"
        );
    }
    for schema in ["AcceptInvitation", "SetupRequest"] {
        let password = &schemas[schema]["properties"]["password"];
        assert_eq!(
            password["minLength"],
            person::MIN_PASSWORD,
            "{schema}.password minLength"
        );
        assert_eq!(
            password["maxLength"],
            person::MAX_PASSWORD,
            "{schema}.password maxLength"
        );
    }
}
