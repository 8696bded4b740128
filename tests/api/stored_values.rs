//! A value in the database that is not one of its column's closed set (written by hand, or by a
//! newer version of the server) is an error where it is read, never quietly some other value.

use qi_shared::project::{Project, ProjectPage};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with_db};

async fn project(app: &TestApp, title: &str, status: &str) -> Project {
    app.post(
        "/api/v1/projects",
        &app.admin,
        json!({
            "title": title,
            "problem": "Falls rose by a third last winter.",
            "aim": "Reduce falls on ward 7 by 30% by March 2027",
            "lead_organisation_id": app.admin_org,
            "status": status,
            "visibility": "partnership"
        }),
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn a_project_with_an_unknown_status_in_the_database_is_a_server_error_not_another_status() {
    let (app, db) = spawn_app_with_db().await;
    let bad = project(&app, "Fewer falls on ward 7", "active").await;
    let good = project(&app, "Quicker discharges", "completed").await;
    db.execute_unprepared(&format!(
        "UPDATE projects SET status = 'bogus' WHERE id = {}",
        bad.id
    ))
    .await
    .expect("write a bad status");

    let problem = app
        .get(&format!("/api/v1/projects/{}", bad.id), &app.admin)
        .await
        .problem(500);
    assert_eq!(problem.code, "internal_error");
    assert_eq!(
        problem.detail, None,
        "the stored value is logged, not answered"
    );

    // The other project still reads, and still lists where the bad one is not listed.
    let read: Project = app
        .get(&format!("/api/v1/projects/{}", good.id), &app.admin)
        .await
        .expect(200);
    assert_eq!(read.title, "Quicker discharges");
    let page: ProjectPage = app
        .get("/api/v1/projects?status=completed", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        page.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [good.id]
    );
    // A list that would show it fails as a whole rather than show it as something it is not.
    app.get("/api/v1/projects", &app.admin).await.problem(500);
}
