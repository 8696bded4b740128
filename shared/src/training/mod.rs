//! Training programmes: courses at a tier, their cohorts (waves), sessions, shared places,
//! enrolment with a waiting list, attendance and completion.
//!
//! - [`CourseInput`] and [`CohortInput`]: what is sent to create or change them, with their rules.
//! - [`rules`]: who may manage what, who takes a free place, and who has completed a course.
//! - [`sign_in`]: the attendance CSV (a sign-in sheet), checked here so the browser and the
//!   server find the same problems.

pub mod rules;
pub mod sign_in;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, capability::Tier, validation::text};

wire_enum! {
    /// How a course is taught.
    Delivery {
        FaceToFace => "face_to_face", "Face to face";
        Online => "online", "Online";
        Blended => "blended", "Blended";
    }
}

wire_enum! {
    /// Where a person stands in a cohort.
    EnrolmentStatus {
        /// Holds a place.
        Enrolled => "enrolled", "Enrolled";
        /// Waiting for a place: the cohort is full, or their organisation has taken its allocation.
        Waitlisted => "waitlisted", "On the waiting list";
        /// Gave up their place (or their place on the waiting list).
        Withdrawn => "withdrawn", "Withdrawn";
        /// Met the course's attendance rule.
        Completed => "completed", "Completed";
    }
}

impl EnrolmentStatus {
    /// Holds one of the cohort's places.
    pub fn holds_place(self) -> bool {
        matches!(self, Self::Enrolled | Self::Completed)
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_HOURS: f64 = 1000.0;
pub const DEFAULT_ATTENDANCE_PERCENT: u8 = 75;
pub const MAX_CAPACITY: u32 = 1000;
pub const MAX_SESSIONS: usize = 100;
pub const MAX_FACILITATORS: usize = 20;
pub const MAX_SESSION_MINUTES: u32 = 24 * 60;
pub use crate::validation::{MAX_LINK, MAX_VENUE};

fn default_attendance() -> u8 {
    DEFAULT_ATTENDANCE_PERCENT
}

/// A course as sent to create or change one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseInput {
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
    /// The tier completing it counts towards.
    pub tier: Tier,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub description: String,
    /// The organisation that runs it; its admins manage the course.
    pub provider_organisation_id: i64,
    /// Length in hours, more than 0 and at most 1000.
    pub length_hours: f64,
    pub delivery: Delivery,
    /// The share of a cohort's sessions a person must attend to complete it, 1 to 100 (75 if not sent).
    #[serde(default = "default_attendance")]
    pub attendance_percent: u8,
}

impl CourseInput {
    /// Checks every field; gives back the text trimmed.
    pub fn validate(&self) -> Result<CourseInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text(&self.title, "a title", 1, MAX_TITLE));
        let description = errors.check(
            "description",
            text(&self.description, "the description", 0, MAX_DESCRIPTION),
        );
        if !(self.length_hours.is_finite()
            && self.length_hours > 0.0
            && self.length_hours <= MAX_HOURS)
        {
            errors.push(
                "length_hours",
                format!("Give the length in hours, more than 0 and at most {MAX_HOURS}"),
            );
        }
        if !(1..=100).contains(&self.attendance_percent) {
            errors.push(
                "attendance_percent",
                "The attendance needed must be between 1% and 100% of the sessions",
            );
        }
        errors.finish(|| {
            Some(CourseInput {
                title: title?,
                description: description?,
                ..self.clone()
            })
        })
    }
}

/// A course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    pub id: i64,
    pub title: String,
    pub tier: Tier,
    pub description: String,
    pub provider_organisation_id: i64,
    pub provider_name: String,
    pub length_hours: f64,
    pub delivery: Delivery,
    pub attendance_percent: u8,
    /// Cohorts whose last day is today or later.
    pub upcoming_cohorts: u64,
    /// Whether the signed-in person may change it and run its cohorts.
    pub can_manage: bool,
    /// Goes up by one with each change; send it back as `If-Match` to change the course.
    pub version: i64,
}

/// One page of courses.
pub type CoursePage = crate::page::Page<Course>;

impl crate::page::Listed for Course {
    const PAGE: &'static str = "CoursePage";
    const PAGE_DESCRIPTION: &'static str = "One page of courses.";
}

/// Filters of the course list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct CourseQuery {
    /// Words to find in the title or description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

wire_enum! {
    /// Which cohorts a list shows, by their dates.
    When {
        /// Last day today or later.
        Upcoming => "upcoming", "Upcoming and running";
        /// Ended before today.
        Past => "past", "Past";
    }
}

/// Filters of the cohort list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct CohortQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// An organisation's share of a partnership-wide cohort's places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllocationInput {
    pub organisation_id: i64,
    /// 1 or more.
    pub places: u32,
}

