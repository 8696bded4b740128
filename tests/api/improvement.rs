use qi_shared::{
    improvement::{ActDecision, DriverDiagram, PdsaCycle},
    project::Project,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, cast, fields, spawn_app};

impl TestApp {
    pub async fn put_with(
        &self,
        path: &str,
        token: &str,
        if_match: Option<String>,
        body: Value,
    ) -> Answer {
        let mut request = self
            .client
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body);
        if let Some(version) = if_match {
            request = request.header("If-Match", version);
        }
        Answer::from(request.send().await.unwrap()).await
    }
}

fn tree() -> Value {
    json!({"primary_drivers": [
        {"text": "Reliable falls risk assessment", "secondary_drivers": [
            {"text": "Assessment within 24 hours", "change_ideas": [{"text": "Admission checklist"}, {"text": "Prompt in the e-record"}]}
        ]},
        {"text": "Safe ward environment", "change_ideas": [{"text": "Bed rails audit"}]}
    ]})
}

async fn project(app: &TestApp, token: &str, org: i64, visibility: &str) -> Project {
    app.post(
        "/api/v1/projects",
        token,
        json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "lead_organisation_id": org, "visibility": visibility}),
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn the_team_builds_a_driver_diagram_and_edits_it_as_a_tree() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p = project(&app, &c.member_a.1, c.org_a.id, "partnership").await;
    let path = format!("/api/v1/projects/{}/driver-diagram", p.id);

    let empty: DriverDiagram = app.get(&path, &c.member_b.1).await.expect(200);
    assert_eq!(
        (empty.aim.as_str(), empty.primary_drivers.len()),
        ("Reduce falls by 30% by March", 0)
    );

    let saved: DriverDiagram = app
        .put_with(&path, &c.member_a.1, Some("\"1\"".into()), tree())
        .await
        .expect(200);
    let ideas: Vec<&str> = saved
        .change_ideas()
        .into_iter()
        .map(|(i, _, _)| i.text.as_str())
        .collect();
    assert_eq!(
        ideas,
        [
            "Admission checklist",
            "Prompt in the e-record",
            "Bed rails audit"
        ]
    );
    assert!(saved.change_ideas().iter().all(|(i, _, _)| i.id.is_some()));

    // Edit: rename one idea (keeping its id), drop another, add a third; stale versions are refused.
    let mut edited = serde_json::to_value(&saved).unwrap();
    edited["primary_drivers"][0]["secondary_drivers"][0]["change_ideas"][0]["text"] =
        json!("Falls checklist on admission");
    edited["primary_drivers"][0]["secondary_drivers"][0]["change_ideas"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    edited["primary_drivers"][1]["change_ideas"]
        .as_array_mut()
        .unwrap()
        .push(json!({"text": "Night-time lighting"}));
    app.put_with(&path, &c.member_a.1, Some("\"1\"".into()), edited.clone())
        .await
        .problem(412);
    app.put_with(&path, &c.member_a.1, None, edited.clone())
        .await
        .problem(428);
    let again: DriverDiagram = app
        .put_with(&path, &c.member_a.1, Some("\"2\"".into()), edited)
        .await
        .expect(200);
    let first = &again.primary_drivers[0].secondary_drivers[0].change_ideas[0];
    assert_eq!(
        (first.id, first.text.as_str()),
        (
            saved.primary_drivers[0].secondary_drivers[0].change_ideas[0].id,
            "Falls checklist on admission"
        )
    );
    let ideas: Vec<&str> = again
        .change_ideas()
        .into_iter()
        .map(|(i, _, _)| i.text.as_str())
        .collect();
    assert_eq!(
        ideas,
        [
            "Falls checklist on admission",
            "Bed rails audit",
            "Night-time lighting"
        ]
    );
    let project: Project = app
        .get(&format!("/api/v1/projects/{}", p.id), &c.member_a.1)
        .await
        .expect(200);
    assert_eq!(
        project.version, 3,
        "every diagram change moves the project's version on"
    );
}

