//! Integration tests of training: courses, cohorts, places, enrolment under load, attendance,
//! completion and the CSV sign-in sheet.

use chrono::{Days, NaiveDate, Utc};
use futures_util::future::join_all;
use qi_shared::{
    person::InvitationSent,
    training::{
        AttendanceSaved, Cohort, CohortPage, Course, CoursePage, Enrolment, EnrolmentStatus,
        SessionRegister,
    },
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, Cast, TestApp, cast, fields, spawn_app, spawn_app_with_db};

fn day(offset: i64) -> NaiveDate {
    let today = Utc::now().date_naive();
    if offset >= 0 {
        today + Days::new(offset.unsigned_abs())
    } else {
        today - Days::new(offset.unsigned_abs())
    }
}

pub fn course_body(provider: i64) -> Value {
    json!({
        "title": "QI Fundamentals",
        "tier": "learn",
        "description": "The Model for Improvement, PDSA cycles and run charts.",
        "provider_organisation_id": provider,
        "length_hours": 6,
        "delivery": "face_to_face",
        "attendance_percent": 75
    })
}

/// A cohort starting in 10 days with two sessions, on days 10 and 11.
/// A partnership-wide cohort with no allocations: first come, first served, for anyone.
pub fn cohort_body(capacity: u32) -> Value {
    json!({
        "name": "Wave 1",
        "partnership_wide": true,
        "start_date": day(10),
        "end_date": day(11),
        "venue": "Education centre, room 2",
        "capacity": capacity,
        "sessions": [
            {"title": "Day 1", "starts_at": format!("{}T09:00:00Z", day(10)), "length_minutes": 180},
            {"title": "Day 2", "starts_at": format!("{}T09:00:00Z", day(11)), "length_minutes": 180}
        ]
    })
}

impl TestApp {
    async fn course(&self, token: &str, provider: i64) -> Course {
        self.post("/api/v1/courses", token, course_body(provider))
            .await
            .expect(201)
    }

    async fn cohort(&self, token: &str, course_id: i64, body: Value) -> Cohort {
        self.post(&format!("/api/v1/courses/{course_id}/cohorts"), token, body)
            .await
            .expect(201)
    }

    async fn enrol(&self, token: &str, cohort_id: i64, person_id: Option<i64>) -> Answer {
        let body = match person_id {
            Some(id) => json!({"person_id": id}),
            None => json!({}),
        };
        self.post(
            &format!("/api/v1/cohorts/{cohort_id}/enrolments"),
            token,
            body,
        )
        .await
    }

    async fn enrolments(&self, token: &str, cohort_id: i64) -> Vec<Enrolment> {
        self.get(&format!("/api/v1/cohorts/{cohort_id}/enrolments"), token)
            .await
            .expect(200)
    }

