use qi_shared::{
    auth::TokenResponse,
    person::{InvitationSent, Person, PersonPage, PersonStatus, Role},
};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, cast, fields, spawn_app};

#[tokio::test]
async fn an_admin_invites_a_person_who_accepts_and_signs_in() {
    let app = spawn_app().await;
    let org = app
        .create_organisation("Riverside Surgery", "B82001", "gp_practice")
        .await;
    let sent: InvitationSent = app
        .invite(&app.admin, "Jo.Bloggs@NHS.net", org.id, &[Role::Coach])
        .await
        .expect(201);
    assert_eq!(sent.person.status, PersonStatus::Invited);
    assert_eq!(sent.person.email, "Jo.Bloggs@NHS.net");
    assert_eq!(sent.person.organisation_name, "Riverside Surgery");
    assert_eq!(sent.person.roles, vec![Role::Coach, Role::Member]);
    assert!(
        sent.invitation_link.starts_with(&app.address),
        "{}",
        sent.invitation_link
    );

    // Not yet able to sign in: no password.
    app.login("jo.bloggs@nhs.net", PASSWORD).await.problem(401);

    let tokens: TokenResponse = app.accept(&sent, PASSWORD).await.expect(200);
    let me = app.me(&tokens.access_token).await;
    assert_eq!((me.id, me.status), (sent.person.id, PersonStatus::Active));
    app.login_ok("jo.bloggs@nhs.net", PASSWORD).await;
}

#[tokio::test]
async fn an_email_can_have_only_one_account_whatever_its_case() {
    let app = spawn_app().await;
    let _: InvitationSent = app
        .invite(&app.admin, "sam@example.org", app.admin_org, &[])
        .await
        .expect(201);
    let problem = app
        .invite(&app.admin, "SAM@example.org", app.admin_org, &[])
        .await
        .problem(409);
    assert_eq!(
        (problem.code.as_str(), fields(&problem)),
        ("email_taken", vec!["email"])
    );
}

