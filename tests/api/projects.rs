use qi_shared::{
    person::Role,
    project::{Project, ProjectPage, ScoreChange, Visibility},
    spread::Adoption,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, cast, fields, spawn_app};

pub fn body(lead_org: i64) -> Value {
    json!({
        "title": "Fewer falls on ward 7",
        "problem": "Falls rose by a third last winter.",
        "aim": "Reduce falls on ward 7 by 30% by March 2027",
        "lead_organisation_id": lead_org,
        "tags": ["Falls", "older people"],
        "status": "active",
        "visibility": "partnership"
    })
}

impl TestApp {
    pub async fn create_project(&self, token: &str, body: Value) -> Project {
        self.post("/api/v1/projects", token, body).await.expect(201)
    }

    pub async fn put_project(
        &self,
        token: &str,
        id: i64,
        if_match: Option<&str>,
        body: Value,
    ) -> Answer {
        let mut request = self
            .client
            .put(self.url(&format!("/api/v1/projects/{id}")))
            .bearer_auth(token)
            .json(&body);
        if let Some(version) = if_match {
            request = request.header("If-Match", version);
        }
        Answer::from(request.send().await.unwrap()).await
    }
}

/// The project as a `ProjectInput`, to change and send back (the invited kept in its team).
pub fn as_input(p: &Project) -> Value {
    json!({
        "title": p.title, "problem": p.problem, "aim": p.aim,
        "lead_organisation_id": p.lead_organisation.id,
        "partner_organisation_ids": p.partner_organisations.iter().map(|o| o.id).collect::<Vec<_>>(),
        "team": p.team.iter().chain(&p.invited).map(|m| json!({"person_id": m.person_id, "role": m.role})).collect::<Vec<_>>(),
        "tags": p.tags, "status": p.status, "visibility": p.visibility,
        "involvement": p.involvement, "sustainability": p.sustainability,
    })
}

#[tokio::test]
async fn a_member_starts_a_joint_project_and_leads_it() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let mut request = body(c.org_a.id);
    request["partner_organisation_ids"] = json!([c.org_b.id]);
    request["team"] = json!([{"person_id": c.member_b.0.id, "role": "member"}, {"person_id": c.coach_a.0.id, "role": "coach"}]);
    let response = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&c.member_a.1)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let project: Project = response.json().await.unwrap();
    assert_eq!(project.lead_organisation.id, c.org_a.id);
    assert_eq!(
        project
            .partner_organisations
            .iter()
            .map(|o| o.id)
            .collect::<Vec<_>>(),
        [c.org_b.id]
    );
    assert_eq!(project.tags, ["falls", "older people"]);
    let lead = project
        .team
        .iter()
        .find(|m| m.role == qi_shared::project::TeamRole::Lead)
        .unwrap();
    assert_eq!(lead.person_id, c.member_a.0.id, "the creator leads it");
    assert_eq!(project.team.len(), 2);
    assert_eq!(
        project
            .invited
            .iter()
            .map(|m| m.person_id)
            .collect::<Vec<_>>(),
        [c.member_b.0.id],
        "the partner's member is invited"
    );
    assert_eq!(project.status_history.len(), 1);
    assert_eq!(project.status_history[0].changed_by, c.member_a.0.name);
    assert_eq!(project.version, 1);

    // Anyone in the partnership can read it; the answer names its version.
    let read = app
        .client
        .get(app.url(&format!("/api/v1/projects/{}", project.id)))
        .bearer_auth(&c.member_b.1)
        .send()
        .await
        .unwrap();
    assert_eq!(read.headers()["etag"], "\"1\"");
}