    async fn import_sheet(
        &self,
        token: &str,
        cohort_id: i64,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let response = self
            .client
            .post(self.url(&format!("/api/v1/cohorts/{cohort_id}/attendance.csv")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .expect("the server answers");
        Answer::from(response).await
    }

    /// A person invited into `organisation_id` (enough to be enrolled by an admin).
    async fn invited(&self, email: &str, organisation_id: i64) -> i64 {
        let sent: InvitationSent = self
            .invite(&self.admin, email, organisation_id, &[])
            .await
            .expect(201);
        sent.person.id
    }
}

#[tokio::test]
async fn who_may_manage_a_course() {
    let app = spawn_app().await;
    let Cast {
        org_a,
        admin_a,
        coach_a,
        member_a,
        admin_b,
        member_b,
        ..
    } = cast(&app).await;
    let body = course_body(org_a.id);
    // (who, may create a course provided by organisation A)
    for (token, status) in [
        (&app.admin, 201),
        (&admin_a.1, 201),
        (&admin_b.1, 403),
        (&coach_a.1, 403),
        (&member_a.1, 403),
    ] {
        let answer = app.post("/api/v1/courses", token, body.clone()).await;
        assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    }
    let anonymous = app
        .call(Method::POST, "/api/v1/courses", None, Some(body.clone()))
        .await;
    assert_eq!(anonymous.status.as_u16(), 401);

    let course = app.course(&admin_a.1, org_a.id).await;
    assert!(course.can_manage);
    let seen: Course = app
        .get(&format!("/api/v1/courses/{}", course.id), &member_b.1)
        .await
        .expect(200);
    assert!(!seen.can_manage, "everyone reads, not everyone manages");
    let path = format!("/api/v1/courses/{}", course.id);
    let v = course.version;
    app.put_if_match(&path, &admin_b.1, v, body.clone())
        .await
        .problem(403);
    app.put_if_match(&path, &member_a.1, v, body.clone())
        .await
        .problem(403);
    let mut renamed = body.clone();
    renamed["title"] = json!("QI Fundamentals (one day)");
    // A change must name the version it was made against, and a stale one saves nothing.
    app.put(&path, &app.admin, renamed.clone())
        .await
        .problem(428);
    let changed: Course = app
        .put_if_match(&path, &app.admin, v, renamed)
        .await
        .expect(200);
    assert_eq!(changed.title, "QI Fundamentals (one day)");
    assert_eq!(changed.version, v + 1);
    let stale = app.put_if_match(&path, &admin_a.1, v, body.clone()).await;
    assert_eq!(stale.problem(412).code, "version_conflict");
    let kept: Course = app.get(&path, &member_b.1).await.expect(200);
    assert_eq!(
        kept.title, "QI Fundamentals (one day)",
        "the stale change saved nothing"
    );
    let mut moved = body.clone();
    moved["provider_organisation_id"] = json!(admin_b.0.organisation_id);
    app.put_if_match(&path, &admin_a.1, v + 1, moved)
        .await
        .problem(403);

    // A cohort: the provider's admin adds one, another organisation's admin may not.
    let cohorts = format!("/api/v1/courses/{}/cohorts", course.id);
    app.post(&cohorts, &admin_b.1, cohort_body(5))
        .await
        .problem(403);
    app.post(&cohorts, &coach_a.1, cohort_body(5))
        .await
        .problem(403);
    let cohort = app.cohort(&admin_a.1, course.id, cohort_body(5)).await;
    assert!(cohort.can_manage);
    let as_member: Cohort = app
        .get(
            &format!("/api/v1/cohorts/{}", cohort.summary.id),
            &member_b.1,
        )
        .await
        .expect(200);
    assert!(!as_member.can_manage && !as_member.can_record_attendance);
    assert!(
        as_member.can_enrol,
        "a partnership-wide cohort is open to everyone"
    );

    app.call(Method::DELETE, &path, Some(&member_a.1), None)
        .await
        .problem(403);
    app.enrol(&member_a.1, cohort.summary.id, None)
        .await
        .expect::<Enrolment>(201);
    let refused = app
        .call(Method::DELETE, &path, Some(&app.admin), None)
        .await;
    assert_eq!(refused.problem(409).code, "course_has_enrolments");
}

#[tokio::test]
async fn the_catalogue_filters_and_pages() {
    let app = spawn_app().await;
    let org = app.admin_org;
    for (title, tier) in [
        ("QI Fundamentals", "learn"),
        ("Improvement Practitioner", "live"),
        ("QI Coach Development", "lead"),
        ("Measurement for Improvement", "live"),
    ] {
        let mut body = course_body(org);
        body["title"] = json!(title);
        body["tier"] = json!(tier);
        app.post("/api/v1/courses", &app.admin, body)
            .await
            .expect::<Course>(201);
    }
    let live: CoursePage = app
        .get("/api/v1/courses?tier=live", &app.admin)
        .await
        .expect(200);
    assert_eq!(live.page.total, 2);
    let found: CoursePage = app
        .get("/api/v1/courses?q=coach%20dev", &app.admin)
        .await
        .expect(200);
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].title, "QI Coach Development");
    let none: CoursePage = app
        .get("/api/v1/courses?q=100%25", &app.admin)
        .await
        .expect(200);
    assert!(none.items.is_empty(), "% is a character, not a wildcard");
    let page: CoursePage = app
        .get("/api/v1/courses?per_page=3&page=2", &app.admin)
        .await
        .expect(200);
    assert_eq!((page.items.len(), page.page.total), (1, 4));
    let anonymous = app.call(Method::GET, "/api/v1/courses", None, None).await;
    assert_eq!(anonymous.status.as_u16(), 401);
    let bad = app
        .get("/api/v1/courses?per_page=0", &app.admin)
        .await
        .problem(422);
    assert_eq!(fields(&bad), ["per_page"]);
}

