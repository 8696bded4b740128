#![allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.

use chrono::{TimeZone, Utc};

use super::*;
use crate::access::Actor;
use crate::person::Role;

fn input() -> EventInput {
    EventInput {
        title: " QI café: measurement for improvement ".into(),
        kind: EventKind::QiCafe,
        description: String::new(),
        organiser_organisation_id: 1,
        starts_at: Utc
            .with_ymd_and_hms(2027, 1, 14, 12, 30, 0)
            .single()
            .unwrap_or_default(),
        ends_at: Utc
            .with_ymd_and_hms(2027, 1, 14, 13, 30, 0)
            .single()
            .unwrap_or_default(),
        venue: String::new(),
        online_link: "https://meet.example.nhs.uk/cafe".into(),
        capacity: 40,
        audience: Audience::Partnership,
        tags: vec!["Flow".into(), " flow ".into()],
        counts_as_training: false,
        series_id: None,
    }
}

fn fields(result: Result<EventInput, FieldErrors>) -> Vec<String> {
    match result {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|e| e.field).collect(),
    }
}

#[test]
fn a_good_event_is_trimmed_and_its_tags_normalised() {
    let checked = input().validate().map_err(|e| e.0.len());
    assert_eq!(
        checked.as_ref().map(|e| e.title.as_str()),
        Ok("QI café: measurement for improvement")
    );
    assert_eq!(checked.map(|e| e.tags), Ok(vec!["flow".to_owned()]));
}

#[test]
fn times_place_and_capacity_are_checked() {
    let mut e = input();
    e.ends_at = e.starts_at;
    assert_eq!(fields(e.validate()), vec!["ends_at"]);
    let mut e = input();
    e.ends_at = e.starts_at + chrono::Duration::hours(73);
    assert_eq!(fields(e.validate()), vec!["ends_at"]);
    let mut e = input();
    e.online_link = String::new();
    assert_eq!(fields(e.validate()), vec!["venue"]);
    let mut e = input();
    e.online_link = "javascript:alert(1)".into();
    assert_eq!(fields(e.validate()), vec!["online_link"]);
    let mut e = input();
    e.capacity = 0;
    assert_eq!(fields(e.validate()), vec!["capacity"]);
    let mut e = input();
    e.title = "  ".into();
    assert_eq!(fields(e.validate()), vec!["title"]);
}

#[test]
fn guests_give_a_name_and_a_real_address() {
    let ok = GuestBookingInput {
        name: " Sam Guest ".into(),
        email: "Sam@Example.org".into(),
    }
    .validate()
    .map(|(name, email)| (name, email.normalised()));
    assert_eq!(ok, Ok(("Sam Guest".into(), "sam@example.org".into())));
    let bad = GuestBookingInput {
        name: String::new(),
        email: "nope".into(),
    }
    .validate()
    .map_err(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>());
    assert_eq!(bad, Err(vec!["name".to_owned(), "email".to_owned()]));
}

#[test]
fn attendance_marks_a_booking_once() {
    let twice = AttendanceInput {
        marks: vec![
            AttendanceMark {
                booking_id: 1,
                attended: true,
            },
            AttendanceMark {
                booking_id: 1,
                attended: false,
            },
        ],
    };
    assert!(twice.validate().is_err());
}

#[test]
fn who_sees_and_manages_an_event() {
    let member = Actor {
        person_id: 1,
        organisation_id: 2,
        roles: vec![Role::Member],
    };
    let admin = Actor {
        person_id: 2,
        organisation_id: 3,
        roles: vec![Role::OrganisationAdmin],
    };
    let partnership = Actor {
        person_id: 3,
        organisation_id: 9,
        roles: vec![Role::PartnershipAdmin],
    };
    assert!(rules::can_see(&member, Audience::Partnership, 3));
    assert!(!rules::can_see(&member, Audience::Organisation, 3));
    assert!(rules::can_see(&admin, Audience::Organisation, 3));
    assert!(rules::can_see(&partnership, Audience::Organisation, 3));
    assert!(!rules::can_manage(&member, 2));
    assert!(rules::can_manage(&admin, 3));
    assert!(!rules::can_manage(&admin, 2));
    assert!(rules::can_manage(&partnership, 2));
    assert!(rules::guest_may_see(Audience::Open));
    assert!(!rules::guest_may_see(Audience::Partnership));
}

#[test]
fn the_waiting_list_is_promoted_in_order() {
    assert_eq!(rules::promotions(2, &[7, 3, 9]), vec![7, 3]);
    assert_eq!(rules::promotions(0, &[7]), Vec::<i64>::new());
}
