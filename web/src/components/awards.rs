//! Awards as the project page, the project lists and the event's pages show them: "Winner,
//! Best poster — Celebration event 2025". Shared here because the projects pages and the events
//! pages both show them and a page imports no other page.

use qi_shared::event::submission::{Award, AwardLevel};
use yew::prelude::*;

/// "Winner, Best poster — Celebration event 2025".
pub fn award_text(a: &Award) -> String {
    format!("{}, {} — {}", a.level.label(), a.category, a.event_title)
}

/// A winner's tag is green; a highly commended one blue, so the two read apart at a glance.
fn tag_class(level: AwardLevel) -> &'static str {
    match level {
        AwardLevel::Winner => "tag tag--green",
        AwardLevel::HighlyCommended => "tag tag--blue",
    }
}

/// The awards as tags, for a project's card in a list; nothing when it has none.
pub fn award_badges(awards: &[Award]) -> Html {
    if awards.is_empty() {
        return html! {};
    }
    html! {
        <ul class="tag-list" aria-label="Awards">
            { for awards.iter().map(|a| html! {
                <li class={tag_class(a.level)}>{ award_text(a) }</li>
            }) }
        </ul>
    }
}

/// The awards as a list, latest first as the server sends them, each with its tag.
pub fn award_list(awards: &[Award]) -> Html {
    html! {
        <ul class="list award-list">
            { for awards.iter().map(|a| html! {
                <li>
                    <span class={tag_class(a.level)}>{ a.level.label() }</span>{ " " }
                    <strong>{ &a.category }</strong>{ format!(" — {}", a.event_title) }
                </li>
            }) }
        </ul>
    }
}
