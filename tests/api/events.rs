//! Integration tests of events: the list and its filters, who sees and manages what, booking
//! with a waiting list under load, cancelling and promotion, guests, attendance and calendars.

use chrono::{DateTime, Duration, Utc};
use futures_util::future::join_all;
use qi_shared::event::{
    AttendanceImport, BookedEvent, Booking, BookingStatus, Event, EventPage, GuestBooking,
    MyBooking, Series, SeriesBooking,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Cast, SmtpServer, TestApp, cast, fields, spawn_app, spawn_app_mailing};

fn at(days: i64, hour: i64) -> DateTime<Utc> {
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    today + Duration::days(days) + Duration::hours(hour)
}

pub fn event_body(organiser: i64, capacity: u32, audience: &str) -> Value {
    json!({
        "title": "QI café: run charts",
        "kind": "qi_cafe",
        "description": "An hour on reading run charts, with cake.",
        "organiser_organisation_id": organiser,
        "starts_at": at(7, 12),
        "ends_at": at(7, 13),
        "online_link": "https://meet.example.nhs.uk/qi-cafe",
        "capacity": capacity,
        "audience": audience,
        "tags": ["Measurement", "run charts"],
    })
}

impl TestApp {
    async fn event(&self, token: &str, body: Value) -> Event {
        self.post("/api/v1/events", token, body).await.expect(201)
    }

    async fn book(&self, token: &str, event_id: i64) -> crate::helpers::Answer {
        self.call(
            Method::POST,
            &format!("/api/v1/events/{event_id}/bookings"),
            Some(token),
            None,
        )
        .await
    }

    async fn bookings(&self, token: &str, event_id: i64) -> Vec<Booking> {
        self.get(&format!("/api/v1/events/{event_id}/bookings"), token)
            .await
            .expect(200)
    }
}

#[tokio::test]
async fn an_event_is_made_listed_filtered_changed_and_removed() {
    let app = spawn_app().await;
    let c: Cast = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let mut body = event_body(c.org_a.id, 20, "partnership");
    body["description"] = json!("An hour on run charts.\n\nBring a measure you collect. ");
    let cafe = app.event(admin_a, body).await;
    assert_eq!(cafe.tags, vec!["measurement", "run charts"]);
    assert_eq!(
        cafe.description, "An hour on run charts.\n\nBring a measure you collect.",
        "paragraphs kept, trimmed"
    );
    assert!(cafe.can_manage);
    let mut webinar = event_body(c.org_a.id, 100, "partnership");
    webinar["title"] = json!("Webinar: the Model for Improvement");
    webinar["kind"] = json!("webinar");
    webinar["tags"] = json!(["pdsa"]);
    webinar["starts_at"] = json!(at(40, 10));
    webinar["ends_at"] = json!(at(40, 11));
    app.event(admin_a, webinar).await;
    let mut past = event_body(c.org_a.id, 30, "partnership");
    past["title"] = json!("Last month's café");
    past["starts_at"] = json!(at(-30, 12));
    past["ends_at"] = json!(at(-30, 13));
    app.event(admin_a, past).await;

    let (_, member_b) = &c.member_b;
    let titles = |page: EventPage| page.items.into_iter().map(|e| e.title).collect::<Vec<_>>();
    let all: EventPage = app.get("/api/v1/events", member_b).await.expect(200);
    assert_eq!(all.page.total, 3);
    assert!(
        !all.items[0].can_manage,
        "another organisation's member manages nothing"
    );
    let upcoming: EventPage = app
        .get("/api/v1/events?when=upcoming", member_b)
        .await
        .expect(200);
    assert_eq!(
        titles(upcoming),
        vec!["QI café: run charts", "Webinar: the Model for Improvement"]
    );
    let past: EventPage = app
        .get("/api/v1/events?when=past", member_b)
        .await
        .expect(200);
    assert_eq!(titles(past), vec!["Last month's café"]);
    let webinars: EventPage = app
        .get("/api/v1/events?kind=webinar", member_b)
        .await
        .expect(200);
    assert_eq!(webinars.page.total, 1);
    let tagged: EventPage = app
        .get("/api/v1/events?tag=PDSA", member_b)
        .await
        .expect(200);
    assert_eq!(titles(tagged), vec!["Webinar: the Model for Improvement"]);
    let words: EventPage = app
        .get("/api/v1/events?q=MODEL%20for", member_b)
        .await
        .expect(200);
    assert_eq!(words.page.total, 1);
    let month: EventPage = app
        .get(
            &format!(
                "/api/v1/events?from={}&to={}",
                at(35, 0).date_naive(),
                at(45, 0).date_naive()
            ),
            member_b,
        )
        .await
        .expect(200);
    assert_eq!(titles(month), vec!["Webinar: the Model for Improvement"]);

    let mut changed = event_body(c.org_a.id, 25, "partnership");
    changed["title"] = json!("QI café: SPC charts");
    let updated: Event = app
        .put_if_match(
            &format!("/api/v1/events/{}", cafe.id),
            admin_a,
            cafe.version,
            changed.clone(),
        )
        .await
        .expect(200);
    assert_eq!(updated.title, "QI café: SPC charts");
    assert_eq!(updated.version, cafe.version + 1);
    let stale = app
        .put_if_match(
            &format!("/api/v1/events/{}", cafe.id),
            admin_a,
            cafe.version,
            changed,
        )
        .await;
    assert_eq!(stale.status.as_u16(), 412);
    let removed = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{}", cafe.id),
            Some(admin_a),
            None,
        )
        .await;
    assert_eq!(removed.status.as_u16(), 204);
    assert_eq!(
        app.get(&format!("/api/v1/events/{}", cafe.id), admin_a)
            .await
            .status
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn bad_events_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let mut body = event_body(c.org_a.id, 0, "partnership");
    body["ends_at"] = body["starts_at"].clone();
    body["online_link"] = json!("javascript:alert(1)");
    body["title"] = json!(" ");
    let problem = app.post("/api/v1/events", admin_a, body).await.problem(422);
    let mut named = fields(&problem);
    named.sort_unstable();
    assert_eq!(named, vec!["capacity", "ends_at", "online_link", "title"]);
    let mut body = event_body(999_999, 10, "partnership");
    let problem = app
        .post("/api/v1/events", &app.admin, body.clone())
        .await
        .problem(422);
    assert_eq!(fields(&problem), vec!["organiser_organisation_id"]);
    body["organiser_organisation_id"] = json!(c.org_a.id);
    body["series_id"] = json!(424_242);
    let problem = app.post("/api/v1/events", admin_a, body).await.problem(422);
    assert_eq!(fields(&problem), vec!["series_id"]);
    let problem = app
        .post("/api/v1/events", admin_a, json!({"title": "No kind"}))
        .await
        .problem(422);
    assert!(!fields(&problem).is_empty());
    let bad_filter = app.get("/api/v1/events?kind=party", admin_a).await;
    assert_eq!(bad_filter.status.as_u16(), 400);
    let problem = app
        .get("/api/v1/events?from=2027-02-01&to=2027-01-01", admin_a)
        .await
        .problem(422);
    assert_eq!(fields(&problem), vec!["to"]);
}

