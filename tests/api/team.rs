//! Who may change a project's team, roles, visibility and organisations; invitations for people
//! of other organisations; and who may coach a project (issue 14, items 2 and 3).

use qi_shared::{capability::PersonRecord, project::Project, team::TeamInvitationPage};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{Answer, TestApp, cast, fields, spawn_app},
    projects::as_input,
};

fn project_body(lead_org: i64, team: Value) -> Value {
    json!({
        "title": "Fewer falls on ward 7",
        "aim": "Reduce falls on ward 7 by 30% by March 2027",
        "lead_organisation_id": lead_org,
        "status": "active",
        "visibility": "team",
        "team": team,
    })
}

impl TestApp {
    async fn save(&self, token: &str, project: &Project, change: Value) -> Answer {
        self.put_if_match(
            &format!("/api/v1/projects/{}", project.id),
            token,
            project.version,
            change,
        )
        .await
    }

    async fn invitations(&self, token: &str) -> TeamInvitationPage {
        self.get("/api/v1/team-invitations", token)
            .await
            .expect(200)
    }

    async fn answer(&self, token: &str, id: i64, answer: &str) -> Answer {
        self.call(
            Method::POST,
            &format!("/api/v1/team-invitations/{id}/{answer}"),
            Some(token),
            None,
        )
        .await
    }

    async fn project(&self, token: &str, id: i64) -> Project {
        self.get(&format!("/api/v1/projects/{id}"), token)
            .await
            .expect(200)
    }
}

fn team_of(p: &Project) -> Vec<(i64, String)> {
    let mut team: Vec<(i64, String)> = p
        .team
        .iter()
        .map(|m| (m.person_id, m.role.as_str().to_owned()))
        .collect();
    team.sort();
    team
}

#[tokio::test]
async fn a_team_member_edits_the_content_but_not_the_team_visibility_or_organisations() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let colleague = app.person("colleague.a@example.org", c.org_a.id, &[]).await;
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Fewer falls on ward 7", "aim": "Reduce falls on ward 7 by 30% by March 2027",
                   "lead_organisation_id": c.org_a.id, "partner_organisation_ids": [c.org_b.id],
                   "status": "active", "visibility": "team",
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"},
                            {"person_id": colleague.0.id, "role": "member"}]}),
        )
        .await
        .expect(201);
    let base = as_input(&project);

    let mut content = base.clone();
    content["title"] = json!("Fewer falls on wards 7 and 8");
    // The same team in another order is no change of the team.
    content["team"] = json!([{"person_id": colleague.0.id, "role": "member"},
                             {"person_id": c.member_a.0.id, "role": "lead"}]);
    let edited: Project = app.save(&colleague.1, &project, content).await.expect(200);
    assert_eq!(edited.title, "Fewer falls on wards 7 and 8");

    let attempts: Vec<(&str, Value)> = vec![
        ("makes themself lead", {
            let mut change = as_input(&edited);
            change["team"] = json!([{"person_id": colleague.0.id, "role": "lead"},
                                    {"person_id": c.member_a.0.id, "role": "member"}]);
            change
        }),
        ("publishes it to the public library", {
            let mut change = as_input(&edited);
            change["visibility"] = json!("public");
            change
        }),
        ("moves the lead organisation", {
            let mut change = as_input(&edited);
            change["lead_organisation_id"] = json!(c.org_b.id);
            change
        }),
        ("drops the partner", {
            let mut change = as_input(&edited);
            change["partner_organisation_ids"] = json!([]);
            change
        }),
        ("adds someone", {
            let mut change = as_input(&edited);
            change["team"]
                .as_array_mut()
                .expect("a team")
                .push(json!({"person_id": c.coach_a.0.id, "role": "member"}));
            change
        }),
    ];
    for (what, change) in attempts {
        let problem = app.save(&colleague.1, &edited, change).await.problem(403);
        assert!(
            !problem.detail.unwrap_or_default().is_empty(),
            "a member who {what} is told why not"
        );
    }
    // An admin of the partner organisation edits the content, not the management, either.
    let mut to_partner = as_input(&edited);
    to_partner["lead_organisation_id"] = json!(c.org_b.id);
    app.save(&c.admin_b.1, &edited, to_partner)
        .await
        .problem(403);

    let unchanged = app.project(&c.member_a.1, project.id).await;
    assert_eq!(
        (
            unchanged.version,
            team_of(&unchanged),
            unchanged.visibility.as_str()
        ),
        (edited.version, team_of(&edited), "team"),
        "nothing refused was saved"
    );

    // The lead manages it: publishes it and hands the lead over.
    let mut managed = as_input(&edited);
    managed["visibility"] = json!("public");
    managed["team"] = json!([{"person_id": colleague.0.id, "role": "lead"},
                             {"person_id": c.member_a.0.id, "role": "member"}]);
    let handed_over: Project = app.save(&c.member_a.1, &edited, managed).await.expect(200);
    assert_eq!(handed_over.visibility.as_str(), "public");
    assert_eq!(
        team_of(&handed_over),
        vec![
            (c.member_a.0.id, "member".to_owned()),
            (colleague.0.id, "lead".to_owned())
        ]
    );
}

