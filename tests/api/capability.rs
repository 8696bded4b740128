//! Integration tests of capability: tiers (derived from the record, overrides, counts as of a
//! day, the rules), coaching sessions and who reads their notes, caseloads, coverage and a
//! person's record.

use chrono::{Days, Utc};
use qi_shared::{
    capability::coaching::{Caseload, CoachingSession, CoachingSessionPage, Coverage},
    capability::{PersonRecord, PersonTier, Tier, TierCounts, TierRules, TierSource},
    person::{Person, Role},
    project::{Project, Visibility},
};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

use crate::helpers::{Cast, TestApp, cast, fields, spawn_app_with_db};

/// Records that `person_id` completed a course of `tier` on `on` (YYYY-MM-DD), as the training
/// tables would. (Straight to the tables: the training API dates a completion by the sessions
/// attended, and enrols no one on a cohort that has ended; `training_moves_tiers` below goes
/// through it.)
pub(crate) async fn complete_course(
    db: &DatabaseConnection,
    id: i64,
    person_id: i64,
    org: i64,
    tier: &str,
    on: &str,
) {
    for sql in [
        format!(
            "INSERT INTO courses (id, title, tier, provider_organisation_id, description, length_hours, \
             delivery, attendance_percent, created_at, updated_at) VALUES ({id}, 'QI Fundamentals {id}', \
             '{tier}', {org}, '', 6, 'online', 75, '{on}T00:00:00Z', '{on}T00:00:00Z')"
        ),
        format!(
            "INSERT INTO cohorts (id, course_id, name, start_date, end_date, venue, online_link, capacity, \
             partnership_wide, places_released, enrol_seq, created_at) VALUES ({id}, {id}, 'Wave {id}', \
             '{on}', '{on}', 'Room 1', '', 20, false, false, 1, '{on}T00:00:00Z')"
        ),
        format!(
            "INSERT INTO enrolments (id, cohort_id, person_id, organisation_id, status, seq, completed_on, \
             enrolled_by, created_at, updated_at) VALUES ({id}, {id}, {person_id}, {org}, 'completed', 1, \
             '{on}', {person_id}, '{on}T00:00:00Z', '{on}T00:00:00Z')"
        ),
    ] {
        db.execute_unprepared(&sql)
            .await
            .expect("insert a completion");
    }
    qi_api::db::capability::facts_changed(db, [person_id], Utc::now())
        .await
        .expect("refresh the tier");
}

/// The cast, a colleague of organisation A on no project, and an active joint project led by
/// `member_a`, coached by `coach_a`, with `member_b` on its team.
struct Scene {
    c: Cast,
    colleague: (Person, String),
    project: Project,
}

async fn scene(app: &TestApp, visibility: Visibility) -> Scene {
    let c = cast(app).await;
    let colleague = app.person("colleague.a@example.org", c.org_a.id, &[]).await;
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "lead_organisation_id": c.org_a.id,
                   "partner_organisation_ids": [c.org_b.id], "status": "active", "visibility": visibility,
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"},
                            {"person_id": c.coach_a.0.id, "role": "coach"},
                            {"person_id": c.member_b.0.id, "role": "member"}]}),
        )
        .await
        .expect(201);
    // Of another organisation, `member_b` joins when they accept.
    app.accept_team_invitations(&c.member_b.1).await;
    let project: Project = app
        .get(&format!("/api/v1/projects/{}", project.id), &c.member_a.1)
        .await
        .expect(200);
    Scene {
        c,
        colleague,
        project,
    }
}

fn session(days_ago: u64, notes: &str) -> Value {
    let day = Utc::now().date_naive() - Days::new(days_ago);
    json!({"held_on": day, "minutes": 45, "model": "grow", "notes": notes, "actions": "Test the checklist on ward 7"})
}