/// A session of a cohort as sent. With an `id`, it changes that session (keeping its attendance);
/// without, it is new. Sessions left out of a cohort's change are removed with their attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
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
    pub starts_at: DateTime<Utc>,
    /// 1 minute to 24 hours.
    pub length_minutes: u32,
}

/// A cohort (wave) of a course, as sent to create or change one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CohortInput {
    /// 1 to 200 characters ("Wave 3, spring 2027").
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    pub start_date: NaiveDate,
    /// On or after the start date.
    pub end_date: NaiveDate,
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
    /// Places, 1 to 1000.
    pub capacity: u32,
    /// People who run the sessions and record attendance.
    #[serde(default)]
    pub facilitator_ids: Vec<i64>,
    /// Open to the whole partnership, each organisation with its own allocation of places if
    /// any are given (first come, first served if none). A cohort that is not partnership-wide
    /// is for the people of the organisation that provides the course.
    #[serde(default)]
    pub partnership_wide: bool,
    /// For a partnership-wide cohort: places per organisation (an organisation not listed has
    /// none until unused places are released). At most the capacity in all.
    #[serde(default)]
    pub allocations: Vec<AllocationInput>,
    /// Each within the cohort's dates.
    #[serde(default)]
    pub sessions: Vec<SessionInput>,
}

impl CohortInput {
    /// Checks every field and how they fit together; gives back the text trimmed and the
    /// sessions in time order.
    pub fn validate(&self) -> Result<CohortInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_TITLE));
        if self.end_date < self.start_date {
            errors.push(
                "end_date",
                "The end date must be on or after the start date",
            );
        }
        let (venue, link) =
            crate::validation::venue_or_link(&mut errors, &self.venue, &self.online_link);
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            errors.push(
                "capacity",
                format!("The capacity must be between 1 and {MAX_CAPACITY} places"),
            );
        }
        if self.facilitator_ids.len() > MAX_FACILITATORS {
            errors.push(
                "facilitator_ids",
                format!("A cohort has at most {MAX_FACILITATORS} facilitators"),
            );
        }
        for (i, id) in self.facilitator_ids.iter().enumerate() {
            if self.facilitator_ids[..i].contains(id) {
                errors.push(
                    format!("facilitator_ids[{i}]"),
                    "This person is listed twice",
                );
            }
        }
        if !self.partnership_wide && !self.allocations.is_empty() {
            errors.push(
                "allocations",
                "Only a partnership-wide cohort shares its places between organisations",
            );
        }
        let mut allocated: u64 = 0;
        for (i, a) in self.allocations.iter().enumerate() {
            if a.places == 0 {
                errors.push(format!("allocations[{i}].places"), "Give at least 1 place");
            }
            allocated += u64::from(a.places);
            if self.allocations[..i]
                .iter()
                .any(|b| b.organisation_id == a.organisation_id)
            {
                errors.push(
                    format!("allocations[{i}].organisation_id"),
                    "This organisation already has an allocation",
                );
            }
        }
        if self.capacity > 0 && allocated > u64::from(self.capacity) {
            errors.push(
                "allocations",
                format!(
                    "The allocations add up to {allocated} places, more than the capacity of {}",
                    self.capacity
                ),
            );
        }
        if self.sessions.len() > MAX_SESSIONS {
            errors.push(
                "sessions",
                format!("A cohort has at most {MAX_SESSIONS} sessions"),
            );
        }
        let mut sessions = Vec::new();
        for (i, s) in self.sessions.iter().enumerate() {
            let title = errors.check(
                &format!("sessions[{i}].title"),
                text(&s.title, "a title", 1, MAX_TITLE),
            );
            let day = crate::uk_time::day_of(s.starts_at);
            if self.start_date <= self.end_date && (day < self.start_date || day > self.end_date) {
                errors.push(
                    format!("sessions[{i}].starts_at"),
                    "The session must be within the cohort's dates",
                );
            }
            if !(1..=MAX_SESSION_MINUTES).contains(&s.length_minutes) {
                errors.push(
                    format!("sessions[{i}].length_minutes"),
                    "A session lasts from 1 minute to 24 hours",
                );
            }
            if let Some(id) = s.id
                && self.sessions[..i].iter().any(|t| t.id == Some(id))
            {
                errors.push(format!("sessions[{i}].id"), "This session is listed twice");
            }
            sessions.push(title.map(|title| SessionInput { title, ..s.clone() }));
        }
        errors.finish(|| {
            let mut sessions: Vec<SessionInput> = sessions.into_iter().collect::<Option<_>>()?;
            sessions.sort_by_key(|s| s.starts_at);
            Some(CohortInput {
                name: name?,
                venue: venue?,
                online_link: link?,
                sessions,
                ..self.clone()
            })
        })
    }
}

