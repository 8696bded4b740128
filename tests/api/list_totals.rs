//! The register's totals while projects change: a page and its total are both as of the
//! latest change through the node, for whoever made it, and exact (the register's index in
//! memory counts every match).

use qi_shared::project::{Project, ProjectPage};
use serde_json::json;

use crate::helpers::{TestApp, cast, spawn_app};

#[tokio::test]
async fn a_new_project_counts_at_once_for_its_author_and_for_others() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (author, other) = (&c.member_a.1, &c.member_b.1);
    let list = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move {
            app.get("/api/v1/projects?theme=falls", &token)
                .await
                .expect::<ProjectPage>(200)
        }
    };
    let new_project = |n: u32| {
        json!({
            "title": format!("Fewer falls on ward {n}"),
            "aim": "Reduce falls by 30% by March 2027",
            "lead_organisation_id": c.org_a.id,
            "tags": ["falls"],
            "visibility": "partnership"
        })
    };
    // Both totals counted, then a project the two may see.
    let first: Project = app
        .post("/api/v1/projects", author, new_project(1))
        .await
        .expect(201);
    assert_eq!(list(author).await.page.total, 1);
    assert_eq!(list(other).await.page.total, 1);

    let second: Project = app
        .post("/api/v1/projects", author, new_project(2))
        .await
        .expect(201);

    let mine = list(author).await;
    assert_eq!(mine.page.total, 2, "the author's own change counts at once");
    let theirs = list(other).await;
    let ids: Vec<i64> = theirs.items.iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        [second.id, first.id],
        "the page itself is read as of the change"
    );
    assert_eq!(theirs.page.total, 2, "and so is its total, for others too");
}

/// Projects led by `org` with `visibility`, created by `token`, titled with `label` and a number.
async fn projects_of(
    app: &TestApp,
    token: &str,
    org: i64,
    visibility: &str,
    label: &str,
    n: u32,
) -> Vec<Project> {
    let mut made = Vec::new();
    for i in 1..=n {
        made.push(
            app.post(
                "/api/v1/projects",
                token,
                json!({
                    "title": format!("{label} {i}"),
                    "aim": "Reduce falls by 30% by March 2027",
                    "lead_organisation_id": org,
                    "tags": ["falls"],
                    "visibility": visibility
                }),
            )
            .await
            .expect(201),
        );
    }
    made
}

#[tokio::test]
async fn every_page_comes_in_order_with_the_exact_total() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let author = &c.member_a.1;
    let made = projects_of(&app, author, c.org_a.id, "public", "Falls huddle", 5).await;

    let page = |n: u32, token: Option<&str>| {
        let app = &app;
        let token = token.map(str::to_owned);
        async move {
            let path = format!("/api/v1/projects?theme=falls&per_page=2&page={n}&sort=title");
            match token {
                Some(token) => app.get(&path, &token).await.expect::<ProjectPage>(200),
                None => {
                    let answer = app
                        .client
                        .get(app.url(&path.replace("/projects", "/library")))
                        .send()
                        .await
                        .expect("ask the library");
                    assert_eq!(answer.status(), 200);
                    answer.json::<ProjectPage>().await.expect("a page")
                }
            }
        }
    };
    for token in [Some(author.as_str()), Some(app.admin.as_str()), None] {
        let first = page(1, token).await;
        assert_eq!((first.page.total, first.page.total_exact), (5, true));
        let mut titles: Vec<String> = first.items.iter().map(|p| p.title.clone()).collect();
        for n in 2..=4 {
            titles.extend(page(n, token).await.items.into_iter().map(|p| p.title));
        }
        let mut expected: Vec<String> = made.iter().map(|p| p.title.clone()).collect();
        expected.sort();
        assert_eq!(titles, expected, "every page comes, in order");
        assert!(
            page(4, token).await.items.is_empty(),
            "and none past the end"
        );
    }

    let narrow = app
        .get("/api/v1/projects?q=huddle%205", author)
        .await
        .expect::<ProjectPage>(200);
    assert_eq!((narrow.page.total, narrow.page.total_exact), (1, true));
}

#[tokio::test]
async fn a_total_counts_what_this_person_may_see() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (member_a, member_b, admin_b) = (&c.member_a.1, &c.member_b.1, &c.admin_b.1);
    projects_of(&app, member_a, c.org_a.id, "partnership", "Shared", 3).await;
    projects_of(&app, member_a, c.org_a.id, "organisation", "Trust only", 2).await;
    projects_of(&app, member_a, c.org_a.id, "team", "Team only", 1).await;
    projects_of(
        &app,
        member_b,
        c.org_b.id,
        "organisation",
        "Practice only",
        4,
    )
    .await;
    let total = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move {
            let page = app
                .get("/api/v1/projects?theme=falls", &token)
                .await
                .expect::<ProjectPage>(200);
            assert!(page.page.total_exact);
            assert_eq!(
                page.items.len() as u64,
                page.page.total,
                "the total is the items'"
            );
            page.page.total
        }
    };
    assert_eq!(total(member_a).await, 3 + 2 + 1);
    assert_eq!(total(member_b).await, 3 + 4);
    assert_eq!(total(admin_b).await, 3 + 4);
    assert_eq!(total(&app.admin).await, 3 + 2 + 1 + 4);
    assert_eq!(
        total(&c.coach_a.1).await,
        3 + 2,
        "not on the team-only project"
    );
}

/// Many writes at once on one store: each answered, none refused for the database being busy
/// or locked. (On SQLite, writers take turns in the process on a connection of their own,
/// rather than racing for SQLite's lock in its busy handler.)
#[tokio::test]
async fn writes_at_once_are_all_carried_out() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let project =
        &projects_of(&app, &app.admin, c.org_a.id, "partnership", "Busy ward", 1).await[0];
    let measure: serde_json::Value = app
        .post(
            &format!("/api/v1/projects/{}/measures", project.id),
            &app.admin,
            json!({
                "name": "Risk assessments done within 24 hours",
                "type": "process",
                "operational_definition": "Falls risk assessments completed within 24 hours of admission, per day",
                "unit": "count",
                "improvement_direction": "increase",
                "frequency": "daily",
            }),
        )
        .await
        .expect(201);
    let measure_id = measure["id"].as_i64().expect("a measure id");
    let writes = (0..48).map(|i| {
        let app = &app;
        async move {
            if i % 2 == 0 {
                app.post(
                    &format!("/api/v1/projects/{}/scores", project.id),
                    &app.admin,
                    json!({"score": 2.5, "reason": format!("Huddle {i}")}),
                )
                .await
            } else {
                let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                    .and_then(|d| d.checked_add_days(chrono::Days::new(i)))
                    .expect("a date");
                app.post(
                    &format!("/api/v1/measures/{measure_id}/points"),
                    &app.admin,
                    json!({"date": day, "value": i}),
                )
                .await
            }
        }
    });
    let answers = futures_util::future::join_all(writes).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert!(
        statuses.iter().all(|s| *s == 201),
        "every write carried out: {statuses:?}"
    );
}
