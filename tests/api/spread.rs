//! Adoption and spread: dated stages deriving a project's spread level as of any day, the level
//! set by hand with a reason and withdrawn, who may record what, visibility, outside innovations,
//! and bad input.

use qi_shared::{
    improvement::DriverDiagram,
    project::{Project, ProjectPage, Spread},
    spread::{Adoption, AdoptionPage, AdoptionStage, Innovation, InnovationPage, SpreadView},
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, cast, fields, spawn_app};

async fn project(app: &TestApp, token: &str, org: i64, visibility: &str) -> Project {
    app.post(
        "/api/v1/projects",
        token,
        json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "lead_organisation_id": org, "visibility": visibility}),
    )
    .await
    .expect(201)
}

async fn spread(app: &TestApp, token: &str, id: i64, as_of: Option<&str>) -> SpreadView {
    let query = as_of.map(|d| format!("?as_of={d}")).unwrap_or_default();
    app.get(&format!("/api/v1/projects/{id}/spread{query}"), token)
        .await
        .expect(200)
}

async fn adopt(app: &TestApp, token: &str, body: Value) -> Adoption {
    app.post("/api/v1/adoptions", token, body).await.expect(201)
}

async fn stage(app: &TestApp, token: &str, id: i64, body: Value) -> Adoption {
    app.post(&format!("/api/v1/adoptions/{id}/stages"), token, body)
        .await
        .expect(200)
}

