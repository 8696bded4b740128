use qi_shared::person::{InvitationDetails, InvitationSent, Role};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, fields, spawn_app};

fn token_of(sent: &InvitationSent) -> &str {
    sent.invitation_link.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn an_invitation_shows_who_it_is_for() {
    let app = spawn_app().await;
    let sent: InvitationSent = app
        .invite(&app.admin, "new@example.org", app.admin_org, &[])
        .await
        .expect(201);
    let details: InvitationDetails = app
        .call(
            Method::GET,
            &format!("/api/v1/invitations/{}", token_of(&sent)),
            None,
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        (details.email.as_str(), details.organisation_name.as_str()),
        ("new@example.org", "Partnership QI team")
    );
    app.call(
        Method::GET,
        "/api/v1/invitations/not-a-real-token",
        None,
        None,
    )
    .await
    .problem(404);
}

#[tokio::test]
async fn an_invitation_works_once() {
    let app = spawn_app().await;
    let sent: InvitationSent = app
        .invite(&app.admin, "new@example.org", app.admin_org, &[])
        .await
        .expect(201);
    let _: serde_json::Value = app.accept(&sent, PASSWORD).await.expect(200);
    app.accept(&sent, "another-long-password")
        .await
        .problem(404);
    app.call(
        Method::GET,
        &format!("/api/v1/invitations/{}", token_of(&sent)),
        None,
        None,
    )
    .await
    .problem(404);
    app.login("new@example.org", "another-long-password")
        .await
        .problem(401);
}

#[tokio::test]
async fn a_new_invitation_replaces_the_old_link() {
    let app = spawn_app().await;
    let first: InvitationSent = app
        .invite(&app.admin, "new@example.org", app.admin_org, &[Role::Coach])
        .await
        .expect(201);
    let second: InvitationSent = app
        .post(
            &format!("/api/v1/people/{}/invitation", first.person.id),
            &app.admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_ne!(first.invitation_link, second.invitation_link);
    app.accept(&first, PASSWORD).await.problem(404);
    let _: serde_json::Value = app.accept(&second, PASSWORD).await.expect(200);
    // Once accepted, there is nothing to re-send.
    let problem = app
        .post(
            &format!("/api/v1/people/{}/invitation", first.person.id),
            &app.admin,
            json!({}),
        )
        .await
        .problem(409);
    assert_eq!(problem.code, "not_invited");
}

#[tokio::test]
async fn accepting_checks_the_password_and_the_token() {
    let app = spawn_app().await;
    let sent: InvitationSent = app
        .invite(&app.admin, "new@example.org", app.admin_org, &[])
        .await
        .expect(201);
    let token = token_of(&sent);
    let cases = [
        (
            json!({"token": token, "password": "short"}),
            422,
            vec!["password"],
        ),
        (
            json!({"token": token, "password": ""}),
            422,
            vec!["password"],
        ),
        (json!({"token": token}), 422, vec!["password"]),
        (
            json!({"token": "", "password": PASSWORD}),
            422,
            vec!["token"],
        ),
        (json!({"password": PASSWORD}), 422, vec!["token"]),
    ];
    for (body, status, expected) in cases {
        let problem = app
            .call(
                Method::POST,
                "/api/v1/invitations/accept",
                None,
                Some(body.clone()),
            )
            .await
            .problem(status);
        assert_eq!(fields(&problem), expected, "{body}");
    }
    app.call(
        Method::POST,
        "/api/v1/invitations/accept",
        None,
        Some(json!({"token": "wrong", "password": PASSWORD})),
    )
    .await
    .problem(404);
    // The refused attempts spent nothing.
    let _: serde_json::Value = app.accept(&sent, PASSWORD).await.expect(200);
}