#[tokio::test]
async fn bad_input_is_answered_with_the_field() {
    let app = spawn_app().await;
    let org = app.admin_org;
    // (what is wrong, the change to a good course, the field named)
    let course_cases: [(&str, Value, &str); 7] = [
        ("no title", json!({"title": " "}), "title"),
        ("no length", json!({"length_hours": 0}), "length_hours"),
        (
            "attendance over 100",
            json!({"attendance_percent": 101}),
            "attendance_percent",
        ),
        ("an unknown tier", json!({"tier": "expert"}), "tier"),
        (
            "an unknown delivery",
            json!({"delivery": "telepathy"}),
            "delivery",
        ),
        (
            "no such provider",
            json!({"provider_organisation_id": 999_999}),
            "provider_organisation_id",
        ),
        ("a title that is a number", json!({"title": 7}), "title"),
    ];
    for (what, change, field) in course_cases {
        let mut body = course_body(org);
        for (k, v) in change.as_object().expect("an object") {
            body[k] = v.clone();
        }
        let problem = app
            .post("/api/v1/courses", &app.admin, body)
            .await
            .problem(422);
        assert_eq!(fields(&problem), [field], "{what}");
    }
    let course = app.course(&app.admin, org).await;
    let cohort_cases: [(&str, Value, &str); 9] = [
        ("no name", json!({"name": ""}), "name"),
        (
            "ends before it starts",
            json!({"end_date": day(9)}),
            "end_date",
        ),
        ("no venue or link", json!({"venue": ""}), "venue"),
        (
            "a link that is not a link",
            json!({"online_link": "teams"}),
            "online_link",
        ),
        ("no places", json!({"capacity": 0}), "capacity"),
        (
            "a facilitator who does not exist",
            json!({"facilitator_ids": [999_999]}),
            "facilitator_ids[0]",
        ),
        (
            "allocations on a local cohort",
            json!({"partnership_wide": false, "allocations": [{"organisation_id": org, "places": 2}]}),
            "allocations",
        ),
        (
            "a session outside the dates",
            json!({"sessions": [{"title": "Late", "starts_at": format!("{}T09:00:00Z", day(30)), "length_minutes": 60}]}),
            "sessions[0].starts_at",
        ),
        (
            "a date that is not a date",
            json!({"start_date": "next week"}),
            "start_date",
        ),
    ];
    let path = format!("/api/v1/courses/{}/cohorts", course.id);
    for (what, change, field) in cohort_cases {
        let mut body = cohort_body(5);
        for (k, v) in change.as_object().expect("an object") {
            body[k] = v.clone();
        }
        let problem = app.post(&path, &app.admin, body).await.problem(422);
        assert_eq!(fields(&problem), [field], "{what}");
    }
    let cohort = app.cohort(&app.admin, course.id, cohort_body(5)).await;
    let id = cohort.summary.id;
    let problem = app.enrol(&app.admin, id, Some(999_999)).await.problem(422);
    assert_eq!(fields(&problem), ["person_id"]);
    let problem = app
        .post(
            &format!("/api/v1/cohorts/{id}/enrolments"),
            &app.admin,
            json!({"person_id": "me"}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["person_id"]);
    let session = cohort.sessions[0].id;
    let register = format!("/api/v1/sessions/{session}/attendance");
    let problem = app
        .put(
            &register,
            &app.admin,
            json!({"attendance": [{"person_id": 999_999, "present": true}]}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["attendance[0].person_id"]);
    let problem = app
        .put(&register, &app.admin, json!({"attendance": 3}))
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["attendance"]);
    app.get("/api/v1/cohorts/999999", &app.admin)
        .await
        .problem(404);
    app.get("/api/v1/courses/999999", &app.admin)
        .await
        .problem(404);
    let problem = app.get("/api/v1/cohorts?when=soon", &app.admin).await;
    assert!(problem.status.is_client_error());
}

#[tokio::test]
async fn a_full_cohort_keeps_a_waiting_list_and_promotes_in_order() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    // Provided by the partnership's own team, so organisation A's admin sees only A's people.
    let course = app.course(&app.admin, app.admin_org).await;
    let cohort = app.cohort(&app.admin, course.id, cohort_body(1)).await;
    let id = cohort.summary.id;
    let first: Enrolment = app.enrol(&c.member_a.1, id, None).await.expect(201);
    assert_eq!(first.status, EnrolmentStatus::Enrolled);
    let second: Enrolment = app.enrol(&c.member_b.1, id, None).await.expect(201);
    assert_eq!(
        (second.status, second.waiting_position),
        (EnrolmentStatus::Waitlisted, Some(1))
    );
    let third: Enrolment = app.enrol(&c.coach_a.1, id, None).await.expect(201);
    assert_eq!(third.waiting_position, Some(2));
    let again = app.enrol(&c.member_a.1, id, None).await.problem(409);
    assert_eq!(again.code, "already_enrolled");

    // Who enrols whom: an organisation admin their own people only.
    app.enrol(&c.admin_b.1, id, Some(c.admin_a.0.id))
        .await
        .problem(403);
    app.enrol(&c.member_a.1, id, Some(c.admin_a.0.id))
        .await
        .problem(403);
    let by_admin: Enrolment = app
        .enrol(&c.admin_a.1, id, Some(c.admin_a.0.id))
        .await
        .expect(201);
    assert_eq!(by_admin.waiting_position, Some(3));

    // Who sees whom: a member their own; an organisation admin their organisation's.
    let mine = app.enrolments(&c.member_b.1, id).await;
    assert_eq!(
        mine.iter().map(|e| e.person_id).collect::<Vec<_>>(),
        [c.member_b.0.id]
    );
    let org_a_view = app.enrolments(&c.admin_a.1, id).await;
    assert!(org_a_view.iter().all(|e| e.organisation_id == c.org_a.id));
    assert_eq!(org_a_view.len(), 3);

    // Withdrawing: someone else's, no; one's own, yes, and the first waiting person moves up.
    app.call(
        Method::POST,
        &format!("/api/v1/enrolments/{}/withdraw", first.id),
        Some(&c.member_b.1),
        None,
    )
    .await
    .problem(404);
    let gone: Enrolment = app
        .call(
            Method::POST,
            &format!("/api/v1/enrolments/{}/withdraw", first.id),
            Some(&c.member_a.1),
            None,
        )
        .await
        .expect(200);
    assert_eq!(gone.status, EnrolmentStatus::Withdrawn);
    let all = app.enrolments(&app.admin, id).await;
    let status_of = |person: i64| {
        all.iter()
            .find(|e| e.person_id == person)
            .map(|e| (e.status, e.waiting_position))
    };
    assert_eq!(
        status_of(c.member_b.0.id),
        Some((EnrolmentStatus::Enrolled, None))
    );
    assert_eq!(
        status_of(c.coach_a.0.id),
        Some((EnrolmentStatus::Waitlisted, Some(1)))
    );
    assert_eq!(
        status_of(c.admin_a.0.id),
        Some((EnrolmentStatus::Waitlisted, Some(2)))
    );
    let twice = app
        .call(
            Method::POST,
            &format!("/api/v1/enrolments/{}/withdraw", first.id),
            Some(&c.member_a.1),
            None,
        )
        .await
        .problem(409);
    assert_eq!(twice.code, "already_withdrawn");
    // Coming back joins the end of the list.
    let back: Enrolment = app.enrol(&c.member_a.1, id, None).await.expect(201);
    assert_eq!(back.waiting_position, Some(3));
}

