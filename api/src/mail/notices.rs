//! What each cause tells whom: the wording of every notice but the account-security ones (in
//! `handlers::account`), so the handlers that cause them stay one call long.

use chrono::{DateTime, NaiveDate, Utc};
use qi_shared::{
    notification::NotificationKind, person::PersonStatus, project::TeamRole, score::ProgressScore,
};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;

use super::{Mail, Notice, Recipient};
use crate::db::{self, entity::events, entity::person, entity::training};

/// 2 February 2027.
pub fn day(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

async fn active(db: &impl ConnectionTrait, id: i64) -> Result<Option<person::Model>, DbErr> {
    Ok(db::people::find(db, id)
        .await?
        .filter(|p| p.status == PersonStatus::Active))
}

async fn name_of(db: &impl ConnectionTrait, id: i64) -> Result<String, DbErr> {
    Ok(db::people::find(db, id)
        .await?
        .map_or_else(|| "A colleague".to_owned(), |p| p.name))
}

/// What a plain notice (one with no details for its template) says to each of several people.
struct Plain<'a> {
    kind: NotificationKind,
    subject: &'a str,
    summary: &'a str,
    link: &'a str,
    link_text: &'a str,
}

/// Tells each of these people once (in the order given), skipping those no longer active.
async fn notify_each(
    mail: &Mail,
    db: &impl ConnectionTrait,
    people: impl IntoIterator<Item = i64>,
    notice: Plain<'_>,
) -> Result<(), DbErr> {
    let mut told = Vec::new();
    for id in people {
        if told.contains(&id) {
            continue;
        }
        told.push(id);
        let Some(person) = active(db, id).await? else {
            continue;
        };
        mail.notify(
            db,
            &Recipient::from(&person),
            Notice {
                kind: notice.kind,
                subject: notice.subject,
                summary: notice.summary,
                link: notice.link,
                link_text: notice.link_text,
                details: (),
            },
        )
        .await?;
    }
    Ok(())
}

/// An invitation to set a password and join.
pub async fn invitation(
    mail: &Mail,
    db: &impl ConnectionTrait,
    person: &person::Model,
    invited_by: i64,
    token: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let invited_by = name_of(db, invited_by).await?;
    let link = format!("/invitations/{token}");
    mail.notify(
        db,
        &Recipient::from(person),
        Notice {
            kind: NotificationKind::Invitation,
            subject: "You are invited to QI Commons",
            summary: "You are invited to join QI Commons.",
            link: &link,
            link_text: "Set your password",
            details: json!({
                "invited_by": invited_by,
                "expires": day(uk_day(expires_at)),
            }),
        },
    )
    .await
}

/// The UK day of an instant.
pub fn uk_day(at: DateTime<Utc>) -> NaiveDate {
    qi_shared::uk_time::day_of(at)
}

/// Places in a cohort: taken on enrolling (`PlaceConfirmed`), or given from the waiting list
/// (`PlaceOffered`).
pub async fn places(
    mail: &Mail,
    db: &impl ConnectionTrait,
    kind: NotificationKind,
    people: &[i64],
    cohort: &training::cohort::Model,
    course: &training::course::Model,
) -> Result<(), DbErr> {
    let summary = format!("You have a place on {}, {}.", course.title, cohort.name);
    let subject = match kind {
        NotificationKind::PlaceOffered => format!("A place on {} is yours", course.title),
        _ => format!("Your place on {} is confirmed", course.title),
    };
    let link = format!("/training/cohorts/{}", cohort.id);
    let calendar = sessions_calendar(mail, db, cohort, course).await?;
    for &id in people {
        let Some(person) = active(db, id).await? else {
            continue;
        };
        mail.notify_with(
            db,
            &Recipient::from(&person),
            Notice {
                kind,
                subject: &subject,
                summary: &summary,
                link: &link,
                link_text: "See the cohort",
                details: json!({ "what": cohort.name, "starts": day(cohort.start_date) }),
            },
            calendar.clone(),
        )
        .await?;
    }
    Ok(())
}

