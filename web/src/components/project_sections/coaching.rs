//! The coaching section of a project page: the project's coaching sessions (notes and agreed
//! actions only for the team) and, for its coach, a form to record one and to change or remove
//! the sessions they recorded.

use qi_shared::{
    FieldError,
    capability::coaching::{
        CoachingModel, CoachingSession, CoachingSessionInput, CoachingSessionPage,
    },
    capability::long_date,
};
use yew::prelude::*;

use crate::{
    api::capability as api,
    browser::today,
    components::{
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for},
        pagination::Pagination,
        states::{Empty, Loading},
    },
    hooks::{Load, use_load},
    session::use_session,
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
    // The session the coach is changing, if any (the form then changes it).
    let editing = use_state(|| None::<CoachingSession>);
    let me = use_session().actor().map(|a| a.person_id);
    let onrecorded = {
        let (reload, page, editing) = (reload.clone(), page.clone(), editing.clone());
        Callback::from(move |_| {
            if editing.is_none() {
                page.set(1);
            }
            editing.set(None);
            reload.set(*reload + 1);
        })
    };
    let onchanged = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let onedit = {
        let editing = editing.clone();
        Callback::from(move |s: CoachingSession| editing.set(Some(s)))
    };
    let oncancel = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(None))
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
                        { session_list(list, me, &onedit, &onchanged) }
                        <Pagination info={list.page} onchange={{ let page = page.clone(); Callback::from(move |p| page.set(p)) }} />
                        if list.can_record || editing.is_some() {
                            <RecordForm key={editing.as_ref().map_or(0, |s| s.id)} project_id={props.project_id}
                                editing={(*editing).clone()} {onrecorded} {oncancel} />
                        }
                    </>
                },
            } }
        </section>
    }
}

fn session_list(
    list: &CoachingSessionPage,
    me: Option<i64>,
    onedit: &Callback<CoachingSession>,
    onchanged: &Callback<()>,
) -> Html {
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
                        // Only the coach who recorded a session may change or remove it.
                        if me == Some(s.coach_id) {
                            <SessionActions session={s.clone()} onedit={onedit.clone()} onchanged={onchanged.clone()} />
                        }
                    </li>
                }) }
            </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ActionProps {
    session: CoachingSession,
    onedit: Callback<CoachingSession>,
    onchanged: Callback<()>,
}

/// "Change" and "Remove" (after a confirmation) for a session the signed-in coach recorded.
#[function_component(SessionActions)]
fn session_actions(props: &ActionProps) -> Html {
    let confirming = use_state(|| false);
    let message = use_state(|| None::<String>);
    let date = long_date(props.session.held_on);
    let edit = {
        let (onedit, session) = (props.onedit.clone(), props.session.clone());
        Callback::from(move |_: MouseEvent| onedit.emit(session.clone()))
    };
    let remove = {
        let (confirming, message, onchanged, id) = (
            confirming.clone(),
            message.clone(),
            props.onchanged.clone(),
            props.session.id,
        );
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (message, onchanged) = (message.clone(), onchanged.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::remove_session(id).await {
                    Ok(()) => onchanged.emit(()),
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    html! {
        <div class="button-group">
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            if *confirming {
                <p role="alert">{ format!("Remove the session of {date}? Its notes and actions go with it.") }</p>
                <button type="button" class="button button--warning button--small" onclick={remove}>{ format!("Yes, remove the session of {date}") }</button>
                <button type="button" class="button button--secondary button--small" onclick={cancel}>{ "Keep it" }</button>
            } else {
                <button type="button" class="button button--secondary button--small" onclick={edit}>{ format!("Change the session of {date}") }</button>
                <button type="button" class="button button--secondary button--small" onclick={remove}>{ format!("Remove the session of {date}") }</button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    project_id: i64,
    /// The session being changed; a new one is recorded when `None`.
    editing: Option<CoachingSession>,
    onrecorded: Callback<()>,
    oncancel: Callback<()>,
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

    fn of(s: &CoachingSession) -> Self {
        Self {
            held_on: s.held_on.to_string(),
            minutes: s.minutes.to_string(),
            model: s.model,
            notes: s.notes.clone().unwrap_or_default(),
            actions: s.actions.clone().unwrap_or_default(),
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

/// The coach's form to record a session, or to change one they recorded.
#[function_component(RecordForm)]
fn record_form(props: &FormProps) -> Html {
    let draft = {
        let editing = props.editing.clone();
        use_state(move || editing.as_ref().map_or_else(Draft::empty, Draft::of))
    };
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
        let editing = props.editing.as_ref().map(|s| s.id);
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
                let saved = match editing {
                    Some(session) => api::change_session(session, &input).await,
                    None => api::record_session(id, &input).await,
                };
                match saved {
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
    let (heading, label) = match &props.editing {
        Some(s) => (
            format!("Change the session of {}", long_date(s.held_on)),
            "Save the session",
        ),
        None => ("Record a coaching session".to_owned(), "Record session"),
    };
    let cancel = {
        let oncancel = props.oncancel.clone();
        Callback::from(move |_: MouseEvent| oncancel.emit(()))
    };
    html! {
        <div class="panel" id="record-session">
            <h4>{ heading }</h4>
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
                <div class="button-group">
                    <Submit label={label} busy={*busy} />
                    if props.editing.is_some() {
                        <button type="button" class="button button--secondary" onclick={cancel}>{ "Cancel" }</button>
                    }
                </div>
            </form>
        </div>
    }
}