#[tokio::test]
async fn nobody_joins_a_team_or_takes_a_role_on_it_by_their_own_hand() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            project_body(
                c.org_a.id,
                json!([{"person_id": c.member_a.0.id, "role": "lead"}]),
            ),
        )
        .await
        .expect(201);
    // The lead organisation's admin may manage the team, but not add themself to read the
    // team's coaching notes.
    let mut sponsor = as_input(&project);
    sponsor["team"]
        .as_array_mut()
        .expect("a team")
        .push(json!({"person_id": c.admin_a.0.id, "role": "sponsor"}));
    app.save(&c.admin_a.1, &project, sponsor.clone())
        .await
        .problem(403);
    // Someone else who manages it adds them.
    let with_sponsor: Project = app.save(&c.member_a.1, &project, sponsor).await.expect(200);
    assert!(
        with_sponsor
            .team
            .iter()
            .any(|m| m.person_id == c.admin_a.0.id)
    );
    // The lead may not make themself coach, but may step down to member.
    let mut coach = as_input(&with_sponsor);
    coach["team"] = json!([{"person_id": c.member_a.0.id, "role": "coach"},
                           {"person_id": c.admin_a.0.id, "role": "lead"}]);
    app.save(&c.member_a.1, &with_sponsor, coach)
        .await
        .problem(403);
    let mut step_down = as_input(&with_sponsor);
    step_down["team"] = json!([{"person_id": c.member_a.0.id, "role": "member"},
                               {"person_id": c.admin_a.0.id, "role": "lead"}]);
    app.save(&c.member_a.1, &with_sponsor, step_down)
        .await
        .expect::<Project>(200);
}

#[tokio::test]
async fn only_coaches_on_the_register_or_appointed_by_an_admin_coach_a_project() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let colleague = app.person("colleague.a@example.org", c.org_a.id, &[]).await;
    // The attack: start a project and make yourself its coach, to log sessions towards Lead.
    let problem = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            project_body(
                c.org_a.id,
                json!([{"person_id": colleague.0.id, "role": "lead"},
                       {"person_id": c.member_a.0.id, "role": "coach"}]),
            ),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["team[1].role"]);
    // A colleague not on the register, made coach by the lead: refused too.
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            project_body(
                c.org_a.id,
                json!([{"person_id": c.member_a.0.id, "role": "lead"},
                       {"person_id": colleague.0.id, "role": "member"}]),
            ),
        )
        .await
        .expect(201);
    let mut made_coach = as_input(&project);
    made_coach["team"] = json!([{"person_id": c.member_a.0.id, "role": "lead"},
                                {"person_id": colleague.0.id, "role": "coach"}]);
    let problem = app
        .save(&c.member_a.1, &project, made_coach.clone())
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["team[1].role"]);
    // So they cannot record a session.
    app.post(
        &format!("/api/v1/projects/{}/coaching-sessions", project.id),
        &colleague.1,
        json!({"held_on": chrono::Utc::now().date_naive(), "minutes": 30, "model": "grow",
               "notes": "Run chart of falls", "actions": "Add a second PDSA"}),
    )
    .await
    .problem(403);
    // A coach on the register is coach at the lead's word; anyone, at the lead organisation's
    // admin's.
    let mut registered = as_input(&project);
    registered["team"] = json!([{"person_id": c.member_a.0.id, "role": "lead"},
                                {"person_id": colleague.0.id, "role": "member"},
                                {"person_id": c.coach_a.0.id, "role": "coach"}]);
    let with_coach: Project = app
        .save(&c.member_a.1, &project, registered)
        .await
        .expect(200);
    let mut appointed = as_input(&with_coach);
    appointed["team"] = json!([{"person_id": c.member_a.0.id, "role": "lead"},
                               {"person_id": colleague.0.id, "role": "coach"},
                               {"person_id": c.coach_a.0.id, "role": "coach"}]);
    let by_admin: Project = app
        .save(&c.admin_a.1, &with_coach, appointed)
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/projects/{}/coaching-sessions", by_admin.id),
        &colleague.1,
        json!({"held_on": chrono::Utc::now().date_naive(), "minutes": 30, "model": "grow",
               "notes": "Run chart of falls", "actions": "Add a second PDSA"}),
    )
    .await
    .expect::<Value>(201);
}

