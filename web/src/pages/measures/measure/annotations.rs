//! A chart's phase changes (the SPC limits start again) and annotations: the list, and for the
//! team the form that adds one and the confirmed removal.

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    measure::{Annotation, AnnotationInput, AnnotationKind, Measure},
};
use yew::prelude::*;

use crate::{
    api,
    components::form::{ErrorSummary, SelectField, TextField, error_for},
    hooks::{Load, use_load},
};

#[derive(Properties, PartialEq)]
pub(super) struct MarksProps {
    pub(super) measure: Measure,
    pub(super) can_edit: bool,
    pub(super) onchanged: Callback<Measure>,
}

/// Phase changes (the limits start again) and annotations on the chart.
#[function_component(Marks)]
pub(super) fn marks(props: &MarksProps) -> Html {
    let m = &props.measure;
    let date = use_state(String::new);
    let kind = use_state(|| AnnotationKind::PhaseChange);
    let label = use_state(String::new);
    let cycle = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| None::<i64>);
    // The project's PDSA cycles, for marking the one a change came from.
    let cycles = use_load(
        (m.project_id, props.can_edit),
        |(id, can_edit)| async move {
            if can_edit {
                api::cycles(id).await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let reload = {
        let (onchanged, id) = (props.onchanged.clone(), m.id);
        move || {
            let onchanged = onchanged.clone();
            async move {
                if let Ok(measure) = api::measure(id).await {
                    onchanged.emit(measure);
                }
            }
        }
    };
    let onsubmit = {
        let cycle = cycle.clone();
        let (date, kind, label, errors, message, busy, id) = (
            date.clone(),
            kind.clone(),
            label.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            m.id,
        );
        let reload = reload.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let Ok(when) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
                errors.set(vec![FieldError::new("mark.date", "Enter the date")]);
                return;
            };
            let input = AnnotationInput {
                date: when,
                kind: *kind,
                label: (*label).clone(),
                pdsa_cycle_id: cycle.parse().ok(),
            };
            if let Err(found) = input.validate() {
                errors.set(
                    found
                        .0
                        .into_iter()
                        .map(|e| FieldError::new(format!("mark.{}", e.field), e.message))
                        .collect(),
                );
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, label, date) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                label.clone(),
                date.clone(),
            );
            let reload = reload.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_annotation(id, &input).await {
                    Ok(_) => {
                        label.set(String::new());
                        date.set(String::new());
                        reload().await;
                    }
                    Err(error) => {
                        let fields: Vec<FieldError> = error
                            .fields()
                            .into_iter()
                            .map(|e| FieldError::new(format!("mark.{}", e.field), e.message))
                            .collect();
                        if fields.is_empty() {
                            message.set(Some(error.message()));
                        }
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    let remove = |annotation: i64| {
        let (message, confirming, id, version) =
            (message.clone(), confirming.clone(), m.id, m.version);
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| {
            let (message, confirming) = (message.clone(), confirming.clone());
            let reload = reload.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_annotation(id, annotation, version).await {
                    Ok(()) => {
                        confirming.set(None);
                        reload().await;
                    }
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let ask = |which: Option<i64>| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(which))
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let set_kind = {
        let kind = kind.clone();
        Callback::from(move |v: String| {
            kind.set(AnnotationKind::parse(&v).unwrap_or(AnnotationKind::Annotation))
        })
    };
    let mut list: Vec<&Annotation> = m.annotations.iter().collect();
    list.sort_by_key(|a| a.date);
    let kind_text = |k: AnnotationKind| match k {
        AnnotationKind::PhaseChange => "Phase change",
        AnnotationKind::Annotation => "Annotation",
    };
    html! {
        <section class="marks" aria-labelledby="marks-title">
            <h2 id="marks-title">{ "Phase changes and annotations" }</h2>
            if list.is_empty() {
                <p class="empty">{ "None yet. Mark a phase change where the process changed (the SPC chart's mean and limits start again there), or annotate an event." }</p>
            } else {
                <ul class="mark-list">
                    { for list.into_iter().map(|a| html! {
                        <li class="mark-list__item">
                            <strong>{ format!("{}: ", a.date.format("%-d %b %Y")) }</strong>
                            { format!("{} – {}", kind_text(a.kind), a.label) }
                            if props.can_edit {
                                if *confirming == Some(a.id) {
                                    <span class="grid-confirm" role="group" aria-label="Confirm removal">
                                        <button type="button" class="button button--warning button--small" onclick={remove(a.id)}>{ "Yes, remove it" }</button>
                                        <button type="button" class="button button--secondary button--small" onclick={ask(None)}>{ "Keep it" }</button>
                                    </span>
                                } else {
                                    <button type="button" class="button button--secondary button--small" onclick={ask(Some(a.id))}>
                                        { "Remove" }<span class="visually-hidden">{ format!(" {} on {}", kind_text(a.kind).to_lowercase(), a.date) }</span>
                                    </button>
                                }
                            }
                        </li>
                    }) }
                </ul>
            }
            if props.can_edit {
                <form class="panel narrow" onsubmit={onsubmit} novalidate=true>
                    <h3>{ "Add a phase change or annotation" }</h3>
                    <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                    <TextField name="mark.date" label="Date" input_type="date" width="10" value={(*date).clone()}
                        oninput={set(&date)} error={error_for(&errors, "mark.date")} />
                    <SelectField name="mark.kind" label="Kind" options={vec![
                        ("phase_change".to_owned(), "Phase change: the limits start again here".to_owned()),
                        ("annotation".to_owned(), "Annotation: an event worth knowing about".to_owned()),
                    ]} value={kind.as_str()} onchange={set_kind} error={error_for(&errors, "mark.kind")} />
                    <TextField name="mark.label" label="Label" hint="Shown on the chart, for example: New discharge checklist" value={(*label).clone()}
                        oninput={set(&label)} error={error_for(&errors, "mark.label")} />
                    if let Load::Loaded(list) = &*cycles {
                        if !list.is_empty() {
                            <SelectField name="mark.pdsa_cycle_id" label="PDSA cycle (optional)" hint="The cycle that tested this change, if any"
                                options={std::iter::once((String::new(), "None".to_owned()))
                                    .chain(list.iter().map(|c| (c.id.to_string(), format!("{}: cycle {}: {}", c.change_idea, c.sequence, c.objective))))
                                    .collect::<Vec<_>>()}
                                value={(*cycle).clone()} onchange={set(&cycle)} error={error_for(&errors, "mark.pdsa_cycle_id")} />
                        }
                    }
                    <button type="submit" class="button" disabled={*busy}>{ "Add to the chart" }</button>
                </form>
            }
        </section>
    }
}
