//! The events export: which events (the events list's filters that are conditions on an
//! event's row) and how an event becomes CSV cells.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{CsvRow, ExportFormat, csv_text, joined};
use crate::{
    FieldErrors,
    event::{Booking, BookingStatus, Event, EventKind},
};

/// The longest tag a filter may name, as the events list.
pub const MAX_TAG_FILTER: usize = 50;

/// Which events an export holds: the events list's filters but its word search and
/// upcoming/past (an export is every match, by id; `from` and `to` choose the days), plus
/// `updated_since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct EventExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EventKind>,
    /// The organiser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub tag: Option<String>,
    /// Events starting on or after this UK day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Events starting on or before this UK day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// Events changed at or after this time (RFC 3339): their details or tags (not bookings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// Which events a list or an export keeps, checked: the tag tidied as tags are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub kind: Option<EventKind>,
    pub organisation_id: Option<i64>,
    pub tag: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub updated_since: Option<DateTime<Utc>>,
}

impl EventFilter {
    /// Checks the filters the events list and the export share: a tag of at most 50
    /// characters (compared trimmed and in lower case) and `to` not before `from`.
    pub fn new(
        kind: Option<EventKind>,
        organisation_id: Option<i64>,
        tag: Option<&str>,
        (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    ) -> Result<EventFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        if tag.is_some_and(|t| t.chars().count() > MAX_TAG_FILTER) {
            errors.push(
                "tag",
                format!("A tag has at most {MAX_TAG_FILTER} characters"),
            );
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.push("to", "The last day must be on or after the first");
        }
        errors.finish(|| {
            Some(EventFilter {
                kind,
                organisation_id,
                tag: tag
                    .map(|t| t.trim().to_lowercase())
                    .filter(|t| !t.is_empty()),
                from,
                to,
                updated_since: None,
            })
        })
    }
}

impl EventExportQuery {
    pub fn validate(&self) -> Result<(ExportFormat, EventFilter), FieldErrors> {
        let filter = EventFilter::new(
            self.kind,
            self.organisation_id,
            self.tag.as_deref(),
            (self.from, self.to),
        )?;
        Ok((
            self.format.unwrap_or(ExportFormat::Ndjson),
            EventFilter {
                updated_since: self.updated_since,
                ..filter
            },
        ))
    }
}

/// Which bookings an export holds, of the events the caller manages (as an organisation's
/// admin or its token, the events it organises; as a partnership admin, all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BookingExportQuery {
    /// `ndjson` (the default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    /// Only this event's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BookingStatus>,
}

impl CsvRow for Booking {
    const HEADER: &'static [&'static str] = &[
        "id",
        "event_id",
        "person_id",
        "name",
        "email",
        "organisation_name",
        "guest",
        "status",
        "position",
        "attended",
        "booked_at",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            self.event_id.to_string().into(),
            self.person_id
                .map(|p| p.to_string())
                .unwrap_or_default()
                .into(),
            csv_text(&self.name),
            csv_text(&self.email),
            self.organisation_name
                .as_deref()
                .map(csv_text)
                .unwrap_or_default(),
            self.guest.to_string().into(),
            self.status.as_str().into(),
            self.position
                .map(|p| p.to_string())
                .unwrap_or_default()
                .into(),
            self.attended.to_string().into(),
            self.booked_at.to_rfc3339().into(),
        ]
    }
}

impl CsvRow for Event {
    const HEADER: &'static [&'static str] = &[
        "id",
        "title",
        "kind",
        "description",
        "organiser_organisation_id",
        "organiser_name",
        "starts_at",
        "ends_at",
        "venue",
        "online_link",
        "capacity",
        "audience",
        "tags",
        "counts_as_training",
        "series_id",
        "series_title",
        "booked",
        "waitlisted",
        "guests",
        "my_booking_status",
        "can_manage",
        "version",
    ];

    fn cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.id.to_string().into(),
            csv_text(&self.title),
            self.kind.as_str().into(),
            csv_text(&self.description),
            self.organiser_organisation_id.to_string().into(),
            csv_text(&self.organiser_name),
            self.starts_at.to_rfc3339().into(),
            self.ends_at.to_rfc3339().into(),
            csv_text(&self.venue),
            csv_text(&self.online_link),
            self.capacity.to_string().into(),
            self.audience.as_str().into(),
            csv_text(&joined(&self.tags)).into_owned().into(),
            self.counts_as_training.to_string().into(),
            self.series_id
                .map(|s| s.to_string())
                .unwrap_or_default()
                .into(),
            self.series_title
                .as_deref()
                .map(csv_text)
                .unwrap_or_default(),
            self.booked.to_string().into(),
            self.waitlisted.to_string().into(),
            self.guests.to_string().into(),
            self.my_booking
                .as_ref()
                .map(|b| b.status.as_str())
                .unwrap_or_default()
                .into(),
            self.can_manage.to_string().into(),
            self.version.to_string().into(),
        ]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::event::Audience;

    #[test]
    fn filters_are_checked_and_the_tag_tidied() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let (format, filter) = EventExportQuery {
            tag: Some("  Run Charts ".to_owned()),
            from: Some(day(1)),
            to: Some(day(1)),
            ..EventExportQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(format, ExportFormat::Ndjson);
        assert_eq!(filter.tag.as_deref(), Some("run charts"));
        let errors = EventExportQuery {
            tag: Some("x".repeat(51)),
            from: Some(day(2)),
            to: Some(day(1)),
            ..EventExportQuery::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tag", "to"]);
    }

    #[test]
    fn an_event_as_csv_cells() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let event = Event {
            id: 4,
            title: "=cmd|' /C calc'!A0".to_owned(),
            kind: EventKind::QiCafe,
            description: "-".to_owned(),
            organiser_organisation_id: 2,
            organiser_name: "Northmoor".to_owned(),
            starts_at: at,
            ends_at: at,
            venue: String::new(),
            online_link: String::new(),
            capacity: 20,
            audience: Audience::Partnership,
            tags: vec!["measurement".to_owned(), "run charts".to_owned()],
            counts_as_training: false,
            series_id: None,
            series_title: Some("@series".to_owned()),
            booked: 3,
            waitlisted: 0,
            guests: 1,
            my_booking: None,
            can_manage: true,
            version: 2,
        };
        let cells = event.cells();
        assert_eq!(cells.len(), Event::HEADER.len());
        assert_eq!(cells[1], "'=cmd|' /C calc'!A0");
        assert_eq!(cells[2], "qi_cafe");
        assert_eq!(cells[3], "'-");
        assert_eq!(cells[12], "measurement;run charts");
        assert_eq!(cells[14], "");
        assert_eq!(cells[15], "'@series");
        assert_eq!(cells[19], "");
    }
}
