//! "Did it last?", a section of a completed project's page: its follow-ups at 6 and 12 months,
//! when each falls due, what the team found (with the check of its measures as it stood then),
//! its measures checked now by the SPC engine, and recording a follow-up (or correcting one).

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    capability::long_date,
    follow_up::{
        FollowUp, FollowUpCheck, FollowUpInput, FollowUpPoint, FollowUpSlot, FollowUps, Held,
        Lasting,
    },
};
use yew::prelude::*;

use crate::{
    api::follow_ups as follow_ups_api,
    browser::today,
    components::{
        adoptions::prefixed,
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for},
        states::Loading,
    },
    hooks::{Load, use_reload},
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub project_id: i64,
    /// Read again when the project changes (its status, for one).
    pub version: i64,
    /// After a follow-up is recorded: the score's evidence reads it.
    pub onrecorded: Callback<()>,
}

#[function_component(FollowUpSection)]
pub fn follow_up_section(props: &Props) -> Html {
    let (loaded, _) = use_reload((props.project_id, props.version), |(id, _)| {
        follow_ups_api::follow_ups(id)
    });
    let view = match &*loaded {
        Load::Loaded(v) => v.clone(),
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => {
            return html! { <p id="follow-ups">{ error.message() }</p> };
        }
    };
    // A project not completed has no follow-ups: nothing to say on its page.
    let Some(completed_on) = view.completed_on else {
        return html! {};
    };
    // What the server answered is the section now, until the project changes again.
    let onsaved = {
        let (loaded, onrecorded) = (loaded.clone(), props.onrecorded.clone());
        Callback::from(move |now: FollowUps| {
            loaded.set(Load::Loaded(now));
            onrecorded.emit(());
        })
    };
    let suggested = view.check.as_ref().and_then(|c| c.suggested);
    html! {
        <section class="follow-ups" aria-labelledby="follow-ups">
            <h2 id="follow-ups">{ "Did it last?" }</h2>
            <p>{ format!("Completed on {}. Its team follows it up 6 and 12 months on: are the measures still showing the improvement?", long_date(completed_on)) }</p>
            if let Some(check) = &view.check {
                <div class="panel follow-ups__check" role="note">
                    <h3 class="panel__title">{ "What the measures show now" }</h3>
                    <p>{ match check.suggested {
                        Some(lasting) => format!("The data suggests: {}.", lasting.label().to_lowercase()),
                        None => "No measure can say yet: the team judges on what it knows.".to_owned(),
                    } }</p>
                    { check_list(check) }
                </div>
            }
            { for view.slots.iter().map(|slot| html! {
                <Slot key={slot.point.as_str()} project_id={props.project_id} slot={slot.clone()}
                    may_record={view.may_record} {suggested} {completed_on} onsaved={onsaved.clone()} />
            }) }
        </section>
    }
}

fn check_list(check: &FollowUpCheck) -> Html {
    if check.measures.is_empty() {
        return html! { <p class="empty">{ "The project has no measures." }</p> };
    }
    html! {
        <ul class="list">
            { for check.measures.iter().map(|m| html! {
                <li>
                    <strong>{ &m.name }</strong>{ " " }
                    <span class={classes!("tag", held_class(m.held))}>{ m.held.label() }</span>
                    { ": " }{ &m.explanation }
                </li>
            }) }
        </ul>
    }
}

fn held_class(held: Held) -> &'static str {
    match held {
        Held::Held => "tag--green",
        Held::NotHeld => "tag--red",
        Held::NoNewData | Held::TooFewPoints | Held::NotCounted => "tag--grey",
    }
}

fn lasting_class(lasting: Lasting) -> &'static str {
    match lasting {
        Lasting::Sustained => "tag--green",
        Lasting::Partly => "tag--yellow",
        Lasting::NotSustained => "tag--red",
    }
}

#[derive(Properties, PartialEq)]
struct SlotProps {
    project_id: i64,
    slot: FollowUpSlot,
    may_record: bool,
    suggested: Option<Lasting>,
    completed_on: NaiveDate,
    onsaved: Callback<FollowUps>,
}

/// One follow-up: due, recorded, or open to record.
#[function_component(Slot)]
fn slot(props: &SlotProps) -> Html {
    let slot = &props.slot;
    let title_id = format!("follow-up-{}", slot.point.as_str());
    let today = today();
    let open = today >= slot.opens_on;
    let status = match (&slot.follow_up, open) {
        (Some(_), _) => html! {},
        (None, true) if today > slot.due_on => html! {
            <p><span class="tag tag--red">{ "Overdue" }</span>{ format!(" Due on {}.", long_date(slot.due_on)) }</p>
        },
        (None, true) => html! { <p>{ format!("Due on {}.", long_date(slot.due_on)) }</p> },
        (None, false) => html! {
            <p class="hint">{ format!("Due on {}; it can be recorded from {}.", long_date(slot.due_on), long_date(slot.opens_on)) }</p>
        },
    };
    html! {
        <div class="follow-up" role="group" aria-labelledby={title_id.clone()}>
            <h3 id={title_id}>{ slot.point.title() }</h3>
            { status }
            if let Some(found) = &slot.follow_up {
                { recorded(found) }
            }
            if props.may_record && open {
                if slot.follow_up.is_some() {
                    <details class="follow-up__change">
                        <summary>{ "Correct what was recorded" }</summary>
                        <RecordForm project_id={props.project_id} point={slot.point}
                            found={slot.follow_up.clone()} suggested={props.suggested}
                            completed_on={props.completed_on} onsaved={props.onsaved.clone()} />
                    </details>
                } else {
                    <RecordForm project_id={props.project_id} point={slot.point}
                        found={None::<FollowUp>} suggested={props.suggested}
                        completed_on={props.completed_on} onsaved={props.onsaved.clone()} />
                }
            }
        </div>
    }
}