/// The cohort's sessions as an iCalendar, for a place's email; None if it has none.
async fn sessions_calendar(
    mail: &Mail,
    db: &impl ConnectionTrait,
    cohort: &training::cohort::Model,
    course: &training::course::Model,
) -> Result<Option<String>, DbErr> {
    use icalendar::{Calendar, Component, Event, EventLike};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let sessions = training::cohort_session::Entity::find()
        .filter(training::cohort_session::Column::CohortId.eq(cohort.id))
        .order_by_asc(training::cohort_session::Column::StartsAt)
        .all(db)
        .await?;
    if sessions.is_empty() {
        return Ok(None);
    }
    let place = if cohort.venue.trim().is_empty() {
        cohort.online_link.as_str()
    } else {
        cohort.venue.as_str()
    };
    let mut calendar = Calendar::new();
    calendar.name(&format!("{}, {}", course.title, cohort.name));
    for s in sessions {
        calendar.push(
            Event::new()
                // Stable, so a calendar sent again (a place given up and taken) updates the same
                // events rather than adding copies.
                .uid(&format!("cohort-session-{}@{}", s.id, mail.host()))
                .summary(&format!("{}: {}", course.title, s.title))
                .starts(s.starts_at)
                .ends(s.starts_at + chrono::Duration::minutes(s.length_minutes.into()))
                .location(place)
                .description(&mail.url(&format!("/training/cohorts/{}", cohort.id)))
                .done(),
        );
    }
    Ok(Some(calendar.done().to_string()))
}

/// A project and the team its notices go to.
pub struct ProjectTeam<'a> {
    pub id: i64,
    pub title: &'a str,
    pub team: &'a [(i64, TeamRole)],
}

/// A coaching session recorded: to the project's team but the coach (its notes stay in the app).
pub async fn coaching_recorded(
    mail: &Mail,
    db: &impl ConnectionTrait,
    project: &ProjectTeam<'_>,
    coach: i64,
    held_on: NaiveDate,
) -> Result<(), DbErr> {
    let coach_name = name_of(db, coach).await?;
    let summary = format!(
        "{coach_name} recorded a coaching session on {} held on {}.",
        project.title,
        day(held_on)
    );
    let subject = format!("Coaching session recorded: {}", project.title);
    let link = format!("/projects/{}", project.id);
    notify_each(
        mail,
        db,
        project
            .team
            .iter()
            .filter(|(id, _)| *id != coach)
            .map(|&(id, _)| id),
        Plain {
            kind: NotificationKind::CoachingRecorded,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "Open the project",
        },
    )
    .await
}

/// A project's score changed: to its leads but whoever changed it.
pub async fn score_changed(
    mail: &Mail,
    db: &impl ConnectionTrait,
    project: &ProjectTeam<'_>,
    by: i64,
    score: ProgressScore,
    reason: &str,
) -> Result<(), DbErr> {
    let by_name = name_of(db, by).await?;
    let summary = format!(
        "{by_name} scored {} at {score}: \u{201c}{reason}\u{201d}",
        project.title
    );
    let subject = format!("New score for {}: {score}", project.title);
    let link = format!("/projects/{}", project.id);
    let leads = project
        .team
        .iter()
        .filter(|(id, role)| *role == TeamRole::Lead && *id != by);
    notify_each(
        mail,
        db,
        leads.map(|&(id, _)| id),
        Plain {
            kind: NotificationKind::ScoreChanged,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "Open the project",
        },
    )
    .await
}

/// A completed project's follow-up has fallen due: to its leads.
pub async fn follow_up_due(
    mail: &Mail,
    db: &impl ConnectionTrait,
    due: &db::follow_ups::Due,
) -> Result<(), DbErr> {
    let summary = format!(
        "The {} of {} fell due on {}: has the improvement lasted? Its measures are checked \
         for you; record what the team finds.",
        due.point.title(),
        due.title,
        day(due.due_on)
    );
    let subject = format!("Did it last? The {} of {}", due.point.title(), due.title);
    let link = format!("/projects/{}#follow-ups", due.project_id);
    notify_each(
        mail,
        db,
        due.leads.iter().copied(),
        Plain {
            kind: NotificationKind::FollowUpDue,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "Record the follow-up",
        },
    )
    .await
}

/// A measure whose data is due, as the reminder lists it.
#[derive(serde::Serialize)]
pub struct DueMeasure {
    pub name: String,
    pub project: String,
    pub due: String,
}

