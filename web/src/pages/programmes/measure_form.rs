//! A programme measure's form: its definition, and which of its projects' measures it pools
//! (only like ones are offered: the same unit, rate and frequency, by the rule the server
//! checks, `ProgrammeMeasureInput::source_mismatch`).

use qi_shared::{
    FieldError,
    measure::{Frequency, ImprovementDirection, MeasureSummary, Unit},
    programme::{Programme, ProgrammeMeasure, ProgrammeMeasureInput, adds_up},
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::{
    api::{self, programmes as programme_api},
    components::{
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for, options},
        states::Loading,
    },
    hooks::{Load, use_load},
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub programme: Programme,
    /// The measure to change; `None` for a new one.
    pub measure: Option<ProgrammeMeasure>,
    pub onsaved: Callback<()>,
}

/// A project's measure that could be pooled, with where it comes from.
#[derive(Clone, PartialEq)]
struct Candidate {
    measure: MeasureSummary,
    project: String,
    organisation: String,
}

fn blank() -> ProgrammeMeasureInput {
    ProgrammeMeasureInput {
        name: String::new(),
        definition: String::new(),
        unit: Unit::Rate,
        rate_per: Some(1000),
        improvement_direction: ImprovementDirection::Decrease,
        target: None,
        frequency: Frequency::Monthly,
        source_measure_ids: Vec::new(),
    }
}

fn input_of(m: &ProgrammeMeasure) -> ProgrammeMeasureInput {
    ProgrammeMeasureInput {
        name: m.name.clone(),
        definition: m.definition.clone(),
        unit: m.unit,
        rate_per: m.rate_per,
        improvement_direction: m.improvement_direction,
        target: m.target,
        frequency: m.frequency,
        source_measure_ids: m.sources.iter().map(|s| s.measure_id).collect(),
    }
}