fn recorded(found: &FollowUp) -> Html {
    html! {
        <>
            <p>
                <span class={classes!("tag", lasting_class(found.outcome))}>{ found.outcome.label() }</span>
                { format!(" Recorded on {}{}.", long_date(found.recorded_on),
                    if found.recorded_by.is_empty() { String::new() } else { format!(" by {}", found.recorded_by) }) }
            </p>
            if !found.note.is_empty() { <p class="follow-up__note">{ &found.note }</p> }
            <details>
                <summary>{ "What the measures showed then" }</summary>
                { check_list(&found.check) }
            </details>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    project_id: i64,
    point: FollowUpPoint,
    /// What was recorded, when correcting it.
    found: Option<FollowUp>,
    suggested: Option<Lasting>,
    completed_on: NaiveDate,
    onsaved: Callback<FollowUps>,
}

/// The team's finding: the outcome (the data's suggestion first), the day and a note. Checked
/// here by the same rules as the server's.
#[function_component(RecordForm)]
fn record_form(props: &FormProps) -> Html {
    let prefix = format!("follow_up_{}_", props.point.as_str());
    let outcome = use_state(|| {
        props
            .found
            .as_ref()
            .map(|f| f.outcome)
            .or(props.suggested)
            .unwrap_or(Lasting::Sustained)
    });
    let recorded_on = use_state(|| {
        props
            .found
            .as_ref()
            .map_or_else(today, |f| f.recorded_on)
            .to_string()
    });
    let note = use_state(|| {
        props
            .found
            .as_ref()
            .map(|f| f.note.clone())
            .unwrap_or_default()
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (outcome, recorded_on, note, errors, message, busy, onsaved) = (
            outcome.clone(),
            recorded_on.clone(),
            note.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsaved.clone(),
        );
        let (id, point, prefix) = (props.project_id, props.point, prefix.clone());
        let completed_on = props.completed_on;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let day = match recorded_on.parse::<NaiveDate>() {
                Ok(day) => day,
                Err(_) => {
                    errors.set(vec![FieldError::new(
                        format!("{prefix}recorded_on"),
                        "Enter the day it was judged",
                    )]);
                    return;
                }
            };
            let input = FollowUpInput {
                outcome: *outcome,
                recorded_on: Some(day),
                note: (*note).clone(),
            };
            if let Err(found) = input.validate(point, completed_on, today()) {
                errors.set(prefixed(&prefix, found.0));
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onsaved, prefix) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsaved.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match follow_ups_api::record(id, point, &input).await {
                    Ok(now) => onsaved.emit(now),
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
    let options: Vec<(String, String)> = Lasting::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), l.label().to_owned()))
        .collect();
    let field = |name: &str| format!("{prefix}{name}");
    let form_title = format!("{prefix}title");
    html! {
        <div class="panel follow-up__form">
            <h4 id={form_title.clone()}>{ format!("Record the {}", props.point.title()) }</h4>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true aria-labelledby={form_title}>
                <SelectField name={field("outcome")} label="Has the improvement lasted?" options={options}
                    value={outcome.as_str()}
                    hint={props.suggested.map(|s| AttrValue::from(format!("The measures suggest: {}", s.label().to_lowercase())))}
                    onchange={{ let outcome = outcome.clone(); Callback::from(move |v: String| if let Some(l) = Lasting::parse(&v) { outcome.set(l) }) }}
                    error={error_for(&errors, &field("outcome"))} />
                <TextField name={field("recorded_on")} label="Judged on" input_type="date"
                    value={(*recorded_on).clone()}
                    oninput={{ let recorded_on = recorded_on.clone(); Callback::from(move |v| recorded_on.set(v)) }}
                    error={error_for(&errors, &field("recorded_on"))} />
                <TextArea name={field("note")} label="What the team found" hint="Optional. What has held, what slipped and why."
                    value={(*note).clone()} oninput={{ let note = note.clone(); Callback::from(move |v| note.set(v)) }}
                    error={error_for(&errors, &field("note"))} rows={3} />
                <Submit label="Record the follow-up" busy={*busy} />
            </form>
        </div>
    }
}