#[tokio::test]
async fn bad_projects_are_refused_field_by_field() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let token = &c.member_a.1;
    let a = c.org_a.id;
    let with = |change: Value| {
        let mut b = body(a);
        for (k, v) in change.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (with(json!({"title": ""})), vec!["title"]),
        (with(json!({"aim": " "})), vec!["aim"]),
        (with(json!({"title": "x".repeat(201)})), vec!["title"]),
        (with(json!({"tags": ["x".repeat(51)]})), vec!["tags[0]"]),
        (with(json!({"status": "paused"})), vec!["status"]),
        (with(json!({"visibility": "secret"})), vec!["visibility"]),
        (
            with(json!({"start_date": "2026-13-01"})),
            vec!["start_date"],
        ),
        (
            with(json!({"start_date": "2026-03-01", "expected_end_date": "2026-01-01"})),
            vec!["expected_end_date"],
        ),
        (
            with(json!({"involvement": {"involved": true, "how": ""}})),
            vec!["involvement.how"],
        ),
        (
            with(json!({"sustainability": {"has_aspect": true, "co2e_kg_per_year": -5}})),
            vec!["sustainability.co2e_kg_per_year"],
        ),
        (
            with(json!({"partner_organisation_ids": [424242]})),
            vec!["partner_organisation_ids[0]"],
        ),
        (
            with(json!({"team": [{"person_id": 424242, "role": "member"}]})),
            vec!["team[0].person_id"],
        ),
        (
            with(json!({"team": [{"person_id": c.member_a.0.id, "role": "member"}]})),
            vec!["team"],
        ),
        (
            with(json!({"team": [{"person_id": c.member_a.0.id, "role": "boss"}]})),
            vec!["team[0].role"],
        ),
        (
            with(
                json!({"team": (0..101).map(|i| json!({"person_id": 1000 + i, "role": if i == 0 { "lead" } else { "member" }})).collect::<Vec<_>>()}),
            ),
            vec!["team"],
        ),
        (
            with(json!({"partner_organisation_ids": (1000..1051).collect::<Vec<i64>>()})),
            vec!["partner_organisation_ids"],
        ),
    ];
    for (request, expected) in cases {
        let problem = app
            .post("/api/v1/projects", token, request.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), expected, "{request}");
    }
    let unknown_lead = with(json!({"lead_organisation_id": 424242}));
    let answer = app
        .post("/api/v1/projects", &app.admin, unknown_lead)
        .await
        .problem(422);
    assert_eq!(fields(&answer), ["lead_organisation_id"]);
    // Starting a project for another organisation is not a member's to do.
    app.post("/api/v1/projects", token, body(c.org_b.id))
        .await
        .problem(403);
    app.call(Method::POST, "/api/v1/projects", None, Some(body(a)))
        .await
        .problem(401);
    let page: ProjectPage = app.get("/api/v1/projects", &app.admin).await.expect(200);
    assert_eq!(
        page.page.total, 0,
        "nothing was created by the refused requests"
    );
}

#[tokio::test]
async fn who_sees_a_project_follows_its_visibility() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let org_c = app
        .create_organisation("Hilltop Care Home", "SC9", "social_care")
        .await;
    let (_, outsider) = app.person("outsider@example.org", org_c.id, &[]).await;
    let (_, admin_c) = app
        .person("lead.c@example.org", org_c.id, &[Role::OrganisationAdmin])
        .await;

    for visibility in Visibility::ALL {
        let mut request = body(c.org_a.id);
        request["visibility"] = json!(visibility);
        request["partner_organisation_ids"] = json!([c.org_b.id]);
        request["team"] = json!([{"person_id": c.member_a.0.id, "role": "lead"}]);
        let project = app.create_project(&c.member_a.1, request).await;
        let path = format!("/api/v1/projects/{}", project.id);
        let private = *visibility == Visibility::Team;
        let organisational = matches!(visibility, Visibility::Team | Visibility::Organisation);
        // (who, may see)
        let matrix = [
            ("the team lead", &c.member_a.1, true),
            ("a partner organisation's admin", &c.admin_b.1, true),
            ("the lead organisation's admin", &c.admin_a.1, true),
            (
                "a colleague in the lead organisation",
                &c.coach_a.1,
                !private,
            ),
            (
                "a member of a partner organisation",
                &c.member_b.1,
                !private,
            ),
            (
                "someone in another organisation",
                &outsider,
                !organisational,
            ),
            ("another organisation's admin", &admin_c, !organisational),
            ("the partnership admin", &app.admin, true),
        ];
        for (who, token, may) in matrix {
            let answer = app.get(&path, token).await;
            let expected = if may { 200 } else { 404 };
            assert_eq!(answer.status.as_u16(), expected, "{visibility:?}: {who}");
            let page: ProjectPage = app.get("/api/v1/projects", token).await.expect(200);
            assert_eq!(
                page.items.iter().any(|p| p.id == project.id),
                may,
                "{visibility:?} in the list: {who}"
            );
        }
        app.call(Method::GET, &path, None, None).await.problem(401);
        let public = *visibility == Visibility::Public;
        let library = app
            .call(
                Method::GET,
                &format!("/api/v1/library/{}", project.id),
                None,
                None,
            )
            .await;
        assert_eq!(
            library.status.as_u16(),
            if public { 200 } else { 404 },
            "{visibility:?} in the library"
        );
        let page: ProjectPage = app
            .call(Method::GET, "/api/v1/library", None, None)
            .await
            .expect(200);
        assert_eq!(
            page.items.iter().any(|p| p.id == project.id),
            public,
            "{visibility:?} listed in the library"
        );
    }
}

