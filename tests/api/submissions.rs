//! Integration tests of calls for submissions and awards: submitting a project with its file,
//! what uploads are refused, who sees a submission and its file, blind review, closing the
//! review, the shortlist and awards on the project.

use chrono::{Duration, Utc};
use qi_shared::{
    event::{
        Event,
        submission::{Award, Call, Review, Submission, SubmissionPage},
    },
    notification::{NotificationKind, NotificationPage},
    project::{Project, ProjectPage},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    events::event_body,
    helpers::{Answer, Cast, S3Server, TestApp, cast, fields, spawn_app, spawn_app_with},
};

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn call_body(deadline_days: i64) -> Value {
    json!({
        "intro": "Posters and stories from this year's improvement work.\n\nTell us what changed.",
        "kinds": ["poster", "story"],
        "deadline": Utc::now() + Duration::days(deadline_days),
        "criteria": [
            {"name": "Impact", "description": "What changed for patients", "weight": 3},
            {"name": "Method", "description": "Use of PDSA and data", "weight": 1},
        ],
    })
}

impl TestApp {
    async fn upload(&self, token: &str, id: i64, mime: &str, bytes: Vec<u8>) -> Answer {
        let response = self
            .client
            .put(self.url(&format!(
                "/api/v1/submissions/{id}/file?name=ward%207%20poster.pdf"
            )))
            .bearer_auth(token)
            .header("content-type", mime)
            .body(bytes)
            .send()
            .await
            .expect("the server answers");
        Answer::from(response).await
    }
}

/// An event of organisation A with an open call, and a project of B's member.
async fn setting(app: &TestApp, c: &Cast) -> (Event, Project) {
    let (_, admin_a) = &c.admin_a;
    let event: Event = app
        .post(
            "/api/v1/events",
            admin_a,
            event_body(c.org_a.id, 200, "partnership"),
        )
        .await
        .expect(201);
    let call: Call = app
        .put(
            &format!("/api/v1/events/{}/call", event.id),
            admin_a,
            call_body(7),
        )
        .await
        .expect(200);
    assert!(call.open);
    assert!(call.can_manage);
    assert_eq!(call.criteria.len(), 2);
    let (_, member_b) = &c.member_b;
    let project: Project = app
        .post(
            "/api/v1/projects",
            member_b,
            json!({
                "title": "Sepsis screening in the surgery",
                "aim": "Screen 95% of adults with suspected sepsis within an hour by June 2027",
                "lead_organisation_id": c.org_b.id,
                "status": "active",
                "visibility": "team",
            }),
        )
        .await
        .expect(201);
    (event, project)
}

fn submission_body(project_id: i64, kind: &str) -> Value {
    json!({
        "project_id": project_id,
        "kind": kind,
        "title": "Screening for sepsis at the front desk",
        "abstract": "We trained reception staff to spot red flags.\n\nScreening rose from 40% to 92%.",
    })
}