/// Data due on a person's measures.
pub async fn data_due(
    mail: &Mail,
    db: &impl ConnectionTrait,
    person: &person::Model,
    measures: Vec<DueMeasure>,
) -> Result<(), DbErr> {
    let summary = match measures.len() {
        1 => "Data is due on one of your measures.".to_owned(),
        n => format!("Data is due on {n} of your measures."),
    };
    mail.notify(
        db,
        &Recipient::from(person),
        Notice {
            kind: NotificationKind::DataDue,
            subject: "Data due on your QI measures",
            summary: &summary,
            link: "/",
            link_text: "Add your data",
            details: json!({ "measures": measures }),
        },
    )
    .await
}

/// The weekly digest: what a person was told this week.
pub async fn weekly_digest(
    mail: &Mail,
    db: &impl ConnectionTrait,
    person: &person::Model,
    lines: Vec<String>,
) -> Result<(), DbErr> {
    let summary = format!(
        "{} thing{} happened on QI Commons this week that concern you.",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" }
    );
    mail.notify(
        db,
        &Recipient::from(person),
        Notice {
            kind: NotificationKind::WeeklyDigest,
            subject: "Your week on QI Commons",
            summary: &summary,
            link: "/notifications",
            link_text: "See your notifications",
            details: json!({ "lines": lines }),
        },
    )
    .await
}

/// "Thursday 14 January 2027, 12:30" on a UK clock.
pub fn moment(at: DateTime<Utc>) -> String {
    qi_shared::uk_time::local(at)
        .format("%A %-d %B %Y, %H:%M")
        .to_string()
}

/// Events as an iCalendar file. Event ids are stable, so a calendar downloaded or sent again
/// updates the same entries rather than adding copies.
pub fn events_calendar(mail: &Mail, name: &str, events: &[events::event::Model]) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let mut calendar = Calendar::new();
    calendar.name(name);
    for e in events {
        let place = if e.venue.trim().is_empty() {
            e.online_link.as_str()
        } else {
            e.venue.as_str()
        };
        let page = mail.url(&format!("/events/{}", e.id));
        let description = if e.online_link.is_empty() {
            page
        } else {
            format!("{page}\nJoin online: {}", e.online_link)
        };
        calendar.push(
            Event::new()
                .uid(&format!("event-{}@{}", e.id, mail.host()))
                .summary(&e.title)
                .starts(e.starts_at)
                .ends(e.ends_at)
                .location(place)
                .description(&description)
                .done(),
        );
    }
    calendar.done().to_string()
}

/// Who a booking's notices are written to: the person who made it (`Some(Some(person))`, while
/// active), its guest (`Some(None)`), or no one (`None`: the person is no longer active, or there
/// is no address to write to).
async fn booker(
    db: &impl ConnectionTrait,
    booking: &events::booking::Model,
) -> Result<Option<Option<person::Model>>, DbErr> {
    match booking.person_id {
        Some(id) => Ok(active(db, id).await?.map(Some)),
        None if booking
            .guest_email
            .as_deref()
            .is_some_and(|e| !e.is_empty()) =>
        {
            Ok(Some(None))
        }
        None => Ok(None),
    }
}

/// The recipient of a booking's notice: the person [`booker`] found, else the guest.
fn recipient<'a>(
    person: &'a Option<person::Model>,
    booking: &'a events::booking::Model,
) -> Recipient<'a> {
    match person {
        Some(p) => Recipient::from(p),
        None => Recipient {
            person_id: None,
            name: booking.guest_name.as_deref().unwrap_or("there"),
            email: booking.guest_email.as_deref().unwrap_or_default(),
        },
    }
}

/// A booking of an event: a place (`PlaceConfirmed`), the waiting list (`Waitlisted`), or a
/// place given from it (`PlaceOffered`), to the person or the guest who booked, with the event
/// as .ics. A guest's email carries the link to cancel (`cancel_token`, when just issued).
pub async fn event_booking(
    mail: &Mail,
    db: &impl ConnectionTrait,
    kind: NotificationKind,
    booking: &events::booking::Model,
    event: &events::event::Model,
    cancel_token: Option<&str>,
) -> Result<(), DbErr> {
    let Some(person) = booker(db, booking).await? else {
        return Ok(());
    };
    let to = recipient(&person, booking);
    let (subject, summary) = match kind {
        NotificationKind::PlaceOffered => (
            format!("A place at {} is yours", event.title),
            format!("You have a place at {}.", event.title),
        ),
        NotificationKind::Waitlisted => (
            format!("You are on the waiting list for {}", event.title),
            format!("{} is full, so you are on its waiting list.", event.title),
        ),
        _ => (
            format!("Your place at {} is confirmed", event.title),
            format!("You have a place at {}.", event.title),
        ),
    };
    let position = db::events::bookings::position(db, booking).await?;
    let link = format!("/events/{}", event.id);
    let cancel = cancel_token.map(|t| mail.url(&format!("/events/guest-cancel?token={t}")));
    let calendar = (kind != NotificationKind::Waitlisted)
        .then(|| events_calendar(mail, &event.title, std::slice::from_ref(event)));
    mail.notify_with(
        db,
        &to,
        Notice {
            kind,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "See the event",
            details: json!({
                "what": event.title,
                "starts": moment(event.starts_at),
                "position": position,
                "cancel": cancel,
            }),
        },
        calendar,
    )
    .await
}

