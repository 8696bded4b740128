//! Notifications: what the platform tells a person, by email, in the app, or both, as each
//! person chooses per kind; the mail outbox they travel through; and account self-service
//! (a forgotten password, changing one's password or email address).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    page::Listed,
    person::{WorkEmail, parse_password},
};

wire_enum!(
    /// What a message is about. The first four keep an account safe and always go by email.
    NotificationKind {
        Invitation => "invitation", "Invitation to join";
        PasswordReset => "password_reset", "Password reset";
        EmailConfirmation => "email_confirmation", "Confirming a new email address";
        AccountChanged => "account_changed", "Your password or email address changed";
        PlaceConfirmed => "place_confirmed", "A place confirmed on a course or an event";
        PlaceOffered => "place_offered", "A place given to you from the waiting list";
        Waitlisted => "waitlisted", "You joined a waiting list";
        EventCancelled => "event_cancelled", "An event you booked was called off";
        FeedbackRequested => "feedback_requested", "Feedback asked for after an event you attended";
        CoachingRecorded => "coaching_recorded", "A coaching session recorded for your project";
        ScoreChanged => "score_changed", "A score change on a project you lead";
        ReviewRequested => "review_requested", "A submission to a call for you to review";
        AwardGiven => "award_given", "An award for a project of yours";
        Mentioned => "mentioned", "You were mentioned in a comment";
        HelpOffered => "help_offered", "An offer of help on a project of yours";
        OfferAccepted => "offer_accepted", "Your offer of help was accepted";
        DataDue => "data_due", "Data due on your measures";
        FollowUpDue => "follow_up_due", "A follow-up due on a completed project you lead";
        WeeklyDigest => "weekly_digest", "A weekly digest of what changed";
        WebhookDisabled => "webhook_disabled", "A webhook of your organisation turned off for failing";
    }
);

impl NotificationKind {
    /// Keeps an account safe: always sent by email, and nobody can turn it off.
    pub fn is_security(self) -> bool {
        matches!(
            self,
            Self::Invitation | Self::PasswordReset | Self::EmailConfirmation | Self::AccountChanged
        )
    }

    /// The kinds a person chooses a channel for, in the order the settings page lists them.
    pub fn choosable() -> impl Iterator<Item = Self> {
        Self::ALL.iter().copied().filter(|k| !k.is_security())
    }

    /// The channel of a person who has not chosen: everything in the app and by email, but the
    /// digest, which is asked for.
    pub fn default_channel(self) -> Channel {
        match self {
            Self::WeeklyDigest => Channel::None,
            k if k.is_security() => Channel::Email,
            _ => Channel::Both,
        }
    }
}

wire_enum!(
    /// How a person hears of one kind of notification.
    Channel {
        Both => "both", "Email and in the app";
        Email => "email", "Email only";
        InApp => "in_app", "In the app only";
        None => "none", "Not at all";
    }
);

impl Channel {
    pub fn by_email(self) -> bool {
        matches!(self, Self::Email | Self::Both)
    }

    pub fn in_app(self) -> bool {
        matches!(self, Self::InApp | Self::Both)
    }
}

/// One kind of notification and how this person hears of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationSetting {
    pub kind: NotificationKind,
    pub channel: Channel,
    /// An account-security message: always by email, not changeable.
    #[serde(default)]
    pub locked: bool,
}

/// A person's choices: one line per kind they change (kinds left out keep their channel).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationSettingsUpdate {
    pub settings: Vec<ChannelChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelChoice {
    pub kind: NotificationKind,
    pub channel: Channel,
}

impl NotificationSettingsUpdate {
    pub fn validate(&self) -> Result<Vec<(NotificationKind, Channel)>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut seen = Vec::new();
        for (i, choice) in self.settings.iter().enumerate() {
            if choice.kind.is_security() && choice.channel != Channel::Email {
                errors.push(
                    format!("settings[{i}].channel"),
                    format!(
                        "\"{}\" keeps your account safe: it always comes by email",
                        choice.kind.label()
                    ),
                );
            } else if seen.contains(&choice.kind) {
                errors.push(format!("settings[{i}].kind"), "Each kind may be given once");
            }
            seen.push(choice.kind);
        }
        errors.finish(|| {
            Some(
                self.settings
                    .iter()
                    .filter(|c| !c.kind.is_security())
                    .map(|c| (c.kind, c.channel))
                    .collect(),
            )
        })
    }
}

/// A notification in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub subject: String,
    pub summary: String,
    /// The page of the app it is about, such as `/projects/12`.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Listed for Notification {
    const PAGE: &'static str = "NotificationPage";
    const PAGE_DESCRIPTION: &'static str = "One page of a person's notifications, newest first.";
}

pub type NotificationPage = crate::page::Page<Notification>;

/// How many of a person's notifications are unread (the header's count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: u64,
}

wire_enum!(
    /// Where a message stands in the outbox.
    OutboxStatus {
        Queued => "queued", "Waiting to be sent";
        Sending => "sending", "Being sent";
        Sent => "sent", "Sent";
        Failed => "failed", "Failed";
    }
);

