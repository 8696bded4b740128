//! Integration tests of a person's home page (`GET /me/home`): their projects, the measures whose
//! data is due, their coaching, their courses and their tier; and that it shows nobody else's.

use chrono::{Days, Months, NaiveDate, Utc};
use qi_shared::{
    capability::Tier,
    home::Home,
    period::DataDue,
    project::{Project, ProjectStatus, TeamRole},
    training::{Cohort, Course, EnrolmentStatus},
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Cast, TestApp, cast, spawn_app};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl TestApp {
    async fn home(&self, token: &str) -> Home {
        self.get("/api/v1/me/home", token).await.expect(200)
    }
}

fn measure(name: &str, frequency: &str) -> Value {
    json!({
        "name": name,
        "type": "process",
        "operational_definition": "Falls risk assessments completed within 24 hours of admission",
        "unit": "count",
        "improvement_direction": "increase",
        "frequency": frequency,
    })
}

/// An active project of `member_a`'s (team only) coached by `coach_a`, with three measures: one
/// without data (due from today), one with data this month (not due yet), one whose data stopped
/// three months ago (overdue); a coaching session; and `member_a` enrolled on a cohort whose two
/// sessions are to come.
async fn scene(app: &TestApp, c: &Cast) -> (Project, Cohort) {
    let project: Project = app
        .post(
            "/api/v1/projects",
            &c.member_a.1,
            json!({"title": "Fewer falls on ward 7", "aim": "Reduce falls by 30% by March",
                   "lead_organisation_id": c.org_a.id, "status": "active", "visibility": "team",
                   "team": [{"person_id": c.member_a.0.id, "role": "lead"},
                            {"person_id": c.coach_a.0.id, "role": "coach"}]}),
        )
        .await
        .expect(201);
    let mut ids = Vec::new();
    for (name, frequency) in [
        ("Risk assessments in 24 hours", "weekly"),
        ("Falls per month", "monthly"),
        ("Staff time per assessment", "monthly"),
    ] {
        let created: Value = app
            .post(
                &format!("/api/v1/projects/{}/measures", project.id),
                &c.member_a.1,
                measure(name, frequency),
            )
            .await
            .expect(201);
        ids.push(created["id"].as_i64().expect("a measure id"));
    }
    let three_months_ago = today() - Months::new(3);
    for (id, date) in [(ids[1], today()), (ids[2], three_months_ago)] {
        let _: Value = app
            .post(
                &format!("/api/v1/measures/{id}/points"),
                &c.member_a.1,
                json!({"date": date, "value": 4}),
            )
            .await
            .expect(201);
    }
    let _: Value = app
        .post(
            &format!("/api/v1/projects/{}/coaching-sessions", project.id),
            &c.coach_a.1,
            json!({"held_on": today() - Days::new(2), "minutes": 45, "model": "grow",
                   "notes": "Worried about night staffing", "actions": "Test the checklist"}),
        )
        .await
        .expect(201);

    let course: Course = app
        .post(
            "/api/v1/courses",
            &app.admin,
            json!({"title": "QI Fundamentals", "tier": "learn", "description": "The Model for Improvement",
                   "provider_organisation_id": c.org_a.id, "length_hours": 6,
                   "delivery": "face_to_face", "attendance_percent": 75}),
        )
        .await
        .expect(201);
    let start = today() + Days::new(10);
    let cohort: Cohort = app
        .post(
            &format!("/api/v1/courses/{}/cohorts", course.id),
            &app.admin,
            json!({"name": "Wave 1", "partnership_wide": true, "start_date": start,
                   "end_date": start + Days::new(1), "venue": "Education centre", "capacity": 20,
                   "sessions": [
                       {"title": "Day 2", "starts_at": format!("{}T09:00:00Z", start + Days::new(1)), "length_minutes": 180},
                       {"title": "Day 1", "starts_at": format!("{start}T09:00:00Z"), "length_minutes": 180}
                   ]}),
        )
        .await
        .expect(201);
    let _: Value = app
        .post(
            &format!("/api/v1/cohorts/{}/enrolments", cohort.summary.id),
            &c.member_a.1,
            json!({}),
        )
        .await
        .expect(201);
    (project, cohort)
}

