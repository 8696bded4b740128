//! Integration tests of the bulletin: composing a draft from sections, who edits whose,
//! previewing, publishing, the public page and the Atom feed, and what each reader sees of the
//! projects and events it picks.

use qi_shared::{
    bulletin::{Bulletin, BulletinPage, BulletinStatus},
    event::Event,
    project::Project,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    events::event_body,
    helpers::{TestApp, cast, fields, spawn_app},
};

async fn project(
    app: &TestApp,
    token: &str,
    organisation: i64,
    title: &str,
    visibility: &str,
) -> Project {
    app.post(
        "/api/v1/projects",
        token,
        json!({
            "title": title,
            "aim": "Cut waits for a first appointment to under 18 weeks by 2027",
            "lead_organisation_id": organisation,
            "status": "active",
            "visibility": visibility,
        }),
    )
    .await
    .expect(201)
}

fn issue(organisation: Option<i64>, projects: &[i64], events: &[i64]) -> Value {
    json!({
        "title": "Sharing the Learning: winter 2026",
        "summary": "Falls, flow and a celebration.",
        "organisation_id": organisation,
        "sections": [
            {"kind": "text", "heading": "Welcome",
             "body": "Welcome to **winter**. <script>alert(1)</script> [x](javascript:alert(1))"},
            {"kind": "projects", "heading": "Projects to learn from", "body": "", "project_ids": projects},
            {"kind": "events", "heading": "Coming up", "event_ids": events},
        ],
    })
}

