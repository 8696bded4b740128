//! Similar work: the projects most like one (on its page) or like a draft (in the new-project
//! form, "Has this been done before?", asked again when typing pauses), with why they match,
//! their status, score and lead organisation, and a way to ask their team.

use std::{cell::Cell, rc::Rc};

use qi_shared::search::{ProjectDraft, SimilarProject};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        project_status::{score_text, status_tag},
        states::ErrorPanel,
    },
    hooks::{Load, use_load},
    route::Route,
};

/// How long typing must pause before the draft is compared, in milliseconds.
const PAUSE_MS: u32 = 600;

fn reasons(s: &SimilarProject) -> Html {
    let mut parts = Vec::new();
    if !s.shared_words.is_empty() {
        parts.push(format!("shared words: {}", s.shared_words.join(", ")));
    }
    if !s.shared_themes.is_empty() {
        parts.push(format!("same theme: {}", s.shared_themes.join(", ")));
    }
    if !s.shared_measures.is_empty() {
        parts.push(format!(
            "similar measures: {}",
            s.shared_measures.join(", ")
        ));
    }
    html! { <p class="similar__why">{ format!("Why: {}.", parts.join("; ")) }</p> }
}

fn item(s: &SimilarProject) -> Html {
    html! {
        <li class="similar__item">
            <p class="similar__title">
                <Link<Route> to={Route::Project { id: s.id }}>{ &s.title }</Link<Route>>
            </p>
            <p class="project-card__meta">
                { status_tag(s.status) }{ " " }
                <span>{ format!("Led by {}", s.lead_organisation.name) }</span>{ " · " }
                <span>{ format!("Progress: {}", score_text(s.score)) }</span>{ " · " }
                <span>{ format!("{:.0}% alike", 100.0 * s.similarity) }</span>
            </p>
            { reasons(s) }
            <p class="similar__ask">
                <a href={format!("/projects/{}#comments", s.id)}>{ format!("Ask the team of “{}”", s.title) }</a>
            </p>
        </li>
    }
}

/// How many suggestions the new-project form shows: the panel sits in the form, so it stays short.
const IN_FORM: usize = 5;

fn list(found: &Load<Vec<SimilarProject>>, none: &str, most: usize) -> Html {
    match found {
        Load::Loading => html! { <p class="similar__status">{ "Looking for similar work…" }</p> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(found) if found.is_empty() => {
            html! { <p class="similar__status">{ none.to_owned() }</p> }
        }
        Load::Loaded(found) => html! {
            <ul class="similar__list">{ for found.iter().take(most).map(item) }</ul>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct SimilarWorkProps {
    pub project_id: i64,
}

/// On a project's page: the projects most like it.
#[function_component(SimilarWork)]
pub fn similar_work(props: &SimilarWorkProps) -> Html {
    let found = use_load(props.project_id, api::search::similar_to_project);
    html! {
        <section class="section similar" aria-labelledby="similar-work">
            <h2 id="similar-work">{ "Similar work" }</h2>
            <p class="hint">{ "Projects across the partnership most like this one: learn from them, or join forces." }</p>
            { list(&found, "No similar projects found.", usize::MAX) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DoneBeforeProps {
    pub draft: ProjectDraft,
}

/// In the new-project form: the projects most like what is being written, asked for once
/// typing pauses (and only the latest answer shown).
#[function_component(DoneBefore)]
pub fn done_before(props: &DoneBeforeProps) -> Html {
    let found = use_state(|| None::<Load<Vec<SimilarProject>>>);
    let latest = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    {
        let found = found.clone();
        let latest = latest.borrow().clone();
        use_effect_with(props.draft.clone(), move |draft| {
            let asked = latest.get().wrapping_add(1);
            latest.set(asked);
            let draft = draft.clone();
            if !draft.has_words() || draft.validate().is_err() {
                found.set(None);
            } else {
                wasm_bindgen_futures::spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(PAUSE_MS).await;
                    if latest.get() != asked {
                        return; // Typed again since.
                    }
                    found.set(Some(Load::Loading));
                    let answer: Result<Vec<SimilarProject>, ApiError> =
                        api::search::similar_to_draft(&draft).await;
                    if latest.get() == asked {
                        found.set(Some(match answer {
                            Ok(list) => Load::Loaded(list),
                            Err(error) => Load::Failed(error),
                        }));
                    }
                });
            }
        });
    }
    html! {
        <aside class="similar similar--draft" aria-labelledby="done-before">
            <h2 id="done-before">{ "Has this been done before?" }</h2>
            <div aria-live="polite">
                {
                    match &*found {
                        None => html! { <p class="similar__status">{ "As you write the title, problem and aim, similar projects from across the partnership show here." }</p> },
                        Some(found) => list(found, "Nothing similar found so far.", IN_FORM),
                    }
                }
            </div>
        </aside>
    }
}
