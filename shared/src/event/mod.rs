//! Events: QI cafés, webinars, masterclasses, roadshows, workshop series and the celebration
//! event; booking with a waiting list, guests from outside the partnership, and attendance.
//!
//! - [`EventInput`] and [`SeriesInput`]: what is sent to create or change them, with their rules.
//! - [`rules`]: who may see, manage and book an event, and who is promoted from the waiting list.

pub mod feedback;
pub mod rules;
pub mod submission;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    person::WorkEmail,
    project::{MAX_TAGS, normalise_tag},
    validation::{paragraphs, text, venue_or_link},
};

wire_enum! {
    /// What kind of event it is.
    EventKind {
        QiCafe => "qi_cafe", "QI café";
        Webinar => "webinar", "Webinar";
        Masterclass => "masterclass", "Masterclass";
        Roadshow => "roadshow", "Roadshow";
        Workshop => "workshop", "Workshop";
        Celebration => "celebration", "Celebration event";
    }
}

wire_enum! {
    /// Who may see and book an event.
    Audience {
        /// Everyone with an account in the partnership.
        Partnership => "partnership", "Everyone in the partnership";
        /// The people of the organising organisation.
        Organisation => "organisation", "The organising organisation only";
        /// Anyone with the link: people from outside the partnership book as guests.
        Open => "open", "Open to anyone with the link";
    }
}

wire_enum! {
    /// Where a booking stands.
    BookingStatus {
        /// Holds a place.
        Booked => "booked", "Booked";
        /// Waiting for a place to free.
        Waitlisted => "waitlisted", "On the waiting list";
        /// Given up.
        Cancelled => "cancelled", "Cancelled";
    }
}

impl BookingStatus {
    /// Holds one of the event's places.
    pub fn holds_place(self) -> bool {
        self == Self::Booked
    }
}

wire_enum! {
    /// Which events a list shows, by their times.
    EventWhen {
        /// Not yet ended.
        Upcoming => "upcoming", "Upcoming";
        /// Ended.
        Past => "past", "Past";
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub use crate::validation::{MAX_LINK, MAX_VENUE};
pub const MAX_CAPACITY: u32 = 5000;
pub const MAX_NAME: usize = 200;
/// An event lasts at most this many hours (a roadshow may run over two days).
pub const MAX_HOURS: i64 = 72;

/// An event as sent to create or change one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventInput {
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub title: String,
    pub kind: EventKind,
    /// Paragraphs, at most 4000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub description: String,
    /// The organisation that runs it; its admins manage the event.
    pub organiser_organisation_id: i64,
    pub starts_at: DateTime<Utc>,
    /// After the start, at most 72 hours later.
    pub ends_at: DateTime<Utc>,
    /// Where it meets; a venue or an online link is needed.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub venue: String,
    /// An `https://` (or `http://`) link to join online.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub online_link: String,
    /// Places, 1 to 5000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5000))]
    pub capacity: u32,
    pub audience: Audience,
    /// Themes, compared without case (at most 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::project::tags_schema))]
    pub tags: Vec<String>,
    /// Attendance counts towards the partnership's "people who attended training".
    #[serde(default)]
    pub counts_as_training: bool,
    /// The workshop series it belongs to (organised by the same organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<i64>,
}

impl EventInput {
    /// Checks every field and how they fit together; gives back the text trimmed and the tags
    /// normalised.
    pub fn validate(&self) -> Result<EventInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text(&self.title, "a title", 1, MAX_TITLE));
        let description = errors.check(
            "description",
            paragraphs(&self.description, "The description", MAX_DESCRIPTION),
        );
        if self.ends_at <= self.starts_at {
            errors.push("ends_at", "The event must end after it starts");
        } else if self.ends_at - self.starts_at > chrono::Duration::hours(MAX_HOURS) {
            errors.push(
                "ends_at",
                format!("An event lasts at most {MAX_HOURS} hours: make a series of sessions"),
            );
        }
        let (venue, link) = venue_or_link(&mut errors, &self.venue, &self.online_link);
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            errors.push(
                "capacity",
                format!("The capacity must be between 1 and {MAX_CAPACITY} places"),
            );
        }
        let mut tags = Vec::new();
        for (i, raw) in self.tags.iter().enumerate() {
            if let Some(tag) = errors.check(&format!("tags[{i}]"), normalise_tag(raw))
                && !tags.contains(&tag)
            {
                tags.push(tag);
            }
        }
        if self.tags.len() > MAX_TAGS {
            errors.push("tags", format!("An event can have at most {MAX_TAGS} tags"));
        }
        errors.finish(|| {
            Some(EventInput {
                title: title?,
                description: description?,
                venue: venue?,
                online_link: link?,
                tags,
                ..self.clone()
            })
        })
    }
}