#[tokio::test]
async fn only_the_team_and_its_organisations_admins_change_a_project() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let mut request = body(c.org_a.id);
    request["team"] = json!([{"person_id": c.member_a.0.id, "role": "lead"}, {"person_id": c.member_b.0.id, "role": "member"}]);
    let created = app.create_project(&c.member_a.1, request).await;
    // Of another organisation, they join when they accept (the version moves on to 2).
    app.accept_team_invitations(&c.member_b.1).await;
    let project: Project = app
        .get(&format!("/api/v1/projects/{}", created.id), &c.member_a.1)
        .await
        .expect(200);
    let mut change = as_input(&project);
    change["title"] = json!("Fewer falls on wards 7 and 8");

    app.put_project(&c.coach_a.1, project.id, Some("\"2\""), change.clone())
        .await
        .problem(403);
    app.put_project(&c.admin_b.1, project.id, Some("\"2\""), change.clone())
        .await
        .problem(403);
    let by_member: Project = app
        .put_project(&c.member_b.1, project.id, Some("\"2\""), change.clone())
        .await
        .expect(200);
    assert_eq!(
        (by_member.title.as_str(), by_member.version),
        ("Fewer falls on wards 7 and 8", 3)
    );
    change["status"] = json!("completed");
    let by_admin: Project = app
        .put_project(&c.admin_a.1, project.id, Some("W/\"3\""), change.clone())
        .await
        .expect(200);
    assert_eq!(
        by_admin.status_history.len(),
        2,
        "the status change is recorded"
    );
    assert_eq!(by_admin.status_history[1].changed_by, c.admin_a.0.name);
    change["title"] = json!("");
    let problem = app
        .put_project(&c.member_a.1, project.id, Some("\"4\""), change)
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["title"]);
}

#[tokio::test]
async fn two_editors_never_silently_overwrite_each_other() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let project = app.create_project(&c.member_a.1, body(c.org_a.id)).await;
    let (mut first, mut second) = (as_input(&project), as_input(&project));
    first["aim"] = json!("Reduce falls by 30% by March");
    second["aim"] = json!("Reduce falls by 50% by June");

    // Both loaded version 1; they save at the same moment.
    let (a, b) = tokio::join!(
        app.put_project(&c.member_a.1, project.id, Some("\"1\""), first),
        app.put_project(&c.admin_a.1, project.id, Some("\"1\""), second),
    );
    let statuses = [a.status.as_u16(), b.status.as_u16()];
    assert!(
        statuses.contains(&200) && statuses.contains(&412),
        "one wins and one is told: {statuses:?}"
    );
    let loser = if a.status == 412 { a } else { b };
    assert_eq!(loser.problem(412).code, "version_conflict");

    let saved: Project = app
        .get(&format!("/api/v1/projects/{}", project.id), &c.member_a.1)
        .await
        .expect(200);
    assert_eq!(saved.version, 2);
    // Without If-Match nothing is written either.
    let problem = app
        .put_project(&c.member_a.1, project.id, None, as_input(&saved))
        .await
        .problem(428);
    assert_eq!(problem.code, "precondition_required");
    app.put_project(&c.member_a.1, project.id, Some("\"1\""), as_input(&saved))
        .await
        .problem(412);
}

