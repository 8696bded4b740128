//! Mail, notifications and account self-service (issue 16), against a real SMTP server
//! (aiosmtpd, started by the test) that records what arrives.

use qi_shared::{
    auth::TokenResponse,
    notification::{
        Channel, NotificationKind, NotificationPage, NotificationSetting, OutboxMessage,
        OutboxPage, OutboxStatus, OutboxSummary, UnreadCount,
    },
    person::{InvitationSent, Role},
    project::Project,
};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, SmtpServer, TestApp, cast, fields, spawn_app,
    spawn_app_mailing,
};

impl TestApp {
    async fn anonymous(
        &self,
        method: Method,
        path: &str,
        body: serde_json::Value,
    ) -> crate::helpers::Answer {
        self.call(method, path, None, Some(body)).await
    }

    async fn outbox(&self, query: &str) -> OutboxPage {
        self.get(&format!("/api/v1/admin/outbox{query}"), &self.admin)
            .await
            .expect(200)
    }

    /// Waits until the outbox has no message waiting or being sent.
    async fn outbox_settled(&self, seconds: u64) -> OutboxSummary {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let summary: OutboxSummary = self
                .get("/api/v1/admin/outbox/summary", &self.admin)
                .await
                .expect(200);
            if summary.queued + summary.sending == 0 || std::time::Instant::now() > deadline {
                return summary;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test]
async fn an_invitation_arrives_by_mail_and_its_link_works() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let sent: InvitationSent = app
        .invite(&app.admin, "new.starter@example.nhs.uk", app.admin_org, &[])
        .await
        .expect(201);
    let mail = smtp.to("new.starter@example.nhs.uk", "invited").await;
    assert_eq!(mail.subject, "You are invited to QI Commons");
    assert!(
        mail.text.contains("Pat Admin has invited you"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("Test Partnership"), "{}", mail.text);
    assert!(mail.html.contains("Set your password"), "{}", mail.html);
    let token = mail.token_after("/invitations/");
    assert!(
        sent.invitation_link.ends_with(&token),
        "the mailed link is the one given"
    );
    let details = app
        .anonymous(
            Method::GET,
            &format!("/api/v1/invitations/{token}"),
            json!(null),
        )
        .await;
    assert_eq!(details.status, 200, "{:?}", details.body);
    let accepted = app
        .anonymous(
            Method::POST,
            "/api/v1/invitations/accept",
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.status, 200);
    // Once sent, the outbox no longer keeps a link as good as a password.
    app.outbox_settled(20).await;
    let outbox = app.outbox("?status=sent").await;
    let kept = outbox
        .items
        .iter()
        .find(|m| m.kind == NotificationKind::Invitation)
        .unwrap();
    assert!(!kept.text_body.contains(&token), "{}", kept.text_body);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_the_mailed_link_once() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let old_session = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The same answer whether or not the address has an account; mail only to the account.
    for email in [ADMIN_EMAIL, "nobody@example.nhs.uk"] {
        let asked = app
            .anonymous(
                Method::POST,
                "/api/v1/auth/password-reset",
                json!({"email": email}),
            )
            .await;
        assert_eq!(asked.status, 202, "{email}: {:?}", asked.body);
    }
    let mail = smtp.to(ADMIN_EMAIL, "Reset").await;
    assert_eq!(mail.subject, "Reset your QI Commons password");
    let token = mail.token_after("/reset-password/");
    assert_eq!(token.len(), 64);

    let short = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(fields(&short.problem(422)), ["password"]);
    let reset = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "password": "a-brand-new-password"}),
        )
        .await;
    assert_eq!(reset.status, 204, "{:?}", reset.body);
    let again = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "password": "another-new-password"}),
        )
        .await;
    assert_eq!(again.status, 404, "a reset link works once");
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 401);
    app.login_ok(ADMIN_EMAIL, "a-brand-new-password").await;
    assert_eq!(
        app.refresh(&old_session.refresh_token).await.status,
        401,
        "every session of the old password is signed out"
    );
    let changed = smtp
        .wait_until(20, |r| {
            r.iter().any(|m| m.subject.contains("password was changed"))
        })
        .await;
    assert!(
        changed
            .iter()
            .any(|m| m.subject.contains("password was changed"))
    );
    let received = smtp.received();
    assert!(
        !received
            .iter()
            .any(|m| m.to.iter().any(|t| t == "nobody@example.nhs.uk")),
        "no mail to an address without an account"
    );
}