#[tokio::test]
async fn a_bad_diagram_is_refused_by_the_place_of_its_fault() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p = project(&app, &c.member_a.1, c.org_a.id, "partnership").await;
    let other = project(&app, &c.member_b.1, c.org_b.id, "partnership").await;
    let path = format!("/api/v1/projects/{}/driver-diagram", p.id);
    let saved_other: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", other.id),
            &c.member_b.1,
            Some("\"1\"".into()),
            tree(),
        )
        .await
        .expect(200);
    let foreign_id = saved_other.primary_drivers[0].id;

    let cases = [
        (
            json!({"primary_drivers": [{"text": ""}]}),
            "primary_drivers[0].text",
        ),
        (
            json!({"primary_drivers": [{"text": "A", "secondary_drivers": [{"text": "B", "change_ideas": [{"text": " "}]}]}]}),
            "primary_drivers[0].secondary_drivers[0].change_ideas[0].text",
        ),
        (
            json!({"primary_drivers": [{"id": foreign_id, "text": "Not ours"}]}),
            "primary_drivers[0].id",
        ),
        (json!({"primary_drivers": "none"}), "primary_drivers"),
    ];
    for (body, field) in cases {
        let problem = app
            .put_with(&path, &c.member_a.1, Some("\"1\"".into()), body.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{body}");
    }
    // Who may change it: the team, not a colleague who can only read it; the unseen see nothing.
    app.put_with(&path, &c.coach_a.1, Some("\"1\"".into()), tree())
        .await
        .problem(403);
    let private = project(&app, &c.member_a.1, c.org_a.id, "team").await;
    app.get(
        &format!("/api/v1/projects/{}/driver-diagram", private.id),
        &c.member_b.1,
    )
    .await
    .problem(404);
    app.call(Method::GET, &path, None, None).await.problem(401);
}

#[tokio::test]
async fn pdsa_cycles_form_a_ramp_per_change_idea() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p = project(&app, &c.member_a.1, c.org_a.id, "partnership").await;
    let diagram: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", p.id),
            &c.member_a.1,
            Some("\"1\"".into()),
            tree(),
        )
        .await
        .expect(200);
    let ideas: Vec<i64> = diagram
        .change_ideas()
        .into_iter()
        .filter_map(|(i, _, _)| i.id)
        .collect();
    let cycles_path = format!("/api/v1/projects/{}/cycles", p.id);

    let plan = |idea: i64, objective: &str| {
        json!({"change_idea_id": idea, "objective": objective, "predictions": "Half the admissions will have it done",
               "plan": "Ward 7, one week, night staff", "data_to_collect": "Checklists completed / admissions", "start_date": "2026-12-01"})
    };
    let first: PdsaCycle = app
        .post(
            &cycles_path,
            &c.member_a.1,
            plan(ideas[0], "Try the checklist for one week"),
        )
        .await
        .expect(201);
    let second: PdsaCycle = app
        .post(
            &cycles_path,
            &c.member_a.1,
            plan(ideas[0], "Try it on two wards"),
        )
        .await
        .expect(201);
    let other: PdsaCycle = app
        .post(
            &cycles_path,
            &c.member_a.1,
            plan(ideas[2], "Audit bed rails"),
        )
        .await
        .expect(201);
    assert_eq!((first.sequence, second.sequence, other.sequence), (1, 2, 1));

    // Do, Study, Act on the first cycle.
    let mut done = plan(ideas[0], "Try the checklist for one week");
    done["what_happened"] = json!("Used for 41 of 60 admissions");
    done["study"] = json!("68% against a prediction of 50%");
    done["act"] = json!("adapt");
    done["next_step"] = json!("Add it to the e-record");
    done["end_date"] = json!("2026-12-07");
    let cycle_path = format!("{cycles_path}/{}", first.id);
    let updated: PdsaCycle = app
        .put_with(
            &cycle_path,
            &c.member_a.1,
            Some("\"1\"".into()),
            done.clone(),
        )
        .await
        .expect(200);
    assert_eq!(
        (updated.act, updated.version, updated.stage()),
        (Some(ActDecision::Adapt), 2, "Act")
    );
    app.put_with(
        &cycle_path,
        &c.admin_a.1,
        Some("\"1\"".into()),
        done.clone(),
    )
    .await
    .problem(412);
    app.put_with(&cycle_path, &c.member_a.1, None, done)
        .await
        .problem(428);

    let all: Vec<PdsaCycle> = app.get(&cycles_path, &c.member_b.1).await.expect(200);
    let ramp: Vec<(&str, i32)> = all
        .iter()
        .map(|c| (c.change_idea.as_str(), c.sequence))
        .collect();
    assert_eq!(
        ramp,
        [
            ("Admission checklist", 1),
            ("Admission checklist", 2),
            ("Bed rails audit", 1)
        ]
    );

    // A change idea with cycles stays in the diagram until its cycles go.
    let mut without = serde_json::to_value(&diagram).unwrap();
    without["primary_drivers"][1]["change_ideas"] = json!([]);
    let problem = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", p.id),
            &c.member_a.1,
            Some("\"2\"".into()),
            without.clone(),
        )
        .await
        .problem(409);
    assert_eq!(problem.code, "change_idea_has_cycles");
    let gone = app
        .call(
            Method::DELETE,
            &format!("{cycles_path}/{}", other.id),
            Some(&c.member_a.1),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    let _: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", p.id),
            &c.member_a.1,
            Some("\"2\"".into()),
            without,
        )
        .await
        .expect(200);
}