/// A person, as a cohort names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
}

/// A session of a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub length_minutes: u32,
}

/// An organisation's places in a partnership-wide cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allocation {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub places: u32,
    /// Places its people hold (enrolled or completed).
    pub taken: u32,
}

/// A cohort, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CohortSummary {
    pub id: i64,
    pub course_id: i64,
    pub course_title: String,
    pub tier: Tier,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub capacity: u32,
    /// Places held (enrolled or completed).
    pub taken: u32,
    pub waiting: u32,
    pub partnership_wide: bool,
}

/// One page of cohorts.
pub type CohortPage = crate::page::Page<CohortSummary>;

impl crate::page::Listed for CohortSummary {
    const PAGE: &'static str = "CohortPage";
    const PAGE_DESCRIPTION: &'static str = "One page of cohorts.";
}

/// A cohort with its sessions, facilitators, places and the signed-in person's part in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cohort {
    #[serde(flatten)]
    pub summary: CohortSummary,
    pub venue: String,
    pub online_link: String,
    /// Unused places have been released: any organisation may take the places left.
    pub places_released: bool,
    pub facilitators: Vec<PersonRef>,
    pub sessions: Vec<Session>,
    pub allocations: Vec<Allocation>,
    /// The signed-in person's enrolment, if any (withdrawn ones included).
    pub my_enrolment: Option<Enrolment>,
    /// May change the cohort, release places and see everyone's enrolment.
    pub can_manage: bool,
    /// May take a place themself: a cohort that is not partnership-wide is for its provider
    /// organisation's people (`rules::open_to`).
    pub can_enrol: bool,
    /// May record attendance (a facilitator, or a manager).
    pub can_record_attendance: bool,
    /// Goes up by one with each change of its details; send it back as `If-Match` to change it.
    pub version: i64,
}

/// A person's enrolment in a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    pub id: i64,
    pub cohort_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub organisation_id: i64,
    pub status: EnrolmentStatus,
    /// Place on the waiting list, from 1, while waiting.
    pub waiting_position: Option<u32>,
    /// The date of the last session attended, once completed.
    pub completed_on: Option<NaiveDate>,
    /// Sessions attended so far.
    pub attended: u32,
}

/// Whom to enrol: nobody named means the signed-in person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
}

/// Whether one person attended one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mark {
    pub person_id: i64,
    pub present: bool,
}

/// A session's register, as sent: a mark per person (people left out keep their marks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterInput {
    pub attendance: Vec<Mark>,
}

impl RegisterInput {
    /// Each person once.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for (i, m) in self.attendance.iter().enumerate() {
            if self.attendance[..i]
                .iter()
                .any(|n| n.person_id == m.person_id)
            {
                errors.push(
                    format!("attendance[{i}].person_id"),
                    "This person is marked twice",
                );
            }
        }
        errors.finish(|| Some(()))
    }
}

/// A session's marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRegister {
    pub session_id: i64,
    pub marks: Vec<Mark>,
}

/// What an attendance change did: the registers as they now are, and whose completion changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceSaved {
    /// Marks recorded or changed.
    pub marks: u32,
    /// People who completed the course with this change.
    pub completed: Vec<i64>,
    /// People who no longer meet the attendance rule.
    pub reverted: Vec<i64>,
}

