//! The mail templates in `api/templates/mail`, compiled into the binary: one plain-text and one
//! HTML body per kind of notification, each inside its layout (the partnership's name, the link,
//! the notification settings). HTML is escaped by default.

use minijinja::Environment;
use qi_shared::notification::NotificationKind;
use serde::Serialize;

macro_rules! templates {
    ($($name:literal),+ $(,)?) => {
        &[$(
            (concat!($name, ".txt"), include_str!(concat!("../../templates/mail/", $name, ".txt"))),
            (concat!($name, ".html"), include_str!(concat!("../../templates/mail/", $name, ".html"))),
        )+]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "layout",
    "invitation",
    "password_reset",
    "email_confirmation",
    "account_changed",
    "place_confirmed",
    "place_offered",
    "waitlisted",
    "event_cancelled",
    "feedback_requested",
    "coaching_recorded",
    "score_changed",
    "review_requested",
    "award_given",
    "mentioned",
    "help_offered",
    "offer_accepted",
    "data_due",
    "follow_up_due",
    "weekly_digest",
    "webhook_disabled",
);

/// A message's subject and its two bodies.
#[derive(Debug, Clone)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What every template is given, and the kind's own details.
#[derive(Serialize)]
struct Context<'a, D: Serialize> {
    partnership: &'a str,
    name: &'a str,
    subject: &'a str,
    summary: &'a str,
    link: &'a str,
    link_text: &'a str,
    settings_link: &'a str,
    security: bool,
    #[serde(flatten)]
    details: &'a D,
}

/// What a letter says, before it is put in its template.
pub struct Content<'a, D: Serialize> {
    pub partnership: &'a str,
    pub name: &'a str,
    pub subject: &'a str,
    pub summary: &'a str,
    /// The full address of the page the message is about.
    pub link: &'a str,
    pub link_text: &'a str,
    pub settings_link: &'a str,
    pub details: &'a D,
}

pub struct Templates(Environment<'static>);

impl Templates {
    pub fn new() -> Self {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and checked by a test: a broken one is a
            // build defect, found before any message is written.
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("mail template {name}: {e}"));
        }
        Self(env)
    }

    pub fn render<D: Serialize>(
        &self,
        kind: NotificationKind,
        content: &Content<'_, D>,
    ) -> Result<Letter, minijinja::Error> {
        let context = Context {
            partnership: content.partnership,
            name: content.name,
            subject: content.subject,
            summary: content.summary,
            link: content.link,
            link_text: content.link_text,
            settings_link: content.settings_link,
            security: kind.is_security(),
            details: content.details,
        };
        let render = |ext: &str| {
            self.0
                .get_template(&format!("{}.{ext}", kind.as_str()))
                .and_then(|t| t.render(&context))
        };
        Ok(Letter {
            subject: content.subject.to_owned(),
            text: render("txt")?,
            html: render("html")?,
        })
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A template that fails to render should stop the test.
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_and_html_is_escaped() {
        let templates = Templates::new();
        let details = serde_json::json!({
            "invited_by": "Sam <script>", "expires": "1 January", "new_email": "a@b.nhs.uk",
            "cohort": "Live cohort 3", "starts": "2 February",
            "measures": [{"name": "Falls", "project": "Fewer falls", "due": "3 March"}],
            "lines": ["One project closed"],
        });
        for kind in NotificationKind::ALL {
            let letter = templates
                .render(
                    *kind,
                    &Content {
                        partnership: "North & East ICS",
                        name: "Alex",
                        subject: "Subject",
                        summary: "Something happened",
                        link: "https://qi.example.org/x",
                        link_text: "Open it",
                        settings_link: "https://qi.example.org/account",
                        details: &details,
                    },
                )
                .unwrap();
            assert!(letter.text.contains("https://qi.example.org/x"), "{kind:?}");
            assert!(letter.html.contains("North &amp; East ICS"), "{kind:?}");
            assert!(!letter.html.contains("<script>"), "{kind:?}");
            assert_eq!(
                letter.text.contains("https://qi.example.org/account"),
                !kind.is_security(),
                "{kind:?}"
            );
        }
    }
}
