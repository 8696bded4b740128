//! Integration tests of comments and peer support: threads, mentions and their notices, edits
//! and deletes by the author only, offers of help the team answers, hiding by a moderator,
//! publishing a public project's comments, and who reads what across two organisations.

use qi_shared::{
    comment::{Comment, CommentPage, OfferStatus},
    notification::{NotificationKind, NotificationPage},
    project::Project,
    training::PersonRef,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{Cast, TestApp, cast, fields, spawn_app},
    measures::count_measure,
};

async fn project(app: &TestApp, c: &Cast, visibility: &str) -> Project {
    app.post(
        "/api/v1/projects",
        &c.member_a.1,
        json!({
            "title": format!("Falls prevention ({visibility})"),
            "aim": "Reduce inpatient falls with harm by 30% by March 2027",
            "lead_organisation_id": c.org_a.id,
            "status": "active",
            "visibility": visibility,
        }),
    )
    .await
    .expect(201)
}

async fn told(app: &TestApp, token: &str, kind: NotificationKind) -> usize {
    let page: NotificationPage = app.get("/api/v1/me/notifications", token).await.expect(200);
    page.items.iter().filter(|n| n.kind == kind).count()
}

async fn threads(app: &TestApp, path: &str, token: Option<&str>) -> CommentPage {
    app.call(Method::GET, path, token, None).await.expect(200)
}

