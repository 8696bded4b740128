//! Opening an event's call for submissions, or changing it, for the event's managers: what it
//! asks for, the kinds it takes, the deadline (entered as the UK wall clock shows it) and the
//! rubric of 1 to 8 weighted criteria, added and removed row by row. Checked with the shared
//! rules before sending, so the form refuses exactly what the server would.

use chrono::{NaiveDate, NaiveTime};
use qi_shared::{
    FieldError,
    event::{
        Event,
        submission::{Call, CallInput, CriterionInput, MAX_CRITERIA, MAX_WEIGHT, SubmissionKind},
    },
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        form::{Checkbox, ErrorSummary, SelectField, Submit, TextArea, TextField, error_for},
        states::{ErrorPanel, Forbidden, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

async fn load(id: i64) -> Result<(Event, Option<Call>), ApiError> {
    let event = api::events::event(id, true).await?;
    let call = match api::submissions::call_for(id).await {
        Ok(call) => Some(call),
        Err(error) if error.is_not_found() => None,
        Err(error) => return Err(error),
    };
    Ok((event, call))
}

/// The form as typed: the deadline stays text until saved.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    intro: String,
    kinds: Vec<SubmissionKind>,
    date: String,
    time: String,
    criteria: Vec<CriterionInput>,
}

fn blank_criterion() -> CriterionInput {
    CriterionInput {
        name: String::new(),
        description: String::new(),
        weight: 1,
    }
}

impl Draft {
    fn of(call: Option<&Call>) -> Self {
        match call {
            Some(c) => {
                let deadline = uk_time::local(c.deadline);
                Self {
                    intro: c.intro.clone(),
                    kinds: c.kinds.clone(),
                    date: deadline.format("%Y-%m-%d").to_string(),
                    time: deadline.format("%H:%M").to_string(),
                    criteria: c
                        .criteria
                        .iter()
                        .map(|k| CriterionInput {
                            name: k.name.clone(),
                            description: k.description.clone(),
                            weight: k.weight,
                        })
                        .collect(),
                }
            }
            // Most calls close at the end of a working day.
            None => Self {
                intro: String::new(),
                kinds: vec![SubmissionKind::Poster],
                date: String::new(),
                time: "17:00".to_owned(),
                criteria: vec![blank_criterion()],
            },
        }
    }

    /// The draft as sent, with the error of a deadline that does not parse.
    fn parse(&self) -> (CallInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let day = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok();
        let at = NaiveTime::parse_from_str(self.time.trim(), "%H:%M").ok();
        let deadline = match (day, at) {
            (Some(day), Some(at)) => uk_time::instant(day.and_time(at)),
            (None, _) => {
                errors.push(FieldError::new(
                    "deadline",
                    "Enter the date of the deadline",
                ));
                chrono::DateTime::UNIX_EPOCH
            }
            (_, None) => {
                errors.push(FieldError::new(
                    "deadline_time",
                    "Enter the time of the deadline",
                ));
                chrono::DateTime::UNIX_EPOCH
            }
        };
        let input = CallInput {
            intro: self.intro.clone(),
            kinds: self.kinds.clone(),
            deadline,
            criteria: self.criteria.clone(),
        };
        (input, errors)
    }
}

#[function_component(CallForm)]
pub fn call_form(props: &Props) -> Html {
    let loaded = use_load(props.id, load);
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded((event, _)) if !event.can_manage => html! { <Forbidden /> },
        Load::Loaded((event, call)) => html! {
            <Form event_id={event.id} event_title={event.title.clone()} opening={call.is_none()}
                draft={Draft::of(call.as_ref())} />
        },
    }
}