#[tokio::test]
async fn who_may_see_manage_and_book_follows_the_audience() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, admin_b) = &c.admin_b;
    let (_, member_b) = &c.member_b;
    // Only admins of the organiser (or of the partnership) make and change its events.
    for token in [member_a, admin_b] {
        let refused = app
            .post(
                "/api/v1/events",
                token,
                event_body(c.org_a.id, 10, "partnership"),
            )
            .await;
        assert_eq!(refused.status.as_u16(), 403);
    }
    let internal = app
        .event(admin_a, event_body(c.org_a.id, 10, "organisation"))
        .await;
    let path = format!("/api/v1/events/{}", internal.id);
    assert_eq!(app.get(&path, member_a).await.status.as_u16(), 200);
    assert_eq!(app.get(&path, &app.admin).await.status.as_u16(), 200);
    for token in [member_b, admin_b] {
        assert_eq!(app.get(&path, token).await.status.as_u16(), 404);
        assert_eq!(app.book(token, internal.id).await.status.as_u16(), 404);
        let list: EventPage = app.get("/api/v1/events", token).await.expect(200);
        assert!(list.items.iter().all(|e| e.id != internal.id));
    }
    // Not signed in: only an open event, and the same answer whether or not one exists.
    let anonymous = app.call(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status.as_u16(), 401);
    let missing = app
        .call(Method::GET, "/api/v1/events/987654", None, None)
        .await;
    assert_eq!(missing.status.as_u16(), 401);
    assert_eq!(
        app.call(Method::GET, "/api/v1/events", None, None)
            .await
            .status
            .as_u16(),
        401
    );
    let open = app.event(admin_a, event_body(c.org_a.id, 10, "open")).await;
    let seen: Event = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}", open.id),
            None,
            None,
        )
        .await
        .expect(200);
    assert!(!seen.can_manage && seen.my_booking.is_none());
    // Bookings and attendance are the managers'.
    let bookings_path = format!("/api/v1/events/{}/bookings", open.id);
    assert_eq!(app.get(&bookings_path, member_a).await.status.as_u16(), 403);
    assert_eq!(app.get(&bookings_path, admin_b).await.status.as_u16(), 403);
    assert_eq!(app.get(&bookings_path, admin_a).await.status.as_u16(), 200);
    let mark = app
        .call(
            Method::PUT,
            &format!("/api/v1/events/{}/attendance", open.id),
            Some(member_b),
            Some(json!({"marks": []})),
        )
        .await;
    assert_eq!(mark.status.as_u16(), 403);
    let changed = app
        .put_if_match(
            &format!("/api/v1/events/{}", open.id),
            admin_b,
            1,
            event_body(c.org_b.id, 5, "open"),
        )
        .await;
    assert_eq!(changed.status.as_u16(), 403);
    let removed = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{}", open.id),
            Some(member_a),
            None,
        )
        .await;
    assert_eq!(removed.status.as_u16(), 403);
    // Someone else's booking is theirs to cancel, or a manager's.
    let booked: MyBooking = app.book(member_b, open.id).await.expect(201);
    let cancel = format!("/api/v1/events/{}/bookings/{}", open.id, booked.id);
    assert_eq!(
        app.call(Method::DELETE, &cancel, Some(member_a), None)
            .await
            .status
            .as_u16(),
        403
    );
    assert_eq!(
        app.call(Method::DELETE, &cancel, Some(admin_a), None)
            .await
            .status
            .as_u16(),
        204
    );
}

