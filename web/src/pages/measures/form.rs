//! Add a measure to a project, or change one's definition.

use qi_shared::{
    FieldError,
    measure::{Frequency, MeasureInput, MeasureType, Unit, parse_number},
    spc::ImprovementDirection,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::capitalised;
use crate::{
    api::{self, ApiError},
    components::{
        form::{Checkbox, ErrorSummary, SelectField, TextArea, TextField, error_for},
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
    /// `None` to add a new measure.
    pub measure_id: Option<i64>,
}

/// The form as typed: numbers stay text until saved, so a half-typed one isn't lost.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    input: MeasureInput,
    rate_per: String,
    target: String,
}

fn blank() -> MeasureInput {
    MeasureInput {
        name: String::new(),
        measure_type: MeasureType::Outcome,
        operational_definition: String::new(),
        unit: Unit::Count,
        rate_per: None,
        numerator_definition: String::new(),
        denominator_definition: String::new(),
        improvement_direction: ImprovementDirection::Increase,
        target: None,
        frequency: Frequency::Monthly,
        change_idea_ids: Vec::new(),
    }
}

#[function_component(MeasureForm)]
pub fn measure_form(props: &Props) -> Html {
    // The measure, and the project's change ideas it may follow.
    let loaded = use_load(
        (props.id, props.measure_id),
        |(id, measure_id)| async move {
            let measure = match measure_id {
                Some(id) => Some(api::measure(id).await?),
                None => None,
            };
            let diagram = api::driver_diagram(id).await?;
            let ideas: Vec<(i64, String)> = diagram
                .change_ideas()
                .into_iter()
                .filter_map(|(idea, _, _)| Some((idea.id?, idea.text.clone())))
                .collect();
            Ok::<_, ApiError>((measure, ideas))
        },
    );
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded((measure, ideas)) => {
            let draft = match measure {
                Some(m) => Draft {
                    input: m.to_input(),
                    rate_per: m.rate_per.map(|r| r.to_string()).unwrap_or_default(),
                    target: m.target.map(|t| t.to_string()).unwrap_or_default(),
                },
                None => Draft {
                    input: blank(),
                    rate_per: String::new(),
                    target: String::new(),
                },
            };
            let version = measure.as_ref().map(|m| m.version);
            html! { <Form id={props.id} measure_id={props.measure_id} {version} {draft} ideas={ideas.clone()} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    id: i64,
    measure_id: Option<i64>,
    version: Option<i64>,
    draft: Draft,
    /// The project's change ideas: (id, text).
    ideas: Vec<(i64, String)>,
}

#[function_component(Form)]
fn form(props: &FormProps) -> Html {
    let navigator = use_navigator();
    let draft = use_state(|| props.draft.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let title = if props.measure_id.is_some() {
        "Change the measure"
    } else {
        "Add a measure"
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
    let remove = {
        let (message, navigator) = (message.clone(), navigator.clone());
        let (id, measure_id, version) = (props.id, props.measure_id, props.version);
        Callback::from(move |_: MouseEvent| {
            let (Some(measure_id), Some(version)) = (measure_id, version) else {
                return;
            };
            let (message, navigator) = (message.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_measure(measure_id, version).await {
                    Ok(()) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Project { id });
                        }
                    }
                    Err(error) if error.is_stale() => message.set(Some(
                        "Someone else changed this measure since you opened it. Reload the page to see the change before removing it.".to_owned(),
                    )),
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let onsubmit = {
        let (draft, errors, message, busy) =
            (draft.clone(), errors.clone(), message.clone(), busy.clone());
        let (id, measure_id, version) = (props.id, props.measure_id, props.version);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let mut found = Vec::new();
            let mut input = draft.input.clone();
            input.rate_per = match draft.rate_per.trim() {
                "" => None,
                raw => match raw.parse::<u32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        found.push(FieldError::new(
                            "rate_per",
                            "Enter a whole number, for example 1000",
                        ));
                        None
                    }
                },
            };
            input.target = match parse_number(&draft.target) {
                Ok(t) => t,
                Err(m) => {
                    found.push(FieldError::new("target", m));
                    None
                }
            };
            if !input.unit.is_fraction() {
                input.numerator_definition.clear();
                input.denominator_definition.clear();
            }
            if input.unit != Unit::Rate {
                input.rate_per = None;
            }
            if let Err(invalid) = input.validate() {
                found.extend(invalid.0);
            }
            if !found.is_empty() {
                errors.set(found);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, navigator) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = match (measure_id, version) {
                    (Some(mid), Some(version)) => api::update_measure(mid, version, &input).await,
                    _ => api::create_measure(id, &input).await,
                };
                match result {
                    Ok(measure) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Measure { id, measure_id: measure.id });
                        }
                    }
                    Err(error) if error.is_stale() => message.set(Some(
                        "Someone else changed this measure since you opened it. Reload the page and make your change again.".to_owned(),
                    )),
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
    let confirm = |show: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(show))
    };
    let d = &*draft;
    let fraction = d.input.unit.is_fraction();
    let back = match props.measure_id {
        Some(measure_id) => {
            html! { <Link<Route> to={Route::Measure { id: props.id, measure_id }} classes="back-link">{ "Back to the measure" }</Link<Route>> }
        }
        None => {
            html! { <Link<Route> to={Route::Project { id: props.id }} classes="back-link">{ "Back to the project" }</Link<Route>> }
        }
    };
    html! {
        <div class="narrow">
            <p>{ back }</p>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="name" label="Name" hint="What the chart is called, for example: Falls per 1,000 bed days"
                    value={d.input.name.clone()} oninput={update(|d, v| d.input.name = v)} error={error_for(&errors, "name")} />
                <SelectField name="measure_type" label="Type of measure"
                    hint="Outcome: the aim itself. Process: whether the changes are happening. Balancing: what might get worse."
                    options={MeasureType::ALL.iter().map(|t| (t.as_str().to_owned(), capitalised(t.as_str()))).collect::<Vec<_>>()}
                    value={d.input.measure_type.as_str()}
                    onchange={update(|d, v| d.input.measure_type = MeasureType::parse(&v).unwrap_or(MeasureType::Outcome))}
                    error={error_for(&errors, "measure_type")} />
                <TextArea name="operational_definition" label="Operational definition"
                    hint="Exactly what is counted, when and how, so anyone collecting it gets the same number"
                    value={d.input.operational_definition.clone()} oninput={update(|d, v| d.input.operational_definition = v)}
                    error={error_for(&errors, "operational_definition")} />
                <SelectField name="unit" label="Unit"
                    options={Unit::ALL.iter().map(|u| (u.as_str().to_owned(), capitalised(u.as_str()))).collect::<Vec<_>>()}
                    value={d.input.unit.as_str()}
                    onchange={update(|d, v| d.input.unit = Unit::parse(&v).unwrap_or(Unit::Count))}
                    error={error_for(&errors, "unit")} />
                if d.input.unit == Unit::Rate {
                    <TextField name="rate_per" label="Rate per" hint="For example 1000 for falls per 1,000 bed days" width="10"
                        value={d.rate_per.clone()} oninput={update(|d, v| d.rate_per = v)} error={error_for(&errors, "rate_per")} />
                }
                if fraction {
                    <TextArea name="numerator_definition" label="Numerator" hint="What is counted on top, for example: falls" rows={2}
                        value={d.input.numerator_definition.clone()} oninput={update(|d, v| d.input.numerator_definition = v)}
                        error={error_for(&errors, "numerator_definition")} />
                    <TextArea name="denominator_definition" label="Denominator" hint="What it is out of, for example: occupied bed days" rows={2}
                        value={d.input.denominator_definition.clone()} oninput={update(|d, v| d.input.denominator_definition = v)}
                        error={error_for(&errors, "denominator_definition")} />
                }
                <SelectField name="improvement_direction" label="Which way is better?"
                    options={ImprovementDirection::ALL.iter().map(|d| (d.as_str().to_owned(), d.label().to_owned())).collect::<Vec<_>>()}
                    value={d.input.improvement_direction.as_str()}
                    onchange={update(|d, v| d.input.improvement_direction = ImprovementDirection::parse(&v).unwrap_or(ImprovementDirection::Increase))}
                    error={error_for(&errors, "improvement_direction")} />
                <TextField name="target" label="Target (optional)" hint="The value to reach; the chart then says whether the process will meet it" width="10"
                    value={d.target.clone()} oninput={update(|d, v| d.target = v)} error={error_for(&errors, "target")} />
                <SelectField name="frequency" label="How often is it collected?"
                    options={Frequency::ALL.iter().map(|f| (f.as_str().to_owned(), capitalised(f.as_str()))).collect::<Vec<_>>()}
                    value={d.input.frequency.as_str()}
                    onchange={update(|d, v| d.input.frequency = Frequency::parse(&v).unwrap_or(Frequency::Monthly))}
                    error={error_for(&errors, "frequency")} />
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Change ideas it follows (optional)" }</legend>
                    if props.ideas.is_empty() {
                        <p class="hint">{ "The project's driver diagram has no change ideas yet." }</p>
                    }
                    { for props.ideas.iter().map(|(idea_id, text)| {
                        let idea_id = *idea_id;
                        let onchange = {
                            let draft = draft.clone();
                            Callback::from(move |on: bool| {
                                let mut next = (*draft).clone();
                                next.input.change_idea_ids.retain(|&i| i != idea_id);
                                if on {
                                    next.input.change_idea_ids.push(idea_id);
                                }
                                draft.set(next);
                            })
                        };
                        html! {
                            <Checkbox id={format!("change-idea-{idea_id}")} label={text.clone()}
                                checked={d.input.change_idea_ids.contains(&idea_id)} {onchange} />
                        }
                    }) }
                </fieldset>
                <button type="submit" class="button" disabled={*busy}>{ if *busy { "Please wait…" } else { "Save measure" } }</button>
            </form>
            if props.measure_id.is_some() {
                if *confirming {
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-title">
                        <h2 id="confirm-title" class="confirm__title">{ "Remove this measure and all its data?" }</h2>
                        <p>{ "Its data points, phase changes and annotations go with it. Export its data as CSV first if you may need it." }</p>
                        <div class="button-group">
                            <button type="button" class="button button--warning" onclick={remove}>{ "Yes, remove it" }</button>
                            <button type="button" class="button button--secondary" onclick={confirm(false)}>{ "Cancel" }</button>
                        </div>
                    </div>
                } else {
                    <button type="button" class="button button--warning" onclick={confirm(true)}>{ "Remove this measure" }</button>
                }
            }
        </div>
    }
}