impl TestApp {
    async fn put_json(&self, path: &str, token: &str, body: Value) -> crate::helpers::Answer {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    async fn delete(&self, path: &str, token: &str) -> crate::helpers::Answer {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    async fn record_session(
        &self,
        project_id: i64,
        token: &str,
        body: Value,
    ) -> crate::helpers::Answer {
        self.post(
            &format!("/api/v1/projects/{project_id}/coaching-sessions"),
            token,
            body,
        )
        .await
    }

    /// How many of `org`'s people were Learn (as of `query`'s day, today when left out), as the
    /// partnership admin reads it.
    async fn learners(&self, org: i64, query: &str) -> u64 {
        let counts: TierCounts = self
            .get(
                &format!("/api/v1/capability/tiers/counts?organisation_id={org}{query}"),
                &self.admin,
            )
            .await
            .expect(200);
        counts.total.learn
    }

    /// Saves the tier rules as the partnership admin.
    async fn save_rules(&self, rules: &TierRules) {
        self.put_json("/api/v1/capability/rules", &self.admin, json!(rules))
            .await
            .expect::<TierRules>(200);
    }

    async fn tier_of(&self, person_id: i64, token: &str) -> PersonTier {
        self.get(
            &format!("/api/v1/capability/people/{person_id}/tier"),
            token,
        )
        .await
        .expect(200)
    }
}

#[tokio::test]
async fn only_the_projects_coach_records_sessions() {
    let app = crate::helpers::spawn_app().await;
    let s = scene(&app, Visibility::Partnership).await;
    let path = format!("/api/v1/projects/{}/coaching-sessions", s.project.id);
    // (who, status)
    let cases: [(&str, Option<&str>, u16); 7] = [
        ("partnership admin", Some(&app.admin), 403),
        (
            "org admin of the project's organisation",
            Some(&s.c.admin_a.1),
            403,
        ),
        ("org admin of the partner", Some(&s.c.admin_b.1), 403),
        ("the project lead", Some(&s.c.member_a.1), 403),
        ("a team member", Some(&s.c.member_b.1), 403),
        ("a colleague not on the team", Some(&s.colleague.1), 403),
        ("anonymous", None, 401),
    ];
    for (who, token, status) in cases {
        let answer = app
            .call(
                Method::POST,
                &path,
                token,
                Some(session(1, "Private notes")),
            )
            .await;
        assert_eq!(answer.status.as_u16(), status, "{who}");
        answer.problem(status);
    }
    let created: CoachingSession = app
        .record_session(
            s.project.id,
            &s.c.coach_a.1,
            session(1, "Reviewed the run chart"),
        )
        .await
        .expect(201);
    assert_eq!(created.coach_id, s.c.coach_a.0.id);
    assert_eq!(created.notes.as_deref(), Some("Reviewed the run chart"));
    assert_eq!(created.project_title, "Fewer falls");
}

#[tokio::test]
async fn notes_are_read_by_the_team_only() {
    let app = crate::helpers::spawn_app().await;
    let s = scene(&app, Visibility::Partnership).await;
    let outsider_org = app
        .create_organisation("Hillside Care Home", "VN1", "social_care")
        .await;
    let (_, outsider) = app
        .person("outsider@example.org", outsider_org.id, &[])
        .await;
    let created: CoachingSession = app
        .record_session(
            s.project.id,
            &s.c.coach_a.1,
            session(2, "Team morale is low"),
        )
        .await
        .expect(201);
    let list = format!("/api/v1/projects/{}/coaching-sessions", s.project.id);
    let one = format!("/api/v1/coaching-sessions/{}", created.id);
    // (who, sees the notes)
    let cases: [(&str, &str, bool); 8] = [
        ("the coach", &s.c.coach_a.1, true),
        ("the project lead", &s.c.member_a.1, true),
        ("a team member of the partner", &s.c.member_b.1, true),
        ("partnership admin", &app.admin, false),
        (
            "org admin of the project's organisation",
            &s.c.admin_a.1,
            false,
        ),
        ("org admin of the partner", &s.c.admin_b.1, false),
        ("a colleague not on the team", &s.colleague.1, false),
        ("someone of another organisation", &outsider, false),
    ];
    for (who, token, notes) in cases {
        let page: CoachingSessionPage = app.get(&list, token).await.expect(200);
        assert_eq!(page.page.total, 1, "{who}");
        assert_eq!(page.notes_visible, notes, "{who}");
        let item = &page.items[0];
        assert_eq!(item.minutes, 45, "{who} sees the length");
        assert_eq!(item.notes.is_some(), notes, "{who}: notes");
        assert_eq!(item.actions.is_some(), notes, "{who}: actions");
        let shown: CoachingSession = app.get(&one, token).await.expect(200);
        assert_eq!(shown.notes.is_some(), notes, "{who}: one session");
    }
    app.call(Method::GET, &list, None, None).await.problem(401);

    // A team-only project: others cannot even see that sessions happened.
    let private = scene_project(&app, &s, Visibility::Team).await;
    let private_list = format!("/api/v1/projects/{private}/coaching-sessions");
    app.get(&private_list, &s.colleague.1).await.problem(404);
    app.get(&private_list, &outsider).await.problem(404);
    app.get(&private_list, &s.c.admin_a.1)
        .await
        .expect::<Value>(200);
}

async fn scene_project(app: &TestApp, s: &Scene, visibility: Visibility) -> i64 {
    let project: Project = app
        .post(
            "/api/v1/projects",
            &s.c.member_a.1,
            json!({"title": "Quiet nights", "aim": "Fewer night-time disturbances", "lead_organisation_id": s.c.org_a.id,
                   "status": "active", "visibility": visibility,
                   "team": [{"person_id": s.c.member_a.0.id, "role": "lead"}, {"person_id": s.c.coach_a.0.id, "role": "coach"}]}),
        )
        .await
        .expect(201);
    project.id
}

#[tokio::test]
async fn bad_sessions_are_refused_naming_the_field() {
    let app = crate::helpers::spawn_app().await;
    let s = scene(&app, Visibility::Partnership).await;
    let tomorrow = Utc::now().date_naive() + Days::new(1);
    let cases = [
        (
            json!({"held_on": tomorrow, "minutes": 30, "model": "grow"}),
            "held_on",
            "a future date",
        ),
        (
            json!({"held_on": "2026-02-30", "minutes": 30, "model": "grow"}),
            "held_on",
            "no such date",
        ),
        (
            json!({"minutes": 30, "model": "grow"}),
            "held_on",
            "no date",
        ),
        (
            json!({"held_on": "2026-01-05", "minutes": 0, "model": "grow"}),
            "minutes",
            "no length",
        ),
        (
            json!({"held_on": "2026-01-05", "minutes": -5, "model": "grow"}),
            "minutes",
            "a negative length",
        ),
        (
            json!({"held_on": "2026-01-05", "minutes": 600, "model": "grow"}),
            "minutes",
            "too long",
        ),
        (
            json!({"held_on": "2026-01-05", "minutes": 30, "model": "smart"}),
            "model",
            "an unknown model",
        ),
        (
            json!({"held_on": "2026-01-05", "minutes": 30, "model": "grow", "notes": "x".repeat(10_001)}),
            "notes",
            "notes too long",
        ),
        (
            json!({"held_on": "2026-01-05", "minutes": 30, "model": "grow", "actions": "a\u{0}b"}),
            "actions",
            "a control character",
        ),
    ];
    for (body, field, what) in cases {
        let problem = app
            .record_session(s.project.id, &s.c.coach_a.1, body)
            .await
            .problem(422);
        assert!(fields(&problem).contains(&field), "{what}: {problem:?}");
    }
    app.record_session(999_999, &s.c.coach_a.1, session(1, ""))
        .await
        .problem(404);
}

#[tokio::test]
async fn the_coach_who_recorded_a_session_changes_and_removes_it() {
    let app = crate::helpers::spawn_app().await;
    let s = scene(&app, Visibility::Partnership).await;
    let created: CoachingSession = app
        .record_session(s.project.id, &s.c.coach_a.1, session(3, "First"))
        .await
        .expect(201);
    let path = format!("/api/v1/coaching-sessions/{}", created.id);
    for token in [&s.c.member_a.1, &s.c.admin_a.1, &app.admin] {
        app.put_json(&path, token, session(3, "Changed"))
            .await
            .problem(403);
        app.delete(&path, token).await.problem(403);
    }
    app.put_json(
        &path,
        &s.c.coach_a.1,
        json!({"held_on": "2026-01-05", "minutes": 0, "model": "clear"}),
    )
    .await
    .problem(422);
    let changed: CoachingSession = app
        .put_json(&path, &s.c.coach_a.1, session(4, "Changed"))
        .await
        .expect(200);
    assert_eq!(changed.notes.as_deref(), Some("Changed"));
    assert_eq!(app.delete(&path, &s.c.coach_a.1).await.status.as_u16(), 204);
    app.get(&path, &s.c.coach_a.1).await.problem(404);
}

#[tokio::test]
async fn caseload_and_coverage_show_who_is_coached() {
    let app = crate::helpers::spawn_app().await;
    let s = scene(&app, Visibility::Partnership).await;
    let uncoached: Project = app
        .post(
            "/api/v1/projects",
            &s.colleague.1,
            json!({"title": "Discharge before noon", "aim": "Half of discharges before noon", "lead_organisation_id": s.c.org_a.id, "status": "active"}),
        )
        .await
        .expect(201);
    for days in [200, 20, 10] {
        app.record_session(s.project.id, &s.c.coach_a.1, session(days, ""))
            .await
            .expect::<Value>(201);
    }
    let mine: Caseload = app
        .get("/api/v1/capability/caseload", &s.c.coach_a.1)
        .await
        .expect(200);
    assert_eq!(mine.projects.len(), 1);
    assert_eq!(mine.projects[0].sessions, 3);
    assert_eq!(
        mine.projects[0].last_session_on,
        Some(Utc::now().date_naive() - Days::new(10))
    );
    let theirs = format!("/api/v1/capability/caseload?coach_id={}", s.c.coach_a.0.id);
    app.get(&theirs, &s.c.admin_a.1)
        .await
        .expect::<Caseload>(200);
    app.get(&theirs, &app.admin).await.expect::<Caseload>(200);
    app.get(&theirs, &s.colleague.1).await.problem(403);
    app.get(&theirs, &s.c.admin_b.1).await.problem(404);
    app.get("/api/v1/capability/caseload?coach_id=abc", &s.c.admin_a.1)
        .await
        .problem(400);

    let coverage: Coverage = app
        .get("/api/v1/capability/coverage", &s.c.admin_a.1)
        .await
        .expect(200);
    assert_eq!(coverage.organisation_id, s.c.org_a.id);
    assert_eq!(coverage.active_projects, 2);
    assert_eq!(coverage.coached_projects, 1);
    assert_eq!(coverage.recently_coached_projects, 1);
    let coached = coverage
        .projects
        .iter()
        .find(|p| p.project_id == s.project.id)
        .expect("the coached project");
    assert_eq!(coached.recent_sessions, 2, "sessions in the last 90 days");
    assert!(
        coverage
            .projects
            .iter()
            .any(|p| p.project_id == uncoached.id && p.coaches.is_empty())
    );
    let of_a = format!(
        "/api/v1/capability/coverage?organisation_id={}",
        s.c.org_a.id
    );
    app.get(&of_a, &app.admin).await.expect::<Coverage>(200);
    for token in [&s.c.admin_b.1, &s.c.coach_a.1, &s.colleague.1] {
        app.get(&of_a, token).await.problem(403);
    }
    app.get("/api/v1/capability/coverage", &s.c.member_a.1)
        .await
        .problem(403);

    // Paged, by title, and filtered by whether a project has a coach.
    let first: Coverage = app
        .get("/api/v1/capability/coverage?per_page=1", &s.c.admin_a.1)
        .await
        .expect(200);
    assert_eq!((first.page.total, first.page.per_page), (2, 1));
    assert_eq!(first.active_projects, 2, "the counts cover every page");
    assert_eq!(first.projects[0].project_id, uncoached.id, "D before F");
    let second: Coverage = app
        .get(
            "/api/v1/capability/coverage?per_page=1&page=2",
            &s.c.admin_a.1,
        )
        .await
        .expect(200);
    assert_eq!(second.projects[0].project_id, s.project.id);
    for (coached, id) in [("true", s.project.id), ("false", uncoached.id)] {
        let only: Coverage = app
            .get(
                &format!("/api/v1/capability/coverage?coached={coached}"),
                &s.c.admin_a.1,
            )
            .await
            .expect(200);
        let ids: Vec<i64> = only.projects.iter().map(|p| p.project_id).collect();
        assert_eq!(ids, vec![id], "coached={coached}");
        assert_eq!(only.page.total, 1);
        assert_eq!(only.coached_projects, 1);
    }
    let paged: Caseload = app
        .get("/api/v1/capability/caseload?per_page=1", &s.c.coach_a.1)
        .await
        .expect(200);
    assert_eq!((paged.page.total, paged.projects.len()), (1, 1));
    let completed: Caseload = app
        .get(
            "/api/v1/capability/caseload?status=completed",
            &s.c.coach_a.1,
        )
        .await
        .expect(200);
    assert!(completed.projects.is_empty());
    assert_eq!(completed.page.total, 0);
    for query in ["page=0", "per_page=0", "per_page=101"] {
        for path in ["caseload", "coverage"] {
            let problem = app
                .get(
                    &format!("/api/v1/capability/{path}?{query}"),
                    &s.c.admin_a.1,
                )
                .await
                .problem(422);
            let field = query.split('=').next().unwrap_or_default();
            assert_eq!(fields(&problem), vec![field], "{path}?{query}");
        }
    }
    for query in [
        "caseload?status=finished",
        "coverage?coached=maybe",
        "coverage?page=x",
    ] {
        app.get(&format!("/api/v1/capability/{query}"), &s.c.admin_a.1)
            .await
            .problem(400);
    }
}

#[tokio::test]
async fn tiers_follow_the_record_and_the_rules() {
    let (app, db) = spawn_app_with_db().await;
    let s = scene(&app, Visibility::Partnership).await;
    let coach = s.c.coach_a.0.id;
    let none = app.tier_of(coach, &s.c.coach_a.1).await;
    assert_eq!(none.tier, None, "no course yet: not yet Learn");

    complete_course(&db, 1, coach, s.c.org_a.id, "learn", "2026-05-03").await;
    let live = app.tier_of(coach, &s.c.coach_a.1).await;
    assert_eq!(live.tier, Some(Tier::Live), "{live:?}");
    assert!(
        live.derived
            .reasons
            .iter()
            .any(|r| r.starts_with("Live: completed QI Fundamentals 1 on 3 May 2026; member of 1")),
        "{live:?}"
    );

    for days in [30, 20, 10] {
        app.record_session(s.project.id, &s.c.coach_a.1, session(days, ""))
            .await
            .expect::<Value>(201);
    }
    let lead = app.tier_of(coach, &s.c.admin_a.1).await;
    assert_eq!(lead.tier, Some(Tier::Lead), "three sessions: {lead:?}");
    assert_eq!(lead.history[0].tier, Tier::Lead);
    assert_eq!(lead.history[0].valid_to, None);
    assert!(lead.history.iter().any(|p| p.tier == Tier::Live));

    // Stricter rules: five sessions for Lead. Everyone is refreshed.
    let rules = TierRules {
        lead_min_coaching_sessions: 5,
        ..TierRules::default()
    };
    app.put_json("/api/v1/capability/rules", &s.c.admin_a.1, json!(rules))
        .await
        .problem(403);
    let saved: TierRules = app
        .put_json("/api/v1/capability/rules", &app.admin, json!(rules))
        .await
        .expect(200);
    assert_eq!(saved.lead_min_coaching_sessions, 5);
    let after: TierRules = app
        .get("/api/v1/capability/rules", &s.colleague.1)
        .await
        .expect(200);
    assert_eq!(after, saved);
    assert_eq!(
        app.tier_of(coach, &s.c.coach_a.1).await.tier,
        Some(Tier::Live)
    );

    for (body, field) in [
        (json!({"learn_course_tiers": []}), "learn_course_tiers"),
        (json!({"live_min_projects": 0}), "live_min_projects"),
        (
            json!({"lead_min_coaching_sessions": 100000}),
            "lead_min_coaching_sessions",
        ),
        (
            json!({"live_project_statuses": ["finished"]}),
            "live_project_statuses[0]",
        ),
        (json!({"live_team_roles": []}), "live_team_roles"),
    ] {
        let problem = app
            .put_json("/api/v1/capability/rules", &app.admin, body)
            .await
            .problem(422);
        assert!(
            fields(&problem).iter().any(|f| f.starts_with(field)),
            "{field}: {problem:?}"
        );
    }
}

#[tokio::test]
async fn an_organisation_admin_may_not_set_a_partnership_admins_tier() {
    let app = crate::helpers::spawn_app().await;
    let c = cast(&app).await;
    let (lead, _) = app
        .person(
            "ics.lead@example.org",
            c.org_a.id,
            &[Role::PartnershipAdmin],
        )
        .await;
    let path = format!("/api/v1/capability/people/{}/tier/override", lead.id);
    let body = json!({"tier": "learn", "reason": "Set by a colleague"});
    let problem = app
        .call(Method::PUT, &path, Some(&c.admin_a.1), Some(body.clone()))
        .await
        .problem(403);
    assert_eq!(problem.code, "forbidden");
    app.call(Method::DELETE, &path, Some(&c.admin_a.1), None)
        .await
        .problem(403);
    let set: PersonTier = app
        .call(Method::PUT, &path, Some(&app.admin), Some(body))
        .await
        .expect(200);
    assert!(set.tier_override.is_some(), "a partnership admin may");
}

#[tokio::test]
async fn an_admin_overrides_a_tier_with_a_reason_and_clears_it() {
    let app = crate::helpers::spawn_app().await;
    let s = scene(&app, Visibility::Partnership).await;
    let member = s.c.member_a.0.id;
    let path = format!("/api/v1/capability/people/{member}/tier/override");
    let body = json!({"tier": "lead", "reason": "Faculty on the regional QI programme"});
    // (who, status)
    let cases: [(&str, Option<&str>, u16); 6] = [
        (
            "org admin of another organisation",
            Some(&s.c.admin_b.1),
            404,
        ),
        ("a colleague", Some(&s.colleague.1), 403),
        ("the project's coach", Some(&s.c.coach_a.1), 403),
        (
            "a team member of another organisation",
            Some(&s.c.member_b.1),
            404,
        ),
        ("themself", Some(&s.c.member_a.1), 403),
        ("anonymous", None, 401),
    ];
    for (who, token, status) in cases {
        let problem = app
            .call(Method::PUT, &path, token, Some(body.clone()))
            .await
            .problem(status);
        assert_eq!(problem.status, status, "{who}");
        app.call(Method::DELETE, &path, token, None)
            .await
            .problem(status);
    }
    for (bad, field) in [
        (json!({"tier": "lead", "reason": "  "}), "reason"),
        (json!({"tier": "lead"}), "reason"),
        (json!({"tier": "expert", "reason": "Because"}), "tier"),
        (json!({"reason": "Because"}), "tier"),
    ] {
        let problem = app.put_json(&path, &s.c.admin_a.1, bad).await.problem(422);
        assert_eq!(fields(&problem), vec![field]);
    }

    let set: PersonTier = app
        .put_json(&path, &s.c.admin_a.1, body.clone())
        .await
        .expect(200);
    assert_eq!(set.tier, Some(Tier::Lead));
    assert_eq!(set.derived.tier, None);
    let o = set.tier_override.expect("an override");
    assert_eq!(o.reason, "Faculty on the regional QI programme");
    assert_eq!(o.set_by_id, s.c.admin_a.0.id);
    assert_eq!(set.history[0].source, TierSource::Override);
    // Partnership admins may too; the person sees it.
    app.put_json(
        &path,
        &app.admin,
        json!({"tier": "live", "reason": "Led the sepsis work"}),
    )
    .await
    .expect::<PersonTier>(200);
    let seen = app.tier_of(member, &s.c.member_a.1).await;
    assert_eq!(seen.tier, Some(Tier::Live));
    assert_eq!(seen.history.len(), 2);

    assert_eq!(app.delete(&path, &s.c.admin_a.1).await.status.as_u16(), 204);
    app.delete(&path, &s.c.admin_a.1).await.problem(404);
    let cleared = app.tier_of(member, &s.c.admin_a.1).await;
    assert_eq!(cleared.tier, None, "back to the record: not yet Learn");
    assert!(cleared.tier_override.is_none());
    assert!(cleared.history.iter().all(|p| p.valid_to.is_some()));
}

#[tokio::test]
async fn tier_counts_as_of_a_day_per_organisation() {
    let (app, db) = spawn_app_with_db().await;
    let s = scene(&app, Visibility::Partnership).await;
    complete_course(
        &db,
        1,
        s.c.member_a.0.id,
        s.c.org_a.id,
        "learn",
        "2026-03-01",
    )
    .await;
    complete_course(
        &db,
        2,
        s.c.member_b.0.id,
        s.c.org_b.id,
        "learn",
        "2026-04-01",
    )
    .await;
    complete_course(
        &db,
        3,
        s.colleague.0.id,
        s.c.org_a.id,
        "learn",
        "2026-04-01",
    )
    .await;
    app.put_json(
        &format!(
            "/api/v1/capability/people/{}/tier/override",
            s.c.coach_a.0.id
        ),
        &s.c.admin_a.1,
        json!({"tier": "lead", "reason": "Trained coach"}),
    )
    .await
    .expect::<PersonTier>(200);

    let counts = |q: String| {
        let app = &app;
        let token = s.colleague.1.clone();
        async move {
            app.get(&format!("/api/v1/capability/tiers/counts{q}"), &token)
                .await
                .expect::<TierCounts>(200)
        }
    };
    let today = counts(String::new()).await;
    let a = today
        .organisations
        .iter()
        .find(|o| o.organisation_id == s.c.org_a.id)
        .expect("organisation A");
    // member_a and member_b were on an active project from its start (today) so are Live today;
    // the colleague is Learn; the coach is Lead by override.
    assert_eq!(
        (a.counts.learn, a.counts.live, a.counts.lead),
        (1, 1, 1),
        "{today:?}"
    );
    assert_eq!(today.total.total(), 4);

    let march = counts("?as_of=2026-03-15".to_owned()).await;
    assert_eq!(
        march.total.learn, 1,
        "only member_a had completed by then: {march:?}"
    );
    assert_eq!(march.total.total(), 1);
    let feb = counts("?as_of=2026-02-28".to_owned()).await;
    assert_eq!(feb.total.total(), 0);
    let only_b = counts(format!("?organisation_id={}", s.c.org_b.id)).await;
    assert_eq!(only_b.organisations.len(), 1);
    assert_eq!(only_b.total.total(), 1);

    let tomorrow = Utc::now().date_naive() + Days::new(1);
    for (query, status, field) in [
        (format!("?as_of={tomorrow}"), 422, Some("as_of")),
        ("?as_of=yesterday".to_owned(), 400, None),
        (
            "?organisation_id=999999".to_owned(),
            422,
            Some("organisation_id"),
        ),
    ] {
        let problem = app
            .get(
                &format!("/api/v1/capability/tiers/counts{query}"),
                &s.colleague.1,
            )
            .await
            .problem(status);
        if let Some(field) = field {
            assert_eq!(fields(&problem), vec![field], "{query}");
        }
    }
    app.call(Method::GET, "/api/v1/capability/tiers/counts", None, None)
        .await
        .problem(401);
}

#[tokio::test]
async fn a_persons_record_is_theirs_and_their_admins_and_downloads() {
    let (app, db) = spawn_app_with_db().await;
    let s = scene(&app, Visibility::Partnership).await;
    complete_course(
        &db,
        1,
        s.c.member_a.0.id,
        s.c.org_a.id,
        "learn",
        "2026-03-01",
    )
    .await;
    app.record_session(
        s.project.id,
        &s.c.coach_a.1,
        session(5, "Agreed the next PDSA"),
    )
    .await
    .expect::<Value>(201);
    let path = format!("/api/v1/capability/people/{}/record", s.c.member_a.0.id);
    // (who, status)
    let cases: [(&str, Option<&str>, u16); 7] = [
        ("themself", Some(&s.c.member_a.1), 200),
        ("org admin of their organisation", Some(&s.c.admin_a.1), 200),
        ("partnership admin", Some(&app.admin), 200),
        ("a colleague", Some(&s.colleague.1), 403),
        ("their project's coach", Some(&s.c.coach_a.1), 403),
        (
            "org admin of another organisation",
            Some(&s.c.admin_b.1),
            404,
        ),
        ("anonymous", None, 401),
    ];
    for (who, token, status) in cases {
        let answer = app.call(Method::GET, &path, token, None).await;
        assert_eq!(answer.status.as_u16(), status, "{who}: {}", answer.body);
    }
    let own: PersonRecord = app.get(&path, &s.c.member_a.1).await.expect(200);
    assert_eq!(own.tier.tier, Some(Tier::Live));
    assert_eq!(own.training.len(), 1);
    assert_eq!(
        own.training[0]
            .completed_on
            .map(|d| d.to_string())
            .as_deref(),
        Some("2026-03-01")
    );
    assert_eq!(own.projects.len(), 1);
    assert_eq!(own.coaching_received.len(), 1);
    assert_eq!(
        own.coaching_received[0].notes.as_deref(),
        Some("Agreed the next PDSA")
    );
    let by_admin: PersonRecord = app.get(&path, &s.c.admin_a.1).await.expect(200);
    assert_eq!(
        by_admin.coaching_received[0].notes, None,
        "admins see no notes"
    );

    let json = app
        .client
        .get(app.url("/api/v1/me/record.json"))
        .bearer_auth(&s.c.member_a.1)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(json.status().as_u16(), 200);
    let disposition = json
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        disposition.contains(&format!("qi-record-{}.json", s.c.member_a.0.id)),
        "{disposition}"
    );
    let downloaded: PersonRecord = json.json().await.expect("a record");
    assert_eq!(downloaded.person_id, s.c.member_a.0.id);

    let csv = app
        .client
        .get(app.url("/api/v1/me/record.csv"))
        .bearer_auth(&s.c.member_a.1)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(csv.status().as_u16(), 200);
    assert!(
        csv.headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .contains(".csv")
    );
    let text = csv.text().await.expect("text");
    assert!(text.starts_with("section,date,item,detail\r\n"), "{text}");
    assert!(
        text.contains("training,2026-03-01,QI Fundamentals 1"),
        "{text}"
    );
    assert!(text.contains("project,,Fewer falls"), "{text}");
    app.call(Method::GET, "/api/v1/me/record.csv", None, None)
        .await
        .problem(401);
}

/// Through the training and project APIs alone: completing a Learn course makes a person Learn,
/// joining an active project then makes them Live, and undoing the completion takes both away.
#[tokio::test]
async fn training_and_projects_move_a_person_up_the_tiers() {
    let (app, _db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let (person, token) = app.person("new.starter@example.org", c.org_a.id, &[]).await;
    let today = Utc::now().date_naive();
    let yesterday = today - Days::new(1);
    let course: Value = app
        .post(
            "/api/v1/courses",
            &c.admin_a.1,
            json!({"title": "QI Fundamentals", "tier": "learn", "description": "The Model for Improvement.",
                   "provider_organisation_id": c.org_a.id, "length_hours": 6, "delivery": "face_to_face",
                   "attendance_percent": 100}),
        )
        .await
        .expect(201);
    let course_id = course["id"].as_i64().expect("a course id");
    // Its two sessions have been held: yesterday, and in the small hours of today.
    let cohort: qi_shared::training::Cohort = app
        .post(
            &format!("/api/v1/courses/{course_id}/cohorts"),
            &c.admin_a.1,
            json!({"name": "Wave 1", "start_date": yesterday, "end_date": today, "venue": "Room 2", "capacity": 10,
                   "sessions": [
                       {"title": "Day 1", "starts_at": format!("{yesterday}T09:00:00Z"), "length_minutes": 180},
                       {"title": "Day 2", "starts_at": format!("{today}T00:00:00Z"), "length_minutes": 60}]}),
        )
        .await
        .expect(201);
    let cohort_id = cohort.summary.id;
    let sessions: Vec<i64> = cohort.sessions.iter().map(|s| s.id).collect();
    app.post(
        &format!("/api/v1/cohorts/{cohort_id}/enrolments"),
        &token,
        json!({}),
    )
    .await
    .expect::<Value>(201);
    assert_eq!(app.tier_of(person.id, &c.admin_a.1).await.tier, None);

    let mark =
        |present: bool| json!({"attendance": [{"person_id": person.id, "present": present}]});
    for session in &sessions {
        app.put_json(
            &format!("/api/v1/sessions/{session}/attendance"),
            &c.admin_a.1,
            mark(true),
        )
        .await
        .expect::<Value>(200);
    }
    let tier = app.tier_of(person.id, &c.admin_a.1).await;
    assert_eq!(tier.tier, Some(Tier::Learn));
    assert!(
        tier.derived
            .reasons
            .iter()
            .any(|r| r.contains("QI Fundamentals")),
        "the course is the reason: {:?}",
        tier.derived.reasons
    );

    app.post(
        "/api/v1/projects",
        &c.member_a.1,
        json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "lead_organisation_id": c.org_a.id,
               "status": "active", "visibility": "organisation",
               "team": [{"person_id": c.member_a.0.id, "role": "lead"},
                        {"person_id": person.id, "role": "member"}]}),
    )
    .await
    .expect::<Project>(201);
    let tier = app.tier_of(person.id, &token).await;
    assert_eq!(tier.tier, Some(Tier::Live), "{:?}", tier.derived.reasons);

