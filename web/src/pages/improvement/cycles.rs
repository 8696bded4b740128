//! The form that records or changes a PDSA cycle. (The ramps on the project page are
//! `components::project_sections::ramps`.)

use qi_shared::{
    FieldError,
    improvement::{ActDecision, PdsaInput},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        form::{ErrorSummary, SelectField, TextArea, TextField, error_for},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub id: i64,
    /// `None` to record a new cycle.
    pub cycle_id: Option<i64>,
}

/// Record or edit a PDSA cycle: Plan, Do, Study, Act.
#[function_component(CycleForm)]
pub fn cycle_form(props: &FormProps) -> Html {
    let navigator = use_navigator();
    let loaded = use_load((props.id, props.cycle_id), |(id, cycle_id)| async move {
        let diagram = api::driver_diagram(id).await?;
        let cycle = match cycle_id {
            Some(cycle_id) => api::cycles(id)
                .await?
                .into_iter()
                .find(|c| c.id == cycle_id),
            None => None,
        };
        Ok((diagram, cycle))
    });
    let form = use_state(|| None::<PdsaInput>);
    let confirming = use_state(|| false);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let (diagram, cycle) = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(pair) => pair.clone(),
    };
    if props.cycle_id.is_some() && cycle.is_none() {
        return html! { <crate::components::states::NotFound /> };
    }
    let title = if props.cycle_id.is_some() {
        "Edit PDSA cycle"
    } else {
        "Record a PDSA cycle"
    };
    crate::browser::set_title(title);
    let ideas: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a change idea".to_owned()))
            .chain(
                diagram
                    .change_ideas()
                    .into_iter()
                    .filter_map(|(idea, _, _)| Some((idea.id?.to_string(), idea.text.clone()))),
            )
            .collect();
    if ideas.len() == 1 {
        return html! {
            <>
                <h1>{ title }</h1>
                <p>{ "A PDSA cycle tests a change idea. Add change ideas to the project's driver diagram first." }</p>
                <p><Link<Route> to={Route::Project { id: props.id }}>{ "Back to the project" }</Link<Route>></p>
            </>
        };
    }
    let current = (*form).clone().unwrap_or_else(|| match &cycle {
        Some(c) => PdsaInput {
            change_idea_id: c.change_idea_id,
            objective: c.objective.clone(),
            questions: c.questions.clone(),
            predictions: c.predictions.clone(),
            plan: c.plan.clone(),
            data_to_collect: c.data_to_collect.clone(),
            start_date: c.start_date,
            what_happened: c.what_happened.clone(),
            problems: c.problems.clone(),
            study: c.study.clone(),
            act: c.act,
            next_step: c.next_step.clone(),
            end_date: c.end_date,
        },
        None => PdsaInput::default(),
    });
    let update = |apply: fn(&mut PdsaInput, String)| {
        let (form, current) = (form.clone(), current.clone());
        Callback::from(move |value: String| {
            let mut next = current.clone();
            apply(&mut next, value);
            form.set(Some(next));
        })
    };
    let onsubmit = {
        let (current, errors, message, busy, navigator, id, cycle) = (
            current.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            navigator.clone(),
            props.id,
            cycle.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let mut found = current.validate().err().map(|e| e.0).unwrap_or_default();
            if current.change_idea_id == 0 {
                found.insert(
                    0,
                    FieldError::new("change_idea_id", "Choose the change idea this cycle tests"),
                );
            }
            errors.set(found.clone());
            if !found.is_empty() {
                return;
            }
            busy.set(true);
            let (current, errors, message, busy, navigator, cycle) = (
                current.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
                cycle.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match &cycle {
                    Some(c) => api::update_cycle(id, c.id, c.version, &current).await,
                    None => api::create_cycle(id, &current).await,
                };
                match saved {
                    Ok(_) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Project { id });
                        }
                    }
                    Err(error) if error.is_stale() => {
                        message.set(Some("Someone else changed this cycle while you were editing. Your changes are still here: copy what you need, then open the cycle again to see theirs.".to_owned()));
                        busy.set(false);
                    }
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                        busy.set(false);
                    }
                }
            });
        })
    };
    let remove = {
        let (navigator, message, id, cycle_id) =
            (navigator.clone(), message.clone(), props.id, props.cycle_id);
        Callback::from(move |_: MouseEvent| {
            let (navigator, message) = (navigator.clone(), message.clone());
            if let Some(cycle_id) = cycle_id {
                wasm_bindgen_futures::spawn_local(async move {
                    match api::delete_cycle(id, cycle_id).await {
                        Ok(()) => {
                            if let Some(navigator) = navigator {
                                navigator.push(&Route::Project { id });
                            }
                        }
                        Err(error) => message.set(Some(error.message())),
                    }
                });
            }
        })
    };
    let confirm = |show: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(show))
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let acts = vec![
        (String::new(), "Not decided yet".to_owned()),
        (
            "adopt".to_owned(),
            "Adopt: make it the way we work".to_owned(),
        ),
        (
            "adapt".to_owned(),
            "Adapt: change it and test again".to_owned(),
        ),
        ("abandon".to_owned(), "Abandon: stop testing it".to_owned()),
    ];
    let c = &current;
    html! {
        <div class="narrow">
            <p><Link<Route> to={Route::Project { id: props.id }} classes="back-link">{ "Back to the project" }</Link<Route>></p>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <SelectField name="change_idea_id" label="Change idea tested" options={ideas} value={if c.change_idea_id == 0 { String::new() } else { c.change_idea_id.to_string() }}
                    onchange={update(|f, v| f.change_idea_id = v.parse().unwrap_or(0))} error={error_for(&errors, "change_idea_id")} />
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Plan" }</legend>
                    <TextField name="objective" label="Objective" value={c.objective.clone()} oninput={update(|f, v| f.objective = v)} error={error_for(&errors, "objective")} />
                    <TextArea name="questions" label="Questions" value={c.questions.clone()} oninput={update(|f, v| f.questions = v)} error={error_for(&errors, "questions")} />
                    <TextArea name="predictions" label="Predictions" value={c.predictions.clone()} oninput={update(|f, v| f.predictions = v)} error={error_for(&errors, "predictions")} />
                    <TextArea name="plan" label="Who, what, when and where" value={c.plan.clone()} oninput={update(|f, v| f.plan = v)} error={error_for(&errors, "plan")} />
                    <TextArea name="data_to_collect" label="Data to collect" value={c.data_to_collect.clone()} oninput={update(|f, v| f.data_to_collect = v)} error={error_for(&errors, "data_to_collect")} />
                    <TextField name="start_date" label="Start date" input_type="date" width="10" value={date(c.start_date)}
                        oninput={update(|f, v| f.start_date = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())} error={error_for(&errors, "start_date")} />
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Do" }</legend>
                    <TextArea name="what_happened" label="What happened" value={c.what_happened.clone()} oninput={update(|f, v| f.what_happened = v)} error={error_for(&errors, "what_happened")} />
                    <TextArea name="problems" label="Problems and surprises" value={c.problems.clone()} oninput={update(|f, v| f.problems = v)} error={error_for(&errors, "problems")} />
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Study" }</legend>
                    <TextArea name="study" label="Results against the predictions" value={c.study.clone()} oninput={update(|f, v| f.study = v)} error={error_for(&errors, "study")} />
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Act" }</legend>
                    <SelectField name="act" label="Decision" options={acts} value={c.act.map(|a| a.as_str()).unwrap_or("")}
                        onchange={update(|f, v| f.act = ActDecision::parse(&v))} error={error_for(&errors, "act")} />
                    <TextArea name="next_step" label="Next step" value={c.next_step.clone()} oninput={update(|f, v| f.next_step = v)} error={error_for(&errors, "next_step")} />
                    <TextField name="end_date" label="End date" input_type="date" width="10" value={date(c.end_date)}
                        oninput={update(|f, v| f.end_date = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())} error={error_for(&errors, "end_date")} />
                </fieldset>
                <button type="submit" class="button" disabled={*busy}>{ "Save PDSA cycle" }</button>
            </form>
            if props.cycle_id.is_some() {
                if *confirming {
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-title">
                        <h2 id="confirm-title" class="confirm__title">{ "Remove this PDSA cycle?" }</h2>
                        <p>{ "Only remove a cycle recorded by mistake: a cycle that did not work is still learning." }</p>
                        <div class="button-group">
                            <button type="button" class="button button--warning" onclick={remove}>{ "Yes, remove it" }</button>
                            <button type="button" class="button button--secondary" onclick={confirm(false)}>{ "Cancel" }</button>
                        </div>
                    </div>
                } else {
                    <button type="button" class="button button--warning" onclick={confirm(true)}>{ "Remove this PDSA cycle" }</button>
                }
            }
        </div>
    }
}