/// A message in the mail outbox, as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: NotificationKind,
    pub to_address: String,
    pub subject: String,
    pub status: OutboxStatus,
    /// Attempts the SMTP server answered (an outage is not counted).
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The plain-text body. Once an account-security message is sent, its link is removed
    /// here: it is as good as a password until used.
    pub text_body: String,
}

impl Listed for OutboxMessage {
    const PAGE: &'static str = "OutboxPage";
    const PAGE_DESCRIPTION: &'static str = "One page of the mail outbox, newest first.";
}

pub type OutboxPage = crate::page::Page<OutboxMessage>;

/// What the outbox holds, and whether it is being delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxSummary {
    /// False when no SMTP server is configured: messages wait here to be read.
    pub delivering: bool,
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
}

/// A forgotten password: the address to send a reset link to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotPassword {
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
}

impl ForgotPassword {
    pub fn validate(&self) -> Result<WorkEmail, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", WorkEmail::parse(&self.email));
        errors.finish(|| email)
    }
}

/// A new password, with the token from a reset link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPassword {
    pub token: String,
    /// 12 to 256 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub password: String,
}

impl ResetPassword {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.token.trim().is_empty() {
            errors.push(
                "token",
                "The reset link is incomplete: open the link from the email again",
            );
        }
        let password = errors.check("password", parse_password(&self.password));
        errors.finish(|| password)
    }
}

/// Changing one's own password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    pub current_password: String,
    /// 12 to 256 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub new_password: String,
}

impl ChangePassword {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.push("current_password", "Enter your current password");
        }
        let new = errors.check("new_password", parse_password(&self.new_password));
        if new.is_some() && self.new_password == self.current_password {
            errors.push(
                "new_password",
                "Choose a password different from your current one",
            );
        }
        errors.finish(|| new)
    }
}

/// Changing one's email address: a link is sent to the new one to confirm it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEmail {
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub new_email: String,
    pub current_password: String,
}

impl ChangeEmail {
    pub fn validate(&self) -> Result<WorkEmail, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("new_email", WorkEmail::parse(&self.new_email));
        if self.current_password.is_empty() {
            errors.push("current_password", "Enter your current password");
        }
        errors.finish(|| email)
    }
}

/// The token from an email-change confirmation link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmEmail {
    pub token: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test whose input fails to parse should stop.
mod tests {
    use super::*;

    #[test]
    fn security_messages_cannot_be_turned_off() {
        let update = NotificationSettingsUpdate {
            settings: vec![
                ChannelChoice {
                    kind: NotificationKind::DataDue,
                    channel: Channel::InApp,
                },
                ChannelChoice {
                    kind: NotificationKind::PasswordReset,
                    channel: Channel::None,
                },
            ],
        };
        let errors = update.validate().unwrap_err();
        assert!(
            errors.0.iter().any(|e| e.field == "settings[1].channel"),
            "{errors:?}"
        );
        assert!(!errors.0.iter().any(|e| e.field == "settings[0].channel"));
    }

    #[test]
    fn choices_are_kept_and_each_kind_once() {
        let choice = |kind, channel| ChannelChoice { kind, channel };
        let ok = NotificationSettingsUpdate {
            settings: vec![
                choice(NotificationKind::WeeklyDigest, Channel::Email),
                choice(NotificationKind::PasswordReset, Channel::Email),
            ],
        };
        assert_eq!(
            ok.validate().unwrap(),
            vec![(NotificationKind::WeeklyDigest, Channel::Email)]
        );
        let twice = NotificationSettingsUpdate {
            settings: vec![
                choice(NotificationKind::DataDue, Channel::Email),
                choice(NotificationKind::DataDue, Channel::None),
            ],
        };
        assert!(
            twice
                .validate()
                .unwrap_err()
                .0
                .iter()
                .any(|e| e.field == "settings[1].kind")
        );
    }

    #[test]
    fn a_new_password_must_differ_and_be_long_enough() {
        let same = ChangePassword {
            current_password: "a-good-long-password".into(),
            new_password: "a-good-long-password".into(),
        };
        assert!(
            same.validate()
                .unwrap_err()
                .0
                .iter()
                .any(|e| e.field == "new_password")
        );
        let short = ChangePassword {
            current_password: "x".into(),
            new_password: "short".into(),
        };
        assert!(
            short
                .validate()
                .unwrap_err()
                .0
                .iter()
                .any(|e| e.field == "new_password")
        );
        let ok = ChangePassword {
            current_password: "old-password-here".into(),
            new_password: "a-new-long-password".into(),
        };
        assert_eq!(ok.validate().unwrap(), "a-new-long-password");
    }

    #[test]
    fn defaults_ask_for_the_digest() {
        assert_eq!(
            NotificationKind::WeeklyDigest.default_channel(),
            Channel::None
        );
        assert_eq!(NotificationKind::DataDue.default_channel(), Channel::Both);
        assert!(NotificationKind::choosable().all(|k| !k.is_security()));
    }
}