#[tokio::test]
async fn dated_stages_derive_the_spread_level_as_of_any_day() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (member_a, member_b) = (&c.member_a.1, &c.member_b.1);
    let p = project(&app, member_a, c.org_a.id, "partnership").await;

    let start = spread(&app, member_a, p.id, None).await;
    assert_eq!((start.level, start.derived), (Spread::Unit, Spread::Unit));
    assert!(start.history.is_empty() && start.can_set);
    assert!(!spread(&app, member_b, p.id, None).await.can_set);

    // Another organisation tests it, then adopts it: spread only once adopted.
    let testing = adopt(
        &app,
        member_b,
        json!({"project_id": p.id, "organisation_id": c.org_b.id, "stage": "testing", "on": "2026-01-10",
               "note": "Trying it on one ward"}),
    )
    .await;
    assert!(testing.can_change);
    assert_eq!(testing.stage, AdoptionStage::Testing);
    assert_eq!(spread(&app, member_a, p.id, None).await.level, Spread::Unit);
    let adopted = stage(
        &app,
        member_b,
        testing.id,
        json!({"stage": "adopted", "on": "2026-03-01"}),
    )
    .await;
    assert_eq!(
        adopted.stages.iter().map(|s| s.stage).collect::<Vec<_>>(),
        [AdoptionStage::Testing, AdoptionStage::Adopted]
    );
    assert_eq!(
        spread(&app, member_a, p.id, None).await.level,
        Spread::Partnership
    );
    let february = spread(&app, member_a, p.id, Some("2026-02-01")).await;
    assert_eq!(
        (february.level, february.counting_adoptions),
        (Spread::Unit, 0)
    );
    let march = spread(&app, member_a, p.id, Some("2026-03-01")).await;
    assert_eq!(
        (march.level, march.counting_adoptions),
        (Spread::Partnership, 1)
    );

    // A stage dated before the latest, or after today, is refused with the field named.
    for on in ["2026-02-01", "2999-01-01"] {
        let problem = app
            .post(
                &format!("/api/v1/adoptions/{}/stages", testing.id),
                member_b,
                json!({"stage": "sustained", "on": on}),
            )
            .await
            .problem(422);
        assert_eq!(fields(&problem), ["on"]);
    }

    // Another unit of the lead organisation, earlier: the organisation level from then.
    adopt(
        &app,
        member_a,
        json!({"project_id": p.id, "organisation_id": c.org_a.id, "unit": "Ward 12", "stage": "adopted", "on": "2026-02-01"}),
    )
    .await;
    let mid_feb = spread(&app, member_a, p.id, Some("2026-02-15")).await;
    assert_eq!(mid_feb.level, Spread::Organisation);
    let history: Vec<(String, Spread)> = spread(&app, member_a, p.id, None)
        .await
        .history
        .into_iter()
        .map(|s| (s.from.to_string(), s.level))
        .collect();
    assert_eq!(
        history,
        [
            ("2026-02-01".to_owned(), Spread::Organisation),
            ("2026-03-01".to_owned(), Spread::Partnership)
        ]
    );

    // Outside the partnership: only the project's team (or a partnership admin) records it.
    let outside = json!({"project_id": p.id, "outside_adopter": "Harbourside ICS", "stage": "adopted", "on": "2026-04-01"});
    app.post("/api/v1/adoptions", member_b, outside.clone())
        .await
        .problem(403);
    adopt(&app, member_a, outside).await;
    let page: Project = app
        .get(&format!("/api/v1/projects/{}", p.id), member_b)
        .await
        .expect(200);
    assert_eq!(page.spread, Spread::Beyond);
    let mut adopters: Vec<i64> = page.adopting_organisations.iter().map(|o| o.id).collect();
    adopters.sort_unstable();
    let mut expected = vec![c.org_a.id, c.org_b.id];
    expected.sort_unstable();
    assert_eq!(
        adopters, expected,
        "the partner organisations adopting it today"
    );
    let register: ProjectPage = app
        .get("/api/v1/projects?spread=beyond", member_b)
        .await
        .expect(200);
    assert_eq!(
        register.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        [p.id]
    );

    // Dropping one adoption takes its spread back, not the others'.
    stage(
        &app,
        member_b,
        testing.id,
        json!({"stage": "dropped", "note": "It did not fit our rota"}),
    )
    .await;
    assert_eq!(
        spread(&app, member_a, p.id, None).await.derived,
        Spread::Beyond
    );

    // Set by hand, with a reason; then back to what the adoptions show.
    let path = format!("/api/v1/projects/{}/spread", p.id);
    let setting = json!({"level": "unit", "reason": "The outside adoption was a one-week trial"});
    app.put(&path, member_b, setting.clone()).await.problem(403);
    let blank = app
        .put(&path, member_a, json!({"level": "unit", "reason": "  "}))
        .await
        .problem(422);
    assert_eq!(fields(&blank), ["reason"]);
    let set: SpreadView = app.put(&path, member_a, setting).await.expect(200);
    assert_eq!((set.level, set.derived), (Spread::Unit, Spread::Beyond));
    let by_hand = set.set_by_hand.expect("set by hand");
    assert_eq!(by_hand.reason, "The outside adoption was a one-week trial");
    assert_eq!(by_hand.by.map(|p| p.id), Some(c.member_a.0.id));
    assert!(set.history.last().is_some_and(|s| s.by_hand));
    let back: SpreadView = app
        .call(reqwest::Method::DELETE, &path, Some(member_a), None)
        .await
        .expect(200);
    assert_eq!((back.level, back.set_by_hand), (Spread::Beyond, None));
    app.call(reqwest::Method::DELETE, &path, Some(member_a), None)
        .await
        .problem(409);

    // As of a day to come, or not a day at all.
    let future = app
        .get(&format!("{path}?as_of=2999-01-01"), member_a)
        .await
        .problem(422);
    assert_eq!(fields(&future), ["as_of"]);
    app.get(&format!("{path}?as_of=soon"), member_a)
        .await
        .problem(400);
}