#[tokio::test]
async fn reset_requests_are_throttled_and_checked() {
    let app = spawn_app().await;
    let bad = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/password-reset",
            json!({"email": "not an address"}),
        )
        .await;
    assert_eq!(fields(&bad.problem(422)), ["email"]);
    for _ in 0..5 {
        let asked = app
            .anonymous(
                Method::POST,
                "/api/v1/auth/password-reset",
                json!({"email": "who@example.nhs.uk"}),
            )
            .await;
        assert_eq!(asked.status, 202);
    }
    let sixth = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/password-reset",
            json!({"email": "Who@example.nhs.uk"}),
        )
        .await;
    assert_eq!(
        sixth.status, 429,
        "five an hour for one address, however it is written"
    );
    let unknown = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            json!({"token": "0".repeat(64), "password": "a-brand-new-password"}),
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn changing_my_password_needs_the_current_one_and_signs_out_other_sessions() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let other = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let anonymous = app
        .anonymous(
            Method::PUT,
            "/api/v1/me/password",
            json!({"current_password": "x", "new_password": "y"}),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    let wrong = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&app.admin),
            Some(json!({"current_password": "not-my-password", "new_password": "a-brand-new-password"})),
        )
        .await;
    assert_eq!(fields(&wrong.problem(422)), ["current_password"]);
    let changed: TokenResponse = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&app.admin),
            Some(
                json!({"current_password": ADMIN_PASSWORD, "new_password": "a-brand-new-password"}),
            ),
        )
        .await
        .expect(200);
    assert_eq!(
        app.refresh(&other.refresh_token).await.status,
        401,
        "the other session ends"
    );
    assert_eq!(
        app.get("/api/v1/me", &app.admin).await.status,
        401,
        "and old access tokens"
    );
    assert_eq!(
        app.get("/api/v1/me", &changed.access_token).await.status,
        200,
        "this one goes on"
    );
    app.login_ok(ADMIN_EMAIL, "a-brand-new-password").await;
    let notice = smtp.to(ADMIN_EMAIL, "password was changed").await;
    assert_eq!(notice.subject, "Your QI Commons password was changed");
}

