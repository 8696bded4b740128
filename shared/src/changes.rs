//! The changes feed (issue 18, `docs/integrations.md`): every create, update and delete of the
//! objects a partner's system may read, in order, and the moments one stops being readable, so
//! that a copy kept elsewhere can follow the platform without reading everything again.
//!
//! What the server records is one row per change, with the object's audience before and after
//! ([`Audience`]). Which rows a reader is sent, and as what, is decided here ([`decide`]), so the
//! rules are unit-tested apart from the storage.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{
    event::Event,
    measure::Measure,
    project::{ProjectSummary, Visibility},
    training::{CohortSummary, Course},
};

wire_enum! {
    /// The kinds of object the feed carries.
    ChangeType {
        /// A project, as the projects list shows it (`ProjectSummary`).
        Project => "project", "Project";
        /// A measure, whole: its definition, data and annotations (`Measure`).
        Measure => "measure", "Measure";
        /// A course of the training catalogue, as the course list shows it (`Course`).
        Course => "course", "Course";
        /// A cohort of a course, as the cohort list shows it (`CohortSummary`).
        Cohort => "cohort", "Cohort";
        /// An event, as the events list shows it (`Event`).
        Event => "event", "Event";
    }
}

wire_enum! {
    /// What a reader should do with a change.
    ChangeOp {
        /// Store the object as given, replacing any copy.
        Upsert => "upsert", "Create or update";
        /// Remove the object.
        Delete => "delete", "Delete";
    }
}

wire_enum! {
    /// Why an object is to be removed from a reader's copy.
    TombstoneReason {
        /// It was deleted.
        Deleted => "deleted", "Deleted";
        /// It still exists, but the reader may no longer read it (made private, or its
        /// organisations changed).
        NoLongerVisible => "no_longer_visible", "No longer visible";
    }
}

/// One change as a reader receives it: an object to store, or one to remove.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub op: ChangeOp,
    #[serde(rename = "type")]
    pub object_type: ChangeType,
    pub id: i64,
    /// For a delete: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<TombstoneReason>,
    /// For an upsert of a project: the project as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectSummary>,
    /// For an upsert of a measure: the measure as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// For an upsert of a course: the course as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<Course>,
    /// For an upsert of a cohort: the cohort as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<CohortSummary>,
    /// For an upsert of an event: the event as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
}

impl Change {
    /// A change of `object_type` `id` with no object attached: a tombstone, or the start of
    /// an upsert.
    pub fn bare(op: ChangeOp, object_type: ChangeType, id: i64) -> Change {
        Change {
            op,
            object_type,
            id,
            reason: None,
            project: None,
            measure: None,
            course: None,
            cohort: None,
            event: None,
        }
    }
}

/// A page of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePage {
    /// In order: apply them one after another.
    pub changes: Vec<Change>,
    /// Where to ask from next (`since`), once these are applied. Store it with the copy.
    pub next: Position,
    /// Whether more changes are ready now; if not, ask again later.
    pub more: bool,
}

/// Where a reader is in the feed, as the server sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeCursor {
    /// Ask for changes `since` this to have everything after now.
    pub cursor: Position,
}

/// A position in the feed: after the change `id` of the transaction `xid` (0 on SQLite, where
/// ids are in commit order). Sent as an opaque text: a version digit and the two numbers in hex.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub xid: i64,
    pub id: i64,
}

const CURSOR_VERSION: char = '1';

impl Position {
    pub fn encode(self) -> String {
        format!("{CURSOR_VERSION}{:016x}{:016x}", self.xid, self.id)
    }

    /// The position a cursor names, or `None` if it is not one of the server's.
    pub fn decode(text: &str) -> Option<Position> {
        let rest = text.strip_prefix(CURSOR_VERSION)?;
        if rest.len() != 32 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let xid = u64::from_str_radix(&rest[..16], 16).ok()?;
        let id = u64::from_str_radix(&rest[16..], 16).ok()?;
        Some(Position {
            xid: i64::try_from(xid).ok()?,
            id: i64::try_from(id).ok()?,
        })
    }
}