#[tokio::test]
async fn bad_invitations_are_refused_field_by_field() {
    let app = spawn_app().await;
    let org = app.admin_org;
    let cases = [
        (
            json!({"name": "", "email": "a@example.org", "organisation_id": org, "job_role": "Nurse"}),
            422,
            vec!["name"],
        ),
        (
            json!({"name": "A", "email": "not-an-email", "organisation_id": org, "job_role": "Nurse"}),
            422,
            vec!["email"],
        ),
        (
            json!({"name": "A", "email": "a@example.org", "organisation_id": org, "job_role": ""}),
            422,
            vec!["job_role"],
        ),
        (
            json!({"name": "A", "email": "a@example.org", "organisation_id": 99999, "job_role": "Nurse"}),
            422,
            vec!["organisation_id"],
        ),
        (
            json!({"name": "A", "email": "a@example.org", "organisation_id": "one", "job_role": "Nurse"}),
            422,
            vec!["organisation_id"],
        ),
        (
            json!({"name": "A", "email": "a@example.org", "job_role": "Nurse"}),
            422,
            vec!["organisation_id"],
        ),
        (
            json!({"name": "A", "email": "a@example.org", "organisation_id": org, "job_role": "Nurse", "roles": ["king"]}),
            422,
            vec!["roles[0]"],
        ),
        (
            json!({"name": " ", "email": " ", "organisation_id": org, "job_role": " "}),
            422,
            vec!["name", "email", "job_role"],
        ),
    ];
    for (body, status, expected) in cases {
        let problem = app
            .post("/api/v1/people", &app.admin, body.clone())
            .await
            .problem(status);
        assert_eq!(fields(&problem), expected, "{body}");
    }
    let archived = app
        .create_organisation("Closed Practice", "Y00001", "gp_practice")
        .await;
    let _: serde_json::Value = app
        .post(
            &format!("/api/v1/organisations/{}/archive", archived.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    let problem = app
        .invite(&app.admin, "x@example.org", archived.id, &[])
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["organisation_id"]);
}

#[tokio::test]
async fn organisation_admins_manage_only_their_own_people() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (a, b) = (c.org_a.id, c.org_b.id);
    let lead_a = &c.admin_a.1;

    let _: InvitationSent = app
        .invite(
            lead_a,
            "new.a@example.org",
            a,
            &[Role::Coach, Role::OrganisationAdmin],
        )
        .await
        .expect(201);
    app.invite(lead_a, "new.b@example.org", b, &[])
        .await
        .problem(403);
    app.invite(lead_a, "boss@example.org", a, &[Role::PartnershipAdmin])
        .await
        .problem(403);
    app.invite(&c.member_a.1, "friend@example.org", a, &[])
        .await
        .problem(403);
    app.invite(&c.coach_a.1, "friend@example.org", a, &[])
        .await
        .problem(403);

    // Lists are scoped: an organisation admin sees their organisation's people and no one else's.
    let mine: PersonPage = app
        .get("/api/v1/people?per_page=100", lead_a)
        .await
        .expect(200);
    assert!(mine.items.iter().all(|p| p.organisation_id == a));
    assert_eq!(
        mine.page.total, 4,
        "admin, coach, member and the new invitee"
    );
    app.get(&format!("/api/v1/people?organisation_id={b}"), lead_a)
        .await
        .problem(404);
    app.get("/api/v1/people", &c.member_a.1).await.problem(403);
    app.get("/api/v1/people", &c.coach_a.1).await.problem(403);
    app.call(Method::GET, "/api/v1/people", None, None)
        .await
        .problem(401);

    let everyone: PersonPage = app
        .get("/api/v1/people?per_page=100", &app.admin)
        .await
        .expect(200);
    assert_eq!(everyone.page.total, 7);

    // Reading one person: yourself, or as their organisation's admin. Other organisations' people
    // are private (404); colleagues' records are for admins (403).
    let member_a = c.member_a.0.id;
    let member_b = c.member_b.0.id;
    let _: Person = app
        .get(&format!("/api/v1/people/{member_a}"), &c.member_a.1)
        .await
        .expect(200);
    let _: Person = app
        .get(&format!("/api/v1/people/{member_a}"), lead_a)
        .await
        .expect(200);
    let _: Person = app
        .get(&format!("/api/v1/people/{member_b}"), &app.admin)
        .await
        .expect(200);
    app.get(&format!("/api/v1/people/{member_b}"), lead_a)
        .await
        .problem(404);
    app.get(&format!("/api/v1/people/{member_b}"), &c.member_a.1)
        .await
        .problem(404);
    app.get(&format!("/api/v1/people/{}", c.coach_a.0.id), &c.member_a.1)
        .await
        .problem(403);
    app.get("/api/v1/people/999999", &app.admin)
        .await
        .problem(404);

    // Changing people in another organisation looks like they do not exist.
    app.put_roles(lead_a, member_b, &[Role::Coach])
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/people/{member_b}/deactivate"),
        lead_a,
        json!({}),
    )
    .await
    .problem(404);
    app.patch(
        &format!("/api/v1/people/{member_b}"),
        lead_a,
        json!({"job_role": "GP"}),
    )
    .await
    .problem(404);
}

#[tokio::test]
async fn people_lists_filter_by_role_status_and_text() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let coaches: PersonPage = app
        .get("/api/v1/people?role=coach", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        coaches.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [c.coach_a.0.id]
    );
    let _: InvitationSent = app
        .invite(&app.admin, "pending@example.org", c.org_b.id, &[])
        .await
        .expect(201);
    let invited: PersonPage = app
        .get("/api/v1/people?status=invited", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        invited
            .items
            .iter()
            .map(|p| p.email.as_str())
            .collect::<Vec<_>>(),
        ["pending@example.org"]
    );
    let found: PersonPage = app
        .get("/api/v1/people?q=MEMBER.B", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        found.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [c.member_b.0.id]
    );
    let in_b: PersonPage = app
        .get(
            &format!("/api/v1/people?organisation_id={}", c.org_b.id),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(in_b.page.total, 3);
}