/// An event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: i64,
    pub title: String,
    pub kind: EventKind,
    pub description: String,
    pub organiser_organisation_id: i64,
    pub organiser_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub venue: String,
    pub online_link: String,
    pub capacity: u32,
    pub audience: Audience,
    pub tags: Vec<String>,
    pub counts_as_training: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_title: Option<String>,
    /// Places taken (by people of the partnership and guests).
    pub booked: u32,
    /// People waiting for a place.
    pub waitlisted: u32,
    /// Of the places taken, those taken by guests from outside the partnership.
    pub guests: u32,
    /// The signed-in person's booking, if they have one that is not cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_booking: Option<MyBooking>,
    /// Whether the signed-in person may change it and record attendance.
    pub can_manage: bool,
    /// Goes up by one with each change; send it back as `If-Match` to change the event.
    pub version: i64,
}

impl Event {
    pub fn places_left(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }
}

/// A person's own booking of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyBooking {
    pub id: i64,
    pub status: BookingStatus,
    /// On the waiting list: the place in the queue, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    pub attended: bool,
}

/// One page of events.
pub type EventPage = crate::page::Page<Event>;

impl crate::page::Listed for Event {
    const PAGE: &'static str = "EventPage";
    const PAGE_DESCRIPTION: &'static str = "One page of events.";
}

/// Filters of the event list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct EventQuery {
    /// Words to find in the title or description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EventKind>,
    /// The organiser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub tag: Option<String>,
    /// Upcoming (soonest first) or past (latest first); both if not sent (soonest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<EventWhen>,
    /// Events starting on or after this UK day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Events starting on or before this UK day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// A booking, as the organiser sees it (and as a person sees their own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    pub id: i64,
    pub event_id: i64,
    /// The person, for a booking by someone in the partnership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
    pub name: String,
    pub email: String,
    /// Their organisation; none for a guest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_name: Option<String>,
    /// Booked as a guest from outside the partnership.
    pub guest: bool,
    pub status: BookingStatus,
    /// On the waiting list: the place in the queue, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    pub attended: bool,
    pub booked_at: DateTime<Utc>,
}

/// An event and the signed-in person's booking of it, for "my bookings".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookedEvent {
    pub event: Event,
    pub booking: MyBooking,
}

/// A guest's booking of an open event: a name and an email address, no account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestBookingInput {
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// Where the confirmation and the link to cancel are sent (at most 254 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
}

impl GuestBookingInput {
    pub fn validate(&self) -> Result<(String, WorkEmail), FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "your name", 1, MAX_NAME));
        let email = errors.check("email", WorkEmail::parse(&self.email));
        errors.finish(|| Some((name?, email?)))
    }
}

/// What a guest is told after booking: the link to cancel goes to their email address only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestBooking {
    pub status: BookingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
}

/// The token from a guest's cancel link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestCancel {
    /// 1 to 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
}

/// One attendance mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceMark {
    pub booking_id: i64,
    pub attended: bool,
}

/// Attendance recorded by hand: a mark for each booking named (others are left as they are).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceInput {
    /// At most 5000 marks.
    #[cfg_attr(feature = "openapi", schema(max_items = 5000))]
    pub marks: Vec<AttendanceMark>,
}

impl AttendanceInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.marks.len() > MAX_CAPACITY as usize {
            errors.push("marks", format!("At most {MAX_CAPACITY} marks at once"));
        }
        for (i, m) in self.marks.iter().enumerate() {
            if self.marks[..i].iter().any(|n| n.booking_id == m.booking_id) {
                errors.push(
                    format!("marks[{i}].booking_id"),
                    "This booking is marked twice",
                );
            }
        }
        errors.finish(|| Some(()))
    }
}

/// A workshop series: sessions booked one by one or all at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesInput {
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub description: String,
    pub organiser_organisation_id: i64,
}

impl SeriesInput {
    pub fn validate(&self) -> Result<SeriesInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text(&self.title, "a title", 1, MAX_TITLE));
        let description = errors.check(
            "description",
            paragraphs(&self.description, "The description", MAX_DESCRIPTION),
        );
        errors.finish(|| {
            Some(SeriesInput {
                title: title?,
                description: description?,
                ..self.clone()
            })
        })
    }
}

/// A workshop series and its sessions (the events you may see), in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Series {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub organiser_organisation_id: i64,
    pub organiser_name: String,
    pub events: Vec<Event>,
    pub can_manage: bool,
}

/// What booking a whole series did, session by session (sessions already booked, ended or
/// cancelled are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesBooking {
    pub event_id: i64,
    pub booking: MyBooking,
}

/// What importing an attendance sheet changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceImport {
    /// Bookings marked as attended.
    pub attended: u32,
    /// Bookings marked as absent.
    pub absent: u32,
}

#[cfg(test)]
mod tests;
