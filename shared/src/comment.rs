//! Comments and peer support on a project, its PDSA cycles and its measures: threads of replies
//! (one level deep: a reply to a reply joins its thread), edits shown as such, @-mentions that
//! notify the person, "I can help" offers the team accepts or declines, and comments hidden with
//! a reason by an organisation admin or the project lead.
//!
//! Who reads comments follows the project: whoever may see the project reads its comments. A
//! public project's comments stay within the partnership unless its team publishes one.
//!
//! The body is Markdown; the server renders it to safe HTML (`html`), so the browser never
//! renders what a person typed as markup.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, training::PersonRef, validation::paragraphs};

wire_enum! {
    /// What a comment is.
    CommentKind {
        Comment => "comment", "Comment";
        /// "I can help": an offer of help the team may accept.
        Offer => "offer", "Offer of help";
    }
}

wire_enum! {
    /// Where an offer of help stands.
    OfferStatus {
        Open => "open", "Waiting for the team";
        Accepted => "accepted", "Accepted";
        Declined => "declined", "Declined with thanks";
    }
}

pub const MAX_BODY: usize = 5000;
pub const MAX_MENTIONS: usize = 10;
pub const MAX_REASON: usize = 500;

/// A new comment, a reply or an offer of help.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentInput {
    /// Markdown, 1 to 5000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 5000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub body: String,
    /// The comment this replies to; a reply to a reply joins the same thread. A reply is about
    /// what its thread is about, so it names no cycle or measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    /// About one of the project's PDSA cycles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_id: Option<i64>,
    /// About one of the project's measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_id: Option<i64>,
    /// "I can help": an offer of help (starts its own thread).
    #[serde(default)]
    pub offer: bool,
    /// People mentioned (at most 10): each must be able to see the project, and hears of it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub mentions: Vec<i64>,
}

impl CommentInput {
    pub fn validate(&self) -> Result<CommentInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let body = errors.check("body", body(&self.body));
        if self.cycle_id.is_some() && self.measure_id.is_some() {
            errors.push(
                "measure_id",
                "A comment is about a cycle or a measure, not both",
            );
        }
        if self.parent_id.is_some() {
            if self.offer {
                errors.push("offer", "An offer of help starts its own thread");
            }
            if self.cycle_id.is_some() {
                errors.push("cycle_id", "A reply is about what its thread is about");
            }
            if self.measure_id.is_some() {
                errors.push("measure_id", "A reply is about what its thread is about");
            }
        }
        let mentions = errors.check("mentions", mentions(&self.mentions));
        errors.finish(|| {
            Some(CommentInput {
                body: body?,
                mentions: mentions?,
                ..self.clone()
            })
        })
    }
}

/// A comment's new text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentEdit {
    /// Markdown, 1 to 5000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 5000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub body: String,
    /// Everyone mentioned now; those not mentioned before hear of it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub mentions: Vec<i64>,
}

impl CommentEdit {
    pub fn validate(&self) -> Result<CommentEdit, FieldErrors> {
        let mut errors = FieldErrors::new();
        let body = errors.check("body", body(&self.body));
        let mentions = errors.check("mentions", mentions(&self.mentions));
        errors.finish(|| {
            Some(CommentEdit {
                body: body?,
                mentions: mentions?,
            })
        })
    }
}

fn body(raw: &str) -> Result<String, String> {
    let body = paragraphs(raw, "A comment", MAX_BODY)?;
    if body.is_empty() {
        return Err("Write a comment".to_owned());
    }
    Ok(body)
}

fn mentions(ids: &[i64]) -> Result<Vec<i64>, String> {
    if ids.len() > MAX_MENTIONS {
        return Err(format!("Mention at most {MAX_MENTIONS} people"));
    }
    let mut distinct = Vec::with_capacity(ids.len());
    for id in ids {
        if !distinct.contains(id) {
            distinct.push(*id);
        }
    }
    Ok(distinct)
}

/// Why a comment is hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HideInput {
    /// 1 to 500 characters, shown in the comment's place.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub reason: String,
}

