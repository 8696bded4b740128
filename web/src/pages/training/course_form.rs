//! Add a course, or change one (and remove it, with confirmation).

use qi_shared::{
    FieldError,
    capability::Tier,
    training::{CourseInput, DEFAULT_ATTENDANCE_PERCENT, Delivery},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        form::{ErrorSummary, SelectField, TextArea, TextField, error_for},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options},
    route::TrainingRoute,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None` to add a course.
    pub id: Option<i64>,
}

/// The form as typed: numbers stay text until saved.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    input: CourseInput,
    hours: String,
    percent: String,
    /// The version the edits are made against (0 for a new course).
    version: i64,
}

#[function_component(CourseForm)]
pub fn course_form(props: &Props) -> Html {
    let session = use_session();
    let home = session
        .actor()
        .map(|a| a.organisation_id)
        .unwrap_or_default();
    let loaded = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::training::course(id).await.map(Some),
            None => Ok::<_, ApiError>(None),
        }
    });
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(course) => {
            let input = match course {
                Some(c) => CourseInput {
                    title: c.title.clone(),
                    tier: c.tier,
                    description: c.description.clone(),
                    provider_organisation_id: c.provider_organisation_id,
                    length_hours: c.length_hours,
                    delivery: c.delivery,
                    attendance_percent: c.attendance_percent,
                },
                None => CourseInput {
                    title: String::new(),
                    tier: Tier::Learn,
                    description: String::new(),
                    provider_organisation_id: home,
                    length_hours: 0.0,
                    delivery: Delivery::FaceToFace,
                    attendance_percent: DEFAULT_ATTENDANCE_PERCENT,
                },
            };
            let draft = Draft {
                hours: if course.is_some() {
                    input.length_hours.to_string()
                } else {
                    String::new()
                },
                percent: input.attendance_percent.to_string(),
                version: course.as_ref().map_or(0, |c| c.version),
                input,
            };
            html! { <Form id={props.id} {draft} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    id: Option<i64>,
    draft: Draft,
}

#[function_component(Form)]
fn form(props: &FormProps) -> Html {
    let navigator = use_navigator();
    let draft = use_state(|| props.draft.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let organisations = use_organisation_options(None, true);
    let title = if props.id.is_some() {
        "Change the course"
    } else {
        "Add a course"
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
            let mut input = draft.input.clone();
            let mut local = Vec::new();
            match draft.hours.trim().parse::<f64>() {
                Ok(h) => input.length_hours = h,
                Err(_) => local.push(FieldError::new(
                    "length_hours",
                    "Give the length in hours, for example 6 or 2.5",
                )),
            }
            match draft.percent.trim().parse::<u8>() {
                Ok(p) => input.attendance_percent = p,
                Err(_) => local.push(FieldError::new(
                    "attendance_percent",
                    "Give a whole number from 1 to 100",
                )),
            }
            if let Err(more) = input.validate() {
                local.extend(more.0);
            }
            if !local.is_empty() {
                errors.set(local);
                return;
            }
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
                    Some(id) => api::training::update_course(id, draft.version, &input).await,
                    None => api::training::create_course(&input).await,
                };
                busy.set(false);
                match saved {
                    Ok(course) => {
                        if let Some(n) = navigator {
                            n.push(&TrainingRoute::Course { id: course.id });
                        }
                    }
                    Err(error) if error.is_stale() => {
                        // Keep their edits; the next save is made against the latest version.
                        if let Some(id) = id
                            && let Ok(latest) = api::training::course(id).await
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
                match api::training::delete_course(id).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&TrainingRoute::Courses);
                        }
                    }
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let d = &*draft;
    let tiers: Vec<(String, String)> = Tier::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), t.label().to_owned()))
        .collect();
    let deliveries: Vec<(String, String)> = Delivery::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), t.label().to_owned()))
        .collect();
    html! {
        <div class="narrow">
            <p>{ match props.id {
                Some(id) => html! { <Link<TrainingRoute> to={TrainingRoute::Course { id }} classes="back-link">{ "Back to the course" }</Link<TrainingRoute>> },
                None => html! { <Link<TrainingRoute> to={TrainingRoute::Courses} classes="back-link">{ "Back to courses" }</Link<TrainingRoute>> },
            } }</p>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form onsubmit={onsubmit} novalidate=true>
                <TextField name="title" label="Title" value={d.input.title.clone()} oninput={update(|d, v| d.input.title = v)} error={error_for(&errors, "title")} />
                <SelectField name="tier" label="Tier" hint="The tier completing the course counts towards" options={tiers} value={d.input.tier.as_str()}
                    onchange={update(|d, v| d.input.tier = Tier::parse(&v).unwrap_or(Tier::Learn))} error={error_for(&errors, "tier")} />
                <TextArea name="description" label="Description" value={d.input.description.clone()} oninput={update(|d, v| d.input.description = v)} error={error_for(&errors, "description")} />
                <SelectField name="provider_organisation_id" label="Provider" hint="The organisation that runs it; its admins manage the course"
                    options={organisations} value={d.input.provider_organisation_id.to_string()}
                    onchange={update(|d, v| d.input.provider_organisation_id = v.parse().unwrap_or_default())} error={error_for(&errors, "provider_organisation_id")} />
                <TextField name="length_hours" label="Length in hours" value={d.hours.clone()} oninput={update(|d, v| d.hours = v)} error={error_for(&errors, "length_hours")} width="4" />
                <SelectField name="delivery" label="Delivery" options={deliveries} value={d.input.delivery.as_str()}
                    onchange={update(|d, v| d.input.delivery = Delivery::parse(&v).unwrap_or(Delivery::FaceToFace))} error={error_for(&errors, "delivery")} />
                <TextField name="attendance_percent" label="Attendance needed to complete (%)" hint="The share of a cohort's sessions a person must attend"
                    value={d.percent.clone()} oninput={update(|d, v| d.percent = v)} error={error_for(&errors, "attendance_percent")} width="3" />
                <button type="submit" class="button" disabled={*busy}>{ if props.id.is_some() { "Save the course" } else { "Add the course" } }</button>
            </form>
            if props.id.is_some() {
                <h2>{ "Remove the course" }</h2>
                if *confirming {
                    <div class="warning-callout" role="alert">
                        <p>{ "Remove this course and its cohorts? This cannot be undone. A course people have enrolled in stays." }</p>
                        <button type="button" class="button button--warning" onclick={remove.clone()}>{ "Yes, remove it" }</button>
                        { " " }
                        <button type="button" class="button button--secondary" onclick={cancel}>{ "Keep it" }</button>
                    </div>
                } else {
                    <button type="button" class="button button--secondary" onclick={remove}>{ "Remove the course" }</button>
                }
            }
        </div>
    }
}
