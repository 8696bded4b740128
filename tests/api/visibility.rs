//! Every answer that names projects applies the project page's visibility rule: a sweep of
//! every GET operation in the API document, as people who may not see a team-only project of
//! another organisation, finds its title nowhere.

use qi_shared::{capability::PersonRecord, person::Person, project::Project};
use serde_json::{Value, json};

use crate::helpers::{TestApp, cast, spawn_app_with_db};

const SECRET: &str = "Confidential sepsis pilot";

/// Every GET path of the served API document, under `/api/v1`.
async fn get_paths(app: &TestApp) -> Vec<String> {
    let document: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("the document")
        .json()
        .await
        .expect("JSON");
    let mut paths: Vec<String> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(_, operations)| operations.get("get").is_some())
        .map(|(path, _)| path.clone())
        .collect();
    paths.sort();
    paths
}

/// `path` with each of its `{parameters}` given each of `ids` in turn (every parameter the
/// same id: enough to reach a person's, an organisation's, a project's or a session's page).
fn filled(path: &str, ids: &[i64]) -> Vec<String> {
    if !path.contains('{') {
        return vec![path.to_owned()];
    }
    ids.iter()
        .map(|id| {
            let mut out = String::new();
            let mut rest = path;
            while let Some(open) = rest.find('{') {
                out.push_str(&rest[..open]);
                out.push_str(&id.to_string());
                rest = rest[open..]
                    .find('}')
                    .map_or("", |close| &rest[open + close + 1..]);
            }
            out.push_str(rest);
            out
        })
        .collect()
}

fn mentions(answer: &Value) -> bool {
    answer.to_string().contains(SECRET)
}

#[tokio::test]
async fn no_answer_names_a_project_its_reader_may_not_see() {
    let (app, _db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    // A colleague of A who is on no project, and a coach in A on the coaching register.
    let colleague = app.person("colleague.a@example.org", c.org_a.id, &[]).await;
    // Organisation B's team-only project, with A's member and A's coach on its team.
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.admin_b.1,
            json!({"title": SECRET, "aim": "Screen every admission for sepsis within 1 hour",
                   "lead_organisation_id": c.org_b.id, "status": "active", "visibility": "team",
                   "team": [{"person_id": c.member_b.0.id, "role": "lead"},
                            {"person_id": c.member_a.0.id, "role": "member"},
                            {"person_id": c.coach_a.0.id, "role": "coach"}]}),
        )
        .await
        .expect(201);
    // They are of another organisation: they join when they accept.
    assert_eq!(app.accept_team_invitations(&c.member_a.1).await, 1);
    assert_eq!(app.accept_team_invitations(&c.coach_a.1).await, 1);
    let session: Value = app
        .post(
            &format!("/api/v1/projects/{}/coaching-sessions", project.id),
            &c.coach_a.1,
            json!({"held_on": chrono::Utc::now().date_naive(), "minutes": 30, "model": "grow",
                   "notes": "Triage nurses", "actions": "Audit 20 notes"}),
        )
        .await
        .expect(201);
    let session_id = session["id"].as_i64().expect("an id");

    // The control: the sweep would see the title where it may be shown.
    let own: PersonRecord = app
        .get(
            &format!("/api/v1/capability/people/{}/record", c.member_a.0.id),
            &c.member_a.1,
        )
        .await
        .expect(200);
    assert!(
        own.projects.iter().any(|p| p.title == SECRET),
        "the team member's own record lists the project"
    );

    let ids = [
        c.member_a.0.id,
        c.coach_a.0.id,
        colleague.0.id,
        c.admin_a.0.id,
        c.org_a.id,
        c.org_b.id,
        project.id,
        session_id,
    ];
    let queries = [
        String::new(),
        format!("?coach_id={}", c.coach_a.0.id),
        format!("?person_id={}", c.member_a.0.id),
        format!("?organisation_id={}", c.org_a.id),
        format!("?organisation_id={}", c.org_b.id),
        format!("?q={}", "sepsis"),
    ];
    let readers: [(&str, &(Person, String)); 2] = [
        ("an admin of the team members' organisation", &c.admin_a),
        ("a colleague of the team members", &colleague),
    ];
    let paths = get_paths(&app).await;
    assert!(paths.len() > 30, "the sweep covers the API: {paths:?}");
    let mut asked = 0;
    for (who, (_, token)) in readers {
        for path in &paths {
            for url in filled(path, &ids) {
                for query in &queries {
                    let answer = app.get(&format!("{url}{query}"), token).await;
                    asked += 1;
                    assert!(
                        !mentions(&answer.body),
                        "{who} reads the title of a team-only project of another organisation at \
                         GET {url}{query}: {}",
                        answer.body
                    );
                }
            }
        }
    }
    assert!(asked > 500, "{asked} requests");
}