#[tokio::test]
async fn a_full_event_has_a_waiting_list_promoted_in_order() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (_, member_a) = &c.member_a;
    let (_, member_b) = &c.member_b;
    let (_, admin_b) = &c.admin_b;
    let event = app
        .event(admin_a, event_body(c.org_a.id, 1, "partnership"))
        .await;
    let first: MyBooking = app.book(member_a, event.id).await.expect(201);
    assert_eq!(
        (first.status, first.position),
        (BookingStatus::Booked, None)
    );
    let second: MyBooking = app.book(member_b, event.id).await.expect(201);
    assert_eq!(
        (second.status, second.position),
        (BookingStatus::Waitlisted, Some(1))
    );
    let third: MyBooking = app.book(admin_b, event.id).await.expect(201);
    assert_eq!(third.position, Some(2));
    let again = app.book(member_b, event.id).await.problem(409);
    assert_eq!(again.code, "already_booked");
    let seen: Event = app
        .get(&format!("/api/v1/events/{}", event.id), member_b)
        .await
        .expect(200);
    assert_eq!((seen.booked, seen.waitlisted), (1, 2));
    assert_eq!(seen.my_booking.map(|b| b.position), Some(Some(1)));

    let cancelled = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{}/bookings/{}", event.id, first.id),
            Some(member_a),
            None,
        )
        .await;
    assert_eq!(cancelled.status.as_u16(), 204);
    let mine: Vec<BookedEvent> = app.get("/api/v1/me/bookings", member_b).await.expect(200);
    assert_eq!(mine.len(), 1);
    assert_eq!(
        mine[0].booking.status,
        BookingStatus::Booked,
        "first in the queue promoted"
    );
    let theirs: Vec<BookedEvent> = app.get("/api/v1/me/bookings", admin_b).await.expect(200);
    assert_eq!(theirs[0].booking.position, Some(1), "the queue moves up");
    assert!(
        app.get("/api/v1/me/bookings", member_a)
            .await
            .expect::<Vec<BookedEvent>>(200)
            .is_empty()
    );
    // Someone who cancelled may book again, at the end of the list.
    let back: MyBooking = app.book(member_a, event.id).await.expect(201);
    assert_eq!(back.position, Some(2));

    // More places go to the waiting list in order.
    let current: Event = app
        .get(&format!("/api/v1/events/{}", event.id), admin_a)
        .await
        .expect(200);
    app.put_if_match(
        &format!("/api/v1/events/{}", event.id),
        admin_a,
        current.version,
        event_body(c.org_a.id, 2, "partnership"),
    )
    .await
    .expect::<Event>(200);
    let list = app.bookings(admin_a, event.id).await;
    let booked: Vec<&str> = list
        .iter()
        .filter(|b| b.status == BookingStatus::Booked)
        .map(|b| b.email.as_str())
        .collect();
    assert_eq!(booked, vec!["member.b@example.org", "lead.b@example.org"]);
    assert_eq!(list.iter().filter(|b| b.position == Some(1)).count(), 1);

    // A past event takes no bookings.
    let mut past = event_body(c.org_a.id, 5, "partnership");
    past["starts_at"] = json!(at(-3, 12));
    past["ends_at"] = json!(at(-3, 13));
    let past = app.event(admin_a, past).await;
    let ended = app.book(member_a, past.id).await.problem(409);
    assert_eq!(ended.code, "event_ended");
}

/// 50 people booking the last 10 places at once: exactly 10 places, 40 waiting, the queue
/// numbered 1 to 40 without gaps, and promotion in that order.
#[tokio::test]
async fn fifty_people_booking_the_last_ten_places_at_once() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let event = app
        .event(admin_a, event_body(c.org_a.id, 12, "partnership"))
        .await;
    app.book(&c.member_a.1, event.id)
        .await
        .expect::<MyBooking>(201);
    app.book(&c.member_b.1, event.id)
        .await
        .expect::<MyBooking>(201);
    let mut tokens = Vec::new();
    for i in 0..50 {
        let org = if i % 2 == 0 { c.org_a.id } else { c.org_b.id };
        tokens.push(
            app.person(&format!("booker{i}@example.org"), org, &[])
                .await
                .1,
        );
    }
    let answers = join_all(tokens.iter().map(|t| app.book(t, event.id))).await;
    let made: Vec<MyBooking> = answers.into_iter().map(|a| a.expect(201)).collect();
    assert_eq!(
        made.iter()
            .filter(|b| b.status == BookingStatus::Booked)
            .count(),
        10
    );
    let mut positions: Vec<u32> = made.iter().filter_map(|b| b.position).collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=40).collect::<Vec<u32>>());

    let list = app.bookings(admin_a, event.id).await;
    assert_eq!(
        list.iter()
            .filter(|b| b.status == BookingStatus::Booked)
            .count(),
        12
    );
    let waiting: Vec<&Booking> = list
        .iter()
        .filter(|b| b.status == BookingStatus::Waitlisted)
        .collect();
    assert_eq!(waiting.len(), 40);
    let first_waiting = waiting[0].email.clone();
    let second_waiting = waiting[1].email.clone();
    let holder = list
        .iter()
        .find(|b| b.status == BookingStatus::Booked)
        .unwrap();
    app.call(
        Method::DELETE,
        &format!("/api/v1/events/{}/bookings/{}", event.id, holder.id),
        Some(admin_a),
        None,
    )
    .await;
    let after = app.bookings(admin_a, event.id).await;
    let status_of = |email: &str| {
        after
            .iter()
            .find(|b| b.email == email)
            .map(|b| (b.status, b.position))
    };
    assert_eq!(
        status_of(&first_waiting),
        Some((BookingStatus::Booked, None))
    );
    assert_eq!(
        status_of(&second_waiting),
        Some((BookingStatus::Waitlisted, Some(1)))
    );
}