#[tokio::test]
async fn bad_cycles_are_refused_and_only_the_team_records_them() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p = project(&app, &c.member_a.1, c.org_a.id, "partnership").await;
    let other = project(&app, &c.member_b.1, c.org_b.id, "partnership").await;
    let mine: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", p.id),
            &c.member_a.1,
            Some("\"1\"".into()),
            tree(),
        )
        .await
        .expect(200);
    let theirs: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", other.id),
            &c.member_b.1,
            Some("\"1\"".into()),
            tree(),
        )
        .await
        .expect(200);
    let idea = mine.change_ideas()[0].0.id.unwrap();
    let foreign_idea = theirs.change_ideas()[0].0.id.unwrap();
    let primary = mine.primary_drivers[0].id.unwrap();
    let path = format!("/api/v1/projects/{}/cycles", p.id);
    let cases = [
        (
            json!({"change_idea_id": idea, "objective": ""}),
            vec!["objective"],
        ),
        (json!({"change_idea_id": idea}), vec!["objective"]),
        (json!({"objective": "x"}), vec!["change_idea_id"]),
        (
            json!({"change_idea_id": foreign_idea, "objective": "x"}),
            vec!["change_idea_id"],
        ),
        (
            json!({"change_idea_id": primary, "objective": "x"}),
            vec!["change_idea_id"],
        ),
        (
            json!({"change_idea_id": idea, "objective": "x", "act": "ignore"}),
            vec!["act"],
        ),
        (
            json!({"change_idea_id": idea, "objective": "x", "start_date": "2026-05-02", "end_date": "2026-05-01"}),
            vec!["end_date"],
        ),
    ];
    for (body, expected) in cases {
        let problem = app
            .post(&path, &c.member_a.1, body.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), expected, "{body}");
    }
    let good = json!({"change_idea_id": idea, "objective": "x"});
    app.post(&path, &c.coach_a.1, good.clone())
        .await
        .problem(403);
    app.post(&path, &c.admin_b.1, good.clone())
        .await
        .problem(403);
    app.call(Method::POST, &path, None, Some(good.clone()))
        .await
        .problem(401);
    let cycle: PdsaCycle = app.post(&path, &c.admin_a.1, good).await.expect(201);
    app.call(
        Method::DELETE,
        &format!("{path}/{}", cycle.id),
        Some(&c.coach_a.1),
        None,
    )
    .await
    .problem(403);
    app.call(
        Method::DELETE,
        &format!("/api/v1/projects/{}/cycles/{}", other.id, cycle.id),
        Some(&c.member_b.1),
        None,
    )
    .await
    .problem(404);
    let none: Vec<PdsaCycle> = app
        .get(
            &format!("/api/v1/projects/{}/cycles", other.id),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert!(none.is_empty());
}
