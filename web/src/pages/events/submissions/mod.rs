//! Calls for submissions and awards: an event's call (what it asks for, the rubric, submitting a
//! project, a reviewer's list, and for its managers every submission, closing the review and
//! the awards), the call's form, and a submission (its file, its team's changes, its reviewers,
//! the review form, the reviews once the review is closed, the shortlist and awards). What
//! several of them show the same way (the deadline, the stage, a score) is here.

pub mod call;
pub mod call_form;
pub mod submission;

use chrono::{DateTime, Utc};
use qi_shared::{
    event::submission::{Call, SubmissionKind},
    uk_time,
};
use yew::prelude::*;

/// The deadline in UK wall-clock time: "Fri 6 Mar 2026, 17:00 GMT".
fn deadline_text(at: DateTime<Utc>) -> String {
    format!(
        "{} {}",
        uk_time::local(at).format("%a %-d %b %Y, %H:%M"),
        uk_time::zone_name(at)
    )
}

/// The kinds a call takes, in words: "Poster, Improvement story".
fn kinds_text(kinds: &[SubmissionKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the call stands, as a tag: taking submissions, in review, or reviewed.
fn stage_tag(call: &Call) -> Html {
    if call.open {
        html! { <span class="tag tag--green">{ "Open for submissions" }</span> }
    } else if call.review_closed_at.is_none() {
        html! { <span class="tag tag--yellow">{ "In review" }</span> }
    } else {
        html! { <span class="tag tag--grey">{ "Review closed" }</span> }
    }
}

/// A score out of 5, to one decimal place: "4.2 out of 5".
fn score_text(score: Option<f64>) -> String {
    match score {
        Some(s) => format!("{s:.1} out of 5"),
        None => "Not scored yet".to_owned(),
    }
}

/// The scores of one criterion, from 1 to 5, in words, as the review form offers them.
const SCORES: [&str; 5] = ["weak", "fair", "good", "strong", "excellent"];

fn criterion_score_text(score: u8) -> String {
    let words = SCORES
        .get(usize::from(score).wrapping_sub(1))
        .copied()
        .unwrap_or_default();
    format!("{score} ({words})")
}