impl HideInput {
    pub fn validate(&self) -> Result<HideInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check(
            "reason",
            crate::validation::text(&self.reason, "a reason", 1, MAX_REASON),
        );
        errors.finish(|| Some(HideInput { reason: reason? }))
    }
}

/// Publish a comment of a public project to the public learning library, or withdraw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishInput {
    pub published: bool,
}

/// The team's answer to an offer of help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferAnswer {
    /// `accepted` or `declined`.
    pub status: OfferStatus,
}

impl OfferAnswer {
    pub fn validate(&self) -> Result<OfferAnswer, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.status == OfferStatus::Open {
            errors.push("status", "Accept or decline the offer");
        }
        errors.finish(|| Some(*self))
    }
}

/// Who hid a comment, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hidden {
    pub by: PersonRef,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A comment, as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    pub project_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    /// The PDSA cycle it is about, with its name ("PDSA cycle 3").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_title: Option<String>,
    /// The measure it is about, with its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_name: Option<String>,
    pub kind: CommentKind,
    /// An offer's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_status: Option<OfferStatus>,
    /// The author (their organisation's name beside).
    pub author: PersonRef,
    pub author_organisation: String,
    /// The Markdown as written; absent when deleted, or hidden from this reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body rendered to safe HTML (no scripts, no `javascript:` links, no styles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    pub mentions: Vec<PersonRef>,
    pub created_at: DateTime<Utc>,
    /// When it was last edited ("edited" is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted by its author: kept only as the head of a thread with replies.
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
    /// Shown in the public learning library (public projects only).
    pub published: bool,
    /// The reader wrote it and may change or delete it.
    pub can_edit: bool,
    /// The reader may hide it or show it again: an admin of the project's organisations or its
    /// lead.
    pub can_hide: bool,
    /// The reader is on the team of a public project, and may publish it.
    pub can_publish: bool,
    /// The reader is on the team, and the offer waits for an answer.
    pub can_answer: bool,
    /// Replies, oldest first (a thread's head only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub replies: Vec<Comment>,
}

/// One page of threads, newest first.
pub type CommentPage = crate::page::Page<Comment>;

impl crate::page::Listed for Comment {
    const PAGE: &'static str = "CommentPage";
    const PAGE_DESCRIPTION: &'static str = "One page of comment threads, newest first.";
}

/// Filters of a project's comments: all of them, or those about one cycle or measure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CommentQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_id: Option<i64>,
    /// Only offers of help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// `?q=`: a name to find among the people who may see a project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MentionQuery {
    /// Part of a name, 1 to 100 characters.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 100))]
    pub q: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    #[test]
    fn a_comment_needs_words_and_names_one_subject() {
        let ok = CommentInput {
            body: "  Have you tried **huddles**?\n\nThey helped us. ".into(),
            mentions: vec![3, 3, 4],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.body, "Have you tried **huddles**?\n\nThey helped us.");
        assert_eq!(ok.mentions, vec![3, 4]);

        let fields = |input: CommentInput| -> Vec<String> {
            input
                .validate()
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(CommentInput::default()), ["body"]);
        assert_eq!(
            fields(CommentInput {
                body: "x".into(),
                cycle_id: Some(1),
                measure_id: Some(2),
                ..Default::default()
            }),
            ["measure_id"]
        );
        assert_eq!(
            fields(CommentInput {
                body: "x".into(),
                parent_id: Some(1),
                offer: true,
                cycle_id: Some(2),
                ..Default::default()
            }),
            ["offer", "cycle_id"]
        );
        assert_eq!(
            fields(CommentInput {
                body: "x".repeat(MAX_BODY + 1),
                mentions: (1..=11).collect(),
                ..Default::default()
            }),
            ["body", "mentions"]
        );
    }

    #[test]
    fn an_offer_is_answered_yes_or_no() {
        assert!(
            OfferAnswer {
                status: OfferStatus::Open
            }
            .validate()
            .is_err()
        );
        assert!(
            OfferAnswer {
                status: OfferStatus::Accepted
            }
            .validate()
            .is_ok()
        );
        assert!(HideInput { reason: " ".into() }.validate().is_err());
    }
}