#[tokio::test]
async fn a_members_home_shows_their_project_measures_coaching_courses_and_tier() {
    // Arrange
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (project, cohort) = scene(&app, &c).await;

    // Act
    let home = app.home(&c.member_a.1).await;

    // Assert: the project, with their role.
    assert_eq!(home.project_count, 1);
    let mine = &home.projects[0];
    assert_eq!(
        (mine.id, mine.title.as_str(), mine.role, mine.status),
        (
            project.id,
            "Fewer falls on ward 7",
            TeamRole::Lead,
            ProjectStatus::Active
        )
    );
    assert_eq!(mine.score, None, "not scored yet");

    // The measures, the most pressing first.
    let measures: Vec<(&str, DataDue)> = home
        .measures
        .iter()
        .map(|m| (m.name.as_str(), m.due))
        .collect();
    assert_eq!(
        measures,
        [
            ("Staff time per assessment", DataDue::Overdue),
            ("Risk assessments in 24 hours", DataDue::Due),
            ("Falls per month", DataDue::NotYet),
        ]
    );
    assert_eq!((home.measure_count, home.measures_due), (3, 2));
    assert_eq!(
        home.measures[1].next_due,
        today(),
        "due from the day it was made"
    );
    assert_eq!(home.measures[1].last_date, None);
    assert_eq!(home.measures[2].next_due, today() + Months::new(1));
    assert!(
        home.measures
            .iter()
            .all(|m| m.project_id == project.id && m.project_title == "Fewer falls on ward 7")
    );

    // The coaching session, without what was said.
    assert_eq!(home.coaching_count, 1);
    let session = &home.coaching[0];
    assert_eq!(session.project_title, "Fewer falls on ward 7");
    assert_eq!(session.coach_id, c.coach_a.0.id);
    assert_eq!(
        (session.notes.as_deref(), session.actions.as_deref()),
        (None, None)
    );

    // The course, and its sessions soonest first.
    assert_eq!(home.courses.len(), 1);
    assert_eq!(home.courses[0].cohort_id, cohort.summary.id);
    assert_eq!(home.courses[0].course_title, "QI Fundamentals");
    assert_eq!(home.courses[0].status, EnrolmentStatus::Enrolled);
    let sessions: Vec<&str> = home
        .training_sessions
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(sessions, ["Day 1", "Day 2"]);
    assert!(
        home.training_sessions
            .iter()
            .all(|s| s.cohort_name == "Wave 1")
    );

    // The tier: none yet, and what Learn needs.
    assert_eq!(home.tier.tier, None);
    assert_eq!(home.tier.next_tier, Some(Tier::Learn));
    assert_eq!(
        home.tier.next_needs.as_deref(),
        Some("needs a completed Learn course")
    );
}

#[tokio::test]
async fn a_coachs_home_shows_the_sessions_they_gave() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (project, _) = scene(&app, &c).await;

    let home = app.home(&c.coach_a.1).await;

    assert_eq!(home.projects.len(), 1);
    assert_eq!(
        (home.projects[0].id, home.projects[0].role),
        (project.id, TeamRole::Coach)
    );
    assert_eq!(home.coaching_count, 1);
    assert_eq!(
        home.coaching[0].notes, None,
        "notes stay on the project's page"
    );
    assert!(home.courses.is_empty() && home.training_sessions.is_empty());
}

#[tokio::test]
async fn nobody_sees_someone_elses_projects_on_their_home() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    scene(&app, &c).await;

    for (who, token) in [
        ("a colleague of the same organisation", &c.admin_a.1),
        ("a member of another organisation", &c.member_b.1),
    ] {
        let home = app.home(token).await;
        assert_eq!(home.project_count, 0, "{who}");
        assert!(home.projects.is_empty(), "{who}");
        assert_eq!((home.measure_count, home.measures_due), (0, 0), "{who}");
        assert!(home.measures.is_empty(), "{who}");
        assert_eq!(home.coaching_count, 0, "{who}");
        assert!(home.coaching.is_empty(), "{who}");
        assert!(home.courses.is_empty(), "{who}");
        assert!(home.training_sessions.is_empty(), "{who}");
    }
}

#[tokio::test]
async fn a_new_persons_home_is_empty_but_for_their_tier() {
    let app = spawn_app().await;
    let c = cast(&app).await;

    let home = app.home(&c.member_b.1).await;

    assert!(home.projects.is_empty() && home.measures.is_empty() && home.coaching.is_empty());
    assert_eq!(home.tier.tier, None);
    assert!(home.tier.reasons.is_empty());
    assert_eq!(home.tier.next_tier, Some(Tier::Learn));
}

#[tokio::test]
async fn the_home_page_needs_a_signed_in_person() {
    let app = spawn_app().await;

    let problem = app
        .call(Method::GET, "/api/v1/me/home", None, None)
        .await
        .problem(401);

    assert_eq!(problem.status, 401);
}