#[tokio::test]
async fn a_new_email_address_is_confirmed_from_the_new_mailbox() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let c = cast(&app).await;
    let (member, token) = &c.member_a;
    let taken = app
        .post(
            "/api/v1/me/email",
            token,
            json!({"new_email": "member.b@example.org", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(fields(&taken.problem(409)), ["new_email"]);
    let bad = app
        .post(
            "/api/v1/me/email",
            token,
            json!({"new_email": "nope", "current_password": ""}),
        )
        .await;
    assert_eq!(fields(&bad.problem(422)), ["new_email", "current_password"]);
    let asked = app
        .post(
            "/api/v1/me/email",
            token,
            json!({"new_email": "a.new.address@example.nhs.uk", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(asked.status, 202, "{:?}", asked.body);
    let mail = smtp.to("a.new.address@example.nhs.uk", "Confirm").await;
    assert!(mail.text.contains("a.new.address@example.nhs.uk"));
    let link = mail.token_after("/confirm-email/");
    assert_eq!(
        app.login("a.new.address@example.nhs.uk", PASSWORD)
            .await
            .status,
        401,
        "not changed until confirmed"
    );
    let confirmed = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/email-change/confirm",
            json!({"token": link}),
        )
        .await;
    assert_eq!(confirmed.status, 204, "{:?}", confirmed.body);
    app.login_ok("a.new.address@example.nhs.uk", PASSWORD).await;
    assert_eq!(app.login(&member.email, PASSWORD).await.status, 401);
    let told = smtp.to(&member.email, "email address was changed").await;
    assert_eq!(told.subject, "Your QI Commons email address was changed");
    let reused = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/email-change/confirm",
            json!({"token": link}),
        )
        .await;
    assert_eq!(reused.status, 404);
}

#[tokio::test]
async fn a_score_change_tells_the_lead_in_the_app_and_by_mail_as_they_choose() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let c = cast(&app).await;
    let mut request = crate::projects::body(c.org_a.id);
    request["team"] = json!([{"person_id": c.coach_a.0.id, "role": "coach"}]);
    let project: Project = app
        .post("/api/v1/projects", &c.member_a.1, request)
        .await
        .expect(201);
    let path = format!("/api/v1/projects/{}/scores", project.id);
    app.post(
        &path,
        &c.coach_a.1,
        json!({"score": 2.0, "reason": "Baseline data collected"}),
    )
    .await
    .expect::<serde_json::Value>(201);

    let lead = &c.member_a;
    let unread: UnreadCount = app
        .get("/api/v1/me/notifications/unread", &lead.1)
        .await
        .expect(200);
    assert_eq!(unread.unread, 1);
    let list: NotificationPage = app
        .get("/api/v1/me/notifications", &lead.1)
        .await
        .expect(200);
    let notice = &list.items[0];
    assert_eq!(notice.kind, NotificationKind::ScoreChanged);
    assert_eq!(notice.link, format!("/projects/{}", project.id));
    assert!(
        notice.summary.contains("Baseline data collected"),
        "{}",
        notice.summary
    );
    let mail = smtp.to(&lead.0.email, "New score").await;
    assert!(
        mail.subject
            .starts_with("New score for Fewer falls on ward 7"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains(&format!("/projects/{}", project.id)));
    assert!(
        mail.text.contains("/profile#notifications"),
        "a link to the settings"
    );

    // Nobody else reads or marks it.
    let others = app
        .post(
            &format!("/api/v1/me/notifications/{}/read", notice.id),
            &c.member_b.1,
            json!(null),
        )
        .await;
    assert_eq!(others.status, 404);
    let marked = app
        .post(
            &format!("/api/v1/me/notifications/{}/read", notice.id),
            &lead.1,
            json!(null),
        )
        .await;
    assert_eq!(marked.status, 204);
    let unread: UnreadCount = app
        .get("/api/v1/me/notifications/unread", &lead.1)
        .await
        .expect(200);
    assert_eq!(unread.unread, 0);

    // In the app only: no more mail of this kind.
    let settings: Vec<NotificationSetting> = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&lead.1),
            Some(json!({"settings": [{"kind": "score_changed", "channel": "in_app"}]})),
        )
        .await
        .expect(200);
    let chosen = settings
        .iter()
        .find(|s| s.kind == NotificationKind::ScoreChanged)
        .unwrap();
    assert_eq!(chosen.channel, Channel::InApp);
    assert!(
        settings
            .iter()
            .any(|s| s.kind == NotificationKind::PasswordReset && s.locked)
    );
    let before = smtp.received().len();
    app.post(
        &path,
        &c.coach_a.1,
        json!({"score": 3.0, "reason": "Two PDSA cycles"}),
    )
    .await
    .expect::<serde_json::Value>(201);
    let unread: UnreadCount = app
        .get("/api/v1/me/notifications/unread", &lead.1)
        .await
        .expect(200);
    assert_eq!(unread.unread, 1);
    app.outbox_settled(20).await;
    assert_eq!(
        smtp.received().len(),
        before,
        "no mail when the lead chose the app only"
    );

    let locked = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&lead.1),
            Some(json!({"settings": [{"kind": "password_reset", "channel": "none"}]})),
        )
        .await;
    assert_eq!(fields(&locked.problem(422)), ["settings[0].channel"]);
    let all_read = app
        .post("/api/v1/me/notifications/read", &lead.1, json!(null))
        .await;
    assert_eq!(all_read.status, 204);
    let unread: UnreadCount = app
        .get("/api/v1/me/notifications/unread", &lead.1)
        .await
        .expect(200);
    assert_eq!(unread.unread, 0);
}