#[tokio::test]
async fn role_changes_take_effect_at_the_next_refresh() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let member = &c.member_a.0;
    let tokens = app.login_ok(&member.email, PASSWORD).await;

    let updated: Person = app
        .put_roles(&c.admin_a.1, member.id, &[Role::Coach])
        .await
        .expect(200);
    assert_eq!(updated.roles, vec![Role::Coach, Role::Member]);

    let refreshed: TokenResponse = app.refresh(&tokens.refresh_token).await.expect(200);
    // The new token carries the new role: as a coach they still may not list people...
    app.get("/api/v1/people", &refreshed.access_token)
        .await
        .problem(403);
    // ...but made organisation admin, they may.
    let _: Person = app
        .put_roles(&c.admin_a.1, member.id, &[Role::OrganisationAdmin])
        .await
        .expect(200);
    let refreshed: TokenResponse = app.refresh(&refreshed.refresh_token).await.expect(200);
    let _: PersonPage = app
        .get("/api/v1/people", &refreshed.access_token)
        .await
        .expect(200);
}

#[tokio::test]
async fn nobody_changes_their_own_roles_and_only_partnership_admins_make_partnership_admins() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let me = app.me(&app.admin).await;
    app.put_roles(&app.admin, me.id, &[]).await.problem(403);
    app.put_roles(&c.admin_a.1, c.admin_a.0.id, &[Role::Coach])
        .await
        .problem(403);
    app.put_roles(&c.admin_a.1, c.member_a.0.id, &[Role::PartnershipAdmin])
        .await
        .problem(403);
    app.put_roles(&c.member_a.1, c.coach_a.0.id, &[])
        .await
        .problem(403);
    let promoted: Person = app
        .put_roles(&app.admin, c.member_a.0.id, &[Role::PartnershipAdmin])
        .await
        .expect(200);
    assert!(promoted.has_role(Role::PartnershipAdmin));
    let problem = app
        .call(
            Method::PUT,
            &format!("/api/v1/people/{}/roles", c.member_a.0.id),
            Some(&app.admin),
            Some(json!({"roles": ["root"]})),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["roles[0]"]);
}

#[tokio::test]
async fn deactivation_ends_access_and_reactivation_restores_it() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let member = &c.member_a.0;
    let lead = &c.admin_a.1;
    let gone: Person = app
        .post(
            &format!("/api/v1/people/{}/deactivate", member.id),
            lead,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(gone.status, PersonStatus::Deactivated);
    app.login(&member.email, PASSWORD).await.problem(401);
    app.post(
        &format!("/api/v1/people/{}/deactivate", c.admin_a.0.id),
        lead,
        json!({}),
    )
    .await
    .problem(403);
    app.post(
        &format!("/api/v1/people/{}/deactivate", member.id),
        &c.coach_a.1,
        json!({}),
    )
    .await
    .problem(403);

    let back: Person = app
        .post(
            &format!("/api/v1/people/{}/reactivate", member.id),
            lead,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(back.status, PersonStatus::Active);
    app.login_ok(&member.email, PASSWORD).await;
}

#[tokio::test]
async fn people_details_are_edited_by_admins_and_moves_need_a_partnership_admin() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let member = c.member_a.0.id;
    let changed: Person = app
        .patch(
            &format!("/api/v1/people/{member}"),
            &c.admin_a.1,
            json!({"job_role": " Ward sister "}),
        )
        .await
        .expect(200);
    assert_eq!(changed.job_role, "Ward sister");
    app.patch(
        &format!("/api/v1/people/{member}"),
        &c.admin_a.1,
        json!({"organisation_id": c.org_b.id}),
    )
    .await
    .problem(403);
    let problem = app
        .patch(
            &format!("/api/v1/people/{member}"),
            &app.admin,
            json!({"organisation_id": 424242}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["organisation_id"]);
    let moved: Person = app
        .patch(
            &format!("/api/v1/people/{member}"),
            &app.admin,
            json!({"organisation_id": c.org_b.id}),
        )
        .await
        .expect(200);
    assert_eq!(moved.organisation_id, c.org_b.id);
    let problem = app
        .patch(
            &format!("/api/v1/people/{member}"),
            &app.admin,
            json!({"name": ""}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["name"]);
}

#[tokio::test]
async fn a_person_edits_their_own_name_and_job_role_but_not_their_organisation() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let token = &c.member_a.1;
    let me: Person = app
        .patch(
            "/api/v1/me",
            token,
            json!({"name": "Grace Lee", "job_role": "Staff nurse"}),
        )
        .await
        .expect(200);
    assert_eq!(
        (me.name.as_str(), me.job_role.as_str()),
        ("Grace Lee", "Staff nurse")
    );
    let problem = app
        .patch("/api/v1/me", token, json!({"organisation_id": c.org_b.id}))
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["organisation_id"]);
    let problem = app
        .patch("/api/v1/me", token, json!({"name": ""}))
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["name"]);
    app.call(
        Method::PATCH,
        "/api/v1/me",
        None,
        Some(json!({"name": "x"})),
    )
    .await
    .problem(401);
}