#[tokio::test]
async fn a_cohort_that_is_not_partnership_wide_takes_only_its_providers_people() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let course = app.course(&app.admin, c.org_a.id).await;
    let mut body = cohort_body(5);
    body["partnership_wide"] = json!(false);
    let cohort = app.cohort(&c.admin_a.1, course.id, body).await;
    let id = cohort.summary.id;
    // The cohort says whom it is open to, so the app offers a place only to them.
    let can_enrol = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move {
            app.get(&format!("/api/v1/cohorts/{id}"), &token)
                .await
                .expect::<Cohort>(200)
                .can_enrol
        }
    };
    assert!(can_enrol(&c.member_a.1).await);
    assert!(!can_enrol(&c.member_b.1).await);
    assert!(!can_enrol(&c.admin_b.1).await);
    let own: Enrolment = app.enrol(&c.member_a.1, id, None).await.expect(201);
    assert_eq!(own.status, EnrolmentStatus::Enrolled);
    let refused = app.enrol(&c.member_b.1, id, None).await.problem(409);
    assert_eq!(
        (refused.code.as_str(), fields(&refused)),
        ("not_open", vec!["person_id"])
    );
    // Not even by their own admin, nor by a partnership admin.
    app.enrol(&c.admin_b.1, id, Some(c.member_b.0.id))
        .await
        .problem(409);
    app.enrol(&app.admin, id, Some(c.member_b.0.id))
        .await
        .problem(409);
    assert_eq!(app.enrolments(&app.admin, id).await.len(), 1);
}