#[tokio::test]
async fn people_of_other_organisations_are_invited_and_join_when_they_or_their_admin_accept() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let other_b = app.person("nurse.b@example.org", c.org_b.id, &[]).await;
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            project_body(
                c.org_a.id,
                json!([{"person_id": c.member_a.0.id, "role": "lead"},
                       {"person_id": c.member_b.0.id, "role": "member"},
                       {"person_id": other_b.0.id, "role": "sponsor"}]),
            ),
        )
        .await
        .expect(201);
    assert_eq!(
        team_of(&project),
        vec![(c.member_a.0.id, "lead".to_owned())],
        "not on the team until they accept"
    );
    let mut invited: Vec<i64> = project.invited.iter().map(|m| m.person_id).collect();
    invited.sort();
    assert_eq!(invited, vec![c.member_b.0.id, other_b.0.id]);
    // Not on the team: the project is not theirs to see yet, nor on their record.
    app.get(&format!("/api/v1/projects/{}", project.id), &c.member_b.1)
        .await
        .problem(404);
    let record: PersonRecord = app
        .get(
            &format!("/api/v1/capability/people/{}/record", c.member_b.0.id),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert!(record.projects.is_empty());

    // Who sees which invitations.
    let mine = app.invitations(&c.member_b.1).await;
    assert_eq!(mine.items.len(), 1);
    assert_eq!(
        (
            mine.items[0].project_title.as_str(),
            mine.items[0].invited_by_name.as_str()
        ),
        ("Fewer falls on ward 7", c.member_a.0.name.as_str())
    );
    assert_eq!(app.invitations(&c.admin_b.1).await.items.len(), 2);
    assert_eq!(app.invitations(&c.admin_a.1).await.items.len(), 0);
    assert_eq!(app.invitations(&c.member_a.1).await.items.len(), 0);

    // Only the person or their admin answers; others are told there is no such invitation.
    let theirs = mine.items[0].id;
    for stranger in [&c.member_a.1, &c.admin_a.1, &other_b.1] {
        app.answer(stranger, theirs, "accept").await.problem(404);
    }
    assert_eq!(
        app.answer(&c.member_b.1, theirs, "accept")
            .await
            .status
            .as_u16(),
        204
    );
    let joined = app.project(&c.member_b.1, project.id).await;
    assert!(joined.version > project.version, "the version moves on");
    assert!(joined.team.iter().any(|m| m.person_id == c.member_b.0.id));
    assert_eq!(joined.invited.len(), 1);
    // Their admin declines the other's.
    let other = app.invitations(&c.admin_b.1).await.items[0].id;
    assert_eq!(
        app.answer(&c.admin_b.1, other, "decline")
            .await
            .status
            .as_u16(),
        204
    );
    let after = app.project(&c.member_a.1, project.id).await;
    assert!(after.invited.is_empty());
    assert!(!after.team.iter().any(|m| m.person_id == other_b.0.id));
    app.answer(&c.admin_b.1, other, "accept").await.problem(404);

    // Added by an admin of their organisation, they join at once (the admin's acceptance).
    let mut by_admin = as_input(&after);
    by_admin["team"]
        .as_array_mut()
        .expect("a team")
        .push(json!({"person_id": other_b.0.id, "role": "member"}));
    let partnership_admin = app.admin.clone();
    let saved: Project = app
        .save(&partnership_admin, &after, by_admin)
        .await
        .expect(200);
    assert!(saved.team.iter().any(|m| m.person_id == other_b.0.id));
    assert!(saved.invited.is_empty());

    // A lead who would have to be invited is refused.
    let mut lead_elsewhere = as_input(&saved);
    lead_elsewhere["team"] = json!([{"person_id": c.member_a.0.id, "role": "member"},
                                    {"person_id": c.admin_b.0.id, "role": "lead"}]);
    let problem = app
        .save(&c.member_a.1, &saved, lead_elsewhere)
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["team[1].role"]);
}

#[tokio::test]
async fn team_invitations_need_a_sign_in_and_valid_pages() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let unsigned = app
        .call(Method::GET, "/api/v1/team-invitations", None, None)
        .await;
    assert_eq!(unsigned.status.as_u16(), 401);
    let unsigned = app
        .call(
            Method::POST,
            "/api/v1/team-invitations/1/accept",
            None,
            None,
        )
        .await;
    assert_eq!(unsigned.status.as_u16(), 401);
    for page in ["page=0", "per_page=0", "per_page=101", "page=x"] {
        let answer = app
            .get(&format!("/api/v1/team-invitations?{page}"), &c.member_a.1)
            .await;
        assert!(
            matches!(answer.status.as_u16(), 400 | 422),
            "{page}: {}",
            answer.status
        );
        assert_eq!(answer.content_type, "application/problem+json");
    }
    app.answer(&c.member_a.1, 999_999, "accept")
        .await
        .problem(404);
    app.answer(&c.member_a.1, 999_999, "decline")
        .await
        .problem(404);
}