#[tokio::test]
async fn a_poster_is_submitted_reviewed_blind_shortlisted_and_awarded() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (event, project) = setting(&app, &c).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (coach, coach_a) = &c.coach_a;
    let (member, member_b) = &c.member_b;
    let (_, admin_b) = &c.admin_b;
    let submissions = format!("/api/v1/events/{}/submissions", event.id);

    // Only the project's team submits it, once per kind, as a kind the call takes.
    let refused = app
        .post(
            &submissions,
            member_a,
            submission_body(project.id, "poster"),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["project_id"]);
    let refused = app
        .post(
            &submissions,
            member_b,
            submission_body(project.id, "masterclass"),
        )
        .await
        .problem(422);
    assert_eq!(fields(&refused), ["kind"]);
    let mut empty = submission_body(project.id, "poster");
    empty["abstract"] = json!("  \n ");
    assert_eq!(
        fields(&app.post(&submissions, member_b, empty).await.problem(422)),
        ["abstract"]
    );
    let poster: Submission = app
        .post(
            &submissions,
            member_b,
            submission_body(project.id, "poster"),
        )
        .await
        .expect(201);
    assert!(poster.can_edit);
    assert!(poster.file.is_none());
    let again = app
        .post(
            &submissions,
            member_b,
            submission_body(project.id, "poster"),
        )
        .await
        .problem(409);
    assert_eq!(fields(&again), ["kind"]);
    let one = format!("/api/v1/submissions/{}", poster.id);

    // Uploads: the wrong type, empty, not what it says, or too large store nothing.
    let file = format!("{one}/file");
    let p = app
        .upload(
            member_b,
            poster.id,
            "text/html",
            b"<script>alert(1)</script>".to_vec(),
        )
        .await
        .problem(415);
    assert_eq!(fields(&p), ["file"]);
    app.upload(member_b, poster.id, "application/pdf", Vec::new())
        .await
        .problem(422);
    let p = app
        .upload(member_b, poster.id, "application/pdf", PNG.to_vec())
        .await
        .problem(422);
    assert!(p.detail.unwrap_or_default().contains("not a PDF"));
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    app.upload(member_b, poster.id, "application/pdf", big)
        .await
        .problem(413);
    app.get(&file, member_b).await.problem(404);
    // Someone who may not see the submission cannot put a file on it either.
    app.upload(member_a, poster.id, "application/pdf", PDF.to_vec())
        .await
        .problem(404);
    let stored: Submission = app
        .upload(member_b, poster.id, "application/pdf", PDF.to_vec())
        .await
        .expect(200);
    let stored_file = stored.file.expect("the file is named");
    assert_eq!(stored_file.name, "ward 7 poster.pdf");
    assert_eq!(stored_file.bytes, PDF.len() as u64);
    let response = app
        .client
        .get(app.url(&file))
        .bearer_auth(member_b)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment; filename=\"ward 7 poster.pdf\"")
    );
    assert_eq!(response.bytes().await.expect("the file").as_ref(), PDF);

    // Nobody else sees it: not another organisation's admin, not a colleague, not anonymous.
    app.get(&one, member_a).await.problem(404);
    app.get(&file, member_a).await.problem(404);
    app.get(&one, admin_b).await.problem(404);
    app.call(Method::GET, &file, None, None).await.problem(401);
    let seen: SubmissionPage = app.get(&submissions, member_a).await.expect(200);
    assert_eq!(seen.page.total, 0);
    let seen: SubmissionPage = app.get(&submissions, admin_a).await.expect(200);
    assert_eq!(seen.page.total, 1);

    // The organiser names reviewers: not the team, and only the organiser.
    let reviewers = format!("{one}/reviewers");
    app.put(&reviewers, member_b, json!({"person_ids": [coach.id]}))
        .await
        .problem(403);
    let p = app
        .put(
            &reviewers,
            admin_a,
            json!({"person_ids": [coach.id, member.id]}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&p), ["person_ids[1]"]);
    let (member_a_person, _) = &c.member_a;
    let named: Submission = app
        .put(
            &reviewers,
            admin_a,
            json!({"person_ids": [coach.id, member_a_person.id]}),
        )
        .await
        .expect(200);
    assert_eq!(named.reviewers.len(), 2);
    // Each reviewer is told, in the app (and by email).
    let told: NotificationPage = app
        .get("/api/v1/me/notifications", coach_a)
        .await
        .expect(200);
    let asked = told
        .items
        .iter()
        .find(|n| n.kind == NotificationKind::ReviewRequested)
        .expect("the reviewer is told");
    assert_eq!(asked.link, format!("/submissions/{}", poster.id));
    // A reviewer now sees it, without the other reviewers or any score.
    let as_reviewer: Submission = app.get(&one, coach_a).await.expect(200);
    assert!(as_reviewer.reviewers.is_empty());
    assert!(!as_reviewer.can_review, "not before the deadline");

    let review = format!("{one}/review");
    let call: Call = app
        .get(&format!("/api/v1/events/{}/call", event.id), coach_a)
        .await
        .expect(200);
    assert_eq!(call.assigned_to_me, 1);
    let ids: Vec<i64> = call.criteria.iter().map(|c| c.id).collect();
    let scores = |impact: u8, method: u8| {
        json!({
            "scores": [
                {"criterion_id": ids[0], "score": impact},
                {"criterion_id": ids[1], "score": method},
            ],
            "comment": "Clear aim and good data.",
        })
    };
    app.put(&review, coach_a, scores(5, 3)).await.problem(409);

    // The deadline passes: the team's submission stays as it is; reviews open.
    let call_path = format!("/api/v1/events/{}/call", event.id);
    app.put(&call_path, admin_a, call_body(-1))
        .await
        .expect::<Call>(200);
    app.put(&one, member_b, submission_body(project.id, "story"))
        .await
        .problem(409);
    app.upload(member_b, poster.id, "application/pdf", PDF.to_vec())
        .await
        .problem(409);
    app.call(Method::DELETE, &one, Some(member_b), None)
        .await
        .problem(409);
    app.put(&review, member_b, scores(5, 5)).await.problem(403);
    let partial = app
        .put(
            &review,
            coach_a,
            json!({"scores": [{"criterion_id": ids[0], "score": 5}]}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&partial), ["scores"]);
    let mine: Review = app.put(&review, coach_a, scores(5, 3)).await.expect(200);
    assert_eq!(mine.score, 4.5);
    app.put(&review, member_a, scores(3, 3))
        .await
        .expect::<Review>(200);

    // Blind: each reviewer sees only their own review and no score; the organiser sees both.
    let reviews = format!("{one}/reviews");
    let own: Vec<Review> = app.get(&reviews, coach_a).await.expect(200);
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].reviewer.id, coach.id);
    let as_reviewer: Submission = app.get(&one, coach_a).await.expect(200);
    assert_eq!(as_reviewer.score, None);
    app.get(&reviews, member_b).await.problem(403);
    let as_organiser: Submission = app.get(&one, admin_a).await.expect(200);
    assert_eq!(as_organiser.reviews, 2);
    assert_eq!(as_organiser.score, Some(3.75));
    let all: Vec<Review> = app.get(&reviews, admin_a).await.expect(200);
    assert_eq!(all.len(), 2);

    // Scored rubrics stay as they are; awards wait for the review to close.
    let mut reweighted = call_body(-1);
    reweighted["criteria"][0]["weight"] = json!(1);
    let p = app.put(&call_path, admin_a, reweighted).await.problem(409);
    assert_eq!(fields(&p), ["criteria"]);
    let awards = format!("/api/v1/events/{}/awards", event.id);
    let award = json!({"submission_id": poster.id, "category": "Best poster", "level": "winner"});
    app.post(&awards, admin_a, award.clone()).await.problem(409);
    let close = format!("{call_path}/close-review");
    app.call(Method::POST, &close, Some(admin_b), None)
        .await
        .problem(403);
    let closed: Call = app
        .call(Method::POST, &close, Some(admin_a), None)
        .await
        .expect(200);
    assert!(closed.review_closed_at.is_some());
    app.call(Method::POST, &close, Some(admin_a), None)
        .await
        .problem(409);
    app.put(&review, coach_a, scores(1, 1)).await.problem(409);

    // Closed: the reviewers see each other's scores.
    let both: Vec<Review> = app.get(&reviews, coach_a).await.expect(200);
    assert_eq!(both.len(), 2);
    let as_reviewer: Submission = app.get(&one, coach_a).await.expect(200);
    assert_eq!(as_reviewer.score, Some(3.75));

    // Shortlisted and awarded: shown on the project and to everyone who sees the event.
    app.put(
        &format!("{one}/shortlist"),
        member_b,
        json!({"shortlisted": true}),
    )
    .await
    .problem(403);
    let listed: Submission = app
        .put(
            &format!("{one}/shortlist"),
            admin_a,
            json!({"shortlisted": true}),
        )
        .await
        .expect(200);
    assert!(listed.shortlisted);
    let team_view: Submission = app.get(&one, member_b).await.expect(200);
    assert!(team_view.shortlisted);
    assert_eq!(team_view.score, None, "the team sees no scores");
    app.post(&awards, member_b, award.clone())
        .await
        .problem(403);
    let p = app
        .post(
            &awards,
            admin_a,
            json!({"submission_id": poster.id, "category": " ", "level": "winner"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&p), ["category"]);
    let given: Award = app.post(&awards, admin_a, award.clone()).await.expect(201);
    assert_eq!(given.project.id, project.id);
    app.post(&awards, admin_a, award).await.problem(409);
    let told: NotificationPage = app
        .get("/api/v1/me/notifications", member_b)
        .await
        .expect(200);
    assert!(
        told.items
            .iter()
            .any(|n| n.kind == NotificationKind::AwardGiven && n.summary.contains("Best poster")),
        "the team is told of the award"
    );
    let page: Project = app
        .get(&format!("/api/v1/projects/{}", project.id), member_b)
        .await
        .expect(200);
    assert_eq!(page.awards.len(), 1);
    assert_eq!(page.awards[0].category, "Best poster");
    let list: ProjectPage = app.get("/api/v1/projects", member_b).await.expect(200);
    let item = list
        .items
        .iter()
        .find(|p| p.id == project.id)
        .expect("in the register");
    assert_eq!(item.awards.len(), 1);
    // Awarded: seen by someone who is neither team nor reviewer, without scores or reviewers.
    let awarded: Submission = app.get(&one, admin_b).await.expect(200);
    assert!(awarded.reviewers.is_empty());
    assert_eq!(awarded.score, None);
    let shown: Vec<Award> = app.get(&awards, member_a).await.expect(200);
    assert_eq!(shown.len(), 1);

    // Taking it back: the organiser only.
    let award_path = format!("/api/v1/awards/{}", given.id);
    app.call(Method::DELETE, &award_path, Some(member_a), None)
        .await
        .problem(403);
    app.call(Method::DELETE, &award_path, Some(admin_a), None)
        .await
        .expect::<Value>(204);
    let page: Project = app
        .get(&format!("/api/v1/projects/{}", project.id), member_b)
        .await
        .expect(200);
    assert!(page.awards.is_empty());
}

