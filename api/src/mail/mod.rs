//! Mail and notifications (issue 16): telling people what they need to know, in the app and by
//! email, as each chooses.
//!
//! A notification is written in the same transaction as the change it tells of (`notify`):
//! in the app as a row of `notifications`, by email as a rendered message in the outbox
//! (`db::outbox`). The delivery worker (`worker`) sends the outbox through SMTP with `lettre`.
//! With no SMTP server configured, messages wait in the outbox, where admins read them.

pub mod notices;
pub mod schedule;
pub mod templates;
pub mod worker;

use anyhow::Context as _;
use lettre::{AsyncSmtpTransport, Tokio1Executor, message::Mailbox};
use qi_shared::notification::NotificationKind;
use sea_orm::{ConnectionTrait, DbErr};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::{
    db::{self, notifications::NewNotification, outbox::NewMessage},
    settings::{MailSettings, Settings},
};
pub use templates::{Content, Letter, Templates};

/// The mail side of the server: templates, the SMTP transport if any, and how to deliver.
pub struct Mail {
    pub templates: Templates,
    pub transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    pub from: Mailbox,
    pub settings: MailSettings,
    /// The base of links in messages, without a trailing slash.
    pub public_url: String,
}

impl Mail {
    /// From the settings: a malformed SMTP URL or sender stops the server here, at start.
    pub fn new(settings: &Settings, public_url: &str) -> anyhow::Result<Self> {
        let from: Mailbox = settings.mail_from.parse().with_context(|| {
            format!(
                "QI_MAIL_FROM is not a mail address: {:?} (like `QI Commons <qi@partnership.nhs.uk>`)",
                settings.mail_from
            )
        })?;
        let transport = match &settings.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .context(
                        "QI_SMTP_URL is not an SMTP URL (like smtp://user:pass@host:587?tls=required or smtps://host:465)",
                    )?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build(),
            ),
            None => {
                tracing::warn!(
                    "no SMTP server is configured (QI_SMTP_URL): mail waits in the outbox, where partnership admins read it in the app"
                );
                None
            }
        };
        Ok(Self {
            templates: Templates::new(),
            transport,
            from,
            settings: settings.mail.clone(),
            public_url: public_url.to_owned(),
        })
    }

    pub fn delivering(&self) -> bool {
        self.transport.is_some()
    }

    /// A full address in the app, from its path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Tells `to` of something, in the app and by email as they chose, in the caller's
    /// transaction (so a notice goes out exactly when its change is kept).
    pub async fn notify<D: Serialize>(
        &self,
        db: &impl ConnectionTrait,
        to: &Recipient<'_>,
        notice: Notice<'_, D>,
    ) -> Result<(), DbErr> {
        self.notify_with(db, to, notice, None).await
    }

    /// [`Self::notify`], with a calendar (iCalendar text) attached to the email.
    pub async fn notify_with<D: Serialize>(
        &self,
        db: &impl ConnectionTrait,
        to: &Recipient<'_>,
        notice: Notice<'_, D>,
        calendar: Option<String>,
    ) -> Result<(), DbErr> {
        let channel = match to.person_id {
            Some(id) => db::notifications::channel(db, id, notice.kind).await?,
            None => qi_shared::notification::Channel::Email,
        };
        if let (true, Some(person_id)) =
            (channel.in_app() && !notice.kind.is_security(), to.person_id)
        {
            db::notifications::insert(
                db,
                NewNotification {
                    person_id,
                    kind: notice.kind,
                    subject: notice.subject,
                    summary: notice.summary,
                    link: notice.link,
                },
            )
            .await?;
        }
        if !channel.by_email() {
            return Ok(());
        }
        let partnership = db::partnership::get(db)
            .await?
            .map_or_else(|| "Our partnership".to_owned(), |p| p.name);
        let link = self.url(notice.link);
        let settings_link = self.url("/profile#notifications");
        let letter = self
            .templates
            .render(
                notice.kind,
                &Content {
                    partnership: &partnership,
                    name: to.name,
                    subject: notice.subject,
                    summary: notice.summary,
                    link: &link,
                    link_text: notice.link_text,
                    settings_link: &settings_link,
                    details: &notice.details,
                },
            )
            .map_err(|e| DbErr::Custom(format!("mail template {}: {e}", notice.kind.as_str())))?;
        db::outbox::enqueue(
            db,
            NewMessage {
                person_id: to.person_id,
                kind: notice.kind,
                to_address: to.email,
                subject: &letter.subject,
                text_body: &letter.text,
                html_body: &letter.html,
                message_id: self.message_id(),
                calendar,
            },
        )
        .await?;
        Ok(())
    }

    /// `<random@host>`, the host of the public address.
    fn message_id(&self) -> String {
        format!("<{}@{}>", db::tokens::generate(), self.host())
    }

    /// The host of the public address, naming the platform in message and calendar ids.
    pub fn host(&self) -> &str {
        self.public_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|h| !h.is_empty())
            .unwrap_or("qi-commons.invalid")
    }
}

/// Who a notice is for.
pub struct Recipient<'a> {
    /// None for an address with no account.
    pub person_id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
}

impl<'a> From<&'a db::entity::person::Model> for Recipient<'a> {
    fn from(p: &'a db::entity::person::Model) -> Self {
        Self {
            person_id: Some(p.id),
            name: &p.name,
            email: &p.email,
        }
    }
}

/// What a notice says.
pub struct Notice<'a, D: Serialize> {
    pub kind: NotificationKind,
    pub subject: &'a str,
    /// One or two sentences: the in-app notification, and the email's opening.
    pub summary: &'a str,
    /// The app's page it is about (`/projects/12`).
    pub link: &'a str,
    /// The email's button.
    pub link_text: &'a str,
    /// What the kind's template adds.
    pub details: D,
}