#[tokio::test]
async fn guests_book_open_events_by_email_and_cancel_by_the_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let open = app.event(admin_a, event_body(c.org_a.id, 1, "open")).await;
    let internal = app
        .event(admin_a, event_body(c.org_a.id, 5, "partnership"))
        .await;
    let guest = |name: &str, email: &str| json!({"name": name, "email": email});
    let path = format!("/api/v1/events/{}/guest-bookings", open.id);
    let bad = app
        .call(Method::POST, &path, None, Some(guest("", "not an address")))
        .await
        .problem(422);
    assert_eq!(fields(&bad), vec!["name", "email"]);
    let not_open = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{}/guest-bookings", internal.id),
            None,
            Some(guest("Sam Visitor", "sam@charity.example.org")),
        )
        .await;
    assert_eq!(not_open.status.as_u16(), 404);

    let placed: GuestBooking = app
        .call(
            Method::POST,
            &path,
            None,
            Some(guest("Sam Visitor", "Sam@Charity.example.org")),
        )
        .await
        .expect(201);
    assert_eq!(placed.status, BookingStatus::Booked);
    let twice = app
        .call(
            Method::POST,
            &path,
            None,
            Some(guest("Sam", "sam@charity.example.org")),
        )
        .await
        .problem(409);
    assert_eq!(fields(&twice), vec!["email"]);
    let waiting: GuestBooking = app
        .call(
            Method::POST,
            &path,
            None,
            Some(guest("Alex Carer", "alex@carers.example.org")),
        )
        .await
        .expect(201);
    assert_eq!(
        (waiting.status, waiting.position),
        (BookingStatus::Waitlisted, Some(1))
    );

    let mail = smtp.to("sam@charity.example.org", "Your place at").await;
    assert!(
        mail.attachments
            .iter()
            .any(|a| a.filename == "calendar.ics"
                && a.content.contains("SUMMARY:QI café: run charts"))
    );
    let token = mail.token_after("/events/guest-cancel?token=");
    assert_eq!(token.len(), 64);
    let seen: Event = app
        .get(&format!("/api/v1/events/{}", open.id), admin_a)
        .await
        .expect(200);
    assert_eq!((seen.booked, seen.guests, seen.waitlisted), (1, 1, 1));
    let list = app.bookings(admin_a, open.id).await;
    assert!(
        list.iter()
            .all(|b| b.guest && b.organisation_name.is_none())
    );

    let wrong = app
        .call(
            Method::POST,
            "/api/v1/guest-bookings/cancel",
            None,
            Some(json!({"token": "abc"})),
        )
        .await;
    assert_eq!(wrong.status.as_u16(), 404);
    let cancelled = app
        .call(
            Method::POST,
            "/api/v1/guest-bookings/cancel",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(cancelled.status.as_u16(), 204);
    let used = app
        .call(
            Method::POST,
            "/api/v1/guest-bookings/cancel",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(used.status.as_u16(), 404, "a cancel link works once");
    let offered = smtp.to("alex@carers.example.org", "A place at").await;
    assert!(
        offered.text.contains("/events/guest-cancel?token="),
        "{}",
        offered.text
    );
}

#[tokio::test]
async fn booking_tells_the_person_with_the_event_as_ics() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |_| {}).await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let event = app
        .event(admin_a, event_body(c.org_a.id, 1, "partnership"))
        .await;
    let held: MyBooking = app.book(&c.member_a.1, event.id).await.expect(201);
    app.book(&c.member_b.1, event.id)
        .await
        .expect::<MyBooking>(201);
    let confirmed = smtp.to("member.a@example.org", "Your place at").await;
    assert!(
        confirmed
            .attachments
            .iter()
            .any(|a| a.filename == "calendar.ics")
    );
    let waiting = smtp.to("member.b@example.org", "waiting list").await;
    assert!(
        waiting.text.contains("number 1 on the waiting list"),
        "{}",
        waiting.text
    );
    app.call(
        Method::DELETE,
        &format!("/api/v1/events/{}/bookings/{}", event.id, held.id),
        Some(&c.member_a.1),
        None,
    )
    .await;
    let offered = smtp.to("member.b@example.org", "A place at").await;
    assert!(
        offered
            .attachments
            .iter()
            .any(|a| a.content.contains("BEGIN:VEVENT"))
    );

    // Called off: everyone who held a place or waited is told.
    let mut other = event_body(c.org_a.id, 1, "open");
    other["title"] = json!("Roadshow: Riverside");
    let other = app.event(admin_a, other).await;
    app.book(&c.member_a.1, other.id)
        .await
        .expect::<MyBooking>(201);
    app.book(&c.member_b.1, other.id)
        .await
        .expect::<MyBooking>(201);
    let removed = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{}", other.id),
            Some(admin_a),
            None,
        )
        .await;
    assert_eq!(removed.status.as_u16(), 204);
    for who in ["member.a@example.org", "member.b@example.org"] {
        let told = smtp.to(who, "Roadshow: Riverside is called off").await;
        assert!(
            told.text.contains("your booking is cancelled"),
            "{}",
            told.text
        );
    }
}