#[tokio::test]
async fn a_submission_is_changed_or_withdrawn_while_the_call_is_open() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (event, project) = setting(&app, &c).await;
    let (_, member_b) = &c.member_b;
    let (_, admin_a) = &c.admin_a;
    // The projects to choose from: those the person is on the team of (and may see).
    let (member, _) = &c.member_b;
    let mine: ProjectPage = app
        .get(
            &format!("/api/v1/projects?member_id={}", member.id),
            member_b,
        )
        .await
        .expect(200);
    assert_eq!(
        mine.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [project.id]
    );
    let theirs: ProjectPage = app
        .get(
            &format!("/api/v1/projects?member_id={}", member.id),
            admin_a,
        )
        .await
        .expect(200);
    assert!(theirs.items.is_empty(), "a team-only project stays unseen");
    let submissions = format!("/api/v1/events/{}/submissions", event.id);
    let story: Submission = app
        .post(&submissions, member_b, submission_body(project.id, "story"))
        .await
        .expect(201);
    let one = format!("/api/v1/submissions/{}", story.id);
    let mut changed = submission_body(project.id, "poster");
    changed["title"] = json!("Sepsis: the poster");
    let shown: Submission = app.put(&one, member_b, changed.clone()).await.expect(200);
    assert_eq!(shown.title, "Sepsis: the poster");
    changed["project_id"] = json!(project.id + 1000);
    assert_eq!(
        fields(&app.put(&one, member_b, changed).await.problem(422)),
        ["project_id"]
    );
    // The organiser sees it but does not change it.
    app.put(&one, admin_a, submission_body(project.id, "story"))
        .await
        .problem(403);
    // A kind with submissions stays in the call.
    let mut fewer = call_body(7);
    fewer["kinds"] = json!(["story"]);
    let p = app
        .put(&format!("/api/v1/events/{}/call", event.id), admin_a, fewer)
        .await
        .problem(409);
    assert_eq!(fields(&p), ["kinds"]);
    app.upload(member_b, story.id, "image/png", PNG.to_vec())
        .await
        .expect::<Submission>(200);
    app.call(Method::DELETE, &one, Some(member_b), None)
        .await
        .expect::<Value>(204);
    app.get(&one, member_b).await.problem(404);
}