/// An event called off: to everyone who held a place or waited for one.
pub async fn event_cancelled(
    mail: &Mail,
    db: &impl ConnectionTrait,
    bookings: &[events::booking::Model],
    event: &events::event::Model,
) -> Result<(), DbErr> {
    let subject = format!("{} is called off", event.title);
    let summary = format!(
        "{}, on {}, is called off: your booking is cancelled.",
        event.title,
        moment(event.starts_at)
    );
    for booking in bookings {
        let Some(person) = booker(db, booking).await? else {
            continue;
        };
        let to = recipient(&person, booking);
        mail.notify(
            db,
            &to,
            Notice {
                kind: NotificationKind::EventCancelled,
                subject: &subject,
                summary: &summary,
                link: "/events",
                link_text: "See the events to come",
                details: json!({ "what": event.title, "starts": moment(event.starts_at) }),
            },
        )
        .await?;
    }
    Ok(())
}

/// An attendee asked for feedback on an event that has ended: a person to the event's page, a
/// guest (who has no account) to the guest feedback page, by the link with `guest_token`.
pub async fn feedback_requested(
    mail: &Mail,
    db: &impl ConnectionTrait,
    booking: &events::booking::Model,
    event: &events::event::Model,
    form: &crate::db::events::feedback::Form,
    guest_token: Option<&str>,
) -> Result<(), DbErr> {
    let Some(person) = booker(db, booking).await? else {
        return Ok(());
    };
    let to = recipient(&person, booking);
    let subject = format!("How was {}?", event.title);
    let summary = format!(
        "Thank you for coming to {} on {}. The organiser asks what you thought of it.",
        event.title,
        moment(event.starts_at)
    );
    let link = match guest_token {
        Some(token) if person.is_none() => format!("/events/guest-feedback?token={token}"),
        _ => format!("/events/{}/feedback", event.id),
    };
    mail.notify(
        db,
        &to,
        Notice {
            kind: NotificationKind::FeedbackRequested,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "Give your feedback",
            details: json!({
                "what": event.title,
                "questions": form.questions.len(),
                "anonymous": form.anonymous,
            }),
        },
    )
    .await
}

/// People asked to review a submission: what it is, and when reviews open.
pub async fn review_requested(
    mail: &Mail,
    db: &impl ConnectionTrait,
    reviewers: &[i64],
    submission: &crate::db::entity::submissions::submission::Model,
    event_title: &str,
    deadline: DateTime<Utc>,
) -> Result<(), DbErr> {
    let summary = format!(
        "You are asked to review \u{201c}{}\u{201d}, a {} submitted to the call of {event_title}. \
         Reviews open when the call closes on {}; your scores stay hidden from the other reviewers \
         until the organiser closes the review.",
        submission.title,
        submission.kind.label().to_lowercase(),
        moment(deadline)
    );
    let subject = format!("A submission to review: {}", submission.title);
    let link = format!("/submissions/{}", submission.id);
    notify_each(
        mail,
        db,
        reviewers.iter().copied(),
        Plain {
            kind: NotificationKind::ReviewRequested,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "Open the submission",
        },
    )
    .await
}