#[tokio::test]
async fn only_partnership_admins_read_the_outbox() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    for path in ["/api/v1/admin/outbox", "/api/v1/admin/outbox/summary"] {
        assert_eq!(
            app.anonymous(Method::GET, path, json!(null)).await.status,
            401
        );
        assert_eq!(
            app.get(path, &c.admin_a.1).await.status,
            403,
            "an organisation admin"
        );
        assert_eq!(app.get(path, &c.member_a.1).await.status, 403);
    }
    assert_eq!(
        app.post("/api/v1/admin/outbox/1/retry", &c.admin_a.1, json!(null))
            .await
            .status,
        403
    );
    let bad = app
        .get("/api/v1/admin/outbox?per_page=1000", &app.admin)
        .await;
    assert_eq!(fields(&bad.problem(422)), ["per_page"]);
    assert_eq!(
        app.get("/api/v1/admin/outbox?status=lost", &app.admin)
            .await
            .status,
        400
    );
    assert_eq!(
        app.post("/api/v1/admin/outbox/999999/retry", &app.admin, json!(null))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn with_no_smtp_server_mail_waits_in_the_outbox_for_admins_to_read() {
    let app = spawn_app().await;
    let sent: InvitationSent = app
        .invite(
            &app.admin,
            "waiting@example.nhs.uk",
            app.admin_org,
            &[Role::Coach],
        )
        .await
        .expect(201);
    let summary: OutboxSummary = app
        .get("/api/v1/admin/outbox/summary", &app.admin)
        .await
        .expect(200);
    assert!(!summary.delivering);
    assert_eq!(summary.queued, 1);
    let outbox = app.outbox("?to=waiting@").await;
    assert_eq!(outbox.page.total, 1);
    let message = &outbox.items[0];
    assert_eq!(message.status, OutboxStatus::Queued);
    assert!(
        message.text_body.contains(&sent.invitation_link),
        "the admin can pass the link on"
    );
}

#[tokio::test]
async fn a_refused_address_fails_with_its_reason_and_can_be_tried_again() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    app.invite(&app.admin, "reject.me@example.nhs.uk", app.admin_org, &[])
        .await
        .expect::<InvitationSent>(201);
    app.invite(&app.admin, "fine@example.nhs.uk", app.admin_org, &[])
        .await
        .expect::<InvitationSent>(201);
    let summary = app.outbox_settled(20).await;
    assert_eq!((summary.sent, summary.failed), (1, 1));
    let failed = app.outbox("?status=failed").await;
    let message: &OutboxMessage = &failed.items[0];
    assert_eq!(message.to_address, "reject.me@example.nhs.uk");
    assert_eq!(
        message.attempts, 1,
        "a permanent refusal is not tried again"
    );
    let reason = message.last_error.as_deref().unwrap_or_default();
    assert!(
        reason.contains("550") || reason.contains("mailbox unavailable"),
        "{reason}"
    );
    smtp.to("fine@example.nhs.uk", "invited").await;

    let retried: OutboxMessage = app
        .post(
            &format!("/api/v1/admin/outbox/{}/retry", message.id),
            &app.admin,
            json!(null),
        )
        .await
        .expect(200);
    assert_eq!(retried.status, OutboxStatus::Queued);
    let summary = app.outbox_settled(20).await;
    assert_eq!(summary.failed, 1, "refused again");
    let sent = app.outbox("?status=sent").await;
    let again = app
        .post(
            &format!("/api/v1/admin/outbox/{}/retry", sent.items[0].id),
            &app.admin,
            json!(null),
        )
        .await;
    assert_eq!(again.status, 409, "a sent message is not sent again");
}

