//! Events pages: the list and the month's calendar, an event (public when open, with guest
//! booking), the event form, attendance, feedback (an attendee's answers; the organiser's form
//! and summary), the person's bookings, a workshop series, a guest's cancel link, and an event's
//! call for submissions with its reviews and awards (`submissions`). What several
//! of them show the same way (times, places, where a booking stands) is here.

pub mod attendance;
pub mod event;
pub mod feedback;
pub mod feedback_summary;
pub mod form;
pub mod guest_cancel;
pub mod list;
pub mod mine;
pub mod series;
pub mod submissions;

use chrono::{DateTime, Utc};
use qi_shared::{
    event::{BookingStatus, Event, EventKind, MyBooking},
    uk_time,
};
use yew::prelude::*;

/// What an edit form says when someone else saved the record first (the API's 412).
const CHANGED_MEANWHILE: &str = "Someone changed this while you were editing it. Your changes are \
    still here: save again to replace theirs with yours, or reload the page to see theirs.";

/// When an event runs, in UK wall-clock time: "Tue 8 Dec 2026, 10:00 to 12:00 GMT", or with both
/// days when it runs over more than one.
fn when_text(starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
    let (from, to) = (uk_time::local(starts), uk_time::local(ends));
    let (from_zone, to_zone) = (uk_time::zone_name(starts), uk_time::zone_name(ends));
    if from.date() == to.date() && from_zone == to_zone {
        format!(
            "{}, {} to {} {from_zone}",
            from.format("%a %-d %b %Y"),
            from.format("%H:%M"),
            to.format("%H:%M")
        )
    } else {
        format!(
            "{} {from_zone} to {} {to_zone}",
            from.format("%a %-d %b %Y, %H:%M"),
            to.format("%a %-d %b %Y, %H:%M")
        )
    }
}

/// The event's times within a day, for the month's calendar: "10:00 to 12:00".
fn times_text(starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
    format!(
        "{} to {}",
        uk_time::local(starts).format("%H:%M"),
        uk_time::local(ends).format("%H:%M")
    )
}

/// Places left, or that it is full and how many wait.
fn places_text(e: &Event) -> String {
    match (e.places_left(), e.waitlisted) {
        (1, _) => "1 place left".to_owned(),
        (0, 0) => "Full: join the waiting list".to_owned(),
        (0, waiting) => format!("Full, {waiting} on the waiting list"),
        (left, _) => format!("{left} places left"),
    }
}

/// Where a booking stands, in words.
fn status_text(status: BookingStatus, position: Option<u32>) -> String {
    match (status, position) {
        (BookingStatus::Waitlisted, Some(p)) => format!("On the waiting list (number {p})"),
        (status, _) => status.label().to_owned(),
    }
}

/// "You're booked" or "On waiting list (n)", as a tag beside the event.
fn my_booking_tag(booking: &MyBooking) -> Html {
    match booking.status {
        BookingStatus::Booked => html! { <span class="tag tag--green">{ "You're booked" }</span> },
        BookingStatus::Waitlisted => html! {
            <span class="tag tag--yellow">{ format!("On waiting list ({})", booking.position.unwrap_or_default()) }</span>
        },
        BookingStatus::Cancelled => html! {},
    }
}

fn kind_tag(kind: EventKind) -> Html {
    html! { <span class="tag tag--blue">{ kind.label() }</span> }
}

/// Plain text as paragraphs: a blank line between paragraphs, a line break within one.
fn paragraphs(text: &str) -> Html {
    html! {
        { for text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(|p| {
            let mut lines = p.lines();
            let first = lines.next().unwrap_or_default().to_owned();
            html! { <p>{ first }{ for lines.map(|l| html! { <><br />{ l.to_owned() }</> }) }</p> }
        }) }
    }
}

/// The ratings of the feedback form, from 1 to 5, in words: "4 (very good)".
const RATINGS: [&str; 5] = ["poor", "fair", "good", "very good", "excellent"];

fn rating_text(rating: u8) -> String {
    let words = RATINGS
        .get(usize::from(rating).wrapping_sub(1))
        .copied()
        .unwrap_or_default();
    format!("{rating} ({words})")
}
