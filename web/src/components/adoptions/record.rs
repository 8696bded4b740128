//! The form that records an adoption: of a project (with the change ideas taken up and the
//! adopter's own project) or of an outside innovation; by the signed-in person's organisation,
//! any partner organisation, or someone outside the partnership, as the person may.

use qi_shared::{
    FieldError,
    project::{ProjectQuery, ProjectSort},
    spread::{AdoptionInput, AdoptionStage},
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::prefixed;
use crate::{
    api::{self, spread as adoptions},
    browser::today,
    components::form::{
        Checkbox, ErrorSummary, SelectField, Submit, TextArea, TextField, error_for, field_id,
    },
    hooks::{Load, use_load, use_organisation_options},
    session::use_session,
};

/// What is adopted.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A partnership project, with its change ideas (id, text).
    Project { id: i64, ideas: Vec<(i64, String)> },
    /// An innovation from outside the partnership.
    Innovation(i64),
}

/// Whose adoption the person may record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adopters {
    /// Their own organisation's only.
    Own,
    /// Any partner organisation's (their own offered first).
    Partners,
    /// Any partner organisation's, or someone's outside the partnership.
    Anyone,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub origin: Origin,
    pub adopters: Adopters,
    /// Starts the names of the form's fields, so that several forms on a page keep their own
    /// element ids.
    pub prefix: AttrValue,
    pub title: AttrValue,
    pub submit: AttrValue,
    /// The stage the form starts at.
    pub stage: AdoptionStage,
    pub onrecorded: Callback<()>,
}

#[derive(Debug, Clone, PartialEq)]
struct Draft {
    outside: bool,
    organisation_id: String,
    outside_adopter: String,
    unit: String,
    change_idea_ids: Vec<i64>,
    adopting_project_id: String,
    stage: AdoptionStage,
    on: String,
    note: String,
}

impl Draft {
    fn new(own_organisation: i64, stage: AdoptionStage) -> Self {
        Self {
            outside: false,
            organisation_id: own_organisation.to_string(),
            outside_adopter: String::new(),
            unit: String::new(),
            change_idea_ids: Vec::new(),
            adopting_project_id: String::new(),
            stage,
            on: today().to_string(),
            note: String::new(),
        }
    }

    /// The input to send, or what is wrong with it (fields named as the API names them).
    fn input(
        &self,
        origin: &Origin,
        adopters: Adopters,
        own: i64,
    ) -> Result<AdoptionInput, Vec<FieldError>> {
        let outside = self.outside && adopters == Adopters::Anyone;
        let Ok(on) = self.on.parse() else {
            return Err(vec![FieldError::new(
                "on",
                "Enter the date it was reached, like 2026-05-03",
            )]);
        };
        let (project_id, innovation_id) = match origin {
            Origin::Project { id, .. } => (Some(*id), None),
            Origin::Innovation(id) => (None, Some(*id)),
        };
        let organisation_id = match (adopters, outside) {
            (_, true) => None,
            (Adopters::Own, false) => Some(own),
            (_, false) => self.organisation_id.parse().ok(),
        };
        let filled = |text: &str| Some(text.to_owned()).filter(|t| !t.trim().is_empty());
        let input = AdoptionInput {
            project_id,
            innovation_id,
            organisation_id,
            outside_adopter: outside.then(|| self.outside_adopter.clone()),
            unit: filled(&self.unit),
            adopting_project_id: if outside || innovation_id.is_some() {
                None
            } else {
                self.adopting_project_id.parse().ok()
            },
            change_idea_ids: if innovation_id.is_some() {
                Vec::new()
            } else {
                self.change_idea_ids.clone()
            },
            stage: self.stage,
            on: Some(on),
            note: filled(&self.note),
        };
        input.validate(today()).map_err(|e| e.0)?;
        Ok(input)
    }
}

/// A change to the draft from a field.
type Edit = fn(&mut Draft, String);

