use qi_shared::{
    evidence::{ScoreEvidence, Signal},
    measure::Measure,
    project::{Project, Visibility},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Cast, TestApp, cast, spawn_app};

/// A project of organisation A led by `member_a` and coached by `coach_a`, scored `score`.
async fn scored_project(app: &TestApp, c: &Cast, visibility: Visibility, score: f64) -> Project {
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "lead_organisation_id": c.org_a.id,
                   "visibility": visibility,
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"}, {"person_id": c.coach_a.0.id, "role": "coach"}]}),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/projects/{}/scores", project.id),
        &c.coach_a.1,
        json!({"score": score, "reason": "Reviewed at the coaching session"}),
    )
    .await
    .expect::<Value>(201);
    project
}

/// An outcome measure meant to increase, with one monthly value each from January 2025.
async fn outcome_measure(app: &TestApp, token: &str, project_id: i64, values: &[f64]) -> Measure {
    let measure: Measure = app
        .post(
            &format!("/api/v1/projects/{project_id}/measures"),
            token,
            json!({
                "name": "Patients with a completed falls risk assessment",
                "type": "outcome",
                "operational_definition": "Inpatients with a falls risk assessment within 24 hours of admission, by calendar month",
                "unit": "percentage",
                "numerator_definition": "Patients assessed within 24 hours",
                "denominator_definition": "Patients admitted",
                "improvement_direction": "increase",
                "frequency": "monthly",
            }),
        )
        .await
        .expect(201);
    let points: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, value)| json!({"date": format!("{}-{:02}-01", 2025 + i / 12, i % 12 + 1), "value": value}))
        .collect();
    app.put_with(
        &format!("/api/v1/measures/{}/points", measure.id),
        token,
        Some(format!("\"{}\"", measure.version)),
        json!({ "points": points }),
    )
    .await
    .expect(200)
}

/// Months that vary around `level` without any pattern a chart would call a signal.
fn flat(n: usize, level: f64) -> Vec<f64> {
    (0..n)
        .map(|i| level + [0.0, 2.0, -1.0, 1.0][i % 4])
        .collect()
}

fn path(project: &Project) -> String {
    format!("/api/v1/projects/{}/evidence", project.id)
}

#[tokio::test]
async fn a_claim_of_improvement_with_flat_data_is_flagged_with_the_reason() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let project = scored_project(&app, &c, Visibility::Partnership, 3.5).await;
    outcome_measure(&app, &c.member_a.1, project.id, &flat(20, 60.0)).await;

    let evidence: ScoreEvidence = app.get(&path(&project), &c.coach_a.1).await.expect(200);

    assert!(evidence.flagged && !evidence.supported);
    assert_eq!(evidence.score.map(|s| s.value()), Some(3.5));
    assert_eq!(
        evidence.reason,
        "Score 3.5 needs evidence: its one outcome or process measure doesn't show special cause improvement yet"
    );
    assert_eq!(evidence.measures.len(), 1);
    assert_eq!(evidence.measures[0].signal, Signal::NoSignal);
    assert_eq!(evidence.measures[0].values, 20);
}

#[tokio::test]
async fn a_sustained_rise_in_an_outcome_measure_supports_the_score() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let project = scored_project(&app, &c, Visibility::Partnership, 3.5).await;
    let mut values = flat(12, 60.0);
    values.extend(flat(8, 80.0));
    let measure = outcome_measure(&app, &c.member_a.1, project.id, &values).await;

    let evidence: ScoreEvidence = app.get(&path(&project), &c.member_a.1).await.expect(200);

    assert!(evidence.supported && !evidence.flagged);
    assert_eq!(evidence.measures[0].measure_id, measure.id);
    assert_eq!(evidence.measures[0].signal, Signal::Improvement);
    assert!(evidence.measures[0].supports_score);
    assert!(evidence.reason.starts_with("Score 3.5 is supported"));
}

#[tokio::test]
async fn a_score_below_modest_improvement_is_not_flagged() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let project = scored_project(&app, &c, Visibility::Partnership, 2.0).await;
    outcome_measure(&app, &c.member_a.1, project.id, &flat(20, 60.0)).await;

    let evidence: ScoreEvidence = app.get(&path(&project), &c.member_a.1).await.expect(200);

    assert!(!evidence.flagged && !evidence.supported);
    assert!(
        evidence
            .reason
            .starts_with("Score 2.0 claims no improvement")
    );
}

#[tokio::test]
async fn the_team_and_its_organisations_admins_see_the_evidence_and_no_one_else() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let shared = scored_project(&app, &c, Visibility::Partnership, 3.0).await;
    let private = scored_project(&app, &c, Visibility::Organisation, 3.0).await;

    for (who, token) in [
        ("the lead", &c.member_a.1),
        ("the coach", &c.coach_a.1),
        ("an admin of its organisation", &c.admin_a.1),
        ("a partnership admin", &app.admin),
    ] {
        for project in [&shared, &private] {
            let status = app.get(&path(project), token).await.status;
            assert_eq!(status, 200, "{who} on project {}", project.id);
        }
    }
    // Someone who may see the project but isn't in its team: forbidden; someone who may not see
    // it: it isn't there.
    for token in [&c.member_b.1, &c.admin_b.1] {
        app.get(&path(&shared), token).await.problem(403);
        app.get(&path(&private), token).await.problem(404);
    }
    let anonymous = app.call(Method::GET, &path(&shared), None, None).await;
    anonymous.problem(401);
    app.get("/api/v1/projects/999999/evidence", &c.member_a.1)
        .await
        .problem(404);
}