#[tokio::test]
async fn an_organisation_waits_beyond_its_allocation_until_places_are_released() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let course = app.course(&app.admin, c.org_a.id).await;
    let mut body = cohort_body(4);
    body["partnership_wide"] = json!(true);
    body["allocations"] = json!([
        {"organisation_id": c.org_a.id, "places": 1},
        {"organisation_id": c.org_b.id, "places": 2}
    ]);
    let cohort = app.cohort(&c.admin_a.1, course.id, body).await;
    let id = cohort.summary.id;
    let a1: Enrolment = app.enrol(&c.member_a.1, id, None).await.expect(201);
    assert_eq!(a1.status, EnrolmentStatus::Enrolled);
    let a2: Enrolment = app.enrol(&c.coach_a.1, id, None).await.expect(201);
    assert_eq!(
        (a2.status, a2.waiting_position),
        (EnrolmentStatus::Waitlisted, Some(1)),
        "organisation A has used its one place, though three are free"
    );
    let b1: Enrolment = app.enrol(&c.member_b.1, id, None).await.expect(201);
    assert_eq!(b1.status, EnrolmentStatus::Enrolled);
    let shown: Cohort = app
        .get(&format!("/api/v1/cohorts/{id}"), &c.member_b.1)
        .await
        .expect(200);
    let taken: Vec<(i64, u32, u32)> = shown
        .allocations
        .iter()
        .map(|a| (a.organisation_id, a.places, a.taken))
        .collect();
    assert!(taken.contains(&(c.org_a.id, 1, 1)) && taken.contains(&(c.org_b.id, 2, 1)));

    let release = format!("/api/v1/cohorts/{id}/release");
    app.call(Method::POST, &release, Some(&c.admin_b.1), None)
        .await
        .problem(403);
    let released: Cohort = app
        .call(Method::POST, &release, Some(&c.admin_a.1), None)
        .await
        .expect(200);
    assert!(released.places_released);
    let all = app.enrolments(&app.admin, id).await;
    let coach = all
        .iter()
        .find(|e| e.person_id == c.coach_a.0.id)
        .expect("the coach");
    assert_eq!(
        coach.status,
        EnrolmentStatus::Enrolled,
        "promoted on release"
    );
}

#[tokio::test]
async fn many_enrolling_at_once_never_over_book() {
    let app = spawn_app().await;
    let course = app.course(&app.admin, app.admin_org).await;
    let cohort = app.cohort(&app.admin, course.id, cohort_body(5)).await;
    let id = cohort.summary.id;
    let mut people = Vec::new();
    for i in 0..20 {
        people.push(
            app.invited(&format!("learner{i}@example.org"), app.admin_org)
                .await,
        );
    }
    let answers = join_all(people.iter().map(|p| app.enrol(&app.admin, id, Some(*p)))).await;
    let made: Vec<Enrolment> = answers.into_iter().map(|a| a.expect(201)).collect();
    assert_eq!(
        made.iter()
            .filter(|e| e.status == EnrolmentStatus::Enrolled)
            .count(),
        5
    );
    let all = app.enrolments(&app.admin, id).await;
    let enrolled = all
        .iter()
        .filter(|e| e.status == EnrolmentStatus::Enrolled)
        .count();
    let waiting: Vec<&Enrolment> = all
        .iter()
        .filter(|e| e.status == EnrolmentStatus::Waitlisted)
        .collect();
    assert_eq!((enrolled, waiting.len()), (5, 15));
    let positions: Vec<Option<u32>> = waiting.iter().map(|e| e.waiting_position).collect();
    assert_eq!(positions, (1..=15).map(Some).collect::<Vec<_>>());
    // Each answer gave the position the person still has: the order is the order served.
    for e in &waiting {
        let answered = made.iter().find(|m| m.id == e.id).expect("answered");
        assert_eq!(answered.waiting_position, e.waiting_position);
    }
    let shown: Cohort = app
        .get(&format!("/api/v1/cohorts/{id}"), &app.admin)
        .await
        .expect(200);
    assert_eq!((shown.summary.taken, shown.summary.waiting), (5, 15));
    // A freed place goes to the first in line.
    let leaving = all
        .iter()
        .find(|e| e.status == EnrolmentStatus::Enrolled)
        .expect("one");
    app.call(
        Method::POST,
        &format!("/api/v1/enrolments/{}/withdraw", leaving.id),
        Some(&app.admin),
        None,
    )
    .await
    .expect::<Enrolment>(200);
    let after = app.enrolments(&app.admin, id).await;
    let first = after.iter().find(|e| e.id == waiting[0].id).expect("first");
    assert_eq!(first.status, EnrolmentStatus::Enrolled);
}