/// A day as course and cohort pages show it: "3 Feb 2027".
pub fn day_text(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A run of days: "3 Feb 2027 to 10 Feb 2027", or one day when it starts and ends together.
pub fn dates_text(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        day_text(start)
    } else {
        format!("{} to {}", day_text(start), day_text(end))
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn course() -> CourseInput {
        CourseInput {
            title: " QI Fundamentals ".to_owned(),
            tier: Tier::Learn,
            description: String::new(),
            provider_organisation_id: 1,
            length_hours: 6.0,
            delivery: Delivery::FaceToFace,
            attendance_percent: 75,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).expect("a date")
    }

    fn cohort() -> CohortInput {
        CohortInput {
            name: "Wave 1".to_owned(),
            start_date: day(1),
            end_date: day(10),
            venue: "Education centre".to_owned(),
            online_link: String::new(),
            capacity: 20,
            facilitator_ids: vec![1],
            partnership_wide: true,
            allocations: vec![
                AllocationInput {
                    organisation_id: 1,
                    places: 10,
                },
                AllocationInput {
                    organisation_id: 2,
                    places: 10,
                },
            ],
            sessions: vec![SessionInput {
                id: None,
                title: "Day 1".to_owned(),
                starts_at: Utc
                    .with_ymd_and_hms(2027, 3, 2, 9, 0, 0)
                    .single()
                    .expect("a time"),
                length_minutes: 180,
            }],
        }
    }

    /// A bad-input case: the field it should fail and how to spoil a good input.
    type Case<T> = (&'static str, fn(&mut T));

    fn failing(result: Result<impl std::fmt::Debug, FieldErrors>) -> Vec<String> {
        result
            .expect_err("should fail")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_good_course_is_trimmed() {
        assert_eq!(
            course().validate().map(|c| c.title),
            Ok("QI Fundamentals".to_owned())
        );
    }

    #[test]
    fn bad_courses_name_the_field() {
        let cases: [Case<CourseInput>; 5] = [
            ("title", |c| c.title = " ".to_owned()),
            ("length_hours", |c| c.length_hours = 0.0),
            ("length_hours", |c| c.length_hours = f64::NAN),
            ("attendance_percent", |c| c.attendance_percent = 0),
            ("attendance_percent", |c| c.attendance_percent = 101),
        ];
        for (field, change) in cases {
            let mut input = course();
            change(&mut input);
            assert_eq!(failing(input.validate()), vec![field.to_owned()], "{field}");
        }
    }

    #[test]
    fn the_attendance_rule_defaults_to_75_per_cent() {
        let input: CourseInput = serde_json::from_value(serde_json::json!({
            "title": "QI", "tier": "learn", "provider_organisation_id": 1,
            "length_hours": 2, "delivery": "online"
        }))
        .expect("parses");
        assert_eq!(input.attendance_percent, DEFAULT_ATTENDANCE_PERCENT);
    }

    #[test]
    fn a_good_cohort_passes() {
        assert!(cohort().validate().is_ok());
    }

    #[test]
    fn bad_cohorts_name_the_field() {
        let cases: [Case<CohortInput>; 11] = [
            ("name", |c| c.name = String::new()),
            ("end_date", |c| c.end_date = day(1) - chrono::Days::new(1)),
            ("venue", |c| c.venue = String::new()),
            ("online_link", |c| c.online_link = "zoom.example".to_owned()),
            ("capacity", |c| c.capacity = 0),
            ("allocations", |c| c.capacity = 15),
            ("allocations[1].organisation_id", |c| {
                c.allocations[1].organisation_id = 1
            }),
            ("allocations[0].places", |c| c.allocations[0].places = 0),
            ("facilitator_ids[1]", |c| c.facilitator_ids = vec![1, 1]),
            ("sessions[0].starts_at", |c| {
                c.sessions[0].starts_at = Utc
                    .with_ymd_and_hms(2027, 4, 1, 9, 0, 0)
                    .single()
                    .expect("a time");
            }),
            ("sessions[0].length_minutes", |c| {
                c.sessions[0].length_minutes = 0
            }),
        ];
        for (field, change) in cases {
            let mut input = cohort();
            change(&mut input);
            assert_eq!(failing(input.validate()), vec![field.to_owned()], "{field}");
        }
        let mut local = cohort();
        local.partnership_wide = false;
        assert_eq!(failing(local.validate()), vec!["allocations".to_owned()]);
    }

    #[test]
    fn a_session_falls_on_its_uk_day() {
        // 23:30 UTC on 31 March 2027 is 00:30 BST on 1 April: after a cohort ending 31 March...
        let mut late = cohort();
        late.end_date = day(31);
        late.sessions[0].starts_at = Utc
            .with_ymd_and_hms(2027, 3, 31, 23, 30, 0)
            .single()
            .expect("a time");
        assert_eq!(
            failing(late.validate()),
            vec!["sessions[0].starts_at".to_owned()]
        );
        // ...and within one that starts on 1 April.
        late.start_date = NaiveDate::from_ymd_opt(2027, 4, 1).expect("a date");
        late.end_date = late.start_date;
        assert!(late.validate().is_ok());
    }

    #[test]
    fn a_register_marks_each_person_once() {
        let input = RegisterInput {
            attendance: vec![
                Mark {
                    person_id: 1,
                    present: true,
                },
                Mark {
                    person_id: 1,
                    present: false,
                },
            ],
        };
        assert_eq!(
            failing(input.validate()),
            vec!["attendance[1].person_id".to_owned()]
        );
    }

    #[test]
    fn dates_read_as_a_day_or_a_run_of_days() {
        assert_eq!(day_text(day(3)), "3 Mar 2027");
        assert_eq!(dates_text(day(3), day(3)), "3 Mar 2027");
        assert_eq!(dates_text(day(3), day(10)), "3 Mar 2027 to 10 Mar 2027");
    }
}