#[function_component(MeasureForm)]
pub fn measure_form(props: &Props) -> Html {
    let programme_id = props.programme.id;
    let prefix = props
        .measure
        .as_ref()
        .map_or_else(|| "new-pm-".to_owned(), |m| format!("pm-{}-edit-", m.id));
    let draft = use_state(|| props.measure.as_ref().map_or_else(blank, input_of));
    // Typed as text, so that a half-typed number is not lost.
    let rate_text = use_state(|| draft.rate_per.map(|r| r.to_string()).unwrap_or_default());
    let target_text = use_state(|| draft.target.map(|t| t.to_string()).unwrap_or_default());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let projects: Vec<(i64, String, String)> = props
        .programme
        .projects
        .iter()
        .map(|p| (p.id, p.title.clone(), p.lead_organisation.name.clone()))
        .collect();
    let candidates = use_load(projects, |projects| async move {
        let mut found = Vec::new();
        for (id, title, organisation) in projects {
            for measure in api::measures(id).await? {
                found.push(Candidate {
                    measure,
                    project: title.clone(),
                    organisation: organisation.clone(),
                });
            }
        }
        Ok(found)
    });
    let update = |edit: fn(&mut ProgrammeMeasureInput, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            edit(&mut next, value);
            draft.set(next);
        })
    };
    let onsubmit = {
        let (draft, rate_text, target_text, errors, message, busy, onsaved) = (
            draft.clone(),
            rate_text.clone(),
            target_text.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsaved.clone(),
        );
        let measure_id = props.measure.as_ref().map(|m| m.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let mut input = (*draft).clone();
            let mut found = Vec::new();
            input.rate_per = None;
            if input.unit == Unit::Rate {
                match rate_text.trim().parse::<u32>() {
                    Ok(per) => input.rate_per = Some(per),
                    Err(_) => found.push(FieldError::new(
                        "rate_per",
                        "Enter what the rate is per as a whole number, such as 1000",
                    )),
                }
            }
            input.target = None;
            if !target_text.trim().is_empty() {
                match target_text.trim().parse::<f64>() {
                    Ok(t) => input.target = Some(t),
                    Err(_) => found.push(FieldError::new("target", "Enter the target as a number")),
                }
            }
            if let Err(more) = input.validate() {
                for error in more.0 {
                    if !found.iter().any(|f| f.field == error.field) {
                        found.push(error);
                    }
                }
            }
            if !found.is_empty() {
                errors.set(found);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onsaved) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsaved.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match measure_id {
                    Some(id) => programme_api::update_measure(programme_id, id, &input).await,
                    None => programme_api::create_measure(programme_id, &input).await,
                };
                busy.set(false);
                match saved {
                    Ok(_) => onsaved.emit(()),
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
            });
        })
    };
    let d = &*draft;
    let units: Vec<(String, String)> = Unit::ALL
        .iter()
        .filter(|u| adds_up(**u))
        .map(|u| (u.as_str().to_owned(), unit_label(*u).to_owned()))
        .collect();
    let sources = match &*candidates {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(all) => {
            let like: Vec<&Candidate> = all
                .iter()
                .filter(|c| d.source_mismatch(&c.measure).is_none())
                .collect();
            let field_error = error_for(&errors, "source_measure_ids").or_else(|| {
                errors
                    .iter()
                    .find(|e| e.field.starts_with("source_measure_ids["))
                    .map(|e| e.message.clone())
            });
            html! {
                <fieldset class={classes!("fieldset", field_error.is_some().then_some("form-group--error"))}
                    id={format!("{prefix}source_measure_ids")}>
                    <legend class="fieldset__legend">{ "Projects' measures it pools" }</legend>
                    <div class="hint">{ format!("Like measures of the programme's projects: a {} collected {}. {} of {} measures match.",
                        unit_label(d.unit).to_lowercase(), d.frequency.label().to_lowercase(), like.len(), all.len()) }</div>
                    if let Some(text) = &field_error { <p class="error-message">{ text }</p> }
                    if like.is_empty() {
                        <p class="empty">{ "None of the programme's projects has a measure like this yet: change the unit, rate or frequency, or add projects to the programme." }</p>
                    }
                    <div class="checkboxes">
                        { for like.iter().map(|c| {
                            let id = c.measure.id;
                            let checked = d.source_measure_ids.contains(&id);
                            let draft = draft.clone();
                            let onchange = Callback::from(move |e: Event| {
                                let on = e.target_dyn_into::<HtmlInputElement>().is_some_and(|i| i.checked());
                                let mut next = (*draft).clone();
                                next.source_measure_ids.retain(|m| *m != id);
                                if on { next.source_measure_ids.push(id); }
                                draft.set(next);
                            });
                            let input_id = format!("{prefix}source-{id}");
                            html! {
                                <div class="checkbox" key={id}>
                                    <input class="checkbox__input" type="checkbox" id={input_id.clone()} {checked} {onchange} />
                                    <label class="checkbox__label" for={input_id}>
                                        { format!("{} in {} ({})", c.measure.name, c.project, c.organisation) }
                                    </label>
                                </div>
                            }
                        }) }
                    </div>
                </fieldset>
            }
        }
    };
    let title = if props.measure.is_some() {
        "Change the measure"
    } else {
        "Add a measure"
    };
    html! {
        <form class="panel programme-measure-form" {onsubmit} novalidate=true aria-label={title}>
            <h3>{ title }</h3>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <TextField name={format!("{prefix}name")} label="Name" hint="For example: Inpatient falls per 1,000 bed days (system)"
                value={d.name.clone()} oninput={update(|d, v| d.name = v)} error={error_for(&errors, "name")} />
            <TextArea name={format!("{prefix}definition")} label="Definition (optional)" rows={3}
                hint="What is counted across the sites, and how" value={d.definition.clone()}
                oninput={update(|d, v| d.definition = v)} error={error_for(&errors, "definition")} />
            <SelectField name={format!("{prefix}unit")} label="Unit" options={units} value={d.unit.as_str()}
                hint="Only a count, a percentage or a rate adds up across sites"
                onchange={update(|d, v| if let Some(u) = Unit::parse(&v) { d.unit = u })} error={error_for(&errors, "unit")} />
            if d.unit == Unit::Rate {
                <TextField name={format!("{prefix}rate_per")} label="Rate per" width="10" input_type="number"
                    hint="As its projects' measures: 1000 for per 1,000 bed days" value={(*rate_text).clone()}
                    oninput={{ let (rate_text, draft) = (rate_text.clone(), draft.clone()); Callback::from(move |v: String| {
                        let mut next = (*draft).clone();
                        next.rate_per = v.trim().parse().ok();
                        draft.set(next);
                        rate_text.set(v);
                    }) }} error={error_for(&errors, "rate_per")} />
            }
            <SelectField name={format!("{prefix}frequency")} label="Frequency"
                options={options(None, Frequency::ALL.iter().map(|f| (f.as_str(), f.label())))} value={d.frequency.as_str()}
                onchange={update(|d, v| if let Some(f) = Frequency::parse(&v) { d.frequency = f })} />
            <SelectField name={format!("{prefix}improvement_direction")} label="Which way is better"
                options={options(None, ImprovementDirection::ALL.iter().map(|f| (f.as_str(), f.label())))} value={d.improvement_direction.as_str()}
                onchange={update(|d, v| if let Some(f) = ImprovementDirection::parse(&v) { d.improvement_direction = f })} />
            <TextField name={format!("{prefix}target")} label="Target (optional)" width="10" value={(*target_text).clone()}
                oninput={{ let t = target_text.clone(); Callback::from(move |v: String| t.set(v)) }} error={error_for(&errors, "target")} />
            { sources }
            <Submit label={if props.measure.is_some() { "Save the measure" } else { "Add the measure" }} busy={*busy} />
        </form>
    }
}

fn unit_label(unit: Unit) -> &'static str {
    match unit {
        Unit::Percentage => "Percentage",
        Unit::Rate => "Rate",
        _ => "Count",
    }
}