#[tokio::test]
async fn attendance_completes_the_course_by_its_rule_and_can_undo_it() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let course = app.course(&c.admin_a.1, c.org_a.id).await;
    let mut body = cohort_body(5);
    body["facilitator_ids"] = json!([c.coach_a.0.id]);
    let cohort = app.cohort(&c.admin_a.1, course.id, body).await;
    let id = cohort.summary.id;
    app.enrol(&c.member_a.1, id, None)
        .await
        .expect::<Enrolment>(201);
    app.enrol(&c.member_b.1, id, None)
        .await
        .expect::<Enrolment>(201);
    let [one, two] = [cohort.sessions[0].id, cohort.sessions[1].id];
    let register = |s: i64| format!("/api/v1/sessions/{s}/attendance");
    let marks = json!({"attendance": [
        {"person_id": c.member_a.0.id, "present": true},
        {"person_id": c.member_b.0.id, "present": true}
    ]});
    // Who records attendance: facilitators and the course's managers.
    for (token, status) in [
        (&c.member_a.1, 403),
        (&c.admin_b.1, 403),
        (&c.member_b.1, 403),
    ] {
        let answer = app.put(&register(one), token, marks.clone()).await;
        assert_eq!(answer.status.as_u16(), status);
    }
    app.get(&format!("/api/v1/cohorts/{id}/attendance"), &c.member_a.1)
        .await
        .problem(403);
    let saved: AttendanceSaved = app
        .put(&register(one), &c.coach_a.1, marks)
        .await
        .expect(200);
    assert_eq!(
        (saved.marks, saved.completed.len()),
        (2, 0),
        "75% of 2 sessions is both"
    );
    let saved: AttendanceSaved = app
        .put(
            &register(two),
            &c.admin_a.1,
            json!({"attendance": [
                {"person_id": c.member_a.0.id, "present": true},
                {"person_id": c.member_b.0.id, "present": false}
            ]}),
        )
        .await
        .expect(200);
    assert_eq!(saved.completed, vec![c.member_a.0.id]);
    let all = app.enrolments(&app.admin, id).await;
    let a = all
        .iter()
        .find(|e| e.person_id == c.member_a.0.id)
        .expect("A");
    assert_eq!(
        (a.status, a.completed_on, a.attended),
        (EnrolmentStatus::Completed, Some(day(11)), 2)
    );
    let registers: Vec<SessionRegister> = app
        .get(&format!("/api/v1/cohorts/{id}/attendance"), &c.coach_a.1)
        .await
        .expect(200);
    assert_eq!(registers.len(), 2);
    assert_eq!(registers[1].marks.len(), 2);

    let saved: AttendanceSaved = app
        .put(
            &register(two),
            &c.coach_a.1,
            json!({"attendance": [{"person_id": c.member_a.0.id, "present": false}]}),
        )
        .await
        .expect(200);
    assert_eq!(saved.reverted, vec![c.member_a.0.id]);
    let all = app.enrolments(&app.admin, id).await;
    let a = all
        .iter()
        .find(|e| e.person_id == c.member_a.0.id)
        .expect("A");
    assert_eq!(
        (a.status, a.completed_on),
        (EnrolmentStatus::Enrolled, None)
    );
}