    // The second session was marked by mistake: no completion, so neither Learn nor Live.
    app.put_json(
        &format!("/api/v1/sessions/{}/attendance", sessions[1]),
        &c.admin_a.1,
        mark(false),
    )
    .await
    .expect::<Value>(200);
    assert_eq!(app.tier_of(person.id, &token).await.tier, None);
}

#[tokio::test]
async fn a_rule_change_rederives_everyone_in_the_partnership() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    // More people than the refresh reads at once (1,000), each with a Learn course completed
    // on 1 March, written straight to the tables so no one has been assessed yet.
    let n = 1_250;
    let org = c.org_a.id;
    let people: Vec<String> = (0..n)
        .map(|i| {
            let id = 100_000 + i;
            format!(
                "({id}, 'Learner {i}', 'learner{i}@example.org', 'learner{i}@example.org', {org}, \
                 'Nurse', 'active', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
            )
        })
        .collect();
    let enrolments: Vec<String> = (0..n)
        .map(|i| {
            let id = 100_000 + i;
            format!(
                "({id}, 1, {id}, {org}, 'completed', {i}, '2026-03-01', {id}, \
                 '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')"
            )
        })
        .collect();
    for sql in [
        format!(
            "INSERT INTO people (id, name, email, email_normalised, organisation_id, job_role, status, \
             password_hash, created_at, updated_at) VALUES {}",
            people.join(", ")
        ),
        format!(
            "INSERT INTO courses (id, title, tier, provider_organisation_id, description, length_hours, \
             delivery, attendance_percent, created_at, updated_at) VALUES (1, 'QI Fundamentals', \
             'learn', {org}, '', 6, 'online', 75, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')"
        ),
        format!(
            "INSERT INTO cohorts (id, course_id, name, start_date, end_date, venue, online_link, capacity, \
             partnership_wide, places_released, enrol_seq, created_at) VALUES (1, 1, 'Wave 1', \
             '2026-03-01', '2026-03-01', 'Room 1', '', {n}, false, false, {n}, '2026-03-01T00:00:00Z')"
        ),
        format!(
            "INSERT INTO enrolments (id, cohort_id, person_id, organisation_id, status, seq, completed_on, \
             enrolled_by, created_at, updated_at) VALUES {}",
            enrolments.join(", ")
        ),
    ] {
        db.execute_unprepared(&sql)
            .await
            .expect("insert the learners");
    }
    assert_eq!(app.learners(org, "").await, 0, "no one assessed yet");

    // Saving the rules assesses everyone: a first history dated by the completions.
    app.save_rules(&TierRules::default()).await;
    assert_eq!(app.learners(org, "").await, n as u64);
    assert_eq!(app.learners(org, "&as_of=2026-03-01").await, n as u64);
    assert_eq!(app.learners(org, "&as_of=2026-02-28").await, 0);
    let last = 100_000 + n - 1;
    let first_history = app.tier_of(last, &app.admin).await;
    assert_eq!(first_history.tier, Some(Tier::Learn), "{first_history:?}");
    assert_eq!(first_history.history.len(), 1, "{first_history:?}");

    // Only Live-tier courses count for Learn now: every one of them drops out from now on,
    // and the past stays as it was.
    let stricter = TierRules {
        learn_course_tiers: vec![Tier::Live],
        ..TierRules::default()
    };
    app.save_rules(&stricter).await;
    assert_eq!(app.learners(org, "").await, 0);
    let yesterday = Utc::now().date_naive() - Days::new(1);
    assert_eq!(
        app.learners(org, &format!("&as_of={yesterday}")).await,
        n as u64
    );
    let dropped = app.tier_of(last, &app.admin).await;
    assert_eq!(dropped.tier, None, "{dropped:?}");
    assert_eq!(dropped.history.len(), 1, "{dropped:?}");
    assert!(dropped.history[0].valid_to.is_some(), "{dropped:?}");

    // Back to the defaults: Learn again from now, as one new period each.
    app.save_rules(&TierRules::default()).await;
    assert_eq!(app.learners(org, "").await, n as u64);
    let again = app.tier_of(last, &app.admin).await;
    assert_eq!(again.history.len(), 2, "{again:?}");
    assert_eq!(again.history[0].valid_to, None);
}