#[tokio::test]
async fn the_lead_coach_and_admins_score_a_project_with_a_reason_and_its_history_is_kept() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let mut request = body(c.org_a.id);
    request["team"] = json!([
        {"person_id": c.member_a.0.id, "role": "lead"},
        {"person_id": c.coach_a.0.id, "role": "coach"},
        {"person_id": c.member_b.0.id, "role": "member"}
    ]);
    let project = app.create_project(&c.member_a.1, request).await;
    let path = format!("/api/v1/projects/{}/scores", project.id);

    let first: ScoreChange = app
        .post(
            &path,
            &c.member_a.1,
            json!({"score": 2.0, "reason": "Baseline data collected"}),
        )
        .await
        .expect(201);
    assert_eq!(
        (first.score.value(), first.label.as_str()),
        (2.0, "Activity, but no changes")
    );
    let _: ScoreChange = app
        .post(
            &path,
            &c.coach_a.1,
            json!({"score": 3.0, "reason": "Two PDSA cycles show fewer falls"}),
        )
        .await
        .expect(201);
    let _: ScoreChange = app
        .post(
            &path,
            &c.admin_a.1,
            json!({"score": 3.5, "reason": "Spread to ward 8"}),
        )
        .await
        .expect(201);
    app.post(
        &path,
        &c.member_b.1,
        json!({"score": 5.0, "reason": "We think so"}),
    )
    .await
    .problem(403);
    app.post(
        &path,
        &c.admin_b.1,
        json!({"score": 5.0, "reason": "Not their project"}),
    )
    .await
    .problem(403);

    for (request, field) in [
        (json!({"score": 3.3, "reason": "x"}), "score"),
        (json!({"score": 6, "reason": "x"}), "score"),
        (json!({"score": 3.0, "reason": " "}), "reason"),
        (json!({"score": 3.0}), "reason"),
    ] {
        let problem = app
            .post(&path, &c.member_a.1, request.clone())
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{request}");
    }

    let history: Vec<ScoreChange> = app.get(&path, &c.member_b.1).await.expect(200);
    let summary: Vec<(f64, &str)> = history
        .iter()
        .map(|s| (s.score.value(), s.changed_by.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (3.5, c.admin_a.0.name.as_str()),
            (3.0, c.coach_a.0.name.as_str()),
            (2.0, c.member_a.0.name.as_str())
        ]
    );
    let now: Project = app
        .get(&format!("/api/v1/projects/{}", project.id), &c.member_a.1)
        .await
        .expect(200);
    assert_eq!(now.score.map(|s| s.value()), Some(3.5));
}

#[tokio::test]
async fn projects_are_found_by_words_and_filters() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let token = &c.member_a.1;
    let mk = |title: &str, tags: Value, extra: Value| {
        let mut b = body(c.org_a.id);
        b["title"] = json!(title);
        b["aim"] = json!(format!("Improve {title} by 2027"));
        b["tags"] = tags;
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let falls = app
        .create_project(
            token,
            mk(
                "Falls prevention",
                json!(["falls"]),
                json!({"involvement": {"involved": true, "how": "Patient panel"}}),
            ),
        )
        .await;
    let sepsis = app
        .create_project(
            token,
            mk(
                "Sepsis screening",
                json!(["sepsis", "emergency care"]),
                json!({"status": "completed"}),
            ),
        )
        .await;
    let discharge = app
        .create_project(
            token,
            mk("Discharge before noon", json!(["flow"]), json!({
                "sustainability": {"has_aspect": true, "description": "Fewer bed days", "co2e_kg_per_year": 1200},
                "partner_organisation_ids": [c.org_b.id],
                "team": [{"person_id": c.member_a.0.id, "role": "lead"}, {"person_id": c.coach_a.0.id, "role": "coach"}]
            })),
        )
        .await;
    // Spread to a partner: derived from its adoption.
    let _: Adoption = app
        .post(
            "/api/v1/adoptions",
            token,
            json!({"project_id": sepsis.id, "organisation_id": c.org_b.id, "stage": "adopted"}),
        )
        .await
        .expect(201);
    let _: ScoreChange = app
        .post(
            &format!("/api/v1/projects/{}/scores", sepsis.id),
            token,
            json!({"score": 4.0, "reason": "Goals met"}),
        )
        .await
        .expect(201);
    let _: ScoreChange = app
        .post(
            &format!("/api/v1/projects/{}/scores", falls.id),
            token,
            json!({"score": 2.5, "reason": "Tests"}),
        )
        .await
        .expect(201);

    let ids = |page: ProjectPage| page.items.into_iter().map(|p| p.id).collect::<Vec<_>>();
    let find = |query: &'static str| {
        let app = &app;
        async move {
            ids(app
                .get(&format!("/api/v1/projects?{query}"), token)
                .await
                .expect(200))
        }
    };
    assert_eq!(
        find("q=SEPSIS").await,
        [sepsis.id],
        "by title, without regard to case"
    );
    assert_eq!(find("q=emergency").await, [sepsis.id], "by tag");
    assert_eq!(
        find("q=improve+noon").await,
        [discharge.id],
        "every word must match"
    );
    assert_eq!(find("theme=flow").await, [discharge.id]);
    assert_eq!(find("status=completed").await, [sepsis.id]);
    assert_eq!(find("score_min=3.0").await, [sepsis.id]);
    assert_eq!(find("score_min=2.0&score_max=3.0").await, [falls.id]);
    assert_eq!(find("involvement=true").await, [falls.id]);
    assert_eq!(find("sustainability=true").await, [discharge.id]);
    assert_eq!(find("spread=partnership").await, [sepsis.id]);
    assert_eq!(
        find(Box::leak(
            format!("coach_id={}", c.coach_a.0.id).into_boxed_str()
        ))
        .await,
        [discharge.id]
    );
    assert_eq!(
        find(Box::leak(
            format!("organisation_id={}", c.org_b.id).into_boxed_str()
        ))
        .await,
        [discharge.id]
    );
    assert_eq!(
        find("sort=title").await,
        [discharge.id, falls.id, sepsis.id]
    );
    assert_eq!(
        find("sort=score").await,
        [sepsis.id, falls.id, discharge.id]
    );
    assert_eq!(find("sort=title&per_page=2&page=2").await, [sepsis.id]);

    for (query, status) in [
        ("score_min=3.3", 422),
        ("per_page=0", 422),
        ("status=paused", 400),
        ("involvement=maybe", 400),
        ("sort=random", 400),
    ] {
        app.get(&format!("/api/v1/projects?{query}"), token)
            .await
            .problem(status);
    }
}