#[tokio::test]
async fn a_sign_in_sheet_imports_whole_or_not_at_all() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let course = app.course(&app.admin, c.org_a.id).await;
    let cohort = app.cohort(&app.admin, course.id, cohort_body(5)).await;
    let id = cohort.summary.id;
    app.enrol(&c.member_a.1, id, None)
        .await
        .expect::<Enrolment>(201);
    app.enrol(&c.member_b.1, id, None)
        .await
        .expect::<Enrolment>(201);
    let (d1, d2) = (day(10), day(11));
    let uk = |d: NaiveDate| d.format("%d/%m/%Y").to_string();

    // A row that cannot be read is reported first...
    let unreadable = format!(
        "Email,Session date,Attended\nmember.a@example.org,{},yes\nmember.b@example.org,{d2},perhaps\nmember.b@example.org,31/02/2027,no\n",
        uk(d1)
    );
    let problem = app
        .import_sheet(&app.admin, id, unreadable)
        .await
        .problem(422);
    assert_eq!(fields(&problem), ["rows[3].present", "rows[4].date"]);
    // ...then rows that do not match the cohort: an unknown email, a date with no session,
    // someone without a place.
    let bad = format!(
        "Email,Session date,Attended\nmember.a@example.org,{},yes\nnobody@example.org,{d1},yes\nmember.b@example.org,{},yes\nlead.a@example.org,{d2},yes\n",
        uk(d1),
        day(12)
    );
    let problem = app.import_sheet(&app.admin, id, bad).await.problem(422);
    assert_eq!(
        fields(&problem),
        ["rows[3].email", "rows[4].date", "rows[5].email"]
    );
    let registers: Vec<SessionRegister> = app
        .get(&format!("/api/v1/cohorts/{id}/attendance"), &app.admin)
        .await
        .expect(200);
    assert!(
        registers.iter().all(|r| r.marks.is_empty()),
        "nothing imported"
    );

    let wrong = app
        .import_sheet(&app.admin, id, "name,when\nAnn,today\n")
        .await
        .problem(422);
    assert!(fields(&wrong).iter().all(|f| *f == "rows[1]"));
    let latin1: Vec<u8> = b"email,date,present\nren\xe9@example.org,2027-01-01,yes\n".to_vec();
    let encoding = app.import_sheet(&app.admin, id, latin1).await.problem(422);
    assert_eq!(fields(&encoding), ["body"]);
    let not_csv = app
        .post(
            &format!("/api/v1/cohorts/{id}/attendance.csv"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(not_csv.status.as_u16(), 415);
    app.import_sheet(&c.member_a.1, id, "email,date,present\n")
        .await
        .problem(403);

    let good = format!(
        "email,date,present\nmember.a@example.org,{},yes\nmember.a@example.org,{d2},y\nmember.b@example.org,{d1},no\n",
        uk(d1)
    );
    let saved: AttendanceSaved = app.import_sheet(&app.admin, id, good).await.expect(200);
    assert_eq!(saved.marks, 3);
    assert_eq!(saved.completed, vec![c.member_a.0.id]);

    // One session's sheet needs no dates; a date that is not the session's is refused.
    let session = format!("/api/v1/sessions/{}/attendance.csv", cohort.sessions[1].id);
    let answer = app
        .post_raw(
            &session,
            Some(&app.admin),
            "text/csv",
            format!("email,date,present\nmember.b@example.org,{d1},yes\n"),
        )
        .await;
    assert_eq!(fields(&answer.problem(422)), ["rows[2].date"]);
    let saved: AttendanceSaved = app
        .post_raw(
            &session,
            Some(&app.admin),
            "text/csv",
            "Email,Present\nmember.b@example.org,yes\n",
        )
        .await
        .expect(200);
    assert_eq!(
        (saved.marks, saved.completed.len()),
        (1, 0),
        "member B missed session 1"
    );
}

#[tokio::test]
async fn cohorts_list_upcoming_and_past() {
    let app = spawn_app().await;
    let course = app.course(&app.admin, app.admin_org).await;
    let upcoming = app.cohort(&app.admin, course.id, cohort_body(5)).await;
    let mut past = cohort_body(5);
    past["start_date"] = json!(day(-20));
    past["end_date"] = json!(day(-19));
    past["sessions"] = json!([]);
    let past = app.cohort(&app.admin, course.id, past).await;
    let list: CohortPage = app
        .get(
            &format!("/api/v1/cohorts?course_id={}&when=upcoming", course.id),
            &app.admin,
        )
        .await
        .expect(200);
    assert_eq!(
        list.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [upcoming.summary.id]
    );
    let list: CohortPage = app
        .get("/api/v1/cohorts?when=past", &app.admin)
        .await
        .expect(200);
    assert_eq!(
        list.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [past.summary.id]
    );
    let ended = app
        .enrol(&app.admin, past.summary.id, None)
        .await
        .problem(409);
    assert_eq!(ended.code, "cohort_ended");

    // Changing a cohort: keeping a session by id, a capacity below the places taken refused.
    app.enrol(&app.admin, upcoming.summary.id, None)
        .await
        .expect::<Enrolment>(201);
    let mut body = cohort_body(5);
    body["sessions"][0]["id"] = json!(upcoming.sessions[0].id);
    body["capacity"] = json!(0);
    let path = format!("/api/v1/cohorts/{}", upcoming.summary.id);
    let v = upcoming.version;
    app.put_if_match(&path, &app.admin, v, body.clone())
        .await
        .problem(422);
    body["capacity"] = json!(3);
    app.put(&path, &app.admin, body.clone()).await.problem(428);
    let changed: Cohort = app
        .put_if_match(&path, &app.admin, v, body.clone())
        .await
        .expect(200);
    assert_eq!(changed.sessions.len(), 2);
    assert_eq!(changed.sessions[0].id, upcoming.sessions[0].id);
    assert_eq!(changed.summary.capacity, 3);
    assert_eq!(changed.version, v + 1);
    // Another editor's form, loaded before that change, saves nothing.
    body["capacity"] = json!(9);
    let stale = app.put_if_match(&path, &app.admin, v, body).await;
    assert_eq!(stale.problem(412).code, "version_conflict");
    let kept: Cohort = app.get(&path, &app.admin).await.expect(200);
    assert_eq!(kept.summary.capacity, 3);
    let refused = app
        .call(
            Method::DELETE,
            &format!("/api/v1/cohorts/{}", upcoming.summary.id),
            Some(&app.admin),
            None,
        )
        .await
        .problem(409);
    assert_eq!(refused.code, "cohort_has_enrolments");
    app.call(
        Method::DELETE,
        &format!("/api/v1/cohorts/{}", past.summary.id),
        Some(&app.admin),
        None,
    )
    .await;
}

/// Whether enrolment `id` has the day it was given a place, and the day it was given up.
async fn place_days(db: &sea_orm::DatabaseConnection, id: i64) -> (bool, bool) {
    use sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT CASE WHEN placed_at IS NULL THEN 0 ELSE 1 END AS placed, \
                 CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END AS withdrawn \
                 FROM enrolments WHERE id = {id}"
            ),
        ))
        .await
        .expect("the enrolment")
        .expect("a row");
    let flag = |column: &str| row.try_get::<i32>("", column).expect(column) == 1;
    (flag("placed"), flag("withdrawn"))
}