/// An award given: to whoever submitted and the project's team.
pub async fn award_given(
    mail: &Mail,
    db: &impl ConnectionTrait,
    award: &qi_shared::event::submission::Award,
    submitted_by: i64,
    team: &[i64],
) -> Result<(), DbErr> {
    let summary = format!(
        "\u{201c}{}\u{201d} ({}) is {} in {} at {}. The award now shows on the project's page \
         and in the library.",
        award.submission_title,
        award.project.title,
        match award.level {
            qi_shared::event::submission::AwardLevel::Winner => "the winner",
            qi_shared::event::submission::AwardLevel::HighlyCommended => "highly commended",
        },
        award.category,
        award.event_title
    );
    let subject = format!("{}: {}", award.category, award.level.label());
    let link = format!("/projects/{}", award.project.id);
    notify_each(
        mail,
        db,
        std::iter::once(&submitted_by).chain(team).copied(),
        Plain {
            kind: NotificationKind::AwardGiven,
            subject: &subject,
            summary: &summary,
            link: &link,
            link_text: "Open the project",
        },
    )
    .await
}

/// A comment, as its notices name it.
pub struct CommentNotice<'a> {
    pub id: i64,
    pub project_id: i64,
    pub project_title: &'a str,
    pub author: i64,
    /// The first words of its text.
    pub excerpt: String,
}

impl CommentNotice<'_> {
    fn link(&self) -> String {
        format!("/projects/{}#comment-{}", self.project_id, self.id)
    }
}

/// People mentioned in a comment (not its author).
pub async fn mentioned(
    mail: &Mail,
    db: &impl ConnectionTrait,
    comment: &CommentNotice<'_>,
    people: &[i64],
) -> Result<(), DbErr> {
    let author = name_of(db, comment.author).await?;
    let summary = format!(
        "{author} mentioned you in a comment on {}: \u{201c}{}\u{201d}",
        comment.project_title, comment.excerpt
    );
    let subject = format!("{author} mentioned you on {}", comment.project_title);
    notify_each(
        mail,
        db,
        people.iter().copied().filter(|&id| id != comment.author),
        Plain {
            kind: NotificationKind::Mentioned,
            subject: &subject,
            summary: &summary,
            link: &comment.link(),
            link_text: "Open the comment",
        },
    )
    .await
}

/// An offer of help: to the project's leads.
pub async fn help_offered(
    mail: &Mail,
    db: &impl ConnectionTrait,
    comment: &CommentNotice<'_>,
    team: &[(i64, TeamRole)],
) -> Result<(), DbErr> {
    let author = name_of(db, comment.author).await?;
    let summary = format!(
        "{author} offered to help with {}: \u{201c}{}\u{201d}",
        comment.project_title, comment.excerpt
    );
    let subject = format!("An offer of help with {}", comment.project_title);
    notify_each(
        mail,
        db,
        team.iter()
            .filter(|&&(id, role)| role == TeamRole::Lead && id != comment.author)
            .map(|&(id, _)| id),
        Plain {
            kind: NotificationKind::HelpOffered,
            subject: &subject,
            summary: &summary,
            link: &comment.link(),
            link_text: "Answer the offer",
        },
    )
    .await
}

/// An offer of help accepted: to whoever offered.
pub async fn offer_accepted(
    mail: &Mail,
    db: &impl ConnectionTrait,
    comment: &CommentNotice<'_>,
    by: i64,
) -> Result<(), DbErr> {
    let by_name = name_of(db, by).await?;
    let summary = format!(
        "{by_name} accepted your offer to help with {}.",
        comment.project_title
    );
    let subject = format!(
        "Your offer of help with {} was accepted",
        comment.project_title
    );
    notify_each(
        mail,
        db,
        [comment.author],
        Plain {
            kind: NotificationKind::OfferAccepted,
            subject: &subject,
            summary: &summary,
            link: &comment.link(),
            link_text: "Open the project",
        },
    )
    .await
}

/// A webhook turned off because its deliveries kept failing: to its organisation's admins.
pub async fn webhook_disabled(
    mail: &Mail,
    db: &impl ConnectionTrait,
    admins: &[i64],
    name: &str,
    reason: &str,
) -> Result<(), DbErr> {
    let summary = format!("The webhook \u{201c}{name}\u{201d} was turned off: {reason}");
    let subject = format!("Webhook turned off: {name}");
    notify_each(
        mail,
        db,
        admins.iter().copied(),
        Plain {
            kind: NotificationKind::WebhookDisabled,
            subject: &subject,
            summary: &summary,
            link: "/admin/webhooks",
            link_text: "Open the webhooks",
        },
    )
    .await
}