/// Asks `path` of `app` until `shown` holds of the answer: a change made through another node
/// shows here once this node reads the projects' stamp again (a fraction of a second).
async fn eventually(app: &TestApp, path: &str, shown: impl Fn(&Value) -> bool) {
    for _ in 0..200 {
        let answer = app.call(Method::GET, path, Some(&app.admin), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {:?}", answer.body);
        if shown(&answer.body) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path}: the change made through the other node never showed");
}

/// Two nodes on one database, as behind a load balancer: what is changed through one, the
/// other's lists and project page show too, though each keeps pages and reads the table's
/// stamp only now and then (in the background while it is busy).
#[tokio::test]
async fn a_change_made_through_one_node_shows_on_another() {
    let url = crate::helpers::fresh_database().await;
    let node = |address: String| TestApp {
        address,
        client: reqwest::Client::new(),
        admin: String::new(),
        admin_org: 0,
    };
    let mut a = node(crate::helpers::start(crate::helpers::test_settings(url.clone())).await);
    a.admin = a
        .login_ok(crate::helpers::ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD)
        .await
        .access_token;
    a.admin_org = a.me(&a.admin).await.organisation_id;
    let mut b = node(crate::helpers::start(crate::helpers::test_settings(url)).await);
    b.admin = a.admin.clone();

    let list = "/api/v1/projects?q=falls";
    let titles = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|p| p["title"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Node B has read (and keeps) the empty list before the project exists.
    eventually(&b, list, |page| titles(page).is_empty()).await;
    let project = a.create_project(&a.admin, body(a.admin_org)).await;
    eventually(&b, list, |page| titles(page) == ["Fewer falls on ward 7"]).await;

    let page_path = format!("/api/v1/projects/{}", project.id);
    eventually(&b, &page_path, |p| p["version"] == 1).await;
    let mut renamed = as_input(&project);
    renamed["title"] = json!("Fewer falls on wards 7 and 8");
    a.put_project(&a.admin, project.id, Some("\"1\""), renamed)
        .await
        .expect::<Project>(200);
    eventually(&b, list, |page| {
        titles(page) == ["Fewer falls on wards 7 and 8"]
    })
    .await;
    eventually(&b, &page_path, |p| {
        p["title"] == "Fewer falls on wards 7 and 8" && p["version"] == 2
    })
    .await;

    // Search too: the project's new words, and a course made through the other node (each
    // node's catalogue follows the changes feed).
    let found = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|h| h["title"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    eventually(&b, "/api/v1/search?q=wards+8", |page| {
        found(page) == ["Fewer falls on wards 7 and 8"]
    })
    .await;
    eventually(&b, "/api/v1/search?q=fundamentals", |page| {
        found(page).is_empty()
    })
    .await;
    a.post(
        "/api/v1/courses",
        &a.admin,
        crate::training::course_body(a.admin_org),
    )
    .await
    .expect::<Value>(201);
    eventually(&b, "/api/v1/search?q=fundamentals", |page| {
        found(page) == ["QI Fundamentals"]
    })
    .await;
}
