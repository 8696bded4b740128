//! Add a cohort to a course, or change one: dates, place, capacity, facilitators, shared places
//! per organisation and the sessions.

use chrono::{NaiveDate, NaiveDateTime};
use qi_shared::uk_time;
use qi_shared::{
    FieldError,
    person::DirectoryEntry,
    training::{AllocationInput, CohortInput, SessionInput},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::form::{Checkbox, ErrorSummary, SelectField, TextField, error_for},
    components::states::{ErrorPanel, Loading},
    hooks::{Load, use_load, use_organisation_options},
    route::TrainingRoute,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The course of a new cohort.
    pub course_id: Option<i64>,
    /// The cohort to change.
    pub cohort_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct SessionDraft {
    id: Option<i64>,
    title: String,
    starts: String,
    minutes: String,
}

/// The form as typed: dates and numbers stay text until saved.
#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    course_id: i64,
    name: String,
    start: String,
    end: String,
    venue: String,
    online_link: String,
    capacity: String,
    partnership_wide: bool,
    allocations: Vec<(String, String)>,
    facilitators: Vec<(i64, String)>,
    sessions: Vec<SessionDraft>,
    /// The version the edits are made against (0 for a new cohort).
    version: i64,
}

#[function_component(CohortForm)]
pub fn cohort_form(props: &Props) -> Html {
    let loaded = use_load(
        (props.course_id, props.cohort_id),
        |(course_id, cohort_id)| async move {
            match cohort_id {
                Some(id) => {
                    let c = api::training::cohort(id).await?;
                    Ok::<_, ApiError>(Draft {
                        course_id: c.summary.course_id,
                        name: c.summary.name.clone(),
                        start: c.summary.start_date.to_string(),
                        end: c.summary.end_date.to_string(),
                        venue: c.venue.clone(),
                        online_link: c.online_link.clone(),
                        capacity: c.summary.capacity.to_string(),
                        partnership_wide: c.summary.partnership_wide,
                        allocations: c
                            .allocations
                            .iter()
                            .map(|a| (a.organisation_id.to_string(), a.places.to_string()))
                            .collect(),
                        facilitators: c
                            .facilitators
                            .iter()
                            .map(|f| (f.id, f.name.clone()))
                            .collect(),
                        sessions: c
                            .sessions
                            .iter()
                            .map(|s| SessionDraft {
                                id: Some(s.id),
                                title: s.title.clone(),
                                starts: uk_time::local(s.starts_at)
                                    .format("%Y-%m-%dT%H:%M")
                                    .to_string(),
                                minutes: s.length_minutes.to_string(),
                            })
                            .collect(),
                        version: c.version,
                    })
                }
                None => Ok(Draft {
                    course_id: course_id.unwrap_or_default(),
                    capacity: "20".to_owned(),
                    sessions: vec![SessionDraft {
                        title: "Session 1".to_owned(),
                        minutes: "180".to_owned(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            }
        },
    );
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(draft) => html! { <Form cohort_id={props.cohort_id} draft={draft.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    cohort_id: Option<i64>,
    draft: Draft,
}

/// Reads the draft into an input, with the errors of what does not parse.
fn parse(d: &Draft) -> (CohortInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut date = |field: &str, raw: &str| match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
    {
        Ok(d) => d,
        Err(_) => {
            errors.push(FieldError::new(field, "Enter a date"));
            NaiveDate::MIN
        }
    };
    let start_date = date("start_date", &d.start);
    let end_date = date("end_date", &d.end);
    let capacity = d.capacity.trim().parse().unwrap_or_else(|_| {
        errors.push(FieldError::new("capacity", "Give the number of places"));
        1
    });
    let allocations = d
        .allocations
        .iter()
        .enumerate()
        .map(|(i, (org, places))| AllocationInput {
            organisation_id: org.parse().unwrap_or_else(|_| {
                errors.push(FieldError::new(
                    format!("allocations[{i}].organisation_id"),
                    "Choose an organisation",
                ));
                0
            }),
            places: places.trim().parse().unwrap_or_else(|_| {
                errors.push(FieldError::new(
                    format!("allocations[{i}].places"),
                    "Give a number of places",
                ));
                1
            }),
        })
        .collect();
    let sessions = d
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| SessionInput {
            id: s.id,
            title: s.title.clone(),
            starts_at: NaiveDateTime::parse_from_str(s.starts.trim(), "%Y-%m-%dT%H:%M")
                .map(uk_time::instant)
                .unwrap_or_else(|_| {
                    errors.push(FieldError::new(
                        format!("sessions[{i}].starts_at"),
                        "Enter the date and time it starts",
                    ));
                    chrono::DateTime::UNIX_EPOCH
                }),
            length_minutes: s.minutes.trim().parse().unwrap_or_else(|_| {
                errors.push(FieldError::new(
                    format!("sessions[{i}].length_minutes"),
                    "Give its length in minutes",
                ));
                1
            }),
        })
        .collect();
    let input = CohortInput {
        name: d.name.clone(),
        start_date,
        end_date,
        venue: d.venue.clone(),
        online_link: d.online_link.clone(),
        capacity,
        facilitator_ids: d.facilitators.iter().map(|f| f.0).collect(),
        partnership_wide: d.partnership_wide,
        allocations: if d.partnership_wide {
            allocations
        } else {
            Vec::new()
        },
        sessions,
    };
    (input, errors)
}

/// A change to the draft from a field's new text.
type Edit = Box<dyn Fn(&mut Draft, String)>;

#[function_component(Form)]
fn form(props: &FormProps) -> Html {
    let navigator = use_navigator();
    let draft = use_state(|| props.draft.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let search = use_state(String::new);
    let found = use_state(Vec::<DirectoryEntry>::new);
    let organisations = use_organisation_options(Some("Choose an organisation"), true);
    let title = if props.cohort_id.is_some() {
        "Change the cohort"
    } else {
        "Add a cohort"
    };
    crate::browser::set_title(title);
    let edit = |apply: Edit| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut next = (*draft).clone();
            apply(&mut next, v);
            draft.set(next);
        })
    };
    let click = |apply: Box<dyn Fn(&mut Draft)>| {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            apply(&mut next);
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
        let cohort_id = props.cohort_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (input, mut local) = parse(&draft);
            if local.is_empty()
                && let Err(more) = input.validate()
            {
                local.extend(more.0);
            }
            if !local.is_empty() {
                errors.set(local);
                return;
            }
            let course_id = draft.course_id;
            let (errors, message, busy, navigator, draft) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
                draft.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match cohort_id {
                    Some(id) => api::training::update_cohort(id, draft.version, &input).await,
                    None => api::training::create_cohort(course_id, &input).await,
                };
                busy.set(false);
                match saved {
                    Ok(c) => {
                        if let Some(n) = navigator {
                            n.push(&TrainingRoute::Cohort { id: c.summary.id });
                        }
                    }
                    Err(error) if error.is_stale() => {
                        // Keep their edits; the next save is made against the latest version.
                        if let Some(id) = cohort_id
                            && let Ok(latest) = api::training::cohort(id).await
                        {
                            draft.set(Draft {
                                version: latest.version,
                                ..(*draft).clone()
                            });
                        }
                        message.set(Some(super::CHANGED_MEANWHILE.to_owned()));
                    }
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(error.fields());
                    }
                }
            });
        })
    };
    let find_people = {
        let (search, found) = (search.clone(), found.clone());
        Callback::from(move |_: MouseEvent| {
            let (q, found) = ((*search).clone(), found.clone());
            wasm_bindgen_futures::spawn_local(async move {
                found.set(api::directory(&q).await.unwrap_or_default());
            });
        })
    };
    let confirming = use_state(|| false);
    let remove = {
        let (confirming, message, navigator) =
            (confirming.clone(), message.clone(), navigator.clone());
        let (id, course_id) = (props.cohort_id, draft.course_id);
        Callback::from(move |_: MouseEvent| {
            let Some(id) = id else { return };
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (message, navigator) = (message.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::delete_cohort(id).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&TrainingRoute::Course { id: course_id });
                        }
                    }
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let d = &*draft;
    html! {
        <div class="narrow">
            <p>{ match props.cohort_id {
                Some(id) => html! { <Link<TrainingRoute> to={TrainingRoute::Cohort { id }} classes="back-link">{ "Back to the cohort" }</Link<TrainingRoute>> },
                None => html! { <Link<TrainingRoute> to={TrainingRoute::Course { id: d.course_id }} classes="back-link">{ "Back to the course" }</Link<TrainingRoute>> },
            } }</p>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="name" label="Name" hint="For example: Wave 3, spring 2027" value={d.name.clone()} oninput={edit(Box::new(|d, v| d.name = v))} error={error_for(&errors, "name")} />
                <TextField name="start_date" label="First day" input_type="date" value={d.start.clone()} oninput={edit(Box::new(|d, v| d.start = v))} error={error_for(&errors, "start_date")} />
                <TextField name="end_date" label="Last day" input_type="date" value={d.end.clone()} oninput={edit(Box::new(|d, v| d.end = v))} error={error_for(&errors, "end_date")} />
                <TextField name="venue" label="Venue" hint="Where it meets; or give an online link" value={d.venue.clone()} oninput={edit(Box::new(|d, v| d.venue = v))} error={error_for(&errors, "venue")} />
                <TextField name="online_link" label="Online link" hint="https://…" value={d.online_link.clone()} oninput={edit(Box::new(|d, v| d.online_link = v))} error={error_for(&errors, "online_link")} />
                <TextField name="capacity" label="Places" value={d.capacity.clone()} oninput={edit(Box::new(|d, v| d.capacity = v))} error={error_for(&errors, "capacity")} width="4" />

                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Facilitators" }</legend>
                    <div class="hint">{ "They run the sessions and record attendance." }</div>
                    if let Some(e) = error_for(&errors, "facilitator_ids") { <p class="error-message">{ e }</p> }
                    <ul class="chosen">
                        { for d.facilitators.iter().enumerate().map(|(i, (id, name))| {
                            let id = *id;
                            html! { <li id={format!("facilitator_ids-{i}")}>{ name }{ " " }
                                <button type="button" class="button button--secondary button--small"
                                    onclick={click(Box::new(move |d| d.facilitators.retain(|f| f.0 != id)))}>{ format!("Remove {name}") }</button>
                                if let Some(e) = error_for(&errors, &format!("facilitator_ids[{i}]")) { <p class="error-message">{ e }</p> }
                            </li> }
                        }) }
                    </ul>
                    <TextField name="facilitator_search" label="Find a person" value={(*search).clone()} oninput={{ let s = search.clone(); Callback::from(move |v| s.set(v)) }} />
                    <button type="button" class="button button--secondary" onclick={find_people}>{ "Find" }</button>
                    <ul>
                        { for found.iter().filter(|p| !d.facilitators.iter().any(|f| f.0 == p.id)).map(|p| {
                            let (id, name) = (p.id, p.name.clone());
                            html! { <li>{ format!("{} ({})", p.name, p.organisation_name) }{ " " }
                                <button type="button" class="button button--secondary button--small"
                                    onclick={click(Box::new(move |d| d.facilitators.push((id, name.clone()))))}>{ format!("Add {}", p.name) }</button>
                            </li> }
                        }) }
                    </ul>
                </fieldset>

                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Shared places" }</legend>
                    <Checkbox id="partnership_wide" label="Partnership-wide: open to people of every organisation" checked={d.partnership_wide}
                        hint="Unticked, the cohort is for the people of the organisation that runs the course. Give organisations allocations to share the places: each may take up to its own until you release the unused places. With none, places go first come, first served."
                        onchange={{ let draft = draft.clone(); Callback::from(move |on: bool| { let mut next = (*draft).clone(); next.partnership_wide = on; draft.set(next); }) }} />
                    if let Some(e) = error_for(&errors, "allocations") { <p class="error-message" id="allocations">{ e }</p> }
                    if d.partnership_wide {
                        { for d.allocations.iter().enumerate().map(|(i, (org, places))| html! {
                            <div class="row">
                                <SelectField name={format!("allocations[{i}].organisation_id")} label={format!("Organisation {}", i + 1)} options={organisations.clone()} value={org.clone()}
                                    onchange={edit(Box::new(move |d, v| if let Some(a) = d.allocations.get_mut(i) { a.0 = v }))} error={error_for(&errors, &format!("allocations[{i}].organisation_id"))} />
                                <TextField name={format!("allocations[{i}].places")} label={format!("Places for organisation {}", i + 1)} value={places.clone()} width="3"
                                    oninput={edit(Box::new(move |d, v| if let Some(a) = d.allocations.get_mut(i) { a.1 = v }))} error={error_for(&errors, &format!("allocations[{i}].places"))} />
                                <button type="button" class="button button--secondary button--small" onclick={click(Box::new(move |d| { if i < d.allocations.len() { d.allocations.remove(i); } }))}>{ format!("Remove allocation {}", i + 1) }</button>
                            </div>
                        }) }
                        <button type="button" class="button button--secondary" onclick={click(Box::new(|d| d.allocations.push((String::new(), "10".to_owned()))))}>{ "Add an allocation" }</button>
                    }
                </fieldset>

                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Sessions" }</legend>
                    <div class="hint">{ "Times are UK times (BST in summer). Removing a session removes its attendance." }</div>
                    { for d.sessions.iter().enumerate().map(|(i, s)| html! {
                        <div class="row session-row">
                            <TextField name={format!("sessions[{i}].title")} label={format!("Session {} title", i + 1)} value={s.title.clone()}
                                oninput={edit(Box::new(move |d, v| if let Some(s) = d.sessions.get_mut(i) { s.title = v }))} error={error_for(&errors, &format!("sessions[{i}].title"))} />
                            <TextField name={format!("sessions[{i}].starts_at")} label={format!("Session {} starts", i + 1)} input_type="datetime-local" value={s.starts.clone()}
                                oninput={edit(Box::new(move |d, v| if let Some(s) = d.sessions.get_mut(i) { s.starts = v }))} error={error_for(&errors, &format!("sessions[{i}].starts_at"))} />
                            <TextField name={format!("sessions[{i}].length_minutes")} label={format!("Session {} length in minutes", i + 1)} value={s.minutes.clone()} width="4"
                                oninput={edit(Box::new(move |d, v| if let Some(s) = d.sessions.get_mut(i) { s.minutes = v }))} error={error_for(&errors, &format!("sessions[{i}].length_minutes"))} />
                            <button type="button" class="button button--secondary button--small" onclick={click(Box::new(move |d| { if i < d.sessions.len() { d.sessions.remove(i); } }))}>{ format!("Remove session {}", i + 1) }</button>
                        </div>
                    }) }
                    <button type="button" class="button button--secondary" onclick={click(Box::new(|d| {
                        let n = d.sessions.len() + 1;
                        d.sessions.push(SessionDraft { title: format!("Session {n}"), minutes: "180".to_owned(), ..Default::default() });
                    }))}>{ "Add a session" }</button>
                </fieldset>
                <button type="submit" class="button" disabled={*busy}>{ if props.cohort_id.is_some() { "Save the cohort" } else { "Add the cohort" } }</button>
            </form>
            if props.cohort_id.is_some() {
                <h2>{ "Remove the cohort" }</h2>
                if *confirming {
                    <div class="warning-callout" role="alert">
                        <p>{ "Remove this cohort, its sessions and their attendance? This cannot be undone. A cohort with people enrolled or waiting stays." }</p>
                        <button type="button" class="button button--warning" onclick={remove.clone()}>{ "Yes, remove it" }</button>
                        { " " }
                        <button type="button" class="button button--secondary" onclick={{ let c = confirming.clone(); Callback::from(move |_: MouseEvent| c.set(false)) }}>{ "Keep it" }</button>
                    </div>
                } else {
                    <button type="button" class="button button--secondary" onclick={remove}>{ "Remove the cohort" }</button>
                }
            }
        </div>
    }
}
