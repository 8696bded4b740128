//! The register's totals while projects change: a page's items are always as of the latest
//! change through the node; its total is counted again at most once every
//! `list_total_lag_seconds` for changes by others, and at once for a person's own.

use std::time::Duration;

use qi_shared::project::{Project, ProjectPage};
use serde_json::json;

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, cast, fresh_database, start, test_settings,
};

#[tokio::test]
async fn a_new_project_counts_at_once_for_its_author_and_within_the_lag_allowed_for_others() {
    let mut settings = test_settings(fresh_database().await);
    settings.list_total_lag_seconds = 1;
    let mut app = TestApp {
        address: start(settings).await,
        client: reqwest::Client::new(),
        admin: String::new(),
        admin_org: 0,
    };
    app.admin = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await.access_token;
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
    assert!(
        theirs.page.total == 1 || theirs.page.total == 2,
        "another's total may lag: {}",
        theirs.page.total
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        list(other).await.page.total,
        2,
        "a total lags another's change by the lag allowed at most"
    );
}