#[tokio::test]
async fn attendance_by_hand_and_by_sign_in_sheet() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let event = app.event(admin_a, event_body(c.org_a.id, 10, "open")).await;
    let a: MyBooking = app.book(&c.member_a.1, event.id).await.expect(201);
    let b: MyBooking = app.book(&c.member_b.1, event.id).await.expect(201);
    app.call(
        Method::POST,
        &format!("/api/v1/events/{}/guest-bookings", event.id),
        None,
        Some(json!({"name": "Sam Visitor", "email": "sam@charity.example.org"})),
    )
    .await
    .expect::<GuestBooking>(201);
    let path = format!("/api/v1/events/{}/attendance", event.id);
    let marked: Vec<Booking> = app
        .call(
            Method::PUT,
            &path,
            Some(admin_a),
            Some(json!({"marks": [{"booking_id": a.id, "attended": true}, {"booking_id": b.id, "attended": false}]})),
        )
        .await
        .expect(200);
    assert!(marked.iter().find(|m| m.id == a.id).unwrap().attended);
    let twice = app
        .call(
            Method::PUT,
            &path,
            Some(admin_a),
            Some(json!({"marks": [{"booking_id": a.id, "attended": true}, {"booking_id": a.id, "attended": false}]})),
        )
        .await
        .problem(422);
    assert_eq!(fields(&twice), vec!["marks[1].booking_id"]);
    let other = app
        .call(
            Method::PUT,
            &path,
            Some(admin_a),
            Some(json!({"marks": [{"booking_id": 999_999, "attended": true}]})),
        )
        .await
        .problem(422);
    assert_eq!(fields(&other), vec!["marks[0].booking_id"]);

    let csv_path = format!("/api/v1/events/{}/attendance.csv", event.id);
    let sheet = "Email,Attended\nmember.b@example.org,yes\nSAM@charity.example.org,y\n";
    let imported: AttendanceImport = app
        .post_raw(&csv_path, Some(admin_a), "text/csv", sheet)
        .await
        .expect(200);
    assert_eq!((imported.attended, imported.absent), (2, 0));
    let list = app.bookings(admin_a, event.id).await;
    assert_eq!(list.iter().filter(|b| b.attended).count(), 3);
    let unreadable = "email,present\nmember.a@example.org,maybe\n";
    let problem = app
        .post_raw(&csv_path, Some(admin_a), "text/csv", unreadable)
        .await
        .problem(422);
    assert_eq!(fields(&problem), vec!["rows[2].present"]);
    let unknown = "email,present\nmember.a@example.org,no\n\nnobody@example.org,yes\n";
    let problem = app
        .post_raw(&csv_path, Some(admin_a), "text/csv", unknown)
        .await
        .problem(422);
    assert_eq!(fields(&problem), vec!["rows[4].email"]);
    assert_eq!(
        app.bookings(admin_a, event.id)
            .await
            .iter()
            .filter(|b| b.attended)
            .count(),
        3,
        "a bad sheet changes nothing"
    );
    let not_csv = app
        .post_raw(&csv_path, Some(admin_a), "application/json", "{}")
        .await;
    assert_eq!(not_csv.status.as_u16(), 415);
    let refused = app
        .post_raw(&csv_path, Some(&c.member_a.1), "text/csv", sheet)
        .await;
    assert_eq!(refused.status.as_u16(), 403);
}

#[tokio::test]
async fn calendars_of_one_event_and_of_my_bookings() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let open = app.event(admin_a, event_body(c.org_a.id, 10, "open")).await;
    let mut other = event_body(c.org_a.id, 10, "partnership");
    other["title"] = json!("Masterclass: measurement");
    let other = app.event(admin_a, other).await;
    let anyone = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}/calendar.ics", open.id),
            None,
            None,
        )
        .await;
    assert_eq!(anyone.status.as_u16(), 200);
    assert!(anyone.content_type.starts_with("text/calendar"));
    assert!(
        anyone
            .body
            .as_str()
            .unwrap_or_default()
            .contains("BEGIN:VCALENDAR")
    );
    let internal = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}/calendar.ics", other.id),
            None,
            None,
        )
        .await;
    assert_eq!(internal.status.as_u16(), 401);
    let (_, member_b) = &c.member_b;
    app.book(member_b, open.id).await.expect::<MyBooking>(201);
    app.book(member_b, other.id).await.expect::<MyBooking>(201);
    let mine = app.get("/api/v1/me/bookings/calendar.ics", member_b).await;
    assert_eq!(mine.status.as_u16(), 200);
    let text = mine.body.as_str().unwrap_or_default().to_owned();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    assert!(text.contains("SUMMARY:Masterclass: measurement"));
}