/// Errors in the order of the fields: the call's, then each criterion's in its row.
fn in_order(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    let rank = |field: &str| -> (usize, usize, usize) {
        let part = |name: &str| {
            ["name", "description", "weight"]
                .iter()
                .position(|p| name.ends_with(p))
                .unwrap_or_default()
        };
        match field {
            "intro" => (0, 0, 0),
            "kinds" => (1, 0, 0),
            "deadline" => (2, 0, 0),
            "deadline_time" => (3, 0, 0),
            "criteria" => (4, 0, 0),
            f => {
                let row = f
                    .strip_prefix("criteria[")
                    .and_then(|rest| rest.split(']').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(usize::MAX);
                (5, row, part(f))
            }
        }
    };
    errors.sort_by_key(|e| rank(&e.field));
    errors
}

#[derive(Properties, PartialEq)]
struct FormProps {
    event_id: i64,
    event_title: String,
    /// No call yet: the form opens one.
    opening: bool,
    draft: Draft,
}

#[function_component(Form)]
fn form(props: &FormProps) -> Html {
    let navigator = use_navigator();
    let draft = use_state(|| props.draft.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let title = if props.opening {
        "Open a call for submissions"
    } else {
        "Edit the call"
    };
    crate::browser::set_title(&format!("{title}: {}", props.event_title));
    let update = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut next = (*draft).clone();
            apply(&mut next, v);
            draft.set(next);
        })
    };
    let onsubmit = {
        let (draft, errors, message, busy, navigator) = (
            draft.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            navigator.clone(),
        );
        let id = props.event_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let (input, mut local) = draft.parse();
            let input = match input.validate() {
                Ok(input) if local.is_empty() => input,
                Ok(_) => {
                    errors.set(in_order(local));
                    return;
                }
                Err(more) => {
                    local.extend(more.0);
                    errors.set(in_order(local));
                    return;
                }
            };
            errors.set(Vec::new());
            let (errors, message, busy, navigator) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::submissions::set_call(id, &input).await {
                    Ok(_) => {
                        if let Some(n) = navigator {
                            n.push(&Route::EventCall { id });
                        }
                    }
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(in_order(error.fields()));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let d = &*draft;
    let kind = |k: SubmissionKind| {
        let draft = draft.clone();
        let onchange = Callback::from(move |on: bool| {
            let mut next = (*draft).clone();
            next.kinds.retain(|x| *x != k);
            if on {
                next.kinds.push(k);
                // In the order the kinds are always listed, whatever order they were ticked in.
                next.kinds
                    .sort_by_key(|x| SubmissionKind::ALL.iter().position(|a| a == x));
            }
            draft.set(next);
        });
        html! {
            <Checkbox id={format!("kinds-{}", k.as_str())} label={k.label()} checked={d.kinds.contains(&k)} {onchange} />
        }
    };
    let kinds_error = error_for(&errors, "kinds");
    let criteria_error = error_for(&errors, "criteria");
    let add = {
        let (draft, errors) = (draft.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            next.criteria.push(blank_criterion());
            draft.set(next);
            errors.set(Vec::new());
        })
    };
    // Errors name criteria by their row, so they go with a removed row's place.
    let remove = |i: usize| {
        let (draft, errors) = (draft.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            if i < next.criteria.len() {
                next.criteria.remove(i);
            }
            draft.set(next);
            errors.set(Vec::new());
        })
    };
    let weights: Vec<(String, String)> = (1..=MAX_WEIGHT)
        .map(|w| (w.to_string(), w.to_string()))
        .collect();
    let criterion = |i: usize, c: &CriterionInput| {
        let n = i + 1;
        let set = |apply: fn(&mut CriterionInput, String)| {
            let draft = draft.clone();
            Callback::from(move |v: String| {
                let mut next = (*draft).clone();
                if let Some(c) = next.criteria.get_mut(i) {
                    apply(c, v);
                }
                draft.set(next);
            })
        };
        let field = |part: &str| format!("criteria[{i}].{part}");
        html! {
            <fieldset class="fieldset criterion">
                <legend class="fieldset__legend">{ format!("Criterion {n}") }</legend>
                <TextField name={field("name")} label={format!("Criterion {n}: name")} hint="For example: Impact on patients"
                    value={c.name.clone()} oninput={set(|c, v| c.name = v)} error={error_for(&errors, &field("name"))} />
                <TextField name={field("description")} label={format!("Criterion {n}: what reviewers look for")} hint="Optional"
                    value={c.description.clone()} oninput={set(|c, v| c.description = v)} error={error_for(&errors, &field("description"))} />
                <SelectField name={field("weight")} label={format!("Criterion {n}: weight")} hint="1 to 10: how much it counts against the others"
                    options={weights.clone()} value={c.weight.to_string()}
                    onchange={set(|c, v| c.weight = v.parse().unwrap_or(c.weight))} error={error_for(&errors, &field("weight"))} />
                if d.criteria.len() > 1 {
                    <p>
                        <button type="button" class="button button--secondary button--small" onclick={remove(i)}>
                            { "Remove" }<span class="visually-hidden">{ format!(" criterion {n}") }</span>
                        </button>
                    </p>
                }
            </fieldset>
        }
    };
    html! {
        <div class="narrow">
            <p><Link<Route> to={Route::EventCall { id: props.event_id }} classes="back-link">{ "Back to the call" }</Link<Route>></p>
            <span class="caption">{ &props.event_title }</span>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextArea name="intro" label="What the call asks for" hint="Who may submit, what you are looking for and what happens next; a blank line between paragraphs"
                    value={d.intro.clone()} oninput={update(|d, v| d.intro = v)} error={error_for(&errors, "intro")} rows={8} />
                <div class={classes!("form-group", kinds_error.is_some().then_some("form-group--error"))}>
                    <fieldset class="fieldset" id="kinds" aria-describedby={kinds_error.as_ref().map(|_| "kinds-error")}>
                        <legend class="fieldset__legend">{ "Kinds of submission it takes" }</legend>
                        if let Some(error) = &kinds_error {
                            <p class="error-message" id="kinds-error"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                        }
                        <div class="checkboxes">{ for SubmissionKind::ALL.iter().map(|k| kind(*k)) }</div>
                    </fieldset>
                </div>
                <p class="hint">{ "The deadline is UK time (BST in summer). Submissions are taken until then; reviews open after it." }</p>
                <div class="field-row">
                    <TextField name="deadline" label="Deadline date" input_type="date" value={d.date.clone()}
                        oninput={update(|d, v| d.date = v)} error={error_for(&errors, "deadline")} />
                    <TextField name="deadline_time" label="Deadline time" input_type="time" value={d.time.clone()}
                        oninput={update(|d, v| d.time = v)} error={error_for(&errors, "deadline_time")} />
                </div>
                <div class={classes!("form-group", criteria_error.is_some().then_some("form-group--error"))}>
                    <fieldset class="fieldset" id="criteria" aria-describedby={criteria_error.as_ref().map(|_| "criteria-error")}>
                        <legend class="fieldset__legend">{ "The rubric" }</legend>
                        <p class="hint">{ format!("Reviewers score each criterion from 1 to 5; weights say how much each counts. 1 to {MAX_CRITERIA} criteria, each named once.") }</p>
                        if let Some(error) = &criteria_error {
                            <p class="error-message" id="criteria-error"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                        }
                        { for d.criteria.iter().enumerate().map(|(i, c)| criterion(i, c)) }
                        if d.criteria.len() < MAX_CRITERIA {
                            <p><button type="button" class="button button--secondary" onclick={add}>{ "Add a criterion" }</button></p>
                        } else {
                            <p class="hint">{ format!("That is the most: {MAX_CRITERIA} criteria.") }</p>
                        }
                    </fieldset>
                </div>
                <Submit label={if props.opening { "Open the call" } else { "Save the call" }} busy={*busy} />
            </form>
        </div>
    }
}