#[tokio::test]
async fn a_person_moved_to_another_organisation_is_counted_there_from_then() {
    let (app, db) = spawn_app_with_db().await;
    let s = scene(&app, Visibility::Partnership).await;
    let moved = s.colleague.0.id;
    complete_course(&db, 1, moved, s.c.org_a.id, "learn", "2026-04-01").await;
    assert_eq!(app.learners(s.c.org_a.id, "").await, 1);
    assert_eq!(app.learners(s.c.org_b.id, "").await, 0);

    // An organisation admin may not move people; a partnership admin may.
    let path = format!("/api/v1/people/{moved}");
    app.call(
        Method::PATCH,
        &path,
        Some(&s.c.admin_a.1),
        Some(json!({"organisation_id": s.c.org_b.id})),
    )
    .await
    .problem(403);
    assert_eq!(app.learners(s.c.org_a.id, "").await, 1);
    app.call(
        Method::PATCH,
        &path,
        Some(&app.admin),
        Some(json!({"organisation_id": s.c.org_b.id})),
    )
    .await
    .expect::<Person>(200);

    assert_eq!(app.learners(s.c.org_a.id, "").await, 0);
    assert_eq!(app.learners(s.c.org_b.id, "").await, 1);
    let before = "&as_of=2026-06-01";
    assert_eq!(
        app.learners(s.c.org_a.id, before).await,
        1,
        "the past stays"
    );
    assert_eq!(app.learners(s.c.org_b.id, before).await, 0);
    let tier = app.tier_of(moved, &app.admin).await;
    assert_eq!(tier.tier, Some(Tier::Learn));
    assert_eq!(tier.history.len(), 2, "{tier:?}");
    assert_eq!(tier.history[0].organisation_id, s.c.org_b.id);
    assert_eq!(tier.history[0].valid_to, None);
    assert_eq!(tier.history[1].organisation_id, s.c.org_a.id);
    assert!(tier.history[1].valid_to.is_some());

    // A change of name alone leaves the history be.
    app.call(
        Method::PATCH,
        &path,
        Some(&app.admin),
        Some(json!({"name": "Colleague Moved"})),
    )
    .await
    .expect::<Person>(200);
    assert_eq!(app.tier_of(moved, &app.admin).await.history.len(), 2);
}