#[tokio::test]
async fn a_series_is_booked_whole() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let series: Series = app
        .post(
            "/api/v1/event-series",
            admin_a,
            json!({"title": "Measurement masterclasses", "organiser_organisation_id": c.org_a.id}),
        )
        .await
        .expect(201);
    let refused = app
        .post(
            "/api/v1/event-series",
            &c.admin_b.1,
            json!({"title": "Not theirs", "organiser_organisation_id": c.org_a.id}),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);
    let problem = app
        .post(
            "/api/v1/event-series",
            admin_a,
            json!({"title": "", "organiser_organisation_id": c.org_a.id}),
        )
        .await
        .problem(422);
    assert_eq!(fields(&problem), vec!["title"]);
    for (i, capacity) in [(1, 10), (2, 1), (3, 10)] {
        let mut body = event_body(c.org_a.id, capacity, "partnership");
        body["title"] = json!(format!("Masterclass {i}"));
        body["kind"] = json!("masterclass");
        body["series_id"] = json!(series.id);
        body["starts_at"] = json!(at(7 * i, 10));
        body["ends_at"] = json!(at(7 * i, 12));
        app.event(admin_a, body).await;
    }
    let shown: Series = app
        .get(
            &format!("/api/v1/event-series/{}", series.id),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert_eq!(shown.events.len(), 3);
    assert_eq!(
        shown.events[0].series_title.as_deref(),
        Some("Measurement masterclasses")
    );
    app.book(&c.member_a.1, shown.events[1].id)
        .await
        .expect::<MyBooking>(201);
    let done: Vec<SeriesBooking> = app
        .call(
            Method::POST,
            &format!("/api/v1/event-series/{}/bookings", series.id),
            Some(&c.member_b.1),
            None,
        )
        .await
        .expect(201);
    let statuses: Vec<BookingStatus> = done.iter().map(|d| d.booking.status).collect();
    assert_eq!(
        statuses,
        vec![
            BookingStatus::Booked,
            BookingStatus::Waitlisted,
            BookingStatus::Booked
        ]
    );
    let again: Vec<SeriesBooking> = app
        .call(
            Method::POST,
            &format!("/api/v1/event-series/{}/bookings", series.id),
            Some(&c.member_b.1),
            None,
        )
        .await
        .expect(201);
    assert!(again.is_empty(), "sessions already booked are left out");
    let listed: Vec<Series> = app
        .get(
            &format!("/api/v1/event-series?organisation_id={}", c.org_a.id),
            &c.member_b.1,
        )
        .await
        .expect(200);
    assert_eq!(listed.len(), 1);
}

/// Attendance at an event marked as training counts among the people who attended training;
/// guests and events not marked as training do not.
#[tokio::test]
async fn training_events_count_towards_people_trained() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let mut body = event_body(c.org_a.id, 10, "open");
    body["kind"] = json!("masterclass");
    body["counts_as_training"] = json!(true);
    let masterclass = app.event(admin_a, body.clone()).await;
    let cafe = app.event(admin_a, event_body(c.org_a.id, 10, "open")).await;
    let mut marks = Vec::new();
    for (event, token) in [(&masterclass, &c.member_b.1), (&cafe, &c.member_a.1)] {
        let b: MyBooking = app.book(token, event.id).await.expect(201);
        marks.push((event.id, b.id));
    }
    app.call(
        Method::POST,
        &format!("/api/v1/events/{}/guest-bookings", masterclass.id),
        None,
        Some(json!({"name": "Sam Visitor", "email": "sam@charity.example.org"})),
    )
    .await
    .expect::<GuestBooking>(201);
    // Held yesterday (moved after booking), everyone there.
    for event in [&masterclass, &cafe] {
        let mut moved = if event.id == masterclass.id {
            body.clone()
        } else {
            event_body(c.org_a.id, 10, "open")
        };
        moved["starts_at"] = json!(at(-1, 10));
        moved["ends_at"] = json!(at(-1, 12));
        app.put_if_match(
            &format!("/api/v1/events/{}", event.id),
            admin_a,
            event.version,
            moved,
        )
        .await
        .expect::<Event>(200);
        let all: Vec<i64> = app
            .bookings(admin_a, event.id)
            .await
            .iter()
            .map(|b| b.id)
            .collect();
        let marks: Vec<Value> = all
            .iter()
            .map(|id| json!({"booking_id": id, "attended": true}))
            .collect();
        app.call(
            Method::PUT,
            &format!("/api/v1/events/{}/attendance", event.id),
            Some(admin_a),
            Some(json!({"marks": marks})),
        )
        .await
        .expect::<Vec<Booking>>(200);
    }
    let yesterday = at(-1, 10).date_naive();
    let month = yesterday.format("%Y-%m-01");
    let members: Value = app
        .get(
            &format!(
                "/api/v1/dashboard/metrics/people_trained/members?as_of={yesterday}&month={month}"
            ),
            &app.admin,
        )
        .await
        .expect(200);
    let ids: Vec<i64> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![c.member_b.0.id], "{members}");
}

/// An event held yesterday with member A (attended) and member B (booked, not there).
/// The event as `body` says, moved to yesterday at noon by its organiser (`token`).
async fn held_yesterday(app: &TestApp, token: &str, event: &Event, mut body: Value) -> Event {
    body["starts_at"] = json!(at(-1, 12));
    body["ends_at"] = json!(at(-1, 13));
    app.put_if_match(
        &format!("/api/v1/events/{}", event.id),
        token,
        event.version,
        body,
    )
    .await
    .expect(200)
}