#[tokio::test]
async fn the_partnership_is_visible_to_all_and_renamed_by_partnership_admins() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p: serde_json::Value = app
        .get("/api/v1/partnership", &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(p["name"], "Test Partnership");
    app.patch(
        "/api/v1/partnership",
        &c.admin_a.1,
        json!({"name": "Mine now"}),
    )
    .await
    .problem(403);
    let problem = app
        .patch("/api/v1/partnership", &app.admin, json!({"name": ""}))
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["name"]);
    let renamed: serde_json::Value = app
        .patch(
            "/api/v1/partnership",
            &app.admin,
            json!({"name": "Northmoor ICS"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed["name"], "Northmoor ICS");
    app.call(Method::GET, "/api/v1/partnership", None, None)
        .await
        .problem(401);
}

#[tokio::test]
async fn the_directory_finds_people_by_name_never_by_email_address() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let email = c.member_b.0.email.clone();
    let by_email = format!("/api/v1/directory?q={}", urlencode(&email));
    let found: Vec<qi_shared::person::DirectoryEntry> =
        app.get(&by_email, &c.member_a.1).await.expect(200);
    assert!(
        found.is_empty(),
        "an email address tells nobody whether it has an account: {found:?}"
    );
    // Admins, who manage the accounts, still find them by email.
    let page: qi_shared::person::PersonPage = app
        .get(
            &format!("/api/v1/people?q={}", urlencode(&email)),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(
        page.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [c.member_b.0.id]
    );
}

fn urlencode(text: &str) -> String {
    text.replace('@', "%40").replace('+', "%2B")
}

#[tokio::test]
async fn any_colleague_finds_active_people_across_the_partnership_in_the_directory() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let found: Vec<qi_shared::person::DirectoryEntry> = app
        .get("/api/v1/directory?q=Sam", &c.member_a.1)
        .await
        .expect(200);
    assert_eq!(
        found.len(),
        5,
        "the invited cast are all called Sam Example, in both organisations"
    );
    let organisations: std::collections::HashSet<i64> =
        found.iter().map(|p| p.organisation_id).collect();
    assert_eq!(organisations.len(), 2);
    let raw: serde_json::Value = app
        .get("/api/v1/directory?q=Sam", &c.member_a.1)
        .await
        .expect(200);
    assert!(
        raw[0].get("email").is_none(),
        "the directory does not show emails"
    );

    let coaches: Vec<qi_shared::person::DirectoryEntry> = app
        .get("/api/v1/directory?q=Sam&coaches=true", &c.member_b.1)
        .await
        .expect(200);
    assert_eq!(
        coaches.iter().map(|p| p.id).collect::<Vec<_>>(),
        [c.coach_a.0.id]
    );
    let _: Person = app
        .post(
            &format!("/api/v1/people/{}/deactivate", c.member_b.0.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    let after: Vec<qi_shared::person::DirectoryEntry> = app
        .get("/api/v1/directory?q=Sam", &c.member_a.1)
        .await
        .expect(200);
    assert_eq!(after.len(), 4, "deactivated people are not offered");

    let problem = app
        .get("/api/v1/directory?q=S", &c.member_a.1)
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["q"]);
    app.get("/api/v1/directory", &c.member_a.1)
        .await
        .problem(422);
    let all_coaches: Vec<qi_shared::person::DirectoryEntry> = app
        .get("/api/v1/directory?coaches=true", &c.member_a.1)
        .await
        .expect(200);
    assert_eq!(
        all_coaches.iter().map(|p| p.id).collect::<Vec<_>>(),
        [c.coach_a.0.id],
        "every coach, without a name"
    );
    app.call(Method::GET, "/api/v1/directory?q=Sam", None, None)
        .await
        .problem(401);
}