#[function_component(RecordAdoption)]
pub fn record_adoption(props: &Props) -> Html {
    let session = use_session();
    let (own_id, own_name) = session
        .person()
        .map(|p| (p.organisation_id, p.organisation_name.clone()))
        .unwrap_or_default();
    let draft = use_state(|| Draft::new(own_id, props.stage));
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let recorded = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let organisations = use_organisation_options(
        Some("Choose an organisation"),
        props.adopters != Adopters::Own,
    );
    // The chosen organisation's projects, for naming the adopter's own (a project's adoption by
    // a partner organisation only).
    let origin_project = match &props.origin {
        Origin::Project { id, .. } => Some(*id),
        Origin::Innovation(_) => None,
    };
    let chosen: Option<i64> = match (props.adopters, draft.outside) {
        (_, true) => None,
        (Adopters::Own, false) => Some(own_id),
        (_, false) => draft.organisation_id.parse().ok(),
    };
    let their_projects = use_load(origin_project.and(chosen), |organisation_id| async move {
        let Some(organisation_id) = organisation_id else {
            return Ok(Vec::new());
        };
        let query = ProjectQuery {
            organisation_id: Some(organisation_id),
            sort: Some(ProjectSort::Title),
            per_page: Some(100),
            ..Default::default()
        };
        api::projects(&query).await.map(|page| page.items)
    });

    let prefix = props.prefix.to_string();
    let field = |name: &str| format!("{prefix}{name}");
    let update = |edit: Edit| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            edit(&mut next, value);
            draft.set(next);
        })
    };
    let onsubmit = {
        let (draft, errors, message, recorded, busy) = (
            draft.clone(),
            errors.clone(),
            message.clone(),
            recorded.clone(),
            busy.clone(),
        );
        let (origin, adopters, onrecorded, prefix) = (
            props.origin.clone(),
            props.adopters,
            props.onrecorded.clone(),
            prefix.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            recorded.set(None);
            let input = match draft.input(&origin, adopters, own_id) {
                Ok(input) => input,
                Err(found) => {
                    errors.set(prefixed(&prefix, found));
                    return;
                }
            };
            errors.set(Vec::new());
            busy.set(true);
            let (draft, errors, message, recorded, busy, onrecorded, prefix) = (
                draft.clone(),
                errors.clone(),
                message.clone(),
                recorded.clone(),
                busy.clone(),
                onrecorded.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match adoptions::record_adoption(&input).await {
                    Ok(a) => {
                        recorded.set(Some(format!(
                            "Recorded: {} at “{}”.",
                            super::adopter(&a),
                            a.stage.label()
                        )));
                        // Ready for the next one, by the same kind of adopter.
                        let mut next = Draft::new(own_id, draft.stage);
                        next.outside = draft.outside;
                        draft.set(next);
                        onrecorded.emit(());
                    }
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

    let d = &*draft;
    let adopter = match props.adopters {
        Adopters::Own => html! {
            <p class="adoption-form__own"><strong>{ "Adopting organisation: " }</strong>{ own_name }</p>
        },
        Adopters::Partners => organisation_select(
            &prefix,
            &organisations,
            d,
            &errors,
            update(|d, v| {
                d.organisation_id = v;
                d.adopting_project_id.clear();
            }),
        ),
        Adopters::Anyone => html! {
            <>
                { who_adopted(&prefix, d.outside, &draft) }
                if d.outside {
                    <TextField name={field("outside_adopter")} label="Name of the adopter"
                        hint="The trust, practice, council or system outside the partnership"
                        value={d.outside_adopter.clone()} oninput={update(|d, v| d.outside_adopter = v)}
                        error={error_for(&errors, &field("outside_adopter"))} />
                } else {
                    { organisation_select(&prefix, &organisations, d, &errors, update(|d, v| {
                        d.organisation_id = v;
                        d.adopting_project_id.clear();
                    })) }
                }
            </>
        },
    };
    let ideas = match &props.origin {
        Origin::Project { ideas, .. } => change_ideas(&prefix, ideas, &draft, &errors),
        Origin::Innovation(_) => html! {},
    };
    let own_project = match (&props.origin, &*their_projects) {
        (Origin::Project { id, .. }, Load::Loaded(list)) if !d.outside => {
            let options: Vec<(String, String)> =
                std::iter::once((String::new(), "None, or not in QI Commons".to_owned()))
                    .chain(
                        list.iter()
                            .filter(|p| p.id != *id)
                            .map(|p| (p.id.to_string(), p.title.clone())),
                    )
                    .collect();
            html! {
                <SelectField name={field("adopting_project_id")} label="Their own project (optional)"
                    hint="If the adopter runs it as a project here, with its own measures"
                    options={options} value={d.adopting_project_id.clone()}
                    onchange={update(|d, v| d.adopting_project_id = v)}
                    error={error_for(&errors, &field("adopting_project_id"))} />
            }
        }
        _ => html! {},
    };
    let stages: Vec<(String, String)> = AdoptionStage::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect();
    html! {
        <form class="panel adoption-form" {onsubmit} novalidate=true aria-labelledby={field("title")}>
            <h3 id={field("title")}>{ props.title.clone() }</h3>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            if let Some(text) = &*recorded {
                <p class="adoption-form__done" role="status">{ text }</p>
            }
            { adopter }
            <TextField name={field("unit")} label="Unit (optional)"
                hint="The ward, team or practice that adopted it; leave blank for the whole organisation"
                value={d.unit.clone()} oninput={update(|d, v| d.unit = v)} error={error_for(&errors, &field("unit"))} />
            { ideas }
            { own_project }
            <SelectField name={field("stage")} label="Stage" options={stages} value={d.stage.as_str()}
                hint="Adopted and sustained count as spread; considering and testing not yet"
                onchange={update(|d, v| if let Some(s) = AdoptionStage::parse(&v) { d.stage = s })}
                error={error_for(&errors, &field("stage"))} />
            <TextField name={field("on")} label="Date reached" input_type="date" width="10" value={d.on.clone()}
                max={today().to_string()} oninput={update(|d, v| d.on = v)} error={error_for(&errors, &field("on"))} />
            <TextArea name={field("note")} label="Note (optional)" value={d.note.clone()}
                oninput={update(|d, v| d.note = v)} error={error_for(&errors, &field("note"))} rows={3} />
            <Submit label={props.submit.clone()} busy={*busy} />
        </form>
    }
}

fn organisation_select(
    prefix: &str,
    organisations: &[(String, String)],
    d: &Draft,
    errors: &[FieldError],
    onchange: Callback<String>,
) -> Html {
    let name = format!("{prefix}organisation_id");
    html! {
        <SelectField name={name.clone()} label="Adopting organisation" options={organisations.to_vec()}
            value={d.organisation_id.clone()} {onchange} error={error_for(errors, &name)} />
    }
}

/// A partner organisation, or someone outside the partnership.
fn who_adopted(prefix: &str, outside: bool, draft: &UseStateHandle<Draft>) -> Html {
    let choose = |value: bool| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            if e.target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked())
            {
                let mut next = (*draft).clone();
                next.outside = value;
                draft.set(next);
            }
        })
    };
    let radio = |value: bool, label: &str| {
        let id = format!(
            "{prefix}adopter-{}",
            if value { "outside" } else { "partner" }
        );
        html! {
            <div class="radio">
                <input class="radio__input" type="radio" name={format!("{prefix}adopter")} id={id.clone()}
                    checked={outside == value} onchange={choose(value)} />
                <label class="radio__label" for={id}>{ label.to_owned() }</label>
            </div>
        }
    };
    html! {
        <fieldset class="fieldset">
            <legend class="fieldset__legend">{ "Who adopted it?" }</legend>
            <div class="radios radios--inline">
                { radio(false, "A partner organisation") }
                { radio(true, "Someone outside the partnership") }
            </div>
        </fieldset>
    }
}