#[tokio::test]
async fn a_thread_with_a_mention_edits_and_deletes_as_its_authors_may() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p = project(&app, &c, "organisation").await;
    let (lead, lead_t) = &c.member_a;
    let (coach, coach_t) = &c.coach_a;
    let (member_b, member_b_t) = &c.member_b;
    let comments = format!("/api/v1/projects/{}/comments", p.id);

    // Script and javascript: links are written, and never come back as markup that runs.
    let body = "Have you tried **safety huddles**, @Lead? <script>alert('x')</script> \
                [see this](javascript:alert(1)) <a href=\"javascript:void(0)\" onclick=\"steal()\">here</a>";
    let comment: Comment = app
        .post(
            &comments,
            coach_t,
            json!({"body": body, "mentions": [lead.id]}),
        )
        .await
        .expect(201);
    let html = comment.html.clone().expect("readable");
    assert!(html.contains("<strong>safety huddles</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert_eq!(comment.body.as_deref(), Some(body));
    assert_eq!(comment.mentions.len(), 1);
    assert!(comment.can_edit);
    assert!(!comment.can_hide);
    assert_eq!(told(&app, lead_t, NotificationKind::Mentioned).await, 1);

    // Mentions are of people who can see the project; the body is needed.
    let p422 = app
        .post(
            &comments,
            coach_t,
            json!({"body": "x", "mentions": [member_b.id]}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&p422), ["mentions[0]"]);
    assert_eq!(
        fields(
            &app.post(&comments, coach_t, json!({"body": "  "}))
                .await
                .problem(422)
        ),
        ["body"]
    );
    assert_eq!(told(&app, member_b_t, NotificationKind::Mentioned).await, 0);

    // People to mention are those who can see it.
    let people: Vec<PersonRef> = app
        .get(
            &format!("/api/v1/projects/{}/mentionable?q=SAM%20ex", p.id),
            coach_t,
        )
        .await
        .expect(200);
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    assert!(ids.contains(&lead.id) && ids.contains(&coach.id), "{ids:?}");
    assert!(
        !ids.contains(&member_b.id) && !ids.contains(&c.admin_b.0.id),
        "{ids:?}"
    );
    app.get(
        &format!("/api/v1/projects/{}/mentionable?q=", p.id),
        coach_t,
    )
    .await
    .problem(422);

    // Replies thread under the head, a reply to a reply too.
    let reply: Comment = app
        .post(
            &comments,
            lead_t,
            json!({"body": "Yes, twice a day.", "parent_id": comment.id}),
        )
        .await
        .expect(201);
    assert_eq!(reply.parent_id, Some(comment.id));
    let again: Comment = app
        .post(
            &comments,
            coach_t,
            json!({"body": "Great.", "parent_id": reply.id}),
        )
        .await
        .expect(201);
    assert_eq!(again.parent_id, Some(comment.id));
    let page = threads(&app, &comments, Some(lead_t)).await;
    assert_eq!(page.page.total, 1);
    assert_eq!(
        page.items[0]
            .replies
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [reply.id, again.id]
    );

    // On a measure: listed with it, and filtered by it; a measure of another project is refused.
    let measure: Value = app
        .post(
            &format!("/api/v1/projects/{}/measures", p.id),
            lead_t,
            count_measure(),
        )
        .await
        .expect(201);
    let measure_id = measure["id"].as_i64().expect("an id");
    let on_measure: Comment = app
        .post(
            &comments,
            coach_t,
            json!({"body": "The baseline looks stable.", "measure_id": measure_id}),
        )
        .await
        .expect(201);
    assert_eq!(
        on_measure.measure_name.as_deref(),
        Some("Risk assessments done within 24 hours")
    );
    let filtered = threads(
        &app,
        &format!("{comments}?measure_id={measure_id}"),
        Some(lead_t),
    )
    .await;
    assert_eq!(
        filtered.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [on_measure.id]
    );
    let other = project(&app, &c, "partnership").await;
    let refused = app
        .post(
            &format!("/api/v1/projects/{}/comments", other.id),
            lead_t,
            json!({"body": "x", "measure_id": measure_id, "parent_id": comment.id}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["measure_id"]);
    let refused = app
        .post(
            &format!("/api/v1/projects/{}/comments", other.id),
            lead_t,
            json!({"body": "x", "parent_id": comment.id}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["parent_id"]);

    // Only the author edits (shown as edited) and deletes.
    let one = format!("/api/v1/comments/{}", comment.id);
    app.put(&one, lead_t, json!({"body": "Changed"}))
        .await
        .problem(403);
    let edited: Comment = app
        .put(
            &one,
            coach_t,
            json!({"body": "Have you tried safety huddles?", "mentions": [lead.id, coach.id]}),
        )
        .await
        .expect(200);
    assert!(edited.edited_at.is_some());
    // Only someone newly mentioned hears of it, and not the author.
    assert_eq!(told(&app, lead_t, NotificationKind::Mentioned).await, 1);
    assert_eq!(told(&app, coach_t, NotificationKind::Mentioned).await, 0);
    app.call(Method::DELETE, &one, Some(lead_t), None)
        .await
        .problem(403);

    // A head with replies stays as deleted; when its last reply goes, it goes too.
    app.call(Method::DELETE, &one, Some(coach_t), None)
        .await
        .expect::<Value>(204);
    let page = threads(&app, &format!("{comments}?per_page=1&page=2"), Some(lead_t)).await;
    let head = &page.items[0];
    assert!(head.deleted);
    assert_eq!(head.body, None);
    assert_eq!(head.replies.len(), 2);
    app.put(&one, coach_t, json!({"body": "back"}))
        .await
        .problem(409);
    let refused = app
        .post(
            &comments,
            lead_t,
            json!({"body": "x", "parent_id": comment.id}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["parent_id"]);
    app.call(
        Method::DELETE,
        &format!("/api/v1/comments/{}", reply.id),
        Some(lead_t),
        None,
    )
    .await
    .expect::<Value>(204);
    app.call(
        Method::DELETE,
        &format!("/api/v1/comments/{}", again.id),
        Some(coach_t),
        None,
    )
    .await
    .expect::<Value>(204);
    let page = threads(&app, &comments, Some(lead_t)).await;
    assert_eq!(
        page.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [on_measure.id]
    );

    // Another organisation, and the public, see nothing of a project kept to its organisation.
    app.get(&comments, member_b_t).await.problem(404);
    app.post(&comments, member_b_t, json!({"body": "hello"}))
        .await
        .problem(404);
    app.put(
        &format!("/api/v1/comments/{}", on_measure.id),
        member_b_t,
        json!({"body": "x"}),
    )
    .await
    .problem(404);
    app.call(Method::GET, &comments, None, None)
        .await
        .problem(404);
    app.call(Method::POST, &comments, None, Some(json!({"body": "x"})))
        .await
        .problem(401);
}

#[tokio::test]
async fn offers_hiding_and_publishing_on_a_public_project() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let p = project(&app, &c, "public").await;
    let (_, lead_t) = &c.member_a;
    let (_, coach_t) = &c.coach_a;
    let (_, admin_a) = &c.admin_a;
    let (helper, helper_t) = &c.member_b;
    let (_, admin_b) = &c.admin_b;
    let comments = format!("/api/v1/projects/{}/comments", p.id);

    // Someone of another organisation offers help; the lead hears of it.
    let offer: Comment = app
        .post(
            &comments,
            helper_t,
            json!({"body": "We ran the same huddles at Riverside: happy to share our checklist.", "offer": true}),
        )
        .await
        .expect(201);
    assert_eq!(offer.offer_status, Some(OfferStatus::Open));
    assert!(!offer.can_answer);
    assert_eq!(told(&app, lead_t, NotificationKind::HelpOffered).await, 1);
    let refused = app
        .post(
            &comments,
            helper_t,
            json!({"body": "x", "offer": true, "parent_id": offer.id}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["offer"]);

    // Only the team answers it; whoever offered hears of an acceptance.
    let answer = format!("/api/v1/comments/{}/offer", offer.id);
    app.put(&answer, helper_t, json!({"status": "accepted"}))
        .await
        .problem(403);
    app.put(&answer, coach_t, json!({"status": "accepted"}))
        .await
        .problem(403);
    assert_eq!(
        fields(
            &app.put(&answer, lead_t, json!({"status": "open"}))
                .await
                .problem(422)
        ),
        ["status"]
    );
    let accepted: Comment = app
        .put(&answer, lead_t, json!({"status": "accepted"}))
        .await
        .expect(200);
    assert_eq!(accepted.offer_status, Some(OfferStatus::Accepted));
    assert_eq!(
        told(&app, helper_t, NotificationKind::OfferAccepted).await,
        1
    );
    let plain: Comment = app
        .post(&comments, coach_t, json!({"body": "Looks promising."}))
        .await
        .expect(201);
    app.put(
        &format!("/api/v1/comments/{}/offer", plain.id),
        lead_t,
        json!({"status": "declined"}),
    )
    .await
    .problem(409);

    // The public reads nothing until the team publishes.
    assert_eq!(threads(&app, &comments, None).await.page.total, 0);
    let publish = format!("/api/v1/comments/{}/published", offer.id);
    app.put(&publish, helper_t, json!({"published": true}))
        .await
        .problem(403);
    let published: Comment = app
        .put(&publish, lead_t, json!({"published": true}))
        .await
        .expect(200);
    assert!(published.published);
    let public = threads(&app, &comments, None).await;
    assert_eq!(
        public.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [offer.id]
    );
    assert!(!public.items[0].can_edit);

    // The lead or an admin of its organisation hides, with a reason; not another organisation's.
    let hide = format!("/api/v1/comments/{}/hidden", offer.id);
    app.put(&hide, admin_b, json!({"reason": "No"}))
        .await
        .problem(403);
    app.put(&hide, coach_t, json!({"reason": "No"}))
        .await
        .problem(403);
    assert_eq!(
        fields(
            &app.put(&hide, admin_a, json!({"reason": " "}))
                .await
                .problem(422)
        ),
        ["reason"]
    );
    let hidden: Comment = app
        .put(&hide, admin_a, json!({"reason": "Names a patient"}))
        .await
        .expect(200);
    assert_eq!(
        hidden.hidden.as_ref().map(|h| h.reason.as_str()),
        Some("Names a patient")
    );
    assert!(!hidden.published, "hiding withdraws it from the public");
    assert_eq!(threads(&app, &comments, None).await.page.total, 0);
    app.put(&publish, lead_t, json!({"published": true}))
        .await
        .problem(409);
    // A reader who is neither its author nor a moderator sees why, not what.
    let seen = threads(&app, &comments, Some(coach_t)).await;
    let seen = seen
        .items
        .iter()
        .find(|c| c.id == offer.id)
        .expect("listed");
    assert!(seen.hidden.is_some());
    assert_eq!(seen.body, None);
    assert_eq!(seen.html, None);
    let own = threads(&app, &comments, Some(helper_t)).await;
    assert!(
        own.items
            .iter()
            .any(|c| c.id == offer.id && c.body.is_some())
    );
    let shown: Comment = app
        .call(Method::DELETE, &hide, Some(lead_t), None)
        .await
        .expect(200);
    assert!(shown.hidden.is_none());

    // Offers only; a project not public cannot publish.
    let offers = threads(&app, &format!("{comments}?offers=true"), Some(helper_t)).await;
    assert_eq!(
        offers.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [offer.id]
    );
    let closed = project(&app, &c, "organisation").await;
    let inside: Comment = app
        .post(
            &format!("/api/v1/projects/{}/comments", closed.id),
            coach_t,
            json!({"body": "x"}),
        )
        .await
        .expect(201);
    app.put(
        &format!("/api/v1/comments/{}/published", inside.id),
        lead_t,
        json!({"published": true}),
    )
    .await
    .problem(409);
    assert_eq!(helper.organisation_id, c.org_b.id);
}