#[tokio::test]
async fn a_draft_is_previewed_published_and_read_by_anyone_in_the_feed() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    let public = project(&app, member_a, c.org_a.id, "Safer discharge", "public").await;
    // The public project's measure has data: its chart shows in the issue.
    let measure: Value = app
        .post(
            &format!("/api/v1/projects/{}/measures", public.id),
            member_a,
            crate::measures::count_measure(),
        )
        .await
        .expect(201);
    for (i, value) in [12, 15, 11, 18, 20].into_iter().enumerate() {
        app.post(
            &format!("/api/v1/measures/{}/points", measure["id"]),
            member_a,
            json!({"date": format!("2026-0{}-01", i + 1), "value": value}),
        )
        .await
        .expect::<Value>(201);
    }
    let inside = project(&app, member_a, c.org_a.id, "Ward rounds", "partnership").await;
    let secret = project(&app, &c.member_b.1, c.org_b.id, "Riverside only", "team").await;
    let open: Event = app
        .post(
            "/api/v1/events",
            admin_a,
            event_body(c.org_a.id, 30, "open"),
        )
        .await
        .expect(201);
    let ours: Event = app
        .post(
            "/api/v1/events",
            admin_a,
            event_body(c.org_a.id, 30, "organisation"),
        )
        .await
        .expect(201);

    // Editors: the partnership's admins, and an organisation's for their own only.
    let body = issue(
        Some(c.org_a.id),
        &[public.id, inside.id],
        &[open.id, ours.id],
    );
    app.post("/api/v1/bulletins", member_a, body.clone())
        .await
        .problem(403);
    app.post("/api/v1/bulletins", admin_b, body.clone())
        .await
        .problem(403);
    app.call(Method::POST, "/api/v1/bulletins", None, Some(body.clone()))
        .await
        .problem(401);
    // Only what the editor may see can be picked; every section needs what its kind holds.
    let refused = app
        .post(
            "/api/v1/bulletins",
            admin_a,
            issue(Some(c.org_a.id), &[secret.id], &[open.id]),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["sections[1].project_ids[0]"]);
    let refused = app
        .post(
            "/api/v1/bulletins",
            admin_a,
            issue(Some(c.org_a.id), &[], &[]),
        )
        .await
        .problem(422);
    assert_eq!(
        fields(&refused),
        ["sections[1].project_ids", "sections[2].event_ids"]
    );
    let refused = app
        .post(
            "/api/v1/bulletins",
            &app.admin,
            issue(Some(999_999), &[public.id], &[open.id]),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["organisation_id"]);

    // A preview stores nothing.
    let preview: Bulletin = app
        .post("/api/v1/bulletins/preview", admin_a, body.clone())
        .await
        .expect(200);
    assert_eq!(preview.id, 0);
    let none: BulletinPage = app.get("/api/v1/bulletins", admin_a).await.expect(200);
    assert_eq!(none.page.total, 0);

    let draft: Bulletin = app
        .post("/api/v1/bulletins", admin_a, body.clone())
        .await
        .expect(201);
    assert_eq!(draft.status, BulletinStatus::Draft);
    let html = &draft.sections[0].html;
    assert!(html.contains("<strong>winter</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
    assert_eq!(draft.sections[1].projects.len(), 2);
    let shown = &draft.sections[1].projects[0];
    assert_eq!(shown.measure_id, measure["id"].as_i64());
    let svg = shown.chart_svg.as_deref().expect("a chart");
    assert!(svg.starts_with("<svg") && !svg.contains("<script"), "{svg}");
    assert!(shown.chart_description.is_some());
    assert_eq!(
        draft.sections[1].projects[1].chart_svg, None,
        "no data, no chart"
    );
    let one = format!("/api/v1/bulletins/{}", draft.id);

    // A draft is its editors' alone.
    app.call(Method::GET, &one, None, None).await.problem(404);
    app.get(&one, member_a).await.problem(404);
    app.get(&one, admin_b).await.problem(404);
    let theirs: BulletinPage = app.get("/api/v1/bulletins", admin_b).await.expect(200);
    assert_eq!(theirs.page.total, 0);
    let drafts: BulletinPage = app
        .get("/api/v1/bulletins?status=draft", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        drafts.items.iter().map(|b| b.id).collect::<Vec<_>>(),
        [draft.id]
    );
    app.put(&one, admin_b, body.clone()).await.problem(404);
    app.call(
        Method::POST,
        &format!("{one}/publish"),
        Some(member_a),
        None,
    )
    .await
    .problem(404);

    // Changed, then published: from then on it is fixed, public and in the feed.
    let mut changed = body.clone();
    changed["title"] = json!("Sharing the Learning: winter 2026 <edition>");
    let draft: Bulletin = app.put(&one, admin_a, changed.clone()).await.expect(200);
    assert_eq!(draft.title, "Sharing the Learning: winter 2026 <edition>");
    let published: Bulletin = app
        .call(Method::POST, &format!("{one}/publish"), Some(admin_a), None)
        .await
        .expect(200);
    assert_eq!(published.status, BulletinStatus::Published);
    assert!(published.published_at.is_some());
    app.put(&one, admin_a, changed).await.problem(409);
    app.call(Method::DELETE, &one, Some(admin_a), None)
        .await
        .problem(409);
    app.call(Method::POST, &format!("{one}/publish"), Some(admin_a), None)
        .await
        .problem(409);

    // The public sees the public project and the open event only; the partnership sees more.
    let read: Bulletin = app.call(Method::GET, &one, None, None).await.expect(200);
    assert_eq!(
        read.sections[1]
            .projects
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [public.id]
    );
    assert_eq!(
        read.sections[2]
            .events
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        [open.id]
    );
    assert!(!read.can_edit);
    // What was picked but not shown is not named either.
    assert_eq!(read.sections[1].project_ids, [public.id]);
    assert_eq!(read.sections[2].event_ids, [open.id]);
    let read: Bulletin = app.get(&one, admin_b).await.expect(200);
    assert_eq!(read.sections[1].projects.len(), 2);
    assert_eq!(
        read.sections[2].events.len(),
        1,
        "another organisation's event stays with it"
    );
    let listed: BulletinPage = app
        .call(Method::GET, "/api/v1/bulletins", None, None)
        .await
        .expect(200);
    assert_eq!(
        listed.items.iter().map(|b| b.id).collect::<Vec<_>>(),
        [draft.id]
    );

    let feed = app
        .client
        .get(app.url("/api/v1/bulletins/feed.atom"))
        .send()
        .await
        .expect("the feed");
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("application/atom+xml")
    );
    let xml = feed.text().await.expect("the feed's text");
    assert!(xml.contains("<feed"), "{xml}");
    assert!(
        xml.contains("Sharing the Learning: winter 2026 &lt;edition&gt;"),
        "{xml}"
    );
    assert!(xml.contains(&format!("/bulletins/{}", draft.id)), "{xml}");
    assert!(xml.contains("Safer discharge"), "{xml}");
    assert!(
        !xml.contains("Ward rounds"),
        "a partnership project stays out of the public feed"
    );
    assert!(
        !xml.contains("<script") && !xml.contains("&lt;script"),
        "{xml}"
    );
    assert!(!xml.contains("javascript:"), "{xml}");

    // The feed's own path answers only GET, though it looks like an issue's.
    let p405 = app
        .put("/api/v1/bulletins/feed.atom", admin_a, json!({}))
        .await
        .problem(405);
    assert_eq!(p405.code, "method_not_allowed");

    // A draft can be deleted.
    let other: Bulletin = app
        .post(
            "/api/v1/bulletins",
            &app.admin,
            issue(None, &[public.id], &[open.id]),
        )
        .await
        .expect(201);
    app.call(
        Method::DELETE,
        &format!("/api/v1/bulletins/{}", other.id),
        Some(admin_a),
        None,
    )
    .await
    .problem(404);
    app.call(
        Method::DELETE,
        &format!("/api/v1/bulletins/{}", other.id),
        Some(&app.admin),
        None,
    )
    .await
    .expect::<Value>(204);
    app.get(&format!("/api/v1/bulletins/{}", other.id), &app.admin)
        .await
        .problem(404);
}