/// The project's change ideas, to tick those taken up.
fn change_ideas(
    prefix: &str,
    ideas: &[(i64, String)],
    draft: &UseStateHandle<Draft>,
    errors: &[FieldError],
) -> Html {
    let name = format!("{prefix}change_idea_ids");
    let error = error_for(errors, &name);
    html! {
        <fieldset class={classes!("fieldset", error.is_some().then_some("form-group--error"))} id={field_id(&name)}>
            <legend class="fieldset__legend">{ "Change ideas taken up (optional)" }</legend>
            <div class="hint">{ "Tick none for the project as a whole." }</div>
            if let Some(error) = error {
                <p class="error-message"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
            }
            if ideas.is_empty() {
                <p class="hint">{ "The project's driver diagram has no change ideas yet." }</p>
            }
            { for ideas.iter().map(|(idea_id, text)| {
                let idea_id = *idea_id;
                let onchange = {
                    let draft = draft.clone();
                    Callback::from(move |on: bool| {
                        let mut next = (*draft).clone();
                        next.change_idea_ids.retain(|&i| i != idea_id);
                        if on {
                            next.change_idea_ids.push(idea_id);
                        }
                        draft.set(next);
                    })
                };
                html! {
                    <Checkbox id={format!("{prefix}change-idea-{idea_id}")} label={text.clone()}
                        checked={draft.change_idea_ids.contains(&idea_id)} {onchange} />
                }
            }) }
        </fieldset>
    }
}