#[tokio::test]
async fn who_may_record_an_adoption_and_who_sees_it() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (member_a, member_b, admin_a) = (&c.member_a.1, &c.member_b.1, &c.admin_a.1);
    let open = project(&app, member_a, c.org_a.id, "partnership").await;
    let team_only = project(&app, member_a, c.org_a.id, "team").await;

    // Someone outside the team records adoptions for their own organisation only.
    let for_a =
        json!({"project_id": open.id, "organisation_id": c.org_a.id, "stage": "considering"});
    app.post("/api/v1/adoptions", member_b, for_a)
        .await
        .problem(403);
    // A project they may not see is no project to them.
    let hidden = app
        .post(
            "/api/v1/adoptions",
            member_b,
            json!({"project_id": team_only.id, "organisation_id": c.org_b.id, "stage": "considering"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&hidden), ["project_id"]);
    let private = adopt(
        &app,
        admin_a,
        json!({"project_id": team_only.id, "organisation_id": c.org_a.id, "unit": "Ward 3", "stage": "testing"}),
    )
    .await;
    app.get(&format!("/api/v1/adoptions/{}", private.id), member_b)
        .await
        .problem(404);
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/adoptions/{}", private.id),
        Some(member_b),
        None,
    )
    .await
    .problem(404);
    let seen: AdoptionPage = app.get("/api/v1/adoptions", member_b).await.expect(200);
    assert!(seen.items.iter().all(|a| a.id != private.id));
    let by_a: AdoptionPage = app
        .get(
            &format!("/api/v1/adoptions?project_id={}", team_only.id),
            member_a,
        )
        .await
        .expect(200);
    assert_eq!(
        by_a.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        [private.id]
    );
    assert_eq!(by_a.page.total, 1);

    // The adopter's own project is named only to those who may see it.
    let theirs = adopt(
        &app,
        member_a,
        json!({"project_id": open.id, "organisation_id": c.org_a.id, "unit": "Ward 9",
               "adopting_project_id": team_only.id, "stage": "adopted"}),
    )
    .await;
    assert_eq!(theirs.adopting_project.map(|p| p.id), Some(team_only.id));
    let to_b: Adoption = app
        .get(&format!("/api/v1/adoptions/{}", theirs.id), member_b)
        .await
        .expect(200);
    assert_eq!((to_b.adopting_project, to_b.can_change), (None, false));
    let filtered: AdoptionPage = app
        .get("/api/v1/adoptions?stage=adopted", member_a)
        .await
        .expect(200);
    assert_eq!(
        filtered.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        [theirs.id]
    );

    // Change ideas must be the adopted project's.
    let diagram: DriverDiagram = app
        .put_with(
            &format!("/api/v1/projects/{}/driver-diagram", open.id),
            member_a,
            Some("\"1\"".into()),
            json!({"primary_drivers": [{"text": "Reliable assessment", "change_ideas": [{"text": "Admission checklist"}]}]}),
        )
        .await
        .expect(200);
    let idea = diagram.change_ideas()[0].0.id.expect("saved");
    let with_idea = adopt(
        &app,
        member_b,
        json!({"project_id": open.id, "organisation_id": c.org_b.id, "change_idea_ids": [idea], "stage": "testing"}),
    )
    .await;
    assert_eq!(with_idea.change_ideas[0].text, "Admission checklist");
    let wrong = app
        .post(
            "/api/v1/adoptions",
            member_a,
            json!({"project_id": open.id, "organisation_id": c.org_a.id, "change_idea_ids": [idea + 1000], "stage": "testing"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&wrong), ["change_idea_ids[0]"]);

    // Recorded once: the next stage, not a second adoption.
    let again = app
        .post(
            "/api/v1/adoptions",
            member_b,
            json!({"project_id": open.id, "organisation_id": c.org_b.id, "stage": "adopted"}),
        )
        .await
        .problem(409);
    assert_eq!(fields(&again), ["organisation_id"]);

    // Bad input names its field.
    for (body, field) in [
        (
            json!({"project_id": open.id, "stage": "testing"}),
            "organisation_id",
        ),
        (
            json!({"organisation_id": c.org_b.id, "stage": "testing"}),
            "project_id",
        ),
        (
            json!({"project_id": open.id, "organisation_id": 999_999, "stage": "testing"}),
            "organisation_id",
        ),
        (
            json!({"project_id": open.id, "organisation_id": c.org_b.id, "outside_adopter": "Leeds", "stage": "testing"}),
            "outside_adopter",
        ),
        (
            json!({"project_id": open.id, "innovation_id": 1, "organisation_id": c.org_b.id, "stage": "testing"}),
            "innovation_id",
        ),
        (
            json!({"project_id": open.id, "organisation_id": c.org_b.id, "unit": "x".repeat(101), "stage": "testing"}),
            "unit",
        ),
        (
            json!({"project_id": open.id, "organisation_id": c.org_b.id, "stage": "testing", "on": "2999-01-01"}),
            "on",
        ),
        (
            json!({"project_id": open.id, "organisation_id": c.org_b.id, "adopting_project_id": 999_999, "unit": "Ward 1", "stage": "testing"}),
            "adopting_project_id",
        ),
    ] {
        let problem = app
            .post("/api/v1/adoptions", member_b, body)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field]);
    }
    app.post(
        "/api/v1/adoptions",
        member_b,
        json!({"project_id": open.id, "organisation_id": c.org_b.id, "stage": "finished"}),
    )
    .await
    .problem(422);

    // Removing one recorded in error: its adopter may (and the project's team and admins);
    // others get 403.
    app.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/adoptions/{}", with_idea.id),
        Some(&c.coach_a.1),
        None,
    )
    .await
    .problem(403);
    let gone = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/adoptions/{}", with_idea.id),
            Some(member_b),
            None,
        )
        .await;
    assert_eq!(gone.status.as_u16(), 204);
    app.get(&format!("/api/v1/adoptions/{}", with_idea.id), member_b)
        .await
        .problem(404);
}

