//! What those who may change an adoption do with it: record its next stage (a small form, opened
//! when asked for) or remove it, after a confirmation.

use qi_shared::{
    FieldError,
    spread::{Adoption, AdoptionStage, StageInput},
};
use yew::prelude::*;

use super::prefixed;
use crate::{
    api::spread as api,
    browser::today,
    components::form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for},
};

/// The stage an adoption most likely moves to next, to start the form with.
fn likely_next(stage: AdoptionStage) -> AdoptionStage {
    match stage {
        AdoptionStage::Considering => AdoptionStage::Testing,
        AdoptionStage::Testing => AdoptionStage::Adopted,
        AdoptionStage::Adopted | AdoptionStage::Sustained => AdoptionStage::Sustained,
        AdoptionStage::Dropped => AdoptionStage::Considering,
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub adoption: Adoption,
    /// The adopter, as the list names it.
    pub who: String,
    pub onchanged: Callback<()>,
}

#[function_component(AdoptionActions)]
pub fn adoption_actions(props: &Props) -> Html {
    let open = use_state(|| false);
    let confirming = use_state(|| false);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let id = props.adoption.id;
    let who = &props.who;
    let set = |state: &UseStateHandle<bool>, value: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(value))
    };
    let remove = {
        let (message, busy, onchanged) = (message.clone(), busy.clone(), props.onchanged.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (message, busy, onchanged) = (message.clone(), busy.clone(), onchanged.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::remove_adoption(id).await {
                    Ok(()) => onchanged.emit(()),
                    Err(error) => message.set(Some(error.message())),
                }
                busy.set(false);
            });
        })
    };
    let onrecorded = {
        let (open, onchanged) = (open.clone(), props.onchanged.clone());
        Callback::from(move |()| {
            open.set(false);
            onchanged.emit(());
        })
    };
    let title_id = format!("remove-adoption-{id}-title");
    html! {
        <div class="adoption__actions">
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            if *open {
                <NextStage adoption={props.adoption.clone()} who={who.clone()} {onrecorded} oncancel={set(&open, false)} />
            } else if *confirming {
                <div class="confirm" role="alertdialog" aria-labelledby={title_id.clone()}>
                    <h4 id={title_id} class="confirm__title">{ format!("Remove the adoption by {who}?") }</h4>
                    <p>{ "Its stages go with it, and the spread it showed is worked out again without it. To say it stopped, record the stage “Dropped” instead." }</p>
                    <div class="button-group">
                        <button type="button" class="button button--warning" onclick={remove} disabled={*busy}>{ "Yes, remove it" }</button>
                        <button type="button" class="button button--secondary" onclick={set(&confirming, false)}>{ "Cancel" }</button>
                    </div>
                </div>
            } else {
                <div class="button-group">
                    <button type="button" class="button button--secondary button--small" onclick={set(&open, true)}>
                        { "Record next stage" }<span class="visually-hidden">{ format!(" of the adoption by {who}") }</span>
                    </button>
                    <button type="button" class="button button--secondary button--small" onclick={set(&confirming, true)}>
                        { "Remove" }<span class="visually-hidden">{ format!(" the adoption by {who}") }</span>
                    </button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NextStageProps {
    adoption: Adoption,
    who: String,
    onrecorded: Callback<()>,
    oncancel: Callback<MouseEvent>,
}

/// The next stage, its date (today unless said) and a note.
#[function_component(NextStage)]
fn next_stage(props: &NextStageProps) -> Html {
    let stage = use_state(|| likely_next(props.adoption.stage));
    let on = use_state(|| today().to_string());
    let note = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let id = props.adoption.id;
    let prefix = format!("adoption-{id}-");
    let onsubmit = {
        let (stage, on, note, errors, message, busy, onrecorded, prefix) = (
            stage.clone(),
            on.clone(),
            note.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onrecorded.clone(),
            prefix.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let Ok(day) = on.parse() else {
                errors.set(vec![FieldError::new(
                    format!("{prefix}on"),
                    "Enter the date it was reached, like 2026-05-03",
                )]);
                return;
            };
            let input = StageInput {
                stage: *stage,
                on: Some(day),
                note: Some((*note).clone()).filter(|n| !n.trim().is_empty()),
            };
            if let Err(found) = input.validate(today()) {
                errors.set(prefixed(&prefix, found.0));
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onrecorded, prefix) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onrecorded.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::record_stage(id, &input).await {
                    Ok(_) => onrecorded.emit(()),
                    Err(error) => {
                        errors.set(prefixed(&prefix, error.fields()));
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let stages: Vec<(String, String)> = AdoptionStage::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect();
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let field = |name: &str| format!("{prefix}{name}");
    html! {
        <form class="adoption__next" {onsubmit} novalidate=true aria-label={format!("Next stage of the adoption by {}", props.who)}>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <SelectField name={field("stage")} label="Next stage" options={stages} value={stage.as_str()}
                onchange={{ let stage = stage.clone(); Callback::from(move |v: String| if let Some(s) = AdoptionStage::parse(&v) { stage.set(s) }) }}
                error={error_for(&errors, &field("stage"))} />
            <TextField name={field("on")} label="Date reached" input_type="date" width="10" value={(*on).clone()}
                max={today().to_string()} oninput={text(&on)} error={error_for(&errors, &field("on"))} />
            <TextArea name={field("note")} label="Note (optional)" hint="What changed, what helped or got in the way"
                value={(*note).clone()} oninput={text(&note)} error={error_for(&errors, &field("note"))} rows={2} />
            <div class="button-group">
                <Submit label="Save the stage" busy={*busy} />
                <button type="button" class="button button--secondary" onclick={props.oncancel.clone()}>{ "Cancel" }</button>
            </div>
        </form>
    }
}
