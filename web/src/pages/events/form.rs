//! Add an event, or change one (and remove it, with confirmation). Times are entered as the UK
//! wall clock shows them; themes as a comma-separated list; a series of the organiser's can be
//! chosen or started here.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use qi_shared::{
    FieldError,
    event::{Audience, EventInput, EventKind, Series, SeriesInput, rules},
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        form::{Checkbox, ErrorSummary, SelectField, TextArea, TextField, error_for, options},
        states::{ErrorPanel, Forbidden, Loading},
    },
    hooks::{Load, use_load, use_organisation_options},
    route::Route,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None` to add an event.
    pub id: Option<i64>,
}

/// The form as typed: times, numbers and themes stay text until saved.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    title: String,
    kind: EventKind,
    description: String,
    organiser: i64,
    start_date: String,
    start_time: String,
    end_date: String,
    end_time: String,
    venue: String,
    online_link: String,
    capacity: String,
    audience: Audience,
    tags: String,
    counts_as_training: bool,
    series_id: Option<i64>,
    /// The version the edits are made against (0 for a new event).
    version: i64,
}

#[function_component(EventForm)]
pub fn event_form(props: &Props) -> Html {
    let session = use_session();
    let home = session
        .actor()
        .map(|a| a.organisation_id)
        .unwrap_or_default();
    let loaded = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::events::event(id, true).await.map(Some),
            None => Ok::<_, ApiError>(None),
        }
    });
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(Some(e)) if !e.can_manage => html! { <Forbidden /> },
        Load::Loaded(event) => {
            let (start, end) = match event {
                Some(e) => (uk_time::local(e.starts_at), uk_time::local(e.ends_at)),
                None => (NaiveDateTime::MIN, NaiveDateTime::MIN),
            };
            let day = |t: NaiveDateTime| event.as_ref().map(|_| t.format("%Y-%m-%d").to_string());
            let time = |t: NaiveDateTime| event.as_ref().map(|_| t.format("%H:%M").to_string());
            let draft = Draft {
                title: event.as_ref().map(|e| e.title.clone()).unwrap_or_default(),
                kind: event.as_ref().map_or(EventKind::QiCafe, |e| e.kind),
                description: event
                    .as_ref()
                    .map(|e| e.description.clone())
                    .unwrap_or_default(),
                organiser: event.as_ref().map_or(home, |e| e.organiser_organisation_id),
                start_date: day(start).unwrap_or_default(),
                start_time: time(start).unwrap_or_default(),
                end_date: day(end).unwrap_or_default(),
                end_time: time(end).unwrap_or_default(),
                venue: event.as_ref().map(|e| e.venue.clone()).unwrap_or_default(),
                online_link: event
                    .as_ref()
                    .map(|e| e.online_link.clone())
                    .unwrap_or_default(),
                capacity: event
                    .as_ref()
                    .map_or_else(|| "30".to_owned(), |e| e.capacity.to_string()),
                audience: event.as_ref().map_or(Audience::Partnership, |e| e.audience),
                tags: event
                    .as_ref()
                    .map(|e| e.tags.join(", "))
                    .unwrap_or_default(),
                counts_as_training: event.as_ref().is_some_and(|e| e.counts_as_training),
                series_id: event.as_ref().and_then(|e| e.series_id),
                version: event.as_ref().map_or(0, |e| e.version),
            };
            html! { <Form id={props.id} {draft} /> }
        }
    }
}

/// The form's fields in the order they are shown, for listing their errors in that order.
const FIELDS: [&str; 14] = [
    "title",
    "kind",
    "description",
    "organiser_organisation_id",
    "starts_at",
    "start_time",
    "end_date",
    "ends_at",
    "venue",
    "online_link",
    "capacity",
    "audience",
    "tags",
    "series_id",
];

/// Errors as the form shows them: themes' errors (`tags[2]`) on the one themes field, and in
/// the order of the fields.
fn on_fields(errors: Vec<FieldError>) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = errors
        .into_iter()
        .map(|e| {
            if e.field.starts_with("tags[") {
                FieldError::new("tags", e.message)
            } else {
                e
            }
        })
        .collect();
    errors.sort_by_key(|e| FIELDS.iter().position(|f| *f == e.field));
    errors
}

/// Reads the draft into an input, with the errors of what does not parse.
fn parse(d: &Draft) -> (EventInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let date = |raw: &str| NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok();
    let time = |raw: &str| NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok();
    let start_day = date(&d.start_date);
    let starts_at = match (start_day, time(&d.start_time)) {
        (Some(day), Some(at)) => uk_time::instant(day.and_time(at)),
        _ => {
            errors.push(FieldError::new(
                "starts_at",
                "Enter the date and time it starts",
            ));
            chrono::DateTime::UNIX_EPOCH
        }
    };
    // No end date: the day it starts.
    let end_day = if d.end_date.trim().is_empty() {
        start_day
    } else {
        let day = date(&d.end_date);
        if day.is_none() {
            errors.push(FieldError::new("end_date", "Enter the date it ends"));
        }
        day
    };
    let ends_at = match (end_day, time(&d.end_time)) {
        (Some(day), Some(at)) => uk_time::instant(day.and_time(at)),
        (_, None) => {
            errors.push(FieldError::new("ends_at", "Enter the time it ends"));
            chrono::DateTime::UNIX_EPOCH
        }
        (None, Some(_)) => chrono::DateTime::UNIX_EPOCH,
    };
    let capacity = d.capacity.trim().parse().unwrap_or_else(|_| {
        errors.push(FieldError::new("capacity", "Give the number of places"));
        1
    });
    let input = EventInput {
        title: d.title.clone(),
        kind: d.kind,
        description: d.description.clone(),
        organiser_organisation_id: d.organiser,
        starts_at,
        ends_at,
        venue: d.venue.clone(),
        online_link: d.online_link.clone(),
        capacity,
        audience: d.audience,
        tags: d
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        counts_as_training: d.counts_as_training,
        series_id: d.series_id,
    };
    (input, errors)
}

#[derive(Properties, PartialEq)]
struct FormProps {
    id: Option<i64>,
    draft: Draft,
}

#[function_component(Form)]
fn form(props: &FormProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let draft = use_state(|| props.draft.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let new_series = use_state(String::new);
    let actor = session.actor();
    // Only the organisations whose events this person may manage.
    let organisations: Vec<(String, String)> = use_organisation_options(None, true)
        .into_iter()
        .filter(|(id, _)| {
            id.parse()
                .is_ok_and(|id| actor.as_ref().is_some_and(|a| rules::can_manage(a, id)))
        })
        .collect();
    let series = use_load(draft.organiser, |organiser| async move {
        api::events::series_list(organiser).await
    });
    let title = if props.id.is_some() {
        "Change the event"
    } else {
        "New event"
    };
    crate::browser::set_title(title);
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
        let id = props.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let (input, mut local) = parse(&draft);
            if let Err(more) = input.validate() {
                // A time that did not parse is already named; its rule would say it twice.
                let more: Vec<FieldError> = more
                    .0
                    .into_iter()
                    .filter(|m| !local.iter().any(|l| l.field == m.field))
                    .collect();
                local.extend(more);
            }
            if !local.is_empty() {
                errors.set(on_fields(local));
                return;
            }
            errors.set(Vec::new());
            let (errors, message, busy, navigator, draft) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
                draft.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match id {
                    Some(id) => api::events::update_event(id, draft.version, &input).await,
                    None => api::events::create_event(&input).await,
                };
                busy.set(false);
                match saved {
                    Ok(event) => {
                        if let Some(n) = navigator {
                            n.push(&Route::Event { id: event.id });
                        }
                    }
                    Err(error) if error.is_stale() => {
                        // Keep their edits; the next save is made against the latest version.
                        if let Some(id) = id
                            && let Ok(latest) = api::events::event(id, true).await
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
                        errors.set(on_fields(error.fields()));
                    }
                }
            });
        })
    };
    let add_series = {
        let (new_series, draft, series, errors) = (
            new_series.clone(),
            draft.clone(),
            series.clone(),
            errors.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let input = SeriesInput {
                title: (*new_series).clone(),
                description: String::new(),
                organiser_organisation_id: draft.organiser,
            };
            let field = |e: FieldError| FieldError::new("series_title", e.message);
            if let Err(bad) = input.validate() {
                errors.set(bad.0.into_iter().map(field).collect());
                return;
            }
            let (new_series, draft, series, errors) = (
                new_series.clone(),
                draft.clone(),
                series.clone(),
                errors.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::create_series(&input).await {
                    Ok(added) => {
                        let mut list = match &*series {
                            Load::Loaded(list) => list.clone(),
                            _ => Vec::new(),
                        };
                        draft.set(Draft {
                            series_id: Some(added.id),
                            ..(*draft).clone()
                        });
                        list.push(added);
                        series.set(Load::Loaded(list));
                        new_series.set(String::new());
                        errors.set(Vec::new());
                    }
                    Err(error) => errors.set(vec![FieldError::new(
                        "series_title",
                        error
                            .fields()
                            .first()
                            .map_or_else(|| error.message(), |f| f.message.clone()),
                    )]),
                }
            });
        })
    };
    let remove = {
        let (confirming, message, navigator) =
            (confirming.clone(), message.clone(), navigator.clone());
        let id = props.id;
        Callback::from(move |_: MouseEvent| {
            let Some(id) = id else { return };
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (message, navigator) = (message.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::events::delete_event(id).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&Route::Events);
                        }
                    }
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let d = &*draft;
    let kinds = options(None, EventKind::ALL.iter().map(|k| (k.as_str(), k.label())));
    let audiences = options(None, Audience::ALL.iter().map(|a| (a.as_str(), a.label())));
    let series_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Not part of a series".to_owned()))
            .chain(match &*series {
                Load::Loaded(list) => list
                    .iter()
                    .map(|s: &Series| (s.id.to_string(), s.title.clone()))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
    html! {
        <div class="narrow">
            <p>{ match props.id {
                Some(id) => html! { <Link<Route> to={Route::Event { id }} classes="back-link">{ "Back to the event" }</Link<Route>> },
                None => html! { <Link<Route> to={Route::Events} classes="back-link">{ "Back to events" }</Link<Route>> },
            } }</p>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="title" label="Title" value={d.title.clone()} oninput={update(|d, v| d.title = v)} error={error_for(&errors, "title")} />
                <SelectField name="kind" label="Kind" options={kinds} value={d.kind.as_str()}
                    onchange={update(|d, v| d.kind = EventKind::parse(&v).unwrap_or(d.kind))} error={error_for(&errors, "kind")} />
                <TextArea name="description" label="Description" hint="What it is about and who it is for; a blank line starts a new paragraph" value={d.description.clone()}
                    oninput={update(|d, v| d.description = v)} error={error_for(&errors, "description")} rows={6} />
                <SelectField name="organiser_organisation_id" label="Organiser" hint="The organisation that runs it; its admins manage the event"
                    options={organisations} value={d.organiser.to_string()}
                    onchange={update(|d, v| if let Ok(id) = v.parse::<i64>() { if id != d.organiser { d.series_id = None; } d.organiser = id; })}
                    error={error_for(&errors, "organiser_organisation_id")} />
                <p class="hint">{ "Times are UK times (BST in summer)." }</p>
                <div class="field-row">
                    <TextField name="starts_at" label="Start date" input_type="date" value={d.start_date.clone()} oninput={update(|d, v| d.start_date = v)} error={error_for(&errors, "starts_at")} />
                    <TextField name="start_time" label="Start time" input_type="time" value={d.start_time.clone()} oninput={update(|d, v| d.start_time = v)} error={error_for(&errors, "start_time")} />
                </div>
                <div class="field-row">
                    <TextField name="end_date" label="End date" hint="Leave blank if it ends the day it starts" input_type="date" value={d.end_date.clone()} oninput={update(|d, v| d.end_date = v)} error={error_for(&errors, "end_date")} />
                    <TextField name="ends_at" label="End time" input_type="time" value={d.end_time.clone()} oninput={update(|d, v| d.end_time = v)} error={error_for(&errors, "ends_at")} />
                </div>
                <TextField name="venue" label="Venue" hint="Where it meets; or give an online link" value={d.venue.clone()} oninput={update(|d, v| d.venue = v)} error={error_for(&errors, "venue")} />
                <TextField name="online_link" label="Online link" hint="https://…" value={d.online_link.clone()} oninput={update(|d, v| d.online_link = v)} error={error_for(&errors, "online_link")} />
                <TextField name="capacity" label="Places" value={d.capacity.clone()} oninput={update(|d, v| d.capacity = v)} error={error_for(&errors, "capacity")} width="4" />
                <SelectField name="audience" label="Who may book" hint="Open events can be booked by guests from outside the partnership, with no account"
                    options={audiences} value={d.audience.as_str()}
                    onchange={update(|d, v| d.audience = Audience::parse(&v).unwrap_or(d.audience))} error={error_for(&errors, "audience")} />
                <TextField name="tags" label="Themes" hint="Separate themes with commas, for example: flow, patient safety" value={d.tags.clone()}
                    oninput={update(|d, v| d.tags = v)} error={error_for(&errors, "tags")} />
                <div class="form-group">
                    <Checkbox id="counts_as_training" label="Counts as training" checked={d.counts_as_training}
                        hint="Attendance counts towards the partnership's people who attended training"
                        onchange={{ let draft = draft.clone(); Callback::from(move |on: bool| draft.set(Draft { counts_as_training: on, ..(*draft).clone() })) }} />
                </div>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Workshop series" }</legend>
                    <SelectField name="series_id" label="Series" hint="The series of sessions it belongs to, booked one by one or all at once"
                        options={series_options} value={d.series_id.map(|id| id.to_string()).unwrap_or_default()}
                        onchange={update(|d, v| d.series_id = v.parse().ok())} error={error_for(&errors, "series_id")} />
                    <TextField name="series_title" label="Or start a new series" hint="Its title; it is organised by the organiser above"
                        value={(*new_series).clone()} oninput={{ let s = new_series.clone(); Callback::from(move |v| s.set(v)) }} error={error_for(&errors, "series_title")} />
                    <button type="button" class="button button--secondary" onclick={add_series}>{ "Add the series" }</button>
                </fieldset>
                <button type="submit" class="button" disabled={*busy}>{ if props.id.is_some() { "Save the event" } else { "Add the event" } }</button>
            </form>
            if props.id.is_some() {
                <h2>{ "Remove the event" }</h2>
                if *confirming {
                    <div class="warning-callout" role="alert">
                        <p>{ "Remove this event and its bookings? This cannot be undone." }</p>
                        <button type="button" class="button button--warning" onclick={remove.clone()}>{ "Yes, remove it" }</button>
                        { " " }
                        <button type="button" class="button button--secondary" onclick={keep}>{ "Keep it" }</button>
                    </div>
                } else {
                    <button type="button" class="button button--secondary" onclick={remove}>{ "Remove the event" }</button>
                }
            }
        </div>
    }
}