#[tokio::test]
async fn a_place_keeps_the_days_it_was_given_and_given_up() {
    // The dashboard counts places allocated and taken as of any day from these.
    let (app, db) = spawn_app_with_db().await;
    let c = cast(&app).await;
    let course = app.course(&c.admin_a.1, c.org_a.id).await;
    let cohort = app.cohort(&c.admin_a.1, course.id, cohort_body(1)).await;
    let id = cohort.summary.id;
    let first: Enrolment = app.enrol(&c.member_a.1, id, None).await.expect(201);
    let second: Enrolment = app.enrol(&c.member_b.1, id, None).await.expect(201);
    assert_eq!(
        (first.status, second.status),
        (EnrolmentStatus::Enrolled, EnrolmentStatus::Waitlisted)
    );
    assert_eq!(place_days(&db, first.id).await, (true, false));
    assert_eq!(place_days(&db, second.id).await, (false, false));
    app.call(
        Method::POST,
        &format!("/api/v1/enrolments/{}/withdraw", first.id),
        Some(&c.admin_a.1),
        None,
    )
    .await
    .expect::<Enrolment>(200);
    // The place given up keeps the day it was given; the next in line is placed now.
    assert_eq!(place_days(&db, first.id).await, (true, true));
    assert_eq!(place_days(&db, second.id).await, (true, false));
    // Enrolling again starts afresh.
    let again: Enrolment = app.enrol(&c.member_a.1, id, None).await.expect(201);
    assert_eq!(again.status, EnrolmentStatus::Waitlisted);
    assert_eq!(place_days(&db, again.id).await, (false, false));
}