#[tokio::test]
async fn an_smtp_outage_loses_and_doubles_nothing() {
    let mut smtp = SmtpServer::start().await;
    // Few tries allowed, so that an outage counted as a refusal would fail the mail within the
    // wait below.
    let app = spawn_app_mailing(&smtp, |s| {
        s.mail.outage_max_seconds = 2;
        s.mail.max_attempts = 2;
    })
    .await;
    smtp.stop();
    let mut invited = Vec::new();
    for i in 0..200 {
        let email = format!("outage.{i}@example.nhs.uk");
        app.invite(&app.admin, &email, app.admin_org, &[])
            .await
            .expect::<InvitationSent>(201);
        invited.push(email);
    }
    // Several tries at two seconds apart at most.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let waiting: OutboxSummary = app
        .get("/api/v1/admin/outbox/summary", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        (waiting.sent, waiting.failed),
        (0, 0),
        "an outage fails nothing"
    );
    smtp.restart().await;
    let received = smtp.wait_until(120, |r| r.len() >= 200).await;
    let summary = app.outbox_settled(60).await;
    assert_eq!((summary.sent, summary.failed), (200, 0));
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        (received.len(), ids.len()),
        (200, 200),
        "each delivered once"
    );
    for email in &invited {
        assert!(
            received.iter().any(|m| m.to.iter().any(|t| t == email)),
            "{email}"
        );
    }
}

/// Two nodes on one PostgreSQL draining one outbox: each message is sent exactly once.
#[tokio::test]
async fn two_nodes_send_each_message_once() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        return; // Several nodes share only PostgreSQL.
    }
    let smtp = SmtpServer::start().await;
    let database = crate::helpers::fresh_database().await;
    let mut settings = crate::helpers::test_settings(database.clone());
    settings.smtp_url = Some(secrecy::SecretString::from(smtp.url()));
    settings.mail.batch = 5;
    let first = crate::helpers::start(settings.clone()).await;
    let second = crate::helpers::start(settings).await;
    let app = TestApp::signed_in(first).await;
    let other = TestApp::signed_in(second).await;
    for i in 0..200 {
        let (node, email) = if i % 2 == 0 {
            (&app, format!("two.{i}@example.nhs.uk"))
        } else {
            (&other, format!("two.{i}@example.nhs.uk"))
        };
        node.invite(&node.admin, &email, node.admin_org, &[])
            .await
            .expect::<InvitationSent>(201);
    }
    let received = smtp.wait_until(120, |r| r.len() >= 200).await;
    app.outbox_settled(60).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let received_after = smtp.received();
    let mut ids: Vec<&str> = received_after
        .iter()
        .map(|m| m.message_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(received.len(), 200);
    assert_eq!(
        (received_after.len(), ids.len()),
        (200, 200),
        "each sent exactly once"
    );
}

