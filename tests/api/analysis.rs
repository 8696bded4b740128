//! The stateless analysis API over HTTP: reference cases (the peers' own outputs, also run
//! against `qi_shared::spc` directly in shared/tests) give the same answers through JSON, and
//! bad input gets a problem document naming the field, never a 5xx.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, fields, spawn_app};

fn cases(folder: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tests/spc-cases")
        .join(folder);
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("the reference cases are there")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a readable case");
            let name = path
                .file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, serde_json::from_str(&text).expect("a JSON case"))
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

fn close(actual: &Value, expected: &Value) -> bool {
    match (actual.as_f64(), expected.as_f64()) {
        (Some(a), Some(e)) => (a - e).abs() <= 1e-9 * e.abs().max(1.0),
        _ => actual.is_null() && expected.is_null(),
    }
}

async fn analyse(app: &TestApp, path: &str, body: Value) -> Value {
    app.call(Method::POST, path, None, Some(body))
        .await
        .expect::<Value>(200)
}

#[tokio::test]
async fn xmr_reference_cases_answer_as_the_peer_computes_them() {
    let app = spawn_app().await;
    let mut checked = 0;
    for (name, case) in cases("spc") {
        let expected = &case["expected"];
        // One series a request: cases with facets are several series, and the peer's errors
        // have no expected chart (shared/tests checks both).
        if case["input"]["facets"].is_array() || expected["error"].is_string() {
            continue;
        }
        let options = &case["options"];
        let dates = case["input"]["dates"].as_array().expect("dates");
        let values = case["input"]["values"].as_array().expect("values");
        let points: Vec<Value> = dates
            .iter()
            .zip(values)
            .map(|(date, value)| json!({ "date": date, "value": value }))
            .collect();
        let answer = analyse(
            &app,
            "/api/v1/analysis/spc",
            json!({
                "points": points,
                "improvement_direction": options["improvement_direction"],
                "target": options["target"],
                "rebase_dates": options["rebase_dates"],
                "fix_after_n_points": options["fix_after_n_points"],
                "screen_outliers": options["screen_outliers"],
            }),
        )
        .await;
        let want = &expected["points"];
        let got = answer["points"].as_array().expect("points");
        assert_eq!(
            got.len(),
            want["date"].as_array().expect("dates").len(),
            "{name}"
        );
        for (i, point) in got.iter().enumerate() {
            assert_eq!(point["date"], want["date"][i], "{name} point {i} date");
            assert_eq!(
                point["phase"], want["rebase_group"][i],
                "{name} point {i} phase"
            );
            assert_eq!(
                point["point_type"], want["point_type"][i],
                "{name} point {i} type"
            );
            for (field, column) in [("mean", "mean"), ("lpl", "lpl"), ("upl", "upl")] {
                assert!(
                    close(&point[field], &want[column][i]),
                    "{name} point {i} {field}: {} (expected {})",
                    point[field],
                    want[column][i]
                );
            }
        }
        let icon = expected["icons"]
            .as_array()
            .and_then(|icons| icons.iter().find(|i| i["type"] == "variation"))
            .and_then(|i| i["icon"].as_str())
            .and_then(|icon| icon.strip_suffix(".svg"))
            .expect("a variation icon");
        assert_eq!(answer["variation_icon"], icon, "{name} variation icon");
        let assurance = match expected["assurance"][0]["assurance_type"].as_str() {
            Some("consistent_pass") => json!("pass"),
            Some("consistent_fail") => json!("fail"),
            Some("inconsistent") => json!("inconsistent"),
            _ => Value::Null,
        };
        assert_eq!(answer["assurance_icon"], assurance, "{name} assurance icon");
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} cases checked");
}

