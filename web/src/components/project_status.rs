//! A project's status and progress score as the register and the project page show them.

use qi_shared::{project::ProjectStatus, score::ProgressScore};
use yew::prelude::*;

/// A score with its meaning, as lists and pages show it.
pub fn score_text(score: Option<ProgressScore>) -> String {
    score.map_or_else(|| "Not scored yet".to_owned(), |s| s.to_string())
}

pub fn status_tag(status: ProjectStatus) -> Html {
    let colour = match status {
        ProjectStatus::Proposed => "tag--grey",
        ProjectStatus::Active => "tag--blue",
        ProjectStatus::Completed => "tag--green",
        ProjectStatus::Abandoned => "tag--red",
    };
    html! { <strong class={classes!("tag", colour)}>{ status.label() }</strong> }
}
