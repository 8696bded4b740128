//! Adoptions as the project page's spread section and the outside innovations page show them:
//! who adopted, where it stands and since when, its stages, and for those who may change one
//! its next stage and its removal; and the form that records a new one.

mod actions;
mod record;

pub use record::{Adopters, Origin, RecordAdoption};

use qi_shared::{
    FieldError,
    capability::long_date,
    spread::{Adoption, AdoptionStage},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{components::states::Empty, route::Route};
use actions::AdoptionActions;

/// A stage as a coloured tag: green once it counts as spread, red when dropped.
pub fn stage_tag(stage: AdoptionStage) -> Html {
    let colour = match stage {
        AdoptionStage::Considering => "tag--grey",
        AdoptionStage::Testing => "tag--yellow",
        AdoptionStage::Adopted | AdoptionStage::Sustained => "tag--green",
        AdoptionStage::Dropped => "tag--red",
    };
    html! { <strong class={classes!("tag", colour)}>{ stage.label() }</strong> }
}

/// Who adopted: the partner organisation, or the adopter outside the partnership, with the
/// unit within it.
pub fn adopter(a: &Adoption) -> String {
    let who = match (&a.organisation, &a.outside_adopter) {
        (Some(o), _) => o.name.clone(),
        (None, Some(name)) => format!("{name} (outside the partnership)"),
        (None, None) => "An adopter".to_owned(),
    };
    match &a.unit {
        Some(unit) => format!("{who}, {unit}"),
        None => who,
    }
}

/// The server's field errors for a form whose fields' names start with `prefix` (several forms
/// of one kind on a page each need their own element ids).
pub fn prefixed(prefix: &str, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError::new(format!("{prefix}{}", e.field), e.message))
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub adoptions: Vec<Adoption>,
    /// What to say when there are none.
    pub empty: AttrValue,
    /// The change ideas taken up are named (adoptions of a project; an innovation has none).
    #[prop_or_default]
    pub show_change_ideas: bool,
    /// After a stage was recorded or an adoption removed.
    pub onchanged: Callback<()>,
}

/// Adoptions, each with its adopter, stage and history.
#[function_component(AdoptionList)]
pub fn adoption_list(props: &ListProps) -> Html {
    if props.adoptions.is_empty() {
        return html! { <Empty>{ props.empty.clone() }</Empty> };
    }
    html! {
        <ul class="adoptions">
            { for props.adoptions.iter().map(|a| item(a, props.show_change_ideas, &props.onchanged)) }
        </ul>
    }
}

fn item(a: &Adoption, show_change_ideas: bool, onchanged: &Callback<()>) -> Html {
    let who = adopter(a);
    let ideas = if a.change_ideas.is_empty() {
        "The project as a whole".to_owned()
    } else {
        a.change_ideas
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    html! {
        <li class="adoption" key={a.id}>
            <p class="adoption__who"><strong>{ &who }</strong></p>
            <p class="adoption__stage">
                { stage_tag(a.stage) }{ format!(" since {}", long_date(a.since)) }
            </p>
            <dl class="adoption__details">
                if let Some(p) = &a.adopting_project {
                    <dt>{ "Their own project" }</dt>
                    <dd><Link<Route> to={Route::Project { id: p.id }}>{ &p.title }</Link<Route>></dd>
                }
                if show_change_ideas {
                    <dt>{ "Change ideas taken up" }</dt>
                    <dd>{ ideas }</dd>
                }
            </dl>
            <details class="details adoption__history">
                <summary>{ format!("Stage history of {who} ({})", a.stages.len()) }</summary>
                <ol class="adoption__stages">
                    { for a.stages.iter().map(|s| html! {
                        <li>
                            <strong>{ s.stage.label() }</strong>{ format!(" on {}", long_date(s.on)) }
                            if let Some(by) = &s.recorded_by { { format!(", recorded by {}", by.name) } }
                            if !s.note.is_empty() { <p class="adoption__note">{ &s.note }</p> }
                        </li>
                    }) }
                </ol>
            </details>
            if a.can_change {
                <AdoptionActions adoption={a.clone()} who={who.clone()} onchanged={onchanged.clone()} />
            }
        </li>
    }
}
