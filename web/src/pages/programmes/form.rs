//! Start a programme or change one: its name, aim, lead, status and start, and its projects
//! (found by words; only projects the whole partnership may see can join).

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    person::DirectoryEntry,
    programme::{Programme, ProgrammeInput, ProgrammeStatus},
    project::{ProjectQuery, ProjectSummary, Visibility},
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::{Link, use_navigator};

use crate::{
    api::{self, programmes as programme_api},
    components::{
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for, options},
        states::{ErrorPanel, Forbidden, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The programme to change; `None` to start one.
    #[prop_or_default]
    pub id: Option<i64>,
}

#[function_component(ProgrammeFormPage)]
pub fn programme_form_page(props: &Props) -> Html {
    let session = use_session();
    let loaded = use_load(props.id, |id| async move {
        match id {
            Some(id) => programme_api::programme(id).await.map(Some),
            None => Ok(None),
        }
    });
    let Some(me) = session.person().cloned() else {
        return html! { <Loading /> };
    };
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(Some(p)) if !p.may_manage => html! { <Forbidden /> },
        Load::Loaded(None) if !session.actor().is_some_and(|a| a.can_create_programme()) => {
            html! { <Forbidden /> }
        }
        Load::Loaded(found) => {
            let lead = found.as_ref().map_or_else(
                || (me.id, format!("{}, {}", me.name, me.organisation_name)),
                |p| {
                    (
                        p.lead.id,
                        format!("{}, {}", p.lead.name, p.lead_organisation.name),
                    )
                },
            );
            html! { <Form programme={found.clone()} {lead} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    programme: Option<Programme>,
    /// The lead as the form starts: their id and who they are.
    lead: (i64, String),
}

#[derive(Clone, PartialEq)]
struct Draft {
    input: ProgrammeInput,
    lead_name: String,
    /// The chosen projects' titles and organisations, in the order of `input.project_ids`.
    projects: Vec<(String, String)>,
}

#[function_component(Form)]
fn form(props: &FormProps) -> Html {
    let title = match &props.programme {
        Some(p) => format!("Change {}", p.name),
        None => "Start a programme".to_owned(),
    };
    crate::browser::set_title(&title);
    let draft = use_state(|| match &props.programme {
        Some(p) => Draft {
            input: p.to_input(),
            lead_name: props.lead.1.clone(),
            projects: p
                .projects
                .iter()
                .map(|x| (x.title.clone(), x.lead_organisation.name.clone()))
                .collect(),
        },
        None => Draft {
            input: ProgrammeInput {
                name: String::new(),
                aim: String::new(),
                description: String::new(),
                lead_person_id: props.lead.0,
                status: ProgrammeStatus::Active,
                started_on: crate::browser::today(),
                project_ids: Vec::new(),
            },
            lead_name: props.lead.1.clone(),
            projects: Vec::new(),
        },
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let person_words = use_state(String::new);
    let people = use_state(Vec::<DirectoryEntry>::new);
    let project_words = use_state(String::new);
    let found_projects = use_state(|| None::<Vec<ProjectSummary>>);
    let navigator = use_navigator();
    let update = |edit: fn(&mut ProgrammeInput, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            edit(&mut next.input, value);
            draft.set(next);
        })
    };
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                state.set(input.value());
            }
        })
    };
    let find_people = {
        let (person_words, people) = (person_words.clone(), people.clone());
        Callback::from(move |_: MouseEvent| {
            let (q, people) = ((*person_words).clone(), people.clone());
            wasm_bindgen_futures::spawn_local(async move {
                people.set(api::directory(&q).await.unwrap_or_default());
            });
        })
    };
    let find_projects = {
        let (project_words, found_projects) = (project_words.clone(), found_projects.clone());
        Callback::from(move |_: MouseEvent| {
            let query = ProjectQuery {
                q: Some((*project_words).clone()).filter(|w| !w.trim().is_empty()),
                per_page: Some(20),
                ..Default::default()
            };
            let found_projects = found_projects.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let page = api::projects(&query).await;
                found_projects.set(Some(page.map(|p| p.items).unwrap_or_default()));
            });
        })
    };
    let onsubmit = {
        let (draft, errors, message, busy) =
            (draft.clone(), errors.clone(), message.clone(), busy.clone());
        let current = props.programme.as_ref().map(|p| (p.id, p.version));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = draft.input.clone();
            if let Err(found) = input.validate() {
                errors.set(found.0);
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
                let saved = match current {
                    Some((id, version)) => programme_api::update(id, version, &input).await,
                    None => programme_api::create(&input).await,
                };
                busy.set(false);
                match saved {
                    Ok(p) => {
                        if let Some(n) = navigator {
                            n.push(&Route::Programme { id: p.id });
                        }
                    }
                    Err(error) if error.is_stale() => message.set(Some(
                        "Someone changed the programme since you opened it: reload the page to see their change, then make yours again.".to_owned(),
                    )),
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
    let i = &d.input;
    let cancel = match &props.programme {
        Some(p) => Route::Programme { id: p.id },
        None => Route::Programmes,
    };
    let project_error = error_for(&errors, "project_ids").or_else(|| {
        errors
            .iter()
            .find(|e| e.field.starts_with("project_ids["))
            .map(|e| e.message.clone())
    });
    html! {
        <>
            <span class="caption">{ "Programmes" }</span>
            <h1>{ title }</h1>
            <form class="narrow programme-form" {onsubmit} novalidate=true>
                <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                <TextField name="name" label="Name" hint="For example: Reducing inpatient falls across the system"
                    value={i.name.clone()} oninput={update(|d, v| d.name = v)} error={error_for(&errors, "name")} />
                <TextArea name="aim" label="Aim" rows={3} hint="What the programme will achieve, by how much, by when"
                    value={i.aim.clone()} oninput={update(|d, v| d.aim = v)} error={error_for(&errors, "aim")} />
                <TextArea name="description" label="Description (optional)" rows={5} hint="Background, scope and how sites join"
                    value={i.description.clone()} oninput={update(|d, v| d.description = v)} error={error_for(&errors, "description")} />
                <fieldset class={classes!("fieldset", error_for(&errors, "lead_person_id").is_some().then_some("form-group--error"))} id="lead_person_id">
                    <legend class="fieldset__legend">{ "Lead" }</legend>
                    <p><strong>{ "Lead: " }</strong><span class="programme-form__lead">{ &d.lead_name }</span></p>
                    <div class="hint">{ "Their organisation leads the programme. To choose someone else, find them by name." }</div>
                    if let Some(text) = error_for(&errors, "lead_person_id") { <p class="error-message">{ text }</p> }
                    <div class="form-group">
                        <label class="label" for="lead-search">{ "Find a person" }</label>
                        <div class="tree-node__row">
                            <input class="input" id="lead-search" value={(*person_words).clone()} oninput={text(&person_words)} />
                            <button type="button" class="button button--secondary button--small" onclick={find_people}>{ "Find people" }</button>
                        </div>
                    </div>
                    if !people.is_empty() {
                        <ul class="search-results" aria-live="polite">
                            { for people.iter().map(|p| {
                                let (draft, people, id, name) = (draft.clone(), people.clone(), p.id, format!("{}, {}", p.name, p.organisation_name));
                                let choose = Callback::from(move |_: MouseEvent| {
                                    let mut next = (*draft).clone();
                                    next.input.lead_person_id = id;
                                    next.lead_name = name.clone();
                                    draft.set(next);
                                    people.set(Vec::new());
                                });
                                html! {
                                    <li key={p.id}>{ format!("{}, {} ({})", p.name, p.job_role, p.organisation_name) }{ " " }
                                        <button type="button" class="link-button" onclick={choose}>{ format!("Make {} the lead", p.name) }</button></li>
                                }
                            }) }
                        </ul>
                    }
                </fieldset>
                <SelectField name="status" label="Status" options={options(None, ProgrammeStatus::ALL.iter().map(|s| (s.as_str(), s.label())))}
                    value={i.status.as_str()} onchange={update(|d, v| if let Some(s) = ProgrammeStatus::parse(&v) { d.status = s })} />
                <TextField name="started_on" label="Started" input_type="date" width="10" value={i.started_on.format("%Y-%m-%d").to_string()}
                    oninput={update(|d, v| if let Ok(day) = NaiveDate::parse_from_str(&v, "%Y-%m-%d") { d.started_on = day })}
                    error={error_for(&errors, "started_on")} />
                <fieldset class={classes!("fieldset", project_error.is_some().then_some("form-group--error"))} id="project_ids">
                    <legend class="fieldset__legend">{ "Projects" }</legend>
                    <div class="hint">{ "Projects of any partner organisation that the whole partnership may see. Projects in it that you cannot see stay in it." }</div>
                    if let Some(text) = &project_error { <p class="error-message">{ text }</p> }
                    if d.projects.is_empty() {
                        <p class="empty">{ "No projects yet." }</p>
                    }
                    <ul class="programme-form__projects">
                        { for d.projects.iter().enumerate().map(|(n, (title, organisation))| {
                            let draft = draft.clone();
                            let remove = Callback::from(move |_: MouseEvent| {
                                let mut next = (*draft).clone();
                                next.input.project_ids.remove(n);
                                next.projects.remove(n);
                                draft.set(next);
                            });
                            html! {
                                <li>{ format!("{title} ({organisation}) ") }
                                    <button type="button" class="link-button" onclick={remove}>{ format!("Remove {title}") }</button></li>
                            }
                        }) }
                    </ul>
                    <div class="form-group">
                        <label class="label" for="project-search">{ "Find projects to add" }</label>
                        <div class="tree-node__row">
                            <input class="input" id="project-search" value={(*project_words).clone()} oninput={text(&project_words)} />
                            <button type="button" class="button button--secondary button--small" onclick={find_projects}>{ "Find projects" }</button>
                        </div>
                    </div>
                    if let Some(found) = &*found_projects {
                        <ul class="search-results" aria-live="polite">
                            if found.is_empty() { <li>{ "No project matches." }</li> }
                            { for found.iter().filter(|p| !i.project_ids.contains(&p.id)).map(|p| {
                                let open = matches!(p.visibility, Visibility::Partnership | Visibility::Public);
                                let (draft, id, entry) = (draft.clone(), p.id, (p.title.clone(), p.lead_organisation.name.clone()));
                                let add = Callback::from(move |_: MouseEvent| {
                                    let mut next = (*draft).clone();
                                    next.input.project_ids.push(id);
                                    next.projects.push(entry.clone());
                                    draft.set(next);
                                });
                                html! {
                                    <li key={p.id}>{ format!("{} ({}) ", p.title, p.lead_organisation.name) }
                                        if open {
                                            <button type="button" class="link-button" onclick={add}>{ format!("Add {}", p.title) }</button>
                                        } else {
                                            <span class="hint">{ "Only its organisation or team can see it, so it cannot join" }</span>
                                        }
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                </fieldset>
                <div class="button-group">
                    <Submit label={if props.programme.is_some() { "Save the programme" } else { "Start the programme" }} busy={*busy} />
                    <Link<Route> to={cancel} classes="button button--secondary">{ "Cancel" }</Link<Route>>
                </div>
            </form>
        </>
    }
}