async fn held_event(app: &TestApp, c: &Cast) -> Event {
    let (_, admin_a) = &c.admin_a;
    let event = app
        .event(admin_a, event_body(c.org_a.id, 10, "partnership"))
        .await;
    let a: MyBooking = app.book(&c.member_a.1, event.id).await.expect(201);
    app.book(&c.member_b.1, event.id)
        .await
        .expect::<MyBooking>(201);
    let event = held_yesterday(
        app,
        admin_a,
        &event,
        event_body(c.org_a.id, 10, "partnership"),
    )
    .await;
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/attendance", event.id),
        Some(admin_a),
        Some(json!({"marks": [{"booking_id": a.id, "attended": true}]})),
    )
    .await
    .expect::<Vec<Booking>>(200);
    event
}

#[tokio::test]
async fn attendees_give_feedback_once_and_the_organiser_reads_it() {
    use qi_shared::event::feedback::{FeedbackForm, FeedbackSummary};
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let event = held_event(&app, &c).await;
    let form_path = format!("/api/v1/events/{}/feedback-form", event.id);
    let answer_path = format!("/api/v1/events/{}/feedback", event.id);
    assert_eq!(
        app.get(&form_path, &c.member_a.1).await.status.as_u16(),
        404,
        "no form yet"
    );
    let refused = app
        .call(
            Method::PUT,
            &form_path,
            Some(&c.member_a.1),
            Some(json!({"questions": []})),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);
    let refused = app
        .call(
            Method::PUT,
            &form_path,
            Some(&c.admin_b.1),
            Some(json!({"questions": []})),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);
    let bad = app
        .call(
            Method::PUT,
            &form_path,
            Some(admin_a),
            Some(json!({"questions": ["Most useful?", ""]})),
        )
        .await
        .problem(422);
    assert_eq!(fields(&bad), vec!["questions[1]"]);
    let form: FeedbackForm = app
        .call(
            Method::PUT,
            &form_path,
            Some(admin_a),
            Some(json!({"anonymous": true, "questions": ["What was most useful?"]})),
        )
        .await
        .expect(200);
    assert!(form.anonymous && !form.can_answer);

    let mine: FeedbackForm = app.get(&form_path, &c.member_a.1).await.expect(200);
    assert!(mine.can_answer && !mine.answered);
    let theirs: FeedbackForm = app.get(&form_path, &c.member_b.1).await.expect(200);
    assert!(!theirs.can_answer, "booked but not there");
    let bad = app
        .post(
            &answer_path,
            &c.member_a.1,
            json!({"rating": 7, "answers": ["a", "b"]}),
        )
        .await
        .problem(422);
    let mut named = fields(&bad);
    named.sort_unstable();
    assert_eq!(named, vec!["answers", "rating"]);
    let not_there = app
        .post(&answer_path, &c.member_b.1, json!({"rating": 2}))
        .await;
    assert_eq!(not_there.status.as_u16(), 403);
    let answered: FeedbackForm = app
        .post(
            &answer_path,
            &c.member_a.1,
            json!({"rating": 4, "different": "Plot our falls data weekly", "answers": ["The worked example"]}),
        )
        .await
        .expect(201);
    assert!(answered.answered && !answered.can_answer);
    let twice = app
        .post(&answer_path, &c.member_a.1, json!({"rating": 5}))
        .await
        .problem(409);
    assert_eq!(twice.code, "already_answered");
    let locked = app
        .call(
            Method::PUT,
            &form_path,
            Some(admin_a),
            Some(json!({"questions": []})),
        )
        .await
        .problem(409);
    assert_eq!(locked.code, "feedback_given");

    let summary_path = format!("/api/v1/events/{}/feedback", event.id);
    assert_eq!(
        app.get(&summary_path, &c.member_a.1).await.status.as_u16(),
        403
    );
    let summary: FeedbackSummary = app.get(&summary_path, admin_a).await.expect(200);
    assert_eq!((summary.attendees, summary.responses), (1, 1));
    assert_eq!(summary.distribution, vec![0, 0, 0, 1, 0]);
    assert_eq!(summary.mean, Some(4.0));
    assert_eq!(summary.items[0].name, None, "anonymous");
    assert_eq!(summary.items[0].answers, vec!["The worked example"]);
    let csv = app
        .get(
            &format!("/api/v1/events/{}/feedback.csv", event.id),
            admin_a,
        )
        .await;
    assert!(csv.content_type.starts_with("text/csv"));
    let text = csv.body.as_str().unwrap_or_default().to_owned();
    assert!(text.contains("What was most useful?"), "{text}");
    assert!(
        text.contains(",4,Plot our falls data weekly,The worked example"),
        "{text}"
    );
}

