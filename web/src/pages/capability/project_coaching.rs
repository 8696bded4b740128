//! The coaching section of a project page: the project's coaching sessions (notes and agreed
//! actions only for the team) and, for its coach, a form to record one.

use chrono::{DateTime, NaiveDate};
use qi_shared::uk_time;
use qi_shared::{
    FieldError,
    coaching::{CoachingModel, CoachingSessionInput, CoachingSessionPage},
    tier::long_date,
};
use yew::prelude::*;

use crate::{
    api::capability as api,
    components::{
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for},
        pagination::Pagination,
        states::{Empty, Loading},
    },
    hooks::{Load, use_load},
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub project_id: i64,
}

#[function_component(ProjectCoaching)]
pub fn project_coaching(props: &Props) -> Html {
    let page = use_state(|| 1_u64);
    // Bumped after a change, to load the list again.
    let reload = use_state(|| 0_u32);
    let sessions = use_load(
        (props.project_id, *page, *reload),
        |(id, page, _)| async move { api::sessions(id, page).await },
    );
    let onrecorded = {
        let (reload, page) = (reload.clone(), page.clone());
        Callback::from(move |_| {
            page.set(1);
            reload.set(*reload + 1);
        })
    };
    html! {
        <section class="coaching" aria-labelledby="coaching-title" id="coaching">
            <h3 id="coaching-title">{ "Coaching sessions" }</h3>
            { match &*sessions {
                Load::Loading => html! { <Loading /> },
                // The section is part of the project page: a failure here should not hide it.
                Load::Failed(error) => html! { <p class="error-message" role="alert">{ error.message() }</p> },
                Load::Loaded(list) => html! {
                    <>
                        { session_list(list) }
                        <Pagination info={list.page} onchange={{ let page = page.clone(); Callback::from(move |p| page.set(p)) }} />
                        if list.can_record {
                            <RecordForm project_id={props.project_id} {onrecorded} />
                        }
                    </>
                },
            } }
        </section>
    }
}

fn session_list(list: &CoachingSessionPage) -> Html {
    if list.items.is_empty() {
        return html! { <Empty>{ "No coaching sessions recorded yet." }</Empty> };
    }
    html! {
        <>
            if !list.notes_visible {
                <p class="hint">{ "Notes and agreed actions are for the project team and its coach only." }</p>
            }
            <ul class="coaching-sessions">
                { for list.items.iter().map(|s| html! {
                    <li class="coaching-session">
                        <p><strong>{ long_date(s.held_on) }</strong>
                            { format!(": {} minutes, {}, with {}", s.minutes, s.model.label(), s.coach_name) }</p>
                        if let Some(notes) = s.notes.as_ref().filter(|n| !n.is_empty()) {
                            <p class="coaching-session__notes"><span class="label">{ "Notes: " }</span>{ notes }</p>
                        }
                        if let Some(actions) = s.actions.as_ref().filter(|a| !a.is_empty()) {
                            <p class="coaching-session__actions"><span class="label">{ "Agreed actions: " }</span>{ actions }</p>
                        }
                    </li>
                }) }
            </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    project_id: i64,
    onrecorded: Callback<()>,
}

/// Today in the UK, as the server judges "not in the future" (`chrono`'s clock is not available
/// in the browser).
fn today() -> NaiveDate {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
        .map(uk_time::day_of)
        .unwrap_or_default()
}

#[derive(Clone, PartialEq)]
struct Draft {
    held_on: String,
    minutes: String,
    model: CoachingModel,
    notes: String,
    actions: String,
}

impl Draft {
    fn empty() -> Self {
        Self {
            held_on: today().to_string(),
            minutes: "60".to_owned(),
            model: CoachingModel::Grow,
            notes: String::new(),
            actions: String::new(),
        }
    }

    /// The input, or the fields that do not parse.
    fn input(&self) -> Result<CoachingSessionInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let held_on = self.held_on.parse().map_err(|_| {
            errors.push(FieldError::new(
                "held_on",
                "Enter the date, like 2026-05-03",
            ));
        });
        let minutes = self.minutes.trim().parse().map_err(|_| {
            errors.push(FieldError::new(
                "minutes",
                "Enter the length in whole minutes",
            ));
        });
        match (held_on, minutes) {
            (Ok(held_on), Ok(minutes)) => {
                let input = CoachingSessionInput {
                    held_on,
                    minutes,
                    model: self.model,
                    notes: self.notes.clone(),
                    actions: self.actions.clone(),
                };
                input.validate(today()).map_err(|e| e.0)
            }
            _ => Err(errors),
        }
    }
}

/// The coach's form to record a session.
#[function_component(RecordForm)]
fn record_form(props: &FormProps) -> Html {
    let draft = use_state(Draft::empty);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let update = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut d = (*draft).clone();
            f(&mut d, value);
            draft.set(d);
        })
    };
    let onsubmit = {
        let (draft, errors, message, busy) =
            (draft.clone(), errors.clone(), message.clone(), busy.clone());
        let (id, onrecorded) = (props.project_id, props.onrecorded.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match draft.input() {
                Ok(input) => input,
                Err(found) => {
                    errors.set(found);
                    return;
                }
            };
            busy.set(true);
            let (draft, errors, message, busy, onrecorded) = (
                draft.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                onrecorded.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::record_session(id, &input).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        message.set(None);
                        draft.set(Draft::empty());
                        onrecorded.emit(());
                    }
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let d = &*draft;
    let models: Vec<(String, String)> = CoachingModel::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()))
        .collect();
    html! {
        <div class="panel" id="record-session">
            <h4>{ "Record a coaching session" }</h4>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="held_on" label="Date" input_type="date" value={d.held_on.clone()}
                    oninput={update(|d, v| d.held_on = v)} error={error_for(&errors, "held_on")} width="10" />
                <TextField name="minutes" label="Length (minutes)" input_type="number" value={d.minutes.clone()}
                    oninput={update(|d, v| d.minutes = v)} error={error_for(&errors, "minutes")} width="4" />
                <SelectField name="model" label="Coaching model" options={models} value={d.model.as_str()}
                    onchange={update(|d, v| if let Some(m) = CoachingModel::parse(&v) { d.model = m })}
                    error={error_for(&errors, "model")} />
                <TextArea name="notes" label="Notes" hint="Seen only by the project team and its coach"
                    value={d.notes.clone()} oninput={update(|d, v| d.notes = v)} error={error_for(&errors, "notes")} />
                <TextArea name="actions" label="Agreed actions" value={d.actions.clone()}
                    oninput={update(|d, v| d.actions = v)} error={error_for(&errors, "actions")} rows={3} />
                <Submit label="Record session" busy={*busy} />
            </form>
        </div>
    }
}