/// The morning's data-due reminder and the weekly digest: written once by the first node to
/// claim them, to the right people, through the real SMTP server.
#[tokio::test]
async fn data_due_reminders_and_the_weekly_digest_go_once_to_the_right_people() {
    use chrono::{Datelike, Utc};
    let smtp = SmtpServer::start().await;
    let database = crate::helpers::fresh_database().await;
    let mut settings = crate::helpers::test_settings(database);
    settings.smtp_url = Some(secrecy::SecretString::from(smtp.url()));
    let app = TestApp::signed_in(crate::helpers::start(settings.clone()).await).await;
    let c = cast(&app).await;
    let mut request = crate::projects::body(c.org_a.id);
    request["team"] = json!([{"person_id": c.coach_a.0.id, "role": "coach"}]);
    let project: Project = app
        .post("/api/v1/projects", &c.member_a.1, request)
        .await
        .expect(201);
    // A new measure wants its baseline at once: due today.
    app.post(
        &format!("/api/v1/projects/{}/measures", project.id),
        &c.member_a.1,
        crate::measures::count_measure(),
    )
    .await
    .expect::<serde_json::Value>(201);
    app.post(
        &format!("/api/v1/projects/{}/scores", project.id),
        &c.coach_a.1,
        json!({"score": 2.0, "reason": "Baseline data collected"}),
    )
    .await
    .expect::<serde_json::Value>(201);
    app.call(
        Method::PUT,
        "/api/v1/me/notification-settings",
        Some(&c.member_a.1),
        Some(json!({"settings": [{"kind": "weekly_digest", "channel": "email"}]})),
    )
    .await
    .expect::<serde_json::Value>(200);

    // Two more nodes whose morning has come and whose digest day is today.
    settings.mail.reminder_hour = 0;
    settings.mail.digest_weekday = qi_shared::uk_time::local(Utc::now())
        .weekday()
        .num_days_from_monday();
    settings.mail.schedule_check_seconds = 1;
    crate::helpers::start(settings.clone()).await;
    crate::helpers::start(settings).await;

    let due = smtp.to(&c.member_a.0.email, "Data due").await;
    assert!(
        due.text.contains("Risk assessments done within 24 hours"),
        "{}",
        due.text
    );
    assert!(due.text.contains("Fewer falls on ward 7"), "{}", due.text);
    let coach_due = smtp.to(&c.coach_a.0.email, "Data due").await;
    assert!(coach_due.text.contains("Risk assessments"));
    let digest = smtp.to(&c.member_a.0.email, "Your week").await;
    assert!(
        digest.text.contains("New score for Fewer falls on ward 7"),
        "{}",
        digest.text
    );

    // Once, however many nodes: wait out a few more checks.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let received = smtp.received();
    let count = |to: &str, about: &str| {
        received
            .iter()
            .filter(|m| m.to.iter().any(|t| t == to) && m.subject.contains(about))
            .count()
    };
    assert_eq!(count(&c.member_a.0.email, "Data due"), 1);
    assert_eq!(count(&c.member_a.0.email, "Your week"), 1);
    assert_eq!(
        count(&c.coach_a.0.email, "Your week"),
        0,
        "the digest is asked for"
    );
    assert_eq!(
        count(&c.member_b.0.email, "Data due"),
        0,
        "no measures, no reminder"
    );
}

/// A place confirmed, and a place given from the waiting list, come with the cohort's sessions
/// as a calendar to add.
#[tokio::test]
async fn training_places_come_with_the_sessions_calendar() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let c = cast(&app).await;
    let course: serde_json::Value = app
        .post(
            "/api/v1/courses",
            &app.admin,
            crate::training::course_body(app.admin_org),
        )
        .await
        .expect(201);
    let cohort: serde_json::Value = app
        .post(
            &format!("/api/v1/courses/{}/cohorts", course["id"]),
            &app.admin,
            crate::training::cohort_body(1),
        )
        .await
        .expect(201);
    let cohort_id = cohort["id"].as_i64().unwrap();
    let path = format!("/api/v1/cohorts/{cohort_id}/enrolments");
    let first: serde_json::Value = app.post(&path, &c.member_a.1, json!({})).await.expect(201);
    app.post(&path, &c.member_b.1, json!({}))
        .await
        .expect::<serde_json::Value>(201);

    let confirmed = smtp.to(&c.member_a.0.email, "is confirmed").await;
    let ics = confirmed
        .attachments
        .iter()
        .find(|a| a.filename == "calendar.ics")
        .expect("a calendar");
    assert!(
        ics.content_type.starts_with("text/calendar"),
        "{}",
        ics.content_type
    );
    assert_eq!(
        ics.content.matches("BEGIN:VEVENT").count(),
        2,
        "{}",
        ics.content
    );
    assert!(
        ics.content.contains("SUMMARY:QI Fundamentals: Day 1"),
        "{}",
        ics.content
    );
    assert!(ics.content.contains("Education centre"), "{}", ics.content);
    app.outbox_settled(20).await;
    let received = smtp.received();
    assert!(
        !received
            .iter()
            .any(|m| m.to.contains(&c.member_b.0.email) && m.subject.contains("QI Fundamentals")),
        "a place on the waiting list is not a place"
    );

    app.post(
        &format!("/api/v1/enrolments/{}/withdraw", first["id"]),
        &c.member_a.1,
        json!(null),
    )
    .await
    .expect::<serde_json::Value>(200);
    let given = smtp.to(&c.member_b.0.email, "is yours").await;
    assert!(
        given.text.contains("a place has come free"),
        "{}",
        given.text
    );
    assert!(
        given
            .attachments
            .iter()
            .any(|a| a.filename == "calendar.ics")
    );
}