#[tokio::test]
async fn feedback_opens_when_the_event_ends_and_names_people_unless_anonymous() {
    use qi_shared::event::feedback::FeedbackSummary;
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let upcoming = app
        .event(admin_a, event_body(c.org_a.id, 10, "partnership"))
        .await;
    let b: MyBooking = app.book(&c.member_a.1, upcoming.id).await.expect(201);
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/attendance", upcoming.id),
        Some(admin_a),
        Some(json!({"marks": [{"booking_id": b.id, "attended": true}]})),
    )
    .await
    .expect::<Vec<Booking>>(200);
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/feedback-form", upcoming.id),
        Some(admin_a),
        Some(json!({"anonymous": false})),
    )
    .await
    .expect::<Value>(200);
    let early = app
        .post(
            &format!("/api/v1/events/{}/feedback", upcoming.id),
            &c.member_a.1,
            json!({"rating": 5}),
        )
        .await
        .problem(409);
    assert_eq!(early.code, "event_not_ended");

    let held = held_event(&app, &c).await;
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/feedback-form", held.id),
        Some(admin_a),
        Some(json!({"anonymous": false})),
    )
    .await
    .expect::<Value>(200);
    app.post(
        &format!("/api/v1/events/{}/feedback", held.id),
        &c.member_a.1,
        json!({"rating": 3}),
    )
    .await
    .expect::<Value>(201);
    let summary: FeedbackSummary = app
        .get(&format!("/api/v1/events/{}/feedback", held.id), admin_a)
        .await
        .expect(200);
    assert_eq!(
        summary.items[0].name.as_deref(),
        Some(c.member_a.0.name.as_str())
    );
}

#[tokio::test]
async fn attendees_and_guests_are_asked_for_feedback_once_and_guests_answer_by_the_link() {
    use qi_shared::event::feedback::{FeedbackForm, FeedbackSummary};
    let smtp = SmtpServer::start().await;
    let app = spawn_app_mailing(&smtp, |s| s.mail.schedule_check_seconds = 1).await;
    let c = cast(&app).await;
    let (_, admin_a) = &c.admin_a;
    let (member, member_a) = &c.member_a;
    let event = app.event(admin_a, event_body(c.org_a.id, 10, "open")).await;
    let placed: GuestBooking = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{}/guest-bookings", event.id),
            None,
            Some(json!({"name": "Sam Visitor", "email": "sam@charity.example.org"})),
        )
        .await
        .expect(201);
    assert_eq!(placed.status, BookingStatus::Booked);
    let cancel_token = smtp
        .to("sam@charity.example.org", "Your place at")
        .await
        .token_after("/events/guest-cancel?token=");
    let mine: MyBooking = app.book(member_a, event.id).await.expect(201);
    let event = held_yesterday(&app, admin_a, &event, event_body(c.org_a.id, 10, "open")).await;
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/feedback-form", event.id),
        Some(admin_a),
        Some(json!({"anonymous": false, "questions": ["What was most useful?"]})),
    )
    .await
    .expect::<FeedbackForm>(200);
    let guest_booking = app
        .bookings(admin_a, event.id)
        .await
        .into_iter()
        .find(|b| b.guest)
        .expect("the guest's booking");
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/attendance", event.id),
        Some(admin_a),
        Some(json!({"marks": [
            {"booking_id": mine.id, "attended": true},
            {"booking_id": guest_booking.id, "attended": true},
        ]})),
    )
    .await
    .expect::<Vec<Booking>>(200);

    // Each is asked once, the person to the event's page, the guest by a link of their own.
    let asked = smtp.to(&member.email, "How was").await;
    assert!(
        asked
            .text
            .contains(&format!("/events/{}/feedback", event.id)),
        "{}",
        asked.text
    );
    let asked = smtp.to("sam@charity.example.org", "How was").await;
    assert!(
        asked.text.contains("1 question from the organiser"),
        "{}",
        asked.text
    );
    let token = asked.token_after("/events/guest-feedback?token=");
    assert_eq!(token.len(), 64);
    assert_ne!(token, cancel_token, "the link is new");

    let form_of = |token: &str| {
        app.call(
            Method::POST,
            "/api/v1/guest-bookings/feedback-form",
            None,
            Some(json!({ "token": token })),
        )
    };
    assert_eq!(
        form_of(&cancel_token).await.status.as_u16(),
        404,
        "the old link is spent"
    );
    assert_eq!(form_of("").await.problem(422).code, "validation_failed");
    let form: FeedbackForm = form_of(&token).await.expect(200);
    assert!(form.can_answer && !form.answered && !form.anonymous);
    assert_eq!(form.questions, ["What was most useful?"]);
    let give = |body: Value| {
        app.call(
            Method::POST,
            "/api/v1/guest-bookings/feedback",
            None,
            Some(body),
        )
    };
    let bad = give(json!({"token": token, "feedback": {"rating": 9, "answers": ["a", "b"]}}))
        .await
        .problem(422);
    let mut named = fields(&bad);
    named.sort_unstable();
    assert_eq!(named, ["feedback.answers", "feedback.rating"]);
    let answered: FeedbackForm = give(json!({"token": token, "feedback": {
        "rating": 5, "different": "Start a run chart on our ward", "answers": ["The café format"]}}))
    .await
    .expect(201);
    assert!(answered.answered && !answered.can_answer);
    let twice = give(json!({"token": token, "feedback": {"rating": 1}}))
        .await
        .problem(409);
    assert_eq!(twice.code, "already_answered");

    let summary: FeedbackSummary = app
        .get(&format!("/api/v1/events/{}/feedback", event.id), admin_a)
        .await
        .expect(200);
    assert_eq!((summary.attendees, summary.responses), (2, 1));
    assert_eq!(
        summary.items[0].name.as_deref(),
        Some("Sam Visitor (guest)")
    );

    // Nobody is asked twice, however often the schedule looks.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let asks = smtp
        .received()
        .iter()
        .filter(|m| m.subject.starts_with("How was"))
        .count();
    assert_eq!(asks, 2);
}