/// The largest issue every field's own limit allows, written as the most bytes JSON can take for
/// it (each character a surrogate pair of `\u` escapes, as Python's `json.dumps` writes it), is
/// within the bulletin's body limit; one section more is refused for the section count, not the
/// body's size, and a body past the bulletin's limit is refused for its size.
#[tokio::test]
async fn the_largest_valid_issue_fits_the_body_limit() {
    use qi_shared::bulletin::{MAX_HEADING, MAX_SECTIONS, MAX_SUMMARY, MAX_TEXT, MAX_TITLE};
    let app = spawn_app().await;
    let wide = |n: usize| r"\ud83d\ude00".repeat(n);
    let body = |sections: usize| {
        let section = format!(
            r#"{{"kind":"text","heading":"{}","body":"{}","project_ids":[],"event_ids":[]}}"#,
            wide(MAX_HEADING),
            wide(MAX_TEXT)
        );
        format!(
            r#"{{"title":"{}","summary":"{}","sections":[{}]}}"#,
            wide(MAX_TITLE),
            wide(MAX_SUMMARY),
            vec![section; sections].join(",")
        )
    };
    let largest = body(MAX_SECTIONS);
    assert!(largest.len() > 256 * 1024, "larger than the general limit");
    let created: Bulletin = app
        .post_raw(
            "/api/v1/bulletins",
            Some(&app.admin),
            "application/json",
            largest.clone(),
        )
        .await
        .expect(201);
    assert_eq!(created.sections.len(), MAX_SECTIONS);
    assert_eq!(created.title.chars().count(), MAX_TITLE);
    app.post_raw(
        "/api/v1/bulletins/preview",
        Some(&app.admin),
        "application/json",
        largest,
    )
    .await
    .expect::<Bulletin>(200);
    let problem = app
        .post_raw(
            "/api/v1/bulletins",
            Some(&app.admin),
            "application/json",
            body(MAX_SECTIONS + 1),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["sections"]);
    let too_large = " ".repeat(qi_shared::bulletin::MAX_BODY_BYTES + 1);
    app.post_raw(
        "/api/v1/bulletins",
        Some(&app.admin),
        "application/json",
        too_large,
    )
    .await
    .problem(413);
}