#[tokio::test]
async fn a_call_is_for_those_who_may_see_its_event_and_set_by_its_managers() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    let own: Event = app
        .post(
            "/api/v1/events",
            admin_a,
            event_body(c.org_a.id, 50, "organisation"),
        )
        .await
        .expect(201);
    let call_path = format!("/api/v1/events/{}/call", own.id);
    app.get(&call_path, admin_a).await.problem(404);
    app.put(&call_path, member_a, call_body(7))
        .await
        .problem(403);
    app.put(&call_path, admin_b, call_body(7))
        .await
        .problem(404);
    let mut bad = call_body(7);
    bad["kinds"] = json!([]);
    bad["criteria"][1]["name"] = json!("impact");
    bad["criteria"][0]["weight"] = json!(11);
    let p = app.put(&call_path, admin_a, bad).await.problem(422);
    assert_eq!(
        fields(&p),
        ["kinds", "criteria[0].weight", "criteria[1].name"]
    );
    app.put(&call_path, admin_a, call_body(7))
        .await
        .expect::<Call>(200);
    let shown: Call = app.get(&call_path, member_a).await.expect(200);
    assert!(!shown.can_manage);
    // Another organisation's own event, its call and its lists are not there for B.
    app.get(&call_path, admin_b).await.problem(404);
    app.get(&format!("/api/v1/events/{}/submissions", own.id), admin_b)
        .await
        .problem(404);
    app.get(&format!("/api/v1/events/{}/awards", own.id), admin_b)
        .await
        .problem(404);
    // Not signed in: 401 everywhere.
    for path in [
        call_path.clone(),
        format!("/api/v1/events/{}/submissions", own.id),
        format!("/api/v1/events/{}/awards", own.id),
        "/api/v1/submissions/1".to_owned(),
        "/api/v1/submissions/1/reviews".to_owned(),
    ] {
        app.call(Method::GET, &path, None, None).await.problem(401);
    }
    let p = app
        .get(
            &format!("/api/v1/events/{}/submissions?per_page=0", own.id),
            member_a,
        )
        .await
        .problem(422);
    assert_eq!(fields(&p), ["per_page"]);
}