#[tokio::test]
async fn run_chart_reference_cases_answer_as_the_peer_computes_them() {
    let app = spawn_app().await;
    let mut checked = 0;
    for (name, case) in cases("runchart") {
        if case["kind"] != "run_chart_anhoej" {
            continue;
        }
        let values = case["input"]["values"].as_array().expect("values");
        // The peer's x are in order but not all dates: a day each from 2000-01-01 keeps the order.
        let x: Vec<Value> = (0..values.len())
            .map(|i| {
                let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date")
                    + chrono::Days::new(i as u64);
                json!(day.to_string())
            })
            .collect();
        // The peer's options are 1-based positions; the API's are the points' dates.
        let date_at =
            |position: &Value| x[position.as_u64().expect("a position") as usize - 1].clone();
        let options = &case["options"];
        let dates_at = |option: &Value| -> Vec<Value> {
            option
                .as_array()
                .map(|ps| ps.iter().map(date_at).collect())
                .unwrap_or_default()
        };
        let body = json!({
            "points": x.iter().zip(values).map(|(date, value)| json!({"date": date, "value": value})).collect::<Vec<_>>(),
            "freeze_after": if options["freeze"].is_null() { Value::Null } else { date_at(&options["freeze"]) },
            "split_after": dates_at(&options["part"]),
            "exclude": dates_at(&options["exclude"]),
        });
        let answer = analyse(&app, "/api/v1/analysis/run-chart", body).await;
        let want = &case["expected"]["points"];
        for (i, point) in answer["points"]
            .as_array()
            .expect("points")
            .iter()
            .enumerate()
        {
            assert!(
                close(&point["centre_line"], &want["cl"][i]),
                "{name} point {i} centre line"
            );
            assert_eq!(point["part"], want["part"][i], "{name} point {i} part");
            assert_eq!(
                point["included"], want["include"][i],
                "{name} point {i} included"
            );
            assert_eq!(
                point["runs_signal"], want["runs_signal"][i],
                "{name} point {i} signal"
            );
        }
        let parts = answer["parts"].as_array().expect("parts");
        let want_parts = case["expected"]["parts"].as_array().expect("parts");
        assert_eq!(parts.len(), want_parts.len(), "{name} parts");
        for (part, want) in parts.iter().zip(want_parts) {
            for field in [
                "part",
                "n_obs",
                "n_useful",
                "longest_run",
                "longest_run_max",
                "n_crossings",
                "n_crossings_min",
                "runs_signal",
            ] {
                assert_eq!(
                    part[field], want[field],
                    "{name} part {} {field}",
                    want["part"]
                );
            }
            assert!(
                close(&part["centre_line"], &want["cl"]),
                "{name} centre line"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} cases checked");
}

#[tokio::test]
async fn a_gap_is_a_gap_and_no_sign_in_is_needed() {
    let app = spawn_app().await;
    let points: Vec<Value> = (1..=20)
        .map(|day| {
            let value = if day == 5 {
                Value::Null
            } else {
                json!(10 + day % 3)
            };
            json!({ "date": format!("2024-01-{day:02}"), "value": value })
        })
        .collect();
    let answer = analyse(
        &app,
        "/api/v1/analysis/spc",
        json!({ "points": points, "improvement_direction": "increase" }),
    )
    .await;
    assert_eq!(answer["points"][4]["value"], Value::Null);
    assert_eq!(answer["points"][4]["point_type"], "common_cause");
    let values: Vec<f64> = (1..=20)
        .filter(|d| *d != 5)
        .map(|d| f64::from(10 + d % 3))
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    assert!(
        close(&answer["phases"][0]["mean"], &json!(mean)),
        "the gap is left out of the mean"
    );
    assert_eq!(answer["assurance_icon"], Value::Null, "no target");
    assert!(answer["phases"][0]["upl"].as_f64().is_some());
}

#[tokio::test]
async fn bad_input_gets_a_problem_naming_the_field() {
    let app = spawn_app().await;
    let day = |d: u32| format!("2024-01-{d:02}");
    let some = |n: u32| -> Vec<Value> {
        (1..=n)
            .map(|d| json!({ "date": day(d), "value": d }))
            .collect()
    };
    let spc = "/api/v1/analysis/spc";
    let run = "/api/v1/analysis/run-chart";
    let table: Vec<(&str, Value, &str)> = vec![
        (
            spc,
            json!({ "points": [], "improvement_direction": "increase" }),
            "points",
        ),
        (spc, json!({ "points": some(3) }), "improvement_direction"),
        (
            spc,
            json!({ "points": some(3), "improvement_direction": "up" }),
            "improvement_direction",
        ),
        (
            spc,
            json!({ "points": [{ "date": "2024-01-01", "value": "ten" }], "improvement_direction": "increase" }),
            "points[0].value",
        ),
        (
            spc,
            json!({ "points": [{ "date": "01/02/2024", "value": 1 }], "improvement_direction": "increase" }),
            "points[0].date",
        ),
        (
            spc,
            json!({ "points": [{ "date": "2024-02-30", "value": 1 }], "improvement_direction": "increase" }),
            "points[0].date",
        ),
        (
            spc,
            json!({ "points": [{ "date": "2024-01-01", "value": 1 }, { "date": "2024-01-01", "value": 2 }], "improvement_direction": "increase" }),
            "points[1].date",
        ),
        (
            spc,
            json!({ "points": some(20), "improvement_direction": "increase", "fix_after_n_points": 5 }),
            "fix_after_n_points",
        ),
        (
            spc,
            json!({ "points": some(20), "improvement_direction": "increase", "rebase_dates": ["someday"] }),
            "rebase_dates[0]",
        ),
        (run, json!({ "points": [] }), "points"),
        (
            run,
            json!({ "points": some(5), "freeze_after": "2025-01-01" }),
            "freeze_after",
        ),
        (
            run,
            json!({ "points": some(5), "split_after": ["2025-01-01"] }),
            "split_after[0]",
        ),
        (
            run,
            json!({ "points": some(5), "exclude": [day(2), "2025-01-01"] }),
            "exclude[1]",
        ),
        (
            run,
            json!({ "points": [{ "date": "2024-01-01", "value": true }] }),
            "points[0].value",
        ),
    ];
    for (path, body, field) in table {
        let problem = app
            .call(Method::POST, path, None, Some(body.clone()))
            .await
            .problem(422);
        assert!(
            fields(&problem).contains(&field),
            "{path} {body}: expected an error on {field}, got {:?}",
            fields(&problem)
        );
    }
    let problem = app
        .post_raw(spc, None, "application/json", "{\"points\": [")
        .await
        .problem(400);
    assert_eq!(problem.status, 400);
}

#[tokio::test]
async fn a_million_points_are_refused_cleanly() {
    let app = spawn_app().await;
    let mut body = String::from("{\"improvement_direction\":\"increase\",\"points\":[");
    for i in 0..1_000_000u32 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            "{{\"date\":\"{}\",\"value\":{i}}}",
            20_000_101 + i
        ));
    }
    body.push_str("]}");
    let problem = app
        .post_raw("/api/v1/analysis/run-chart", None, "application/json", body)
        .await
        .problem(413);
    assert_eq!(problem.status, 413);
}