/// A save of a project moves the tiers it can move, and only those: a new status moves the
/// whole team, a person who joins through an edit moves at once, and an edit of the content
/// alone leaves everyone where they were.
#[tokio::test]
async fn saving_a_project_moves_the_tiers_of_those_it_changes() {
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let (member, lead) = (c.member_a.0.id, c.admin_a.0.id);
    let (joiner, _) = app.person("joiner@example.org", c.org_a.id, &[]).await;
    for (n, person) in [(1, member), (2, joiner.id)] {
        complete_course(&db, n, person, c.org_a.id, "learn", "2026-05-03").await;
    }
    let body = |status: &str, team: Value, problem: &str| {
        json!({"title": "Fewer falls", "aim": "Reduce falls by 30% by March", "problem": problem,
               "lead_organisation_id": c.org_a.id, "status": status, "visibility": "organisation",
               "team": team})
    };
    let team =
        json!([{"person_id": lead, "role": "lead"}, {"person_id": member, "role": "member"}]);
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.admin_a.1,
            body("proposed", team.clone(), ""),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/projects/{}", project.id);
    let tier = |id: i64| {
        let app = &app;
        let token = c.admin_a.1.clone();
        async move { app.tier_of(id, &token).await.tier }
    };
    assert_eq!(tier(member).await, Some(Tier::Learn), "a proposed project");

    let project: Project = app
        .put_if_match(
            &path,
            &c.admin_a.1,
            project.version,
            body("active", team.clone(), ""),
        )
        .await
        .expect(200);
    assert_eq!(
        tier(member).await,
        Some(Tier::Live),
        "the project is active"
    );
    assert_eq!(tier(joiner.id).await, Some(Tier::Learn), "not on the team");

    let mut bigger = team.as_array().cloned().unwrap_or_default();
    bigger.push(json!({"person_id": joiner.id, "role": "member"}));
    let project: Project = app
        .put_if_match(
            &path,
            &c.admin_a.1,
            project.version,
            body("active", json!(bigger), ""),
        )
        .await
        .expect(200);
    assert_eq!(
        tier(joiner.id).await,
        Some(Tier::Live),
        "joined an active project"
    );

    // The content alone: the team and the tiers stay as they were.
    let project: Project = app
        .put_if_match(
            &path,
            &c.admin_a.1,
            project.version,
            body("active", json!(bigger), "Falls rose last winter"),
        )
        .await
        .expect(200);
    assert_eq!(project.problem, "Falls rose last winter");
    assert_eq!(project.team.len(), 3);
    assert_eq!(tier(member).await, Some(Tier::Live));
    assert_eq!(tier(joiner.id).await, Some(Tier::Live));
}