#[tokio::test]
async fn outside_innovations_are_listed_and_adopted() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (member_a, member_b, admin_a) = (&c.member_a.1, &c.member_b.1, &c.admin_a.1);
    let pincer = json!({"name": "PINCER", "source": "PRIMIS", "description": "Pharmacist-led searches for hazardous prescribing."});
    app.post("/api/v1/innovations", member_a, pincer.clone())
        .await
        .problem(403);
    let made: Innovation = app
        .post("/api/v1/innovations", admin_a, pincer)
        .await
        .expect(201);
    let twice = app
        .post("/api/v1/innovations", admin_a, json!({"name": "pincer"}))
        .await
        .problem(409);
    assert_eq!(fields(&twice), ["name"]);
    let blank = app
        .post("/api/v1/innovations", admin_a, json!({"name": " "}))
        .await
        .problem(422);
    assert_eq!(fields(&blank), ["name"]);

    let adoption = adopt(
        &app,
        member_b,
        json!({"innovation_id": made.id, "organisation_id": c.org_b.id, "stage": "considering"}),
    )
    .await;
    assert_eq!(
        adoption.innovation.as_ref().map(|i| i.name.as_str()),
        Some("PINCER")
    );
    let ideas = app
        .post(
            "/api/v1/adoptions",
            member_a,
            json!({"innovation_id": made.id, "organisation_id": c.org_a.id, "change_idea_ids": [1], "stage": "considering"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&ideas), ["change_idea_ids"]);
    let unknown = app
        .post(
            "/api/v1/adoptions",
            member_a,
            json!({"innovation_id": 999_999, "organisation_id": c.org_a.id, "stage": "considering"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&unknown), ["innovation_id"]);

    let one: Innovation = app
        .get(&format!("/api/v1/innovations/{}", made.id), member_a)
        .await
        .expect(200);
    assert_eq!(one.adoptions, 1);
    let list: InnovationPage = app.get("/api/v1/innovations", member_a).await.expect(200);
    assert_eq!(list.items.len(), 1);
    // The partnership sees adoptions of outside innovations; only the adopter changes them.
    let seen: AdoptionPage = app
        .get(
            &format!("/api/v1/adoptions?innovation_id={}", made.id),
            member_a,
        )
        .await
        .expect(200);
    assert_eq!(seen.items.len(), 1);
    assert!(!seen.items[0].can_change);
    app.get("/api/v1/innovations/999999", member_a)
        .await
        .problem(404);
    app.get("/api/v1/innovations?page=0", member_a)
        .await
        .problem(422);

    // An API token reads adoptions and innovations with read_projects, and records nothing.
    let token = crate::changes::token(&app, admin_a, &["read_projects"]).await;
    let read: AdoptionPage = app.get("/api/v1/adoptions", &token).await.expect(200);
    assert_eq!(read.items.len(), 1);
    app.get("/api/v1/innovations", &token)
        .await
        .expect::<Value>(200);
    app.post(
        "/api/v1/adoptions",
        &token,
        json!({"innovation_id": made.id, "organisation_id": c.org_a.id, "stage": "considering"}),
    )
    .await
    .problem(403);
    let other = crate::changes::token(&app, admin_a, &["read_measures"]).await;
    app.get("/api/v1/adoptions", &other).await.problem(403);
}

#[tokio::test]
async fn the_network_links_organisations_by_joint_projects_and_adoptions() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let org_c = app
        .create_organisation("Eastfield Community Care", "RY9", "community_trust")
        .await;
    let (_, member_c) = app.person("member.c@example.org", org_c.id, &[]).await;
    let member_a = &c.member_a.1;
    let p: Project = app
        .post(
            "/api/v1/projects",
            member_a,
            json!({"title": "Falls huddles", "aim": "Fewer falls", "lead_organisation_id": c.org_a.id,
                   "partner_organisation_ids": [c.org_b.id], "tags": ["Falls"], "start_date": "2026-01-05"}),
        )
        .await
        .expect(201);
    let q: Project = app
        .post(
            "/api/v1/projects",
            &member_c,
            json!({"title": "Huddles in the community", "aim": "Fewer falls at home", "lead_organisation_id": org_c.id,
                   "start_date": "2026-02-01"}),
        )
        .await
        .expect(201);
    let hidden = project(&app, member_a, c.org_a.id, "team").await;
    adopt(
        &app,
        &member_c,
        json!({"project_id": p.id, "organisation_id": org_c.id, "adopting_project_id": q.id, "stage": "adopted", "on": "2026-03-01"}),
    )
    .await;
    adopt(
        &app,
        &member_c,
        json!({"project_id": q.id, "outside_adopter": "Harbourside ICS", "stage": "adopted", "on": "2026-05-01"}),
    )
    .await;
    adopt(
        &app,
        member_a,
        json!({"project_id": hidden.id, "organisation_id": c.org_b.id, "stage": "adopted", "on": "2026-03-01"}),
    )
    .await;

    let network = |query: String| {
        let (app, member_c) = (&app, &member_c);
        async move {
            let found: qi_shared::spread::network::SpreadNetwork = app
                .get(&format!("/api/v1/spread/network{query}"), member_c)
                .await
                .expect(200);
            let mut links: Vec<String> = found
                .links
                .iter()
                .map(|l| format!("{} {} {}", l.source, l.target, l.kind.as_str()))
                .collect();
            links.sort();
            links
        }
    };
    let (a, b, cc) = (
        format!("org-{}", c.org_a.id),
        format!("org-{}", c.org_b.id),
        format!("org-{}", org_c.id),
    );
    let joint = format!("{a} {b} joint");
    let adopted = format!("{a} {cc} adoption");
    let outside = format!("{cc} outside-Harbourside ICS adoption");
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // The team-only project's adoption is not theirs to see.
    assert_eq!(
        network(String::new()).await,
        sorted(vec![joint.clone(), adopted.clone(), outside.clone()])
    );
    assert_eq!(
        network("?theme=FALLS".into()).await,
        sorted(vec![joint.clone(), adopted.clone()])
    );
    assert_eq!(
        network("?from=2026-04-01".into()).await,
        std::slice::from_ref(&outside)
    );
    assert_eq!(
        network(format!("?project_id={}", p.id)).await,
        sorted(vec![adopted, outside]),
        "the path of its idea, through the adopter's own project; no partners"
    );
    let as_a: qi_shared::spread::network::SpreadNetwork = app
        .get("/api/v1/spread/network", member_a)
        .await
        .expect(200);
    assert_eq!(
        as_a.links.len(),
        4,
        "its own team-only project's adoption too"
    );

    for (query, field) in [
        ("?from=2026-05-01&to=2026-04-01".to_owned(), "to"),
        (format!("?project_id={}", hidden.id), "project_id"),
        (format!("?theme={}", "x".repeat(51)), "theme"),
    ] {
        let problem = app
            .get(&format!("/api/v1/spread/network{query}"), &member_c)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field]);
    }
    let token = crate::changes::token(&app, &c.admin_a.1, &["read_projects"]).await;
    app.get("/api/v1/spread/network", &token)
        .await
        .expect::<Value>(200);
}