impl Serialize for Position {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Position::decode(&text).ok_or_else(|| serde::de::Error::custom("not a changes cursor"))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Position {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^1[0-7][0-9a-f]{15}[0-7][0-9a-f]{15}$"))
            .description(Some(
                "A position in the changes feed: opaque, stable across nodes and restarts.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Position {}

/// The most changes a page holds, and how many unless asked.
pub const MAX_LIMIT: u64 = 1000;
pub const DEFAULT_LIMIT: u64 = 100;

/// Who may read an object: its visibility and the organisations (lead and partners) whose
/// admins may read it whatever its visibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    pub visibility: Visibility,
    pub organisations: Vec<i64>,
}

impl Audience {
    /// From what a change row keeps: the visibility's wire name and the organisations as
    /// `,1,7,`. `None` when there is no object (before a create, after a delete).
    pub fn from_stored(visibility: Option<&str>, organisations: Option<&str>) -> Option<Audience> {
        let visibility = Visibility::parse(visibility?)?;
        let organisations = organisations
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect();
        Some(Audience {
            visibility,
            organisations,
        })
    }

    /// Whether an admin of `organisation` (who is no person, so on no team: an API token)
    /// may read the object (`Actor::can_view_project` for such an actor).
    pub fn readable_by_admin_of(&self, organisation: i64) -> bool {
        matches!(
            self.visibility,
            Visibility::Partnership | Visibility::Public
        ) || self.organisations.contains(&organisation)
    }
}

/// A recorded change, as [`decide`] needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub object_type: ChangeType,
    pub id: i64,
    pub deleted: bool,
    pub before: Option<Audience>,
    pub after: Option<Audience>,
}

/// What to send for an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The object as it is now (if the reader may still read it when it is read).
    Upsert(ChangeType, i64),
    Tombstone(ChangeType, i64, TombstoneReason),
}

/// What to send an admin of `organisation` for a page of recorded changes, in order.
///
/// An object changed several times in the page is sent once, where it last changed: its state
/// now is all a copy needs. If the reader may read it after its last change, it is sent whole;
/// if not, a tombstone goes if the reader could read it before the page or at any change within
/// it (its copy may hold it, from the feed or from a bulk load made meanwhile); otherwise
/// nothing, so no one learns that another organisation's private object exists.
pub fn decide(rows: &[Recorded], organisation: i64) -> Vec<Decision> {
    let readable = |audience: &Option<Audience>| {
        audience
            .as_ref()
            .is_some_and(|a| a.readable_by_admin_of(organisation))
    };
    // For each object: where it last changed in the page, and whether the reader could read
    // it before that (before the page, or after any earlier change in it).
    let mut objects: HashMap<(ChangeType, i64), (usize, bool)> = HashMap::new();
    for (at, row) in rows.iter().enumerate() {
        let key = (row.object_type, row.id);
        match objects.get_mut(&key) {
            Some((last, seen)) => {
                *seen |= readable(&rows[*last].after);
                *last = at;
            }
            None => {
                objects.insert(key, (at, readable(&row.before)));
            }
        }
    }
    rows.iter()
        .enumerate()
        .filter_map(|(at, row)| {
            let (last, seen) = objects.get(&(row.object_type, row.id))?;
            if *last != at {
                None
            } else if !row.deleted && readable(&row.after) {
                Some(Decision::Upsert(row.object_type, row.id))
            } else if *seen {
                let reason = if row.deleted {
                    TombstoneReason::Deleted
                } else {
                    TombstoneReason::NoLongerVisible
                };
                Some(Decision::Tombstone(row.object_type, row.id, reason))
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn audience(visibility: Visibility, organisations: &[i64]) -> Option<Audience> {
        Some(Audience {
            visibility,
            organisations: organisations.to_vec(),
        })
    }

    fn row(id: i64, before: Option<Audience>, after: Option<Audience>) -> Recorded {
        Recorded {
            object_type: ChangeType::Project,
            id,
            deleted: after.is_none() && before.is_some(),
            before,
            after,
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_what_the_server_never_sent() {
        let position = Position {
            xid: 7_000_000_123,
            id: 42,
        };
        assert_eq!(Position::decode(&position.encode()), Some(position));
        assert_eq!(
            Position::decode(&Position::default().encode()),
            Some(Position::default())
        );
        for bad in [
            "",
            "1",
            "2000000000000000a000000000000002a",
            "1zz",
            "1ffffffffffffffff0000000000000000",
        ] {
            assert_eq!(Position::decode(bad), None, "{bad}");
        }
        let json = serde_json::to_string(&position).unwrap();
        assert_eq!(serde_json::from_str::<Position>(&json).unwrap(), position);
    }

    #[test]
    fn stored_audiences_read_back() {
        let a = Audience::from_stored(Some("organisation"), Some(",3,12,")).unwrap();
        assert_eq!(a, audience(Visibility::Organisation, &[3, 12]).unwrap());
        assert!(a.readable_by_admin_of(12));
        assert!(!a.readable_by_admin_of(4));
        assert_eq!(Audience::from_stored(None, None), None);
        let lone = Audience::from_stored(Some("team"), None).unwrap();
        assert!(!lone.readable_by_admin_of(3));
        assert!(
            Audience::from_stored(Some("public"), None)
                .unwrap()
                .readable_by_admin_of(3)
        );
    }

    #[test]
    fn readers_get_what_they_may_read_and_tombstones_for_what_they_lose() {
        let mine = audience(Visibility::Team, &[1]);
        let theirs = audience(Visibility::Team, &[2]);
        let open = audience(Visibility::Partnership, &[2]);
        let rows = [
            // Created in my organisation: sent.
            row(1, None, mine.clone()),
            // Another organisation's private project, created and changed: nothing.
            row(2, None, theirs.clone()),
            row(2, theirs.clone(), theirs.clone()),
            // Theirs, opened to the partnership: sent.
            row(3, theirs.clone(), open.clone()),
            // Open, then made private to them: a tombstone, not visible.
            row(4, open.clone(), theirs.clone()),
            // Mine, deleted: a tombstone, deleted.
            row(5, mine.clone(), None),
            // Theirs, deleted: nothing.
            row(6, theirs.clone(), None),
        ];
        assert_eq!(
            decide(&rows, 1),
            vec![
                Decision::Upsert(ChangeType::Project, 1),
                Decision::Upsert(ChangeType::Project, 3),
                Decision::Tombstone(ChangeType::Project, 4, TombstoneReason::NoLongerVisible),
                Decision::Tombstone(ChangeType::Project, 5, TombstoneReason::Deleted),
            ]
        );
        // The other organisation reads all of its own, once each, and nothing of mine.
        assert_eq!(
            decide(&rows, 2),
            vec![
                Decision::Upsert(ChangeType::Project, 2),
                Decision::Upsert(ChangeType::Project, 3),
                Decision::Upsert(ChangeType::Project, 4),
                Decision::Tombstone(ChangeType::Project, 6, TombstoneReason::Deleted),
            ]
        );
    }

    #[test]
    fn the_catalogue_is_everyones_and_an_event_closed_to_its_organiser_leaves_other_copies() {
        // As migration 30 stores them: a course or cohort open to all with no organisations; an
        // event for its organiser's people only as that visibility with the organiser.
        let open = Audience::from_stored(Some("partnership"), None);
        let own = Audience::from_stored(Some("organisation"), Some(",2,"));
        let typed =
            |object_type, id, before: &Option<Audience>, after: &Option<Audience>| Recorded {
                object_type,
                ..row(id, before.clone(), after.clone())
            };
        let rows = [
            typed(ChangeType::Course, 1, &None, &open),
            typed(ChangeType::Cohort, 1, &None, &open),
            typed(ChangeType::Event, 5, &open, &own),
            typed(ChangeType::Event, 6, &None, &own),
        ];
        assert_eq!(
            decide(&rows, 1),
            vec![
                Decision::Upsert(ChangeType::Course, 1),
                Decision::Upsert(ChangeType::Cohort, 1),
                Decision::Tombstone(ChangeType::Event, 5, TombstoneReason::NoLongerVisible),
            ]
        );
        assert_eq!(decide(&rows, 2).len(), 4, "the organiser reads all of it");
    }

    #[test]
    fn an_object_changed_often_in_a_page_is_sent_once_where_it_last_changed() {
        let mine = audience(Visibility::Organisation, &[1]);
        let theirs = audience(Visibility::Team, &[2]);
        let rows = [
            row(1, None, mine.clone()),
            row(2, None, mine.clone()),
            row(1, mine.clone(), mine.clone()),
        ];
        assert_eq!(
            decide(&rows, 1),
            vec![
                Decision::Upsert(ChangeType::Project, 2),
                Decision::Upsert(ChangeType::Project, 1),
            ]
        );
        // Readable only in the middle of the page (a bulk load may have copied it then): a
        // tombstone at the end.
        let rows = [
            row(7, theirs.clone(), mine.clone()),
            row(7, mine.clone(), theirs.clone()),
        ];
        assert_eq!(
            decide(&rows, 1),
            vec![Decision::Tombstone(
                ChangeType::Project,
                7,
                TombstoneReason::NoLongerVisible
            )]
        );
        // Never readable: nothing, however often it changed.
        let rows = [row(8, None, theirs.clone()), row(8, theirs.clone(), None)];
        assert!(decide(&rows, 1).is_empty());
        // A project and a measure with the same id are different objects.
        let mut measure = row(1, None, mine.clone());
        measure.object_type = ChangeType::Measure;
        assert_eq!(decide(&[row(1, None, mine), measure], 1).len(), 2);
    }
}