/// With `uploads.url` naming a bucket, a file is kept there, under the prefix the address names,
/// served back as it was sent, and removed from the bucket when replaced or withdrawn.
#[tokio::test]
async fn files_are_kept_in_an_s3_bucket_when_one_is_named() {
    let s3 = S3Server::start().await;
    let app = spawn_app_with(|s| s.uploads = s3.uploads("uploads/qi")).await;
    let c = cast(&app).await;
    let (event, project) = setting(&app, &c).await;
    let (_, member_b) = &c.member_b;
    let (_, member_a) = &c.member_a;
    let story: Submission = app
        .post(
            &format!("/api/v1/events/{}/submissions", event.id),
            member_b,
            submission_body(project.id, "story"),
        )
        .await
        .expect(201);
    let one = format!("/api/v1/submissions/{}", story.id);
    assert!(s3.keys().await.is_empty());
    app.upload(member_b, story.id, "application/pdf", PDF.to_vec())
        .await
        .expect::<Submission>(200);
    let first = s3.keys().await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].starts_with("uploads/qi/"), "{first:?}");
    let read = |token: &str| {
        app.client
            .get(app.url(&format!("{one}/file")))
            .bearer_auth(token.to_owned())
            .send()
    };
    let response = read(member_b).await.expect("the server answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.bytes().await.expect("the file").as_ref(), PDF);
    assert_eq!(read(member_a).await.expect("an answer").status(), 404);

    // A new file takes the old one's place in the bucket.
    app.upload(member_b, story.id, "image/png", PNG.to_vec())
        .await
        .expect::<Submission>(200);
    let second = s3.keys().await;
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(second, first);
    let response = read(member_b).await.expect("the server answers");
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.expect("the file").as_ref(), PNG);

    // Withdrawn: the file goes with it.
    app.call(Method::DELETE, &one, Some(member_b), None)
        .await
        .expect::<Value>(204);
    assert!(s3.keys().await.is_empty());
}