#[tokio::test]
async fn a_team_member_sets_the_level_by_hand_and_the_signed_out_are_refused() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    // Led by the coach; the member is on the team, not its lead.
    let p: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March",
                   "lead_organisation_id": c.org_a.id,
                   "team": [{"person_id": c.coach_a.0.id, "role": "lead"},
                            {"person_id": c.member_a.0.id, "role": "member"}]}),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/projects/{}/spread", p.id);
    let setting =
        json!({"level": "organisation", "reason": "Every ward of the trust uses the falls huddle"});
    let set: SpreadView = app
        .put(&path, &c.member_a.1, setting.clone())
        .await
        .expect(200);
    assert_eq!(set.level, Spread::Organisation);
    assert_eq!(
        set.set_by_hand.and_then(|s| s.by).map(|p| p.id),
        Some(c.member_a.0.id)
    );
    // A colleague of the same organisation who is not on the team may read it, not set it.
    let (_, colleague) = app.person("colleague.a@example.org", c.org_a.id, &[]).await;
    assert!(!spread(&app, &colleague, p.id, None).await.can_set);
    app.put(&path, &colleague, setting).await.problem(403);
    app.call(reqwest::Method::DELETE, &path, Some(&colleague), None)
        .await
        .problem(403);

    // Signed out, every spread operation is refused before anything is read.
    let adoption = adopt(
        &app,
        &c.member_b.1,
        json!({"project_id": p.id, "organisation_id": c.org_b.id, "stage": "testing", "on": "2026-01-10"}),
    )
    .await;
    let innovations: InnovationPage = app
        .get("/api/v1/innovations", &c.member_a.1)
        .await
        .expect(200);
    let innovation = innovations.items.first().map_or(1, |i| i.id);
    use reqwest::Method;
    for (method, route, body) in [
        (Method::GET, "/api/v1/adoptions".to_owned(), None),
        (
            Method::POST,
            "/api/v1/adoptions".to_owned(),
            Some(json!({"project_id": p.id, "organisation_id": c.org_b.id, "stage": "adopted"})),
        ),
        (
            Method::GET,
            format!("/api/v1/adoptions/{}", adoption.id),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/adoptions/{}/stages", adoption.id),
            Some(json!({"stage": "adopted"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/adoptions/{}", adoption.id),
            None,
        ),
        (Method::GET, path.clone(), None),
        (
            Method::PUT,
            path.clone(),
            Some(json!({"level": "beyond", "reason": "Signed out"})),
        ),
        (Method::DELETE, path.clone(), None),
        (Method::GET, "/api/v1/innovations".to_owned(), None),
        (
            Method::POST,
            "/api/v1/innovations".to_owned(),
            Some(json!({"name": "Signed out", "source": "Nowhere", "description": ""})),
        ),
        (
            Method::GET,
            format!("/api/v1/innovations/{innovation}"),
            None,
        ),
        (Method::GET, "/api/v1/spread/network".to_owned(), None),
    ] {
        app.call(method, &route, None, body).await.problem(401);
    }
    // Nothing changed.
    let after = spread(&app, &c.member_a.1, p.id, None).await;
    assert_eq!(after.level, Spread::Organisation);
    let still: Adoption = app
        .get(&format!("/api/v1/adoptions/{}", adoption.id), &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(still.stages.len(), 1);
}
